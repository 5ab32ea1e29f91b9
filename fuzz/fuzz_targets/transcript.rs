//! Transcripts pasted by users: `transcript::annotate` on arbitrary UTF-8, in English and
//! Chinese, through every reader (swaks, `C:`/`S:`, smtplib, raw).
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::annotate::Direction;
use protocol::lang::Lang;
use protocol::transcript;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.lines().count();
    for lang in [Lang::En, Lang::ZhCn] {
        let (format, annotated) = transcript::annotate(text, lang);
        assert_eq!(format, transcript::Format::detect(text));
        let mut previous = 0;
        for (line, annotation) in &annotated {
            assert!(
                (1..=lines).contains(&line.source_line),
                "line {} of {lines}",
                line.source_line
            );
            assert!(line.source_line >= previous, "lines out of order");
            previous = line.source_line;
            assert_eq!(line.direction, annotation.direction);
            if let Some(code) = annotation.code {
                assert!(code <= 999);
                assert_eq!(line.direction, Direction::Server);
            }
            assert!(!annotation.annotation.title.is_empty());
        }
    }
});
