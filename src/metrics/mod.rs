//! From figures to metrics: targets paired with actuals, attainment, and
//! observations over time.
//!
//! [`derive`](fn@derive) takes documents with their figures (fresh from `extract`, or
//! read back from the database) and the catalogue, and returns three plain
//! collections the store writes as tables: the metrics, their observations
//! (reported, derived from a growth rate, or forecast), and the targets with
//! their answering actual and judgement. It is a pure function of its
//! inputs, so the whole derived state can be rebuilt whenever documents or
//! the catalogue change, and tested without a database.

pub mod attain;
pub mod catalogue;
mod drift;
pub mod identity;
pub mod meaning;
pub mod pair;
pub mod suggest;
pub mod time;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;

use crate::document::{Document, Period};
use crate::extract::{Figure, Kind, Qualifier};
use crate::id::{DocId, MetricId};
use attain::{Judgement, Status};
use catalogue::{Catalogue, Comparator, Direction};

/// A metric: what is counted, in which unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    pub id: MetricId,
    pub name: String,
    pub unit: String,
    /// Unit values are shown in (`亿元`), and how many units it holds.
    pub display_unit: String,
    pub scale: f64,
    /// From the catalogue; otherwise implied per target.
    pub direction: Option<Direction>,
    pub source: Source,
    /// Why the series needs a person's review before it is drawn as one
    /// line (a jump between consecutive periods larger than the catalogue's
    /// `jump_factor`), in Chinese; `None` when it can be trusted.
    pub review: Option<String>,
}

/// Where a metric or target comes from: found in a report's text, or
/// named or set by a person in the catalogue (`data/metrics.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Text,
    Catalogue,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Text => "text",
            Source::Catalogue => "catalogue",
        }
    }
}

/// How an observation came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Stated in a report as achieved.
    Reported,
    /// Stated as expected (预计).
    Forecast,
    /// Computed: the prior period's value implied by a growth rate.
    Derived,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Reported => "reported",
            Basis::Forecast => "forecast",
            Basis::Derived => "derived",
        }
    }
}

/// One value of a metric at one period, traced to its figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    pub metric_id: MetricId,
    pub doc_id: DocId,
    pub row: u32,
    /// The figure (its 1-based seq in the document) the value comes from:
    /// for a derived value, the count or amount the rate applied to.
    pub figure_seq: u32,
    /// For a derived value, the growth figure used.
    pub rate_seq: Option<u32>,
    pub period: Period,
    pub value: f64,
    pub basis: Basis,
    /// The figure answers a target: the headline value of its metric in its
    /// period, preferred when the same report says more about it.
    pub answers_target: bool,
}

/// A target and how it was met.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub metric_id: MetricId,
    pub doc_id: DocId,
    pub row: u32,
    pub period: Period,
    pub value: f64,
    pub comparator: Comparator,
    pub direction: Direction,
    pub tolerance: f64,
    /// The target figure's seq; none for a target set in the catalogue.
    pub target_seq: Option<u32>,
    /// The answering figure's seq, value (in the target's unit) and period.
    pub actual_seq: Option<u32>,
    pub actual_value: Option<f64>,
    pub actual_period: Option<Period>,
    pub judgement: Judgement,
    /// `text`, or `catalogue` when the catalogue set or corrected it.
    pub source: Source,
}

/// What one figure measures and when, as the derivation decided: the
/// fields FORMAT.md calls `metric` and `period`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meaning {
    pub doc_id: DocId,
    /// The figure's 1-based seq in its document.
    pub seq: u32,
    /// What it counts, as a reader would name it (its subject carried from
    /// the sentence, its indicator from the row).
    pub label: String,
    pub metric_id: Option<MetricId>,
    pub period: Option<Period>,
}

/// Everything derived from the documents.
#[derive(Debug, Clone, Default)]
pub struct Derived {
    pub metrics: Vec<Metric>,
    pub observations: Vec<Observation>,
    pub targets: Vec<Target>,
    /// Every figure's metric and period, in document and reading order.
    pub meanings: Vec<Meaning>,
}

