//! Helpers shared by the fuzz targets: span checks and input-driven chunking.

use std::ops::Range;

/// Panics unless `span` lies inside `text` and starts and ends on char boundaries, the
/// promise every span of the protocol crate makes to the page that highlights it.
pub fn assert_span(text: &str, span: &Range<usize>, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what}: span {span:?} outside a line of {} bytes: {text:?}",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: span {span:?} not on char boundaries of {text:?}"
    );
}

/// Splits `data` into chunks whose sizes (1 to 64 bytes) are read from `sizes` in turn,
/// so the fuzzer controls where reads end: inside a CRLF, inside a reply code, inside a
/// multi-byte character. An empty `sizes` gives the whole input as one chunk.
pub fn chunks<'a>(data: &'a [u8], sizes: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut rest = data;
    let mut next = 0;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let size = if sizes.is_empty() {
            rest.len()
        } else {
            usize::from(sizes[next % sizes.len()] % 64) + 1
        };
        next += 1;
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        rest = tail;
        Some(chunk)
    })
}

/// Splits a fuzz input into a control part and a payload: the first byte says how many of
/// the following bytes (up to 15) are control bytes.
pub fn split_control(data: &[u8]) -> (&[u8], &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return (&[], &[]);
    };
    let n = usize::from(first % 16).min(rest.len());
    rest.split_at(n)
}
