//! Metrics end to end: the seed and two synthetic years ingested with the
//! shipped catalogue, read back through `zhibiao metrics` and SQL.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use duckdb::Connection;
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn zhibiao(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhibiao")).args(args).current_dir(dir).output().expect("run zhibiao")
}

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    /// The seed and the 2021 and 2023 test fixtures, with the shipped catalogue.
    fn three_years() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::copy(format!("{ROOT}/data/seed-2022.txt"), data.join("seed-2022.txt")).unwrap();
        std::fs::copy(format!("{ROOT}/data/metrics.toml"), data.join("metrics.toml")).unwrap();
        for f in ["kw-2021.txt", "kw-2023.txt"] {
            std::fs::copy(format!("{ROOT}/tests/fixtures/{f}"), data.join(f)).unwrap();
        }
        Fixture { dir }
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn run(&self, args: &[&str]) -> Output {
        zhibiao(args, self.dir.path())
    }
    fn ingest(&self) -> Output {
        self.run(&["ingest", "--db", "m.duckdb"])
    }
    fn sql<T: duckdb::types::FromSql>(&self, sql: &str) -> T {
        let conn = Connection::open(self.path("m.duckdb")).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }
    fn attainment(&self) -> Vec<Value> {
        let out = self.run(&["metrics", "--db", "m.duckdb", "--format", "jsonl"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }
}

fn find<'a>(rows: &'a [Value], metric: &str, period: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["metric"] == metric && r["period"] == period)
        .unwrap_or_else(|| panic!("no {metric} {period} in {rows:#?}"))
}

#[test]
fn seed_attainment_as_the_issue_states_it() {
    let fx = Fixture::three_years();
    let out = fx.ingest();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("metrics:"), "the summary reports metrics");
    let rows = fx.attainment();

    let r = find(&rows, "产业协同创新平台", "2022");
    assert_eq!(
        (r["target"].as_f64(), r["actual"].as_f64(), r["status"].as_str()),
        (Some(10.0), Some(9.0), Some("missed"))
    );
    let r = find(&rows, "技术转移机构", "2022");
    assert_eq!(
        (r["target"].as_f64(), r["actual"].as_f64(), r["comparator"].as_str()),
        (Some(70.0), Some(65.0), Some("about"))
    );
    let r = find(&rows, "概念验证平台", "2022");
    assert_eq!(
        (r["target"].as_f64(), r["actual"].as_f64(), r["comparator"].as_str()),
        (Some(15.0), Some(12.0), Some("about"))
    );
    let r = find(&rows, "工程技术人才支持比例", "2022");
    assert_eq!(
        (r["target"].as_f64(), r["actual"].as_f64(), r["status"].as_str()),
        (Some(20.0), Some(21.4), Some("met"))
    );
    assert_eq!(r["comparator"], "at_least");
    let r = find(&rows, "大中型重点企业研发费用增速", "2022");
    assert_eq!(
        (r["target"].as_f64(), r["actual"].as_f64(), r["status"].as_str()),
        (Some(14.0), None, Some("forecast"))
    );

    // Worst first: every missed target comes before every met one, and the
    // missed ones by ascending ratio.
    let statuses: Vec<&str> = rows.iter().map(|r| r["status"].as_str().unwrap()).collect();
    let last_missed = statuses.iter().rposition(|s| *s == "missed").unwrap();
    let first_met = statuses.iter().position(|s| *s == "met").unwrap();
    assert!(last_missed < first_met, "{statuses:?}");
    let ratios: Vec<f64> =
        rows.iter().filter(|r| r["status"] == "missed").filter_map(|r| r["ratio"].as_f64()).collect();
    assert!(ratios.windows(2).all(|w| w[0] <= w[1]), "{ratios:?}");
}

