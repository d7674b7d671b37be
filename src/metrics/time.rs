//! When a figure holds: its own as-of date or span, read from the words
//! before it in its sentence, else the document's period.
//!
//! Reports date their figures in a handful of ways: `2022年1-11月` (months
//! to date), `截至5月底` (as of a month's end: that month, as FORMAT.md
//! writes it), `全年`, `上半年`, `前三季度`, `2022年` (a year), `到2025年`
//! (a target's year), `自2014年以来累计` and `“十四五”以来` (a span of
//! years, for totals accumulated and rates averaged over it), `“十三五”期间`,
//! `上年` and `上年同期` (the year before, or the same months of it). The
//! nearest such expression before the figure in its sentence wins. A date
//! of a single day (`8月20日`) dates an event, not a figure, and is passed
//! over.
//!
//! A year named as a comparison base (`较2019年`, `比2015年`, `与2015年
//! 相比`) dates the level it introduces (`由1200项起步`, `2019年的340.5亿元`)
//! but not the change measured against it: `较2019年增长14.4%` is this
//! year's change, and `较2020年两年平均增长10.7%` averages the years since
//! the base.

use crate::document::Period;

/// A date expression found in the text.
#[derive(Debug, Clone, Copy)]
struct Expr {
    period: Period,
    /// A comparison base (`较2019年`): it dates levels, not changes.
    base: bool,
}

/// The period a figure describes, given the text of its sentence before it,
/// the document's period, and whether the figure is a change (a growth
/// rate, a difference in points).
pub fn as_of(before: &str, document: Option<Period>, change: bool) -> Option<Period> {
    let chars = outside_asides(before);
    let mut found: Option<Expr> = None;
    let mut i = 0;
    while i < chars.len() {
        if let Some((e, len)) = expression(&chars, i, document) {
            // A base dates only the level it introduces, in its own clause
            // (`与2015年相比，…由1200项起步`, `较2019年的340.5亿元`); not a
            // figure after another one (`较2013年增加112天，其中一级优天数`)
            // or after a clause of its own (`与2021年基本持平，优良天数比例为`).
            // `由2015年的420亿元增加到1180亿元`: a year with 的 dates the
            // value right after it, and no other.
            let of_one = !e.base && chars.get(i + len) == Some(&'的');
            if !((e.base && !change || of_one) && !introduces(&chars[i + len..])) {
                found = Some(e);
            }
            i += len.max(1);
        } else {
            i += 1;
        }
    }
    match found {
        // 2021年的报告说`较2020年增加12天`: last year's base, a year-on-year change.
        Some(e) if e.base && change && document.is_some_and(|d| e.period.end_year() + 1 == d.end_year()) => document,
        Some(e) if e.base && change => {
            let doc = document?;
            // 较2020年两年平均增长: the years after the base, averaged; a
            // change against a base year spans from it to now.
            let averaged = crate::lexicon::averages_a_change(before);
            let from = if averaged { e.period.end_year() + 1 } else { e.period.end_year() };
            Period::years(from, doc.end_year()).or(Some(doc))
        }
        Some(e) => Some(e.period),
        None => document,
    }
}

/// The text before a figure without the asides closed before it:
/// `全年实现832.5亿元（上年为745.3亿元），同比增长11.7%` dates the growth
/// by the sentence, not by the aside's 上年.
fn outside_asides(before: &str) -> Vec<char> {
    let chars: Vec<char> = before.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut open: Option<usize> = None;
    for &c in &chars {
        match c {
            '（' | '(' if open.is_none() => {
                open = Some(out.len());
                out.push(c);
            }
            '）' | ')' if open.is_some() => {
                out.truncate(open.take().unwrap_or(0));
            }
            _ => out.push(c),
        }
    }
    out
}

/// Does the text after a comparison base go straight on to the figure it
/// dates: no other figure, and no clause but the one after `相比`?
fn introduces(after: &[char]) -> bool {
    let text: String = after.iter().collect();
    let rest = text.trim_start_matches("相比").trim_start_matches(['，', ',']);
    !rest.contains(['，', ',', '；', ';']) && !rest.chars().any(|c| c.is_ascii_digit())
}

fn digits(chars: &[char], i: usize) -> (u32, usize) {
    let n = chars[i.min(chars.len())..].iter().take_while(|c| c.is_ascii_digit()).count();
    let v = chars[i..i + n].iter().collect::<String>().parse().unwrap_or(0);
    (v, n)
}

