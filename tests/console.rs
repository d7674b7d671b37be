//! Issue 10 end to end: the analysts' console through its three front ends
//! (the page, `/api/sql`, `zhibiao sql`), each refusing every hostile
//! statement with its message; the time limit, the row cap, saved queries
//! with parameters, downloads and the token.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use zhibiao::app::{App, Paths, Settings};
use zhibiao::ingest::Limits;

mod common;
use common::ROOT;

/// A file the hostile statements try to read, and one they try to write.
const SECRET: &str = "/etc/hostname";

fn hostile(out: &Path) -> Vec<String> {
    let o = out.display();
    let s = SECRET;
    [
        format!("SELECT * FROM read_csv('{s}')"),
        format!("SELECT * FROM read_csv_auto('{s}')"),
        format!("SELECT * FROM '{s}'"),
        format!("FROM read_text('{s}')"),
        format!("SELECT content FROM read_blob('{s}')"),
        "SELECT * FROM glob('/*')".to_owned(),
        format!("SELECT * FROM read_parquet('{o}.parquet')"),
        format!("SELECT * FROM read_json('{s}')"),
        format!("SELECT * FROM sniff_csv('{s}')"),
        "SELECT * FROM read_csv('https://example.com/x.csv')".to_owned(),
        format!("COPY figures TO '{o}.csv'"),
        format!("COPY (SELECT * FROM documents) TO '{o}.parquet' (FORMAT parquet)"),
        format!("EXPORT DATABASE '{o}'"),
        format!("IMPORT DATABASE '{o}'"),
        format!("ATTACH '{o}.duckdb' AS other"),
        "DETACH z".to_owned(),
        "INSTALL httpfs".to_owned(),
        "LOAD httpfs".to_owned(),
        "SET enable_external_access = true".to_owned(),
        "RESET lock_configuration".to_owned(),
        "PRAGMA enable_profiling".to_owned(),
        "CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')".to_owned(),
        "SELECT * FROM duckdb_secrets()".to_owned(),
        "SELECT getenv('HOME')".to_owned(),
        "CREATE TABLE stolen AS SELECT * FROM figures".to_owned(),
        "INSERT INTO meta VALUES ('owned', 'yes')".to_owned(),
        "UPDATE figures SET value = 0".to_owned(),
        "DELETE FROM documents".to_owned(),
        "DROP TABLE figures".to_owned(),
        "ALTER TABLE figures ADD COLUMN x INTEGER".to_owned(),
        "CREATE VIEW v AS SELECT 1".to_owned(),
        "SELECT 1; DROP TABLE figures".to_owned(),
        "SELECT 1; SELECT 2".to_owned(),
        "WITH x AS (SELECT 1) INSERT INTO meta VALUES ('a', 'b')".to_owned(),
        "CHECKPOINT".to_owned(),
        "VACUUM".to_owned(),
        "BEGIN TRANSACTION".to_owned(),
        "CALL pragma_version()".to_owned(),
        format!("SUMMARIZE SELECT * FROM read_csv('{s}')"),
        format!("SELECT * FROM query('COPY figures TO ''{o}.csv''')"),
        "   ".to_owned(),
    ]
    .into_iter()
    .collect()
}

/// A project of three shipped reports and the catalogue.
fn project(dir: &Path) -> Paths {
    common::project(dir, &["seed-2022.txt", "shengtaihuanjing-2022.txt", "shengtaihuanjing-2023.txt", "metrics.toml"])
}

