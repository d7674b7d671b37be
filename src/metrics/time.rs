//! When a figure holds: its own as-of date or span, read from the words
//! before it in its sentence, else the document's period.
//!
//! Reports date their figures in a handful of ways: `2022年1-11月` (months
//! to date), `截止2022年10月底` / `截至5月底` (to the end of a month), `全年`,
//! `上半年`, `前三季度`, `2022年` (a year). The nearest such expression
//! before the figure in its sentence wins. A date of a single day
//! (`8月20日`) dates an event, not a figure, and is passed over.

use crate::document::Period;

/// The period a figure describes, given the text of its sentence before it
/// and the document's period.
pub fn as_of(before: &str, document: Option<Period>) -> Option<Period> {
    let chars: Vec<char> = before.chars().collect();
    let mut found: Option<Period> = None;
    let mut i = 0;
    while i < chars.len() {
        if let Some((p, len)) = expression(&chars, i, document.map(|d| d.year)) {
            found = Some(p);
            i += len.max(1);
        } else {
            i += 1;
        }
    }
    found.or(document)
}

fn digits(chars: &[char], i: usize) -> (u32, usize) {
    let n = chars[i.min(chars.len())..].iter().take_while(|c| c.is_ascii_digit()).count();
    let v = chars[i..i + n].iter().collect::<String>().parse().unwrap_or(0);
    (v, n)
}

fn word(chars: &[char], i: usize, w: &str) -> bool {
    w.chars().enumerate().all(|(k, c)| chars.get(i + k) == Some(&c))
}

/// A date expression starting at `i`: the period and its length in chars.
fn expression(chars: &[char], i: usize, doc_year: Option<i32>) -> Option<(Period, usize)> {
    let months = |year: i32, from: u32, to: u32| Period { year, from_month: from as u8, to_month: to as u8 };
    // Words of the document's own year.
    if let Some(year) = doc_year
        && (i == 0 || !chars[i - 1].is_ascii_digit())
    {
        for (w, from, to) in [
            ("全年", 1, 12),
            ("上半年", 1, 6),
            ("下半年", 7, 12),
            ("前三季度", 1, 9),
            ("一季度", 1, 3),
            ("二季度", 4, 6),
            ("三季度", 7, 9),
            ("四季度", 10, 12),
        ] {
            if word(chars, i, w) {
                return Some((months(year, from, to), w.chars().count()));
            }
        }
    }
    if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
        return None;
    }
    let (first, n) = digits(chars, i);
    let mut j = i + n;
    // YYYY年…
    if n == 4 && chars.get(j) == Some(&'年') && (1949..=2100).contains(&first) {
        let year = first as i32;
        j += 1;
        if word(chars, j, "度") || word(chars, j, "全年") {
            return Some((Period::year(year), j - i + 1));
        }
        for (w, from, to) in [("上半年", 1, 6), ("下半年", 7, 12), ("前三季度", 1, 9)] {
            if word(chars, j, w) {
                return Some((months(year, from, to), j - i + w.chars().count()));
            }
        }
        if let Some((from, to, len)) = month_span(chars, j) {
            return Some((months(year, from, to), j - i + len));
        }
        return Some((Period::year(year), j - i));
    }
    // A month span with the document's year: 1-11月, 截至5月底.
    let year = doc_year?;
    month_span(chars, i).map(|(from, to, len)| (months(year, from, to), len))
}

/// `1-11月`, `1至9月` (a span), `10月底`/`10月末`/`10月份` (to the end of a
/// month: months 1..=10), `10月` alone (that month). A day (`10月8日`) is
/// no span. Returns (from, to, length in chars).
fn month_span(chars: &[char], i: usize) -> Option<(u32, u32, usize)> {
    let (first, n) = digits(chars, i);
    if n == 0 || !(1..=12).contains(&first) {
        return None;
    }
    let mut j = i + n;
    if matches!(chars.get(j), Some('-' | '—' | '–' | '－' | '~' | '～' | '至' | '到')) {
        let (second, m) = digits(chars, j + 1);
        if m > 0 && chars.get(j + 1 + m) == Some(&'月') && (first..=12).contains(&second) {
            return Some((first, second, j + 1 + m + 1 - i));
        }
        return None;
    }
    if chars.get(j) != Some(&'月') {
        return None;
    }
    j += 1;
    if chars.get(j).is_some_and(|c| c.is_ascii_digit()) {
        return None; // 10月8日: a day
    }
    if matches!(chars.get(j), Some('底' | '末' | '份')) {
        return Some((1, first, j + 1 - i));
    }
    let to_date = i >= 2 && (word(chars, i - 2, "截至") || word(chars, i - 2, "截止"));
    Some(if to_date { (1, first, j - i) } else { (first, first, j - i) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(before: &str) -> String {
        as_of(before, Some(Period::year(2022))).unwrap().key()
    }

    #[test]
    fn explicit_spans() {
        assert_eq!(key("2022年1-11月，北京流向津冀技术合同"), "2022M01-11");
        assert_eq!(key("截止2022年10月底燕东为美芯晟提供产能达"), "2022M01-10");
        assert_eq!(key("截至5月底，累计"), "2022M01-05");
        assert_eq!(key("2021年，全市"), "2021");
        assert_eq!(key("上半年，新增"), "2022H1");
        assert_eq!(key("前三季度完成"), "2022M01-09");
    }

    #[test]
    fn the_nearest_expression_wins() {
        assert_eq!(key("2021年启动，截至2022年6月底"), "2022H1");
    }

    #[test]
    fn days_and_nothing_fall_back_to_the_document() {
        assert_eq!(key("8月20日至27日举办，"), "2022");
        assert_eq!(key("累计形成日报告"), "2022");
        assert_eq!(as_of("累计", None), None);
    }
}
