//! The application layer: what the front ends (the command line, the
//! server, its scheduler) do with the store, in one place.
//!
//! - [`Refresher`]: read `data/`, ingest what changed, derive, as a new
//!   database generation ([`generation`]): the file readers open is never
//!   written in place, so analysts can hold it open read-only and a failed
//!   refresh leaves the served data as it was.
//! - [`site`]: the current site, opened read-only over the current
//!   generation, with the analysts' SQL console; the server swaps it
//!   after each refresh.
//! - [`snapshot`]: the site written to disk as a self-contained folder,
//!   with the data behind it and what changed since the last one.
//! - [`schedule`] and [`settings`]: when the server refreshes and
//!   snapshots, from `zhibiao.toml` and the environment.
//! - [`alert`]: webhooks told when a snapshot finds targets newly missed.
//! - [`read`]: read-only questions for the command line (attainment,
//!   catalogue proposals).
//!
//! Data flows one way: `app` uses `ingest`, `store` and `web`'s pages (a
//! snapshot is the site rendered to files); nothing below reaches up here.

pub mod alert;
pub mod generation;
pub mod read;
mod refresh;
pub mod schedule;
pub mod server;
pub mod settings;
pub mod snapshot;

use std::path::{Path, PathBuf};

pub use refresh::{Refreshed, Refresher};
pub use server::App;
pub use settings::Settings;

use crate::store::{Store, StoreError};
use crate::web::Site;

/// The files the application works on.
#[derive(Debug, Clone)]
pub struct Paths {
    /// Report files and folders (default: the shipped `data/`).
    pub data: Vec<PathBuf>,
    pub db: PathBuf,
    pub catalogue: PathBuf,
    pub dashboards: PathBuf,
    pub queries: PathBuf,
}

/// Why an application step failed. Each names what it was working on.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Catalogue(#[from] crate::metrics::catalogue::CatalogueError),
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{0}")]
    Settings(String),
    #[error("{0}")]
    Refused(String),
}

impl AppError {
    pub fn io(path: &Path, source: std::io::Error) -> AppError {
        AppError::Io { path: path.display().to_string(), source }
    }
}

/// DuckDB's memory for the pages' read-only connection. Pages read small
/// results from large tables; DuckDB would otherwise keep whatever it
/// scanned cached, up to most of the machine's memory.
pub const PAGE_MEMORY: &str = "96MB";

/// The site over the current generation of `paths.db`, opened read-only
/// and sandboxed (no file or network access from its SQL), with the
/// analysts' console as `sql` sets it: its own sandboxed instance over the
/// same generation.
pub fn site(paths: &Paths, sql: &settings::SqlSettings) -> Result<Site, AppError> {
    let reader = Store::open_sandboxed(&paths.db, PAGE_MEMORY)?;
    let conn = reader.connection().try_clone().map_err(StoreError::from)?;
    let site = Site::new(conn, &paths.dashboards, &paths.queries);
    if !sql.enabled {
        return Ok(site);
    }
    let console = crate::sql::Console::open(&paths.db, sql.limits())?;
    Ok(site.with_console(console, sql.token.clone()))
}

/// Refuses a console open to the network without a token: when the server
/// binds beyond loopback, anyone who reaches it could query every figure.
pub fn check_console_access(sql: &settings::SqlSettings, bind: std::net::SocketAddr) -> Result<(), AppError> {
    if sql.enabled && sql.token.as_deref().is_none_or(str::is_empty) && !bind.ip().is_loopback() {
        return Err(AppError::Settings(format!(
            "the SQL console would be open to anyone who reaches {bind}: set a token ([sql] token in zhibiao.toml, \
             or ZHIBIAO_SQL_TOKEN), or turn the console off ([sql] enabled = false), or bind to 127.0.0.1"
        )));
    }
    Ok(())
}
