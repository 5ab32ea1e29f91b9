//! SMTP AUTH helpers (RFC 4954): base64 prompts and answers for LOGIN, PLAIN and CRAM-MD5,
//! and redaction of secrets in transcripts.
//!
//! During AUTH the server sends `334 <base64 challenge>` and the client answers with one
//! base64 line. For LOGIN the challenges are the words `Username:` and `Password:`
//! (`334 VXNlcm5hbWU6`, or lowercase `dXNlcm5hbWU6` as in the 163.com tutorial); for PLAIN
//! the one answer is `authzid NUL authcid NUL password` (RFC 4616). Base64 hides a password
//! from nobody, so anything shown or exported passes through [`redact_client_line`].
//! CRAM-MD5 (RFC 2195) sends no password at all: the server's challenge comes back as
//! `user HMAC-MD5(password, challenge)`, computed by [`cram_md5_response`].

pub mod md5;

use crate::base64;
use thiserror::Error;

/// Why a base64 answer could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuthDecodeError {
    /// Not valid base64.
    #[error("not valid base64: {0}")]
    Base64(String),
    /// A PLAIN answer must hold exactly two NUL separators (RFC 4616 section 2).
    #[error(
        "an AUTH PLAIN answer needs two NUL bytes (authzid NUL authcid NUL password), found {found}"
    )]
    PlainShape {
        /// How many NUL bytes were found.
        found: usize,
    },
    /// A CRAM-MD5 answer is `user SPACE 32-hex-digits` (RFC 2195 section 2).
    #[error("not `user digest`")]
    CramShape,
}

/// Encodes text as base64, as the client answers a 334 prompt.
pub fn encode(text: &str) -> String {
    base64::encode(text.as_bytes())
}

/// Decodes a base64 string leniently about surrounding space, strictly about the alphabet.
///
/// # Errors
///
/// [`AuthDecodeError::Base64`] when the text is not base64.
pub fn decode(text: &str) -> Result<Vec<u8>, AuthDecodeError> {
    base64::decode(text.trim()).map_err(|err| AuthDecodeError::Base64(err.to_string()))
}

/// What a 334 challenge says once decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// The LOGIN mechanism's username question (`Username:`, `username:`, `User Name` ...).
    Username,
    /// The LOGIN mechanism's password question.
    Password,
    /// An empty challenge: send the initial response (PLAIN) or an empty line.
    Empty,
    /// Any other readable text, e.g. a CRAM-MD5 challenge `<1896.697170952@host>`.
    Text(String),
    /// The challenge is not base64 or not text.
    Undecodable,
}

/// Decodes the text of a `334` reply. Servers vary: case (`VXNlcm5hbWU6` vs
/// `dXNlcm5hbWU6`), a trailing NUL, or words other than the classic ones.
pub fn decode_prompt(challenge: &str) -> Prompt {
    let challenge = challenge.trim();
    if challenge.is_empty() {
        return Prompt::Empty;
    }
    let Ok(bytes) = decode(challenge) else {
        return Prompt::Undecodable;
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return Prompt::Undecodable;
    };
    let text = text.trim_end_matches('\0');
    let word: String = text
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase();
    match word.as_str() {
        "username" | "user" => Prompt::Username,
        "password" | "pass" => Prompt::Password,
        _ if text.is_empty() => Prompt::Empty,
        _ => Prompt::Text(text.to_owned()),
    }
}

/// The base64 answer of AUTH PLAIN: `authzid NUL authcid NUL password` (RFC 4616).
/// `authzid` is usually empty: act as the user you log in as.
pub fn encode_plain(authzid: &str, authcid: &str, password: &str) -> String {
    base64::encode(format!("{authzid}\0{authcid}\0{password}").as_bytes())
}

/// The parts of a decoded AUTH PLAIN answer. `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct PlainCredentials {
    /// Who to act as; empty means the user themself.
    pub authzid: String,
    /// Who is logging in.
    pub authcid: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for PlainCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlainCredentials")
            .field("authzid", &self.authzid)
            .field("authcid", &self.authcid)
            .finish_non_exhaustive()
    }
}

