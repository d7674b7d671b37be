//! What a figure counts, read from the figures around it as well as from
//! its own words.
//!
//! The label module reads the words next to a figure (`312辆氢燃料电池车`
//! → `氢燃料电池车`). Many figures name nothing themselves and are named by
//! another one in their sentence: the part of an earlier count (`其中6个已投
//! 入运营`), last year's value in an aside (`上年为4003.51亿元`), the rest of
//! a count (`其余4项`), the total of a list (`共计216项`), the n-th of a list
//! (`A、B分别达到x、y`), a rate right after the count it describes (`5271项，
//! 同比增长15.6%`). Each rule below is one of those readings, tried in turn
//! by [`Site::name`]; the first that applies names the figure.

use super::context;
use super::label;
use super::phrase;
use super::unit::{self, Class, Unit};
use super::{Figure, Kind, is_cjk};

/// A figure being named: its place in the text and the figures read
/// before it in its cell (in reading order).
pub(super) struct Site<'a> {
    pub chars: &'a [char],
    pub start: usize,
    pub end: usize,
    pub sentence_start: usize,
    pub kind: Kind,
    pub unit: &'a Unit,
    pub earlier: &'a [Figure],
}

impl Site<'_> {
    /// The figure's label: the first of the readings by other figures that
    /// applies, in this order, else its own words.
    pub fn name(&self) -> String {
        self.part_of_earlier()
            .or_else(|| self.earlier_level())
            .or_else(|| self.rest_of_count())
            .or_else(|| self.total())
            .or_else(|| self.listed())
            .or_else(|| self.part_of_whole())
            .or_else(|| self.counted_by_unit_or_list())
            .unwrap_or_else(|| self.by_own_words())
    }

    /// The figures before this one in its sentence, nearest first.
    fn in_sentence(&self) -> impl Iterator<Item = &Figure> + '_ {
        self.earlier
            .iter()
            .rev()
            .take_while(move |f| f.span.0 >= self.sentence_start)
            .filter(move |f| f.span.1 <= self.start)
    }

    fn previous(&self) -> Option<&Figure> {
        self.in_sentence().next()
    }

    /// Where the previous figure in the sentence ended: no phrase read
    /// backward reaches into it.
    fn floor(&self) -> usize {
        self.previous().map_or(0, |f| f.span.1)
    }

    fn after(&self, word: &str) -> bool {
        context::ends_with(self.chars, self.start, word)
    }

    /// 其中6个已投入运营: a part of what an earlier figure counted; 其中7个已
    /// 开工: the ones of which that is said. (`其中22家企业经…挽留` names its
    /// own: read on.)
    fn part_of_earlier(&self) -> Option<String> {
        if !self.after("其中") {
            return None;
        }
        let f = self.in_sentence().find(|f| f.unit == self.unit.name)?;
        let said = label::predicate(self.chars, self.end, &self.unit.name);
        let own_noun = matches!(self.unit.class, Class::Classifier)
            && said.is_none()
            && context::clause_end(self.chars, self.end) > self.end + 1;
        if own_noun {
            return None;
        }
        Some(match said {
            // (Of `开展绿色商场创建的商场超市`, the ones that 获评: one relative
            // clause is enough.)
            Some(p) => format!("{p}的{}", head_noun(&f.label)),
            None => f.label.clone(),
        })
    }

    /// 成交额4850.2亿元，同比增长21.1%（上年为4003.51亿元）: last year's value
    /// of what the sentence measured in this unit; 较2019年的340.5亿元增长
    /// 14.4%, 由2020年的38微克/立方米降至: the level in the base year.
    fn earlier_level(&self) -> Option<String> {
        let (chars, start) = (self.chars, self.start);
        let base_level = self.after("年的")
            && start >= 7
            && chars[start - 6..start - 2].iter().all(char::is_ascii_digit)
            && matches!(chars[start - 7], '较' | '比' | '与' | '由');
        let last_year = ["上年为", "上年同期为", "去年为", "去年同期为", "上年是"].iter().any(|w| self.after(w));
        if !(base_level || last_year) {
            return None;
        }
        self.in_sentence()
            .find(|f| f.unit == self.unit.name && f.kind != Kind::Growth && !crate::lexicon::is_rate_unit(&f.unit))
            .map(|f| f.label.clone())
    }

    /// 牵头的26项整改任务已完成22项，其余4项按序时进度推进: the rest of
    /// what an earlier figure counted, which no other figure of it measures.
    fn rest_of_count(&self) -> Option<String> {
        if !["其余", "剩余", "其他"].iter().any(|w| self.after(w)) || label::head_after(self.chars, self.end).is_some()
        {
            return None;
        }
        // (The rest of the whole: the first count, not the part before.)
        let f = self.in_sentence().filter(|f| f.unit == self.unit.name).last()?;
        Some(format!("其余{}", head_noun(&f.label)))
    }

    /// The name of a total written after the items it adds up (`实施109项
    /// 重点项目、107项工作任务，共计216项` → `重点项目和工作任务合计`): the
    /// figures right before it in the sentence, in its unit, with nothing
    /// counted after it.
    fn total(&self) -> Option<String> {
        let totals = ["共计", "合计", "总计", "共"];
        if !totals.iter().any(|w| self.after(w)) || label::head_after(self.chars, self.end).is_some() {
            return None;
        }
        let items: Vec<&Figure> = self.in_sentence().take_while(|f| f.unit == self.unit.name).collect();
        if items.len() < 2 || items.iter().any(|f| f.label.is_empty()) {
            return None;
        }
        let names: Vec<&str> = items.iter().rev().map(|f| f.label.as_str()).collect();
        // 春季消费季活动32场、夏季夜经济活动45场…，合计142场: the things they
        // all are.
        let first: Vec<char> = names[0].chars().collect();
        let common = (1..=first.len())
            .take_while(|&n| {
                let suffix: String = first[first.len() - n..].iter().collect();
                names.iter().all(|name| name.ends_with(&suffix))
            })
            .last()
            .unwrap_or(0);
        if common >= 2 {
            return Some(format!("{}合计", first[first.len() - common..].iter().collect::<String>()));
        }
        let (last, rest) = names.split_last()?;
        Some(format!("{}和{last}合计", rest.join("、")))
    }

    /// `A、B分别达到x、y`: the names before 分别 go, in order, with the
    /// figures after it in the same phrase. None unless the counts can line
    /// up.
    fn listed(&self) -> Option<String> {
        let (chars, start) = (self.chars, self.start);
        let phrase = context::phrase_start(chars, start);
        let respectively = (phrase..start.saturating_sub(1)).rev().find(|&i| context::at(chars, i, "分别"))?;
        let names: Vec<String> = chars[phrase..respectively]
            .split(|c| matches!(c, '、' | '和' | '及' | '与'))
            .map(|item| item.iter().filter(|c| is_cjk(**c) || c.is_ascii_alphanumeric()).collect::<String>())
            .map(|name| name.strip_prefix("其中").map(str::to_owned).unwrap_or(name))
            .collect();
        if names.len() < 2 || names.iter().any(|n| n.chars().count() < 2) {
            return None;
        }
        let latin = |n: &String| !n.chars().any(is_cjk);
        let names: Vec<String> = names
            .into_iter()
            // (PM10、NO2同比分别下降: the comparison is the rate's, not a name's.)
            .map(|n| {
                crate::lexicon::YEAR_ON_YEAR.iter().find_map(|w| n.strip_suffix(w)).map_or(n.clone(), str::to_owned)
            })
            // 其中PM10、NO2同比分别下降1.8%和11.5%, after PM10…年均浓度分别为…:
            // the names an earlier figure of the cell gave in full.
            .map(|n| {
                self.earlier
                    .iter()
                    .rev()
                    .filter(|f| f.span.1 <= phrase)
                    .find(|f| f.label.starts_with(&n) && f.label.len() > n.len() && latin(&n))
                    .map_or(n.clone(), |f| f.label.clone())
            })
            .collect();
        // PM10、NO2、SO2年均浓度: the last name's words are every name's.
        let last = names.last()?;
        let tail: String = last.chars().skip_while(|c| !is_cjk(*c)).collect();
        let names: Vec<String> = if !tail.is_empty() && tail != *last && names[..names.len() - 1].iter().all(latin) {
            names.iter().map(|n| if latin(n) { format!("{n}{tail}") } else { n.clone() }).collect()
        } else {
            names
        };
        // Figures between 分别 and this one, in this phrase, come first.
        // Figures are in reading order: walk back only as far as 分别.
        let index =
            self.earlier.iter().rev().take_while(|f| f.span.0 > respectively).filter(|f| f.span.1 <= start).count();
        names.get(index).cloned()
    }

    /// 占全市技术合同成交额的比重, 完成年度目标的104.5%: a part of a whole.
    fn part_of_whole(&self) -> Option<String> {
        if !crate::lexicon::is_rate_unit(&self.unit.name) {
            return None;
        }
        let (part, ratio) = label::part_of_whole(self.chars, self.floor(), self.start)?;
        // `工业投资增长9.8%，占全市固定资产投资比重为27.6%`: the part is what
        // the figure before counts.
        let part = if part.is_empty() {
            self.previous().map_or(String::new(), |f| without_change(&f.label).to_owned())
        } else {
            part
        };
        Some(format!("{part}{ratio}"))
    }

    /// 300余团体, 六大板块: the counted noun is the unit. 涉及集成电路、医药
    /// 健康等4个产业领域: the things of a list of examples, as the verb before
    /// it says (涉及的产业领域).
    fn counted_by_unit_or_list(&self) -> Option<String> {
        let (chars, start) = (self.chars, self.start);
        let floor = self.floor();
        let phrase_from = context::phrase_start(chars, start).max(floor);
        let listed = self.after("等") && chars[phrase_from..start].contains(&'、');
        let verb = if listed {
            phrase::list_verb(&chars[phrase_from..start].iter().collect::<String>())
        } else {
            String::new()
        };
        if self.unit.class == Class::Noun {
            if !verb.is_empty() {
                return Some(format!("{verb}的{}", self.unit.name));
            }
            let clause = context::clause_start(chars, start).max(floor);
            let before: String = chars[clause..start].iter().collect();
            return Some(format!("{}{}", phrase::modifiers(&before), self.unit.name));
        }
        if verb.is_empty() || self.unit.class != Class::Classifier {
            return None;
        }
        let (head, head_end) = label::head_after(chars, self.end)?;
        // `引导创新工场、中金等30余家创投机构组建创投联盟`: what the list is
        // said to do tells which ones, more than the verb that led it.
        Some(match label::predicate(chars, head_end, &self.unit.name) {
            Some(p) => format!("{p}的{head}"),
            None => format!("{verb}的{head}"),
        })
    }

    /// The figure named by its own words, or, where they name nothing, by
    /// the figure before it.
    fn by_own_words(&self) -> String {
        let counts_things = matches!(self.unit.class, Class::Classifier | Class::Physical | Class::Spec);
        let own = label::label(self.chars, self.floor(), self.start, self.end, &self.unit.name, counts_things);
        let names = !own.is_empty() && phrase::names_something(&own);
        if names && let Some(l) = self.shares_list_words(&own) {
            return l;
        }
        if let Some(l) = self.said_of_earlier_noun(&own) {
            return l;
        }
        if names && !label::is_generic(&own) {
            return own;
        }
        if let Some(l) = self.describes_level() {
            return l;
        }
        if !names && let Some(l) = self.counted_acts(&own) {
            return l;
        }
        if !names && let Some(f) = self.previous() {
            return self.said_of_earlier(f).unwrap_or_else(|| f.label.clone());
        }
        own
    }

    /// 投放蔬菜1200吨、猪肉85吨: the next item of a list shares the words in
    /// front of the first item's head.
    fn shares_list_words(&self, own: &str) -> Option<String> {
        let f = self.previous()?;
        if self.chars.get(f.span.1) != Some(&'、')
            || self.chars[f.span.1 + 1..self.start].iter().collect::<String>() != own
        {
            return None;
        }
        let shared = label::modifiers_before(self.chars, self.sentence_start, f.span.0);
        // (Not words that end in a conjunction: they join other nouns.)
        if !shared.is_empty() && f.label.starts_with(&shared) && !shared.ends_with(['和', '及', '与']) {
            return Some(format!("{shared}{own}"));
        }
        // 每千人口执业医师3.32人、注册护士3.78人: a rate per head of the
        // population is every item's.
        let per = per_head(&f.label)?;
        (!own.starts_with('每')).then(|| format!("{per}{own}"))
    }

    /// 牵头的26项整改任务已完成22项: the noun is the earlier count's, and
    /// what is said of it after that names these.
    fn said_of_earlier_noun(&self, own: &str) -> Option<String> {
        let f = self.previous().filter(|f| f.unit == self.unit.name)?;
        let (head, head_end) = label::head_after(self.chars, f.span.1)?;
        if head != own || head_end > self.start {
            return None;
        }
        said_of(&self.chars[head_end..self.start].iter().collect::<String>()).map(|said| format!("{said}{}", f.label))
    }

    /// A rate right after a count describes that count: 5271项，同比增长15.6%.
    /// A change in points is a change of a share; any other, of a level.
    fn describes_level(&self) -> Option<String> {
        let level = if self.unit.name == "百分点" {
            self.in_sentence().find(|f| matches!(f.unit.as_str(), "%" | "成"))
        } else {
            self.in_sentence().find(|f| !crate::lexicon::is_rate_unit(&f.unit))
        }?;
        match self.kind {
            Kind::Growth if crate::lexicon::CHANGE_WORDS.iter().any(|w| level.label.ends_with(w)) => {
                Some(level.label.clone())
            }
            Kind::Growth => Some(format!("{}增长", level.label)),
            Kind::Share => Some(format!("{}占比", level.label)),
            _ => None,
        }
    }

    /// 死亡46人, 检查4300余次: the count of the people or of the acts; 出口
    /// 106.9亿元: the sum of the act, 出口额.
    fn counted_acts(&self, own: &str) -> Option<String> {
        if matches!(self.kind, Kind::Growth | Kind::Share) || !phrase::only_verbs(own) {
            return None;
        }
        if let Some(noun) = unit::count_noun(&self.unit.name) {
            return Some(format!("{own}{noun}"));
        }
        (self.kind == Kind::Actual && self.unit.class == Class::Money).then(|| format!("{own}额"))
    }

    /// 牵头督察整改任务26项，已完成22项，未完成4项: what is said of the
    /// earlier count names these.
    fn said_of_earlier(&self, f: &Figure) -> Option<String> {
        if f.unit != self.unit.name {
            return None;
        }
        let from = context::clause_start(self.chars, self.start).max(f.span.1);
        said_of(&self.chars[from..self.start].iter().collect::<String>()).map(|said| format!("{said}{}", f.label))
    }
}

