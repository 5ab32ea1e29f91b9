//! Medians over rounds and the verdict column of the Markdown reports.

/// The median of `values` (the mean of the middle two for an even count); NaN if empty.
/// Sorts `values`.
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => f64::midpoint(values[n / 2 - 1], values[n / 2]),
    }
}

/// A target's "met" cell: `yes`, or a bold `no` that stands out in the table.
pub fn met(met: bool) -> &'static str {
    if met { "yes" } else { "**no**" }
}

#[cfg(test)]
mod tests;
