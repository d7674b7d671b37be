//! Ingesting files into the store: find documents under the given paths,
//! read and mine the new or changed ones in parallel, store them in batches.
//!
//! One bad file never stops the others: its error is collected with its
//! path and the rest go on. Unchanged files (same SHA-256 as stored) are not
//! read again. Progress is reported through a callback so that the library
//! stays free of terminal concerns.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::document::{self, Document, Problem, ReadError};
use crate::extract::{self, Figure, Kind};
use crate::id::DocId;
use crate::store::{Prepared, Store, StoreError, StoredDoc};

mod derive;
pub use derive::{Kept, MetricsSummary, refresh_metrics, refresh_metrics_with};

/// Is this a file `ingest` picks up when walking a folder: one with the
/// extension of a format some reader takes? A file named on the command
/// line is always read, whatever its name: the format is recognised from
/// the content.
pub fn is_report(path: &Path) -> bool {
    let readable = document::extension(path).is_some_and(|ext| {
        let ext = ext.to_ascii_lowercase();
        document::format::extensions().any(|e| e == ext)
    });
    readable && !is_folder_notes(path)
}

/// A folder's own notes (`README.md`, `SOURCES.md`, `LICENSE.txt` …) sit
/// beside the reports in the same formats, and are not reports: `.md` and
/// `.txt` are report formats now. Named on the command line, they are read.
fn is_folder_notes(path: &Path) -> bool {
    const NOTES: &[&str] = &["readme", "sources", "license", "licence", "changelog", "notice", "copying"];
    let stem = document::id_for(path).as_str().to_ascii_lowercase();
    NOTES.contains(&stem.as_str())
}

/// Documents per transaction: large enough that commits are cheap, small
/// enough that memory stays flat on big corpora.
const BATCH: usize = 128;

/// Source bytes per transaction: a batch of large files is committed
/// early, so memory is bounded by bytes as well as by documents.
const BATCH_BYTES: u64 = 32 << 20;

/// What one document may cost. A document over either budget is refused
/// with its reason; the others are stored.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Files larger than this are refused before they are read.
    pub max_file_bytes: u64,
    /// Reading and extraction past this many seconds refuses the document.
    pub max_seconds: u64,
    /// A document with more figures than this is refused: real reports
    /// hold hundreds (the seed 105 in 31 rows), and each figure keeps its
    /// sentence, so a crafted file of millions would take gigabytes.
    pub max_figures: usize,
    /// How files are read (a forced encoding).
    pub read: document::ReadOptions,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: document::MAX_FILE_BYTES,
            max_seconds: 60,
            max_figures: 20_000,
            read: document::ReadOptions::default(),
        }
    }
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    New,
    Updated,
    Unchanged,
    Failed(String),
}

/// Progress notifications, in the order files finish.
pub enum Progress<'a> {
    Started {
        files: usize,
    },
    /// A file finished; `warnings` are what its reader had to guess (see
    /// `Document::warnings`), for the person ingesting.
    File {
        path: &'a Path,
        outcome: &'a Outcome,
        figures: usize,
        warnings: &'a [String],
    },
}

/// The result of an ingest run.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// One line per failed file: `path: reason`.
    pub failed: Vec<String>,
    /// Rows and figures of the documents stored by this run.
    pub rows: usize,
    pub figures: BTreeMap<Kind, usize>,
}

impl Summary {
    pub fn figure_count(&self) -> usize {
        self.figures.values().sum()
    }
}

/// Files under `paths`: files as given, directories walked for
/// the extensions of the formats read ([`is_report`]; hidden entries and
/// Office lock files skipped), sorted for a stable order.
/// Paths that do not exist are returned as errors.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let (mut files, mut errors) = (Vec::new(), Vec::new());
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.exists() {
            errors.push(format!("{}: no such file or directory", path.display()));
            continue;
        }
        let walker = walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    // Office's lock files (~$report.docx) are not reports.
                    if is_report(e.path()) && !e.file_name().to_string_lossy().starts_with("~$") {
                        files.push(e.into_path());
                    }
                }
                Ok(_) => {}
                Err(e) => errors.push(format!("{}: {e}", e.path().unwrap_or(path).display())),
            }
        }
    }
    (files, errors)
}

