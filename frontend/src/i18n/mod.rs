//! The page's own words in English and Simplified Chinese.
//!
//! Annotations of SMTP lines come from `protocol` in either [`Lang`]; this module holds
//! everything else the page says: labels, hints, notices and error sentences. Each language
//! is one [`Ui`] value, so a string missing in one language is a compile error, and
//! sentences with values in them are functions that match on the language.

use protocol::lang::{Lang, Text};
use protocol::wire::{ErrorCode, TlsInfo, TlsMode};
use protocol::{tr, tx};

use crate::vocab::{Failure, FormError, Notice, SendError};

pub mod check;
pub mod chunk;
pub mod cram;
pub mod dns;
pub mod envelope;
pub mod lessons;
pub mod mx;
pub mod rules;
pub mod scenarios;
pub mod sessions;
pub mod terminal;

/// The fixed strings of the page in one language.
#[derive(Debug)]
pub struct Ui {
    /// The page title.
    pub title: &'static str,
    /// Status when there is no connection.
    pub not_connected: &'static str,
    /// Form labels.
    pub host: &'static str,
    /// Form labels.
    pub port: &'static str,
    /// Form labels.
    pub tls: &'static str,
    /// TLS select options: none, STARTTLS, implicit.
    pub tls_options: [&'static str; 3],
    /// Buttons.
    pub connect: &'static str,
    /// Buttons.
    pub disconnect: &'static str,
    /// The heading of the port presets.
    pub presets: &'static str,
    /// Send button.
    pub send: &'static str,
    /// Send a line despite the warning.
    pub send_anyway: &'static str,
    /// Placeholder when lines can be sent.
    pub placeholder_ready: &'static str,
    /// Placeholder when not connected.
    pub placeholder_idle: &'static str,
    /// The hint in an empty transcript, before the examples.
    pub empty_hint: &'static str,
    /// Heading of the validation warning.
    pub warning_title: &'static str,
    /// How to go on after a warning.
    pub warning_hint: &'static str,
    /// Heading of the warning for a command typed inside the message (it would not fail:
    /// it would become message text).
    pub in_message_title: &'static str,
    /// How to go on after that warning.
    pub in_message_hint: &'static str,
    /// Label of the input.
    pub command_label: &'static str,
    /// Keyboard help under the prompt.
    pub keys_hint: &'static str,
    /// Annotation sections.
    pub reference: &'static str,
    /// Annotation sections.
    pub next_steps: &'static str,
    /// Annotation sections.
    pub findings: &'static str,
    /// Marker on lines sent inside TLS.
    pub encrypted: &'static str,
    /// AUTH helper heading.
    pub auth_title: &'static str,
    /// AUTH helper: the decoded prompt.
    pub auth_asks: &'static str,
    /// AUTH helper: username field.
    pub username: &'static str,
    /// AUTH helper: password field.
    pub password: &'static str,
    /// AUTH helper: encode-and-send button.
    pub auth_send: &'static str,
    /// AUTH helper: start LOGIN.
    pub auth_login: &'static str,
    /// AUTH helper: send AUTH PLAIN.
    pub auth_plain: &'static str,
    /// AUTH helper: how it works.
    pub auth_note: &'static str,
    /// Capabilities table heading.
    pub caps_title: &'static str,
    /// Capabilities table columns.
    pub caps_columns: [&'static str; 3],
    /// Capabilities before EHLO.
    pub caps_empty: &'static str,
    /// View tabs.
    pub tab_terminal: &'static str,
    /// View tabs.
    pub tab_paste: &'static str,
    /// Paste view label.
    pub paste_label: &'static str,
    /// Paste view button.
    pub paste_annotate: &'static str,
    /// Paste view: detected format.
    pub paste_format: &'static str,
    /// Export buttons.
    pub export_text: &'static str,
    /// Export buttons.
    pub export_json: &'static str,
    /// Export: copy.
    pub copy: &'static str,
    /// Export: copied.
    pub copied: &'static str,
    /// Export: close the box.
    pub close: &'static str,
    /// Language select label.
    pub language: &'static str,
    /// Theme button label when dark (switches to light).
    pub theme_light: &'static str,
    /// Theme button label when light (switches to dark).
    pub theme_dark: &'static str,
    /// Legend entries: you, server, 2xx, 3xx, 4xx, 5xx.
    pub legend: [&'static str; 6],
    /// Arrow titles: client, server.
    pub dir_titles: [&'static str; 2],
    /// Completion suggestions label.
    pub suggestions: &'static str,
    /// The "accept unverified certificates" checkbox.
    pub insecure: &'static str,
    /// TLS panel heading.
    pub tls_title: &'static str,
    /// TLS panel rows: version, cipher, verified, subject, issuer, names, valid.
    pub tls_fields: [&'static str; 9],
    /// Yes / no.
    pub yes_no: [&'static str; 2],
    /// Lesson panel heading.
    pub lesson_title: &'static str,
    /// Lesson: all done.
    pub lesson_done: &'static str,
    /// Lesson: the sandbox's demo account.
    pub lesson_demo: &'static str,
    /// Mailbox panel heading.
    pub mailbox_title: &'static str,
    /// Mailbox: reload.
    pub refresh: &'static str,
    /// Mailbox: nothing yet.
    pub mailbox_empty: &'static str,
    /// Mailbox: no subject.
    pub no_subject: &'static str,
    /// The swaks export button.
    pub export_swaks: &'static str,
    /// The share-link button.
    pub share: &'static str,
    /// Heading of a transcript opened from a link.
    pub shared_title: &'static str,
}

/// English.
pub const EN: Ui = Ui {
    title: "SMTP Playground",
    not_connected: "Not connected",
    host: "Host",
    port: "Port",
    tls: "TLS",
    tls_options: [
        "None (plain TCP)",
        "STARTTLS (upgrade after EHLO)",
        "Implicit TLS (e.g. port 465)",
    ],
    connect: "Connect",
    disconnect: "Disconnect",
    presets: "Presets",
    send: "Send",
    send_anyway: "Send anyway",
    placeholder_ready: "Type a command, e.g. EHLO me",
    placeholder_idle: "Connect to a server first",
    empty_hint: "Choose a server above and press Connect. The server's greeting appears here; then type SMTP commands such as",
    warning_title: "This line will probably fail",
    warning_hint: "Press Enter again (or Send anyway) to send it as it is: the server's real answer is part of the lesson. Or change the line.",
    in_message_title: "This line would become message text",
    in_message_hint: "Press Enter again (or Send anyway) to send it as message text. Or type a single dot to end the message first.",
    command_label: "SMTP command",
    keys_hint: "Enter send · ↑↓ history · Tab complete · Ctrl+L clear · Esc cancel",
    reference: "Reference",
    next_steps: "What you can type next",
    findings: "Noticed in this line",
    encrypted: "encrypted",
    auth_title: "AUTH helper",
    auth_asks: "The server asks for",
    username: "Username",
    password: "Password",
    auth_send: "Encode in base64 and send",
    auth_login: "Start AUTH LOGIN",
    auth_plain: "Send AUTH PLAIN",
    auth_note: "Base64 is an encoding, not encryption: anyone who sees the line can decode it. Passwords are masked in the transcript and exports.",
    caps_title: "What the server supports (EHLO)",
    caps_columns: ["Keyword", "Defined in", "What it means"],
    caps_empty: "Send EHLO to see the server's extensions here.",
    tab_terminal: "Terminal",
    tab_paste: "Paste a transcript",
    paste_label: "Paste a swaks, C:/S:, smtplib or telnet transcript",
    paste_annotate: "Annotate",
    paste_format: "Format",
    export_text: "Export text",
    export_json: "Export JSON",
    copy: "Copy",
    copied: "Copied",
    close: "Close",
    language: "Language",
    theme_light: "Light theme",
    theme_dark: "Dark theme",
    legend: [
        "→ you",
        "← server",
        "2xx done",
        "3xx go on",
        "4xx try later",
        "5xx failed",
    ],
    dir_titles: ["sent by you to the server", "sent by the server"],
    suggestions: "Completions",
    insecure: "Accept an unverified certificate",
    tls_title: "TLS",
    tls_fields: [
        "Version",
        "Cipher",
        "Certificate verified",
        "Subject",
        "Issuer",
        "Names",
        "Valid",
        "Key",
        "Signature",
    ],
    yes_no: ["yes", "no"],
    lesson_title: "Lesson: send your first mail",
    lesson_done: "Done! Your message is in the sandbox mailbox below.",
    lesson_demo: "Sandbox account",
    mailbox_title: "Sandbox mailbox",
    refresh: "Refresh",
    mailbox_empty: "No mail yet: finish the lesson against the sandbox and it appears here.",
    no_subject: "(no subject)",
    export_swaks: "swaks command",
    share: "Share link",
    shared_title: "A shared transcript (read-only). Nothing of it was stored on a server: it is all in the link.",
};

/// Simplified Chinese.
pub const ZH: Ui = Ui {
    title: "SMTP 练习场",
    not_connected: "未连接",
    host: "主机",
    port: "端口",
    tls: "TLS",
    tls_options: [
        "无（明文 TCP）",
        "STARTTLS（EHLO 后升级）",
        "隐式 TLS（如 465 端口）",
    ],
    connect: "连接",
    disconnect: "断开",
    presets: "预设",
    send: "发送",
    send_anyway: "仍然发送",
    placeholder_ready: "输入命令，例如 EHLO me",
    placeholder_idle: "请先连接服务器",
    empty_hint: "在上方选择服务器并点击“连接”。服务器的欢迎信息会显示在这里；然后输入 SMTP 命令，例如",
    warning_title: "这一行很可能会失败",
    warning_hint: "再按一次回车（或点击“仍然发送”）即可原样发送：服务器真实的回复也是学习的一部分。也可以修改这一行。",
    in_message_title: "这一行会成为邮件正文",
    in_message_hint: "再按一次回车（或点击“仍然发送”）即可作为邮件正文发送。也可以先输入只含一个点号的行结束邮件。",
    command_label: "SMTP 命令",
    keys_hint: "回车 发送 · ↑↓ 历史 · Tab 补全 · Ctrl+L 清屏 · Esc 取消",
    reference: "参考",
    next_steps: "接下来可以输入",
    findings: "这一行的问题",
    encrypted: "已加密",
    auth_title: "AUTH 助手",
    auth_asks: "服务器要求输入",
    username: "用户名",
    password: "密码",
    auth_send: "Base64 编码后发送",
    auth_login: "开始 AUTH LOGIN",
    auth_plain: "发送 AUTH PLAIN",
    auth_note: "Base64 只是编码，不是加密：看到这一行的人都能解码。密码在记录和导出中会被遮盖。",
    caps_title: "服务器支持的功能（EHLO）",
    caps_columns: ["关键字", "定义于", "含义"],
    caps_empty: "发送 EHLO 后，这里会列出服务器的扩展。",
    tab_terminal: "终端",
    tab_paste: "粘贴会话记录",
    paste_label: "粘贴 swaks、C:/S:、smtplib 或 telnet 会话记录",
    paste_annotate: "注释",
    paste_format: "格式",
    export_text: "导出文本",
    export_json: "导出 JSON",
    copy: "复制",
    copied: "已复制",
    close: "关闭",
    language: "语言",
    theme_light: "浅色主题",
    theme_dark: "深色主题",
    legend: [
        "→ 你",
        "← 服务器",
        "2xx 完成",
        "3xx 继续",
        "4xx 稍后重试",
        "5xx 失败",
    ],
    dir_titles: ["你发送给服务器的", "服务器发送的"],
    suggestions: "补全",
    insecure: "接受未经验证的证书",
    tls_title: "TLS",
    tls_fields: [
        "版本",
        "加密套件",
        "证书已验证",
        "主体",
        "签发者",
        "名称",
        "有效期",
        "密钥",
        "签名算法",
    ],
    yes_no: ["是", "否"],
    lesson_title: "课程：发送你的第一封邮件",
    lesson_done: "完成！你的邮件在下方的沙盒邮箱里。",
    lesson_demo: "沙盒账号",
    mailbox_title: "沙盒邮箱",
    refresh: "刷新",
    mailbox_empty: "还没有邮件：在沙盒上完成课程后，邮件会出现在这里。",
    no_subject: "（无主题）",
    export_swaks: "swaks 命令",
    share: "分享链接",
    shared_title: "分享的会话记录（只读）。它没有存储在任何服务器上：全部内容都在链接里。",
};

/// The strings for `lang`.
pub fn ui(lang: Lang) -> &'static Ui {
    match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH,
    }
}

/// The name of a language in itself, for the language menu.
pub fn lang_name(lang: Lang) -> &'static str {
    Text {
        en: "English",
        zh: "简体中文",
    }
    .get(lang)
}

/// A short description of a TLS mode as chosen, e.g. for "Connecting to … (plain text)".
pub fn tls_label(lang: Lang, tls: TlsMode) -> &'static str {
    let text = match tls {
        TlsMode::None => Text {
            en: "plain text",
            zh: "明文",
        },
        TlsMode::Starttls => Text {
            en: "plain text until STARTTLS",
            zh: "STARTTLS 之前为明文",
        },
        TlsMode::Implicit => Text {
            en: "implicit TLS",
            zh: "隐式 TLS",
        },
    };
    text.get(lang)
}

/// The status line in the header.
pub fn connecting_to(lang: Lang, target: &str) -> String {
    tr!(lang, "Connecting to {target}…", "正在连接 {target}…")
}

/// The marker on everything the simulator does.
pub fn simulated(lang: Lang) -> &'static str {
    Text {
        en: "SIMULATED",
        zh: "模拟",
    }
    .get(lang)
}

/// One line about a TLS connection: `TLSv1.3, TLS13_AES_256_GCM_SHA384, certificate
/// CN=mx verified` (or why it was not).
pub fn tls_summary(lang: Lang, info: &TlsInfo) -> String {
    let subject = info
        .certificates
        .first()
        .map_or(info.server_name.as_str(), |c| c.subject.as_str());
    let (version, cipher) = (&info.version, &info.cipher);
    let verdict = match (&info.verify_error, info.verified) {
        (_, true) if info.sandbox_certificate => tx!(
            lang,
            "verified: the sandbox's own certificate",
            "已验证：沙盒自己的证书"
        ),
        (_, true) => tx!(lang, "verified", "已验证"),
        // The reason is the bridge's (rustls') English: shown in English only.
        (Some(why), false) if lang == Lang::En => format!("NOT verified: {why}"),
        (_, false) => tx!(lang, "NOT verified", "未通过验证"),
    };
    tr!(
        lang,
        "{version}, {cipher}, certificate {subject} {verdict}",
        "{version}，{cipher}，证书 {subject} {verdict}"
    )
}

/// The TLS panel's verdict for the bridge's own sandbox: why a self-signed certificate is
/// trusted there.
pub fn sandbox_certificate(lang: Lang) -> &'static str {
    Text {
        en: "yes: the sandbox's own certificate (self-signed; the bridge trusts exactly this one)",
        zh: "是：沙盒自己的证书（自签名；桥接服务只信任这一张）",
    }
    .get(lang)
}

