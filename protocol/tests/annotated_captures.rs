//! Every captured real session (Postfix and aiosmtpd, via swaks, smtplib and raw sockets)
//! annotated end to end: each reply is explained under its own code, each client line gets
//! an explanation, and the contextual titles match what the server really did.

use protocol::annotate::{AnnotatedLine, Direction};
use protocol::finding::Severity;
use protocol::lang::Lang;
use protocol::transcript::{self, TranscriptLine};
use std::path::{Path, PathBuf};

fn captures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut files = Vec::new();
    for server in ["postfix", "aiosmtpd"] {
        let dir = root.join(server);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name.ends_with(".txt") && name != "expect.txt" {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn annotate(path: &Path, lang: Lang) -> Vec<(TranscriptLine, AnnotatedLine)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    transcript::annotate(&text, lang).1
}

fn titles(path: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path);
    annotate(&path, Lang::En)
        .into_iter()
        .filter(|(_, a)| {
            a.direction == Direction::Server
                && !a.annotation.title.starts_with("Extension")
                && !a.annotation.title.starts_with("EHLO reply")
        })
        .map(|(_, a)| a.annotation.title)
        .collect()
}

#[test]
fn every_line_of_every_capture_is_annotated_in_both_languages() {
    let files = captures();
    assert!(
        files.len() >= 15,
        "expected the captured sessions, found {}",
        files.len()
    );
    for path in &files {
        for lang in [Lang::En, Lang::ZhCn] {
            let lines = annotate(path, lang);
            let servers = lines
                .iter()
                .filter(|(_, a)| a.direction == Direction::Server)
                .count();
            let clients = lines
                .iter()
                .filter(|(_, a)| a.direction == Direction::Client)
                .count();
            assert!(
                servers > 0 && clients > 0,
                "{}: {servers} server, {clients} client lines",
                path.display()
            );
            for (source, line) in &lines {
                let a = &line.annotation;
                assert!(
                    !a.title.is_empty(),
                    "{}:{} has no title",
                    path.display(),
                    source.source_line
                );
                if line.direction == Direction::Server {
                    let code = line.code.unwrap_or_else(|| {
                        panic!(
                            "{}:{} server line without code",
                            path.display(),
                            source.source_line
                        )
                    });
                    let last = line.text.as_bytes().get(3) != Some(&b'-');
                    if last {
                        assert!(
                            a.title.starts_with(&format!("{code} · ")),
                            "{}: {:?}",
                            path.display(),
                            a.title
                        );
                    }
                    assert!(
                        !a.explanation.is_empty(),
                        "{}:{}",
                        path.display(),
                        source.source_line
                    );
                }
                if line.direction == Direction::Client {
                    assert!(
                        !a.explanation.is_empty(),
                        "{}:{}",
                        path.display(),
                        source.source_line
                    );
                }
            }
        }
    }
}

#[test]
fn postfix_sequence_errors_are_predicted_and_explained() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/postfix/sequence_errors.raw.txt");
    let lines = annotate(&path, Lang::En);
    let client = |text: &str| {
        lines
            .iter()
            .find(|(_, a)| a.direction == Direction::Client && a.text == text)
            .map(|(_, a)| a.annotation.clone())
            .unwrap_or_else(|| panic!("no client line {text}"))
    };
    let rcpt = client("RCPT TO:<alice@postfix.test>");
    assert_eq!(rcpt.severity, Severity::Error);
    assert_eq!(rcpt.findings[0].id, "rcpt-before-mail");
    let titles = titles("postfix/sequence_errors.raw.txt");
    assert_eq!(
        titles,
        [
            "220 · Server ready",
            "250 · Hello accepted; 9 extensions offered",
            "503 · Bad sequence of commands",
            "503 · Bad sequence of commands",
            "250 · Sender accepted",
            "503 · Bad sequence of commands",
            "554 · No valid recipients",
            "250 · Transaction reset",
            "221 · Goodbye",
        ]
    );
}

#[test]
fn delivery_and_refusal_read_differently() {
    let deliver = titles("postfix/deliver.swaks.txt");
    assert!(
        deliver.contains(&"250 · Message accepted for delivery".to_owned()),
        "{deliver:?}"
    );
    assert!(
        deliver.contains(&"250 · Recipient accepted (1 so far)".to_owned()),
        "{deliver:?}"
    );
    let unknown = titles("postfix/unknown_recipient.swaks.txt");
    assert!(
        unknown.contains(&"550 · No such recipient".to_owned()),
        "{unknown:?}"
    );
    let errors = titles("postfix/errors.smtplib.txt");
    assert!(
        errors.contains(&"503 · Bad sequence of commands".to_owned()),
        "{errors:?}"
    );
    assert!(errors.iter().any(|t| t.starts_with("500 ")), "{errors:?}");
    assert!(errors.iter().any(|t| t.starts_with("501 ")), "{errors:?}");
}
