//! The lesson panel: picking a lesson, reading its steps, clicking its examples as a
//! learner does.

use std::time::Duration;

use anyhow::{Context, bail};
use fantoccini::Locator;
use serde_json::json;

use super::{Page, STEP};
use crate::browser::poll_until;

/// The current step's example buttons.
const EXAMPLES: &str = "#lesson .step.current .example";

impl Page<'_> {
    /// Picks lesson `id` in the picker and waits until its steps are shown.
    ///
    /// # Errors
    ///
    /// When the picker does not offer it or its steps do not appear within [`STEP`].
    pub async fn pick_lesson(&self, id: &str) -> anyhow::Result<()> {
        self.wait_for_picker().await?;
        self.select("#lesson-picker", id).await?;
        self.wait_lesson(id).await
    }

    /// Waits until the picker lists the lessons of the index.
    ///
    /// # Errors
    ///
    /// When it does not within [`STEP`].
    pub async fn wait_for_picker(&self) -> anyhow::Result<Vec<String>> {
        poll_until("the lesson picker", STEP, || async {
            let ids = self.attrs("#lesson-picker option", "value").await?;
            Ok((!ids.is_empty()).then_some(ids))
        })
        .await
    }

    /// Waits until lesson `id` is shown with its steps.
    ///
    /// # Errors
    ///
    /// When it is not within [`STEP`].
    pub async fn wait_lesson(&self, id: &str) -> anyhow::Result<()> {
        let css = format!(r#"#lesson[data-lesson="{id}"] .step"#);
        poll_until(&format!("lesson {id} to show"), STEP, || async {
            Ok(self.exists(&css).await?.then_some(()))
        })
        .await
    }

    /// The current step's index, `None` when the lesson is complete.
    ///
    /// # Errors
    ///
    /// When the browser does not answer.
    pub async fn lesson_current(&self) -> anyhow::Result<Option<usize>> {
        let steps = self.attrs("#lesson .step.current", "data-step").await?;
        Ok(steps.first().and_then(|s| s.parse().ok()))
    }

    /// The examples the current step offers, as shown.
    ///
    /// # Errors
    ///
    /// When the browser does not answer.
    pub async fn lesson_examples(&self) -> anyhow::Result<Vec<String>> {
        self.texts(EXAMPLES).await
    }

    /// Clicks the current step's example number `n` (from 0) and sends it as a learner
    /// does: a single line lands on the command line and Enter sends it; several lines go
    /// out one by one by themselves. When the page holds a line back with a warning, Enter
    /// again sends it anyway (the server's real answer is part of the lesson).
    ///
    /// # Errors
    ///
    /// When there is no such example or its lines do not all go out within [`STEP`].
    pub async fn click_example(&self, n: usize) -> anyhow::Result<()> {
        self.click_and_send(EXAMPLES, n).await
    }

    /// Clicks example number `n` of those the lesson offers to repeat in a new session,
    /// and sends it as [`Page::click_example`] does.
    ///
    /// # Errors
    ///
    /// As [`Page::click_example`].
    pub async fn click_catch_up(&self, n: usize) -> anyhow::Result<()> {
        self.click_and_send("#lesson .lesson-catch-up .example", n)
            .await
    }

    async fn click_and_send(&self, css: &str, n: usize) -> anyhow::Result<()> {
        let buttons = self
            .client
            .find_all(Locator::Css(css))
            .await
            .context("finding the examples")?;
        let Some(button) = buttons.get(n) else {
            bail!(
                "the current step offers {} examples, not {}: {:?}",
                buttons.len(),
                n + 1,
                self.lesson_examples().await?
            );
        };
        let lines = button.attr("data-lines").await?;
        button.click().await.context("clicking an example")?;
        let command = self.client.find(Locator::Css("#command")).await?;
        // One line (perhaps the empty one) waits on the command line for Enter.
        if lines.as_deref() == Some("1") {
            self.press_enter().await?;
        }
        poll_until("the example's lines to go out", STEP, || async {
            if self.exists("#warning").await? {
                self.press_enter().await?;
                return Ok(None);
            }
            let draft = command.prop("value").await?.unwrap_or_default();
            let queued = self.exists(".queued").await?;
            Ok((draft.is_empty() && !queued).then_some(()))
        })
        .await
    }

    /// Clicks the first example of the current step until step `index` is done: for a
    /// step that needs one click per line (EHLO, then MAIL FROM), at most `clicks` times.
    ///
    /// # Errors
    ///
    /// When the step is not done after `clicks` clicks.
    pub async fn click_until_done(&self, index: usize, clicks: usize) -> anyhow::Result<()> {
        for _ in 0..clicks {
            if self.step_done(index).await? {
                return Ok(());
            }
            self.click_example(0).await?;
            let done = poll_until("the step", Duration::from_secs(3), || async {
                Ok(self.step_done(index).await?.then_some(()))
            })
            .await;
            if done.is_ok() {
                return Ok(());
            }
        }
        self.wait_step(index).await
    }

    /// Whether step `index` is checked off.
    ///
    /// # Errors
    ///
    /// When the browser does not answer.
    pub async fn step_done(&self, index: usize) -> anyhow::Result<bool> {
        self.exists(&format!(
            r#"#lesson .step[data-step="{index}"][data-done="true"]"#
        ))
        .await
    }

    /// The attribute `name` of every element matching `css`.
    ///
    /// # Errors
    ///
    /// When the browser does not answer.
    pub async fn attrs(&self, css: &str, name: &str) -> anyhow::Result<Vec<String>> {
        let value = self
            .client
            .execute(
                "return Array.from(document.querySelectorAll(arguments[0]))
                     .map(e => e.getAttribute(arguments[1]) || '');",
                vec![json!(css), json!(name)],
            )
            .await?;
        serde_json::from_value(value).context("reading attributes")
    }

    /// Presses the button `css` wherever the page is scrolled (on a phone the status bar
    /// may sit over it, so a WebDriver click could land on the bar): scrolled into view,
    /// then clicked by script.
    pub async fn press(&self, css: &str) -> anyhow::Result<()> {
        self.scroll_to(css).await?;
        self.client
            .execute(
                "document.querySelector(arguments[0]).click();",
                vec![json!(css)],
            )
            .await
            .with_context(|| format!("pressing {css}"))?;
        Ok(())
    }

    /// Connects again with the form's buttons (Disconnect when connected, then Connect),
    /// up to the new session's greeting; a lesson resumes there.
    pub async fn reconnect(&self) -> anyhow::Result<()> {
        let greetings = self.count(r#".line.server[data-code="220"]"#).await?;
        if self.exists("#disconnect:not([disabled])").await? {
            self.press("#disconnect").await?;
            self.wait_until_disconnected("the session to end").await?;
        }
        self.press("#connect").await?;
        self.wait_count(
            r#".line.server[data-code="220"]"#,
            greetings + 1,
            "a new greeting",
        )
        .await?;
        Ok(())
    }
}