/// What an error code from the bridge means, as a sentence for a person.
pub fn error_sentence(lang: Lang, code: ErrorCode) -> &'static str {
    let text = match code {
        ErrorCode::BadMessage => Text {
            en: "The bridge could not understand a message from this page.",
            zh: "桥接服务无法理解本页面发送的消息。",
        },
        ErrorCode::NotConnected => Text {
            en: "The bridge is not connected to an SMTP server yet.",
            zh: "桥接服务尚未连接到 SMTP 服务器。",
        },
        ErrorCode::AlreadyConnected => Text {
            en: "This session is already connected; disconnect before connecting again.",
            zh: "此会话已连接；请先断开再重新连接。",
        },
        ErrorCode::InvalidTarget => Text {
            en: "The bridge does not allow connecting to that host or port.",
            zh: "桥接服务不允许连接到该主机或端口。",
        },
        ErrorCode::ResolveFailed => Text {
            en: "The host name could not be resolved to an address.",
            zh: "无法解析该主机名。",
        },
        ErrorCode::ConnectFailed => Text {
            en: "The SMTP server could not be reached or refused the connection.",
            zh: "无法连接到 SMTP 服务器，或服务器拒绝了连接。",
        },
        ErrorCode::ConnectTimeout => Text {
            en: "The SMTP server did not accept the connection in time.",
            zh: "SMTP 服务器没有及时接受连接。",
        },
        ErrorCode::TlsUnavailable => Text {
            en: "The bridge cannot use the selected TLS mode.",
            zh: "桥接服务无法使用所选的 TLS 模式。",
        },
        ErrorCode::InvalidLine => Text {
            en: "The bridge refused the line, so it was not sent.",
            zh: "桥接服务拒绝了这一行，因此没有发送。",
        },
        ErrorCode::ServerLineTooLong => Text {
            en: "The server sent a line longer than the bridge accepts; it was skipped.",
            zh: "服务器发送的一行超过了桥接服务允许的长度，已跳过。",
        },
        ErrorCode::UpstreamIo => Text {
            en: "Reading from or writing to the SMTP server failed.",
            zh: "读写 SMTP 服务器失败。",
        },
        ErrorCode::InsecureNotAllowed => Text {
            en: "This bridge does not allow accepting unverified certificates.",
            zh: "此桥接服务不允许接受未经验证的证书。",
        },
        ErrorCode::TlsHandshakeFailed => Text {
            en: "The TLS handshake with the server failed.",
            zh: "与服务器的 TLS 握手失败。",
        },
        ErrorCode::CertificateRejected => Text {
            en: "The server's certificate failed verification, so the connection was not trusted.",
            zh: "服务器的证书未通过验证，因此连接不可信。",
        },
        ErrorCode::PlaintextDiscarded => Text {
            en: "The server sent unencrypted bytes right after agreeing to STARTTLS; they were discarded (RFC 3207 4.2).",
            zh: "服务器在同意 STARTTLS 之后立即发送了未加密的数据，这些数据已被丢弃（RFC 3207 4.2）。",
        },
        ErrorCode::ReplyTimeout => Text {
            en: "The server did not answer in time.",
            zh: "服务器没有及时回复。",
        },
        ErrorCode::TargetDenied => Text {
            en: "The bridge's rules do not allow connecting to that target.",
            zh: "桥接服务的规则不允许连接到该目标。",
        },
        ErrorCode::RateLimited => Text {
            en: "Too many sessions or connections from here or to that server; try again later.",
            zh: "来自此处或发往该服务器的会话或连接过多，请稍后再试。",
        },
        ErrorCode::TooManySessions => Text {
            en: "The bridge is serving as many sessions as it allows; try again later.",
            zh: "桥接服务的会话数已达上限，请稍后再试。",
        },
        ErrorCode::NullMx => Text {
            en: "The domain publishes a null MX (RFC 7505): it accepts no mail, so nothing was connected.",
            zh: "该域名发布了空 MX（RFC 7505）：它不接收邮件，因此没有建立连接。",
        },
        ErrorCode::NoMailHost => Text {
            en: "The domain has no MX host with an address (and no address of its own), so nothing was connected.",
            zh: "该域名没有带地址的 MX 主机（自身也没有地址），因此没有建立连接。",
        },
        ErrorCode::MxLookupFailed => Text {
            en: "The domain's MX records could not be looked up (timeout or DNS server failure).",
            zh: "无法查询该域名的 MX 记录（超时或 DNS 服务器故障）。",
        },
        ErrorCode::NotTls => Text {
            en: "The server answered in plain text: this port does not speak implicit TLS. Try STARTTLS, or port 465.",
            zh: "服务器用明文作答：这个端口不使用隐式 TLS。请改用 STARTTLS 或 465 端口。",
        },
        ErrorCode::ProbeMode => Text {
            en: "This public bridge does not relay DATA or BDAT to that server (probe mode).",
            zh: "此公共桥接服务不会向该服务器中继 DATA 或 BDAT（探测模式）。",
        },
        ErrorCode::TokenRequired => Text {
            en: "This bridge requires a token.",
            zh: "此桥接服务需要令牌。",
        },
        ErrorCode::TokenInvalid => Text {
            en: "The bridge token is wrong.",
            zh: "桥接服务令牌错误。",
        },
        ErrorCode::DataLimit => Text {
            en: "The message went over the bridge's size limit; the session was closed.",
            zh: "邮件超过了桥接服务的大小限制，会话已关闭。",
        },
        ErrorCode::RecipientLimit => Text {
            en: "More recipients than the bridge allows in one transaction; the line was not sent.",
            zh: "收件人数量超过桥接服务在一次事务中允许的数量，这一行没有发送。",
        },
        ErrorCode::ReplyTooLarge => Text {
            en: "The server's reply was too large for the bridge; the session was closed.",
            zh: "服务器的回复对桥接服务来说太大，会话已关闭。",
        },
        ErrorCode::MessageTooLarge => Text {
            en: "A message from this page was larger than the bridge accepts.",
            zh: "本页面发送的消息超过了桥接服务允许的大小。",
        },
        ErrorCode::IdleTimeout => Text {
            en: "Nothing happened for too long; the session was closed.",
            zh: "太长时间没有活动，会话已关闭。",
        },
        ErrorCode::SessionExpired => Text {
            en: "The session reached its maximum duration and was closed.",
            zh: "会话已达到最长时限并被关闭。",
        },
        ErrorCode::Unknown => Text {
            en: "The bridge reported an error this page does not know about.",
            zh: "桥接服务报告了一个本页面不认识的错误。",
        },
    };
    text.get(lang)
}

