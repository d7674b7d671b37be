//! A short noun phrase naming what a figure counts: `312辆氢燃料电池车` →
//! `氢燃料电池车`, `累计形成日报告330期` → `日报告`, `成交额368.1亿元` → `成交额`.
//!
//! Chinese puts the counted noun either after the measure word (数量词 +
//! 名词) or before the number as a topic (名词 + 动词 + 数量词). We look
//! forward first when the unit is a measure word, then backward, cutting at
//! punctuation and at the verbs and function words that bound a noun phrase
//! in this genre. A label is for people and for matching targets with
//! actuals; it is not scored strictly, and plain rules keep extraction fast.

use std::sync::LazyLock;

use super::context::clause_start;
use super::is_roman;
use super::words::{self, WordSet};

/// Words that end a noun phrase read forward, or start one read backward
/// (everything up to and including the last of them is dropped).
#[rustfmt::skip]
const BOUNDARIES: &[&str] = &[
    // Verbs frequent in progress reports, then function words.
    "拉动", "带动", "导致", "造成", "发生", "保障", "进行", "开展", "实现", "完成", "达到", "获得", "获批", "纳入", "入驻", "参加", "参与", "上市", "落地",
    "开工", "投入", "提供", "覆盖", "涵盖", "涉及", "联合", "申报", "组建", "发布", "举办", "形成", "召开", "推介", "引进", "培养", "支持", "新建", "建设",
    "认定", "设立", "落实", "梳理", "出台", "征集", "组织", "服务", "推荐", "预警", "接待", "展示", "入职", "实施", "印发", "提出", "推动", "推进", "流向",
    "聘用", "建立", "制定", "新增", "立项", "投决", "审议", "提升", "增长", "同比", "通过", "签订", "签约", "集中", "进入", "经过", "给予", "培育", "打造",
    "布局", "拥有", "入选", "累计", "共计", "合计", "总计", "市场化", "能够", "基本", "预计", "预期", "力争", "争取", "确保", "计划", "达", "为", "有",
    "共", "是", "占", "超", "其中", "以及", "与", "和", "及", "并", "等", "在", "于", "对", "向", "从", "将", "把", "被", "已", "均", "都",
    "也", "还", "由", "已经", "目前", "今年", "全年", "年内", "了", "提高", "下降", "降低", "减少", "增加", "压缩", "缩短", "扩大", "控制", "保持",
    "稳定", "净增", "惠及", "可达", "分别", "可", "至", "面向", "受", "经", "继续", "仅", "首次", "持续", "再", "又",
    "降", "升", "降至", "升至", "上升", "运用", "利用", "下降至", "下降到", "上升至", "上升到", "因", "因为", "未", "尚未", "仍未", "未能", "按", "按照", "增至", "增到", "减至", "减到", "较",
];

/// Words in which a one-char boundary above is part of a noun or another
/// verb (对接活动, 共性技术, 经济, 达标) and must not cut the phrase.
#[rustfmt::skip]
const COMPOUNDS: &[&str] = &[
    "对接", "对外", "对口", "共性", "共享", "共建", "共同", "达标", "有限", "有效", "有机", "是否", "占地", "超级", "超高", "超大", "超强", "超算", "在线",
    "在京", "在建", "在校", "在职", "于是", "将来", "由于", "已有", "为主", "及时", "和平", "等级", "并购", "了解", "均衡", "都市", "还款", "和谐", "向上",
    "至少", "至今", "至关", "可持续", "可再生", "可行", "可视", "平均", "均值", "人均", "意向", "方向", "导向", "走向", "动向", "趋向", "公共", "国有",
    "行为", "普及", "高等", "中等", "首都", "自由", "发达", "许可", "认可", "现在", "存在", "所在", "实在", "私有", "特有", "一共", "总共", "针对", "相对",
    "绝对", "面对", "应对", "甚至", "直至", "平等", "同等", "研究与", "年均", "日均", "月均", "受理", "受益", "受众",
    "受托", "享受", "接受", "感受", "承受", "遭受", "及以上", "及以下", "经济", "经营", "经费", "经验", "经理", "经纪", "经销", "经典", "经开",
    "神经", "财经", "政经", "降水", "降雨", "降尘", "升级", "升学", "再生", "再造", "又称", "因素", "因地制宜", "超市", "未来", "未成年", "在库", "在册", "在营", "按期", "按时", "按揭", "按钮", "比较", "较大", "较好", "较高", "较快", "较低", "较为", "较多", "较少", "较强", "较重",
];

