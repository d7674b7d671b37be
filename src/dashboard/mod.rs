//! Rendering dashboards: each panel's query run into a [`Frame`], drawn by
//! [`chart`](mod@crate::chart) or laid out as a table or a KPI.
//!
//! Rendering needs a DuckDB connection and nothing of HTTP, so the web
//! server, `zhibiao check` and the weekly snapshot all draw the same
//! panels. A panel that fails (bad SQL, a missing column) renders as an
//! error in its place; the others still render.

pub mod spec;

use std::collections::HashMap;

use duckdb::Connection;
use serde::Serialize;

use crate::chart::{self, Mark, Tone};
use crate::frame::{Cell, Frame, format_float};
use crate::metrics::catalogue::Comparator;
use crate::route::Route;
pub use spec::{Dashboard, Kind, Loaded, Panel, Queries, Role, Width};

/// A dashboard with every panel drawn.
#[derive(Debug, Clone, Serialize)]
pub struct Rendered {
    pub name: String,
    pub title: String,
    pub description: String,
    pub panels: Vec<RenderedPanel>,
}

/// One panel drawn, with the data behind it.
#[derive(Debug, Clone, Serialize)]
pub struct RenderedPanel {
    pub index: usize,
    pub title: String,
    pub description: String,
    pub kind: &'static str,
    pub width: &'static str,
    pub body: Body,
    #[serde(skip)]
    pub frame: Frame,
}

/// What a panel shows.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Body {
    /// One chart, or one per split value (small multiples).
    Charts {
        charts: Vec<Figure>,
    },
    Table(TableView),
    Kpi(KpiView),
    Error {
        message: String,
    },
}

/// A chart with an optional caption (the split value it shows).
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub caption: Option<String>,
    pub link: Option<String>,
    pub svg: String,
}

/// A table ready to lay out: header labels, and per row its cells as text
/// with an optional link each.
#[derive(Debug, Clone, Serialize)]
pub struct TableView {
    pub header: Vec<String>,
    pub rows: Vec<Vec<(String, Option<String>)>>,
    pub numeric: Vec<bool>,
    pub truncated: bool,
}

/// A big number with its change and a sparkline.
#[derive(Debug, Clone, Serialize)]
pub struct KpiView {
    pub value: String,
    pub unit: String,
    pub label: String,
    pub change: Option<String>,
    pub rising: Option<bool>,
    pub sparkline: String,
}

/// Renders every panel of a dashboard. Panels that run the same SQL (the
/// overview's three counts from one scorecard) share one run of it.
pub fn render(name: &str, d: &Dashboard, queries: &Queries, conn: &Connection) -> Rendered {
    let mut frames: HashMap<(&str, usize), Result<Frame, String>> = HashMap::new();
    let panels = d
        .panels
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let frame = match panel_sql(p, queries) {
                Ok(sql) => frames.entry((sql, p.row_limit())).or_insert_with(|| panel_frame(p, queries, conn)).clone(),
                Err(message) => Err(message),
            };
            render_frame(i, p, frame)
        })
        .collect();
    Rendered { name: name.to_owned(), title: d.title.clone(), description: d.description.clone(), panels }
}

/// Draws one panel from its query's result; failures become an error body.
fn render_frame(index: usize, p: &Panel, frame: Result<Frame, String>) -> RenderedPanel {
    let (frame, body) = match frame {
        Ok(frame) => {
            let body = draw(p, &frame).unwrap_or_else(|message| Body::Error { message });
            (frame, body)
        }
        Err(message) => (Frame::default(), Body::Error { message }),
    };
    RenderedPanel {
        index,
        title: p.title.clone(),
        description: p.description.clone(),
        kind: p.kind.as_str(),
        width: p.width.as_str(),
        body,
        frame,
    }
}

/// The SQL a panel runs.
pub fn panel_sql<'a>(p: &'a Panel, queries: &'a Queries) -> Result<&'a str, String> {
    match (&p.query, &p.sql) {
        (Some(q), _) => {
            queries.get(q).map(|q| q.sql.as_str()).ok_or_else(|| format!("no query named {q:?} in queries/"))
        }
        (None, Some(sql)) => Ok(sql),
        (None, None) => Err("the panel names no query".to_owned()),
    }
}

