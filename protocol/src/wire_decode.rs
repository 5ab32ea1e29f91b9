//! A hand-written decoder for [`ServerMsg`], the message the browser reads most.
//!
//! serde's derive for an internally tagged enum buffers every message into an intermediate
//! `Content` tree and generates a large visitor; in the WebAssembly bundle that came to
//! about a tenth of the app's code. Decoding through `serde_json::Value`, which the page
//! links anyway, does the same job in a fraction of the size. The derive is kept for
//! encoding, and the round-trip tests in `wire.rs` keep the two in step.

use crate::wire::{ErrorCode, ServerMsg, TlsInfo, TlsMode, WireError};
use serde_json::{Map, Value};

/// Decodes one `ServerMsg` JSON text frame.
pub(crate) fn server_msg(text: &str) -> Result<ServerMsg, WireError> {
    let Value::Object(mut fields) = serde_json::from_str::<Value>(text)? else {
        return Err(WireError::Shape("a message must be a JSON object".into()));
    };
    let kind = match fields.remove("type") {
        Some(Value::String(kind)) => kind,
        _ => return Err(WireError::Shape("missing field `type`".into())),
    };
    Ok(match kind.as_str() {
        "connected" => ServerMsg::Connected {
            version: number(&fields, "version")?
                .try_into()
                .map_err(|_| WireError::Shape("`version` is out of range".into()))?,
            host: string(&mut fields, "host")?,
            port: number(&fields, "port")?
                .try_into()
                .map_err(|_| WireError::Shape("`port` is out of range".into()))?,
            peer: string(&mut fields, "peer")?,
            tls: match fields.get("tls").and_then(Value::as_str) {
                None | Some("none") => TlsMode::None,
                Some("starttls") => TlsMode::Starttls,
                Some("implicit") => TlsMode::Implicit,
                Some(other) => return Err(WireError::Shape(format!("unknown TLS mode `{other}`"))),
            },
        },
        "line" => ServerMsg::Line {
            text: string(&mut fields, "text")?,
            at_ms: optional_number(&fields, "at_ms")?.unwrap_or(0),
            latency_ms: optional_number(&fields, "latency_ms")?,
            encrypted: match fields.get("encrypted") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(b)) => *b,
                Some(_) => return Err(WireError::Shape("`encrypted` must be a boolean".into())),
            },
        },
        "tls" => ServerMsg::Tls(serde_json::from_value::<TlsInfo>(Value::Object(fields))?),
        "error" => ServerMsg::Error {
            code: ErrorCode::from_name(&string(&mut fields, "code")?),
            message: string(&mut fields, "message")?,
        },
        "closed" => ServerMsg::Closed {
            reason: string(&mut fields, "reason")?,
        },
        other => {
            return Err(WireError::Shape(format!("unknown message type `{other}`")));
        }
    })
}

fn string(fields: &mut Map<String, Value>, name: &str) -> Result<String, WireError> {
    match fields.remove(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(WireError::Shape(format!("`{name}` must be a string"))),
        None => Err(WireError::Shape(format!("missing field `{name}`"))),
    }
}

fn number(fields: &Map<String, Value>, name: &str) -> Result<u64, WireError> {
    optional_number(fields, name)?
        .ok_or_else(|| WireError::Shape(format!("missing field `{name}`")))
}

fn optional_number(fields: &Map<String, Value>, name: &str) -> Result<Option<u64>, WireError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_u64()
            .map(Some)
            .ok_or_else(|| WireError::Shape(format!("`{name}` must be a whole number"))),
    }
}

#[cfg(test)]
mod tests {
    use crate::wire::{CertificateSummary, ErrorCode, ServerMsg, TlsInfo, TlsMode};

    #[test]
    fn every_variant_round_trips() {
        let messages = [
            ServerMsg::Connected {
                version: 1,
                host: "mx.example".into(),
                port: 587,
                peer: "[::1]:587".into(),
                tls: TlsMode::Starttls,
            },
            ServerMsg::Line {
                text: "250 ok".into(),
                at_ms: 5,
                latency_ms: Some(2),
                encrypted: true,
            },
            ServerMsg::Line {
                text: String::new(),
                at_ms: 0,
                latency_ms: None,
                encrypted: false,
            },
            ServerMsg::Tls(TlsInfo {
                mode: TlsMode::Implicit,
                version: "TLSv1.3".into(),
                cipher: "TLS13_AES_256_GCM_SHA384".into(),
                alpn: None,
                server_name: "mx.example".into(),
                verified: false,
                verify_error: Some("unknown issuer".into()),
                insecure: true,
                certificates: vec![CertificateSummary {
                    subject: "CN=mx.example".into(),
                    ..CertificateSummary::default()
                }],
                at_ms: 3,
            }),
            ServerMsg::Error {
                code: ErrorCode::ConnectFailed,
                message: "refused".into(),
            },
            ServerMsg::Closed {
                reason: "bye".into(),
            },
        ];
        for msg in messages {
            assert_eq!(
                ServerMsg::from_json(&msg.to_json()).expect("round trip"),
                msg
            );
        }
    }

    #[test]
    fn error_code_names_match_the_serde_names() {
        for code in ErrorCode::ALL {
            assert_eq!(
                serde_json::to_string(&code).expect("serialize"),
                format!("\"{}\"", code.as_str())
            );
            assert_eq!(ErrorCode::from_name(code.as_str()), code);
        }
        assert_eq!(ErrorCode::from_name("quota_melted"), ErrorCode::Unknown);
        // `as_str` is an exhaustive match, so a new code cannot lack a name; a code missing
        // from `ALL` would decode as `unknown`, which the derive-based check below catches.
        for name in [
            "bad_message",
            "target_denied",
            "session_expired",
            "upstream_io",
        ] {
            let derived: ErrorCode = serde_json::from_str(&format!("\"{name}\"")).expect("derive");
            assert_eq!(ErrorCode::from_name(name), derived);
        }
        assert_eq!(
            ErrorCode::ALL.len(),
            ErrorCode::ALL
                .iter()
                .map(|c| c.as_str())
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        );
    }

    #[test]
    fn shape_errors_are_reported_not_panicked() {
        for bad in [
            "[]",
            "{}",
            r#"{"type":1}"#,
            r#"{"type":"line"}"#,
            r#"{"type":"line","text":5}"#,
            r#"{"type":"line","text":"x","at_ms":-1}"#,
            r#"{"type":"line","text":"x","encrypted":"yes"}"#,
            r#"{"type":"connected","version":1,"host":"h","port":70000,"peer":"p"}"#,
            r#"{"type":"error","message":"m"}"#,
            r#"{"type":"tls"}"#,
            r#"{"type":"teleport"}"#,
        ] {
            assert!(ServerMsg::from_json(bad).is_err(), "{bad}");
        }
        let line = ServerMsg::from_json(r#"{"type":"line","text":"x","future":true}"#).expect("ok");
        assert!(matches!(line, ServerMsg::Line { at_ms: 0, .. }));
    }
}
