use super::*;
use serde_json::{Value, json};

fn rule(text: &str) -> Rule {
    Rule::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn document() -> RulesDocument {
    RulesDocument {
        rules: [
            "rcpt to=nobody@x.example: reply 550 5.1.1 User unknown, next 3",
            "connect: reply 554 5.3.2 No SMTP service here, p=0.25",
            "greeting: delay 1500ms",
            "data: throttle 100B/s",
            "end_of_data: disconnect",
        ]
        .map(rule)
        .to_vec(),
        max_messages_per_minute: Some(30),
        seed: Some(42),
        scope: Some(RulesScope::Visitor),
        flag_rules: vec![rule(
            "auth: reply 535 5.7.8 Error: authentication failed, 30%",
        )],
        max_rules: Some(32),
    }
}

#[test]
fn documents_round_trip() {
    for value in [document(), RulesDocument::default()] {
        let text = value.encode();
        assert_eq!(RulesDocument::decode(&text), Ok(value.clone()), "{text}");
    }
}

#[test]
fn the_json_is_as_documented() {
    let value: Value = serde_json::from_str(&document().encode()).expect("JSON");
    assert_eq!(
        value["rules"][0],
        json!({
            "stage": "rcpt", "match": "nobody@x.example", "action": "reply",
            "reply": "550 5.1.1 User unknown", "when": "next", "sessions": 3,
            "text": "rcpt to=nobody@x.example: reply 550 5.1.1 User unknown, next 3"
        })
    );
    assert_eq!(value["rules"][1]["probability"], json!(0.25));
    assert_eq!(value["rules"][2]["ms"], json!(1500));
    assert_eq!(value["rules"][3]["bytes_per_second"], json!(100));
    assert_eq!(value["rules"][4]["action"], json!("disconnect"));
    assert_eq!(value["max_messages_per_minute"], json!(30));
    assert_eq!(value["scope"], json!("visitor"));
    assert_eq!(value["flag_rules"][0]["probability"], json!(0.3));
    assert_eq!(value["max_rules"], json!(32));
}

#[test]
fn a_rule_may_be_given_by_its_text_alone() {
    let doc = RulesDocument::decode(
        r#"{"rules":[{"text":"rcpt to=a@b.example: reply 550 5.1.1 No, next 2"}]}"#,
    )
    .expect("valid");
    assert_eq!(
        doc.rules,
        [rule("rcpt to=a@b.example: reply 550 5.1.1 No, next 2")]
    );
    assert_eq!(doc.max_messages_per_minute, None);
}

#[test]
fn bad_documents_name_the_rule_and_the_problem() {
    for (text, needle) in [
        ("[]", "must be a JSON object"),
        (r#"{"rules":{}}"#, "rules must be a list of rules"),
        (r#"{"rulez":[]}"#, "unknown member \"rulez\""),
        (
            r#"{"rules":[1]}"#,
            "rules[0] (rule 1): a rule must be a JSON object",
        ),
        (
            r#"{"rules":[{"stage":"rcpt","action":"disconnect"},{"stagee":"rcpt"}]}"#,
            "rules[1] (rule 2): unknown member \"stagee\"",
        ),
        (
            r#"{"rules":[{"stage":"teleport","action":"disconnect"}]}"#,
            "\"teleport\" is not a stage",
        ),
        (r#"{"rules":[{"stage":"rcpt"}]}"#, "needs an action"),
        (
            r#"{"rules":[{"stage":"rcpt","action":"reply"}]}"#,
            "needs its reply line",
        ),
        (
            r#"{"rules":[{"stage":"rcpt","action":"reply","reply":"250 2.0.0 Ok"}]}"#,
            "250 is not a failure",
        ),
        (
            r#"{"rules":[{"stage":"connect","action":"reply","reply":"550 5.0.0 No"}]}"#,
            "550 cannot replace a greeting",
        ),
        (
            r#"{"rules":[{"stage":"rcpt","action":"delay","ms":"soon"}]}"#,
            "ms must be a whole number",
        ),
        (
            r#"{"rules":[{"stage":"rcpt","action":"delay","ms":600000}]}"#,
            "delay: 600000 is outside 1 to 60000",
        ),
        (
            r#"{"rules":[{"stage":"rcpt","action":"disconnect","ms":5}]}"#,
            "ms does not belong to a disconnect rule",
        ),
        (
            r#"{"rules":[{"stage":"rcpt","action":"disconnect","when":"probability","probability":2}]}"#,
            "\"2\" is not a probability",
        ),
        (
            r#"{"rules":[{"stage":"rcpt","action":"disconnect","when":"sometimes"}]}"#,
            "\"sometimes\" is not a when",
        ),
        (
            r#"{"rules":[{"stage":"data","match":"a@b","action":"disconnect"}]}"#,
            "data has nothing to match",
        ),
        (
            r#"{"rules":[{"text":"rcpt: disconnect","stage":"rcpt"}]}"#,
            "needs an action",
        ),
        (
            r#"{"rules":[{"text":"rcpt: disconnect","when":"always"}]}"#,
            "alone",
        ),
        (r#"{"max_messages_per_minute":0}"#, "from 1 to 100000"),
        (r#"{"seed":-1}"#, "seed must be a whole number"),
    ] {
        match RulesDocument::decode(text) {
            Err(ShapeError::Invalid(why)) => assert!(why.contains(needle), "{text}: {why}"),
            other => panic!("{text}: {other:?}"),
        }
    }
    let many = format!(
        r#"{{"rules":[{}]}}"#,
        vec![r#"{"text":"any: delay 1ms"}"#; MAX_RULES + 1].join(",")
    );
    assert_eq!(
        RulesDocument::decode(&many),
        Err(ShapeError::Invalid(
            RuleError::TooMany(MAX_RULES).to_string()
        ))
    );
}

#[test]
fn earlier_kinds_read_as_the_rules_they_were() {
    for (legacy, text) in [
        (
            json!({"kind": "reject_recipient", "address": "x@y", "reply": "550 5.1.1 No"}),
            "rcpt to=x@y: reply 550 5.1.1 No",
        ),
        (
            json!({"kind": "fail_auth", "probability": 1.0}),
            "auth: reply 535 5.7.8 Error: authentication failed, p=1",
        ),
        (
            json!({"kind": "delay_greeting", "ms": 300}),
            "greeting: delay 300ms",
        ),
        (
            json!({"kind": "drop_after_data"}),
            "end_of_data: disconnect",
        ),
    ] {
        let value = crate::json::parse(&legacy.to_string()).expect("JSON");
        assert_eq!(read_rule(value), Ok(rule(text)));
    }
}

#[test]
fn the_page_reads_each_rule_by_its_text_and_writes_a_body_the_bridge_takes() {
    let full = document();
    let read = page::read(&full.encode()).expect("the page reads it");
    assert_eq!(read.rules, full.rules);
    assert_eq!(read.flag_rules, full.flag_rules);
    assert_eq!(read.scope, Some(RulesScope::Visitor));
    assert_eq!(read.max_messages_per_minute, Some(30));
    let body = page::put_body(&full.rules, Some(12));
    let decoded = RulesDocument::decode(&body).expect("the bridge takes it");
    assert_eq!(decoded.rules, full.rules);
    assert_eq!(decoded.max_messages_per_minute, Some(12));
    assert_eq!(
        RulesDocument::decode(&page::put_body(&[], None)),
        Ok(RulesDocument::default())
    );
    assert_eq!(
        page::read(r#"{"error":"rules[0] (rule 1): no"}"#),
        Err(ShapeError::Refused("rules[0] (rule 1): no".into()))
    );
    assert!(page::read(r#"{"rules":[{"stage":"rcpt"}]}"#).is_err());
    assert!(page::read(r#"{"rules":[{"text":"rcpt: explode"}]}"#).is_err());
}

/// The text form and the JSON of any rule agree, and no input panics.
mod properties {
    use super::*;
    use crate::server::rules::{Action, InjectedReply, Probability, Stage, When};
    use proptest::prelude::*;

    /// Texts shaped like rules, right and wrong in every part.
    fn rule_like() -> impl Strategy<Value = String> {
        (
            "(connect|greeting|ehlo|HELO|auth|mail|rcpt|data|end_of_data|any|teleport)",
            "( (to|from|name|user)=[a-zA-Z@.<>]{0,8})?",
            "(:|;| :)",
            " ?(reply [0-9]{2,3}[ -]?([245]\\.[0-9]{1,2}\\.[0-9]{1,3} )?[ -~]{0,12}|delay [0-9]{0,7}(ms|s|m)?|throttle [0-9]{0,8}(B/s)?|disconnect|explode)",
            "(, ?(next [0-9]{0,7}( sessions)?|p=[0-9.]{0,8}|[0-9.]{1,6}%|always|sometimes))?",
        )
            .prop_map(|(a, b, c, d, e)| format!("{a}{b}{c}{d}{e}"))
    }

    proptest! {
        #[test]
        fn a_rule_reads_back_from_its_text_and_its_json(text in rule_like()) {
            if let Ok(rule) = Rule::parse(&text) {
                prop_assert_eq!(Rule::parse(&rule.to_string()), Ok(rule.clone()));
                prop_assert_eq!(read_rule(rule_json(&rule)), Ok(rule));
            }
        }

        #[test]
        fn any_checked_reply_and_match_survive_the_text_form(
            reply in "[45][0-5][0-9] [45]\\.[0-7]\\.0 [ -~]{1,30}",
            matching in "[ -~]{0,12}",
            next in proptest::option::of(1u32..5),
        ) {
            let when = next.map_or(When::Always, |sessions| When::Next { sessions });
            if let Ok(reply) = InjectedReply::parse(&reply)
                && let Ok(rule) = Rule::new(Stage::Rcpt, Some(&matching), Action::Reply(reply), when)
            {
                prop_assert_eq!(Rule::parse(&rule.to_string()), Ok(rule));
            }
        }

        #[test]
        fn any_text_is_read_without_a_panic(text in "\\PC{0,80}") {
            let _ = Rule::parse(&text);
            let _ = Probability::parse(&text);
            let _ = InjectedReply::parse(&text);
            let _ = RulesDocument::decode(&text);
            let _ = crate::records::rules::page::read(&text);
        }
    }
}
