//! The visual aids as they are rendered, at desktop (1280x800) and phone (390x844) size:
//! every label of the state diagram and of the sequence diagram at 11 px or more on screen
//! (font size times the drawing's scale), both lifelines of the sequence diagram inside
//! its panel, its background following the theme (a pixel of the drawn image), the
//! capabilities' cells neither overflowing nor squeezed, and the mailbox in view when a
//! message arrives: on a wide screen the side column scrolls to it, on a phone a "New
//! mail" button brings it there. A NOOP changes nothing in either diagram's DOM (the
//! sequence diagram is drawn only while its panel is open), so no SVG text is laid out
//! again for it.
//!
//! Each test also saves close-ups of the two diagrams, the capabilities and the mailbox
//! in both themes and both languages (`target/e2e-artifacts/visuals-*.png`), for a person
//! to look at.

use anyhow::{Context, ensure};
use e2e::browser::{Browser, poll_until, within};
use e2e::page::{Page, STEP};
use e2e::sandbox::start_sandbox;
use serde_json::{Value, json};

use super::BUDGET;

/// The smallest label size a reader should get, in CSS pixels as rendered.
const MIN_PX: f64 = 11.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_visual_aids_are_legible_and_the_mailbox_in_view_at_desktop_size() -> anyhow::Result<()>
{
    within(BUDGET, visual_aids(Size::Desktop)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_visual_aids_are_legible_and_the_mailbox_in_view_at_phone_size() -> anyhow::Result<()> {
    within(BUDGET, visual_aids(Size::Phone)).await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Size {
    Desktop,
    Phone,
}

impl Size {
    fn name(self) -> &'static str {
        match self {
            Size::Desktop => "desktop",
            Size::Phone => "phone",
        }
    }

    fn window(self) -> (u32, u32) {
        match self {
            Size::Desktop => (1280, 800),
            Size::Phone => (390, 844),
        }
    }
}

/// Opens the page on the sandbox at `size`, checks the diagrams and the capabilities,
/// sends a message and checks that the mailbox comes into view, then checks and
/// photographs the visual aids in both themes and languages.
async fn visual_aids(size: Size) -> anyhow::Result<()> {
    let sandbox = start_sandbox(bridge::sandbox::SandboxConfig::default()).await;
    let url = format!("http://{}/", sandbox.http);
    Browser::run(
        &format!("browser-visuals-{}", size.name()),
        async |browser| {
            let page = browser.page();
            let (width, height) = size.window();
            page.client().set_window_size(width, height).await?;
            page.open_on_the_sandbox(&url).await?;
            page.set_theme("dark").await?;
            page.send_command("EHLO visuals.example", 250).await?;
            check_state_diagram(page, "after EHLO").await?;
            check_capabilities(page).await?;
            // The sequence diagram draws only while its panel is open.
            ensure!(
                !page.exists("#sequence-svg").await?,
                "the closed sequence panel draws nothing"
            );
            quiet_on_noop(page).await?;
            page.click("#sequence summary h2").await?;
            check_sequence(page, "dark").await?;
            if size == Size::Desktop {
                // The side column scrolls on its own; the page itself fits the window.
                let fits = js(
                    page,
                    "return document.documentElement.scrollHeight <= window.innerHeight + 1;",
                )
                .await?;
                ensure!(
                    fits == json!(true),
                    "the desktop page does not scroll as a whole"
                );
            }

            message_arrives(browser, size).await?;
            // The watch did see the phases move: its zeros above were no blind spot.
            let changes = js(page, "return window.diagramChanges.state;").await?;
            ensure!(
                changes.as_u64().is_some_and(|n| n > 0),
                "the state diagram changed with the message: {changes}"
            );

            for theme in ["dark", "light"] {
                page.set_theme(theme).await?;
                for (lang, needle) in [("en", "Where the session is"), ("zh-CN", "会话所处的状态")]
                {
                    page.select("#lang", lang).await?;
                    page.wait_text("#state-diagram h2", needle).await?;
                    let what = format!("{theme}, {lang}");
                    check_state_diagram(page, &what).await?;
                    check_sequence(page, theme).await?;
                    check_capabilities(page).await?;
                    let name = format!("visuals-{}-{theme}-{lang}", size.name());
                    for (css, part) in [
                        ("#state-diagram", "state"),
                        ("#sequence", "sequence"),
                        (".panel.caps", "caps"),
                        ("#mailbox", "mailbox"),
                    ] {
                        // On a wide screen the side column scrolls: the part to its top first.
                        page.scroll_to(css).await?;
                        browser
                            .element_screenshot(css, &format!("{name}-{part}"))
                            .await?;
                    }
                }
            }
            Ok(())
        },
    )
    .await
}

/// Counts the changes to the state diagram and to the closed sequence panel's drawing
/// while two NOOPs go out and come back: none, so no SVG text is laid out again for a
/// message that changes nothing in them (issue 17's profile).
const WATCH_DIAGRAMS: &str = "
    window.diagramChanges = { state: 0, sequence: 0 };
    const watch = (element, key) => new MutationObserver(list => {
        window.diagramChanges[key] += list.length;
    }).observe(element, { subtree: true, childList: true, attributes: true, characterData: true });
    watch(document.getElementById('state-diagram'), 'state');
    watch(document.querySelector('#sequence .sequence-scroll'), 'sequence');";

async fn quiet_on_noop(page: Page<'_>) -> anyhow::Result<()> {
    js(page, WATCH_DIAGRAMS).await?;
    page.send_command("NOOP", 250).await?;
    page.send_command("NOOP", 250).await?;
    let changes = js(page, "return window.diagramChanges;").await?;
    ensure!(
        changes == json!({ "state": 0, "sequence": 0 }),
        "two NOOPs left the diagrams as they were: {changes}"
    );
    Ok(())
}

/// Runs `script` in the page and returns its JSON result.
async fn js(page: Page<'_>, script: &str) -> anyhow::Result<Value> {
    page.client()
        .execute(script, vec![])
        .await
        .with_context(|| format!("running {script:.60}"))
}

/// Every label of the state diagram: its computed font size times the drawing's scale.
const STATE_LABELS: &str = "
    const svg = document.querySelector('#state-diagram svg');
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')].map(t => ({
        text: t.textContent,
        px: parseFloat(getComputedStyle(t).fontSize) * scale,
        height: t.getBoundingClientRect().height,
    }));";

