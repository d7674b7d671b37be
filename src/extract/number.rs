//! Reading numerals: Arabic (half- and full-width, decimals, thousands
//! separators), Chinese (零〇一二两三 … 十百千万亿, financial 壹贰叁 …),
//! mixtures (`3万`, `1.5亿`, `300多亿`, `1万余`) and `百分之…`.
//!
//! This module only reads; whether a numeral is a figure at all (a date? an
//! ordinal? a code?) is decided by the caller, which sees the context.

/// A numeral read from the text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Numeral {
    /// Value with multipliers applied (`1.5亿` → 1.5e8).
    pub value: f64,
    /// Char index where the numeral starts and ends (exclusive), including
    /// a multiplier tail and an inner `余`/`多` (`300多亿`).
    pub start: usize,
    pub end: usize,
    /// Written in Chinese numerals (`三百`), as opposed to Arabic digits.
    pub chinese: bool,
    /// A lone `一`/`壹` with nothing else: usually the indefinite article.
    pub lone_one: bool,
    /// Had a `余`/`多` inside (`300余`, `1万余`, `300多亿`): more than.
    pub more_than: bool,
    /// `百分之…` (percent) or `千分之…` (per mille) words: the unit is given.
    pub per: Option<Per>,
    /// Arabic digits only, no multiplier: 4 digits of this shape may be a year.
    pub plain_integer: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    Cent,
    Mille,
}

pub fn arabic_digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

pub(crate) fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' | '貳' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn small_unit(c: char) -> Option<f64> {
    Some(match c {
        '十' | '拾' => 10.0,
        '百' | '佰' => 100.0,
        '千' | '仟' => 1e3,
        _ => return None,
    })
}

fn big_unit(c: char) -> Option<f64> {
    Some(match c {
        '万' | '萬' => 1e4,
        '亿' | '億' => 1e8,
        _ => return None,
    })
}

/// Can a numeral start with this char? (`万`/`亿` alone can, as in `万级`,
/// but `百`/`千` are only numerals before `分之` or after a digit.)
pub fn may_start(c: char) -> bool {
    arabic_digit(c).is_some() || chinese_digit(c).is_some() || matches!(c, '十' | '拾' | '百' | '千' | '万' | '亿')
}

fn is_chinese_numeral_char(c: char) -> bool {
    chinese_digit(c).is_some() || small_unit(c).is_some() || big_unit(c).is_some()
}

/// Reads the numeral starting at `chars[i]`, if there is one. `stop_units`
/// tells whether a unit word (such as `千瓦`, `百分点`) starts at a position,
/// so that its first char is not read as a multiplier.
pub fn read(chars: &[char], i: usize, stop_units: &dyn Fn(usize) -> bool) -> Option<Numeral> {
    let c = *chars.get(i)?;
    if let Some(per) = per_words(chars, i) {
        let body = i + 3;
        // 百分之百分之…: no numeral. Refusing here keeps the recursion one
        // level deep whatever the text (a cell of 20,000 百分之 once
        // overflowed the stack).
        if per_words(chars, body).is_some() {
            return None;
        }
        let mut n = read(chars, body, stop_units)?;
        if n.per.is_some() {
            return None;
        }
        n.start = i;
        n.per = Some(per);
        return Some(n);
    }
    if arabic_digit(c).is_some() {
        read_arabic(chars, i, stop_units)
    } else if is_chinese_numeral_char(c) {
        // 百/千 begin a numeral only as 百余/千多 or after a qualifier
        // (逾千家, 近百家, 超过千人); elsewhere they are words (百花, 千方百计).
        if matches!(c, '百' | '千' | '佰' | '仟') && !(after_qualifier(chars, i) || more_follows(chars, i)) {
            return None;
        }
        read_chinese(chars, i, stop_units)
    } else {
        None
    }
}

/// Is `chars[i]` right after a qualifier that takes a bare 百/千/万 (逾千家)?
pub fn after_qualifier(chars: &[char], i: usize) -> bool {
    i > 0 && matches!(chars[i - 1], '逾' | '近' | '超' | '约' | '过' | '足' | '到' | '于' | '破')
}