fn form_error(lang: Lang, err: &FormError) -> String {
    match (lang, err) {
        (Lang::En, _) => err.to_string(),
        (Lang::ZhCn, FormError::EmptyHost) => "请输入 SMTP 服务器的主机名或 IP 地址".to_owned(),
        (Lang::ZhCn, FormError::BadHost(host)) => format!("主机 {host:?} 含有空格或控制字符"),
        (Lang::ZhCn, FormError::BadPort(port)) => {
            format!("端口 {port:?} 不是 1 到 65535 之间的数字")
        }
        (Lang::ZhCn, FormError::NotADomain(host)) => {
            format!(
                "{host:?} 不是邮件域名：请输入 example.org 这样的域名，或取消勾选“域名（按 MX）”"
            )
        }
    }
}

fn send_error(lang: Lang, err: &SendError) -> String {
    match (lang, err) {
        (Lang::En, _) => capitalise(&err.to_string()),
        (Lang::ZhCn, SendError::NotConnected) => "未连接：请先连接服务器".to_owned(),
        (Lang::ZhCn, SendError::Invalid(inner)) => format!("这一行没有发送：{inner}"),
    }
}

/// A notice of the page or the bridge as a sentence in `lang`.
pub fn notice(lang: Lang, notice: &Notice) -> String {
    let zh = lang == Lang::ZhCn;
    match notice {
        Notice::Connecting { target, tls } => {
            let tls = tls_label(lang, *tls);
            if zh {
                format!("正在连接 {target}（{tls}）…")
            } else {
                format!("Connecting to {target} ({tls})…")
            }
        }
        Notice::Connected { target, peer, tls } => {
            let tls = tls_label(lang, *tls);
            match (zh, peer == target) {
                (false, true) => format!("Connected to {target} ({tls})."),
                (false, false) => format!("Connected to {target} (address {peer}, {tls})."),
                (true, true) => format!("已连接到 {target}（{tls}）。"),
                (true, false) => format!("已连接到 {target}（地址 {peer}，{tls}）。"),
            }
        }
        // The reason is the bridge's English; in Chinese the note's explanation (from
        // `protocol`, in both languages) says what the close means.
        Notice::Closed { reason } => match (zh, reason.trim().is_empty()) {
            (false, true) => "Connection closed.".to_owned(),
            (false, false) => format!("Connection closed: {reason}."),
            (true, _) => "连接已关闭。".to_owned(),
        },
        Notice::Disconnected => Text {
            en: "Disconnected.",
            zh: "已断开。",
        }
        .get(lang)
        .to_owned(),
        Notice::FormRejected(err) => {
            let err = form_error(lang, err);
            if zh {
                format!("无法连接：{err}。")
            } else {
                format!("Cannot connect: {err}.")
            }
        }
        Notice::SendRefused(err) => {
            let err = send_error(lang, err);
            if zh {
                format!("{err}。")
            } else {
                format!("{err}.")
            }
        }
        Notice::BridgeError { code, message } => {
            let sentence = error_sentence(lang, *code);
            // The sentence of `not_tls` already says all the bridge's words do.
            let message = if *code == ErrorCode::NotTls {
                ""
            } else {
                message.trim()
            };
            match (zh, message.is_empty()) {
                (_, true) => sentence.to_owned(),
                (false, false) => format!("{} ({message}).", sentence.trim_end_matches('.')),
                // The bridge's details are English: Chinese says what the code means.
                (true, false) => sentence.to_owned(),
            }
        }
        Notice::Undecodable { detail } => {
            if zh {
                "桥接服务发送了本页面无法理解的消息。".to_owned()
            } else {
                format!("The bridge sent a message this page does not understand ({detail}).")
            }
        }
        Notice::SocketFailed => {
            let failed = Text {
                en: "The page could not reach the bridge over its WebSocket (a proxy may block it): using the simulator instead.",
                zh: "页面无法通过 WebSocket 连接到桥接服务（可能被代理拦截）：改用模拟服务器。",
            };
            format!("{} {}", failed.get(lang), terminal::bridge_explained(lang))
        }
        Notice::SocketClosed { detail } => {
            if zh {
                "与桥接服务的连接已断开。".to_owned()
            } else {
                format!("Lost the connection to the bridge ({detail}).")
            }
        }
        Notice::Remark { text } => text.clone(),
        Notice::Recorded { text } => text.get(lang).clone(),
        Notice::AutoConnect { target } => {
            if zh {
                format!(
                    "桥接服务自带沙盒 SMTP 服务器（{target}），已自动连接。要连接其他服务器，请先断开。{}",
                    terminal::bridge_explained(lang)
                )
            } else {
                format!(
                    "The bridge runs a sandbox SMTP server at {target}: connected to it automatically. Disconnect to connect elsewhere. {}",
                    terminal::bridge_explained(lang)
                )
            }
        }
        Notice::NoBridge { detail } => {
            if zh {
                format!(
                    "没有可用的桥接服务：终端改用页面内的模拟服务器，无法连接真实服务器。{}",
                    terminal::bridge_explained(lang)
                )
            } else {
                format!(
                    "No bridge answered ({detail}): the terminal uses the simulator inside this page; real servers cannot be reached from here. {}",
                    terminal::bridge_explained(lang)
                )
            }
        }
        Notice::Simulated => Text {
            en: "SIMULATED: this session runs inside the page; nothing goes over the network. Demo account: demo / demo.",
            zh: "模拟：此会话在页面内运行，不经过网络。演示账号：demo / demo。",
        }
        .get(lang)
        .to_owned(),
        Notice::CheckHost { host, index } => check::progress(lang, host, *index),
        Notice::SimulatedTls { starttls } => terminal::simulated_tls(lang, *starttls),
        Notice::Tls { info } => {
            let summary = tls_summary(lang, info);
            if zh {
                format!("TLS 已建立：{summary}")
            } else {
                format!("TLS established: {summary}")
            }
        }
    }
}

