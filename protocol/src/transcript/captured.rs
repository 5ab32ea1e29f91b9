//! The readers against real logs: every `NAME.txt` in `tests/data/readers/` (made by
//! `capture.sh` there) is read and compared line by line with `NAME.expect`: the detected
//! format, then per line its source line, direction (`C`, `S`, with `~` inside TLS, or
//! `N:kind` for a note) and text, tab-separated; each is also annotated in both languages,
//! keeping every line that is not a blank note, and read again with CRLF line ends and
//! after blank lines and other shell prompts, which must not change the SMTP lines. Adding
//! a capture adds a test;
//! `UPDATE_READER_EXPECTATIONS=1` rewrites the expectations, to be reviewed by eye.

use std::fs;
use std::path::{Path, PathBuf};

use super::{TranscriptLine, annotate, read};
use crate::annotate::Direction;
use crate::lang::Lang;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/readers")
}

/// One line of an expectation file for a line read.
fn describe(line: &TranscriptLine) -> String {
    let tag = match (line.direction, line.note) {
        (Direction::Note, Some(kind)) => format!("N:{}", kind.as_str()),
        (Direction::Note, None) => "N:?".to_owned(),
        (Direction::Client, _) => "C".to_owned(),
        (Direction::Server, _) => "S".to_owned(),
    };
    let tls = if line.tls && line.direction != Direction::Note {
        "~"
    } else {
        ""
    };
    format!("{}\t{tag}{tls}\t{}", line.source_line, line.text)
}

fn expectation(text: &str) -> String {
    let (format, lines) = read(text);
    let mut out = format!("# format: {}\n", format.as_str());
    for line in &lines {
        out.push_str(&describe(line));
        out.push('\n');
    }
    out
}

/// The SMTP lines of a reading, with their TLS flags.
fn smtp_lines(lines: &[TranscriptLine]) -> Vec<(Direction, &str, bool)> {
    lines
        .iter()
        .filter(|l| l.direction != Direction::Note)
        .map(|l| (l.direction, l.text.as_str(), l.tls))
        .collect()
}

/// The same log pasted differently reads the same: with CRLF line ends, after blank lines,
/// after a shell prompt of another style.
fn check_variants(path: &Path, text: &str) {
    let (format, lines) = read(text);
    let crlf = text.replace('\n', "\r\n");
    for variant in [
        crlf,
        format!("\n\n{text}"),
        format!("user@host:~$ \n{text}"),
        format!("faner@MBP-FAN:~|⇒  \n\n{text}"),
    ] {
        let (variant_format, variant_lines) = read(&variant);
        assert_eq!(variant_format, format, "{}: {variant:.40?}", path.display());
        assert_eq!(
            smtp_lines(&variant_lines),
            smtp_lines(&lines),
            "{}: {variant:.40?}",
            path.display()
        );
    }
}

#[test]
fn captured_logs_read_as_expected() {
    let mut paths: Vec<PathBuf> = fs::read_dir(data_dir())
        .expect("tests/data/readers exists")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 20, "captures missing: {paths:?}");
    let update = std::env::var_os("UPDATE_READER_EXPECTATIONS").is_some();
    let mut failures = Vec::new();
    for path in paths {
        let text = fs::read_to_string(&path).expect("capture is UTF-8");
        for lang in [Lang::En, Lang::ZhCn] {
            let (_, annotated) = annotate(&text, lang);
            let shown = read(&text)
                .1
                .iter()
                .filter(|l| l.direction != Direction::Note || !l.text.trim().is_empty())
                .count();
            assert!(annotated.len() >= shown, "{}: lines lost", path.display());
        }
        check_variants(&path, &text);
        let actual = expectation(&text);
        let expect_path = path.with_extension("expect");
        if update {
            fs::write(&expect_path, &actual).expect("write expectation");
            continue;
        }
        let expected = fs::read_to_string(&expect_path).unwrap_or_default();
        if expected != actual {
            let first = expected
                .lines()
                .zip(actual.lines())
                .find(|(e, a)| e != a)
                .map(|(e, a)| format!("expected {e:?}\n       got {a:?}"))
                .unwrap_or_else(|| "line count differs".to_owned());
            failures.push(format!("{}: {first}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
