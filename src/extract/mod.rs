//! Finding every quantitative figure in a report, as FORMAT.md defines one.
//!
//! A figure is a numeral with a unit someone could track (`312辆`,
//! `300多亿元`, `近19万人次`, `不低于20%`), with its qualifier, its kind and
//! a label, and the span and sentence it came from. The scan is one pass per
//! cell: find a numeral, read its unit, then let the context veto it (dates,
//! ordinals, codes, versions, quoted names, idioms) or describe it
//! (qualifier, kind, label). Each rule is one a careful reader of any such
//! report would agree with; none names a sentence of a particular document.
//!
//! This module knows nothing of storage or output: it maps a
//! [`Document`] to [`Figure`]s.

mod context;
mod kind;
pub(crate) mod label;
mod naming;
mod phrase;
pub use phrase::{ends_with_act, names_something, topic};
pub use unit::{count_noun, counts_acts};
pub mod number;
mod unit;
mod words;

use serde::{Serialize, Serializer};

use crate::document::{Column, Document};
use context::Span;
use number::Numeral;
use unit::{Class, Unit};

/// How the written number relates to the true quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    Exact,
    /// 约, 左右, 大约, 上下
    Approx,
    /// 余, 多, 超过, 以上, 逾
    MoreThan,
    /// 不低于, 不少于, 至少
    AtLeast,
    /// 近, 将近, 接近
    Nearly,
    /// 不足, 不到, 低于
    LessThan,
    /// 不超过, 以内, 以下
    AtMost,
}

impl Qualifier {
    pub const ALL: [Qualifier; 7] = [
        Qualifier::Exact,
        Qualifier::Approx,
        Qualifier::MoreThan,
        Qualifier::AtLeast,
        Qualifier::Nearly,
        Qualifier::LessThan,
        Qualifier::AtMost,
    ];

    pub fn parse(s: &str) -> Option<Qualifier> {
        Qualifier::ALL.into_iter().find(|q| q.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::Approx => "approx",
            Qualifier::MoreThan => "more_than",
            Qualifier::AtLeast => "at_least",
            Qualifier::Nearly => "nearly",
            Qualifier::LessThan => "less_than",
            Qualifier::AtMost => "at_most",
        }
    }
}

/// What a figure is. When several fit, the first in this order wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A goal or plan.
    Target,
    /// An expected outcome (预计).
    Forecast,
    /// A change rate (同比增长, 下降).
    Growth,
    /// A proportion (占, 比例).
    Share,
    /// What was achieved or counted.
    Actual,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 6] = [Kind::Target, Kind::Forecast, Kind::Growth, Kind::Share, Kind::Actual, Kind::Other];

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// What a reader calls it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Target => "目标",
            Kind::Forecast => "预计",
            Kind::Growth => "增速",
            Kind::Share => "占比",
            Kind::Actual => "实际",
            Kind::Other => "其他",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Target => "target",
            Kind::Forecast => "forecast",
            Kind::Growth => "growth",
            Kind::Share => "share",
            Kind::Actual => "actual",
            Kind::Other => "other",
        }
    }
}

/// One figure, with its provenance inside its document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// The data row (1-based).
    pub row: u32,
    pub col: Column,
    /// The surface text, qualifier words included (`超过170个`, `14%左右`).
    pub text: String,
    #[serde(serialize_with = "plain_number")]
    pub value: f64,
    pub unit: String,
    pub qualifier: Qualifier,
    pub kind: Kind,
    pub label: String,
    /// Char offsets of `text` in the cell (start inclusive, end exclusive).
    pub span: (usize, usize),
    /// The sentence the figure was read from.
    pub sentence: String,
    /// Char offset of `sentence` in the cell, so that `span.0 -
    /// sentence_start` is the figure's place in its sentence.
    pub sentence_start: usize,
}

