//! The text around a numeral: sentences, clauses, quoted names, and the
//! qualifier words (约, 超过, 左右 …) that travel with a figure.

use std::sync::LazyLock;

use super::Qualifier;
use super::words::{self, WordSet};

/// A slice of the cell, in char indices.
pub type Span = (usize, usize);

/// Characters that end a sentence.
pub fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n')
}

/// Characters that end a clause (a sentence end, or a comma-like pause).
pub fn is_clause_end(c: char) -> bool {
    is_sentence_end(c) || matches!(c, '，' | ',' | '、' | '：' | ':')
}

/// How far (in chars) a sentence or clause is looked for around a figure.
/// Real sentences are far shorter; the bound keeps a cell of thousands of
/// figures with no punctuation (a pasted table) linear.
const REACH: usize = 400;

/// Start of the clause containing `i`.
pub fn clause_start(chars: &[char], i: usize) -> usize {
    let from = i.saturating_sub(REACH);
    chars[from..i].iter().rposition(|&c| is_clause_end(c)).map_or(from, |p| from + p + 1)
}

/// Start of the phrase containing `i`: like a clause, but a list comma
/// (`、`) does not end it, so `分别增长2.1%、3.3%` shares its verb.
pub fn phrase_start(chars: &[char], i: usize) -> usize {
    let from = i.saturating_sub(REACH);
    chars[from..i].iter().rposition(|&c| is_clause_end(c) && c != '、').map_or(from, |p| from + p + 1)
}

/// End (exclusive) of the clause containing `i`.
pub fn clause_end(chars: &[char], i: usize) -> usize {
    let to = (i + REACH).min(chars.len());
    chars[i..to].iter().position(|&c| is_clause_end(c)).map_or(to, |p| i + p)
}

/// The sentence containing `i`, terminator included, surrounding spaces and
/// list numbering (`2. `) excluded.
pub fn sentence(chars: &[char], i: usize) -> Span {
    let from = i.saturating_sub(REACH);
    let to = (i + REACH).min(chars.len());
    let mut start =
        (from..i).rev().find(|&p| is_sentence_end(chars[p]) || list_marker(chars, p + 1)).map_or(from, |p| p + 1);
    let end = (i..to)
        .find(|&p| is_sentence_end(chars[p]) || list_marker(chars, p))
        .map_or(to, |p| if is_sentence_end(chars[p]) { p + 1 } else { p });
    while start < i && chars[start].is_whitespace() {
        start += 1;
    }
    // A list marker such as `1. ` or `2、` belongs to the list, not the sentence.
    let digits = chars[start..i].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && digits < 3 && matches!(chars.get(start + digits), Some('.' | '、' | '．')) {
        start += digits + 1;
        while start < i && chars[start].is_whitespace() {
            start += 1;
        }
    }
    let mut end = end;
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    (start, end)
}

/// Does a list item start at `i`: a space, then `2.` or `2、` and text
/// (`…3000片/月 2. 推动…`)? Items are sentences even without a full stop.
fn list_marker(chars: &[char], i: usize) -> bool {
    if i == 0 || !chars[i - 1].is_whitespace() {
        return false;
    }
    let digits = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=2).contains(&digits)
        && matches!(chars.get(i + digits), Some('.' | '、' | '．'))
        && chars.get(i + digits + 1).is_some_and(|c| !c.is_ascii_digit())
}

/// Does `word` occur at `chars[i..]`?
pub fn at(chars: &[char], i: usize, word: &str) -> bool {
    word.chars().enumerate().all(|(k, w)| chars.get(i + k) == Some(&w))
}

/// Does the text ending at `end` (exclusive) end with `word`?
pub fn ends_with(chars: &[char], end: usize, word: &str) -> bool {
    let n = word.chars().count();
    end >= n && at(chars, end - n, word)
}

