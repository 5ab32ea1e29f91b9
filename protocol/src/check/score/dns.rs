//! Reverse DNS: whether the address has a PTR name, whether that name resolves back to
//! the address (forward-confirmed), and whether it is the name the server gives.

use crate::check::observed::Observations;
use crate::check::{Facts, Item, Verdict};
use crate::{tr, tx};

const REFERENCE: &str = "RFC 1912 2.1, RFC 8601 3";

pub(super) fn items(o: &Observations, f: &Facts) -> Vec<Item> {
    let Some(rdns) = &f.rdns else {
        let not = |id: &'static str| {
            Item::new(id, Verdict::NotTested, REFERENCE, "", |lang| {
                (
                    tx!(lang, "Reverse DNS: not looked up", "反向解析：未查询"),
                    tx!(
                        lang,
                        "No address was connected to, or no resolver was available.",
                        "没有连接到地址，或没有可用的解析器。"
                    ),
                )
            })
        };
        return vec![not("rdns"), not("rdns-match")];
    };
    let address = f.address.clone().unwrap_or_default();
    let ptr = if let Some(error) = &rdns.error {
        Item::new("rdns", Verdict::Warn, REFERENCE, error.clone(), |lang| {
            (
                tx!(lang, "The reverse lookup failed", "反向解析失败"),
                tx!(
                    lang,
                    "The PTR lookup of the address did not answer; receivers doing the same lookup may refuse or delay mail from this server.",
                    "该地址的 PTR 查询没有结果；做同样查询的收件方可能会拒绝或延迟来自此服务器的邮件。"
                ),
            )
        })
    } else if rdns.names.is_empty() {
        Item::new("rdns", Verdict::Fail, REFERENCE, "", move |lang| {
            (
                tr!(
                    lang,
                    "{address} has no reverse DNS",
                    "{address} 没有反向解析"
                ),
                tx!(
                    lang,
                    "Many receivers refuse mail from an address without a PTR record. Ask whoever runs the address (your hosting provider) to set the PTR to the server's host name.",
                    "许多收件方会拒绝来自没有 PTR 记录的地址的邮件。请联系该地址的管理者（主机服务商），将 PTR 设为服务器的主机名。"
                ),
            )
        })
    } else {
        let names = rdns.names.join(", ");
        let confirmed = !rdns.confirmed.is_empty();
        let verdict = if confirmed {
            Verdict::Pass
        } else {
            Verdict::Warn
        };
        Item::new("rdns", verdict, REFERENCE, names.clone(), move |lang| {
            if confirmed {
                (
                    tr!(
                        lang,
                        "Reverse DNS {names} is forward-confirmed",
                        "反向解析 {names} 经正向确认"
                    ),
                    tx!(
                        lang,
                        "The PTR name resolves back to the address, as receivers check.",
                        "PTR 名称可以正向解析回该地址，正如收件方所检查的那样。"
                    ),
                )
            } else {
                (
                    tr!(
                        lang,
                        "Reverse DNS {names} does not resolve back",
                        "反向解析 {names} 无法正向解析回来"
                    ),
                    tx!(
                        lang,
                        "The PTR name has no A/AAAA record with this address, so the reverse DNS is not forward-confirmed and many receivers treat it as missing. Add the address to the name's A/AAAA records.",
                        "PTR 名称没有指向该地址的 A/AAAA 记录，因此反向解析未经正向确认，许多收件方视同没有。请把该地址加入该名称的 A/AAAA 记录。"
                    ),
                )
            }
        })
    };
    let server = o.server_name().unwrap_or_default();
    let matched = rdns
        .confirmed
        .iter()
        .chain(&rdns.names)
        .any(|n| n.trim_end_matches('.').eq_ignore_ascii_case(&server));
    let matching = if server.is_empty() || rdns.names.is_empty() {
        Item::new(
            "rdns-match",
            Verdict::NotTested,
            REFERENCE,
            server,
            |lang| {
                (
                    tx!(lang, "Name match: not tested", "名称匹配：未测试"),
                    tx!(
                        lang,
                        "There is no PTR name or no server name to compare.",
                        "没有可比较的 PTR 名称或服务器名称。"
                    ),
                )
            },
        )
    } else {
        let verdict = if matched {
            Verdict::Pass
        } else {
            Verdict::Warn
        };
        Item::new(
            "rdns-match",
            verdict,
            REFERENCE,
            server.clone(),
            move |lang| {
                if matched {
                    (
                        tr!(
                            lang,
                            "The server's name {server} matches its reverse DNS",
                            "服务器名称 {server} 与反向解析一致"
                        ),
                        tx!(
                            lang,
                            "Banner, EHLO and PTR agree.",
                            "欢迎信息、EHLO 和 PTR 一致。"
                        ),
                    )
                } else {
                    (
                        tr!(
                            lang,
                            "The server calls itself {server}, not its reverse DNS name",
                            "服务器自称 {server}，而不是它的反向解析名"
                        ),
                        tx!(
                            lang,
                            "When this server sends mail, receivers compare its EHLO name with the PTR name; a mismatch counts against it in spam filters. Make the banner/EHLO name (Postfix: myhostname) the PTR name.",
                            "当此服务器发信时，收件方会比较它的 EHLO 名称和 PTR 名称；不一致会在垃圾邮件过滤中扣分。请把欢迎信息/EHLO 名称（Postfix：myhostname）设为 PTR 名称。"
                        ),
                    )
                }
            },
        )
    };
    vec![ptr, matching]
}
