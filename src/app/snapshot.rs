//! Snapshots: the site written to disk, self-contained.
//!
//! `snapshots/2026-W49/` holds `index.html` (led by what changed since the
//! previous snapshot), a page per dashboard, metric and document with
//! relative links between them, the stylesheet inline and every chart an
//! inline SVG: opened from disk it makes no request to any server. Beside
//! the pages, `data/` holds the tables behind them as CSV (made safe for
//! spreadsheets) and Parquet, and `manifest.json` says when, from which
//! documents (with their hashes) and which metrics.
//!
//! The folder is written under a hidden name and renamed into place when
//! complete: a snapshot that fails halfway, or a process killed while
//! writing, leaves no half-written folder (the hidden one is removed by
//! the next snapshot). The database records what the snapshot showed (see
//! `store::snapshots`) in the same new generation that the folder is
//! renamed into place from.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::{AppError, Paths, generation};
use crate::frame::Frame;
use crate::id::{DocId, MetricId};
use crate::store::{Changes, SnapshotRecord, Store, StoreError};
use crate::web::{self, Route, Site};

/// How a snapshot is taken.
#[derive(Debug, Clone)]
pub struct Options {
    /// The folder snapshots go in (`snapshots`).
    pub dir: PathBuf,
    /// When it is taken, and the zone its week is counted in.
    pub now: DateTime<Utc>,
    pub tz: Tz,
    /// Also print `report.pdf` through Chromium.
    pub pdf: bool,
}

/// A snapshot taken.
#[derive(Debug, Clone)]
pub struct Taken {
    pub record: SnapshotRecord,
    pub folder: PathBuf,
    pub changes: Changes,
    pub pages: usize,
    /// Why no PDF was written, when one was asked for and could not be.
    pub pdf_problem: Option<String>,
}

/// Tables written under `data/`, each as CSV and Parquet.
const TABLES: &[&str] = &["documents", "figures", "metrics", "observations", "targets", "attainment", "metric_series"];

#[derive(Serialize)]
struct Manifest<'a> {
    id: &'a str,
    taken_at: String,
    timezone: String,
    zhibiao: &'static str,
    schema_version: u32,
    documents: Vec<ManifestDocument>,
    metrics: Vec<ManifestMetric>,
    pages: usize,
    changes: &'a Changes,
}

#[derive(Serialize)]
struct ManifestDocument {
    id: DocId,
    title: String,
    path: String,
    sha256: String,
}

#[derive(Serialize)]
struct ManifestMetric {
    id: MetricId,
    name: String,
    unit: String,
}

/// The week a snapshot taken at `now` is for, as ISO writes it (`2026-W49`).
pub fn week_of(now: DateTime<Utc>, tz: Tz) -> String {
    now.with_timezone(&tz).format("%G-W%V").to_string()
}

/// Takes a snapshot of the current generation of `paths.db`.
pub fn take(paths: &Paths, o: &Options) -> Result<Taken, AppError> {
    let id = week_of(o.now, o.tz);
    fs::create_dir_all(&o.dir).map_err(|e| AppError::io(&o.dir, e))?;
    remove_partial(&o.dir);
    let folder = o.dir.join(&id);
    let partial = o.dir.join(format!(".partial-{}-{id}", std::process::id()));
    let _ = fs::remove_dir_all(&partial);
    let started = std::time::Instant::now();
    let frozen = Store::frozen_copy(&paths.db)?;
    let site = Site::new(frozen, &paths.dashboards, &paths.queries).with_timezone(o.tz);
    tracing::debug!("snapshot: frozen copy in {:?}", started.elapsed());
    let result = generation::write(&paths.db, |store| {
        let previous = store.snapshots()?.into_iter().find(|s| s.id != id).map(|s| s.id);
        let record = store.record_snapshot(&id, &folder.display().to_string(), o.now.naive_utc())?;
        let changes = store.changes(previous.as_deref(), &id)?;
        let pages = write_folder(&partial, &site, store, &id, o, &changes)?;
        let pdf_problem = if o.pdf { print_pdf(&partial).err() } else { None };
        // Into place, replacing the week's earlier snapshot.
        if folder.exists() {
            let old = o.dir.join(format!(".partial-{}-{id}-old", std::process::id()));
            fs::rename(&folder, &old).map_err(|e| AppError::io(&folder, e))?;
            let _ = fs::remove_dir_all(&old);
        }
        fs::rename(&partial, &folder).map_err(|e| AppError::io(&folder, e))?;
        Ok(Taken { record, folder: folder.clone(), changes, pages, pdf_problem })
    });
    if result.is_err() {
        let _ = fs::remove_dir_all(&partial);
    }
    result
}

