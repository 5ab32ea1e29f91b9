//! TLS items: STARTTLS offered, the handshake, version, cipher, and the certificate's
//! chain, expiry and name (its key and signature in `cert_key`).

use super::{EXPIRY_WARN_DAYS, cert_key, not_tested};
use crate::check::cert::{names_match, unix_seconds};
use crate::check::observed::Observations;
use crate::check::{Facts, Item, Verdict};
use crate::wire::TlsInfo;
use crate::{tr, tx};

pub(super) fn items(o: &Observations, f: &Facts) -> Vec<Item> {
    let mut items = vec![offered(o), handshake(o)];
    match &o.tls {
        Some(info) => {
            items.push(version(info));
            items.push(cipher(info));
            items.push(chain(info));
            items.push(expiry(info, f.now_unix));
            items.push(name(info, &f.name));
            items.push(cert_key::key(info));
            items.push(cert_key::signature(info));
        }
        None => {
            items.push(not_tested("tls-version", "RFC 8996", |l| {
                tx!(l, "TLS version", "TLS 版本")
            }));
            items.push(not_tested("tls-cipher", "RFC 9325 4.2", |l| {
                tx!(l, "TLS cipher", "TLS 密码套件")
            }));
            items.push(not_tested("cert-chain", "RFC 5280 6", |l| {
                tx!(l, "Certificate chain", "证书链")
            }));
            items.push(not_tested("cert-expiry", "RFC 5280 4.1.2.5", |l| {
                tx!(l, "Certificate expiry", "证书有效期")
            }));
            items.push(not_tested("cert-name", "RFC 6125 6.4", |l| {
                tx!(l, "Certificate name", "证书名称")
            }));
            items.push(not_tested("cert-key", "NIST SP 800-57 Pt 1 5.6", |l| {
                tx!(l, "Certificate key", "证书密钥")
            }));
            items.push(not_tested("cert-signature", "NIST SP 800-131A 9", |l| {
                tx!(l, "Certificate signature", "证书签名")
            }));
        }
    }
    items
}

fn offered(o: &Observations) -> Item {
    const REFERENCE: &str = "RFC 3207";
    if o.implicit_tls {
        return Item::new(
            "starttls",
            Verdict::Pass,
            "RFC 8314 3.3",
            "implicit",
            |lang| {
                (
                    tx!(lang, "TLS from the first byte", "从第一个字节起使用 TLS"),
                    tx!(
                        lang,
                        "This port speaks TLS before SMTP (implicit TLS), so STARTTLS is not needed.",
                        "此端口在 SMTP 之前就使用 TLS（隐式 TLS），因此不需要 STARTTLS。"
                    ),
                )
            },
        );
    }
    let Some(ehlo) = o.ehlo.as_ref().filter(|e| e.ok()) else {
        return not_tested("starttls", REFERENCE, |l| tx!(l, "STARTTLS", "STARTTLS"));
    };
    if ehlo.offers("STARTTLS") {
        Item::new("starttls", Verdict::Pass, REFERENCE, "STARTTLS", |lang| {
            (
                tx!(lang, "STARTTLS is offered", "提供 STARTTLS"),
                tx!(
                    lang,
                    "Senders can encrypt the connection before sending mail.",
                    "发件方可以在发送邮件之前加密连接。"
                ),
            )
        })
    } else {
        Item::new("starttls", Verdict::Fail, REFERENCE, "", |lang| {
            (
                tx!(lang, "STARTTLS is not offered", "不提供 STARTTLS"),
                tx!(
                    lang,
                    "Mail to this server travels in cleartext, readable on the way. Configure a certificate and enable STARTTLS (Postfix: smtpd_tls_security_level = may, with smtpd_tls_chain_files).",
                    "发往此服务器的邮件以明文传输，途中可被读取。请配置证书并启用 STARTTLS（Postfix：smtpd_tls_security_level = may，并设置 smtpd_tls_chain_files）。"
                ),
            )
        })
    }
}

