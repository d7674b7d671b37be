//! The analysts' console: `/sql` (a page), `/sql.csv|.xlsx|.parquet|.json`
//! (the same answer as a download) and `/api/sql` (JSON).
//!
//! A question is its URL (`/sql?sql=…`, or a saved query `/sql?query=name`
//! with its `:name` parameters as fields), so an answer is shared as a
//! link, as in Datasette. Statements run in [`crate::sql::Console`]'s
//! sandbox on threads of their own, never on the pages' permits. When the
//! site has a token, every console request must carry it: an
//! `Authorization: Bearer` header, the `zhibiao_sql` cookie, or `token=`
//! in the URL (which sets the cookie and is then dropped from it).

use askama::Template;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use subtle::ConstantTimeEq;

use super::pages::{NavLink, built, nav, page};
use super::{Reply, Site};
use crate::dashboard::{self, Body, Kind, Panel, TableView};
use crate::frame::{Cell, Frame};
use crate::route::{ConsoleLink, Route};
use crate::sql::export::{self, Format};
use crate::sql::{Answer, Relation, SqlError};

/// The console's one script: Ctrl/Cmd + Enter runs the editor's
/// statement. The Content-Security-Policy allows this script alone, by
/// its hash (see `guard`).
pub const SCRIPT: &str = "document.getElementById('sql')?.addEventListener('keydown', function (e) { \
if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); this.form.submit(); } });";

/// The cookie a browser keeps the console's token in.
const COOKIE: &str = "zhibiao_sql";

/// Names a saved query's parameters cannot take: the console's own.
const RESERVED: &[&str] = &["sql", "query", "token", "format"];

/// A console request's fields, as the URL gave them.
pub struct Asked {
    pub link: ConsoleLink,
    /// `token=` from the URL, when given.
    pub token: Option<String>,
}

impl Asked {
    pub fn from_pairs(pairs: Vec<(String, String)>, format: Option<Format>) -> Asked {
        let mut link = ConsoleLink { format, ..ConsoleLink::default() };
        let mut token = None;
        for (k, v) in pairs {
            match k.as_str() {
                "sql" => link.sql = Some(v).filter(|s| !s.trim().is_empty()),
                "query" => link.saved = Some(v).filter(|s| !s.is_empty()),
                "token" => token = Some(v),
                "format" => {}
                _ => link.params.push((k, v)),
            }
        }
        Asked { link, token }
    }
}

/// Whether a request may use the console: `Ok(true)` when it came with the
/// token in its URL (the page then sets the cookie and drops it).
pub fn allowed(site: &Site, headers: &HeaderMap, url_token: Option<&str>) -> Result<bool, Reply> {
    if site.console.is_none() {
        return Err(Reply::error(StatusCode::NOT_FOUND, "SQL 控制台未启用（设置 [sql] enabled = true）"));
    }
    let Some(expected) = site.console_token.as_deref() else { return Ok(false) };
    let same = |given: &str| bool::from(given.as_bytes().ct_eq(expected.as_bytes()));
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(same);
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix(&format!("{COOKIE}=")))
        .any(same);
    let in_url = url_token.is_some_and(same);
    if bearer || cookie || in_url {
        Ok(in_url)
    } else {
        Err(Reply::error(
            StatusCode::UNAUTHORIZED,
            "SQL 控制台需要访问令牌：在地址后加 ?token=…，或在请求头中加 Authorization: Bearer …",
        ))
    }
}

