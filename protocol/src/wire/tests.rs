use super::*;

#[test]
fn client_messages_are_encoded_as_the_derive_encodes_them() {
    let connect = |tls, insecure| {
        ClientMsg::Connect(ConnectRequest {
            host: "mx.\"example\"".into(),
            port: 465,
            tls,
            insecure,
            ..ConnectRequest::default()
        })
    };
    for msg in [
        connect(TlsMode::None, false),
        connect(TlsMode::Starttls, false),
        connect(TlsMode::Implicit, true),
        ClientMsg::Connect(ConnectRequest {
            host: "example.org".into(),
            by_mx: true,
            ..ConnectRequest::default()
        }),
        ClientMsg::Connect(ConnectRequest {
            host: "example.org".into(),
            by_mx: true,
            mx_host: Some("mx2.\"example\".org".into()),
            ..ConnectRequest::default()
        }),
        ClientMsg::Line {
            text: "EHLO \u{1} é 中\\".into(),
        },
        ClientMsg::Lines { text: Vec::new() },
        ClientMsg::Lines {
            text: vec!["a".into(), String::new(), ".".into()],
        },
        ClientMsg::Close,
        ClientMsg::Auth {
            token: "t\tok".into(),
        },
    ] {
        assert_eq!(
            msg.to_json(),
            serde_json::to_string(&msg).expect("serializes")
        );
        assert_eq!(ClientMsg::from_json(&msg.to_json()).expect("decodes"), msg);
    }
    for mode in [TlsMode::None, TlsMode::Starttls, TlsMode::Implicit] {
        assert_eq!(
            serde_json::to_string(&mode).expect("serializes"),
            format!("\"{}\"", mode.as_str())
        );
    }
}