/// Reads, mines and stores `files`. Returns what happened; a database
/// error aborts only the batch it happened in (its files are reported as
/// failed, nothing of them is stored). Only reading the stored hashes at
/// the start can fail the whole run.
pub fn run(
    store: &mut Store,
    files: &[PathBuf],
    limits: Limits,
    progress: &mut dyn FnMut(Progress),
) -> Result<Summary, StoreError> {
    run_hashed(store, files, &HashMap::new(), limits, progress)
}

/// [`run`], given the content hashes of some files as the caller just
/// read them: a file whose hash is the stored one is not read again. A
/// refresh hashes every file to learn whether anything changed at all,
/// and reading a thousand files twice is a tenth of a second.
pub fn run_hashed(
    store: &mut Store,
    files: &[PathBuf],
    hashes: &HashMap<PathBuf, String>,
    limits: Limits,
    progress: &mut dyn FnMut(Progress),
) -> Result<Summary, StoreError> {
    let stored = store.stored()?;
    let mut summary = Summary::default();
    progress(Progress::Started { files: files.len() });

    // Two files with the same name in different folders would be the same
    // document id: the first wins, the others are refused by name.
    let mut owner: HashMap<DocId, &Path> = HashMap::new();
    let mut todo = Vec::with_capacity(files.len());
    for path in files {
        let id = document::id_for(path);
        match owner.get(&id) {
            Some(first) => {
                let outcome = Outcome::Failed(format!(
                    "{}: document id '{id}' is already taken by {}; rename one of the files",
                    path.display(),
                    first.display()
                ));
                record(&mut summary, path, &outcome, 0, &[], progress);
            }
            None => match taken_by_another(&stored, &id, path) {
                Some(other) => {
                    let outcome = Outcome::Failed(format!(
                        "{}: document id '{id}' is already taken by {other}, stored earlier; \
                         rename one of the files, or remove the other from the database",
                        path.display()
                    ));
                    record(&mut summary, path, &outcome, 0, &[], progress);
                }
                None => {
                    owner.insert(id, path);
                    todo.push(path.as_path());
                }
            },
        }
    }

    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(todo.len().max(1));
    // Few documents wait in the channel: with the batch being filled, what
    // is in memory is bounded by the batch's bytes plus a file per worker.
    let (tx, rx) = mpsc::sync_channel::<(&Path, Result<Option<Prepared>, ReadError>)>(workers);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (todo, next, stored) = (&todo, &next, &stored);
            let known = |path: &Path| hashes.get(path).map(String::as_str);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&path) = todo.get(i) else { break };
                    if tx.send((path, prepare(path, known(path), stored, limits))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);

        let mut batch: Vec<Prepared> = Vec::with_capacity(BATCH);
        let mut batch_paths: Vec<(&Path, bool)> = Vec::with_capacity(BATCH);
        let mut batch_bytes = 0u64;
        for (path, result) in rx {
            match result {
                Ok(None) => record(&mut summary, path, &Outcome::Unchanged, 0, &[], progress),
                Ok(Some(prepared)) => {
                    batch_paths.push((path, stored.contains_key(&prepared.document.id)));
                    batch_bytes += prepared.bytes;
                    batch.push(prepared);
                    if batch.len() >= BATCH || batch_bytes >= BATCH_BYTES {
                        batch_bytes = 0;
                        flush(store, &mut batch, &mut batch_paths, &mut summary, progress);
                    }
                }
                Err(e) => record(&mut summary, path, &Outcome::Failed(e.to_string()), 0, &[], progress),
            }
        }
        flush(store, &mut batch, &mut batch_paths, &mut summary, progress);
    });
    Ok(summary)
}

/// Another file that owns `id` in the database: a document id names one
/// file for good, so `b/自查表.txt` never silently replaces the
/// `a/自查表.txt` stored yesterday. A stored file that no longer exists
/// has moved, and its new place takes the id over.
fn taken_by_another(stored: &HashMap<DocId, StoredDoc>, id: &DocId, path: &Path) -> Option<String> {
    let old = Path::new(&stored.get(id)?.path);
    if old == path || !old.is_file() {
        return None;
    }
    let same = matches!((old.canonicalize(), path.canonicalize()), (Ok(a), Ok(b)) if a == b);
    (!same).then(|| old.display().to_string())
}

