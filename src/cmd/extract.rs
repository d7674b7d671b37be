//! `zhibiao extract`: figures (or target–actual pairs) of report files.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::{Format, data_dir, number, paths_or_default, table};
use zhibiao::document::Document;
use zhibiao::extract::{self, Figure};
use zhibiao::frame::spreadsheet_safe;
use zhibiao::id::{DocId, MetricId};
use zhibiao::ingest;
use zhibiao::metrics;
use zhibiao::metrics::catalogue::Catalogue;
use zhibiao::metrics::pair::Pair;

pub fn run(paths: &[PathBuf], format: Format, pairs: bool, limits: ingest::Limits) -> anyhow::Result<ExitCode> {
    let (files, mut failures) = ingest::discover(&paths_or_default(paths));
    let mut docs: Vec<(Document, Vec<Figure>)> = Vec::new();
    for path in &files {
        match ingest::read_and_mine(path, limits) {
            Ok(mined) => {
                for w in &mined.0.warnings {
                    eprintln!("warning: {}: {w}", path.display());
                }
                docs.push(mined)
            }
            Err(e) => failures.push(e.to_string()),
        }
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match (pairs, format) {
        (false, Format::Table) => figure_table(&mut out, &docs)?,
        (false, _) => figure_lines(&mut out, &docs, format)?,
        (true, Format::Table) => pair_table(&mut out, &docs)?,
        (true, _) => pair_lines(&mut out, &docs, format)?,
    }
    out.flush()?;
    for f in &failures {
        eprintln!("error: {f}");
    }
    Ok(if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// A CSV writer whose every field goes through [`spreadsheet_safe`]:
/// report text may begin with `=` and must not run as a formula.
struct SafeCsv<W: Write>(csv::Writer<W>);

impl<W: Write> SafeCsv<W> {
    fn write_record<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) -> csv::Result<()> {
        self.0.write_record(fields.into_iter().map(|f| spreadsheet_safe(f).into_owned()))
    }
}

/// A figure's fields but its label, which [`FigureLine`] writes as the
/// derivation names it.
fn without_label<S: serde::Serializer>(f: &&Figure, s: S) -> Result<S::Ok, S::Error> {
    let mut v = serde_json::to_value(f).map_err(serde::ser::Error::custom)?;
    if let Some(o) = v.as_object_mut() {
        o.remove("label");
    }
    serde::Serialize::serialize(&v, s)
}

/// A figure as FORMAT.md writes it, with its document.
#[derive(Serialize)]
struct FigureLine<'a> {
    doc: &'a DocId,
    #[serde(flatten, serialize_with = "without_label")]
    figure: &'a Figure,
    /// What the figure counts, as the derivation names it.
    label: &'a str,
    /// When the figure holds (FORMAT.md's period key).
    period: Option<String>,
    /// Which metric it continues: equal across documents for one quantity.
    metric: Option<&'a MetricId>,
}

fn figure_lines(out: &mut impl Write, docs: &[(Document, Vec<Figure>)], format: Format) -> anyhow::Result<()> {
    if format == Format::Csv {
        let mut w = SafeCsv(csv::Writer::from_writer(out));
        w.write_record([
            "doc",
            "row",
            "col",
            "text",
            "value",
            "unit",
            "qualifier",
            "kind",
            "label",
            "span_start",
            "span_end",
            "sentence",
        ])?;
        for (doc, figures) in docs {
            for f in figures {
                w.write_record([
                    doc.id.as_str(),
                    &f.row.to_string(),
                    f.col.as_str(),
                    &f.text,
                    &f.value.to_string(),
                    &f.unit,
                    f.qualifier.as_str(),
                    f.kind.as_str(),
                    &f.label,
                    &f.span.0.to_string(),
                    &f.span.1.to_string(),
                    &f.sentence,
                ])?;
            }
        }
        w.0.flush()?;
        return Ok(());
    }
    // Each figure's metric and period, decided as `ingest` decides them:
    // across every document given, so that one metric joins them.
    let (catalogue, _) = Catalogue::load(&data_dir().join("metrics.toml"))?;
    let derived = metrics::derive_documents(docs, &catalogue);
    let mut meanings = derived.meanings.iter();
    for (doc, figures) in docs {
        for figure in figures {
            let meaning = meanings.next().filter(|m| m.doc_id == doc.id);
            let line = FigureLine {
                doc: &doc.id,
                figure,
                label: meaning.map_or(figure.label.as_str(), |m| m.label.as_str()),
                period: meaning.and_then(|m| m.period).map(|p| p.key()),
                metric: meaning.and_then(|m| m.metric_id.as_ref()),
            };
            serde_json::to_writer(&mut *out, &line)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

fn figure_table(out: &mut impl Write, docs: &[(Document, Vec<Figure>)]) -> anyhow::Result<()> {
    let mut t = table(&["文档", "行", "列", "原文", "数值", "单位", "限定", "类型", "指标"]);
    for (doc, figures) in docs {
        for f in figures {
            t.add_row([
                doc.id.to_string(),
                f.row.to_string(),
                f.col.as_str().to_owned(),
                f.text.clone(),
                number(f.value, 4),
                f.unit.clone(),
                f.qualifier.as_str().to_owned(),
                f.kind.as_str().to_owned(),
                f.label.clone(),
            ]);
        }
    }
    right_align(&mut t, &[1, 4]);
    writeln!(out, "{t}")?;
    let total: usize = docs.iter().map(|(_, f)| f.len()).sum();
    writeln!(out, "{total} figures in {} documents", docs.len())?;
    Ok(())
}

fn right_align(t: &mut comfy_table::Table, columns: &[usize]) {
    for &i in columns {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(comfy_table::CellAlignment::Right);
        }
    }
}

/// One side of a pair, as FORMAT.md writes it.
#[derive(Serialize)]
struct Side<'a> {
    text: &'a str,
    #[serde(serialize_with = "extract::plain_number")]
    value: f64,
    unit: &'a str,
}

/// A target–actual pair as FORMAT.md writes it.
#[derive(Serialize)]
struct PairLine<'a> {
    doc: &'a DocId,
    row: u32,
    metric: &'a str,
    target: Side<'a>,
    actual: Option<Side<'a>>,
}

fn side(f: &Figure) -> Side<'_> {
    Side { text: &f.text, value: f.value, unit: &f.unit }
}