#[test]
fn the_table_reads_in_chinese() {
    let fx = Fixture::three_years();
    assert!(fx.ingest().status.success());
    let out = fx.run(&["metrics", "--db", "m.duckdb"]);
    let table = String::from_utf8(out.stdout).unwrap();
    for words in ["指标", "产业协同创新平台", "未完成", "已完成", "仅有预计", "≈70家", "90%"] {
        assert!(table.contains(words), "{words} missing from:\n{table}");
    }
    let out = fx.run(&["metrics", "--db", "m.duckdb", "--format", "csv"]);
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("metric_id,metric,unit,"), "{csv}");
}

#[test]
fn series_have_one_point_per_period() {
    let fx = Fixture::three_years();
    assert!(fx.ingest().status.success());
    // Technology contracts: reported for 2021, 2022 and 2023 (Jan–Nov), and
    // derived for 2020 from the 2021 growth rate. 2021 is also implied by
    // 2022's growth rate, but the reported value wins.
    let conn = Connection::open(fx.path("m.duckdb")).unwrap();
    let mut stmt = conn
        .prepare("SELECT period, value, basis, observations_at_period FROM metric_series WHERE metric_id = 'jjj-contracts' ORDER BY period_end")
        .unwrap();
    let series: Vec<(String, f64, String, i64)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap().map(Result::unwrap).collect();
    let periods: Vec<&str> = series.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(periods, ["2020M01-11", "2021M01-11", "2022M01-11", "2023M01-11"]);
    assert_eq!((series[1].1, series[1].2.as_str(), series[1].3), (4560.0, "reported", 2));
    assert_eq!(series[0].2, "derived");
    assert!((series[0].1 - 4560.0 / 1.102).abs() < 1e-6);
    // Of two mentions in one report, the one answering a target is the
    // period's value: 65 institutions supported, not 20 hiring managers.
    let orgs: f64 =
        fx.sql("SELECT value FROM metric_series WHERE metric_id = 'tech-transfer-orgs' AND period = '2022'");
    assert_eq!(orgs, 65.0);
    // Money shows in 亿元 through the catalogue.
    let unit: String = fx.sql("SELECT display_unit FROM metrics WHERE id = 'jjj-contract-value'");
    assert_eq!(unit, "亿元");
}

#[test]
fn targets_across_years() {
    let fx = Fixture::three_years();
    assert!(fx.ingest().status.success());
    let rows = fx.attainment();
    assert_eq!(find(&rows, "产业协同创新平台", "2021")["status"], "met");
    assert_eq!(find(&rows, "产业协同创新平台", "2023")["status"], "met");
    assert_eq!(find(&rows, "工程技术人才支持比例", "2021")["status"], "missed");
    assert_eq!(find(&rows, "技术转移机构", "2023")["status"], "missed");
    assert_eq!(find(&rows, "大中型重点企业研发费用增速", "2023")["status"], "met");
}

#[test]
fn every_number_traces_back_to_its_sentence() {
    let fx = Fixture::three_years();
    assert!(fx.ingest().status.success());
    let orphans: i64 = fx.sql(
        "SELECT count(*) FROM observations o LEFT JOIN figures f ON f.doc_id = o.doc_id AND f.seq = o.figure_seq \
         WHERE f.sentence IS NULL",
    );
    assert_eq!(orphans, 0);
    let orphans: i64 = fx.sql(
        "SELECT count(*) FROM targets t LEFT JOIN figures f ON f.doc_id = t.doc_id AND f.seq = t.target_seq \
         WHERE t.target_seq IS NOT NULL AND f.sentence IS NULL",
    );
    assert_eq!(orphans, 0);
}