/// Is `chars[i]` followed by 余/多 (千余人, 万多户)?
pub fn more_follows(chars: &[char], i: usize) -> bool {
    matches!(chars.get(i + 1), Some('余' | '多'))
}

fn per_words(chars: &[char], i: usize) -> Option<Per> {
    let per = match chars.get(i..i + 3)? {
        ['百', '分', '之'] => Per::Cent,
        ['千', '分', '之'] => Per::Mille,
        _ => return None,
    };
    chars.get(i + 3).is_some_and(|&c| may_start(c)).then_some(per)
}

fn read_arabic(chars: &[char], start: usize, stop_units: &dyn Fn(usize) -> bool) -> Option<Numeral> {
    // Digits accumulate into an integer mantissa; the decimal point only
    // sets the power of ten, so `18.92亿` is 1892 × 10^6, exactly.
    let mut mantissa = 0f64;
    let mut digits = 0usize;
    let mut i = start;
    let mut grouped = false;
    while i < chars.len() {
        if let Some(d) = arabic_digit(chars[i]) {
            mantissa = mantissa * 10.0 + d as f64;
            digits += 1;
            i += 1;
        } else if matches!(chars[i], ',' | '，') && thousands_group_follows(chars, i, digits, grouped) {
            grouped = true;
            i += 1;
        } else {
            break;
        }
    }
    let mut decimals = 0i32;
    if matches!(chars.get(i), Some('.' | '．')) && chars.get(i + 1).and_then(|&c| arabic_digit(c)).is_some() {
        i += 1;
        while let Some(d) = chars.get(i).and_then(|&c| arabic_digit(c)) {
            mantissa = mantissa * 10.0 + d as f64;
            decimals += 1;
            i += 1;
        }
    }
    let mut n = Numeral {
        value: mantissa,
        start,
        end: i,
        chinese: false,
        lone_one: false,
        more_than: false,
        per: None,
        plain_integer: decimals == 0 && !grouped,
    };
    let exponent = apply_tail(chars, &mut n, stop_units);
    n.value = scale(mantissa, exponent - decimals);
    Some(n)
}

/// `m × 10^e`, rounded once: `1892 × 10^6` is exact where `18.92 × 1e8`
/// is not (1892000000.0000002).
fn scale(m: f64, e: i32) -> f64 {
    if e >= 0 { m * 10f64.powi(e) } else { m / 10f64.powi(-e) }
}

/// A separator is a thousands separator only in the strict pattern
/// `d{1,3}(,ddd)+` followed by a non-digit: `12,500` yes, `5271项，同比` no.
fn thousands_group_follows(chars: &[char], i: usize, digits_before: usize, grouped: bool) -> bool {
    if !grouped && !(1..=3).contains(&digits_before) {
        return false;
    }
    let group = chars.get(i + 1..i + 4);
    let after = chars.get(i + 4).copied();
    group.is_some_and(|g| g.iter().all(|&c| arabic_digit(c).is_some()))
        && after.is_none_or(|c| arabic_digit(c).is_none())
}

/// Multipliers and inner `余`/`多` after a numeral: `3万`, `1.5亿`,
/// `300多亿`, `1万余`, `30余万`, `2千万`. Moves `n.end` past them and
/// returns the power of ten they multiply by.
fn apply_tail(chars: &[char], n: &mut Numeral, stop_units: &dyn Fn(usize) -> bool) -> i32 {
    let mut i = n.end;
    let mut exponent = 0;
    while let Some(&c) = chars.get(i) {
        if matches!(c, '余' | '多') && !n.more_than && !(c == '多' && more_is_adjective(chars, i + 1)) {
            n.more_than = true;
            i += 1;
            continue;
        }
        if stop_units(i) {
            break;
        }
        let e = match c {
            '万' | '萬' => 4,
            '亿' | '億' => 8,
            '千' | '仟' if !n.chinese => 3,
            '百' | '佰' if !n.chinese => 2,
            '十' | '拾' if !n.chinese => 1,
            _ => break,
        };
        exponent += e;
        n.plain_integer = false;
        i += 1;
    }
    n.end = i;
    exponent
}

