//! HTML pages: each a function from the site and the address's argument to
//! a finished reply, through an askama template. Document text reaches the
//! templates as plain strings, which askama escapes.

use askama::Template;
use axum::http::StatusCode;
use duckdb::Connection;

use super::{PageError, Reply, Route, Site, sql};
use crate::dashboard::{self, Body, Figure, KpiView, Rendered, TableView};
use crate::extract::Kind;
use crate::frame::{Frame, Split};
use crate::id::{DocId, MetricId};

/// A link in the navigation bar.
pub struct NavLink {
    pub name: String,
    pub title: String,
}

pub(super) fn nav(site: &Site) -> Vec<NavLink> {
    site.dashboards
        .iter()
        .map(|d| NavLink {
            name: dashboard::encode(&d.name),
            title: d.dashboard.as_ref().map_or_else(|_| d.name.clone(), |x| x.title.clone()),
        })
        .collect()
}

pub(super) fn built(site: &Site) -> String {
    site.built.with_timezone(&site.timezone).format("%Y-%m-%d %H:%M").to_string()
}

pub(super) fn page(status: StatusCode, t: &impl Template) -> Reply {
    match t.render() {
        Ok(html) => Reply::html(status, html),
        Err(e) => Reply::html(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("<p>页面无法生成（参考编号 {}，详情见服务器日志）。</p>", super::log_error(&e.to_string())),
        ),
    }
}

/// A page that could not be made: the reason, in words and in the log.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    nav: Vec<NavLink>,
    built: String,
    title: String,
    message: String,
    detail: String,
}

/// An error page. A server error's detail (DuckDB's text, paths) goes to
/// the log; the page shows its reference instead.
pub(super) fn error_page(site: &Site, status: StatusCode, title: &str, message: &str, detail: &str) -> Reply {
    let detail = if status.is_server_error() {
        format!("参考编号 {}（详情见服务器日志）", super::log_error(&format!("{title}: {message} {detail}")))
    } else {
        detail.to_owned()
    };
    page_for(site, status, title, message, &detail)
}

/// A page about a dashboard file its author must fix: the file's name, line
/// and reason are the author's own words, shown in full.
fn definition_error_page(site: &Site, title: &str, message: &str, detail: &str) -> Reply {
    tracing::error!("{title}: {detail}");
    page_for(site, StatusCode::INTERNAL_SERVER_ERROR, title, message, detail)
}

fn page_for(site: &Site, status: StatusCode, title: &str, message: &str, detail: &str) -> Reply {
    page(
        status,
        &ErrorPage {
            nav: nav(site),
            built: built(site),
            title: title.to_owned(),
            message: message.to_owned(),
            detail: detail.to_owned(),
        },
    )
}

pub fn not_found(site: &Site) -> Reply {
    error_page(site, StatusCode::NOT_FOUND, "找不到页面", "这个地址没有内容。", "")
}

/// Rows a page's table shows at most.
const ROWS: usize = 10_000;

pub(super) fn with_conn(site: &Site, f: impl FnOnce(&Connection) -> Reply) -> Reply {
    match site.connection() {
        Ok(c) => f(&c),
        Err(e) => error_page(site, StatusCode::SERVICE_UNAVAILABLE, "数据库不可用", "数据库连接失败。", &e.to_string()),
    }
}

fn query(conn: &Connection, sql: &str) -> Result<Frame, String> {
    Frame::query(conn, sql, ROWS).map_err(|e| e.to_string())
}

/// [`query`] with bound parameters (see `queries/pages/`).
fn query_with(conn: &Connection, sql: &str, params: impl duckdb::Params) -> Result<Frame, String> {
    Frame::query_with(conn, sql, params, ROWS).map_err(|e| e.to_string())
}

// ------------------------------------------------------------------ index

struct DashLink {
    href: String,
    title: String,
    description: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    nav: Vec<NavLink>,
    built: String,
    dashboards: Vec<DashLink>,
    documents: TableView,
}