/// The URL-token's answer: the cookie set, and the same address without
/// the token (so it is not left in history or shared links).
pub fn remember_token(token: &str, link: &ConsoleLink) -> Response {
    let cookie = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
    let mut res = Redirect::to(&Route::Console(link.clone()).path()).into_response();
    if let Ok(v) = header::HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// The statement a request runs: its own SQL, or its saved query's.
fn statement<'a>(site: &'a Site, link: &'a ConsoleLink) -> Result<Option<&'a str>, SqlError> {
    match (&link.sql, &link.saved) {
        (Some(sql), _) => Ok(Some(sql)),
        (None, Some(name)) => match site.queries.get(name) {
            Some(q) => Ok(Some(&q.sql)),
            None => Err(SqlError::Invalid(format!("没有名为 {name} 的已保存查询"))),
        },
        (None, None) => Ok(None),
    }
}

/// Runs what `link` asks, on the calling (blocking) thread.
pub fn run(site: &Site, link: &ConsoleLink) -> Option<Result<Answer, SqlError>> {
    let console = site.console.as_ref()?;
    match statement(site, link) {
        Ok(Some(sql)) => Some(console.run(sql, &link.params)),
        Ok(None) => None,
        Err(e) => Some(Err(e)),
    }
}

/// `/api/sql`: the answer as JSON, or the refusal with its message.
pub fn api(site: &Site, link: &ConsoleLink) -> Reply {
    match run(site, link) {
        None => Reply::error(StatusCode::BAD_REQUEST, &SqlError::Empty.to_string()),
        Some(Ok(a)) => Reply::json(&serde_json::json!({
            "columns": a.frame.columns,
            "rows": a.frame.rows,
            "row_count": a.frame.rows.len(),
            "truncated": a.frame.truncated,
            "elapsed_ms": a.elapsed.as_secs_f64() * 1000.0,
        })),
        Some(Err(e)) => refusal(&e),
    }
}

/// A refusal as the API answers it: the person's mistake is 400 (or 408
/// past the time limit), the server's own trouble 500.
fn refusal(e: &SqlError) -> Reply {
    let status = match e {
        SqlError::TimedOut(_) => StatusCode::REQUEST_TIMEOUT,
        SqlError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    Reply::error(status, &e.to_string())
}

/// `/sql.csv` and the other downloads.
pub fn download(site: &Site, link: &ConsoleLink, format: Format) -> Reply {
    match run(site, link) {
        None => Reply::error(StatusCode::BAD_REQUEST, &SqlError::Empty.to_string()),
        Some(Ok(a)) => match export::write(&a.frame, format, true) {
            Ok(body) => Reply {
                status: StatusCode::OK,
                content_type: format.content_type(),
                body: body.into(),
                filename: Some(format!("{}.{}", link.saved.as_deref().unwrap_or("查询结果"), format.extension())),
            },
            Err(e) => Reply::error(StatusCode::INTERNAL_SERVER_ERROR, &e),
        },
        Some(Err(e)) => refusal(&e),
    }
}

struct SavedLink {
    name: String,
    title: String,
    href: String,
}

struct ParamField {
    name: String,
    value: String,
}

struct Download {
    label: &'static str,
    href: String,
}

#[derive(Template)]
#[template(path = "console.html")]
struct ConsolePage {
    nav: Vec<NavLink>,
    built: String,
    sql: String,
    saved: Option<String>,
    saved_title: String,
    fields: Vec<ParamField>,
    saved_links: Vec<SavedLink>,
    schema: Vec<Relation>,
    result: Option<TableView>,
    summary: String,
    downloads: Vec<Download>,
    error: Option<String>,
    chart: Option<String>,
    chart_toml: Option<String>,
    script: &'static str,
}

/// `/sql`: the editor, the schema, the saved queries and, when asked, the
/// answer with its downloads and a chart where one fits.
pub fn page_for(site: &Site, link: &ConsoleLink) -> Reply {
    let saved = link.saved.as_ref().and_then(|n| site.queries.get(n).map(|q| (n, q)));
    let sql = match (&link.sql, saved) {
        (Some(s), _) => s.clone(),
        (None, Some((_, q))) => q.sql.clone(),
        _ => "SELECT metric, period_label, target, actual, status\nFROM attainment\nLIMIT 20".to_owned(),
    };
    let fields = saved
        .map(|(_, q)| {
            q.params
                .iter()
                .filter(|p| !RESERVED.contains(&p.as_str()))
                .map(|p| ParamField {
                    name: p.clone(),
                    value: link.params.iter().find(|(k, _)| k == p).map(|(_, v)| v.clone()).unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    // A saved query runs once every parameter has a value.
    let given = |p: &String| link.params.iter().any(|(k, v)| k == p && !v.is_empty());
    let asked = link.sql.is_some() || saved.is_some_and(|(_, q)| q.params.iter().all(given));
    let mut view = ConsolePage {
        nav: nav(site),
        built: built(site),
        sql,
        saved: saved.map(|(n, _)| n.clone()),
        saved_title: saved.map(|(_, q)| q.title.clone()).unwrap_or_default(),
        fields,
        saved_links: site
            .queries
            .iter()
            .map(|(name, q)| SavedLink {
                name: name.clone(),
                title: if q.title.is_empty() { name.clone() } else { q.title.clone() },
                href: Route::Console(ConsoleLink { saved: Some(name.clone()), ..ConsoleLink::default() }).path(),
            })
            .collect(),
        schema: site.console.as_ref().and_then(|c| c.schema().ok()).unwrap_or_default(),
        result: None,
        summary: String::new(),
        downloads: Vec::new(),
        error: None,
        chart: None,
        chart_toml: None,
        script: SCRIPT,
    };
    let mut status = StatusCode::OK;
    if asked {
        match run(site, link) {
            Some(Ok(a)) => {
                view.summary = format!(
                    "共 {} 行{}，用时 {:.0} 毫秒",
                    a.frame.rows.len(),
                    if a.frame.truncated {
                        "（已截断：只返回前这些行，请加 WHERE 或 LIMIT）"
                    } else {
                        ""
                    },
                    a.elapsed.as_secs_f64() * 1000.0
                );
                view.downloads = Format::DOWNLOADS
                    .into_iter()
                    .map(|f| Download { label: f.label(), href: Route::Console(link.as_format(f)).path() })
                    .collect();
                if let Some((svg, toml)) = chart(&view.sql, &a.frame) {
                    view.chart = Some(svg);
                    view.chart_toml = Some(toml);
                }
                view.result = Some(dashboard::table(&a.frame, None));
            }
            Some(Err(e)) => {
                status = refusal(&e).status;
                view.error = Some(e.to_string());
            }
            None => {}
        }
    }
    page(status, &view)
}

/// A chart for an answer with a period column (each period once) and a
/// number column: a line
/// over dates (`period_end`, or any date column), bars over labels
/// (`period`, `period_label`, `year`). The same drawing as the dashboards,
/// and the TOML of the panel that would draw it on one.
fn chart(sql: &str, frame: &Frame) -> Option<(String, String)> {
    let kind_of = |i: usize| frame.rows.iter().map(|r| &r[i]).find(|c| !c.is_null());
    let date = (0..frame.columns.len()).find(|&i| matches!(kind_of(i), Some(Cell::Date(_))));
    let label = || ["period_label", "period", "year", "label"].iter().find_map(|n| frame.column(n));
    let (kind, x) = match date {
        Some(i) => (Kind::Line, i),
        None => (Kind::Bar, label()?),
    };
    // One line: each period once. Rows of several metrics per period
    // (a unit each) make no one chart.
    let mut seen = std::collections::HashSet::new();
    if !frame.rows.iter().all(|r| seen.insert(r[x].text())) {
        return None;
    }
    let y = frame.column("value").filter(|&i| i != x).or_else(|| {
        (0..frame.columns.len()).find(|&i| i != x && matches!(kind_of(i), Some(Cell::Int(_) | Cell::Float(_))))
    })?;
    let mut panel = Panel::inline("查询结果", kind, sql.to_owned());
    panel.x = Some(frame.columns[x].clone());
    panel.y = Some(frame.columns[y].clone());
    let svg = match dashboard::draw(&panel, frame) {
        Ok(Body::Charts { mut charts }) if !charts.is_empty() => charts.remove(0).svg,
        _ => return None,
    };
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        panel: [&'a Panel; 1],
    }
    let toml = toml::to_string(&Doc { panel: [&panel] }).ok()?;
    Some((svg, toml))
}
