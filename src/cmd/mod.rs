//! Helpers shared by the commands: default paths, output formats, and how
//! numbers are written for people.

pub mod catalogue;
pub mod check;
pub mod extract;
pub mod ingest;
pub mod metrics;
pub mod serve;
pub mod snapshot;
pub mod sql;

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use zhibiao::ingest::Limits;
use zhibiao::web::Guard;

/// How a command prints its results.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// An aligned table for a person at a terminal.
    Table,
    /// One JSON object a line.
    Jsonl,
    /// Comma-separated values with a header line.
    Csv,
}

/// What one document may cost to read, for every command that reads
/// reports. Settings with defaults, also taken from the environment.
#[derive(clap::Args, Clone, Copy)]
pub struct LimitArgs {
    /// Refuse report files larger than this many megabytes, without reading them.
    #[arg(long, env = "ZHIBIAO_MAX_FILE_MB", default_value_t = Limits::default().max_file_bytes >> 20)]
    pub max_file_mb: u64,
    /// Refuse a report whose reading and extraction take longer than this many seconds.
    #[arg(long, env = "ZHIBIAO_MAX_SECONDS", default_value_t = Limits::default().max_seconds)]
    pub max_seconds: u64,
    /// Refuse a report with more figures than this (real reports hold hundreds).
    #[arg(long, env = "ZHIBIAO_MAX_FIGURES", default_value_t = Limits::default().max_figures)]
    pub max_figures: usize,
    /// Read every text file in this encoding (utf-8, utf-16le, gb18030, gbk, big5)
    /// instead of detecting it.
    #[arg(long, env = "ZHIBIAO_ENCODING", value_parser = encoding)]
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

fn encoding(label: &str) -> Result<&'static encoding_rs::Encoding, String> {
    Ok(zhibiao::document::ReadOptions::with_encoding(label)?.encoding.expect("an encoding"))
}

impl From<LimitArgs> for Limits {
    fn from(a: LimitArgs) -> Self {
        Limits {
            max_file_bytes: a.max_file_mb.saturating_mul(1 << 20),
            max_seconds: a.max_seconds,
            max_figures: a.max_figures,
            read: zhibiao::document::ReadOptions { encoding: a.encoding },
        }
    }
}

/// How the server protects itself and its readers.
#[derive(clap::Args, Clone)]
pub struct ServerArgs {
    /// Seconds a request may take before it is answered 503.
    #[arg(long, env = "ZHIBIAO_REQUEST_TIMEOUT", default_value_t = Guard::default().request_timeout.as_secs())]
    pub request_timeout: u64,
    /// Requests handled at once; more wait their turn.
    #[arg(long, env = "ZHIBIAO_MAX_CONCURRENT", default_value_t = Guard::default().max_concurrent)]
    pub max_concurrent: usize,
    /// Megabytes of rendered pages kept in memory.
    #[arg(long, env = "ZHIBIAO_CACHE_MB", default_value_t = (zhibiao::web::cache::DEFAULT_BYTES >> 20) as usize)]
    pub cache_mb: usize,
    /// Host names the server answers to, besides the bound address (comma-separated).
    /// On a loopback bind only localhost and loopback addresses are answered,
    /// which stops DNS-rebinding pages from reading the dashboards.
    #[arg(long, env = "ZHIBIAO_ALLOWED_HOSTS", value_delimiter = ',')]
    pub allowed_hosts: Vec<String>,
}

/// The files a site is made from, for `serve` and `snapshot`.
#[derive(clap::Args, Clone)]
pub struct SiteArgs {
    /// The DuckDB database file (created if missing).
    #[arg(long, default_value = "zhibiao.duckdb")]
    pub db: PathBuf,
    /// The folder of reports to ingest (default: the shipped data/ folder).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// The metric catalogue (default: metrics.toml in the data folder).
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    /// The folder of dashboard files (default: dashboards/).
    #[arg(long)]
    pub dashboards: Option<PathBuf>,
    /// The folder of named queries (default: queries/).
    #[arg(long)]
    pub queries: Option<PathBuf>,
}

impl SiteArgs {
    pub fn paths(&self) -> zhibiao::app::Paths {
        let data = self.data.clone().unwrap_or_else(data_dir);
        zhibiao::app::Paths {
            catalogue: self.catalogue.clone().unwrap_or_else(|| data.join("metrics.toml")),
            data: vec![data],
            db: self.db.clone(),
            dashboards: self.dashboards.clone().unwrap_or_else(|| project_dir("dashboards")),
            queries: self.queries.clone().unwrap_or_else(|| project_dir("queries")),
        }
    }
}

/// A folder of the project (`data`, `dashboards`, `queries`): the one in
/// the working directory, or the one beside the sources when run from
/// elsewhere.
pub fn project_dir(name: &str) -> PathBuf {
    let local = PathBuf::from(name);
    if local.is_dir() { local } else { Path::new(env!("CARGO_MANIFEST_DIR")).join(name) }
}

/// The shipped `data/` folder.
pub fn data_dir() -> PathBuf {
    project_dir("data")
}

/// The paths given, or the shipped data folder.
pub fn paths_or_default(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() { vec![data_dir()] } else { paths.to_vec() }
}

/// A table styled alike for every command.
pub fn table(header: &[&str]) -> comfy_table::Table {
    zhibiao::sql::export::styled(header.iter().map(|h| h.to_string()).collect())
}

/// Numbers for people: integers grouped by thousands without `.0`, other
/// values with at most `decimals` decimals and trailing zeros dropped.
pub fn number(v: f64, decimals: usize) -> String {
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
        let s = format!("{v:.decimals$}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_for_people() {
        assert_eq!(number(30000000000.0, 2), "30,000,000,000");
        assert_eq!(number(-1234.0, 2), "-1,234");
        assert_eq!(number(21.4, 2), "21.4");
        assert_eq!(number(368.1, 2), "368.1");
        assert_eq!(number(0.9285714, 3), "0.929");
    }
}
