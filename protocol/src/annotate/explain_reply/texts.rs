//! The static part of each explanation id: its title, its text and its reference, in both
//! languages.

use crate::lang::{Text, t};
/// The static part of each id's explanation: id, title, text, reference. A table rather
/// than a `match` on the id: the match compiled to a string comparison and ten stores per
/// arm, several KB of the WebAssembly bundle.
const BASE: &[(&str, Text, Text, &str)] = &[
    (
        "greeting",
        t!("Server ready", "服务器就绪"),
        t!(
            "The server accepted the connection. Your turn: introduce yourself with EHLO (or HELO, as in the tutorial).",
            "服务器接受了连接。轮到你了：用 EHLO（或像教程中那样用 HELO）介绍自己。"
        ),
        "RFC 5321 4.3.1",
    ),
    (
        "hello",
        t!("Hello accepted", "问候已接受"),
        t!(
            "The server knows you now. The first line is its name; every further line is an extension it supports (see the capabilities table).",
            "服务器已认识你。第一行是它的名称；其后每一行都是它支持的一项扩展（见扩展列表）。"
        ),
        "RFC 5321 4.1.1.1",
    ),
    (
        "starttls-ready",
        t!("Go ahead with TLS", "开始 TLS 握手"),
        t!(
            "The TLS handshake starts now on this same connection. Afterwards the server forgets everything said before: send EHLO again.",
            "现在在同一连接上开始 TLS 握手。握手之后，服务器会忘记之前的所有内容：请重新发送 EHLO。"
        ),
        "RFC 3207 4.2",
    ),
    (
        "auth-challenge",
        t!("Server asks for more", "服务器要求继续输入"),
        t!(
            "334 means: continue the AUTH exchange. The text is base64 for what the server asks. Base64 is an encoding, not encryption: anyone can decode it, which is why real servers want TLS first.",
            "334 表示继续认证交互。其文字是服务器所询问内容的 base64 编码。base64 只是编码而不是加密：任何人都能解码，所以真实的服务器要求先启用 TLS。"
        ),
        "RFC 4954 4",
    ),
    (
        "auth-ok",
        t!("Logged in", "登录成功"),
        t!(
            "The server accepted your credentials; it will now relay mail for you.",
            "服务器接受了你的凭据，现在会为你中继邮件。"
        ),
        "RFC 4954 6",
    ),
    (
        "mail-ok",
        t!("Sender accepted", "发件人已接受"),
        t!(
            "The transaction is open with this envelope sender (where bounces go). Now name the recipients.",
            "邮件事务已开始，信封发件人（退信的接收地址）已确定。现在请指定收件人。"
        ),
        "RFC 5321 4.1.1.2",
    ),
    (
        "rcpt-ok",
        t!("Recipient accepted", "收件人已接受"),
        t!(
            "The server will deliver this message to this address. Add more recipients, or start the message text with DATA.",
            "服务器会把邮件投递到这个地址。可以继续添加收件人，或用 DATA 开始输入邮件内容。"
        ),
        "RFC 5321 4.1.1.3",
    ),
    (
        "data-go",
        t!("Go ahead: type the message", "请输入邮件内容"),
        t!(
            "Everything you type now is the message. Start with headers (Subject:, From:, To:), then an empty line, then the text. A line with only a dot ends the message.",
            "现在输入的所有内容都是邮件本身。先写邮件头（Subject:、From:、To:），然后空一行，再写正文。只包含一个点号的行表示邮件结束。"
        ),
        "RFC 5321 4.1.1.4",
    ),
    (
        "message-accepted",
        t!("Message accepted for delivery", "邮件已接受，等待投递"),
        t!(
            "The server took responsibility for the message: it is queued and will be delivered.",
            "服务器已接管这封邮件：它已进入队列并将被投递。"
        ),
        "RFC 5321 4.1.1.4",
    ),
    (
        "bdat-chunk-ok",
        t!("Chunk received", "数据块已收到"),
        t!(
            "The server stored this chunk of the message. Send the next one; the last chunk carries LAST, and only its reply says whether the message is accepted.",
            "服务器已保存这一块邮件数据。请发送下一块；最后一块要带 LAST，只有它的回复才表明邮件是否被接受。"
        ),
        "RFC 3030 2",
    ),
    (
        "rset-ok",
        t!("Transaction reset", "事务已重置"),
        t!(
            "The sender and recipients given so far are forgotten; the connection stays open.",
            "之前指定的发件人和收件人都已清除；连接保持打开。"
        ),
        "RFC 5321 4.1.1.5",
    ),
    (
        "noop-ok",
        t!("Still here", "连接正常"),
        t!(
            "NOOP does nothing; the reply shows the connection is alive.",
            "NOOP 不做任何事；这个回复说明连接仍然正常。"
        ),
        "RFC 5321 4.1.1.9",
    ),
    (
        "vrfy-ok",
        t!("Address exists", "地址存在"),
        t!("The server confirms the mailbox.", "服务器确认该邮箱存在。"),
        "RFC 5321 3.5.3",
    ),
    (
        "vrfy-cannot-verify",
        t!("Cannot verify, would accept", "无法验证，但会接受"),
        t!(
            "The server will not say whether the mailbox exists (so nobody can harvest addresses) but would accept mail for it. Only RCPT TO in a real transaction tells more.",
            "服务器不透露邮箱是否存在（防止地址被收集），但会接受发往该地址的邮件。只有真实事务中的 RCPT TO 才能知道更多。"
        ),
        "RFC 5321 3.5.3",
    ),
    (
        "help",
        t!("Help", "帮助信息"),
        t!(
            "Text for a human reader: often the commands the server knows.",
            "供人阅读的文字：通常是服务器支持的命令。"
        ),
        "RFC 5321 4.1.1.8",
    ),
    (
        "quit-ok",
        t!("Goodbye", "再见"),
        t!(
            "The server closes the connection. The session is over.",
            "服务器关闭连接，会话结束。"
        ),
        "RFC 5321 4.1.1.10",
    ),
    (
        "etrn-ok",
        t!("Queue run started", "已开始处理队列"),
        t!(
            "The server will try to deliver the mail it holds for this domain (ETRN).",
            "服务器会尝试投递它为该域名保存的邮件（ETRN）。"
        ),
        "RFC 1985 5",
    ),
    (
        "no-service",
        t!("No SMTP service for you", "不为你提供 SMTP 服务"),
        t!(
            "The server refuses this connection instead of greeting it (your address may be blocked, or this host takes no mail from here). Every command will be refused.",
            "服务器没有问候，而是拒绝了此连接（你的地址可能被封禁，或此主机不接收来自这里的邮件）。所有命令都会被拒绝。"
        ),
        "RFC 5321 3.1",
    ),
    (
        "service-closing",
        t!("Server closing the connection", "服务器正在关闭连接"),
        t!(
            "The server ends the session (shutting down, overloaded, or a local policy). Connect again to continue.",
            "服务器结束了会话（正在停机、负载过高或出于本地策略）。如需继续，请重新连接。"
        ),
        "RFC 5321 3.8",
    ),
    (
        "timeout",
        t!("Closed for inactivity", "因空闲超时而关闭"),
        t!(
            "You were silent longer than the server waits. Servers give a few minutes per command; have each line ready (or paste it) before you connect.",
            "你沉默的时间超过了服务器的等待时间。服务器对每条命令只等几分钟；连接前请先准备好（或直接粘贴）每一行。"
        ),
        "RFC 5321 4.5.3.2",
    ),
    (
        "too-many-errors",
        t!(
            "Too many errors: the server hangs up",
            "错误太多：服务器挂断"
        ),
        t!(
            "After several bad or unknown commands the server gives up on the session, a defence against scanners and broken scripts. Check each command before sending it.",
            "在收到多条错误或未知命令后，服务器放弃了这个会话，这是针对扫描程序和有问题脚本的防御措施。发送前请检查每条命令。"
        ),
        "RFC 5321 4.2.2",
    ),
    (
        "sync-error",
        t!(
            "Sent too early (synchronization error)",
            "发送过早（同步错误）"
        ),
        t!(
            "The server received a command before it had answered the previous one. Without PIPELINING, and always for EHLO, DATA, STARTTLS and AUTH, the client must wait for each reply; spam scripts do not, so servers check.",
            "服务器在回复上一条命令之前就收到了新命令。没有 PIPELINING 时（以及 EHLO、DATA、STARTTLS、AUTH 之后总是如此），客户端必须等待每个回复；垃圾邮件脚本不会等待，所以服务器会检查。"
        ),
        "RFC 2920 3.1",
    ),
    (
        "line-too-long",
        t!("Line too long", "行太长"),
        t!(
            "A command line may have at most 512 octets and a message line 1000, CRLF included. Shorten the line: wrap long headers, encode the body in base64 or quoted-printable.",
            "命令行最多 512 个字节，邮件内容每行最多 1000 个字节（都包括 CRLF）。请缩短该行：折叠过长的邮件头，用 base64 或 quoted-printable 编码正文。"
        ),
        "RFC 5321 4.5.3.1",
    ),
    (
        "bare-lf-rejected",
        t!("Bare LF refused", "拒绝单独的 LF"),
        t!(
            "A line ended with LF alone instead of CRLF. SMTP requires CRLF, and since the SMTP smuggling attacks of 2023 servers refuse anything else. Make the client send CRLF (nc -C, or swaks).",
            "某一行只以 LF 结尾，而不是 CRLF。SMTP 要求使用 CRLF；自 2023 年的 SMTP 走私攻击以来，服务器会拒绝其他结尾。请让客户端发送 CRLF（nc -C 或 swaks）。"
        ),
        "RFC 5321 2.3.8",
    ),
    (
        "syntax",
        t!("Syntax error", "语法错误"),
        t!(
            "The server knows the command but cannot read its arguments: an address without angle brackets, a space after the colon, a missing domain, a bad parameter value.",
            "服务器认识这个命令，但无法解析它的参数：地址缺少尖括号、冒号后多了空格、缺少域名或参数值错误。"
        ),
        "RFC 5321 4.1.2",
    ),
    (
        "unknown-command",
        t!("Unknown command", "未知命令"),
        t!(
            "The server does not know this command. Check the spelling; HELP may list the commands it knows.",
            "服务器不认识这个命令。请检查拼写；HELP 可能会列出它支持的命令。"
        ),
        "RFC 5321 4.2.4",
    ),
    (
        "not-implemented",
        t!("Command not offered here", "此服务器不提供该命令"),
        t!(
            "The server knows this command but does not offer it. VRFY and EXPN are often disabled so that nobody can harvest addresses; ETRN and TURN are rare.",
            "服务器认识这个命令，但不提供它。VRFY 和 EXPN 常被禁用以防地址被收集；ETRN 和 TURN 很少有服务器支持。"
        ),
        "RFC 5321 4.2.4",
    ),
    (
        "bad-sequence",
        t!("Bad sequence of commands", "命令顺序错误"),
        t!(
            "The command is valid but not at this point. The order is: HELO/EHLO, (AUTH), MAIL FROM, RCPT TO, DATA, QUIT.",
            "命令本身有效，但此时不能使用。顺序是：HELO/EHLO、（AUTH）、MAIL FROM、RCPT TO、DATA、QUIT。"
        ),
        "RFC 5321 4.1.4",
    ),
    (
        "param-unrecognized",
        t!("Parameter not supported", "参数不受支持"),
        t!(
            "A MAIL FROM or RCPT TO parameter (SIZE=, BODY=, SMTPUTF8, NOTIFY= ...) is unknown to the server or was not advertised in its EHLO reply. Send the command without it.",
            "MAIL FROM 或 RCPT TO 的某个参数（SIZE=、BODY=、SMTPUTF8、NOTIFY= 等）服务器不认识，或没有在 EHLO 回复中声明。请去掉该参数再发送。"
        ),
        "RFC 5321 4.1.1.11",
    ),
    (
        "sender-rejected",
        t!("Sender refused", "发件人被拒绝"),
        t!(
            "The server refuses this envelope sender: its domain may not exist, it may not be the account you logged in as, or local policy blocks it. No transaction was started.",
            "服务器拒绝了这个信封发件人：它的域名可能不存在，可能与你登录的帐户不一致，或被本地策略阻止。邮件事务没有开始。"
        ),
        "RFC 5321 4.1.1.2",
    ),
    (
        "smtputf8-required",
        t!(
            "Non-ASCII address needs SMTPUTF8",
            "非 ASCII 地址需要 SMTPUTF8"
        ),
        t!(
            "An address with non-ASCII characters (such as 张三@example.com) is only allowed when the server advertises SMTPUTF8 and MAIL FROM carries the SMTPUTF8 parameter.",
            "含非 ASCII 字符的地址（如 张三@example.com）只有在服务器声明支持 SMTPUTF8、且 MAIL FROM 带上 SMTPUTF8 参数时才允许使用。"
        ),
        "RFC 6531 3.4",
    ),
    (
        "relay-denied",
        t!("Relaying denied", "禁止中继"),
        t!(
            "The server only accepts mail for its own domains from strangers; sending anywhere else through it is relaying.",
            "对于陌生人，服务器只接收发往它自己域名的邮件；通过它发往其他地方就是中继。"
        ),
        "RFC 5321 3.6.2",
    ),
    (
        "auth-required",
        t!("Log in first", "请先登录"),
        t!(
            "The server takes this only from users who have logged in (AUTH).",
            "服务器只接受已登录（AUTH）用户的这个请求。"
        ),
        "RFC 4954 6",
    ),
    (
        "tls-required",
        t!("Encrypt first (STARTTLS)", "请先加密（STARTTLS）"),
        t!(
            "The server wants the connection encrypted before this, so that passwords and mail do not travel in clear text. Say STARTTLS, then EHLO again.",
            "服务器要求先加密连接，以免密码和邮件以明文传输。请先发送 STARTTLS，然后重新 EHLO。"
        ),
        "RFC 3207 4",
    ),
    (
        "unknown-user",
        t!("No such recipient", "收件人不存在"),
        t!(
            "The server says this mailbox does not exist. Check the spelling of the address; other recipients of this message are not affected.",
            "服务器表示这个邮箱不存在。请检查地址的拼写；此邮件的其他收件人不受影响。"
        ),
        "RFC 5321 3.3",
    ),
    (
        "mailbox-unavailable-temp",
        t!("Mailbox temporarily unavailable", "邮箱暂时不可用"),
        t!(
            "The mailbox cannot take mail right now (busy, locked, or being moved). A real mail server keeps the message in its queue and retries.",
            "该邮箱现在无法接收邮件（忙碌、被锁定或正在迁移）。真正的邮件服务器会把邮件留在队列中并重试。"
        ),
        "RFC 5321 4.2.3",
    ),
    (
        "mailbox-full",
        t!("Mailbox full", "邮箱已满"),
        t!(
            "The recipient's mailbox, or the server's storage, has no room for this message. The recipient has to make room.",
            "收件人的邮箱或服务器的存储空间已没有空间容纳这封邮件。需要收件人清理空间。"
        ),
        "RFC 3463 3.3",
    ),
    (
        "too-many-recipients",
        t!("Too many recipients", "收件人太多"),
        t!(
            "The server takes only so many recipients per message (RFC 5321 requires at least 100). Send to the rest in another transaction: finish this one, then MAIL FROM again.",
            "服务器对每封邮件的收件人数量有限制（RFC 5321 要求至少支持 100 个）。其余收件人请放到另一个事务中：结束当前事务后再次 MAIL FROM。"
        ),
        "RFC 5321 4.5.3.1.10",
    ),
    (
        "greylisted",
        t!("Greylisted: try again later", "灰名单：请稍后重试"),
        t!(
            "Greylisting servers refuse unknown senders once on purpose: a real mail server retries minutes later and gets through; most spam scripts never retry.",
            "启用灰名单的服务器会故意拒绝陌生发件人一次：真正的邮件服务器几分钟后重试即可通过，而大多数垃圾邮件脚本从不重试。"
        ),
        "RFC 6647 2.1",
    ),
    (
        "rate-limited",
        t!("Too much, too fast (rate limited)", "发送过快（被限速）"),
        t!(
            "The server limits how many connections, messages or recipients it takes from you in a period. Send less, more slowly; a real mail server's queue spreads its retries by itself.",
            "服务器限制了你在一段时间内的连接数、邮件数或收件人数。请少发、慢发；真正的邮件服务器的队列会自动分散重试。"
        ),
        "RFC 5321 4.5.4.1",
    ),
    (
        "blocklisted",
        t!("Your address is on a blocklist", "你的地址在黑名单上"),
        t!(
            "The server refuses mail from your IP address because a DNS blocklist (such as Spamhaus) names it; home and cloud addresses often are. Look the address up on the list the reply names, or send through your provider's submission server (port 587 with AUTH).",
            "服务器拒收来自你的 IP 地址的邮件，因为某个 DNS 黑名单（如 Spamhaus）列出了它；家庭宽带和云主机的地址经常在列。请到回复中提到的黑名单查询该地址，或通过你的邮件服务商的提交服务器发送（587 端口并登录）。"
        ),
        "RFC 5782 1",
    ),
    (
        "data-no-recipients",
        t!("No valid recipients", "没有有效的收件人"),
        t!(
            "DATA needs a sender and at least one accepted recipient first.",
            "DATA 之前需要先有发件人和至少一个被接受的收件人。"
        ),
        "RFC 5321 4.1.1.4",
    ),
    (
        "size-exceeded",
        t!("Message too big", "邮件太大"),
        t!(
            "The message is bigger than this server accepts (its SIZE in the EHLO reply). Make it smaller: fewer or smaller attachments, or a link instead of a file.",
            "邮件超过了服务器允许的大小（见 EHLO 回复中的 SIZE）。请缩小邮件：减少或压缩附件，或用链接代替文件。"
        ),
        "RFC 1870 6",
    ),
    (
        "spam-rejected",
        t!("Rejected as spam", "被判为垃圾邮件"),
        t!(
            "The server's content filter judged the message to be spam.",
            "服务器的内容过滤器认为这封邮件是垃圾邮件。"
        ),
        "RFC 3463 3.8",
    ),
    (
        "content-rejected",
        t!("Refused for its content", "因内容被拒"),
        t!(
            "The server read the message and refused it for its content or a failed check: a virus, a malformed or missing header, 8-bit data without 8BITMIME, or an SPF, DKIM or DMARC failure of the From: domain. The reply's words name which.",
            "服务器读完邮件后因其内容或某项检查失败而拒收：病毒、邮件头格式错误或缺失、未声明 8BITMIME 的 8 位数据，或 From: 域名的 SPF、DKIM、DMARC 检查失败。回复的文字会说明是哪一种。"
        ),
        "RFC 3463 3.7",
    ),
    (
        "message-rejected",
        t!("Refused", "被拒收"),
        t!(
            "The server read the whole message and refused it; the reply's words are all the reason it gives. Nothing was delivered.",
            "服务器读完整封邮件后拒收了它；回复中的文字就是它给出的全部理由。邮件没有被投递。"
        ),
        "RFC 5321 4.1.1.4",
    ),
    (
        "server-error",
        t!("Error on the server's side", "服务器端出错"),
        t!(
            "The server hit a problem of its own (an exception, a lookup or disk failure), not something you typed. If it persists, give the server's administrator the time and this reply.",
            "服务器自身出了问题（程序异常、查询或磁盘故障），而不是你输入有误。如果问题持续，请把时间和这条回复提供给服务器管理员。"
        ),
        "RFC 5321 4.2.3",
    ),
    (
        "transaction-failed",
        t!("Transaction failed", "事务失败"),
        t!(
            "The server refused without giving a reason (554 is its catch-all). Nothing was delivered; only the server's logs say why.",
            "服务器拒绝了，但没有说明原因（554 是笼统的失败码）。邮件没有被投递；只有服务器的日志能说明原因。"
        ),
        "RFC 5321 4.2.3",
    ),
    (
        "auth-failed",
        t!("Wrong username or password", "用户名或密码错误"),
        t!(
            "The server refused the credentials. Check that you encoded the right text (no newline: echo -n), and that the account may log in over SMTP (many providers want an app password or a client authorisation code here, not the password of their web mail).",
            "服务器拒绝了凭据。请检查编码的内容是否正确（不要带换行：使用 echo -n），以及该帐户是否允许通过 SMTP 登录（163 邮箱需要客户端授权码，Gmail 需要应用专用密码，而不是网页登录密码）。"
        ),
        "RFC 4954 6",
    ),
    (
        "auth-cancelled",
        t!("Login cancelled", "登录已取消"),
        t!(
            "You sent '*', and the server confirms that the AUTH exchange is abandoned, with the 501 RFC 4954 requires. Nothing is wrong; you are simply not logged in, and AUTH starts over.",
            "你发送了“*”，服务器按 RFC 4954 的要求用 501 确认认证交互已放弃。这不是错误；你只是没有登录，可以重新 AUTH。"
        ),
        "RFC 4954 4",
    ),
    (
        "auth-bad-base64",
        t!("Answer is not valid base64", "回答不是有效的 base64"),
        t!(
            "The server could not decode your answer: every AUTH answer is base64 (letters, digits, + and /, = padding) on one line. Encode it first, e.g. printf '%s' 'user@example.com' | base64, instead of typing plain text.",
            "服务器无法解码你的回答：每个认证回答都必须是一行 base64（字母、数字、+ 和 /，以 = 补齐）。请先编码，例如 printf '%s' 'user@example.com' | base64，而不要直接输入明文。"
        ),
        "RFC 4954 4",
    ),
    (
        "auth-mechanism-unknown",
        t!("Unknown login mechanism", "不支持的认证机制"),
        t!(
            "The server does not offer this SASL mechanism. Use one listed on the AUTH line of its EHLO reply.",
            "服务器不支持这个 SASL 认证机制。请使用其 EHLO 回复中 AUTH 行列出的机制。"
        ),
        "RFC 4954 4",
    ),
    (
        "auth-already",
        t!("Already logged in", "已经登录"),
        t!(
            "You are already authenticated in this session, and RFC 4954 forbids a second AUTH. Go on with MAIL FROM.",
            "你在本会话中已经通过认证，RFC 4954 不允许再次 AUTH。请继续 MAIL FROM。"
        ),
        "RFC 4954 4",
    ),
    (
        "auth-too-weak",
        t!(
            "Login method or password not accepted here",
            "此登录方式或密码不被接受"
        ),
        t!(
            "The server wants a stronger mechanism or another kind of credential for this account: Gmail answers 534 5.7.9 when an app password is required, and 534 5.7.14 when you must first log in with a browser.",
            "服务器要求更强的认证机制或另一种凭据：Gmail 在需要应用专用密码时回复 534 5.7.9，在需要先用浏览器登录时回复 534 5.7.14。"
        ),
        "RFC 4954 6",
    ),
    (
        "auth-temp-failure",
        t!("Login failed for now", "暂时无法登录"),
        t!(
            "The server could not check your credentials at the moment (its authentication backend did not answer). The password may well be right.",
            "服务器暂时无法校验你的凭据（其认证后台没有响应）。你的密码很可能是正确的。"
        ),
        "RFC 4954 6",
    ),
    (
        "auth-not-available",
        t!("Login not offered", "不提供登录"),
        t!(
            "This server does not offer AUTH here: not in its EHLO reply, only after STARTTLS, or not on this port. On port 25 servers usually take mail for their own domains without any login.",
            "此服务器在这里不提供 AUTH：EHLO 回复中没有，只在 STARTTLS 之后提供，或这个端口不提供。在 25 端口上，服务器通常无需登录就接收发往它自己域名的邮件。"
        ),
        "RFC 4954 3",
    ),
    (
        "tls-not-available",
        t!("TLS not available now", "暂时无法使用 TLS"),
        t!(
            "The server cannot start TLS at the moment (a certificate or local problem). The connection stays in clear text: do not send a password over it.",
            "服务器暂时无法启动 TLS（证书或本地问题）。连接仍是明文：不要通过它发送密码。"
        ),
        "RFC 3207 4",
    ),
    (
        "starttls-refused",
        t!("STARTTLS refused", "STARTTLS 被拒绝"),
        t!(
            "The server will not start TLS now: the connection is already encrypted (a second STARTTLS, or port 465), or it does not offer STARTTLS at all.",
            "服务器现在不会启动 TLS：连接已经加密（重复发送 STARTTLS，或使用的是 465 端口），或者它根本不提供 STARTTLS。"
        ),
        "RFC 3207 4",
    ),
    (
        "nonstandard",
        t!("Non-standard reply code", "非标准回复码"),
        t!(
            "RFC 5321 does not define this code; a client must act on its first digit alone.",
            "RFC 5321 没有定义这个回复码；客户端只能根据它的第一位数字来处理。"
        ),
        "RFC 5321 4.2.1",
    ),
];

/// The static part of an id's explanation: title, text, reference.
pub(super) fn base(id: &str) -> (Text, Text, &'static str) {
    BASE.iter()
        .find(|entry| entry.0 == id)
        .map_or((t!("", ""), t!("", ""), "RFC 5321 4.2.3"), |entry| {
            (entry.1, entry.2, entry.3)
        })
}
