//! Envelope addresses: the `<local@domain>` paths of MAIL FROM and RCPT TO
//! (RFC 5321 4.1.2), with the size limits of 4.5.3.1.
//!
//! Real users type `MAIL FROM: me@example.com` (no brackets, a space after the colon), and
//! many servers accept it; strict ones answer 501. [`parse_path`] accepts both, and reports
//! each deviation as a [`Finding`] so the page can say what a strict server will do.

use crate::finding::{Finding, Severity, SpanFindings};
use crate::lang::t;
use std::ops::Range;

/// Longest local part, in octets (RFC 5321 4.5.3.1.1).
pub const LOCAL_PART_MAX: usize = 64;
/// Longest domain, in octets (RFC 5321 4.5.3.1.2).
pub const DOMAIN_MAX: usize = 255;
/// Longest path including the angle brackets (RFC 5321 4.5.3.1.3).
pub const PATH_MAX: usize = 256;

/// A parsed envelope address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// Span of the whole path in the parsed line, brackets included when present.
    pub span: Range<usize>,
    /// The address between the brackets; empty for the null path `<>`.
    pub address: String,
    /// Whether the user wrote the angle brackets.
    pub bracketed: bool,
}

impl Path {
    /// Whether this is the null reverse-path `<>`, used for bounces (RFC 5321 4.5.5).
    pub fn is_null(&self) -> bool {
        self.address.is_empty()
    }

    /// The local part, before the last `@`.
    pub fn local_part(&self) -> &str {
        self.address
            .rsplit_once('@')
            .map_or(self.address.as_str(), |(local, _)| local)
    }

    /// The domain, after the last `@`; empty when there is none.
    pub fn domain(&self) -> &str {
        self.address
            .rsplit_once('@')
            .map_or("", |(_, domain)| domain)
    }

    /// Whether the address needs SMTPUTF8 (RFC 6531): any non-ASCII character.
    pub fn is_utf8(&self) -> bool {
        !self.address.is_ascii()
    }
}

/// Parses the path that starts at `offset` of `line` (just after `FROM:` or `TO:`).
/// Returns the path, the offset where it ends, and findings. `None` when there is no path at
/// all (only spaces).
pub fn parse_path(line: &str, offset: usize, findings: &mut Vec<Finding>) -> Option<(Path, usize)> {
    let rest = &line[offset..];
    let skipped = rest
        .bytes()
        .take_while(|&b| b == b' ' || b == b'\t')
        .count();
    let trimmed = &rest[skipped..];
    let start = offset + (rest.len() - trimmed.len());
    if start > offset {
        findings.push(Finding {
            severity: Severity::Warning,
            id: "space-after-colon",
            span: offset..start,
            explanation: t!(
                "There is a space after the colon. RFC 5321 writes MAIL FROM:<address> with no space; lenient servers accept it, strict ones answer 501.",
                "冒号后有空格。RFC 5321 规定写作 MAIL FROM:<地址>，中间没有空格；宽松的服务器会接受，严格的服务器会回复 501。"
            ),
            reference: "RFC 5321 4.1.2",
        });
    }
    if trimmed.is_empty() {
        return None;
    }
    let (path, end) = if let Some(inner) = trimmed.strip_prefix('<') {
        // One pass finds the closing bracket and what the checks need to know.
        let scanned = scan(inner.as_bytes(), true);
        match scanned.close {
            Some(close) => {
                let path = Path {
                    span: start..start + close + 2,
                    address: inner[..close].to_owned(),
                    bracketed: true,
                };
                check_address(&path, &scanned, findings);
                return Some((path, start + close + 2));
            }
            None => {
                let end = start + trimmed.find(' ').unwrap_or(trimmed.len());
                findings.push(Finding {
                    severity: Severity::Error,
                    id: "unclosed-angle-bracket",
                    span: start..end,
                    explanation: t!(
                        "The address opens with < but never closes with >.",
                        "地址以 < 开头，但没有以 > 结束。"
                    ),
                    reference: "RFC 5321 4.1.2",
                });
                (
                    Path {
                        span: start..end,
                        address: line[start + 1..end].to_owned(),
                        bracketed: false,
                    },
                    end,
                )
            }
        }
    } else {
        let end = start + trimmed.find(' ').unwrap_or(trimmed.len());
        findings.push(Finding {
            severity: Severity::Warning,
            id: "missing-angle-brackets",
            span: start..end,
            explanation: t!(
                "The address has no angle brackets. Write it as <user@example.com>: RFC 5321 requires them, and strict servers answer 501 without them.",
                "地址缺少尖括号。应写作 <user@example.com>：RFC 5321 要求加尖括号，严格的服务器在缺少时会回复 501。"
            ),
            reference: "RFC 5321 4.1.2",
        });
        (
            Path {
                span: start..end,
                address: line[start..end].to_owned(),
                bracketed: false,
            },
            end,
        )
    };
    check_address(&path, &scan(path.address.as_bytes(), false), findings);
    Some((path, end))
}

