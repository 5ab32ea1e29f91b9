use super::*;
use crate::lang::Lang;

fn rule(text: &str) -> Rule {
    Rule::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn the_text_form_reads_every_stage_action_and_when() {
    let r = rule("rcpt to=nobody@x.example: reply 550 5.1.1 User unknown, next 3");
    assert_eq!(r.stage(), Stage::Rcpt);
    assert_eq!(r.matching(), Some("nobody@x.example"));
    assert_eq!(
        r.action(),
        &Action::Reply(InjectedReply::parse("550 5.1.1 User unknown").expect("valid"))
    );
    assert_eq!(r.when(), When::Next { sessions: 3 });

    for (text, stage) in [
        ("connect: disconnect", Stage::Connect),
        ("greeting: delay 2s", Stage::Greeting),
        (
            "HELO name=client.example: reply 550 5.7.1 Go away",
            Stage::Ehlo,
        ),
        ("auth user=demo: reply 535 5.7.8 Nope", Stage::Auth),
        (
            "mail from=@spam.example: reply 553 5.7.1 Sender rejected",
            Stage::Mail,
        ),
        ("data: throttle 20B/s", Stage::Data),
        ("end_of_data: reply 554 5.7.1 Spam", Stage::EndOfData),
        ("any: delay 100ms", Stage::Any),
    ] {
        assert_eq!(rule(text).stage(), stage, "{text}");
    }
    assert_eq!(
        rule("greeting: delay 2s").action(),
        &Action::Delay { ms: 2000 }
    );
    assert_eq!(
        rule("data: throttle 20").action(),
        &Action::Throttle {
            bytes_per_second: 20
        }
    );
    assert_eq!(
        rule("connect: reply 421 4.3.2 Busy, p=0.25").when(),
        When::Probability(Probability::parse("0.25").expect("valid"))
    );
    assert_eq!(
        rule("connect: reply 421 4.3.2 Busy, 25%").when(),
        rule("connect: reply 421 4.3.2 Busy, p=.25").when()
    );
    assert_eq!(
        rule("rcpt: reply 450 4.2.1 Busy, next 1 session").when(),
        When::Next { sessions: 1 }
    );
    assert_eq!(
        rule("rcpt: reply 450 4.2.1 Busy, always").when(),
        When::Always
    );
}

#[test]
fn a_reply_text_may_hold_commas_and_colons() {
    let r = rule("rcpt to=<X@Y.example>: reply 550 5.1.1 <x@y.example>: no, really, unknown");
    assert_eq!(
        r.action(),
        &Action::Reply(
            InjectedReply::parse("550 5.1.1 <x@y.example>: no, really, unknown").expect("valid")
        )
    );
    assert_eq!(r.matching(), Some("X@Y.example"));
    assert_eq!(r.when(), When::Always);
}

#[test]
fn display_is_canonical_and_reads_back() {
    for text in [
        "rcpt to=nobody@x.example: reply 550 5.1.1 User unknown, next 3",
        "connect: reply 554 5.3.2 No SMTP service here, p=0.25",
        "greeting: delay 1500ms",
        "data: throttle 100B/s, p=0.000001",
        "end_of_data: disconnect",
        "any: delay 10ms, next 100000",
        "auth: reply 535 5.7.8 Error: authentication failed, p=1",
    ] {
        let r = rule(text);
        assert_eq!(r.to_string(), text);
        assert_eq!(rule(&r.to_string()), r);
    }
    assert_eq!(
        rule("  RCPT   TO=a@b :  Reply 550 5.1.1 x ,  NEXT 2 ").to_string(),
        "rcpt to=a@b: reply 550 5.1.1 x, next 2"
    );
    assert_eq!(
        rule("helo name=h: delay 1s").to_string(),
        "ehlo name=h: delay 1000ms"
    );
    // A reply whose text ends like a `when` keeps its `always`, so it reads back whole.
    let tricky = Rule::new(
        Stage::Rcpt,
        None,
        Action::Reply(InjectedReply::parse("550 5.1.1 no, next 2").expect("valid")),
        When::Always,
    )
    .expect("valid");
    assert_eq!(
        tricky.to_string(),
        "rcpt: reply 550 5.1.1 no, next 2, always"
    );
    assert_eq!(rule(&tricky.to_string()), tricky);
    assert_eq!(
        Rule::new(Stage::Rcpt, Some("a:b@c"), Action::Disconnect, When::Always),
        Err(RuleError::Match("a:b@c".into()))
    );
}

#[test]
fn bad_rules_say_what_is_wrong() {
    for (text, error) in [
        ("", RuleError::Empty),
        ("rcpt reply 550", RuleError::Shape("rcpt reply 550".into())),
        (
            "teleport: disconnect",
            RuleError::UnknownStage("teleport".into()),
        ),
        (
            "rcpt from=a@b: disconnect",
            RuleError::MatchKey {
                stage: Stage::Rcpt,
                key: "from".into(),
            },
        ),
        (
            "data to=a@b: disconnect",
            RuleError::MatchNotHere(Stage::Data),
        ),
        (
            "rcpt to=a@b@c: disconnect",
            RuleError::Match("a@b@c".into()),
        ),
        ("rcpt: explode", RuleError::UnknownAction("explode".into())),
        ("rcpt: reply 250 2.1.5 Ok", RuleError::ReplyNotFailure(250)),
        ("rcpt: reply 570 5.1.1 x", RuleError::ReplyNotFailure(570)),
        (
            "rcpt: reply 55 5.1.1 x",
            RuleError::ReplyCode("55 5.1.1 x".into()),
        ),
        (
            "rcpt: reply 550-5.1.1 x",
            RuleError::ReplyCode("550-5.1.1 x".into()),
        ),
        (
            "rcpt: reply 550 User unknown",
            RuleError::EnhancedMissing(550),
        ),
        (
            "rcpt: reply 550 4.1.1 User unknown",
            RuleError::EnhancedClass {
                code: 550,
                enhanced: "4.1.1".into(),
            },
        ),
        (
            "rcpt: reply 550 5.1.99 x",
            RuleError::EnhancedUnknown("5.1.99".into()),
        ),
        ("rcpt: reply 550 5.1.1", RuleError::ReplyText),
        ("rcpt: reply 550 5.1.1 caf\u{e9}", RuleError::ReplyChars),
        (
            "connect: reply 550 5.7.1 No",
            RuleError::ReplyAtGreeting(550),
        ),
        ("greeting: delay 1500", RuleError::Duration("1500".into())),
        (
            "greeting: delay 61s",
            RuleError::OutOfRange {
                what: "delay",
                value: 61_000,
                min: 1,
                max: MAX_DELAY_MS,
            },
        ),
        (
            "data: throttle 0",
            RuleError::OutOfRange {
                what: "throttle",
                value: 0,
                min: 1,
                max: MAX_THROTTLE,
            },
        ),
        (
            "data: throttle fast",
            RuleError::Number {
                what: "throttle",
                text: "fast".into(),
            },
        ),
        (
            "rcpt: disconnect, next three",
            RuleError::Number {
                what: "next",
                text: "three".into(),
            },
        ),
        (
            "rcpt: disconnect, p=1.5",
            RuleError::Probability("1.5".into()),
        ),
        ("rcpt: disconnect, p=0", RuleError::Probability("0".into())),
        (
            "rcpt: disconnect, 0.5%%",
            RuleError::Probability("0.5%%".into()),
        ),
        (
            "rcpt: disconnect now",
            RuleError::Shape("disconnect now".into()),
        ),
        (
            "rcpt: disconnect, sometimes",
            RuleError::UnknownWhen("sometimes".into()),
        ),
    ] {
        assert_eq!(Rule::parse(text), Err(error), "{text}");
    }
    // A long reply.
    let long = format!("rcpt: reply 550 5.1.1 {}", "x".repeat(600));
    assert_eq!(Rule::parse(&long), Err(RuleError::ReplyTooLong(510)));
}

#[test]
fn every_error_reads_in_both_languages() {
    let errors = [
        Rule::parse("").expect_err("empty"),
        Rule::parse("x: y").expect_err("stage"),
        Rule::parse("rcpt: reply 550 x").expect_err("enhanced"),
        Rule::parse("connect: reply 550 5.0.0 x").expect_err("greeting"),
        Rule::parse("rcpt: disconnect, p=2").expect_err("probability"),
    ];
    for error in errors {
        let (en, zh) = (error.message(Lang::En), error.message(Lang::ZhCn));
        assert!(!en.is_empty() && en != zh, "{en} / {zh}");
        assert_eq!(error.to_string(), en);
        assert!(zh.chars().any(|c| c > '\u{2e80}'), "{zh}");
    }
}

#[test]
fn probabilities_are_read_without_floats() {
    for (text, ppm) in [
        ("1", 1_000_000),
        ("1.0", 1_000_000),
        ("0.3", 300_000),
        (".25", 250_000),
        ("0.000001", 1),
        ("30%", 300_000),
        ("0.5%", 5000),
        ("100%", 1_000_000),
    ] {
        assert_eq!(
            Probability::parse(text).map(Probability::ppm),
            Ok(ppm),
            "{text}"
        );
    }
    for bad in [
        "",
        ".",
        "0",
        "0.0000001",
        "1.000001",
        "2",
        "-0.5",
        "1e-3",
        "x",
        "101%",
    ] {
        assert!(Probability::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(
        Probability::parse("0.30").expect("valid").to_string(),
        "0.3"
    );
    assert_eq!(Probability::ONE.to_string(), "1");
}

#[test]
fn matches_are_case_insensitive_and_domains_match_their_addresses() {
    let exact = rule("rcpt to=Nobody@X.example: disconnect");
    assert!(exact.applies(Stage::Rcpt, Some("nobody@x.EXAMPLE")));
    assert!(!exact.applies(Stage::Rcpt, Some("somebody@x.example")));
    assert!(!exact.applies(Stage::Mail, Some("nobody@x.example")));
    let domain = rule("mail from=@Spam.example: disconnect");
    assert!(domain.applies(Stage::Mail, Some("a@spam.EXAMPLE")));
    assert!(!domain.applies(Stage::Mail, Some("a@notspam.example")));
    assert!(!domain.applies(Stage::Mail, Some("spam.example")));
    let any = rule("rcpt: disconnect");
    assert!(any.applies(Stage::Rcpt, Some("whoever@x")));
    assert!(any.applies(Stage::Rcpt, None));
}

#[test]
fn the_set_counts_sessions_down_and_draws_from_its_seed() {
    let mut set = RuleSet::new(
        vec![
            rule("rcpt: reply 450 4.2.1 Busy, next 2"),
            rule("greeting: delay 10ms"),
        ],
        1,
    )
    .expect("two rules");
    assert_eq!(set.start_session().len(), 2);
    assert_eq!(set.rules()[0].when(), When::Next { sessions: 1 });
    assert_eq!(set.start_session().len(), 2);
    assert_eq!(set.rules().len(), 1, "the spent rule left the set");
    let third = set.start_session();
    assert_eq!(third, [rule("greeting: delay 10ms")]);

    let draws = |seed| {
        let mut set = RuleSet::new(vec![rule("connect: disconnect, p=0.3")], seed).expect("one");
        (0..1000)
            .map(|_| !set.start_session().is_empty())
            .collect::<Vec<bool>>()
    };
    assert_eq!(draws(7), draws(7), "the same seed, the same draws");
    assert_ne!(draws(7), draws(8));
    let hits = draws(7).iter().filter(|hit| **hit).count();
    assert!((230..=370).contains(&hits), "{hits} of 1000 at p = 0.3");

    let too_many = vec![rule("any: delay 1ms"); RuleSet::MAX_RULES + 1];
    assert_eq!(
        RuleSet::new(too_many, 0).map(|_| ()),
        Err(RuleError::TooMany(RuleSet::MAX_RULES))
    );
    assert!(RuleSet::default().start_session().is_empty());
}
