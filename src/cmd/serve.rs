//! `zhibiao serve`: the application's site over HTTP, refreshed and
//! snapshotted on schedule.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use super::ServerArgs;
use zhibiao::app::{App, Paths, Settings};
use zhibiao::ingest::Limits;
use zhibiao::web::{self, Guard};

pub struct Options {
    pub bind: SocketAddr,
    pub paths: Paths,
    pub config: Option<PathBuf>,
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
    // Settings first: a schedule that does not parse stops here, before
    // anything is read or bound.
    let settings = Settings::load(o.config.as_deref())?;
    zhibiao::app::check_console_access(&settings.sql, o.bind)?;
    let schedules = settings.schedules()?;
    let now = chrono::Utc::now();
    for (what, s) in [("refresh", &schedules.refresh), ("snapshot", &schedules.snapshot)] {
        let next: Vec<String> =
            s.upcoming(now, 3).iter().map(|t| t.format("%Y-%m-%d %H:%M:%S %Z").to_string()).collect();
        eprintln!("{what:8} \"{}\" next: {}", s.expr, next.join(", "));
    }
    let guard = Guard::for_bind(
        o.bind,
        Duration::from_secs(o.server.request_timeout.max(1)),
        o.server.max_concurrent,
        &o.server.allowed_hosts,
    );
    let app = App::build(o.paths, o.limits, settings, o.server.cache_mb as u64 * (1 << 20), guard.max_concurrent)
        .context("start the application")?;
    if let Some(Err(e)) = app.catch_up(now) {
        eprintln!("error: the missed snapshot could not be taken: {e}");
    }

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(o.bind).await.with_context(|| format!("cannot listen on {}", o.bind))?;
        let addr = listener.local_addr()?;
        println!("zhibiao serving http://{addr}/");
        use std::io::Write;
        std::io::stdout().flush()?;
        let schedule = tokio::spawn(app.clone().run_schedule());
        axum::serve(listener, web::router_with(app.state.clone(), &guard))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        schedule.abort();
        anyhow::Ok(ExitCode::SUCCESS)
    })
}
