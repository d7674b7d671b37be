//! Charts as SVG strings, drawn with plotters.
//!
//! plotters draws the geometry (bars, lines, points, grid, numeric axes).
//! Chinese text is never left to plotters: without a font engine it guesses
//! text width from UTF-8 bytes, three times too wide for CJK. Labels, the
//! legend and every mark's tooltip and link are written by this module as
//! plain SVG over the plotted geometry, at the coordinates plotters maps
//! values to. Text stays text, so any browser renders it with its own
//! fonts, and each mark carries a `<title>` (value, unit, source) and a
//! link to the row its figure came from.
//!
//! This module knows nothing of queries or HTTP: it turns plain items into
//! SVG, so dashboards, snapshots and benchmarks all draw the same way.

use std::fmt::Write;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// Colours of statuses, shared with the stylesheet.
pub const MET: RGBColor = RGBColor(0x2e, 0x7d, 0x32);
pub const NEAR: RGBColor = RGBColor(0xef, 0x8f, 0x00);
pub const MISSED: RGBColor = RGBColor(0xc6, 0x28, 0x28);
pub const FORECAST: RGBColor = RGBColor(0x15, 0x65, 0xc0);
pub const NEUTRAL: RGBColor = RGBColor(0x54, 0x6e, 0x7a);
const GRID: RGBColor = RGBColor(0xe3, 0xe7, 0xeb);
const BAND: RGBColor = RGBColor(0xc8, 0xe6, 0xc9);
const TRACK: RGBColor = RGBColor(0xee, 0xf1, 0xf4);

/// Series colours for lines and bars.
const SERIES: [RGBColor; 6] = [
    RGBColor(0x15, 0x65, 0xc0),
    RGBColor(0xd8, 0x43, 0x15),
    RGBColor(0x2e, 0x7d, 0x32),
    RGBColor(0x6a, 0x1b, 0x9a),
    RGBColor(0x00, 0x83, 0x8f),
    RGBColor(0x8d, 0x6e, 0x63),
];

pub const WIDTH: u32 = 760;
const ROW: u32 = 30;
const FONT: u32 = 13;

/// A mark's tooltip and link.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mark {
    /// The `<title>`: what a reader sees on hover.
    pub tip: String,
    /// Where clicking the mark goes (the row page of its figure).
    pub href: Option<String>,
}

/// How a target was met, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Met,
    /// Missed, but by less than a tenth.
    Near,
    Missed,
    Forecast,
    NoData,
}

impl Tone {
    /// From an attainment status and ratio (`near` is a miss within 10%).
    pub fn of(status: &str, ratio: Option<f64>) -> Tone {
        match status {
            "met" => Tone::Met,
            "missed" if ratio.is_some_and(|r| (0.9..1.0).contains(&r)) => Tone::Near,
            "missed" => Tone::Missed,
            "forecast" => Tone::Forecast,
            _ => Tone::NoData,
        }
    }

    fn color(self) -> RGBColor {
        match self {
            Tone::Met => MET,
            Tone::Near => NEAR,
            Tone::Missed => MISSED,
            Tone::Forecast => FORECAST,
            Tone::NoData => NEUTRAL,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tone::Met => "已完成",
            Tone::Near => "接近完成",
            Tone::Missed => "未完成",
            Tone::Forecast => "仅有预计",
            Tone::NoData => "无数据",
        }
    }
}

/// One bar of an attainment chart.
#[derive(Debug, Clone, PartialEq)]
pub struct RatioBar {
    pub label: String,
    pub ratio: Option<f64>,
    pub tone: Tone,
    pub mark: Mark,
}

/// One row of a bullet chart: actual against target and the band where
/// the target counts as met.
#[derive(Debug, Clone, PartialEq)]
pub struct Bullet {
    pub label: String,
    pub actual: Option<f64>,
    pub target: f64,
    /// The range of actuals that meet the target.
    pub band: (f64, f64),
    pub tone: Tone,
    /// The numbers as text, shown at the row's end (`9 / 10个`).
    pub caption: String,
    pub mark: Mark,
}

/// How a point of a series came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    Reported,
    Derived,
    Forecast,
}

impl Basis {
    pub fn parse(s: &str) -> Basis {
        match s {
            "derived" => Basis::Derived,
            "forecast" => Basis::Forecast,
            _ => Basis::Reported,
        }
    }
}

