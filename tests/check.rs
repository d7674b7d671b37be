//! `zhibiao check` validates dashboards and queries.

use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn shipped_dashboards_and_queries_are_valid() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args([
            "check",
            "--db",
            "none.duckdb",
            "--dashboards",
            &format!("{ROOT}/dashboards"),
            "--queries",
            &format!("{ROOT}/queries"),
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("overview.toml (6 panels)") && text.contains("all valid"), "{text}");
}

#[test]
fn problems_are_named_with_their_file() {
    let dir = tempfile::tempdir().unwrap();
    let (d, q) = (dir.path().join("dashboards"), dir.path().join("queries"));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::create_dir_all(&q).unwrap();
    std::fs::write(q.join("ok.sql"), "SELECT metric, ratio, status FROM attainment").unwrap();
    std::fs::write(q.join("bad.sql"), "SELECT nope FROM figures").unwrap();
    std::fs::write(
        d.join("a.toml"),
        "title = \"A\"\n[[panel]]\ntitle = \"p\"\nkind = \"attainment\"\nquery = \"ok\"\n",
    )
    .unwrap();
    std::fs::write(d.join("b.toml"), "title = \"B\"\n[[panel]]\ntitle = \"p\"\nkind = \"line\"\nquery = \"ok\"\n")
        .unwrap();
    std::fs::write(d.join("c.toml"), "title = \"C\"\nwidth = 3\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(["check", "--dashboards", d.to_str().unwrap(), "--queries", q.to_str().unwrap()])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("ok     ") && text.contains("a.toml (1 panels)"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("error") && l.contains("bad.sql") && l.contains("nope")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("error") && l.contains("b.toml") && l.contains("period_end")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("error") && l.contains("c.toml") && l.contains("line 2")), "{text}");
}
