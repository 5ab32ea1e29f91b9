//! The playground page as the browser tests use it: what a learner does (type a line and
//! press Enter, paste, click, fill the connect form) and what a test then waits for (the
//! line going out, the server's reply, a lesson step, a text), each wait bounded by
//! [`STEP`].
//!
//! "Type, press Enter, wait" is the heart of every browser test, so it is written once
//! here, in three strengths: [`Page::type_line`] only types (the page may hold the line
//! back with a warning, which is what some tests want to see), [`Page::send_line`] also
//! waits until the line went out on that first Enter, and [`Page::send_command`] also
//! waits for the server's reply to it and checks its code.
//!
//! Every wait for a transcript line fails at once when the page shows an error notice,
//! and on a timeout the error carries the whole transcript, which usually says why.
//!
//! The selectors are the page's test contract (see `frontend/src/components/`): `.line`
//! elements `client`, `server` (with `data-code`, `data-last`, `data-severity`) and `note`
//! in `#transcript`, the command line `#command`, the prompt `#prompt` (its `data-phase`).

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::json;

use crate::browser::{Browser, RENDERED_TEXT_JS, poll_until, texts};

/// The longest the app may take to mount, or anything the tests wait for to appear.
pub const STEP: Duration = Duration::from_secs(15);

/// Every server line that ends a reply: one per reply, multi-line replies included.
const REPLIES: &str = r#"#transcript .line.server[data-last="true"]"#;

/// The error notices the page writes into the transcript (refused connection, bridge error).
const ERRORS: &str = "#transcript .line.note.error .text";

mod lessons;

/// The page open in one browser session; see the module documentation.
#[derive(Debug, Clone, Copy)]
pub struct Page<'a> {
    client: &'a Client,
}

/// A transcript line as the page shows it.
#[derive(Debug)]
pub struct ShownLine {
    /// What was said.
    pub text: String,
    /// `data-severity`: info, success, warning, error.
    pub severity: String,
    /// The annotation's title.
    pub title: String,
    /// The findings: (id, severity).
    pub findings: Vec<(String, String)>,
    /// The details (shown on expand), as text.
    pub explain: String,
}

impl Browser {
    /// The page open in this browser, to drive it as a user would.
    pub fn page(&self) -> Page<'_> {
        Page::new(self.client())
    }
}