async fn check_state_diagram(page: Page<'_>, what: &str) -> anyhow::Result<()> {
    let labels = js(page, STATE_LABELS).await?;
    let labels = labels.as_array().context("the labels")?;
    // Nine boxes and ten labelled arrows.
    ensure!(
        labels.len() == 19,
        "the state diagram's labels ({what}): {labels:?}"
    );
    for label in labels {
        let px = label["px"].as_f64().unwrap_or_default();
        let height = label["height"].as_f64().unwrap_or_default();
        ensure!(
            px >= MIN_PX && height >= MIN_PX,
            "the state diagram's label {} is {px:.1} px (box {height:.1} px high) ({what}): \
             at least {MIN_PX} px",
            label["text"]
        );
    }
    let now = page.text_of("#state-now").await?;
    ensure!(!now.is_empty(), "the current phase in words ({what})");
    Ok(())
}

/// The sequence diagram's image once drawn: its scale, its smallest font, where its
/// server head ends against what the panel shows, and a pixel of its background.
const SEQUENCE: &str = "
    const img = document.getElementById('sequence-svg');
    if (!img || !img.complete || !img.naturalWidth) return null;
    const scroller = img.closest('.sequence-scroll');
    const r = img.getBoundingClientRect();
    const s = scroller.getBoundingClientRect();
    const panel = document.getElementById('sequence').getBoundingClientRect();
    const scale = r.width / img.naturalWidth;
    const src = decodeURIComponent(img.src.split(',').slice(1).join(','));
    const sizes = [...src.matchAll(/font-size=\"([0-9.]+)\"/g)].map(m => parseFloat(m[1]));
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0);
    const pixel = [...context.getImageData(1, 1, 1, 1).data].slice(0, 3);
    return {
        px: Math.min(...sizes) * scale,
        server: src.includes('>Server<') || src.includes('>服务器<'),
        serverRight: r.left + (img.naturalWidth - 4) * scale,
        shownRight: s.left + scroller.clientWidth,
        panelRight: panel.right,
        viewport: document.documentElement.clientWidth,
        light: (pixel[0] + pixel[1] + pixel[2]) / 3,
    };";

async fn check_sequence(page: Page<'_>, theme: &str) -> anyhow::Result<()> {
    let found = poll_until(
        &format!("the sequence diagram drawn in the {theme} theme"),
        STEP,
        || async {
            let shown = js(page, SEQUENCE).await?;
            let light = shown["light"].as_f64();
            let themed = match theme {
                "dark" => light.is_some_and(|l| l < 80.0),
                _ => light.is_some_and(|l| l > 200.0),
            };
            Ok(themed.then_some(shown))
        },
    )
    .await?;
    let number = |key: &str| found[key].as_f64().unwrap_or(f64::NAN);
    ensure!(
        number("px") >= MIN_PX,
        "the sequence diagram's smallest label is {:.1} px: at least {MIN_PX}: {found}",
        number("px")
    );
    ensure!(found["server"] == json!(true), "the server's head: {found}");
    ensure!(
        number("serverRight") <= number("shownRight") + 0.5
            && number("shownRight") <= number("panelRight") + 0.5
            && number("panelRight") <= number("viewport") + 0.5,
        "the server's side is inside the panel as shown, and the panel inside the window: {found}"
    );
    Ok(())
}

/// Every cell of the capabilities table: overflow, place and width against the table's.
const CAPABILITIES: &str = "
    const table = document.getElementById('capabilities');
    const t = table.getBoundingClientRect();
    const panel = table.closest('.panel').getBoundingClientRect();
    return {
        inside: t.left >= panel.left - 0.5 && t.right <= panel.right + 0.5,
        cells: [...table.querySelectorAll('td')].map(td => {
            const r = td.getBoundingClientRect();
            return {
                text: td.textContent,
                class: td.className,
                overflow: td.scrollWidth - td.clientWidth,
                outside: Math.max(t.left - r.left, r.right - t.right),
                share: r.width / t.width,
            };
        }),
    };";

async fn check_capabilities(page: Page<'_>) -> anyhow::Result<()> {
    let table = js(page, CAPABILITIES).await?;
    ensure!(
        table["inside"] == json!(true),
        "the table fits its panel: {table}"
    );
    let cells = table["cells"].as_array().context("the cells")?;
    ensure!(cells.len() >= 6, "the sandbox's extensions: {table}");
    for cell in cells {
        let number = |key: &str| cell[key].as_f64().unwrap_or(f64::NAN);
        ensure!(
            number("overflow") <= 1.0 && number("outside") <= 0.5,
            "a capabilities cell overflows or sticks out: {cell}"
        );
        if cell["class"] == json!("what") {
            ensure!(
                number("share") >= 0.9,
                "what an extension means gets the table's width: {cell}"
            );
        }
    }
    Ok(())
}

/// Where the newest message of the mailbox is against what the window (and, on a wide
/// screen, the side column) shows; or, before any mail, where the panel's top is.
const MAILBOX: &str = "
    const mailbox = document.getElementById('mailbox');
    const item = document.querySelector('#mailbox-list li') || mailbox;
    const r = item.getBoundingClientRect();
    const side = mailbox.closest('.side').getBoundingClientRect();
    const top = Math.max(side.top, 0);
    const bottom = Math.min(side.bottom, window.innerHeight);
    return { visible: r.top >= top - 1 && r.bottom <= bottom + 1, top: r.top, bottom: r.bottom,
             shownTop: top, shownBottom: bottom };";

/// Sends a message from the terminal with the mailbox out of view, and checks that it
/// comes into view: by itself on a wide screen, through the "New mail" button on a phone.
async fn message_arrives(browser: &Browser, size: Size) -> anyhow::Result<()> {
    let page = browser.page();
    // A reader looking at the bottom of the side column (desktop) or at the terminal.
    js(
        page,
        "const side = document.querySelector('.side');
         side.scrollTop = side.scrollHeight;
         window.scrollTo(0, 0);",
    )
    .await?;
    let before = js(page, MAILBOX).await?;
    ensure!(
        before["visible"] == json!(false),
        "the mailbox starts out of view: {before}"
    );
    page.paste(
        "MAIL FROM:<me@example.org>\nRCPT TO:<you@example.org>\nDATA\n\
         Subject: Seen at once\nFrom: me@example.org\nTo: you@example.org\n\nHello.\n.\n",
    )
    .await?;
    // The server's 250 to the final dot first: a slow mailbox then fails as such.
    // EHLO's, MAIL's, RCPT's and the final dot's.
    page.wait_count(
        r#".line.server[data-code="250"][data-last="true"]"#,
        4,
        "the 250 that accepts the message",
    )
    .await?;
    page.wait_text("#mailbox-list .subject", "Seen at once")
        .await?;
    if size == Size::Phone {
        let chip = page.wait_text("#mail-arrived", "Seen at once").await?;
        ensure!(chip.contains("New mail"), "{chip:?}");
        let placed = js(
            page,
            "const r = document.getElementById('mail-arrived').getBoundingClientRect();
             return r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0
                 && r.right <= document.documentElement.clientWidth;",
        )
        .await?;
        ensure!(placed == json!(true), "the New mail button is on screen");
        browser.screenshot("visuals-phone-new-mail").await?;
        page.click("#mail-arrived-show").await?;
        page.wait_none("#mail-arrived", "the button gone once pressed")
            .await?;
    }
    poll_until("the new message in view", STEP, || async {
        let after = js(page, MAILBOX).await?;
        Ok((after["visible"] == json!(true)).then_some(()))
    })
    .await
    .with_context(|| format!("the mailbox on arrival ({})", size.name()))
}