impl Figure {
    /// The text of the figure's clause before it, and after it: the words
    /// it stands among (clauses end at ，；。：).
    pub fn clause(&self) -> (String, String) {
        let chars: Vec<char> = self.sentence.chars().collect();
        let at = self.span.0.saturating_sub(self.sentence_start).min(chars.len());
        let end = (self.span.1.saturating_sub(self.sentence_start)).clamp(at, chars.len());
        let pause = |c: &char| matches!(c, '，' | ',' | '；' | ';' | '。' | '：' | ':');
        let from = chars[..at].iter().rposition(pause).map_or(0, |p| p + 1);
        let to = chars[end..].iter().position(pause).map_or(chars.len(), |p| end + p);
        (chars[from..at].iter().collect(), chars[end..to].iter().collect())
    }

    /// The text of the figure's sentence before it.
    pub fn sentence_before(&self) -> String {
        self.sentence.chars().take(self.span.0.saturating_sub(self.sentence_start)).collect()
    }
}

/// Integral values print as integers (`312`, not `312.0`), as FORMAT.md's
/// examples write them.
pub fn plain_number<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 9.0e15 { s.serialize_i64(*v as i64) } else { s.serialize_f64(*v) }
}

/// Every figure in a document, in reading order (row, then column).
pub fn figures(doc: &Document) -> Vec<Figure> {
    let mut out = Vec::new();
    // Without a deadline or a figure budget nothing can overrun.
    let _ = figures_within(doc, None, usize::MAX, &mut out);
    out
}

/// Extraction went over its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overrun {
    /// The deadline passed.
    Time,
    /// More figures than allowed: no report holds that many, and each
    /// figure keeps its sentence, so memory would grow with them.
    Figures(usize),
}

/// [`figures`] within a budget: giving up when `deadline` passes (checked
/// between cells; extraction is linear in a cell's length, so this is a
/// backstop for very large documents) or when more than `max_figures` are
/// found (checked as they are found).
pub fn figures_before(
    doc: &Document,
    deadline: std::time::Instant,
    max_figures: usize,
) -> Result<Vec<Figure>, Overrun> {
    let mut out = Vec::new();
    figures_within(doc, Some(deadline), max_figures, &mut out)?;
    Ok(out)
}

/// The one walk over a document's cells, in reading order, appending to
/// `out` and checking the budget between cells.
fn figures_within(
    doc: &Document,
    deadline: Option<std::time::Instant>,
    max_figures: usize,
    out: &mut Vec<Figure>,
) -> Result<(), Overrun> {
    for row in &doc.rows {
        for col in Column::ALL {
            if deadline.is_some_and(|d| std::time::Instant::now() > d) {
                return Err(Overrun::Time);
            }
            cell_figures_into(row.cell(col), col, row.index, out, max_figures.saturating_add(1));
            if out.len() > max_figures {
                return Err(Overrun::Figures(max_figures));
            }
        }
    }
    Ok(())
}

/// The figures of one cell's text.
pub fn cell_figures(text: &str, col: Column, row: u32) -> Vec<Figure> {
    let mut out = Vec::new();
    cell_figures_into(text, col, row, &mut out, usize::MAX);
    out
}

/// Appends the cell's figures to `out`, stopping once `out` holds `limit`.
fn cell_figures_into(text: &str, col: Column, row: u32, out: &mut Vec<Figure>, limit: usize) {
    // Most cells have no numeral at all; skip them before decoding chars.
    if !text.chars().any(number::may_start) {
        return;
    }
    let chars: Vec<char> = text.chars().collect();
    let protected = context::protected_spans(&chars);
    let first = out.len();
    let mut i = 0;
    while i < chars.len() && out.len() < limit {
        if !number::may_start(chars[i]) {
            i += 1;
            continue;
        }
        // Do not start inside a Latin identifier such as P2P or CogView2,
        // nor inside a run of digits (full-width ones included): a numeral
        // is read from its first digit, and each run is read once.
        if i > 0 && (chars[i - 1].is_ascii_alphanumeric() || number::arabic_digit(chars[i - 1]).is_some()) {
            i += 1;
            continue;
        }
        let Some(n) = number::read(&chars, i, &|j| unit::starts_here(&chars, j)) else {
            i += 1;
            continue;
        };
        match candidate(&chars, &protected, col, row, n, &out[first..]) {
            Some(figure) => {
                i = char_end(&chars, &figure).max(n.end);
                out.push(figure);
            }
            None => i = n.end.max(i + 1),
        }
    }
    respectively(&chars, &mut out[first..]);
    // A range's lower end (3 in 3-5个公共海外仓) counts what its upper end
    // counts; only the upper end is followed by the noun.
    for k in first + 1..out.len() {
        let (lower, upper) = (&out[k - 1], &out[k]);
        if lower.qualifier == Qualifier::AtLeast
            && upper.qualifier == Qualifier::AtMost
            && lower.span.1 + 1 == upper.span.0
        {
            out[k - 1].label = out[k].label.clone();
        }
    }
}

