//! The conversation's items: connection, banner, EHLO, AUTH before TLS, the
//! extensions, postmaster, VRFY/EXPN and the open relay test.

use super::{SLOW_BANNER_MS, not_tested};
use crate::check::observed::{Observations, Seen};
use crate::check::{Facts, Item, Verdict, is_submission};
use crate::lang::Lang;
use crate::{tr, tx};

pub(super) fn connect(f: &Facts) -> Item {
    match &f.connect_error {
        Some(why) => Item::new(
            "connect",
            Verdict::Fail,
            "RFC 5321 3.1",
            why.clone(),
            |lang| {
                (
                    tx!(lang, "No connection", "无法连接"),
                    tx!(
                        lang,
                        "The server could not be reached on this port. Senders will retry and then bounce the mail. Check that the server runs, listens on this address and port, and that no firewall blocks it.",
                        "无法在此端口连接服务器。发件方会重试，然后退信。请检查服务器是否运行、是否在此地址和端口监听、以及是否被防火墙阻挡。"
                    ),
                )
            },
        ),
        None => {
            let value = f.address.clone().unwrap_or_default();
            Item::new("connect", Verdict::Pass, "RFC 5321 3.1", value, |lang| {
                (
                    tx!(lang, "The server accepts connections", "服务器接受连接"),
                    tx!(lang, "The TCP connection was made.", "TCP 连接已建立。"),
                )
            })
        }
    }
}

pub(super) fn banner(o: &Observations) -> Vec<Item> {
    let Some(banner) = &o.banner else {
        return vec![
            not_tested("banner", "RFC 5321 4.3.1", |l| tx!(l, "Banner", "欢迎信息")),
            not_tested("banner-time", "RFC 5321 4.5.3.2", |l| {
                tx!(l, "Banner delay", "欢迎信息延迟")
            }),
            not_tested("banner-name", "RFC 5321 4.3.1", |l| {
                tx!(l, "Banner host name", "欢迎信息中的主机名")
            }),
        ];
    };
    let greeted = if banner.code == 220 {
        Item::new(
            "banner",
            Verdict::Pass,
            "RFC 5321 4.3.1",
            banner.summary(),
            |lang| {
                (
                    tx!(lang, "The server greets with 220", "服务器以 220 问候"),
                    tx!(
                        lang,
                        "The banner says the server is ready for mail.",
                        "欢迎信息表示服务器已准备好接收邮件。"
                    ),
                )
            },
        )
    } else {
        Item::new(
            "banner",
            Verdict::Fail,
            "RFC 5321 4.3.1",
            banner.summary(),
            |lang| {
                (
                    tx!(
                        lang,
                        "The server refuses at the greeting",
                        "服务器在问候时即拒绝"
                    ),
                    tx!(
                        lang,
                        "A 554 or 421 banner turns every sender away before EHLO. If this is not meant (a blocklist, an overloaded server), fix the server's connection limits or access rules.",
                        "554 或 421 欢迎信息会在 EHLO 之前拒绝所有发件方。如果不是有意为之（黑名单、服务器过载），请修正服务器的连接限制或访问规则。"
                    ),
                )
            },
        )
    };
    let time = match banner.latency_ms {
        None => not_tested("banner-time", "RFC 5321 4.5.3.2", |l| {
            tx!(l, "Banner delay", "欢迎信息延迟")
        }),
        Some(ms) if ms >= SLOW_BANNER_MS => Item::new(
            "banner-time",
            Verdict::Warn,
            "RFC 5321 4.5.3.2",
            format!("{ms} ms"),
            |lang| {
                (
                    tr!(lang, "The banner took {ms} ms", "欢迎信息用了 {ms} 毫秒"),
                    tx!(
                        lang,
                        "A greet pause or tarpit: the server waits before greeting, to catch clients that talk too early (Postfix postscreen, Exim's delay). Legitimate senders wait, but a long pause slows all mail and some clients time out. Keep it under a few seconds.",
                        "问候停顿或“焦油坑”：服务器在问候前等待，以识别抢先发言的客户端（Postfix postscreen、Exim 延迟）。正常发件方会等待，但停顿过长会拖慢所有邮件，某些客户端会超时。请控制在几秒之内。"
                    ),
                )
            },
        ),
        Some(ms) => Item::new(
            "banner-time",
            Verdict::Pass,
            "RFC 5321 4.5.3.2",
            format!("{ms} ms"),
            |lang| {
                (
                    tr!(
                        lang,
                        "The banner came in {ms} ms",
                        "欢迎信息在 {ms} 毫秒内到达"
                    ),
                    tx!(lang, "The server greets promptly.", "服务器及时问候。"),
                )
            },
        ),
    };
    let name = o.banner_name().unwrap_or_default();
    let named = if looks_like_fqdn(&name) {
        Item::new(
            "banner-name",
            Verdict::Pass,
            "RFC 5321 4.3.1",
            name,
            |lang| {
                (
                    tx!(lang, "The banner names the host", "欢迎信息包含主机名"),
                    tx!(
                        lang,
                        "The greeting starts with the server's fully qualified domain name, as RFC 5321 asks.",
                        "问候以服务器的完整域名开头，符合 RFC 5321 的要求。"
                    ),
                )
            },
        )
    } else {
        Item::new(
            "banner-name",
            Verdict::Warn,
            "RFC 5321 4.3.1",
            name,
            |lang| {
                (
                    tx!(
                        lang,
                        "The banner does not start with a host name",
                        "欢迎信息没有以主机名开头"
                    ),
                    tx!(
                        lang,
                        "RFC 5321 4.3.1 asks the 220 line to start with the server's fully qualified domain name. Set it (Postfix: smtpd_banner = $myhostname ESMTP) to the name the address's reverse DNS gives.",
                        "RFC 5321 4.3.1 要求 220 行以服务器的完整域名开头。请设置它（Postfix：smtpd_banner = $myhostname ESMTP），并与该地址的反向解析名一致。"
                    ),
                )
            },
        )
    };
    vec![greeted, time, named]
}

