//! The words in front of a label that belong to it.
//!
//! The label module finds the head of what a figure counts: the noun after
//! a measure word (`支持项目146个` → `项目`) or the topic after the last verb
//! (`罚款金额1.52亿元` → `罚款金额`). A reader names the thing with the words
//! in front of that head when they change what is counted: `支持项目`,
//! `已签约项目`, `张江高质量孵化器集聚区入驻企业`, `新建“一带一路”国际联合
//! 实验室` — two reports that both say `项目` are rarely counting the same
//! projects.
//!
//! Those words are read with a part-of-speech segmenter (jieba), which knows
//! a verb from a noun where a word list cannot. The walk goes from the head
//! leftward through nouns, content verbs and adjectives, and stops at what
//! cannot be part of a name: numbers and dates (another figure, a period),
//! adverbs, pronouns, prepositions, conjunctions, punctuation, and the
//! linking verbs (为, 达到, 共计) that join a topic to its figure. Verbs
//! naming the agency's own action (组织, 推动, 开展) are dropped from the
//! front: `组织老字号企业参加展销活动` counts the activities, not the
//! organising. Only clauses holding a figure are segmented, so extraction
//! stays fast.

use std::sync::LazyLock;

use jieba_rs::Jieba;

use super::is_roman;

static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Verbs of the genre the segmenter's dictionary tags as nouns: `上市` is a
/// place name to it and `申报` a proper noun, where a report means the
/// verbs. (jieba-rs keeps a known word's tag when it is added again, so
/// the tags are mended after segmenting.)
const MISTAGGED_VERBS: &[&str] = &["上市", "申报", "挂牌", "落户", "落地"];

/// The words of `text` with their parts of speech.
fn tagged(text: &str, hmm: bool) -> Vec<jieba_rs::Tag<'_>> {
    let mut tags = JIEBA.tag(text, hmm);
    for t in &mut tags {
        if MISTAGGED_VERBS.contains(&t.word) {
            t.tag = "v";
        }
    }
    tags
}

/// Linking and function words: a name never runs across one of them.
#[rustfmt::skip]
const STOPS: &[&str] = &[
    "为", "是", "达", "达到", "占", "有", "共", "共计", "合计", "总计", "约", "近", "超", "超过", "逾", "突破", "分别",
    "至", "到", "降至", "增至", "在", "了", "已", "已经", "均", "都", "也", "还", "将", "把", "被", "对", "向", "从",
    "由", "与", "和", "及", "以及", "并", "或", "等", "其中", "同时", "通过", "经", "经过", "按", "据", "截至", "截止",
    "已有", "另有", "共有", "还有", "尚有",
    "自", "以来", "全年", "今年", "年内", "目前", "当年", "上年", "今年以来",
    // Modal words: what may or should be, not what is counted.
    "能够", "能", "可", "可以", "应", "应当", "要", "需", "需要", "拟", "基本", "力争", "争取", "确保", "预计",
    "预期", "计划", "有望",
];

/// Verbs of the reporting agency's own action, and light verbs that say
/// only that a thing exists or came about (投入, 形成, 发生): dropped from a
/// name's front, with a 累计 or 共 before them (`累计形成日报告` → `日报告`).
#[rustfmt::skip]
const AGENCY: &[&str] = &[
    "投入", "形成", "发生", "出现", "产生", "取得", "获得", "达成", "拥有", "打造",
    "组织", "推动", "开展", "完成", "实现", "举办", "召开", "推进", "加快", "积极", "深入", "持续", "全面", "着力",
    "不断", "进一步", "坚持", "围绕", "聚焦", "结合", "依托", "指导", "督促", "牵头", "会同", "配合", "协调", "做好",
    "抓好", "落实", "印发", "出台", "制定", "实施", "编制", "邀请",
];

/// The light verbs, first in [`AGENCY`]: they say only that a thing
/// exists or came about.
const LIGHT: &[&str] = AGENCY.split_at(10).0;

