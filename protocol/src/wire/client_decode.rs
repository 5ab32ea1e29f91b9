//! Decoding [`ClientMsg`], the message the bridge reads, straight from the text.
//!
//! serde's derive for an internally tagged enum first copies the whole message into an
//! intermediate `Content` tree, then builds the variant from that copy: every line of a
//! `lines` batch is allocated twice and freed once, which was the largest user-space cost
//! of relaying a pasted message. Here the message is read into one flat struct of every
//! field (serde reads a plain struct without the copy), and the variant is picked from
//! `type` afterwards.
//!
//! The flat reading is stricter than the derive in two ways: a key may not repeat, and a
//! field must have its type even where the message's `type` does not use it (the derive
//! ignores such fields). A message it cannot read therefore goes to the derive, which
//! decides; valid messages from the page never take that path. So the result is always
//! the derive's, with one intended difference: the derive also reads a message written as
//! a JSON array, and the wire format is JSON objects only. A test and the `wire` fuzz
//! target hold the two together.
//!
//! Before either, the message nearly every frame of a session is, a `line` exactly as the
//! page writes it (`{"type":"line","text":"..."}`, see [`ClientMsg::to_json`]) with no
//! escape in its text, is read by hand ([`plain_line`]): for a body sent line by line,
//! serde's reading was a fifth of the relay's CPU time (bench/README.md, "relay").

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use super::{ClientMsg, ConnectRequest, TlsMode, WireError};

/// The variant names, for the error about an unknown one.
const KINDS: &str = "`connect`, `line`, `lines`, `close` or `auth`";

/// Every field any `ClientMsg` has.
#[derive(Deserialize)]
struct Flat {
    #[serde(rename = "type")]
    kind: Option<String>,
    text: Option<Text>,
    host: Option<String>,
    port: Option<u16>,
    // `null` is not "absent" for these two: the derive refuses it, so this reading does.
    #[serde(default, deserialize_with = "present")]
    tls: Option<TlsMode>,
    #[serde(default, deserialize_with = "present")]
    insecure: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    by_mx: Option<bool>,
    mx_host: Option<String>,
    token: Option<String>,
}

