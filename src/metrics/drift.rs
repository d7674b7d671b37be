//! Wordings that drift from year to year: `道路交通万车死亡率` one year,
//! `万车死亡率` the next; `全市轨道交通运营里程` and `全市轨道交通运营总里程`.
//!
//! Identity keys ([`identity::key`]) must match exactly, so a report that
//! drops or adds a word starts a new line. A reader joins such lines
//! without a second thought when three things hold, and only then:
//!
//! - one wording is the other with words added (every character of the
//!   shorter one, in order, in the longer one) or the same words in another
//!   order (`急救平均反应时间` / `平均急救反应时间`), and the shorter one still
//!   names something (four characters or more) — `企业` is in every
//!   enterprise count and joins nothing;
//! - the two are never in one report: a report that writes both is telling
//!   two quantities apart (`技术合同成交额` and `流向津冀技术合同成交额`);
//! - the values continue each other: at every step of the joined line from
//!   one wording to the other, the value changes by less than half or
//!   double (`612家` one year and `31家` the next are not one line).
//!
//! The two must also aggregate alike and be counted in one unit family. A
//! shorter wording that two longer ones extend, which themselves do not
//! extend each other, is ambiguous and joins neither. Anything looser is
//! proposed by `catalogue suggest` for a person to decide.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Basis, Derived, identity, suggest};
use crate::document::Period;
use crate::id::MetricId;

/// The least length, in characters, of a wording that others extend.
const SHORTEST: usize = 4;

/// The largest step, as a ratio, from one wording's value to the other's.
const STEP: f64 = 2.0;

/// What one metric's line holds, for comparing it with others.
struct Line<'d> {
    id: &'d str,
    key: String,
    /// Every wording the line's figures were given, as keys: a line that
    /// took its goal's name (`节约药品耗材费用`) also holds its answer's
    /// (`节约费用`). Only for plain levels, whose names carry no
    /// aggregation's words.
    wordings: Vec<String>,
    family: &'d str,
    aggregation: (&'d str, &'d str),
    reports: BTreeSet<&'d str>,
    values: BTreeMap<Period, f64>,
}

/// Joins the lines of drifted wordings in `derived`, rewriting the metric
/// of every observation, target and meaning of the joined line to the one
/// with more values (the longer wording on a tie, for it says more).
pub fn join(derived: &mut Derived) {
    let lines = lines(derived);
    let mut into: HashMap<&str, &str> = HashMap::new();
    for short in &lines {
        if short.key.chars().count() < SHORTEST {
            continue;
        }
        let longer: Vec<&Line> = lines.iter().filter(|long| extends(long, short) && continues(short, long)).collect();
        // Two longer wordings must themselves be one line.
        let one_line = longer.iter().all(|a| longer.iter().all(|b| a.id == b.id || extends(a, b) || extends(b, a)));
        if longer.is_empty() || !one_line {
            continue;
        }
        let mut all: Vec<&Line> = longer;
        all.push(short);
        let keep = all
            .iter()
            .max_by(|a, b| a.values.len().cmp(&b.values.len()).then(a.key.len().cmp(&b.key.len())))
            .map(|l| l.id)
            .unwrap_or(short.id);
        for l in all {
            if l.id != keep {
                into.insert(l.id, keep);
            }
        }
    }
    if into.is_empty() {
        return;
    }
    let target_of = |id: &str| -> MetricId {
        let mut id = id;
        let mut steps = 0;
        while let Some(next) = into.get(id) {
            id = next;
            steps += 1;
            if steps > into.len() {
                break;
            }
        }
        MetricId::from(id)
    };
    let rewrites: HashMap<String, MetricId> = into.keys().map(|k| (k.to_string(), target_of(k))).collect();
    let apply = |id: &mut MetricId| {
        if let Some(to) = rewrites.get(id.as_str()) {
            *id = to.clone();
        }
    };
    derived.observations.iter_mut().for_each(|o| apply(&mut o.metric_id));
    derived.targets.iter_mut().for_each(|t| apply(&mut t.metric_id));
    derived.meanings.iter_mut().filter_map(|m| m.metric_id.as_mut()).for_each(apply);
    derived.metrics.retain(|m| !rewrites.contains_key(m.id.as_str()));
}

