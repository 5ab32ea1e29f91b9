use super::*;
use crate::dns::FactStatus;
use proptest::prelude::*;

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// Runs a check against a table of TXT records.
fn run(domain: &str, table: &[(&str, &[&str])]) -> Fact {
    let find = |name: &str| {
        table
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, records)| strings(records))
    };
    let mut check = SpfCheck::new(domain, &find(domain).unwrap_or_default());
    for _ in 0..50 {
        let Some(next) = check.next_fetch() else {
            break;
        };
        let records = find(&next);
        check.provide(&next, records.as_deref());
    }
    check.finish()
}

#[test]
fn a_simple_record_counts_its_lookups() {
    let fact = run(
        "good.test",
        &[("good.test", &["v=spf1 ip4:192.0.2.0/24 mx -all", "other"])],
    );
    assert_eq!(fact.status, FactStatus::Found);
    assert_eq!(fact.records.len(), 1);
    assert_eq!(fact.lookups, Some(1));
    assert!(fact.has("spf-lookups"));
}

#[test]
fn nested_includes_over_ten_lookups_are_flagged_with_the_number() {
    let fact = run(
        "broken.test",
        &[
            (
                "broken.test",
                &["v=spf1 include:_1.broken.test include:_2.broken.test mx a -all"],
            ),
            (
                "_1.broken.test",
                &["v=spf1 a:a1.broken.test a:a2.broken.test mx -all"],
            ),
            (
                "_2.broken.test",
                &["v=spf1 a mx include:_3.broken.test -all"],
            ),
            ("_3.broken.test", &["v=spf1 a mx -all"]),
        ],
    );
    assert_eq!(fact.lookups, Some(12));
    assert_eq!(fact.status, FactStatus::Broken);
    let finding = fact
        .findings
        .iter()
        .find(|f| f.id == "spf-too-many-lookups")
        .expect("flagged");
    assert!(finding.text.en.contains("12") && finding.text.zh.contains("12"));
}

#[test]
fn two_records_are_a_permerror_and_permissive_all_warns() {
    let fact = run("two.test", &[("two.test", &["v=spf1 +all", "v=spf1 -all"])]);
    let order = run(
        "o.test",
        &[("o.test", &["v=spf1 -all", "v=spf1 a mx -all"])],
    );
    assert_eq!(
        order.lookups,
        Some(2),
        "the costliest of several records is counted"
    );
    assert_eq!(fact.status, FactStatus::Broken);
    assert!(fact.has("spf-several-records"));
    assert!(fact.has("spf-permissive-all"));
    assert!(run("q.test", &[("q.test", &["v=spf1 ?all"])]).has("spf-permissive-all"));
    assert!(!run("s.test", &[("s.test", &["v=spf1 ~all"])]).has("spf-permissive-all"));
}

#[test]
fn void_lookups_loops_and_bad_terms() {
    let fact = run(
        "v.test",
        &[(
            "v.test",
            &["v=spf1 include:n1.test include:n2.test include:n3.test include:v.test -all"],
        )],
    );
    assert!(fact.has("spf-too-many-void-lookups"));
    assert!(fact.has("spf-target-without-spf"));
    assert_eq!(
        fact.lookups,
        Some(4),
        "the loop back to v.test is counted, not followed"
    );
    assert!(run("b.test", &[("b.test", &["v=spf1 ip4:300.1.1.1 foo -all"])]).has("spf-bad-term"));
    assert!(
        run(
            "r.test",
            &[
                ("r.test", &["v=spf1 redirect=_r.test"]),
                ("_r.test", &["v=spf1 ptr -all"])
            ]
        )
        .has("spf-ptr")
    );
    assert_eq!(run("none.test", &[]).status, FactStatus::Missing);
    assert!(!is_spf("v=spf10"));
    assert!(is_spf("V=SPF1"));
}

proptest! {
    #[test]
    fn never_panics(
        top in "(v=spf1)?( [+?~-]?(all|include:[a-z.%{}]{0,8}|a|mx|ptr|exists:[a-z]{0,4}|ip4:[0-9./]{0,12}|ip6:[0-9a-f:/]{0,12}|redirect=[a-z.]{0,6}|[ -~]{0,6})){0,8}",
        nested in proptest::collection::vec(".{0,40}", 0..4),
    ) {
        let mut check = SpfCheck::new("p.test", &[top]);
        for i in 0..30 {
            let Some(next) = check.next_fetch() else { break };
            let records = nested.get(i % 5).map(|r| vec![format!("v=spf1 {r}")]);
            check.provide(&next, records.as_deref());
        }
        let fact = check.finish();
        prop_assert!(fact.lookups.is_none_or(|n| n < 1000));
    }
}
