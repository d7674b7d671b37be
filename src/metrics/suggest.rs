//! Catalogue suggestions: the metrics found in text in two or more
//! reports, written as `data/metrics.toml` entries for an analyst to review
//! and paste.
//!
//! Text alone can only guess that two wordings are one metric; the
//! catalogue is where a person decides. A suggestion lists what the
//! derivation joined (its wordings and its values by period, each with its
//! source) as comments above the entry, so the analyst can see at a glance
//! whether the line is one quantity before confirming it, and adds the
//! wordings as aliases.
//!
//! It also proposes joins the derivation did not dare make: two metrics
//! worded alike (`利用外资` / `使用外资`, `公交分担率` / `公共交通机动化出行分担率`),
//! in one unit family, that never appear in the same report and never share
//! a period — the signature of one quantity whose wording drifted from year
//! to year. The derivation joins only the narrowest such case by rule (one
//! wording the other with words added, values that continue: see
//! `drift`); joining every alike pair would also join different
//! quantities, so a person decides, with both lines' values side by side.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::{Basis, Derived, identity};
use crate::id::{DocId, MetricId};

/// One metric worth naming in the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub id: MetricId,
    pub name: String,
    pub unit: String,
    pub display_unit: String,
    /// How reports worded it, most frequent first.
    pub wordings: Vec<String>,
    /// Reported values by period: (period label, value in display units,
    /// document, row).
    pub values: Vec<(String, f64, DocId, u32)>,
    /// Why it is held for review, if it is.
    pub review: Option<String>,
}

/// Metrics found in text (not yet in the catalogue) with reported values
/// in at least `min_documents` documents, by name.
pub fn suggestions(derived: &Derived, min_documents: usize) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for m in derived.metrics.iter().filter(|m| m.source == super::Source::Text) {
        let reported: Vec<_> =
            derived.observations.iter().filter(|o| o.metric_id == m.id && o.basis == Basis::Reported).collect();
        let documents: BTreeSet<&str> = reported.iter().map(|o| o.doc_id.as_str()).collect();
        if documents.len() < min_documents {
            continue;
        }
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for meaning in derived.meanings.iter().filter(|x| x.metric_id.as_ref() == Some(&m.id)) {
            *counts.entry(meaning.label.as_str()).or_default() += 1;
        }
        let mut wordings: Vec<(&str, usize)> = counts.into_iter().filter(|(w, _)| !w.is_empty()).collect();
        wordings.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let mut values: Vec<_> =
            reported.iter().map(|o| (o.period, o.value / m.scale, o.doc_id.clone(), o.row)).collect::<Vec<_>>();
        values.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)));
        out.push(Suggestion {
            id: m.id.clone(),
            name: m.name.clone(),
            unit: m.unit.clone(),
            display_unit: m.display_unit.clone(),
            wordings: wordings.into_iter().map(|(w, _)| w.to_owned()).collect(),
            values: values.into_iter().map(|(p, v, d, r)| (p.label(), v, d, r)).collect(),
            review: m.review.clone(),
        });
    }
    out.sort_by(|a, b| b.values.len().cmp(&a.values.len()).then(a.name.cmp(&b.name)));
    out
}

/// Two metrics that may be one: worded alike, in one unit family, never in
/// the same report.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    /// The two metrics, the one with more reported values first.
    pub metrics: [Suggestion; 2],
    /// How alike their names are, 0..=1 (see [`identity::similarity`]).
    pub likeness: f64,
}

/// The least name likeness for a proposed join.
const LIKENESS: f64 = 0.55;

/// Proposed joins among the metrics found in text, most alike first.
pub fn joins(derived: &Derived) -> Vec<Join> {
    let all = suggestions(derived, 1);
    // Each metric's reports and periods, gathered once for every pair.
    let seen: Vec<(BTreeSet<&str>, BTreeSet<&str>)> = all
        .iter()
        .map(|s| (s.values.iter().map(|v| v.2.as_str()).collect(), s.values.iter().map(|v| v.0.as_str()).collect()))
        .collect();
    let mut out = Vec::new();
    for (i, a) in all.iter().enumerate() {
        for (k, b) in all.iter().enumerate().skip(i + 1) {
            if identity::unit_family(&a.unit) != identity::unit_family(&b.unit)
                || !seen[i].0.is_disjoint(&seen[k].0)
                || !seen[i].1.is_disjoint(&seen[k].1)
            {
                continue;
            }
            let ((a_agg, a_stem), (b_agg, b_stem)) = (aggregation_of(&a.name), aggregation_of(&b.name));
            if a_agg != b_agg {
                continue;
            }
            let likeness = identity::similarity(a_stem, b_stem);
            if likeness >= LIKENESS {
                out.push(Join { metrics: [a.clone(), b.clone()], likeness });
            }
        }
    }
    out.sort_by(|x, y| y.likeness.total_cmp(&x.likeness).then(x.metrics[0].name.cmp(&y.metrics[0].name)));
    out
}

