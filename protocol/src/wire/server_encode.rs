//! Writes a server `line` message, the one the bridge sends for every line a server sends,
//! by hand: exactly the text the serde derive writes (field order, escapes, numbers, the
//! fields it leaves out), without serde's machinery. The derive's map serializer, its
//! escaper and its number formatting were a twentieth of the relay's instructions per
//! round trip (bench/README.md, "relay"). Every other message goes through the derive.

use crate::json::write_string;

/// `{"type":"line","text":…,"at_ms":…[,"latency_ms":…][,"encrypted":true]}`, as the
/// derive writes [`ServerMsg::Line`](super::ServerMsg::Line).
pub(super) fn line(text: &str, at_ms: u64, latency_ms: Option<u64>, encrypted: bool) -> String {
    // Room for the text, its quotes, a few escapes and every field at its longest, so
    // that an ordinary line is written without growing the buffer.
    let mut out = String::with_capacity(text.len() + 96);
    out.push_str("{\"type\":\"line\",\"text\":");
    write_string(&mut out, text);
    out.push_str(",\"at_ms\":");
    write_u64(&mut out, at_ms);
    if let Some(latency_ms) = latency_ms {
        out.push_str(",\"latency_ms\":");
        write_u64(&mut out, latency_ms);
    }
    if encrypted {
        out.push_str(",\"encrypted\":true");
    }
    out.push('}');
    out
}

/// Appends `n` in decimal, as JSON (and the derive) writes an integer.
fn write_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[start..]).expect("ASCII digits"));
}

#[cfg(test)]
mod tests {
    use super::super::ServerMsg;
    use super::*;

    /// What the derive writes for the same line.
    fn derived(text: &str, at_ms: u64, latency_ms: Option<u64>, encrypted: bool) -> String {
        serde_json::to_string(&ServerMsg::Line {
            text: text.to_owned(),
            at_ms,
            latency_ms,
            encrypted,
        })
        .expect("a line encodes")
    }

    #[test]
    fn lines_are_written_as_the_derive_writes_them() {
        let cases: [(&str, u64, Option<u64>, bool); 9] = [
            ("250 2.0.0 Ok", 12, Some(3), false),
            ("220 mx.example ESMTP", 0, None, false),
            ("", 0, Some(0), true),
            ("250-PIPELINING", u64::MAX, Some(u64::MAX), true),
            ("say \"hi\" \\ now", 9, None, true),
            ("tab\there\r\nnul\0bell\u{7}del\u{7f}", 10, Some(10), false),
            ("\u{8}\u{c}\u{1f}\u{1b}[31m", 99, None, false),
            (
                "550 5.1.1 <用户@例子.中国> 不存在 \u{fffd} 😀",
                123_456,
                Some(7),
                false,
            ),
            ("\u{2028}\u{2029}</script>", 1, None, false),
        ];
        for (text, at_ms, latency_ms, encrypted) in cases {
            assert_eq!(
                line(text, at_ms, latency_ms, encrypted),
                derived(text, at_ms, latency_ms, encrypted),
                "{text:?}"
            );
        }
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [
            0,
            1,
            9,
            10,
            99,
            100,
            1_000_000,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let mut out = String::new();
            write_u64(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }

    #[test]
    fn to_json_takes_this_path_for_lines_only() {
        let message = ServerMsg::Line {
            text: "250 \"ok\"".to_owned(),
            at_ms: 5,
            latency_ms: Some(1),
            encrypted: true,
        };
        assert_eq!(message.to_json(), derived("250 \"ok\"", 5, Some(1), true));
        let closed = ServerMsg::Closed {
            reason: "bye".to_owned(),
        };
        assert_eq!(
            closed.to_json(),
            serde_json::to_string(&closed).expect("encodes")
        );
    }

    proptest::proptest! {
        /// Any text (every escape, control characters, non-ASCII, astral characters) and
        /// any numbers and flags: the derive's text, byte for byte, and it reads back.
        #[test]
        fn any_line_is_written_as_the_derive_writes_it(
            text in r#"(\PC|[\x00-\x1f"\\\x7f\u{80}-\u{10ffff}]){0,60}"#,
            at_ms in proptest::prelude::any::<u64>(),
            latency_ms in proptest::prelude::any::<Option<u64>>(),
            encrypted in proptest::prelude::any::<bool>(),
        ) {
            let written = line(&text, at_ms, latency_ms, encrypted);
            proptest::prop_assert_eq!(&written, &derived(&text, at_ms, latency_ms, encrypted));
            let back = ServerMsg::from_json(&written).expect("reads back");
            proptest::prop_assert_eq!(back, ServerMsg::Line { text, at_ms, latency_ms, encrypted });
        }
    }
}
