//! zhibiao (指标) reads Chinese government progress reports, extracts every
//! quantitative figure with its provenance into DuckDB, and serves
//! target-against-actual dashboards over it.
//!
//! Data flows one way through modules that each hold one concern:
//!
//! ```text
//! files ─ document::read ─▶ Document ─ extract::figures ─▶ Figure ─ store ─▶ DuckDB
//! ```
//!
//! `document` knows files and layouts, `extract` knows Chinese numerals and
//! the genre's wording, `metrics` pairs targets with actuals and builds
//! series, `store` knows DuckDB; `ingest` wires them for the command line,
//! and `eval` scores extraction against FORMAT.md gold files. On the
//! reading side, `frame` holds query results, `chart` draws them as SVG,
//! `dashboard` turns dashboard files into drawn panels, and `web` serves
//! it all over HTTP.
//!
//! Documents and metrics are named by [`DocId`] and [`MetricId`] (module
//! `id`): both are text, and the type says which one a field or an
//! argument carries.
//!
//! The modules that need DuckDB (`store`, and `ingest`, `frame`,
//! `dashboard`, `web` above it) are behind the `db` feature, on by default.
//! Without it (`default-features = false`) the crate is reading,
//! extraction, metrics, charts and eval only, as the fuzz targets use it.

#[cfg(feature = "db")]
pub mod app;
pub mod chart;
#[cfg(feature = "db")]
pub mod dashboard;
pub mod document;
pub mod eval;
pub mod extract;
#[cfg(feature = "db")]
pub mod frame;
pub mod id;
#[cfg(feature = "db")]
pub mod ingest;
pub mod lexicon;
pub mod metrics;
pub mod numbers;
#[cfg(feature = "db")]
pub mod route;
#[cfg(feature = "db")]
pub mod sql;
#[cfg(feature = "db")]
pub mod store;
#[cfg(feature = "db")]
pub mod web;

pub use id::{DocId, MetricId};