/// Runs a panel's query.
pub fn panel_frame(p: &Panel, queries: &Queries, conn: &Connection) -> Result<Frame, String> {
    let sql = panel_sql(p, queries)?;
    Frame::query(conn, sql, p.row_limit()).map_err(|e| format!("query failed: {e}"))
}

/// Checks that a frame has the columns a panel draws from.
pub fn check_columns(p: &Panel, frame: &Frame) -> Result<(), String> {
    for role in p.required() {
        let name = p.column(*role).unwrap_or_default();
        if frame.column(name).is_none() {
            return Err(format!(
                "a {} panel needs a column {name:?}; the query gives {}",
                p.kind.as_str(),
                frame.columns.join(", ")
            ));
        }
    }
    Ok(())
}

/// Draws a panel from its data.
pub fn draw(p: &Panel, frame: &Frame) -> Result<Body, String> {
    check_columns(p, frame)?;
    let view = View { p, frame };
    Ok(match p.kind {
        Kind::Table => Body::Table(table(frame, p.columns.as_deref())),
        Kind::Kpi => Body::Kpi(view.kpi()),
        Kind::Attainment | Kind::Bullet | Kind::Bar | Kind::Line => Body::Charts { charts: view.charts() },
    })
}

/// A panel's frame read through its column roles.
struct View<'a> {
    p: &'a Panel,
    frame: &'a Frame,
}

