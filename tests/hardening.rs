//! What issue 7 found, each as a test: consistency after a crash, commands
//! that only read, document ids across runs, formula injection in CSV, and
//! the server's guards (Host check, security headers, generic errors, a
//! cache bounded in bytes).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use duckdb::Connection;
use zhibiao::ingest::{self, Limits};
use zhibiao::metrics::catalogue::Catalogue;
use zhibiao::store::{Store, StoreError};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn zhibiao(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhibiao")).args(args).current_dir(dir).output().expect("run zhibiao")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn seed_bytes() -> Vec<u8> {
    std::fs::read(format!("{ROOT}/data/seed-2022.txt")).unwrap()
}

fn catalogue() -> Catalogue {
    Catalogue::parse(include_str!("../data/metrics.toml")).unwrap()
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A database with the seed ingested and derived, in a temporary folder.
fn seeded() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("seed-2022.txt");
    std::fs::write(&file, seed_bytes()).unwrap();
    let db = dir.path().join("z.duckdb");
    let mut store = Store::open(&db).unwrap();
    ingest::run(&mut store, std::slice::from_ref(&file), Limits::default(), &mut |_| {}).unwrap();
    ingest::refresh_metrics(&mut store, &catalogue(), "c", true).unwrap();
    (dir, file, db)
}

#[test]
fn a_crash_between_storing_and_deriving_is_derived_again() {
    let (_dir, file, db) = seeded();
    let mut store = Store::open(&db).unwrap();
    assert!(store.derived_from().unwrap().is_some());
    // The file changes and is stored; the process "dies" before deriving.
    let edited = String::from_utf8(seed_bytes()).unwrap().replacen("312辆", "313辆", 1);
    std::fs::write(&file, edited).unwrap();
    let summary = ingest::run(&mut store, std::slice::from_ref(&file), Limits::default(), &mut |_| {}).unwrap();
    assert_eq!(summary.updated, 1);
    drop(store);
    // The next run sees no changed file, yet knows the derivation is stale.
    let mut store = Store::open(&db).unwrap();
    assert_eq!(store.derived_from().unwrap(), None, "storing documents marks the derived tables stale");
    let again = ingest::refresh_metrics(&mut store, &catalogue(), "c", false).unwrap();
    assert!(again.is_some(), "a stale derivation is redone even when no file changed");
    assert!(ingest::refresh_metrics(&mut store, &catalogue(), "c", false).unwrap().is_none());
    // Every observation points at a figure that exists and has its value.
    let conn = store.connection();
    let dangling = count(
        conn,
        "SELECT count(*) FROM observations o LEFT JOIN figures f ON f.doc_id = o.doc_id AND f.seq = o.figure_seq \
         WHERE o.basis = 'reported' AND (f.seq IS NULL OR f.value <> o.value)",
    );
    assert_eq!(dangling, 0);
}

