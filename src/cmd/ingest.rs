//! `zhibiao ingest`: reports into the database, with a progress bar, one
//! `error:` line per bad file, and a summary.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use super::{data_dir, paths_or_default, project_dir};
use zhibiao::app::{Paths, Refresher};
use zhibiao::extract::Kind;
use zhibiao::ingest::{Limits, Outcome, Progress};

pub fn run(paths: &[PathBuf], db: &Path, catalogue: Option<&Path>, limits: Limits) -> anyhow::Result<ExitCode> {
    let paths = Paths {
        data: paths_or_default(paths),
        db: db.to_owned(),
        catalogue: catalogue.map_or_else(|| data_dir().join("metrics.toml"), Path::to_path_buf),
        dashboards: project_dir("dashboards"),
        queries: project_dir("queries"),
    };
    let ok = ingest_and_report(paths, limits, &mut std::io::stdout())?;
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Refreshes the database from `paths` (a new generation: a server or an
/// analyst reading the file meanwhile is not disturbed), printing progress
/// to stderr and the summary to `out`. Returns whether every file was
/// read. The catalogue is checked first: an invalid one changes nothing.
pub fn ingest_and_report(paths: Paths, limits: Limits, out: &mut dyn std::io::Write) -> anyhow::Result<bool> {
    let db = paths.db.clone();
    let bar = if std::io::stderr().is_terminal() { ProgressBar::new(0) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {bar:30} {pos}/{len} files · {msg} · {elapsed}")
            .context("progress bar template")?,
    );
    let mut figures = 0usize;
    let mut refresher = Refresher::new(paths, limits);
    let r = refresher.run(&mut |p| match p {
        Progress::Started { files } => bar.set_length(files as u64),
        Progress::File { path, outcome, figures: n, warnings } => {
            figures += n;
            bar.set_message(format!("{figures} figures"));
            bar.inc(1);
            if let Outcome::Failed(msg) = outcome {
                bar.suspend(|| eprintln!("error: {msg}"));
            }
            for w in warnings {
                bar.suspend(|| eprintln!("warning: {}: {w}", path.display()));
            }
        }
    })?;
    bar.finish_and_clear();
    for m in &r.missing {
        eprintln!("error: {m}");
    }
    if let Some(v) = r.upgraded_from {
        eprintln!(
            "note: {} had database schema {v}; it was rebuilt for schema {} and every document is read again",
            db.display(),
            zhibiao::store::SCHEMA_VERSION
        );
    }
    let summary = &r.summary;
    let by_kind: Vec<String> =
        Kind::ALL.iter().map(|k| format!("{} {}", k.as_str(), summary.figures.get(k).copied().unwrap_or(0))).collect();
    writeln!(
        out,
        "documents: {} new, {} updated, {} unchanged, {} failed",
        summary.new,
        summary.updated,
        summary.unchanged,
        summary.failed.len() + r.missing.len()
    )?;
    writeln!(out, "stored:    {} rows, {} figures ({})", summary.rows, summary.figure_count(), by_kind.join(", "))?;
    if let Some(m) = &r.metrics {
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
    writeln!(
        out,
        "database:  {} holds {} documents, {} rows, {} figures",
        db.display(),
        r.totals.documents,
        r.totals.rows,
        r.totals.figures
    )?;
    Ok(r.complete())
}