/// Nouns too general to stand alone (比例 of what?): the phrase before the
/// boundary is kept with them, as in `工程技术人才支持比例`.
#[rustfmt::skip]
const GENERIC: &[&str] = &[
    "比例", "比重", "金额", "数量", "规模", "总额", "人数", "家数", "个数", "总数", "产能", "增速", "占比", "资金", "收入", "强度", "总量", "水平", "能力",
    "周期", "面积", "密度", "浓度",
];

/// The longest head read forward or backward, and the longest label with
/// the words in front of its head.
const MAX_CHARS: usize = 20;
const MAX_LABEL_CHARS: usize = 28;

/// The label for a figure whose text spans `start..end` (qualifiers
/// included), in `unit`. `counts_things` says the unit is a measure word, after which
/// the counted noun usually follows.
///
/// `floor` is where the previous figure ended: a topic read backward never
/// reaches into another figure.
pub fn label(chars: &[char], floor: usize, start: usize, end: usize, unit: &str, counts_things: bool) -> String {
    let clause = clause_start(chars, start).max(floor);
    let (head, from) = if counts_things && let Some((l, head_end)) = forward(chars, end) {
        // `130家创新型企业在北京证券交易所上市`, `支持20家技术转移机构市场化聘用
        // 技术经理人`: the figure is the subject of what follows, which
        // tells which ones are counted.
        let before: String = chars[clause..start].iter().collect();
        let co_subject = clause_start(chars, start) < floor;
        if let Some(p) = predicate(chars, head_end, unit)
            && super::phrase::leaves_subject(&before, co_subject)
        {
            return format!("{p}的{l}");
        }
        // `试点涵盖130余所高校院所`: the ones a scope takes in.
        if let Some(verb) = super::phrase::scope_verb(&before) {
            return format!("{verb}的{l}");
        }
        (l, start)
    } else if let Some((l, from)) = backward(chars, floor, start) {
        // `企业代表约400人参加对接交流`: said of the people counted.
        if counts_things
            && chars.get(end).is_some_and(|&c| super::is_cjk(c))
            && let Some(p) = predicate(chars, end, unit)
            && super::phrase::names_something(&l)
        {
            // (邀请企业代表: the agency's verb goes.)
            let name = super::phrase::modifiers(&l);
            return format!("{p}的{}", if name.is_empty() { &l } else { &name });
        }
        (l, from)
    } else if counts_things
        && let Some(noun) = super::unit::count_noun(unit)
        && chars.get(end).is_some_and(|&c| super::is_cjk(c))
        && let Some(p) = predicate(chars, end, unit)
    {
        // `全年共有30天受到外来沙尘直接影响`: the days of which that is said.
        return format!("{p}的{}", noun);
    } else {
        // `完成14%左右的预定目标`: the noun after 的.
        let after_de = if chars.get(end) == Some(&'的') { end + 1 } else { end };
        match forward(chars, after_de) {
            Some((l, _)) => (l, start),
            None => return String::new(),
        }
    };
    let room = MAX_LABEL_CHARS.saturating_sub(head.chars().count());
    let before = words_before(chars, clause, without_means(chars, clause, from), room);
    let skip = before.chars().count().saturating_sub(room);
    let name: String = before.chars().skip(skip).chain(head.chars()).collect();
    // 出现重污染日8天: a light verb at the front says only that it came about.
    super::phrase::without_light_verb(&name).to_owned()
}

/// The words before a head starting at `from` that belong to its name
/// (`支持项目`), read from the clause: no more than `room` chars fit in a
/// label, and a few more are given for the segmenter to see where the first
/// word starts.
fn words_before(chars: &[char], clause: usize, from: usize, room: usize) -> String {
    let from = from.max(clause);
    let text: String = chars[from.saturating_sub(room + 4).max(clause)..from].iter().collect();
    super::phrase::modifiers(&text)
}

