//! Metric identity: when are two figures the same metric?
//!
//! A metric is what is counted and in which unit. Reports of different
//! years name it with different modifiers (`新建10个产业协同创新平台`,
//! `2023年新建12个产业协同创新平台`, `累计建成…产业协同创新平台`), so the
//! label is normalised before it becomes a key: punctuation, years and
//! numbers, and the modifiers of time and action are stripped. What remains
//! must match exactly; anything looser belongs in the catalogue.

use sha2::{Digest, Sha256};

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
    "新增",
    "新设",
    "新认定",
    "新培育",
    "共计",
    "合计",
    "总计",
    "已经",
    "已",
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
];

/// Trailing words that do not change what is counted (技术转移机构建设), and
/// verbs a label sometimes keeps from before its number (保供企业扩大到).
const TAILS: &[&str] = &[
    "建设",
    "数量",
    "总数",
    "个数",
    "数",
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
    "为",
    "共",
    "约",
    "突破",
    "超过",
];

/// The letters of a label: CJK and Latin letters, and the digits of a name
/// that begins with a Latin letter (`PM2.5`, `PM10`, `NO2`: different
/// pollutants, which dropping digits would join). Punctuation and other
/// digits (years, list numbers) go.
fn letters(label: &str) -> String {
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
        if crate::extract::is_cjk(c) {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// The label reduced to what it counts.
pub fn normalise(label: &str) -> String {
    let mut s = letters(label);
    // A year's 年 left behind by its digits (2022年入选) goes with them.
    s = s.trim_start_matches('年').to_owned();
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
        for t in TAILS {
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

/// A stable identifier for a metric found in text: `m-` and eight hex
/// digits of the hash of its key (normalised label and unit), so URLs and
/// saved queries survive re-ingests.
pub fn text_id(key: &str, unit: &str) -> String {
    let digest = Sha256::digest(format!("{key}\u{1f}{unit}").as_bytes());
    format!("m-{}", digest.iter().take(4).map(|b| format!("{b:02x}")).collect::<String>())
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
    fn ids_are_stable_and_unit_sensitive() {
        assert_eq!(text_id("平台", "个"), text_id("平台", "个"));
        assert_ne!(text_id("平台", "个"), text_id("平台", "家"));
        assert!(text_id("平台", "个").starts_with("m-"));
    }

    #[test]
    fn bigram_similarity() {
        assert_eq!(similarity("技术转移机构", "技术转移机构"), 1.0);
        assert!(similarity("产业协同创新平台", "中关村高精尖产业协同创新平台") > 0.6);
        assert!(similarity("旗舰企业", "共性技术平台清单") < 0.1);
        assert_eq!(similarity("", "x"), 0.0);
    }
}
