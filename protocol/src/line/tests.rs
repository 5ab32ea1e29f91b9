use super::*;

fn lines(framer: &mut LineFramer) -> Vec<Result<(String, LineEnding), LineError>> {
    std::iter::from_fn(|| framer.next_line())
        .map(|r| r.map(|l| (l.to_text(), l.ending)))
        .collect()
}

#[test]
fn splits_crlf_lines_fed_one_byte_at_a_time() {
    let input = b"220 mx ESMTP\r\n250-mx\r\n250 OK\r\n";
    let mut framer = LineFramer::new(512);
    let mut out = Vec::new();
    for b in input {
        framer.push(std::slice::from_ref(b));
        out.extend(lines(&mut framer));
    }
    let expected: Vec<_> = ["220 mx ESMTP", "250-mx", "250 OK"]
        .iter()
        .map(|s| Ok((s.to_string(), LineEnding::CrLf)))
        .collect();
    assert_eq!(out, expected);
    assert_eq!(framer.buffered(), 0);
}

#[test]
fn partial_line_waits_for_more() {
    let mut framer = LineFramer::new(512);
    framer.push(b"220 partial\r");
    assert!(framer.next_line().is_none());
    framer.push(b"\n");
    assert_eq!(
        lines(&mut framer),
        vec![Ok(("220 partial".into(), LineEnding::CrLf))]
    );
}

#[test]
fn bare_lf_is_reported() {
    let mut framer = LineFramer::new(512);
    framer.push(b"a\nb\r\n\n");
    assert_eq!(
        lines(&mut framer),
        vec![
            Ok(("a".into(), LineEnding::BareLf)),
            Ok(("b".into(), LineEnding::CrLf)),
            Ok(("".into(), LineEnding::BareLf)),
        ]
    );
}

#[test]
fn line_at_limit_passes_and_one_over_fails() {
    let mut framer = LineFramer::new(10);
    framer.push(b"12345678\r\n123456789\r\nok\r\n");
    assert_eq!(
        lines(&mut framer),
        vec![
            Ok(("12345678".into(), LineEnding::CrLf)),
            Err(LineError::TooLong { limit: 10 }),
            Ok(("ok".into(), LineEnding::CrLf)),
        ]
    );
}

#[test]
fn unterminated_overflow_is_reported_once_and_skipped_to_next_line() {
    let mut framer = LineFramer::new(10);
    let mut out = Vec::new();
    for _ in 0..100 {
        framer.push(b"xxxxxxxx");
        out.extend(lines(&mut framer));
        assert!(framer.buffered() < 10, "buffer must stay bounded");
    }
    framer.push(b"tail\r\nnext\r\n");
    out.extend(lines(&mut framer));
    assert_eq!(
        out,
        vec![
            Err(LineError::TooLong { limit: 10 }),
            Ok(("next".into(), LineEnding::CrLf)),
        ]
    );
}

#[test]
fn finish_returns_unterminated_tail() {
    let mut framer = LineFramer::new(512);
    framer.push(b"250 OK\r\n221 Bye");
    assert_eq!(lines(&mut framer).len(), 1);
    assert_eq!(framer.finish(), Some(b"221 Bye".to_vec()));
    assert_eq!(framer.finish(), None);
}

#[test]
fn long_streams_keep_the_buffer_small() {
    let mut framer = LineFramer::new(1000);
    let mut count = 0;
    for _ in 0..10_000 {
        framer.push(b"a line of message text\r\n");
        while let Some(line) = framer.next_line() {
            assert_eq!(line.expect("valid line").bytes, b"a line of message text");
            count += 1;
        }
    }
    assert_eq!(count, 10_000);
    assert!(framer.buf.capacity() < 64 * 1024);
}

#[test]
fn word_at_a_time_lf_search_equals_byte_search() {
    for len in 0..40 {
        for first in 0..=len {
            for second in first..=len {
                let mut bytes = vec![b'a'; len];
                for (at, byte) in [(first, b'\n'), (second, 0x8A)] {
                    if at < len {
                        bytes[at] = byte;
                    }
                }
                let naive = bytes.iter().position(|&b| b == b'\n');
                assert_eq!(find_lf(&bytes), naive, "{bytes:?}");
            }
        }
    }
    assert_eq!(find_lf(b"\x0b\x0b\x0b\x0b\x0b\x0b\x0b\n"), Some(7));
}

