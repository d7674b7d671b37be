//! Pairing targets with the actuals that answer them, inside one row.
//!
//! A self-check row states goals (mostly in its task cell: `新建10个产业协同
//! 创新平台`) and reports results (in its status cell: `新建9个中关村高精尖产业
//! 协同创新平台`). A target is answered by a later figure of the same unit
//! family that talks about the same thing: we score candidates by how much
//! their label and their clause share with the target's (character bigrams),
//! with value proximity as a tie-breaker (`70家左右` is answered by `65家`
//! rather than by another `20家` of the same label), and assign greedily,
//! one actual per target. A target nobody answers is kept, unanswered.

use super::identity::{self, similarity};
use crate::document::{Column, Document, Period};
use crate::extract::{Figure, Kind, Qualifier};

/// A target and the figure answering it, as indices into the figure slice
/// given to [`pairs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub target: usize,
    pub actual: Option<usize>,
}

/// How strongly two units can be compared: the same unit, or 成 against %
/// (tenths against percent: 近七成 answers 60%以上).
pub fn comparable(target_unit: &str, actual_unit: &str) -> Option<f64> {
    match (target_unit, actual_unit) {
        (t, a) if t == a => Some(1.0),
        // 新建4家…实验室 answered by 4个: one family of counts.
        (t, a) if identity::unit_family(t) == identity::unit_family(a) => Some(1.0),
        ("%", "成") => Some(10.0),
        ("成", "%") => Some(0.1),
        _ => None,
    }
}

/// Pairs every target among `figures` (the document's, in reading order)
/// with the figure that answers it, row by row.
pub fn pairs(document: &Document, figures: &[Figure], named: &[String]) -> Vec<Pair> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < figures.len() {
        let row = figures[start].row;
        let end = start + figures[start..].iter().take_while(|f| f.row == row).count();
        let slice = &figures[start..end];
        // Names as a reader gives them (the subject carried from the
        // sentence: `成交额增长36.6%` is the 流向长三角 contracts'), compared
        // by their keys: 社零额 is 社会消费品零售总额.
        let names: Vec<String> = named[start..end].iter().map(|n| identity::key(&identity::normalise(n))).collect();
        let periods: Vec<Option<Period>> = slice.iter().map(|f| super::period_of(f, document)).collect();
        out.extend(
            row_pairs(slice, &names, &periods)
                .into_iter()
                .map(|p| Pair { target: start + p.target, actual: p.actual.map(|a| start + a) }),
        );
        start = end;
    }
    out
}

/// The clause around a figure, numbers removed: the words it stands among.
fn context(f: &Figure) -> String {
    let (before, after) = f.clause();
    format!("{before}{}{after}", f.text).chars().filter(|c| !c.is_ascii_digit() && *c != '.').collect()
}

/// A figure that is an increment (新增 2.35万人, the words in
/// `lexicon::INCREMENT`) rather than a level (达到 586.3万人); a target and
/// its answer say the same kind of thing.
fn is_increment(f: &Figure) -> bool {
    let (before, _) = f.clause();
    crate::lexicon::INCREMENT.iter().any(|w| before.contains(w))
}

/// Is the figure a change on the previous month or quarter (`环比`)?
fn sequential(f: &Figure) -> bool {
    f.clause().0.contains("环比")
}

/// Is the figure a change averaged over years (`两年平均增长4.6%`)? It
/// answers no goal for one year's growth.
fn averaged(f: &Figure) -> bool {
    let (before, _) = f.clause();
    crate::lexicon::averages_a_change(&before)
}

/// Is the figure a total of what its sentence listed (`共计40余场`)?
fn is_total(f: &Figure) -> bool {
    let (before, _) = f.clause();
    ["共计", "合计", "总计", "共"].iter().any(|w| before.ends_with(w))
}

/// Has a clause enough words to compare (four or more chars of text)?
fn wordy(context: &str) -> bool {
    context.chars().filter(|c| crate::extract::is_cjk(*c)).count() >= 4
}

