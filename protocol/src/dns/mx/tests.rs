use super::*;
use proptest::prelude::*;

fn records(list: &[(u16, &str)]) -> Vec<MxRecord> {
    list.iter()
        .map(|&(preference, exchange)| MxRecord {
            preference,
            exchange: exchange.to_owned(),
        })
        .collect()
}

fn names(plan: &MxPlan) -> Vec<&str> {
    plan.hosts.iter().map(|host| host.name.as_str()).collect()
}

#[test]
fn sorted_by_preference_lowest_first() {
    let list = records(&[(20, "b.example."), (10, "A.example"), (30, "c.example")]);
    let plan = MxPlan::new("Example.", Some(&list), 7);
    assert_eq!(plan.kind, PlanKind::Listed);
    assert_eq!(plan.domain, "example");
    assert_eq!(names(&plan), ["a.example", "b.example", "c.example"]);
}

#[test]
fn equal_preferences_shuffled_deterministically_per_seed() {
    let list = records(&[
        (10, "a"),
        (10, "b"),
        (10, "c"),
        (10, "d"),
        (5, "first"),
        (20, "last"),
    ]);
    let orders: std::collections::HashSet<Vec<String>> = (0..64)
        .map(|seed| {
            let plan = MxPlan::new("x", Some(&list), seed);
            assert_eq!(plan.hosts[0].name, "first");
            assert_eq!(plan.hosts[5].name, "last");
            names(&plan).iter().map(|n| (*n).to_owned()).collect()
        })
        .collect();
    assert!(
        orders.len() > 4,
        "equal preferences come in several orders: {orders:?}"
    );
    assert_eq!(
        MxPlan::new("x", Some(&list), 42),
        MxPlan::new("x", Some(&list), 42)
    );
}

#[test]
fn no_mx_is_the_implicit_mx() {
    for plan in [
        MxPlan::new("a-only.test", None, 0),
        MxPlan::new("a-only.test", Some(&[]), 0),
    ] {
        assert_eq!(plan.kind, PlanKind::Implicit);
        assert_eq!(names(&plan), ["a-only.test"]);
        assert_eq!(plan.hosts[0].preference, 0);
        assert!(plan.findings.iter().any(|f| f.id == "mx-implicit"));
    }
}

#[test]
fn a_single_root_is_a_null_mx() {
    let plan = MxPlan::new("null.test", Some(&records(&[(0, "")])), 0);
    assert_eq!(plan.kind, PlanKind::NullMx);
    assert!(plan.hosts.is_empty());
    assert_eq!(plan.to_try().count(), 0);
    let odd = MxPlan::new("null.test", Some(&records(&[(10, ".")])), 0);
    assert_eq!(odd.kind, PlanKind::NullMx);
    assert!(
        odd.findings
            .iter()
            .any(|f| f.id == "mx-null-preference" && f.text.en.contains("10"))
    );
}

#[test]
fn ip_literals_and_a_root_among_others_are_listed_not_tried() {
    let list = records(&[(10, "192.0.2.1"), (20, ""), (30, "mx.test")]);
    let plan = MxPlan::new("odd.test", Some(&list), 0);
    assert_eq!(plan.hosts.len(), 3);
    assert_eq!(plan.hosts[0].oddity, Some(MxOddity::IpLiteral));
    assert_eq!(plan.hosts[1].oddity, Some(MxOddity::RootAmongOthers));
    let tried: Vec<&str> = plan.to_try().map(|h| h.name.as_str()).collect();
    assert_eq!(tried, ["mx.test"]);
    assert!(MxOddity::IpLiteral.explain().zh.contains("RFC 5321"));
    let none = MxPlan::new("odd.test", Some(&records(&[(10, "192.0.2.1")])), 0);
    assert!(none.findings.iter().any(|f| f.id == "mx-none-usable"));
}

#[test]
fn a_name_listed_twice_is_kept_once_at_its_lowest_preference() {
    let plan = MxPlan::new(
        "d.test",
        Some(&records(&[(20, "mx.test"), (10, "MX.test.")])),
        0,
    );
    assert_eq!(plan.hosts.len(), 1);
    assert_eq!(plan.hosts[0].preference, 10);
}

proptest! {
    #[test]
    fn any_records_make_a_sorted_plan(
        list in proptest::collection::vec((any::<u16>(), "[a-z0-9.:-]{0,12}"), 0..12),
        seed in any::<u64>(),
    ) {
        let list: Vec<MxRecord> = list
            .into_iter()
            .map(|(preference, exchange)| MxRecord { preference, exchange })
            .collect();
        let plan = MxPlan::new("p.test", Some(&list), seed);
        prop_assert!(plan.hosts.windows(2).all(|w| w[0].preference <= w[1].preference));
        prop_assert!(plan.hosts.len() <= list.len().max(1));
        prop_assert_eq!(&plan, &MxPlan::new("p.test", Some(&list), seed));
    }
}
