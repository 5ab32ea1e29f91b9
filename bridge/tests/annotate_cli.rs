//! `smtp-playground annotate` as a user runs it: the real binary on real captured transcripts.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_smtp-playground"))
}

fn capture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../protocol/tests/data/postfix")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn json_output_annotates_every_line_of_a_swaks_capture() {
    let out = binary()
        .args([
            "annotate",
            "--format",
            "json",
            &capture("unknown_recipient.swaks.txt"),
        ])
        .output()
        .expect("run smtp-playground");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // NDJSON: one object per line of output, each with its type.
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    let objects: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is a JSON object"))
        .collect();
    let (summary, items) = objects.split_last().expect("objects");
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["recipients"]["refused"], 1);
    assert!(items.iter().all(|i| i["type"] == "line"));
    let source = std::fs::read_to_string(capture("unknown_recipient.swaks.txt")).expect("capture");
    assert_eq!(
        items.len(),
        source.lines().filter(|l| !l.trim().is_empty()).count()
    );
    let refused = items
        .iter()
        .find(|i| i["code"] == 550)
        .expect("the 550 of the unknown recipient");
    assert_eq!(refused["direction"], "server");
    assert_eq!(refused["severity"], "error");
    assert_eq!(refused["kind"], "reply");
    assert_eq!(refused["answers"], "RCPT");
    assert_eq!(refused["id"], "unknown-user");
    assert!(
        refused["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("550 · ")),
        "{refused}"
    );
    assert_eq!(summary["errors"]["ids"][0], "unknown-user");
    assert_eq!(summary["ending"], "quit");
    assert!(
        refused["explanation"]
            .as_str()
            .is_some_and(|e| e.contains("5.1.1"))
    );
}

#[test]
fn text_output_from_stdin_in_chinese() {
    let mut child = binary()
        .args(["annotate", "--lang", "zh-CN", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run smtp-playground");
    let transcript = std::fs::read(capture("sequence_errors.raw.txt")).expect("capture");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&transcript)
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(text.contains("503 · 命令顺序错误"), "{text}");
    assert!(!text.contains('\x1b'), "no colours when not on a terminal");
}

#[test]
fn unreadable_input_is_the_only_failure() {
    let out = binary()
        .args(["annotate", "/nonexistent/transcript.txt"])
        .output()
        .expect("run smtp-playground");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("could not read /nonexistent/transcript.txt")
    );
    let mut child = binary()
        .args(["annotate", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run smtp-playground");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"\xff\xfe garbage \x00\n\n???\n")
        .expect("write stdin");
    assert!(child.wait_with_output().expect("wait").status.success());
}

#[test]
fn text_output_wraps_at_the_width_asked_for() {
    let transcript = capture("deliver.swaks.txt");
    let longest_explanation = |out: &std::process::Output| {
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(text.contains("── Summary ──"), "{text}");
        assert!(
            text.contains("Messages: 1 sent, 1 accepted, 0 refused"),
            "{text}"
        );
        // English text: one column per character.
        text.lines()
            .filter(|l| l.starts_with("        "))
            .map(|l| l.chars().count())
            .max()
            .unwrap_or_default()
    };
    let by_flag = binary()
        .args(["annotate", "--width", "50", &transcript])
        .env("COLUMNS", "120")
        .output()
        .expect("run smtp-playground");
    assert!(longest_explanation(&by_flag) <= 50);
    let by_env = binary()
        .args(["annotate", &transcript])
        .env("COLUMNS", "64")
        .output()
        .expect("run smtp-playground");
    let longest = longest_explanation(&by_env);
    assert!((50..=64).contains(&longest), "{longest}");
    let help = binary()
        .args(["annotate", "--help"])
        .output()
        .expect("run smtp-playground");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("NDJSON") && help.contains("--width"),
        "{help}"
    );
}