/// Each metric found in text, with its reports and reported values.
fn lines(derived: &Derived) -> Vec<Line<'_>> {
    let mut by_id: HashMap<&str, Line> = derived
        .metrics
        .iter()
        .filter(|m| m.source == super::Source::Text)
        .map(|m| {
            let line = Line {
                id: m.id.as_str(),
                key: identity::key(&m.name),
                wordings: Vec::new(),
                family: identity::unit_family(&m.unit),
                aggregation: share_alike(suggest::aggregation_of(&m.name).0),
                reports: BTreeSet::new(),
                values: BTreeMap::new(),
            };
            (m.id.as_str(), line)
        })
        .collect();
    for o in &derived.observations {
        if let Some(line) = by_id.get_mut(o.metric_id.as_str()) {
            line.reports.insert(o.doc_id.as_str());
            if o.basis == Basis::Reported {
                line.values.entry(o.period).or_insert(o.value);
            }
        }
    }
    // Labels recur (every report of a series words it alike): each is
    // normalised once.
    let mut keys: HashMap<&str, Option<String>> = HashMap::new();
    for meaning in &derived.meanings {
        let Some(line) = meaning.metric_id.as_ref().and_then(|id| by_id.get_mut(id.as_str())) else { continue };
        if line.aggregation != ("", "") {
            continue;
        }
        let key = keys.entry(meaning.label.as_str()).or_insert_with(|| {
            let key = identity::key(&identity::normalise(&meaning.label));
            (key.chars().count() >= SHORTEST).then_some(key)
        });
        if let Some(key) = key
            && !line.wordings.contains(key)
        {
            line.wordings.push(key.clone());
        }
    }
    for line in by_id.values_mut() {
        if !line.wordings.contains(&line.key) {
            line.wordings.push(line.key.clone());
        }
    }
    // A line of goals alone (no year reported an actual under its wording)
    // is compared by its goals.
    let mut goals: HashMap<&str, BTreeMap<Period, f64>> = HashMap::new();
    for t in &derived.targets {
        if let Some(line) = by_id.get_mut(t.metric_id.as_str()) {
            line.reports.insert(t.doc_id.as_str());
            goals.entry(line.id).or_default().entry(t.period).or_insert(t.value);
        }
    }
    for line in by_id.values_mut() {
        if line.values.is_empty()
            && let Some(g) = goals.remove(line.id)
        {
            line.values = g;
        }
    }
    let mut lines: Vec<Line> = by_id.into_values().filter(|l| !l.values.is_empty()).collect();
    lines.sort_by(|a, b| a.id.cmp(b.id));
    lines
}

/// An aggregation with the words of a share made one (`占比`, `比重`: both
/// a part of a whole).
fn share_alike<'a>((prefix, suffix): (&'a str, &'a str)) -> (&'a str, &'a str) {
    (prefix, if suffix == "占比" { "比重" } else { suffix })
}

/// Does `long` extend `short`: a longer wording holding every character of
/// the shorter in order, aggregated alike, in one unit family, never in the
/// same report?
fn extends(long: &Line, short: &Line) -> bool {
    long.id != short.id
        && long.family == short.family
        && long.aggregation == short.aggregation
        && long.reports.is_disjoint(&short.reports)
        && long
            .wordings
            .iter()
            .any(|l| short.wordings.iter().any(|s| (l.len() > s.len() && subsequence(s, l)) || reordered(s, l)))
}

/// Are `a` and `b` the same characters in another order (`急救平均反应时间`
/// / `平均急救反应时间`, `储备冻猪肉` / `冻猪肉储备`)?
fn reordered(a: &str, b: &str) -> bool {
    let sorted = |s: &str| {
        let mut c: Vec<char> = s.chars().collect();
        c.sort_unstable();
        c
    };
    a != b && a.len() == b.len() && sorted(a) == sorted(b)
}

/// Are all of `short`'s characters in `long`, in order?
fn subsequence(short: &str, long: &str) -> bool {
    let mut rest = long.chars();
    short.chars().all(|c| rest.any(|l| l == c))
}

/// Do the two lines' values continue each other: never in one period, and
/// at each step from one line's value to the other's, within [`STEP`]?
fn continues(a: &Line, b: &Line) -> bool {
    if a.values.keys().any(|p| b.values.contains_key(p)) {
        return false;
    }
    let mut joined: Vec<(Period, f64, bool)> = a.values.iter().map(|(p, v)| (*p, *v, true)).collect();
    joined.extend(b.values.iter().map(|(p, v)| (*p, *v, false)));
    joined.sort_by_key(|x| x.0);
    joined.windows(2).filter(|w| w[0].2 != w[1].2).all(|w| {
        let (x, y) = (w[0].1, w[1].1);
        x * y > 0.0 && (x / y).abs().max((y / x).abs()) <= STEP
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsequences() {
        assert!(subsequence("万车死亡率", "道路交通万车死亡率"));
        assert!(subsequence("高速公路里程", "高速公路通车总里程"));
        assert!(!subsequence("技术合同成交额", "技术合同数"));
        assert!(reordered("储备冻猪肉", "冻猪肉储备"));
        assert!(!reordered("储备冻猪肉", "储备冻猪肉"));
    }
}