#[test]
fn a_bad_catalogue_is_refused_and_changes_nothing() {
    let fx = Fixture::three_years();
    assert!(fx.ingest().status.success());
    let before: i64 = fx.sql("SELECT count(*) FROM targets");
    let names: i64 = fx.sql("SELECT count(*) FROM metrics WHERE source = 'catalogue'");

    let mut text = std::fs::read_to_string(fx.path("data/metrics.toml")).unwrap();
    text.push_str("\n[[metric]]\nid = \"x\"\nname = \"某指标\"\nunit = \"个\"\ncolour = \"red\"\n");
    std::fs::write(fx.path("data/metrics.toml"), &text).unwrap();
    std::fs::remove_file(fx.path("data/kw-2023.txt")).unwrap();
    std::fs::write(fx.path("data/new.txt"), std::fs::read(format!("{ROOT}/tests/fixtures/kw-2023.txt")).unwrap())
        .unwrap();
    let out = fx.ingest();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let line = text.lines().count();
    assert!(err.contains("metrics.toml") && err.contains(&format!("line {line}")) && err.contains("colour"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert_eq!(fx.sql::<i64>("SELECT count(*) FROM targets"), before);
    assert_eq!(fx.sql::<i64>("SELECT count(*) FROM metrics WHERE source = 'catalogue'"), names);
    assert_eq!(fx.sql::<i64>("SELECT count(*) FROM documents WHERE id = 'new'"), 0, "no document was read");
}

#[test]
fn editing_the_catalogue_refreshes_the_metrics() {
    let fx = Fixture::three_years();
    assert!(fx.ingest().status.success());
    let mut text = std::fs::read_to_string(fx.path("data/metrics.toml")).unwrap();
    text = text.replace("approx_tolerance = 0.10", "approx_tolerance = 0.05");
    std::fs::write(fx.path("data/metrics.toml"), &text).unwrap();
    let out = fx.ingest();
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 new, 0 updated, 3 unchanged"));
    let rows = fx.attainment();
    // 65 of about 70 is met within ±10% but missed within ±5%.
    assert_eq!(find(&rows, "技术转移机构", "2022")["status"], "missed");
}

/// A shipped query from `queries/`, as a subquery to count or filter.
fn query(name: &str) -> String {
    let sql = std::fs::read_to_string(format!("{ROOT}/queries/{name}.sql")).unwrap();
    format!("(\n{sql}\n)")
}

#[test]
fn a_later_report_supersedes_an_earlier_target() {
    let fx = Fixture::three_years();
    // The 2022 table restated by a later report, the platform target now met.
    let seed = std::fs::read_to_string(fx.path("data/seed-2022.txt")).unwrap();
    assert!(seed.contains("新建9个中关村高精尖产业协同创新平台"));
    let restated = seed.replace("新建9个中关村高精尖产业协同创新平台", "新建10个中关村高精尖产业协同创新平台");
    std::fs::write(fx.path("data/seed-2022-restated.txt"), restated).unwrap();
    assert!(fx.ingest().status.success());
    let missed: i64 = fx.sql(&format!("SELECT missed FROM {} WHERE year(period_end) = 2022", query("scorecard")));
    assert_eq!(missed, 0, "the restatement meets the only 2022 target the seed missed");
    let listed: i64 = fx.sql(&format!("SELECT count(*) FROM {} WHERE period_label = '2022年'", query("shortfalls")));
    assert_eq!(listed, 0, "shortfalls agree with the scorecard");
}

#[test]
fn catalogue_suggest_proposes_metrics_seen_in_several_reports_as_valid_toml() {
    let fx = Fixture::three_years();
    assert!(fx.ingest().status.success());
    let out = fx.run(&["catalogue", "suggest", "--db", "m.duckdb", "--catalogue", "data/metrics.toml"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let toml = String::from_utf8(out.stdout).unwrap();
    // What it prints is a catalogue this zhibiao accepts as it is.
    let parsed = zhibiao::metrics::catalogue::Catalogue::parse(&toml).unwrap_or_else(|e| panic!("{e}\n{toml}"));
    assert!(!parsed.metrics.is_empty(), "{toml}");
    // Each entry shows its values by period with their sources.
    assert!(toml.contains("#   2021年:") && toml.contains("第"), "{toml}");
    // Metrics already in the catalogue are not suggested again.
    assert!(!toml.contains("name = \"产业协同创新平台\""), "{toml}");
    // A database of another version is refused, not rebuilt.
    let missing = fx.run(&["catalogue", "suggest", "--db", "nothing.duckdb"]);
    assert!(!missing.status.success());
}
