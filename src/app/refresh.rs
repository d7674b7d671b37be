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
    /// The documents, their readings and the derived tables of the last
    /// refresh, reused while they are what the database holds.
    kept: ingest::Kept,
    /// Each file's content hash, with what the file looked like then.
    hashed: HashMap<PathBuf, (Stat, String)>,
}

/// What a file looked like when it was hashed (read just before its bytes).
#[derive(Debug, Clone, Copy)]
struct Stat {
    len: u64,
    modified: Option<std::time::SystemTime>,
    inode: (u64, u64),
    hashed_at: std::time::SystemTime,
}

impl Stat {
    fn of(meta: &std::fs::Metadata) -> Stat {
        use std::os::unix::fs::MetadataExt;
        Stat {
            len: meta.len(),
            modified: meta.modified().ok(),
            inode: (meta.dev(), meta.ino()),
            hashed_at: std::time::SystemTime::now(),
        }
    }

    /// Was the file last modified at least a second before it was hashed?
    /// A write within that second may not have moved the modification time
    /// (coarse file-system clocks), so such a hash is not trusted.
    fn settled(&self) -> bool {
        self.modified.is_some_and(|m| m + std::time::Duration::from_secs(1) < self.hashed_at)
    }
}

impl PartialEq for Stat {
    /// The same file, as far as its metadata tells: size, time, inode.
    fn eq(&self, other: &Stat) -> bool {
        (self.len, self.modified, self.inode) == (other.len, other.modified, other.inode)
    }
}

impl Refresher {
    pub fn new(paths: Paths, limits: Limits) -> Refresher {
        Refresher { paths, limits, failed: HashMap::new(), kept: Default::default(), hashed: HashMap::new() }
    }

