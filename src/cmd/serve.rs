//! `zhibiao serve`: ingest the data folder, then serve the dashboards.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::{ingest::ingest_and_report, project_dir};
use zhibiao::web::{self, AppState, Site};

pub struct Options {
    pub bind: SocketAddr,
    pub db: PathBuf,
    pub data: Option<PathBuf>,
    pub catalogue: Option<PathBuf>,
    pub dashboards: Option<PathBuf>,
    pub queries: Option<PathBuf>,
}

pub fn run(o: Options) -> anyhow::Result<ExitCode> {
    let paths: Vec<PathBuf> = o.data.iter().cloned().collect();
    let catalogue = o.catalogue.clone().or_else(|| o.data.as_ref().map(|d| d.join("metrics.toml")));
    let (store, _) = ingest_and_report(&paths, &o.db, catalogue.as_deref(), &mut std::io::stderr())?;
    // Pages read small results from large tables; DuckDB would otherwise
    // keep whatever it scanned cached, up to most of the machine's memory.
    store.connection().execute_batch("SET memory_limit = '96MB'").context("limit DuckDB's memory")?;
    let conn = store.connection().try_clone().context("second connection to the database")?;
    let dashboards = o.dashboards.unwrap_or_else(|| project_dir("dashboards"));
    let queries = o.queries.unwrap_or_else(|| project_dir("queries"));
    let site = Site::new(conn, &dashboards, &queries);
    let state = AppState::new(site);

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(o.bind).await.with_context(|| format!("cannot listen on {}", o.bind))?;
        let addr = listener.local_addr()?;
        println!("zhibiao serving http://{addr}/");
        use std::io::Write;
        std::io::stdout().flush()?;
        axum::serve(listener, web::router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        drop(store);
        anyhow::Ok(ExitCode::SUCCESS)
    })
}
