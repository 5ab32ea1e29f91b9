//! Connecting by MX, the server check and the DNS facts: the form's mode, the check's
//! run and steps, the DNS panel's answers.

use super::*;
use crate::check::{CheckStep, count};
use crate::dns::DnsFacts;
use crate::state::{CheckPhase, CheckTarget, DnsView};
use protocol::check::Verdict;
use protocol::records::check::{CheckReport, HostRecord, ItemRecord, ItemWords};

#[test]
fn the_by_mx_mode_sets_port_25_and_wants_a_domain() {
    let mut state = reduce(
        State::default(),
        [
            Action::EditHost("Example.ORG.".into()),
            Action::SetByMx(true),
        ],
    );
    assert_eq!(state.form.port, "25");
    assert_eq!(state.form.domain().as_deref(), Some("example.org"));
    assert!(state.form.request().is_ok());
    assert_eq!(
        state.form.check_target(),
        Some(CheckTarget::Domain {
            domain: "example.org".into(),
            port: 25
        })
    );
    state = reduce(
        state,
        [Action::EditPort("2526".into()), Action::SetByMx(true)],
    );
    assert_eq!(
        state.form.port, "2526",
        "ticking it again keeps a typed port"
    );
    state = reduce(state, [Action::EditHost("127.0.0.1".into())]);
    assert_eq!(
        state.form.request(),
        Err(FormError::NotADomain("127.0.0.1".into()))
    );
    assert_eq!(state.form.check_target(), None);
    state = reduce(state, [Action::SetByMx(false)]);
    assert_eq!(
        state.form.check_target().map(|t| t.label()).as_deref(),
        Some("127.0.0.1:2526")
    );
    let zh = i18n::notice(
        Lang::ZhCn,
        &Notice::FormRejected(FormError::NotADomain("mx".into())),
    );
    assert!(zh.contains("不是邮件域名"), "{zh}");
}

#[test]
fn check_targets_are_named_as_typed() {
    let host = |host: &str| CheckTarget::Host {
        host: host.into(),
        port: 25,
    };
    assert_eq!(host("mx.example.org").label(), "mx.example.org:25");
    assert_eq!(host("::1").label(), "[::1]:25");
    let domain = |port| CheckTarget::Domain {
        domain: "example.org".into(),
        port,
    };
    assert_eq!(domain(25).label(), "example.org");
    assert_eq!(domain(2525).label(), "example.org");
    let escape = |s: &str| s.replace(':', "%3A");
    assert_eq!(domain(25).query(escape), "target=example.org");
    assert_eq!(domain(2525).query(escape), "target=example.org&port=2525");
    assert_eq!(host("::1").query(escape), "target=[%3A%3A1]%3A25");
}

fn card(host: &str, verdicts: &[(&str, Verdict)]) -> Box<HostRecord> {
    Box::new(HostRecord {
        name: host.into(),
        address: Some("127.0.0.1".into()),
        port: 25,
        items: verdicts
            .iter()
            .map(|(id, verdict)| ItemRecord {
                id: (*id).into(),
                verdict: *verdict,
                reference: "RFC 5321".into(),
                en: ItemWords {
                    title: (*id).to_owned(),
                    explanation: "why".into(),
                },
                zh: ItemWords {
                    title: format!("{id}（中文）"),
                    explanation: "原因".into(),
                },
                ..ItemRecord::default()
            })
            .collect(),
        ..HostRecord::default()
    })
}

fn step(run: u32, step: CheckStep) -> Action {
    Action::CheckEvent {
        run,
        step: Box::new(step),
    }
}