#[test]
fn borrowed_lines_equal_owned_lines() {
    let input = b"220 a\r\n\xff\xfe\r\nbare\nlast\r\n";
    let mut owned = LineFramer::new(512);
    let mut borrowed = LineFramer::new(512);
    owned.push(input);
    borrowed.push(input);
    let mut texts = Vec::new();
    while let Some(line) = borrowed.next_line_ref() {
        let line = line.expect("short lines");
        let copy = owned.next_line().expect("same count").expect("short lines");
        assert_eq!(line.to_line(), copy);
        assert_eq!(line.text(), copy.to_text());
        texts.push(copy.to_text());
    }
    assert!(owned.next_line().is_none());
    assert_eq!(texts, ["220 a", "\u{fffd}\u{fffd}", "bare", "last"]);
}

type Framed = Vec<Result<(String, LineEnding), LineError>>;

/// What a [`LineFramer`] returns for `input` pushed in `chunk`-byte pieces, with the
/// text of `finish` at the end.
fn by_line_framer(input: &[u8], chunk: usize, limit: usize) -> (Framed, Option<String>) {
    let mut framer = LineFramer::new(limit);
    let mut out = Vec::new();
    for piece in input.chunks(chunk) {
        framer.push(piece);
        out.extend(lines(&mut framer));
    }
    let tail = framer.finish().map(|tail| lossy_text(&tail).into_owned());
    (out, tail)
}

/// The same from a [`TextFramer`].
fn by_text_framer(input: &[u8], chunk: usize, limit: usize) -> (Framed, Option<String>) {
    let mut framer = TextFramer::new(limit);
    let mut out = Vec::new();
    for piece in input.chunks(chunk) {
        framer.push(piece);
        while let Some(line) = framer.next_line() {
            out.push(line.map(|line| (line.text.to_owned(), line.ending)));
        }
    }
    (out, framer.finish())
}

#[test]
fn text_framer_returns_what_line_framer_returns_whatever_the_chunks() {
    let long = [b"x".repeat(25), b"tail\r\nnext\r\n".to_vec()].concat();
    let inputs: [&[u8]; 7] = [
        b"220 mx ESMTP\r\n250-mx\r\n250 OK\r\n",
        b"a\nb\r\n\n\r\n\r\r\n",
        b"12345678\r\n123456789\r\nok\r\n1234567",
        &long,
        b"220 \xff\xfe\r\n250 \xe2\x82\r\n250 ok\r\n\xf0\x9f\x98",
        b"\xff\xff\xff\xff\xff\xff\xff\xff\r\n\xff\xff\xff\xff\xff\xff\xff\xff\xff\r\nok\n",
        "250 caf\u{e9} \u{1f600}\r\n".as_bytes(),
    ];
    for input in inputs {
        for limit in [10, 512] {
            for chunk in 1..=input.len() {
                assert_eq!(
                    by_text_framer(input, chunk, limit),
                    by_line_framer(input, chunk, limit),
                    "{:?} in {chunk}-byte pieces, limit {limit}",
                    String::from_utf8_lossy(input)
                );
            }
        }
    }
}

#[test]
fn text_framer_measures_invalid_utf8_by_the_bytes_sent() {
    // Eight bytes and CRLF fit a limit of 10; their text is 24 bytes long.
    let input =
        b"\xff\xff\xff\xff\xff\xff\xff\xff\r\n\xff\xff\xff\xff\xff\xff\xff\xff\xff\r\nok\r\n";
    let (lines, tail) = by_text_framer(input, input.len(), 10);
    assert_eq!(
        lines,
        vec![
            Ok(("\u{fffd}".repeat(8), LineEnding::CrLf)),
            Err(LineError::TooLong { limit: 10 }),
            Ok(("ok".into(), LineEnding::CrLf)),
        ]
    );
    assert_eq!(tail, None);
}

#[test]
fn text_framer_reports_an_overflow_after_the_lines_before_it() {
    let (lines, tail) = by_text_framer(b"ok\r\nxxxxxxxxxxxxxxxxxxxxxxxx\r\nnext\r\nend", 4, 10);
    assert_eq!(
        lines,
        vec![
            Ok(("ok".into(), LineEnding::CrLf)),
            Err(LineError::TooLong { limit: 10 }),
            Ok(("next".into(), LineEnding::CrLf)),
        ]
    );
    assert_eq!(tail.as_deref(), Some("end"));
}

