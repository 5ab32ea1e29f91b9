use super::*;

#[test]
fn the_local_part_decides_in_any_case_and_domain() {
    for (address, kind, value) in [
        ("busy@example.com", ScenarioKind::Busy, 0),
        ("BUSY@Sandbox.Smtp-Playground.Test", ScenarioKind::Busy, 0),
        ("greylist@x.test", ScenarioKind::Greylist, 60),
        ("greylist+5@x.test", ScenarioKind::Greylist, 5),
        ("greylist+0@x.test", ScenarioKind::Greylist, 1),
        ("greylist+999999@x.test", ScenarioKind::Greylist, 3600),
        ("greylist+soon@x.test", ScenarioKind::Greylist, 60),
        ("missing@x.test", ScenarioKind::Missing, 0),
        ("full@x.test", ScenarioKind::Full, 0),
        ("Full+Permanent@x.test", ScenarioKind::FullPermanent, 0),
        ("full+whatever@x.test", ScenarioKind::Full, 0),
        ("spam@x.test", ScenarioKind::Spam, 0),
        ("slow@x.test", ScenarioKind::Slow, 3000),
        ("slow+250@x.test", ScenarioKind::Slow, 250),
        ("slow+0@x.test", ScenarioKind::Slow, 0),
        ("slow+600000@x.test", ScenarioKind::Slow, 60_000),
        ("drop@x.test", ScenarioKind::Drop, 0),
        ("bounce@x.test", ScenarioKind::Bounce, 0),
        ("relay@elsewhere.example", ScenarioKind::Relay, 0),
    ] {
        let scenario = Scenario::of(address).unwrap_or_else(|| panic!("{address}"));
        assert_eq!(
            (scenario.kind(), scenario.value),
            (kind, value),
            "{address}"
        );
    }
    for ordinary in [
        "alice@example.com",
        "busybox@example.com",
        "not-busy@example.com",
        "postmaster",
        "spam.trap@example.com",
        "",
    ] {
        assert_eq!(Scenario::of(ordinary), None, "{ordinary}");
    }
}

#[test]
fn the_table_is_consistent() {
    let mut seen = std::collections::BTreeSet::new();
    for entry in SCENARIOS {
        assert!(seen.insert(entry.local_part), "{} twice", entry.local_part);
        assert_eq!(entry.local_part, entry.local_part.to_ascii_lowercase());
        assert_eq!(
            Scenario::of(&format!("{}@example.com", entry.local_part)).map(Scenario::kind),
            Some(entry.kind)
        );
        for text in [entry.shows, entry.advice] {
            assert!(text.en.len() > 20, "{}: {}", entry.local_part, text.en);
            assert!(
                text.zh
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{}: {}",
                entry.local_part,
                text.zh
            );
        }
        assert_eq!(
            ScenarioStage::from_name(entry.stage.as_str()),
            Some(entry.stage)
        );
        assert_eq!(
            Verdict::from_name(entry.verdict.as_str()),
            Some(entry.verdict)
        );
        let reply = entry.example_reply();
        let Some(reply) = reply else {
            assert_eq!(entry.kind, ScenarioKind::Drop);
            continue;
        };
        assert!(!reply.contains(['\r', '\n']), "{reply}");
        // A refusal at RCPT or at the dot says by its first digit what the verdict is.
        if matches!(entry.stage, ScenarioStage::Rcpt | ScenarioStage::EndOfData)
            && entry.verdict != Verdict::Accepted
        {
            let class = if entry.verdict == Verdict::RetryLater {
                '4'
            } else {
                '5'
            };
            assert!(reply.starts_with(class), "{reply}");
            // The enhanced code's class agrees with the reply code's (RFC 3463 2).
            assert_eq!(reply.as_bytes()[4], class as u8, "{reply}");
        } else {
            assert!(reply.starts_with('2'), "{reply}");
        }
    }
    assert_eq!(SCENARIOS.len(), 10);
}

#[test]
fn the_replies_are_exact() {
    let reply = |local: &str| {
        SCENARIOS
            .iter()
            .find(|e| e.local_part == local)
            .and_then(|e| e.example_reply())
            .unwrap_or_default()
    };
    assert_eq!(
        reply("busy"),
        "450 4.2.1 <busy@example.com>: Recipient address rejected: Mailbox busy, try again later"
    );
    assert_eq!(
        reply("greylist"),
        "451 4.7.1 <greylist@example.com>: Recipient address rejected: Greylisted for 60 seconds, try again later"
    );
    assert_eq!(
        reply("missing"),
        "550 5.1.1 <missing@example.com>: Recipient address rejected: User unknown in virtual mailbox table"
    );
    assert_eq!(
        reply("full"),
        "452 4.2.2 <full@example.com>: Recipient address rejected: Quota exceeded (mailbox for user is full)"
    );
    assert_eq!(
        reply("full+permanent"),
        "552 5.2.2 <full+permanent@example.com>: Recipient address rejected: Quota exceeded (mailbox for user is full)"
    );
    assert_eq!(reply("spam"), "554 5.7.1 Spam message rejected");
    assert_eq!(
        reply("relay"),
        "554 5.7.1 <relay@example.com>: Relay access denied"
    );
    assert_eq!(
        too_many_messages("sandbox.test"),
        "421 4.7.0 sandbox.test Error: too many messages; try again later\r\n"
    );
    let greylist = SCENARIOS.iter().find(|e| e.kind == ScenarioKind::Greylist);
    assert_eq!(
        greylist.map(Entry::address).as_deref(),
        Some("greylist[+SECONDS]@")
    );
}
