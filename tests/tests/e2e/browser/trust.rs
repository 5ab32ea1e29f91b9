//! The page's trust cases against the sandbox: correct lines get no warning (HELO then AUTH
//! LOGIN, the postmaster, a dot-stuffed line), a pipelined paste goes out untouched, and
//! QUIT typed inside the message is caught before it is sent.

use anyhow::ensure;
use e2e::browser::{Browser, poll_until, within};
use e2e::page::{Page, STEP};
use e2e::sandbox::start_sandbox;

use super::{BUDGET, screenshots};

/// Every client line the page marked with a warning or an error.
const WARNED: &str = r#"#transcript .line.client[data-severity="warning"] .text, #transcript .line.client[data-severity="error"] .text"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_does_not_cry_wolf_on_correct_lines() -> anyhow::Result<()> {
    within(BUDGET, correct_lines()).await
}

async fn correct_lines() -> anyhow::Result<()> {
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    Browser::run("browser-correct-lines", async |browser| {
        correct_lines_steps(browser.page(), &format!("http://{}/", sandbox.http)).await
    })
    .await?;
    // The dot-stuffed line was stored with its extra dot removed.
    let list = e2e::sandbox::wait_for_messages(sandbox.http, 1).await;
    let id = list[0].id;
    let raw = String::from_utf8(e2e::sandbox::raw_message(sandbox.http, id).await)?;
    ensure!(
        raw.contains("\r\n.x\r\n") && !raw.contains("..x"),
        "the sandbox stored `..x` as `.x`: {raw:?}"
    );
    Ok(())
}