/// Where the words before a head end once a means clause is passed over:
/// `限额以上单位[通过公共网络实现的]网上零售额` is the units' online sales,
/// whatever channel carried them; `通过…实现` says how, not what. Returns
/// `from` itself when no such clause ends there.
fn without_means(chars: &[char], clause: usize, from: usize) -> usize {
    let text = &chars[clause..from];
    let ends_with = |w: &str| {
        let w: Vec<char> = w.chars().collect();
        text.ends_with(&w)
    };
    if !ends_with("实现") {
        return from;
    }
    text.windows(2).rposition(|w| w == ['通', '过'] || w == ['经', '由']).map_or(from, |p| clause + p)
}

/// The words in front of the head of the figure at `start` (read
/// backward): `疫情高峰期日均投放` of `疫情高峰期日均投放蔬菜1200吨`. A list that
/// goes on (`、猪肉85吨`) shares them.
pub fn modifiers_before(chars: &[char], floor: usize, start: usize) -> String {
    let clause = clause_start(chars, start).max(floor);
    let Some((head, from)) = backward(chars, floor, start) else { return String::new() };
    words_before(chars, clause, from, MAX_LABEL_CHARS.saturating_sub(head.chars().count()))
}

/// A part stated against its whole: `基础研究经费占全社会R&D经费比重达到10%`,
/// `占全年的78.9%`, `完成年度目标的104.5%`. Returns the part's name as the
/// clause gives it (empty when the clause starts at 占, and the subject is
/// the sentence's) and the name of the ratio: `占全社会RD经费比重`, `占比`,
/// `年度目标完成率`.
pub fn part_of_whole(chars: &[char], floor: usize, start: usize) -> Option<(String, String)> {
    let clause = clause_start(chars, start).max(floor);
    let text = &chars[clause..start];
    // (at: the last char of the verb; `相当于` reads as `占`.)
    let (at, completion, equals) = text
        .iter()
        .rposition(|&c| c == '占')
        .map(|p| (p, false, false))
        .or_else(|| text.windows(3).rposition(|w| w == ['相', '当', '于']).map(|p| (p + 2, false, true)))
        .or_else(|| text.windows(2).rposition(|w| w == ['完', '成']).map(|p| (p + 1, true, false)))
        // 为年度计划的101.3%: a plan's completion, said with 为.
        .or_else(|| {
            let p = text.iter().rposition(|&c| c == '为')?;
            let rest: String = text[p + 1..].iter().collect();
            let plan = rest.strip_suffix('的')?;
            ["计划", "目标", "任务"].iter().any(|w| plan.ends_with(w)).then_some((p, true, false))
        })?;
    let mut whole: String = noun_text(&text[at + 1..]);
    // `比重预计为`: the verbs and forecast words after the whole go.
    let tails = [
        "提高到",
        "提高至",
        "提升到",
        "提升至",
        "上升到",
        "上升至",
        "下降到",
        "下降至",
        "降至",
        "达到",
        "为",
        "达",
        "预计",
        "预期",
        "保持在",
        "保持",
    ];
    while let Some(w) = tails.iter().find_map(|t| whole.strip_suffix(t)) {
        whole = w.to_owned();
    }
    let ratio_word = ["比重", "比例"].iter().find_map(|r| whole.strip_suffix(r)).map(str::to_owned);
    // Only `占…的`, `占…比重` and `完成…的`; `占地2000亩` is an area.
    let whole = match &ratio_word {
        Some(w) if !completion => w.strip_suffix('的').unwrap_or(w),
        _ => whole.strip_suffix('的')?,
    };
    if whole.chars().count() > MAX_CHARS || (completion && whole.is_empty()) {
        return None;
    }
    let part_end = if completion && text[at] == '为' {
        at
    } else if completion {
        at - 1
    } else if equals {
        at - 2
    } else {
        at
    };
    let part = super::phrase::modifiers(&text[..part_end].iter().collect::<String>());
    // 占全年的: the whole is a period, the ratio a plain share.
    let whole = if crate::lexicon::year_part(&whole.chars().collect::<Vec<_>>())
        .is_some_and(|(_, _, n)| n == whole.chars().count())
    {
        ""
    } else {
        whole
    };
    let ratio = match (completion, whole.is_empty()) {
        (true, _) => format!("{whole}完成率"),
        (false, false) if equals => format!("相当于{whole}比例"),
        (false, true) => "占比".to_owned(),
        (false, false) => format!("占{whole}比重"),
    };
    Some((part, ratio))
}

