//! Lesson files and the lesson index: a teacher writes them, the page reads them, and a
//! panic there would stop the whole page. Whatever the text, `parse_lesson` and
//! `parse_index` give a lesson or an error that names a line of the file and says what is
//! wrong in both languages; a lesson keeps the format's limits, its conditions can be
//! judged at any moment, and its progress reads back from the text it is stored as.
//!
//! Input: arbitrary UTF-8 as a lesson file (and as an index); its first line also serves
//! as a stored progress text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::annotate::LineKind;
use protocol::lang::Lang;
use protocol::lesson::{
    Event, LessonError, MAX_EXAMPLE_LINES, MAX_PER_STEP, MAX_STEPS, Progress, Watch, parse_index,
    parse_lesson, valid_id,
};
use protocol::session::ClientSession;

/// Panics unless `error` names a line of `text` (or the file, 0) and says something in
/// both languages.
fn assert_error(text: &str, error: &LessonError) {
    let lines = text.lines().count().max(1);
    assert!(
        error.line <= lines,
        "an error on line {} of a {lines}-line file: {error:?}",
        error.line
    );
    for lang in [Lang::En, Lang::ZhCn] {
        assert!(
            !error.text(lang).trim().is_empty(),
            "an error without words: {error:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    match parse_index(text) {
        Ok(entries) => {
            for entry in &entries {
                assert!(valid_id(&entry.id), "an index entry with id {:?}", entry.id);
            }
        }
        Err(error) => assert_error(text, &error),
    }

    let lesson = match parse_lesson(text, None) {
        Ok(lesson) => lesson,
        Err(error) => {
            assert_error(text, &error);
            return;
        }
    };
    assert!(valid_id(&lesson.id), "a lesson with id {:?}", lesson.id);
    assert!(!lesson.steps.is_empty() && lesson.steps.len() <= MAX_STEPS);
    for step in &lesson.steps {
        assert!(step.examples.len() <= MAX_PER_STEP && step.done.len() <= MAX_PER_STEP);
        for example in &step.examples {
            assert!(example.lines.len() <= MAX_EXAMPLE_LINES);
        }
    }

    // Judge every condition at a few moments of a session fed the lesson's own examples.
    let session = ClientSession::default();
    let mut watch = Watch::new();
    let mut progress = Progress::new(lesson.steps.len());
    let lines: Vec<&str> = lesson
        .steps
        .iter()
        .flat_map(|step| &step.examples)
        .flat_map(|example| &example.lines)
        .map(String::as_str)
        .take(64)
        .collect();
    for line in lines {
        let moment = watch.observe(
            Event::Sent {
                line,
                kind: LineKind::Command,
            },
            &session,
        );
        for step in &lesson.steps {
            for example in &step.examples {
                if let Some(when) = &example.when {
                    when.holds(&moment);
                }
            }
        }
        progress.update(&lesson, &moment);
    }
    for event in [Event::TlsStarted, Event::Closed] {
        let moment = watch.observe(event, &session);
        progress.update(&lesson, &moment);
    }
    assert!(progress.count() <= lesson.steps.len());
    let stored = progress.encode();
    assert_eq!(Progress::decode(&stored, lesson.steps.len()), progress);

    // Whatever local storage holds, reading it gives progress for this lesson.
    let first = text.lines().next().unwrap_or_default();
    let read = Progress::decode(first, lesson.steps.len());
    assert_eq!(read.len(), lesson.steps.len());
});
