//! A hand-written decoder for [`ServerMsg`], the message the browser reads most.
//!
//! serde's derive for an internally tagged enum buffers every message into an intermediate
//! `Content` tree and generates a large visitor; in the WebAssembly bundle that came to
//! about a tenth of the app's code. Decoding through the small [`crate::json`] reader does
//! the same job in a fraction of the size, and keeps `serde_json` out of the page. The
//! derive is kept for encoding, and the round-trip tests in `wire.rs` keep the two in step.

use super::{
    CertificateSummary, ErrorCode, MxList, MxListAddress, MxListHost, ServerMsg, TlsInfo, TlsMode,
    WireError,
};
use crate::json::{self, Json};

fn shape(message: String) -> WireError {
    WireError::Shape(message)
}

/// Decodes one `ServerMsg` JSON text frame.
pub(crate) fn server_msg(text: &str) -> Result<ServerMsg, WireError> {
    let mut fields = json::parse(text).map_err(|err| WireError::Json(err.to_string()))?;
    if !matches!(fields, Json::Object(_)) {
        return Err(shape("a message must be a JSON object".into()));
    }
    let kind = match fields.take("type") {
        Some(Json::String(kind)) => kind,
        _ => return Err(shape("missing field `type`".into())),
    };
    Ok(match kind.as_str() {
        "connected" => ServerMsg::Connected {
            version: number(&fields, "version")?
                .try_into()
                .map_err(|_| shape("`version` is out of range".into()))?,
            host: string(&mut fields, "host")?,
            port: number(&fields, "port")?
                .try_into()
                .map_err(|_| shape("`port` is out of range".into()))?,
            peer: string(&mut fields, "peer")?,
            tls: mode(&fields["tls"])?.unwrap_or(TlsMode::None),
            mx_host: optional_string(&mut fields, "mx_host")?,
        },
        "mx_list" => ServerMsg::MxList(mx_list(&mut fields)?),
        "line" => ServerMsg::Line {
            text: string(&mut fields, "text")?,
            at_ms: optional_number(&fields, "at_ms")?.unwrap_or(0),
            latency_ms: optional_number(&fields, "latency_ms")?,
            encrypted: optional_bool(&fields, "encrypted")?.unwrap_or(false),
        },
        "tls" => ServerMsg::Tls(tls_info(&mut fields)?),
        "error" => ServerMsg::Error {
            code: ErrorCode::from_name(&string(&mut fields, "code")?),
            message: string(&mut fields, "message")?,
        },
        "closed" => ServerMsg::Closed {
            reason: string(&mut fields, "reason")?,
        },
        other => {
            return Err(shape(format!("unknown message type `{other}`")));
        }
    })
}

/// The `tls` message's fields, with the defaults of the derive's `#[serde(default)]`.
fn tls_info(fields: &mut Json) -> Result<TlsInfo, WireError> {
    let certificates = match fields.take("certificates") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(list)) => list
            .into_iter()
            .map(|mut c| {
                Ok(CertificateSummary {
                    subject: string(&mut c, "subject")?,
                    issuer: string(&mut c, "issuer")?,
                    sans: strings(&mut c, "sans")?,
                    not_before: string(&mut c, "not_before")?,
                    not_after: string(&mut c, "not_after")?,
                    serial: optional_string(&mut c, "serial")?.unwrap_or_default(),
                    key: optional_string(&mut c, "key")?.unwrap_or_default(),
                    signature: optional_string(&mut c, "signature")?.unwrap_or_default(),
                })
            })
            .collect::<Result<_, WireError>>()?,
        Some(_) => return Err(shape("`certificates` must be a list".into())),
    };
    Ok(TlsInfo {
        mode: mode(&fields["mode"])?.ok_or_else(|| shape("missing field `mode`".into()))?,
        version: string(fields, "version")?,
        cipher: string(fields, "cipher")?,
        alpn: optional_string(fields, "alpn")?,
        server_name: string(fields, "server_name")?,
        verified: optional_bool(fields, "verified")?
            .ok_or_else(|| shape("missing field `verified`".into()))?,
        verify_error: optional_string(fields, "verify_error")?,
        insecure: optional_bool(fields, "insecure")?.unwrap_or(false),
        certificates,
        sandbox_certificate: optional_bool(fields, "sandbox_certificate")?.unwrap_or(false),
        at_ms: optional_number(fields, "at_ms")?.unwrap_or(0),
    })
}

/// The `mx_list` message's fields.
fn mx_list(fields: &mut Json) -> Result<MxList, WireError> {
    let hosts = objects(fields, "hosts")?
        .into_iter()
        .map(|mut host| {
            let addresses = objects(&mut host, "addresses")?
                .into_iter()
                .map(|mut address| {
                    Ok(MxListAddress {
                        address: string(&mut address, "address")?,
                        allowed: optional_bool(&address, "allowed")?
                            .ok_or_else(|| shape("missing field `allowed`".into()))?,
                        reason: optional_string(&mut address, "reason")?,
                    })
                })
                .collect::<Result<_, WireError>>()?;
            Ok(MxListHost {
                preference: number(&host, "preference")?
                    .try_into()
                    .map_err(|_| shape("`preference` is out of range".into()))?,
                name: string(&mut host, "name")?,
                addresses,
                note: optional_string(&mut host, "note")?,
            })
        })
        .collect::<Result<_, WireError>>()?;
    Ok(MxList {
        domain: string(fields, "domain")?,
        null_mx: optional_bool(fields, "null_mx")?.unwrap_or(false),
        implicit: optional_bool(fields, "implicit")?.unwrap_or(false),
        hosts,
    })
}

