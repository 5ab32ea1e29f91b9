//! The per-stage timings, as one informational item.

use crate::check::observed::Observations;
use crate::check::{Item, Verdict};
use crate::tx;

pub(super) fn item(o: &Observations) -> Item {
    let value = o
        .timings
        .iter()
        .map(|t| format!("{} {} ms", t.stage, t.ms))
        .collect::<Vec<_>>()
        .join(", ");
    Item::new(
        "timings",
        Verdict::Info,
        "RFC 5321 4.5.3.2",
        value,
        |lang| {
            (
                tx!(lang, "Time per stage", "各阶段耗时"),
                tx!(
                    lang,
                    "Connect, banner, TLS and each command's reply, in milliseconds. RFC 5321 4.5.3.2 lets clients wait minutes, but a slow step delays every message.",
                    "连接、欢迎信息、TLS 以及每条命令的回复耗时（毫秒）。RFC 5321 4.5.3.2 允许客户端等待数分钟，但任何一步缓慢都会拖慢每封邮件。"
                ),
            )
        },
    )
}