/// Why a panel's request failed, as a sentence in `lang`. The bridge's and the browser's
/// own words are English: they are added in English only; Chinese says what the code or
/// the status means.
pub fn failure(lang: Lang, failure: &Failure) -> String {
    let (sentence, detail) = match failure {
        Failure::Network(detail) => (
            Text {
                en: "The bridge could not be reached",
                zh: "无法访问桥接服务",
            },
            detail.as_str(),
        ),
        Failure::Shape(detail) => (
            Text {
                en: "The bridge's answer is not what this page reads (another version?)",
                zh: "桥接服务的应答不是本页面能读懂的格式（版本不同？）",
            },
            detail.as_str(),
        ),
        Failure::Status {
            status,
            code,
            message,
        } => (status_sentence(*status, code.as_deref()), message.as_str()),
    };
    let detail = detail.trim();
    match (lang, detail.is_empty()) {
        (Lang::En, false) => format!("{} ({detail}).", sentence.en),
        (Lang::En, true) => format!("{}.", sentence.en),
        (Lang::ZhCn, _) => format!("{}。", sentence.zh),
    }
}

/// What an API refusal means, by the bridge's code first, else by its HTTP status.
fn status_sentence(status: u16, code: Option<&str>) -> Text {
    if let Some(code) = code.map(ErrorCode::from_name)
        && code != ErrorCode::Unknown
    {
        let en = error_sentence(Lang::En, code).trim_end_matches('.');
        let zh = error_sentence(Lang::ZhCn, code).trim_end_matches('。');
        return Text { en, zh };
    }
    match (code, status) {
        (Some("dns_failed" | "servfail" | "dns_timeout"), _) | (_, 502 | 504) => Text {
            en: "The DNS lookup failed or timed out",
            zh: "DNS 查询失败或超时",
        },
        (Some("nxdomain" | "no_such_domain"), _) => Text {
            en: "The domain does not exist in the DNS",
            zh: "DNS 中不存在该域名",
        },
        (_, 400) => Text {
            en: "The bridge refused the request: the name is not a valid domain or host",
            zh: "桥接服务拒绝了请求：该名称不是有效的域名或主机名",
        },
        (_, 403) => Text {
            en: "The bridge's rules do not allow this",
            zh: "桥接服务的规则不允许此操作",
        },
        (_, 404 | 405) => Text {
            en: "This bridge does not offer this (an older version?)",
            zh: "此桥接服务不提供该功能（版本较旧？）",
        },
        (_, 429) => Text {
            en: "Too many requests from here; try again later",
            zh: "来自此处的请求过多，请稍后再试",
        },
        (_, 503) => Text {
            en: "The bridge is busy; try again later",
            zh: "桥接服务繁忙，请稍后再试",
        },
        _ => Text {
            en: "The bridge answered with an error",
            zh: "桥接服务返回了错误",
        },
    }
}

/// `text` with its first letter in upper case, for errors shown as sentences. Only an
/// ASCII letter is changed: these are the page's own English messages, and
/// `char::to_uppercase` would bring Unicode's case table into the bundle (13.7 KB raw).
fn capitalise(text: &str) -> String {
    let mut text = text.to_owned();
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}

#[cfg(test)]
mod tests;
