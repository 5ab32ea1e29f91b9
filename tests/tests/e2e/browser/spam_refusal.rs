//! The tutorial's message refused as spam (`554 DT:SPM` after the final dot) by a real
//! aiosmtpd, explained in both languages.

use std::time::Duration;

use anyhow::ensure;
use e2e::aiosmtpd::{Aiosmtpd, DT_SPM};
use e2e::browser::{Browser, within};
use e2e::start_bridge;

use super::{BUDGET, screenshots};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tutorials_554_spam_refusal_is_explained() -> anyhow::Result<()> {
    within(BUDGET, spam_refusal()).await
}

async fn spam_refusal() -> anyhow::Result<()> {
    // A real aiosmtpd answering the tutorial's 554 DT:SPM, slow to answer MAIL.
    let server = Aiosmtpd::start(DT_SPM, MAIL_DELAY)?;
    let (bridge, _bridge_handle) = start_bridge().await;
    Browser::run("browser-spam-refusal", async |browser| {
        spam_refusal_steps(browser, &format!("http://{bridge}/"), server.addr).await
    })
    .await
}

/// How long the aiosmtpd of [`spam_refusal`] waits before answering MAIL: long enough for
/// RCPT and DATA to be typed while MAIL is still in flight.
const MAIL_DELAY: Duration = Duration::from_secs(3);

/// The tutorial's message without headers, sent to a server that refuses it as 163.com
/// did: the 554 is explained as a spam verdict, and says the message was not accepted, in
/// both languages. On the way, MAIL, RCPT and DATA typed without waiting for the replies
/// (the server offers PIPELINING) are sent without a warning.
async fn spam_refusal_steps(
    browser: &Browser,
    url: &str,
    smtp: std::net::SocketAddr,
) -> anyhow::Result<()> {
    let page = browser.page();
    page.open(url).await?;
    page.connect_in_english(smtp).await?;
    page.send_command("EHLO fan2", 250).await?;

    // Pipelined by hand: RCPT and DATA go out before MAIL is answered, without warnings.
    for line in [
        "MAIL FROM:<phunxm@163.com>",
        "RCPT TO:<2306328146@qq.com>",
        "DATA",
    ] {
        page.send_line(line).await?;
    }
    page.wait_for_line(r#".line.server[data-code="354"]"#, "the 354")
        .await?;
    let lines = page.texts("#transcript .line .text").await?;
    let tail: Vec<&str> = lines
        .iter()
        .rev()
        .take(6)
        .rev()
        .map(String::as_str)
        .collect();
    ensure!(
        tail[..3]
            == [
                "MAIL FROM:<phunxm@163.com>",
                "RCPT TO:<2306328146@qq.com>",
                "DATA"
            ]
            && tail[3..]
                .iter()
                .all(|t| t.starts_with("250 ") || t.starts_with("354 ")),
        "the three commands went out before the first reply came (the test needs them \
         pipelined): {tail:?}"
    );

    // The tutorial's body, with no headers, then the final dot.
    page.paste("hello\nworld\n.\n").await?;
    page.wait_for_line(r#".line.server[data-code="554"]"#, "the 554 DT:SPM")
        .await?;
    let refusal = page.last_line(".line.server").await?;
    ensure!(
        refusal.text == DT_SPM && refusal.severity == "error",
        "the refusal is shown as an error: {refusal:?}"
    );
    ensure!(
        refusal.title.contains("Message not accepted") && refusal.title.contains("spam"),
        "the title says the message was not accepted, as spam: {refusal:?}"
    );
    ensure!(
        refusal.explain.contains("DT:SPM") && refusal.explain.contains("Subject:"),
        "the explanation names the verdict and its classic cause: {refusal:?}"
    );
    let dot = page.last_line(".line.client").await?;
    ensure!(
        dot.text == ".",
        "the final dot is the last line sent: {dot:?}"
    );
    // Expanded, for the screenshots (`last_line` opened it already; opening is idempotent).
    page.open_explanations(r#"#transcript .line.server[data-code="554"]"#, true)
        .await?;
    screenshots(
        browser,
        "browser-spam-refusal",
        r#"#transcript .line.server[data-code="554"] .title"#,
        "邮件未被接受",
        true,
    )
    .await?;
    let zh = {
        page.select("#lang", "zh-CN").await?;
        let zh = page.last_line(".line.server").await?;
        page.select("#lang", "en").await?;
        zh
    };
    ensure!(
        zh.title.contains("垃圾邮件") && zh.explain.contains("DT:SPM"),
        "the Chinese explanation says spam too: {zh:?}"
    );
    page.send_command("QUIT", 221).await?;
    Ok(())
}