/// A document and its figures (in reading order, seq = index + 1).
pub struct Input<'a> {
    pub document: &'a Document,
    pub figures: &'a [Figure],
}

/// A label's metric as resolved for one aggregation, strictness and unit.
type Resolved = (meaning::Aggregation, bool, String, Option<MetricId>);

/// Labels too vague to name a metric; the row's task (an indicator name
/// such as `大中型重点企业研究开发费用增速（%）`) names it instead.
pub(crate) const VAGUE: &[&str] = &["目标", "预定目标", "年度目标", "任务", "指标", "计划", "比例", "数量", "总数"];

struct Registry<'c> {
    catalogue: catalogue::Index<'c>,
    metrics: BTreeMap<MetricId, Metric>,
    /// Labels already resolved: the same wordings recur across reports.
    known: HashMap<String, Vec<Resolved>>,
    /// Wordings that a target and its answer showed to be one quantity
    /// (see [`Synonyms`]), by stem key, to the wording their line takes.
    synonyms: Synonyms,
}

impl Registry<'_> {
    /// The metric of a figure named `label`, registering it on first use.
    fn metric(&mut self, label: &str, unit: &str) -> Option<MetricId> {
        self.metric_of(label, unit, meaning::Aggregation::Level)
    }

    /// The metric of a figure named `label` aggregated as `agg`: a level,
    /// an increment, a total over years and the rates of change are
    /// different metrics of one name.
    fn metric_of(&mut self, label: &str, unit: &str, agg: meaning::Aggregation) -> Option<MetricId> {
        self.metric_worded(label, unit, agg, false)
    }

    /// [`Registry::metric_of`], with `strict` keeping every word of the
    /// label: the modifiers [`identity::normalise`] drops (`已完成`, `新建`)
    /// do tell two counts of one sentence apart.
    fn metric_worded(&mut self, label: &str, unit: &str, agg: meaning::Aggregation, strict: bool) -> Option<MetricId> {
        // Looked up by the label without building a key: this runs for
        // every figure of every report.
        let found = self.known.get(label).and_then(|v| v.iter().find(|k| k.0 == agg && k.1 == strict && k.2 == unit));
        if let Some((.., id)) = found {
            return id.clone();
        }
        let id = self.resolve(label, unit, agg, strict);
        self.known.entry(label.to_owned()).or_default().push((agg, strict, unit.to_owned(), id.clone()));
        id
    }

    fn resolve(&mut self, label: &str, unit: &str, agg: meaning::Aggregation, strict: bool) -> Option<MetricId> {
        // The catalogue names whole metrics: `新增X` is not the entry `X`.
        let name = if strict { identity::letters(label) } else { identity::normalise(label) };
        let entry = self.catalogue.lookup(&agg.name_in(&name, unit), unit);
        let name = match self.synonyms.line_of(&name) {
            Some(line) if entry.is_none() && !strict => line.to_owned(),
            _ => name,
        };
        if let Some(e) = entry.or_else(|| self.catalogue.lookup(&agg.name_in(&name, unit), unit)) {
            let id = e.id.clone();
            self.metrics.entry(id.clone()).or_insert_with(|| {
                let display = e.display_unit.clone().unwrap_or_else(|| e.unit.clone());
                Metric {
                    id: e.id.clone(),
                    name: e.name.clone(),
                    unit: e.unit.clone(),
                    scale: catalogue::display_scale(&e.unit, &display).unwrap_or(1.0),
                    display_unit: display,
                    direction: Some(e.direction),
                    source: Source::Catalogue,
                    review: None,
                }
            });
            return Some(id);
        }
        if name.chars().count() < 2 {
            return None;
        }
        // The aggregation is part of the name unless the name says it.
        let key = agg.name_in(&name, unit);
        let id = identity::text_id(&identity::key(&key), unit);
        self.metrics.entry(id.clone()).or_insert_with(|| {
            // Money reads best in 亿元 or 万元, as reports write it.
            let (display_unit, scale) = default_display(unit);
            Metric {
                id: id.clone(),
                name: key,
                unit: unit.to_owned(),
                display_unit,
                scale,
                direction: None,
                source: Source::Text,
                review: None,
            }
        });
        Some(id)
    }
}

