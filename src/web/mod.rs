//! The HTTP server: axum routes over a [`Site`], the data a refresh swaps
//! whole.
//!
//! Handlers are thin: they load the current site, run a page or API
//! function on a blocking thread (DuckDB calls block), and cache the bytes.
//! Every page is a pure function of the site, so the cache lives in the
//! site and goes with it when a refresh swaps in a new one: no
//! invalidation to get wrong.

mod api;
pub mod cache;
mod console;
mod error;
mod guard;
mod pages;
pub mod sql;
pub mod status;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use duckdb::Connection;

use crate::dashboard::{self, Loaded, Queries};
use crate::id::{DocId, MetricId};
pub use crate::route::{self, Route};
use cache::PageCache;
pub use error::PageError;
pub use guard::Guard;
pub use pages::MetricData;
pub use status::{Job, Status};

/// The stylesheet, embedded so pages work offline and without a CDN.
pub const STYLE: &str = include_str!("../../templates/style.css");

/// Everything a request reads. Built once per refresh, never mutated but
/// for its page cache.
pub struct Site {
    /// A connection to clone per request (DuckDB connections are not `Sync`).
    conn: Mutex<Connection>,
    pub dashboards: Vec<Loaded>,
    pub queries: Queries,
    pub dashboards_dir: PathBuf,
    /// When this site was built (shown in page footers).
    pub built: chrono::DateTime<chrono::Utc>,
    /// The zone times are shown in (the schedule's; Asia/Shanghai unless
    /// set), so a page and `/status` tell one time.
    pub timezone: chrono_tz::Tz,
    cache: PageCache,
    /// The analysts' console over this generation, when it is enabled.
    pub console: Option<crate::sql::Console>,
    /// The token every console request must carry, when set.
    pub console_token: Option<String>,
}

/// A finished response body, cheap to clone.
#[derive(Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub body: Bytes,
    /// A file name offered for download.
    pub filename: Option<String>,
}

impl Reply {
    pub fn html(status: StatusCode, body: String) -> Reply {
        Reply { status, content_type: "text/html; charset=utf-8", body: body.into(), filename: None }
    }

    pub fn json<T: serde::Serialize>(value: &T) -> Reply {
        match serde_json::to_vec(value) {
            Ok(body) => {
                Reply { status: StatusCode::OK, content_type: "application/json", body: body.into(), filename: None }
            }
            Err(e) => Reply::error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        }
    }

    /// An error as JSON. A client error says what was wrong with the
    /// request; a server error's details (DuckDB's text, paths) go to the
    /// log under a reference that the client is given instead.
    pub fn error(status: StatusCode, message: &str) -> Reply {
        if status.is_server_error() {
            let reference = log_error(message);
            return Reply::json_with(
                status,
                &serde_json::json!({ "error": "服务器内部错误，详情见服务器日志", "reference": reference }),
            );
        }
        Reply::json_with(status, &serde_json::json!({ "error": message }))
    }

    fn json_with(status: StatusCode, value: &serde_json::Value) -> Reply {
        Reply { status, content_type: "application/json", body: value.to_string().into(), filename: None }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut res = (self.status, self.body).into_response();
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        if let Some(name) = self.filename {
            let value = format!("attachment; filename*=UTF-8''{}", dashboard::encode(&name));
            if let Ok(v) = HeaderValue::from_str(&value) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
        }
        res
    }
}

impl Site {
    /// A site over a database, with dashboards and queries read from disk.
    pub fn new(conn: Connection, dashboards_dir: &Path, queries_dir: &Path) -> Site {
        let queries = dashboard::spec::load_queries(queries_dir);
        let dashboards = dashboard::spec::load_dashboards(dashboards_dir, &queries);
        for d in &dashboards {
            if let Err(e) = &d.dashboard {
                tracing::error!("dashboard {}: {e}", d.path);
            }
        }
        Site {
            conn: Mutex::new(conn),
            dashboards,
            queries,
            dashboards_dir: dashboards_dir.to_owned(),
            built: chrono::Utc::now(),
            timezone: chrono_tz::Asia::Shanghai,
            cache: PageCache::new(cache::DEFAULT_BYTES),
            console: None,
            console_token: None,
        }
    }

    /// The same site with the analysts' console, and the token it asks
    /// for when one is set.
    pub fn with_console(mut self, console: crate::sql::Console, token: Option<String>) -> Site {
        self.console = Some(console);
        self.console_token = token;
        self
    }

    /// The same site showing times in `tz`.
    pub fn with_timezone(mut self, tz: chrono_tz::Tz) -> Site {
        self.timezone = tz;
        self
    }