pub fn index(site: &Site) -> Reply {
    with_conn(site, |conn| {
        let dashboards = site
            .dashboards
            .iter()
            .map(|d| DashLink {
                href: Route::Dashboard(d.name.clone()).path(),
                title: d.dashboard.as_ref().map_or_else(|_| d.name.clone(), |x| x.title.clone()),
                description: d.dashboard.as_ref().map_or_else(|_| String::new(), |x| x.description.clone()),
                error: d.dashboard.as_ref().err().map(|e| format!("{}: {e}", d.path)),
            })
            .collect();
        let docs = match query(conn, sql::INDEX_DOCUMENTS) {
            Ok(f) => f,
            Err(e) => return error_page(site, StatusCode::INTERNAL_SERVER_ERROR, "首页", "文档列表读取失败。", &e),
        };
        let mut documents = dashboard::table(
            &docs,
            Some(&["title".into(), "org".into(), "period_label".into(), "rows_n".into(), "figures_n".into()]),
        );
        documents.header = vec!["标题".into(), "单位".into(), "期间".into(), "行数".into(), "数字数".into()];
        page(StatusCode::OK, &IndexPage { nav: nav(site), built: built(site), dashboards, documents })
    })
}

// ------------------------------------------------------------- dashboards

/// A panel as the template lays it out.
struct PanelView {
    index: usize,
    title: String,
    description: String,
    width: String,
    charts: Vec<Figure>,
    table: Option<TableView>,
    kpi: Option<KpiView>,
    error: Option<String>,
    csv: String,
    xlsx: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    nav: Vec<NavLink>,
    built: String,
    title: String,
    description: String,
    panels: Vec<PanelView>,
}

/// Renders a dashboard by name: what the page, the API and downloads share.
pub fn rendered(site: &Site, name: &str) -> Result<Rendered, PageError> {
    let loaded = site.dashboard(name).ok_or_else(|| PageError::NoDashboard(name.to_owned()))?;
    let d = loaded
        .dashboard
        .as_ref()
        .map_err(|e| PageError::BrokenDashboard { path: loaded.path.clone(), reason: e.to_string() })?;
    let conn = site.connection()?;
    Ok(dashboard::render(name, d, &site.queries, &conn))
}

pub fn dashboard(site: &Site, name: &str) -> Reply {
    let r = match rendered(site, name) {
        Ok(r) => r,
        Err(e @ PageError::NoDashboard(_)) => {
            return error_page(site, e.status(), "找不到仪表板", &e.to_string(), "");
        }
        Err(e @ PageError::BrokenDashboard { .. }) => {
            return definition_error_page(
                site,
                "仪表板文件有误",
                "这个仪表板的定义文件无法使用，请修正后刷新：",
                &e.to_string(),
            );
        }
        Err(e) => return error_page(site, e.status(), "仪表板无法显示", "数据库暂时不可用。", &e.to_string()),
    };
    let panels = r
        .panels
        .into_iter()
        .map(|p| {
            let (charts, table, kpi, error) = match p.body {
                Body::Charts { charts } => (charts, None, None, None),
                Body::Table(t) => (vec![], Some(t), None, None),
                Body::Kpi(k) => (vec![], None, Some(k), None),
                Body::Error { message } => (
                    vec![],
                    None,
                    None,
                    Some(format!(
                        "查询失败（参考编号 {}，详情见服务器日志）",
                        super::log_error(&format!("dashboard {name}, panel {} ({}): {message}", p.index + 1, p.title))
                    )),
                ),
            };
            PanelView {
                index: p.index,
                title: p.title,
                description: p.description,
                width: p.width.to_owned(),
                charts,
                table,
                kpi,
                error,
                csv: Route::PanelFile { dashboard: name.to_owned(), file: format!("{}.csv", p.index + 1) }.path(),
                xlsx: Route::PanelFile { dashboard: name.to_owned(), file: format!("{}.xlsx", p.index + 1) }.path(),
            }
        })
        .collect();
    page(
        StatusCode::OK,
        &DashboardPage { nav: nav(site), built: built(site), title: r.title, description: r.description, panels },
    )
}

/// `/d/{name}/panels/{n}.csv` or `.xlsx`: a panel's data (n from 1).
pub fn download(site: &Site, name: &str, file: &str) -> Reply {
    let Some((n, ext)) = file.rsplit_once('.') else { return not_found(site) };
    let Some(index) = n.parse::<usize>().ok().and_then(|n| n.checked_sub(1)) else { return not_found(site) };
    let Some(Ok(d)) = site.dashboard(name).map(|l| &l.dashboard) else { return not_found(site) };
    let Some(panel) = d.panels.get(index) else { return not_found(site) };
    with_conn(site, |conn| {
        let frame = match dashboard::panel_frame(panel, &site.queries, conn) {
            Ok(f) => f,
            Err(e) => return Reply::error(StatusCode::INTERNAL_SERVER_ERROR, &e),
        };
        let filename = format!("{}-{}.{ext}", name, panel.title);
        match ext {
            "csv" => Reply {
                status: StatusCode::OK,
                content_type: "text/csv; charset=utf-8",
                body: frame.to_csv().into(),
                filename: Some(filename),
            },
            "xlsx" => match frame.to_xlsx(&panel.title) {
                Ok(bytes) => Reply {
                    status: StatusCode::OK,
                    content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    body: bytes.into(),
                    filename: Some(filename),
                },
                Err(e) => Reply::error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
            },
            _ => not_found(site),
        }
    })
}

