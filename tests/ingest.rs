//! `zhibiao ingest` end to end: the real binary, a temporary database, the
//! real seed, and the bad inputs the issue names.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use duckdb::Connection;

fn seed_text() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/seed-2022.txt")).unwrap()
}

fn zhibiao(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhibiao")).args(args).current_dir(dir).output().expect("run zhibiao")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        Fixture { dir }
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn write(&self, rel: &str, bytes: &[u8]) {
        std::fs::write(self.path(rel), bytes).unwrap();
    }
    fn ingest(&self) -> Output {
        zhibiao(&["ingest", "data", "--db", "test.duckdb"], self.dir.path())
    }
    fn db(&self) -> PathBuf {
        self.path("test.duckdb")
    }
}

#[test]
fn seed_is_stored_with_provenance_and_a_summary() {
    let fx = Fixture::new();
    fx.write("data/seed-2022.txt", seed_text().as_bytes());
    let out = fx.ingest();
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stdout(&out);
    assert!(summary.contains("1 new, 0 updated, 0 unchanged, 0 failed"), "{summary}");
    assert!(summary.contains("31 rows"), "{summary}");

    let db = fx.db();
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 1);
    assert_eq!(count(&db, "SELECT count(*) FROM rows WHERE doc_id = 'seed-2022'"), 31);
    assert_eq!(count(&db, "SELECT period::INTEGER FROM documents"), 2022);
    let figures = count(&db, "SELECT count(*) FROM figures");
    assert!(figures >= 100, "{figures} figures");
    assert!(summary.contains(&format!("{figures} figures")), "{summary}");
    // Provenance: the 312 vehicles are in row 3's status, in their sentence.
    let conn = Connection::open(&db).unwrap();
    let (row, col, sentence, span): (i32, String, String, i32) = conn
        .query_row("SELECT row, col, sentence, span_start FROM figures WHERE text = '312辆'", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap();
    assert_eq!((row, col.as_str()), (3, "status"));
    assert!(sentence.contains("赛时共投入312辆氢燃料电池车"), "{sentence}");
    let status: String = conn.query_row("SELECT status FROM rows WHERE row = 3", [], |r| r.get(0)).unwrap();
    let at: String = status.chars().skip(span as usize).take(4).collect();
    assert_eq!(at, "312辆");
}

#[test]
fn unchanged_files_are_skipped_and_changed_ones_replaced() {
    let fx = Fixture::new();
    fx.write("data/seed-2022.txt", seed_text().as_bytes());
    assert!(fx.ingest().status.success());
    let before = count(&fx.db(), "SELECT count(*) FROM figures");
    let stamp = count(&fx.db(), "SELECT epoch_us(ingested_at) FROM documents");

    let again = fx.ingest();
    assert!(stdout(&again).contains("0 new, 0 updated, 1 unchanged"), "{}", stdout(&again));
    assert_eq!(count(&fx.db(), "SELECT epoch_us(ingested_at) FROM documents"), stamp);
    assert_eq!(count(&fx.db(), "SELECT count(*) FROM figures"), before);

    // Drop the row with 312 vehicles (and its 70MPa): two figures fewer.
    let changed: String = seed_text().lines().filter(|l| !l.contains("312辆")).collect::<Vec<_>>().join("\n");
    fx.write("data/seed-2022.txt", changed.as_bytes());
    let out = fx.ingest();
    assert!(stdout(&out).contains("0 new, 1 updated"), "{}", stdout(&out));
    assert_eq!(count(&fx.db(), "SELECT count(*) FROM figures"), before - 2);
    assert_eq!(count(&fx.db(), "SELECT count(*) FROM rows"), 30);
    assert_eq!(count(&fx.db(), "SELECT count(*) FROM documents"), 1);
}