fn word(chars: &[char], i: usize, w: &str) -> bool {
    w.chars().enumerate().all(|(k, c)| chars.get(i + k) == Some(&c))
}

/// Five-year plans by the words that name them, with their years.
const PLANS: &[(&str, i32, i32)] =
    &[("十二五", 2011, 2015), ("十三五", 2016, 2020), ("十四五", 2021, 2025), ("十五五", 2026, 2030)];

/// Words after a year or plan that make it the start of a span to now.
const SINCE: &[&str] = &["以来", "至今", "上线以来", "实施以来", "开展以来", "启动以来", "成立以来"];

/// A date expression starting at `i`: what it dates and its length in chars.
fn expression(chars: &[char], i: usize, document: Option<Period>) -> Option<(Expr, usize)> {
    let plain = |period: Period, len: usize| Some((Expr { period, base: false }, len));
    let doc_year = document.map(|d| d.end_year());
    // 自2014年以来, 2018年以来: a span from that year to the document's.
    let since = |after: usize| SINCE.iter().find(|w| word(chars, after, w)).map(|w| w.chars().count());
    // Five-year plans, quoted or not: “十四五”以来, 十三五期间.
    for &(name, from, to) in PLANS {
        if word(chars, i, name) {
            let mut j = i + name.chars().count();
            if matches!(chars.get(j), Some('”' | '"' | '’')) {
                j += 1;
            }
            if let Some(n) = since(j) {
                let to = doc_year.unwrap_or(to).max(from);
                return plain(Period::years(from, to)?, j + n - i);
            }
            for w in ["期间", "时期"] {
                if word(chars, j, w) {
                    return plain(Period::years(from, to)?, j + 2 - i);
                }
            }
            return None;
        }
    }
    // 上年 and 上年同期: the year before the document's, when they name a
    // value (上年为, 上年同期全市…), not a comparison (比上年增长).
    if word(chars, i, "上年") && !(i > 0 && matches!(chars[i - 1], '比' | '较' | '同' | '于' | '与')) {
        let doc = document?;
        if word(chars, i + 2, "同期") {
            return plain(doc.shifted(-1), 4);
        }
        return plain(Period::year(doc.end_year() - 1), 2);
    }
    // Words of the document's own year.
    if let Some(year) = doc_year
        && (i == 0 || !chars[i - 1].is_ascii_digit())
        && let Some((from, to, n)) = crate::lexicon::year_part(&chars[i..])
    {
        return plain(Period::months(year, from, to)?, n);
    }
    if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
        return None;
    }
    let (first, n) = digits(chars, i);
    let mut j = i + n;
    // 2020-2021年: a span of years written once.
    if n == 4 && matches!(chars.get(j), Some('-' | '—' | '–' | '－' | '~' | '～')) {
        let (second, m) = digits(chars, j + 1);
        if m == 4 && chars.get(j + 1 + m) == Some(&'年') && (first..=2100).contains(&second) && first >= 1949 {
            return plain(Period::years(first as i32, second as i32)?, j + 1 + m + 1 - i);
        }
    }
    // YYYY年…
    if n == 4 && chars.get(j) == Some(&'年') && (1949..=2100).contains(&first) {
        let year = first as i32;
        j += 1;
        if word(chars, j, "度") || word(chars, j, "全年") {
            return plain(Period::year(year), j - i + 1);
        }
        if let Some(len) = since(j) {
            let to = doc_year.unwrap_or(year).max(year);
            return plain(Period::years(year, to)?, j - i + len);
        }
        // 2021年至2022年: a span of years.
        if let Some(&c) = chars.get(j)
            && matches!(c, '-' | '—' | '–' | '－' | '至' | '到' | '~' | '～')
        {
            let (second, m) = digits(chars, j + 1);
            if m == 4 && chars.get(j + 1 + m) == Some(&'年') && (year..=2100).contains(&(second as i32)) {
                return plain(Period::years(year, second as i32)?, j + 1 + m + 1 - i);
            }
        }
        if let Some((from, to, n)) = crate::lexicon::year_part(&chars[j..]) {
            return plain(Period::months(year, from, to)?, j - i + n);
        }
        if let Some((from, to, len)) = month_span(chars, j) {
            return plain(Period::months(year, from as u8, to as u8)?, j - i + len);
        }
        // 较2019年, 比2015年, 与2015年相比: a comparison base.
        // (…水平相似的2019年相比: the base named before 相比.)
        let base = i > 0 && matches!(chars[i - 1], '较' | '比' | '与' | '同' | '和') || word(chars, j, "相比");
        return Some((Expr { period: Period::year(year), base }, j - i));
    }
    // A month span with the document's year: 1-11月, 截至5月底.
    let year = doc_year?;
    let (from, to, len) = month_span(chars, i)?;
    plain(Period::months(year, from as u8, to as u8)?, len)
}