fn default_display(unit: &str) -> (String, f64) {
    if unit == "元" { ("亿元".to_owned(), 1e8) } else { (unit.to_owned(), 1.0) }
}

/// The name a figure's metric goes by: its label, or the row's indicator
/// when the label is vague.
pub fn metric_label(f: &Figure, document: &Document) -> String {
    let vague = f.label.is_empty() || VAGUE.contains(&identity::normalise(&f.label).as_str());
    if !vague {
        return f.label.clone();
    }
    let task = document.rows.get(f.row as usize - 1).map_or("", |r| r.task.as_str());
    // A task of several cells (the indicator, then its goal) names it in one.
    task.lines().find_map(indicator_name).or_else(|| clause_topic(f)).unwrap_or_else(|| f.label.clone())
}

/// The words of a figure's clause before it, normalised:
/// `完成北京城市总体规划实施任务9项` → `北京城市总体规划实施任务`.
fn clause_topic(f: &Figure) -> Option<String> {
    let topic = identity::normalise(&f.clause().0);
    (topic.chars().count() >= 4 && topic.chars().count() <= 24).then_some(topic)
}

/// A task cell that names an indicator, `…主要指标：大中型重点企业研究开发费用
/// 增速（%）`: the name after the last colon, its unit in brackets dropped.
/// A cell is an indicator name when it ends with a bracketed unit or names
/// one after a colon; a task sentence (完成…任务9项（26-1、…）) is not.
fn indicator_name(task: &str) -> Option<String> {
    let task = task.trim().trim_end_matches(['。', '.']);
    // `…增长（%）：6%左右`: the value after the last colon is no name.
    let tail = task
        .rsplit(['：', ':'])
        .map(str::trim)
        .find(|seg| !seg.chars().next().is_some_and(|c| c.is_ascii_digit() || "不约超近".contains(c)))?;
    let (name, bracket) = match tail.split_once(['（', '(']) {
        Some((name, rest)) => (name.trim(), Some(rest.trim_end_matches(['）', ')']))),
        None => (tail, None),
    };
    let unit_in_brackets = bracket.is_some_and(|b| b.chars().count() <= 4 && !b.chars().any(|c| c.is_ascii_digit()));
    let after_colon = tail.len() < task.len();
    let short = (2..=30).contains(&name.chars().count()) && !name.contains(['，', '。', ',']);
    (short && (unit_in_brackets || after_colon)).then(|| name.to_owned())
}

/// The period a figure holds for: a change (a growth rate, a difference in
/// points) is not dated by the base year it is measured against.
pub fn period_of(f: &Figure, document: &Document) -> Option<Period> {
    let change = f.kind == Kind::Growth || f.unit == "百分点" || crate::lexicon::ends_with_change(&f.clause().0);
    time::as_of(&f.sentence_before(), document.period, change)
}

/// What each figure of a document counts, when, and how it aggregates.
pub struct Read {
    named: Vec<String>,
    periods: Vec<Option<Period>>,
    aggs: Vec<meaning::Aggregation>,
    /// Each figure's wording as an identity (see [`identity::key`], with
    /// its unit family), to count the reports it recurs in.
    keys: Vec<String>,
    /// The document's targets and the figures answering them.
    pairs: Vec<pair::Pair>,
    /// Each figure's name normalised, and its key (see [`Synonyms`]).
    stems: Vec<(String, String)>,
    /// Each figure's label as a reader gives it ([`meaning::Aggregation::label`]).
    labels: Vec<String>,
}

