//! Size limits from RFC 5321 section 4.5.3.1, in octets, each counting the trailing CRLF.
//!
//! They live here once so that the framer, the bridge and the browser reject the same lines.

/// A command line, verb and arguments (RFC 5321 4.5.3.1.4).
pub const COMMAND_LINE: usize = 512;

/// A reply line, code and text (RFC 5321 4.5.3.1.5).
pub const REPLY_LINE: usize = 512;

/// A line of message text inside DATA (RFC 5321 4.5.3.1.6).
pub const TEXT_LINE: usize = 1000;

/// The longest line the bridge accepts from a server.
///
/// Real servers overshoot [`REPLY_LINE`] (long EHLO keywords, banners with URLs), and a
/// teaching tool should show such a reply and say it is too long rather than drop it, so
/// the framer is more lenient than the RFC up to this bound.
pub const SERVER_LINE_MAX: usize = 2048;

/// The longest line, CRLF included, the page and the bridge send on a learner's word.
///
/// Past [`TEXT_LINE`] on purpose: a line over the RFC's limit is warned about, and sent
/// when the learner insists, because the server's refusal (`500 5.5.2 line too long`) is
/// part of the lesson. Bounded so that one `line` message stays well inside the public
/// bridge's 4 KiB WebSocket message.
pub const SENT_LINE_MAX: usize = 2048;
