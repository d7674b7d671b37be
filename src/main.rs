//! The `zhibiao` command line: thin wrappers over the library, with the
//! terminal concerns (progress bars, tables, exit codes) kept here.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use zhibiao::document::{self, Document};
use zhibiao::extract::{self, Figure, Kind};
use zhibiao::ingest::{self, Outcome, Progress};
use zhibiao::store::Store;

/// zhibiao (指标): extract every figure from Chinese government progress
/// reports into DuckDB, and track targets against actuals.
///
/// With no paths, every command works on the shipped `data/` folder.
#[derive(Parser)]
#[command(name = "zhibiao", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the figures found in report files, without storing them.
    ///
    /// Each figure comes with its row, column, surface text, value (multipliers
    /// applied, money in 元), unit, qualifier, kind and label. `--format jsonl`
    /// prints FORMAT.md's JSON Lines (one figure a line, `doc` = file name without
    /// extension), which `score.py` reads.
    Extract {
        /// Report files or folders (default: the shipped data/ folder).
        paths: Vec<PathBuf>,
        /// Output format: a table for people, or JSON Lines for tools.
        #[arg(long, short, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Read reports into the DuckDB database, replacing changed ones.
    ///
    /// Folders are searched for .txt, .tsv and .tab files. A file whose content is
    /// unchanged since it was stored is skipped; a changed file replaces its
    /// document's rows and figures in one transaction. A file that cannot be read
    /// is reported with its reason, the others are still stored, and the exit
    /// code is 1.
    Ingest {
        /// Report files or folders (default: the shipped data/ folder).
        paths: Vec<PathBuf>,
        /// The DuckDB database file (created if missing).
        #[arg(long, default_value = "zhibiao.duckdb")]
        db: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Jsonl,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract { paths, format } => extract_cmd(&paths, format),
        Command::Ingest { paths, db } => ingest_cmd(&paths, &db),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `data/` in the working directory, or the one shipped beside the sources
/// when run from elsewhere.
fn default_paths(paths: &[PathBuf]) -> Vec<PathBuf> {
    if !paths.is_empty() {
        return paths.to_vec();
    }
    let local = PathBuf::from("data");
    if local.is_dir() { vec![local] } else { vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("data")] }
}

fn extract_cmd(paths: &[PathBuf], format: Format) -> anyhow::Result<ExitCode> {
    let (files, mut failures) = ingest::discover(&default_paths(paths));
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut read: Vec<(Document, Vec<Figure>)> = Vec::new();
    for path in &files {
        match document::read(path) {
            Ok(doc) => {
                let figures = extract::figures(&doc);
                match format {
                    Format::Jsonl => write_jsonl(&mut out, &doc, &figures)?,
                    Format::Table => read.push((doc, figures)),
                }
            }
            Err(e) => failures.push(e.to_string()),
        }
    }
    if let Format::Table = format {
        write_table(&mut out, &read)?;
    }
    out.flush()?;
    for f in &failures {
        eprintln!("error: {f}");
    }
    Ok(if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

#[derive(serde::Serialize)]
struct Line<'a> {
    doc: &'a str,
    #[serde(flatten)]
    figure: &'a Figure,
}

fn write_jsonl(out: &mut impl Write, doc: &Document, figures: &[Figure]) -> anyhow::Result<()> {
    for figure in figures {
        serde_json::to_writer(&mut *out, &Line { doc: &doc.id, figure })?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn write_table(out: &mut impl Write, docs: &[(Document, Vec<Figure>)]) -> anyhow::Result<()> {
    use comfy_table::{CellAlignment, ContentArrangement, Table, presets};
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_HORIZONTAL_ONLY)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(["文档", "行", "列", "原文", "数值", "单位", "限定", "类型", "指标"]);
    for (doc, figures) in docs {
        for f in figures {
            table.add_row([
                doc.id.clone(),
                f.row.to_string(),
                f.col.as_str().to_owned(),
                f.text.clone(),
                format_value(f.value),
                f.unit.clone(),
                f.qualifier.as_str().to_owned(),
                f.kind.as_str().to_owned(),
                f.label.clone(),
            ]);
        }
    }
    for i in [1, 4] {
        if let Some(col) = table.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(out, "{table}")?;
    let total: usize = docs.iter().map(|(_, f)| f.len()).sum();
    writeln!(out, "{total} figures in {} documents", docs.len())?;
    Ok(())
}

/// Values for people: integers without `.0`, big numbers grouped.
fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let s = format!("{}", v.abs() as i64);
        let mut grouped = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if v < 0.0 { format!("-{grouped}") } else { grouped }
    } else {
        format!("{v}")
    }
}

fn ingest_cmd(paths: &[PathBuf], db: &Path) -> anyhow::Result<ExitCode> {
    let (files, missing) = ingest::discover(&default_paths(paths));
    let mut store = Store::open(db)?;
    let bar = if std::io::stderr().is_terminal() { ProgressBar::new(0) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {bar:30} {pos}/{len} files · {msg} · {elapsed}")
            .context("progress bar template")?,
    );
    for m in &missing {
        bar.println(format!("error: {m}"));
    }
    let mut figures = 0usize;
    let summary = ingest::run(&mut store, &files, &mut |p| match p {
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
    bar.finish_and_clear();

    let totals = store.totals()?;
    let by_kind: Vec<String> =
        Kind::ALL.iter().map(|k| format!("{} {}", k.as_str(), summary.figures.get(k).copied().unwrap_or(0))).collect();
    println!(
        "documents: {} new, {} updated, {} unchanged, {} failed",
        summary.new,
        summary.updated,
        summary.unchanged,
        summary.failed.len() + missing.len()
    );
    println!("stored:    {} rows, {} figures ({})", summary.rows, summary.figure_count(), by_kind.join(", "));
    println!(
        "database:  {} holds {} documents, {} rows, {} figures",
        db.display(),
        totals.documents,
        totals.rows,
        totals.figures
    );
    Ok(if summary.failed.is_empty() && missing.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
