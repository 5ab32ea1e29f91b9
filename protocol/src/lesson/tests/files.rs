//! Every file in `lessons/`: it reads, the index lists it with the same titles, and a
//! learner who follows it against the sandbox's server session completes every step.

use std::path::PathBuf;

use super::learner::{Act, Learner};
use crate::lesson::{Lesson, parse_index, parse_lesson};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../lessons")
}

fn load(id: &str) -> Lesson {
    let path = dir().join(format!("{id}.lesson"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_lesson(&text, Some(id)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_lesson_file_reads_and_the_index_lists_it() {
    let index_text = std::fs::read_to_string(dir().join("index.txt")).expect("lessons/index.txt");
    let index = parse_index(&index_text).unwrap_or_else(|e| panic!("lessons/index.txt: {e}"));
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .expect("lessons/")
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".lesson")
                .map(str::to_owned)
        })
        .collect();
    files.sort();
    let mut listed: Vec<String> = index.iter().map(|e| e.id.clone()).collect();
    listed.sort();
    assert_eq!(files, listed, "index.txt lists every .lesson file once");
    for entry in &index {
        let lesson = load(&entry.id);
        assert_eq!(lesson.title, entry.title, "{}: the index's title", entry.id);
        for (i, step) in lesson.steps.iter().enumerate() {
            assert_ne!(step.text.en, step.text.zh, "{} step {i}", entry.id);
        }
    }
}

/// The scripts that complete each lesson (most steps by clicking their examples). A
/// lesson added without a script here fails: every step must be shown reachable.
fn script(id: &str) -> Option<Vec<Act>> {
    use Act::*;
    Some(match id {
        "first-mail" => vec![
            Click,
            Click,
            Type("ZGVtbw=="),
            Type("ZGVtbw=="),
            Click,
            Click,
            Click,
            Click,
            Click,
            Click,
            Click,
            Type("Hi!"),
            Click,
            Click,
        ],
        "starttls" => vec![Click, Click, Click, Click, Click, Click],
        "envelope-bcc" => vec![
            Click, Click, Click, Click, Click, // EHLO to DATA
            Click, Click, Click, Click, // From, To, Subject, the empty line
            Click, // a line of text and the dot
            Click,
        ],
        "errors-retries" => vec![
            Click,
            Click, // EHLO, MAIL
            Click,
            Click,
            Click,
            Click, // too early: 451 again
            Wait(5),
            Click,
            Click, // 421
            Reconnect,
        ],
        "dot-stuffing" => vec![
            Click, Click, // EHLO; MAIL, RCPT, DATA
            Click, Click, // Subject, the empty line
            Click, Click, Click,
        ],
        "auth-mechanisms" => vec![
            Click,
            Click,
            Click,
            Type("ZGVtbw=="),
            Type("ZGVtbw=="),
            Click,
            Reconnect,
            Click,
            Click,
            Cram("demo", "demo"),
        ],
        "pipelining" => vec![
            Click,
            Batch(&[
                "MAIL FROM:<demo@example.org>",
                "RCPT TO:<friend@example.org>",
                "RCPT TO:<missing@example.org>",
                "DATA",
            ]),
            Click,
            Batch(&[
                "MAIL FROM:<demo@example.org>",
                "RCPT TO:<friend@example.org>",
                "RSET",
                "NOOP",
            ]),
            Batch(&["RSET", "QUIT"]),
        ],
        "bdat-chunking" => vec![Click, Click, Click, Click, Click],
        "smtputf8" => vec![
            Click, Click, Click, Click, Click, Click, Click, Click, Click, Click, Click,
        ],
        _ => return None,
    })
}

#[test]
fn every_lesson_completes_against_the_sandbox() {
    let index_text = std::fs::read_to_string(dir().join("index.txt")).expect("lessons/index.txt");
    for entry in parse_index(&index_text).expect("index") {
        let lesson = load(&entry.id);
        let script = script(&entry.id)
            .unwrap_or_else(|| panic!("{}: no script shows its steps reachable", entry.id));
        let learner = Learner::play(&lesson, &script);
        let delivered = learner.delivered.join("\n---\n");
        match entry.id.as_str() {
            "first-mail" => assert!(delivered.contains("Hi!"), "{delivered}"),
            "starttls" => assert!(learner.delivered.is_empty()),
            "envelope-bcc" => {
                assert!(
                    delivered.contains("To: Bob <bob@example.org>"),
                    "{delivered}"
                );
                assert!(
                    !delivered.contains("carol"),
                    "Carol is in no header: {delivered}"
                );
            }
            "dot-stuffing" => assert!(
                delivered.contains("\r\n.signature follows\r\n"),
                "the server took one dot away: {delivered}"
            ),
            "errors-retries" => assert!(learner.delivered.is_empty()),
            "pipelining" | "bdat-chunking" | "smtputf8" => assert!(!delivered.is_empty()),
            "auth-mechanisms" => {}
            other => panic!("{other}: say what its lesson delivers"),
        }
    }
}

#[test]
fn the_headers_step_suggests_what_is_missing_and_never_twice() {
    let lesson = load("first-mail");
    let mut learner = Learner::new(&lesson);
    for act in [
        Act::Click,
        Act::Click,
        Act::Type("ZGVtbw=="),
        Act::Type("ZGVtbw=="),
        Act::Click,
        Act::Click,
        Act::Click,
    ] {
        learner.act(act);
    }
    assert_eq!(learner.progress.current(), Some(6), "at the headers step");
    let first = |l: &Learner<'_>| l.offered().first().cloned().unwrap_or_default();
    assert_eq!(first(&learner), ["Subject: Hello from the playground"]);
    learner.send("Subject: typed by hand");
    assert_eq!(
        learner.offered(),
        [["From: demo@example.org"], ["To: friend@example.org"]],
        "Subject is there: not offered again"
    );
    learner.act(Act::Click);
    learner.act(Act::Click);
    assert_eq!(learner.offered(), [[""]], "then the empty line");
    learner.act(Act::Click);
    assert_eq!(learner.progress.current(), Some(7), "headers done");
    let subjects = learner
        .sent
        .iter()
        .filter(|l| l.starts_with("Subject:"))
        .count();
    assert_eq!(subjects, 1);
}

#[test]
fn the_auth_login_example_goes_while_the_server_waits_for_the_username() {
    let lesson = load("first-mail");
    let mut learner = Learner::new(&lesson);
    learner.act(Act::Click);
    assert_eq!(learner.offered(), [["AUTH LOGIN"]]);
    learner.act(Act::Click);
    assert!(
        learner.offered().is_empty(),
        "the server waits for the username"
    );
    learner.send("ZGVtbw==");
    assert!(learner.offered().is_empty(), "and for the password");
    learner.send("d3Jvbmc=");
    assert_eq!(
        learner.offered(),
        [["AUTH LOGIN"]],
        "refused (535): try again"
    );
}

#[test]
fn progress_survives_a_reconnect_and_its_text_round_trips() {
    let lesson = load("first-mail");
    let mut learner = Learner::new(&lesson);
    learner.act(Act::Click);
    learner.act(Act::Reconnect);
    assert_eq!(
        learner.progress.current(),
        Some(2),
        "greeting and EHLO stay done"
    );
    let text = learner.progress.encode();
    assert_eq!(text, "110000000");
    assert_eq!(crate::lesson::Progress::decode(&text, 9), learner.progress);
    assert_eq!(
        crate::lesson::Progress::decode("11", 9).count(),
        0,
        "another lesson's"
    );
    assert_eq!(crate::lesson::Progress::decode("11x000000", 9).count(), 0);
}

/// The examples of the pipelining lesson are the groups the page sends in one write, and
/// the sizes in the BDAT lesson's examples are the sizes the page's helper computes.
#[test]
fn the_pipelining_and_bdat_examples_are_what_the_page_would_send() {
    let lesson = load("bdat-chunking");
    for example in lesson.steps.iter().flat_map(|s| &s.examples) {
        let Some(rest) = example.lines[0].strip_prefix("BDAT ") else {
            continue;
        };
        let chunk = &example.lines[1..];
        let last = rest.ends_with(" LAST");
        assert_eq!(
            example.lines[0],
            crate::chunk::bdat_line(
                crate::chunk::chunk_octets(chunk.iter().map(String::as_str)),
                last
            )
        );
    }
    let lesson = load("pipelining");
    let groups: Vec<&Vec<String>> = lesson
        .steps
        .iter()
        .flat_map(|s| &s.examples)
        .map(|e| &e.lines)
        .filter(|l| l.len() > 1 && !l.contains(&".".to_owned()))
        .collect();
    assert_eq!(groups.len(), 3);
    for group in groups {
        // Each line but the last may be followed at once; the last ends the group.
        let mut annotator = crate::annotate::Annotator::new(crate::lang::Lang::En);
        annotator.server_line("220 mx");
        annotator.client_line("EHLO me");
        annotator.server_line("250-mx");
        annotator.server_line("250 PIPELINING");
        let mut session = annotator.session().clone();
        for (i, line) in group.iter().enumerate() {
            assert!(session.may_send_now(), "{line} may go in the group");
            session.handle_sent(line);
            if i + 1 == group.len() {
                assert!(!session.may_send_now(), "{line} ends the group");
            }
        }
    }
}
