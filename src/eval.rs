//! Scoring extracted figures and pairs against FORMAT.md gold files, exactly
//! as `shared/eval/score.py` does, so that tests can hold the extractor to a
//! bar without Python.
//!
//! Figures match greedily and one-to-one on (doc, row, unit) with values
//! equal within a relative tolerance of 1e-6; among equal candidates the
//! gold figure agreeing most (kind, qualifier, text, column) is taken. Gold
//! records marked `optional` are removed from both sides.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

const REL_TOL: f64 = 1e-6;

/// One figure as FORMAT.md's JSON Lines spell it (gold or predicted).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Record {
    #[serde(default, deserialize_with = "string_or_number")]
    pub doc: String,
    #[serde(default, deserialize_with = "string_or_number")]
    pub row: String,
    #[serde(default)]
    pub col: String,
    #[serde(default)]
    pub text: String,
    pub value: Option<f64>,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub qualifier: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub label: Option<String>,
    /// FORMAT.md's period key (`2022`, `2022M01-11`, `2014..2021`).
    #[serde(default)]
    pub period: Option<String>,
    /// FORMAT.md's metric: equal across documents for one quantity.
    #[serde(default)]
    pub metric: Option<String>,
    #[serde(default)]
    pub optional: bool,
}

/// One side of a target–actual pair.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Side {
    #[serde(default)]
    pub text: String,
    pub value: Option<f64>,
    #[serde(default)]
    pub unit: String,
}

/// A target and the actual that answers it (or none).
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct PairRecord {
    #[serde(default, deserialize_with = "string_or_number")]
    pub doc: String,
    #[serde(default, deserialize_with = "string_or_number")]
    pub row: String,
    #[serde(default)]
    pub metric: String,
    pub target: Option<Side>,
    pub actual: Option<Side>,
    #[serde(default)]
    pub optional: bool,
}

/// Rows are numbers in FORMAT.md but strings are tolerated, as score.py does.
fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.trim().to_owned(),
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        other => other.to_string(),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}:{line}: invalid JSON: {source}")]
    Json { path: String, line: usize, source: serde_json::Error },
}

/// Reads a JSON Lines file of records.
pub fn load<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>, EvalError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| EvalError::Io { path: path.display().to_string(), source })?;
    parse_jsonl(&text).map_err(|(line, source)| EvalError::Json { path: path.display().to_string(), line, source })
}

/// Parses JSON Lines, skipping blank lines; the error carries the line number.
pub fn parse_jsonl<T: for<'de> Deserialize<'de>>(text: &str) -> Result<Vec<T>, (usize, serde_json::Error)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| (i + 1, e)))
        .collect()
}

/// Precision, recall and F1 with their counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prf {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    pub fn new(tp: usize, fp: usize, fn_: usize) -> Prf {
        let precision = if tp + fp > 0 {
            tp as f64 / (tp + fp) as f64
        } else if fn_ == 0 {
            1.0
        } else {
            0.0
        };
        let recall = if tp + fn_ > 0 {
            tp as f64 / (tp + fn_) as f64
        } else if fp == 0 {
            1.0
        } else {
            0.0
        };
        let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
        Prf { tp, fp, fn_, precision, recall, f1 }
    }
}

impl std::fmt::Display for Prf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "P={:.4} R={:.4} F1={:.4} (TP={} FP={} FN={})",
            self.precision, self.recall, self.f1, self.tp, self.fp, self.fn_
        )
    }
}

/// The figure score, with the misses listed.
#[derive(Debug, Clone)]
pub struct FigureScore {
    pub overall: Prf,
    /// Share of matched figures whose qualifier agrees (None: nothing matched).
    pub qualifier_agreement: Option<f64>,
    pub kind_agreement: Option<f64>,
    /// Share of matched figures with a gold label whose label has a
    /// character-bigram Dice similarity of at least 0.5 (score.py's rough
    /// indicator).
    pub label_agreement: Option<f64>,
    /// Share of matched figures with a gold period whose period agrees.
    pub period_accuracy: Option<f64>,
    /// Metric identity over pairs of matched figures from different
    /// documents: a pair is positive when both share a metric.
    pub identity: Option<Prf>,
    pub false_negatives: Vec<Record>,
    pub false_positives: Vec<Record>,
    /// Matched (gold, predicted) figures whose kind or qualifier differ.
    pub disagreements: Vec<(Record, Record)>,
}

fn norm_unit(unit: &str) -> String {
    let u: String = unit.nfkc().filter(|c| !c.is_whitespace()).collect();
    if u == "吋" { "英寸".to_owned() } else { u }
}

