//! postfix's `smtp-source -v` trace: placeholder until real traces are captured.

use super::{TranscriptLine, raw};

/// Reads an smtp-source trace.
pub(super) fn read(text: &str) -> Vec<TranscriptLine> {
    raw::read(text)
}
