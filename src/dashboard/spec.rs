//! Dashboards as files: `dashboards/*.toml` and the named SQL in
//! `queries/*.sql` they refer to.
//!
//! ```toml
//! title = "目标完成情况总览"
//! description = "哪些目标完成了，哪些差多少"
//!
//! [[panel]]
//! title = "各指标完成率"
//! kind = "attainment"        # bullet, attainment, line, bar, kpi, table
//! query = "attainment"       # queries/attainment.sql, or sql = "SELECT …"
//! label = "metric"           # columns the chart draws; each kind has defaults
//! width = "full"             # full, half or third of the page
//! ```
//!
//! Files are validated strictly (unknown fields, unknown kinds, a missing
//! query are errors with the file and line), one at a time: a broken
//! dashboard is reported on its own page and in the log while the others
//! keep working.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// What a panel draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Actual against target, with the comparator's band, one bar a row.
    Bullet,
    /// All targets sorted by attainment ratio, coloured met / near / missed.
    Attainment,
    /// A metric over time with its target line; reported, derived and
    /// forecast points drawn differently.
    Line,
    Bar,
    /// A big number with its change and a sparkline.
    Kpi,
    Table,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Bullet => "bullet",
            Kind::Attainment => "attainment",
            Kind::Line => "line",
            Kind::Bar => "bar",
            Kind::Kpi => "kpi",
            Kind::Table => "table",
        }
    }
}

/// How much of the page's width a panel takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Width {
    #[default]
    Full,
    Half,
    Third,
}

impl Width {
    pub fn as_str(self) -> &'static str {
        match self {
            Width::Full => "full",
            Width::Half => "half",
            Width::Third => "third",
        }
    }
}

/// One panel of a dashboard, as written in the file.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Panel {
    pub title: String,
    pub kind: Kind,
    /// A query in `queries/` by name (file name without `.sql`).
    pub query: Option<String>,
    /// Inline SQL, instead of `query`.
    pub sql: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub width: Width,
    /// Column roles (each kind has defaults; see [`Panel::column`]).
    pub x: Option<String>,
    pub y: Option<String>,
    pub label: Option<String>,
    pub value: Option<String>,
    pub target: Option<String>,
    pub actual: Option<String>,
    pub ratio: Option<String>,
    pub status: Option<String>,
    pub comparator: Option<String>,
    pub tolerance: Option<String>,
    pub basis: Option<String>,
    pub series: Option<String>,
    pub unit: Option<String>,
    /// Draw one small chart per distinct value of this column.
    pub split: Option<String>,
    /// For tables: the columns to show, in order (default: all).
    pub columns: Option<Vec<String>>,
    /// At most this many rows are drawn (default 500).
    pub limit: Option<usize>,
}

/// A column role and the column names a panel reads for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    X,
    Y,
    Label,
    Value,
    Target,
    Actual,
    Ratio,
    Status,
    Comparator,
    Tolerance,
    Basis,
    Series,
    Unit,
    Split,
}

impl Panel {
    /// A panel over inline SQL with every column role at its default, for
    /// pages that draw a chart of their own (a metric's series).
    pub fn inline(title: &str, kind: Kind, sql: String) -> Panel {
        Panel {
            title: title.to_owned(),
            kind,
            query: None,
            sql: Some(sql),
            description: String::new(),
            width: Width::Full,
            x: None,
            y: None,
            label: None,
            value: None,
            target: None,
            actual: None,
            ratio: None,
            status: None,
            comparator: None,
            tolerance: None,
            basis: None,
            series: None,
            unit: None,
            split: None,
            columns: None,
            limit: None,
        }
    }

    /// The column playing `role`: the one the file names, else the kind's
    /// conventional column (which the shipped queries produce).
    pub fn column(&self, role: Role) -> Option<&str> {
        let named = match role {
            Role::X => &self.x,
            Role::Y => &self.y,
            Role::Label => &self.label,
            Role::Value => &self.value,
            Role::Target => &self.target,
            Role::Actual => &self.actual,
            Role::Ratio => &self.ratio,
            Role::Status => &self.status,
            Role::Comparator => &self.comparator,
            Role::Tolerance => &self.tolerance,
            Role::Basis => &self.basis,
            Role::Series => &self.series,
            Role::Unit => &self.unit,
            Role::Split => &self.split,
        };
        if let Some(n) = named {
            return Some(n.as_str());
        }
        Some(match (self.kind, role) {
            (_, Role::Label) => "metric",
            (_, Role::Unit) => "unit",
            (_, Role::Status) => "status",
            (_, Role::Target) => "target",
            (_, Role::Actual) => "actual",
            (_, Role::Ratio) => "ratio",
            (_, Role::Comparator) => "comparator",
            (_, Role::Tolerance) => "tolerance",
            (_, Role::Basis) => "basis",
            (Kind::Line, Role::X) => "period_end",
            (Kind::Line | Kind::Bar, Role::Y) | (Kind::Kpi, Role::Value) => "value",
            (Kind::Bar, Role::X) => "label",
            (Kind::Kpi, Role::X) => "period",
            _ => return None,
        })
    }

    /// Roles a kind cannot draw without.
    pub fn required(&self) -> &'static [Role] {
        match self.kind {
            Kind::Bullet => &[Role::Label, Role::Actual, Role::Target],
            Kind::Attainment => &[Role::Label, Role::Ratio, Role::Status],
            Kind::Line | Kind::Bar => &[Role::X, Role::Y],
            Kind::Kpi => &[Role::Value],
            Kind::Table => &[],
        }
    }

    pub fn row_limit(&self) -> usize {
        self.limit.unwrap_or(500)
    }
}

/// A dashboard file.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dashboard {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Position on the index page (lower first), then the name.
    #[serde(default)]
    pub order: i32,
    #[serde(default, rename = "panel")]
    pub panels: Vec<Panel>,
}

