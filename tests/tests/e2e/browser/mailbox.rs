//! Two browsers on one public bridge: each mailbox panel lists only its own browser's mail.

use anyhow::{Context, ensure};
use e2e::browser::{Browser, poll_until, within};
use e2e::page::{Page, STEP};
use e2e::sandbox::start_public_sandbox;

use super::BUDGET;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_bridge_shows_each_browser_only_its_own_mail() -> anyhow::Result<()> {
    within(BUDGET * 2, public_mailboxes()).await
}

/// Two browsers on one public bridge, each sending a message from the terminal to the
/// sandbox: each mailbox panel says it is private and lists only its own browser's mail,
/// and A's still does after B's message arrived and A reloaded the page.
async fn public_mailboxes() -> anyhow::Result<()> {
    let sandbox = start_public_sandbox().await;
    let url = format!("http://{}/", sandbox.http);
    Browser::run("browser-public-mailbox-a", async |a| {
        let a = a.page();
        mail_from_the_terminal(a, &url, "Mail from browser A").await?;
        Browser::run("browser-public-mailbox-b", async |b| {
            let b = b.page();
            b.open(&url).await?;
            b.select("#lang", "en").await?;
            b.wait_text("#mailbox", "No mail yet").await?;
            mail_from_the_terminal(b, &url, "Mail from browser B").await
        })
        .await?;
        // A reload fetches the list afresh: the cookie keeps A's mailbox, and only A's.
        a.open(&url).await?;
        let subjects = poll_until("browser A's mailbox after a reload", STEP, || async {
            let subjects = a.texts("#mailbox-list .subject").await?;
            Ok((!subjects.is_empty()).then_some(subjects))
        })
        .await?;
        ensure!(
            subjects == ["Mail from browser A"],
            "browser A lists only its own mail: {subjects:?}"
        );
        Ok(())
    })
    .await
}

/// Opens the page (which connects to the sandbox by itself), sends a message typed as a
/// paste of the whole session, and waits until the mailbox panel lists it as the only
/// message, under the note that the mailbox is this browser's own.
async fn mail_from_the_terminal(page: Page<'_>, url: &str, subject: &str) -> anyhow::Result<()> {
    if page.client().current_url().await?.as_str() == url {
        page.wait_for_line(r#".line.server[data-code="220"]"#, "the sandbox's greeting")
            .await?;
    } else {
        page.open_on_the_sandbox(url).await?;
    }
    page.paste(&format!(
        "EHLO browser\nMAIL FROM:<me@example.org>\nRCPT TO:<you@example.org>\nDATA\n\
         Subject: {subject}\nFrom: me@example.org\nTo: you@example.org\n\nHello.\n.\n"
    ))
    .await
    .context("pasting the session")?;
    let note = page
        .wait_text("#mailbox-scope", "Only mail sent from this browser")
        .await?;
    ensure!(note.contains("other visitors cannot see it"), "{note:?}");
    poll_until(
        "the message as the only one in the mailbox",
        STEP,
        || async {
            let subjects = page.texts("#mailbox-list .subject").await?;
            Ok((subjects == [subject]).then_some(()))
        },
    )
    .await
}
