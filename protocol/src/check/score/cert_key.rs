//! The certificate's cryptography: the server key's algorithm and size, and the hash
//! the chain is signed with (what CheckTLS and internet.nl grade besides trust and name).

use crate::check::{Item, Verdict};
use crate::tx;
use crate::wire::TlsInfo;

/// The smallest RSA modulus with 112 bits of security (NIST SP 800-57 Part 1, 5.6).
const MIN_RSA_BITS: u32 = 2048;

const KEY_REFERENCE: &str = "NIST SP 800-57 Pt 1 5.6";
const SIGNATURE_REFERENCE: &str = "NIST SP 800-131A 9";

/// How strong a key description (`RSA 2048`, `EC P-256`, `Ed25519`) is.
fn key_verdict(key: &str) -> Verdict {
    if let Some(bits) = key.strip_prefix("RSA ") {
        return match bits.parse::<u32>() {
            Ok(bits) if bits >= MIN_RSA_BITS => Verdict::Pass,
            Ok(_) => Verdict::Fail,
            Err(_) => Verdict::Info,
        };
    }
    match key {
        "EC P-256" | "EC P-384" | "EC P-521" | "Ed25519" | "Ed448" => Verdict::Pass,
        _ => Verdict::Info,
    }
}

/// How strong a signature algorithm's hash is, by its short name.
fn signature_verdict(signature: &str) -> Verdict {
    let lower = signature.to_ascii_lowercase();
    if ["sha1", "md5", "md2"]
        .iter()
        .any(|weak| lower.contains(weak))
    {
        Verdict::Fail
    } else if ["sha256", "sha384", "sha512", "ed25519", "ed448"]
        .iter()
        .any(|good| lower.contains(good))
    {
        Verdict::Pass
    } else {
        Verdict::Info
    }
}

/// The server's own key (the first certificate's).
pub(super) fn key(info: &TlsInfo) -> Item {
    let key = info
        .certificates
        .first()
        .map(|c| c.key.clone())
        .unwrap_or_default();
    let verdict = key_verdict(&key);
    Item::new(
        "cert-key",
        verdict,
        KEY_REFERENCE,
        key,
        move |lang| match verdict {
            Verdict::Pass => (
                tx!(lang, "The certificate's key is strong", "证书的密钥足够强"),
                tx!(
                    lang,
                    "RSA of 2048 bits or more, or an elliptic curve key (P-256, P-384, P-521, Ed25519) gives at least 112 bits of security.",
                    "2048 位及以上的 RSA 密钥，或椭圆曲线密钥（P-256、P-384、P-521、Ed25519），可提供至少 112 位的安全强度。"
                ),
            ),
            Verdict::Fail => (
                tx!(lang, "The certificate's key is too short", "证书的密钥太短"),
                tx!(
                    lang,
                    "An RSA key under 2048 bits gives less than 112 bits of security and can be broken; certificate authorities no longer issue them. Make a new key (RSA 2048 or more, or EC P-256) and a new certificate.",
                    "少于 2048 位的 RSA 密钥安全强度低于 112 位，可被破解；证书颁发机构已不再为其签发证书。请生成新密钥（2048 位及以上的 RSA，或 EC P-256）并重新申请证书。"
                ),
            ),
            _ => (
                tx!(
                    lang,
                    "The certificate's key type is not judged",
                    "未评估证书的密钥类型"
                ),
                tx!(
                    lang,
                    "The bridge could not tell the key's algorithm and size, or does not grade this kind of key.",
                    "桥接程序无法识别密钥的算法和长度，或不评估这类密钥。"
                ),
            ),
        },
    )
}

/// The signatures that matter: the server's certificate and the intermediates. A
/// self-signed root is trusted for itself, so its own signature is not checked.
pub(super) fn signature(info: &TlsInfo) -> Item {
    let judged: Vec<(&str, Verdict)> = info
        .certificates
        .iter()
        .enumerate()
        .filter(|(i, c)| *i == 0 || c.subject != c.issuer)
        .map(|(_, c)| (c.signature.as_str(), signature_verdict(&c.signature)))
        .collect();
    let worst = judged
        .iter()
        .find(|(_, v)| *v == Verdict::Fail)
        .or_else(|| judged.iter().find(|(_, v)| *v == Verdict::Info))
        .or_else(|| judged.first());
    let (value, verdict) = worst.map_or(("", Verdict::Info), |(s, v)| (*s, *v));
    Item::new(
        "cert-signature",
        verdict,
        SIGNATURE_REFERENCE,
        value,
        move |lang| match verdict {
            Verdict::Pass => (
                tx!(
                    lang,
                    "The chain is signed with SHA-2",
                    "证书链使用 SHA-2 签名"
                ),
                tx!(
                    lang,
                    "The certificate and its intermediates are signed with SHA-256 or stronger (or EdDSA).",
                    "证书及其中间证书使用 SHA-256 或更强的算法（或 EdDSA）签名。"
                ),
            ),
            Verdict::Fail => (
                tx!(
                    lang,
                    "The chain is signed with a broken hash",
                    "证书链使用已被攻破的哈希签名"
                ),
                tx!(
                    lang,
                    "SHA-1 and MD5 signatures can be forged (collisions are practical) and are no longer accepted for certificates. Get the certificate (and intermediates) reissued with SHA-256.",
                    "SHA-1 和 MD5 签名可被伪造（碰撞攻击已切实可行），证书已不再接受这类签名。请使用 SHA-256 重新签发证书（及中间证书）。"
                ),
            ),
            _ => (
                tx!(
                    lang,
                    "The signature algorithm is not judged",
                    "未评估签名算法"
                ),
                tx!(
                    lang,
                    "The bridge could not tell which hash signs the certificate (RSASSA-PSS, or an algorithm it does not know).",
                    "桥接程序无法判断证书签名所用的哈希（RSASSA-PSS，或它不认识的算法）。"
                ),
            ),
        },
    )
}