/// Named SQL from `queries/*.sql`, by file name without extension.
pub type Queries = BTreeMap<String, Query>;

/// A named query: its SQL, the comment lines that open it (the first is
/// its title in the console's list), and its `:name` parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Query {
    pub sql: String,
    pub description: String,
    pub title: String,
    pub params: Vec<String>,
}

/// A dashboard file as pages name it: its folder and name
/// (`dashboards/overview.toml`), never the server's full path.
fn shown_path(path: &Path) -> String {
    let mut parts: Vec<String> =
        path.components().rev().take(2).map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    parts.reverse();
    parts.join("/")
}

/// A dashboard file read, or the reason it could not be.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The file name without `.toml`: the dashboard's address `/d/{name}`.
    pub name: String,
    pub path: String,
    pub dashboard: Result<Dashboard, String>,
}

/// Reads every `*.toml` in `dir`, sorted by order then name. Each file is
/// parsed and checked against `queries` on its own.
pub fn load_dashboards(dir: &Path, queries: &Queries) -> Vec<Loaded> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    paths.sort();
    for path in paths {
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let dashboard =
            std::fs::read_to_string(&path).map_err(|e| e.to_string()).and_then(|text| parse(&text, queries));
        out.push(Loaded { name, path: shown_path(&path), dashboard });
    }
    out.sort_by(|a, b| {
        let order = |l: &Loaded| l.dashboard.as_ref().map_or(i32::MAX, |d| d.order);
        order(a).cmp(&order(b)).then(a.name.cmp(&b.name))
    });
    out
}

/// Parses and checks one dashboard's text.
pub fn parse(text: &str, queries: &Queries) -> Result<Dashboard, String> {
    let d: Dashboard = toml::from_str(text).map_err(|e| one_line(&e.to_string()))?;
    for (i, p) in d.panels.iter().enumerate() {
        let at = format!("panel {} ({})", i + 1, p.title);
        match (&p.query, &p.sql) {
            (Some(_), Some(_)) => return Err(format!("{at}: give either query or sql, not both")),
            (None, None) => return Err(format!("{at}: needs a query (a file in queries/) or inline sql")),
            (Some(q), None) if !queries.contains_key(q) => {
                let known: Vec<&str> = queries.keys().map(String::as_str).collect();
                return Err(format!("{at}: no query named {q:?} in queries/ (known: {})", known.join(", ")));
            }
            (Some(q), None) if !queries[q].params.is_empty() => {
                let params: Vec<String> = queries[q].params.iter().map(|p| format!(":{p}")).collect();
                return Err(format!(
                    "{at}: query {q:?} takes parameters ({}), which a dashboard cannot give; it is for the SQL console",
                    params.join(", ")
                ));
            }
            _ => {}
        }
    }
    Ok(d)
}

/// Reads every `*.sql` in `dir`.
pub fn load_queries(dir: &Path) -> Queries {
    let mut out = Queries::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for path in entries.filter_map(Result::ok).map(|e| e.path()) {
        if path.extension().is_none_or(|e| e != "sql") {
            continue;
        }
        let (Some(name), Ok(sql)) = (path.file_stem(), std::fs::read_to_string(&path)) else { continue };
        let comments: Vec<&str> = sql
            .lines()
            .take_while(|l| l.trim_start().starts_with("--"))
            .map(|l| l.trim_start().trim_start_matches('-').trim())
            .collect();
        let title = comments.first().map(|l| l.to_string()).unwrap_or_default();
        let description = comments.join(" ");
        let params = crate::sql::lex::Lexed::new(&sql).params();
        out.insert(name.to_string_lossy().into_owned(), Query { sql, description, title, params });
    }
    out
}

/// toml's messages draw the offending line with a caret; keep the gist.
fn one_line(msg: &str) -> String {
    let mut lines = msg.lines().map(str::trim).filter(|l| !l.is_empty());
    let head = lines.next().unwrap_or_default().trim_end_matches(':').to_owned();
    let reason = msg.lines().map(str::trim).rev().find(|l| !l.is_empty() && !l.starts_with('|') && !l.contains('^'));
    match reason {
        Some(r) if r != head => format!("{head}: {r}"),
        _ => head,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queries() -> Queries {
        let mut q = Queries::new();
        q.insert(
            "attainment".into(),
            Query { sql: "SELECT 1".into(), description: String::new(), title: String::new(), params: vec![] },
        );
        q
    }

    #[test]
    fn parses_with_defaults() {
        let d = parse(
            "title = \"总览\"\n[[panel]]\ntitle = \"完成率\"\nkind = \"attainment\"\nquery = \"attainment\"\n",
            &queries(),
        )
        .unwrap();
        let p = &d.panels[0];
        assert_eq!((p.kind, p.width), (Kind::Attainment, Width::Full));
        assert_eq!(p.column(Role::Label), Some("metric"));
        assert_eq!(p.column(Role::Ratio), Some("ratio"));
    }

    #[test]
    fn errors_name_the_line_and_reason() {
        let err =
            parse("title = \"x\"\n[[panel]]\ntitle = \"y\"\nkind = \"pie\"\nquery = \"attainment\"\n", &queries())
                .unwrap_err();
        assert!(err.contains("line 4") && err.contains("pie"), "{err}");
        let err = parse("title = \"x\"\ncolour = 1\n", &queries()).unwrap_err();
        assert!(err.contains("line 2") && err.contains("colour"), "{err}");
        let err = parse("title = \"x\"\n[[panel]]\ntitle = \"y\"\nkind = \"bar\"\nquery = \"nope\"\n", &queries())
            .unwrap_err();
        assert!(err.contains("nope") && err.contains("attainment"), "{err}");
    }
}