#[test]
fn a_check_shows_its_hosts_lines_and_scorecard_and_ignores_old_runs() {
    let state = reduce(
        State::default(),
        [
            Action::CheckStarted {
                run: 1,
                target: "old".into(),
            },
            Action::CheckStarted {
                run: 2,
                target: "example.org".into(),
            },
            step(
                1,
                CheckStep::Failed(Failure::Network("from the old run".into())),
            ),
            step(
                2,
                CheckStep::Host {
                    name: "mx1.example.org".into(),
                    index: 0,
                },
            ),
            step(
                2,
                CheckStep::Card(card("mx1.example.org", &[("banner", Verdict::Pass)])),
            ),
        ],
    );
    let check = state.check.as_ref().expect("a check");
    assert_eq!((check.run, check.target.as_str()), (2, "example.org"));
    assert!(check.is_running());
    assert_eq!(check.current, Some(("mx1.example.org".into(), 0)));
    let progress = check.transcript.iter().next().expect("a note");
    match &progress.kind {
        EntryKind::Note { notice, .. } => {
            assert_eq!(
                i18n::notice(Lang::En, notice),
                "Checking host 1: mx1.example.org…"
            );
            assert_eq!(
                i18n::notice(Lang::ZhCn, notice),
                "正在检查第 1 台服务器：mx1.example.org…"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(check.report.hosts.len(), 1);

    let done = reduce(
        state,
        [
            step(
                2,
                CheckStep::Done(Box::new(CheckReport {
                    hosts: vec![
                        *card("mx1.example.org", &[("banner", Verdict::Pass)]),
                        *card("mx2.example.org", &[("open-relay", Verdict::Fail)]),
                    ],
                    ..CheckReport::default()
                })),
            ),
            step(2, CheckStep::Failed(Failure::Network("late".into()))),
        ],
    );
    let check = done.check.as_ref().expect("a check");
    assert_eq!(
        check.phase,
        CheckPhase::Done,
        "a step after the end is ignored"
    );
    assert_eq!(check.report.hosts.len(), 2);
    assert!(reduce(done, [Action::CloseCheck]).check.is_none());
}

#[test]
fn a_check_in_the_simulator_says_why_it_cannot_run() {
    let state = reduce(
        State::default(),
        [
            Action::SelectBackend(Backend::Simulator),
            Action::CheckStarted {
                run: 1,
                target: "mx.example.org:25".into(),
            },
            step(
                1,
                CheckStep::Host {
                    name: "mx".into(),
                    index: 0,
                },
            ),
        ],
    );
    let check = state.check.expect("a check");
    assert_eq!(check.phase, CheckPhase::Unavailable);
    assert!(check.transcript.is_empty());
    assert!(i18n::check::words(Lang::ZhCn).simulator.contains("模拟"));
}

#[test]
fn stopping_a_check_keeps_what_it_found() {
    let state = reduce(
        State::default(),
        [
            Action::CheckStarted {
                run: 1,
                target: "mx:25".into(),
            },
            step(1, CheckStep::Card(card("mx", &[("banner", Verdict::Warn)]))),
            Action::StopCheck,
        ],
    );
    let check = state.check.expect("a check");
    assert!(!check.is_running());
    assert_eq!(count(&check.report.hosts[0], Verdict::Warn), 1);
}

#[test]
fn the_dns_panel_shows_the_answer_to_the_latest_question_only() {
    let facts = |domain: &str| {
        Box::new(DnsFacts {
            domain: domain.into(),
            ..DnsFacts::default()
        })
    };
    let state = reduce(
        State::default(),
        [
            Action::DnsAsked("a.example".into()),
            Action::DnsAsked("b.example".into()),
            Action::DnsAnswered {
                domain: "a.example".into(),
                result: Ok(facts("a.example")),
            },
        ],
    );
    assert_eq!(state.dns, Some(DnsView::Loading("b.example".into())));
    let state = reduce(
        state,
        [Action::DnsAnswered {
            domain: "b.example".into(),
            result: Err(Failure::Status {
                status: 502,
                code: None,
                message: "SERVFAIL".into(),
            }),
        }],
    );
    let Some(DnsView::Failed(domain, failure)) = &state.dns else {
        panic!("{:?}", state.dns);
    };
    assert_eq!(domain, "b.example");
    assert_eq!(i18n::failure(Lang::ZhCn, failure), "DNS 查询失败或超时。");
    assert_eq!(reduce(state, [Action::CloseDns]).dns, None);
}

#[test]
fn connecting_by_mx_shows_the_list_and_the_host_connected() {
    use protocol::wire::{MxList, MxListAddress, MxListHost};
    let host = |preference, name: &str| MxListHost {
        preference,
        name: name.into(),
        addresses: vec![MxListAddress {
            address: "127.0.0.2".into(),
            allowed: true,
            reason: None,
        }],
        note: None,
    };
    let form = reduce(
        State::default(),
        [
            Action::EditHost("two-mx.example".into()),
            Action::SetByMx(true),
        ],
    )
    .form;
    let request = form.request().expect("a domain");
    assert!(request.by_mx && request.mx_host.is_none());
    let state = reduce(
        State::default(),
        [
            Action::Connect {
                session: S1,
                request: request.clone(),
                backend: Backend::Bridge,
            },
            from_bridge(
                S1,
                ServerMsg::MxList(MxList {
                    domain: "two-mx.example".into(),
                    hosts: vec![
                        host(10, "dead.two-mx.example"),
                        host(20, "live.two-mx.example"),
                    ],
                    ..MxList::default()
                }),
            ),
            from_bridge(
                S1,
                ServerMsg::Connected {
                    version: 1,
                    host: "two-mx.example".into(),
                    port: 25,
                    peer: "127.0.0.2:25".into(),
                    tls: TlsMode::None,
                    mx_host: Some("live.two-mx.example".into()),
                },
            ),
        ],
    );
    let view = state.connection.mx.as_ref().expect("the MX list");
    assert_eq!(view.hosts().len(), 2);
    assert!(view.is_connected("live.two-mx.example"));
    assert_eq!(
        note_texts(&state, Tone::Info).last().map(String::as_str),
        Some("Connected to live.two-mx.example:25 (address 127.0.0.2:25, plain text).")
    );

    // Picking the other host keeps the list, now waiting for that host.
    let picked = crate::state::to_host(request, "dead.two-mx.example".into());
    assert_eq!(picked.mx_host.as_deref(), Some("dead.two-mx.example"));
    let state = reduce(
        state,
        [Action::Connect {
            session: S2,
            request: picked,
            backend: Backend::Bridge,
        }],
    );
    let view = state.connection.mx.as_ref().expect("the list stays");
    assert_eq!((view.hosts().len(), view.connected.as_deref()), (2, None));

    // A host typed by hand has no MX list.
    let state = reduce(state, [connect(SessionId(3))]);
    assert!(state.connection.mx.is_none());
}
