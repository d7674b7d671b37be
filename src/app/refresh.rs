//! Refresh: the reports under `data/` into the next database generation.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{AppError, Paths, generation};
use crate::document;
use crate::ingest::{self, Limits, MetricsSummary, Outcome, Progress, Summary};
use crate::metrics::catalogue::Catalogue;
use crate::store::{self, Store, Totals};

/// What a refresh did.
#[derive(Debug, Clone, Default)]
pub struct Refreshed {
    pub summary: Summary,
    /// Paths given that do not exist.
    pub missing: Vec<String>,
    /// The derivation, when one ran.
    pub metrics: Option<MetricsSummary>,
    pub totals: Totals,
    /// The schema version a rebuilt database had.
    pub upgraded_from: Option<u32>,
    /// A new generation was written; false when nothing had changed.
    pub written: bool,
}

impl Refreshed {
    /// Every file read, and every path found.
    pub fn complete(&self) -> bool {
        self.summary.failed.is_empty() && self.missing.is_empty()
    }
}

/// Refreshes one database, remembering the files that failed so that an
/// unchanged bad file is reported again without writing a generation for
/// it every time.
pub struct Refresher {
    pub paths: Paths,
    pub limits: Limits,
    /// Failed files: their content hash when they failed, and why.
    failed: HashMap<PathBuf, (String, String)>,
    /// Each document's reading, reused while its content is unchanged.
    readings: crate::metrics::Readings,
}

impl Refresher {
    pub fn new(paths: Paths, limits: Limits) -> Refresher {
        Refresher { paths, limits, failed: HashMap::new(), readings: Default::default() }
    }

    /// Reads what changed under the data paths into the next generation.
    /// An invalid catalogue changes nothing; a bad file is reported and the
    /// others are stored; a database error leaves the current generation.
    pub fn run(&mut self, progress: &mut dyn FnMut(Progress)) -> Result<Refreshed, AppError> {
        let p = &self.paths;
        let (catalogue, catalogue_text) = Catalogue::load(&p.catalogue)?;
        let stamp = ingest::fingerprint(&catalogue_text);
        let (files, missing) = ingest::discover(&p.data);
        let hashes: HashMap<PathBuf, String> = files
            .iter()
            .filter_map(|f| {
                let bytes = document::read_bytes(f, self.limits.max_file_bytes).ok()?;
                Some((f.clone(), ingest::content_hash(&bytes)))
            })
            .collect();

        if let Some(totals) = self.unchanged(&files, &hashes, &stamp) {
            let mut summary = Summary { unchanged: files.len(), ..Summary::default() };
            progress(Progress::Started { files: files.len() });
            for f in &files {
                let outcome = match self.failed.get(f) {
                    Some((_, why)) => {
                        summary.unchanged -= 1;
                        summary.failed.push(why.clone());
                        Outcome::Failed(why.clone())
                    }
                    None => Outcome::Unchanged,
                };
                progress(Progress::File { path: f, outcome: &outcome, figures: 0 });
            }
            return Ok(Refreshed { summary, missing, totals, ..Refreshed::default() });
        }

        let limits = self.limits;
        let mut failed_now: HashMap<PathBuf, String> = HashMap::new();
        let readings = &mut self.readings;
        let result = generation::write(&p.db, |store| {
            let upgraded_from = store.upgraded_from;
            let summary = ingest::run(store, &files, limits, &mut |event| {
                if let Progress::File { path, outcome: Outcome::Failed(why), .. } = &event {
                    failed_now.insert(path.to_path_buf(), why.clone());
                }
                progress(event)
            })?;
            let changed = summary.new + summary.updated > 0 || upgraded_from.is_some();
            let t = std::time::Instant::now();
            let metrics = ingest::refresh_metrics_with(store, &catalogue, &stamp, changed, readings)?;
            tracing::debug!("refresh: metrics derived in {:?}", t.elapsed());
            let totals = store.totals()?;
            Ok(Refreshed { summary, missing, metrics, totals, upgraded_from, written: true })
        });
        self.failed = failed_now
            .into_iter()
            .map(|(path, why)| {
                let hash = hashes.get(&path).cloned().unwrap_or_default();
                (path, (hash, why))
            })
            .collect();
        result
    }

    /// The current generation's totals when it holds everything already:
    /// no file new or changed (but the same bad file as last time), the
    /// same catalogue and schema. `None` when a new generation is needed.
    fn unchanged(&self, files: &[PathBuf], hashes: &HashMap<PathBuf, String>, catalogue: &str) -> Option<Totals> {
        let current = Store::open_read_only(&self.paths.db).ok()?;
        let stored = current.stored().ok()?;
        let derived = format!("{}:{catalogue}", store::SCHEMA_VERSION);
        if current.derived_from().ok().flatten().as_deref() != Some(derived.as_str()) {
            return None;
        }
        let changed = files.iter().any(|f| {
            let hash = hashes.get(f);
            let known_bad = match (self.failed.get(f), hash) {
                (Some((h, _)), Some(now)) => h == now,
                // Unreadable then and now.
                (Some(_), None) => true,
                _ => false,
            };
            let id = document::id_for(f);
            // Same content from the same place: a file of another folder
            // with the same name, or one that moved, is for ingest to judge.
            let same = matches!((stored.get(&id), hash),
                (Some(s), Some(h)) if &s.content_hash == h && same_file(Path::new(&s.path), f));
            !same && !known_bad
        });
        if changed { None } else { current.totals().ok() }
    }
}

/// Do two paths name one file (`docs/a.txt` and `/srv/docs/a.txt`)?
fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}