impl View<'_> {
    fn col(&self, role: Role) -> Option<usize> {
        self.p.column(role).and_then(|c| self.frame.column(c))
    }

    fn get<'r>(&self, row: &'r [Cell], role: Role) -> Option<&'r Cell> {
        self.col(role).map(|i| &row[i]).filter(|c| !c.is_null())
    }

    fn num(&self, row: &[Cell], role: Role) -> Option<f64> {
        self.get(row, role).and_then(Cell::as_f64)
    }

    fn text(&self, row: &[Cell], role: Role) -> String {
        self.get(row, role).map(Cell::text).unwrap_or_default()
    }

    fn named(&self, row: &[Cell], column: &str) -> Option<String> {
        self.frame.column(column).map(|i| &row[i]).filter(|c| !c.is_null()).map(Cell::text)
    }

    /// Where a mark leads: the row its figure came from, else its metric.
    fn href(&self, row: &[Cell]) -> Option<String> {
        row_link(self.frame, row)
    }

    /// `seed-2022 第11行`, when the row carries its provenance.
    fn source(&self, row: &[Cell]) -> Option<String> {
        Some(format!("{} 第{}行", self.named(row, "doc_id")?, self.named(row, "row")?))
    }

    fn tip(&self, row: &[Cell], parts: &[String]) -> String {
        let mut tip = parts.iter().filter(|s| !s.is_empty()).cloned().collect::<Vec<_>>().join("\n");
        if let Some(s) = self.source(row) {
            tip.push_str(&format!("\n来源：{s}"));
        }
        if let Some(sentence) = self.named(row, "sentence") {
            tip.push_str(&format!("\n“{sentence}”"));
        }
        tip
    }

    /// The label of a row, with its period when the frame has one.
    fn label(&self, row: &[Cell]) -> String {
        let label = self.text(row, Role::Label);
        match self.named(row, "period_label") {
            Some(p) if !p.is_empty() && p != label => format!("{label} {p}"),
            _ => label,
        }
    }

    fn charts(&self) -> Vec<Figure> {
        let Some(split) = self.col(Role::Split) else {
            let width = chart::width_for(match self.p.width {
                Width::Full => 1.0,
                Width::Half => 0.66,
                Width::Third => 0.5,
            });
            return vec![Figure {
                caption: None,
                link: None,
                svg: self.chart(&self.frame.rows.iter().collect::<Vec<_>>(), width),
            }];
        };
        let mut groups: Vec<(String, Vec<&Vec<Cell>>)> = Vec::new();
        for row in &self.frame.rows {
            let key = row[split].text();
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, rows)) => rows.push(row),
                None => groups.push((key, vec![row])),
            }
        }
        groups
            .into_iter()
            .map(|(key, rows)| {
                let caption =
                    self.named(rows[0], self.p.column(Role::Label).unwrap_or("metric")).unwrap_or(key.clone());
                let link = self.named(rows[0], "metric_id").map(|m| Route::Metric(m.into()).path());
                Figure { caption: Some(caption), link, svg: self.chart(&rows, chart::width_for(0.62)) }
            })
            .collect()
    }

    fn chart(&self, rows: &[&Vec<Cell>], width: u32) -> String {
        match self.p.kind {
            Kind::Attainment => self.attainment(rows, width),
            Kind::Bullet => self.bullet(rows, width),
            Kind::Line => self.line(rows, width),
            _ => self.bar(rows, width),
        }
    }

    fn unit(&self, row: &[Cell]) -> String {
        self.text(row, Role::Unit)
    }

    fn attainment(&self, rows: &[&Vec<Cell>], width: u32) -> String {
        let bars: Vec<chart::RatioBar> = rows
            .iter()
            .map(|row| {
                let ratio = self.num(row, Role::Ratio);
                let status = self.text(row, Role::Status);
                let tone = Tone::of(&status, ratio);
                let unit = self.unit(row);
                let target = self.num(row, Role::Target).map(|t| {
                    format!(
                        "目标 {}{}{unit}",
                        Comparator::symbol_of(&self.text(row, Role::Comparator)),
                        format_float(t)
                    )
                });
                let actual = self.num(row, Role::Actual).map(|a| format!("实际 {}{unit}", format_float(a)));
                let ratio_text = ratio.map(|r| format!("完成率 {:.1}%", r * 100.0));
                let tip = self.tip(
                    row,
                    &[
                        self.label(row),
                        [actual, target].into_iter().flatten().collect::<Vec<_>>().join(" / "),
                        format!("{}{}", tone.label(), ratio_text.map(|r| format!("（{r}）")).unwrap_or_default()),
                    ],
                );
                chart::RatioBar { label: self.label(row), ratio, tone, mark: Mark { tip, href: self.href(row) } }
            })
            .collect();
        chart::attainment(&self.p.title, width, &bars)
    }

    fn bullet(&self, rows: &[&Vec<Cell>], width: u32) -> String {
        let items: Vec<chart::Bullet> = rows
            .iter()
            .filter_map(|row| {
                let target = self.num(row, Role::Target)?;
                let actual = self.num(row, Role::Actual);
                let cmp = self.text(row, Role::Comparator);
                let tol = self.num(row, Role::Tolerance).unwrap_or(0.1);
                let band = match cmp.as_str() {
                    "at_most" => (0.0, target),
                    "about" => (target * (1.0 - tol), f64::MAX),
                    _ => (target, f64::MAX),
                };
                let status = self.text(row, Role::Status);
                let tone = Tone::of(&status, self.num(row, Role::Ratio).or(actual.map(|a| a / target)));
                let unit = self.unit(row);
                let caption = format!(
                    "{} / {}{}{unit}",
                    actual.map_or("—".to_owned(), format_float),
                    Comparator::symbol_of(&cmp),
                    format_float(target)
                );
                let tip = self.tip(row, &[self.label(row), caption.clone(), tone.label().to_owned()]);
                Some(chart::Bullet {
                    label: self.label(row),
                    actual,
                    target,
                    band,
                    tone,
                    caption,
                    mark: Mark { tip, href: self.href(row) },
                })
            })
            .collect();
        chart::bullet(&self.p.title, width, &items)
    }

    fn bar(&self, rows: &[&Vec<Cell>], width: u32) -> String {
        let mut series_names: Vec<String> = Vec::new();
        let bars: Vec<chart::Bar> = rows
            .iter()
            .filter_map(|row| {
                let value = self.num(row, Role::Y)?;
                let s = self.text(row, Role::Series);
                let series = match series_names.iter().position(|n| *n == s) {
                    Some(i) => i,
                    None => {
                        series_names.push(s);
                        series_names.len() - 1
                    }
                };
                let label = self.text(row, Role::X);
                let tip = self.tip(row, &[label.clone(), format!("{}{}", format_float(value), self.unit(row))]);
                Some(chart::Bar { label, value, series, mark: Mark { tip, href: self.href(row) } })
            })
            .collect();
        let unit = rows.first().map(|r| self.unit(r)).unwrap_or_default();
        chart::bar(&self.p.title, width, &bars, &unit)
    }

    fn line(&self, rows: &[&Vec<Cell>], width: u32) -> String {
        let x_col = self.col(Role::X);
        // Text x values keep their order of appearance.
        let mut text_xs: Vec<String> = Vec::new();
        let mut x_of = |row: &[Cell]| -> Option<(f64, String)> {
            let cell = &row[x_col?];
            let label = self.named(row, "period_label").unwrap_or_else(|| cell.text());
            let x = match cell {
                Cell::Date(d) => d.signed_duration_since(chrono::NaiveDate::default()).num_days() as f64,
                Cell::Null => return None,
                c => match c.as_f64() {
                    Some(v) => v,
                    None => {
                        let t = c.text();
                        let i = text_xs.iter().position(|x| *x == t).unwrap_or_else(|| {
                            text_xs.push(t);
                            text_xs.len() - 1
                        });
                        i as f64 * 365.0
                    }
                },
            };
            Some((x, label))
        };
        let mut series: Vec<chart::Series> = Vec::new();
        let mut targets = Vec::new();
        for row in rows {
            let Some((x, x_label)) = x_of(row) else { continue };
            let unit = self.unit(row);
            if let Some(t) = self.num(row, Role::Target) {
                let tip = self.tip(
                    row,
                    &[
                        format!("目标 {x_label}"),
                        format!(
                            "{}{}{unit}",
                            Comparator::symbol_of(&self.text(row, Role::Comparator)),
                            format_float(t)
                        ),
                    ],
                );
                targets.push(chart::TargetPoint { x, y: t, mark: Mark { tip, href: self.href(row) } });
            }
            let Some(y) = self.num(row, Role::Y) else { continue };
            let basis = chart::Basis::parse(&self.text(row, Role::Basis));
            let basis_text = match basis {
                chart::Basis::Reported => "报告值",
                chart::Basis::Derived => "按增速推算",
                chart::Basis::Forecast => "预计值",
            };
            let name = self.text(row, Role::Series);
            let tip = self.tip(
                row,
                &[
                    format!("{} {x_label}", self.text(row, Role::Label)),
                    format!("{}{unit}（{basis_text}）", format_float(y)),
                ],
            );
            let point = chart::Point { x, x_label, y, basis, mark: Mark { tip, href: self.href(row) } };
            match series.iter_mut().find(|s| s.name == name) {
                Some(s) => s.points.push(point),
                None => series.push(chart::Series { name, points: vec![point] }),
            }
        }
        let unit = rows.first().map(|r| self.unit(r)).unwrap_or_default();
        chart::line(&self.p.title, width, &series, &targets, &unit)
    }

    fn kpi(&self) -> KpiView {
        let values: Vec<f64> = self.frame.rows.iter().filter_map(|r| self.num(r, Role::Value)).collect();
        let last = self.frame.rows.iter().rev().find(|r| self.num(r, Role::Value).is_some());
        let value = values.last().copied();
        let change = (values.len() >= 2).then(|| values[values.len() - 1] - values[values.len() - 2]);
        let since = self
            .frame
            .rows
            .iter()
            .rev()
            .filter(|r| self.num(r, Role::Value).is_some())
            .nth(1)
            .map(|r| self.text(r, Role::X));
        KpiView {
            value: value.map_or("—".to_owned(), format_float),
            unit: last.map(|r| self.unit(r)).unwrap_or_default(),
            label: last.map(|r| self.text(r, Role::X)).unwrap_or_default(),
            change: change.map(|c| {
                let sign = if c > 0.0 { "+" } else { "" };
                match since {
                    Some(s) if !s.is_empty() => format!("{sign}{}（较{s}）", format_float(c)),
                    _ => format!("{sign}{}", format_float(c)),
                }
            }),
            rising: change.filter(|c| *c != 0.0).map(|c| c > 0.0),
            sparkline: chart::sparkline(&values),
        }
    }
}

