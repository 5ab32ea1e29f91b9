//! The scorecard rules: each item from the observations and facts, with its verdict,
//! reference and words in both languages. One file per area; this one puts them in
//! order.

mod cert_key;
mod dns;
mod smtp;
mod timing;
mod tls;

use super::observed::Observations;
use super::{Facts, Item, Scorecard, Verdict};
use crate::lang::Lang;
use crate::tr;

/// Milliseconds after which a banner is slow (a greet pause or a tarpit): RFC 5321
/// 4.5.3.2 lets a client wait 5 minutes, but senders give up far sooner in practice.
pub const SLOW_BANNER_MS: u64 = 5_000;

/// Days before the certificate's expiry from which it is a warning.
pub const EXPIRY_WARN_DAYS: i64 = 14;

/// Every item of the check of one host, in a fixed order.
pub fn scorecard(o: &Observations, f: &Facts) -> Scorecard {
    let mut items = vec![smtp::connect(f)];
    items.extend(smtp::banner(o));
    items.extend(smtp::ehlo(o));
    items.extend(tls::items(o, f));
    items.push(smtp::auth_before_tls(o, f));
    items.extend(smtp::extensions(o));
    items.extend(smtp::envelope(o));
    items.extend(dns::items(o, f));
    items.push(timing::item(o));
    Scorecard { items }
}

/// An item for a step that did not run, with why (`because`, in both languages).
fn not_tested(id: &'static str, reference: &'static str, what: fn(Lang) -> String) -> Item {
    Item::new(id, Verdict::NotTested, reference, "", move |lang| {
        let what = what(lang);
        (
            tr!(lang, "{what}: not tested", "{what}：未测试"),
            tr!(
                lang,
                "The conversation did not reach this step (see the lines above for why).",
                "会话没有进行到这一步（原因见上面的记录）。"
            ),
        )
    })
}
