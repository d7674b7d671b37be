//! Units and measure words: what turns a bare numeral into a figure.
//!
//! A numeral with no unit after it is not tracked (`2021中关村论坛`,
//! `长安链3.0`, list markers, codes): requiring a unit is the single most
//! effective exclusion rule. Dates fall out the same way, since 年/月/日 are
//! deliberately not units here.

use std::sync::LazyLock;

use super::words::{self, WordSet};

/// What sort of quantity a unit measures. Kind and qualifier rules depend on
/// it (a growth rate is a percentage, a specification is an inch size).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A measure word: 个 家 项 人次 …
    Classifier,
    /// A counted noun standing in for a measure word: `8方面`, `300余团体`.
    Noun,
    Percent,
    PerMille,
    /// 百分点 (percentage points).
    Points,
    /// 倍 (times) and 成 (tenths): change or proportion words.
    Ratio,
    Money,
    Physical,
    /// Sizes that name a product rather than measure an outcome (8英寸).
    Spec,
}

/// A unit recognised after a numeral.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Normalised unit as FORMAT.md spells it (`%`, `元`, `百分点`, `片/月`).
    pub name: String,
    /// Length in chars of the unit as written (`个百分点` is 4).
    pub len: usize,
    pub class: Class,
}

/// (as written, normalised, class). Longest forms are tried first.
const UNITS: &[(&str, &str, Class)] = &[
    // Percentages and points.
    ("%", "%", Class::Percent),
    ("％", "%", Class::Percent),
    ("‰", "‰", Class::PerMille),
    ("个百分点", "百分点", Class::Points),
    ("百分点", "百分点", Class::Points),
    ("倍", "倍", Class::Ratio),
    ("成", "成", Class::Ratio),
    // Money (multipliers such as 万/亿 are read with the numeral).
    ("元人民币", "元", Class::Money),
    ("人民币", "元", Class::Money),
    ("元", "元", Class::Money),
    ("美元", "美元", Class::Money),
    ("欧元", "欧元", Class::Money),
    ("港元", "港元", Class::Money),
    ("港币", "港元", Class::Money),
    ("日元", "日元", Class::Money),
    ("英镑", "英镑", Class::Money),
    // Physical units, as written.
    ("太瓦", "太瓦", Class::Physical),
    ("吉瓦", "吉瓦", Class::Physical),
    ("兆瓦", "兆瓦", Class::Physical),
    ("太瓦时", "太瓦时", Class::Physical),
    ("吉瓦时", "吉瓦时", Class::Physical),
    ("兆瓦时", "兆瓦时", Class::Physical),
    ("千瓦时", "千瓦时", Class::Physical),
    ("千瓦", "千瓦", Class::Physical),
    ("瓦", "瓦", Class::Physical),
    ("千伏", "千伏", Class::Physical),
    ("伏", "伏", Class::Physical),
    ("兆帕", "兆帕", Class::Physical),
    ("赫兹", "赫兹", Class::Physical),
    ("兆赫", "兆赫", Class::Physical),
    ("分贝", "分贝", Class::Physical),
    ("摄氏度", "摄氏度", Class::Physical),
    ("℃", "℃", Class::Physical),
    ("度电", "度", Class::Physical),
    ("平方公里", "平方公里", Class::Physical),
    ("平方千米", "平方千米", Class::Physical),
    ("平方米", "平方米", Class::Physical),
    ("平米", "平方米", Class::Physical),
    ("立方米", "立方米", Class::Physical),
    ("公里", "公里", Class::Physical),
    ("千米", "千米", Class::Physical),
    ("厘米", "厘米", Class::Physical),
    ("毫米", "毫米", Class::Physical),
    ("微米", "微米", Class::Physical),
    ("纳米", "纳米", Class::Physical),
    ("米", "米", Class::Physical),
    ("公顷", "公顷", Class::Physical),
    ("亩", "亩", Class::Physical),
    ("吨标准煤", "吨标准煤", Class::Physical),
    ("吨标煤", "吨标准煤", Class::Physical),
    ("吨", "吨", Class::Physical),
    ("千克", "千克", Class::Physical),
    ("公斤", "公斤", Class::Physical),
    ("毫克", "毫克", Class::Physical),
    ("微克", "微克", Class::Physical),
    ("克", "克", Class::Physical),
    ("毫升", "毫升", Class::Physical),
    ("升", "升", Class::Physical),
    ("标箱", "标箱", Class::Physical),
    ("乘次", "乘次", Class::Classifier),
    ("英寸", "英寸", Class::Spec),
    ("吋", "吋", Class::Spec),
    ("岁", "岁", Class::Classifier),
    // Durations counted as outcomes.
    ("个月", "个月", Class::Classifier),
    ("小时", "小时", Class::Classifier),
    ("分钟", "分钟", Class::Classifier),
    ("个工作日", "工作日", Class::Classifier),
    ("工作日", "工作日", Class::Classifier),
    ("天", "天", Class::Classifier),
    ("周", "周", Class::Classifier),
    // Measure words.
    ("人次", "人次", Class::Classifier),
    ("户次", "户次", Class::Classifier),
    ("家次", "家次", Class::Classifier),
    ("场次", "场次", Class::Classifier),
    ("车次", "车次", Class::Classifier),
    ("辆次", "辆次", Class::Classifier),
    ("艘次", "艘次", Class::Classifier),
    ("航次", "航次", Class::Classifier),
    ("班次", "班次", Class::Classifier),
    ("台次", "台次", Class::Classifier),
    ("件次", "件次", Class::Classifier),
    ("项次", "项次", Class::Classifier),
    ("架次", "架次", Class::Classifier),
    ("批次", "批次", Class::Classifier),
    ("台套", "台套", Class::Classifier),
    ("台", "台", Class::Classifier),
    ("个", "个", Class::Classifier),
    ("家", "家", Class::Classifier),
    ("项", "项", Class::Classifier),
    ("人", "人", Class::Classifier),
    ("名", "名", Class::Classifier),
    ("位", "位", Class::Classifier),
    ("户", "户", Class::Classifier),
    ("辆", "辆", Class::Classifier),
    ("支", "支", Class::Classifier),
    ("只", "只", Class::Classifier),
    ("场", "场", Class::Classifier),
    ("期", "期", Class::Classifier),
    ("次", "次", Class::Classifier),
    ("份", "份", Class::Classifier),
    ("所", "所", Class::Classifier),
    ("款", "款", Class::Classifier),
    ("类", "类", Class::Classifier),
    ("件", "件", Class::Classifier),
    ("套", "套", Class::Classifier),
    ("座", "座", Class::Classifier),
    ("条", "条", Class::Classifier),
    ("篇", "篇", Class::Classifier),
    ("部", "部", Class::Classifier),
    ("本", "本", Class::Classifier),
    ("册", "册", Class::Classifier),
    ("种", "种", Class::Classifier),
    ("间", "间", Class::Classifier),
    ("处", "处", Class::Classifier),
    ("栋", "栋", Class::Classifier),
    ("幢", "幢", Class::Classifier),
    ("张", "张", Class::Classifier),
    ("株", "株", Class::Classifier),
    ("头", "头", Class::Classifier),
    ("例", "例", Class::Classifier),
    ("起", "起", Class::Classifier),
    ("宗", "宗", Class::Classifier),
    ("笔", "笔", Class::Classifier),
    ("届", "届", Class::Classifier),
    ("轮", "轮", Class::Classifier),
    ("批", "批", Class::Classifier),
    ("组", "组", Class::Classifier),
    ("队", "队", Class::Classifier),
    ("架", "架", Class::Classifier),
    ("艘", "艘", Class::Classifier),
    ("片", "片", Class::Classifier),
    ("枚", "枚", Class::Classifier),
    ("颗", "颗", Class::Classifier),
    ("根", "根", Class::Classifier),
    ("道", "道", Class::Classifier),
    ("门", "门", Class::Classifier),
    ("床", "床", Class::Classifier),
    ("块", "块", Class::Classifier),
    ("首", "首", Class::Classifier),
    ("幅", "幅", Class::Classifier),
    ("节", "节", Class::Classifier),
    ("剂次", "剂次", Class::Classifier),
    ("剂", "剂", Class::Classifier),
    ("针", "针", Class::Classifier),
    ("管", "管", Class::Classifier),
    ("瓶", "瓶", Class::Classifier),
    ("盒", "盒", Class::Classifier),
    ("箱", "箱", Class::Classifier),
    ("袋", "袋", Class::Classifier),
    ("课时", "课时", Class::Classifier),
    ("学时", "学时", Class::Classifier),
];