fn handshake(o: &Observations) -> Item {
    const REFERENCE: &str = "RFC 3207 4";
    if let Some(info) = &o.tls {
        let value = format!("{} {}", info.version, info.cipher);
        return Item::new("tls-handshake", Verdict::Pass, REFERENCE, value, |lang| {
            (
                tx!(lang, "The TLS handshake works", "TLS 握手成功"),
                tx!(lang, "The connection is encrypted.", "连接已加密。"),
            )
        });
    }
    if let Some(why) = &o.tls_error {
        return Item::new(
            "tls-handshake",
            Verdict::Fail,
            REFERENCE,
            why.clone(),
            |lang| {
                (
                    tx!(lang, "The TLS handshake fails", "TLS 握手失败"),
                    tx!(
                        lang,
                        "The server offers TLS but the handshake does not complete: senders that insist on TLS cannot deliver, the others fall back to cleartext. Check the certificate files and the protocol versions the server allows.",
                        "服务器提供 TLS，但握手无法完成：坚持使用 TLS 的发件方无法投递，其他发件方则退回明文。请检查证书文件和服务器允许的协议版本。"
                    ),
                )
            },
        );
    }
    if let Some(starttls) = o.starttls.as_ref().filter(|s| s.code != 220) {
        return Item::new(
            "tls-handshake",
            Verdict::Fail,
            REFERENCE,
            starttls.summary(),
            |lang| {
                (
                    tx!(lang, "STARTTLS is refused", "STARTTLS 被拒绝"),
                    tx!(
                        lang,
                        "The server offers STARTTLS in EHLO, then refuses it (often a missing certificate). Fix the TLS settings, or stop offering it.",
                        "服务器在 EHLO 中提供 STARTTLS，却又拒绝它（通常是缺少证书）。请修正 TLS 设置，或不再提供它。"
                    ),
                )
            },
        );
    }
    not_tested("tls-handshake", REFERENCE, |l| {
        tx!(l, "TLS handshake", "TLS 握手")
    })
}

fn version(info: &TlsInfo) -> Item {
    let v = info.version.clone();
    let old = ["TLSv1.0", "TLSv1_0", "TLSv1.1", "TLSv1_1", "SSLv3", "SSLv2"]
        .iter()
        .any(|o| v.eq_ignore_ascii_case(o));
    let verdict = if old { Verdict::Fail } else { Verdict::Pass };
    Item::new("tls-version", verdict, "RFC 8996", v.clone(), move |lang| {
        if old {
            (
                tr!(lang, "{v} is obsolete", "{v} 已过时"),
                tx!(
                    lang,
                    "TLS 1.0 and 1.1 are deprecated (RFC 8996) and broken in several ways. Allow TLS 1.2 and 1.3 only.",
                    "TLS 1.0 和 1.1 已被弃用（RFC 8996），且存在多种缺陷。请只允许 TLS 1.2 和 1.3。"
                ),
            )
        } else {
            (
                tr!(lang, "{v} is current", "{v} 是当前版本"),
                tx!(
                    lang,
                    "TLS 1.2 and 1.3 are the versions to use (RFC 9325).",
                    "应使用 TLS 1.2 和 1.3（RFC 9325）。"
                ),
            )
        }
    })
}

fn cipher(info: &TlsInfo) -> Item {
    let c = info.cipher.clone();
    let upper = c.to_ascii_uppercase();
    let aead = ["GCM", "CHACHA20", "CCM"].iter().any(|a| upper.contains(a));
    let verdict = if aead { Verdict::Pass } else { Verdict::Warn };
    Item::new(
        "tls-cipher",
        verdict,
        "RFC 9325 4.2",
        c.clone(),
        move |lang| {
            if aead {
                (
                    tr!(lang, "Cipher {c}", "密码套件 {c}"),
                    tx!(
                        lang,
                        "An authenticated encryption cipher, as RFC 9325 recommends.",
                        "这是 RFC 9325 推荐的认证加密密码套件。"
                    ),
                )
            } else {
                (
                    tr!(lang, "Weak cipher {c}", "弱密码套件 {c}"),
                    tx!(
                        lang,
                        "Prefer AES-GCM or ChaCha20-Poly1305 suites (RFC 9325 4.2).",
                        "请优先使用 AES-GCM 或 ChaCha20-Poly1305 密码套件（RFC 9325 4.2）。"
                    ),
                )
            }
        },
    )
}

/// A verification failure that is about the name only: the chain itself verified.
fn only_name_failed(info: &TlsInfo) -> bool {
    info.verify_error
        .as_deref()
        .is_some_and(|e| e.contains("not valid for the name"))
}

