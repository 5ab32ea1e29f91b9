//! The words of the server check: its button, progress, scorecard and matrix, and its
//! errors, in both languages. The items' own titles and explanations come from
//! `protocol::check`, in both languages too.

use protocol::lang::Lang;
use protocol::tr;

/// The fixed words of the check in one language.
#[derive(Debug)]
pub struct CheckUi {
    /// The connect form's button.
    pub check: &'static str,
    /// What the check does (the button's title).
    pub about: &'static str,
    /// Why the simulator cannot run it.
    pub simulator: &'static str,
    /// The panel's heading.
    pub title: &'static str,
    /// The scorecard's heading.
    pub scorecard: &'static str,
    /// The matrix's caption (one column per MX host, one row per item).
    pub matrix: &'static str,
    /// The verdicts: pass, warn, fail, info, not tested (`check::VERDICTS`).
    pub verdicts: [&'static str; 5],
    /// Close the panel.
    pub close: &'static str,
    /// Stop a running check.
    pub stop: &'static str,
    /// The transcript's heading.
    pub transcript: &'static str,
    /// The check finished.
    pub done: &'static str,
    /// Open the DNS facts from the check.
    pub dns: &'static str,
}

const EN: CheckUi = CheckUi {
    check: "Check this server",
    about: "Run a fixed, polite sequence against the server (no message is sent) and grade what it shows: greeting, EHLO, STARTTLS and the certificate, AUTH, postmaster, open relay, reverse DNS, timings.",
    simulator: "The check needs the bridge: the simulator inside this page cannot reach real mail servers. Untick \"Simulate (no bridge)\" on a page served by the bridge.",
    title: "Server check",
    scorecard: "Scorecard",
    matrix: "Every mail server of the domain",
    verdicts: ["pass", "warn", "fail", "info", "not tested"],
    close: "Close",
    stop: "Stop",
    transcript: "What was said",
    done: "Check finished.",
    dns: "DNS facts",
};

const ZH: CheckUi = CheckUi {
    check: "检查此服务器",
    about: "对服务器执行一组固定、礼貌的步骤（不发送邮件），并评估它的表现：欢迎信息、EHLO、STARTTLS 与证书、AUTH、postmaster、开放中继、反向 DNS、耗时。",
    simulator: "检查需要桥接服务：页面内的模拟服务器无法访问真实的邮件服务器。请在由桥接服务提供的页面上取消勾选“模拟（无桥接）”。",
    title: "服务器检查",
    scorecard: "评分表",
    matrix: "该域名的每台邮件服务器",
    verdicts: ["通过", "警告", "失败", "信息", "未测试"],
    close: "关闭",
    stop: "停止",
    transcript: "对话内容",
    done: "检查完成。",
    dns: "DNS 信息",
};

/// The check's words in `lang`.
pub fn words(lang: Lang) -> &'static CheckUi {
    match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH,
    }
}

/// The progress line: which host is being checked (the first is 0).
pub fn progress(lang: Lang, host: &str, index: u64) -> String {
    let n = index + 1;
    tr!(
        lang,
        "Checking host {n}: {host}…",
        "正在检查第 {n} 台服务器：{host}…"
    )
}

/// Why a host could not be checked: the bridge's words are English, so Chinese says
/// only that it could not.
pub fn host_error(lang: Lang, error: &str) -> String {
    match lang {
        Lang::En => format!("Not checked: {error}"),
        Lang::ZhCn => "未能检查这台服务器（连接失败或被拒绝）。".to_owned(),
    }
}

/// Why the check could not run at all (no MX, a null MX, a refusal); Chinese names the
/// usual causes instead of the bridge's English words.
pub fn report_error(lang: Lang, error: &str) -> String {
    match lang {
        Lang::En => format!("The check could not run: {error}"),
        Lang::ZhCn => {
            "检查未能运行：该域名没有可用的邮件服务器（没有 MX、空 MX），或目标被拒绝。".to_owned()
        }
    }
}