fn doc_pairs(doc: &Document, figures: &[Figure]) -> Vec<Pair> {
    metrics::pairs_of(doc, figures)
}

fn pair_lines(out: &mut impl Write, docs: &[(Document, Vec<Figure>)], format: Format) -> anyhow::Result<()> {
    let mut csv = (format == Format::Csv).then(|| SafeCsv(csv::Writer::from_writer(Vec::new())));
    if let Some(w) = csv.as_mut() {
        w.write_record([
            "doc",
            "row",
            "metric",
            "target_text",
            "target_value",
            "unit",
            "actual_text",
            "actual_value",
            "actual_unit",
        ])?;
    }
    for (doc, figures) in docs {
        for p in doc_pairs(doc, figures) {
            let t = &figures[p.target];
            let a = p.actual.map(|a| &figures[a]);
            match csv.as_mut() {
                Some(w) => w.write_record([
                    doc.id.as_str(),
                    &t.row.to_string(),
                    &t.label,
                    &t.text,
                    &t.value.to_string(),
                    &t.unit,
                    a.map_or("", |a| a.text.as_str()),
                    &a.map_or(String::new(), |a| a.value.to_string()),
                    a.map_or("", |a| a.unit.as_str()),
                ])?,
                None => {
                    let line =
                        PairLine { doc: &doc.id, row: t.row, metric: &t.label, target: side(t), actual: a.map(side) };
                    serde_json::to_writer(&mut *out, &line)?;
                    out.write_all(b"\n")?;
                }
            }
        }
    }
    if let Some(w) = csv {
        out.write_all(&w.0.into_inner()?)?;
    }
    Ok(())
}

fn pair_table(out: &mut impl Write, docs: &[(Document, Vec<Figure>)]) -> anyhow::Result<()> {
    let mut t = table(&["文档", "行", "指标", "目标", "实际"]);
    let mut n = 0;
    for (doc, figures) in docs {
        for p in doc_pairs(doc, figures) {
            let target = &figures[p.target];
            t.add_row([
                doc.id.to_string(),
                target.row.to_string(),
                target.label.clone(),
                target.text.clone(),
                p.actual.map_or_else(|| "—".to_owned(), |a| figures[a].text.clone()),
            ]);
            n += 1;
        }
    }
    right_align(&mut t, &[1]);
    writeln!(out, "{t}")?;
    writeln!(out, "{n} targets in {} documents", docs.len())?;
    Ok(())
}