    /// The same site with a page cache of `bytes`.
    pub fn with_cache_budget(mut self, bytes: u64) -> Site {
        self.cache = PageCache::new(bytes);
        self
    }

    /// A fresh connection to the site's database.
    pub fn connection(&self) -> duckdb::Result<Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner()).try_clone()
    }

    /// Renders the pages everyone opens first (the index and every
    /// dashboard) into the cache: a refresh warms its new site before
    /// swapping it in, so readers never wait on a cold cache all at once.
    pub fn warm(&self) {
        // Each page on a thread of its own, with its own connection: the
        // swap waits for the slowest page, not for all of them in turn.
        std::thread::scope(|scope| {
            scope.spawn(|| self.cache.put(&Route::Index, &pages::index(self)));
            for d in &self.dashboards {
                scope.spawn(|| self.cache.put(&Route::Dashboard(d.name.clone()), &pages::dashboard(self, &d.name)));
            }
        });
    }

    pub fn dashboard(&self, name: &str) -> Option<&Loaded> {
        self.dashboards.iter().find(|d| d.name == name)
    }
}

/// A server error's details, logged under a short reference that the
/// client sees instead of them.
pub(crate) fn log_error(detail: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let reference = format!("E{}-{}", chrono::Local::now().format("%H%M%S"), NEXT.fetch_add(1, Ordering::Relaxed));
    tracing::error!(reference, "{detail}");
    reference
}

/// The handle a refresh swaps.
pub struct AppState {
    pub site: ArcSwap<Site>,
    /// What the scheduler last did and will do next, for `/status`.
    pub status: Arc<Status>,
    /// Permits for page work on blocking threads. Held until the work ends,
    /// even when its request timed out, so abandoned work cannot pile up.
    work: Arc<tokio::sync::Semaphore>,
    /// Permits for the console's statements: apart from the pages', so a
    /// crowd of analysts never holds up a dashboard.
    console_work: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    pub fn new(site: Site) -> Arc<AppState> {
        AppState::with_workers(site, Guard::default().max_concurrent)
    }

    /// A state whose pages are made by at most `workers` threads at once.
    pub fn with_workers(site: Site, workers: usize) -> Arc<AppState> {
        Arc::new(AppState {
            site: ArcSwap::from_pointee(site),
            status: Arc::new(Status::default()),
            work: Arc::new(tokio::sync::Semaphore::new(workers.max(1))),
            console_work: Arc::new(tokio::sync::Semaphore::new(CONSOLE_WORKERS)),
        })
    }

    /// Replaces the site whole; requests in flight finish on the old one.
    pub fn swap(&self, site: Site) {
        self.site.store(Arc::new(site));
    }
}

type Shared = State<Arc<AppState>>;

/// Console statements running at once; more wait their turn.
const CONSOLE_WORKERS: usize = 4;

/// Answers a console request: the token checked, the statement run on a
/// blocking thread under the console's own permits.
async fn console(
    state: Arc<AppState>,
    headers: axum::http::HeaderMap,
    pairs: Vec<(String, String)>,
    format: Option<crate::sql::export::Format>,
    api: bool,
) -> Response {
    let site = state.site.load_full();
    let asked = console::Asked::from_pairs(pairs, format);
    match console::allowed(&site, &headers, asked.token.as_deref()) {
        Err(reply) => return reply.into_response(),
        Ok(true) if !api && format.is_none() => {
            return console::remember_token(asked.token.as_deref().unwrap_or_default(), &asked.link);
        }
        Ok(_) => {}
    }
    // A generation never changes, so an answer is cached with its site
    // under its address, as any page is; a refresh starts a new cache.
    let key = match api {
        // `/api/sql?…`: the console's question, answered as JSON.
        true => Route::Api(Route::Console(asked.link.clone()).path()),
        false => Route::Console(asked.link.clone()),
    };
    if let Some(r) = site.cache.get(&key) {
        return r.into_response();
    }
    let Ok(permit) = state.console_work.clone().acquire_owned().await else {
        return Reply::error(StatusCode::SERVICE_UNAVAILABLE, "server shutting down").into_response();
    };
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let link = &asked.link;
        let reply = match (api, format) {
            (true, _) => console::api(&site, link),
            (false, Some(f)) => console::download(&site, link, f),
            (false, None) => console::page_for(&site, link),
        };
        // Refusals and time-outs are answered afresh: the latter depend on
        // the load.
        if reply.status == StatusCode::OK {
            site.cache.put(&key, &reply);
        }
        reply
    })
    .await
    .unwrap_or_else(|e| Reply::error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))
    .into_response()
}