#[test]
fn decodes_the_documented_client_messages() {
    assert_eq!(
        ClientMsg::from_json(r#"{"type":"connect","host":"127.0.0.1","port":2525,"tls":"none"}"#)
            .expect("valid"),
        ClientMsg::Connect(ConnectRequest {
            host: "127.0.0.1".into(),
            port: 2525,
            tls: TlsMode::None,
            insecure: false,
            ..ConnectRequest::default()
        })
    );
    assert_eq!(
        ClientMsg::from_json(r#"{"type":"line","text":"EHLO me"}"#).expect("valid"),
        ClientMsg::Line {
            text: "EHLO me".into()
        }
    );
    assert_eq!(
        ClientMsg::from_json(r#"{"type":"close"}"#).expect("valid"),
        ClientMsg::Close
    );
    assert_eq!(
        ClientMsg::from_json(r#"{"type":"lines","text":["a","","."]}"#).expect("valid"),
        ClientMsg::Lines {
            text: vec!["a".into(), String::new(), ".".into()]
        }
    );
    let insecure = ClientMsg::from_json(
        r#"{"type":"connect","host":"mx","port":465,"tls":"implicit","insecure":true}"#,
    )
    .expect("valid");
    assert!(matches!(
        insecure,
        ClientMsg::Connect(ConnectRequest {
            tls: TlsMode::Implicit,
            insecure: true,
            ..
        })
    ));
}

#[test]
fn tls_message_round_trips_and_line_extras_are_optional() {
    let tls = ServerMsg::Tls(TlsInfo {
        mode: TlsMode::Starttls,
        version: "TLSv1.3".into(),
        cipher: "TLS13_AES_256_GCM_SHA384".into(),
        alpn: None,
        server_name: "mx.example.org".into(),
        verified: false,
        verify_error: Some("unknown issuer".into()),
        insecure: true,
        certificates: vec![CertificateSummary {
            subject: "CN=mx.example.org".into(),
            issuer: "CN=mx.example.org".into(),
            sans: vec!["mx.example.org".into()],
            not_before: "2025-01-01T00:00:00Z".into(),
            not_after: "2026-01-01T00:00:00Z".into(),
            serial: "01".into(),
            key: "EC P-256".into(),
            signature: "ecdsa-with-SHA256".into(),
        }],
        sandbox_certificate: true,
        at_ms: 7,
    });
    let json = tls.to_json();
    assert!(json.starts_with(r#"{"type":"tls","mode":"starttls","version":"TLSv1.3""#));
    assert_eq!(ServerMsg::from_json(&json).expect("round trip"), tls);
    assert!(json.contains(r#""sandbox_certificate":true"#), "{json}");
    // An older bridge's `tls` message, without `sandbox_certificate`, still decodes.
    let older = json.replace(r#","sandbox_certificate":true"#, "");
    let ServerMsg::Tls(info) = ServerMsg::from_json(&older).expect("older tls") else {
        panic!("{older}");
    };
    assert!(!info.sandbox_certificate, "{info:?}");
    // Nor without the key and signature: they decode as unknown (empty).
    let older = json.replace(r#","key":"EC P-256","signature":"ecdsa-with-SHA256""#, "");
    assert_ne!(older, json, "the fields are in the message");
    let ServerMsg::Tls(info) = ServerMsg::from_json(&older).expect("older tls") else {
        panic!("{older}");
    };
    assert_eq!(
        (
            info.certificates[0].key.as_str(),
            info.certificates[0].signature.as_str()
        ),
        ("", ""),
        "{info:?}"
    );

    let line = ServerMsg::Line {
        text: "250 OK".into(),
        at_ms: 9,
        latency_ms: Some(2),
        encrypted: true,
    };
    assert_eq!(
        line.to_json(),
        r#"{"type":"line","text":"250 OK","at_ms":9,"latency_ms":2,"encrypted":true}"#
    );
    assert_eq!(
        ServerMsg::from_json(&line.to_json()).expect("round trip"),
        line
    );
    // An older bridge's line still decodes.
    assert_eq!(
        ServerMsg::from_json(r#"{"type":"line","text":"250 OK","at_ms":9}"#).expect("valid"),
        ServerMsg::Line {
            text: "250 OK".into(),
            at_ms: 9,
            latency_ms: None,
            encrypted: false,
        }
    );
}

#[test]
fn tls_defaults_to_none_and_unknown_fields_are_ignored() {
    let msg =
        ClientMsg::from_json(r#"{"type":"connect","host":"mx","port":25,"x":1}"#).expect("valid");
    assert!(matches!(
        msg,
        ClientMsg::Connect(ConnectRequest {
            tls: TlsMode::None,
            ..
        })
    ));
}

#[test]
fn security_codes_and_auth_use_the_documented_names() {
    for (code, name) in [
        (ErrorCode::TargetDenied, "target_denied"),
        (ErrorCode::RateLimited, "rate_limited"),
        (ErrorCode::TooManySessions, "too_many_sessions"),
        (ErrorCode::ProbeMode, "probe_mode"),
        (ErrorCode::TokenRequired, "token_required"),
        (ErrorCode::TokenInvalid, "token_invalid"),
        (ErrorCode::DataLimit, "data_limit"),
        (ErrorCode::RecipientLimit, "recipient_limit"),
        (ErrorCode::ReplyTooLarge, "reply_too_large"),
        (ErrorCode::MessageTooLarge, "message_too_large"),
        (ErrorCode::IdleTimeout, "idle_timeout"),
        (ErrorCode::SessionExpired, "session_expired"),
    ] {
        let json = ServerMsg::Error {
            code,
            message: String::new(),
        }
        .to_json();
        assert!(json.contains(&format!(r#""code":"{name}""#)), "{json}");
    }
    assert_eq!(
        ClientMsg::from_json(r#"{"type":"auth","token":"t0k"}"#).expect("valid"),
        ClientMsg::Auth {
            token: "t0k".into()
        }
    );
}

#[test]
fn rejects_malformed_messages() {
    for bad in [
        "",
        "{",
        r#"{"type":"launch"}"#,
        r#"{"type":"connect","host":"mx","port":70000}"#,
        r#"{"type":"connect","host":"mx","port":25,"tls":"ssl"}"#,
        r#"{"type":"lines","text":"not a list"}"#,
        r#"{"type":"line"}"#,
    ] {
        assert!(
            ClientMsg::from_json(bad).is_err(),
            "{bad:?} must be rejected"
        );
    }
}

#[test]
fn server_messages_use_the_documented_names() {
    let line = ServerMsg::Line {
        text: "250-PIPELINING".into(),
        at_ms: 3,
        latency_ms: None,
        encrypted: false,
    };
    assert_eq!(
        line.to_json(),
        r#"{"type":"line","text":"250-PIPELINING","at_ms":3}"#
    );
    let err = ServerMsg::Error {
        code: ErrorCode::ConnectFailed,
        message: "refused".into(),
    };
    assert_eq!(
        err.to_json(),
        r#"{"type":"error","code":"connect_failed","message":"refused"}"#
    );
    for msg in [
        line,
        err,
        ServerMsg::Closed {
            reason: "bye".into(),
        },
    ] {
        assert_eq!(
            ServerMsg::from_json(&msg.to_json()).expect("round trip"),
            msg
        );
    }
}

#[test]
fn unknown_error_codes_from_newer_bridges_decode() {
    let msg = ServerMsg::from_json(r#"{"type":"error","code":"quota_melted","message":"m"}"#)
        .expect("valid");
    assert!(matches!(
        msg,
        ServerMsg::Error {
            code: ErrorCode::Unknown,
            ..
        }
    ));
}
