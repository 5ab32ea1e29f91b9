//! The rules editor's form as plain data: what the person chose (stage, match, action,
//! when) and the rule it makes, checked by `protocol` (`Rule::new`), whose reasons
//! (`RuleError::message`) the editor shows in the page's language. No DOM here, so it is
//! tested natively.

use protocol::server::rules::{Action, InjectedReply, Probability, Rule, RuleError, Stage, When};

/// The kinds of action, in the order of the editor's menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ActionKind {
    /// Reply with a code and text.
    #[default]
    Reply,
    /// Wait, then go on.
    Delay,
    /// Send slowly from here on.
    Throttle,
    /// Close without a reply.
    Disconnect,
}

impl ActionKind {
    /// Every kind.
    pub const ALL: [ActionKind; 4] = [
        ActionKind::Reply,
        ActionKind::Delay,
        ActionKind::Throttle,
        ActionKind::Disconnect,
    ];

    /// The name in the menu's `value` and the text form.
    pub fn name(self) -> &'static str {
        ["reply", "delay", "throttle", "disconnect"][self as usize]
    }

    /// The kind called `name`.
    pub fn from_name(name: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .unwrap_or_default()
    }

    /// What the value field holds first for this kind.
    pub fn example(self) -> &'static str {
        ["550 5.1.1 User unknown", "1500", "100", ""][self as usize]
    }
}

/// The kinds of "when", in the order of the editor's menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WhenKind {
    /// Every session.
    Always,
    /// The next N sessions.
    #[default]
    Next,
    /// Each session with a probability.
    Probability,
}

impl WhenKind {
    /// Every kind.
    pub const ALL: [WhenKind; 3] = [WhenKind::Always, WhenKind::Next, WhenKind::Probability];

    /// The name in the menu's `value`.
    pub fn name(self) -> &'static str {
        ["always", "next", "probability"][self as usize]
    }

    /// The kind called `name`.
    pub fn from_name(name: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .unwrap_or_default()
    }

    /// What the value field holds first for this kind.
    pub fn example(self) -> &'static str {
        ["", "1", "0.3"][self as usize]
    }
}

/// The form of one new rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// Where it acts.
    pub stage: Stage,
    /// The address, `@domain`, name or user to match; empty for all.
    pub matching: String,
    /// What it does.
    pub action: ActionKind,
    /// The reply line, the milliseconds or the bytes per second.
    pub value: String,
    /// When it applies.
    pub when: WhenKind,
    /// The number of sessions or the probability.
    pub when_value: String,
}

impl Default for Draft {
    /// The rule most people want first: the next RCPT fails with "User unknown".
    fn default() -> Self {
        Self {
            stage: Stage::Rcpt,
            matching: String::new(),
            action: ActionKind::Reply,
            value: ActionKind::Reply.example().to_owned(),
            when: WhenKind::Next,
            when_value: WhenKind::Next.example().to_owned(),
        }
    }
}

/// A field of the form, for [`Draft::edit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The stage menu (a stage's name).
    Stage,
    /// The match.
    Match,
    /// The action menu (an action's name).
    Action,
    /// The action's value.
    Value,
    /// The "when" menu (its name).
    When,
    /// The when's value.
    WhenValue,
}

impl Draft {
    /// The form after `field` was set to `value`, as the editor's one input handler does.
    pub fn edit(&self, field: Field, value: String) -> Self {
        match field {
            Field::Stage => Self {
                stage: Stage::from_name(&value).unwrap_or(self.stage),
                ..self.clone()
            },
            Field::Match => Self {
                matching: value,
                ..self.clone()
            },
            Field::Action => self.with_action(ActionKind::from_name(&value)),
            Field::Value => Self {
                value,
                ..self.clone()
            },
            Field::When => self.with_when(WhenKind::from_name(&value)),
            Field::WhenValue => Self {
                when_value: value,
                ..self.clone()
            },
        }
    }

    /// The same form with another action, its value field reset to that action's example.
    pub fn with_action(&self, action: ActionKind) -> Self {
        Self {
            action,
            value: action.example().to_owned(),
            ..self.clone()
        }
    }

