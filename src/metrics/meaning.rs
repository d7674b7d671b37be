//! What a figure measures, as a reader of the report would say it: the
//! name of the thing counted (with the scope its clause gives it) and how
//! it is aggregated. Two figures of different reports continue one metric
//! only when both agree.
//!
//! The extractor's label is the phrase next to the number. It is often
//! not a name on its own:
//! - an attribute of the clause's subject (`市级重大项目560个，总投资4860亿元`:
//!   `总投资` of `市级重大项目`; `全市技术合同…，成交额X亿元`);
//! - a period standing where a name would (`一季度、上半年分别增长4.6%、
//!   5.9%`: the growth of what the sentence is about);
//! - a kind of change or a comparison (`上涨`, `较上年`, `比上年`);
//! - nothing at all, when a task cell names an indicator and then a bare
//!   target (`地区生产总值增长（%）：6%以上`).
//!
//! In each case the name is carried from where the report gives it: the
//! figure before in the same sentence, the row's indicator, or the words of
//! the clause. The aggregation (a level, an increment, a total over years,
//! a year-on-year change, a multi-year average, a change on the previous
//! month) is part of the metric: `新增市场主体` and `市场主体` are two lines,
//! so are `年均增长` and `增长`.

use crate::document::{Document, Period};
use crate::extract::{Figure, Kind};

use super::{identity, metric_label};
use crate::extract::names_something;
use crate::lexicon::{CHANGE_WORDS, NOT_NAMES};

/// How a figure aggregates what it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Aggregation {
    /// A level at the end of the period (or the period's flow).
    Level,
    /// What was added in the period (`新增`, `新建`, `净增`).
    Increment,
    /// A total accumulated over several years (`自2014年以来累计`).
    Cumulative,
    /// A change against the same period a year before (`同比增长`).
    Change,
    /// A change averaged over several years (`年均增长`, `两年平均`).
    AverageChange,
    /// A change against a named base year (`与2013年相比下降63.1%`), not
    /// against the year before: the base year is part of the metric (a
    /// change since 2013 and one since 2019 are two lines). 0 when unknown.
    ChangeSinceBase(i32),
    /// A change against the previous month or quarter (`环比`).
    SequentialChange,
}

impl Aggregation {
    /// A metric's name from the name of what it counts: `新增产业协同创新平台`,
    /// `地区生产总值增速`; a level keeps the name as it is.
    pub fn name(self, counted: &str) -> String {
        let tag = self.tag();
        match self {
            Aggregation::Level => counted.to_owned(),
            Aggregation::ChangeSinceBase(year) if year > 0 => {
                format!("{}较{year}年变化", unchanged(counted))
            }
            _ if counted.starts_with(tag) || counted.ends_with(tag) => counted.to_owned(),
            Aggregation::Increment | Aggregation::Cumulative => format!("{tag}{counted}"),
            _ => {
                format!("{}{tag}", unchanged(counted))
            }
        }
    }

    /// [`Aggregation::name`] for figures in `unit`: a year-on-year change
    /// in days or items is a 较上年变化, not a 增速 (a rate of growth).
    pub fn name_in(self, counted: &str, unit: &str) -> String {
        if self == Aggregation::Change && !crate::lexicon::is_rate_unit(unit) {
            return format!("{}较上年变化", unchanged(counted));
        }
        self.name(counted)
    }