/// Quoted names and titles, inside which numerals are names, not figures:
/// `《北京市第四批应用场景…方案》`, `“1+5”政策`, `“四不两直”`, `“悟道2.0”`.
/// A book title is always a name. A quotation is one when it is short and
/// has no sentence punctuation inside; a quoted sentence (`提出“到2025年，
/// 建成100个…”`) still has its figures.
pub fn protected_spans(chars: &[char]) -> Vec<Span> {
    let mut spans = Vec::new();
    // Open quotes, innermost last, and for each kind of opener the
    // positions in `stack` of its open instances: a closer finds its
    // opener in constant time, and every opener is pushed and popped at
    // most once, so a cell of unmatched quotes is read in linear time.
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut by_kind: [Vec<usize>; OPENERS.len()] = Default::default();
    for (i, &c) in chars.iter().enumerate() {
        let closes = match c {
            '”' => Some('“'),
            '’' => Some('‘'),
            '」' => Some('「'),
            '』' => Some('『'),
            '》' => Some('《'),
            '〉' => Some('〈'),
            '"' if stack.last().is_some_and(|&(o, _)| o == '"') => Some('"'),
            _ => None,
        };
        if let Some(open) = closes {
            let kind = opener_kind(open);
            if let Some(&pos) = by_kind[kind].last() {
                let (_, start) = stack[pos];
                // Closing an outer quote closes everything opened inside it.
                while stack.len() > pos {
                    let (o, _) = stack.pop().expect("stack holds pos");
                    by_kind[opener_kind(o)].pop();
                }
                let inner = &chars[start + 1..i];
                let is_title = open == '《' || open == '〈';
                let is_name =
                    inner.len() <= 40 && !inner.iter().any(|&c| is_sentence_end(c) || matches!(c, '，' | ',' | '：'));
                if is_title || is_name {
                    spans.push((start, i + 1));
                }
            }
            continue;
        }
        if OPENERS.contains(&c) {
            by_kind[opener_kind(c)].push(stack.len());
            stack.push((c, i));
        }
    }
    merge(spans)
}

/// The quote and title openers [`protected_spans`] pairs.
const OPENERS: [char; 7] = ['“', '‘', '「', '『', '《', '〈', '"'];

fn opener_kind(c: char) -> usize {
    OPENERS.iter().position(|&o| o == c).unwrap_or(0)
}