/// `name` without a light verb at its front (`出现重污染日` → `重污染日`),
/// when two or more chars remain. The agency's other verbs stay in a name
/// read whole (`督促整改问题`: the problems it pressed to have fixed). (Read
/// from the chars: the words are few and their boundary plain.)
pub fn without_light_verb(name: &str) -> &str {
    LIGHT.iter().find_map(|v| name.strip_prefix(v).filter(|rest| rest.chars().count() >= 2)).unwrap_or(name)
}

/// Parts of speech that may stand in a name (jieba's tag set): nouns,
/// verbs and their nominal uses, adjectives, distinguishing words,
/// abbreviations, idioms, place words, Latin letters.
fn may_name(tag: &str) -> bool {
    matches!(
        tag,
        "n" | "nr"
            | "ns"
            | "nt"
            | "nz"
            | "nl"
            | "ng"
            | "nrt"
            | "nrfg"
            | "vn"
            | "v"
            | "vd"
            | "an"
            | "a"
            | "b"
            | "j"
            | "l"
            | "i"
            | "s"
            | "f"
            | "q"
            | "k"
            | "h"
            | "eng"
            | "x"
            | "uj"
    )
}

/// The words of `text` (the clause up to the head) that belong to a name
/// ending where `text` ends, as one string; empty when none do.
pub fn modifiers(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    // R&D is one word to a reader, three to the segmenter.
    let text = text.replace('&', "");
    let all = tagged(&text, true);
    // 接待了300余团体: an aspect particle right before the figure is no
    // boundary, and no part of the name.
    let aspect = all.last().is_some_and(|t| matches!(t.word, "了" | "过"));
    let tags = &all[..all.len() - usize::from(aspect)];
    let mut from = tags.len();
    for (k, t) in tags.iter().enumerate().rev() {
        let roman = t.word.chars().all(is_roman)
            || (matches!(t.word, "-" | "－") && k > 0 && tags[k - 1].word.chars().all(is_roman));
        if roman {
            from = k;
            continue;
        }
        let punctuation = t.word.chars().all(|c| !(super::is_cjk(c) || c.is_ascii_alphanumeric()));
        let quote = t.word.chars().all(|c| matches!(c, '“' | '”' | '《' | '》' | '"'));
        // 商贸企业和网点: a conjunction between nouns is inside the name;
        // so is one between the acts done to one thing (排污许可证核发和登记
        // 管理).
        let nominal = |t: &jieba_rs::Tag<'_>| t.tag.starts_with('n');
        let act = |t: &jieba_rs::Tag<'_>| matches!(t.tag, "v" | "vn");
        let joins_nouns = matches!(t.word, "和" | "及" | "与")
            && k > 0
            && ((nominal(&tags[k - 1]) && tags.get(k + 1).is_none_or(nominal))
                || (act(&tags[k - 1]) && k > 1 && nominal(&tags[k - 2]) && tags.get(k + 1).is_none_or(act)));
        if joins_nouns {
            from = k;
            continue;
        }
        if STOPS.contains(&t.word) || (punctuation && !quote) || (!may_name(t.tag) && t.word != "的") {
            break;
        }
        // A digit run tagged as a word (PM2) is part of a Latin name;
        // a plain number is another figure.
        if t.tag == "x" && !quote {
            break;
        }
        from = k;
    }
    let mut words = &tags[from..];
    // 细化形成307项重点任务: verbs in front up to the agency's or a light
    // one say how the things came about, not which they are.
    // (细化, 优化: verbs, though the segmenter may call them nouns.)
    let verbs = words
        .iter()
        .take_while(|t| matches!(t.tag, "v" | "vd") || (t.word.ends_with('化') && t.word.chars().count() == 2))
        .count();
    if let Some(last) = words[..verbs].iter().rposition(|t| AGENCY.contains(&t.word)) {
        words = &words[last + 1..];
    }
    // 围绕“美丽北京”建设开展专题调研: what is carried out is named after
    // the verb of carrying it out; what comes before says what about.
    if let Some(at) = words.iter().rposition(|t| matches!(t.word, "开展" | "组织" | "举办" | "召开" | "实施" | "推进"))
        && words[at + 1..].iter().any(|t| t.tag.starts_with('n') || t.tag == "vn")
    {
        words = &words[at + 1..];
    }
    while let Some(first) = words.first() {
        let then_agency = || words.get(1).is_some_and(|t| AGENCY.contains(&t.word));
        // (年 of a year whose digits stopped the walk: 2023年全社会….)
        let at = tags.len() - words.len();
        let date_rest = matches!(first.word, "年" | "月" | "日") && at > 0 && tags[at - 1].tag == "m";
        if AGENCY.contains(&first.word)
            || first.word == "的"
            || date_rest
            || (first.tag == "x" && !first.word.chars().all(is_roman))
        {
            words = &words[1..];
        } else if matches!(first.word, "累计" | "共") && then_agency() {
            words = &words[2..];
        } else {
            break;
        }
    }
    words
        .iter()
        .flat_map(|t| t.word.chars())
        .filter(|&c| super::is_cjk(c) || c.is_ascii_alphanumeric() || c == '.' || is_roman(c) || c == '-')
        .collect()
}

