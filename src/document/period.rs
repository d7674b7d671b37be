//! The reporting period a document covers, read from its title.
//!
//! Titles name their period in a few stock ways: `2022年度` or `2022年` (the
//! year), `2022年上半年` (first half), `2022年第三季度` / `2022年三季度`
//! (a quarter), `2022年1-6月` / `2022年1至9月` (months to date). The period
//! is what a figure in the document is "as of" unless the sentence says
//! otherwise, and it is the time axis of every series.

use serde::Serialize;

/// A span of time a figure or a document covers: months within one year
/// (`2022`, `2022H1`, `2022Q3`, `2022M01-11`, `2023M05`), or whole years
/// (`2014..2021`, a total accumulated over them or a rate averaged over
/// them). Fields are private so that every `Period` is valid: months in
/// 1..=12, the start not after the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    from_year: i32,
    from_month: u8,
    to_year: i32,
    to_month: u8,
}

/// Periods sort by when they end, then by when they start (a longer span
/// first): the order of points on a time axis.
impl Ord for Period {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.to_year, self.to_month, self.from_year, self.from_month).cmp(&(
            other.to_year,
            other.to_month,
            other.from_year,
            other.from_month,
        ))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Period {
    /// A calendar year.
    pub fn year(year: i32) -> Self {
        Period { from_year: year, from_month: 1, to_year: year, to_month: 12 }
    }

    /// Months `from..=to` of `year`; `None` unless 1 ≤ from ≤ to ≤ 12.
    pub fn months(year: i32, from: u8, to: u8) -> Option<Self> {
        (1 <= from && from <= to && to <= 12).then_some(Period {
            from_year: year,
            from_month: from,
            to_year: year,
            to_month: to,
        })
    }

    /// Whole years `from..=to` (`自2014年以来累计` in a 2021 report:
    /// 2014..2021); a single year when they are equal; `None` when `to` is
    /// before `from`.
    pub fn years(from: i32, to: i32) -> Option<Self> {
        (from <= to).then_some(Period { from_year: from, from_month: 1, to_year: to, to_month: 12 })
    }

    /// The year the period ends in: the year a point is drawn at.
    pub fn end_year(&self) -> i32 {
        self.to_year
    }

    /// The year the period starts in.
    pub fn start_year(&self) -> i32 {
        self.from_year
    }

    pub fn from_month(&self) -> u8 {
        self.from_month
    }

    pub fn to_month(&self) -> u8 {
        self.to_month
    }

    /// More than one year: a cumulative total or a multi-year average.
    pub fn is_span(&self) -> bool {
        self.from_year != self.to_year
    }

    pub fn is_full_year(&self) -> bool {
        !self.is_span() && self.from_month == 1 && self.to_month == 12
    }

    /// The same period `n` years earlier or later (last year's value that a
    /// growth rate implies).
    pub fn shifted(&self, years: i32) -> Self {
        Period { from_year: self.from_year + years, to_year: self.to_year + years, ..*self }
    }

    /// First day of the period.
    pub fn start(&self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(self.from_year, self.from_month.into(), 1).expect("valid month")
    }

    /// Last day of the period: where a point sits on a time axis.
    pub fn end(&self) -> chrono::NaiveDate {
        let (y, m) = if self.to_month == 12 { (self.to_year + 1, 1) } else { (self.to_year, self.to_month as u32 + 1) };
        chrono::NaiveDate::from_ymd_opt(y, m, 1).expect("valid month").pred_opt().expect("not the first day ever")
    }

    /// A short sortable key, as FORMAT.md writes periods: `2022`, `2022H1`,
    /// `2022Q3`, `2022M01-11`, `2023M05`, `2014..2021`.
    pub fn key(&self) -> String {
        if self.is_span() {
            return format!("{}..{}", self.from_year, self.to_year);
        }
        let year = self.to_year;
        match (self.from_month, self.to_month) {
            (1, 12) => format!("{year}"),
            (1, 6) => format!("{year}H1"),
            (7, 12) => format!("{year}H2"),
            (f, t) if t == f + 2 && f % 3 == 1 => format!("{year}Q{}", f.div_ceil(3)),
            (f, t) if f == t => format!("{year}M{f:02}"),
            (f, t) => format!("{year}M{f:02}-{t:02}"),
        }
    }

    /// How a Chinese reader would write it: `2022年`, `2022年上半年`,
    /// `2022年1-11月`, `2014—2021年`.
    pub fn label(&self) -> String {
        if self.is_span() {
            return format!("{}—{}年", self.from_year, self.to_year);
        }
        let year = self.to_year;
        match (self.from_month, self.to_month) {
            (1, 12) => format!("{year}年"),
            (1, 6) => format!("{year}年上半年"),
            (7, 12) => format!("{year}年下半年"),
            (f, t) if t == f + 2 && f % 3 == 1 => format!("{year}年第{}季度", f.div_ceil(3)),
            (f, t) if f == t => format!("{year}年{f}月"),
            (f, t) => format!("{year}年{f}-{t}月"),
        }
    }
}

/// Parses a period key as [`Period::key`] writes it: `2022`, `2022H1`,
/// `2022Q3`, `2022M01-11`, `2023M05`, `2014..2021`.
pub fn parse_key(key: &str) -> Option<Period> {
    let key = key.trim();
    let plausible = |y: i32| (1949..=2100).contains(&y);
    if let Some((from, to)) = key.split_once("..") {
        let (from, to): (i32, i32) = (from.parse().ok()?, to.parse().ok()?);
        return (plausible(from) && plausible(to) && from < to).then(|| Period::years(from, to)).flatten();
    }
    let year: i32 = key.get(..4)?.parse().ok()?;
    if !plausible(year) {
        return None;
    }
    match &key[4..] {
        "" => Some(Period::year(year)),
        "H1" => Period::months(year, 1, 6),
        "H2" => Period::months(year, 7, 12),
        q if q.len() == 2 && q.starts_with('Q') => {
            let n: u8 = q[1..].parse().ok().filter(|n| (1..=4).contains(n))?;
            Period::months(year, n * 3 - 2, n * 3)
        }
        m => {
            let m = m.strip_prefix('M')?;
            let (from, to): (u8, u8) = match m.split_once('-') {
                Some((from, to)) => (from.parse().ok()?, to.parse().ok()?),
                None => {
                    let one = m.parse().ok()?;
                    (one, one)
                }
            };
            Period::months(year, from, to)
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
    let months = |from: u8, to: u8| Period::months(year, from, to).unwrap_or(whole);
    if rest.starts_with("度") {
        return whole;
    }
    let chars: Vec<char> = rest.chars().collect();
    if let Some((from, to, _)) = crate::lexicon::year_part(&chars) {
        return months(from, to);
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
        assert_eq!(parse_key("2024M02").unwrap().end().to_string(), "2024-02-29");
        let span = parse_key("2014..2021").unwrap();
        assert_eq!((span.start().to_string(), span.end().to_string()), ("2014-01-01".into(), "2021-12-31".into()));
        assert!(span.is_span() && span < Period::year(2022) && span < Period::year(2021));
    }

    #[test]
    fn keys_round_trip() {
        for key in ["2022", "2023H1", "2023H2", "2024Q3", "2022M01-11", "2022M10", "2014..2021"] {
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