/// Removes hidden folders that snapshots killed halfway left behind.
fn remove_partial(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(".partial-") else { continue };
        if !generation::another_process_alive(rest.split('-').next()) {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// Writes every page, the data and the manifest into `dir`. Returns the
/// number of pages.
fn write_folder(
    dir: &Path,
    site: &Site,
    store: &Store,
    id: &str,
    o: &Options,
    changes: &Changes,
) -> Result<usize, AppError> {
    let data = dir.join("data");
    fs::create_dir_all(&data).map_err(|e| AppError::io(&data, e))?;
    let conn = store.connection();
    let mut routes = vec![Route::Index, Route::Metrics, Route::Review];
    routes.extend(site.dashboards.iter().map(|d| Route::Dashboard(d.name.clone())));
    {
        let mut stmt = conn.prepare(web::sql::SNAPSHOT_PAGES).map_err(StoreError::from)?;
        let pages = stmt
            .query_map([], |r| {
                let (kind, id): (String, String) = (r.get(0)?, r.get(1)?);
                Ok(if kind == "metric" { Route::Metric(id.into()) } else { Route::Document(id.into()) })
            })
            .map_err(StoreError::from)?;
        for page in pages {
            routes.push(page.map_err(StoreError::from)?);
        }
    }
    let lead = crate::web::status::changes_html(changes);
    let header = format!(
        "<p class=\"snapshot-note\">快照 {id} · 生成于 {} · 离线只读报告</p>",
        o.now.with_timezone(&o.tz).format("%Y-%m-%d %H:%M")
    );
    let started = std::time::Instant::now();
    let metrics = {
        let conn = site.connection().map_err(StoreError::from)?;
        web::MetricData::all(&conn).map_err(StoreError::from)?
    };
    tracing::debug!("snapshot: metric pages' data in {:?}", started.elapsed());
    // Pages are independent: rendered on every core, each thread taking
    // the next route until none is left.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let written: Result<(), AppError> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> Result<(), AppError> {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(route) = routes.get(i) else { return Ok(()) };
                        let Some(reply) = web::render_from(site, route, &metrics) else { continue };
                        let html = String::from_utf8_lossy(&reply.body);
                        let mut html = crate::route::for_snapshot(&html, web::STYLE);
                        let lead_here = if *route == Route::Index { format!("{header}{lead}") } else { header.clone() };
                        if let Some(at) = html.find("<main>") {
                            html.insert_str(at + "<main>".len(), &lead_here);
                        }
                        let file = route.file().expect("every route written has a file");
                        let file = percent_encoding::percent_decode_str(&file).decode_utf8_lossy().into_owned();
                        let path = dir.join(&file);
                        fs::write(&path, html).map_err(|e| AppError::io(&path, e))?;
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().unwrap_or_else(|_| Err(AppError::Refused("a page panicked".into()))))
    });
    written?;
    tracing::debug!("snapshot pages: {:?}", started.elapsed());
    let started = std::time::Instant::now();
    for table in TABLES {
        let frame = Frame::query(conn, &format!("SELECT * FROM {table}"), usize::MAX).map_err(StoreError::from)?;
        let csv = data.join(format!("{table}.csv"));
        fs::write(&csv, frame.to_csv()).map_err(|e| AppError::io(&csv, e))?;
        let parquet = data.join(format!("{table}.parquet"));
        // The file name is ours (a table's name under the snapshot's own
        // folder), not a reader's input; COPY takes no bound parameter here.
        let target = parquet.display().to_string().replace('\'', "''");
        conn.execute_batch(&format!("COPY (SELECT * FROM {table}) TO '{target}' (FORMAT parquet)"))
            .map_err(StoreError::from)?;
    }

    tracing::debug!("snapshot data: {:?}", started.elapsed());
    let documents = {
        let mut stmt = conn.prepare(web::sql::SNAPSHOT_DOCUMENTS).map_err(StoreError::from)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(ManifestDocument { id: r.get(0)?, title: r.get(1)?, path: r.get(2)?, sha256: r.get(3)? })
            })
            .map_err(StoreError::from)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(StoreError::from)?
    };
    let metrics = {
        let mut stmt = conn.prepare(web::sql::SNAPSHOT_METRICS).map_err(StoreError::from)?;
        let rows = stmt
            .query_map([], |r| Ok(ManifestMetric { id: r.get(0)?, name: r.get(1)?, unit: r.get(2)? }))
            .map_err(StoreError::from)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(StoreError::from)?
    };
    let manifest = Manifest {
        id,
        taken_at: o.now.to_rfc3339(),
        timezone: o.tz.name().to_owned(),
        zhibiao: env!("CARGO_PKG_VERSION"),
        schema_version: crate::store::SCHEMA_VERSION,
        documents,
        metrics,
        pages: routes.len(),
        changes,
    };
    let path = dir.join("manifest.json");
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| AppError::Refused(e.to_string()))?;
    fs::write(&path, json).map_err(|e| AppError::io(&path, e))?;
    Ok(routes.len())
}

/// Prints the snapshot's first page to `report.pdf` with headless
/// Chromium, where it is installed.
fn print_pdf(dir: &Path) -> Result<(), String> {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| std::process::Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
        .ok_or("no Chromium found: install it (Debian: apt install chromium) for report.pdf")?;
    let index = dir.join("index.html").canonicalize().map_err(|e| e.to_string())?;
    let pdf = dir.join("report.pdf");
    let out = std::process::Command::new(browser)
        .args(["--headless", "--disable-gpu", "--no-sandbox", "--no-pdf-header-footer"])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", index.display()))
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() || !pdf.is_file() {
        return Err(format!("Chromium could not print: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(())
}