/// `1-11月`, `1至9月` (a span), `10月底`/`10月末`/`10月份`/`10月` (that
/// month, or as of its end). A day (`10月8日`) is
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
    // 截至10月底, 10月末: as of the end of that month, which FORMAT.md
    // writes as the month itself (`2022M10`).
    if matches!(chars.get(j), Some('底' | '末' | '份')) {
        return Some((first, first, j + 1 - i));
    }
    Some((first, first, j - i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(before: &str) -> String {
        as_of(before, Some(Period::year(2022)), false).unwrap().key()
    }

    fn change_key(before: &str) -> String {
        as_of(before, Some(Period::year(2022)), true).unwrap().key()
    }

    #[test]
    fn explicit_spans() {
        assert_eq!(key("2022年1-11月，北京流向津冀技术合同"), "2022M01-11");
        assert_eq!(key("截止2022年10月底燕东为美芯晟提供产能达"), "2022M10");
        assert_eq!(key("截至5月底，累计"), "2022M05");
        assert_eq!(key("2021年，全市"), "2021");
        assert_eq!(key("上半年，新增"), "2022H1");
        assert_eq!(key("前三季度完成"), "2022M01-09");
    }

    #[test]
    fn the_nearest_expression_wins() {
        assert_eq!(key("2021年启动，截至2022年6月底"), "2022M06");
    }

    #[test]
    fn days_and_nothing_fall_back_to_the_document() {
        assert_eq!(key("8月20日至27日举办，"), "2022");
        assert_eq!(key("累计形成日报告"), "2022");
        assert_eq!(as_of("累计", None, false), None);
    }

    #[test]
    fn spans_plans_and_earlier_years() {
        assert_eq!(key("市公共信用信息平台自2014年以来累计归集信用信息"), "2014..2022");
        assert_eq!(key("自2006年实施以来累计支持"), "2006..2022");
        assert_eq!(key("“十四五”以来全市地区生产总值年均增长"), "2021..2022");
        assert_eq!(key("“十三五”期间全区累计实际利用外资"), "2016..2020");
        assert_eq!(key("到2025年全市地区生产总值达到"), "2025");
        assert_eq!(key("上年同期为"), "2021");
        assert_eq!(key("上年全区社会消费品零售总额为"), "2021");
        assert_eq!(key("比上年增长"), "2022", "a comparison with last year is this year's change");
        assert_eq!(key("较上年同期增长"), "2022");
    }

    #[test]
    fn a_comparison_base_dates_levels_not_changes() {
        assert_eq!(key("与2015年相比，全市技术合同成交额由"), "2015");
        assert_eq!(key("较2019年的"), "2019");
        assert_eq!(change_key("较2019年的340.5亿元增长"), "2019..2022");
        assert_eq!(key("与2013年相比增加112天，其中一级优天数"), "2022");
        assert_eq!(change_key("较2021年增加12天"), "2022", "last year's base: a year-on-year change");
        assert_eq!(key("全年空气质量优良天数286天，与2021年基本持平，优良天数比例为"), "2022");
        assert_eq!(key("2020-2021年累计监测到浮游植物"), "2020..2021");
        assert_eq!(key("2021年至2022年，核心区"), "2021..2022");
        assert_eq!(change_key("全年实现社零额832.5亿元（上年为745.3亿元），同比增长"), "2022");
        assert_eq!(key("全年实现社零额832.5亿元（上年为"), "2021", "inside the aside, the aside's date");
        assert_eq!(key("数字经济核心产业增加值由2015年的420亿元增加到1180亿元，占地区生产总值比重为"), "2022");
        assert_eq!(key("数字经济核心产业增加值由2015年的"), "2015");
        assert_eq!(change_key("全社会研发经费支出较2020年两年平均增长"), "2021..2022");
        assert_eq!(change_key("2021年1-11月，全市固定资产投资同比增长"), "2021M01-11");
    }
}