/// A name with a dot and only host name characters (not an address literal).
pub(super) fn looks_like_fqdn(name: &str) -> bool {
    name.contains('.')
        && !name.starts_with('[')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

pub(super) fn ehlo(o: &Observations) -> Vec<Item> {
    let Some(ehlo) = &o.ehlo else {
        return vec![not_tested("ehlo", "RFC 5321 4.1.1.1", |l| {
            tx!(l, "EHLO", "EHLO")
        })];
    };
    let accepted = if ehlo.ok() {
        Item::new(
            "ehlo",
            Verdict::Pass,
            "RFC 5321 4.1.1.1",
            ehlo.summary(),
            |lang| {
                (
                    tx!(lang, "EHLO is accepted", "EHLO 被接受"),
                    tx!(
                        lang,
                        "The server speaks ESMTP and lists its extensions.",
                        "服务器支持 ESMTP 并列出了它的扩展。"
                    ),
                )
            },
        )
    } else {
        Item::new(
            "ehlo",
            Verdict::Fail,
            "RFC 5321 4.1.1.1",
            ehlo.summary(),
            |lang| {
                (
                    tx!(lang, "EHLO is refused", "EHLO 被拒绝"),
                    tx!(
                        lang,
                        "Without EHLO there are no extensions: no STARTTLS, no SIZE, no 8BITMIME. Every modern server must accept EHLO; check its HELO restrictions.",
                        "没有 EHLO 就没有扩展：没有 STARTTLS、SIZE、8BITMIME。所有现代服务器都必须接受 EHLO；请检查其 HELO 限制。"
                    ),
                )
            },
        )
    };
    let keywords: Vec<String> = o
        .final_ehlo()
        .map(Seen::extensions)
        .unwrap_or_default()
        .iter()
        .map(|e| e.keyword().to_owned())
        .collect();
    let list = keywords.join(" ");
    let offered = Item::new("extensions", Verdict::Info, "RFC 5321 2.2", list, |lang| {
        let n = keywords.len();
        (
            tr!(lang, "{n} extensions offered", "提供了 {n} 个扩展"),
            tx!(
                lang,
                "The keywords after the first line of the EHLO reply (inside TLS when TLS is on); each line above explains one.",
                "EHLO 回复第一行之后的关键字（若开启了 TLS，则取 TLS 内的回复）；上面每一行解释了一个扩展。"
            ),
        )
    });
    vec![accepted, offered]
}

pub(super) fn auth_before_tls(o: &Observations, f: &Facts) -> Item {
    const REFERENCE: &str = "RFC 8314 3.3";
    if o.implicit_tls {
        return Item::new("auth-before-tls", Verdict::Pass, REFERENCE, "", |lang| {
            (
                tx!(lang, "No cleartext phase", "没有明文阶段"),
                tx!(
                    lang,
                    "TLS starts with the first byte, so AUTH is never offered in cleartext.",
                    "TLS 从第一个字节开始，因此 AUTH 不会以明文提供。"
                ),
            )
        });
    }
    let Some(ehlo) = o.ehlo.as_ref().filter(|e| e.ok()) else {
        return not_tested("auth-before-tls", REFERENCE, |l| {
            tx!(l, "AUTH before TLS", "TLS 之前的 AUTH")
        });
    };
    if !ehlo.offers("AUTH") {
        return Item::new("auth-before-tls", Verdict::Pass, REFERENCE, "", |lang| {
            (
                tx!(
                    lang,
                    "AUTH is not offered in cleartext",
                    "不以明文提供 AUTH"
                ),
                tx!(
                    lang,
                    "Passwords can only be sent once the connection is encrypted.",
                    "只有在连接加密后才能发送密码。"
                ),
            )
        });
    }
    let verdict = if is_submission(f) {
        Verdict::Fail
    } else {
        Verdict::Warn
    };
    let port = f.port;
    Item::new("auth-before-tls", verdict, REFERENCE, "AUTH", move |lang| {
        (
            tr!(
                lang,
                "AUTH is offered before TLS on port {port}",
                "端口 {port} 在 TLS 之前就提供 AUTH"
            ),
            tx!(
                lang,
                "A client may send its password in cleartext, readable by anyone on the path. Offer AUTH only after STARTTLS (Postfix: smtpd_tls_auth_only = yes), and require TLS on submission (RFC 8314).",
                "客户端可能以明文发送密码，路径上的任何人都能读取。请只在 STARTTLS 之后提供 AUTH（Postfix：smtpd_tls_auth_only = yes），并在提交端口上强制 TLS（RFC 8314）。"
            ),
        )
    })
}

/// SIZE, PIPELINING, 8BITMIME, SMTPUTF8, CHUNKING: offered is a pass; missing is a
/// warning for the first three (every modern server has them), information for the
/// others.
pub(super) fn extensions(o: &Observations) -> Vec<Item> {
    let table: [(&'static str, &'static str, &'static str, bool); 5] = [
        ("size", "SIZE", "RFC 1870", true),
        ("pipelining", "PIPELINING", "RFC 2920", true),
        ("8bitmime", "8BITMIME", "RFC 6152", true),
        ("smtputf8", "SMTPUTF8", "RFC 6531", false),
        ("chunking", "CHUNKING", "RFC 3030", false),
    ];
    let ehlo = o.final_ehlo().filter(|e| e.ok());
    table
        .into_iter()
        .map(|(id, keyword, reference, expected)| {
            let Some(ehlo) = ehlo else {
                return Item::new(id, Verdict::NotTested, reference, "", move |lang| {
                    (
                        tr!(lang, "{keyword}: not tested", "{keyword}：未测试"),
                        tx!(lang, "EHLO was not accepted.", "EHLO 未被接受。"),
                    )
                });
            };
            let found = ehlo
                .extensions()
                .into_iter()
                .find(|e| e.keyword().eq_ignore_ascii_case(keyword));
            match found {
                Some(ext) => {
                    let meaning = ext.explanation();
                    Item::new(id, Verdict::Pass, reference, keyword, move |lang| {
                        (
                            tr!(lang, "{keyword} is offered", "提供 {keyword}"),
                            meaning.get(lang).to_owned(),
                        )
                    })
                }
                None => {
                    let verdict = if expected { Verdict::Warn } else { Verdict::Info };
                    Item::new(id, verdict, reference, "", move |lang| {
                        (
                            tr!(lang, "{keyword} is not offered", "不提供 {keyword}"),
                            if expected {
                                tr!(
                                    lang,
                                    "Nearly every server offers {keyword} ({reference}); without it senders fall back to slower or less capable ways. Enable it in the server's settings.",
                                    "几乎所有服务器都提供 {keyword}（{reference}）；没有它，发件方只能退回到更慢或功能更少的方式。请在服务器设置中启用它。"
                                )
                            } else {
                                tr!(
                                    lang,
                                    "{keyword} ({reference}) is optional; offering it helps senders that use it.",
                                    "{keyword}（{reference}）是可选的；提供它对使用它的发件方有帮助。"
                                )
                            },
                        )
                    })
                }
            }
        })
        .collect()
}

/// Postmaster, VRFY, EXPN and the open relay test.
pub(super) fn envelope(o: &Observations) -> Vec<Item> {
    vec![
        postmaster(o),
        vrfy_expn(o, true),
        vrfy_expn(o, false),
        open_relay(o),
    ]
}

fn postmaster(o: &Observations) -> Item {
    const REFERENCE: &str = "RFC 5321 4.5.1";
    let Some(rcpt) = &o.postmaster else {
        return not_tested("postmaster", REFERENCE, |l| {
            tx!(l, "postmaster accepted", "接受 postmaster")
        });
    };
    let verdict = match rcpt.code {
        200..=299 => Verdict::Pass,
        400..=499 => Verdict::Warn,
        _ => Verdict::Fail,
    };
    Item::new(
        "postmaster",
        verdict,
        REFERENCE,
        rcpt.summary(),
        move |lang| match verdict {
            Verdict::Pass => (
                tx!(lang, "postmaster is accepted", "接受 postmaster"),
                tx!(
                    lang,
                    "Mail about problems can reach the people who run this server.",
                    "关于问题的邮件可以送达管理此服务器的人。"
                ),
            ),
            Verdict::Warn => (
                tx!(
                    lang,
                    "postmaster is deferred (4xx)",
                    "postmaster 被暂缓（4xx）"
                ),
                tx!(
                    lang,
                    "A temporary refusal, often greylisting: retry later. RFC 5321 4.5.1 requires that postmaster always receives mail.",
                    "临时拒绝，通常是灰名单：稍后重试。RFC 5321 4.5.1 要求 postmaster 必须始终能收到邮件。"
                ),
            ),
            _ => (
                tx!(lang, "postmaster is refused", "拒绝 postmaster"),
                tx!(
                    lang,
                    "RFC 5321 4.5.1: every domain that receives mail must accept mail for postmaster, so that problems can be reported. Add a postmaster alias, and exempt it from sender checks (the probe used the null sender <>, as bounces do).",
                    "RFC 5321 4.5.1：每个接收邮件的域名都必须接受发给 postmaster 的邮件，以便报告问题。请添加 postmaster 别名，并将其排除在发件人检查之外（探测使用了空发件人 <>，与退信相同）。"
                ),
            ),
        },
    )
}

fn vrfy_expn(o: &Observations, vrfy: bool) -> Item {
    let (id, seen, verb) = if vrfy {
        ("vrfy", &o.vrfy, "VRFY")
    } else {
        ("expn", &o.expn, "EXPN")
    };
    const REFERENCE: &str = "RFC 5321 7.3";
    let Some(seen) = seen else {
        return if vrfy {
            not_tested(id, REFERENCE, |l| tx!(l, "VRFY", "VRFY"))
        } else {
            not_tested(id, REFERENCE, |l| tx!(l, "EXPN", "EXPN"))
        };
    };
    let exposed = matches!(seen.code, 250 | 251);
    let verdict = if exposed {
        Verdict::Warn
    } else {
        Verdict::Pass
    };
    Item::new(id, verdict, REFERENCE, seen.summary(), move |lang| {
        if exposed {
            (
                tr!(lang, "{verb} reveals addresses", "{verb} 会泄露地址"),
                tr!(
                    lang,
                    "{verb} postmaster was answered with the mailbox: spammers use this to harvest valid addresses. Disable it (Postfix: disable_vrfy_command = yes) or answer 252.",
                    "{verb} postmaster 得到了邮箱的回答：垃圾邮件发送者借此收集有效地址。请禁用它（Postfix：disable_vrfy_command = yes）或回答 252。"
                ),
            )
        } else {
            (
                tr!(lang, "{verb} reveals nothing", "{verb} 不泄露信息"),
                tr!(
                    lang,
                    "{verb} is refused or answered without confirming the address (252, 502, 550), as RFC 5321 7.3 allows for privacy.",
                    "{verb} 被拒绝，或回答时未确认地址（252、502、550），这是 RFC 5321 7.3 出于隐私所允许的。"
                ),
            )
        }
    })
}

fn open_relay(o: &Observations) -> Item {
    const REFERENCE: &str = "RFC 5321 3.6.2, BCP 30";
    let Some(mail) = &o.relay_mail else {
        return not_tested("open-relay", REFERENCE, |l| {
            tx!(l, "Open relay", "开放中继")
        });
    };
    let seen = o.relay_rcpt.as_ref().unwrap_or(mail);
    let verdict = match (mail.ok(), o.relay_rcpt.as_ref().map(|r| r.code)) {
        (false, _) if mail.code >= 500 => Verdict::Pass,
        (false, _) => Verdict::Warn,
        (true, None) => Verdict::NotTested,
        (true, Some(200..=299)) => Verdict::Fail,
        (true, Some(500..)) => Verdict::Pass,
        (true, Some(_)) => Verdict::Warn,
    };
    let words = move |lang: Lang| match verdict {
        Verdict::Fail => (
            tx!(
                lang,
                "OPEN RELAY: mail from outside to outside is accepted",
                "开放中继：接受外部发往外部的邮件"
            ),
            tx!(
                lang,
                "The server accepted a recipient in a domain it does not serve, from a sender in another such domain. Spammers will use it, and it will be blocklisted within hours. Accept only your own domains without authentication (Postfix: smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination).",
                "服务器接受了来自外部域名发件人、发往它不负责的域名的收件人。垃圾邮件发送者会利用它，几小时内就会被列入黑名单。未经认证只应接受自己的域名（Postfix：smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination）。"
            ),
        ),
        Verdict::Pass => (
            tx!(lang, "Not an open relay", "不是开放中继"),
            tx!(
                lang,
                "Mail from an outside sender to an outside recipient was refused (the probe stopped there: no message was sent).",
                "来自外部发件人、发往外部收件人的邮件被拒绝（探测到此为止：没有发送任何邮件）。"
            ),
        ),
        Verdict::Warn => (
            tx!(
                lang,
                "Relay test inconclusive (4xx)",
                "中继测试无定论（4xx）"
            ),
            tx!(
                lang,
                "The server deferred the outside recipient (greylisting or a temporary error) instead of refusing it. Run the check again later; a relay refusal should be a 5xx (554 5.7.1).",
                "服务器暂缓了外部收件人（灰名单或临时错误），而不是拒绝。请稍后再检查；拒绝中继应当是 5xx（554 5.7.1）。"
            ),
        ),
        _ => (
            tx!(lang, "Open relay: not tested", "开放中继：未测试"),
            tx!(
                lang,
                "The conversation ended before the recipient was tried.",
                "会话在尝试收件人之前就结束了。"
            ),
        ),
    };
    Item::new("open-relay", verdict, REFERENCE, seen.summary(), words)
}