impl<'a> Page<'a> {
    /// The page in `client`'s session.
    pub fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// The WebDriver session, for what the page object does not cover.
    pub fn client(&self) -> &'a Client {
        self.client
    }

    /// Opens `url` and waits until the app has mounted (its command line exists).
    ///
    /// # Errors
    ///
    /// When the page does not load or the app does not mount within [`STEP`].
    pub async fn open(&self, url: &str) -> anyhow::Result<()> {
        self.client
            .goto(url)
            .await
            .with_context(|| format!("opening {url}"))?;
        self.client
            .wait()
            .at_most(STEP)
            .for_element(Locator::Css("#command"))
            .await
            .with_context(|| format!("the app did not mount at {url} (is dist/ built?)"))?;
        Ok(())
    }

    /// Opens `url` in English and waits for the greeting of the sandbox the page connects
    /// to by itself, without anyone pressing Connect.
    ///
    /// # Errors
    ///
    /// When the app does not mount or no greeting comes within [`STEP`].
    pub async fn open_on_the_sandbox(&self, url: &str) -> anyhow::Result<()> {
        self.open(url).await?;
        self.select("#lang", "en").await?;
        self.wait_for_line(
            r#".line.server[data-code="220"]"#,
            "the sandbox's greeting without pressing Connect",
        )
        .await?;
        Ok(())
    }

    /// Waits for the greeting of the sandbox the page opened connected to, checks the
    /// notice that says so, and disconnects, so the test can connect elsewhere.
    ///
    /// # Errors
    ///
    /// When the greeting or the notice is missing, or the form stays locked.
    pub async fn leave_the_sandbox(&self) -> anyhow::Result<()> {
        self.wait_for_line(
            r#".line.server[data-code="220"]"#,
            "the sandbox's greeting (the page connects to it by itself)",
        )
        .await?;
        let notes = self.texts("#transcript .line.note .text").await?;
        ensure!(
            notes
                .iter()
                .any(|n| n.contains("connected to it automatically")),
            "a notice says the page connected by itself: {notes:?}"
        );
        self.click("#disconnect").await?;
        self.wait_until_disconnected("the form to unlock after Disconnect")
            .await
    }

    /// Leaves the sandbox and fills the connect form with `smtp`, without connecting (the
    /// test may pick TLS first).
    ///
    /// # Errors
    ///
    /// As [`Page::leave_the_sandbox`] and [`Page::fill`].
    pub async fn target(&self, smtp: SocketAddr) -> anyhow::Result<()> {
        self.leave_the_sandbox().await?;
        self.fill("#host", &smtp.ip().to_string()).await?;
        self.fill("#port", &smtp.port().to_string()).await
    }

    /// Switches the page to English, leaves the sandbox and connects to `smtp` (plain)
    /// through the form, up to its 220 greeting.
    ///
    /// # Errors
    ///
    /// When a step fails or the greeting does not come within [`STEP`].
    pub async fn connect_in_english(&self, smtp: SocketAddr) -> anyhow::Result<()> {
        self.select("#lang", "en").await?;
        self.target(smtp).await?;
        self.click("#connect").await?;
        self.wait_count(
            r#".line.server[data-code="220"]"#,
            2,
            "the server's 220 greeting",
        )
        .await?;
        Ok(())
    }

    /// Waits until the Connect button is enabled again: the session is over.
    ///
    /// # Errors
    ///
    /// When it stays disabled for [`STEP`]; `what` names the wait.
    pub async fn wait_until_disconnected(&self, what: &str) -> anyhow::Result<()> {
        poll_until(what, STEP, || async {
            let connect = self.client.find(Locator::Css("#connect")).await?;
            Ok(connect.is_enabled().await?.then_some(()))
        })
        .await
    }

    // --- the command line -------------------------------------------------------------

    /// Types `text` into the command line and presses Enter, and waits for nothing: the
    /// page may send the line or hold it back with a warning.
    ///
    /// # Errors
    ///
    /// When the command line is missing or does not take the keys.
    pub async fn type_line(&self, text: &str) -> anyhow::Result<()> {
        self.client
            .find(Locator::Css("#command"))
            .await
            .context("finding the command line")?
            .send_keys(&format!("{text}{}", char::from(Key::Enter)))
            .await
            .with_context(|| format!("typing {text:?} and Enter"))
    }

    /// Presses Enter in the command line, on whatever it holds.
    ///
    /// # Errors
    ///
    /// As [`Page::type_line`].
    pub async fn press_enter(&self) -> anyhow::Result<()> {
        self.type_line("").await
    }

    /// Types `line`, presses Enter and waits until it went out on that first Enter: one
    /// more client line in the transcript, the command line empty again. A warning (the
    /// page asking to confirm) fails at once.
    ///
    /// # Errors
    ///
    /// When the page warns, or the line does not go out within [`STEP`].
    pub async fn send_line(&self, line: &str) -> anyhow::Result<()> {
        let before = self.count("#transcript .line.client").await?;
        self.type_line(line).await?;
        let command = self.client.find(Locator::Css("#command")).await?;
        poll_until(
            &format!("{line:?} to go out on the first Enter"),
            STEP,
            || async {
                let warning = self.texts("#warning").await?;
                ensure!(
                    warning.is_empty(),
                    "the page held {line:?} back with a warning: {warning:?}"
                );
                let sent = self.count("#transcript .line.client").await?;
                let value = command.prop("value").await?;
                Ok((sent > before && value.as_deref() == Some("")).then_some(()))
            },
        )
        .await
    }

    /// Sends `line` as [`Page::send_line`] does, then waits for the server's whole reply to
    /// it and checks that its code is `code`; returns the reply's last line.
    ///
    /// # Errors
    ///
    /// As [`Page::send_line`]; when no reply comes within [`STEP`], the page reports an
    /// error, or the reply has another code.
    pub async fn send_command(&self, line: &str, code: u16) -> anyhow::Result<String> {
        let before = self.count(REPLIES).await?;
        self.send_line(line).await?;
        let what = format!("the reply to {line:?}");
        let (found, text) = self
            .with_transcript(poll_until(&what, STEP, || async {
                self.ensure_no_error().await?;
                let value = self
                    .client
                    .execute(
                        &format!(
                            "{RENDERED_TEXT_JS}
                             const reply = document.querySelectorAll(arguments[0])[arguments[1]];
                             return reply ? [reply.dataset.code || '',
                                 renderedText(reply.querySelector('.text'))] : null;"
                        ),
                        vec![json!(REPLIES), json!(before)],
                    )
                    .await?;
                Ok(serde_json::from_value::<Option<(String, String)>>(value)?)
            }))
            .await?;
        ensure!(
            found == code.to_string(),
            "{line:?} was answered {text:?}, not {code}"
        );
        Ok(text)
    }

    /// Pastes `text` into the command line, as Ctrl+V would: the page sends it line by
    /// line, each command after the reply to the one before.
    ///
    /// # Errors
    ///
    /// When the browser does not run the script.
    pub async fn paste(&self, text: &str) -> anyhow::Result<()> {
        self.client
            .execute(
                "const data = new DataTransfer();
                 data.setData('text/plain', arguments[0]);
                 document.getElementById('command').dispatchEvent(
                     new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));",
                vec![json!(text)],
            )
            .await
            .with_context(|| format!("pasting {text:?}"))?;
        Ok(())
    }

    /// What the command line holds.
    ///
    /// # Errors
    ///
    /// When the command line is missing.
    pub async fn command_line(&self) -> anyhow::Result<String> {
        let value = self
            .client
            .find(Locator::Css("#command"))
            .await
            .context("finding the command line")?
            .prop("value")
            .await?;
        Ok(value.unwrap_or_default())
    }

    // --- waiting for the transcript ---------------------------------------------------

    /// Waits for a transcript line matching `css` and returns its text.
    ///
    /// # Errors
    ///
    /// See the module documentation.
    pub async fn wait_for_line(&self, css: &str, what: &str) -> anyhow::Result<String> {
        self.with_transcript(poll_until(what, STEP, || async {
            self.ensure_no_error().await?;
            let text = self
                .client
                .execute(
                    &format!(
                        "{RENDERED_TEXT_JS}
                         const line = document.querySelector(arguments[0]);
                         const text = line && line.querySelector('.text');
                         return text ? renderedText(text) : null;"
                    ),
                    vec![json!(css)],
                )
                .await?;
            Ok(serde_json::from_value::<Option<String>>(text)?)
        }))
        .await
    }

    /// Waits until at least `n` elements match `css`; returns their texts.
    ///
    /// # Errors
    ///
    /// See the module documentation.
    pub async fn wait_count(&self, css: &str, n: usize, what: &str) -> anyhow::Result<Vec<String>> {
        self.with_transcript(poll_until(what, STEP, || async {
            self.ensure_no_error().await?;
            let all = self.texts(css).await?;
            Ok((all.len() >= n).then_some(all))
        }))
        .await
    }

    /// Waits until lesson step `index` is checked off.
    ///
    /// # Errors
    ///
    /// When it is not within [`STEP`]; the error carries the transcript.
    pub async fn wait_step(&self, index: usize) -> anyhow::Result<()> {
        let css = format!(r#"#lesson .step[data-step="{index}"][data-done="true"]"#);
        self.with_transcript(poll_until(
            &format!("lesson step {index} to be checked off"),
            STEP,
            || async { Ok(self.exists(&css).await?.then_some(())) },
        ))
        .await
    }

    /// Waits until no element matches `css`.
    ///
    /// # Errors
    ///
    /// When some still do after [`STEP`]; `what` names the wait.
    pub async fn wait_none(&self, css: &str, what: &str) -> anyhow::Result<()> {
        poll_until(what, STEP, || async {
            Ok((!self.exists(css).await?).then_some(()))
        })
        .await
    }

    /// Waits until the session's phase, as the prompt's `data-phase` names it, is `prompt`
    /// (`HELO>`, `SMTP>`, `MAIL>`, `DATA>` ...; the prompt itself says it in words).
    ///
    /// # Errors
    ///
    /// When it does not within [`STEP`].
    pub async fn wait_prompt(&self, prompt: &str) -> anyhow::Result<()> {
        poll_until(&format!("the phase {prompt:?}"), STEP, || async {
            Ok((self.phase().await? == prompt).then_some(()))
        })
        .await
    }

    /// The session's phase as the prompt's `data-phase` names it (`HELO>`, `DATA>` ...).
    ///
    /// # Errors
    ///
    /// When the prompt is missing.
    pub async fn phase(&self) -> anyhow::Result<String> {
        let phase = self
            .client
            .find(Locator::Css("#prompt"))
            .await
            .context("finding the prompt")?
            .attr("data-phase")
            .await?;
        Ok(phase.unwrap_or_default())
    }

    /// The last transcript line matching `css` (inside `#transcript`), its explanation
    /// opened first: the page builds an explanation's body only when its line is opened.
    ///
    /// # Errors
    ///
    /// When no line matches, or its opened explanation does not appear within [`STEP`].
    pub async fn last_line(&self, css: &str) -> anyhow::Result<ShownLine> {
        let all = format!("#transcript {css}");
        self.open_explanations(&all, true).await?;
        let value = self
            .client
            .execute(
                "const all = document.querySelectorAll(arguments[0]);
                 const line = all[all.length - 1];
                 if (!line) return null;
                 const text = (css) => { const e = line.querySelector(css); return e ? e.textContent.trim() : ''; };
                 return {
                     text: text('.text'),
                     severity: line.dataset.severity || '',
                     title: text('.title'),
                     findings: Array.from(line.querySelectorAll('.findings li'),
                         li => [li.dataset.finding, li.className]),
                     explain: text('.explain'),
                 };",
                vec![json!(all)],
            )
            .await
            .with_context(|| format!("reading the last {css}"))?;
        ensure!(!value.is_null(), "no transcript line matches {css}");
        let field = |name: &str| value[name].as_str().unwrap_or_default().to_owned();
        let findings = value["findings"]
            .as_array()
            .map(|all| {
                all.iter()
                    .map(|f| {
                        (
                            f[0].as_str().unwrap_or_default().to_owned(),
                            f[1].as_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(ShownLine {
            text: field("text"),
            severity: field("severity"),
            title: field("title"),
            findings,
            explain: field("explain"),
        })
    }

    /// Opens the explanation of every line matching `lines` (a full CSS selector; with
    /// `last_only`, only the last one) and waits until each opened line shows its body
    /// (`.explain`), which the page builds once the line is opened. Lines without details
    /// are left as they are.
    ///
    /// # Errors
    ///
    /// When an opened line shows no explanation within [`STEP`].
    pub async fn open_explanations(&self, lines: &str, last_only: bool) -> anyhow::Result<()> {
        let open = |lines: &str| {
            let lines = lines.to_owned();
            async move {
                let pending = self
                    .client
                    .execute(
                        "let all = Array.from(document.querySelectorAll(arguments[0]));
                         if (arguments[1]) all = all.slice(-1);
                         let pending = 0;
                         for (const line of all) {
                             const details = line.querySelector('details.ann');
                             if (!details) continue;
                             details.open = true;
                             if (!details.querySelector('.explain')) pending += 1;
                         }
                         return pending;",
                        vec![json!(lines), json!(last_only)],
                    )
                    .await?;
                anyhow::Ok((pending.as_u64() == Some(0)).then_some(()))
            }
        };
        poll_until(&format!("the explanations of {lines} opened"), STEP, || {
            open(lines)
        })
        .await
    }

    /// Fails when the page shows an error notice in the transcript.
    async fn ensure_no_error(&self) -> anyhow::Result<()> {
        let errors = self.texts(ERRORS).await?;
        ensure!(errors.is_empty(), "the app reported an error: {errors:?}");
        Ok(())
    }

    /// `wait`'s result, with the whole transcript added to its error.
    async fn with_transcript<T>(
        &self,
        wait: impl Future<Output = anyhow::Result<T>>,
    ) -> anyhow::Result<T> {
        match wait.await {
            Ok(value) => Ok(value),
            Err(err) => {
                let transcript = self
                    .texts("#transcript .line .text")
                    .await
                    .unwrap_or_default();
                Err(err.context(format!("transcript so far: {transcript:#?}")))
            }
        }
    }

    // --- reading and using the rest of the page ---------------------------------------

    /// The texts of every element matching `css`, in document order.
    ///
    /// # Errors
    ///
    /// When the browser does not answer or the selector is invalid.
    pub async fn texts(&self, css: &str) -> anyhow::Result<Vec<String>> {
        texts(self.client, css).await
    }

    /// How many elements match `css`.
    ///
    /// # Errors
    ///
    /// As [`Page::texts`].
    pub async fn count(&self, css: &str) -> anyhow::Result<usize> {
        Ok(self.client.find_all(Locator::Css(css)).await?.len())
    }

    /// Whether any element matches `css`.
    ///
    /// # Errors
    ///
    /// As [`Page::texts`].
    pub async fn exists(&self, css: &str) -> anyhow::Result<bool> {
        Ok(self.count(css).await? > 0)
    }

    /// The text of the first element matching `css`.
    ///
    /// # Errors
    ///
    /// When nothing matches.
    pub async fn text_of(&self, css: &str) -> anyhow::Result<String> {
        self.client
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("finding {css}"))?
            .text()
            .await
            .with_context(|| format!("reading {css}"))
    }

    /// Waits until the element `css` exists and its text contains `needle` (any text for
    /// an empty needle); returns the text.
    ///
    /// # Errors
    ///
    /// When it does not within [`STEP`].
    pub async fn wait_text(&self, css: &str, needle: &str) -> anyhow::Result<String> {
        poll_until(&format!("{css} to say {needle:?}"), STEP, || async {
            Ok(
                match self.client.find_all(Locator::Css(css)).await?.first() {
                    Some(e) => Some(e.text().await?).filter(|t| t.contains(needle)),
                    None => None,
                },
            )
        })
        .await
    }

    /// Clicks the element `css`.
    ///
    /// # Errors
    ///
    /// When it is missing or cannot be clicked.
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        self.client
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("finding {css}"))?
            .click()
            .await
            .with_context(|| format!("clicking {css}"))
    }

    /// Replaces the text of an input field, as a user selecting it and typing would.
    ///
    /// # Errors
    ///
    /// When the field is missing or does not read `text` afterwards.
    pub async fn fill(&self, css: &str, text: &str) -> anyhow::Result<()> {
        let field = self
            .client
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("finding {css}"))?;
        field
            .clear()
            .await
            .with_context(|| format!("clearing {css}"))?;
        field
            .send_keys(text)
            .await
            .with_context(|| format!("typing into {css}"))?;
        let value = field.prop("value").await?;
        ensure!(
            value.as_deref() == Some(text),
            "{css} should read {text:?} after typing, reads {value:?}"
        );
        Ok(())
    }

    /// Picks the option `value` of the select element `css`.
    ///
    /// # Errors
    ///
    /// When the element or the option is missing.
    pub async fn select(&self, css: &str, value: &str) -> anyhow::Result<()> {
        self.client
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("finding {css}"))?
            .select_by_value(value)
            .await
            .with_context(|| format!("selecting {value} in {css}"))
    }

    /// Switches to `theme` with the theme button (the first theme follows the system's).
    ///
    /// # Errors
    ///
    /// When the theme does not change within [`STEP`].
    pub async fn set_theme(&self, theme: &str) -> anyhow::Result<()> {
        let current = || async {
            self.client
                .execute("return document.documentElement.dataset.theme", vec![])
                .await
                .context("reading data-theme")
        };
        if current().await? != theme {
            self.click("#theme").await?;
        }
        poll_until(&format!("the {theme} theme"), STEP, || async {
            Ok((current().await? == theme).then_some(()))
        })
        .await
    }

    /// Waits for the export box and returns what it holds.
    ///
    /// # Errors
    ///
    /// When it stays empty or missing for [`STEP`].
    pub async fn export_value(&self) -> anyhow::Result<String> {
        poll_until("the export box", STEP, || async {
            Ok(
                match self
                    .client
                    .find_all(Locator::Css("#export-output"))
                    .await?
                    .first()
                {
                    Some(area) => area.prop("value").await?.filter(|v| !v.is_empty()),
                    None => None,
                },
            )
        })
        .await
    }

    /// Clicks the mailbox message whose subject is `subject` and checks the message view:
    /// the subject, the Subject header and the body, which contains `body`.
    ///
    /// # Errors
    ///
    /// When there is no such message or the view does not show it.
    pub async fn open_message(&self, subject: &str, body: &str) -> anyhow::Result<()> {
        let clicked = self
            .client
            .execute(
                "const item = Array.from(document.querySelectorAll('#mailbox-list li'))
                     .find(li => li.querySelector('.subject').innerText.trim() === arguments[0]);
                 if (!item) return false;
                 item.querySelector('button').click();
                 return true;",
                vec![json!(subject)],
            )
            .await?;
        if clicked != serde_json::Value::Bool(true) {
            bail!("no mailbox entry with the subject {subject:?}");
        }
        self.wait_text("#message-subject", subject).await?;
        let headers = self.texts("#message-headers tr").await?;
        ensure!(
            headers
                .iter()
                .any(|h| h.starts_with("Subject") && h.contains(subject)),
            "the headers show the Subject: {headers:?}"
        );
        let text = self.text_of("#message-body").await?;
        ensure!(text.contains(body), "the body shows {body:?}: {text:?}");
        Ok(())
    }

    /// The message view's recipients, envelope against headers, as the page marks them:
    /// (`data-status`, `data-address`) for each row, e.g. `("blind", "x@example.net")`.
    ///
    /// # Errors
    ///
    /// When the message view has no envelope part within [`STEP`].
    pub async fn envelope_recipients(&self) -> anyhow::Result<Vec<(String, String)>> {
        self.wait_text("#message-envelope", "").await?;
        let rows = self
            .client
            .execute(
                "return Array.from(document.querySelectorAll('#envelope-recipients li'))
                     .map(li => [li.dataset.status, li.dataset.address]);",
                vec![],
            )
            .await?;
        serde_json::from_value(rows).context("reading the envelope rows")
    }

    /// The Sessions panel's rows, newest first: (`data-id`, the row's text).
    ///
    /// # Errors
    ///
    /// When the browser does not answer.
    pub async fn session_rows(&self) -> anyhow::Result<Vec<(u64, String)>> {
        let rows = self
            .client
            .execute(
                "return Array.from(document.querySelectorAll('#sessions-list li'))
                     .map(li => [Number(li.dataset.id), li.innerText]);",
                vec![],
            )
            .await?;
        serde_json::from_value(rows).context("reading the session rows")
    }

    /// Waits until a row of the Sessions panel contains `needle`; returns its id.
    ///
    /// # Errors
    ///
    /// When none does within [`STEP`].
    pub async fn wait_for_session_row(&self, needle: &str) -> anyhow::Result<u64> {
        poll_until(
            &format!("a session row saying {needle:?}"),
            STEP,
            || async {
                let rows = self.session_rows().await?;
                Ok(rows
                    .iter()
                    .find(|(_, text)| text.contains(needle))
                    .map(|&(id, _)| id))
            },
        )
        .await
    }

    /// Clicks session `id` in the Sessions panel and waits until its lines are shown.
    ///
    /// # Errors
    ///
    /// When the row is missing or the session view does not show its lines in [`STEP`].
    pub async fn open_session(&self, id: u64) -> anyhow::Result<()> {
        self.click(&format!("#sessions-list li[data-id=\"{id}\"] button"))
            .await?;
        self.wait_for_session(id).await
    }

    /// Waits until the session view shows session `id` with its lines.
    ///
    /// # Errors
    ///
    /// When it does not within [`STEP`].
    pub async fn wait_for_session(&self, id: u64) -> anyhow::Result<()> {
        let css = format!("#session-view[data-id=\"{id}\"] #session-transcript .line");
        poll_until(
            &format!("session {id} in the session view"),
            STEP,
            || async { Ok((self.count(&css).await? > 0).then_some(())) },
        )
        .await
    }

    /// Scrolls the element `css` to the top of the window (for a screenshot of it).
    ///
    /// # Errors
    ///
    /// When the browser does not answer.
    pub async fn scroll_to(&self, css: &str) -> anyhow::Result<()> {
        self.client
            .execute(
                "const e = document.querySelector(arguments[0]);
                 if (e) e.scrollIntoView({block: 'start', behavior: 'instant'});",
                vec![json!(css)],
            )
            .await?;
        Ok(())
    }
}