/// A point of a line chart: `x` orders points (days, say), `x_label` is
/// written under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub x: f64,
    pub x_label: String,
    pub y: f64,
    pub basis: Basis,
    pub mark: Mark,
}

/// One line of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<Point>,
}

/// A target at a position on the x axis.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetPoint {
    pub x: f64,
    pub y: f64,
    pub mark: Mark,
}

/// One bar of a bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub series: usize,
    pub mark: Mark,
}

/// SVG text and attribute values are escaped, whatever a document said.
fn esc(s: &str) -> String {
    html_escape::encode_text(s).replace('"', "&quot;")
}

/// Shortens a label to `max` chars with an ellipsis.
fn clip(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_owned()
    } else {
        format!("{}…", label.chars().take(max - 1).collect::<String>())
    }
}

/// Width in pixels of a label at [`FONT`]: CJK chars are a full em, others
/// about half.
fn text_width(s: &str) -> u32 {
    s.chars().map(|c| if c.is_ascii() { FONT * 6 / 10 } else { FONT }).sum()
}

/// Marks, labels and the legend written over the plotted geometry.
#[derive(Default)]
struct Overlay(String);

impl Overlay {
    fn text(&mut self, x: i32, y: i32, anchor: &str, class: &str, content: &str) {
        let _ = write!(
            self.0,
            r#"<text x="{x}" y="{y}" text-anchor="{anchor}" dominant-baseline="middle" class="{class}">{}</text>"#,
            esc(content)
        );
    }

