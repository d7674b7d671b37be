//! Every page and API route, driven in-process through the router.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::*;
use crate::store::{Prepared, Store};

fn store_with(docs: &[(&str, &[u8])]) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let prepared: Vec<Prepared> = docs
        .iter()
        .map(|(id, bytes)| {
            let document = crate::document::parse(*id, bytes).unwrap();
            let figures = crate::extract::figures(&document);
            Prepared {
                document,
                figures,
                path: format!("{id}.txt"),
                content_hash: id.to_string(),
                bytes: bytes.len() as u64,
            }
        })
        .collect();
    store.replace(&prepared).unwrap();
    let cat = crate::metrics::catalogue::Catalogue::parse(include_str!("../../data/metrics.toml")).unwrap();
    crate::ingest::refresh_metrics(&mut store, &cat, "test", true).unwrap();
    store
}

fn app_with(store: &Store) -> Router {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = Site::new(store.connection().try_clone().unwrap(), &root.join("dashboards"), &root.join("queries"));
    router(AppState::new(site))
}

fn seed() -> Store {
    store_with(&[("seed-2022", include_bytes!("../../data/seed-2022.txt"))])
}

async fn get(app: &Router, uri: &str) -> (StatusCode, String, String) {
    let res = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let ct = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, ct, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn index_lists_dashboards_and_documents() {
    let store = seed();
    let app = app_with(&store);
    let (status, ct, body) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/html"));
    assert!(body.contains("目标完成情况总览") && body.contains("指标趋势"));
    assert!(body.contains("市科委、中关村管委会2022年度日常履职考核事项完成情况自查表"));
    assert!(body.contains(r#"href="/d/overview""#) && body.contains(r#"href="/docs/seed-2022""#));
    let (status, ct, css) = get(&app, "/static/style.css").await;
    assert_eq!((status, ct.as_str()), (StatusCode::OK, "text/css; charset=utf-8"));
    assert!(css.contains("svg.chart"));
}

#[tokio::test]
async fn dashboards_render_charts_with_chinese_labels() {
    let store = seed();
    let app = app_with(&store);
    let (status, _, body) = get(&app, "/d/overview").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<svg class=\"chart\""), "charts are inline SVG");
    assert!(body.contains("产业协同创新平台"));
    assert!(body.contains("<title>"), "marks have tooltips");
    assert!(body.contains("/d/overview/panels/4.csv") && body.contains("/d/overview/panels/4.xlsx"));
    assert!(!body.contains("此面板无法显示"), "no panel failed");
    let (status, _, body) = get(&app, "/d/trends").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<svg class=\"chart\""));
}