/// A metric name's aggregation words (`新增`, `累计`; `增速`, `较2019年变化`,
/// `比重` …) and the stem they leave: a new count and a total are two
/// metrics however alike their stems, and two changes since 2019 are not
/// alike for sharing `较2019年变化`.
pub(super) fn aggregation_of(name: &str) -> ((&str, &str), &str) {
    let prefix = ["新增", "累计"].into_iter().find(|p| name.starts_with(p)).unwrap_or("");
    let rest = &name[prefix.len()..];
    let suffix_at = ["年均增速", "增速", "环比", "较上年变化", "比重", "占比", "完成率"]
        .into_iter()
        .find_map(|w| rest.strip_suffix(w).map(|s| s.len()))
        .or_else(|| rest.ends_with("年变化").then(|| rest.rfind('较')).flatten())
        .unwrap_or(rest.len());
    ((prefix, &rest[suffix_at..]), &rest[..suffix_at])
}

/// The proposed joins as commented-out `[[metric]]` entries: each names
/// both wordings as aliases of the first, under both lines' values.
pub fn joins_to_toml(joins: &[Join]) -> String {
    let mut out = String::from(
        "\n# Possible joins: metrics worded alike that no report holds together.\n\
         # If both lines are one quantity, uncomment the entry and paste it.\n",
    );
    for j in joins {
        let [a, b] = &j.metrics;
        let _ = writeln!(out, "\n# 可能是同一指标（名称相似度 {:.2}）：{} / {}", j.likeness, a.name, b.name);
        for s in [a, b] {
            for (period, value, doc, row) in &s.values {
                let _ = writeln!(
                    out,
                    "#   {}  {period}: {} {} ({doc} 第{row}行)",
                    s.name,
                    crate::numbers::plain(*value),
                    s.display_unit
                );
            }
        }
        let _ = writeln!(out, "# [[metric]]");
        let _ = writeln!(out, "# id = {}", quoted(a.id.as_str()));
        let _ = writeln!(out, "# name = {}", quoted(&a.name));
        let _ = writeln!(out, "# unit = {}", quoted(&a.unit));
        let _ = writeln!(out, "# aliases = [{}, {}]", quoted(&a.name), quoted(&b.name));
    }
    out
}

/// A TOML string literal.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// The suggestions as `[[metric]]` entries with their evidence in comments.
pub fn to_toml(suggestions: &[Suggestion]) -> String {
    let mut out = String::from(
        "# Suggested catalogue entries: metrics found in two or more reports.\n\
         # Check each against its values below, rename it, drop the wordings that\n\
         # are another quantity, and paste what holds into data/metrics.toml.\n",
    );
    for s in suggestions {
        let _ = writeln!(out);
        if let Some(r) = &s.review {
            let _ = writeln!(out, "# 待核对：{r}");
        }
        for (period, value, doc, row) in &s.values {
            let _ =
                writeln!(out, "#   {period}: {} {} ({doc} 第{row}行)", crate::numbers::plain(*value), s.display_unit);
        }
        let _ = writeln!(out, "[[metric]]");
        let _ = writeln!(out, "id = {}", quoted(s.id.as_str()));
        let _ = writeln!(out, "name = {}", quoted(&s.name));
        let _ = writeln!(out, "unit = {}", quoted(&s.unit));
        if s.display_unit != s.unit {
            let _ = writeln!(out, "display_unit = {}", quoted(&s.display_unit));
        }
        let aliases: Vec<String> = s.wordings.iter().filter(|w| **w != s.name).map(|w| quoted(w)).collect();
        if !aliases.is_empty() {
            let _ = writeln!(out, "aliases = [{}]", aliases.join(", "));
        }
    }
    out
}