/// The application served on a free port, in the background.
fn serve(paths: &Paths, settings: Settings) -> String {
    let app = App::build(paths.clone(), Limits::default(), settings, 1 << 20, 4).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, zhibiao::web::router(app.state.clone())).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn get(url: &str) -> (u16, String) {
    let mut r = agent().get(url).call().unwrap();
    (r.status().as_u16(), r.body_mut().read_to_string().unwrap_or_default())
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn cli(db: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .arg("sql")
        .arg("--db")
        .arg(db)
        .arg("--queries")
        .arg(format!("{ROOT}/queries"))
        .args(args)
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// The words each refusal opens with: every refusal is one of these,
/// never DuckDB's bare text or a stack trace.
const REFUSALS: &[&str] =
    &["没有可运行的语句", "一次只能运行一条语句", "控制台只运行查询", "控制台不能读写文件", "数据库是只读的"];

fn refused(message: &str) -> bool {
    REFUSALS.iter().any(|r| message.contains(r))
}

#[test]
fn every_hostile_statement_is_refused_by_the_page_the_api_and_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let paths = project(dir.path());
    let base = serve(&paths, Settings::default());
    let out = dir.path().join("stolen");
    let statements = hostile(&out);
    assert!(statements.len() >= 30, "{} statements", statements.len());
    let figures_before = zhibiao::store::Store::open_read_only(&paths.db).unwrap().totals().unwrap();

    for sql in &statements {
        let (status, body) = get(&format!("{base}/api/sql?sql={}", enc(sql)));
        assert_eq!(status, 400, "{sql}: {body}");
        let error = serde_json::from_str::<serde_json::Value>(&body).unwrap()["error"].as_str().unwrap().to_owned();
        assert!(refused(&error), "API for {sql}: {error}");

        // (An empty editor is the page's first state, not a refusal.)
        let (status, page) = get(&format!("{base}/sql?sql={}", enc(sql)));
        assert_eq!(status, if sql.trim().is_empty() { 200 } else { 400 }, "{sql}");
        let shown = page.split("role=\"alert\"").nth(1).unwrap_or_default();
        assert!(refused(shown) || sql.trim().is_empty(), "page for {sql}: no refusal shown");

        let (ok, stdout, stderr) = cli(&paths.db, &[sql]);
        assert!(!ok && stdout.is_empty(), "CLI ran {sql}: {stdout}");
        assert!(refused(&stderr), "CLI for {sql}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    // Nothing written anywhere, nothing changed.
    let written: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("stolen"))
        .collect();
    assert!(written.is_empty(), "files written: {written:?}");
    let after = zhibiao::store::Store::open_read_only(&paths.db).unwrap();
    assert_eq!(after.totals().unwrap(), figures_before);
    assert_eq!(after.meta("owned").unwrap(), None);
}

#[test]
fn a_query_past_the_limit_returns_within_the_limit_and_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let paths = project(dir.path());
    let mut settings = Settings::default();
    settings.sql.time_limit_seconds = 1.0;
    let base = serve(&paths, settings);
    let slow = "SELECT count(*) FROM range(100000000000) a WHERE a.range % 7 = 3";

    let started = Instant::now();
    let (status, body) = get(&format!("{base}/api/sql?sql={}", enc(slow)));
    assert!(started.elapsed() < Duration::from_secs(2), "API took {:?}", started.elapsed());
    assert_eq!(status, 408, "{body}");
    assert!(body.contains("时间上限"), "{body}");

    let started = Instant::now();
    let (ok, _, stderr) = cli(&paths.db, &["--time-limit", "1", slow]);
    assert!(started.elapsed() < Duration::from_secs(3), "CLI took {:?} (with its start-up)", started.elapsed());
    assert!(!ok && stderr.contains("时间上限"), "{stderr}");

    // The console is usable at once after.
    let (status, body) = get(&format!("{base}/api/sql?sql={}", enc("SELECT count(*) AS n FROM figures")));
    assert_eq!(status, 200, "{body}");
}

#[test]
fn answers_saved_queries_downloads_and_the_row_cap() {
    let dir = tempfile::tempdir().unwrap();
    let paths = project(dir.path());
    let mut settings = Settings::default();
    settings.sql.max_rows = 50;
    let base = serve(&paths, settings);

    let (status, body) =
        get(&format!("{base}/api/sql?sql={}", enc("SELECT seq, text FROM figures ORDER BY doc_id, seq")));
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!((v["row_count"].as_u64(), v["truncated"].as_bool()), (Some(50), Some(true)), "{body}");
    let (_, page) = get(&format!("{base}/sql?sql={}", enc("SELECT seq FROM figures")));
    assert!(page.contains("已截断"), "the page says the result was cut");

    // A saved query with parameters, from its URL; its form until they are given.
    let (_, form) = get(&format!("{base}/sql?query=row_figures"));
    assert!(
        form.contains("name=\"doc\"") && form.contains("name=\"row\"") && !form.contains("<h2>结果</h2>"),
        "the form first"
    );
    let (status, body) = get(&format!("{base}/api/sql?query=row_figures&doc=seed-2022&row=3"));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("312辆"), "{body}");
    let (status, body) = get(&format!("{base}/api/sql?query=row_figures&doc=seed-2022"));
    assert_eq!(status, 400);
    assert!(body.contains(":row"), "{body}");
    // Every saved query shipped runs (those with parameters given values).
    for name in std::fs::read_dir(format!("{ROOT}/queries")).unwrap().flatten().map(|e| e.path()) {
        if name.extension().is_none_or(|e| e != "sql") {
            continue;
        }
        let stem = name.file_stem().unwrap().to_string_lossy().into_owned();
        let url = format!(
            "{base}/api/sql?query={stem}&doc=seed-2022&row=3&metric=hydrogen-vehicles&before=shengtaihuanjing-2022&after=shengtaihuanjing-2023"
        );
        let (status, body) = get(&url);
        assert_eq!(status, 200, "{stem}: {body}");
    }

    // Downloads: the right type, a file name, and content that opens.
    let q = enc("SELECT doc_id, seq, value, kind FROM figures ORDER BY doc_id, seq");
    for (ext, magic) in [("csv", &b"doc_id"[..]), ("xlsx", b"PK"), ("parquet", b"PAR1"), ("json", b"[")] {
        let mut r = agent().get(&format!("{base}/sql.{ext}?sql={q}")).call().unwrap();
        assert_eq!(r.status().as_u16(), 200, "{ext}");
        assert!(r.headers().get("content-disposition").is_some(), "{ext}");
        let bytes = r.body_mut().with_config().limit(50 << 20).read_to_vec().unwrap();
        assert!(bytes.starts_with(magic), "{ext}");
    }
    // A chart and its panel where a period column meets a number column.
    let (_, page) = get(&format!(
        "{base}/sql?sql={}",
        enc("SELECT period_label, count(*) AS n FROM observations GROUP BY 1 ORDER BY 1")
    ));
    assert!(page.contains("<svg") && page.contains("[[panel]]"), "a chart is offered");
}