/// Counted nouns that stand in for a measure word (`8方面20项措施`,
/// `300余团体`, `六大板块`). Tried after the units above, so that
/// `5项目标` reads as 5 项, not 5 项目.
const NOUNS: &[&str] = &[
    "方面", "团体", "板块", "领域", "行业", "产业", "学科", "专业", "课题", "措施", "举措", "环节", "区域", "片区",
    "城市", "国家", "省份", "省市", "地区", "区县", "高校", "院所", "单位", "部门", "团队", "学校", "医院", "园区",
    "街道", "乡镇", "社区", "村", "镇", "工程", "行动", "专项", "体系", "集群", "基地", "中心", "平台", "企业", "机构",
    "场景", "赛道", "方向", "要素", "主体", "任务", "品种", "系统", "项目",
];

/// Latin-letter units, matched case-sensitively and only as a whole word
/// (`70MPa` yes; `5G`, `3D`, `4K` are not units and make no figure).
const LATIN: &[&str] = &[
    "MPa", "kPa", "GPa", "Pa", "TWh", "GWh", "MWh", "kWh", "KWh", "GW", "MW", "kW", "KW", "kV", "KV", "mAh", "Wh", "W",
    "V", "km²", "km2", "m²", "m³", "km", "cm", "mm", "μm", "nm", "m", "kg", "mg", "μg", "t", "Tbps", "Gbps", "Mbps",
    "EB", "PB", "TB", "GB", "MB", "KB", "GHz", "MHz", "kHz", "Hz", "dB", "ppm", "EFlops", "PFlops", "TFlops", "EFLOPS",
    "PFLOPS", "TFLOPS", "TOPS", "mL", "ml", "L", "TEU",
];

