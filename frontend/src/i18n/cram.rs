//! The words of the AUTH helper's CRAM-MD5 part (`components/cram_helper.rs`) in both
//! languages.

use protocol::lang::Lang;

/// The fixed words of the CRAM-MD5 helper in one language.
#[derive(Debug)]
pub struct CramUi {
    /// The button that starts the exchange.
    pub start: &'static str,
    /// Before the decoded challenge.
    pub challenge: &'static str,
    /// Before the computed HMAC.
    pub hmac: &'static str,
    /// Before the base64 line.
    pub line: &'static str,
    /// The send button.
    pub send: &'static str,
}

const EN: CramUi = CramUi {
    start: "Start AUTH CRAM-MD5",
    challenge: "The challenge, decoded",
    hmac: "HMAC-MD5(password, challenge)",
    line: "base64(\"username HMAC\")",
    send: "Send the answer",
};

const ZH: CramUi = CramUi {
    start: "开始 AUTH CRAM-MD5",
    challenge: "解码后的质询",
    hmac: "HMAC-MD5（密码，质询）",
    line: "base64（“用户名 HMAC”）",
    send: "发送回答",
};

/// The CRAM-MD5 helper's words in `lang`.
pub fn cram(lang: Lang) -> &'static CramUi {
    match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH,
    }
}
