//! Address lists as real mail writes them, and envelopes against them.

use proptest::prelude::*;

use super::*;

fn addr(local: &str, domain: &str) -> AddrSpec {
    AddrSpec {
        local: local.into(),
        domain: domain.into(),
    }
}

fn mailbox(name: Option<&str>, local: &str, domain: &str) -> AddressEntry {
    AddressEntry::Mailbox(Mailbox {
        display_name: name.map(str::to_owned),
        addr: addr(local, domain),
    })
}

#[test]
fn address_lists_are_read_as_rfc_5322_writes_them() {
    let cases: &[(&str, Vec<AddressEntry>)] = &[
        ("bob@example.com", vec![mailbox(None, "bob", "example.com")]),
        (
            "Bob Smith <bob@example.com>",
            vec![mailbox(Some("Bob Smith"), "bob", "example.com")],
        ),
        // A comma inside a quoted display name does not split the list.
        (
            "\"Smith, Bob\" <bob@example.com>, carol@example.org",
            vec![
                mailbox(Some("Smith, Bob"), "bob", "example.com"),
                mailbox(None, "carol", "example.org"),
            ],
        ),
        // Quoted local parts keep their value, quotes and escapes removed.
        (
            "\"john doe\"@example.com, \"a\\\"b\"@x.test",
            vec![
                mailbox(None, "john doe", "example.com"),
                mailbox(None, "a\"b", "x.test"),
            ],
        ),
        // Comments anywhere are white space; a trailing one is the old way to give a name.
        (
            "bob@example.com (Bob Smith), Carol (work) <carol(x)@example.org>",
            vec![
                mailbox(Some("Bob Smith"), "bob", "example.com"),
                mailbox(Some("Carol"), "carol", "example.org"),
            ],
        ),
        // Nested comments and an escaped parenthesis inside one.
        (
            "dave@example.net (Dave (the \\) one))",
            vec![mailbox(Some("Dave (the ) one)"), "dave", "example.net")],
        ),
        // Groups, empty or not.
        (
            "undisclosed-recipients:;",
            vec![AddressEntry::Group {
                name: "undisclosed-recipients".into(),
                members: vec![],
            }],
        ),
        (
            "Team: a@x.test, \"B\" <b@x.test>; c@y.test",
            vec![
                AddressEntry::Group {
                    name: "Team".into(),
                    members: vec![
                        Mailbox {
                            display_name: None,
                            addr: addr("a", "x.test"),
                        },
                        Mailbox {
                            display_name: Some("B".into()),
                            addr: addr("b", "x.test"),
                        },
                    ],
                },
                mailbox(None, "c", "y.test"),
            ],
        ),
        // Obsolete forms (RFC 5322 4.4): a route, empty elements, spaces around dots.
        (
            "<@relay.test,@other.test:bob@example.com>, , john . doe @ example . com",
            vec![
                mailbox(None, "bob", "example.com"),
                mailbox(None, "john.doe", "example.com"),
            ],
        ),
        // Domain literals and UTF-8 (RFC 6532).
        (
            "root@[192.0.2.1], 用户@例子.测试",
            vec![
                mailbox(None, "root", "[192.0.2.1]"),
                mailbox(None, "用户", "例子.测试"),
            ],
        ),
        // What is not an address is kept as written, and the rest still read.
        (
            "Bob, <carol@example.org>",
            vec![
                AddressEntry::Unreadable("Bob".into()),
                mailbox(None, "carol", "example.org"),
            ],
        ),
        // No brackets around an address after a name: read leniently.
        (
            "Bob Smith bob@example.com",
            vec![mailbox(Some("Bob Smith"), "bob", "example.com")],
        ),
        ("", vec![]),
        ("  (just a comment) ", vec![]),
    ];
    for (value, expected) in cases {
        assert_eq!(&parse_address_list(value), expected, "{value:?}");
    }
}

#[test]
fn envelope_addresses_are_read_with_or_without_brackets() {
    assert_eq!(
        parse_addr_spec("bob@example.com"),
        addr("bob", "example.com")
    );
    assert_eq!(
        parse_addr_spec("<bob@example.com>"),
        addr("bob", "example.com")
    );
    assert_eq!(
        parse_addr_spec("@relay.test:bob@example.com"),
        addr("bob", "example.com")
    );
    assert_eq!(
        parse_addr_spec("\"john doe\"@example.com"),
        addr("john doe", "example.com")
    );
    assert!(parse_addr_spec("").is_null());
    assert!(parse_addr_spec("<>").is_null());
    assert_eq!(parse_addr_spec("postmaster"), addr("postmaster", ""));
}

#[test]
fn addresses_compare_as_mail_systems_do() {
    let bob = addr("bob", "Example.COM");
    assert!(
        bob.same_mailbox(&addr("bob", "example.com")),
        "domains ignore case"
    );
    assert!(!bob.same_mailbox(&addr("Bob", "example.com")));
    assert!(bob.same_but_case(&addr("Bob", "example.com")));
    assert!(
        !bob.same_but_case(&addr("bob", "example.com")),
        "not a case difference"
    );
    assert!(!bob.same_mailbox(&addr("bob", "example.org")));
    assert_eq!(
        addr("john doe", "x.test").to_string(),
        "\"john doe\"@x.test"
    );
    assert_eq!(addr("a\"b", "x.test").to_string(), "\"a\\\"b\"@x.test");
    assert_eq!(addr("john.doe", "x.test").to_string(), "john.doe@x.test");
    assert_eq!(addr(".x", "x.test").to_string(), "\".x\"@x.test");
    assert_eq!(addr("", "").to_string(), "");
}

