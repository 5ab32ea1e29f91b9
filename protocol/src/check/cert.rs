//! Certificate facts the TLS rules need: whether a certificate names the server
//! (RFC 6125 6.4: DNS names, one left-most wildcard label; IP addresses for an address
//! literal), and its dates as seconds.

/// Whether `name` (a host name or an IP address, as the server is known) is among the
/// certificate's subject alternative names `sans`.
pub(crate) fn names_match(sans: &[String], name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let name = name.trim_start_matches('[').trim_end_matches(']');
    sans.iter().any(|san| {
        let san = san.trim_end_matches('.').to_ascii_lowercase();
        if san == name {
            return true;
        }
        // `*.example.org` matches exactly one label in front of `example.org`.
        match (san.strip_prefix("*."), name.split_once('.')) {
            (Some(parent), Some((label, rest))) => {
                !label.is_empty() && rest == parent && parent.contains('.')
            }
            _ => false,
        }
    })
}

/// Seconds since 1970 of an RFC 3339 UTC time such as `2025-01-31T00:00:00Z` (what the
/// bridge writes for certificate dates); `None` when it is not one.
pub(crate) fn unix_seconds(rfc3339: &str) -> Option<i64> {
    let b = rfc3339.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> { rfc3339.get(from..to)?.parse().ok() };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_exactly_or_by_one_wildcard_label() {
        let sans = vec!["mx.example.org".to_owned(), "*.mail.example.org".to_owned()];
        assert!(names_match(&sans, "MX.example.org."));
        assert!(names_match(&sans, "a.mail.example.org"));
        assert!(!names_match(&sans, "a.b.mail.example.org"));
        assert!(!names_match(&sans, "mail.example.org"));
        assert!(!names_match(&sans, "other.example"));
        assert!(!names_match(&["*.org".to_owned()], "example.org"));
        assert!(names_match(&["127.0.0.1".to_owned()], "127.0.0.1"));
        assert!(names_match(&["::1".to_owned()], "[::1]"));
    }

    #[test]
    fn dates() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(unix_seconds("2026-12-03T13:00:00Z"), Some(1_796_302_800));
        assert_eq!(unix_seconds("not a date"), None);
        assert_eq!(unix_seconds("2026-13-03T13:00:00Z"), None);
    }
}