// ---------------------------------------------------------------- metrics

#[derive(Template)]
#[template(path = "metrics.html")]
struct MetricsPage {
    nav: Vec<NavLink>,
    built: String,
    metrics: TableView,
}

pub fn metrics(site: &Site) -> Reply {
    with_conn(site, |conn| match query(conn, sql::METRICS_LIST) {
        Ok(f) => {
            let mut t = dashboard::table(&f, None);
            t.header = vec!["指标".into(), "单位".into(), "时期数".into(), "目标数".into(), "来源".into()];
            page(StatusCode::OK, &MetricsPage { nav: nav(site), built: built(site), metrics: t })
        }
        Err(e) => error_page(site, StatusCode::INTERNAL_SERVER_ERROR, "全部指标", "指标列表读取失败。", &e),
    })
}

#[derive(Template)]
#[template(path = "metric.html")]
struct MetricPage {
    nav: Vec<NavLink>,
    built: String,
    name: String,
    unit: String,
    id: MetricId,
    source: String,
    /// Why the series is held back for review, if it is.
    review: Option<String>,
    chart: String,
    targets: TableView,
    observations: TableView,
}

/// What metric pages show, as `queries/pages/metric*.sql` return it: each
/// metric's head, its chart's series and targets, its targets' attainment
/// and every figure behind it. Fetched for one metric (a page served) or
/// for every metric at once (a snapshot writes them all: four queries
/// instead of four per metric, each a millisecond or more of DuckDB's own
/// work however small the answer).
pub struct MetricData {
    head: Split,
    chart: Split,
    targets: Split,
    observations: Split,
}

impl MetricData {
    /// Every metric's.
    pub fn all(conn: &Connection) -> duckdb::Result<MetricData> {
        MetricData::fetch(conn, None)
    }

    /// `id`'s alone.
    fn of(conn: &Connection, id: &MetricId) -> duckdb::Result<MetricData> {
        MetricData::fetch(conn, Some(id))
    }

    fn fetch(conn: &Connection, id: Option<&MetricId>) -> duckdb::Result<MetricData> {
        let q =
            |sql: &str, keep: bool| Frame::query_with(conn, sql, [id], usize::MAX).map(|f| f.split("metric_id", keep));
        Ok(MetricData {
            head: q(sql::METRIC, false)?,
            chart: q(sql::METRIC_CHART, true)?,
            targets: q(sql::METRIC_TARGETS, false)?,
            observations: q(sql::METRIC_OBSERVATIONS, false)?,
        })
    }
}

/// `/metric/{id}`: one metric's line with its targets, and every figure
/// behind it.
pub fn metric(site: &Site, id: &MetricId) -> Reply {
    with_conn(site, |conn| match MetricData::of(conn, id) {
        Ok(data) => metric_page(site, id, &data),
        Err(e) => error_page(site, StatusCode::INTERNAL_SERVER_ERROR, "指标", "指标数据读取失败。", &e.to_string()),
    })
}

/// A metric's page from its data.
pub fn metric_page(site: &Site, id: &MetricId, data: &MetricData) -> Reply {
    let head = data.head.part(id.as_str(), ROWS);
    let Some(head) = head.rows.first() else {
        return error_page(site, StatusCode::NOT_FOUND, "找不到指标", &format!("没有编号为 {id} 的指标。"), "");
    };
    let (name, unit, source) = (head[0].text(), head[1].text(), head[2].text());
    let review = (!head[3].is_null()).then(|| head[3].text());
    let panel = dashboard::Panel::inline(&name, dashboard::Kind::Line, sql::METRIC_CHART.to_owned());
    let chart = match dashboard::draw(&panel, &data.chart.part(id.as_str(), ROWS)) {
        Ok(Body::Charts { mut charts }) if !charts.is_empty() => charts.remove(0).svg,
        Err(message) | Ok(Body::Error { message }) => {
            return error_page(site, StatusCode::INTERNAL_SERVER_ERROR, &name, "走势图无法生成。", &message);
        }
        _ => String::new(),
    };
    page(
        StatusCode::OK,
        &MetricPage {
            nav: nav(site),
            built: built(site),
            name,
            unit,
            id: id.clone(),
            source: if source == "catalogue" { "指标目录" } else { "报告文本" }.to_owned(),
            review,
            chart,
            targets: dashboard::table(&data.targets.part(id.as_str(), ROWS), None),
            observations: dashboard::table(&data.observations.part(id.as_str(), ROWS), None),
        },
    )
}

