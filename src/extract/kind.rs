//! What a figure is: a target, a forecast, a growth rate, a share, an actual
//! count, or other. FORMAT.md orders them: when several fit, the first of
//! target, forecast, growth, share, actual, other wins.
//!
//! The rules read the words a reader would: the column (a task cell states
//! goals), planning verbs before the figure (力争, 拟推动, 原计划), a goal
//! noun after it (`14%左右的预定目标`), a bar-setting qualifier (不低于),
//! forecast verbs (预计), change verbs next to a rate (同比增长, 下降), and
//! share words (占, 比例).

use std::sync::LazyLock;

use super::context::phrase_start;
use super::unit::Class;
use super::words::{self, WordSet};
use super::{Kind, Qualifier};
use crate::document::Column;

/// Where a figure sits in its cell.
pub struct Site<'a> {
    pub chars: &'a [char],
    pub column: Column,
    /// Start of the figure's text (qualifier included).
    pub start: usize,
    /// End of the figure's text (suffix qualifier included).
    pub end: usize,
    /// Start of the sentence that holds it.
    pub sentence_start: usize,
    pub class: Class,
    pub unit: &'a str,
    pub qualifier: Qualifier,
}

/// The kind, and whether the value is a decrease (to be negated).
pub fn classify(site: &Site) -> (Kind, bool) {
    let chars = site.chars;
    // （上年为4003.51亿元）: an aside is its own phrase; the change said
    // before it is not its.
    let phrase = phrase_start(chars, site.start);
    let clause =
        chars[phrase..site.start].iter().rposition(|&c| matches!(c, '（' | '(')).map_or(phrase, |p| phrase + p + 1);
    let change = change_before(chars, clause, site.start, site.class);
    let negative = change.is_some_and(|c| c.negative);
    if site.class == Class::Spec {
        return (Kind::Other, false);
    }
    if site.column == Column::Task || is_target(site, clause) {
        return (Kind::Target, negative);
    }
    if forecast_before(chars, site.sentence_start, site.start) {
        return (Kind::Forecast, negative);
    }
    if is_gap(chars, clause, site.start) {
        return (Kind::Other, false);
    }
    let share = share_before(chars, clause, site.start, site.class);
    match (change, share) {
        (Some(c), Some(s)) if s > c.at => (Kind::Share, false),
        (Some(_), _) => (Kind::Growth, negative),
        (None, Some(_)) => (Kind::Share, false),
        (None, None) if share_after(chars, site.end, site.class) => (Kind::Share, false),
        // 成 is tenths of a whole: 约三成园区, 近七成.
        (None, None) if site.unit == "成" => (Kind::Share, false),
        (None, None) => (Kind::Actual, false),
    }
}

static FORECAST: LazyLock<WordSet<()>> = LazyLock::new(|| words::set(crate::lexicon::FORECAST));

/// Is there a forecast word before `to` in the sentence? 预期寿命 (life
/// expectancy) is a measure, not a forecast.
fn forecast_before(chars: &[char], from: usize, to: usize) -> bool {
    let mut end = to;
    while let Some((p, n, ())) = FORECAST.last_in(chars, from, end) {
        let term = chars.get(p + n..p + n + 2).is_some_and(|w| w == ['寿', '命']);
        if !term {
            return true;
        }
        end = p;
    }
    false
}

/// Words that make the figures after them (in the same clause) a goal.
static GOAL_WORDS: LazyLock<WordSet<()>> = LazyLock::new(|| {
    words::set(&["力争", "争取", "确保", "目标为", "目标是", "目标值", "目标达到", "在建", "正在建设", "筹建"])
});