impl Read {
    fn of(doc: &Document, figures: &[Figure]) -> Read {
        // Names carry their subject from the sentence, so they are made in
        // reading order.
        let mut named: Vec<String> = Vec::with_capacity(figures.len());
        for i in 0..figures.len() {
            let name = meaning::describe(figures, i, doc, &named);
            named.push(name);
        }
        // Each figure's period, read once from its sentence.
        let periods: Vec<Option<Period>> = figures.iter().map(|f| period_of(f, doc)).collect();
        let aggs: Vec<meaning::Aggregation> =
            figures.iter().zip(&periods).zip(&named).map(|((f, &p), n)| meaning::aggregation(f, p, n)).collect();
        // Each name normalised once: its stem key, and with its aggregation
        // and unit family the key it recurs by.
        let stems: Vec<(String, String)> = named
            .iter()
            .map(|name| {
                let n = identity::normalise(name);
                (identity::key(&n), n)
            })
            .collect();
        let keys = (0..figures.len())
            .map(|i| {
                let unit = &figures[i].unit;
                let name = aggs[i].name_in(&stems[i].1, unit);
                format!("{}\u{1f}{}", identity::key(&name), identity::unit_family(unit))
            })
            .collect();
        let pairs = pair::pairs(doc, figures, &named);
        let labels = (0..figures.len()).map(|i| aggs[i].label(&named[i], &figures[i].unit)).collect();
        Read { named, periods, aggs, keys, pairs, stems, labels }
    }
}

/// Every document read (see [`Read::of`]), on every core, or its reading
/// reused from `readings` when its content is unchanged: documents are read
/// independently, and reading is most of a derivation's time.
fn read_all(inputs: &[Input], hashes: Option<&[String]>, readings: &mut Readings) -> Vec<Arc<Read>> {
    let known = |i: usize| -> Option<Arc<Read>> {
        let hash = hashes?.get(i)?;
        let (h, read) = readings.0.get(&inputs[i].document.id)?;
        (h == hash).then(|| read.clone())
    };
    let mut reads: Vec<Option<Arc<Read>>> = (0..inputs.len()).map(known).collect();
    let todo: Vec<usize> = (0..inputs.len()).filter(|&i| reads[i].is_none()).collect();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(todo.len().max(1));
    let chunk = todo.len().div_ceil(workers).max(1);
    let fresh: Vec<(usize, Read)> = std::thread::scope(|scope| {
        let handles: Vec<_> = todo
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter().map(|&i| (i, Read::of(inputs[i].document, inputs[i].figures))).collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("reading a document panicked")).collect()
    });
    for (i, read) in fresh {
        reads[i] = Some(Arc::new(read));
    }
    let reads: Vec<Arc<Read>> = reads.into_iter().map(|r| r.expect("every document read")).collect();
    if let Some(hashes) = hashes {
        readings.0 = inputs
            .iter()
            .zip(hashes)
            .zip(&reads)
            .map(|((input, hash), read)| (input.document.id.clone(), (hash.clone(), read.clone())))
            .collect();
    }
    reads
}

/// Wordings of one quantity that pairing has shown to be one: a goal
/// written `港口集装箱吞吐量达到430万标箱` and answered by `集装箱吞吐量436万
/// TEU` says the two wordings name one line, so the same words elsewhere —
/// the year's forecast (`预计全年集装箱吞吐量达到465万标箱`), its growth rate
/// (`集装箱吞吐量同比增长5.7%`), another year's report — join that line too.
/// The evidence is a pair of one aggregation and one unit family; the line
/// takes the wording used in the most reports.
#[derive(Default)]
struct Synonyms {
    /// Stem key (see [`identity::key`] of a normalised name) to the
    /// normalised wording its line takes.
    line: HashMap<String, String>,
}

