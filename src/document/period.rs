//! The reporting period a document covers, read from its title.
//!
//! Titles name their period in a few stock ways: `2022年度` or `2022年` (the
//! year), `2022年上半年` (first half), `2022年第三季度` / `2022年三季度`
//! (a quarter), `2022年1-6月` / `2022年1至9月` (months to date). The period
//! is what a figure in the document is "as of" unless the sentence says
//! otherwise, and it is the time axis of every series.

use serde::Serialize;

/// A span of months within one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Period {
    pub year: i32,
    /// First month covered, 1-based.
    pub from_month: u8,
    /// Last month covered, inclusive.
    pub to_month: u8,
}

impl Period {
    pub fn year(year: i32) -> Self {
        Period { year, from_month: 1, to_month: 12 }
    }

    pub fn is_full_year(&self) -> bool {
        self.from_month == 1 && self.to_month == 12
    }

    /// First day of the period.
    pub fn start(&self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(self.year, self.from_month.into(), 1).expect("valid month")
    }

    /// Last day of the period: where a point sits on a time axis.
    pub fn end(&self) -> chrono::NaiveDate {
        let (y, m) = if self.to_month == 12 { (self.year + 1, 1) } else { (self.year, self.to_month as u32 + 1) };
        chrono::NaiveDate::from_ymd_opt(y, m, 1).expect("valid month").pred_opt().expect("not the first day ever")
    }

    /// A short sortable key: `2022`, `2022H1`, `2022Q3`, `2022M01-11`.
    pub fn key(&self) -> String {
        match (self.from_month, self.to_month) {
            (1, 12) => format!("{}", self.year),
            (1, 6) => format!("{}H1", self.year),
            (7, 12) => format!("{}H2", self.year),
            (f, t) if t == f + 2 && f % 3 == 1 => format!("{}Q{}", self.year, f.div_ceil(3)),
            (f, t) => format!("{}M{:02}-{:02}", self.year, f, t),
        }
    }

    /// How a Chinese reader would write it: `2022年`, `2022年上半年`, `2022年1-11月`.
    pub fn label(&self) -> String {
        match (self.from_month, self.to_month) {
            (1, 12) => format!("{}年", self.year),
            (1, 6) => format!("{}年上半年", self.year),
            (7, 12) => format!("{}年下半年", self.year),
            (f, t) if t == f + 2 && f % 3 == 1 => format!("{}年第{}季度", self.year, f.div_ceil(3)),
            (f, t) if f == t => format!("{}年{}月", self.year, f),
            (f, t) => format!("{}年{}-{}月", self.year, f, t),
        }
    }
}

/// Parses a period key as [`Period::key`] writes it: `2022`, `2022H1`,
/// `2022Q3`, `2022M01-11`.
pub fn parse_key(key: &str) -> Option<Period> {
    let key = key.trim();
    let year: i32 = key.get(..4)?.parse().ok()?;
    if !(1949..=2100).contains(&year) {
        return None;
    }
    let months = |from: u8, to: u8| Some(Period { year, from_month: from, to_month: to });
    match &key[4..] {
        "" => months(1, 12),
        "H1" => months(1, 6),
        "H2" => months(7, 12),
        q if q.len() == 2 && q.starts_with('Q') => {
            let n: u8 = q[1..].parse().ok().filter(|n| (1..=4).contains(n))?;
            months(n * 3 - 2, n * 3)
        }
        m => {
            let (from, to) = m.strip_prefix('M')?.split_once('-')?;
            let (from, to): (u8, u8) = (from.parse().ok()?, to.parse().ok()?);
            (1 <= from && from <= to && to <= 12).then_some(Period { year, from_month: from, to_month: to })
        }
    }
}

