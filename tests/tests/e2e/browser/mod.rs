//! The whole product in a real browser: the bridge (in this process) serves the built
//! frontend from `dist/`, headless Chromium loads it, and the user's keystrokes travel
//! through the WebSocket and the bridge to a real Postfix and back.
//!
//! Needs `dist/` built by `scripts/build-frontend.sh` before the bridge is compiled,
//! chromedriver and Chromium (see `e2e::browser`), and `SMTP_PLAYGROUND_POSTFIX`. Each is
//! checked with a message that says what is missing. Every test drives the page through
//! `e2e::page::Page`: type, Enter and wait are written there once.
//!
//! The tests, by topic:
//! - `skeleton`: the walking skeleton's EHLO round trip to Postfix, and a second session;
//! - `teaching`: the teaching terminal (warnings before sending, annotations in two
//!   languages, completion, history, multi-line paste, export, the paste view), which also
//!   takes the screenshots (desktop and phone width, dark and light) and prints the time
//!   from navigation to an interactive terminal;
//! - `lesson`: the lesson against the sandbox the page connects to by itself, ending in
//!   the mailbox and its message view, and against a real Postfix;
//! - `lessons`: the lesson library: every lesson end to end in English at desktop size
//!   and in Chinese at phone size, the picker, a `#lesson=` link, progress through a
//!   reload, Restart, resuming after a reconnect, the steps that adapt, and a lesson in
//!   the offline simulator;
//! - `mailbox`: two browsers on a public bridge, each seeing only its own mail;
//! - `starttls`: STARTTLS typed by hand;
//! - `offline`: with the bridge stopped and the page served by a plain static file server,
//!   the offline simulator completing the same session;
//! - `learner`: a learner never gets lost: the prompt in words, the banner inside a
//!   message and a command held there, the status's encryption (the sandbox's STARTTLS,
//!   the simulator's), Ctrl+L against Export and Share, an over-long line sent anyway,
//!   the AUTH PLAIN line as sent, body line numbers, the form still when STARTTLS is
//!   chosen, implicit TLS against a plain port, a silent server, a proxy without
//!   WebSockets, the paste tab's export, a phone opening at the top, and no English in the
//!   Chinese page in each of these states (screenshots in both themes, sizes, languages);
//! - `trust`: the page's trust cases: correct lines that get no warning (HELO then AUTH
//!   LOGIN, the postmaster, a dot-stuffed line), a pipelined paste, QUIT typed inside the
//!   message (caught before it is sent);
//! - `sessions`: swaks against the sandbox while the page is open: the Sessions panel
//!   shows its session live and annotated, the message view its envelope against the
//!   header fields (a blind copy marked), and the message leads to its session;
//! - `spam_refusal`: the tutorial's `554 DT:SPM` after the final dot from a real aiosmtpd
//!   (`e2e::aiosmtpd`);
//! - `connect_by_mx`: connecting by domain (the test DNS server's zones): the MX list in
//!   the connect form, the live MX connected after the dead one, picking another listed
//!   host, a null MX explained;
//! - `dns_facts`: the DNS facts panel for the good and the broken test domain;
//! - `server_check`: "Check this server" against a real Postfix: the check's lines in
//!   the terminal's transcript lines, a scorecard with passes and fails in both
//!   languages (screenshots), and why the simulator cannot run it; the check of a domain
//!   by MX: a card per MX host, the dead one not reachable, the MX x item matrix in both
//!   languages (screenshots of the matrix);
//! - `rules`: the failure rules editor makes the next session's RCPT fail (screenshots
//!   in both themes and languages, desktop and phone);
//! - `lessons_later`: the AUTH mechanisms, pipelining, BDAT and SMTPUTF8 lessons end to
//!   end, in English at desktop size and in Chinese at phone size;
//! - `protocol_helpers`: a pipelined paste (replies in order), the BDAT helper's byte
//!   count and the AUTH helper's CRAM-MD5 answer, in both languages and sizes;
//! - `visuals`: the visual aids as rendered at desktop and phone size (labels of both
//!   diagrams at 11 px or more, the sequence diagram's server side in its panel and in the
//!   theme's colours, the capabilities' cells, the mailbox in view when mail arrives), with
//!   close-ups of each in both themes and languages;
//! - `greeting_first`: the page asks for the sandbox's address before its first render and
//!   leaves the side panels, lessons, mailbox, sessions and rules until the greeting is
//!   painted (by its own Performance marks), and all of them still arrive;
//! - `long_transcript`: a long session keeps each transcript line a handful of DOM nodes
//!   (an explanation built when opened, gone when closed), and a 10,000-line pasted body
//!   ends with its 250, its newest lines shown in order and the message stored whole.
//!
//! The last two take screenshots in English and Chinese at desktop and phone width
//! ([`screenshots`]).
//!
//! The bridge these tests start runs its sandbox, so the page opens connected to it; the
//! tests that use Postfix disconnect first (`Page::leave_the_sandbox`).

