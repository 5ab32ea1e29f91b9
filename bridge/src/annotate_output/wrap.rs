//! Wrapping explanations to a terminal's width, in columns as a terminal counts them: East
//! Asian wide characters (Chinese, full-width punctuation, emoji) take two, combining marks
//! none. Chinese text has no spaces, so a line may break between any two wide characters,
//! but never before a closing mark (`，`, `。`, `）` ...) nor after an opening one.

/// The narrowest text column a wrapped line gets, whatever the indent and width: below
/// that, wrapping would make Chinese and long words unreadable.
const MIN_COLUMNS: usize = 20;

/// The columns a character takes in a terminal.
pub(crate) fn char_width(c: char) -> usize {
    let u = u32::from(c);
    if u < 0x20 || (0x7f..0xa0).contains(&u) {
        return 0;
    }
    const ZERO: &[(u32, u32)] = &[
        (0x0300, 0x036f), // combining diacritical marks
        (0x200b, 0x200f), // zero-width space, joiners, direction marks
        (0xfe00, 0xfe0f), // variation selectors
    ];
    const WIDE: &[(u32, u32)] = &[
        (0x1100, 0x115f),   // Hangul Jamo
        (0x2e80, 0x303e),   // CJK radicals, ideographic description, CJK punctuation
        (0x3041, 0x33ff),   // Hiragana, Katakana, Bopomofo, CJK compatibility
        (0x3400, 0x4dbf),   // CJK extension A
        (0x4e00, 0x9fff),   // CJK unified ideographs
        (0xa000, 0xa4cf),   // Yi
        (0xac00, 0xd7a3),   // Hangul syllables
        (0xf900, 0xfaff),   // CJK compatibility ideographs
        (0xfe30, 0xfe4f),   // CJK compatibility forms
        (0xff00, 0xff60),   // full-width forms
        (0xffe0, 0xffe6),   // full-width signs
        (0x1f300, 0x1f64f), // pictographs, emoticons (🔒)
        (0x1f900, 0x1f9ff), // supplemental pictographs
        (0x20000, 0x3fffd), // CJK extensions B and later
    ];
    let within = |table: &[(u32, u32)]| table.iter().any(|&(lo, hi)| (lo..=hi).contains(&u));
    if within(ZERO) {
        0
    } else if within(WIDE) {
        2
    } else {
        1
    }
}

/// The columns a string takes in a terminal.
pub(crate) fn width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// No line may start with it: closing punctuation.
fn no_break_before(c: char) -> bool {
    "，。、；：？！）》」』】〉”’…,.;:!?)]}%".contains(c)
}

/// No line may end with it: opening punctuation.
fn no_break_after(c: char) -> bool {
    "（《「『【〈“‘([{".contains(c)
}

/// A piece of text no line break may split.
#[derive(Debug)]
struct Segment {
    text: String,
    width: usize,
    /// A space separates it from the previous segment.
    space_before: bool,
}

fn segments(text: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut space = false;
    let mut glue_next = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        // An atom: one wide character, or a run of narrow ones.
        let mut atom = String::from(c);
        if char_width(c) < 2 {
            while let Some(&next) = chars.peek() {
                if next.is_whitespace() || char_width(next) == 2 {
                    break;
                }
                atom.push(next);
                chars.next();
            }
        }
        let atom_width = width(&atom);
        let ends_open = atom.chars().last().is_some_and(no_break_after);
        match out.last_mut() {
            Some(last) if !space && (glue_next || no_break_before(c)) => {
                last.text.push_str(&atom);
                last.width += atom_width;
            }
            _ => out.push(Segment {
                text: atom,
                width: atom_width,
                space_before: space,
            }),
        }
        glue_next = ends_open;
        space = false;
    }
    out
}