// ----------------------------------------------------------------- review

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    nav: Vec<NavLink>,
    built: String,
    flagged: TableView,
    unanswered: TableView,
}

/// `/review`: series held back for a person's review, and targets nothing
/// answers, each linked to its metric and its row.
pub fn review(site: &Site) -> Reply {
    with_conn(site, |conn| {
        // (Compiled in from queries/, where analysts find them too: the page
        // does not depend on the folder a server was pointed at.)
        let flagged = query(conn, include_str!("../../queries/review_flagged.sql"));
        let unanswered = query(conn, include_str!("../../queries/review_unanswered.sql"));
        match (flagged, unanswered) {
            (Ok(f), Ok(u)) => {
                let mut flagged = dashboard::table(&f, None);
                flagged.header = vec!["指标".into(), "单位".into(), "时期数".into(), "原因".into()];
                page(
                    StatusCode::OK,
                    &ReviewPage { nav: nav(site), built: built(site), flagged, unanswered: dashboard::table(&u, None) },
                )
            }
            (Err(e), _) | (_, Err(e)) => {
                error_page(site, StatusCode::INTERNAL_SERVER_ERROR, "待核对", "待核对清单读取失败。", &e)
            }
        }
    })
}

// -------------------------------------------------------------- documents

struct RowLink {
    href: String,
    index: String,
    dimension: String,
    task: String,
    status: String,
    issue: String,
    figures: String,
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    nav: Vec<NavLink>,
    built: String,
    title: String,
    facts: Vec<(String, String)>,
    rows: Vec<RowLink>,
}

fn excerpt(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_owned() } else { format!("{}…", s.chars().take(n).collect::<String>()) }
}

pub fn document(site: &Site, doc: &DocId) -> Reply {
    with_conn(site, |conn| {
        let head = match query_with(conn, sql::DOCUMENT, [doc]) {
            Ok(f) if !f.rows.is_empty() => f,
            Ok(_) => {
                return error_page(site, StatusCode::NOT_FOUND, "找不到文档", &format!("没有名为 {doc} 的文档。"), "");
            }
            Err(e) => return error_page(site, StatusCode::INTERNAL_SERVER_ERROR, "文档", "文档读取失败。", &e),
        };
        let h = &head.rows[0];
        let facts = ["单位", "期间", "文件", "格式", "编码", "行数", "数字数", "读入时间"]
            .iter()
            .zip(&h[1..])
            .map(|(&k, v)| {
                let text = v.text();
                let text = match k {
                    "格式" => crate::document::Format::parse(&text).map_or(text, |f| f.chinese().to_owned()),
                    _ => text,
                };
                (k.to_string(), text)
            })
            .collect();
        let rows = match query_with(conn, sql::DOCUMENT_ROWS, [doc]) {
            Ok(f) => f,
            Err(e) => return error_page(site, StatusCode::INTERNAL_SERVER_ERROR, "文档", "文档各行读取失败。", &e),
        };
        let rows = rows
            .rows
            .iter()
            .map(|r| RowLink {
                href: r[0].text().parse().map_or_else(
                    |_| Route::Document(doc.clone()).path(),
                    |row| Route::Row { doc: doc.clone(), row }.path(),
                ),
                index: r[0].text(),
                dimension: r[1].text(),
                task: excerpt(&r[2].text(), 80),
                status: excerpt(&r[3].text(), 160),
                issue: excerpt(&r[4].text(), 60),
                figures: r[5].text(),
            })
            .collect();
        page(StatusCode::OK, &DocumentPage { nav: nav(site), built: built(site), title: h[0].text(), facts, rows })
    })
}

/// A piece of a cell's text: plain, or a figure to highlight.
struct Segment {
    text: String,
    figure: Option<FigureMark>,
}