static BOUNDARY_SET: LazyLock<WordSet<()>> = LazyLock::new(|| words::set(BOUNDARIES));
static COMPOUND_SET: LazyLock<WordSet<()>> = LazyLock::new(|| words::set(COMPOUNDS));

/// Is a label one of the general nouns that name nothing alone (比例,
/// 增速, 总数 …) or a bare change word (增长)?
pub fn is_generic(label: &str) -> bool {
    GENERIC.contains(&label) || matches!(label, "增长" | "下降" | "提高" | "增加" | "减少")
}

/// Does `label` end with one of the general nouns (`一期产能`, `罚款金额`)?
pub fn ends_with_generic(label: &str) -> bool {
    GENERIC.iter().any(|g| label.ends_with(g))
}

/// The boundary word starting at `i`, if any (the longest).
fn boundary_at(chars: &[char], i: usize) -> Option<usize> {
    let (n, ()) = BOUNDARY_SET.at(chars, i)?;
    if n == 1 && (COMPOUND_SET.at(chars, i).is_some() || COMPOUND_SET.ending_at(chars, i + 1).is_some()) {
        return None;
    }
    Some(n)
}

/// What the rest of a clause says of its subject, from `from`, up to the
/// next figure: `130家创新型企业[在北京证券交易所上市]`, `其中7个[已开工]`,
/// `24家园区企业[与14所高校联合培养工程硕士]92人` (the co-subject, a figure
/// of its own, is passed over). See [`super::phrase::relative`].
///
/// A clause that goes on to a part of the count (`560个重大工程项目已开工
/// 482个`: `unit` again) says what the part is, not the whole.
pub fn predicate(chars: &[char], from: usize, unit: &str) -> Option<String> {
    let to = super::context::clause_end(chars, from);
    let mut i = from;
    // 与14所高校: a co-subject counted on its own.
    if matches!(chars.get(i), Some('与' | '和' | '同' | '跟'))
        && let Some((_, figure_end)) = figure_at(chars, i + 1)
    {
        let head_end = forward(chars, figure_end).map_or(figure_end, |(_, e)| e);
        i = head_end.min(to);
    }
    let mut end = i;
    let mut before_figure = false;
    while end < to {
        if super::number::may_start(chars[end])
            && let Some((next, _)) = figure_at(chars, end)
        {
            if next.name == unit {
                return None;
            }
            before_figure = true;
            break;
        }
        end += 1;
    }
    let text: String = chars[i..end].iter().collect();
    if text.chars().count() < 2 {
        return None;
    }
    super::phrase::relative(&text, before_figure)
}

/// The noun right after a count (`4个[产业领域]`), if any.
pub fn head_after(chars: &[char], end: usize) -> Option<(String, usize)> {
    forward(chars, end)
}

/// The noun phrase right after the figure, up to a boundary, and where it
/// ends.
fn forward(chars: &[char], end: usize) -> Option<(String, usize)> {
    let mut j = end;
    while j < chars.len() && j - end < MAX_CHARS {
        let c = chars[j];
        let joins_digits = c == '.'
            && j > end
            && chars[j - 1].is_ascii_digit()
            && chars.get(j + 1).is_some_and(|d| d.is_ascii_digit());
        if !(super::is_cjk(c) || c.is_ascii_alphanumeric() || joins_digits) {
            break;
        }
        // Another figure starts here (由75天缩短至52天).
        if j > end && super::number::may_start(c) && starts_figure(chars, j) {
            break;
        }
        if boundary_at(chars, j).is_some() {
            break;
        }
        j += 1;
    }
    let phrase: String = chars[end..j].iter().collect();
    let phrase = phrase.trim_start_matches(['的', '之']);
    (phrase.chars().count() >= 2).then(|| (phrase.to_owned(), j))
}