/// Is a goal word before the figure in its clause? In a status cell
/// `争取` followed by what was sought (`全年争取中央预算内投资38.6亿元`)
/// reports funds obtained; it sets a goal only before a verb of reaching
/// (`争取达到`, `争取实现`).
fn goal_word_before(site: &Site, clause: usize) -> bool {
    let chars = site.chars;
    let mut to = site.start;
    while let Some((p, n, ())) = GOAL_WORDS.last_in(chars, clause, to) {
        let seek = n == 2 && chars[p..p + 2] == ['争', '取'];
        // 已建和在建…达到20个 counts what stands and what is being built.
        // 在建线路6条、里程158.2公里 and 已建和在建…达到20个 count what is
        // being built now; 正在建设二期产能20000片/月 is a capacity still to
        // come.
        let under_way = n == 2 && chars[p..p + 2] == ['在', '建'] && !(p >= 1 && chars[p - 1] == '正');
        let obtained = seek && site.column == Column::Status && !REACH_VERBS.contains_in(chars, p + n, site.start);
        if !(obtained || under_way) {
            return true;
        }
        to = p;
    }
    false
}

/// Verbs after 争取 that make it a goal: 争取达到, 争取实现, 争取控制在.
static REACH_VERBS: LazyLock<WordSet<()>> = LazyLock::new(|| {
    words::set(&[
        "达到", "实现", "完成", "超过", "突破", "控制", "保持", "提高", "提升", "增长", "下降", "降至", "降低", "达",
    ])
});

/// Words governing a whole sentence: 原计划于9月举办论坛，设置六大板块。
static PLAN_SENTENCE: LazyLock<WordSet<()>> = LazyLock::new(|| words::set(&["原计划"]));

/// 拟, 将 and 计划 make a goal only before an action the reporting body
/// plans (拟推动, 计划新建, 将建设). `拟` before anything else (拟转让,
/// 拟外迁, 拟与…共建) reports someone's intention, not the body's goal; 计划
/// as a noun (科技新星计划中的…) plans nothing.
static PLAN_VERBS: LazyLock<WordSet<()>> = LazyLock::new(|| words::set(&["拟", "计划", "将"]));
static PLANNED_ACTIONS: LazyLock<WordSet<()>> = LazyLock::new(|| {
    words::set(&[
        "推动",
        "推进",
        "建设",
        "新建",
        "支持",
        "布局",
        "实施",
        "开展",
        "打造",
        "培育",
        "引进",
        "设立",
        "组建",
        "启动",
        "完成",
        "实现",
        "举办",
        "安排",
        "投入",
        "认定",
        "遴选",
        "新增",
        "培养",
        "建成",
        "争取",
        "于",
        "在",
        "到",
        "年内",
        "年底",
        "明年",
        "下半年",
        "今年",
    ])
});

/// A goal noun right after a figure: 完成14%左右的预定目标.
static GOAL_NOUNS: LazyLock<WordSet<()>> = LazyLock::new(|| words::set(&["目标", "计划"]));

fn is_target(site: &Site, clause: usize) -> bool {
    let chars = site.chars;
    // 不低于20% sets a floor; the lower end of a range in a report of
    // results (浓度范围为26至33微克/立方米) is a value seen.
    let range_end = matches!(chars.get(site.end), Some('至' | '到' | '-' | '~' | '～' | '—'));
    if site.qualifier == Qualifier::AtLeast && !(range_end && site.column == Column::Status) {
        return true;
    }
    if goal_word_before(site, clause) || PLAN_SENTENCE.contains_in(chars, site.sentence_start, site.start) {
        return true;
    }
    let mut to = site.start;
    while let Some((p, n, ())) = PLAN_VERBS.last_in(chars, clause, to) {
        let after_plan = n == 2 && p > 0 && chars[p - 1] == '按'; // 按计划 (as planned)
        // 计划2024年完成 (a plan with a date), 计划1.3万人 (a planned
        // quantity); but 将24家…纳入 moves things, it plans nothing.
        let digits = chars[p + n..].iter().take_while(|c| c.is_ascii_digit()).count();
        // 其中青年科技启明星计划200人: a programme's name among the parts
        // of a count, not a planned quantity.
        let part = (clause..p).any(|i| super::context::at(chars, i, "其中"));
        let dated = !part && digits > 0 && (n == 2 || matches!(chars.get(p + n + digits), Some('年' | '月')));
        if (PLANNED_ACTIONS.at(chars, p + n).is_some() || dated) && !after_plan {
            return true;
        }
        to = p;
    }
    if chars.get(site.end) == Some(&'的') {
        let window_end = (site.end + 6).min(chars.len());
        return GOAL_NOUNS.contains_in(chars, site.end + 1, window_end);
    }
    // 规划提出的60%目标: a level named a goal. (5个目标 counts goals.)
    if super::context::at(chars, site.end, "目标") && !matches!(site.unit, "个" | "项" | "条" | "类") {
        return true;
    }
    // The figure is what a plan is about: 其余8处计划于第三季度完工.
    let clause_end = super::context::clause_end(chars, site.end);
    let mut from = site.end;
    while let Some((p, n, ())) = PLAN_VERBS.first_in(chars, from, clause_end) {
        // (其余2项按计划推进: as planned, not a plan.)
        let as_planned = p > 0 && chars[p - 1] == '按';
        if PLANNED_ACTIONS.at(chars, p + n).is_some() && p - site.end <= 3 && !as_planned {
            return true;
        }
        from = p + n;
    }
    false
}

