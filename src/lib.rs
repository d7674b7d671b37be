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

pub mod chart;
pub mod dashboard;
pub mod document;
pub mod eval;
pub mod extract;
pub mod frame;
pub mod ingest;
pub mod metrics;
pub mod store;
pub mod web;