/// A field that, when present, holds a `T` (not `null`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// `text`: one string (`line`) or a list of them (`lines`).
enum Text {
    One(String),
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Text, E> {
                Ok(Text::One(value.to_owned()))
            }
            fn visit_string<E: de::Error>(self, value: String) -> Result<Text, E> {
                Ok(Text::One(value))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text, A::Error> {
                // The hint is the JSON's own count at most; cap it so a lying hint cannot
                // reserve much.
                let mut lines = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(line) = seq.next_element::<String>()? {
                    lines.push(line);
                }
                Ok(Text::Many(lines))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

fn missing(field: &str) -> WireError {
    WireError::Shape(format!("missing field `{field}`"))
}

/// What a plain `line` message starts and ends with.
const LINE_START: &str = r#"{"type":"line","text":""#;
const LINE_END: &str = r#""}"#;

/// A `line` message written as `ClientMsg::to_json` writes it, whose text needs no
/// unescaping: no `"`, no `\` and no control character (which JSON forbids raw). Such a
/// text is the string's value byte for byte, so this is what serde reads, without serde.
/// Anything else (other key order, spaces, escapes) is `None` and goes the general way.
fn plain_line(text: &str) -> Option<ClientMsg> {
    let inner = text.strip_prefix(LINE_START)?.strip_suffix(LINE_END)?;
    // No early exit: the loop vectorises, and nearly every text passes.
    let special = inner.bytes().fold(false, |found, b| {
        found | (b == b'"') | (b == b'\\') | (b < 0x20)
    });
    (!special).then(|| ClientMsg::Line {
        text: inner.to_owned(),
    })
}

/// Decodes one `ClientMsg` JSON text frame.
pub(crate) fn client_msg(text: &str) -> Result<ClientMsg, WireError> {
    if let Some(line) = plain_line(text) {
        return Ok(line);
    }
    // serde reads a struct from an array too (fields in order); messages are objects.
    if !text
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .starts_with('{')
    {
        return Err(WireError::Shape("a message is a JSON object".into()));
    }
    match serde_json::from_str::<Flat>(text) {
        Ok(flat) => from_flat(flat),
        // Not JSON, a repeated key, or a field of the wrong type that this message's `type`
        // may not even use: the derive decides (see the module documentation).
        Err(_) => Ok(serde_json::from_str::<ClientMsg>(text)?),
    }
}

/// The message of a well-formed flat reading. Every error here is one the derive makes
/// too: a missing or unknown `type`, a missing field, `text` of the wrong shape.
fn from_flat(flat: Flat) -> Result<ClientMsg, WireError> {
    let kind = flat.kind.ok_or_else(|| missing("type"))?;
    Ok(match kind.as_str() {
        "connect" => ClientMsg::Connect(ConnectRequest {
            host: flat.host.ok_or_else(|| missing("host"))?,
            port: flat.port.ok_or_else(|| missing("port"))?,
            tls: flat.tls.unwrap_or_default(),
            insecure: flat.insecure.unwrap_or(false),
            by_mx: flat.by_mx.unwrap_or(false),
            mx_host: flat.mx_host,
        }),
        "line" => match flat.text {
            Some(Text::One(text)) => ClientMsg::Line { text },
            Some(Text::Many(_)) => {
                return Err(WireError::Shape(
                    "`text` of `line` is one string; send several lines as `lines`".into(),
                ));
            }
            None => return Err(missing("text")),
        },
        "lines" => match flat.text {
            Some(Text::Many(text)) => ClientMsg::Lines { text },
            Some(Text::One(_)) => {
                return Err(WireError::Shape(
                    "`text` of `lines` is a list of strings".into(),
                ));
            }
            None => return Err(missing("text")),
        },
        "close" => ClientMsg::Close,
        "auth" => ClientMsg::Auth {
            token: flat.token.ok_or_else(|| missing("token"))?,
        },
        other => {
            return Err(WireError::Shape(format!(
                "unknown message type `{other}`, expected {KINDS}"
            )));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What serde's derive makes of the same text: the reference this decoder follows.
    fn derived(text: &str) -> Option<ClientMsg> {
        serde_json::from_str(text).ok()
    }

    #[test]
    fn agrees_with_the_derive_on_valid_and_invalid_messages() {
        for text in [
            r#"{"type":"line","text":"EHLO me"}"#,
            r#"{"text":"type comes last","type":"line"}"#,
            r#"{"type":"line","text":"esc\u00e9 \"q\" \\ \t"}"#,
            r#"{"type":"lines","text":[]}"#,
            r#"{"type":"lines","text":["Subject: x","",".."],"extra":{"a":[1,2]}}"#,
            r#"{"type":"connect","host":"mx.example.org","port":587,"tls":"starttls"}"#,
            r#"{"type":"connect","host":"::1","port":25,"insecure":true,"tls":"implicit"}"#,
            r#"{"type":"close","text":"ignored"}"#,
            r#"{"type":"connect","host":"example.org","port":25,"by_mx":true}"#,
            r#"{"type":"connect","host":"example.org","port":25,"by_mx":true,"mx_host":"mx2.example.org"}"#,
            r#"{"type":"connect","host":"example.org","port":25,"by_mx":null}"#,
            r#"{"type":"connect","host":"example.org","port":25,"by_mx":"yes"}"#,
            r#"{"type":"connect","host":"example.org","port":25,"mx_host":null}"#,
            r#"{"type":"connect","host":"example.org","port":25,"mx_host":5}"#,
            r#"{"type":"auth","token":"t0k"}"#,
            r#"{"type":"line","text":["a"]}"#,
            r#"{"type":"lines","text":"a"}"#,
            r#"{"type":"lines","text":["a",1]}"#,
            r#"{"type":"line","text":null}"#,
            r#"{"type":"connect","host":"mx","port":-1}"#,
            r#"{"type":"connect","host":"mx","port":65536}"#,
            r#"{"type":"connect","port":25}"#,
            r#"{"type":"auth"}"#,
            r#"{"type":"Line","text":"x"}"#,
            r#"{"type":7}"#,
            r#"{"text":"no type"}"#,
            r#"["type","line"]"#,
            r#"{"type":"line","text":"a","text":"b"}"#,
            r#"{"type":"line","text":"a","host":"x","host":"y"}"#,
            r#"{"type":"line","text":"a","port":"not a port"}"#,
            r#"{"type":"close","text":5}"#,
            r#"{"type":"connect","host":"mx","port":25,"tls":null}"#,
            r#"{"type":"connect","host":"mx","port":25,"insecure":null}"#,
            r#"{"type":"line","text":"a","tls":null}"#,
            r#"{"type":"close","type":"line","text":"a"}"#,
            r#" {"type":"close"}"#,
            r#"{"type":"line","text":"x""#,
            "",
            // The plain `line` and its near misses.
            r#"{"type":"line","text":""}"#,
            "{\"type\":\"line\",\"text\":\"h\u{e9}llo \u{4f60}\u{597d} \u{7f}\"}",
            "{\"type\":\"line\",\"text\":\"tab\there\"}",
            "{\"type\":\"line\",\"text\":\"nul\0\"}",
            r#"{"type":"line","text":"a\"}"#,
            r#"{"type":"line","text":"a\\"}"#,
            r#"{"type":"line","text":"a"}"}"#,
            r#"{"type":"line","text":"a"}}"#,
            r#"{"type":"line","text":"a"} "#,
            r#"{"type":"line", "text":"a"}"#,
            r#"{"type":"line","text":"""#,
        ] {
            let ours = client_msg(text).ok();
            assert_eq!(ours, derived(text), "{text}");
        }
    }

    proptest::proptest! {
        /// Whatever stands between a plain `line`'s start and end, the result is the
        /// derive's.
        #[test]
        fn a_plain_line_reads_as_the_derive_does(inner in r#"(\PC|["\\\x00-\x1f}{]){0,40}"#) {
            let text = format!("{LINE_START}{inner}{LINE_END}");
            proptest::prop_assert_eq!(client_msg(&text).ok(), derived(&text), "{}", text);
        }

        /// Every line `to_json` writes reads back as itself.
        #[test]
        fn lines_read_back(line in r"\PC{0,40}") {
            let message = ClientMsg::Line { text: line };
            proptest::prop_assert_eq!(client_msg(&message.to_json()).ok(), Some(message));
        }
    }

    #[test]
    fn arrays_are_not_messages() {
        // serde's derive reads `["close"]` as `close` (a tagged enum in sequence form); the
        // wire format is JSON objects, and this decoder keeps to it.
        assert_eq!(derived(r#"["close"]"#), Some(ClientMsg::Close));
        assert!(client_msg(r#"["close"]"#).is_err());
        assert!(client_msg(r#"["line","EHLO me"]"#).is_err());
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let message = |text: &str| client_msg(text).expect_err(text).to_string();
        assert!(message(r#"{"type":"launch"}"#).contains("unknown message type `launch`"));
        assert!(message(r#"{"type":"line"}"#).contains("missing field `text`"));
        assert!(message(r#"{"type":"lines","text":"x"}"#).contains("list of strings"));
        assert!(message(r#"{"type":"line","text":["x"]}"#).contains("one string"));
        assert!(message(r#"{"host":"mx"}"#).contains("missing field `type`"));
        assert!(message("{").contains("not a valid message"));
    }
}
