//! `zhibiao sql`: one read-only statement, printed for a person or a pipe.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use zhibiao::sql::{Console, Limits, export};

/// How `zhibiao sql` prints its answer.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SqlFormat {
    Table,
    Csv,
    Json,
    Markdown,
}

pub struct Options {
    pub query: Option<String>,
    pub saved: Option<String>,
    pub params: Vec<(String, String)>,
    pub db: PathBuf,
    pub queries: PathBuf,
    pub format: SqlFormat,
    pub limits: Limits,
}

/// `name=value`, a saved query's parameter.
pub fn parse_param(s: &str) -> Result<(String, String), String> {
    let (k, v) = s.split_once('=').ok_or_else(|| format!("{s:?}: give a parameter as name=value"))?;
    Ok((k.trim_start_matches(':').to_owned(), v.to_owned()))
}

pub fn run(o: Options) -> anyhow::Result<ExitCode> {
    let sql = match (&o.saved, o.query) {
        (Some(name), None) => saved(&o.queries, name)?,
        (Some(_), Some(_)) => bail!("give a query or --saved NAME, not both"),
        (None, Some(q)) => q,
        (None, None) => {
            let mut q = String::new();
            std::io::stdin().read_to_string(&mut q).context("read the query from standard input")?;
            q
        }
    };
    let console = Console::open(&o.db, o.limits)?;
    let answer = match console.run(&sql, &o.params) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let format = match o.format {
        SqlFormat::Table => export::Format::Table,
        SqlFormat::Csv => export::Format::Csv,
        SqlFormat::Json => export::Format::Json,
        SqlFormat::Markdown => export::Format::Markdown,
    };
    let bytes = export::write(&answer.frame, format, false).map_err(anyhow::Error::msg)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&bytes)?;
    out.flush()?;
    let rows = answer.frame.rows.len();
    if answer.frame.truncated {
        eprintln!("note: the result was cut at {rows} rows (--max-rows)");
    } else if matches!(o.format, SqlFormat::Table) {
        let noun = if rows == 1 { "row" } else { "rows" };
        eprintln!("{rows} {noun} in {:.0} ms", answer.elapsed.as_secs_f64() * 1000.0);
    }
    Ok(ExitCode::SUCCESS)
}

/// A saved query's SQL from `queries/NAME.sql`; an unknown name lists the
/// known ones.
fn saved(dir: &Path, name: &str) -> anyhow::Result<String> {
    let queries = zhibiao::dashboard::spec::load_queries(dir);
    match queries.get(name) {
        Some(q) => Ok(q.sql.clone()),
        None => {
            let known: Vec<&str> = queries.keys().map(String::as_str).collect();
            bail!("no saved query {name:?} in {} (known: {})", dir.display(), known.join(", "))
        }
    }
}