struct FigureMark {
    seq: String,
    kind: String,
    tip: String,
}

struct CellView {
    name: String,
    segments: Vec<Segment>,
}

#[derive(Template)]
#[template(path = "row.html")]
struct RowPage {
    nav: Vec<NavLink>,
    built: String,
    doc_title: String,
    doc_href: String,
    row: String,
    dimension: String,
    cells: Vec<CellView>,
    figures: TableView,
    prev: Option<String>,
    next: Option<String>,
}

/// Splits a cell's text at its figures' spans (char offsets).
fn segments(text: &str, spans: &[(usize, usize, FigureMark)]) -> Vec<Segment> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    for (s, e, mark) in spans {
        let (s, e) = ((*s).min(chars.len()), (*e).min(chars.len()));
        if s < at {
            continue;
        }
        if s > at {
            out.push(Segment { text: chars[at..s].iter().collect(), figure: None });
        }
        out.push(Segment {
            text: chars[s..e].iter().collect(),
            figure: Some(FigureMark { seq: mark.seq.clone(), kind: mark.kind.clone(), tip: mark.tip.clone() }),
        });
        at = e;
    }
    if at < chars.len() {
        out.push(Segment { text: chars[at..].iter().collect(), figure: None });
    }
    out
}

pub fn row(site: &Site, doc: &DocId, row: u32) -> Reply {
    with_conn(site, |conn| {
        let cells = match query_with(conn, sql::ROW, duckdb::params![doc, row]) {
            Ok(f) if !f.rows.is_empty() => f,
            Ok(_) => {
                return error_page(
                    site,
                    StatusCode::NOT_FOUND,
                    "找不到这一行",
                    &format!("文档 {doc} 没有第 {row} 行。"),
                    "",
                );
            }
            Err(e) => return error_page(site, StatusCode::INTERNAL_SERVER_ERROR, "行", "这一行读取失败。", &e),
        };
        let figures = match query_with(conn, sql::ROW_FIGURES, duckdb::params![doc, row]) {
            Ok(f) => f,
            Err(e) => return error_page(site, StatusCode::INTERNAL_SERVER_ERROR, "行", "这一行的数字读取失败。", &e),
        };
        let c = &cells.rows[0];
        let kinds = |k: &str| Kind::parse(k).unwrap_or(Kind::Other).label();
        let mut views = Vec::new();
        for (i, (col, name)) in
            [("task", "自查内容（年度任务）"), ("status", "落实情况"), ("issue", "存在问题及原因")].iter().enumerate()
        {
            let text = c[i + 1].text();
            let spans: Vec<(usize, usize, FigureMark)> = figures
                .rows
                .iter()
                .filter(|f| f[1].text() == *col)
                .map(|f| {
                    let tip = format!("{}：{}{}（{}）", f[9].text(), f[5].text(), f[6].text(), kinds(&f[8].text()));
                    (
                        f[2].as_f64().unwrap_or(0.0) as usize,
                        f[3].as_f64().unwrap_or(0.0) as usize,
                        FigureMark { seq: f[0].text(), kind: f[8].text(), tip },
                    )
                })
                .collect();
            views.push(CellView { name: name.to_string(), segments: segments(&text, &spans) });
        }
        let mut table = dashboard::table(
            &figures,
            Some(&["text".into(), "value".into(), "unit".into(), "qualifier".into(), "kind".into(), "label".into()]),
        );
        table.header = vec!["原文".into(), "数值".into(), "单位".into(), "限定".into(), "类型".into(), "指标".into()];
        for (cells, f) in table.rows.iter_mut().zip(&figures.rows) {
            cells[0].1 = Some(format!("#f{}", f[0].text()));
            cells[4].0 = kinds(&f[8].text()).to_owned();
        }
        let last = c[5].as_f64().unwrap_or(0.0) as u32;
        let row_href = |row: u32| Route::Row { doc: doc.clone(), row }.path();
        page(
            StatusCode::OK,
            &RowPage {
                nav: nav(site),
                built: built(site),
                doc_title: c[4].text(),
                doc_href: Route::Document(doc.clone()).path(),
                row: row.to_string(),
                dimension: c[0].text(),
                cells: views,
                figures: table,
                prev: (row > 1).then(|| row_href(row - 1)),
                next: (row < last).then(|| row_href(row + 1)),
            },
        )
    })
}