    /// A figure's label as a reader gives it, from the name of what it
    /// counts: a change says what it is measured against (`罚款金额同比增长`,
    /// `PM2.5年均浓度较2013年下降`, `社零额年均增长`, `环比增长`), which its
    /// clause may have said only once for the sentence. Abbreviations are
    /// spelt out (`社零额`), and a count of acts or kinds says so
    /// (`集中学习次数`, `鱼类种数`). The word of
    /// change stays the text's; a name without one takes `增速` (a rate) or
    /// `变化` (days, items, points).
    pub fn label(self, named: &str, unit: &str) -> String {
        let named = &crate::lexicon::spell_out(named);
        // 集中学习12次 counts sessions.
        let named = &match crate::extract::count_noun(unit) {
            // (41 kinds of fish; 12 sessions of 集中学习, but 38 政策宣讲会.)
            Some(noun)
                if crate::extract::counts_acts(unit)
                    && !named.ends_with(noun)
                    && (unit == "种" || crate::extract::ends_with_act(named)) =>
            {
                format!("{}{noun}", named.strip_suffix(unit).unwrap_or(named))
            }
            _ => named.clone(),
        };
        let basis = match self {
            Aggregation::Change => "同比",
            Aggregation::ChangeSinceBase(year) if year > 0 => {
                return self.with_basis(named, &format!("较{year}年"), unit);
            }
            Aggregation::AverageChange => "年均",
            Aggregation::SequentialChange => "环比",
            _ => return named.to_owned(),
        };
        self.with_basis(named, basis, unit)
    }

    fn with_basis(self, named: &str, basis: &str, unit: &str) -> String {
        // 增速高于全省: a gap to another's change, measured against it.
        if ["高于", "低于", "快于", "慢于"].iter().any(|w| named.contains(w)) {
            return named.to_owned();
        }
        // Said already: 同比, 比上年, 较上年同期, 两年平均, 较2013年.
        let said = match self {
            Aggregation::Change => {
                crate::lexicon::YEAR_ON_YEAR.iter().chain(&["上年同期", "比去年", "较去年"]).any(|w| named.contains(w))
            }
            Aggregation::AverageChange => named.contains("年均") || named.contains("平均"),
            _ => named.contains(basis) || named.contains(&basis.replacen('较', "比", 1)),
        };
        if said {
            return named.to_owned();
        }
        let words = CHANGE_WORDS.iter().chain(&["变化", "变动", "涨幅", "降幅", "增幅", "回落"]);
        match words.clone().find(|w| named.ends_with(**w)) {
            Some(w) => format!("{}{basis}{w}", &named[..named.len() - w.len()]),
            None => {
                // (A change in points is a difference, not a rate.)
                let word = if matches!(unit, "%" | "成") { "增速" } else { "变化" };
                format!("{named}{basis}{word}")
            }
        }
    }

    /// A short tag for metric names; empty for a level.
    pub fn tag(self) -> &'static str {
        match self {
            Aggregation::Level => "",
            Aggregation::Increment => "新增",
            Aggregation::Cumulative => "累计",
            Aggregation::Change => "增速",
            Aggregation::AverageChange => "年均增速",
            Aggregation::ChangeSinceBase(_) => "较基年变化",
            Aggregation::SequentialChange => "环比",
        }
    }
}

/// A name without its word of change, for a metric name that adds its own:
/// `地区生产总值增长` + 增速 is `地区生产总值增速`, one word of change being
/// enough. The name itself when nothing of two or more chars would be left.
fn unchanged(counted: &str) -> &str {
    CHANGE_WORDS.iter().find_map(|w| counted.strip_suffix(w)).filter(|s| s.chars().count() >= 2).unwrap_or(counted)
}

/// Words naming an attribute of a subject, not a thing: a label that is
/// only one of these takes its subject from the sentence.
const ATTRIBUTES: &[&str] = &[
    "总投资",
    "投资额",
    "投资",
    "成交额",
    "成交金额",
    "金额",
    "总额",
    "规模",
    "产值",
    "营业收入",
    "营收",
    "收入",
    "增加值",
    "增速",
    "增幅",
    "增长",
    "涨幅",
    "上涨",
    "下降",
    "降幅",
    "占比",
    "比重",
    "比例",
    "项数",
    "个数",
    "数量",
    "总量",
    "面积",
];

/// A subject's name without the attributes it ends with (`诉求响应率` →
/// `诉求`): what an attribute said later is an attribute of.
fn without_attributes(name: &str) -> String {
    ATTRIBUTES.iter().fold(name.to_owned(), |n, a| n.strip_suffix(a).map_or(n.clone(), str::to_owned))
}

