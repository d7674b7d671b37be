//! Helpers shared by the integration tests that run the application.

use std::path::{Path, PathBuf};

use zhibiao::app::Paths;

pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A project in a temporary folder: the shipped `files` (reports, the
/// catalogue) copied into its `data/`, the shipped dashboards and queries.
pub fn project(dir: &Path, files: &[&str]) -> Paths {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    for f in files {
        std::fs::copy(format!("{ROOT}/data/{f}"), data.join(f)).unwrap();
    }
    Paths {
        data: vec![data.clone()],
        db: dir.join("z.duckdb"),
        catalogue: data.join("metrics.toml"),
        dashboards: PathBuf::from(format!("{ROOT}/dashboards")),
        queries: PathBuf::from(format!("{ROOT}/queries")),
    }
}