/// The tutorial's correct lines, typed against the sandbox: each goes out on the first
/// Enter (no warning to confirm) and keeps an explanation without a warning: HELO then
/// AUTH LOGIN (answered 334), `RCPT TO:<postmaster>`, and a dot-stuffed body line.
async fn correct_lines_steps(page: Page<'_>, url: &str) -> anyhow::Result<()> {
    page.open_on_the_sandbox(url).await?;

    // HELO, then AUTH LOGIN as the 163.com tutorial does: not predicted to fail.
    page.send_command("HELO me", 250).await?;
    let prompt = page.send_command("AUTH LOGIN", 334).await?;
    ensure!(prompt.starts_with("334 "), "{prompt:?}");
    let auth = page.last_line(".line.client").await?;
    ensure!(
        auth.text == "AUTH LOGIN" && auth.severity == "info",
        "AUTH LOGIN after HELO carries no warning: {auth:?}"
    );
    ensure!(
        auth.findings
            .iter()
            .all(|(id, severity)| severity == "info" || id != "auth-after-helo"),
        "that EHLO would have been stricter is information only: {auth:?}"
    );
    // demo / demo, in base64.
    page.send_command("ZGVtbw==", 334).await?;
    page.send_command("ZGVtbw==", 235).await?;

    // The postmaster needs no domain (RFC 5321 4.5.1): no warning, and the server agrees.
    page.send_command("MAIL FROM:<demo@example.org>", 250)
        .await?;
    page.send_command("RCPT TO:<postmaster>", 250).await?;
    let rcpt = page.last_line(".line.client").await?;
    ensure!(
        rcpt.text == "RCPT TO:<postmaster>" && rcpt.severity == "info",
        "RCPT TO:<postmaster> carries no warning: {rcpt:?}"
    );
    let reply = page.last_line(".line.server").await?;
    ensure!(
        reply.text.starts_with("250") && reply.severity == "success",
        "the sandbox accepted the postmaster: {reply:?}"
    );

    // A line starting with a dot, correctly stuffed: explained as such, not warned about.
    page.send_command("DATA", 354).await?;
    for line in ["Subject: dots", "From: demo@example.org", "", "..x"] {
        page.send_line(line).await?;
    }
    let stuffed = page.last_line(".line.client").await?;
    ensure!(
        stuffed.text == "..x"
            && stuffed.severity == "info"
            && stuffed.title.contains("Dot-stuffed")
            && stuffed.explain.contains("stored as")
            && !stuffed.explain.to_lowercase().contains("two dots"),
        "`..x` is explained as a dot-stuffed line, with no 'type two dots' warning: {stuffed:?}"
    );
    page.send_command(".", 250).await?;
    let accepted = page.last_line(".line.server").await?;
    ensure!(
        accepted.title.contains("Message accepted"),
        "the reply to the final dot says the message was accepted: {accepted:?}"
    );
    let warned = page.texts(WARNED).await?;
    ensure!(
        warned.is_empty(),
        "no client line carries a warning: {warned:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pipelined_paste_passes_and_a_command_inside_the_message_is_caught() -> anyhow::Result<()>
{
    within(BUDGET, message_mode()).await
}

async fn message_mode() -> anyhow::Result<()> {
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    Browser::run("browser-message-mode", async |browser| {
        message_mode_steps(browser, &format!("http://{}/", sandbox.http)).await
    })
    .await
}

/// MAIL, RCPT and DATA pasted at once to the sandbox (which offers PIPELINING) go out
/// without a warning; then QUIT typed inside the message is held back with a warning
/// (sending it anyway makes it message text, marked so), and the final dot still ends the
/// message.
async fn message_mode_steps(browser: &Browser, url: &str) -> anyhow::Result<()> {
    let page = browser.page();
    page.open_on_the_sandbox(url).await?;
    page.send_command("EHLO me", 250).await?;
    let keywords = page.texts("#capabilities td.kw").await?;
    ensure!(
        keywords.iter().any(|k| k == "PIPELINING"),
        "the sandbox offers PIPELINING: {keywords:?}"
    );

    page.paste("MAIL FROM:<me@example.org>\nRCPT TO:<you@example.org>\nDATA\n")
        .await?;
    page.wait_for_line(
        r#".line.server[data-code="354"]"#,
        "the 354 to the pasted DATA",
    )
    .await?;
    let sent = page.texts("#transcript .line.client .text").await?;
    ensure!(
        sent == [
            "EHLO me",
            "MAIL FROM:<me@example.org>",
            "RCPT TO:<you@example.org>",
            "DATA"
        ],
        "the pasted lines all went out, none held back by a warning: {sent:?}"
    );
    for finding in ["rcpt-before-mail", "data-before-rcpt", "wait-for-reply"] {
        ensure!(
            !page
                .exists(&format!(r#"[data-finding="{finding}"]"#))
                .await?,
            "no {finding} finding on a correct pipelined batch"
        );
    }
    let warned = page.texts(WARNED).await?;
    ensure!(
        warned.is_empty(),
        "no pasted line carries a warning: {warned:?}"
    );

    // QUIT inside the message: the first Enter warns and sends nothing.
    page.send_line("Subject: caught").await?;
    page.type_line("QUIT").await?;
    let warning = page
        .wait_text("#warning", "still inside the message")
        .await?;
    ensure!(
        page.exists(r#"#warning [data-finding="command-in-message"]"#)
            .await?,
        "the warning names the finding: {warning:?}"
    );
    ensure!(
        warning.contains("would become message text")
            && warning.contains("Enter again")
            && warning.contains("single dot"),
        "the warning says what QUIT would become, how to end the message and how to send \
         it anyway: {warning:?}"
    );
    assert_eq!(
        page.texts("#transcript .line.client .text")
            .await?
            .last()
            .map(String::as_str),
        Some("Subject: caught"),
        "QUIT was not sent on the first Enter"
    );
    assert_eq!(page.phase().await?, "DATA>");
    screenshots(
        browser,
        "browser-command-in-message",
        "#warning",
        "仍在邮件内容中",
        false,
    )
    .await?;

    // Sent anyway, it is message text, and marked as such; the server does not answer it.
    assert_eq!(page.command_line().await?, "QUIT");
    page.press_enter().await?;
    poll_until("QUIT to go out on the second Enter", STEP, || async {
        let sent = page.texts("#transcript .line.client .text").await?;
        Ok((sent.last().map(String::as_str) == Some("QUIT")).then_some(()))
    })
    .await?;
    let quit = page.last_line(".line.client").await?;
    ensure!(
        quit.severity == "warning"
            && quit.title.contains("Message text")
            && quit
                .findings
                .iter()
                .any(|(id, _)| id == "command-in-message"),
        "QUIT sent inside the message is message text, with the warning kept: {quit:?}"
    );
    page.send_command(".", 250).await?;
    let accepted = page.last_line(".line.server").await?;
    ensure!(
        accepted.title.contains("Message accepted"),
        "the final dot ended the message: {accepted:?}"
    );
    ensure!(
        !page.exists(r#".line.server[data-code="221"]"#).await?,
        "the QUIT inside the message did not end the session"
    );
    page.send_command("QUIT", 221).await?;
    Ok(())
}