/// Columns that carry provenance and links rather than something to read.
const PLUMBING: &[&str] =
    &["doc_id", "row", "figure_seq", "metric_id", "scale", "sentence", "period_end", "period_start"];

/// Header names for people.
fn header_label(column: &str) -> String {
    match column {
        "metric" => "指标",
        "period" | "period_label" => "期间",
        "target" => "目标",
        "actual" => "实际",
        "ratio" => "完成率",
        "status" => "状态",
        "shortfall" => "差额",
        "unit" | "display_unit" => "单位",
        "value" => "数值",
        "basis" => "来源类型",
        "comparator" => "比较",
        "text" | "target_text" => "原文",
        "actual_text" => "实际原文",
        "title" => "标题",
        "org" => "单位名称",
        "kind" => "类型",
        "label" => "名称",
        "count" | "n" => "数量",
        other => return other.to_owned(),
    }
    .to_owned()
}

/// A cell for people: ratios as percentages, statuses and kinds in Chinese.
fn display(column: &str, cell: &Cell) -> String {
    match (column, cell) {
        ("ratio", c) => c.as_f64().map_or(String::new(), |r| format!("{:.1}%", r * 100.0)),
        ("status", Cell::Text(s)) => Tone::of(s, None).label().to_owned(),
        ("basis", Cell::Text(s)) => match s.as_str() {
            "reported" => "报告值",
            "derived" => "按增速推算",
            "forecast" => "预计值",
            other => other,
        }
        .to_owned(),
        ("comparator", Cell::Text(s)) => Comparator::symbol_of(s).to_owned(),
        _ => cell.text(),
    }
}

