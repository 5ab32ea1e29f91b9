//! Decoding [`ClientMsg`], the message the bridge reads, straight from the text.
//!
//! serde's derive for an internally tagged enum first copies the whole message into an
//! intermediate `Content` tree, then builds the variant from that copy: every line of a
//! `lines` batch is allocated twice and freed once, which was the largest user-space cost
//! of relaying a pasted message. Here the message is read into one flat struct of every
//! field (serde reads a plain struct without the copy), and the variant is picked from
//! `type` afterwards. Unknown fields are ignored, as everywhere in the wire format; the
//! round-trip tests in `wire.rs` and the property tests keep this in step with the derive.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use crate::wire::{ClientMsg, ConnectRequest, TlsMode, WireError};

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
    tls: Option<TlsMode>,
    insecure: Option<bool>,
    token: Option<String>,
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

/// Decodes one `ClientMsg` JSON text frame.
pub(crate) fn client_msg(text: &str) -> Result<ClientMsg, WireError> {
    let flat: Flat = serde_json::from_str(text)?;
    let kind = flat.kind.ok_or_else(|| missing("type"))?;
    Ok(match kind.as_str() {
        "connect" => ClientMsg::Connect(ConnectRequest {
            host: flat.host.ok_or_else(|| missing("host"))?,
            port: flat.port.ok_or_else(|| missing("port"))?,
            tls: flat.tls.unwrap_or_default(),
            insecure: flat.insecure.unwrap_or(false),
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
            r#"{"type":"line","text":"x""#,
            "",
        ] {
            let ours = client_msg(text).ok();
            assert_eq!(ours, derived(text), "{text}");
        }
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
