#!/bin/sh
# Seeds the fuzz corpora from the captured sessions in protocol/tests/data, so the fuzzer
# starts from real SMTP instead of from nothing. Corpora are not committed (.gitignore).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data="$here/../protocol/tests/data"
for target in command reply transcript wire data server lesson; do
    mkdir -p "$here/corpus/$target"
done
for capture in "$data"/*/*.txt; do
    name=$(basename "$(dirname "$capture")")-$(basename "$capture" .txt)
    case "$name" in *-expect) continue ;; esac
    # transcript: the capture as a user would paste it.
    cp "$capture" "$here/corpus/transcript/$name"
    if [ "${capture%.raw.txt}" != "$capture" ]; then
        # command: control byte 0x01 then selector 0x0a (script 0, all steps), then the
        # client and server lines; reply: no chunking control, then the server lines
        # with CRLF; data: a 0 control byte, then the whole session as DATA bytes.
        { printf '\001\012'; sed -n 's/^[CS]: //p' "$capture"; } > "$here/corpus/command/$name"
        { printf '\000'; sed -n 's/^S: \(.*\)$/\1\r/p' "$capture"; } > "$here/corpus/reply/$name"
        { printf '\000'; sed -n 's/^C: \(.*\)$/\1\r/p' "$capture"; } > "$here/corpus/data/$name"
        # server: settings 0x01 (STARTTLS offered), then the client's lines with CRLF.
        { printf '\001\001'; sed -n 's/^C: \(.*\)$/\1\r/p' "$capture"; } > "$here/corpus/server/$name"
    fi
done
# server with failure rules (settings 0x41), a NUL, then a session that meets them.
printf '\001\101rcpt to=nobody@example.com: reply 550 5.1.1 User unknown\ngreeting: delay 5ms\n\000EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<nobody@example.com>\r\nRCPT TO:<greylist@b.example>\r\nDATA\r\nSubject: hi\r\n\r\n..dot\r\n.\r\nQUIT\r\n' > "$here/corpus/server/rules"
printf '%s' '{"type":"connect","host":"127.0.0.1","port":2525,"tls":"none"}' > "$here/corpus/wire/connect"
printf '%s' '{"type":"line","text":"EHLO me"}' > "$here/corpus/wire/line"
printf '%s' '{"type":"line","text":"250-PIPELINING","at_ms":12}' > "$here/corpus/wire/server-line"
printf '%s' '{"type":"error","code":"connect_failed","message":"refused"}' > "$here/corpus/wire/error"
printf '%s' '{"type":"connected","version":1,"host":"mx","port":25,"peer":"[::1]:25","tls":"starttls"}' > "$here/corpus/wire/connected"
printf '%s' '{"type":"closed","reason":"bye"}' > "$here/corpus/wire/closed"
printf '%s' '{"type":"connect","host":"example.org","port":25,"by_mx":true,"mx_host":"mx2.example.org"}' > "$here/corpus/wire/connect-by-mx"
printf '%s' '{"type":"mx_list","domain":"example.org","null_mx":false,"implicit":false,"hosts":[{"preference":10,"name":"mx1.example.org","addresses":[{"address":"10.0.0.1","allowed":false,"reason":"private"}],"note":"x"}]}' > "$here/corpus/wire/mx-list"
printf '%s' '{"type":"tls","mode":"starttls","version":"TLSv1.3","cipher":"TLS13_AES_128_GCM_SHA256","server_name":"mx","verified":false,"certificates":[{"subject":"CN=mx","issuer":"CN=mx","sans":["mx"],"not_before":"2026-01-01T00:00:00Z","not_after":"2027-01-01T00:00:00Z","key":"RSA 1024","signature":"sha1WithRSAEncryption"}]}' > "$here/corpus/wire/tls"
# lesson: the lessons the page ships, and their index.
for lesson in "$here/../lessons/"*; do
    cp "$lesson" "$here/corpus/lesson/"
done
echo "seeded $(find "$here/corpus" -type f | wc -l) files under $here/corpus"