/// A short verb phrase said of something counted before (`已完成`, `累计
/// 完成`), if `text` is one.
fn said_of(text: &str) -> Option<&str> {
    (text.chars().all(is_cjk) && (2..=6).contains(&text.chars().count()) && phrase::says_of(text)).then_some(text)
}

/// The noun a label with a relative clause ends with: `商场超市` of `开展绿色
/// 商场创建的商场超市`.
fn head_noun(label: &str) -> &str {
    label.rsplit('的').next().unwrap_or(label)
}

/// A label without its word of change or share: `工业投资` of `工业投资增长`.
fn without_change(label: &str) -> &str {
    crate::lexicon::CHANGE_WORDS.iter().chain(&["占比"]).find_map(|w| label.strip_suffix(w)).unwrap_or(label)
}

/// The per-head-of-population scope a name opens with (`每千人口`,
/// `每万常住人口`, `每百户`), if it has one.
fn per_head(name: &str) -> Option<&str> {
    // (After the jurisdiction, if it opens: 全市每千人口.)
    let at = name.find('每').filter(|&at| name[..at].chars().count() <= 2)?;
    let name = &name[at..];
    let rest = name.strip_prefix('每')?;
    let rest = rest.trim_start_matches(['十', '百', '千', '万']);
    let rest = rest.strip_prefix("常住").unwrap_or(rest);
    let end = ["人口", "户", "人"].iter().find_map(|w| rest.strip_prefix(w)).map(|r| name.len() - r.len())?;
    (end > '每'.len_utf8() + 3).then(|| &name[..end])
}
