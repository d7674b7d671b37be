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

/// Linking and function words: a name never runs across one of them.
#[rustfmt::skip]
const STOPS: &[&str] = &[
    "为", "是", "达", "达到", "占", "有", "共", "共计", "合计", "总计", "约", "近", "超", "超过", "逾", "突破", "分别",
    "至", "到", "降至", "增至", "在", "了", "已", "已经", "均", "都", "也", "还", "将", "把", "被", "对", "向", "从",
    "由", "与", "和", "及", "以及", "并", "或", "等", "其中", "同时", "通过", "经", "经过", "按", "据", "截至", "截止",
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
    "抓好", "落实", "印发", "出台", "制定",
];

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
    let all = JIEBA.tag(&text, true);
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
        // 商贸企业和网点: a conjunction between nouns is inside the name.
        let joins_nouns = matches!(t.word, "和" | "及" | "与")
            && k > 0
            && tags[k - 1].tag.starts_with('n')
            && tags.get(k + 1).is_none_or(|r| r.tag.starts_with('n'));
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

/// Is `text` (a clause before its figure) only function words: adverbs,
/// pronouns, prepositions, conjunctions, times (`其中`, `已`, `今年共`)?
/// Then the figure starts its clause as its subject.
pub fn is_bare(text: &str) -> bool {
    JIEBA.tag(text, false).iter().all(|t| {
        STOPS.contains(&t.word)
            || matches!(t.tag, "d" | "c" | "p" | "r" | "t" | "m" | "f" | "u" | "uj" | "ul" | "x")
            || t.word.trim().is_empty()
    })
}

/// Does `text` read as a predicate: does it hold a verb (`在北京证券交易所
/// 上市`, `已开工`), not only nouns (`保障任务`)?
pub fn is_predicate(text: &str) -> bool {
    JIEBA.tag(text, false).iter().any(|t| matches!(t.tag, "v" | "vd" | "vi"))
}

/// Is `text` a verb phrase said of something counted before (`已完成`,
/// `未完成`, `已印发实施`), with no linking, time, change or aggregation
/// word (`累计达到`, `共计`, `上半年增长`, `全年新增`) that would make it
/// another figure of the same thing?
pub fn says_of(text: &str) -> bool {
    let tags = JIEBA.tag(text, false);
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
    let tags = JIEBA.tag(sentence, true);
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
    let tags = JIEBA.tag(clause, true);
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
    JIEBA.tag(label, false).iter().any(|t| {
        // `j` (abbreviations) names things too: 外贸企业, 社零额.
        (t.tag.starts_with('n') || matches!(t.tag, "vn" | "an" | "eng" | "j" | "l"))
            && !crate::lexicon::NOT_NAMES.contains(&t.word)
    })
}

/// Is `label` only verbs (`死亡`, `检查`)? Then what is counted is the
/// acts or the people, and the unit says which.
pub fn only_verbs(label: &str) -> bool {
    let tags = JIEBA.tag(label, false);
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
    }

    #[test]
    fn stops_at_numbers_links_and_adverbs() {
        assert_eq!(modifiers("全年共"), "");
        assert_eq!(modifiers("累计达到"), "");
        assert_eq!(modifiers("其中"), "");
        assert_eq!(modifiers(""), "");
    }
}