/// Verbs by which the agency makes others act (`支持20家技术转移机构市场化
/// 聘用技术经理人`), and the words saying that things exist (`已有4只子基金
/// 通过审议`): the figure after them is the subject of what follows it.
const PIVOTS: &[&str] = &[
    "支持", "引导", "推动", "鼓励", "帮助", "带动", "促进", "促成", "协助", "指导", "吸引", "动员", "推荐", "有",
    "已有", "另有", "共有", "还有", "尚有",
];

/// Words that link a subject to a figure or compare it (`为`, `达到`,
/// `同比`): a clause holding one says what the figure is, not which
/// things are counted.
#[rustfmt::skip]
const LINKS: &[&str] = &[
    "为", "是", "达", "达到", "占", "共计", "合计", "总计", "超过", "突破", "分别", "至", "到", "降至", "增至", "同比",
    "环比", "较", "比", "累计", "新增",
];

/// The words no relative clause holds: links, words of change, words of
/// an increment.
fn link_words() -> impl Iterator<Item = &'static &'static str> {
    LINKS.iter().chain(crate::lexicon::CHANGE_WORDS).chain(crate::lexicon::INCREMENT)
}

/// Words a relative clause does without: the reporting agency as the
/// object of a preposition (`向我委`), adverbs of time and manner (`已`,
/// `正式`), aspect particles.
fn dropped_from_relative(t: &jieba_rs::Tag<'_>) -> bool {
    matches!(t.tag, "d" | "ad" | "ul" | "uguo" | "r" | "t") && !negates(t.word)
}

/// `未`, `尚未`, `未能`, `不`, `没有`: a negation turns what is said around.
fn negates(word: &str) -> bool {
    word.contains(['不', '未', '没', '无'])
}

