//! Dashboards rendered against the seed.

use super::*;
use crate::store::Store;

fn seed_store() -> Store {
    let doc = crate::document::parse("seed-2022", include_bytes!("../../data/seed-2022.txt")).unwrap();
    let figures = crate::extract::figures(&doc);
    let mut store = Store::open_in_memory().unwrap();
    store
        .replace(&[crate::store::Prepared {
            document: doc,
            figures,
            path: "data/seed-2022.txt".into(),
            content_hash: "x".into(),
            bytes: 0,
        }])
        .unwrap();
    let cat = crate::metrics::catalogue::Catalogue::parse(include_str!("../../data/metrics.toml")).unwrap();
    crate::ingest::refresh_metrics(&mut store, &cat, "test", true).unwrap();
    store
}

fn shipped() -> (Queries, Vec<Loaded>) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let queries = spec::load_queries(&root.join("queries"));
    let dashboards = spec::load_dashboards(&root.join("dashboards"), &queries);
    (queries, dashboards)
}

#[test]
fn shipped_dashboards_render_without_errors() {
    let store = seed_store();
    let (queries, dashboards) = shipped();
    assert!(dashboards.iter().any(|d| d.name == "overview") && dashboards.iter().any(|d| d.name == "trends"));
    for l in &dashboards {
        let d = l.dashboard.as_ref().unwrap_or_else(|e| panic!("{}: {e}", l.path));
        let r = render(&l.name, d, &queries, store.connection());
        for p in &r.panels {
            if let Body::Error { message } = &p.body {
                panic!("{} panel {} ({}): {message}", l.name, p.index + 1, p.title);
            }
        }
    }
}

#[test]
fn overview_shows_the_seed_targets() {
    let store = seed_store();
    let (queries, dashboards) = shipped();
    let l = dashboards.iter().find(|d| d.name == "overview").unwrap();
    let r = render("overview", l.dashboard.as_ref().unwrap(), &queries, store.connection());
    let attainment = r.panels.iter().find(|p| p.kind == "attainment").unwrap();
    let Body::Charts { charts } = &attainment.body else { panic!("not a chart") };
    let svg = &charts[0].svg;
    assert!(svg.contains("产业协同创新平台"), "metric names are drawn");
    assert!(svg.contains("/docs/seed-2022/rows/11"), "marks link to their row");
    let kpis: Vec<&KpiView> = r
        .panels
        .iter()
        .filter_map(|p| match &p.body {
            Body::Kpi(k) => Some(k),
            _ => None,
        })
        .collect();
    assert_eq!(kpis[0].value, "2", "two targets met in 2022");
    assert_eq!(kpis[1].value, "1", "one missed");
}

#[test]
fn a_missing_column_is_an_error_in_the_panel() {
    let store = seed_store();
    let (queries, _) = shipped();
    let d = spec::parse(
        "title = \"t\"\n[[panel]]\ntitle = \"坏面板\"\nkind = \"line\"\nsql = \"SELECT 1 AS a\"\n[[panel]]\ntitle = \"好面板\"\nkind = \"table\"\nsql = \"SELECT 1 AS a\"\n",
        &queries,
    )
    .unwrap();
    let r = render("t", &d, &queries, store.connection());
    match &r.panels[0].body {
        Body::Error { message } => assert!(message.contains("period_end"), "{message}"),
        other => panic!("expected an error, got {other:?}"),
    }
    assert!(matches!(r.panels[1].body, Body::Table(_)), "the other panel still renders");
}

#[test]
fn links_are_encoded() {
    assert_eq!(encode("seed 2022/x"), "seed%202022%2Fx");
    assert_eq!(encode("报告"), "%E6%8A%A5%E5%91%8A");
}