/// Parses a file's bytes and extracts its figures within the time budget.
/// A panic (a bug met on some unforeseen text) becomes this file's error:
/// one bad file never stops the others.
pub fn mine(path: &Path, id: &DocId, bytes: &[u8], limits: Limits) -> Result<(Document, Vec<Figure>), ReadError> {
    let fail = |problem: Problem| ReadError { path: path.to_owned(), problem };
    let deadline = Instant::now() + Duration::from_secs(limits.max_seconds);
    let mined = std::panic::catch_unwind(|| {
        let document = document::parse_file(id.clone(), document::extension(path), bytes, &limits.read)?;
        let figures = extract::figures_before(&document, deadline, limits.max_figures).map_err(|o| match o {
            extract::Overrun::Time => Problem::TooSlow { seconds: limits.max_seconds },
            extract::Overrun::Figures(n) => Problem::TooManyFigures { limit: n },
        })?;
        Ok((document, figures))
    });
    match mined {
        Ok(result) => result.map_err(fail),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_owned());
            Err(fail(Problem::Internal(message)))
        }
    }
}

/// Reads and mines one file.
pub fn read_and_mine(path: &Path, limits: Limits) -> Result<(Document, Vec<Figure>), ReadError> {
    let bytes = document::read_bytes(path, limits.max_file_bytes)
        .map_err(|problem| ReadError { path: path.to_owned(), problem })?;
    mine(path, &document::id_for(path), &bytes, limits)
}

/// Reads and mines one file, unless its content is already stored.
fn prepare(
    path: &Path,
    hash: Option<&str>,
    stored: &HashMap<DocId, StoredDoc>,
    limits: Limits,
) -> Result<Option<Prepared>, ReadError> {
    let id = document::id_for(path);
    if hash.is_some_and(|h| stored.get(&id).is_some_and(|d| d.content_hash == h)) {
        return Ok(None);
    }
    let bytes = document::read_bytes(path, limits.max_file_bytes)
        .map_err(|problem| ReadError { path: path.to_owned(), problem })?;
    let hash = content_hash(&bytes);
    if stored.get(&id).is_some_and(|d| d.content_hash == hash) {
        return Ok(None);
    }
    let (document, figures) = mine(path, &id, &bytes, limits)?;
    Ok(Some(Prepared {
        document,
        figures,
        path: path.display().to_string(),
        content_hash: hash,
        bytes: bytes.len() as u64,
    }))
}

fn flush(
    store: &mut Store,
    batch: &mut Vec<Prepared>,
    paths: &mut Vec<(&Path, bool)>,
    summary: &mut Summary,
    progress: &mut dyn FnMut(Progress),
) {
    let result = store.replace(batch);
    for (prepared, (path, existed)) in batch.iter().zip(paths.iter()) {
        let outcome = match &result {
            Ok(()) => {
                summary.rows += prepared.document.rows.len();
                for f in &prepared.figures {
                    *summary.figures.entry(f.kind).or_default() += 1;
                }
                if *existed { Outcome::Updated } else { Outcome::New }
            }
            Err(e) => Outcome::Failed(format!("{}: not stored: {e}", path.display())),
        };
        record(summary, path, &outcome, prepared.figures.len(), &prepared.document.warnings, progress);
    }
    batch.clear();
    paths.clear();
}

fn record(
    summary: &mut Summary,
    path: &Path,
    outcome: &Outcome,
    figures: usize,
    warnings: &[String],
    progress: &mut dyn FnMut(Progress),
) {
    match outcome {
        Outcome::New => summary.new += 1,
        Outcome::Updated => summary.updated += 1,
        Outcome::Unchanged => summary.unchanged += 1,
        Outcome::Failed(msg) => summary.failed.push(msg.clone()),
    }
    progress(Progress::File { path, outcome, figures, warnings });
}

/// A file's content hash as `documents.content_hash` stores it (SHA-256,
/// hex): a file whose hash is stored is unchanged.
pub fn content_hash(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// A fingerprint of catalogue text (SHA-256, hex), recorded with the
/// derived tables so that editing the catalogue triggers a refresh.
pub fn fingerprint(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_of_every_format_are_picked_up_and_a_folders_notes_are_not() {
        for report in ["a.txt", "b.TSV", "c.html", "d.md", "e.xlsx", "f.docx", "g.pdf", "h.csv", "readme-2022.txt"] {
            assert!(is_report(Path::new(report)), "{report}");
        }
        for other in ["README.md", "SOURCES.md", "LICENSE.txt", "metrics.toml", "photo.png", "noext"] {
            assert!(!is_report(Path::new(other)), "{other}");
        }
    }
}