/// Decodes an AUTH PLAIN answer.
///
/// # Errors
///
/// [`AuthDecodeError`] when it is not base64 or does not have the three parts.
pub fn decode_plain(answer: &str) -> Result<PlainCredentials, AuthDecodeError> {
    let bytes = decode(answer)?;
    let parts: Vec<&[u8]> = bytes.split(|&b| b == 0).collect();
    let [authzid, authcid, password] = parts[..] else {
        return Err(AuthDecodeError::PlainShape {
            found: parts.len() - 1,
        });
    };
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Ok(PlainCredentials {
        authzid: text(authzid),
        authcid: text(authcid),
        password: text(password),
    })
}

/// The challenge of AUTH CRAM-MD5 (RFC 2195 2): a unique message id, `<random.time@host>`.
/// The server passes its randomness and the time in (this crate reads neither), and the
/// client must answer this exact text, so an old answer replayed later fails.
pub fn cram_md5_challenge(random: u64, unix_secs: u64, host: &str) -> String {
    format!("<{random}.{unix_secs}@{host}>")
}

/// Whether a decoded 334 challenge has the shape of CRAM-MD5's `<...@...>` message id.
pub fn is_cram_md5_challenge(text: &str) -> bool {
    text.len() > 2 && text.starts_with('<') && text.ends_with('>') && text.contains('@')
}

/// The HMAC-MD5 of a CRAM-MD5 challenge keyed with the password, as 32 lowercase hex digits.
pub fn cram_md5_digest(password: &str, challenge: &str) -> String {
    md5::hex(&md5::hmac_md5(password.as_bytes(), challenge.as_bytes()))
}

/// The text a client answers a CRAM-MD5 challenge with, before base64: the username, a
/// space and [`cram_md5_digest`]. The password itself never crosses the wire.
pub fn cram_md5_response(user: &str, password: &str, challenge: &str) -> String {
    format!("{user} {}", cram_md5_digest(password, challenge))
}

/// The parts of a decoded CRAM-MD5 answer: the username and the digest, lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CramAnswer {
    /// Who is logging in.
    pub user: String,
    /// The 32 hexadecimal digits of the HMAC, lowercase.
    pub digest: String,
}

/// Decodes the base64 answer to a CRAM-MD5 challenge. The username is everything before
/// the last space (RFC 2195 allows spaces in it).
///
/// # Errors
///
/// [`AuthDecodeError::Base64`] when it is not base64, [`AuthDecodeError::CramShape`] when
/// it is not `user SPACE 32-hex-digits`.
pub fn decode_cram_md5(answer: &str) -> Result<CramAnswer, AuthDecodeError> {
    let bytes = decode(answer)?;
    let text = String::from_utf8(bytes).map_err(|_| AuthDecodeError::CramShape)?;
    let (user, digest) = text.rsplit_once(' ').ok_or(AuthDecodeError::CramShape)?;
    if user.is_empty() || digest.len() != 32 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AuthDecodeError::CramShape);
    }
    Ok(CramAnswer {
        user: user.to_owned(),
        digest: digest.to_ascii_lowercase(),
    })
}

/// What a redacted line is replaced with.
pub const REDACTED: &str = "********";

/// Redacts a client line that carries a secret. `auth_answer` says whether the line answers
/// a 334 prompt (the caller's session state knows); `expecting_password` whether that
/// prompt asked for the password. `AUTH PLAIN <initial response>` is redacted too.
/// Returns `None` when the line holds no secret.
pub fn redact_client_line(
    line: &str,
    auth_answer: bool,
    expecting_password: bool,
) -> Option<String> {
    if auth_answer {
        // A LOGIN username may stay visible; a password, a PLAIN answer (which holds the
        // password) or an undecodable single word (a password typed in clear) may not.
        // `*` (cancel) and text that cannot be a credential (a placeholder with spaces or
        // non-ASCII, a command typed at the wrong moment) stay visible.
        let trimmed = line.trim();
        // A CRAM-MD5 answer holds no password, but its HMAC lets anyone who sees it test
        // guesses offline, so it is hidden as well.
        let is_username = !expecting_password
            && decode(line).is_ok_and(|b| !b.contains(&0))
            && decode_cram_md5(line).is_err();
        let not_a_secret = trimmed == "*"
            || trimmed.is_empty()
            || (decode(trimmed).is_err() && (!trimmed.is_ascii() || trimmed.contains(' ')));
        return (!is_username && !not_a_secret).then(|| REDACTED.to_owned());
    }
    let mut words = line.split_ascii_whitespace();
    let verb = words.next()?;
    if !verb.eq_ignore_ascii_case("AUTH") {
        return None;
    }
    let mechanism = words.next()?;
    let initial = words.next()?;
    if initial == "=" {
        // RFC 4954: "=" is an empty initial response, nothing secret.
        return None;
    }
    // `initial` is a slice of `line`, so its offset is the distance between the pointers.
    let prefix = line[..initial.as_ptr() as usize - line.as_ptr() as usize].trim_end();
    // What was sent, masked from where the secret starts: for PLAIN, the base64 groups
    // that hold only `authzid NUL authcid NUL` stay (a true prefix of the line sent), so
    // the line shown is the line sent, not a line that looks typed with a user name.
    let clear = decode_plain(initial)
        .ok()
        .filter(|_| mechanism.eq_ignore_ascii_case("PLAIN"))
        .and_then(|creds| {
            let octets = creds.authzid.len() + creds.authcid.len() + 2;
            initial.get(..octets / 3 * 4)
        })
        .unwrap_or_default();
    Some(format!("{prefix} {clear}{REDACTED}"))
}

