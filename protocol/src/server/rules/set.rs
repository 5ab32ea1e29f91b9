//! The rules store: which rules a new session gets.
//!
//! The shell keeps one [`RuleSet`] per scope (the operator's flags; the API's rules, for
//! everyone or per visitor) and asks it once per new session ([`RuleSet::start_session`]).
//! That is where "the next N sessions" counts down (a spent rule leaves the set) and where
//! a probability is drawn, from a generator seeded by the shell, so the same seed and the
//! same sessions give the same draws. The session itself only sees the rules it got.

use super::super::rng::SplitMix64;
use super::{Rule, RuleError, When};

/// Rules for the sessions to come; see the module documentation.
#[derive(Debug, Clone)]
pub struct RuleSet {
    rules: Vec<Rule>,
    rng: SplitMix64,
}

impl Default for RuleSet {
    fn default() -> Self {
        Self {
            rules: Vec::new(),
            rng: SplitMix64::new(0),
        }
    }
}

impl RuleSet {
    /// The most rules one set holds.
    pub const MAX_RULES: usize = 32;

    /// A set of `rules` whose probabilities are drawn from `seed`.
    ///
    /// # Errors
    ///
    /// [`RuleError::TooMany`] beyond [`RuleSet::MAX_RULES`].
    pub fn new(rules: Vec<Rule>, seed: u64) -> Result<Self, RuleError> {
        if rules.len() > Self::MAX_RULES {
            return Err(RuleError::TooMany(Self::MAX_RULES));
        }
        Ok(Self {
            rules,
            rng: SplitMix64::new(seed),
        })
    }

    /// The rules now, with what is left of each "next N".
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether the set has no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// A session starts: the rules that apply to it, in order. Each "next N" rule counts
    /// one session (and leaves the set at zero); each probability is drawn once, in the
    /// order of the rules.
    pub fn start_session(&mut self) -> Vec<Rule> {
        let mut chosen = Vec::new();
        let rng = &mut self.rng;
        self.rules.retain_mut(|rule| match rule.when() {
            When::Always => {
                chosen.push(rule.clone());
                true
            }
            When::Next { sessions } => {
                chosen.push(rule.clone());
                *rule = rule.with_when(When::Next {
                    sessions: sessions - 1,
                });
                sessions > 1
            }
            When::Probability(p) => {
                if rng.chance_ppm(p.ppm()) {
                    chosen.push(rule.clone());
                }
                true
            }
        });
        chosen
    }
}