#[test]
fn discarded_bytes_are_counted_as_the_peer_sent_them() {
    let cases: [(&[u8], usize); 3] = [
        (b"220 go\r\n250 \xff\xff\r\nxyz", 11),
        (b"220 go\r\nyyyyyyyyyyyy", 12),
        (b"220 go\r\n", 0),
    ];
    for (input, sent) in cases {
        let mut text = TextFramer::new(10);
        let mut bytes = LineFramer::new(10);
        text.push(input);
        bytes.push(input);
        assert_eq!(
            text.next_line(),
            Some(Ok(TextLine {
                text: "220 go",
                ending: LineEnding::CrLf
            }))
        );
        assert!(bytes.next_line().is_some());
        assert_eq!(text.discard_buffered(), sent, "{input:?}");
        assert_eq!(bytes.take_buffered().len(), sent, "{input:?}");
        // Nothing is left, not even the skipping of an over-long line.
        text.push(b"250 ok\r\n");
        assert_eq!(
            text.next_line(),
            Some(Ok(TextLine {
                text: "250 ok",
                ending: LineEnding::CrLf
            }))
        );
        assert_eq!(text.next_line(), None);
    }
}

#[test]
fn unread_lines_survive_compaction_with_their_marks() {
    // Lines with invalid UTF-8 that fit the limit only as bytes, runs of `z` that end
    // as fitting lines, over-long lines or overflows; one line in ten is left unread
    // for a while, so the returned prefix is compacted away under the waiting marks.
    let mut text = TextFramer::new(8);
    let mut bytes = LineFramer::new(8);
    let (mut from_text, mut from_bytes) = (Vec::new(), Vec::new());
    for i in 0..2000 {
        let mut input = format!("\r\n{i}").into_bytes();
        input.extend_from_slice(b"\xff\r\n");
        input.extend_from_slice(&b"z".repeat(i % 20));
        text.push(&input);
        bytes.push(&input);
        for _ in 0..if i % 10 == 0 { 1 } else { 2 } {
            from_text.push(text.next_line().map(|l| l.map(|l| l.text.to_owned())));
            from_bytes.push(bytes.next_line().map(|l| l.map(|l| l.to_text())));
        }
        assert!(text.text.len() < 8192, "compacted");
    }
    while let Some(line) = text.next_line() {
        from_text.push(Some(line.map(|l| l.text.to_owned())));
    }
    while let Some(line) = bytes.next_line() {
        from_bytes.push(Some(line.map(|l| l.to_text())));
    }
    assert_eq!(from_text, from_bytes);
    assert!(from_text.contains(&Some(Ok("1999\u{fffd}".to_owned()))));
    assert!(from_text.contains(&Some(Err(LineError::TooLong { limit: 8 }))));
}

#[test]
fn text_framer_keeps_its_buffers_small_on_long_streams() {
    let mut framer = TextFramer::new(1000);
    let mut count = 0;
    for _ in 0..10_000 {
        framer.push(b"250-a reply line\r\n250-and half of ");
        framer.push(b"another\r\n");
        while let Some(line) = framer.next_line() {
            assert!(line.expect("short lines").text.starts_with("250-"));
            count += 1;
        }
    }
    assert_eq!(count, 20_000);
    assert!(framer.text.capacity() < 1024 && framer.partial.capacity() < 1024);
}

#[test]
fn outgoing_lines_refuse_control_characters_and_overlength() {
    assert_eq!(check_outgoing_line("EHLO me", 512), Ok(()));
    assert_eq!(
        check_outgoing_line("x\r\n.\r\nMAIL FROM:<evil>", 1000),
        Err(OutgoingLineError::ControlCharacter {
            name: "CR",
            position: 1
        })
    );
    assert_eq!(
        check_outgoing_line("a\0b", 512),
        Err(OutgoingLineError::ControlCharacter {
            name: "NUL",
            position: 1
        })
    );
    assert_eq!(check_outgoing_line(&"a".repeat(510), 512), Ok(()));
    assert_eq!(
        check_outgoing_line(&"a".repeat(511), 512),
        Err(OutgoingLineError::TooLong {
            length: 513,
            limit: 512
        })
    );
}