#[derive(Clone, Copy)]
struct Change {
    at: usize,
    negative: bool,
}

/// Change words: (decrease, is a noun). Nouns (增速, 增幅) name a rate
/// whatever follows; verbs followed by 到/至 state a level (提高到95%), not
/// a change.
static CHANGE: LazyLock<WordSet<(bool, bool)>> = LazyLock::new(|| {
    WordSet::new(&[
        ("增速", (false, true)),
        ("增幅", (false, true)),
        ("涨幅", (false, true)),
        ("增长率", (false, true)),
        ("降幅", (true, true)),
        ("增长", (false, false)),
        ("提高", (false, false)),
        ("提升", (false, false)),
        ("上升", (false, false)),
        ("增加", (false, false)),
        ("上涨", (false, false)),
        ("扩大", (false, false)),
        ("翻", (false, false)),
        ("下降", (true, false)),
        ("降低", (true, false)),
        ("减少", (true, false)),
        ("回落", (true, false)),
        ("缩小", (true, false)),
        ("下滑", (true, false)),
        ("缩短", (true, false)),
        ("压缩", (true, false)),
        ("缩减", (true, false)),
        ("减小", (true, false)),
        ("延长", (false, false)),
        ("压减", (true, false)),
    ])
});

/// Words that make a change of a count or amount (较上年减少6天) a
/// comparison over time rather than something newly added (增加3个试点).
static COMPARED: LazyLock<WordSet<()>> =
    LazyLock::new(|| words::set(&["同比", "环比", "较", "比上年", "比去年", "与上年相比", "与去年相比"]));

fn change_before(chars: &[char], clause: usize, start: usize, class: Class) -> Option<Change> {
    let rate = matches!(class, Class::Percent | Class::Points | Class::Ratio | Class::PerMille);
    let mut to = start;
    while let Some((p, n, (negative, noun))) = CHANGE.last_in(chars, clause, to) {
        let after = p + n;
        let after = if chars.get(after) == Some(&'了') { after + 1 } else { after };
        let level = !noun && matches!(chars.get(after), Some('到' | '至'));
        if !level && (rate || COMPARED.contains_in(chars, clause, p)) {
            return Some(Change { at: p, negative });
        }
        to = p;
    }
    None
}

/// Share words: proportions (占, 比例, 比重), and rates that are parts of
/// a whole (签约率, 接种率, 覆盖率, 达标率: anything ending in 率 but the
/// rates below). Independent annotators of reports we did not have read
/// such rates as shares two times in three; FORMAT.md's "a proportion"
/// fits them.
static SHARE: LazyLock<WordSet<()>> = LazyLock::new(|| words::set(&["占比", "比例", "比重", "份额", "占", "率"]));

