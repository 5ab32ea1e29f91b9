//! BDAT chunks as a client writes them (RFC 3030): what size to declare for text typed as
//! lines. Each line travels with its CRLF, so a chunk of lines is the sum of their UTF-8
//! bytes plus two per line; the server reads exactly that many octets and nothing marks
//! their end, so one octet off and the next command is read as message text (or the
//! message's last bytes as a command).

/// The octets of `lines` on the wire: each line's UTF-8 bytes and its CRLF.
pub fn chunk_octets<'a>(lines: impl IntoIterator<Item = &'a str>) -> u64 {
    lines.into_iter().map(|line| line.len() as u64 + 2).sum()
}

/// The command that announces a chunk of `size` octets; `last` ends the message with it.
pub fn bdat_line(size: u64, last: bool) -> String {
    if last {
        format!("BDAT {size} LAST")
    } else {
        format!("BDAT {size}")
    }
}

/// Text from a text box as the lines a chunk sends: split at line ends (CRLF or LF), a
/// final line end not starting another line.
pub fn chunk_lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_counts_its_crlf_and_utf8_bytes() {
        assert_eq!(
            chunk_octets(["Subject: hi", "", "hello"]),
            11 + 2 + 2 + 5 + 2
        );
        // 你好 is six bytes in UTF-8, not two characters.
        assert_eq!(chunk_octets(["你好"]), 8);
        assert_eq!(chunk_octets([]), 0);
        assert_eq!(chunk_lines("a\r\nb\n\nc\n"), ["a", "b", "", "c"]);
        assert_eq!(bdat_line(20, true), "BDAT 20 LAST");
        assert_eq!(bdat_line(0, false), "BDAT 0");
    }

    /// The size computed here is the size the sandbox reads: the message arrives whole and
    /// the next command is a command again.
    #[test]
    fn the_server_reads_exactly_the_declared_chunk() {
        use crate::server::{Account, ServerConfig, ServerOutput, ServerSession};
        let mut server = ServerSession::new(
            ServerConfig {
                accounts: vec![Account {
                    user: "u".into(),
                    password: "p".into(),
                }],
                ..ServerConfig::default()
            },
            1,
        );
        let chunk = ["Subject: 你好", "", "chunked"];
        let mut wire =
            String::from("EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\n");
        wire.push_str(&bdat_line(chunk_octets(chunk), true));
        wire.push_str("\r\n");
        for line in chunk {
            wire.push_str(line);
            wire.push_str("\r\n");
        }
        wire.push_str("NOOP\r\n");
        server.handle_input(wire.as_bytes());
        let mut delivered = None;
        let mut written = String::new();
        while let Some(out) = server.poll_output() {
            match out {
                ServerOutput::Delivered(m) => delivered = Some(m.data),
                ServerOutput::Write(b) => written.push_str(&String::from_utf8_lossy(&b)),
                _ => {}
            }
        }
        assert_eq!(
            delivered.as_deref(),
            Some("Subject: 你好\r\n\r\nchunked\r\n".as_bytes())
        );
        assert!(written.ends_with("250 2.0.0 Ok\r\n"), "{written}");
    }
}
