//! The helpers the later lessons lean on, against the bridge's sandbox: a pipelined paste
//! (one RFC 2920 group, the replies paired in order, a refusal in the middle), the BDAT
//! helper's byte count (UTF-8 and CRLF counted) and the `BDAT n LAST` it sends, and the
//! AUTH helper's CRAM-MD5 answer (the challenge decoded, the HMAC and the line checked
//! against `protocol`'s RFC 2195 computation, the line masked once sent). English at
//! desktop size, then Chinese at phone size, in one browser; screenshots of both helpers
//! in both themes, languages and sizes.

use anyhow::ensure;
use e2e::browser::{Browser, poll_until, within};
use e2e::page::{Page, STEP};
use e2e::sandbox::start_sandbox;
use protocol::auth;

use super::{BUDGET, themed_screenshots_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelining_the_bdat_counter_and_cram_md5_in_both_languages_and_sizes() -> anyhow::Result<()>
{
    within(BUDGET * 2, helpers()).await
}

async fn helpers() -> anyhow::Result<()> {
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    let url = format!("http://{}/", sandbox.http);
    Browser::run("browser-protocol-helpers", async |browser| {
        let page = browser.page();
        page.open_on_the_sandbox(&url).await?;
        page.send_command("EHLO me", 250).await?;
        pipelined_group(&page).await?;
        let chunk = "Subject: two\n\nhi";
        bdat_fill(&page, "BDAT chunk", "bytes", chunk, 20).await?;
        dismiss_new_mail(browser).await?;
        themed_screenshots_of(
            browser,
            "browser-bdat-helper",
            &[
                ("en", "#bdat-helper h2", "BDAT chunk"),
                ("zh-CN", "#bdat-helper h2", "数据块"),
            ],
            Some("#bdat-helper"),
        )
        .await?;
        bdat_send(&page, chunk, 20).await?;
        cram(&page, "The challenge, decoded").await?;

        // Again in Chinese on a phone: a new session, the same helpers in Chinese words.
        browser.client().set_window_size(390, 844).await?;
        page.open_on_the_sandbox(&url).await?;
        page.select("#lang", "zh-CN").await?;
        page.send_command("EHLO me", 250).await?;
        cram(&page, "解码后的质询").await?;
        bdat_fill(&page, "数据块", "字节", "Subject: 你好\n\nhi", 23).await?;
        bdat_send(&page, "Subject: 你好\n\nhi", 23).await?;
        // The CRAM-MD5 helper on screen, for the screenshots: a third session.
        page.open_on_the_sandbox(&url).await?;
        page.send_command("EHLO me", 250).await?;
        page.click("#auth-cram").await?;
        page.wait_text("#cram-challenge", "@").await?;
        page.fill("#cram-user", "demo").await?;
        page.fill("#cram-pass", "demo").await?;
        page.wait_text("#cram-line", "=").await?;
        dismiss_new_mail(browser).await?;
        themed_screenshots_of(
            browser,
            "browser-cram-helper",
            &[
                ("en", "#auth-helper h2", "AUTH"),
                ("zh-CN", "#auth-helper h2", "助手"),
            ],
            Some("#auth-helper"),
        )
        .await?;
        Ok(())
    })
    .await?;
    // What the sandbox stored: the chunk exactly as counted, the Chinese subject whole.
    let raws = e2e::sandbox::wait_for_raw_texts(sandbox.http, 3).await;
    for chunk in ["Subject: two\r\n\r\nhi\r\n", "Subject: 你好\r\n\r\nhi\r\n"] {
        ensure!(
            raws.iter().any(|r| r.ends_with(chunk)),
            "a message ends with the chunk {chunk:?}: {raws:?}"
        );
    }
    Ok(())
}

/// Dismisses the phone's "New mail" button, which would cover the theme button the
/// screenshots press.
async fn dismiss_new_mail(browser: &Browser) -> anyhow::Result<()> {
    let client = browser.client();
    let page = browser.page();
    let (width, height) = client.get_window_size().await?;
    client.set_window_size(390, 844).await?;
    if page.exists("#mail-arrived .dismiss").await? {
        page.click("#mail-arrived .dismiss").await?;
        page.wait_none("#mail-arrived", "the New mail button dismissed")
            .await?;
    }
    client.set_window_size(width as u32, height as u32).await?;
    Ok(())
}

/// MAIL, two RCPTs (one refused by the `missing@` scenario) and DATA pasted: they go out
/// as one group, the replies come back in order, each under its own command.
async fn pipelined_group(page: &Page<'_>) -> anyhow::Result<()> {
    page.paste(
        "MAIL FROM:<demo@example.org>\nRCPT TO:<friend@example.org>\n\
         RCPT TO:<missing@example.org>\nDATA\n",
    )
    .await?;
    page.wait_for_line(
        r#".line.server[data-code="354"]"#,
        "354 to the pipelined DATA",
    )
    .await?;
    let codes = page
        .client()
        .execute(
            "return Array.from(document.querySelectorAll('#transcript .line.server[data-code]'),
                 l => l.dataset.code);",
            vec![],
        )
        .await?;
    let codes: Vec<&str> = codes
        .as_array()
        .map(|a| a.iter().filter_map(|c| c.as_str()).collect())
        .unwrap_or_default();
    ensure!(
        codes.ends_with(&["250", "250", "550", "354"]),
        "the replies in the order of the commands: {codes:?}"
    );
    // The explanations are folded away (`<details>`) and built when opened: open them.
    page.open_explanations("#transcript .line.client", false)
        .await?;
    let explained = page
        .client()
        .execute(
            "return Array.from(document.querySelectorAll('#transcript .line.client .explain'),
                 e => e.textContent).join('\\n');",
            vec![],
        )
        .await?;
    let explained = explained.as_str().unwrap_or_default();
    ensure!(
        explained.contains("Pipelined: 2 earlier replies come first"),
        "the second RCPT says it was sent without waiting: {explained}"
    );
    page.send_line("Subject: pipelined").await?;
    page.send_line("").await?;
    page.send_command(".", 250).await?;
    Ok(())
}