/// Rates that are not parts of a whole: growth (增长率, a change), prices
/// and intensities (利率, 税率, 汇率, 费率, 频率, 效率, 速率, 功率).
fn proportion_rate(chars: &[char], p: usize) -> bool {
    let before = if p > 0 { chars[p - 1] } else { return false };
    match before {
        '长' | '速' | '利' | '税' | '汇' | '费' | '频' | '效' | '幅' => false,
        // 功率 is power, 成功率 a success rate.
        '功' => p >= 2 && chars[p - 2] == '成',
        _ => true,
    }
}

/// Words after `N%的` that make the percentage a level rather than a part
/// of the population named: 以5%的速度. Change words (实现8%的增长) and goal
/// nouns (14%左右的预定目标) are read from their own lists.
static LEVEL_NOUNS: LazyLock<WordSet<()>> = LazyLock::new(|| words::set(&["速度", "水平", "任务", "进度"]));

/// A percentage of a population named after it: 约15%的学校.
fn share_after(chars: &[char], end: usize, class: Class) -> bool {
    let next = end + 1;
    class == Class::Percent
        && chars.get(end) == Some(&'的')
        && chars.get(next).is_some_and(|&c| super::is_cjk(c))
        && CHANGE.at(chars, next).is_none()
        && GOAL_NOUNS.at(chars, next).is_none()
        && LEVEL_NOUNS.at(chars, next).is_none()
}

/// Position of the nearest share word before the figure, if any. A
/// percentage read as `X的N%` (完成年度目标的56.9%, 覆盖常住人口的97.3%) is a
/// share of X.
fn share_before(chars: &[char], clause: usize, start: usize, class: Class) -> Option<usize> {
    if !matches!(class, Class::Percent | Class::Ratio | Class::PerMille) {
        return None;
    }
    if start > clause && chars[start - 1] == '的' {
        return Some(start - 1);
    }
    let mut to = start;
    while let Some((p, n, ())) = SHARE.last_in(chars, clause, to) {
        let rejected = match chars[p] {
            // 占地 (land area) and 占用 are not proportions.
            '占' if n == 1 => matches!(chars.get(p + 1), Some('地' | '用' | '据')),
            // A rate per mille (婴儿死亡率1.86‰) is a vital rate, not a share.
            '率' => class == Class::PerMille || !proportion_rate(chars, p),
            _ => false,
        };
        if !rejected {
            return Some(p);
        }
        to = p;
    }
    None
}

/// A difference from a benchmark rather than a quantity of its own:
/// 高于全国平均水平1.7个百分点, 距年度目标尚差8.2万人. (低于35微克 with
/// nothing between is a bound, read as a qualifier, not a gap.)
static GAP: LazyLock<WordSet<bool>> = LazyLock::new(|| {
    WordSet::new(&[
        ("高于", false),
        ("低于", false),
        ("优于", false),
        ("好于", false),
        ("差于", false),
        ("快于", false),
        ("慢于", false),
        ("领先于", false),
        ("落后于", false),
        ("尚差", true),
        ("还差", true),
        ("相差", true),
        ("差距", true),
    ])
});

fn is_gap(chars: &[char], clause: usize, start: usize) -> bool {
    GAP.last_in(chars, clause, start).is_some_and(|(p, n, adjacent_ok)| adjacent_ok || p + n < start)
}

/// Whether a printed minus sign stands before `start` (`增幅为-1.1%`), as
/// opposed to a hyphen in a code (`26-1`), a range (`10%-15%`) or a date
/// range (`22日-27日`): the sign must follow a verb, a pause or nothing.
pub fn minus_before(chars: &[char], start: usize) -> bool {
    start >= 1
        && matches!(chars[start - 1], '-' | '－' | '−')
        && (start == 1
            || matches!(
                chars[start - 2],
                '为' | '是' | '达' | '至' | '到' | '：' | ':' | '（' | '(' | '，' | ',' | '、' | ' ' | '\n'
            ))
}
