//! The tutorial as a lesson: against the bridge's own sandbox (the AUTH helper logs in, the
//! message shows up in the mailbox panel) and against a real Postfix (AUTH skipped, the
//! message lands in a real Maildir).

use anyhow::{Context, ensure};
use e2e::browser::{Browser, poll_until, within};
use e2e::page::STEP;
use e2e::sandbox::start_sandbox;
use e2e::{postfix_addr, start_bridge};

use super::BUDGET;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lesson_completes_against_the_sandbox_with_the_auth_helper() -> anyhow::Result<()> {
    within(BUDGET, sandbox_lesson()).await
}

async fn sandbox_lesson() -> anyhow::Result<()> {
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    Browser::run("browser-sandbox-lesson", async |browser| {
        lesson(browser, &format!("http://{}/", sandbox.http), sandbox.smtp).await
    })
    .await
}

/// The tutorial as a lesson against the bridge's own sandbox: the form points at it by
/// itself, the AUTH helper logs in, a pasted message goes out line by line, every step is
/// checked off, and the message shows up in the mailbox panel.
async fn lesson(browser: &Browser, url: &str, smtp: std::net::SocketAddr) -> anyhow::Result<()> {
    let page = browser.page();
    // The page opens connected to the bridge's sandbox, and says so.
    page.open_on_the_sandbox(url).await?;
    let notes = page.texts("#transcript .line.note .text").await?;
    let target = smtp.to_string();
    ensure!(
        notes
            .iter()
            .any(|n| n.contains(&target) && n.contains("connected to it automatically")),
        "a notice says the page connected to the sandbox at {target} by itself: {notes:?}"
    );
    let status = page.text_of("#status").await?;
    ensure!(
        status.starts_with("Connected to") && !status.contains("SIMULATED"),
        "the status shows the real sandbox: {status:?}"
    );
    let port = page
        .client()
        .find(fantoccini::Locator::Css("#port"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(
        port.as_deref(),
        Some(smtp.port().to_string().as_str()),
        "the form shows where the sandbox listens"
    );
    page.wait_step(0).await?;

    // The lesson's example goes to the command line; Enter sends it.
    page.click("#lesson .step.current .example").await?;
    assert_eq!(page.command_line().await?, "EHLO me");
    page.press_enter().await?;
    page.wait_step(1).await?;

    // AUTH LOGIN through the helper: decoded prompts, typed in clear, sent in base64.
    page.click("#auth-login").await?;
    let decoded = page.wait_text("#auth-decoded", "Username").await?;
    ensure!(
        decoded.contains("334 "),
        "the helper shows the challenge: {decoded:?}"
    );
    page.fill("#auth-user", "demo").await?;
    page.click("#auth-send").await?;
    page.wait_text("#auth-decoded", "Password").await?;
    let password_type = page
        .client()
        .find(fantoccini::Locator::Css("#auth-pass"))
        .await?
        .attr("type")
        .await?;
    assert_eq!(
        password_type.as_deref(),
        Some("password"),
        "the password is typed masked"
    );
    page.fill("#auth-pass", "demo").await?;
    page.click("#auth-send").await?;
    page.wait_for_line(r#".line.server[data-code="235"]"#, "235 after AUTH LOGIN")
        .await?;
    page.wait_step(2).await?;
    let sent = page.texts("#transcript .line.client .text").await?;
    assert_eq!(
        sent,
        ["EHLO me", "AUTH LOGIN", "ZGVtbw==", "********"],
        "the username goes out in base64, the password is masked"
    );

    // The message, pasted: each command waits for its reply, the body lines flow.
    page.paste(
        "MAIL FROM:<demo@example.org>\nRCPT TO:<friend@example.org>\nDATA\n\
         Subject: Hello from the browser test\nFrom: demo@example.org\n\
         To: friend@example.org\n\nHi!\n.\n",
    )
    .await
    .context("pasting the message")?;
    for step in 3..=7 {
        page.wait_step(step).await?;
    }
    poll_until("the message in the mailbox panel", STEP, || async {
        let subjects = page.texts("#mailbox-list .subject").await?;
        Ok(subjects
            .iter()
            .any(|s| s == "Hello from the browser test")
            .then_some(()))
    })
    .await?;
    page.open_message("Hello from the browser test", "Hi!")
        .await?;

    page.send_command("QUIT", 221).await?;
    page.wait_step(8).await?;
    ensure!(
        page.exists("#lesson .lesson-done").await?,
        "the lesson says it is complete"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lesson_completes_against_a_real_postfix() -> anyhow::Result<()> {
    within(BUDGET, postfix_lesson()).await
}

async fn postfix_lesson() -> anyhow::Result<()> {
    let postfix = postfix_addr();
    let maildirs = e2e::postfix_maildirs();
    let (bridge, _bridge_handle) = start_bridge().await;
    let subject = Browser::run("browser-postfix-lesson", async |browser| {
        postfix_lesson_steps(browser, &format!("http://{bridge}/"), postfix).await
    })
    .await?;
    // The lesson ends like the tutorial: the mail is in the recipient's real mailbox.
    let inbox = maildirs.join("alice/new");
    poll_until("the lesson's message in alice's Maildir", STEP, || async {
        let Ok(entries) = std::fs::read_dir(&inbox) else {
            return Ok(None);
        };
        Ok(entries
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .find(|text| text.contains(&subject)))
    })
    .await
    .with_context(|| format!("looking in {}", inbox.display()))?;
    Ok(())
}

/// The tutorial's steps against Postfix's plain port, which offers no AUTH: the lesson lets
/// the learner skip that step, and every other step is checked off by the real replies.
/// Returns the message's unique subject.
async fn postfix_lesson_steps(
    browser: &Browser,
    url: &str,
    postfix: std::net::SocketAddr,
) -> anyhow::Result<String> {
    let page = browser.page();
    page.open(url).await?;
    page.connect_in_english(postfix).await?;
    page.wait_step(0).await?;
    page.send_command("EHLO learner.test", 250).await?;
    page.wait_step(1).await?;

    let subject = format!(
        "Lesson against Postfix {}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    );
    page.paste(&format!(
        "MAIL FROM:<learner@example.org>\nRCPT TO:<alice@postfix.test>\nDATA\n\
         Subject: {subject}\nFrom: learner@example.org\nTo: alice@postfix.test\n\n\
         Sent by the lesson.\n.\n"
    ))
    .await
    .context("pasting the message")?;
    for step in 3..=7 {
        page.wait_step(step).await?;
    }
    let replies = page.texts("#transcript .line.server .text").await?;
    ensure!(
        replies
            .iter()
            .any(|r| r.starts_with("250 2.0.0 Ok: queued as")),
        "Postfix queued the message: {replies:?}"
    );
    page.send_command("QUIT", 221).await?;
    page.wait_step(8).await?;
    ensure!(
        page.exists("#lesson .lesson-done").await?,
        "the lesson says it is complete, AUTH skipped"
    );
    Ok(subject)
}
