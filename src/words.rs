//! Counts in words, for reports: `1 error`, `2 errors`.

/// `n` and the noun, in the plural unless `n` is 1: `counted(2, "row")` is `2 rows`.
pub(crate) fn counted(n: u64, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn one_is_singular_others_plural() {
        assert_eq!(counted(0, "error"), "0 errors");
        assert_eq!(counted(1, "request"), "1 request");
        assert_eq!(counted(50, "character"), "50 characters");
    }
}