/// What one pass over an address finds, so each byte is looked at once.
struct Scan {
    /// Where the first `>` is, when the scan stops there.
    close: Option<usize>,
    /// The last `@` before the end of the scan.
    at: Option<usize>,
    /// Whether a space, `<` or `>` came before the end of the scan.
    special: bool,
    /// Whether every byte before the end of the scan is ASCII.
    ascii: bool,
}

/// Scans `bytes`, up to the first `>` when `stop_at_close` (the inside of `<...>`).
fn scan(bytes: &[u8], stop_at_close: bool) -> Scan {
    let mut scan = Scan {
        close: None,
        at: None,
        special: false,
        ascii: true,
    };
    // Inside a quoted local part ("john doe"@example.com, RFC 5321 4.1.2 Quoted-string)
    // spaces, brackets and @ are text, and a backslash escapes the next byte.
    let mut quoted = false;
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate() {
        if quoted {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => quoted = false,
                (false, 0x80..) => scan.ascii = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => quoted = true,
            b'>' if stop_at_close => {
                scan.close = Some(i);
                break;
            }
            b'@' => scan.at = Some(i),
            b' ' | b'<' | b'>' => scan.special = true,
            0x80.. => scan.ascii = false,
            _ => {}
        }
    }
    scan
}