/// Denominators of compound units: `片/月`, `微克/立方米`, `吨标准煤/万元`.
const PER: &[&str] = &[
    "万元",
    "亿元",
    "元",
    "平方米",
    "立方米",
    "平方公里",
    "公里",
    "千米",
    "小时",
    "分钟",
    "工作日",
    "个月",
    "月",
    "年",
    "天",
    "日",
    "周",
    "秒",
    "人",
    "户",
    "台",
    "次",
    "亩",
    "吨",
    "千克",
    "公斤",
    "床",
    "s",
    "h",
    "km",
    "kg",
];

static UNIT_SET: LazyLock<WordSet<(&'static str, Class)>> =
    LazyLock::new(|| WordSet::new(&UNITS.iter().map(|&(w, name, class)| (w, (name, class))).collect::<Vec<_>>()));
static NOUN_SET: LazyLock<WordSet<()>> = LazyLock::new(|| words::set(NOUNS));
static PER_SET: LazyLock<WordSet<()>> = LazyLock::new(|| words::set(PER));

/// A rate per population written after a numeral: `/10万`, `/万人`,
/// `/千人` (孕产妇死亡率8.5/10万). The 万 counts people; it multiplies
/// nothing, and the whole is the unit.
pub fn per_population(chars: &[char], i: usize) -> Option<Unit> {
    if !matches!(chars.get(i), Some('/' | '／')) {
        return None;
    }
    let mut j = i + 1;
    while chars.get(j).is_some_and(|c| c.is_ascii_digit()) {
        j += 1;
    }
    let base = ["十万", "百万", "万", "千"].iter().find(|w| super::context::at(chars, j, w))?;
    j += base.chars().count();
    for tail in ["人口", "人"] {
        if super::context::at(chars, j, tail) {
            j += tail.chars().count();
            break;
        }
    }
    let name: String = std::iter::once('/').chain(chars[i + 1..j].iter().copied()).collect();
    Some(Unit { name, len: j - i, class: Class::Physical })
}

/// Does a unit of the lexicon start at `i`? Used by the numeral reader so
/// that `千瓦`/`百分点` are not taken for multipliers.
pub fn starts_here(chars: &[char], i: usize) -> bool {
    matches!(chars.get(i), Some('千' | '百')) && UNIT_SET.at(chars, i).is_some()
}

/// The unit written at `chars[i]` (a single ASCII space before a Latin unit
/// or `%` is allowed, as in `70 MPa`).
pub fn at(chars: &[char], i: usize) -> Option<Unit> {
    let first = *chars.get(i)?;
    if first == ' ' {
        let next = *chars.get(i + 1)?;
        if next.is_ascii_alphabetic() || next == '%' {
            let mut unit = at(chars, i + 1)?;
            unit.len += 1;
            return Some(unit);
        }
        return None;
    }
    let mut unit = if first.is_ascii_alphabetic() || first == 'μ' { latin(chars, i)? } else { cjk(chars, i)? };
    // Compound units: 片/月, 微克/立方米.
    if matches!(chars.get(i + unit.len), Some('/' | '／'))
        && !matches!(unit.class, Class::Percent | Class::PerMille | Class::Points)
    {
        let d = i + unit.len + 1;
        if let Some((per_len, ())) = PER_SET.at(chars, d) {
            let ends_word = !chars.get(d + per_len).is_some_and(|c| c.is_ascii_alphanumeric());
            if ends_word {
                let per: String = chars[d..d + per_len].iter().collect();
                unit.name = format!("{}/{}", unit.name, per);
                unit.len += 1 + per_len;
            }
        } else if unit.class == Class::Classifier
            && let Some((alt_len, (alt, Class::Classifier))) = UNIT_SET.at(chars, d)
        {
            // 件/套, 台/套: one count in either of two measure words, not a
            // rate; the slash joins alternatives, so the unit keeps both.
            unit.name = format!("{}/{}", unit.name, alt);
            unit.len += 1 + alt_len;
        }
    }
    Some(unit)
}

fn cjk(chars: &[char], i: usize) -> Option<Unit> {
    if let Some((len, (name, class))) = UNIT_SET.at(chars, i) {
        return Some(Unit { name: name.to_owned(), len, class });
    }
    noun(chars, i)
}

/// A counted noun at `i`, standing in for a measure word.
pub fn noun(chars: &[char], i: usize) -> Option<Unit> {
    let (len, ()) = NOUN_SET.at(chars, i)?;
    Some(Unit { name: chars[i..i + len].iter().collect(), len, class: Class::Noun })
}

fn latin(chars: &[char], i: usize) -> Option<Unit> {
    let word_end = chars[i..]
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, '²' | '³' | 'μ')))
        .map_or(chars.len(), |p| i + p);
    let word: String = chars[i..word_end].iter().collect();
    LATIN.iter().find(|&&u| u == word).map(|u| Unit {
        name: (*u).to_owned(),
        len: u.chars().count(),
        class: Class::Physical,
    })
}

