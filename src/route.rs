//! Every page's address, in one place: the server's URL for it, and the
//! file a snapshot writes it to.
//!
//! A snapshot is the site written to disk, so its pages link to each other
//! by relative file names (`d-overview.html`, `m-m-1a2b3c4d.html`) rather
//! than by the server's paths. Pages are rendered once, with server paths;
//! [`Route::parse`] reads each link back and [`Route::file`] says where
//! the snapshot put that page, or that it holds no such page.

use crate::id::{DocId, MetricId};

/// A path segment, percent-encoded: every URL's variable parts go
/// through this one function.
pub fn encode(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, SEGMENT).to_string()
}

const SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// A page or resource of the site. Also the page cache's key: one route,
/// one reply.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Route {
    Index,
    Dashboard(String),
    /// A panel's data as a download (`4.csv`).
    PanelFile {
        dashboard: String,
        file: String,
    },
    Metrics,
    Metric(MetricId),
    Review,
    Document(DocId),
    Row {
        doc: DocId,
        row: u32,
    },
    Status,
    Snapshots,
    /// The analysts' SQL console with what it was asked, as a page or a
    /// download: every result is a link.
    Console(ConsoleLink),
    /// The JSON API and anything under it.
    Api(String),
    Style,
}

/// What the console was asked: a statement, or a saved query by name with
/// its parameters, and the form of the answer (`None`: the page).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ConsoleLink {
    pub sql: Option<String>,
    pub saved: Option<String>,
    pub params: Vec<(String, String)>,
    pub format: Option<crate::sql::export::Format>,
}

impl ConsoleLink {
    /// The link to `sql` on the console page.
    pub fn sql(sql: &str) -> ConsoleLink {
        ConsoleLink { sql: Some(sql.to_owned()), ..ConsoleLink::default() }
    }

    /// The same question answered as `format`.
    pub fn as_format(&self, format: crate::sql::export::Format) -> ConsoleLink {
        ConsoleLink { format: Some(format), ..self.clone() }
    }

    fn query_string(&self) -> String {
        let mut pairs: Vec<String> = Vec::new();
        if let Some(s) = &self.sql {
            pairs.push(format!("sql={}", encode(s)));
        }
        if let Some(q) = &self.saved {
            pairs.push(format!("query={}", encode(q)));
        }
        pairs.extend(self.params.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))));
        if pairs.is_empty() { String::new() } else { format!("?{}", pairs.join("&")) }
    }
}

impl Route {
    /// The server's path for the route, its segments percent-encoded.
    pub fn path(&self) -> String {
        match self {
            Route::Index => "/".into(),
            Route::Dashboard(name) => format!("/d/{}", encode(name)),
            Route::PanelFile { dashboard, file } => format!("/d/{}/panels/{}", encode(dashboard), encode(file)),
            Route::Metrics => "/metrics".into(),
            Route::Metric(id) => format!("/metrics/{}", encode(id.as_str())),
            Route::Review => "/review".into(),
            Route::Document(doc) => format!("/docs/{}", encode(doc.as_str())),
            Route::Row { doc, row } => format!("/docs/{}/rows/{row}", encode(doc.as_str())),
            Route::Status => "/status".into(),
            Route::Snapshots => "/snapshots".into(),
            Route::Console(link) => {
                let file = link.format.map_or("/sql".to_owned(), |f| format!("/sql.{}", f.extension()));
                format!("{file}{}", link.query_string())
            }
            Route::Api(rest) => format!("/api{rest}"),
            Route::Style => "/static/style.css".into(),
        }
    }

