//! Reading lesson files: what is accepted, and a clear error for each mistake.

use crate::lang::Lang;
use crate::lesson::{Answer, Atom, LessonErrorKind, parse_index, parse_lesson};

const MINIMAL: &str = "lesson: tiny
title.en: Tiny
title.zh: 小
summary.en: A lesson
  on two lines.
summary.zh: 一课
  两行。

step
title.en: Hello
title.zh: 你好
text.en: Say it.
text.zh: 说。
example: EHLO me
example if not header Subject: Subject: hi
example: MAIL FROM:<a@b.example>
  RCPT TO:<c@d.example>
  |
  |  folded
show: account
done: reply EHLO 2xx and tls
done: reply HELO 250/251
";

#[test]
fn a_minimal_lesson_reads_whole() {
    let lesson = parse_lesson(MINIMAL, Some("tiny")).expect("reads");
    assert_eq!(lesson.id, "tiny");
    assert_eq!(lesson.summary.en, "A lesson on two lines.");
    assert_eq!(
        lesson.summary.zh, "一课两行。",
        "Chinese lines join without a space"
    );
    let step = &lesson.steps[0];
    assert_eq!(step.title(Lang::ZhCn), "你好");
    assert!(step.show_account);
    assert_eq!(step.examples.len(), 3);
    assert_eq!(step.examples[0].lines, ["EHLO me"]);
    assert_eq!(step.examples[1].lines, ["Subject: hi"]);
    assert!(step.examples[1].when.is_some());
    assert_eq!(
        step.examples[2].lines,
        [
            "MAIL FROM:<a@b.example>",
            "RCPT TO:<c@d.example>",
            "",
            " folded"
        ]
    );
    assert_eq!(step.done.len(), 2);
    assert_eq!(step.done[0].all.len(), 2);
    assert_eq!(step.done[0].all[1], Atom::Tls);
    let Atom::Reply(reply) = &step.done[1].all[0] else {
        panic!("a reply atom");
    };
    assert_eq!(reply.codes.len(), 2);
    assert!(reply.codes[1].matches(251) && !reply.codes[1].matches(252));
}

fn error_of(text: &str) -> (usize, LessonErrorKind) {
    let err = parse_lesson(text, Some("tiny")).expect_err("refused");
    // Both languages say something, and the line is part of the text.
    let en = err.text(Lang::En);
    let zh = err.text(Lang::ZhCn);
    assert_ne!(en, zh);
    if err.line > 0 {
        assert!(en.contains(&err.line.to_string()), "{en}");
    }
    (err.line, err.kind)
}

