//! The sentences the page shows for protocol values.
//!
//! The bridge sends machine-readable codes (`protocol::wire::ErrorCode`); a learner needs
//! words. Keeping the wording in one place lets it be reviewed, tested and later
//! translated without touching the components.

use protocol::reply::ReplyClass;
use protocol::wire::{ErrorCode, TlsMode};

/// What an error code from the bridge means, as a sentence for a person.
pub fn error_sentence(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::BadMessage => "The bridge could not understand a message from this page.",
        ErrorCode::NotConnected => "The bridge is not connected to an SMTP server yet.",
        ErrorCode::AlreadyConnected => {
            "This session is already connected; disconnect before connecting again."
        }
        ErrorCode::InvalidTarget => "The bridge does not allow connecting to that host or port.",
        ErrorCode::ResolveFailed => "The host name could not be resolved to an address.",
        ErrorCode::ConnectFailed => {
            "The SMTP server could not be reached or refused the connection."
        }
        ErrorCode::ConnectTimeout => "The SMTP server did not accept the connection in time.",
        ErrorCode::TlsUnavailable => "The bridge cannot use the selected TLS mode.",
        ErrorCode::InvalidLine => "The bridge refused the line, so it was not sent.",
        ErrorCode::ServerLineTooLong => {
            "The server sent a line longer than the bridge accepts; it was skipped."
        }
        ErrorCode::UpstreamIo => "Reading from or writing to the SMTP server failed.",
        ErrorCode::Unknown => "The bridge reported an error this page does not know about.",
    }
}

/// A short description of a TLS mode, e.g. for "Connected to … (STARTTLS)".
pub fn tls_label(tls: TlsMode) -> &'static str {
    match tls {
        TlsMode::None => "no TLS",
        TlsMode::Starttls => "STARTTLS",
        TlsMode::Implicit => "implicit TLS",
    }
}

/// What a reply class means, shown as a tooltip on server lines.
pub fn reply_class_hint(class: ReplyClass) -> &'static str {
    match class {
        ReplyClass::PositiveCompletion => "2xx: the command succeeded",
        ReplyClass::PositiveIntermediate => "3xx: accepted so far, the server waits for more",
        ReplyClass::TransientNegative => "4xx: failed this time, trying again later may work",
        ReplyClass::PermanentNegative => "5xx: failed, repeating the command will fail again",
        ReplyClass::Undefined => "a code RFC 5321 does not define",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_has_a_distinct_sentence() {
        let codes = [
            ErrorCode::BadMessage,
            ErrorCode::NotConnected,
            ErrorCode::AlreadyConnected,
            ErrorCode::InvalidTarget,
            ErrorCode::ResolveFailed,
            ErrorCode::ConnectFailed,
            ErrorCode::ConnectTimeout,
            ErrorCode::TlsUnavailable,
            ErrorCode::InvalidLine,
            ErrorCode::ServerLineTooLong,
            ErrorCode::UpstreamIo,
            ErrorCode::Unknown,
        ];
        let sentences: std::collections::HashSet<_> =
            codes.iter().map(|&c| error_sentence(c)).collect();
        assert_eq!(sentences.len(), codes.len());
        for sentence in sentences {
            assert!(sentence.ends_with('.'), "{sentence:?} is a sentence");
        }
    }

    #[test]
    fn labels_name_the_mode() {
        assert_eq!(tls_label(TlsMode::Starttls), "STARTTLS");
        assert!(reply_class_hint(ReplyClass::TransientNegative).starts_with("4xx"));
    }
}
