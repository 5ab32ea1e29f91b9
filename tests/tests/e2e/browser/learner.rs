//! A learner never gets lost: the page says where the session stands in words (the
//! prompt, "inside the message", the held final dot), warns before a command
//! becomes message text, says what is and is not encrypted, explains a plain-text answer
//! to implicit TLS, a silent server and a bridge whose WebSocket fails, keeps what Export
//! and Share hold after Ctrl+L, exports the pasted transcript on the paste tab, sends an
//! over-long line when asked, shows the AUTH PLAIN line that was sent, numbers body lines
//! from the body, keeps the form still when STARTTLS is chosen, opens at the top on a
//! phone, and leaves no English in the Chinese page.

use std::net::{Ipv4Addr, SocketAddr};

use anyhow::{Context, ensure};
use e2e::browser::{Browser, poll_until, within};
use e2e::page::{Page, STEP};
use e2e::sandbox::start_sandbox;
use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::{BUDGET, themed_screenshots};

/// Every note the page wrote into the transcript.
const NOTES: &str = "#transcript .line.note .text";

/// Words the Chinese page may show in Latin letters: SMTP's own (verbs, keywords, header
/// names), protocols and standards, tools, keys, product names, and the language menu's
/// "English". Host names, addresses, code, SMTP lines and typed input are left out before.
const ALLOWED: &[&str] = &[
    // SMTP verbs, extensions, parameters.
    "EHLO",
    "HELO",
    "MAIL",
    "FROM",
    "RCPT",
    "TO",
    "DATA",
    "QUIT",
    "RSET",
    "NOOP",
    "VRFY",
    "EXPN",
    "HELP",
    "AUTH",
    "LOGIN",
    "PLAIN",
    "STARTTLS",
    "BDAT",
    "LAST",
    "SIZE",
    "PIPELINING",
    "BITMIME",
    "SMTPUTF",
    "CHUNKING",
    "DSN",
    "ENHANCEDSTATUSCODES",
    "ETRN",
    "BINARYMIME",
    "CRAM",
    "MD",
    "XOAUTH",
    "OAUTHBEARER",
    "BODY",
    "SMTPS",
    // Protocols, standards, formats.
    "SMTP",
    "ESMTP",
    "TLS",
    "TLSv",
    "SSL",
    "TCP",
    "DNS",
    "DNSSEC",
    "MX",
    "SPF",
    "DMARC",
    "DKIM",
    "MTA",
    "STS",
    "RPT",
    "DANE",
    "TLSA",
    "RFC",
    "IP",
    "IPv",
    "CRLF",
    "CR",
    "LF",
    "NUL",
    "ASCII",
    "UTF",
    "MIME",
    "Base",
    "base",
    "JSON",
    "SVG",
    "PTR",
    "ISP",
    "URL",
    "WebSocket",
    "HTTP",
    "API",
    "RSA",
    "EC",
    "SHA",
    "ECDSA",
    "AES",
    "GCM",
    // Header fields.
    "Subject",
    "From",
    "To",
    "Cc",
    "Bcc",
    "Date",
    "Message",
    "ID",
    "Return",
    "Path",
    "Received",
    "Reply",
    // Tools, keys, names.
    "swaks",
    "telnet",
    "smtplib",
    "openssl",
    "Python",
    "s_client",
    "Tab",
    "Ctrl",
    "Esc",
    "English",
    "demo",
    "Postfix",
    "Exim",
    "Gmail",
    "MAILER",
    "DAEMON",
    "postmaster",
    "svg",
    "xx",
    "ms",
    "quoted",
    "printable",
    "localhost",
    // The name in the examples' `EHLO me`.
    "me",
];

