//! Helpers shared by the commands: default paths, output formats, and how
//! numbers are written for people.

pub mod check;
pub mod extract;
pub mod ingest;
pub mod metrics;
pub mod serve;

use std::path::{Path, PathBuf};

use clap::ValueEnum;

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
    use comfy_table::{ContentArrangement, Table, presets};
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    table
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