/// Names too vague to match on (总数突破1.2万家): value closeness decides.
fn vague(name: &str) -> bool {
    name.chars().count() < 2 || crate::extract::label::is_generic(name) || super::VAGUE.contains(&name)
}

/// How many figures before and after a target may answer it.
const PAIR_WINDOW: usize = 64;

/// Scores every (target, candidate) of a row and assigns greedily, best
/// first, one answer per target and one target per answer.
fn row_pairs(row: &[Figure], names: &[String], periods: &[Option<Period>]) -> Vec<Pair> {
    let years: Vec<Option<i32>> = periods.iter().map(|p| p.map(|p| p.end_year())).collect();
    let targets: Vec<usize> = (0..row.len()).filter(|&i| row[i].kind == Kind::Target).collect();
    let contexts: Vec<String> = row.iter().map(context).collect();
    let mut scored: Vec<(f64, usize, usize)> = Vec::new();
    for &t in &targets {
        let target = &row[t];
        // Only figures near the target can answer it. Real rows hold tens of
        // figures, well inside the window; a row of thousands of repeated
        // clauses is scored in time linear in its length, not quadratic.
        let window = t.saturating_sub(PAIR_WINDOW)..(t + PAIR_WINDOW + 1).min(row.len());
        for (a, actual) in row.iter().enumerate().take(window.end).skip(window.start) {
            // 到2025年…达到80%左右 is not answered by this year's figure.
            let later_goal = matches!((years[t], years[a]), (Some(t), Some(a)) if t > a);
            if a == t
                || later_goal
                || !answers(target, actual)
                || numbered_apart(&names[t], &names[a])
                || different_rates(&names[t], &names[a])
            {
                continue;
            }
            let counted_noun = |count: &Figure, name: &str, noun: &Figure| {
                count.unit == "个" && noun.unit.chars().all(crate::extract::is_cjk) && name.contains(&noun.unit)
            };
            // 300个村庄 answered by 318村: 个 of the thing the other counts by name.
            let scale = comparable(&target.unit, &actual.unit).or_else(|| {
                (counted_noun(target, &names[t], actual) || counted_noun(actual, &names[a], target)).then_some(1.0)
            });
            let Some(scale) = scale else { continue };
            // A clause of a word or two (占21.4%) says nothing: the names,
            // which say what it is a share of, carry it alone.
            let label = similarity(&names[t], &names[a]);
            let words = if wordy(&contexts[t]) && wordy(&contexts[a]) {
                0.5 * label + 0.5 * similarity(&contexts[t], &contexts[a])
            } else {
                label
            };
            // 比例为56.3%，与规划提出的60%目标仍有差距: the sentence itself
            // measures the result against the goal it names.
            let words = if measured_against(target, actual) { words.max(0.5) } else { words };
            let (x, y) = (target.value.abs(), (actual.value * scale).abs());
            let closeness = if x.max(y) > 0.0 { x.min(y) / x.max(y) } else { 1.0 };
            // A year-on-year goal is not answered by a change on last month.
            if sequential(target) != sequential(actual) || averaged(target) != averaged(actual) {
                continue;
            }
            let mismatch = is_increment(target) != is_increment(actual);
            // A year's goal is answered by the year's figure before a part
            // of the year's (上半年完成238.6亿元; 全年完成512.7亿元), and by
            // what was done before what is expected (截至11月底3.21亿美元;
            // 预计全年3.5亿美元左右), when the words say no more.
            let part_year =
                matches!((periods[t], periods[a]), (Some(t), Some(a)) if t.is_full_year() && !a.is_full_year());
            let score = words + 0.35 * closeness
                - if mismatch { 0.2 } else { 0.0 }
                - if part_year { 0.05 } else { 0.0 }
                - if actual.kind == Kind::Forecast { 0.05 } else { 0.0 };
            let related = words >= 0.15 && score >= 0.45;
            // 共计40余场 after a list of its parts: a total answers a goal
            // of the whole by its value.
            let close_enough = (vague(&names[t]) || is_total(actual)) && closeness >= 0.8 && !mismatch;
            if related || close_enough {
                scored.push((score, t, a));
            }
        }
    }
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut answer: Vec<Option<usize>> = vec![None; row.len()];
    let mut used = vec![false; row.len()];
    for (_, t, a) in scored {
        if answer[t].is_none() && !used[a] {
            answer[t] = Some(a);
            used[a] = true;
        }
    }
    // Both ends of a range (3-5个) are answered by the same figure.
    for &t in &targets {
        let range = t > 0
            && row[t].qualifier == Qualifier::AtMost
            && row[t - 1].qualifier == Qualifier::AtLeast
            && row[t - 1].kind == Kind::Target
            && row[t - 1].col == row[t].col
            && row[t - 1].span.1 + 1 == row[t].span.0;
        if range {
            let shared = answer[t].or(answer[t - 1]);
            answer[t] = shared;
            answer[t - 1] = shared;
        }
    }
    targets.into_iter().map(|t| Pair { target: t, actual: answer[t] }).collect()
}