    fn link_open(&mut self, mark: &Mark) {
        match &mark.href {
            Some(h) => {
                let _ = write!(self.0, r#"<a href="{}">"#, esc(h));
            }
            None => self.0.push_str("<g>"),
        }
    }

    fn link_close(&mut self, mark: &Mark) {
        self.0.push_str(if mark.href.is_some() { "</a>" } else { "</g>" });
    }

    /// A transparent rectangle carrying the mark's tooltip and link.
    fn hit_rect(&mut self, (x0, y0): (i32, i32), (x1, y1): (i32, i32), mark: &Mark) {
        self.link_open(mark);
        let _ = write!(
            self.0,
            r#"<rect class="hit" x="{}" y="{}" width="{}" height="{}" fill="transparent"><title>{}</title></rect>"#,
            x0.min(x1),
            y0.min(y1),
            (x1 - x0).abs().max(1),
            (y1 - y0).abs().max(1),
            esc(&mark.tip)
        );
        self.link_close(mark);
    }

    fn hit_circle(&mut self, (x, y): (i32, i32), r: i32, mark: &Mark) {
        self.link_open(mark);
        let _ = write!(
            self.0,
            r#"<circle class="hit" cx="{x}" cy="{y}" r="{r}" fill="transparent"><title>{}</title></circle>"#,
            esc(&mark.tip)
        );
        self.link_close(mark);
    }
}

/// Finishes a plotters SVG: scales with its container but not below four
/// fifths of its drawn width (narrower, its text would be too small to
/// read: on a phone the chart scrolls sideways instead), carries an
/// accessible name, and gets the overlay on top.
fn finish(svg: String, name: &str, overlay: Overlay) -> String {
    let body_at = svg.find('>').map_or(0, |i| i + 1);
    let (head, rest) = svg.split_at(body_at);
    let view_box = head.split("viewBox=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("0 0 760 300");
    let width: u32 = view_box.split(' ').nth(2).and_then(|w| w.parse().ok()).unwrap_or(WIDTH);
    let rest = rest.trim_end();
    let rest = rest.strip_suffix("</svg>").unwrap_or(rest);
    format!(
        r#"<svg class="chart" viewBox="{view_box}" style="min-width:{}px" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">{rest}<g class="overlay">{}</g></svg>"#,
        width * 4 / 5,
        esc(name),
        overlay.0
    )
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Plane<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The value axis of a chart of horizontal bars: numbers under the plot,
/// faint vertical grid lines, no category axis (labels are in the overlay).
fn value_axis(chart: &mut Plane, labels: usize, format: &dyn Fn(&f64) -> String) {
    let _ = chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .x_labels(labels)
        .x_label_formatter(format)
        .x_label_style(("sans-serif", 12).into_font().color(&NEUTRAL))
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(GRID)
        .draw();
}

fn svg_area(buf: &mut String, size: (u32, u32)) -> Area<'_> {
    SVGBackend::with_string(buf, size).into_drawing_area()
}

/// The width a chart is drawn at (SVG units) for the room it gets, so that
/// its text keeps about the same size on the page: full-width panels are
/// drawn at [`WIDTH`], narrower ones narrower.
pub fn width_for(fraction: f64) -> u32 {
    ((WIDTH as f64 * fraction) as u32).clamp(360, WIDTH)
}

/// A message where a chart would be, for empty data.
pub fn empty(message: &str) -> String {
    format!(
        r#"<svg class="chart empty" viewBox="0 0 {WIDTH} 60" role="img" aria-label="{m}" xmlns="http://www.w3.org/2000/svg"><text x="{}" y="30" text-anchor="middle" dominant-baseline="middle" class="muted">{m}</text></svg>"#,
        WIDTH / 2,
        m = esc(message)
    )
}

/// All targets by attainment ratio, one horizontal bar each, coloured by
/// how they were met, with the 100% line marked.
pub fn attainment(name: &str, width: u32, bars: &[RatioBar]) -> String {
    if bars.is_empty() {
        return empty("暂无目标");
    }
    let n = bars.len();
    let label_w = bars.iter().map(|b| text_width(&clip(&b.label, 18))).max().unwrap_or(0) + 16;
    let height = n as u32 * ROW + 46;
    let top_ratio = bars.iter().filter_map(|b| b.ratio).fold(1.2f64, f64::max).min(3.0) * 1.08;
    let mut buf = String::new();
    let mut overlay = Overlay::default();
    {
        let root = svg_area(&mut buf, (width, height));
        let chart = ChartBuilder::on(&root)
            .margin_left(label_w)
            .margin_right(56)
            .margin_top(14)
            .x_label_area_size(28)
            .build_cartesian_2d(0f64..top_ratio, 0f64..n as f64);
        let Ok(mut chart) = chart else { return empty("图表无法绘制") };
        value_axis(&mut chart, 6, &|v| format!("{:.0}%", v * 100.0));
        let y_of = |i: usize| (n - i - 1) as f64;
        let _ = chart.draw_series(bars.iter().enumerate().filter_map(|(i, b)| {
            let r = b.ratio?.clamp(0.0, top_ratio);
            let color = b.tone.color();
            let style = if b.tone == Tone::Forecast { color.mix(0.45).filled() } else { color.filled() };
            Some(Rectangle::new([(0.0, y_of(i) + 0.22), (r, y_of(i) + 0.78)], style))
        }));
        let _ = chart.draw_series(std::iter::once(PathElement::new(
            vec![(1.0, 0.0), (1.0, n as f64)],
            ShapeStyle { color: TEXT_COLOR.to_rgba(), filled: false, stroke_width: 1 },
        )));
        let (goal_x, goal_y) = chart.backend_coord(&(1.0, n as f64));
        overlay.text(goal_x, goal_y - 7, "middle", "axis-note", "目标 100%");
        for (i, b) in bars.iter().enumerate() {
            let (x0, y0) = chart.backend_coord(&(0.0, y_of(i) + 1.0));
            let (x1, y1) = chart.backend_coord(&(top_ratio, y_of(i)));
            let mid = (y0 + y1) / 2;
            overlay.text(x0 - 8, mid, "end", "label", &clip(&b.label, 18));
            let value = match b.ratio {
                Some(r) => format!("{:.0}%", r * 100.0),
                None => b.tone.label().to_owned(),
            };
            let at = b.ratio.map_or(x0 + 4, |r| chart.backend_coord(&(r.clamp(0.0, top_ratio), 0.0)).0 + 4);
            overlay.text(at, mid, "start", "value", &value);
            overlay.hit_rect((0, y0), (x1 + 50, y1), &b.mark);
        }
        let _ = root.present();
    }
    finish(buf, name, overlay)
}

const TEXT_COLOR: RGBColor = RGBColor(0x26, 0x32, 0x38);

/// Actual against target, one row each: a grey track, the band where the
/// target is met in green, the actual as a bar in its status colour, the
/// target as a black tick. Each row has its own scale; its numbers are
/// written at the end.
pub fn bullet(name: &str, width: u32, rows: &[Bullet]) -> String {
    if rows.is_empty() {
        return empty("暂无目标");
    }
    let n = rows.len();
    let label_w = rows.iter().map(|b| text_width(&clip(&b.label, 14))).max().unwrap_or(0) + 16;
    let caption_w = rows.iter().map(|b| text_width(&b.caption)).max().unwrap_or(0).min(220) + 12;
    let height = n as u32 * (ROW + 4) + 16;
    let mut buf = String::new();
    let mut overlay = Overlay::default();
    {
        let root = svg_area(&mut buf, (width, height));
        let chart = ChartBuilder::on(&root)
            .margin_left(label_w)
            .margin_right(caption_w)
            .margin_top(8)
            .margin_bottom(8)
            .build_cartesian_2d(0f64..1f64, 0f64..n as f64);
        let Ok(mut chart) = chart else { return empty("图表无法绘制") };
        let y_of = |i: usize| (n - i - 1) as f64;
        for (i, b) in rows.iter().enumerate() {
            // The larger of target and actual sits at four fifths of the row.
            let top = b.target.abs().max(b.actual.unwrap_or(0.0).abs()) * 1.25;
            let top = if top > 0.0 { top } else { 1.0 };
            let f = |v: f64| (v.abs() / top).clamp(0.0, 1.0);
            let y = y_of(i);
            let _ = chart.draw_series([
                Rectangle::new([(0.0, y + 0.2), (1.0, y + 0.8)], TRACK.filled()),
                Rectangle::new([(f(b.band.0), y + 0.2), (f(b.band.1.min(top)), y + 0.8)], BAND.filled()),
            ]);
            if let Some(a) = b.actual {
                let _ =
                    chart.draw_series([Rectangle::new([(0.0, y + 0.38), (f(a), y + 0.62)], b.tone.color().filled())]);
            }
            let _ = chart.draw_series([Rectangle::new(
                [(f(b.target) - 0.003, y + 0.12), (f(b.target) + 0.003, y + 0.88)],
                TEXT_COLOR.filled(),
            )]);
            let (x0, y0) = chart.backend_coord(&(0.0, y + 1.0));
            let (x1, y1) = chart.backend_coord(&(1.0, y));
            let mid = (y0 + y1) / 2;
            overlay.text(x0 - 8, mid, "end", "label", &clip(&b.label, 14));
            overlay.text(x1 + 8, mid, "start", "value", &b.caption);
            overlay.hit_rect((0, y0), (width as i32, y1), &b.mark);
        }
        let _ = root.present();
    }
    finish(buf, name, overlay)
}

/// Values over time, one line a series: reported points filled, values
/// derived from a growth rate hollow, forecasts as hollow diamonds joined
/// by dashes; targets as red ticks joined by a dashed line.
pub fn line(name: &str, width: u32, series: &[Series], targets: &[TargetPoint], unit: &str) -> String {
    let all: Vec<&Point> = series.iter().flat_map(|s| &s.points).collect();
    if all.is_empty() {
        return empty("暂无数据");
    }
    let xs = all.iter().map(|p| p.x).chain(targets.iter().map(|t| t.x));
    let (x_min, x_max) = xs.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    let pad = ((x_max - x_min) * 0.08).max(20.0);
    let ys = all.iter().map(|p| p.y).chain(targets.iter().map(|t| t.y));
    let (y_min, y_max) = ys.fold((0f64, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
    let y_top = if y_max > 0.0 { y_max * 1.18 } else { 1.0 };
    let legend_h = 26;
    let height = (width * 2 / 5).max(220);
    let mut buf = String::new();
    let mut overlay = Overlay::default();
    {
        let root = svg_area(&mut buf, (width, height));
        let chart = ChartBuilder::on(&root)
            .margin_left(12)
            .margin_right(24)
            .margin_top(legend_h + 8)
            .x_label_area_size(30)
            .y_label_area_size(64)
            .build_cartesian_2d((x_min - pad)..(x_max + pad), y_min.min(0.0)..y_top);
        let Ok(mut chart) = chart else { return empty("图表无法绘制") };
        let _ = chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(5)
            .y_label_formatter(&|v| short_number(*v))
            .y_label_style(("sans-serif", 12).into_font().color(&NEUTRAL))
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(GRID)
            .draw();

        if !targets.is_empty() {
            let mut t: Vec<&TargetPoint> = targets.iter().collect();
            t.sort_by(|a, b| a.x.total_cmp(&b.x));
            let dashed = ShapeStyle { color: MISSED.mix(0.8), filled: false, stroke_width: 2 };
            let _ = chart.draw_series(DashedLineSeries::new(t.iter().map(|p| (p.x, p.y)), 6, 4, dashed));
            for p in &t {
                let _ = chart.draw_series([PathElement::new(
                    vec![(p.x - pad * 0.35, p.y), (p.x + pad * 0.35, p.y)],
                    ShapeStyle { color: MISSED.to_rgba(), filled: false, stroke_width: 3 },
                )]);
                let at = chart.backend_coord(&(p.x, p.y));
                overlay.hit_circle(at, 9, &p.mark);
            }
        }

        for (s_i, s) in series.iter().enumerate() {
            let color = SERIES[s_i % SERIES.len()];
            let mut pts: Vec<&Point> = s.points.iter().collect();
            pts.sort_by(|a, b| a.x.total_cmp(&b.x));
            for pair in pts.windows(2) {
                let seg = vec![(pair[0].x, pair[0].y), (pair[1].x, pair[1].y)];
                let solid = pair[0].basis == Basis::Reported && pair[1].basis == Basis::Reported;
                let style = ShapeStyle { color: color.to_rgba(), filled: false, stroke_width: 2 };
                if solid {
                    let _ = chart.draw_series([PathElement::new(seg, style)]);
                } else {
                    let _ = chart.draw_series(DashedLineSeries::new(seg, 5, 4, style));
                }
            }
            let hollow = ShapeStyle { color: color.to_rgba(), filled: false, stroke_width: 2 };
            for p in &pts {
                let at = (p.x, p.y);
                match p.basis {
                    Basis::Reported => {
                        let _ = chart.draw_series([Circle::new(at, 5, color.filled())]);
                    }
                    Basis::Derived => {
                        let _ = chart.draw_series([Circle::new(at, 5, WHITE.filled()), Circle::new(at, 5, hollow)]);
                    }
                    Basis::Forecast => {
                        let (px, py) = chart.backend_coord(&at);
                        let diamond = vec![(px, py - 6), (px + 6, py), (px, py + 6), (px - 6, py), (px, py - 6)];
                        let _ = root.draw(&Polygon::new(diamond.clone(), WHITE.filled()));
                        let _ = root.draw(&PathElement::new(diamond, hollow));
                    }
                }
                overlay.hit_circle(chart.backend_coord(&at), 10, &p.mark);
            }
        }

        // Period labels under the points, each written once.
        let mut labelled: Vec<(f64, &str)> = all.iter().map(|p| (p.x, p.x_label.as_str())).collect();
        labelled.sort_by(|a, b| a.0.total_cmp(&b.0));
        labelled.dedup_by(|a, b| a.0 == b.0);
        let (_, base_y) = chart.backend_coord(&(x_min, y_min.min(0.0)));
        let mut last_right = i32::MIN;
        for (x, label) in labelled {
            let (px, _) = chart.backend_coord(&(x, 0.0));
            let w = text_width(label) as i32;
            if px - w / 2 > last_right + 6 {
                overlay.text(px, base_y + 16, "middle", "tick", label);
                last_right = px + w / 2;
            }
        }
        legend(&mut overlay, series, !targets.is_empty(), &all, unit);
        let _ = root.present();
    }
    finish(buf, name, overlay)
}

/// The legend over a line chart: series names (when several), the point
/// styles present, the target line and the unit.
fn legend(overlay: &mut Overlay, series: &[Series], with_target: bool, points: &[&Point], unit: &str) {
    let mut x = 14;
    let y = 14;
    let _ = write!(overlay.0, r#"<g class="legend">"#);
    if series.len() > 1 {
        for (i, s) in series.iter().enumerate() {
            let c = SERIES[i % SERIES.len()];
            let _ = write!(
                overlay.0,
                r#"<rect x="{x}" y="{}" width="12" height="4" fill="rgb({},{},{})"/>"#,
                y - 2,
                c.0,
                c.1,
                c.2
            );
            overlay.text(x + 16, y, "start", "legend-text", &clip(&s.name, 12));
            x += 28 + text_width(&clip(&s.name, 12)) as i32;
        }
    }
    let has = |b: Basis| points.iter().any(|p| p.basis == b);
    for (basis, text) in [(Basis::Reported, "报告值"), (Basis::Derived, "按增速推算"), (Basis::Forecast, "预计值")]
    {
        if !has(basis) {
            continue;
        }
        let shape = match basis {
            Basis::Reported => format!(r#"<circle cx="{}" cy="{y}" r="4" class="key-fill"/>"#, x + 5),
            Basis::Derived => format!(r#"<circle cx="{}" cy="{y}" r="4" class="key-hollow"/>"#, x + 5),
            Basis::Forecast => format!(r#"<path d="M{} {}l5 5l-5 5l-5 -5z" class="key-hollow"/>"#, x + 5, y - 5),
        };
        overlay.0.push_str(&shape);
        overlay.text(x + 14, y, "start", "legend-text", text);
        x += 24 + text_width(text) as i32;
    }
    if with_target {
        let _ = write!(overlay.0, r#"<line x1="{x}" y1="{y}" x2="{}" y2="{y}" class="key-target"/>"#, x + 14);
        overlay.text(x + 18, y, "start", "legend-text", "目标");
        x += 30 + text_width("目标") as i32;
    }
    if !unit.is_empty() {
        overlay.text(x + 6, y, "start", "legend-unit", &format!("单位：{unit}"));
    }
    overlay.0.push_str("</g>");
}

/// Horizontal bars, one per item, labels on the left and values at the end.
pub fn bar(name: &str, width: u32, bars: &[Bar], unit: &str) -> String {
    if bars.is_empty() {
        return empty("暂无数据");
    }
    let n = bars.len();
    let label_w = bars.iter().map(|b| text_width(&clip(&b.label, 16))).max().unwrap_or(0) + 16;
    let height = n as u32 * ROW + 40;
    let max = bars.iter().map(|b| b.value).fold(0f64, f64::max);
    let min = bars.iter().map(|b| b.value).fold(0f64, f64::min);
    let top = if max > 0.0 { max * 1.12 } else { 1.0 };
    let mut buf = String::new();
    let mut overlay = Overlay::default();
    {
        let root = svg_area(&mut buf, (width, height));
        let chart = ChartBuilder::on(&root)
            .margin_left(label_w)
            .margin_right(72)
            .margin_top(10)
            .x_label_area_size(26)
            .build_cartesian_2d(min * 1.12..top, 0f64..n as f64);
        let Ok(mut chart) = chart else { return empty("图表无法绘制") };
        value_axis(&mut chart, 5, &|v| short_number(*v));
        let y_of = |i: usize| (n - i - 1) as f64;
        let _ = chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
            Rectangle::new([(0.0, y_of(i) + 0.2), (b.value, y_of(i) + 0.8)], SERIES[b.series % SERIES.len()].filled())
        }));
        for (i, b) in bars.iter().enumerate() {
            let (x0, y0) = chart.backend_coord(&(min * 1.12, y_of(i) + 1.0));
            let (x1, y1) = chart.backend_coord(&(top, y_of(i)));
            let mid = (y0 + y1) / 2;
            overlay.text(x0 - 8, mid, "end", "label", &clip(&b.label, 16));
            let (end, _) = chart.backend_coord(&(b.value.max(0.0), 0.0));
            overlay.text(end + 4, mid, "start", "value", &format!("{}{unit}", short_number(b.value)));
            overlay.hit_rect((0, y0), (x1 + 60, y1), &b.mark);
        }
        let _ = root.present();
    }
    finish(buf, name, overlay)
}

/// A small line of values, for a KPI.
pub fn sparkline(values: &[f64]) -> String {
    if values.len() < 2 {
        return String::new();
    }
    let (w, h) = (140u32, 36u32);
    let (min, max) = values.iter().fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    let span = if max > min { max - min } else { 1.0 };
    let mut buf = String::new();
    {
        let root = svg_area(&mut buf, (w, h));
        let chart = ChartBuilder::on(&root)
            .margin(4)
            .build_cartesian_2d(0f64..(values.len() - 1) as f64, (min - span * 0.1)..(max + span * 0.1));
        if let Ok(mut chart) = chart {
            let color = SERIES[0];
            let _ = chart.draw_series(LineSeries::new(
                values.iter().enumerate().map(|(i, v)| (i as f64, *v)),
                color.stroke_width(2),
            ));
            let last = (values.len() - 1) as f64;
            let _ = chart.draw_series([Circle::new((last, values[values.len() - 1]), 3, color.filled())]);
        }
        let _ = root.present();
    }
    let body_at = buf.find('>').map_or(0, |i| i + 1);
    let rest = buf[body_at..].trim_end().strip_suffix("</svg>").unwrap_or(&buf[body_at..]).to_owned();
    format!(
        r#"<svg class="sparkline" viewBox="0 0 {w} {h}" aria-hidden="true" xmlns="http://www.w3.org/2000/svg">{rest}</svg>"#
    )
}

/// Axis numbers: 12000 → 1.2万, 3e10 → 300亿, 0.5 → 0.5.
pub fn short_number(v: f64) -> String {
    let a = v.abs();
    let (x, suffix) = if a >= 1e8 {
        (v / 1e8, "亿")
    } else if a >= 1e4 {
        (v / 1e4, "万")
    } else {
        (v, "")
    };
    let s = if x.fract().abs() < 1e-9 { format!("{}", x.round() as i64) } else { format!("{:.2}", x) };
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s };
    format!("{s}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(tip: &str) -> Mark {
        Mark { tip: tip.into(), href: Some(format!("/docs/seed-2022/rows/11?{tip}")) }
    }

    #[test]
    fn attainment_has_labels_tooltips_and_links() {
        let svg = attainment(
            "完成率",
            WIDTH,
            &[
                RatioBar {
                    label: "产业协同创新平台".into(),
                    ratio: Some(0.9),
                    tone: Tone::Near,
                    mark: mark("9个 / 10个"),
                },
                RatioBar {
                    label: "工程技术人才支持比例".into(),
                    ratio: Some(1.07),
                    tone: Tone::Met,
                    mark: mark("21.4%"),
                },
                RatioBar {
                    label: "研发费用增速".into(), ratio: None, tone: Tone::Forecast, mark: mark("预计")
                },
            ],
        );
        assert!(svg.starts_with("<svg class=\"chart\""));
        assert!(svg.contains(">产业协同创新平台</text>"));
        assert!(svg.contains("<title>9个 / 10个</title>"));
        assert!(svg.contains(r#"<a href="/docs/seed-2022/rows/11?9个 / 10个">"#));
        assert!(svg.contains(">90%</text>") && svg.contains(">仅有预计</text>"));
        assert_eq!(svg.matches("<svg").count(), 1);
    }

    #[test]
    fn document_text_is_escaped() {
        let svg = bar(
            "x",
            WIDTH,
            &[Bar { label: "<script>alert(1)</script>".into(), value: 3.0, series: 0, mark: mark("<b>") }],
            "个",
        );
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;"));
        assert!(svg.contains("<title>&lt;b&gt;</title>"));
    }

    #[test]
    fn line_draws_each_basis_differently() {
        let p = |x: f64, y: f64, basis: Basis| Point {
            x,
            x_label: format!("{}年", 2020.0 + x / 365.0),
            y,
            basis,
            mark: mark("p"),
        };
        let svg = line(
            "合同",
            WIDTH,
            &[Series {
                name: "技术合同".into(),
                points: vec![
                    p(0.0, 4100.0, Basis::Derived),
                    p(365.0, 4560.0, Basis::Reported),
                    p(730.0, 5271.0, Basis::Reported),
                    p(1095.0, 6000.0, Basis::Forecast),
                ],
            }],
            &[TargetPoint { x: 730.0, y: 5000.0, mark: mark("目标") }],
            "项",
        );
        for legend in ["报告值", "按增速推算", "预计值", "目标", "单位：项"] {
            assert!(svg.contains(legend), "{legend}");
        }
        assert!(svg.contains("2021年") && svg.matches("class=\"hit\"").count() == 5);
    }

    #[test]
    fn empty_inputs_say_so() {
        assert!(attainment("x", WIDTH, &[]).contains("暂无目标"));
        assert!(line("x", WIDTH, &[], &[], "").contains("暂无数据"));
        assert_eq!(sparkline(&[1.0]), "");
        assert!(sparkline(&[1.0, 2.0, 3.0]).starts_with("<svg class=\"sparkline\""));
    }

    #[test]
    fn short_numbers() {
        assert_eq!(short_number(12000.0), "1.2万");
        assert_eq!(short_number(3e10), "300亿");
        assert_eq!(short_number(0.5), "0.5");
        assert_eq!(short_number(90.0), "90");
    }
}