/// The Latin-letter words the page shows outside [`ALLOWED`], outside SMTP lines, code and
/// typed input, with host names and addresses taken out: text, `title`, `placeholder` and
/// `aria-label` attributes, and the window title.
async fn english_words(page: Page<'_>) -> anyhow::Result<Vec<String>> {
    let found = page
        .client()
        .execute(
            r#"
            const skip = 'code, kbd, pre, textarea, input, script, style, .line .text, ' +
                '.line .meta, svg.sequence, #sequence, .mailbox .subject, #export-output';
            const texts = [['title', document.title]];
            const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walk.nextNode()) {
                const node = walk.currentNode;
                const parent = node.parentElement;
                if (!parent || parent.closest(skip)) continue;
                if (parent.closest('[hidden], [aria-hidden="true"]')) continue;
                texts.push([parent.id || parent.getAttribute('class') || parent.tagName, node.textContent]);
            }
            for (const e of document.querySelectorAll('[title], [placeholder], [aria-label]')) {
                if (e.closest('code, .line .text, svg.sequence')) continue;
                for (const a of ['title', 'placeholder', 'aria-label']) {
                    const v = e.getAttribute(a);
                    if (v) texts.push([a + '@' + (e.id || e.getAttribute('class') || e.tagName), v]);
                }
            }
            const said = Array.from(document.querySelectorAll('.line .text'), e => e.textContent);
            return [texts, said.join(' ')];"#,
            vec![],
        )
        .await
        .context("reading the page's words")?;
    let (pairs, said): (Vec<(String, String)>, String) = serde_json::from_value(found)?;
    // Words the learner typed or the server said, quoted back, are theirs, not the page's.
    let theirs: std::collections::HashSet<&str> =
        said.split(|c: char| !c.is_ascii_alphabetic()).collect();
    let mut english = Vec::new();
    for (place, text) in pairs {
        // Quotes of a server (“...”) and SMTP replies (`554 5.7.1 Relay access denied`)
        // are the server's words.
        let unquoted = strip_quoted(&text);
        // Addresses, host names, paths and numbers with units are not words to translate.
        let cleaned: String = unquoted
            .split_whitespace()
            .filter(|w| !w.contains(['@', '.', '/', '<', '>', '=', '_']) || w.ends_with('.'))
            // Identifiers such as `ecdsa-with-SHA256`: names, not words.
            .filter(|w| !(w.contains('-') && w.bytes().any(|b| b.is_ascii_digit())))
            .collect::<Vec<_>>()
            .join(" ");
        for word in cleaned
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 2)
        {
            // A long token is the learner's text quoted in a finding (`NOOP xxx...`).
            let quoted = word.len() > 12 && said.contains(word);
            if !ALLOWED.contains(&word) && !theirs.contains(word) && !quoted {
                english.push(format!("{word} (in {place}: {:?})", text.trim()));
            }
        }
    }
    Ok(english)
}

/// `text` without what it quotes: “...” and SMTP replies (a code, an enhanced code and
/// the Latin words after them).
fn strip_quoted(text: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '“' => quoted = true,
            '”' => quoted = false,
            _ if !quoted => out.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = out.split(' ').collect();
    let mut kept = Vec::new();
    let mut in_reply = false;
    for (i, word) in words.iter().enumerate() {
        let code = word.len() == 3 && word.bytes().all(|b| b.is_ascii_digit());
        let enhanced = |w: &str| {
            w.split('.').count() == 3 && w.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        };
        if code && words.get(i + 1).is_some_and(|w| enhanced(w)) {
            in_reply = true;
        } else if in_reply && !word.is_ascii() {
            // The reply ends where the sentence around it goes on.
            in_reply = false;
            let start = word.find(|c: char| !c.is_ascii()).unwrap_or(0);
            kept.push(&word[start..]);
            continue;
        }
        if !in_reply {
            kept.push(*word);
        }
    }
    kept.join(" ")
}

/// Switches to Chinese and fails when [`english_words`] finds any; `state` names where the
/// page is, for the error.
async fn no_english_in_chinese(page: Page<'_>, state: &str) -> anyhow::Result<()> {
    page.select("#lang", "zh-CN").await?;
    page.wait_text("#tab-terminal", "终端").await?;
    let english = english_words(page).await?;
    ensure!(
        english.is_empty(),
        "English left in the Chinese page ({state}): {english:#?}"
    );
    Ok(())
}