fn chain(info: &TlsInfo) -> Item {
    const REFERENCE: &str = "RFC 5280 6";
    if info.verified || only_name_failed(info) {
        let issuer = info
            .certificates
            .first()
            .map(|c| c.issuer.clone())
            .unwrap_or_default();
        return Item::new("cert-chain", Verdict::Pass, REFERENCE, issuer, |lang| {
            (
                tx!(lang, "The certificate chain is trusted", "证书链受信任"),
                tx!(
                    lang,
                    "It leads to a certificate authority the bridge trusts.",
                    "它可以追溯到桥接程序信任的证书颁发机构。"
                ),
            )
        });
    }
    let why = info.verify_error.clone().unwrap_or_default();
    Item::new("cert-chain", Verdict::Fail, REFERENCE, why, |lang| {
        (
            tx!(lang, "The certificate is not trusted", "证书不受信任"),
            tx!(
                lang,
                "Senders that verify certificates (MTA-STS, DANE, many providers) will not deliver. Use a certificate from a public authority (Let's Encrypt) and send the whole chain (the intermediate certificates too).",
                "会验证证书的发件方（MTA-STS、DANE、许多邮件服务商）将不会投递。请使用公共证书颁发机构（如 Let's Encrypt）签发的证书，并发送完整证书链（包括中间证书）。"
            ),
        )
    })
}

fn expiry(info: &TlsInfo, now: Option<i64>) -> Item {
    const REFERENCE: &str = "RFC 5280 4.1.2.5";
    let leaf = info.certificates.first();
    let end = leaf.and_then(|c| unix_seconds(&c.not_after));
    let (Some(now), Some(end), Some(leaf)) = (now, end, leaf) else {
        return not_tested("cert-expiry", REFERENCE, |l| {
            tx!(l, "Certificate expiry", "证书有效期")
        });
    };
    let days = (end - now).div_euclid(86_400);
    let value = format!("{days} days ({})", leaf.not_after);
    let verdict = if end <= now {
        Verdict::Fail
    } else if days < EXPIRY_WARN_DAYS {
        Verdict::Warn
    } else {
        Verdict::Pass
    };
    Item::new(
        "cert-expiry",
        verdict,
        REFERENCE,
        value,
        move |lang| match verdict {
            Verdict::Fail => (
                tx!(lang, "The certificate has expired", "证书已过期"),
                tx!(
                    lang,
                    "Renew it now; senders that verify refuse to deliver.",
                    "请立即续期；会验证证书的发件方将拒绝投递。"
                ),
            ),
            Verdict::Warn => (
                tr!(
                    lang,
                    "The certificate expires in {days} days",
                    "证书将在 {days} 天后过期"
                ),
                tx!(
                    lang,
                    "Renew it soon, and check that renewal is automatic (certbot, acme.sh) and that the server reloads it.",
                    "请尽快续期，并确认续期是自动的（certbot、acme.sh），且服务器会重新加载它。"
                ),
            ),
            _ => (
                tr!(
                    lang,
                    "The certificate is valid for {days} more days",
                    "证书还有 {days} 天有效期"
                ),
                tx!(lang, "No action needed.", "无需处理。"),
            ),
        },
    )
}

fn name(info: &TlsInfo, name: &str) -> Item {
    const REFERENCE: &str = "RFC 6125 6.4";
    let Some(leaf) = info.certificates.first() else {
        return not_tested("cert-name", REFERENCE, |l| {
            tx!(l, "Certificate name", "证书名称")
        });
    };
    let sans = leaf.sans.join(", ");
    let name = name.to_owned();
    if names_match(&leaf.sans, &name) {
        return Item::new("cert-name", Verdict::Pass, REFERENCE, sans, move |lang| {
            (
                tr!(lang, "The certificate names {name}", "证书包含名称 {name}"),
                tx!(
                    lang,
                    "Senders that check the name against the MX host (MTA-STS, DANE-TA) will accept it.",
                    "会根据 MX 主机检查名称的发件方（MTA-STS、DANE-TA）将接受它。"
                ),
            )
        });
    }
    Item::new("cert-name", Verdict::Fail, REFERENCE, sans, move |lang| {
        (
            tr!(
                lang,
                "The certificate does not name {name}",
                "证书不包含名称 {name}"
            ),
            tx!(
                lang,
                "The certificate is for other names (listed in the value). Senders that verify the MX name (MTA-STS, DANE-TA) refuse to deliver. Get a certificate whose subject alternative names include the MX host name.",
                "证书是为其他名称签发的（见值）。会验证 MX 名称的发件方（MTA-STS、DANE-TA）将拒绝投递。请获取主题备用名称中包含 MX 主机名的证书。"
            ),
        )
    })
}
