//! Metric identity: when are two figures the same metric?
//!
//! A metric is what is counted and in which unit. Reports of different
//! years name it with different modifiers (`新建10个产业协同创新平台`,
//! `2023年新建12个产业协同创新平台`, `累计建成…产业协同创新平台`), so the
//! label is normalised before it becomes a key: punctuation, years and
//! numbers, and the modifiers of time and action are stripped. What remains
//! must match exactly; anything looser belongs in the catalogue.

use sha2::{Digest, Sha256};

use crate::id::MetricId;

/// Words that say when or how a quantity came about, not what it is.
const MODIFIERS: &[&str] = &[
    "累计",
    "全年",
    "年度",
    "今年",
    "当年",
    "本年",
    "上半年",
    "下半年",
    "新建",
    "建成",
    "新开通",
    "新开",
    "新辟",
    "新增",
    "新设",
    "新认定",
    "新培育",
    "共计",
    "合计",
    "总计",
    "已经",
    "已",
    "现有",
    "实有",
    // 各类医联体 and 医联体: every kind is what an unqualified count counts.
    "各类",
    // Verbs of carrying out (落地执行国家和省集采药品294个).
    "落地",
    "执行",
    "落实",
    "新创建",
    "创建",
    "出现",
    "实行",
    "完成",
    "实现",
    "达到",
    "支持",
    "推动",
    "建设",
    "培育",
    "打造",
    "认定",
    "引进",
    "布局",
    "组建",
    "举办",
    "开展",
    "组织",
    "发放",
    // 带动消费 and 拉动消费: the spending a measure drew, however said.
    "带动",
    "拉动",
    // The report's own jurisdiction is the default scope: 全市 in a city's
    // report, 全区 in a district's. Other scopes (流向津冀, 中心城区,
    // 规模以上) stay, for they change what is counted.
    "全市",
    "本市",
    "我市",
    "全区",
    "本区",
    "我区",
    "全省",
    "本省",
    "我省",
    "全县",
    "本县",
    "我委",
    "我局",
    "市级",
    "当期",
    "年末",
    "年底",
    "年初",
];

/// Trailing words that do not change what is counted (技术转移机构建设), and
/// verbs a label sometimes keeps from before its number (保供企业扩大到).
/// (The year-on-year words, `lexicon::YEAR_ON_YEAR`, are tails too.)
const TAILS: &[&str] = &[
    "建设",
    "数量",
    "总数",
    "个数",
    "扩大到",
    "扩大至",
    "增加到",
    "增加至",
    "提高到",
    "提高至",
    "提升至",
    "增至",
    "达到",
    "达",
    "共",
    "约",
    "突破",
    "超过",
];