fn char_end(chars: &[char], f: &Figure) -> usize {
    f.span.1.min(chars.len())
}

/// Decides whether the numeral `n` is a figure, and describes it.
fn candidate(
    chars: &[char],
    protected: &[Span],
    col: Column,
    row: u32,
    n: Numeral,
    earlier: &[Figure],
) -> Option<Figure> {
    if context::inside(protected, n.start) || context::starts_idiom(chars, n.start) {
        return None;
    }
    let before = if n.start > 0 { Some(chars[n.start - 1]) } else { None };
    let after = chars.get(n.end).copied();
    // Ordinals: 第二轮, 第二十五项. Codes and versions: 26-1, “1+5”, V2.0.
    if before == Some('第') || n.chinese && before == Some('初') {
        return None;
    }
    if let Some(b) = before
        && matches!(b, '-' | '－' | '+' | '/' | '.' | '_' | '#')
        && n.start >= 2
        && chars[n.start - 2].is_ascii_alphanumeric()
        && !range_start_before(chars, n.start)
    {
        return None;
    }
    let per_population = unit::per_population(chars, n.end);
    // 3-5个: a range's lower end, in the unit of its upper end.
    let range_unit = range_end_unit(chars, n.end);
    if let Some(a) = after
        && per_population.is_none()
        && range_unit.is_none()
    {
        let next = chars.get(n.end + 1).copied();
        let next_is_number = next.is_some_and(number::may_start);
        // A range start (`1-11月`, `9月22日-27日`), a code (`26-1`, `1+5`),
        // a time (`10:30`), a date (`2022/10/1`): not a figure on its own.
        if matches!(a, '-' | '－' | '—' | '–' | '~' | '～' | '至' | '到' | '+' | ':' | '：' | '/' | '.')
            && next_is_number
        {
            return None;
        }
    }
    // Chinese numerals: the indefinite 一 (一批, 一个), slogans and names.
    if n.chinese && !chinese_is_quantity(chars, &n) {
        return None;
    }

    // The unit: 大 + a counted noun (六大板块), or a unit word.
    let (unit, unit_start) = if let Some(u) = per_population {
        // 8.5/10万: a rate per population, the 万 no multiplier.
        (u, n.end)
    } else if let Some(u) = range_unit {
        (u, n.end)
    } else if let Some(per) = n.per {
        let name = match per {
            number::Per::Cent => "%",
            number::Per::Mille => "‰",
        };
        let class = if per == number::Per::Cent { Class::Percent } else { Class::PerMille };
        (Unit { name: name.to_owned(), len: 0, class }, n.end)
    } else if after == Some('大') && (2.0..=10.0).contains(&n.value) && n.value.fract() == 0.0 {
        let mut u = unit::noun(chars, n.end + 1)?;
        u.len += 1;
        (u, n.end)
    } else if let Some(u) = unit::at(chars, n.end) {
        // 提高4.1个、3.6个百分点: the list's last unit is everyone's.
        match shared_unit(chars, n.end + u.len) {
            Some(shared) if u.name == "个" && shared.class == Class::Points => (Unit { len: u.len, ..shared }, n.end),
            _ => (u, n.end),
        }
    } else if let Some(u) = shared_unit(chars, n.end) {
        // 分别增长2.1、3.3%: a bare numeral borrows the unit of the list.
        (u, n.end)
    } else if !n.chinese && context::after_index(chars, n.start) {
        // 交通指数为5.3: an index has no unit, and is a figure all the same.
        (Unit { name: String::new(), len: 0, class: Class::Physical }, n.end)
    } else {
        return None;
    };
    if !unit_fits(chars, &n, &unit, unit_start, before) {
        return None;
    }

    let mut end = unit_start + unit.len;
    let mut qualifier = if n.more_than { Qualifier::MoreThan } else { Qualifier::Exact };
    // 余 after the unit (2小时余) is rare; 左右/以上/以内 are common.
    if let Some((q, len)) = context::qualifier_after(chars, end) {
        if qualifier == Qualifier::Exact || q == Qualifier::Approx {
            qualifier = q;
        }
        end += len;
    }
    let mut start = n.start;
    if let Some((q, len)) = context::qualifier_before(chars, n.start) {
        if qualifier == Qualifier::Exact || q != Qualifier::MoreThan {
            qualifier = q;
        }
        start -= len;
    }
    if n.lone_one && !(matches!(unit.class, Class::Percent | Class::Points | Class::Ratio) || start < n.start) {
        return None;
    }
    let signed = kind::minus_before(chars, n.start) && start == n.start;
    if signed {
        start -= 1;
    }
    // A range (3-5个, 8%-10%) is a lower and an upper bound.
    if qualifier == Qualifier::Exact {
        if range_end_unit(chars, end).is_some_and(|u| u.name == unit.name) {
            qualifier = Qualifier::AtLeast;
        } else if range_start_before(chars, start) {
            qualifier = Qualifier::AtMost;
        }
    }
    // A session's name, not a count: 党的二十届二中全会, 十四届全国人大.
    if unit.name == "届"
        && (chars.get(end).is_some_and(|&c| number::chinese_digit(c).is_some())
            || ["全国", "中央", "全会", "中全会"].iter().any(|w| context::at(chars, end, w)))
    {
        return None;
    }
    // A category, not a count: 获批1类新药3个 (the count is 3个).
    if unit.name == "类" && counted_later_in_clause(chars, end) {
        return None;
    }

    let (sentence_start, sentence_end) = context::sentence(chars, n.start);
    let (mut kind, decrease) = kind::classify(&kind::Site {
        chars,
        column: col,
        start,
        end,
        sentence_start,
        class: unit.class,
        unit: &unit.name,
        qualifier,
    });
    // 完成年度目标的118%和112.2%: the second of a list is what the first is.
    if kind == Kind::Actual
        && start >= 1
        && matches!(chars[start - 1], '和' | '及' | '、' | '与')
        && let Some(prev) = earlier.last()
        && prev.span.1 + 1 == start
        && prev.unit == unit.name
        && prev.kind == Kind::Share
    {
        kind = Kind::Share;
    }
    let mut value = n.value;
    if signed || (decrease && value > 0.0) {
        value = -value;
    }
    let label = naming::Site { chars, start, end, sentence_start, kind, unit: &unit, earlier }.name();

    Some(Figure {
        row,
        col,
        text: chars[start..end].iter().collect(),
        value,
        unit: unit.name,
        qualifier,
        kind,
        label,
        span: (start, end),
        sentence: chars[sentence_start..sentence_end].iter().collect(),
        sentence_start,
    })
}

