//! The page from static hosting, with no bridge anywhere: the offline simulator runs the
//! whole session.

use anyhow::{Context, ensure};
use e2e::browser::{Browser, StaticServer, poll_until, within};
use e2e::page::STEP;
use e2e::start_bridge;

use super::BUDGET;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_offline_simulator_completes_the_session_without_a_bridge() -> anyhow::Result<()> {
    within(BUDGET, offline_session()).await
}

async fn offline_session() -> anyhow::Result<()> {
    // A bridge ran, and is stopped: nothing of it answers any more.
    let (bridge_addr, bridge) = start_bridge().await;
    bridge.stop().await;
    ensure!(
        tokio::net::TcpStream::connect(bridge_addr).await.is_err(),
        "the stopped bridge still accepts connections at {bridge_addr}"
    );
    let files = StaticServer::dist().await?;
    Browser::run("browser-offline-simulator", async |browser| {
        simulate(browser, &format!("http://{}/", files.addr)).await
    })
    .await
}

/// The page from static hosting: it finds no bridge, runs the simulator (marked as such),
/// and the whole session works: EHLO, AUTH with the demo account, a pasted message into
/// the page's own mailbox, STARTTLS (simulated), QUIT; the sequence diagram downloads.
async fn simulate(browser: &Browser, url: &str) -> anyhow::Result<()> {
    let page = browser.page();
    page.open(url).await?;
    page.select("#lang", "en").await?;
    let greeting = page
        .wait_for_line(
            r#".line.server[data-code="220"]"#,
            "the simulator's greeting",
        )
        .await?;
    ensure!(
        greeting.contains("simulator.smtp-playground.test"),
        "the greeting comes from the simulator: {greeting:?}"
    );
    let status = page.text_of("#status").await?;
    ensure!(
        status.contains("SIMULATED"),
        "the status bar says the session is simulated: {status:?}"
    );
    let notes = page.texts("#transcript .line.note .text").await?;
    ensure!(
        notes.iter().any(|n| n.starts_with("No bridge answered"))
            && notes.iter().any(|n| n.starts_with("SIMULATED")),
        "the transcript says why and that it is simulated: {notes:?}"
    );
    let simulate = page
        .client()
        .find(fantoccini::Locator::Css("#simulate"))
        .await?
        .prop("checked")
        .await?;
    ensure!(
        simulate.as_deref() == Some("true"),
        "the Simulate checkbox is ticked by itself"
    );

    page.send_command("EHLO me", 250).await?;
    // AUTH PLAIN with the demo account: "\0demo\0demo" in base64.
    page.send_command("AUTH PLAIN AGRlbW8AZGVtbw==", 235)
        .await?;
    page.paste(
        "MAIL FROM:<demo@example.org>\nRCPT TO:<friend@example.org>\nDATA\n\
         Subject: Hello from the simulator\nFrom: demo@example.org\n\
         To: friend@example.org\n\nHi from the simulator!\n.\n",
    )
    .await
    .context("pasting the message")?;
    poll_until("the message in the page's own mailbox", STEP, || async {
        let subjects = page.texts("#mailbox-list .subject").await?;
        Ok(subjects
            .iter()
            .any(|s| s == "Hello from the simulator")
            .then_some(()))
    })
    .await?;
    let title = page.text_of("#mailbox h2").await?;
    ensure!(
        title.contains("Simulator"),
        "the mailbox is marked as the simulator's: {title:?}"
    );
    page.open_message("Hello from the simulator", "Hi from the simulator!")
        .await?;

    // STARTTLS: answered by the protocol, the handshake is simulated.
    page.send_command("STARTTLS", 220).await?;
    page.wait_prompt("HELO>").await?;
    let notes = page.texts("#transcript .line.note .text").await?;
    ensure!(
        notes
            .iter()
            .any(|n| n.starts_with("TLS simulated: nothing is encrypted")),
        "the handshake is marked simulated: {notes:?}"
    );
    page.send_command("QUIT", 221).await?;

    // The sequence diagram of the whole session, as a downloadable SVG: the link gets its
    // document when clicked (the download itself is cancelled here, after the page's own
    // handler ran).
    let href = page
        .client()
        .execute(
            "const link = document.getElementById('sequence-download');
             document.addEventListener('click', (e) => e.preventDefault(), { once: true });
             link.click();
             return link.getAttribute('href');",
            vec![],
        )
        .await?;
    let href = href
        .as_str()
        .filter(|h| h.starts_with("data:"))
        .context("the clicked download link holds the document")?
        .to_owned();
    let svg = page
        .client()
        .execute(
            "return decodeURIComponent(arguments[0].split(',').slice(1).join(','));",
            vec![serde_json::json!(href)],
        )
        .await?;
    let svg = svg.as_str().context("the SVG decodes to text")?;
    ensure!(
        svg.starts_with("<svg") && svg.contains("354 End data") && svg.contains("AUTH PLAIN"),
        "the diagram has the session's commands and replies: {svg:.300}"
    );
    ensure!(
        !svg.contains("AGRlbW8AZGVtbw=="),
        "the AUTH secret is masked in the diagram too"
    );
    Ok(())
}