/// Can `actual` answer `target` at all? It must report rather than set
/// another goal; only a task-cell goal may be answered by a status-cell
/// plan (拟推动12家). A status-cell target is answered after it
/// (不低于20%…占21.4%), or before it when the sentence states the result
/// and then the goal it fulfils (增速为15.2%，完成14%左右的预定目标).
fn answers(target: &Figure, actual: &Figure) -> bool {
    if actual.col == Column::Task || actual.kind == Kind::Other {
        return false;
    }
    if target.col == Column::Task {
        return true;
    }
    let after = actual.col > target.col || actual.span.0 > target.span.0;
    actual.kind != Kind::Target && (after || measured_against(target, actual))
}

/// Is `actual` the result a sentence states before naming `target` as its
/// goal (增速为15.2%，完成14%左右的预定目标)?
fn measured_against(target: &Figure, actual: &Figure) -> bool {
    target.col != Column::Task
        && actual.col == target.col
        && actual.sentence_start == target.sentence_start
        && actual.span.0 < target.span.0
        && names_goal(target)
}

/// Is the figure followed by `的…目标` (14%左右的预定目标) or `目标` (60%目标)?
fn names_goal(f: &Figure) -> bool {
    let (_, after) = f.clause();
    let after: String = after.chars().take(7).collect();
    after.starts_with("目标") || after.starts_with('的') && after.contains("目标")
}

/// Rates with different heads (帮扶就业率 / 签约率) are different measures,
/// however much of the rest they share.
fn different_rates(a: &str, b: &str) -> bool {
    let head = |s: &str| -> Option<String> {
        let chars: Vec<char> = s.chars().collect();
        (chars.len() >= 3 && chars[chars.len() - 1] == '率').then(|| chars[chars.len() - 3..].iter().collect())
    };
    matches!((head(a), head(b)), (Some(x), Some(y)) if x != y)
}