    /// The route a server path names (its query and fragment ignored).
    pub fn parse(path: &str) -> Option<Route> {
        let path = path.split(['?', '#']).next()?;
        let decoded: Vec<String> = path
            .split('/')
            .skip(1)
            .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
            .collect();
        let parts: Vec<&str> = decoded.iter().map(String::as_str).collect();
        Some(match parts.as_slice() {
            [""] => Route::Index,
            ["d", name] => Route::Dashboard((*name).into()),
            ["d", name, "panels", file] => Route::PanelFile { dashboard: (*name).into(), file: (*file).into() },
            ["metrics"] => Route::Metrics,
            ["metrics", id] => Route::Metric((*id).into()),
            ["review"] => Route::Review,
            ["docs", doc] => Route::Document((*doc).into()),
            ["docs", doc, "rows", row] => Route::Row { doc: (*doc).into(), row: row.parse().ok()? },
            ["status"] => Route::Status,
            ["snapshots"] => Route::Snapshots,
            ["sql"] => Route::Console(ConsoleLink::default()),
            ["api", ..] => Route::Api(path.strip_prefix("/api").unwrap_or("").to_owned()),
            ["static", "style.css"] => Route::Style,
            _ => return None,
        })
    }

    /// Where a snapshot writes this page, as a relative link (encoded);
    /// `None` for what a snapshot holds no page for (downloads, the API,
    /// the server's own status).
    pub fn file(&self) -> Option<String> {
        Some(match self {
            Route::Index => "index.html".into(),
            Route::Dashboard(name) => format!("d-{}.html", encode(name)),
            Route::Metrics => "metrics.html".into(),
            Route::Metric(id) => format!("m-{}.html", encode(id.as_str())),
            Route::Review => "review.html".into(),
            Route::Document(doc) => format!("doc-{}.html", encode(doc.as_str())),
            // Rows are anchors of their document's page.
            Route::Row { doc, row } => format!("doc-{}.html#r{row}", encode(doc.as_str())),
            _ => return None,
        })
    }
}

/// The page's links rewritten for a snapshot: each `href="/…"` that names
/// a page the snapshot holds points to its file; any other loses its
/// `href` (the text stays, no dead link). The stylesheet is inlined.
pub fn for_snapshot(html: &str, style: &str) -> String {
    // Links to what only a server has are hidden, not left dead.
    let inline = format!("<style>{style}\n[data-server-only]{{display:none}}</style>");
    let html = html.replace(r#"<link rel="stylesheet" href="/static/style.css">"#, &inline);
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(at) = rest.find("href=\"/") {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let url_start = "href=\"".len();
        let Some(len) = from[url_start..].find('"') else {
            out.push_str(from);
            rest = "";
            break;
        };
        let url = &from[url_start..url_start + len];
        match Route::parse(&html_escape::decode_html_entities(url)).and_then(|r| r.file()) {
            Some(file) => {
                out.push_str("href=\"");
                out.push_str(&file);
                out.push('"');
            }
            None => out.push_str("data-server-only=\"\""),
        }
        rest = &from[url_start + len + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_routes_round_trip() {
        for r in [
            Route::Index,
            Route::Dashboard("概览".into()),
            Route::PanelFile { dashboard: "overview".into(), file: "2.csv".into() },
            Route::Metrics,
            Route::Metric("m-1a2b3c4d".into()),
            Route::Review,
            Route::Document("自查表 2022".into()),
            Route::Row { doc: "seed-2022".into(), row: 11 },
            Route::Status,
            Route::Snapshots,
            Route::Style,
        ] {
            assert_eq!(Route::parse(&r.path()), Some(r.clone()), "{}", r.path());
        }
        assert_eq!(Route::parse("/api/metrics?x=1"), Some(Route::Api("/metrics".into())));
        assert_eq!(Route::parse("/nowhere"), None);
    }

    #[test]
    fn snapshot_links_are_relative_files() {
        let html = r#"<link rel="stylesheet" href="/static/style.css"><a href="/d/overview">a</a><a href="/docs/seed-2022/rows/11">b</a><a href="/api">c</a><a href="https://x">d</a>"#;
        let out = for_snapshot(html, "body{}");
        assert_eq!(
            out,
            r#"<style>body{}
[data-server-only]{display:none}</style><a href="d-overview.html">a</a><a href="doc-seed-2022.html#r11">b</a><a data-server-only="">c</a><a href="https://x">d</a>"#
        );
    }
}