impl Synonyms {
    fn learn(inputs: &[Input], reads: &[Arc<Read>]) -> Synonyms {
        // How many reports use each stem, and the wording seen for it.
        let mut reach: HashMap<String, usize> = HashMap::new();
        let mut wording: HashMap<String, String> = HashMap::new();
        for read in reads {
            let mut seen = HashSet::new();
            for (k, n) in &read.stems {
                if seen.insert(k) {
                    *reach.entry(k.clone()).or_default() += 1;
                }
                if !wording.contains_key(k) {
                    wording.insert(k.clone(), n.clone());
                }
            }
        }
        // Union-find over stems joined by a pair.
        let mut parent: HashMap<String, String> = HashMap::new();
        fn root(parent: &HashMap<String, String>, mut k: String) -> String {
            while let Some(p) = parent.get(&k).filter(|p| **p != k) {
                k = p.clone();
            }
            k
        }
        for (input, read) in inputs.iter().zip(reads) {
            let figures = input.figures;
            for p in &read.pairs {
                let Some(a) = p.actual else { continue };
                if read.aggs[a] != read.aggs[p.target]
                    || identity::unit_family(&figures[a].unit) != identity::unit_family(&figures[p.target].unit)
                {
                    continue;
                }
                let (kt, ka) = (read.stems[p.target].0.clone(), read.stems[a].0.clone());
                if kt.chars().count() < 2 || ka.chars().count() < 2 {
                    continue;
                }
                let (rt, ra) = (root(&parent, kt), root(&parent, ka));
                if rt == ra {
                    continue;
                }
                // The root is the stem more reports use (the target's on a tie).
                let reached = |k: &String| reach.get(k).copied().unwrap_or(0);
                let (keep, join) = if reached(&ra) > reached(&rt) { (ra, rt) } else { (rt, ra) };
                parent.insert(join, keep);
            }
        }
        let line = parent
            .keys()
            .map(|k| {
                let r = root(&parent, k.clone());
                (k.clone(), wording.get(&r).cloned().unwrap_or(r))
            })
            .collect();
        Synonyms { line }
    }

    /// The wording the line of normalised name `name` takes, if pairing
    /// joined it to another.
    fn line_of(&self, name: &str) -> Option<&str> {
        self.line.get(&identity::key(name)).map(String::as_str).filter(|l| *l != name)
    }
}

/// The targets of a document and the figures that answer them, as
/// [`derive`](fn@derive) pairs them.
pub fn pairs_of(doc: &Document, figures: &[Figure]) -> Vec<pair::Pair> {
    Read::of(doc, figures).pairs
}

/// [`derive`](fn@derive) over documents held with their figures, as the store reads
/// them back and `extract` mines them.
pub fn derive_documents(docs: &[(Document, Vec<Figure>)], catalogue: &Catalogue) -> Derived {
    let inputs: Vec<Input> = docs.iter().map(|(document, figures)| Input { document, figures }).collect();
    derive(&inputs, catalogue)
}

/// What each document's figures were read to mean (names, periods,
/// aggregations, pairs), kept between derivations by document id and
/// content hash: a server refreshing one changed report of a thousand reads
/// that one again and the others' readings are reused. Readings depend on
/// a document alone, never on the others or on the catalogue.
#[derive(Default)]
pub struct Readings(HashMap<DocId, (String, Arc<Read>)>);

/// Derives metrics, observations and targets from documents.
pub fn derive(inputs: &[Input], catalogue: &Catalogue) -> Derived {
    derive_with(inputs, catalogue, None, &mut Readings::default())
}

