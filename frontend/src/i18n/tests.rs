//! The page's own words, checked in both languages.

use super::*;

#[test]
fn every_error_code_has_a_distinct_sentence_in_each_language() {
    let codes = ErrorCode::ALL;
    for (lang, end) in [(Lang::En, '.'), (Lang::ZhCn, '。')] {
        let sentences: std::collections::HashSet<_> =
            codes.iter().map(|&c| error_sentence(lang, c)).collect();
        assert_eq!(sentences.len(), codes.len());
        for sentence in sentences {
            assert!(sentence.ends_with(end), "{sentence:?} is a sentence");
        }
    }
}

#[test]
fn notices_read_as_sentences_in_both_languages() {
    let closed = Notice::Closed {
        reason: "the server closed the connection".into(),
    };
    assert_eq!(
        notice(Lang::En, &closed),
        "Connection closed: the server closed the connection."
    );
    assert!(notice(Lang::ZhCn, &closed).starts_with("连接已关闭"));
    let error = Notice::BridgeError {
        code: ErrorCode::ConnectFailed,
        message: "refused".into(),
    };
    assert_eq!(
        notice(Lang::En, &error),
        "The SMTP server could not be reached or refused the connection (refused)."
    );
    assert_eq!(
        notice(Lang::ZhCn, &error),
        "无法连接到 SMTP 服务器，或服务器拒绝了连接。"
    );
    assert_eq!(
        notice(Lang::En, &Notice::SendRefused(SendError::NotConnected)),
        "Not connected: connect to a server first."
    );
}

#[test]
fn capitalise_changes_only_a_leading_ascii_letter() {
    assert_eq!(capitalise("not connected"), "Not connected");
    assert_eq!(capitalise(""), "");
    assert_eq!(capitalise("été"), "été");
    assert_eq!(capitalise("1 line"), "1 line");
}

#[test]
fn both_languages_differ_where_it_matters() {
    assert_ne!(EN.connect, ZH.connect);
    assert_ne!(EN.warning_title, ZH.warning_title);
    assert_ne!(EN.in_message_title, ZH.in_message_title);
    assert_eq!(tls_label(Lang::En, TlsMode::None), "plain text");
    assert_eq!(
        tls_label(Lang::ZhCn, TlsMode::Starttls),
        "STARTTLS 之前为明文"
    );
}

#[test]
fn the_tls_summary_is_worded_in_each_language() {
    let mut info = TlsInfo {
        mode: TlsMode::Starttls,
        version: "TLSv1.3".into(),
        cipher: "TLS13_AES_256_GCM_SHA384".into(),
        alpn: None,
        server_name: "mx.example".into(),
        verified: true,
        verify_error: None,
        insecure: false,
        certificates: Vec::new(),
        sandbox_certificate: false,
        at_ms: 0,
    };
    assert_eq!(
        tls_summary(Lang::En, &info),
        "TLSv1.3, TLS13_AES_256_GCM_SHA384, certificate mx.example verified"
    );
    assert_eq!(
        tls_summary(Lang::ZhCn, &info),
        "TLSv1.3，TLS13_AES_256_GCM_SHA384，证书 mx.example 已验证"
    );
    info.sandbox_certificate = true;
    assert!(tls_summary(Lang::En, &info).ends_with("verified: the sandbox's own certificate"));
    assert!(tls_summary(Lang::ZhCn, &info).ends_with("已验证：沙盒自己的证书"));
    assert!(sandbox_certificate(Lang::ZhCn).contains("沙盒"));
    info.sandbox_certificate = false;
    info.verified = false;
    info.verify_error = Some("self-signed".into());
    assert!(tls_summary(Lang::En, &info).ends_with("NOT verified: self-signed"));
    let notice = Notice::Tls { info: info.into() };
    assert!(super::notice(Lang::ZhCn, &notice).starts_with("TLS 已建立：TLSv1.3，"));
    // The bridge's English reason stays out of the Chinese sentence.
    assert!(super::notice(Lang::ZhCn, &notice).ends_with("未通过验证"));
}

#[test]
fn failures_keep_english_words_out_of_chinese_sentences() {
    let refused = Failure::Status {
        status: 403,
        code: Some("target_denied".into()),
        message: "127.0.0.1 is a loopback address".into(),
    };
    assert_eq!(
        failure(Lang::En, &refused),
        "The bridge's rules do not allow connecting to that target (127.0.0.1 is a loopback address)."
    );
    assert_eq!(
        failure(Lang::ZhCn, &refused),
        "桥接服务的规则不允许连接到该目标。"
    );
    let dns = Failure::Status {
        status: 502,
        code: None,
        message: "SERVFAIL".into(),
    };
    assert_eq!(failure(Lang::ZhCn, &dns), "DNS 查询失败或超时。");
    let network = Failure::Network("TypeError: Failed to fetch".into());
    assert!(failure(Lang::En, &network).contains("Failed to fetch"));
    assert!(!failure(Lang::ZhCn, &network).contains("fetch"));
    for f in [&refused, &dns, &network, &Failure::Shape("x".into())] {
        assert!(!failure(Lang::ZhCn, f).is_ascii());
        assert!(failure(Lang::ZhCn, f).ends_with('。'));
    }
}

#[test]
fn the_mx_check_and_dns_words_exist_in_both_languages() {
    let (en, zh) = (check::words(Lang::En), check::words(Lang::ZhCn));
    for (e, z) in [
        (en.check, zh.check),
        (en.simulator, zh.simulator),
        (en.title, zh.title),
        (en.matrix, zh.matrix),
        (mx::words(Lang::En).null_mx, mx::words(Lang::ZhCn).null_mx),
        (mx::words(Lang::En).implicit, mx::words(Lang::ZhCn).implicit),
        (
            dns::words(Lang::En).validated,
            dns::words(Lang::ZhCn).validated,
        ),
    ] {
        assert_ne!(e, z);
        assert!(!z.is_ascii(), "{z}");
    }
    assert!(mx::words(Lang::En).null_mx.contains("RFC 7505"));
    assert!(mx::words(Lang::ZhCn).null_mx.contains("RFC 7505"));
    assert_eq!(
        mx::verdict(Lang::ZhCn, false, Some("10.20.30.40 is a private address")),
        "被桥接服务的目标规则拒绝"
    );
    assert_eq!(
        mx::verdict(Lang::En, false, Some("10.20.30.40 is a private address")),
        "denied: 10.20.30.40 is a private address"
    );
    assert!(!check::host_error(Lang::ZhCn, "connection refused").contains("refused"));
    assert!(!check::report_error(Lang::ZhCn, "null MX").contains("null MX"));
    assert!(!dns::lookup_error(Lang::ZhCn, "timed out").contains("timed"));
    assert_eq!(check::progress(Lang::En, "mx", 0), "Checking host 1: mx…");
}