#[test]
fn each_mistake_names_its_line() {
    let with = |from: &str, to: &str| MINIMAL.replacen(from, to, 1);
    assert!(matches!(
        error_of(&with("title.zh: 你好", "titel.zh: 你好")),
        (11, LessonErrorKind::UnknownField { in_step: true, .. })
    ));
    assert!(matches!(
        error_of(&with("lesson: tiny", "lesson: Tiny")),
        (0, LessonErrorKind::BadId { .. })
    ));
    assert!(matches!(
        error_of(&with("lesson: tiny", "lesson: other")),
        (0, LessonErrorKind::IdMismatch { .. })
    ));
    assert!(matches!(
        error_of(&with("done: reply HELO 250/251", "done: reply helo 250")),
        (22, LessonErrorKind::UnknownAnswer { .. })
    ));
    assert!(matches!(
        error_of(&with("250/251", "250/2x")),
        (22, LessonErrorKind::BadCode { .. })
    ));
    assert!(matches!(
        error_of(&with("and tls", "and")),
        (21, LessonErrorKind::DanglingAnd)
    ));
    assert!(matches!(
        error_of(&with("and tls", "and tsl")),
        (21, LessonErrorKind::UnknownAtom { .. })
    ));
    assert!(matches!(
        error_of(&with(
            "done: reply EHLO 2xx and tls",
            "done: reply EHLO 2xx to x@y"
        )),
        (21, LessonErrorKind::NeedsEnvelope)
    ));
    assert!(matches!(
        error_of(&with(
            "done: reply EHLO 2xx and tls",
            "done: reply MAIL 2xx mechanism PLAIN"
        )),
        (21, LessonErrorKind::NeedsAuth)
    ));
    assert!(matches!(
        error_of(&with("done: reply EHLO 2xx and tls", "done: pipelined 1")),
        (21, LessonErrorKind::BadValue { .. })
    ));
    assert!(matches!(
        error_of(&with(
            "text.en: Say it.",
            "text.en: Say it.\ntext.en: again"
        )),
        (13, LessonErrorKind::Duplicate { .. })
    ));
    assert!(matches!(
        error_of(&with("text.zh: 说。\n", "")),
        (9, LessonErrorKind::Missing { .. })
    ));
    assert!(matches!(
        error_of(&with(
            "done: reply EHLO 2xx and tls\ndone: reply HELO 250/251\n",
            ""
        )),
        (9, LessonErrorKind::Missing { .. })
    ));
    assert!(matches!(
        error_of(&with("show: account", "show: password")),
        (20, LessonErrorKind::BadShow { .. })
    ));
    assert!(matches!(
        error_of(&with("title.en: Tiny", "title.en Tiny")),
        (2, LessonErrorKind::NotAField)
    ));
    assert!(matches!(
        error_of(&format!("  stray\n{MINIMAL}")),
        (1, LessonErrorKind::StrayContinuation)
    ));
    let no_steps = MINIMAL.split("\nstep\n").next().unwrap_or_default();
    assert!(matches!(error_of(no_steps), (0, LessonErrorKind::NoSteps)));
    assert!(matches!(
        error_of(&"#".repeat(crate::lesson::MAX_FILE + 1)),
        (0, LessonErrorKind::TooLarge)
    ));
}

#[test]
fn conditions_read_every_word() {
    let step = |done: &str| {
        parse_lesson(&MINIMAL.replacen("done: reply HELO 250/251", done, 1), None)
            .map(|l| l.steps[0].done[1].all.clone())
    };
    let atoms = step(
        "done: reply RCPT 2xx to greylist*@* retry and not closed and header Bcc and blind and dot-stuffed and body and in-message and waiting-auth and introduced and authenticated and tls-started and pipelined 3",
    )
    .expect("reads");
    assert_eq!(atoms.len(), 12);
    let Atom::Reply(reply) = &atoms[0] else {
        panic!("reply first");
    };
    assert_eq!(reply.to.as_deref(), Some("greylist*@*"));
    assert!(reply.retry);
    let atoms = step("done: reply MAIL 250 with SMTPUTF8 with body=8bitmime without SIZE utf8")
        .expect("reads");
    let Atom::Reply(reply) = &atoms[0] else {
        panic!("reply");
    };
    assert_eq!(reply.with, ["SMTPUTF8", "BODY=8BITMIME"]);
    assert_eq!(reply.without, ["SIZE"]);
    for answer in [
        "greeting",
        "dot",
        "message",
        "BDAT-LAST",
        "any",
        "STARTTLS",
        "VRFY",
    ] {
        let atoms = step(&format!("done: reply {answer} 2xx")).expect(answer);
        assert!(matches!(&atoms[0], Atom::Reply(r) if r.answer != Answer::Any || answer == "any"));
    }
    assert!(step("done: reply AUTH 235 mechanism cram-md5").is_ok());
    assert!(step("done: not not tls").is_err());
    assert!(step("done: header").is_err());
    assert!(step("done: reply MAIL").is_err());
    assert!(step("done: reply MAIL 250 with").is_err());
    assert!(step("done: tls now").is_err());
}

#[test]
fn the_index_reads_and_refuses_clearly() {
    let index = parse_index("# comment\n\nfirst-mail | First | 第一\nstarttls | TLS | 加密\n")
        .expect("reads");
    assert_eq!(index.len(), 2);
    assert_eq!(index[1].title.zh, "加密");
    let err = parse_index("a | b\n").expect_err("two columns");
    assert_eq!(err.line, 1);
    let err = parse_index("a | b | c\na | d | e\n").expect_err("twice");
    assert!(matches!(err.kind, LessonErrorKind::Duplicate { .. }));
    assert_eq!(err.line, 2);
    assert!(parse_index("A | b | c\n").is_err());
}