/// Is `label`, stripped of its years and modifiers, no name at all?
fn no_name(label: &str) -> bool {
    let key = identity::normalise(label);
    key.chars().count() < 2
        || NOT_NAMES.contains(&key.as_str())
        || NOT_NAMES.contains(&label.trim())
        || !names_something(label)
}

/// Is `label` only an attribute (`总投资`, `成交额`, `增速`), or an
/// attribute's change (`成交额增长`)?
fn attribute_only(label: &str) -> bool {
    let key = identity::normalise(label);
    let stem = CHANGE_WORDS.iter().chain(&["占比"]).find_map(|w| key.strip_suffix(w)).unwrap_or(&key);
    // 响应率, 履约率: a short rate is an attribute of something named before.
    let short_rate = stem.chars().count() <= 3
        && stem.ends_with(['率', '额'])
        && !crate::lexicon::ABBREVIATIONS.iter().any(|(short, _)| stem.starts_with(short));
    ATTRIBUTES.contains(&key.as_str()) || ATTRIBUTES.contains(&stem) || short_rate
}

/// The name of what figure `i` counts, as a reader would give it; days
/// counted are named so (`重污染日8天` counts 重污染天数, as other years'
/// `重污染天数控制在5天以内` does).
pub fn describe(figures: &[Figure], i: usize, document: &Document, named: &[String]) -> String {
    let name = describe_words(figures, i, document, named);
    if figures[i].unit == "天" { days(&name) } else { name }
}

/// `重污染日` → `重污染天数`, `重污染日增长` → `重污染天数增长`.
fn days(name: &str) -> String {
    let change = CHANGE_WORDS.iter().find(|w| name.ends_with(**w)).copied().unwrap_or("");
    let stem = &name[..name.len() - change.len()];
    match stem.strip_suffix('日') {
        Some(d) if !stem.ends_with("工作日") && d.chars().count() >= 2 => format!("{d}天数{change}"),
        _ => name.to_owned(),
    }
}

fn describe_words(figures: &[Figure], i: usize, document: &Document, named: &[String]) -> String {
    let f = &figures[i];
    let own = metric_label(f, document);
    // The figure before it in the same sentence: its subject.
    let before = (0..i).rev().take_while(|&k| figures[k].sentence_start == f.sentence_start && figures[k].row == f.row);
    // A level's subject is a level: `两年平均增长1.2%，总量突破800亿元` is
    // the total of what grew, not of the growth.
    let rate = crate::lexicon::is_rate_unit(&f.unit);
    let subject = || {
        before.clone().find(|&k| !no_name(&named[k]) && (rate || !crate::lexicon::is_rate_unit(&figures[k].unit))).map(
            |k| {
                let name = &named[k];
                // The subject of an attribute is a thing, not another attribute
                // (`…诉求响应率，解决率93.6%`: the 诉求, not their 响应率).
                let n = without_attributes(name);
                let chars: Vec<char> = n.chars().collect();
                if chars.len() > 5 && chars[chars.len() - 1] == '率' {
                    chars[..chars.len() - 3].iter().collect()
                } else {
                    n
                }
            },
        )
    };
    // The last named level of the sentence before, in the same cell.
    let level_before = || {
        let last = (0..i).rev().find(|&k| figures[k].row == f.row && figures[k].sentence_start < f.sentence_start)?;
        let sentence = figures[last].sentence_start;
        (0..=last)
            .rev()
            .take_while(|&k| figures[k].sentence_start == sentence && figures[k].row == f.row)
            .find(|&k| !no_name(&named[k]) && !crate::lexicon::is_rate_unit(&figures[k].unit))
    };
    if no_name(&own) {
        // 一季度、上半年分别增长4.6%、5.9%: the growth of the sentence's subject.
        if let Some(k) = before.clone().find(|&k| !no_name(&named[k]) && figures[k].unit == f.unit) {
            return named[k].clone();
        }
        if let Some(s) = subject() {
            return s;
        }
        // `与2013年相比下降64.2%` continues the sentence before: its last
        // named level is what changed.
        if let Some(k) = level_before() {
            return named[k].clone();
        }
        // A goal whose clause names nothing is about what its sentence
        // opens with.
        let topic = crate::extract::topic(&f.sentence);
        if !topic.is_empty() && !no_name(&topic) {
            return topic;
        }
        return own;
    }
    // `上半年完成交通固定资产投资238.6亿元；全年完成投资512.7亿元`: an
    // attribute in a sentence of its own is the sentence before's subject's,
    // when that subject is measured in the same unit.
    let subject = subject()
        .or_else(|| level_before().filter(|&k| figures[k].unit == f.unit).map(|k| without_attributes(&named[k])));
    if attribute_only(&own)
        && let Some(s) = subject
        && !s.is_empty()
        && !s.ends_with(&identity::normalise(&own))
    {
        return format!("{s}{}", identity::normalise(&own));
    }
    own
}