/// What a clause says of the figure that is its subject, as a relative
/// clause in front of the counted noun: `在北京证券交易所上市`, `通过审议拟在
/// 份额转让平台开展转让工作`, `提出份额转让申请` (of `已向我委正式提出份额转让
/// 申请`). `text` runs from the counted noun's end (or a co-subject's, see
/// [`super::label::predicate`]) to the next figure or the clause's end. None unless it holds a verb
/// and no word that links the subject to another figure or changes it
/// (`为`, `达到`, `同比增长`): then it is not said of the subject. It must
/// open as a predicate does, with a verb, a preposition or an adverb:
/// `总投资` or `营业收入` after a count is another figure's topic.
///
/// `before_figure` says another figure follows `text`: the nouns at its
/// end are that figure's topic (`申报享受[研发费用]100%…`), not part of
/// what is said.
pub fn relative(text: &str, before_figure: bool) -> Option<String> {
    const MAX_CHARS: usize = 20;
    // Most clauses after a count are rejected on their chars alone: the
    // segmenter runs only on the rest.
    // 其中6天为外来沙尘造成: a passive's agent says which ones.
    let passive = text
        .strip_prefix('为')
        .filter(|rest| ["造成", "导致", "引起", "所致"].iter().any(|w| rest.ends_with(w)) && rest.chars().count() >= 3);
    let text = passive.unwrap_or(text);
    if text.chars().count() > MAX_CHARS + 10 || link_words().filter(|w| w.chars().count() > 1).any(|w| text.contains(w))
    {
        return None;
    }
    let tags = tagged(text, false);
    let mut tags = &tags[..];
    let opens = tags.first().is_some_and(|t| {
        // (经 and 被 open passives; the segmenter calls 经 a noun.)
        matches!(t.tag, "v" | "vd" | "vi" | "p" | "d" | "ad")
            || matches!(t.word, "经" | "被")
            || (t.word.ends_with('化') && t.word.chars().count() > 1)
    });
    if !opens && passive.is_none() {
        return None;
    }
    if before_figure {
        while tags.last().is_some_and(|t| opens_a_name(t.tag) || t.tag == "m" || t.tag == "x") {
            tags = &tags[..tags.len() - 1];
        }
    }
    // 实现, 形成: saying only that the thing came about says nothing of it.
    if tags.iter().all(|t| AGENCY.contains(&t.word) || dropped_from_relative(t)) {
        return None;
    }
    if tags.iter().any(|t| link_words().any(|w| *w == t.word))
        || !tags.iter().any(|t| matches!(t.tag, "v" | "vd" | "vi"))
    {
        return None;
    }
    let mut out = String::new();
    for (k, t) in tags.iter().enumerate() {
        // 向我委: a preposition whose object is the agency goes with it.
        let of_agency =
            t.tag == "p" && !matches!(t.word, "通过" | "经" | "经过") && tags.get(k + 1).is_some_and(|r| r.tag == "r");
        let agency_noun = k > 0 && tags[k - 1].tag == "r" && t.word.chars().count() == 1;
        // 完成2020年度碳排放报告核查: the year is the period's, not the name's.
        let year = t.tag == "m" && tags.get(k + 1).is_some_and(|n| n.word.starts_with('年'));
        let after_year = k > 0 && tags[k - 1].tag == "m" && t.word.starts_with('年');
        if dropped_from_relative(t) || of_agency || agency_noun || year || after_year {
            continue;
        }
        if !t.word.chars().all(|c| super::is_cjk(c) || c.is_ascii_alphanumeric()) {
            continue;
        }
        // A clause that goes on at length is no name's part.
        if out.chars().count() + t.word.chars().count() > MAX_CHARS {
            return None;
        }
        out.push_str(t.word);
    }
    let out = out.trim_end_matches('等');
    (out.chars().count() >= 2 && is_predicate(out)).then(|| out.to_owned())
}

/// Does the clause before a figure leave the figure its subject? Only
/// function words (`其中`, `已`: the figure starts its clause), a verb that
/// makes others act or says things exist (`支持`, `已有`), with the examples
/// of a list after it
/// (`引导创新工场、中金等`), or a co-subject joined by `与` (`园区企业与`,
/// when `co_subject` says a figure counted it).
pub fn leaves_subject(text: &str, co_subject: bool) -> bool {
    if text.is_empty() {
        return true;
    }
    let tags = tagged(text, false);
    if co_subject
        && tags.last().is_some_and(|t| matches!(t.word, "与" | "和" | "同" | "跟"))
        && tags[..tags.len() - 1].iter().all(|t| opens_a_name(t.tag))
    {
        return true;
    }
    let Some(pivot) = tags.iter().position(|t| !is_function(t)) else { return true };
    if !PIVOTS.contains(&tags[pivot].word) {
        return false;
    }
    let rest = &tags[pivot + 1..];
    rest.iter().all(is_function) || (text.ends_with('等') && text.contains('、') && rest.iter().all(|t| t.word != "，"))
}

/// Verbs of scope: what a measure, a pilot or a plan takes in (`试点涵盖
/// 130余所高校院所`). The count is of the things taken in, which the verb
/// names (`涵盖的高校院所`); without it, `高校院所` would read as all of them.
const SCOPE_VERBS: &[&str] = &["涵盖", "覆盖", "涉及", "惠及", "包括", "包含"];