mod connect_by_mx;
mod dns_facts;
mod greeting_first;
mod learner;
mod lesson;
mod lessons;
mod lessons_later;
mod long_transcript;
mod mailbox;
mod offline;
mod protocol_helpers;
mod rules;
mod server_check;
mod sessions;
mod skeleton;
mod spam_refusal;
mod starttls;
mod teaching;
mod trust;
mod visuals;

use std::time::Duration;

use e2e::browser::Browser;

/// The whole test, browser start included, so a hang anywhere fails instead of blocking.
const BUDGET: Duration = Duration::from_secs(120);

/// Screenshots `name-{desktop,phone}-{en,zh}` of the page as it is (with the log
/// scrolled to its end first when `to_end`), and checks that `css` reads `zh_needle` in
/// Chinese; returns to English at desktop size.
async fn screenshots(
    browser: &Browser,
    name: &str,
    css: &str,
    zh_needle: &str,
    to_end: bool,
) -> anyhow::Result<()> {
    let client = browser.client();
    let page = browser.page();
    let shot = async |suffix: &str| {
        if to_end {
            client
                .execute(
                    "const log = document.getElementById('transcript');
                     log.scrollTop = log.scrollHeight;",
                    vec![],
                )
                .await?;
        }
        browser.screenshot(&format!("{name}-{suffix}")).await
    };
    shot("desktop-en").await?;
    page.select("#lang", "zh-CN").await?;
    page.wait_text(css, zh_needle).await?;
    shot("desktop-zh").await?;
    client.set_window_size(390, 844).await?;
    shot("phone-zh").await?;
    page.select("#lang", "en").await?;
    shot("phone-en").await?;
    client.set_window_size(1200, 800).await?;
    Ok(())
}

/// Screenshots `name-{theme}-{desktop,phone}-{lang}` in the dark and the light theme, at
/// desktop and phone width, in each language of `langs` (`(lang, css, needle)`: after
/// switching, waits until `css` reads `needle`); returns to English at desktop size.
async fn themed_screenshots(
    browser: &Browser,
    name: &str,
    langs: &[(&str, &str, &str)],
) -> anyhow::Result<()> {
    themed_screenshots_of(browser, name, langs, None).await
}

/// [`themed_screenshots`], each taken with the element `scroll` (when given) scrolled to
/// the top of the window first: a part further down the page, such as the check's matrix.
async fn themed_screenshots_of(
    browser: &Browser,
    name: &str,
    langs: &[(&str, &str, &str)],
    scroll: Option<&str>,
) -> anyhow::Result<()> {
    let client = browser.client();
    let page = browser.page();
    for theme in ["dark", "light"] {
        page.set_theme(theme).await?;
        for (width, height, size) in [(1280, 1000, "desktop"), (390, 844, "phone")] {
            client.set_window_size(width, height).await?;
            for (lang, css, needle) in langs {
                page.select("#lang", lang).await?;
                page.wait_text(css, needle).await?;
                if let Some(css) = scroll {
                    page.scroll_to(css).await?;
                }
                browser
                    .screenshot(&format!("{name}-{theme}-{size}-{lang}"))
                    .await?;
            }
        }
    }
    client.set_window_size(1200, 800).await?;
    page.select("#lang", "en").await
}