#[test]
fn gb18030_reads_the_same_as_utf8() {
    let fx = Fixture::new();
    let text = seed_text();
    let (gb, _, had_errors) = encoding_rs::GB18030.encode(&text);
    assert!(!had_errors);
    fx.write("data/seed-gb.txt", &gb);
    fx.write("data/seed-utf8.tsv", seed_text().as_bytes());
    let out = fx.ingest();
    assert!(out.status.success(), "{}", stderr(&out));
    let db = fx.db();
    assert_eq!(count(&db, "SELECT count(*) FROM documents WHERE encoding = 'gb18030'"), 1);
    let differ = count(
        &db,
        "SELECT count(*) FROM (
            (SELECT row, col, text, value, unit, kind FROM figures WHERE doc_id = 'seed-gb'
             EXCEPT SELECT row, col, text, value, unit, kind FROM figures WHERE doc_id = 'seed-utf8')
            UNION ALL
            (SELECT row, col, text, value, unit, kind FROM figures WHERE doc_id = 'seed-utf8'
             EXCEPT SELECT row, col, text, value, unit, kind FROM figures WHERE doc_id = 'seed-gb'))",
    );
    assert_eq!(differ, 0);
}

#[test]
fn bad_files_are_named_and_the_rest_is_stored() {
    let fx = Fixture::new();
    fx.write("data/seed-2022.txt", seed_text().as_bytes());
    fx.write("data/empty.txt", b"");
    fx.write("data/binary.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0");
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("年度報告書\tプラットフォームを九つ新設しました。\tなし\n");
    fx.write("data/shift-jis.txt", &sjis);
    fx.write("data/prose.txt", "这是一份说明，不是表格。\n第二段文字。\n".as_bytes());
    let out = fx.ingest();
    assert_eq!(out.status.code(), Some(1), "a failed file makes the exit code 1");
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "one line per bad file:\n{err}");
    for (file, reason) in [
        ("empty.txt", "empty"),
        ("binary.txt", "binary"),
        ("shift-jis.txt", "unknown text encoding"),
        ("prose.txt", "no table found"),
    ] {
        assert!(
            lines.iter().any(|l| l.contains(file) && l.contains(reason)),
            "no line names {file} with '{reason}':\n{err}"
        );
    }
    assert!(stdout(&out).contains("1 new, 0 updated, 0 unchanged, 4 failed"), "{}", stdout(&out));
    assert_eq!(count(&fx.db(), "SELECT count(*) FROM documents"), 1);
}

#[test]
fn a_file_gone_bad_keeps_its_stored_version() {
    let fx = Fixture::new();
    fx.write("data/seed-2022.txt", seed_text().as_bytes());
    assert!(fx.ingest().status.success());
    let before = count(&fx.db(), "SELECT count(*) FROM figures");

    fx.write("data/seed-2022.txt", b"\0\x01\x02 garbage");
    let out = fx.ingest();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("seed-2022.txt"), "{}", stderr(&out));
    assert_eq!(count(&fx.db(), "SELECT count(*) FROM figures"), before);
    assert_eq!(count(&fx.db(), "SELECT count(*) FROM rows"), 31);
}

#[test]
fn extract_prints_a_table_for_people() {
    let fx = Fixture::new();
    fx.write("data/seed-2022.txt", seed_text().as_bytes());
    let out = zhibiao(&["extract", "data/seed-2022.txt"], fx.dir.path());
    assert!(out.status.success());
    let table = stdout(&out);
    assert!(table.contains("原文") && table.contains("312辆") && table.contains("氢燃料电池车"), "{table}");
    assert!(table.contains("30,000,000,000"), "big values are grouped:\n{table}");
}

#[test]
fn extract_names_a_missing_file() {
    let fx = Fixture::new();
    let out = zhibiao(&["extract", "nope.txt"], fx.dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("nope.txt"), "{}", stderr(&out));
}

#[test]
fn help_explains_each_command() {
    let out = zhibiao(&["--help"], Path::new("."));
    let help = stdout(&out);
    assert!(help.contains("extract") && help.contains("ingest"), "{help}");
    let out = zhibiao(&["ingest", "--help"], Path::new("."));
    assert!(stdout(&out).contains("--db"), "{}", stdout(&out));
}
