//! Numbers for people, written one way everywhere: pages, downloads,
//! catalogue suggestions.

/// A float for people: no `.0` on integral values, at most four decimals,
/// no trailing zeros; empty for NaN and infinities.
pub fn plain(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    let s = format!("{f:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_numbers() {
        assert_eq!(super::plain(1815.27), "1815.27");
        assert_eq!(super::plain(312.0), "312");
        assert_eq!(super::plain(0.123456), "0.1235");
        assert_eq!(super::plain(f64::NAN), "");
    }
}
