//! Prints the four figures of the annotations against the labelled corpus of real
//! sessions, in English and Chinese:
//!
//! ```sh
//! cargo run -p protocol --example corpus_score [-- [--verbose] [DIR]]
//! ```
//!
//! `DIR` defaults to `protocol/tests/corpus`; `--verbose` lists every problem found. Given a
//! transcript file (`NAME.txt`) instead, prints how each of its lines is annotated (in
//! Chinese after `--verbose`).

#[path = "../tests/score/mod.rs"]
mod score;

use protocol::lang::Lang;
use std::path::PathBuf;

fn main() {
    let mut verbose = false;
    let mut dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus"));
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--verbose" | "-v" => verbose = true,
            other if other.ends_with(".txt") => {
                let lang = if verbose { Lang::ZhCn } else { Lang::En };
                show(&PathBuf::from(other), lang);
                return;
            }
            other => dir = PathBuf::from(other),
        }
    }
    let cases = match score::load(&dir) {
        Ok(cases) => cases,
        Err(err) => {
            eprintln!("corpus_score: {err}");
            std::process::exit(2);
        }
    };
    for lang in [Lang::En, Lang::ZhCn] {
        let tally = score::score(&cases, lang);
        if verbose && lang == Lang::En {
            for problem in &tally.problems {
                println!("{problem}");
            }
        }
        println!("{}", tally.summary(lang));
    }
}

/// Prints each line of one transcript with its kind, pairing, explanation id and warnings.
fn show(path: &std::path::Path, lang: Lang) {
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(err) => {
            eprintln!("corpus_score: {}: {err}", path.display());
            std::process::exit(2);
        }
    };
    let (format, lines) = protocol::transcript::annotate(&text, lang);
    println!("format: {format:?}");
    for (source, line) in lines {
        let findings: Vec<String> = line
            .annotation
            .findings
            .iter()
            .map(|f| format!("{}:{}", f.severity.as_str(), f.id))
            .collect();
        println!(
            "{:>4} {:6} {:18} {:14} {:22} {:?} | {} | {} {}",
            source.source_line,
            line.direction.as_str(),
            line.kind.as_str(),
            line.answers.unwrap_or(""),
            line.annotation.id,
            line.text,
            line.annotation.title,
            line.annotation.explanation.replace('\n', " / "),
            findings.join(" ")
        );
    }
}
