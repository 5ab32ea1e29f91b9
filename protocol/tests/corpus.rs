//! The annotations against the labelled corpus of real sessions (`tests/corpus/`, see its
//! README): the four figures of issue "Explanations you can trust" must meet their goals
//! in both languages, and the Chinese must read as Chinese.
//!
//! `cargo run -p protocol --example corpus_score -- --verbose` prints the figures and every
//! problem behind them.

mod score;

use protocol::annotate::Direction;
use protocol::lang::Lang;
use std::path::Path;

fn corpus() -> Vec<score::Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let cases = score::load(&dir).expect("the corpus loads");
    assert!(
        cases.len() >= 120,
        "only {} labelled transcripts",
        cases.len()
    );
    cases
}

#[test]
fn the_explanations_meet_their_goals_on_real_sessions() {
    let cases = corpus();
    for lang in [Lang::En, Lang::ZhCn] {
        let tally = score::score(&cases, lang);
        let summary = tally.summary(lang);
        let problems = tally.problems.join("\n");
        assert!(tally.precision() >= 0.95, "{summary}\n{problems}");
        assert_eq!(tally.mispaired, 0, "{summary}\n{problems}");
        assert!(tally.wrong_share() <= 0.03, "{summary}\n{problems}");
        assert!(tally.specific_share() >= 0.95, "{summary}\n{problems}");
    }
}

/// ASCII punctuation between two CJK characters (or right after one, ending a clause)
/// reads as a typo in a Chinese sentence.
fn ascii_punctuation_in_chinese(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    for (i, &c) in chars.iter().enumerate() {
        if !matches!(c, ',' | ';' | '(' | ')' | '!' | '?' | ':' | '.') {
            continue;
        }
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let ends_clause = after.is_none_or(|a| a == ' ' || a == '\n');
        let clause_end = before.is_some_and(cjk)
            && match c {
                // `用户@例子.中国` is a domain, `Subject:` a header name: only a stop that
                // ends the sentence counts.
                '.' | ':' => ends_clause,
                _ => ends_clause || after.is_some_and(cjk),
            };
        let bracket = matches!(c, '(' | ')') && (before.is_some_and(cjk) || after.is_some_and(cjk));
        if clause_end || bracket {
            let start = i.saturating_sub(12);
            return Some(chars[start..(i + 12).min(chars.len())].iter().collect());
        }
    }
    None
}

#[test]
fn chinese_explanations_use_full_width_punctuation() {
    let mut bad = Vec::new();
    for case in corpus() {
        let (_, lines) = protocol::transcript::annotate(&case.transcript, Lang::ZhCn);
        for (_, line) in lines {
            let a = &line.annotation;
            let texts = [&a.title, &a.explanation]
                .into_iter()
                .chain(a.next_steps.iter())
                .chain(a.findings.iter().map(|f| &f.text));
            for text in texts {
                // The server's own words, quoted, may be English.
                let own: String = text
                    .split('“')
                    .map(|part| part.split_once('”').map_or(part, |(_, rest)| rest))
                    .collect();
                if let Some(snippet) = ascii_punctuation_in_chinese(&own) {
                    bad.push(format!("{}: {} -> {snippet:?}", case.name, a.id));
                }
            }
        }
    }
    bad.sort();
    bad.dedup();
    assert!(bad.is_empty(), "{} texts:\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn every_line_keeps_its_text_and_only_secrets_are_masked() {
    for case in corpus() {
        let (_, lines) = protocol::transcript::annotate(&case.transcript, Lang::En);
        for (source, line) in lines {
            if line.direction == Direction::Note || line.text == source.text {
                continue;
            }
            assert!(
                line.text.contains(protocol::auth::REDACTED),
                "{}: {:?} shown as {:?}",
                case.name,
                source.text,
                line.text
            );
        }
    }
}

#[test]
fn the_punctuation_check_tells_typos_from_domains() {
    assert!(ascii_punctuation_in_chinese("服务器已就绪,请继续").is_some());
    assert!(ascii_punctuation_in_chinese("邮件被拒收.").is_some());
    assert!(ascii_punctuation_in_chinese("扩展(可选)").is_some());
    assert!(ascii_punctuation_in_chinese("例如 用户@例子.中国（在 MAIL FROM 中）").is_none());
    assert!(ascii_punctuation_in_chinese("邮件头 Subject: 主题").is_none());
}