/// The letters of a label: CJK and Latin letters, and the digits of a name
/// that begins with a Latin letter (`PM2.5`, `PM10`, `NO2`: different
/// pollutants, which dropping digits would join). Punctuation and other
/// digits (years, list numbers) go.
pub fn letters(label: &str) -> String {
    let chars: Vec<char> = label.chars().collect();
    let mut out = String::with_capacity(label.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphabetic() {
            // A Latin name with its digits and inner decimal points.
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric()
                    || (chars[i] == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
            {
                i += 1;
            }
            out.extend(&chars[start..i]);
            continue;
        }
        // 2号线 and 6号线 are two lines, 3岁以下 and 6岁以下 two groups: a
        // number before 号 or 岁 is a name's.
        if c.is_ascii_digit() {
            let end = chars[i..].iter().position(|d| !d.is_ascii_digit()).map_or(chars.len(), |p| i + p);
            if matches!(chars.get(end), Some('号' | '岁')) {
                out.extend(&chars[i..end]);
            }
            i = end;
            continue;
        }
        // Ⅰ-Ⅲ类: Roman class numerals, and the dash of their range.
        let roman = crate::extract::is_roman;
        if crate::extract::is_cjk(c) || roman(c) || (matches!(c, '-' | '－') && i > 0 && roman(chars[i - 1])) {
            out.push(if c == '－' { '-' } else { c });
        }
        i += 1;
    }
    out
}

/// The label reduced to what it counts.
pub fn normalise(label: &str) -> String {
    let mut s = letters(label);
    // A year's 年 left behind by its digits (2022年入选) goes with them.
    // 年度, 年均 and 年末 are words, not a year's remains.
    if s.starts_with('年') && !s[3..].starts_with(['度', '均', '末', '底', '初', '内']) {
        s = s['年'.len_utf8()..].to_owned();
    }
    loop {
        let before = s.len();
        s = s.trim_start_matches(['的', '之']).to_owned();
        for m in MODIFIERS {
            if let Some(rest) = s.strip_prefix(m)
                && rest.chars().count() >= 2
            {
                s = rest.to_owned();
            }
        }
        for t in crate::lexicon::YEAR_ON_YEAR.iter().chain(TAILS) {
            if let Some(rest) = s.strip_suffix(t)
                && rest.chars().count() >= 2
            {
                s = rest.to_owned();
            }
        }
        if s.len() == before {
            break;
        }
    }
    s
}

/// The key two wordings of one metric share: the normalised name with the
/// genre's abbreviations spelled out (`社零额` is `社会消费品零售总额`, `限上`
/// is `限额以上`), the verbs that only say it was achieved dropped from
/// inside (`限额以上单位实现零售额`), and a trailing `总额`/`总数` dropped
/// (`外贸进出口总额` and `外贸进出口` are one quantity). The name shown stays
/// the one the report wrote. `name` is normalised already (see [`normalise`]).
pub fn key(name: &str) -> String {
    let mut k = name.to_owned();
    for (short, long) in crate::lexicon::ABBREVIATIONS {
        if k.contains(short) {
            k = k.replace(short, long);
        }
    }
    for verb in ["实现", "完成"] {
        // 完成率 and 完成值 name a ratio and a value; keep them.
        if let Some(at) = k.find(verb)
            && at > 0
            && !k[at + verb.len()..].starts_with(['率', '值', '度'])
            && k.chars().count() > 4
        {
            k.replace_range(at..at + verb.len(), "");
        }
    }
    // The tail goes before an aggregation's word too: `企业数增速` is
    // `企业增速`.
    // (`X的比例` is `X比例`.)
    k = k.replace('的', "");
    let tag_len = ["年均增速", "增速", "增长", "占比", "环比", "较上年变化"]
        .iter()
        .find(|t| k.ends_with(*t))
        .map(|t| t.len())
        // 较2013年变化
        .or_else(|| k.ends_with("年变化").then(|| k.len() - k.rfind('较').unwrap_or(k.len())))
        .unwrap_or(0);
    let tag = k[k.len() - tag_len..].to_owned();
    let mut stem = k[..k.len() - tag_len].to_owned();
    // (`社零额总量`: both go.)
    while let Some(rest) = ["总额", "总数", "总量", "保有量", "数量", "数"]
        .iter()
        .find_map(|t| stem.strip_suffix(t))
        .filter(|rest| rest.chars().count() >= 2)
    {
        stem = rest.to_owned();
    }
    // `PM10年均浓度同比增速`: a year-on-year change is what 增速 means.
    if tag_len > 0 {
        for basis in crate::lexicon::YEAR_ON_YEAR {
            if let Some(rest) = stem.strip_suffix(basis).filter(|rest| rest.chars().count() >= 2) {
                stem = rest.to_owned();
            }
        }
    }
    stem + &tag
}

/// The family a unit's figures are counted in: things counted with any
/// general classifier (`38308项` and `45216个` technology contracts) are
/// one family; events (次, 场, 期), persons (人, 名) and person-times stay
/// apart, and other units are their own family.
pub fn unit_family(unit: &str) -> &str {
    match unit {
        "个" | "项" | "家" | "所" | "座" | "条" | "件" | "只" | "支" | "台" | "套" | "部" | "份" | "篇" | "处"
        | "户" | "宗" | "类" => "个",
        "次" | "场" | "期" | "轮" => "次",
        // One unit written two ways.
        "km/h" | "千米/小时" | "公里/小时" => "公里/小时",
        "TEU" | "标箱" => "标箱",
        "乘次" | "人次" => "人次",
        "人" | "名" | "位" => "人",
        other => other,
    }
}

/// A stable identifier for a metric found in text: `m-` and eight hex
/// digits of the hash of its key (see [`key`], with its aggregation) and
/// unit family, so URLs and saved queries survive re-ingests.
pub fn text_id(key: &str, unit: &str) -> MetricId {
    let digest = Sha256::digest(format!("{key}\u{1f}{}", unit_family(unit)).as_bytes());
    MetricId::new(format!("m-{}", digest.iter().take(4).map(|b| format!("{b:02x}")).collect::<String>()))
}

/// Similarity of two phrases, 0..=1: the Dice coefficient of their
/// character bigrams (single chars for one-char phrases). Chinese compounds
/// share bigrams (技术转移机构 / 技术转移机构建设) where whole words differ.
pub fn similarity(a: &str, b: &str) -> f64 {
    let grams = |s: &str| -> Vec<(char, char)> {
        let c: Vec<char> = s.chars().filter(|c| crate::extract::is_cjk(*c) || c.is_alphanumeric()).collect();
        match c.len() {
            0 => vec![],
            1 => vec![(c[0], c[0])],
            _ => c.windows(2).map(|w| (w[0], w[1])).collect(),
        }
    };
    let (ga, mut gb) = (grams(a), grams(b));
    if ga.is_empty() || gb.is_empty() {
        return 0.0;
    }
    let total = ga.len() + gb.len();
    let mut shared = 0;
    for g in &ga {
        if let Some(i) = gb.iter().position(|x| x == g) {
            gb.swap_remove(i);
            shared += 1;
        }
    }
    2.0 * shared as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_names_keep_their_numbers() {
        assert_ne!(normalise("轨道交通2号线年度计划完成率"), normalise("轨道交通6号线年度计划完成率"));
        assert_ne!(normalise("3岁以下婴幼儿托位"), normalise("6岁以下婴幼儿托位"));
        assert_eq!(letters("2023年新建12个平台"), "年新建个平台");
    }

    #[test]
    fn modifiers_and_years_are_stripped() {
        assert_eq!(normalise("新建产业协同创新平台"), "产业协同创新平台");
        assert_eq!(normalise("2022年支持的共性技术平台"), "共性技术平台");
        assert_eq!(normalise("累计技术转移机构建设"), "技术转移机构");
        assert_eq!(normalise("“一件事”集成服务事项"), "一件事集成服务事项");
        assert_eq!(normalise("全市PM2.5年均浓度"), "PM2.5年均浓度");
        assert_ne!(normalise("PM10年均浓度"), normalise("PM2.5年均浓度"));
        assert_eq!(normalise("NO2年均浓度"), "NO2年均浓度");
    }

    #[test]
    fn wordings_of_one_metric_share_a_key() {
        let key = |s: &str| key(&normalise(s));
        assert_eq!(key("社零额"), key("全区社会消费品零售总额"));
        assert_eq!(key("限上网上零售额"), key("限额以上单位网上零售额"));
        assert_eq!(key("限额以上单位实现零售额"), key("限额以上单位零售额"));
        assert_eq!(key("外贸进出口总额"), key("外贸进出口"));
        assert_eq!(key("社零额总量"), key("社会消费品零售总额"));
        assert_eq!(key("企业数较上年变化"), key("企业较上年变化"));
        assert_eq!(key("研发经费支出相当于生产总值的比例"), key("研发经费支出相当于生产总值比例"));
        assert_eq!(key("年度目标完成率"), "目标完成率");
        assert_eq!(normalise("2022年年均浓度"), "年均浓度");
        assert_ne!(key("流向津冀技术合同成交额"), key("技术合同成交额"));
    }

    #[test]
    fn ids_are_stable_and_unit_sensitive() {
        assert_eq!(text_id("平台", "个"), text_id("平台", "个"));
        assert_eq!(text_id("技术合同", "项"), text_id("技术合同", "个"), "one family of counts");
        assert_ne!(text_id("平台", "个"), text_id("平台", "人"));
        assert_ne!(text_id("服务", "人"), text_id("服务", "人次"));
        assert!(text_id("平台", "个").as_str().starts_with("m-"));
    }

    #[test]
    fn bigram_similarity() {
        assert_eq!(similarity("技术转移机构", "技术转移机构"), 1.0);
        assert!(similarity("产业协同创新平台", "中关村高精尖产业协同创新平台") > 0.6);
        assert!(similarity("旗舰企业", "共性技术平台清单") < 0.1);
        assert_eq!(similarity("", "x"), 0.0);
    }
}
