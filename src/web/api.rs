//! The JSON API under `/api/`: the data behind the pages, for other tools.
//! Results of queries come as `{columns, rows, truncated}`; rows are arrays
//! in column order.

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::{Reply, Route, Site, pages, sql};
use crate::dashboard;
use crate::frame::Frame;
use crate::id::{DocId, MetricId};

fn frame(site: &Site, sql: &str, limit: usize) -> Reply {
    match site.connection().and_then(|c| Frame::query(&c, sql, limit)) {
        Ok(f) => Reply::json(&f),
        Err(e) => Reply::error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

pub fn index(_: &Site) -> Reply {
    Reply::json(&serde_json::json!({
        "dashboards": "/api/dashboards",
        "dashboard": "/api/dashboards/{name}",
        "panel": "/api/dashboards/{name}/panels/{index}  (index from 1; its data)",
        "metrics": "/api/metrics",
        "metric": "/api/metrics/{id}  (the metric, its series and its targets)",
        "attainment": "/api/attainment",
        "documents": "/api/documents",
        "figures": "/api/figures?doc=&row=&kind=&limit=  (limit defaults to 1000, at most 10000)",
    }))
}

#[derive(Serialize)]
struct DashboardEntry<'a> {
    name: &'a str,
    title: Option<&'a str>,
    description: Option<&'a str>,
    url: String,
    error: Option<&'a str>,
}

pub fn dashboards(site: &Site) -> Reply {
    let list: Vec<DashboardEntry> = site
        .dashboards
        .iter()
        .map(|d| DashboardEntry {
            name: &d.name,
            title: d.dashboard.as_ref().ok().map(|x| x.title.as_str()),
            description: d.dashboard.as_ref().ok().map(|x| x.description.as_str()),
            url: Route::Dashboard(d.name.clone()).path(),
            error: d.dashboard.as_ref().err().map(String::as_str),
        })
        .collect();
    Reply::json(&list)
}

#[derive(Serialize)]
struct PanelData<'a> {
    index: usize,
    title: &'a str,
    kind: &'a str,
    error: Option<String>,
    data: &'a Frame,
    csv: String,
    xlsx: String,
}

pub fn dashboard(site: &Site, name: &str) -> Reply {
    match pages::rendered(site, name) {
        Ok(r) => {
            let panels: Vec<PanelData> = r
                .panels
                .iter()
                .map(|p| PanelData {
                    index: p.index + 1,
                    title: &p.title,
                    kind: p.kind,
                    error: match &p.body {
                        dashboard::Body::Error { message } => Some(format!(
                            "查询失败（参考编号 {}，详情见服务器日志）",
                            super::log_error(&format!("dashboard {name}, panel {}: {message}", p.index + 1))
                        )),
                        _ => None,
                    },
                    data: &p.frame,
                    csv: Route::PanelFile { dashboard: name.to_owned(), file: format!("{}.csv", p.index + 1) }.path(),
                    xlsx: Route::PanelFile { dashboard: name.to_owned(), file: format!("{}.xlsx", p.index + 1) }.path(),
                })
                .collect();
            Reply::json(
                &serde_json::json!({ "name": r.name, "title": r.title, "description": r.description, "panels": panels }),
            )
        }
        Err(e) => e.reply(),
    }
}

pub fn panel(site: &Site, name: &str, index: &str) -> Reply {
    let Some(Ok(d)) = site.dashboard(name).map(|l| &l.dashboard) else {
        return Reply::error(StatusCode::NOT_FOUND, &format!("no dashboard named {name}"));
    };
    let Some(p) = index.parse::<usize>().ok().and_then(|i| i.checked_sub(1)).and_then(|i| d.panels.get(i)) else {
        return Reply::error(StatusCode::NOT_FOUND, &format!("dashboard {name} has no panel {index}"));
    };
    match site.connection().map_err(|e| e.to_string()).and_then(|c| dashboard::panel_frame(p, &site.queries, &c)) {
        Ok(f) => Reply::json(&f),
        Err(e) => Reply::error(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

pub fn metrics(site: &Site) -> Reply {
    frame(site, sql::API_METRICS, 100_000)
}

pub fn metric(site: &Site, id: &MetricId) -> Reply {
    let conn = match site.connection() {
        Ok(c) => c,
        Err(e) => return Reply::error(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    };
    let q = |sql: &str| Frame::query_with(&conn, sql, [id], 100_000).map_err(|e| e.to_string());
    let parts = (q(sql::API_METRIC), q(sql::API_METRIC_SERIES), q(sql::API_METRIC_TARGETS));
    match parts {
        (Ok(m), _, _) if m.rows.is_empty() => Reply::error(StatusCode::NOT_FOUND, &format!("no metric {id}")),
        (Ok(m), Ok(series), Ok(targets)) => {
            let metric: serde_json::Map<String, serde_json::Value> = m
                .columns
                .iter()
                .zip(&m.rows[0])
                .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap_or_default()))
                .collect();
            Reply::json(&serde_json::json!({ "metric": metric, "series": series, "targets": targets }))
        }
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => Reply::error(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

pub fn attainment(site: &Site) -> Reply {
    frame(site, sql::API_ATTAINMENT, 100_000)
}

pub fn documents(site: &Site) -> Reply {
    frame(site, sql::API_DOCUMENTS, 100_000)
}

/// The most figures one `/api/figures` reply holds (with `truncated` set
/// when there are more): a reply stays a few megabytes, whatever is asked.
pub const MAX_FIGURES: usize = 10_000;

/// Filters of `/api/figures`.
#[derive(Debug, Default, Deserialize)]
pub struct FigureQuery {
    pub doc: Option<DocId>,
    pub row: Option<u32>,
    pub kind: Option<String>,
    pub limit: Option<usize>,
}

impl FigureQuery {
    /// A canonical text form, used as the cache key and parsed back.
    /// The limit is clamped first, so `limit=99999` and `limit=10000` are
    /// one page.
    pub fn key(&self) -> String {
        serde_json::json!({ "doc": self.doc, "row": self.row, "kind": self.kind, "limit": self.limit() }).to_string()
    }

    /// Rows returned: 1,000 unless asked, at most [`MAX_FIGURES`].
    pub fn limit(&self) -> usize {
        self.limit.unwrap_or(1000).min(MAX_FIGURES)
    }
}

pub fn figures(site: &Site, key: &str) -> Reply {
    let q: FigureQuery = serde_json::from_str(key).unwrap_or_default();
    let conn = match site.connection() {
        Ok(c) => c,
        Err(e) => return Reply::error(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    };
    match Frame::query_with(&conn, sql::API_FIGURES, duckdb::params![q.doc, q.row, q.kind], q.limit()) {
        Ok(f) => Reply::json(&f),
        Err(e) => Reply::error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}