/// The page of `route` as the server would answer it, for a snapshot:
/// `None` for a route that is no page (downloads, the API, the style).
pub fn render(site: &Site, route: &Route) -> Option<Reply> {
    Some(match route {
        Route::Index => pages::index(site),
        Route::Dashboard(name) => pages::dashboard(site, name),
        Route::Metrics => pages::metrics(site),
        Route::Metric(id) => pages::metric(site, id),
        Route::Review => pages::review(site),
        Route::Document(doc) => pages::document(site, doc),
        Route::Row { doc, row } => pages::row(site, doc, *row),
        Route::Snapshots => status::snapshots_page(site),
        Route::PanelFile { .. } | Route::Status | Route::Console(_) | Route::Api(_) | Route::Style => return None,
    })
}

/// [`render`], drawing metric pages from `metrics`, fetched for every
/// metric at once ([`MetricData::all`]): what a snapshot writes.
pub fn render_from(site: &Site, route: &Route, metrics: &MetricData) -> Option<Reply> {
    match route {
        Route::Metric(id) => Some(pages::metric_page(site, id, metrics)),
        _ => render(site, route),
    }
}

/// Runs a page function on a blocking thread against the current site,
/// through its cache under `route` (`None`: an answer not kept, such as a
/// page not found, which any address may ask for).
async fn serve(
    state: Arc<AppState>,
    route: Option<Route>,
    make: impl FnOnce(&Site) -> Reply + Send + 'static,
) -> Reply {
    let site = state.site.load_full();
    if let Some(r) = route.as_ref().and_then(|route| site.cache.get(route)) {
        return r;
    }
    let Ok(permit) = state.work.clone().acquire_owned().await else {
        return Reply::error(StatusCode::SERVICE_UNAVAILABLE, "server shutting down");
    };
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let reply = make(&site);
        if let Some(route) = &route {
            site.cache.put(route, &reply);
        }
        reply
    })
    .await
    .unwrap_or_else(|e| Reply::error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))
}

/// A page not found, for any address.
async fn not_found(state: Arc<AppState>) -> Reply {
    serve(state, None, pages::not_found).await
}

/// A number from an address in its one canonical spelling (`001` → `1`),
/// so that one page has one cache key; `None` for anything else.
fn canonical_number(s: &str) -> Option<String> {
    s.parse::<u32>().ok().map(|n| n.to_string())
}

/// `4.csv` → `4.csv`, `004.CSV` → `4.csv`.
fn canonical_file(file: &str) -> Option<String> {
    let (n, ext) = file.rsplit_once('.')?;
    Some(format!("{}.{}", canonical_number(n)?, ext.to_ascii_lowercase()))
}

/// All routes with the server's guards at their defaults.
pub fn router(state: Arc<AppState>) -> Router {
    router_with(state, &Guard::default())
}

/// All routes behind `guard`: timeouts, a concurrency limit, security
/// headers and, where set, the Host check.
pub fn router_with(state: Arc<AppState>, guard: &Guard) -> Router {
    guard.apply(routes(state))
}