/// The verb of scope that `text` (a clause up to its figure) ends with,
/// an aspect particle or 已 aside: `涵盖` of `试点，涵盖`. (Read from the
/// chars: this runs for every count, and the segmenter would cost time.)
pub fn scope_verb(text: &str) -> Option<&'static str> {
    let text = text.trim_end_matches(['了', '已', '均', '共']);
    SCOPE_VERBS.iter().find(|&&v| text.ends_with(v)).copied()
}

/// Is the word a function word: a link, an adverb, a pronoun, a
/// preposition, a conjunction, a time (`其中`, `已`, `今年共`)?
fn is_function(t: &jieba_rs::Tag<'_>) -> bool {
    STOPS.contains(&t.word)
        || matches!(t.tag, "d" | "c" | "p" | "r" | "t" | "m" | "f" | "u" | "uj" | "ul" | "x")
        || t.word.trim().is_empty()
}

/// Does `text` read as a predicate: does it hold a verb (`在北京证券交易所
/// 上市`, `已开工`), not only nouns (`保障任务`)?
pub fn is_predicate(text: &str) -> bool {
    tagged(text, false).iter().any(|t| matches!(t.tag, "v" | "vd" | "vi"))
}

/// Is `text` a verb phrase said of something counted before (`已完成`,
/// `未完成`, `已印发实施`), with no linking, time, change or aggregation
/// word (`累计达到`, `共计`, `上半年增长`, `全年新增`) that would make it
/// another figure of the same thing?
pub fn says_of(text: &str) -> bool {
    // 累计完成25项 (of 26项整改任务): what was done so far, said of them.
    let text = text.strip_prefix("累计").filter(|rest| !rest.starts_with(['达', '为', '共'])).unwrap_or(text);
    // (已 only says it is done.)
    let text = text.strip_prefix('已').unwrap_or(text);
    let tags = tagged(text, false);
    tags.iter().any(|t| matches!(t.tag, "v" | "vd" | "vi"))
        && tags.iter().all(|t| {
            !STOPS.contains(&t.word)
                && !crate::lexicon::CHANGE_WORDS.contains(&t.word)
                && !crate::lexicon::INCREMENT.contains(&t.word)
                && !matches!(t.word, "累计" | "新增")
                && !matches!(t.tag, "t" | "m" | "mq")
        })
}

/// Parts of speech that stand at the front of a name a clause opens with:
/// nouns, abbreviations, Latin letters, distinguishing words (重点, 大型)
/// and nominal verbs.
fn opens_a_name(tag: &str) -> bool {
    tag.starts_with('n') || matches!(tag, "eng" | "j" | "b" | "vn")
}

/// The noun phrase a sentence opens with, its topic: `PM2.5年均浓度稳定
/// 达到国家二级标准，力争控制在30微克/立方米左右` is about `PM2.5年均浓度`.
/// Empty when the sentence opens with a verb or a date.
pub fn topic(sentence: &str) -> String {
    let tags = tagged(sentence, true);
    let mut out = String::new();
    for t in &tags {
        // PM2 .5: the digits of a Latin name.
        let latin_digits = matches!(t.tag, "m" | "x")
            && t.word.chars().all(|c| c.is_ascii_digit() || c == '.')
            && out.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
        let nominal = opens_a_name(t.tag) || latin_digits;
        if !nominal || crate::lexicon::NOT_NAMES.contains(&t.word) {
            break;
        }
        out.push_str(t.word);
    }
    if out.chars().count() >= 2 { out } else { String::new() }
}

/// The verb governing a list of examples (`涉及集成电路、医药健康等4个产业
/// 领域`, `设置论坛会议、技术交易等六大板块`): the clause's words up to its
/// first verb, which say which of the things are counted. Empty when the
/// clause does not open with a verb phrase.
pub fn list_verb(clause: &str) -> String {
    let tags = tagged(clause, true);
    let mut out = String::new();
    for t in &tags {
        // (设置 is tagged a noun-verb; first in a clause it is the verb.)
        let verb = matches!(t.tag, "v" | "vd") || (t.tag == "vn" && out.is_empty());
        if verb && !STOPS.contains(&t.word) {
            if AGENCY.contains(&t.word) && out.is_empty() {
                continue;
            }
            out.push_str(t.word);
            return if out.chars().count() <= 10 { out } else { String::new() };
        }
        if !opens_a_name(t.tag) || t.word.contains('、') {
            return String::new();
        }
        out.push_str(t.word);
    }
    String::new()
}

