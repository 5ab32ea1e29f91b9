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
    /// What the challenge is.
    pub challenge_note: &'static str,
    /// Before the computed HMAC.
    pub hmac: &'static str,
    /// Before the base64 line.
    pub line: &'static str,
    /// The send button.
    pub send: &'static str,
    /// Why this is safer than PLAIN and LOGIN, and why it is still old.
    pub why: &'static str,
}

const EN: CramUi = CramUi {
    start: "Start AUTH CRAM-MD5",
    challenge: "The challenge, decoded",
    challenge_note: "a one-time message id: an answer to it is useless for the next login",
    hmac: "HMAC-MD5(password, challenge)",
    line: "The line to send: base64 of \"username HMAC\"",
    send: "Send the answer",
    why: "The password never crosses the wire: only a keyed hash of this challenge does, and the server checks it by computing the same HMAC. The price: the server must keep the password itself, and MD5 is old. Today PLAIN inside TLS, or SCRAM, is preferred.",
};

const ZH: CramUi = CramUi {
    start: "开始 AUTH CRAM-MD5",
    challenge: "解码后的质询",
    challenge_note: "一次性的消息标识：对它的回答在下一次登录时毫无用处",
    hmac: "HMAC-MD5（密码，质询）",
    line: "要发送的一行：“用户名 HMAC”的 base64 编码",
    send: "发送回答",
    why: "密码从不在线路上传输：传输的只是以密码为密钥对这个质询计算的哈希，服务器计算同样的 HMAC 来核对。代价是服务器必须保存密码本身，而且 MD5 已经过时。如今更推荐在 TLS 中使用 PLAIN，或使用 SCRAM。",
};

/// The CRAM-MD5 helper's words in `lang`.
pub fn cram(lang: Lang) -> &'static CramUi {
    match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH,
    }
}