/// How figure `f`, named `name`, aggregates, from its kind, its words and
/// its period. A target named by its row's indicator (`地区生产总值增长（%）：
/// 6%以上`) has no words of its own: the name says it is a change. A rate
/// in a clause that names nothing (`同比增长3.6%，上年同期为5.1%`) is of the
/// kind the sentence before it is.
pub fn aggregation(f: &Figure, period: Option<Period>, name: &str) -> Aggregation {
    let (before, _) = f.clause();
    let percent = crate::lexicon::is_change_unit(&f.unit);
    let says_change = |text: &str| CHANGE_WORDS.iter().any(|w| text.contains(w));
    let continues_a_change = f.kind != Kind::Share && !names_something(&before) && says_change(&f.sentence_before());
    // 较2013年增加95天: a change in days, named by the verb right before it.
    let counted_change = crate::lexicon::ends_with_change(&before);
    let changing = f.kind == Kind::Growth
        || counted_change
        || (percent && f.kind != Kind::Share && (says_change(&before) || says_change(name) || continues_a_change));
    if changing {
        if before.contains("环比") {
            return Aggregation::SequentialChange;
        }
        if crate::lexicon::averages_a_change(&before) {
            return Aggregation::AverageChange;
        }
        // 较2020年 in a 2021 report is last year: a plain change. A change
        // dated as a span (与2013年的89.5相比，累计下降66.5%) is since its start.
        let last_year = period.map(|p| p.end_year() - 1);
        if let Some(y) = compares_with_a_year(&before).filter(|&y| Some(y) != last_year) {
            return Aggregation::ChangeSinceBase(y);
        }
        if let Some(p) = period.filter(|p| p.is_span()) {
            return Aggregation::ChangeSinceBase(p.start_year());
        }
        return Aggregation::Change;
    }
    // 自2014年以来累计…: a total over years.
    if period.is_some_and(|p| p.is_span()) {
        return Aggregation::Cumulative;
    }
    // 新增25家，累计达到531家: with no start named, a running total is
    // the stock at the period's end, what other years call 总数 or 保有量
    // (`公共充电桩累计达到1.52万个` / `公共充电桩总数达到1.79万个`).
    if before.contains("累计") {
        return Aggregation::Level;
    }
    if !percent && crate::lexicon::INCREMENT.iter().any(|w| before.contains(w) || f.label.contains(w)) {
        return Aggregation::Increment;
    }
    let made = before.replace("建成区", "");
    if !percent && crate::lexicon::MADE.iter().any(|w| made.contains(w)) {
        return Aggregation::Increment;
    }
    Aggregation::Level
}

