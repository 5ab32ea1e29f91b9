use super::*;

fn rule(text: &str) -> Rule {
    Rule::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn visitor(n: u8) -> VisitorId {
    VisitorId::parse(&format!("{n:02x}").repeat(16)).expect("valid id")
}

fn texts(rules: &[Rule]) -> Vec<String> {
    rules.iter().map(Rule::to_string).collect()
}

fn put(rules: &[&str]) -> RulesDocument {
    RulesDocument {
        rules: rules.iter().map(|t| rule(t)).collect(),
        max_messages_per_minute: Some(30),
        seed: Some(1),
        ..RulesDocument::default()
    }
}

#[test]
fn local_rules_apply_to_every_session_after_the_flags() {
    let store = RulesStore::new(vec![rule("greeting: delay 10ms")], 0, false);
    assert_eq!(
        texts(&store.start_session(None).rules),
        ["greeting: delay 10ms"]
    );
    store
        .replace(None, put(&["rcpt: reply 550 5.1.1 No, next 2"]))
        .expect("stored");
    for _ in 0..2 {
        let picked = store.start_session(Some(visitor(1)));
        assert_eq!(picked.rules.len(), 2);
        assert_eq!(picked.rules[1].action().to_string(), "reply 550 5.1.1 No");
        assert_eq!(picked.max_messages_per_minute, Some(30));
    }
    assert_eq!(
        texts(&store.start_session(None).rules),
        ["greeting: delay 10ms"]
    );
    let document = store.document(None);
    assert!(document.rules.is_empty(), "the spent rule is gone");
    assert_eq!(document.scope, Some(RulesScope::All));
    assert_eq!(texts(&document.flag_rules), ["greeting: delay 10ms"]);
}

#[test]
fn public_rules_belong_to_their_visitor_only() {
    let store = RulesStore::new(Vec::new(), 0, true);
    store
        .replace(Some(visitor(1)), put(&["rcpt: reply 550 5.1.1 No"]))
        .expect("stored");
    assert_eq!(store.start_session(Some(visitor(1))).rules.len(), 1);
    assert!(store.start_session(Some(visitor(2))).rules.is_empty());
    assert!(
        store.start_session(None).rules.is_empty(),
        "an outside client"
    );
    assert_eq!(store.document(Some(visitor(1))).rules.len(), 1);
    assert!(store.document(Some(visitor(2))).rules.is_empty());
    assert_eq!(store.document(None).scope, Some(RulesScope::Visitor));
    assert!(matches!(
        store.replace(None, put(&["rcpt: disconnect"])),
        Err(PutError::NoVisitor)
    ));
    // An empty PUT removes the visitor's set.
    store
        .replace(Some(visitor(1)), RulesDocument::default())
        .expect("cleared");
    assert!(lock(&store.api).visitors.is_empty());
}

#[test]
fn visitor_sets_are_capped_oldest_first() {
    let store = RulesStore::new(Vec::new(), 0, true);
    for n in 0..=MAX_VISITOR_SETS {
        let id = VisitorId::parse(&format!("{n:032x}")).expect("id");
        store
            .replace(Some(id), put(&["rcpt: disconnect"]))
            .expect("stored");
    }
    let api = lock(&store.api);
    assert_eq!(api.visitors.len(), MAX_VISITOR_SETS);
    let first = VisitorId::parse(&format!("{:032x}", 0)).expect("id");
    assert!(!api.visitors.contains_key(&first), "the oldest went");
}

#[test]
fn the_seed_makes_the_draws_repeatable() {
    let draws = || {
        let store = RulesStore::new(Vec::new(), 0, false);
        store
            .replace(None, put(&["connect: disconnect, p=0.5"]))
            .expect("stored");
        (0..64)
            .map(|_| store.start_session(None).rules.len())
            .collect::<Vec<_>>()
    };
    assert_eq!(draws(), draws());
}
