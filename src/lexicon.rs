//! The genre's word lists that more than one module reads, in one place:
//! a list copied into two modules drifts apart (the forecast words once
//! differed between extraction and attainment, and the rate units between
//! three modules, one of them counting 成). A list used by one module only
//! stays beside its rule.

/// Words saying a figure is expected, not achieved: 预计全年…, 有望….
pub const FORECAST: &[&str] = &["预计", "预期", "有望", "估计", "预测"];

/// Units of a rate or share of a whole: percent, points, times, tenths.
pub const RATE_UNITS: &[&str] = &["%", "百分点", "倍", "成"];

/// Units a change is written in (同比增长15.6%, 提高0.5个百分点, 增长一倍):
/// the rate units but 成, which states a share (近七成), not a change.
pub const CHANGE_UNITS: &[&str] = &["%", "百分点", "倍"];

/// Is `unit` the unit of a rate or a share (see [`RATE_UNITS`])?
pub fn is_rate_unit(unit: &str) -> bool {
    RATE_UNITS.contains(&unit)
}

/// Is `unit` one a change is written in (see [`CHANGE_UNITS`])?
pub fn is_change_unit(unit: &str) -> bool {
    CHANGE_UNITS.contains(&unit)
}

/// Words of change: a figure right after one (`同比增长15.6%`, `较2013年增加
/// 112天`) is a change, not a level.
pub const CHANGE_WORDS: &[&str] =
    &["增长", "增速", "下降", "涨幅", "上涨", "增幅", "降幅", "回落", "提高", "降低", "减少", "增加", "上升"];

/// Does a clause end with a word of change, so that the figure after it is
/// a change (`较2013年增加112天`, `同比增长了约5%`)?
pub fn ends_with_change(clause: &str) -> bool {
    let clause = clause.trim_end_matches(['了', '约', '近', '超']);
    CHANGE_WORDS.iter().any(|w| clause.ends_with(w))
}

/// Does `text` average a change over years (`年均增长6.9%`, `两年平均增长`)?
/// `年均` alone is no such word: `PM2.5年均浓度` is an annual mean, a level.
pub fn averages_a_change(text: &str) -> bool {
    if ["两年平均", "三年平均", "平均增长", "平均下降"].iter().any(|w| text.contains(w)) {
        return true;
    }
    text.match_indices("年均").any(|(i, w)| {
        let after = &text[i + w.len()..];
        CHANGE_WORDS.iter().chain(&["增速", "增幅", "降幅"]).any(|c| after.starts_with(c))
    })
}

/// Words that measure a change against the year before, longest first
/// (`较上年同期` before `较上年`): a year-on-year change is what a bare 增速
/// means, so names and keys can do without them.
pub const YEAR_ON_YEAR: &[&str] = &["较上年同期", "比上年同期", "较上年", "比上年", "同比"];

/// Words of an increment before a count: what was added in the period,
/// not the level at its end.
pub const INCREMENT: &[&str] = &[
    "新增",
    "新建",
    "新认定",
    "新培育",
    "新设",
    "净增",
    "新引进",
    "新开工",
    "新签约",
    "新入驻",
    "新开通",
    "新开",
    "新辟",
];

/// Verbs that finish making something counted (`建成一刻钟便民生活圈4个`,
/// `认定区级示范街区3个`, `创建省级卫生村46个`): in a year's report, unless a running total says
/// otherwise (`累计建成`), what they count was added that year, as `新建`
/// and `新认定` say outright. (`建成区` is a noun: the built-up area.)
pub const MADE: &[&str] = &["建成", "认定", "创建"];

/// Words of time, comparison or intent that stand where a name would
/// (`同比上升`, `与2013年相比`, `力争控制在`): a label of these alone names
/// nothing, and the figure takes its subject from the sentence.
#[rustfmt::skip]
pub const NOT_NAMES: &[&str] = &[
    "一季度", "二季度", "三季度", "四季度", "前三季度", "上半年", "下半年", "全年", "当年", "上年", "上年同期", "同期", "去年", "比上年", "较上年", "较上年同期", "比上年同期", "同比", "环比", "首次", "起步", "持续", "相比", "较", "比", "分别", "力争", "争取", "确保", "预计",
];

/// Abbreviations of statistical indicators, with what they stand for:
/// `社零额` and `社会消费品零售总额` are one metric.
pub const ABBREVIATIONS: &[(&str, &str)] = &[
    ("社零总额", "社会消费品零售总额"),
    ("社零额", "社会消费品零售总额"),
    ("社零", "社会消费品零售总额"),
    ("限额以上单位", "限额以上"),
    ("限上", "限额以上"),
    ("规上", "规模以上"),
    ("固投", "固定资产投资"),
    ("集采", "集中带量采购"),
    ("家医", "家庭医生"),
    ("RD", "研发"),
    ("研究与试验发展", "研发"),
    ("GDP", "地区生产总值"),
];

/// A label with the genre's abbreviations spelt out for a reader
/// (`社零额` → `社会消费品零售总额`, `规上` → `规模以上`): the entries of
/// [`ABBREVIATIONS`] whose full form is the longer, Chinese one.
pub fn spell_out(label: &str) -> String {
    ABBREVIATIONS
        .iter()
        .filter(|(short, long)| long.chars().count() > short.chars().count() && !short.is_ascii())
        .fold(label.to_owned(), |l, (short, long)| l.replace(short, long))
}

/// Parts of a year as reports name them, with their months: a title's
/// `2023年上半年`, a sentence's `前三季度`.
pub const YEAR_PARTS: &[(&str, u8, u8)] = &[
    ("全年", 1, 12),
    ("上半年", 1, 6),
    ("下半年", 7, 12),
    ("前三季度", 1, 9),
    ("第一季度", 1, 3),
    ("第二季度", 4, 6),
    ("第三季度", 7, 9),
    ("第四季度", 10, 12),
    ("一季度", 1, 3),
    ("二季度", 4, 6),
    ("三季度", 7, 9),
    ("四季度", 10, 12),
];

/// The part of a year `text` starts with, as (months from, to, chars).
pub fn year_part(text: &[char]) -> Option<(u8, u8, usize)> {
    YEAR_PARTS.iter().find_map(|&(w, from, to)| {
        let n = w.chars().count();
        (text.len() >= n && text[..n].iter().copied().eq(w.chars())).then_some((from, to, n))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averaged_changes() {
        assert!(averages_a_change("“十三五”期间年均增长") && averages_a_change("两年平均增长"));
        assert!(!averages_a_change("全市PM2.5年均浓度为33微克/立方米，同比下降"));
    }

    #[test]
    fn parts_of_a_year_longest_first() {
        let chars = |s: &str| s.chars().collect::<Vec<char>>();
        assert_eq!(year_part(&chars("第三季度自查")), Some((7, 9, 4)));
        assert_eq!(year_part(&chars("三季度")), Some((7, 9, 3)));
        assert_eq!(year_part(&chars("前三季度完成")), Some((1, 9, 4)));
        assert_eq!(year_part(&chars("半年")), None);
        assert!(is_rate_unit("成") && !is_change_unit("成") && is_change_unit("百分点"));
    }
}