/// What a count in `unit` is a number of, as a name's last word: `人` →
/// `人数`, `次` → `次数` (`死亡46人` is a 死亡人数).
pub fn count_noun(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "人" | "名" => "人数",
        "人次" => "人次",
        "次" => "次数",
        "起" => "起数",
        "家" => "家数",
        "家次" => "家次",
        "个" => "个数",
        "项" => "项数",
        "件" => "件数",
        "场" => "场次",
        "户" => "户数",
        "批" => "批次",
        "天" => "天数",
        "辆次" => "辆次",
        "种" => "种数",
        "期" => "期数",
        "轮" => "轮次",
        _ => return None,
    })
}

/// Does `unit` count acts, visits or kinds rather than the things named
/// (`集中学习12次`, `鱼类41种`)? Then the quantity is named with its count
/// noun (`集中学习次数`, `鱼类种数`): 41 is not a number of fish.
pub fn counts_acts(unit: &str) -> bool {
    matches!(unit, "次" | "人次" | "家次" | "辆次" | "场" | "场次" | "期" | "种" | "批次" | "轮")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(s: &str) -> Option<(String, usize, Class)> {
        let chars: Vec<char> = s.chars().collect();
        at(&chars, 0).map(|u| (u.name, u.len, u.class))
    }

    #[test]
    fn measure_words_longest_first() {
        assert_eq!(unit("人次参加"), Some(("人次".into(), 2, Class::Classifier)));
        assert_eq!(unit("人参加"), Some(("人".into(), 1, Class::Classifier)));
        assert_eq!(unit("个百分点"), Some(("百分点".into(), 4, Class::Points)));
        assert_eq!(unit("个月"), Some(("个月".into(), 2, Class::Classifier)));
        assert_eq!(unit("项目标任务").map(|u| u.0), Some("项".into()));
    }

    #[test]
    fn percent_and_money() {
        assert_eq!(unit("％").map(|u| u.0), Some("%".into()));
        assert_eq!(unit("元，").map(|u| u.2), Some(Class::Money));
        assert_eq!(unit("美元").map(|u| u.0), Some("美元".into()));
    }

    #[test]
    fn compound_units() {
        assert_eq!(unit("片/月的建设"), Some(("片/月".into(), 3, Class::Classifier)));
        assert_eq!(unit("微克/立方米"), Some(("微克/立方米".into(), 6, Class::Physical)));
        assert_eq!(unit("吨标准煤/万元"), Some(("吨标准煤/万元".into(), 7, Class::Physical)));
        assert_eq!(unit("件/套文物"), Some(("件/套".into(), 3, Class::Classifier)));
        assert_eq!(unit("台/套设备"), Some(("台/套".into(), 3, Class::Classifier)));
        assert_eq!(unit("%/年").map(|u| u.0), Some("%".into()), "a percentage takes no denominator");
    }

    #[test]
    fn latin_units_are_whole_words() {
        assert_eq!(unit("MPa，").map(|u| u.0), Some("MPa".into()));
        assert_eq!(unit(" MPa").map(|u| u.1), Some(4));
        assert_eq!(unit("G超高清"), None);
        assert_eq!(unit("D打印"), None);
        assert_eq!(unit("min"), None);
    }

    #[test]
    fn dates_are_not_units() {
        assert_eq!(unit("年"), None);
        assert_eq!(unit("月底"), None);
        assert_eq!(unit("日"), None);
    }

    #[test]
    fn counted_nouns() {
        assert_eq!(unit("方面20项措施"), Some(("方面".into(), 2, Class::Noun)));
        assert_eq!(unit("团体，"), Some(("团体".into(), 2, Class::Noun)));
        assert_eq!(unit("中关村论坛"), None);
    }

    #[test]
    fn unit_words_starting_with_numerals() {
        let chars: Vec<char> = "10千瓦".chars().collect();
        assert!(starts_here(&chars, 2));
        let chars: Vec<char> = "3千万元".chars().collect();
        assert!(!starts_here(&chars, 1));
    }
}
