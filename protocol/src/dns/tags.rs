//! The tag-list syntax of DMARC, MTA-STS and TLS-RPT records: `tag=value` pairs separated
//! by `;`, white space around them ignored (RFC 7489 6.4, RFC 8461 3.1, RFC 8460 3).

/// One `tag=value` pair; `value` is `None` when the `=` is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tag {
    /// The tag as written (compare case-insensitively).
    pub(crate) name: String,
    /// The value, trimmed.
    pub(crate) value: Option<String>,
}

/// The pairs of `text`, in order; empty parts (a trailing `;`) are skipped.
pub(crate) fn tags(text: &str) -> Vec<Tag> {
    text.split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once('=') {
            Some((name, value)) => Tag {
                name: name.trim().to_owned(),
                value: Some(value.trim().to_owned()),
            },
            None => Tag {
                name: part.to_owned(),
                value: None,
            },
        })
        .collect()
}

/// The value of the first tag named `name` (case-insensitive).
pub(crate) fn value<'a>(tags: &'a [Tag], name: &str) -> Option<&'a str> {
    tags.iter()
        .find(|tag| tag.name.eq_ignore_ascii_case(name))
        .and_then(|tag| tag.value.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_in_order_white_space_ignored() {
        let list = tags(" v=DMARC1 ; p = reject;;rua=mailto:a@b; bad ");
        assert_eq!(list.len(), 4);
        assert_eq!(value(&list, "P"), Some("reject"));
        assert_eq!(list[3].value, None);
    }
}