fn starts_figure(chars: &[char], i: usize) -> bool {
    figure_at(chars, i).is_some()
}

/// The figure starting at `i`, if one does: its unit and where it ends.
fn figure_at(chars: &[char], i: usize) -> Option<(super::unit::Unit, usize)> {
    // 第四批: an ordinal, not a count.
    if i > 0 && chars[i - 1] == '第' {
        return None;
    }
    let n = super::number::read(chars, i, &|k| super::unit::starts_here(chars, k))?;
    let unit = super::unit::at(chars, n.end)?;
    let end = n.end + unit.len;
    Some((unit, end))
}

/// The topic before the figure: the clause up to it, after the last verb
/// or function word; with where that topic starts.
fn backward(chars: &[char], floor: usize, start: usize) -> Option<(String, usize)> {
    let clause = clause_start(chars, start).max(floor);
    // Verbs right before the figure (注册资本金达18.92亿元) link it to its
    // topic: drop them first, then the topic runs back to the previous one.
    let mut end = start;
    while let Some((n, ())) = BOUNDARY_SET.ending_at(chars, end) {
        // 两年平均增长: 均 is part of 平均 here.
        if n == 1 && (COMPOUND_SET.ending_at(chars, end).is_some() || COMPOUND_SET.at(chars, end - 1).is_some()) {
            break;
        }
        end -= n;
        if end <= clause {
            return None;
        }
        // 排放较2020年下降: the year compared against is no part of the topic.
        let year = end >= clause + 6
            && chars[end - 1] == '年'
            && chars[end - 5..end - 1].iter().all(char::is_ascii_digit)
            && matches!(chars[end - 6], '较' | '比' | '与');
        if year {
            end -= 6;
        }
    }
    // Cut points: after each boundary word and after each date.
    let mut cuts = vec![clause];
    let mut i = clause;
    while i < end {
        // A parenthesised aside (达到或优于Ⅲ类) is passed over whole.
        if matches!(chars[i], '（' | '(') {
            let close = chars[i..end].iter().position(|c| matches!(c, '）' | ')'));
            i = close.map_or(end, |p| i + p + 1);
            continue;
        }
        if chars[i].is_ascii_digit() {
            let mut j = i;
            while j < end && chars[j].is_ascii_digit() {
                j += 1;
            }
            // Digits of a Latin name (PM2.5年均浓度, NO2) are no date.
            let in_name = i > 0 && (chars[i - 1].is_ascii_alphabetic() || chars[i - 1] == '.');
            if !in_name && j < end && (matches!(chars[j], '年' | '月' | '日') || chars[j] == '届' && j - i == 4) {
                while j < end && matches!(chars[j], '年' | '月' | '日' | '底' | '初' | '末' | '度' | '届') {
                    j += 1;
                }
                cuts.push(j);
            }
            i = j;
            continue;
        }
        match boundary_at(chars, i) {
            Some(n) if i + n <= end => {
                i += n;
                cuts.push(i);
            }
            _ => i += 1,
        }
    }
    let mut from = *cuts.last()?;
    let mut phrase = noun_text(&chars[from..end]);
    // 比例, 增速 or a lone 率 name nothing alone: keep the words before them.
    if (GENERIC.contains(&phrase.as_str()) || phrase.chars().count() == 1) && cuts.len() >= 2 {
        from = cuts[cuts.len() - 2];
        phrase = noun_text(&chars[from..end]);
    }
    let phrase = phrase.trim_start_matches(['的', '之']);
    // `通过线上平台、专馆专柜等渠道销售…`: the channels a means clause lists
    // end at 等渠道 (等方式, 等途径); what follows is what was done.
    let phrase = match from.checked_sub(1).map(|k| chars[k]) {
        Some('等') => ["渠道", "方式", "途径", "形式"].iter().find_map(|w| phrase.strip_prefix(w)).unwrap_or(phrase),
        _ => phrase,
    };
    // A list number left before the words (`（2）运用…`), not a name's
    // digits (`3D打印`).
    let unnumbered = phrase.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    // (An age that bounds who is counted stays: `65岁及以上老年人`.)
    let age = unnumbered.starts_with(['岁', '周']);
    let phrase = if unnumbered.chars().next().is_some_and(super::is_cjk) && !age { unnumbered } else { phrase };
    let n = phrase.chars().count();
    if n < 2 {
        return None;
    }
    Some((phrase.chars().skip(n.saturating_sub(MAX_CHARS)).collect(), from))
}