/// [`derive`](fn@derive), reusing `readings` for documents whose content hash (one per
/// input, when given) is the one they were read with, and keeping the new
/// ones for next time.
pub fn derive_with(
    inputs: &[Input],
    catalogue: &Catalogue,
    hashes: Option<&[String]>,
    readings: &mut Readings,
) -> Derived {
    let (mut observations, mut targets, mut meanings) = (Vec::new(), Vec::new(), Vec::new());
    let tolerance = catalogue.settings.approx_tolerance;

    // Every document read first: which wordings recur across reports
    // decides, below, the name a target and its answer share.
    let reads = read_all(inputs, hashes, readings);
    let synonyms = Synonyms::learn(inputs, &reads);
    let mut registry =
        Registry { catalogue: catalogue.index(), metrics: BTreeMap::new(), known: HashMap::new(), synonyms };
    let mut reach: HashMap<String, usize> = HashMap::new();
    for read in &reads {
        for k in read.keys.iter().collect::<HashSet<_>>() {
            *reach.entry(k.clone()).or_default() += 1;
        }
    }

    for (input, read) in inputs.iter().zip(&reads) {
        let (doc, figures) = (input.document, input.figures);
        let seq = |i: usize| i as u32 + 1;
        let Read { named, periods, aggs, keys, pairs, .. } = &**read;
        // A status-cell plan that answers a task-cell goal (拟推动12家 for
        // 15家左右) is that goal's answer, not a target of its own.
        let answers: Vec<usize> = pairs.iter().filter_map(|p| p.actual).collect();
        let pairs: Vec<&pair::Pair> = pairs.iter().filter(|p| !answers.contains(&p.target)).collect();
        // A target and its answer are one metric: the catalogue's when it
        // names the target; else the wording more reports use, the goal's
        // when they tie. An indicator's name recurs in every year's goals
        // (`地区生产总值增长（%）`); where only some years set a goal, what
        // was done is written the same way every year (`全市有效期内高新技术
        // 企业数`) and the goal's shorter words (`高新技术企业数量`) would cut
        // the line.
        let mut metric_for: HashMap<usize, MetricId> = HashMap::new();
        for p in pairs {
            let t = &figures[p.target];
            let Some(own) = registry.metric_of(&named[p.target], &t.unit, aggs[p.target]) else { continue };
            let reached = |i: usize| reach.get(&keys[i]).copied().unwrap_or(0);
            let answer = p.actual.filter(|&a| {
                figures[a].unit == t.unit
                    && registry.metrics[&own].source != Source::Catalogue
                    && reached(a) > reached(p.target)
            });
            let metric_id = answer.and_then(|a| registry.metric_of(&named[a], &t.unit, aggs[a])).unwrap_or(own);
            metric_for.insert(p.target, metric_id.clone());
            let Some(period) = periods[p.target] else { continue };
            let cmp = attain::comparator(t.qualifier);
            let direction =
                registry.metrics[&metric_id].direction.unwrap_or_else(|| attain::implied_direction(cmp, t.value));
            let (actual_value, actual_period, achieved) = match p.actual {
                Some(a) => {
                    let f = &figures[a];
                    metric_for.insert(a, metric_id.clone());
                    let scale = pair::comparable(&t.unit, &f.unit).unwrap_or(1.0);
                    let achieved = matches!(f.kind, Kind::Actual | Kind::Share | Kind::Growth);
                    (Some(f.value * scale), periods[a], achieved)
                }
                // A target stated inside a forecast (预计…完成14%左右的预定目标)
                // is answered by that forecast.
                None => (None, None, !crate::lexicon::FORECAST.iter().any(|w| t.sentence.contains(w))),
            };
            targets.push(Target {
                judgement: attain::judge(t.value, cmp, direction, tolerance, actual_value, achieved),
                metric_id,
                doc_id: doc.id.clone(),
                row: t.row,
                period,
                value: t.value,
                comparator: cmp,
                direction,
                tolerance,
                target_seq: Some(seq(p.target)),
                actual_seq: p.actual.map(seq),
                actual_value,
                actual_period,
                source: Source::Text,
            });
        }

        // Every reported or forecast figure is an observation of its metric.
        let mut observed: HashMap<usize, (MetricId, Period)> = HashMap::new();
        for (i, f) in figures.iter().enumerate() {
            let basis = match f.kind {
                Kind::Actual | Kind::Share | Kind::Growth => Basis::Reported,
                Kind::Forecast => Basis::Forecast,
                Kind::Target | Kind::Other => continue,
            };
            let metric_id = match metric_for.get(&i) {
                Some(m) => m.clone(),
                None => match registry.metric_of(&named[i], &f.unit, aggs[i]) {
                    Some(m) => m,
                    None => continue,
                },
            };
            let Some(period) = periods[i] else { continue };
            // A line holds one value at a time: a second value of one metric
            // and period in the same sentence (`26项整改任务已完成22项`) is
            // another quantity, named by all its words.
            let clash = (0..i).any(|j| {
                figures[j].sentence_start == f.sentence_start
                    && figures[j].row == f.row
                    && figures[j].value != f.value
                    // (突破万亿元，达到10261亿元: a bound is no second value.)
                    && figures[j].qualifier == Qualifier::Exact
                    && f.qualifier == Qualifier::Exact
                    && observed.get(&j).is_some_and(|(m, p)| *m == metric_id && *p == period)
            });
            let metric_id = if clash && !metric_for.contains_key(&i) {
                registry.metric_worded(&named[i], &f.unit, aggs[i], true).unwrap_or(metric_id)
            } else {
                metric_id
            };
            observed.insert(i, (metric_id.clone(), period));
            observations.push(Observation {
                metric_id,
                doc_id: doc.id.clone(),
                row: f.row,
                figure_seq: seq(i),
                rate_seq: None,
                period,
                value: f.value,
                basis,
                answers_target: metric_for.contains_key(&i),
            });
        }

        // Every figure's meaning: its target's metric when it answers one.
        for (i, f) in figures.iter().enumerate() {
            let metric_id = match (metric_for.get(&i), observed.get(&i)) {
                (Some(m), _) | (None, Some((m, _))) => Some(m.clone()),
                (None, None) => registry.metric_of(&named[i], &f.unit, aggs[i]),
            };
            meanings.push(Meaning {
                doc_id: doc.id.clone(),
                seq: seq(i),
                label: read.labels[i].clone(),
                metric_id,
                period: periods[i],
            });
        }

        // A growth rate right after a count implies last year's count.
        for (g, rate) in figures.iter().enumerate() {
            // Only a year-on-year change implies last year's value: a change
            // since a base year or averaged over years implies no one year.
            if aggs[g] != meaning::Aggregation::Change {
                continue;
            }
            let Some(base) = growth_base(figures, g) else { continue };
            let Some((metric_id, period)) = observed.get(&base).cloned() else { continue };
            let Some(prior) = prior_value(figures[base].value, rate) else { continue };
            observations.push(Observation {
                metric_id,
                doc_id: doc.id.clone(),
                row: rate.row,
                figure_seq: seq(base),
                rate_seq: Some(seq(g)),
                period: period.shifted(-1),
                value: prior,
                basis: Basis::Derived,
                answers_target: false,
            });
        }
    }

    apply_catalogue_targets(catalogue, &mut registry, &observations, &mut targets);
    let metrics: Vec<Metric> = registry.metrics.into_values().collect();
    let mut derived = Derived { metrics, observations, targets, meanings };
    drift::join(&mut derived);
    flag_jumps(&mut derived.metrics, &derived.observations, catalogue.settings.jump_factor);
    derived
}

