//! `zhibiao catalogue suggest`: catalogue entries for the metrics found in
//! two or more stored reports, as TOML to review and paste.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use zhibiao::metrics::catalogue::Catalogue;
use zhibiao::metrics::{self, suggest};
use zhibiao::store::Store;

pub fn suggest(db: &Path, catalogue: &Path, min_documents: usize) -> anyhow::Result<ExitCode> {
    let store = Store::open_read_only(db)?;
    let (catalogue, _) = Catalogue::load(catalogue)?;
    let docs = store.documents()?;
    let derived = metrics::derive_documents(&docs, &catalogue);
    let suggestions = suggest::suggestions(&derived, min_documents.max(1));
    let mut out = std::io::stdout().lock();
    out.write_all(suggest::to_toml(&suggestions).as_bytes())?;
    let joins = suggest::joins(&derived);
    out.write_all(suggest::joins_to_toml(&joins).as_bytes())?;
    eprintln!(
        "{} metrics found in {} or more of {} reports, and {} possible joins of metrics worded alike; review them, then paste what holds into the catalogue",
        suggestions.len(),
        min_documents.max(1),
        docs.len(),
        joins.len()
    );
    Ok(ExitCode::SUCCESS)
}