fn headers<'a>(list: &'a [(&'a str, &'a str)]) -> impl Iterator<Item = (&'a str, &'a str)> {
    list.iter().copied()
}

#[test]
fn a_blind_copy_is_in_the_envelope_only() {
    let rcpt = vec![
        "bob@example.com".to_owned(),
        "\"carol\"@EXAMPLE.org".to_owned(),
        "dave@example.net".to_owned(),
    ];
    let comparison = compare(
        "alice@example.com",
        &rcpt,
        headers(&[
            ("From", "Alice <alice@example.com>"),
            ("To", "Bob <bob@example.com>, Erin <erin@example.com>"),
            ("cc", "carol@example.org (Carol)"),
            ("Subject", "not an address: <x@y>"),
        ]),
    );
    let rows: Vec<_> = comparison
        .recipients
        .iter()
        .map(|r| (r.addr.to_string(), r.fields.clone(), r.status))
        .collect();
    assert_eq!(
        rows,
        [
            (
                "bob@example.com".to_owned(),
                vec![Field::To],
                RecipientStatus::Named
            ),
            (
                "carol@EXAMPLE.org".to_owned(),
                vec![Field::Cc],
                RecipientStatus::Named
            ),
            (
                "dave@example.net".to_owned(),
                vec![],
                RecipientStatus::Blind
            ),
            (
                "erin@example.com".to_owned(),
                vec![Field::To],
                RecipientStatus::NotDelivered
            ),
        ]
    );
    assert_eq!(
        comparison.recipients[1].display_name.as_deref(),
        Some("Carol")
    );
    let from = comparison.sender(Field::From).expect("From");
    assert!(from.matches_mail_from);
    assert_eq!(comparison.sender(Field::ReturnPath), None);
}

#[test]
fn sender_fields_are_compared_with_mail_from() {
    let comparison = compare(
        "bounces+123@lists.example.com",
        &["bob@example.com".to_owned()],
        headers(&[
            ("Reply-To", "list@lists.example.com"),
            ("From", "Alice <alice@example.com>"),
            ("Return-Path", "<bounces+123@lists.example.com>"),
            ("Sender", "owner@lists.example.com"),
            ("To", "list@lists.example.com"),
        ]),
    );
    let senders: Vec<_> = comparison
        .senders
        .iter()
        .map(|s| (s.field, s.matches_mail_from))
        .collect();
    assert_eq!(
        senders,
        [
            (Field::ReturnPath, true),
            (Field::From, false),
            (Field::Sender, false),
            (Field::ReplyTo, false),
        ]
    );
    // A bounce: the null sender, and a Return-Path saying so.
    let bounce = compare("", &[], headers(&[("Return-Path", "<>")]));
    assert!(bounce.mail_from.is_null());
    assert!(
        bounce
            .sender(Field::ReturnPath)
            .expect("present")
            .matches_mail_from
    );
}

#[test]
fn groups_bcc_fields_case_and_repeats_are_reported() {
    let rcpt = vec![
        "bob@example.com".to_owned(),
        "BOB@example.com".to_owned(),
        "carol@example.com".to_owned(),
        "dave@example.com".to_owned(),
    ];
    let comparison = compare(
        "alice@example.com",
        &rcpt,
        headers(&[
            ("To", "undisclosed-recipients:;"),
            ("Bcc", "carol@example.com"),
            ("Cc", "Dave@Example.com, Dave <dave@example.com>"),
            ("To", "Bob"),
        ]),
    );
    assert_eq!(
        comparison.groups,
        [Group {
            field: Field::To,
            name: "undisclosed-recipients".into(),
            members: 0
        }]
    );
    assert_eq!(comparison.unreadable, [(Field::To, "Bob".to_owned())]);
    let status: Vec<_> = comparison
        .recipients
        .iter()
        .map(|r| (r.addr.to_string(), r.status, r.case_differs))
        .collect();
    assert_eq!(
        status,
        [
            ("bob@example.com".to_owned(), RecipientStatus::Blind, false),
            ("BOB@example.com".to_owned(), RecipientStatus::Blind, false),
            (
                "carol@example.com".to_owned(),
                RecipientStatus::BccField,
                false
            ),
            ("dave@example.com".to_owned(), RecipientStatus::Named, true),
        ]
    );
    // Named twice in Cc: one field, one name.
    assert_eq!(comparison.recipients[3].fields, [Field::Cc]);
    assert_eq!(
        comparison.recipients[3].display_name.as_deref(),
        Some("Dave")
    );
}

#[test]
fn field_names_are_matched_without_case() {
    assert_eq!(Field::from_name("reply-to"), Some(Field::ReplyTo));
    assert_eq!(Field::from_name("RESENT-BCC"), Some(Field::ResentBcc));
    assert_eq!(Field::from_name("Subject"), None);
    for field in Field::ALL {
        assert_eq!(Field::from_name(field.name()), Some(field));
    }
}

proptest! {
    /// Reading never fails, and a mailbox written back is read again as itself.
    #[test]
    fn reading_never_fails_and_written_addresses_read_back(
        value in "\\PC{0,80}",
        local in "[a-z0-9 .\"\\\\]{1,12}",
        domain in "[a-z0-9]{1,8}\\.[a-z]{2,4}",
    ) {
        let _ = parse_address_list(&value);
        let _ = parse_addr_spec(&value);
        let written = addr(&local, &domain);
        let text = format!("Name <{written}>, {written}");
        let read = parse_address_list(&text);
        prop_assert_eq!(read.len(), 2);
        for entry in read {
            match entry {
                AddressEntry::Mailbox(m) => prop_assert_eq!(&m.addr, &written),
                other => prop_assert!(false, "{:?} from {:?}", other, text),
            }
        }
    }
}
