//! The annotator never panics and never loses track, whatever order real (or broken)
//! sessions feed it lines in: generated conversations mix commands, replies of every kind,
//! message text, BDAT chunks and AUTH answers in any order.

use proptest::prelude::*;
use protocol::annotate::{Annotator, Direction, LineKind, NoteEvent, ReplayLine, replay};
use protocol::lang::Lang;

fn line() -> impl Strategy<Value = (bool, String)> {
    let client = prop_oneof![
        Just("EHLO me".to_owned()),
        Just("HELO me".to_owned()),
        Just("MAIL FROM:<a@b.example>".to_owned()),
        Just("RCPT TO:<c@d.example>".to_owned()),
        Just("DATA".to_owned()),
        Just(".".to_owned()),
        Just("..x".to_owned()),
        Just("BDAT 12 LAST".to_owned()),
        Just("BDAT 99999999999999999999".to_owned()),
        Just("AUTH LOGIN".to_owned()),
        Just("*".to_owned()),
        Just("QUIT".to_owned()),
        Just("STARTTLS".to_owned()),
        "\\PC{0,40}",
    ];
    let server = prop_oneof![
        Just("220 mx ESMTP".to_owned()),
        Just("250-mx".to_owned()),
        Just("250-PIPELINING".to_owned()),
        Just("250 CHUNKING".to_owned()),
        Just("250 2.1.0 Ok".to_owned()),
        Just("250 2.1.5 Ok".to_owned()),
        Just("250 2.0.0 Ok: queued as X".to_owned()),
        Just("354 go ahead".to_owned()),
        Just("334 VXNlcm5hbWU6".to_owned()),
        Just("235 2.7.0 ok".to_owned()),
        Just("221 bye".to_owned()),
        Just("421 4.4.2 timeout".to_owned()),
        Just("503 5.5.1 Error: need MAIL command".to_owned()),
        Just("554 5.7.1 Relay access denied".to_owned()),
        "[0-9]{3}[ -]\\PC{0,30}",
        "\\PC{0,20}",
    ];
    prop_oneof![
        client.prop_map(|l| (true, l)),
        server.prop_map(|l| (false, l))
    ]
}

proptest! {
    #[test]
    fn any_conversation_is_annotated_line_by_line(lines in prop::collection::vec(line(), 0..60)) {
        for lang in [Lang::En, Lang::ZhCn] {
            let mut annotator = Annotator::new(lang);
            let mut clients = 0;
            for (is_client, text) in &lines {
                let annotated = if *is_client {
                    clients += 1;
                    annotator.client_line(text)
                } else {
                    annotator.server_line(text)
                };
                prop_assert!(!annotated.annotation.title.is_empty());
                if annotated.kind == LineKind::Reply && annotated.annotation.id != "malformed-reply" {
                    prop_assert!(annotated.answers.is_some(), "{text:?}");
                }
                for revision in annotator.take_revisions() {
                    prop_assert!(revision.client_line < clients);
                }
            }
        }
    }

    #[test]
    fn a_replayed_transcript_keeps_every_line_in_order(lines in prop::collection::vec(line(), 0..60)) {
        let input: Vec<ReplayLine<'_>> = lines
            .iter()
            .map(|(is_client, text)| ReplayLine {
                direction: if *is_client { Direction::Client } else { Direction::Server },
                text,
                tls: false,
                note: NoteEvent::Other,
            })
            .collect();
        let out = replay(&input, Lang::En);
        let mut indexes: Vec<usize> = out
            .iter()
            .filter(|(_, a)| a.direction != Direction::Note)
            .map(|(i, _)| *i)
            .collect();
        let expected: Vec<usize> = (0..input.len()).collect();
        indexes.dedup();
        prop_assert_eq!(indexes, expected);
    }
}