/// A line to keep in place of a client line that holds a secret, for a record that is
/// annotated later (the sandbox's session recorder); `None` when the line holds none.
///
/// The lines are exactly those [`redact_client_line`] masks, and the stand-in keeps what
/// an explanation of the line uses, so an annotator explains it as it would the real line
/// and shows it masked the same way: a PLAIN answer keeps its user names around a
/// password of [`REDACTED`]; other base64 answers become the base64 of [`REDACTED`]; an
/// answer that was not base64 becomes [`REDACTED`] itself, which is not base64 either.
/// Neither the password nor its base64 survives.
pub fn stand_in(line: &str, auth_answer: bool, expecting_password: bool) -> Option<String> {
    redact_client_line(line, auth_answer, expecting_password)?;
    let secret = |answer: &str| match decode_plain(answer) {
        Ok(creds) => encode_plain(&creds.authzid, &creds.authcid, REDACTED),
        Err(_) if decode(answer).is_ok() => encode(REDACTED),
        Err(_) => REDACTED.to_owned(),
    };
    if auth_answer {
        return Some(secret(line.trim()));
    }
    // `AUTH <mechanism> <initial response>`: the words before the response stay.
    let mut words = line.split_ascii_whitespace();
    let (_verb, _mechanism, initial) = (words.next()?, words.next()?, words.next()?);
    let at = initial.as_ptr() as usize - line.as_ptr() as usize;
    let rest = &line[at + initial.len()..];
    Some(format!("{}{}{rest}", &line[..at], secret(initial)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_tutorial_prompts_and_variants() {
        assert_eq!(decode_prompt("dXNlcm5hbWU6"), Prompt::Username);
        assert_eq!(decode_prompt("VXNlcm5hbWU6"), Prompt::Username);
        assert_eq!(decode_prompt("UGFzc3dvcmQ6"), Prompt::Password);
        assert_eq!(decode_prompt(&encode("Password:\0")), Prompt::Password);
        assert_eq!(decode_prompt(&encode("User Name\0")), Prompt::Username);
        assert_eq!(decode_prompt(""), Prompt::Empty);
        assert_eq!(decode_prompt("   "), Prompt::Empty);
        assert_eq!(
            decode_prompt("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"),
            Prompt::Text("<1896.697170952@postoffice.reston.mci.net>".into())
        );
        assert_eq!(decode_prompt("not base64!"), Prompt::Undecodable);
        assert_eq!(
            decode_prompt(&base64::encode(&[0xff, 0xfe])),
            Prompt::Undecodable
        );
    }

    /// RFC 2195 section 2's example, byte for byte.
    #[test]
    fn cram_md5_rfc_2195_example() {
        let challenge = "<1896.697170952@postoffice.reston.mci.net>";
        assert_eq!(
            encode(challenge),
            "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"
        );
        assert_eq!(
            cram_md5_digest("tanstaaftanstaaf", challenge),
            "b913a602c7eda7a495b4e6e7334d3890"
        );
        let response = cram_md5_response("tim", "tanstaaftanstaaf", challenge);
        assert_eq!(
            encode(&response),
            "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"
        );
        assert_eq!(
            decode_cram_md5("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"),
            Ok(CramAnswer {
                user: "tim".into(),
                digest: "b913a602c7eda7a495b4e6e7334d3890".into()
            })
        );
    }

    /// Values computed with Python's `hmac.new(password, challenge, "md5")`.
    #[test]
    fn cram_md5_matches_python_hmac() {
        assert_eq!(
            cram_md5_digest(
                "playground",
                "<12345.1700000000@sandbox.smtp-playground.test>"
            ),
            "c33bb0565c1c0e5707f2aef461db3fe3"
        );
        assert_eq!(
            cram_md5_digest("", "<1.2@h>"),
            "ff25d16f829d322a8ed77df2363edcd5"
        );
    }

    #[test]
    fn cram_md5_challenge_and_bad_answers() {
        assert_eq!(cram_md5_challenge(42, 7, "mx.test"), "<42.7@mx.test>");
        assert!(matches!(
            decode_cram_md5("%%%"),
            Err(AuthDecodeError::Base64(_))
        ));
        for bad in [
            "tim",
            "tim b913",
            " b913a602c7eda7a495b4e6e7334d3890",
            "tim b913a602c7eda7a495b4e6e7334d389g",
        ] {
            assert_eq!(
                decode_cram_md5(&encode(bad)),
                Err(AuthDecodeError::CramShape),
                "{bad:?}"
            );
        }
        let spaced = decode_cram_md5(&encode("tim smith B913A602C7EDA7A495B4E6E7334D3890"));
        assert_eq!(
            spaced.map(|a| (a.user, a.digest)),
            Ok((
                "tim smith".into(),
                "b913a602c7eda7a495b4e6e7334d3890".into()
            ))
        );
    }

    #[test]
    fn encodes_the_tutorial_account() {
        assert_eq!(encode("phunxm@163.com"), "cGh1bnhtQDE2My5jb20=");
    }

    #[test]
    fn plain_round_trip_and_shape_errors() {
        let answer = encode_plain("", "alice", "s3cret");
        assert_eq!(answer, "AGFsaWNlAHMzY3JldA==");
        let creds = decode_plain(&answer).expect("valid");
        assert_eq!(
            (
                creds.authzid.as_str(),
                creds.authcid.as_str(),
                creds.password.as_str()
            ),
            ("", "alice", "s3cret")
        );
        assert!(!format!("{creds:?}").contains("s3cret"));
        assert_eq!(
            decode_plain(&encode("alice")),
            Err(AuthDecodeError::PlainShape { found: 0 })
        );
        assert!(matches!(
            decode_plain("%%%"),
            Err(AuthDecodeError::Base64(_))
        ));
    }

    #[test]
    fn redaction() {
        let plain = format!("AUTH PLAIN {}", encode_plain("", "alice", "s3cret"));
        assert_eq!(
            redact_client_line(&plain, false, false).as_deref(),
            Some("AUTH PLAIN AGFsaWNl********")
        );
        // The part kept is the start of what was sent, and holds no password.
        assert!(plain.starts_with("AUTH PLAIN AGFsaWNl"));
        let demo = format!("AUTH PLAIN {}", encode_plain("", "demo", "demo"));
        assert_eq!(
            redact_client_line(&demo, false, false).as_deref(),
            Some("AUTH PLAIN AGRlbW8A********")
        );
        assert_eq!(redact_client_line("auth login", false, false), None);
        assert_eq!(
            redact_client_line("AUTH LOGIN YWxpY2U=", false, false).as_deref(),
            Some("AUTH LOGIN ********")
        );
        assert_eq!(redact_client_line("MAIL FROM:<a@b>", false, false), None);
        assert_eq!(
            redact_client_line(&encode("s3cret"), true, true).as_deref(),
            Some(REDACTED)
        );
        assert_eq!(redact_client_line(&encode("alice"), true, false), None);
        assert_eq!(
            redact_client_line(&encode_plain("", "a", "p"), true, false).as_deref(),
            Some(REDACTED)
        );
        assert_eq!(redact_client_line("AUTH PLAIN =", false, false), None);
        let cram = encode(&cram_md5_response("tim", "tanstaaftanstaaf", "<1.2@h>"));
        assert_eq!(
            redact_client_line(&cram, true, false).as_deref(),
            Some(REDACTED)
        );
        assert_eq!(stand_in(&cram, true, false), Some(encode(REDACTED)));
    }
}