/// Whether the element `css` is visible (its computed `visibility`).
async fn visible(page: Page<'_>, css: &str) -> anyhow::Result<bool> {
    let shown = page
        .client()
        .execute(
            "const e = document.querySelector(arguments[0]);
             return !!e && getComputedStyle(e).visibility === 'visible';",
            vec![json!(css)],
        )
        .await?;
    Ok(shown == json!(true))
}

/// Waits until an element matching `css` contains `needle`; returns its text. Reads the
/// texts afresh each time, so a re-render in between does not matter.
async fn contains(page: Page<'_>, css: &str, needle: &str) -> anyhow::Result<String> {
    poll_until(&format!("{css} to say {needle:?}"), STEP, || async {
        Ok(page
            .texts(css)
            .await?
            .into_iter()
            .find(|t| t.contains(needle)))
    })
    .await
}

/// Types `line` and presses Enter; the page must hold it with a warning, then "Send
/// anyway" sends it. Returns the warning's title.
async fn warned_then_sent(page: Page<'_>, line: &str) -> anyhow::Result<String> {
    let before = page.count("#transcript .line.client").await?;
    page.type_line(line).await?;
    let title = page.wait_text("#warning .warning-title", "").await?;
    ensure!(
        page.count("#transcript .line.client").await? == before,
        "{line:?} was held by its warning"
    );
    page.click("#send-anyway").await?;
    poll_until(&format!("{line:?} sent anyway"), STEP, || async {
        Ok((page.count("#transcript .line.client").await? > before).then_some(()))
    })
    .await?;
    Ok(title)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_learner_always_knows_where_the_session_stands() -> anyhow::Result<()> {
    within(BUDGET * 2, async {
        let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
        Browser::run("browser-learner-session", async |browser| {
            session(browser, &format!("http://{}/", sandbox.http)).await
        })
        .await
    })
    .await
}

/// One session against the sandbox, checking the page's words at each step, in English
/// and Chinese.
async fn session(browser: &Browser, url: &str) -> anyhow::Result<()> {
    let page = browser.page();
    browser.client().set_window_size(1280, 800).await?;
    page.open_on_the_sandbox(url).await?;

    // The prompt is a word for where the session stands; the status says plain text.
    page.wait_prompt("HELO>").await?;
    assert_eq!(page.text_of("#prompt").await?, "say EHLO");
    let status = page.text_of("#status").await?;
    ensure!(
        status.contains("(plain text)") && !status.contains("TLS)"),
        "before EHLO the status says plain text, nothing about TLS yet: {status:?}"
    );
    page.send_command("EHLO me", 250).await?;
    assert_eq!(page.text_of("#prompt").await?, "ready");
    let status = page.text_of("#status").await?;
    ensure!(
        status.contains("plain text, STARTTLS available"),
        "the sandbox offers STARTTLS; nothing is encrypted yet: {status:?}"
    );
    let hello = page.last_line(".line.server").await?;
    ensure!(
        hello.title.contains("extensions offered") && !hello.title.contains(" 1 extensions"),
        "{hello:?}"
    );

    // AUTH PLAIN: the line shown is the line sent, its secret masked.
    let sent = "AUTH PLAIN AGRlbW8AZGVtbw==";
    page.send_command(sent, 235).await?;
    let shown = page.last_line(".line.client").await?;
    ensure!(
        shown.text == "AUTH PLAIN AGRlbW8A********" && sent.starts_with("AUTH PLAIN AGRlbW8A"),
        "the AUTH PLAIN line shown is the one sent, masked: {shown:?}"
    );

    // A line over the RFC's limit: warned about, sent anyway, and the server's 500.
    let long = format!("NOOP {}", "x".repeat(1100));
    let replies = page
        .count(r#"#transcript .line.server[data-last="true"]"#)
        .await?;
    let title = warned_then_sent(page, &long).await?;
    ensure!(title.contains("probably fail"), "{title:?}");
    page.wait_count(
        r#"#transcript .line.server[data-last="true"]"#,
        replies + 1,
        "the server's answer to the over-long line",
    )
    .await?;
    let last = page.last_line(".line.server").await?;
    ensure!(
        last.text.starts_with("500"),
        "the server refused the long line: {last:?}"
    );

    page.send_command("MAIL FROM:<demo@example.org>", 250)
        .await?;
    page.send_command("RCPT TO:<friend@example.org>", 250)
        .await?;
    ensure!(!page.exists("#in-message").await?, "no banner before DATA");
    page.send_command("DATA", 354).await?;
    page.wait_prompt("DATA>").await?;
    assert_eq!(page.text_of("#prompt").await?, "message text");
    let banner = page.text_of("#in-message").await?;
    ensure!(
        banner.contains("inside the message") && banner.contains("only a dot"),
        "{banner:?}"
    );

    // Body lines are numbered from the body, not from the headers.
    for line in ["Subject: where am I", "From: demo@example.org", ""] {
        page.send_line(line).await?;
    }
    page.send_line("first line of the body").await?;
    let body = page.last_line(".line.client").await?;
    ensure!(
        body.title == "Message text, line 1",
        "the first body line is line 1: {body:?}"
    );

    // QUIT inside the message: a warning that it becomes message text; sending stays
    // possible.
    page.type_line("QUIT").await?;
    let warning = page.wait_text("#warning", "message text").await?;
    ensure!(
        warning.contains("This line would become message text")
            && page.exists("#send-anyway").await?,
        "{warning:?}"
    );
    themed_screenshots(
        browser,
        "learner-in-message",
        &[
            ("en", "#in-message", "inside the message"),
            ("zh-CN", "#in-message", "邮件内容中"),
        ],
    )
    .await?;
    no_english_in_chinese(page, "inside a message, a command held").await?;
    let zh = page.text_of("#in-message").await?;
    ensure!(zh.contains("只含一个点号"), "{zh:?}");
    page.select("#lang", "en").await?;
    page.wait_text("#in-message", "inside the message").await?;
    page.click("#send-anyway").await?;
    poll_until("QUIT to go out as message text", STEP, || async {
        let sent = page.texts("#transcript .line.client .text").await?;
        Ok((sent.last().map(String::as_str) == Some("QUIT")).then_some(()))
    })
    .await?;
    ensure!(
        page.exists("#in-message").await? && page.phase().await? == "DATA>",
        "QUIT did not end the message: it is message text"
    );

    page.send_line(".").await?;
    page.wait_none("#in-message", "the banner to go once the dot is sent")
        .await?;
    page.wait_count(
        r#"#transcript .line.server[data-code="250"]"#,
        4,
        "the message accepted",
    )
    .await?;

    // Ctrl+L clears the screen, not what Export and Share hold.
    page.click("#share").await?;
    let link_before = page.export_value().await?;
    page.click("#export-close").await?;
    page.client()
        .find(Locator::Css("#command"))
        .await?
        .send_keys(&format!(
            "{}l{}",
            char::from(Key::Control),
            char::from(Key::Control)
        ))
        .await?;
    page.wait_none("#transcript .line", "Ctrl+L to clear the screen")
        .await?;
    page.click("#export-text").await?;
    let exported = page.export_value().await?;
    ensure!(
        exported.contains("EHLO me") && exported.contains("first line of the body"),
        "Export still holds the session after Ctrl+L: {exported:?}"
    );
    page.click("#export-close").await?;
    page.click("#share").await?;
    let link_after = page.export_value().await?;
    ensure!(
        link_after == link_before,
        "Share holds the same session after Ctrl+L"
    );
    page.click("#export-close").await?;

    // STARTTLS: encrypted now, and the status says so.
    page.send_command("STARTTLS", 220).await?;
    page.wait_text("#status", "encrypted with TLS after STARTTLS")
        .await?;
    page.wait_prompt("HELO>").await?;
    page.send_command("QUIT", 221).await?;
    page.wait_until_disconnected("the session to end after QUIT")
        .await?;
    no_english_in_chinese(page, "closed, after STARTTLS").await?;
    let notes = page.texts(NOTES).await?;
    ensure!(
        notes.iter().any(|n| n.starts_with("连接已关闭")),
        "the close in Chinese: {notes:?}"
    );
    page.select("#lang", "en").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chinese_page_the_form_and_the_simulator_say_what_is_true() -> anyhow::Result<()> {
    within(BUDGET * 2, async {
        let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
        Browser::run("browser-learner-forms", async |browser| {
            forms(browser, &format!("http://{}/", sandbox.http), sandbox.smtp).await
        })
        .await
    })
    .await
}

/// The Chinese page connected, disconnected, with the form set to STARTTLS (which must
/// not move it) and implicit TLS against the sandbox's plain port (a clear error in both
/// languages), then the simulator's STARTTLS (one story about encryption).
async fn forms(browser: &Browser, url: &str, smtp: SocketAddr) -> anyhow::Result<()> {
    let page = browser.page();
    let client = browser.client();
    client.set_window_size(1280, 800).await?;
    page.open_on_the_sandbox(url).await?;
    no_english_in_chinese(page, "connected to the sandbox").await?;
    let title: String =
        serde_json::from_value(client.execute("return document.title", vec![]).await?)?;
    ensure!(
        title == "SMTP 练习场",
        "the window title in Chinese: {title:?}"
    );
    page.select("#lang", "en").await?;
    page.leave_the_sandbox().await?;

    // Choosing STARTTLS does not move the form, at desktop and phone size.
    for (width, height) in [(1280, 800), (390, 844)] {
        client.set_window_size(width, height).await?;
        let layout = async || -> anyhow::Result<serde_json::Value> {
            Ok(client
                .execute(
                    "const f = document.querySelector('form.connect').getBoundingClientRect();
                     const b = document.getElementById('connect').getBoundingClientRect();
                     return [f.height, b.top, b.left];",
                    vec![],
                )
                .await?)
        };
        page.select("#tls", "none").await?;
        let plain = layout().await?;
        page.select("#tls", "starttls").await?;
        let starttls = layout().await?;
        ensure!(
            plain == starttls,
            "the form moved when STARTTLS was chosen at {width}x{height}: {plain} vs {starttls}"
        );
        ensure!(
            page.exists("#insecure").await?,
            "the certificate box is there"
        );
    }
    client.set_window_size(1280, 800).await?;

    // Implicit TLS against the sandbox's plain port: a sentence, not `InvalidContentType`.
    page.fill("#host", &smtp.ip().to_string()).await?;
    page.fill("#port", &smtp.port().to_string()).await?;
    page.select("#tls", "implicit").await?;
    page.click("#connect").await?;
    let error = contains(page, "#transcript .line.note.error .text", "plain text").await?;
    ensure!(
        error.contains("does not speak implicit TLS") && !error.contains("InvalidContentType"),
        "{error:?}"
    );
    page.wait_until_disconnected("the refused session to end")
        .await?;
    no_english_in_chinese(page, "after the implicit TLS error").await?;
    let zh = page.texts("#transcript .line.note.error .text").await?;
    ensure!(
        zh.iter().any(|e| e.contains("不使用隐式 TLS")),
        "the error in Chinese: {zh:?}"
    );
    page.select("#lang", "en").await?;

    // The simulator's STARTTLS: one story (simulated, nothing encrypted), never "(no TLS)"
    // and never "encrypted from here on".
    page.select("#tls", "none").await?;
    page.click("#simulate").await?;
    page.click("#connect").await?;
    contains(page, "#transcript .line.server .text", "220 simulator").await?;
    // The implicit TLS error above stays in the transcript: type and wait by hand.
    page.type_line("EHLO me").await?;
    contains(page, "#transcript .line.server .text", "250 ").await?;
    page.type_line("STARTTLS").await?;
    contains(page, "#transcript .line.server .text", "220 2.0.0").await?;
    let status = page.wait_text("#status", "TLS simulated").await?;
    ensure!(
        !status.contains("no TLS") && !status.contains("encrypted with"),
        "{status:?}"
    );
    page.wait_prompt("HELO>").await?;
    let notes = page.texts(NOTES).await?;
    let all = notes.join("\n");
    ensure!(
        all.contains("nothing is encrypted") && !all.contains("encrypted from here on"),
        "the simulator tells one story about TLS: {notes:#?}"
    );
    ensure!(
        !page.exists("#tls-panel").await?,
        "no handshake facts to show"
    );
    no_english_in_chinese(page, "simulated STARTTLS").await?;
    let zh = page.text_of("#status").await?;
    ensure!(zh.contains("模拟的 TLS"), "{zh:?}");
    page.select("#lang", "en").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silence_a_broken_websocket_the_paste_tab_and_a_phone() -> anyhow::Result<()> {
    within(BUDGET * 2, async {
        let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
        let silent = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let silent_addr = silent.local_addr()?;
        // Accepts and says nothing, as a tarpit or a port that is not SMTP would.
        let held = tokio::spawn(async move {
            let mut open = Vec::new();
            while open.len() < 8 {
                let Ok((stream, _)) = silent.accept().await else {
                    return;
                };
                open.push(stream);
            }
        });
        let proxy = WsBlockingProxy::start(sandbox.http).await?;
        let result = Browser::run("browser-learner-edges", async |browser| {
            edges(
                browser,
                &format!("http://{}/", sandbox.http),
                silent_addr,
                &format!("http://{}/", proxy.addr),
            )
            .await
        })
        .await;
        held.abort();
        result
    })
    .await
}

async fn edges(
    browser: &Browser,
    url: &str,
    silent: SocketAddr,
    proxied: &str,
) -> anyhow::Result<()> {
    let page = browser.page();
    let client = browser.client();

    // On a phone the page opens at the top, title in view, though it connects and the
    // command line takes the focus.
    client.set_window_size(390, 844).await?;
    page.open(url).await?;
    page.wait_for_line(r#".line.server[data-code="220"]"#, "the sandbox's greeting")
        .await?;
    let top: (f64, f64) = serde_json::from_value(
        client
            .execute(
                "return [window.scrollY, document.querySelector('h1').getBoundingClientRect().top];",
                vec![],
            )
            .await?,
    )?;
    ensure!(
        top.0 == 0.0 && top.1 >= 0.0,
        "the phone page opens at the top: scrollY and the title's top {top:?}"
    );
    let focused = client
        .execute(
            "return document.activeElement && document.activeElement.id",
            vec![],
        )
        .await?;
    ensure!(
        focused == json!("command"),
        "the command line has the focus all the same: {focused}"
    );
    page.select("#lang", "en").await?;
    browser.screenshot("learner-phone-top-en").await?;
    page.select("#lang", "zh-CN").await?;
    browser.screenshot("learner-phone-top-zh").await?;
    page.select("#lang", "en").await?;
    client.set_window_size(1280, 800).await?;

    // The paste tab's Export and Share take the pasted transcript.
    page.click("#tab-paste").await?;
    page.fill(
        "#paste-input",
        "S: 220 pasted.example ESMTP\nC: EHLO pasted\nS: 250 pasted.example",
    )
    .await?;
    page.click("#paste-annotate").await?;
    page.wait_text("#paste-transcript", "EHLO pasted").await?;
    no_english_in_chinese(page, "the paste tab, annotated").await?;
    page.select("#lang", "en").await?;
    page.click("#export-text").await?;
    let exported = page.export_value().await?;
    ensure!(
        exported.contains("EHLO pasted") && !exported.contains("connected to it automatically"),
        "the pasted transcript is exported, not the terminal: {exported:?}"
    );
    page.click("#export-close").await?;
    page.click("#share").await?;
    let link = page.export_value().await?;
    page.click("#export-close").await?;
    page.click("#tab-terminal").await?;
    // Another document first: a link that differs only in its fragment does not reload.
    client.goto("about:blank").await?;
    client.goto(&link).await?;
    contains(page, "#paste-transcript", "EHLO pasted").await?;

    // A server that never greets: after a few seconds the page says what may be going on.
    page.open(url).await?;
    page.select("#lang", "en").await?;
    page.leave_the_sandbox().await?;
    page.fill("#host", &silent.ip().to_string()).await?;
    page.fill("#port", &silent.port().to_string()).await?;
    page.click("#connect").await?;
    // In the page once connected, shown by the stylesheet after 5 s of silence.
    poll_until("the silent-server hint in the page", STEP, || async {
        Ok(page.exists("#silent-hint").await?.then_some(()))
    })
    .await?;
    let delay = page
        .client()
        .execute(
            "const e = document.getElementById('silent-hint');
             return e ? getComputedStyle(e).animationDelay : null;",
            vec![],
        )
        .await?;
    ensure!(
        delay == json!("5s"),
        "the hint waits 5 s before it shows: {delay}"
    );
    poll_until("the silent-server hint to show", STEP, || async {
        Ok(visible(page, "#silent-hint").await?.then_some(()))
    })
    .await?;
    let hint = page.text_of("#silent-hint").await?;
    ensure!(
        hint.contains("has said nothing for 5 s") && hint.contains("tarpitting"),
        "{hint:?}"
    );
    browser.screenshot("learner-silent-server-en").await?;
    page.select("#lang", "zh-CN").await?;
    let zh = contains(page, "#silent-hint", "5 秒内什么也没说").await?;
    ensure!(zh.contains("tarpitting"), "{zh:?}");
    browser.screenshot("learner-silent-server-zh").await?;
    page.select("#lang", "en").await?;
    page.click("#disconnect").await?;

    // A bridge whose WebSocket fails (a proxy that does not pass WebSockets): a clear
    // message, and the page goes on in the simulator.
    page.open(proxied).await?;
    page.select("#lang", "en").await?;
    let greeting = poll_until("the simulator's greeting", STEP, || async {
        let lines = page
            .texts(r#"#transcript .line.server[data-code="220"] .text"#)
            .await?;
        Ok(lines.into_iter().find(|l| l.contains("simulator")))
    })
    .await?;
    ensure!(greeting.starts_with("220"), "{greeting:?}");
    let notes = page.texts(NOTES).await?;
    ensure!(
        notes
            .iter()
            .any(|n| n.contains("could not reach the bridge over its WebSocket")),
        "the page says why: {notes:#?}"
    );
    ensure!(
        !notes
            .iter()
            .any(|n| n.contains("JsValue") || n.contains("Error:")),
        "no raw browser error: {notes:#?}"
    );
    ensure!(
        page.text_of("#status").await?.contains("SIMULATED"),
        "the simulator runs"
    );
    browser.screenshot("learner-websocket-fallback-en").await?;
    Ok(())
}

/// An HTTP proxy in front of the bridge that passes every request but the WebSocket
/// upgrade, which it answers 502, as a proxy without WebSocket support does.
struct WsBlockingProxy {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl WsBlockingProxy {
    async fn start(bridge: SocketAddr) -> anyhow::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(STEP, proxy_one(stream, bridge)).await;
                });
            }
        });
        Ok(Self { addr, task })
    }
}

impl Drop for WsBlockingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One request: its head read whole, `Connection: close` forced (one request per
/// connection, so an upgrade never rides on a passed connection), then passed on.
async fn proxy_one(mut client: TcpStream, bridge: SocketAddr) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    let end = loop {
        let n = client.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
        if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        if head.len() > 64 * 1024 {
            return Ok(());
        }
    };
    let (request, rest) = head.split_at(end + 4);
    let text = String::from_utf8_lossy(request);
    if text.to_ascii_lowercase().contains("upgrade: websocket") {
        client
            .write_all(
                b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )
            .await?;
        return client.shutdown().await;
    }
    let mut lines: Vec<&str> = text
        .split("\r\n")
        .filter(|l| !l.is_empty() && !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    lines.push("Connection: close");
    let mut forwarded = lines.join("\r\n").into_bytes();
    forwarded.extend_from_slice(b"\r\n\r\n");
    forwarded.extend_from_slice(rest);
    let mut upstream = TcpStream::connect(bridge).await?;
    upstream.write_all(&forwarded).await?;
    tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}