/// `多` after a number is "more than" (`100多家`, `300多亿元`, `100多元`)
/// unless it starts a word of its own (`多样`, `多种`, `多元化`).
fn more_is_adjective(chars: &[char], next: usize) -> bool {
    match chars.get(next) {
        Some('样' | '种' | '方' | '层' | '维' | '重' | '彩' | '措') => true,
        Some('元') => chars.get(next + 1) == Some(&'化'),
        _ => false,
    }
}

/// The longest run of Chinese numeral chars read as one numeral.
const MAX_CHINESE_CHARS: usize = 24;

fn read_chinese(chars: &[char], start: usize, stop_units: &dyn Fn(usize) -> bool) -> Option<Numeral> {
    let mut end = start;
    while end < chars.len() && is_chinese_numeral_char(chars[end]) {
        // No numeral is this long (九千九百九十九万九千九百九十九 is 15): a
        // longer run is no number, and bounding the scan keeps a cell of
        // numeral chars linear, since each of its positions is tried.
        if end - start >= MAX_CHINESE_CHARS {
            return None;
        }
        // `千瓦`, `百分点`, `万元` after a digit: stop before a unit word that
        // begins with a numeral char, unless it is a big multiplier.
        if end > start && small_unit(chars[end]).is_some() && stop_units(end) {
            break;
        }
        end += 1;
    }
    // A decimal point in words: 五点五.
    let mut decimal_digits = String::new();
    if chars.get(end) == Some(&'点') && chars.get(end + 1).and_then(|&c| chinese_digit(c)).is_some() {
        let mut j = end + 1;
        while let Some(d) = chars.get(j).and_then(|&c| chinese_digit(c)) {
            if j - end > MAX_CHINESE_CHARS {
                return None;
            }
            decimal_digits.push(char::from_digit(d, 10).unwrap());
            j += 1;
        }
        end = j;
    }
    let integer_end = if decimal_digits.is_empty() { end } else { end - decimal_digits.len() - 1 };
    let mut value = chinese_value(&chars[start..integer_end])?;
    if !decimal_digits.is_empty() {
        value += format!("0.{decimal_digits}").parse::<f64>().ok()?;
    }
    let lone_one = integer_end - start == 1 && matches!(chars[start], '一' | '壹') && decimal_digits.is_empty();
    let mut n =
        Numeral { value, start, end, chinese: true, lone_one, more_than: false, per: None, plain_integer: false };
    // 余/多 and a further 万/亿 can follow: 三千多万.
    let exponent = apply_tail(chars, &mut n, stop_units);
    n.value = scale(n.value, exponent);
    if n.more_than {
        n.lone_one = false;
    }
    Some(n)
}