/// `发生事故43起、死亡46人，同比分别下降12.2%和9.8%`: the rates after 分别
/// describe, in order, the counts before it in the sentence (the last ones,
/// as many as there are rates).
fn respectively(chars: &[char], figures: &mut [Figure]) {
    let is_rate = |f: &Figure| crate::lexicon::is_change_unit(&f.unit);
    let mut i = 0;
    while i < figures.len() {
        let sentence = figures[i].sentence_start;
        let end = i + figures[i..].iter().take_while(|f| f.sentence_start == sentence).count();
        let group = &mut figures[i..end];
        i = end;
        let Some(first_rate) = group.iter().position(is_rate) else { continue };
        let before_rate = group[first_rate].span.0;
        let from = group[..first_rate].last().map_or(sentence, |f| f.span.1);
        let Some(at) = (from..before_rate.saturating_sub(1)).find(|&p| context::at(chars, p, "分别")) else {
            continue;
        };
        // `其中PM10、NO2同比分别下降…`: the names are listed before 分别.
        if chars[from..at].contains(&'、') {
            continue;
        }
        let rates = group[first_rate..].iter().take_while(|f| is_rate(f)).count();
        let levels: Vec<usize> = (0..first_rate).filter(|&k| !is_rate(&group[k])).collect();
        if rates < 2 || levels.len() < rates {
            continue;
        }
        for k in 0..rates {
            let level = levels[levels.len() - rates + k];
            let suffix = match group[first_rate + k].kind {
                Kind::Growth => "增长",
                Kind::Share => "占比",
                _ => continue,
            };
            group[first_rate + k].label = format!("{}{suffix}", group[level].label);
        }
    }
}

