//! Generations: the database file readers open is never written in place.
//!
//! A change builds the next database beside the current one (a copy of it,
//! under a name of its own), writes to that, closes it (DuckDB checkpoints
//! on close, so the file holds everything) and renames it over the current
//! one. On Linux a rename replaces the directory entry only: a process
//! reading the old file (the server's pages, an analyst's
//! `duckdb -readonly`) keeps reading it until it closes, and the old
//! generation's space is freed then. New connections see the new file.
//!
//! A crash at any point leaves the last complete generation in place: the
//! half-written next file has a name nobody opens, and is removed by the
//! next change. Two processes changing one database at once each write
//! their own next file; the last rename wins.

use std::fs;
use std::path::{Path, PathBuf};

use crate::store::{Store, StoreError};

use super::AppError;

/// The next generation's file for `db`, private to this process.
fn next_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".next-{}", std::process::id()));
    db.with_file_name(name)
}

/// Removes next files that no living process is writing: those a crash
/// left behind.
fn remove_stale(db: &Path) {
    let Some(dir) = db.parent().map(|p| if p.as_os_str().is_empty() { Path::new(".") } else { p }) else { return };
    let Some(stem) = db.file_name().map(|n| format!("{}.next-", n.to_string_lossy())) else { return };
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&stem) else { continue };
        if !another_process_alive(rest.split('.').next()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Is the process numbered `pid` (as a file name writes it) another one,
/// still running? What it left half-written is then its own, not debris.
/// This process's own leftovers are always debris: it is starting anew.
pub(super) fn another_process_alive(pid: Option<&str>) -> bool {
    pid.and_then(|p| p.parse::<u32>().ok())
        .is_some_and(|p| p != std::process::id() && Path::new(&format!("/proc/{p}")).exists())
}

/// Writes the next generation of `db` with `change` and puts it in place.
/// `change` gets the database open for writing (a copy of the current one,
/// or a new one); if it fails, or anything after it does, the current
/// generation is left as it was and the next file is removed.
pub fn write<T>(db: &Path, change: impl FnOnce(&mut Store) -> Result<T, AppError>) -> Result<T, AppError> {
    remove_stale(db);
    let next = next_path(db);
    let wal = |p: &Path| {
        let mut w = p.as_os_str().to_os_string();
        w.push(".wal");
        PathBuf::from(w)
    };
    let cleanup = || {
        let _ = fs::remove_file(&next);
        let _ = fs::remove_file(wal(&next));
    };
    cleanup();
    let result = (|| {
        if db.is_file() {
            // A log left by a writer of an older zhibiao holds changes the
            // file does not: opening and closing the file folds them in.
            if wal(db).exists() {
                drop(Store::open(db)?);
            }
            let t = std::time::Instant::now();
            fs::copy(db, &next).map_err(|e| AppError::io(&next, e))?;
            tracing::debug!("generation: copied {} in {:?}", db.display(), t.elapsed());
        }
        let value = {
            let mut store = Store::open(&next)?;
            let t = std::time::Instant::now();
            let value = change(&mut store)?;
            tracing::debug!("generation: changed in {:?}", t.elapsed());
            let t = std::time::Instant::now();
            store.connection().execute_batch("CHECKPOINT").map_err(StoreError::from)?;
            tracing::debug!("generation: checkpoint in {:?}", t.elapsed());
            value
        };
        fs::File::open(&next).and_then(|f| f.sync_all()).map_err(|e| AppError::io(&next, e))?;
        fs::rename(&next, db).map_err(|e| AppError::io(db, e))?;
        if let Some(dir) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
            // The rename itself made durable.
            let _ = fs::File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(value)
    })();
    if result.is_err() {
        cleanup();
    }
    result
}

/// What identifies one generation of a file: a new generation is a new
/// file (a new inode), however alike its size and time.
pub fn identity(db: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(db).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_change_leaves_the_current_generation() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("z.duckdb");
        write(&db, |s| Ok(s.set_meta("k", "one")?)).unwrap();
        let first = identity(&db);
        let err = write(&db, |s| -> Result<(), AppError> {
            s.set_meta("k", "two")?;
            Err(AppError::Refused("no".into()))
        });
        assert!(err.is_err());
        assert_eq!(identity(&db), first, "the file is untouched");
        assert_eq!(Store::open_read_only(&db).unwrap().meta("k").unwrap().as_deref(), Some("one"));
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    }

    #[test]
    fn a_reader_of_the_old_generation_keeps_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("z.duckdb");
        write(&db, |s| Ok(s.set_meta("k", "one")?)).unwrap();
        let reader = Store::open_read_only(&db).unwrap();
        write(&db, |s| Ok(s.set_meta("k", "two")?)).unwrap();
        assert_eq!(reader.meta("k").unwrap().as_deref(), Some("one"));
        assert_eq!(Store::open_read_only(&db).unwrap().meta("k").unwrap().as_deref(), Some("two"));
    }

    #[test]
    fn a_crashed_writers_file_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("z.duckdb");
        fs::write(dir.path().join("z.duckdb.next-4000000000"), b"half").unwrap();
        write(&db, |s| Ok(s.set_meta("k", "one")?)).unwrap();
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(names, ["z.duckdb"]);
    }
}