    /// Reads what changed under the data paths into the next generation.
    /// An invalid catalogue changes nothing; a bad file is reported and the
    /// others are stored; a database error leaves the current generation.
    pub fn run(&mut self, progress: &mut dyn FnMut(Progress)) -> Result<Refreshed, AppError> {
        let (catalogue, catalogue_text) = Catalogue::load(&self.paths.catalogue)?;
        let stamp = ingest::fingerprint(&catalogue_text);
        let (files, missing) = ingest::discover(&self.paths.data);
        let hashes = self.hash(&files);
        let p = &self.paths;

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
                progress(Progress::File { path: f, outcome: &outcome, figures: 0, warnings: &[] });
            }
            return Ok(Refreshed { summary, missing, totals, ..Refreshed::default() });
        }

        let limits = self.limits;
        let mut failed_now: HashMap<PathBuf, String> = HashMap::new();
        let kept = &mut self.kept;
        let result = generation::write(&p.db, |store| {
            let upgraded_from = store.upgraded_from;
            let summary = ingest::run_hashed(store, &files, &hashes, limits, &mut |event| {
                if let Progress::File { path, outcome: Outcome::Failed(why), .. } = &event {
                    failed_now.insert(path.to_path_buf(), why.clone());
                }
                progress(event)
            })?;
            let changed = summary.new + summary.updated > 0 || upgraded_from.is_some();
            let t = std::time::Instant::now();
            let metrics = ingest::refresh_metrics_with(store, &catalogue, &stamp, changed, kept)?;
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

    /// Each readable file's content hash. A file whose size, modification
    /// time and inode are those it had when it was last hashed, and that was
    /// last modified well before then, keeps its hash: most refreshes find
    /// nothing changed, and hashing a thousand files every few minutes is
    /// the bulk of their work. (Git's index trusts the same facts; a file
    /// modified in the second it was hashed is hashed again, as Git does.)
    fn hash(&mut self, files: &[PathBuf]) -> HashMap<PathBuf, String> {
        let mut hashes = HashMap::with_capacity(files.len());
        let mut seen = HashMap::with_capacity(files.len());
        for f in files {
            let Ok(meta) = std::fs::metadata(f) else { continue };
            let stat = Stat::of(&meta);
            let hash = match self.hashed.get(f) {
                Some((s, hash)) if *s == stat && s.settled() => hash.clone(),
                _ => {
                    let Ok(bytes) = document::read_bytes(f, self.limits.max_file_bytes) else { continue };
                    ingest::content_hash(&bytes)
                }
            };
            seen.insert(f.clone(), (stat, hash.clone()));
            hashes.insert(f.clone(), hash);
        }
        self.hashed = seen;
        hashes
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn paths(dir: &Path, data: &Path) -> Paths {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        Paths {
            data: vec![data.to_path_buf()],
            db: dir.join("z.duckdb"),
            catalogue: root.join("data/metrics.toml"),
            dashboards: root.join("dashboards"),
            queries: root.join("queries"),
        }
    }

    /// Every derived table's rows, sorted, as text.
    fn derived_tables(db: &Path) -> Vec<Vec<String>> {
        let store = Store::open_read_only(db).unwrap();
        ["metrics", "observations", "targets", "attainment", "metric_series"]
            .iter()
            .map(|t| {
                let sql = format!("SELECT CAST(COLUMNS(*) AS VARCHAR) FROM {t} ORDER BY ALL");
                let frame = crate::frame::Frame::query(store.connection(), &sql, usize::MAX).unwrap();
                frame.rows.iter().map(|r| r.iter().map(|c| c.text()).collect::<Vec<_>>().join("|")).collect()
            })
            .collect()
    }

    fn copy_shipped(to: &Path) {
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        std::fs::create_dir_all(to).unwrap();
        for f in std::fs::read_dir(&shipped).unwrap().flatten() {
            if f.path().extension().is_some_and(|e| e == "txt") {
                std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
            }
        }
    }

    /// A server's refreshes write only what changed; what they leave must
    /// be what deriving everything afresh writes.
    #[test]
    fn refreshes_that_write_changes_equal_a_fresh_derivation() {
        let dir = tempfile::tempdir().unwrap();
        let docs = dir.path().join("docs");
        copy_shipped(&docs);
        let mut served = Refresher::new(paths(dir.path(), &docs), Limits::default());
        served.run(&mut |_| {}).unwrap();
        let edits = [
            ("shengtaihuanjing-2022.txt", "\n追加\t新增示范企业7家，全市PM2.5年均浓度为30微克/立方米\t无\n"),
            ("seed-2022.txt", "\n追加\t赛时共投入400辆氢燃料电池车\t无\n"),
        ];
        for (round, (file, row)) in edits.iter().enumerate() {
            let mut text = std::fs::read_to_string(docs.join(file)).unwrap();
            text.push_str(row);
            std::fs::write(docs.join(file), &text).unwrap();
            if round == 1 {
                // Another process writes a generation in between: what the
                // server kept is no longer what the file holds.
                Refresher::new(served.paths.clone(), Limits::default()).run(&mut |_| {}).unwrap();
                text.push_str("\n再追加\t新建充电桩120个\t无\n");
                std::fs::write(docs.join(file), text).unwrap();
            }
            let r = served.run(&mut |_| {}).unwrap();
            let derived = r.metrics.expect("derived again");
            assert_eq!(derived.changes_only, round == 0, "round {round}: only changes written when nothing else wrote");

            let fresh = tempfile::tempdir().unwrap();
            let mut once = Refresher::new(paths(fresh.path(), &docs), Limits::default());
            once.run(&mut |_| {}).unwrap();
            let (a, b) = (derived_tables(&served.paths.db), derived_tables(&once.paths.db));
            assert!(a.iter().all(|t| !t.is_empty()), "round {round}: every table has rows");
            assert_eq!(a, b, "round {round}: incremental and fresh derivations differ");
        }
    }

    /// A file rewritten within the second it was hashed, to the same size
    /// and modification time, is hashed again: its old hash is not trusted.
    #[test]
    fn a_file_rewritten_as_it_was_hashed_is_hashed_again() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "任务\t完成情况\n一\t完成9个\n").unwrap();
        let mut r = Refresher::new(paths(dir.path(), dir.path()), Limits::default());
        let first = r.hash(std::slice::from_ref(&file));
        let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
        std::fs::write(&file, "任务\t完成情况\n一\t完成8个\n").unwrap();
        std::fs::File::options().write(true).open(&file).unwrap().set_modified(modified).unwrap();
        let second = r.hash(std::slice::from_ref(&file));
        assert_ne!(first[&file], second[&file]);
        // Left alone, it is hashed once more while unsettled, then trusted.
        assert_eq!(r.hash(std::slice::from_ref(&file))[&file], second[&file]);
    }
}