/// Sorted, disjoint spans covering the same positions, for binary search.
fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_unstable();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Is `i` inside one of `spans` (sorted and disjoint, as
/// [`protected_spans`] returns them)?
pub fn inside(spans: &[Span], i: usize) -> bool {
    let k = spans.partition_point(|&(s, _)| s <= i);
    k > 0 && i < spans[k - 1].1
}

/// Qualifier words written before a numeral, longest first where one is
/// the tail of another (不超过 before 超过, 将近 before 近).
const BEFORE: &[(&str, Qualifier)] = &[
    ("不低于", Qualifier::AtLeast),
    ("不少于", Qualifier::AtLeast),
    ("不小于", Qualifier::AtLeast),
    ("至少", Qualifier::AtLeast),
    ("最少", Qualifier::AtLeast),
    ("不超过", Qualifier::AtMost),
    ("不高于", Qualifier::AtMost),
    ("不多于", Qualifier::AtMost),
    ("不大于", Qualifier::AtMost),
    ("最多", Qualifier::AtMost),
    ("至多", Qualifier::AtMost),
    ("不足", Qualifier::LessThan),
    ("不到", Qualifier::LessThan),
    ("少于", Qualifier::LessThan),
    ("低于", Qualifier::LessThan),
    ("小于", Qualifier::LessThan),
    ("超过", Qualifier::MoreThan),
    ("多于", Qualifier::MoreThan),
    ("大于", Qualifier::MoreThan),
    ("高于", Qualifier::MoreThan),
    ("逾", Qualifier::MoreThan),
    ("突破", Qualifier::MoreThan),
    ("超出", Qualifier::MoreThan),
    ("超", Qualifier::MoreThan),
    ("将近", Qualifier::Nearly),
    ("接近", Qualifier::Nearly),
    ("近", Qualifier::Nearly),
    ("大约", Qualifier::Approx),
    ("大概", Qualifier::Approx),
    ("约为", Qualifier::Approx),
    ("约", Qualifier::Approx),
];

static BEFORE_SET: LazyLock<WordSet<Qualifier>> = LazyLock::new(|| WordSet::new(BEFORE));

/// The qualifier written right before `start`, with its length in chars.
pub fn qualifier_before(chars: &[char], start: usize) -> Option<(Qualifier, usize)> {
    let (n, q) = BEFORE_SET.ending_at(chars, start)?;
    // 最近 (recently), 附近 (nearby), 就近 are not "nearly".
    if n == 1 && chars[start - 1] == '近' && start >= 2 && matches!(chars[start - 2], '最' | '附' | '就' | '靠' | '临')
    {
        return None;
    }
    Some((q, n))
}

/// Qualifier words written after a figure's unit.
const AFTER: &[(&str, Qualifier)] = &[
    ("左右", Qualifier::Approx),
    ("上下", Qualifier::Approx),
    ("以上", Qualifier::MoreThan),
    ("之上", Qualifier::MoreThan),
    ("有余", Qualifier::MoreThan),
    ("以下", Qualifier::AtMost),
    ("以内", Qualifier::AtMost),
    ("之内", Qualifier::AtMost),
];

static AFTER_SET: LazyLock<WordSet<Qualifier>> = LazyLock::new(|| WordSet::new(AFTER));

pub fn qualifier_after(chars: &[char], end: usize) -> Option<(Qualifier, usize)> {
    AFTER_SET.at(chars, end).map(|(n, q)| (q, n))
}

/// Is the numeral at `start` the value of an index or coefficient
/// (交通指数为5.3, 基尼系数控制在0.4以内), which has no unit?
pub fn after_index(chars: &[char], start: usize) -> bool {
    let mut end = start;
    if let Some((_, n)) = qualifier_before(chars, end) {
        end -= n;
    }
    for verb in ["控制在", "保持在", "维持在", "降至", "降到", "达到", "为", "是", "达", "在", "至"]
    {
        if ends_with(chars, end, verb) {
            end -= verb.chars().count();
            break;
        }
    }
    ends_with(chars, end, "指数") || ends_with(chars, end, "系数")
}

/// Slogans and names built on numerals that would otherwise look like
/// counts (`两个维护` is not "2 个"). FORMAT.md: idioms are not figures.
const IDIOMS: &[&str] = &[
    "四不两直",
    "两个维护",
    "两个确立",
    "四个意识",
    "四个自信",
    "四个全面",
    "四个中心",
    "五位一体",
    "两个一百年",
    "三会一课",
    "两学一做",
    "三重一大",
    "八项规定",
    "三个务必",
    "三个代表",
    "一件事",
    "一网通办",
    "一网统管",
    "三城一区",
    "一处七办",
    "一带一路",
    "两区",
    "十四五",
    "十三五",
    "十五五",
    "六稳",
    "六保",
    "三个一批",
    "一对一",
    "一站式",
    "一盘棋",
    "一张网",
    "一张图",
    "一体化",
    "一批次",
];

static IDIOM_SET: LazyLock<WordSet<()>> = LazyLock::new(|| words::set(IDIOMS));

pub fn starts_idiom(chars: &[char], i: usize) -> bool {
    IDIOM_SET.at(chars, i).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn sentences_and_clauses() {
        let c = chars("1. 修订办法。2022年有人才32人，占21.4%。");
        let i = c.iter().position(|&x| x == '3').unwrap();
        let (s, e) = sentence(&c, i);
        assert_eq!(c[s..e].iter().collect::<String>(), "2022年有人才32人，占21.4%。");
        let (s, e) = sentence(&c, 4);
        assert_eq!(c[s..e].iter().collect::<String>(), "修订办法。");
        let pct = c.iter().position(|&x| x == '占').unwrap();
        assert_eq!(clause_start(&c, pct), pct);
    }

    #[test]
    fn list_items_are_sentences() {
        let c = chars("1. 产能达3000片/月 2. 已完成一期产能10000片/月的建设。");
        let i = c.iter().position(|&x| x == '3').unwrap();
        let (s, e) = sentence(&c, i);
        assert_eq!(c[s..e].iter().collect::<String>(), "产能达3000片/月");
        let j = c.iter().collect::<String>().find("10000").unwrap();
        let j = c.iter().collect::<String>()[..j].chars().count();
        let (s, e) = sentence(&c, j);
        assert_eq!(c[s..e].iter().collect::<String>(), "已完成一期产能10000片/月的建设。");
    }

    #[test]
    fn quoted_names_are_protected() {
        let c = chars("围绕“1+5”项目申报，印发《北京市第四批应用场景方案》，提出“到2025年，建成100个场景”。");
        let spans = protected_spans(&c);
        let one = c.iter().position(|&x| x == '1').unwrap();
        assert!(inside(&spans, one));
        let four = c.iter().position(|&x| x == '四').unwrap();
        assert!(inside(&spans, four));
        let hundred = c.iter().collect::<String>().find("100").unwrap();
        let hundred = c.iter().collect::<String>()[..hundred].chars().count();
        assert!(!inside(&spans, hundred), "a quoted sentence keeps its figures");
    }

    #[test]
    fn qualifiers_around_a_figure() {
        let c = chars("超过170个");
        assert_eq!(qualifier_before(&c, 2), Some((Qualifier::MoreThan, 2)));
        let c = chars("不超过5家");
        assert_eq!(qualifier_before(&c, 3), Some((Qualifier::AtMost, 3)));
        let c = chars("最近3年");
        assert_eq!(qualifier_before(&c, 2), None);
        let c = chars("70家左右");
        assert_eq!(qualifier_after(&c, 3), Some((Qualifier::Approx, 2)));
    }
}