/// Chinese numerals are words as often as quantities. Digit strings
/// without 十/百/千 (`五一` holidays, `二〇二二`) are names or years; a bare
/// `万` (`万人` as a per-capita base) counts only as `万余`, `逾万`, `近万`.
fn chinese_is_quantity(chars: &[char], n: &Numeral) -> bool {
    let run = &chars[n.start..n.end];
    let has_digit = run.iter().any(|c| !matches!(c, '万' | '萬' | '亿' | '億' | '余' | '多' | '点'));
    // A bare 万 is a quantity only as 万余/逾万/近万.
    if !has_digit {
        return n.more_than || number::after_qualifier(chars, n.start);
    }
    let positional =
        run.iter().any(|c| matches!(c, '十' | '拾' | '百' | '佰' | '千' | '仟' | '万' | '萬' | '亿' | '億'));
    let digits = run.iter().filter(|c| !matches!(c, '余' | '多')).count();
    positional || digits == 1 || n.per.is_some()
}

/// Is `chars[i]` a range connector?
fn range_connector(c: char) -> bool {
    matches!(c, '-' | '－' | '—' | '–' | '~' | '～' | '至' | '到')
}

/// At `i` a range connector and a numeral with a unit (`-5个`, `至10%`):
/// that unit, with length 0 (the lower end borrows it, unwritten).
fn range_end_unit(chars: &[char], i: usize) -> Option<Unit> {
    range_upper(chars, i).map(|(unit, _)| Unit { len: 0, ..unit })
}

/// At `i` a range connector: the upper end's unit as written, and where it
/// ends (after `岁` in `12-17岁`).
fn range_upper(chars: &[char], i: usize) -> Option<(Unit, usize)> {
    if !chars.get(i).copied().is_some_and(range_connector) {
        return None;
    }
    let next = number::read(chars, i + 1, &|k| unit::starts_here(chars, k))?;
    // 1-11月 has no unit; a range of counts or rates does.
    let unit = unit::at(chars, next.end)?;
    let end = next.end + unit.len;
    Some((unit, end))
}

/// Does a range's lower end stand right before `start` (`3-` in `3-5个`)?
fn range_start_before(chars: &[char], start: usize) -> bool {
    start >= 2
        && range_connector(chars[start - 1])
        && (number::arabic_digit(chars[start - 2]).is_some() || matches!(chars[start - 2], '%' | '％' | '个' | '家'))
        && range_end_unit(chars, start - 1).is_some()
}

/// The unit of the next item in a list (`2.1、3.3%`, `4.1个、3.6个百分点`):
/// at `i` a list separator, then numerals until one carries a unit. The
/// unit is returned with length 0: it is not written at the borrowing
/// figure. When that unit is `个` and a later item's unit is points
/// (`4.1个、3.6个百分点`), the points are the list's unit.
///
/// The walk is iterative and stops after [`MAX_LIST_ITEMS`] items, so a
/// list costs each of its numerals a bounded look-ahead: a recursive walk
/// here once took hours on a 40-item list.
fn shared_unit(chars: &[char], i: usize) -> Option<Unit> {
    let (unit, after) = list_unit(chars, i)?;
    let unit = match list_unit(chars, after) {
        Some((later, _)) if unit.name == "个" && later.class == Class::Points => later,
        _ => unit,
    };
    Some(Unit { len: 0, ..unit })
}