#[test]
fn a_token_guards_the_console_and_a_public_address_needs_one() {
    use std::net::SocketAddr;
    let mut sql = Settings::default().sql;
    let public: SocketAddr = "0.0.0.0:8080".parse().unwrap();
    assert!(zhibiao::app::check_console_access(&sql, public).unwrap_err().to_string().contains("token"));
    assert!(zhibiao::app::check_console_access(&sql, "127.0.0.1:8080".parse().unwrap()).is_ok());
    sql.token = Some("s3cret".into());
    assert!(zhibiao::app::check_console_access(&sql, public).is_ok());
    sql.token = None;
    sql.enabled = false;
    assert!(zhibiao::app::check_console_access(&sql, public).is_ok());

    let dir = tempfile::tempdir().unwrap();
    let paths = project(dir.path());
    let mut settings = Settings::default();
    settings.sql.token = Some("s3cret".into());
    let base = serve(&paths, settings);
    let q = enc("SELECT 1 AS one");
    assert_eq!(get(&format!("{base}/api/sql?sql={q}")).0, 401);
    assert_eq!(get(&format!("{base}/sql?sql={q}")).0, 401);
    assert_eq!(get(&format!("{base}/api/sql?sql={q}&token=wrong")).0, 401);
    let r = agent().get(&format!("{base}/api/sql?sql={q}")).header("Authorization", "Bearer s3cret").call().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // The token in a page's URL becomes a cookie, and leaves the URL.
    let r = agent().get(&format!("{base}/sql?sql={q}&token=s3cret")).call().unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(!r.headers().get("location").unwrap().to_str().unwrap().contains("token"));
    let pair = cookie.split(';').next().unwrap();
    let r = agent().get(&format!("{base}/sql?sql={q}")).header("Cookie", pair).call().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // Dashboards stay open.
    assert_eq!(get(&format!("{base}/d/overview")).0, 200);
}