/// Does a clause compare with a named year (`与2013年相比`, `较2019年`,
/// `比2015年`)? The last such year, the nearest to the figure. `较上年`
/// compares with the year before and is an ordinary change.
fn compares_with_a_year(clause: &str) -> Option<i32> {
    let chars: Vec<char> = clause.chars().collect();
    chars
        .windows(6)
        .rfind(|w| {
            matches!(w[0], '较' | '比' | '与' | '同') && w[1..5].iter().all(char::is_ascii_digit) && w[5] == '年'
        })
        .and_then(|w| w[1..5].iter().collect::<String>().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document;
    use crate::extract;

    fn one_row(status: &str) -> (Document, Vec<Figure>) {
        let text = format!("某局2022年度自查表\n自查内容\t落实情况\t存在问题\n任务\t{status}\t无\n");
        let doc = document::parse("t-2022", text.as_bytes()).unwrap();
        let figures = extract::figures(&doc);
        (doc, figures)
    }

    fn names(status: &str) -> Vec<(String, String)> {
        let (doc, figures) = one_row(status);
        let mut named: Vec<String> = Vec::new();
        for i in 0..figures.len() {
            let n = describe(&figures, i, &doc, &named);
            named.push(n);
        }
        figures.iter().map(|f| f.text.clone()).zip(named).collect()
    }

    #[test]
    fn attributes_take_their_subject() {
        let n = names("中心城区市级重大项目124个，总投资2080亿元。");
        assert_eq!(n[1].1, "中心城区市级重大项目总投资", "{n:?}");
    }

    #[test]
    fn periods_standing_for_names_take_the_sentence_subject() {
        let n = names("全市地区生产总值增长5.6%，一季度、上半年分别增长4.6%、5.9%。");
        assert_eq!(n[1].1, n[0].1, "{n:?}");
        assert_eq!(n[2].1, n[0].1, "{n:?}");
    }

    #[test]
    fn labels_say_what_a_change_is_against_and_what_is_counted() {
        assert_eq!(Aggregation::Change.label("罚款金额增长", "%"), "罚款金额同比增长");
        assert_eq!(Aggregation::Change.label("罚款金额比上年增长", "%"), "罚款金额比上年增长");
        assert_eq!(Aggregation::Change.label("食品价格", "%"), "食品价格同比增速");
        assert_eq!(Aggregation::Change.label("重污染天数", "天"), "重污染天数同比变化");
        assert_eq!(super::days("重污染日增长"), "重污染天数增长");
        assert_eq!(
            Aggregation::ChangeSinceBase(2013).label("优良水质河长占比", "百分点"),
            "优良水质河长占比较2013年变化"
        );
        assert_eq!(Aggregation::AverageChange.label("社零额增长", "%"), "社会消费品零售总额年均增长");
        assert_eq!(Aggregation::Change.label("增速高于全省", "百分点"), "增速高于全省");
        assert_eq!(Aggregation::Level.label("深入基层宣讲", "场"), "深入基层宣讲场次");
        assert_eq!(Aggregation::Level.label("鱼类", "种"), "鱼类种数");
        assert_eq!(Aggregation::Level.label("政策宣讲会", "场"), "政策宣讲会");
    }

    #[test]
    fn names_say_their_change_once() {
        assert_eq!(Aggregation::Change.name("地区生产总值增长"), "地区生产总值增速");
        assert_eq!(Aggregation::Change.name("地区生产总值增速"), "地区生产总值增速");
        assert_eq!(Aggregation::Increment.name("市场主体"), "新增市场主体");
        assert_eq!(Aggregation::ChangeSinceBase(0).name("PM2.5年均浓度下降"), "PM2.5年均浓度较基年变化");
        assert_eq!(Aggregation::ChangeSinceBase(2013).name("PM2.5年均浓度下降"), "PM2.5年均浓度较2013年变化");
        assert_eq!(compares_with_a_year("与2013年相比下降"), Some(2013));
        assert_eq!(compares_with_a_year("较上年下降"), None);
    }

    #[test]
    fn aggregations() {
        let (doc, figures) =
            one_row("新增市场主体2.1万户，年均增长12%，环比增长0.2%，同比增长5%，自2014年以来累计归集8.6亿条。");
        let agg: Vec<Aggregation> =
            figures.iter().map(|f| aggregation(f, super::super::period_of(f, &doc), &f.label)).collect();
        assert_eq!(
            agg,
            [
                Aggregation::Increment,
                Aggregation::AverageChange,
                Aggregation::SequentialChange,
                Aggregation::Change,
                Aggregation::Cumulative
            ],
            "{figures:#?}"
        );
    }
}
