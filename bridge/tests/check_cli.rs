//! `smtp-playground check` as a user runs it: the real binary against the test Postfix's
//! open relay listener (scripts/postfix.sh), in both formats and both languages. The JSON
//! is read with `protocol::records`, as any program would.

use std::process::{Command, Output};

use protocol::check::Verdict;
use protocol::records::Shape;
use protocol::records::check::CheckReport;

/// The open relay listener's address, from the environment scripts/postfix.sh prints.
fn open_relay() -> String {
    std::env::var("SMTP_PLAYGROUND_POSTFIX_OPEN_RELAY").expect(
        "SMTP_PLAYGROUND_POSTFIX_OPEN_RELAY is not set: run the tests with scripts/test.sh \
         (eval \"$(scripts/postfix.sh env)\" exports it)",
    )
}

fn check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smtp-playground"))
        .arg("check")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run smtp-playground")
}

#[test]
fn json_is_the_report_and_a_failing_item_exits_non_zero() {
    let target = open_relay();
    let out = check(&[&target, "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    assert_eq!(stdout.lines().count(), 1, "one JSON object on one line");
    let report = CheckReport::decode(&stdout).expect("a check report");
    assert_eq!(report.target, target);
    assert_eq!(report.verdict, Verdict::Fail);
    let host = &report.hosts[0];
    let relay = host
        .items
        .iter()
        .find(|i| i.id == "open-relay")
        .expect("item");
    assert_eq!(relay.verdict, Verdict::Fail);
    // Both languages are in the JSON whatever --lang says.
    assert!(relay.zh.title.contains("开放中继"), "{relay:?}");
    assert!(host.lines.iter().all(|l| l.en.is_some() && l.zh.is_some()));
}

#[test]
fn text_in_both_languages_lists_the_lines_then_the_scorecard() {
    let target = open_relay();
    let en = check(&[&target]);
    assert_eq!(en.status.code(), Some(1));
    let en = String::from_utf8(en.stdout).expect("UTF-8");
    let lines = en
        .find("C → EHLO smtp-playground.invalid")
        .expect("the lines");
    let card = en.find("Scorecard").expect("the scorecard");
    assert!(lines < card, "{en}");
    assert!(en.contains("S ← 220 postfix.test ESMTP Postfix"), "{en}");
    assert!(en.contains("✗ fail       OPEN RELAY"), "{en}");
    assert!(en.contains("[RFC 5321 3.6.2, BCP 30]"), "{en}");
    assert!(en.trim_end().ends_with("Overall: fail"), "{en}");
    assert!(!en.contains("\u{1b}["), "no colours with NO_COLOR");

    let zh = check(&[&target, "--lang", "zh-CN"]);
    let zh = String::from_utf8(zh.stdout).expect("UTF-8");
    assert!(zh.contains("评分卡"), "{zh}");
    assert!(zh.contains("开放中继"), "{zh}");
    assert!(zh.trim_end().ends_with("总体结果：失败"), "{zh}");
}

#[test]
fn a_bad_target_is_a_clear_error() {
    let out = check(&["mx.example.org:0"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is not a port"), "{stderr}");
    let out = check(&["mx.example.org:25", "--port", "26"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("give the port once"));
    // A malformed domain is refused by the typed-host rules before any DNS lookup.
    let out = check(&["example..com"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is not a valid host name"), "{stderr}");
}
