//! Findings: what the parser noticed about a line that the user should know.
//!
//! Parsing never fails (rust-analyzer's rule): a malformed command is still a command, and
//! the playground's job is to say what is wrong with it and why. Each [`Finding`] carries a
//! severity, the span it is about, an explanation in every language and the RFC section.

use crate::lang::Text;
use std::ops::Range;

/// How much a finding or an event matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; nothing wrong.
    Info,
    /// Something worked.
    Success,
    /// Likely to be refused by strict servers, or a mistake that happens to work.
    Warning,
    /// Will be refused, or broke the session.
    Error,
}

impl Severity {
    /// Lower-case name: `info`, `success`, `warning`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Success => "success",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One thing noticed about a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// A stable identifier for programs and tests, e.g. `missing-angle-brackets`.
    pub id: &'static str,
    /// The byte range of the line it is about.
    pub span: Range<usize>,
    /// What is wrong and what to type instead.
    pub explanation: Text,
    /// Where the rule is written, e.g. `RFC 5321 4.1.2`.
    pub reference: &'static str,
}

/// Findings about one span of a line, pushed into the caller's list: the checks that
/// report several rules about the same text name the span once.
pub(crate) struct SpanFindings<'a> {
    span: Range<usize>,
    out: &'a mut Vec<Finding>,
}

impl<'a> SpanFindings<'a> {
    /// Findings about `span`, added to `out`.
    pub(crate) fn new(span: Range<usize>, out: &'a mut Vec<Finding>) -> Self {
        Self { span, out }
    }

    /// Adds one finding about the span.
    pub(crate) fn push(
        &mut self,
        severity: Severity,
        id: &'static str,
        explanation: Text,
        reference: &'static str,
    ) {
        self.out.push(Finding {
            severity,
            id,
            span: self.span.clone(),
            explanation,
            reference,
        });
    }
}