/// Flags each metric found in text whose reported series jumps by more
/// than `factor` between consecutive periods: two different quantities
/// joined under one name draw exactly such a line (612 入驻企业 one year,
/// 31 挽留企业 the next). A catalogue metric is a person's decision and is
/// not flagged.
fn flag_jumps(metrics: &mut [Metric], observations: &[Observation], factor: f64) {
    let mut series: HashMap<&str, BTreeMap<Period, f64>> = HashMap::new();
    for o in observations.iter().filter(|o| o.basis == Basis::Reported && o.value > 0.0) {
        // One value per period: the headline (answering a target) or the first.
        let values = series.entry(o.metric_id.as_str()).or_default();
        if o.answers_target || !values.contains_key(&o.period) {
            values.insert(o.period, o.value);
        }
    }
    for m in metrics.iter_mut().filter(|m| m.source == Source::Text) {
        let Some(values) = series.get(m.id.as_str()) else { continue };
        let points: Vec<(&Period, &f64)> = values.iter().collect();
        for w in points.windows(2) {
            let ((p0, v0), (p1, v1)) = (w[0], w[1]);
            let ratio = v0.max(*v1) / v0.min(*v1);
            if ratio > factor {
                m.review = Some(format!(
                    "相邻两期相差{:.1}倍（{}→{}），可能把不同的量连成了一条线；请核对后在指标目录中确认",
                    ratio,
                    p0.label(),
                    p1.label()
                ));
                break;
            }
        }
    }
}

