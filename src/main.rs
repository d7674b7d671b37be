//! The `zhibiao` command line: clap definitions and dispatch. Each command
//! lives in `cmd/`, a thin wrapper over the library that keeps the terminal
//! concerns (progress bars, tables, exit codes) out of it.

mod cmd;

/// jemalloc serves every allocation of the process, DuckDB's included:
/// DuckDB allocates and frees per statement, and glibc's malloc returned
/// that memory to the kernel and faulted it in again (`benches/console.sh`:
/// 691 console statements a second with glibc, 734-1,063 with jemalloc).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cmd::Format;

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
    /// extension), which `score.py` reads. `--pairs` prints each target with the
    /// actual that answers it instead (FORMAT.md's pairs format in jsonl).
    Extract {
        /// Report files or folders (default: the shipped data/ folder).
        paths: Vec<PathBuf>,
        /// Output format: a table for people, or JSON Lines for tools.
        #[arg(long, short, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Print target–actual pairs instead of figures.
        #[arg(long)]
        pairs: bool,
        #[command(flatten)]
        limits: cmd::LimitArgs,
    },
    /// Read reports into the DuckDB database, replacing changed ones.
    ///
    /// Folders are searched for .txt, .tsv and .tab files. A file whose content is
    /// unchanged since it was stored is skipped; a changed file replaces its
    /// document's rows and figures in one transaction. A file that cannot be read
    /// is reported with its reason, the others are still stored, and the exit
    /// code is 1. Metrics, targets and series are then derived again from
    /// everything stored and the catalogue. An invalid catalogue stops the run
    /// before anything is changed.
    Ingest {
        /// Report files or folders (default: the shipped data/ folder).
        paths: Vec<PathBuf>,
        /// The DuckDB database file (created if missing).
        #[arg(long, default_value = "zhibiao.duckdb")]
        db: PathBuf,
        /// The metric catalogue (default: metrics.toml in the shipped data/ folder;
        /// a missing file is an empty catalogue).
        #[arg(long)]
        catalogue: Option<PathBuf>,
        #[command(flatten)]
        limits: cmd::LimitArgs,
    },
    /// Print the attainment table: every target against its actual, worst first.
    ///
    /// Columns: metric, period, target (with its comparator: ≥ at least, ≈ about,
    /// ≤ at most), actual, attainment ratio, status (met, missed, forecast only,
    /// no data) and the shortfall. Values are shown in each metric's display unit.
    Metrics {
        /// The DuckDB database file written by `zhibiao ingest`.
        #[arg(long, default_value = "zhibiao.duckdb")]
        db: PathBuf,
        /// Output format: a table for people, JSON Lines or CSV for tools.
        #[arg(long, short, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Ingest the data folder, then serve the dashboards over HTTP.
    ///
    /// Pages: / lists dashboards and documents; /d/NAME is a dashboard;
    /// /metrics/ID one metric with its series and every figure behind it;
    /// /docs/DOC a document; /docs/DOC/rows/N one row with its figures marked.
    /// Every panel offers its data as CSV and XLSX; /api/ serves the same data
    /// as JSON. Prints the address once it listens.
    ///
    /// The data folder is refreshed on a schedule (default every five minutes)
    /// and a snapshot written every week (default Monday 08:00 Asia/Shanghai),
    /// both set in zhibiao.toml or the environment; /status shows the last and
    /// next runs. A refresh writes a new database file and renames it into
    /// place, so `duckdb -readonly zhibiao.duckdb` works while this runs.
    Serve {
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: std::net::SocketAddr,
        #[command(flatten)]
        site: cmd::SiteArgs,
        /// Settings file (default: zhibiao.toml in the working directory, if any).
        #[arg(long, env = "ZHIBIAO_CONFIG")]
        config: Option<PathBuf>,
        #[command(flatten)]
        limits: cmd::LimitArgs,
        #[command(flatten)]
        server: cmd::ServerArgs,
    },
    /// Run one read-only SQL statement and print its result.
    ///
    /// The query is the argument, or standard input when there is none; or
    /// `--saved NAME` runs queries/NAME.sql, its `:name` parameters given with
    /// `--param name=value`. The database is opened read-only in a sandbox (no
    /// file or network access, one statement, a query only), so this works while
    /// `zhibiao serve` runs. A table for people; csv, json or markdown for pipes.
    Sql {
        /// The statement (default: read from standard input).
        query: Option<String>,
        /// The DuckDB database file.
        #[arg(long, default_value = "zhibiao.duckdb")]
        db: PathBuf,
        #[arg(long, short, value_enum, default_value_t = cmd::sql::SqlFormat::Table)]
        format: cmd::sql::SqlFormat,
        /// Run a saved query from the queries folder by name.
        #[arg(long)]
        saved: Option<String>,
        /// A saved query's parameter, name=value (repeatable).
        #[arg(long = "param", short = 'p', value_parser = cmd::sql::parse_param)]
        params: Vec<(String, String)>,
        /// The folder of saved queries (default: queries/).
        #[arg(long)]
        queries: Option<PathBuf>,
        /// Seconds after which the query is stopped.
        #[arg(long, default_value_t = 5.0)]
        time_limit: f64,
        /// Rows printed at most.
        #[arg(long, default_value_t = 10_000)]
        max_rows: usize,
    },
    /// Write the site as a self-contained folder: snapshots/YYYY-Www/.
    ///
    /// index.html leads with what changed since the previous snapshot; every
    /// dashboard, metric and document page links to the others by relative
    /// file names, with the stylesheet and charts inline (it opens from disk
    /// with no server). data/ holds the tables as CSV and Parquet, and
    /// manifest.json the documents (with their hashes) and metrics. The
    /// database records what it showed, for the next one's changes.
    Snapshot {
        #[command(flatten)]
        site: cmd::SiteArgs,
        /// The folder snapshots go in (default: snapshots/, or the settings').
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also print report.pdf with headless Chromium.
        #[arg(long)]
        pdf: bool,
        /// Settings file (default: zhibiao.toml in the working directory, if any).
        #[arg(long, env = "ZHIBIAO_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Work with the metric catalogue (data/metrics.toml).
    Catalogue {
        #[command(subcommand)]
        action: CatalogueAction,
    },
    /// Validate every dashboard and query: TOML, names, SQL and the columns
    /// each panel draws. Exit code 1 if anything is wrong.
    Check {
        /// The database to run queries against, opened read-only (an empty one
        /// with the schema if the file does not exist).
        #[arg(long, default_value = "zhibiao.duckdb")]
        db: PathBuf,
        /// The folder of dashboard files (default: dashboards/).
        #[arg(long)]
        dashboards: Option<PathBuf>,
        /// The folder of named queries (default: queries/).
        #[arg(long)]
        queries: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum CatalogueAction {
    /// Propose catalogue entries for the metrics found in two or more stored
    /// reports, as TOML to review and paste into data/metrics.toml.
    ///
    /// Each entry comes with its evidence as comments: the values by period,
    /// each with its report and row, and a 待核对 line when the series jumps.
    /// The wordings that were joined become aliases. Opens the database
    /// read-only.
    Suggest {
        /// The DuckDB database file written by `zhibiao ingest`.
        #[arg(long, default_value = "zhibiao.duckdb")]
        db: PathBuf,
        /// The catalogue in force (default: metrics.toml in the shipped data/ folder).
        #[arg(long)]
        catalogue: Option<PathBuf>,
        /// Suggest metrics reported in at least this many documents.
        #[arg(long, default_value_t = 2)]
        min_documents: usize,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract { paths, format, pairs, limits } => cmd::extract::run(&paths, format, pairs, limits.into()),
        Command::Ingest { paths, db, catalogue, limits } => {
            cmd::ingest::run(&paths, &db, catalogue.as_deref(), limits.into())
        }
        Command::Metrics { db, format } => cmd::metrics::run(&db, format),
        Command::Serve { bind, site, config, limits, server } => {
            cmd::serve::run(cmd::serve::Options { bind, paths: site.paths(), config, limits: limits.into(), server })
        }
        Command::Snapshot { site, out, pdf, config } => cmd::snapshot::run(&site.paths(), out, pdf, config),
        Command::Sql { query, db, format, saved, params, queries, time_limit, max_rows } => {
            cmd::sql::run(cmd::sql::Options {
                query,
                saved,
                params,
                db,
                queries: queries.unwrap_or_else(|| cmd::project_dir("queries")),
                format,
                limits: zhibiao::sql::Limits {
                    time: std::time::Duration::from_secs_f64(time_limit.max(0.1)),
                    rows: max_rows.max(1),
                },
            })
        }
        Command::Check { db, dashboards, queries } => cmd::check::run(&db, dashboards, queries),
        Command::Catalogue { action: CatalogueAction::Suggest { db, catalogue, min_documents } } => {
            let catalogue = catalogue.unwrap_or_else(|| cmd::data_dir().join("metrics.toml"));
            cmd::catalogue::suggest(&db, &catalogue, min_documents)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
