//! The scenario addresses as the page offers them, from `protocol`'s one table
//! ([`SCENARIOS`]): the command a click puts on the command line, and the reply the
//! address gets.

use protocol::server::scenarios::{Entry, SCENARIOS};

/// The domain the page's examples use; any domain selects the same scenario.
pub const EXAMPLE_DOMAIN: &str = "example.com";

/// Every scenario, in the table's order.
pub fn all() -> &'static [Entry] {
    SCENARIOS
}

/// The command a click on `entry` puts on the command line.
pub fn command(entry: &Entry) -> String {
    format!("RCPT TO:<{}@{EXAMPLE_DOMAIN}>", entry.local_part)
}

/// The reply's code and enhanced code (`450 4.2.1`), or `None` when it gives none.
pub fn reply_codes(entry: &'static Entry) -> Option<String> {
    let reply = entry.example_reply()?;
    let mut words = reply.split_whitespace();
    let code = words.next()?;
    Some(match words.next().filter(|w| is_enhanced(w)) {
        Some(enhanced) => format!("{code} {enhanced}"),
        None => code.to_owned(),
    })
}

fn is_enhanced(word: &str) -> bool {
    let parts: Vec<&str> = word.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::server::scenarios::ScenarioKind;

    fn entry(kind: ScenarioKind) -> &'static Entry {
        all().iter().find(|e| e.kind == kind).expect("in the table")
    }

    #[test]
    fn each_scenario_offers_its_rcpt_and_reply_codes() {
        assert_eq!(
            command(entry(ScenarioKind::Busy)),
            "RCPT TO:<busy@example.com>"
        );
        assert_eq!(
            command(entry(ScenarioKind::FullPermanent)),
            "RCPT TO:<full+permanent@example.com>"
        );
        assert_eq!(
            reply_codes(entry(ScenarioKind::Busy)).as_deref(),
            Some("450 4.2.1")
        );
        assert_eq!(
            reply_codes(entry(ScenarioKind::Missing)).as_deref(),
            Some("550 5.1.1")
        );
        assert_eq!(reply_codes(entry(ScenarioKind::Drop)), None);
        // The command is one the session reads as that scenario.
        for e in all() {
            let address = format!("{}@{EXAMPLE_DOMAIN}", e.local_part);
            let scenario = protocol::server::scenarios::Scenario::of(&address).expect("a scenario");
            assert_eq!(scenario.entry.kind, e.kind);
        }
    }
}