    /// The same form with another "when", its value reset to that kind's example.
    pub fn with_when(&self, when: WhenKind) -> Self {
        Self {
            when,
            when_value: when.example().to_owned(),
            ..self.clone()
        }
    }

    /// The rule this form makes, or why it makes none.
    ///
    /// # Errors
    ///
    /// The [`RuleError`] `protocol` gives for the stage, match, action or when.
    pub fn build(&self) -> Result<Rule, RuleError> {
        let value = self.value.trim();
        let action = match self.action {
            ActionKind::Reply => Action::Reply(InjectedReply::parse(value)?),
            ActionKind::Delay => Action::Delay {
                ms: number("delay", value)?,
            },
            ActionKind::Throttle => Action::Throttle {
                bytes_per_second: number("throttle", value)?,
            },
            ActionKind::Disconnect => Action::Disconnect,
        };
        let when_value = self.when_value.trim();
        let when = match self.when {
            WhenKind::Always => When::Always,
            WhenKind::Next => When::Next {
                sessions: number("next", when_value)?,
            },
            WhenKind::Probability => When::Probability(Probability::parse(when_value)?),
        };
        let matching = Some(self.matching.as_str()).filter(|_| self.stage.match_key().is_some());
        Rule::new(self.stage, matching, action, when)
    }
}

/// A whole number for `what`, as the text form reads one.
fn number(what: &'static str, text: &str) -> Result<u32, RuleError> {
    text.parse::<u32>().map_err(|_| RuleError::Number {
        what,
        text: text.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_form_makes_the_next_rcpt_fail() {
        let rule = Draft::default().build().expect("valid");
        assert_eq!(
            rule.to_string(),
            "rcpt: reply 550 5.1.1 User unknown, next 1"
        );
    }

    #[test]
    fn each_action_and_when_builds() {
        let draft = Draft {
            stage: Stage::Mail,
            matching: "@spam.example".into(),
            ..Draft::default()
        };
        let cases = [
            (
                draft
                    .with_action(ActionKind::Delay)
                    .with_when(WhenKind::Always),
                "mail from=@spam.example: delay 1500ms",
            ),
            (
                draft
                    .with_action(ActionKind::Throttle)
                    .with_when(WhenKind::Probability),
                "mail from=@spam.example: throttle 100B/s, p=0.3",
            ),
            (
                Draft {
                    stage: Stage::EndOfData,
                    matching: "ignored: this stage has no match".into(),
                    ..Draft::default()
                }
                .with_action(ActionKind::Disconnect),
                "end_of_data: disconnect, next 1",
            ),
        ];
        for (draft, text) in cases {
            assert_eq!(draft.build().map(|r| r.to_string()), Ok(text.to_owned()));
        }
    }

    #[test]
    fn every_field_edits_the_form() {
        let draft = Draft::default()
            .edit(Field::Stage, "mail".into())
            .edit(Field::Match, "@spam.example".into())
            .edit(Field::Action, "delay".into())
            .edit(Field::Value, "250".into())
            .edit(Field::When, "probability".into())
            .edit(Field::WhenValue, "25%".into());
        assert_eq!(
            draft.build().map(|r| r.to_string()),
            Ok("mail from=@spam.example: delay 250ms, p=0.25".to_owned())
        );
        assert_eq!(
            Draft::default().edit(Field::Stage, "nonsense".into()).stage,
            Stage::Rcpt
        );
    }

    #[test]
    fn mistakes_come_back_as_protocol_errors() {
        let bad_reply = Draft {
            value: "250 2.1.5 Ok".into(),
            ..Draft::default()
        };
        assert_eq!(bad_reply.build(), Err(RuleError::ReplyNotFailure(250)));
        let bad_count = Draft {
            when_value: "some".into(),
            ..Draft::default()
        };
        assert_eq!(
            bad_count.build(),
            Err(RuleError::Number {
                what: "next",
                text: "some".into()
            })
        );
        let greeting = Draft {
            stage: Stage::Greeting,
            ..Draft::default()
        };
        assert_eq!(greeting.build(), Err(RuleError::ReplyAtGreeting(550)));
        let bad_match = Draft {
            matching: "two words".into(),
            ..Draft::default()
        };
        assert!(matches!(bad_match.build(), Err(RuleError::Match(_))));
    }
}
