//! `zhibiao catalogue suggest`: catalogue entries for the metrics found in
//! two or more stored reports, as TOML to review and paste.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use zhibiao::app::read;
use zhibiao::metrics::suggest;

pub fn suggest(db: &Path, catalogue: &Path, min_documents: usize) -> anyhow::Result<ExitCode> {
    let p = read::proposals(db, catalogue, min_documents)?;
    let mut out = std::io::stdout().lock();
    out.write_all(suggest::to_toml(&p.suggestions).as_bytes())?;
    out.write_all(suggest::joins_to_toml(&p.joins).as_bytes())?;
    eprintln!(
        "{} metrics found in {} or more of {} reports, and {} possible joins of metrics worded alike; review them, then paste what holds into the catalogue",
        p.suggestions.len(),
        min_documents.max(1),
        p.reports,
        p.joins.len()
    );
    Ok(ExitCode::SUCCESS)
}