/// All routes: pages, downloads, the JSON API and the stylesheet.
fn routes(state: Arc<AppState>) -> Router {
    use crate::sql::export::Format;
    // A console answer as a download: `/sql.csv`, … (the extension is the
    // one `Route::Console` writes).
    let downloads = Format::DOWNLOADS.into_iter().fold(Router::new(), |router, format| {
        router.route(
            &format!("/sql.{}", format.extension()),
            get(move |State(s): Shared, h: axum::http::HeaderMap, Query(q): Query<Vec<(String, String)>>| async move {
                console(s, h, q, Some(format), false).await
            }),
        )
    });
    Router::new()
        .merge(downloads)
        .route(
            "/",
            get(|State(s): Shared| async move { serve(s, Some(Route::Index), pages::index).await }),
        )
        .route(
            "/d/{name}",
            get(|State(s): Shared, UrlPath(name): UrlPath<String>| async move {
                serve(s, Some(Route::Dashboard(name.clone())), move |site| pages::dashboard(site, &name)).await
            }),
        )
        .route(
            "/d/{name}/panels/{file}",
            get(|State(s): Shared, UrlPath((name, file)): UrlPath<(String, String)>| async move {
                match canonical_file(&file) {
                    Some(file) => {
                        let route = Route::PanelFile { dashboard: name.clone(), file: file.clone() };
                        serve(s, Some(route), move |site| pages::download(site, &name, &file)).await
                    }
                    None => not_found(s).await,
                }
            }),
        )
        .route(
            "/metrics",
            get(
                |State(s): Shared| async move { serve(s, Some(Route::Metrics), pages::metrics).await },
            ),
        )
        .route(
            "/review",
            get(|State(s): Shared| async move { serve(s, Some(Route::Review), pages::review).await }),
        )
        .route(
            "/metrics/{id}",
            get(|State(s): Shared, UrlPath(id): UrlPath<MetricId>| async move {
                serve(s, Some(Route::Metric(id.clone())), move |site| pages::metric(site, &id)).await
            }),
        )
        .route(
            "/docs/{doc}",
            get(|State(s): Shared, UrlPath(doc): UrlPath<DocId>| async move {
                serve(s, Some(Route::Document(doc.clone())), move |site| pages::document(site, &doc)).await
            }),
        )
        .route(
            "/docs/{doc}/rows/{row}",
            get(|State(s): Shared, UrlPath((doc, row)): UrlPath<(DocId, String)>| async move {
                match row.parse::<u32>() {
                    Ok(row) => {
                        let route = Route::Row { doc: doc.clone(), row };
                        serve(s, Some(route), move |site| pages::row(site, &doc, row)).await
                    }
                    Err(_) => not_found(s).await,
                }
            }),
        )
        .route(
            "/status",
            get(|State(s): Shared| async move {
                let site = s.site.load_full();
                let status = s.status.clone();
                tokio::task::spawn_blocking(move || status::status_page(&site, &status))
                    .await
                    .unwrap_or_else(|e| Reply::error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))
            }),
        )
        .route("/api/status", get(|State(s): Shared| async move { Reply::json(&s.status.to_json()) }))
        .route(
            "/snapshots",
            get(|State(s): Shared| async move {
                serve(s, Some(Route::Snapshots), status::snapshots_page).await
            }),
        )
        .route(
            "/api",
            get(|State(s): Shared| async move {
                serve(s, Some(Route::Api(String::new())), api::index).await
            }),
        )
        .route(
            "/api/dashboards",
            get(|State(s): Shared| async move {
                serve(s, Some(Route::Api("/dashboards".into())), api::dashboards).await
            }),
        )
        .route(
            "/api/dashboards/{name}",
            get(|State(s): Shared, UrlPath(name): UrlPath<String>| async move {
                let route = Route::Api(format!("/dashboards/{}", route::encode(&name)));
                serve(s, Some(route), move |site| api::dashboard(site, &name)).await
            }),
        )
        .route(
            "/api/dashboards/{name}/panels/{index}",
            get(|State(s): Shared, UrlPath((name, index)): UrlPath<(String, String)>| async move {
                let index = canonical_number(&index).unwrap_or(index);
                let route =
                    Route::Api(format!("/dashboards/{}/panels/{}", route::encode(&name), route::encode(&index)));
                serve(s, Some(route), move |site| api::panel(site, &name, &index)).await
            }),
        )
        .route(
            "/api/metrics",
            get(|State(s): Shared| async move {
                serve(s, Some(Route::Api("/metrics".into())), api::metrics).await
            }),
        )
        .route(
            "/api/metrics/{id}",
            get(|State(s): Shared, UrlPath(id): UrlPath<MetricId>| async move {
                let route = Route::Api(format!("/metrics/{}", route::encode(id.as_str())));
                serve(s, Some(route), move |site| api::metric(site, &id)).await
            }),
        )
        .route(
            "/api/attainment",
            get(|State(s): Shared| async move {
                serve(s, Some(Route::Api("/attainment".into())), api::attainment).await
            }),
        )
        .route(
            "/api/documents",
            get(|State(s): Shared| async move {
                serve(s, Some(Route::Api("/documents".into())), api::documents).await
            }),
        )
        .route(
            "/api/figures",
            get(|State(s): Shared, Query(q): Query<api::FigureQuery>| async move {
                let key = q.key();
                let route = Route::Api(format!("/figures?{}", route::encode(&key)));
                serve(s, Some(route), move |site| api::figures(site, &key)).await
            }),
        )
        .route(
            "/sql",
            get(|State(s): Shared, h: axum::http::HeaderMap, Query(q): Query<Vec<(String, String)>>| async move {
                console(s, h, q, None, false).await
            }),
        )
        .route(
            "/api/sql",
            get(|State(s): Shared, h: axum::http::HeaderMap, Query(q): Query<Vec<(String, String)>>| async move {
                console(s, h, q, None, true).await
            }),
        )
        .route(
            "/static/style.css",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                        (header::CACHE_CONTROL, "public, max-age=3600"),
                    ],
                    STYLE,
                )
            }),
        )
        .fallback(|State(s): Shared| async move { not_found(s).await })
        .with_state(state)
}

#[cfg(test)]
mod tests;