/// Lays out a frame as a table: plumbing columns hidden (their content
/// becomes links: the metric name to its page, a 来源 column to the row).
pub fn table(frame: &Frame, columns: Option<&[String]>) -> TableView {
    let shown: Vec<usize> = match columns {
        Some(cols) => cols.iter().filter_map(|c| frame.column(c)).collect(),
        None => (0..frame.columns.len()).filter(|&i| !PLUMBING.contains(&frame.columns[i].as_str())).collect(),
    };
    let has_source = frame.column("doc_id").is_some() && frame.column("row").is_some();
    let mut header: Vec<String> = shown.iter().map(|&i| header_label(&frame.columns[i])).collect();
    if has_source {
        header.push("来源".to_owned());
    }
    let numeric: Vec<bool> = shown
        .iter()
        .map(|&i| frame.rows.iter().any(|r| matches!(r[i], Cell::Int(_) | Cell::Float(_))))
        .chain(has_source.then_some(false))
        .collect();
    let metric_col = frame.column("metric_id");
    let rows = frame
        .rows
        .iter()
        .map(|row| {
            let mut cells: Vec<(String, Option<String>)> = shown
                .iter()
                .map(|&i| {
                    let name = frame.columns[i].as_str();
                    let link = match (name, metric_col) {
                        ("metric", Some(m)) if !row[m].is_null() => Some(Route::Metric(row[m].text().into()).path()),
                        ("title" | "id", _) if frame.column("id").is_some() && frame.column("row").is_none() => {
                            frame.column("id").map(|c| Route::Document(row[c].text().into()).path())
                        }
                        _ => None,
                    };
                    (display(name, &row[i]), link)
                })
                .collect();
            if has_source {
                let (d, r) = (frame.column("doc_id").unwrap(), frame.column("row").unwrap());
                cells.push((format!("{} 第{}行", row[d].text(), row[r].text()), row_link(frame, row)));
            }
            cells
        })
        .collect();
    TableView { header, rows, numeric, truncated: frame.truncated }
}

/// The row page a frame row's figure came from (`#f12` marks the figure),
/// else the metric's page.
pub fn row_link(frame: &Frame, row: &[Cell]) -> Option<String> {
    let get = |c: &str| frame.column(c).map(|i| &row[i]).filter(|c| !c.is_null()).map(Cell::text);
    match (get("doc_id"), get("row")) {
        (Some(d), Some(r)) if !d.is_empty() && r != "0" => {
            let anchor = get("figure_seq").or_else(|| get("actual_seq")).map(|s| format!("#f{s}")).unwrap_or_default();
            let row = r.parse().ok()?;
            Some(format!("{}{anchor}", Route::Row { doc: d.into(), row }.path()))
        }
        _ => get("metric_id").map(|m| Route::Metric(m.into()).path()),
    }
}

pub use crate::route::encode;

#[cfg(test)]
mod tests;