/// The letters of a phrase, without punctuation or parenthesised asides
/// (`技术经纪人（经理人）` → `技术经纪人`).
fn noun_text(chars: &[char]) -> String {
    let mut depth = 0usize;
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 && (super::is_cjk(c) || c.is_ascii_alphanumeric() || is_roman(c)) => out.push(c),
            // Ⅰ-Ⅲ类: a range of classes.
            '-' | '－' | '~' | '～' if depth == 0 && i > 0 && is_roman(chars[i - 1]) => out.push('-'),
            // The decimal point of a name such as PM2.5.
            '.' if depth == 0
                && i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(char::is_ascii_digit) =>
            {
                out.push(c)
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label_of(text: &str, figure: &str, counts: bool) -> String {
        let chars: Vec<char> = text.chars().collect();
        let byte = text.find(figure).unwrap();
        let start = text[..byte].chars().count();
        let end = start + figure.chars().count();
        label(&chars, 0, start, end, "", counts)
    }

    #[test]
    fn latin_names_keep_their_digits() {
        assert_eq!(label_of("全市PM2.5年均浓度为33微克/立方米", "33微克/立方米", false), "全市PM2.5年均浓度");
    }

    #[test]
    fn forward_after_measure_word() {
        assert_eq!(label_of("赛时共投入312辆氢燃料电池车保障冬奥运输任务。", "312辆", true), "氢燃料电池车");
        assert_eq!(label_of("支持65家技术转移机构建设。", "65家", true), "支持技术转移机构");
        assert_eq!(label_of("24家园区企业与14所高校联合培养", "24家", true), "联合培养的园区企业");
        assert_eq!(label_of("支持4个共性技术平台", "4个", true), "支持共性技术平台");
        assert_eq!(label_of("及3家互联网3.0底层技术创新企业纳入", "3家", true), "纳入的互联网3.0底层技术创新企业");
    }

    #[test]
    fn backward_topic() {
        assert_eq!(label_of("累计形成日报告330期，召开会议12次。", "330期", true), "日报告");
        assert_eq!(label_of("成交额368.1亿元，增长33.4%", "368.1亿元", false), "成交额");
        assert_eq!(label_of("注册资本金达18.92亿元", "18.92亿元", false), "注册资本金");
        assert_eq!(label_of("实现氢燃料客车车载储氢压力达到70MPa，", "70MPa", false), "氢燃料客车车载储氢压力");
        assert_eq!(label_of("开展供需对接活动62场。", "62场", true), "供需对接活动");
        assert_eq!(label_of("累计引进技术经纪人（经理人）45余人。", "45余人", true), "累计引进技术经纪人");
        assert_eq!(label_of("2022年入选工程技术人才32人", "32人", true), "入选工程技术人才");
        assert_eq!(label_of("国考断面水质优良（达到或优于Ⅲ类）比例达到75%", "75%", false), "国考断面水质优良比例");
        assert_eq!(label_of("全社会研发经费投入强度提高0.1个百分点", "0.1个百分点", false), "全社会研发经费投入强度");
        assert_eq!(label_of("项目评审周期压缩至60天以内", "60天以内", true), "项目评审周期");
        assert_eq!(label_of("项目平均评审周期由75天缩短至52天", "75天", true), "项目平均评审周期");
    }

    #[test]
    fn generic_nouns_keep_their_qualifier() {
        assert_eq!(label_of("规定对工程技术人才支持比例不低于20%。", "不低于20%", false), "工程技术人才支持比例");
        assert_eq!(
            label_of("2024届高校毕业生留市就业意向签约率达到62.3%。", "62.3%", false),
            "高校毕业生留市就业意向签约率"
        );
    }
}