/// Finds the period in a title (or any short text naming one). The first
/// plausible year (1949–2100) followed by `年` decides; what follows it
/// narrows the year to a half, quarter or month range.
pub fn find(text: &str) -> Option<Period> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let digits: String = chars[i..].iter().take_while(|c| c.is_ascii_digit()).collect();
        let end = i + digits.len();
        if digits.len() == 4
            && let Ok(year) = digits.parse::<i32>()
            && (1949..=2100).contains(&year)
            && chars.get(end) == Some(&'年')
        {
            let rest: String = chars[end + 1..].iter().take(12).collect();
            return Some(narrow(year, &rest));
        }
        i = end;
    }
    None
}

fn narrow(year: i32, rest: &str) -> Period {
    let whole = Period::year(year);
    let months = |from: u8, to: u8| Period { year, from_month: from, to_month: to };
    if rest.starts_with("度") || rest.starts_with("全年") {
        return whole;
    }
    if rest.starts_with("上半年") {
        return months(1, 6);
    }
    if rest.starts_with("下半年") {
        return months(7, 12);
    }
    let quarter = rest.strip_prefix('第').unwrap_or(rest);
    for (q, name) in ["一季度", "二季度", "三季度", "四季度"].iter().enumerate() {
        if quarter.starts_with(name) {
            let from = q as u8 * 3 + 1;
            return months(from, from + 2);
        }
    }
    if let Some((from, to)) = month_range(rest) {
        return months(from, to);
    }
    whole
}

/// `1-11月`, `1—6月`, `1至9月`, `1～3月`, or a single `6月` (to date: 1–6).
fn month_range(rest: &str) -> Option<(u8, u8)> {
    let num = |s: &str| -> Option<(u8, usize)> {
        let n: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
        let v: u8 = n.parse().ok()?;
        (1..=12).contains(&v).then_some((v, n.len()))
    };
    let (first, len) = num(rest)?;
    let after = &rest[len..];
    if after.starts_with('月') {
        return Some((1, first));
    }
    let sep = after.chars().next()?;
    if !matches!(sep, '-' | '—' | '–' | '－' | '~' | '～' | '至' | '到') {
        return None;
    }
    let after_sep = &after[sep.len_utf8()..];
    let (second, len2) = num(after_sep)?;
    (after_sep[len2..].starts_with('月') && second >= first).then_some((first, second))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_titles() {
        let p = find("市科委、中关村管委会2022年度日常履职考核事项完成情况自查表").unwrap();
        assert_eq!(p, Period::year(2022));
        assert_eq!(p.key(), "2022");
        assert_eq!(find("2023年工作总结").unwrap().key(), "2023");
    }

    #[test]
    fn parts_of_a_year() {
        assert_eq!(find("2023年上半年重点任务进展").unwrap().key(), "2023H1");
        assert_eq!(find("2023年下半年").unwrap().key(), "2023H2");
        assert_eq!(find("2024年第三季度自查表").unwrap().key(), "2024Q3");
        assert_eq!(find("2024年一季度").unwrap().key(), "2024Q1");
        assert_eq!(find("2022年1-11月完成情况").unwrap().key(), "2022M01-11");
        assert_eq!(find("2022年1至9月").unwrap().label(), "2022年1-9月");
    }

    #[test]
    fn first_and_last_days() {
        let p = parse_key("2022M01-11").unwrap();
        assert_eq!((p.start().to_string(), p.end().to_string()), ("2022-01-01".into(), "2022-11-30".into()));
        assert_eq!(Period::year(2024).end().to_string(), "2024-12-31");
        assert_eq!(parse_key("2024M02-02").unwrap().end().to_string(), "2024-02-29");
    }

    #[test]
    fn keys_round_trip() {
        for key in ["2022", "2023H1", "2023H2", "2024Q3", "2022M01-11", "2022M10-10"] {
            assert_eq!(parse_key(key).unwrap().key(), key);
        }
        assert_eq!(parse_key("去年"), None);
        assert_eq!(parse_key("2022Q5"), None);
        assert_eq!(parse_key("2022M11-01"), None);
    }

    #[test]
    fn no_year_no_period() {
        assert_eq!(find("日常履职考核事项完成情况自查表"), None);
        assert_eq!(find("第20221号"), None);
        assert_eq!(find("长安链3.0"), None);
    }
}
