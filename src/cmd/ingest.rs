//! `zhibiao ingest`: reports into the database, with a progress bar, one
//! `error:` line per bad file, and a summary.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use super::{data_dir, paths_or_default};
use zhibiao::extract::Kind;
use zhibiao::ingest::{self, Limits, Outcome, Progress};
use zhibiao::metrics::catalogue::Catalogue;
use zhibiao::store::Store;

pub fn run(paths: &[PathBuf], db: &Path, catalogue: Option<&Path>, limits: Limits) -> anyhow::Result<ExitCode> {
    let (_, ok) = ingest_and_report(paths, db, catalogue, limits, &mut std::io::stdout())?;
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Ingests `paths` (default `data/`) into `db` with the catalogue, printing
/// progress to stderr and the summary to `out`. Returns the open store and
/// whether every file was read. The catalogue is checked first: an invalid
/// one changes nothing.
pub fn ingest_and_report(
    paths: &[PathBuf],
    db: &Path,
    catalogue: Option<&Path>,
    limits: Limits,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<(Store, bool)> {
    let catalogue_path = catalogue.map_or_else(|| data_dir().join("metrics.toml"), Path::to_path_buf);
    let (catalogue, catalogue_text) = Catalogue::load(&catalogue_path)?;

    let (files, missing) = ingest::discover(&paths_or_default(paths));
    let mut store = Store::open(db)?;
    if let Some(v) = store.upgraded_from {
        eprintln!(
            "note: {} had database schema {v}; it was rebuilt for schema {} and every document is read again",
            db.display(),
            zhibiao::store::SCHEMA_VERSION
        );
    }
    let bar = if std::io::stderr().is_terminal() { ProgressBar::new(0) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {bar:30} {pos}/{len} files · {msg} · {elapsed}")
            .context("progress bar template")?,
    );
    for m in &missing {
        bar.suspend(|| eprintln!("error: {m}"));
    }
    let mut figures = 0usize;
    let summary = ingest::run(&mut store, &files, limits, &mut |p| match p {
        Progress::Started { files } => bar.set_length(files as u64),
        Progress::File { outcome, figures: n, .. } => {
            figures += n;
            bar.set_message(format!("{figures} figures"));
            bar.inc(1);
            if let Outcome::Failed(msg) = outcome {
                bar.suspend(|| eprintln!("error: {msg}"));
            }
        }
    })?;
    bar.set_message("deriving metrics");
    let changed = summary.new + summary.updated > 0 || store.upgraded_from.is_some();
    let metrics = ingest::refresh_metrics(&mut store, &catalogue, &ingest::fingerprint(&catalogue_text), changed)?;
    bar.finish_and_clear();

    let by_kind: Vec<String> =
        Kind::ALL.iter().map(|k| format!("{} {}", k.as_str(), summary.figures.get(k).copied().unwrap_or(0))).collect();
    writeln!(
        out,
        "documents: {} new, {} updated, {} unchanged, {} failed",
        summary.new,
        summary.updated,
        summary.unchanged,
        summary.failed.len() + missing.len()
    )?;
    writeln!(out, "stored:    {} rows, {} figures ({})", summary.rows, summary.figure_count(), by_kind.join(", "))?;
    if let Some(m) = metrics {
        let status: Vec<String> = ["met", "missed", "forecast", "no_data"]
            .iter()
            .map(|s| format!("{} {}", s.replace('_', " "), m.status.get(s).copied().unwrap_or(0)))
            .collect();
        writeln!(
            out,
            "metrics:   {} metrics, {} observations, {} targets ({})",
            m.metrics,
            m.observations,
            m.targets,
            status.join(", ")
        )?;
    }
    let totals = store.totals()?;
    writeln!(
        out,
        "database:  {} holds {} documents, {} rows, {} figures",
        db.display(),
        totals.documents,
        totals.rows,
        totals.figures
    )?;
    Ok((store, summary.failed.is_empty() && missing.is_empty()))
}