#[test]
fn read_only_commands_never_change_the_database() {
    let (dir, _file, db) = seeded();
    // An older schema version: `ingest` would rebuild it, `metrics` and
    // `check` must refuse and leave every table in place.
    {
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch("UPDATE meta SET value = '1' WHERE key = 'schema_version'").unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    for args in [vec!["metrics", "--db", "z.duckdb"], vec!["check", "--db", "z.duckdb"]] {
        let out = zhibiao(&args, dir.path());
        assert!(!out.status.success(), "{args:?} on an old schema must refuse");
        let err = stderr(&out);
        assert!(err.contains("schema version 1") && err.contains("zhibiao ingest"), "{err}");
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "the file is byte for byte as it was");
    let conn = Connection::open(&db).unwrap();
    assert!(count(&conn, "SELECT count(*) FROM figures") > 100, "nothing was dropped");
    drop(conn);
    // An unreadable version is an error, not version 0.
    Connection::open(&db).unwrap().execute_batch("UPDATE meta SET value = 'x' WHERE key = 'schema_version'").unwrap();
    match Store::open(&db) {
        Err(StoreError::Version { found, .. }) => assert_eq!(found, "x"),
        other => panic!("expected a version error, got {:?}", other.map(|_| ())),
    }
    let conn = Connection::open(&db).unwrap();
    assert!(count(&conn, "SELECT count(*) FROM figures") > 100, "nothing was dropped");
}

#[test]
fn a_second_file_with_the_same_name_is_refused_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["a", "b"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        std::fs::write(dir.path().join(sub).join("自查表.txt"), seed_bytes()).unwrap();
    }
    let first = zhibiao(&["ingest", "a", "--db", "t.duckdb"], dir.path());
    assert!(first.status.success(), "{}", stderr(&first));
    let second = zhibiao(&["ingest", "b", "--db", "t.duckdb"], dir.path());
    assert_eq!(second.status.code(), Some(1));
    let err = stderr(&second);
    assert!(err.contains("b/自查表.txt") && err.contains("already taken by a/自查表.txt"), "{err}");
    let conn = Connection::open(dir.path().join("t.duckdb")).unwrap();
    let path: String = conn.query_row("SELECT path FROM documents WHERE id = '自查表'", [], |r| r.get(0)).unwrap();
    assert_eq!(path, "a/自查表.txt", "the first file's document is kept");
    drop(conn);
    // A file that moved (its old place is gone) takes its id along.
    std::fs::remove_dir_all(dir.path().join("a")).unwrap();
    let moved = zhibiao(&["ingest", "b", "--db", "t.duckdb"], dir.path());
    assert!(moved.status.success(), "{}", stderr(&moved));
}

#[test]
fn too_large_files_are_refused_by_size_and_the_others_stored() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("seed-2022.txt"), seed_bytes()).unwrap();
    let big = std::fs::File::create(data.join("big.txt")).unwrap();
    big.set_len(3 << 20).unwrap();
    let out = zhibiao(&["ingest", "data", "--db", "t.duckdb", "--max-file-mb", "2"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("big.txt") && err.contains("over the limit of 2 MB"), "{err}");
    let conn = Connection::open(dir.path().join("t.duckdb")).unwrap();
    assert_eq!(count(&conn, "SELECT count(*) FROM documents WHERE id = 'seed-2022'"), 1);
}

#[test]
fn csv_downloads_and_exports_do_not_carry_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let text = "自查内容\t落实情况\t存在问题\n\
                =HYPERLINK(\"http://example.invalid\",\"点击\")新建10个平台\t@SUM(1)建成9个平台\t-2+3\n";
    std::fs::write(data.join("evil-2022.txt"), text).unwrap();
    let out = zhibiao(&["extract", "data", "--format", "csv"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for record in reader.records() {
        for field in record.unwrap().iter() {
            assert!(!field.starts_with(['=', '+', '@']), "a live formula: {field}");
            assert!(!field.starts_with('-') || field.parse::<f64>().is_ok(), "a live formula: {field}");
        }
    }
    assert!(csv.contains("'=HYPERLINK"), "the text is kept, made inert: {csv}");
}

#[test]
fn a_document_with_too_many_figures_is_refused_and_the_others_stored() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("seed-2022.txt"), seed_bytes()).unwrap();
    // 《》1个 × 2,000 in one cell: each a figure, each keeping its sentence.
    let flood = format!("自查内容\t落实情况\t存在问题\n任务\t{}\t无\n", "《》1个".repeat(2000));
    std::fs::write(data.join("flood.txt"), flood).unwrap();
    let out = zhibiao(&["ingest", "data", "--db", "t.duckdb", "--max-figures", "1000"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("flood.txt") && err.contains("more than 1000 figures"), "{err}");
    assert!(!err.contains("seed-2022"), "the seed's 105 figures are within the budget: {err}");
    let conn = Connection::open(dir.path().join("t.duckdb")).unwrap();
    assert_eq!(count(&conn, "SELECT count(*) FROM documents"), 1);
}
