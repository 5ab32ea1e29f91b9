//! openssl s_client sessions: placeholder until real logs are captured.

use super::{TranscriptLine, raw};

/// Reads an s_client log.
pub(super) fn read(text: &str) -> Vec<TranscriptLine> {
    raw::read(text)
}
