use super::*;

#[test]
fn only_one_query_calling_nothing_outside_passes() {
    assert!(check("SELECT * FROM figures WHERE text = 'read_csv(x)'").is_ok());
    assert!(check("-- a note\nWITH t AS (SELECT 1) SELECT * FROM t;").is_ok());
    assert!(matches!(check("SELECT 1; SELECT 2"), Err(SqlError::Several(2))));
    assert!(matches!(check("copy figures to 'x.csv'"), Err(SqlError::NotAQuery(k)) if k == "COPY"));
    assert!(matches!(check("SELECT * FROM READ_CSV('/etc/passwd')"), Err(SqlError::Outside(_))));
    assert!(matches!(check(" -- nothing\n"), Err(SqlError::Empty)));
}

#[test]
fn parameters_are_bound_and_a_missing_one_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.duckdb");
    drop(Store::open(&db).unwrap());
    let console = Console::open(&db, Limits::default()).unwrap();
    let a =
        console.run("SELECT :x AS x, :x || :y AS xy", &[("x".into(), "a'b".into()), ("y".into(), "c".into())]).unwrap();
    assert_eq!(a.frame.rows[0][1].text(), "a'bc");
    assert!(matches!(console.run("SELECT :x", &[]), Err(SqlError::MissingParam(p)) if p == "x"));
}