/// A list member, each item an object; empty when absent.
fn objects(fields: &mut Json, name: &str) -> Result<Vec<Json>, WireError> {
    match fields.take(name) {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Array(list)) => {
            if list.iter().all(|item| matches!(item, Json::Object(_))) {
                Ok(list)
            } else {
                Err(shape(format!("`{name}` must hold objects")))
            }
        }
        Some(_) => Err(shape(format!("`{name}` must be a list"))),
    }
}

fn mode(value: &Json) -> Result<Option<TlsMode>, WireError> {
    Ok(match value {
        Json::Null => None,
        Json::String(s) if s == "none" => Some(TlsMode::None),
        Json::String(s) if s == "starttls" => Some(TlsMode::Starttls),
        Json::String(s) if s == "implicit" => Some(TlsMode::Implicit),
        Json::String(other) => return Err(shape(format!("unknown TLS mode `{other}`"))),
        _ => return Err(shape("a TLS mode must be a string".into())),
    })
}

fn optional_string(fields: &mut Json, name: &str) -> Result<Option<String>, WireError> {
    match fields.take(name) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => Ok(Some(s)),
        Some(_) => Err(shape(format!("`{name}` must be a string"))),
    }
}

fn string(fields: &mut Json, name: &str) -> Result<String, WireError> {
    optional_string(fields, name)?.ok_or_else(|| shape(format!("missing field `{name}`")))
}

fn strings(fields: &mut Json, name: &str) -> Result<Vec<String>, WireError> {
    match fields.take(name) {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Array(list)) => list
            .into_iter()
            .map(|item| match item {
                Json::String(s) => Ok(s),
                _ => Err(shape(format!("`{name}` must hold strings"))),
            })
            .collect(),
        Some(_) => Err(shape(format!("`{name}` must be a list"))),
    }
}

fn optional_bool(fields: &Json, name: &str) -> Result<Option<bool>, WireError> {
    match &fields[name] {
        Json::Null => Ok(None),
        Json::Bool(b) => Ok(Some(*b)),
        _ => Err(shape(format!("`{name}` must be a boolean"))),
    }
}

fn number(fields: &Json, name: &str) -> Result<u64, WireError> {
    optional_number(fields, name)?.ok_or_else(|| shape(format!("missing field `{name}`")))
}

fn optional_number(fields: &Json, name: &str) -> Result<Option<u64>, WireError> {
    match &fields[name] {
        Json::Null => Ok(None),
        value => value
            .as_u64()
            .map(Some)
            .ok_or_else(|| shape(format!("`{name}` must be a whole number"))),
    }
}

#[cfg(test)]
mod tests {
    use crate::wire::{
        CertificateSummary, ErrorCode, MxList, MxListAddress, MxListHost, ServerMsg, TlsInfo,
        TlsMode,
    };

    #[test]
    fn every_variant_round_trips() {
        let messages = [
            ServerMsg::Connected {
                version: 1,
                host: "mx.example".into(),
                port: 587,
                peer: "[::1]:587".into(),
                tls: TlsMode::Starttls,
                mx_host: None,
            },
            ServerMsg::Connected {
                version: 1,
                host: "two-mx.example".into(),
                port: 25,
                peer: "127.0.0.2:25".into(),
                tls: TlsMode::None,
                mx_host: Some("live.two-mx.example".into()),
            },
            ServerMsg::MxList(MxList {
                domain: "two-mx.example".into(),
                null_mx: false,
                implicit: false,
                hosts: vec![
                    MxListHost {
                        preference: 10,
                        name: "dead.two-mx.example".into(),
                        addresses: vec![MxListAddress {
                            address: "10.0.0.1".into(),
                            allowed: false,
                            reason: Some("private".into()),
                        }],
                        note: None,
                    },
                    MxListHost {
                        preference: 20,
                        name: "x".into(),
                        addresses: Vec::new(),
                        note: Some("NXDOMAIN".into()),
                    },
                ],
            }),
            ServerMsg::MxList(MxList {
                domain: "null.example".into(),
                null_mx: true,
                ..MxList::default()
            }),
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
                certificates: vec![
                    CertificateSummary {
                        subject: "CN=mx.example".into(),
                        ..CertificateSummary::default()
                    },
                    CertificateSummary {
                        subject: "CN=R1".into(),
                        key: "RSA 2048".into(),
                        signature: "sha256WithRSAEncryption".into(),
                        ..CertificateSummary::default()
                    },
                ],
                sandbox_certificate: true,
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
            r#"{"type":"mx_list"}"#,
            r#"{"type":"mx_list","domain":"d","hosts":[1]}"#,
            r#"{"type":"mx_list","domain":"d","hosts":[{"preference":70000,"name":"n"}]}"#,
            r#"{"type":"mx_list","domain":"d","hosts":[{"preference":1,"name":"n","addresses":[{"address":"a"}]}]}"#,
        ] {
            assert!(ServerMsg::from_json(bad).is_err(), "{bad}");
        }
        let line = ServerMsg::from_json(r#"{"type":"line","text":"x","future":true}"#).expect("ok");
        assert!(matches!(line, ServerMsg::Line { at_ms: 0, .. }));
    }
}