#[tokio::test]
async fn unknown_addresses_are_404() {
    let store = seed();
    let app = app_with(&store);
    for uri in [
        "/d/nope",
        "/metrics/nope",
        "/docs/nope",
        "/docs/seed-2022/rows/999",
        "/nothing/here",
        "/d/overview/panels/99.csv",
    ] {
        let (status, _, _) = get(&app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn metric_page_has_series_and_figures() {
    let store = seed();
    let app = app_with(&store);
    let (status, _, body) = get(&app, "/metrics/jjj-contracts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("北京流向津冀技术合同") && body.contains("<svg class=\"chart\""));
    assert!(body.contains("5271") && body.contains("按增速推算"), "reported and derived points listed");
    let (status, _, body) = get(&app, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"href="/metrics/jjj-contracts""#));
}

#[tokio::test]
async fn document_and_row_pages() {
    let store = seed();
    let app = app_with(&store);
    let (status, _, body) = get(&app, "/docs/seed-2022").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"href="/docs/seed-2022/rows/3""#));
    assert!(body.contains("制表符分隔文本"), "the format is named in Chinese");
    let (status, _, body) = get(&app, "/docs/seed-2022/rows/3").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"class="fig actual""#) && body.contains(">312辆</mark>"), "the figure is highlighted");
    assert!(body.contains("赛时共投入"), "the sentence is shown");
}

#[tokio::test]
async fn downloads_are_csv_and_xlsx() {
    let store = seed();
    let app = app_with(&store);
    let (status, ct, body) = get(&app, "/d/overview/panels/4.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/csv"));
    assert!(body.starts_with("metric_id,metric,") && body.contains("产业协同创新平台"));
    let res =
        app.clone().oneshot(Request::get("/d/overview/panels/4.xlsx").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&bytes[..2], b"PK");
}

#[tokio::test]
async fn api_routes() {
    let store = seed();
    let app = app_with(&store);
    for uri in [
        "/api",
        "/api/dashboards",
        "/api/dashboards/overview",
        "/api/dashboards/overview/panels/4",
        "/api/metrics",
        "/api/metrics/jjj-contracts",
        "/api/attainment",
        "/api/documents",
        "/api/figures?doc=seed-2022&row=3",
    ] {
        let (status, ct, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        assert_eq!(ct, "application/json", "{uri}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap_or_else(|e| panic!("{uri}: {e}"));
    }
    let (_, _, body) = get(&app, "/api/figures?doc=seed-2022&row=3").await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["rows"].as_array().unwrap().len(), 2, "312辆 and 70MPa");
    let (status, _, _) = get(&app, "/api/metrics/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn document_text_is_escaped_everywhere() {
    let evil = "考评维度\t自查内容\t落实情况\t存在问题\n\t<script>alert(1)</script>任务\t新建<script>9个</script>平台，<img src=x onerror=alert(2)>\t无\n";
    let store = store_with(&[("evil", evil.as_bytes())]);
    let app = app_with(&store);
    for uri in ["/docs/evil", "/docs/evil/rows/1", "/", "/d/overview", "/metrics"] {
        let (_, _, body) = get(&app, uri).await;
        assert!(!body.contains("<script>alert"), "{uri} has a live script");
        assert!(!body.contains("<img src=x"), "{uri} has a live img");
    }
    let (_, _, body) = get(&app, "/docs/evil/rows/1").await;
    assert!(
        body.contains("&#60;script&#62;alert(1)&#60;/script&#62;") || body.contains("&lt;script&gt;alert(1)"),
        "shown as text"
    );
}

#[tokio::test]
async fn a_broken_dashboard_shows_its_error_and_the_others_work() {
    let store = seed();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.toml"),
        "title = \"坏的\"\n[[panel]]\ntitle = \"x\"\nkind = \"pie\"\nsql = \"SELECT 1\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("good.toml"),
        "title = \"好的\"\n[[panel]]\ntitle = \"文档\"\nkind = \"table\"\nquery = \"documents\"\n",
    )
    .unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = Site::new(store.connection().try_clone().unwrap(), dir.path(), &root.join("queries"));
    let app = router(AppState::new(site));
    let (status, _, body) = get(&app, "/d/broken").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body.contains("broken.toml") && body.contains("line 4") && body.contains("pie"), "{body}");
    let (status, _, body) = get(&app, "/d/good").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("市科委"));
    let (_, _, body) = get(&app, "/").await;
    assert!(body.contains("定义文件有误"), "the index flags it");
}

#[tokio::test]
async fn a_swap_replaces_the_data_whole() {
    let store = seed();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = Site::new(store.connection().try_clone().unwrap(), &root.join("dashboards"), &root.join("queries"));
    let state = AppState::new(site);
    let app = router(Arc::clone(&state));
    let (_, _, before) = get(&app, "/").await;
    assert!(before.contains("seed-2022"));
    let other = store_with(&[("kw-2021", include_bytes!("../../tests/fixtures/kw-2021.txt"))]);
    state.swap(Site::new(other.connection().try_clone().unwrap(), &root.join("dashboards"), &root.join("queries")));
    let (_, _, after) = get(&app, "/").await;
    assert!(after.contains("kw-2021") && !after.contains("/docs/seed-2022"), "cached pages went with the old site");
}

async fn get_with_host(app: &Router, uri: &str, host: &str) -> axum::response::Response {
    let req = Request::get(uri).header("host", host).body(Body::empty()).unwrap();
    app.clone().oneshot(req).await.unwrap()
}

fn guarded(store: &Store) -> Router {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = Site::new(store.connection().try_clone().unwrap(), &root.join("dashboards"), &root.join("queries"));
    let addr: std::net::SocketAddr = "127.0.0.1:8080".parse().unwrap();
    let guard = Guard::for_bind(addr, std::time::Duration::from_secs(10), 8, &["dash.internal".to_owned()]);
    router_with(AppState::with_workers(site, 8), &guard)
}

#[tokio::test]
async fn a_loopback_server_answers_only_loopback_host_names() {
    let store = seed();
    let app = guarded(&store);
    for host in ["localhost:8080", "127.0.0.1:8080", "[::1]:8080", "LOCALHOST", "dash.internal:80"] {
        assert_eq!(get_with_host(&app, "/", host).await.status(), StatusCode::OK, "{host}");
    }
    // A DNS-rebinding page's requests carry its own host name.
    for host in ["evil.example", "evil.example:8080", "127.0.0.1.evil.example", "localhost.evil.example"] {
        assert_eq!(get_with_host(&app, "/", host).await.status(), StatusCode::MISDIRECTED_REQUEST, "{host}");
    }
}

#[tokio::test]
async fn every_reply_carries_the_security_headers() {
    let store = seed();
    let app = guarded(&store);
    for uri in ["/", "/d/overview", "/api/metrics", "/static/style.css", "/nowhere"] {
        let res = get_with_host(&app, uri, "localhost").await;
        let h = res.headers();
        let csp = h.get("content-security-policy").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        // Scripts: the console's one, by its hash; nothing inline or loaded.
        let scripts = csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap_or_default();
        assert!(
            csp.contains("default-src 'none'") && scripts.trim().starts_with("script-src 'sha256-"),
            "{uri}: {csp}"
        );
        assert!(!scripts.contains("unsafe") && !scripts.contains("'self'"), "{uri}: {csp}");
        assert_eq!(h.get("x-content-type-options").map(|v| v.to_str().unwrap()), Some("nosniff"), "{uri}");
        assert_eq!(h.get("x-frame-options").map(|v| v.to_str().unwrap()), Some("DENY"), "{uri}");
    }
}

#[tokio::test]
async fn server_errors_show_a_reference_not_the_database_text() {
    // A database without the schema: every query fails inside DuckDB.
    let empty = duckdb::Connection::open_in_memory().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let app = router(AppState::new(Site::new(empty, &root.join("dashboards"), &root.join("queries"))));
    for uri in ["/api/documents", "/api/metrics/x", "/", "/docs/x", "/d/overview"] {
        let (status, _, body) = get(&app, uri).await;
        assert!(
            !body.contains("Catalog Error")
                && !body.contains("does not exist")
                && !body.contains(root.to_str().unwrap()),
            "{uri} shows internals: {body}"
        );
        if status.is_server_error() {
            assert!(body.contains("参考编号") || body.contains("reference"), "{uri}: {body}");
        }
    }
}

#[tokio::test]
async fn one_page_one_cache_entry_and_the_cache_is_bounded_in_bytes() {
    let store = seed();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let budget = 256 << 10;
    let site = Site::new(store.connection().try_clone().unwrap(), &root.join("dashboards"), &root.join("queries"))
        .with_cache_budget(budget);
    let state = AppState::new(site);
    let app = router(Arc::clone(&state));
    let (s1, _, a) = get(&app, "/docs/seed-2022/rows/3").await;
    let weight = state.site.load().cache.weight();
    let (s2, _, b) = get(&app, "/docs/seed-2022/rows/003").await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(a, b);
    assert_eq!(state.site.load().cache.weight(), weight, "rows/003 is rows/3, not a second entry");
    for n in 1..400 {
        let (status, _, _) = get(&app, &format!("/api/figures?limit={n}")).await;
        assert_eq!(status, StatusCode::OK);
    }
    assert!(state.site.load().cache.weight() <= budget, "{} bytes cached", state.site.load().cache.weight());
    let (_, _, body) = get(&app, "/api/figures?limit=99999").await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(v["rows"].as_array().unwrap().len() <= api::MAX_FIGURES);
}

#[tokio::test]
async fn a_jumping_series_is_listed_for_review_and_kept_off_the_trends() {
    let doc = |year: i32, status: &str| {
        format!("某区科委{year}年度自查表\n自查内容\t落实情况\t存在问题\n推进孵化工作\t{status}\t无\n").into_bytes()
    };
    let (a, b) = (doc(2021, "孵化企业612家，孵化器10个。"), doc(2022, "孵化企业31家，孵化器12个。"));
    let store = store_with(&[("kw-2021", &a), ("kw-2022", &b)]);
    let app = app_with(&store);
    let (status, _, body) = get(&app, "/review").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("孵化企业") && body.contains("相邻两期相差"), "{body}");
    let (_, _, trends) = get(&app, "/d/trends").await;
    assert!(trends.contains("孵化器") && !trends.contains("孵化企业"), "the flagged series is kept off the trends");
    let id: String =
        store.connection().query_row("SELECT id FROM metrics WHERE name = '孵化企业'", [], |r| r.get(0)).unwrap();
    let (_, _, page) = get(&app, &format!("/metrics/{id}")).await;
    assert!(page.contains("待核对") && page.contains("相邻两期相差"), "the metric page warns");
}