/// The BDAT helper after MAIL and RCPT: the count of `chunk` (as the textarea sends it)
/// and the `BDAT n LAST` button.
async fn bdat_fill(
    page: &Page<'_>,
    title: &str,
    unit: &str,
    chunk: &str,
    octets: u64,
) -> anyhow::Result<()> {
    ensure!(
        !page.exists("#bdat-helper").await?,
        "no BDAT helper before a recipient"
    );
    page.send_command("MAIL FROM:<demo@example.org>", 250)
        .await?;
    page.send_command("RCPT TO:<friend@example.org>", 250)
        .await?;
    page.wait_text("#bdat-helper h2", title).await?;
    let lines: Vec<&str> = chunk.lines().collect();
    assert_eq!(protocol::chunk::chunk_octets(lines.iter().copied()), octets);
    page.fill("#bdat-chunk", chunk).await?;
    let count = page
        .wait_text("#bdat-count", &format!("{octets} {unit}"))
        .await?;
    ensure!(count.contains(&format!("{} ", lines.len())), "{count}");
    let last = page
        .wait_text("#bdat-send-last", &format!("BDAT {octets} LAST"))
        .await?;
    ensure!(!last.is_empty());
    Ok(())
}

/// Sends the chunk with the `BDAT n LAST` button: the lines go out, 250 accepts.
async fn bdat_send(page: &Page<'_>, chunk: &str, octets: u64) -> anyhow::Result<()> {
    let lines: Vec<&str> = chunk.lines().collect();
    page.scroll_to("#bdat-helper").await?;
    page.click("#bdat-send-last").await?;
    poll_until("250 queued after BDAT LAST", STEP, || async {
        let line = page.last_line(".line.server").await?;
        Ok(line.text.contains("queued").then_some(()))
    })
    .await?;
    let sent = page.texts("#transcript .line.client .text").await?;
    let tail = &sent[sent.len().saturating_sub(lines.len() + 1)..];
    let mut expected = vec![format!("BDAT {octets} LAST")];
    expected.extend(lines.iter().map(|l| (*l).to_owned()));
    ensure!(
        tail == expected,
        "the BDAT line and the chunk went out: {sent:?}"
    );
    ensure!(
        !page.exists("#bdat-helper").await?,
        "the helper is gone once the message is sent"
    );
    Ok(())
}

/// AUTH CRAM-MD5 through the helper: the challenge shown decoded, the HMAC and the line
/// exactly `protocol`'s, 235, and the line masked in the transcript.
async fn cram(page: &Page<'_>, decoded_label: &str) -> anyhow::Result<()> {
    page.click("#auth-cram").await?;
    let label = page.wait_text("#auth-helper", decoded_label).await?;
    ensure!(!label.is_empty());
    let challenge = page.wait_text("#cram-challenge", "@").await?;
    ensure!(
        challenge.starts_with('<') && challenge.ends_with('>'),
        "the challenge decoded: {challenge:?}"
    );
    page.fill("#cram-user", "demo").await?;
    page.fill("#cram-pass", "demo").await?;
    let digest = auth::cram_md5_digest("demo", &challenge);
    page.wait_text("#cram-hmac", &digest).await?;
    let line = auth::encode(&auth::cram_md5_response("demo", "demo", &challenge));
    page.wait_text("#cram-line", &line).await?;
    page.click("#cram-send").await?;
    page.wait_for_line(r#".line.server[data-code="235"]"#, "235 after CRAM-MD5")
        .await?;
    let sent = page.texts("#transcript .line.client .text").await?;
    ensure!(
        sent.ends_with(&["AUTH CRAM-MD5".to_owned(), auth::REDACTED.to_owned()]),
        "the answer is masked: {sent:?}"
    );
    ensure!(
        !sent.iter().any(|s| s.contains(&line)),
        "the HMAC line never shows in the transcript"
    );
    Ok(())
}
