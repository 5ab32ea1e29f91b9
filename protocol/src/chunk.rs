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
}
