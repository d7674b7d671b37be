//! `zhibiao serve`: ingest the data folder, then serve the dashboards.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use super::ServerArgs;
use super::{ingest::ingest_and_report, project_dir};
use zhibiao::ingest::Limits;
use zhibiao::store::Store;
use zhibiao::web::{self, AppState, Guard, Site};

pub struct Options {
    pub bind: SocketAddr,
    pub db: PathBuf,
    pub data: Option<PathBuf>,
    pub catalogue: Option<PathBuf>,
    pub dashboards: Option<PathBuf>,
    pub queries: Option<PathBuf>,
    pub limits: Limits,
    pub server: ServerArgs,
}

pub fn run(o: Options) -> anyhow::Result<ExitCode> {
    if !o.bind.ip().is_loopback() {
        eprintln!(
            "warning: serving on {}, a public address: anyone who can reach it can read every dashboard and document. \
             Bind to 127.0.0.1 behind a proxy with authentication unless the data is public.",
            o.bind
        );
    }
    let paths: Vec<PathBuf> = o.data.iter().cloned().collect();
    let catalogue = o.catalogue.clone().or_else(|| o.data.as_ref().map(|d| d.join("metrics.toml")));
    let (store, _) = ingest_and_report(&paths, &o.db, catalogue.as_deref(), o.limits, &mut std::io::stderr())?;
    // The writer is done: pages read through a read-only, sandboxed
    // instance. Pages read small results from large tables; DuckDB would
    // otherwise keep whatever it scanned cached, up to most of the
    // machine's memory.
    drop(store);
    let reader = Store::open_sandboxed(&o.db, "96MB").context("open the database for reading")?;
    let conn = reader.connection().try_clone().context("a connection for the pages")?;
    let dashboards = o.dashboards.unwrap_or_else(|| project_dir("dashboards"));
    let queries = o.queries.unwrap_or_else(|| project_dir("queries"));
    let site = Site::new(conn, &dashboards, &queries).with_cache_budget(o.server.cache_mb as u64 * (1 << 20));
    let guard = Guard::for_bind(
        o.bind,
        Duration::from_secs(o.server.request_timeout.max(1)),
        o.server.max_concurrent,
        &o.server.allowed_hosts,
    );
    let state = AppState::with_workers(site, guard.max_concurrent);

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(o.bind).await.with_context(|| format!("cannot listen on {}", o.bind))?;
        let addr = listener.local_addr()?;
        println!("zhibiao serving http://{addr}/");
        use std::io::Write;
        std::io::stdout().flush()?;
        axum::serve(listener, web::router_with(state, &guard))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        drop(reader);
        anyhow::Ok(ExitCode::SUCCESS)
    })
}