/// The value of a run of Chinese numeral chars: positional (`三百零五`,
/// `两万三千`, `一亿二千万`) or a digit string (`二〇二二`).
pub fn chinese_value(s: &[char]) -> Option<f64> {
    if s.is_empty() {
        return None;
    }
    let positional = s.iter().any(|&c| small_unit(c).is_some() || big_unit(c).is_some());
    if !positional {
        let mut v = 0.0;
        for &c in s {
            v = v * 10.0 + chinese_digit(c)? as f64;
        }
        return Some(v);
    }
    let (mut total, mut section, mut digit) = (0.0f64, 0.0f64, None::<f64>);
    let mut previous = None;
    for &c in s {
        if let Some(d) = chinese_digit(c) {
            // Two digits in a row (十四五) are a name, unless after 零 (一百零五).
            if digit.is_some() && previous.and_then(chinese_digit) != Some(0) {
                return None;
            }
            digit = Some(d as f64);
        } else if let Some(u) = small_unit(c) {
            // `十二` = 12: a leading 十 means one ten.
            section += digit.unwrap_or(1.0) * u;
            digit = None;
        } else if let Some(u) = big_unit(c) {
            section += digit.unwrap_or(0.0);
            if section == 0.0 && total == 0.0 {
                section = 1.0; // `万` alone, as in `万级`
            }
            if u >= 1e8 {
                total = (total + section) * u;
            } else {
                total += section * u;
            }
            section = 0.0;
            digit = None;
        }
        previous = Some(c);
    }
    Some(total + section + digit.unwrap_or(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_units(_: usize) -> bool {
        false
    }

    fn value_of(s: &str) -> (f64, &'static str) {
        let chars: Vec<char> = s.chars().collect();
        let n = read(&chars, 0, &no_units).unwrap_or_else(|| panic!("no numeral in {s}"));
        let tail: String = chars[n.end..].iter().collect();
        (n.value, Box::leak(tail.into_boxed_str()))
    }

    #[test]
    fn arabic() {
        assert_eq!(value_of("312辆"), (312.0, "辆"));
        assert_eq!(value_of("21.4%"), (21.4, "%"));
        assert_eq!(value_of("１２３项"), (123.0, "项"));
        assert_eq!(value_of("３．５亿元"), (3.5e8, "元"));
        assert_eq!(value_of("12,500家"), (12500.0, "家"));
        assert_eq!(value_of("1,234,567元"), (1234567.0, "元"));
        assert_eq!(value_of("5271项，同比"), (5271.0, "项，同比"));
        assert_eq!(value_of("24家，140所"), (24.0, "家，140所"));
    }

    #[test]
    fn list_marker_is_not_a_decimal() {
        assert_eq!(value_of("1. 修订"), (1.0, ". 修订"));
    }

    #[test]
    fn multipliers_and_inner_more_than() {
        assert_eq!(value_of("3万人次"), (3e4, "人次"));
        assert_eq!(value_of("1.5亿元"), (1.5e8, "元"));
        let chars: Vec<char> = "300多亿元".chars().collect();
        let n = read(&chars, 0, &no_units).unwrap();
        assert_eq!((n.value, n.more_than, n.end), (3e10, true, 5));
        let chars: Vec<char> = "1万余户".chars().collect();
        let n = read(&chars, 0, &no_units).unwrap();
        assert_eq!((n.value, n.more_than, n.end), (1e4, true, 3));
        assert_eq!(value_of("30余万人").0, 3e5);
        assert_eq!(value_of("2千万元").0, 2e7);
    }

    #[test]
    fn chinese() {
        assert_eq!(value_of("三百余个").0, 300.0);
        assert_eq!(value_of("十二项").0, 12.0);
        assert_eq!(value_of("二十五项").0, 25.0);
        assert_eq!(value_of("一百零五家").0, 105.0);
        assert_eq!(value_of("两万三千人").0, 23000.0);
        assert_eq!(value_of("一亿二千万元").0, 1.2e8);
        assert_eq!(value_of("二〇二二年").0, 2022.0);
        assert_eq!(value_of("五点五倍").0, 5.5);
        assert_eq!(value_of("壹佰贰拾元").0, 120.0);
        assert_eq!(value_of("六大板块"), (6.0, "大板块"));
        assert_eq!(chinese_value(&['十', '四', '五']), None);
    }

    #[test]
    fn lone_one_is_flagged() {
        let chars: Vec<char> = "一批".chars().collect();
        assert!(read(&chars, 0, &no_units).unwrap().lone_one);
        let chars: Vec<char> = "一万户".chars().collect();
        assert!(!read(&chars, 0, &no_units).unwrap().lone_one);
    }

    #[test]
    fn percent_words() {
        let chars: Vec<char> = "百分之三十".chars().collect();
        let n = read(&chars, 0, &no_units).unwrap();
        assert_eq!((n.value, n.per, n.end), (30.0, Some(Per::Cent), 5));
        let chars: Vec<char> = "千分之5".chars().collect();
        assert_eq!(read(&chars, 0, &no_units).unwrap().per, Some(Per::Mille));
    }

    #[test]
    fn unit_words_are_not_multipliers() {
        let chars: Vec<char> = "10千瓦".chars().collect();
        let n = read(&chars, 0, &|i| chars[i] == '千').unwrap();
        assert_eq!((n.value, n.end), (10.0, 2));
        let chars: Vec<char> = "100万千瓦".chars().collect();
        let n = read(&chars, 0, &|i| chars[i] == '千').unwrap();
        assert_eq!((n.value, n.end), (1e6, 4));
    }
}