/// The count or amount a growth figure describes: the figure right before
/// it in the same sentence, when that one is a reported level (5271项，同比
/// 增长15.6%). Rates against the previous month or quarter (环比) imply no
/// previous year's value.
fn growth_base(figures: &[Figure], g: usize) -> Option<usize> {
    let rate = &figures[g];
    if rate.kind != Kind::Growth || !crate::lexicon::is_change_unit(&rate.unit) || g == 0 {
        return None;
    }
    let base = &figures[g - 1];
    let same_sentence = base.row == rate.row && base.col == rate.col && base.sentence_start == rate.sentence_start;
    let level = matches!(base.kind, Kind::Actual | Kind::Share)
        && if rate.unit == "百分点" { base.unit == "%" } else { !crate::lexicon::is_rate_unit(&base.unit) };
    if !(same_sentence && level) {
        return None;
    }
    let between: String = rate
        .sentence
        .chars()
        .skip(base.span.1.saturating_sub(rate.sentence_start))
        .take(rate.span.0.saturating_sub(base.span.1))
        .collect();
    (!between.contains("环比")).then_some(g - 1)
}

/// The previous period's value implied by `value` and a growth figure.
fn prior_value(value: f64, rate: &Figure) -> Option<f64> {
    let prior = match rate.unit.as_str() {
        "%" => value / (1.0 + rate.value / 100.0),
        "倍" => value / (1.0 + rate.value),
        "百分点" => value - rate.value,
        _ => return None,
    };
    (prior.is_finite() && prior > 0.0).then_some(prior)
}

/// Catalogue targets correct a text target of the same metric and period,
/// or add one, answered by a reported observation of that period.
fn apply_catalogue_targets(
    cat: &Catalogue,
    registry: &mut Registry,
    observations: &[Observation],
    targets: &mut Vec<Target>,
) {
    let tolerance = cat.settings.approx_tolerance;
    for entry in &cat.metrics {
        for t in &entry.targets {
            let Some(period) = crate::document::period::parse_key(&t.period) else { continue };
            let id = registry.metric(&entry.name, &entry.unit).unwrap_or_else(|| entry.id.clone());
            let existing = targets.iter_mut().find(|x| x.metric_id == id && x.period == period);
            // The latest reported value of the period answers a new target.
            let obs = observations
                .iter()
                .rev()
                .find(|o| o.metric_id == id && o.period == period && o.basis == Basis::Reported);
            let (actual, achieved) = match &existing {
                Some(x) => (x.actual_value, x.judgement.status != Status::Forecast),
                None => (obs.map(|o| o.value), true),
            };
            let judgement = attain::judge(t.value, t.comparator, entry.direction, tolerance, actual, achieved);
            match existing {
                Some(x) => {
                    x.value = t.value;
                    x.comparator = t.comparator;
                    x.direction = entry.direction;
                    x.judgement = judgement;
                    x.source = Source::Catalogue;
                }
                None => {
                    targets.push(Target {
                        metric_id: id.clone(),
                        doc_id: obs.map_or_else(DocId::default, |o| o.doc_id.clone()),
                        row: obs.map_or(0, |o| o.row),
                        period,
                        value: t.value,
                        comparator: t.comparator,
                        direction: entry.direction,
                        tolerance,
                        target_seq: None,
                        actual_seq: obs.map(|o| o.figure_seq),
                        actual_value: obs.map(|o| o.value),
                        actual_period: obs.map(|o| o.period),
                        judgement,
                        source: Source::Catalogue,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