/// Wraps `text` into lines of at most `columns` columns, the first indented by `first`
/// spaces, the others by `rest` (a hanging indent when `rest > first`). Each text column is
/// at least [`MIN_COLUMNS`] wide, so a tiny width still gives readable lines.
pub(crate) fn wrap(text: &str, columns: usize, first: usize, rest: usize) -> Vec<String> {
    let room = |indent: usize| columns.saturating_sub(indent).max(MIN_COLUMNS);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    let finish = |lines: &mut Vec<String>, current: &mut String| {
        let indent = if lines.is_empty() { first } else { rest };
        if current.is_empty() {
            lines.push(String::new());
        } else {
            lines.push(format!("{:indent$}{current}", ""));
        }
        current.clear();
    };
    for segment in segments(text) {
        let avail = room(if lines.is_empty() { first } else { rest });
        let gap = usize::from(!current.is_empty() && segment.space_before);
        if used + gap + segment.width <= avail {
            if gap == 1 {
                current.push(' ');
            }
            current.push_str(&segment.text);
            used += gap + segment.width;
            continue;
        }
        if !current.is_empty() {
            finish(&mut lines, &mut current);
            used = 0;
        }
        // A segment wider than a whole line (a long address or URL) is cut where it must.
        for c in segment.text.chars() {
            let w = char_width(c);
            if used + w > room(if lines.is_empty() { first } else { rest }) && !current.is_empty() {
                finish(&mut lines, &mut current);
                used = 0;
            }
            current.push(c);
            used += w;
        }
    }
    if !current.is_empty() || lines.is_empty() {
        finish(&mut lines, &mut current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_full_width_marks_take_two_columns() {
        assert_eq!(width("EHLO"), 4);
        assert_eq!(width("服务器就绪"), 10);
        assert_eq!(width("中继，拒绝。"), 12);
        assert_eq!(width("（AUTH）"), 8);
        assert_eq!(width("🔒"), 2);
        assert_eq!(width("e\u{301}"), 1, "a combining accent takes no column");
        assert_eq!(width("· ✓ ✗ →"), 7);
    }

    #[test]
    fn english_wraps_at_spaces_with_a_hanging_indent() {
        let text = "The server accepted the recipient. Each RCPT adds one recipient to the envelope of the message.";
        let lines = wrap(text, 40, 8, 10);
        assert_eq!(
            lines,
            [
                "        The server accepted the",
                "          recipient. Each RCPT adds one",
                "          recipient to the envelope of",
                "          the message.",
            ]
        );
        assert!(lines.iter().all(|l| width(l) <= 40));
        assert_eq!(
            lines
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            text
        );
    }

    #[test]
    fn chinese_wraps_between_characters_within_the_width() {
        let text = "服务器拒绝中继：收件人的域名不归它管，而你没有登录。先用 AUTH 登录，再发送给外部地址。";
        for columns in [30, 31, 40, 57] {
            let lines = wrap(text, columns, 4, 6);
            assert!(lines.len() > 1, "{columns}: {lines:?}");
            for line in &lines {
                assert!(
                    width(line) <= columns,
                    "{columns}: {line:?} is {}",
                    width(line)
                );
                let body = line.trim_start();
                assert!(
                    !body.starts_with(|c| "，。：；".contains(c)),
                    "{columns}: no line starts with closing punctuation: {lines:?}"
                );
            }
            assert!(lines[0].starts_with("    服务器"));
            assert!(
                lines[1..]
                    .iter()
                    .all(|l| l.starts_with("      ") && !l.starts_with("       "))
            );
            // Nothing is lost: the text comes back when the lines are joined (the only
            // spaces are those around AUTH).
            let joined: String = lines
                .iter()
                .map(|l| l.trim_start())
                .collect::<Vec<_>>()
                .join("");
            assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
        }
    }

    #[test]
    fn mixed_text_keeps_ascii_words_whole() {
        let text =
            "EHLO 回复的第一行以“postfix.test”向你问好。后面每一行列出服务器支持的一项扩展。";
        for line in wrap(text, 26, 0, 2) {
            assert!(width(&line) <= 26, "{line:?}");
            let t = line.trim_start();
            assert!(
                !t.starts_with("ostfix") && !t.starts_with(".test"),
                "{line:?}"
            );
        }
    }

    #[test]
    fn an_overlong_word_is_cut_and_a_tiny_width_still_leaves_room() {
        let url = "https://example.org/a/very/long/path/that/does/not/fit/anywhere/at/all";
        let lines = wrap(url, 30, 2, 4);
        assert!(lines.iter().all(|l| width(l) <= 30), "{lines:?}");
        assert_eq!(
            lines.iter().map(|l| l.trim_start()).collect::<String>(),
            url
        );
        let tiny = wrap("one two three four five six seven", 5, 8, 10);
        assert!(tiny.iter().all(|l| width(l.trim_start()) <= MIN_COLUMNS));
        assert_eq!(wrap("", 80, 3, 3), [""]);
    }
}