/// Names that differ in a number (一期产能 / 二期产能, 第三批 / 第四批) name
/// different things, however alike the rest.
fn numbered_apart(a: &str, b: &str) -> bool {
    let numerals = |s: &str| -> String {
        s.chars().filter(|c| c.is_ascii_digit() || "零一二两三四五六七八九十".contains(*c)).collect()
    };
    let (x, y) = (numerals(a), numerals(b));
    !x.is_empty() && !y.is_empty() && x != y
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::cell_figures;

    fn row(task: &str, status: &str) -> (Document, Vec<Figure>) {
        let text = format!("自查内容\t落实情况\n{task}\t{status}\n");
        let doc = crate::document::parse("t", text.as_bytes()).unwrap();
        let mut figs = cell_figures(task, Column::Task, 1);
        figs.extend(cell_figures(status, Column::Status, 1));
        (doc, figs)
    }

    fn texts(figs: &[Figure], pairs: &[Pair]) -> Vec<(String, Option<String>)> {
        pairs.iter().map(|p| (figs[p.target].text.clone(), p.actual.map(|a| figs[a].text.clone()))).collect()
    }

    #[test]
    fn task_goal_answered_by_status_result() {
        let (doc, figs) = row(
            "打造10家以上旗舰企业，新建10个产业协同创新平台。",
            "新建9个中关村高精尖产业协同创新平台，在50家共性技术平台清单基础上，支持4个共性技术平台。",
        );
        let p = crate::metrics::pairs_of(&doc, &figs);
        assert_eq!(texts(&figs, &p), [("10家以上".into(), None), ("10个".into(), Some("9个".into()))]);
    }

    #[test]
    fn closer_value_wins_among_equal_labels() {
        let (doc, figs) = row(
            "推动建设70家左右技术转移机构，布局15家左右概念验证成果转化专业平台。",
            "支持20家左右技术转移机构市场化聘用技术经理人。2022年支持65家技术转移机构建设。拟推动12家概念验证平台建设。",
        );
        let p = crate::metrics::pairs_of(&doc, &figs);
        let t = texts(&figs, &p);
        assert!(t.contains(&("70家左右".into(), Some("65家".into()))), "{t:?}");
        assert!(t.contains(&("15家左右".into(), Some("12家".into()))), "{t:?}");
        assert!(t.contains(&("12家".into(), None)), "the status plan is also a target of its own: {t:?}");
    }

    #[test]
    fn status_bar_answered_later_in_the_cell() {
        let (doc, figs) = row("", "规定对工程技术人才支持比例不低于20%。2022年入选工程技术人才32人，占21.4%。");
        let p = crate::metrics::pairs_of(&doc, &figs);
        assert_eq!(texts(&figs, &p), [("不低于20%".into(), Some("21.4%".into()))]);
    }

    #[test]
    fn status_target_answered_before_it() {
        let (doc, figs) = row("", "全年大中型重点企业研发费用增速为15.2%，完成14%左右的预定目标。");
        let p = crate::metrics::pairs_of(&doc, &figs);
        assert_eq!(texts(&figs, &p), [("14%左右".into(), Some("15.2%".into()))]);
        let (doc, figs) = row("", "双师型教师占专任教师比例为56.3%，与规划提出的60%目标仍有差距。");
        let p = crate::metrics::pairs_of(&doc, &figs);
        assert_eq!(texts(&figs, &p), [("60%".into(), Some("56.3%".into()))], "a goal fallen short of");
    }

    #[test]
    fn both_ends_of_a_range_are_answered() {
        let (doc, figs) = row("推动建设3-5个公共海外仓。", "新建公共海外仓4个。");
        let p = crate::metrics::pairs_of(&doc, &figs);
        assert_eq!(texts(&figs, &p), [("3".into(), Some("4个".into())), ("5个".into(), Some("4个".into()))]);
    }

    #[test]
    fn a_count_in_ge_answers_a_count_by_name() {
        let (doc, figs) = row("完成300个村庄生活污水治理。", "全年完成生活污水治理318村。");
        let p = crate::metrics::pairs_of(&doc, &figs);
        assert_eq!(texts(&figs, &p), [("300个".into(), Some("318村".into()))]);
    }

    #[test]
    fn different_rates_do_not_answer() {
        let (doc, figs) =
            row("离校未就业高校毕业生帮扶就业率保持在90%以上。", "高校毕业生留市就业意向签约率达到62.3%。");
        let p = crate::metrics::pairs_of(&doc, &figs);
        assert_eq!(texts(&figs, &p), [("90%以上".into(), None)]);
    }

    #[test]
    fn unrelated_same_unit_figures_do_not_answer() {
        let (doc, figs) = row("完成北京城市总体规划实施任务9项。", "细化形成307项重点任务、226个重点项目。");
        let p = crate::metrics::pairs_of(&doc, &figs);
        assert_eq!(texts(&figs, &p), [("9项".into(), None)]);
    }
}
