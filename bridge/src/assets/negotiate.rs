//! Which precompressed copy of a file to send, from the request's `Accept-Encoding`
//! (RFC 9110 12.5.3). `scripts/build-frontend.sh` writes `<file>.br` and `<file>.gz` beside
//! each file of `dist/`, so choosing is all the bridge does per request: no compression.

/// A content coding the app's files are stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coding {
    /// Brotli, `<file>.br`: the smallest.
    Brotli,
    /// gzip, `<file>.gz`: what every browser takes.
    Gzip,
}

impl Coding {
    /// The server's order of preference, best first.
    pub(crate) const PREFERRED: [Self; 2] = [Self::Brotli, Self::Gzip];

    /// The token in `Accept-Encoding` and `Content-Encoding`.
    pub(crate) const fn token(self) -> &'static str {
        match self {
            Self::Brotli => "br",
            Self::Gzip => "gzip",
        }
    }

    /// What the precompressed copy's name adds to the file's.
    pub(crate) const fn suffix(self) -> &'static str {
        match self {
            Self::Brotli => ".br",
            Self::Gzip => ".gz",
        }
    }
}

/// The codings `accept` (an `Accept-Encoding` value) allows, in the server's order of
/// preference (brotli, then gzip), whatever the client's q-values rank: both are lossless
/// and brotli is smaller. A coding is allowed when listed with a q-value above 0, or
/// covered by `*` with one; `x-gzip` counts as gzip. No header allows none of them: the
/// file goes out as it is (identity).
pub(crate) fn acceptable(accept: Option<&str>) -> Vec<Coding> {
    let Some(accept) = accept else {
        return Vec::new();
    };
    let mut listed: Vec<(String, bool)> = Vec::new();
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        let allowed = parts
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
            .is_none_or(|(_, q)| q.trim().parse::<f32>().is_ok_and(|q| q > 0.0));
        let name = if name == "x-gzip" {
            "gzip".to_owned()
        } else {
            name
        };
        listed.push((name, allowed));
    }
    let verdict = |token: &str| {
        listed
            .iter()
            .find(|(name, _)| name == token)
            .or_else(|| listed.iter().find(|(name, _)| name == "*"))
            .is_some_and(|(_, allowed)| *allowed)
    };
    Coding::PREFERRED
        .into_iter()
        .filter(|coding| verdict(coding.token()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Coding::{Brotli, Gzip};

    #[test]
    fn brotli_before_gzip_before_identity() {
        assert_eq!(acceptable(Some("gzip, deflate, br, zstd")), [Brotli, Gzip]);
        assert_eq!(acceptable(Some("gzip, deflate")), [Gzip]);
        assert_eq!(acceptable(Some("br")), [Brotli]);
        assert_eq!(acceptable(Some("identity")), []);
        assert_eq!(acceptable(Some("")), []);
        assert_eq!(acceptable(None), []);
    }

    #[test]
    fn q_values_zero_refuse_and_others_allow() {
        assert_eq!(acceptable(Some("br;q=0, gzip;q=0.5")), [Gzip]);
        assert_eq!(acceptable(Some("gzip;q=1.0, br; q=0.1")), [Brotli, Gzip]);
        assert_eq!(acceptable(Some("gzip;q=0.000")), []);
        assert_eq!(acceptable(Some("gzip;q=nonsense")), []);
    }

    #[test]
    fn star_covers_what_is_not_listed_and_names_are_case_blind() {
        assert_eq!(acceptable(Some("*")), [Brotli, Gzip]);
        assert_eq!(acceptable(Some("br;q=0, *")), [Gzip]);
        assert_eq!(acceptable(Some("*;q=0")), []);
        assert_eq!(acceptable(Some("GZIP, Br")), [Brotli, Gzip]);
        assert_eq!(acceptable(Some("x-gzip")), [Gzip]);
    }
}
