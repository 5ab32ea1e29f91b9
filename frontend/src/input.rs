//! The command line's comforts: history (Up/Down) and Tab completion, as plain functions
//! over strings so they are tested without a browser.

/// The most lines kept in the history.
pub const HISTORY_CAP: usize = 200;

/// What Tab completes: SMTP verbs with the start of their arguments, so `m<Tab>` gives
/// `MAIL FROM:<` and the user types only the address.
pub const TEMPLATES: [&str; 17] = [
    "EHLO ",
    "HELO ",
    "MAIL FROM:<",
    "RCPT TO:<",
    "DATA",
    "RSET",
    "NOOP",
    "QUIT",
    "STARTTLS",
    "AUTH LOGIN",
    "AUTH PLAIN ",
    "VRFY ",
    "EXPN ",
    "HELP",
    "BDAT ",
    "Subject: ",
    "From: ",
];

/// The result of pressing Tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The new line (unchanged when nothing matches).
    pub line: String,
    /// Every template that matched, when more than one did, to show as suggestions.
    pub candidates: Vec<&'static str>,
}

/// Completes `line` against [`TEMPLATES`], ignoring case: one match replaces the line, several
/// extend it to their longest common prefix and are listed. An empty line completes nothing,
/// so Tab still moves the focus on.
pub fn complete(line: &str) -> Completion {
    let unchanged = || Completion {
        line: line.to_owned(),
        candidates: Vec::new(),
    };
    if line.is_empty() {
        return unchanged();
    }
    let matches: Vec<&'static str> = TEMPLATES
        .iter()
        .copied()
        .filter(|t| {
            t.len() > line.len()
                && t.get(..line.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(line))
        })
        .collect();
    match matches.as_slice() {
        [] => unchanged(),
        [only] => Completion {
            line: (*only).to_owned(),
            candidates: Vec::new(),
        },
        [first, rest @ ..] => {
            let common = rest.iter().fold(first.len(), |len, t| {
                first
                    .bytes()
                    .zip(t.bytes())
                    .take(len)
                    .take_while(|(a, b)| a == b)
                    .count()
            });
            let line = if common > line.len() {
                first[..common].to_owned()
            } else {
                line.to_owned()
            };
            Completion {
                line,
                candidates: matches,
            }
        }
    }
}

/// The lines sent, oldest first, and where Up/Down currently is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct History {
    lines: Vec<String>,
    /// The index being shown, or `None` when editing a new line.
    position: Option<usize>,
    /// The new line being typed before Up was pressed, restored by Down at the end.
    draft: String,
}

impl History {
    /// Remembers a sent line (not twice in a row, not empty) and ends browsing.
    pub fn record(&mut self, line: &str) {
        self.position = None;
        self.draft.clear();
        if line.trim().is_empty() || self.lines.last().is_some_and(|l| l == line) {
            return;
        }
        if self.lines.len() == HISTORY_CAP {
            self.lines.remove(0);
        }
        self.lines.push(line.to_owned());
    }

    /// Up: the line before the one shown; `current` is what the input holds now.
    /// Returns `None` when there is nothing older.
    pub fn up(&mut self, current: &str) -> Option<String> {
        let next = match self.position {
            None if self.lines.is_empty() => return None,
            None => {
                self.draft = current.to_owned();
                self.lines.len() - 1
            }
            Some(0) => return None,
            Some(i) => i - 1,
        };
        self.position = Some(next);
        self.lines.get(next).cloned()
    }

    /// Down: the line after the one shown, or back to the new line being typed.
    pub fn down(&mut self) -> Option<String> {
        let i = self.position?;
        if i + 1 < self.lines.len() {
            self.position = Some(i + 1);
            self.lines.get(i + 1).cloned()
        } else {
            self.position = None;
            Some(std::mem::take(&mut self.draft))
        }
    }

    /// The lines, oldest first.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }
}

/// Splits pasted text into the lines to send: CRLF, LF and CR all end a line, one final
/// line break adds no empty line, and empty lines inside stay (they end the headers
/// inside DATA).
pub fn paste_lines(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.strip_suffix('\n').unwrap_or(&text);
    text.split('\n').map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_completes_verbs_and_argument_templates() {
        assert_eq!(complete("m").line, "MAIL FROM:<");
        assert_eq!(complete("rc").line, "RCPT TO:<");
        assert_eq!(complete("MAIL").line, "MAIL FROM:<");
        assert_eq!(complete("sta").line, "STARTTLS");
        // Several matches: the common prefix, and the list.
        let auth = complete("au");
        assert_eq!(auth.line, "AUTH ");
        assert_eq!(auth.candidates, ["AUTH LOGIN", "AUTH PLAIN "]);
        let e = complete("e");
        assert_eq!(e.line, "e");
        assert_eq!(e.candidates, ["EHLO ", "EXPN "]);
        // Nothing to do.
        assert_eq!(complete("").line, "");
        assert_eq!(complete("QUIT").line, "QUIT");
        assert_eq!(complete("xyz").candidates, Vec::<&str>::new());
        assert_eq!(complete("MAIL FROM:<a@b>").line, "MAIL FROM:<a@b>");
    }

    #[test]
    fn history_walks_back_and_returns_to_the_draft() {
        let mut history = History::default();
        assert_eq!(history.up("x"), None);
        history.record("EHLO me");
        history.record("EHLO me");
        history.record("");
        history.record("MAIL FROM:<a@b>");
        assert_eq!(history.lines(), ["EHLO me", "MAIL FROM:<a@b>"]);
        assert_eq!(history.up("RC").as_deref(), Some("MAIL FROM:<a@b>"));
        assert_eq!(history.up("ignored").as_deref(), Some("EHLO me"));
        assert_eq!(history.up("ignored"), None);
        assert_eq!(history.down().as_deref(), Some("MAIL FROM:<a@b>"));
        assert_eq!(history.down().as_deref(), Some("RC"));
        assert_eq!(history.down(), None);
    }

    #[test]
    fn history_is_capped() {
        let mut history = History::default();
        for i in 0..HISTORY_CAP + 5 {
            history.record(&format!("NOOP {i}"));
        }
        assert_eq!(history.lines().len(), HISTORY_CAP);
        assert_eq!(history.lines()[0], "NOOP 5");
    }

    #[test]
    fn pasted_text_becomes_lines() {
        assert_eq!(
            paste_lines("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n"),
            ["MAIL FROM:<a@b>", "RCPT TO:<c@d>"]
        );
        assert_eq!(paste_lines("Subject: hi\n\nbody\n.\n").len(), 4);
        assert_eq!(paste_lines("a\rb"), ["a", "b"]);
        assert_eq!(paste_lines("one"), ["one"]);
    }
}