#[tokio::test]
async fn review_lists_goals_that_are_due_not_goals_for_later_years() {
    let text = "某区科委2022年度自查表\n自查内容\t落实情况\t存在问题\n\
                新建孵化器8个；到2025年，孵化器达到30个\t推进孵化工作\t无\n"
        .as_bytes();
    let store = store_with(&[("kw-2022", text)]);
    let app = app_with(&store);
    let (status, _, body) = get(&app, "/review").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("8个"), "this year's goal with no answer is listed: {body}");
    assert!(!body.contains("30个"), "a goal for 2025 is not due in a 2022 report: {body}");
}

#[tokio::test]
async fn status_and_snapshots_pages_say_what_ran_and_what_changed() {
    let mut store = seed();
    store.record_snapshot("2026-W48", "snapshots/2026-W48", chrono::Utc::now().naive_utc()).unwrap();
    store.connection().execute_batch("UPDATE snapshot_values SET value = value + 1 WHERE kind = 'value'").unwrap();
    store.record_snapshot("2026-W49", "snapshots/2026-W49", chrono::Utc::now().naive_utc()).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = Site::new(store.connection().try_clone().unwrap(), &root.join("dashboards"), &root.join("queries"));
    let state = AppState::new(site);
    state.status.set_timezone("Asia/Shanghai");
    state.status.scheduled(Job::Refresh, "0 */5 * * * *", Some(chrono::Utc::now()));
    state.status.started(Job::Refresh);
    state.status.finished(Job::Refresh, Err("data/metrics.toml: line 3: bad".into()));
    state.status.set_problems(vec!["data/broken.txt: not a report".into()]);
    let app = router(state.clone());

    let (status, _, page) = get(&app, "/status").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("运行状态") && page.contains("0 */5 * * * *"), "{page}");
    assert!(page.contains("失败：data/metrics.toml: line 3: bad") && page.contains("data/broken.txt"), "{page}");
    let (_, ct, json) = get(&app, "/api/status").await;
    assert!(ct.starts_with("application/json") && json.contains("\"problems\""), "{json}");

    let (status, _, page) = get(&app, "/snapshots").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("2026-W49") && page.contains("2026-W48"), "{page}");
    assert!(page.contains("自上次快照（2026-W48）以来的变化") && page.contains("数值变化"), "{page}");
}