/// Items a list's unit is looked for in. Real lists name a handful of
/// values; a longer run of bare numerals is no list whose unit one can trust.
const MAX_LIST_ITEMS: usize = 24;

/// The first unit written after `i` in a list of numerals joined by
/// separators, and the position after it.
fn list_unit(chars: &[char], mut i: usize) -> Option<(Unit, usize)> {
    for _ in 0..MAX_LIST_ITEMS {
        if !matches!(chars.get(i), Some('、' | '和' | '及' | '或')) {
            return None;
        }
        let next = number::read(chars, i + 1, &|k| unit::starts_here(chars, k))?;
        if let Some(unit) = unit::at(chars, next.end) {
            let after = next.end + unit.len;
            return Some((unit, after));
        }
        i = next.end;
    }
    None
}

/// Unit-specific vetoes that need the numeral and what follows.
fn unit_fits(chars: &[char], n: &Numeral, unit: &Unit, unit_start: usize, before: Option<char>) -> bool {
    let after_unit = chars.get(unit_start + unit.len).copied();
    match unit.name.as_str() {
        // 成 is "tenths" only as 四成, 5成 and not inside a word (成果, 成员).
        "成" => {
            n.value <= 10.0
                && !after_unit.is_some_and(|c| {
                    matches!(
                        c,
                        '果' | '员'
                            | '本'
                            | '效'
                            | '为'
                            | '立'
                            | '交'
                            | '功'
                            | '熟'
                            | '都'
                            | '绩'
                            | '长'
                            | '就'
                            | '型'
                            | '品'
                    )
                })
        }
        // 一期/二期工程: a phase, not a count of issues (which would be 330期).
        "期" if n.chinese => !after_unit.is_some_and(is_cjk),
        // 100周年: an anniversary.
        "周" => after_unit != Some('年'),
        // 82.5岁 is an age reached; 60岁以上老年人 describes a population.
        "岁" => {
            // 12-17岁在校学生: the lower end describes the same population.
            let mut j = range_upper(chars, unit_start).map_or(unit_start + unit.len, |(_, end)| end);
            for w in ["及以上", "以上", "以下"] {
                if context::at(chars, j, w) {
                    j += w.chars().count();
                    break;
                }
            }
            !chars.get(j).is_some_and(|&c| is_cjk(c))
        }
        // 前3名, 前10位: a rank.
        "名" | "位" if before == Some('前') => false,
        // A year used as a name: 2022届, 2022企业家大会.
        _ if n.plain_integer && (1949.0..=2100.0).contains(&n.value) && n.end - n.start == 4 => {
            !matches!(unit.class, Class::Noun) && unit.name != "届"
        }
        // A counted noun after a decimal is a version (3.0平台), not a count.
        _ => unit.class != Class::Noun || n.plain_integer || n.chinese || n.value.fract() == 0.0,
    }
}

/// Is there another measure-word count after `end`, in the same clause?
fn counted_later_in_clause(chars: &[char], end: usize) -> bool {
    let clause_end = context::clause_end(chars, end);
    let mut j = end;
    while j < clause_end {
        if number::may_start(chars[j])
            && let Some(n) = number::read(chars, j, &|k| unit::starts_here(chars, k))
            && unit::at(chars, n.end).is_some_and(|u| u.class == Class::Classifier)
        {
            return true;
        }
        j += 1;
    }
    false
}

/// Roman numerals name classes of water and standards (`Ⅰ-Ⅲ类`).
pub(crate) fn is_roman(c: char) -> bool {
    ('\u{2160}'..='\u{217f}').contains(&c)
}

pub(crate) fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

#[cfg(test)]
mod tests;