/// Does `label` hold a noun? `相比`, `首次降`, `全年的` and `力争控制在` are
/// words around a figure, not a name for it.
pub fn names_something(label: &str) -> bool {
    // Words around a figure are short; a phrase of seven or more chars
    // holds a noun in all but contrived cases, and segmenting it for every
    // figure would cost a fifth of extraction's speed.
    if label.chars().filter(|&c| super::is_cjk(c)).count() > 6 {
        return true;
    }
    // 响应率, 成交额, 交易量: a verb made a measure by its last char.
    if label.chars().count() >= 2 && label.ends_with(['率', '额', '量', '值', '度', '费', '价', '者']) {
        return true;
    }
    // 一期产能: the segmenter calls 产能 a verb.
    if label.chars().count() > 2 && super::label::ends_with_generic(label) {
        return true;
    }
    tagged(label, false).iter().any(|t| {
        // `j` (abbreviations) names things too: 外贸企业, 社零额.
        (t.tag.starts_with('n') || matches!(t.tag, "vn" | "an" | "eng" | "j" | "l"))
            && !crate::lexicon::NOT_NAMES.contains(&t.word)
    })
}

/// Does `label` end with a verb (`集中学习`, `专题研讨`), naming acts, not
/// things (`政策宣讲会`, `日报告`)?
pub fn ends_with_act(label: &str) -> bool {
    // (Not a noun-verb: 系列活动 are events.)
    tagged(label, false).last().is_some_and(|t| matches!(t.tag, "v" | "vd"))
}

/// Is `label` only verbs (`死亡`, `检查`)? Then what is counted is the
/// acts or the people, and the unit says which.
pub fn only_verbs(label: &str) -> bool {
    let tags = tagged(label, false);
    !tags.is_empty()
        && tags.iter().all(|t| matches!(t.tag, "v" | "vd" | "vn") && !crate::lexicon::NOT_NAMES.contains(&t.word))
}

#[cfg(test)]
mod tests {
    use super::{list_verb, modifiers, names_something, only_verbs};

    #[test]
    fn lists_of_examples_take_their_verb() {
        assert_eq!(list_verb("涉及集成电路、医药健康、先进制造、新一代信息技术等"), "涉及");
        assert_eq!(list_verb("设置论坛会议、技术交易、展览展示等"), "设置");
        assert_eq!(list_verb("集成电路、医药健康等"), "");
    }

    #[test]
    fn verbs_alone() {
        assert!(only_verbs("死亡") && only_verbs("检查"));
        assert!(!only_verbs("检查车辆") && !only_verbs("同比"));
    }

    #[test]
    fn a_name_holds_a_noun() {
        for name in ["罚款金额", "PM2.5年均浓度", "技术合同成交额", "支持项目", "优良天数比例"]
        {
            assert!(names_something(name), "{name}");
        }
        for words in ["相比", "首次降", "全年的", "力争控制在", "大幅", "同比上升"] {
            assert!(!names_something(words), "{words}");
        }
    }

    #[test]
    fn content_verbs_stay_agency_verbs_go() {
        assert_eq!(modifiers("争取中央预算内投资38.6亿元，支持"), "支持");
        assert_eq!(modifiers("组织老字号企业参加"), "老字号企业参加");
        assert_eq!(modifiers("张江高质量孵化器集聚区入驻"), "张江高质量孵化器集聚区入驻");
        // What is carried out is named after the verb of carrying it out.
        assert_eq!(modifiers("围绕美丽北京建设开展专题调研"), "专题调研");
    }

    #[test]
    fn stops_at_numbers_links_and_adverbs() {
        assert_eq!(modifiers("全年共"), "");
        assert_eq!(modifiers("累计达到"), "");
        assert_eq!(modifiers("其中"), "");
        assert_eq!(modifiers(""), "");
    }
}