fn same_value(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) if a.is_finite() && b.is_finite() => {
            a == b || (a - b).abs() <= REL_TOL * a.abs().max(b.abs())
        }
        _ => false,
    }
}

type Key = (String, String, String);

fn key(r: &Record) -> Key {
    (r.doc.clone(), r.row.clone(), norm_unit(&r.unit))
}

fn preference(g: &Record, p: &Record) -> (bool, bool, bool, bool) {
    (
        g.kind.trim().eq_ignore_ascii_case(p.kind.trim()),
        g.qualifier.trim().eq_ignore_ascii_case(p.qualifier.trim()),
        g.text.trim() == p.text.trim(),
        g.col.trim() == p.col.trim(),
    )
}

/// Greedy one-to-one matching: (matches, unmatched predictions, unmatched gold).
fn greedy<'a>(
    golds: &[&'a Record],
    preds: &[&'a Record],
) -> (Vec<(&'a Record, &'a Record)>, Vec<&'a Record>, Vec<&'a Record>) {
    let mut index: HashMap<Key, Vec<usize>> = HashMap::new();
    for (gi, g) in golds.iter().enumerate() {
        index.entry(key(g)).or_default().push(gi);
    }
    let mut used = vec![false; golds.len()];
    let (mut matches, mut left) = (Vec::new(), Vec::new());
    for &p in preds {
        let mut best: Option<(usize, (bool, bool, bool, bool))> = None;
        for &gi in index.get(&key(p)).map(Vec::as_slice).unwrap_or(&[]) {
            if used[gi] || !same_value(golds[gi].value, p.value) {
                continue;
            }
            let pref = preference(golds[gi], p);
            if best.is_none_or(|(_, b)| pref > b) {
                best = Some((gi, pref));
            }
        }
        match best {
            Some((gi, _)) => {
                used[gi] = true;
                matches.push((golds[gi], p));
            }
            None => left.push(p),
        }
    }
    let unmatched = golds.iter().zip(&used).filter(|(_, u)| !**u).map(|(g, _)| *g).collect();
    (matches, left, unmatched)
}

/// Scores predicted figures against gold.
pub fn score_figures(gold: &[Record], pred: &[Record]) -> FigureScore {
    let required: Vec<&Record> = gold.iter().filter(|g| !g.optional).collect();
    let optional: Vec<&Record> = gold.iter().filter(|g| g.optional).collect();
    let preds: Vec<&Record> = pred.iter().collect();
    let (matches, left, fns) = greedy(&required, &preds);
    let (_ignored, fps, _) = greedy(&optional, &left);
    let n = matches.len();
    let agree = |f: fn(&Record) -> &str| {
        (n > 0).then(|| {
            matches.iter().filter(|(g, p)| f(g).trim().eq_ignore_ascii_case(f(p).trim())).count() as f64 / n as f64
        })
    };
    let labelled: Vec<f64> = matches
        .iter()
        .filter_map(|(g, p)| label_similarity(g.label.as_deref()?, p.label.as_deref().unwrap_or("")))
        .collect();
    let dated: Vec<bool> = matches
        .iter()
        .filter_map(|(g, p)| {
            let gold = g.period.as_deref().filter(|x| !x.trim().is_empty())?;
            Some(p.period.as_deref().is_some_and(|x| norm_period(x) == norm_period(gold)))
        })
        .collect();
    FigureScore {
        overall: Prf::new(n, fps.len(), fns.len()),
        qualifier_agreement: agree(|r| &r.qualifier),
        kind_agreement: agree(|r| &r.kind),
        label_agreement: (!labelled.is_empty())
            .then(|| labelled.iter().filter(|&&x| x >= 0.5).count() as f64 / labelled.len() as f64),
        period_accuracy: (!dated.is_empty()).then(|| dated.iter().filter(|&&x| x).count() as f64 / dated.len() as f64),
        identity: identity(&matches),
        false_negatives: fns.into_iter().cloned().collect(),
        false_positives: fps.into_iter().cloned().collect(),
        disagreements: matches
            .iter()
            .filter(|(g, p)| g.kind != p.kind || g.qualifier != p.qualifier)
            .map(|(g, p)| ((*g).clone(), (*p).clone()))
            .collect(),
    }
}

/// score.py's `norm_period`: NFKC, upper case, no spaces, `2022Y` = `2022`.
fn norm_period(x: &str) -> String {
    let t: String = x.nfkc().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    match t.strip_suffix('Y') {
        Some(y) if !y.is_empty() && y.chars().all(|c| c.is_ascii_digit()) => y.to_owned(),
        _ => t,
    }
}

/// score.py's `label_similarity`: the Dice coefficient of character
/// bigrams after NFKC, lower case and dropping what is not alphanumeric;
/// `None` when the gold label is empty.
pub fn label_similarity(gold: &str, pred: &str) -> Option<f64> {
    let grams = |x: &str| -> Vec<String> {
        let x: Vec<char> = x.nfkc().flat_map(char::to_lowercase).filter(|c| c.is_alphanumeric()).collect();
        match x.len() {
            0 => vec![],
            1 => vec![x[0].to_string()],
            n => (0..n - 1).map(|i| x[i..i + 2].iter().collect()).collect(),
        }
    };
    let (g, p) = (grams(gold), grams(pred));
    if g.is_empty() {
        return None;
    }
    if p.is_empty() {
        return Some(0.0);
    }
    let mut left = p.clone();
    let mut common = 0;
    for b in &g {
        if let Some(i) = left.iter().position(|x| x == b) {
            left.swap_remove(i);
            common += 1;
        }
    }
    Some(2.0 * common as f64 / (g.len() + p.len()) as f64)
}

/// score.py's `score_identity`: over pairs of matched figures from
/// different documents, a pair is a true positive when gold and prediction
/// both put them in one metric; `None` when no gold figure has a metric.
fn identity(matches: &[(&Record, &Record)]) -> Option<Prf> {
    let items: Vec<(&str, &str, Option<&str>)> = matches
        .iter()
        .filter_map(|(g, p)| {
            let gold = g.metric.as_deref().filter(|m| !m.is_empty())?;
            Some((g.doc.as_str(), gold, p.metric.as_deref().filter(|m| !m.is_empty())))
        })
        .collect();
    if items.is_empty() {
        return None;
    }
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    for (i, a) in items.iter().enumerate() {
        for b in &items[i + 1..] {
            if a.0 == b.0 {
                continue;
            }
            let same_gold = a.1 == b.1;
            let same_pred = a.2.is_some() && a.2 == b.2;
            match (same_gold, same_pred) {
                (true, true) => tp += 1,
                (false, true) => fp += 1,
                (true, false) => fn_ += 1,
                (false, false) => {}
            }
        }
    }
    Some(Prf::new(tp, fp, fn_))
}

fn side(s: &Option<Side>) -> Option<(f64, String)> {
    let s = s.as_ref()?;
    Some((s.value?, norm_unit(&s.unit)))
}

fn pair_match(g: &PairRecord, p: &PairRecord) -> bool {
    if g.doc != p.doc || g.row != p.row {
        return false;
    }
    let (Some(gt), Some(pt)) = (side(&g.target), side(&p.target)) else { return false };
    if gt.1 != pt.1 || !same_value(Some(gt.0), Some(pt.0)) {
        return false;
    }
    match (side(&g.actual), side(&p.actual)) {
        (None, None) => true,
        (Some(ga), Some(pa)) => ga.1 == pa.1 && same_value(Some(ga.0), Some(pa.0)),
        _ => false,
    }
}

/// The pair score, with the misses listed.
#[derive(Debug, Clone)]
pub struct PairScore {
    pub overall: Prf,
    pub false_negatives: Vec<PairRecord>,
    pub false_positives: Vec<PairRecord>,
}

fn greedy_pairs<'a>(
    golds: &[&'a PairRecord],
    preds: &[&'a PairRecord],
) -> (usize, Vec<&'a PairRecord>, Vec<&'a PairRecord>) {
    let mut used = vec![false; golds.len()];
    let (mut matched, mut left) = (0, Vec::new());
    for &p in preds {
        match golds.iter().enumerate().position(|(i, g)| !used[i] && pair_match(g, p)) {
            Some(i) => {
                used[i] = true;
                matched += 1;
            }
            None => left.push(p),
        }
    }
    let unmatched = golds.iter().zip(&used).filter(|(_, u)| !**u).map(|(g, _)| *g).collect();
    (matched, left, unmatched)
}

/// Scores predicted pairs against gold pairs.
pub fn score_pairs(gold: &[PairRecord], pred: &[PairRecord]) -> PairScore {
    let required: Vec<&PairRecord> = gold.iter().filter(|g| !g.optional).collect();
    let optional: Vec<&PairRecord> = gold.iter().filter(|g| g.optional).collect();
    let preds: Vec<&PairRecord> = pred.iter().collect();
    let (matched, left, fns) = greedy_pairs(&required, &preds);
    let (_, fps, _) = greedy_pairs(&optional, &left);
    PairScore {
        overall: Prf::new(matched, fps.len(), fns.len()),
        false_negatives: fns.into_iter().cloned().collect(),
        false_positives: fps.into_iter().cloned().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(row: u32, value: f64, unit: &str, kind: &str) -> Record {
        Record {
            doc: "d".into(),
            row: row.to_string(),
            col: "status".into(),
            text: String::new(),
            value: Some(value),
            unit: unit.into(),
            qualifier: "exact".into(),
            kind: kind.into(),
            label: None,
            period: None,
            metric: None,
            optional: false,
        }
    }

    #[test]
    fn periods_labels_and_identity_as_score_py_scores_them() {
        // score.py's self-test case 6: a wrong period, one join kept, one split.
        let with = |doc: &str, row: u32, value: f64, period: &str, metric: &str| Record {
            doc: doc.into(),
            period: Some(period.into()),
            metric: Some(metric.into()),
            label: Some("技术合同成交额".into()),
            ..rec(row, value, "项", "actual")
        };
        let gold =
            [with("a", 1, 1.0, "2021", "m"), with("b", 1, 2.0, "2022M01-11", "m"), with("c", 1, 3.0, "2023", "m")];
        let mut pred =
            [with("a", 1, 1.0, "2021Y", "x"), with("b", 1, 2.0, "2022M01-11", "x"), with("c", 1, 3.0, "2022", "y")];
        pred[2].label = Some("成交额".into());
        let s = score_figures(&gold, &pred);
        assert_eq!(s.period_accuracy, Some(2.0 / 3.0), "2021Y is 2021; 2022 is not 2023");
        let id = s.identity.unwrap();
        assert_eq!((id.tp, id.fp, id.fn_), (1, 0, 2));
        assert_eq!(s.label_agreement, Some(1.0), "成交额 shares 2 of 6 bigrams: Dice 0.5");
        assert_eq!(label_similarity("技术合同", "起步"), Some(0.0));
        assert_eq!(label_similarity("", "起步"), None);
    }

    #[test]
    fn perfect_and_perturbed() {
        let gold = vec![rec(1, 312.0, "辆", "actual"), rec(1, 21.4, "%", "share"), rec(2, 9.0, "个", "actual")];
        let s = score_figures(&gold, &gold);
        assert_eq!((s.overall.tp, s.overall.f1), (3, 1.0));

        let mut pred = gold.clone();
        pred[1].unit = "％".into(); // NFKC makes this the same unit
        pred[2].value = Some(9.5);
        pred[0].kind = "target".into();
        let s = score_figures(&gold, &pred);
        assert_eq!((s.overall.tp, s.overall.fp, s.overall.fn_), (2, 1, 1));
        assert_eq!(s.kind_agreement, Some(0.5));
    }

    #[test]
    fn optional_gold_counts_neither_way() {
        let mut opt = rec(3, 8.0, "英寸", "other");
        opt.optional = true;
        let gold = vec![rec(1, 1.0, "个", "actual"), opt];
        let pred = vec![rec(1, 1.0, "个", "actual"), rec(3, 8.0, "吋", "other")];
        let s = score_figures(&gold, &pred);
        assert_eq!((s.overall.tp, s.overall.fp, s.overall.fn_), (1, 0, 0));
    }

    #[test]
    fn relative_tolerance() {
        assert!(same_value(Some(3e10), Some(3e10 * (1.0 + 5e-7))));
        assert!(!same_value(Some(3e10), Some(3e10 * (1.0 + 5e-6))));
    }

    #[test]
    fn pairs_with_and_without_actual() {
        let gold: Vec<PairRecord> = parse_jsonl(
            r#"{"doc":"d","row":1,"target":{"value":10,"unit":"个"},"actual":{"value":9,"unit":"个"}}
{"doc":"d","row":2,"target":{"value":14,"unit":"%"},"actual":null}"#,
        )
        .unwrap();
        let pred: Vec<PairRecord> = parse_jsonl(
            r#"{"doc":"d","row":1,"target":{"value":10,"unit":"个"},"actual":{"value":9,"unit":"个"}}
{"doc":"d","row":2,"target":{"value":14,"unit":"%"},"actual":{"value":1,"unit":"%"}}"#,
        )
        .unwrap();
        let s = score_pairs(&gold, &pred);
        assert_eq!((s.overall.tp, s.overall.fp, s.overall.fn_), (1, 1, 1));
    }
}