/// The findings about the address itself; `scan` is [`scan`] of exactly `path.address`.
fn check_address(path: &Path, scan: &Scan, findings: &mut Vec<Finding>) {
    let span = path.span.clone();
    let at = scan.at;
    let mut found = SpanFindings::new(span, findings);
    if path.is_null() {
        return;
    }
    // RFC 5321 4.1.1.3: `RCPT TO:<Postmaster>` is the one address without a domain, and
    // every server must accept it.
    if at.is_none() && !path.address.eq_ignore_ascii_case("postmaster") {
        found.push(
            Severity::Warning,
            "address-without-domain",
            t!(
                "The address has no @domain part. Only <postmaster> may be written without a domain; most servers answer 501 or 553.",
                "地址没有 @域名 部分。只有 <postmaster> 可以不带域名；多数服务器会回复 501 或 553。"
            ),
            "RFC 5321 4.1.2",
        );
    }
    if at.is_some_and(|at| at + 1 == path.address.len()) {
        found.push(
            Severity::Error,
            "empty-domain",
            t!(
                "Nothing follows the @: write the domain too, as in <you@example.com>. Servers answer 501.",
                "@ 后面没有内容：请写上域名，例如 <you@example.com>。服务器会回复 501。"
            ),
            "RFC 5321 4.1.2",
        );
    }
    if path.address.len() + 2 > PATH_MAX {
        found.push(
            Severity::Error,
            "path-too-long",
            t!(
                "The address is longer than 256 octets with its brackets, the limit of RFC 5321.",
                "地址连同尖括号超过 256 个字节，超出 RFC 5321 的限制。"
            ),
            "RFC 5321 4.5.3.1.3",
        );
    }
    let local_len = at.unwrap_or(path.address.len());
    if local_len > LOCAL_PART_MAX {
        found.push(
            Severity::Error,
            "local-part-too-long",
            t!(
                "The part before @ is longer than 64 octets, the limit of RFC 5321.",
                "@ 之前的部分超过 64 个字节，超出 RFC 5321 的限制。"
            ),
            "RFC 5321 4.5.3.1.1",
        );
    }
    let domain_len = at.map_or(0, |at| path.address.len() - at - 1);
    if domain_len > DOMAIN_MAX {
        found.push(
            Severity::Error,
            "domain-too-long",
            t!(
                "The domain is longer than 255 octets, the limit of RFC 5321.",
                "域名超过 255 个字节，超出 RFC 5321 的限制。"
            ),
            "RFC 5321 4.5.3.1.2",
        );
    }
    if scan.special && path.bracketed {
        found.push(
            Severity::Error,
            "invalid-address-character",
            t!(
                "The address contains a space or an angle bracket, which must be quoted in a local part and never appear in a domain.",
                "地址中含有空格或尖括号；它们在本地部分必须加引号，在域名中不允许出现。"
            ),
            "RFC 5321 4.1.2",
        );
    }
    if !scan.ascii {
        found.push(
            Severity::Info,
            "utf8-address",
            t!(
                "The address has non-ASCII characters: the server must advertise SMTPUTF8, and MAIL FROM needs the SMTPUTF8 parameter.",
                "地址包含非 ASCII 字符：服务器必须支持 SMTPUTF8，并且 MAIL FROM 需要带 SMTPUTF8 参数。"
            ),
            "RFC 6531 3.4",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> (Option<Path>, Vec<&'static str>) {
        let mut findings = Vec::new();
        let path = parse_path(line, 0, &mut findings).map(|(p, _)| p);
        (path, findings.iter().map(|f| f.id).collect())
    }

    #[test]
    fn bracketed_address() {
        let (path, ids) = parse("<alice@example.com> SIZE=10");
        let path = path.expect("path");
        assert_eq!(path.address, "alice@example.com");
        assert_eq!((path.local_part(), path.domain()), ("alice", "example.com"));
        assert_eq!(path.span, 0..19);
        assert!(ids.is_empty());
    }

    #[test]
    fn the_usual_mistakes_are_findings() {
        let (path, ids) = parse(" alice@example.com");
        assert_eq!(path.expect("path").address, "alice@example.com");
        assert_eq!(ids, ["space-after-colon", "missing-angle-brackets"]);
        assert_eq!(parse("<alice@example.com").1, ["unclosed-angle-bracket"]);
        assert_eq!(parse("<alice>").1, ["address-without-domain"]);
        assert_eq!(parse("   ").0, None);
    }

    #[test]
    fn one_pass_scan_equals_separate_searches() {
        for text in [
            "",
            "a",
            "a@b",
            "a@b@c",
            "@",
            "a b@c",
            "用户@例子",
            "a>b@c",
            "x<y>z@w",
            ">",
            "a@b>c@d",
        ] {
            let bytes = text.as_bytes();
            let full = scan(bytes, false);
            assert_eq!(full.close, None);
            assert_eq!(full.at, text.rfind('@'), "{text:?}");
            assert_eq!(full.special, text.contains([' ', '<', '>']), "{text:?}");
            assert_eq!(full.ascii, text.is_ascii(), "{text:?}");
            let inner = scan(bytes, true);
            assert_eq!(inner.close, text.find('>'), "{text:?}");
            let before = &text[..inner.close.unwrap_or(text.len())];
            assert_eq!(inner.at, before.rfind('@'), "{text:?}");
            assert_eq!(inner.special, before.contains([' ', '<']), "{text:?}");
            assert_eq!(inner.ascii, before.is_ascii(), "{text:?}");
        }
    }

    #[test]
    fn null_path_and_limits() {
        let (path, ids) = parse("<>");
        assert!(path.expect("path").is_null());
        assert!(ids.is_empty());
        let long_local = format!("<{}@example.com>", "a".repeat(65));
        assert_eq!(parse(&long_local).1, ["local-part-too-long"]);
        let long_domain = format!("<a@{}>", "d".repeat(256));
        assert_eq!(parse(&long_domain).1, ["path-too-long", "domain-too-long"]);
        assert_eq!(parse("<用户@例子.中国>").1, ["utf8-address"]);
    }
}
