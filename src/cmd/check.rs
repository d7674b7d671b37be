//! `zhibiao check`: every dashboard and query validated, against the
//! database when there is one, else against an empty one with the schema.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::project_dir;
use zhibiao::dashboard::{self, spec};
use zhibiao::frame::Frame;
use zhibiao::store::Store;

pub fn run(db: &Path, dashboards: Option<PathBuf>, queries: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let dashboards = dashboards.unwrap_or_else(|| project_dir("dashboards"));
    let queries_dir = queries.unwrap_or_else(|| project_dir("queries"));
    let store = if db.exists() { Store::open_read_only(db)? } else { Store::open_in_memory()? };
    let against = if db.exists() { db.display().to_string() } else { "an empty database".to_owned() };
    let conn = store.connection();
    let queries = spec::load_queries(&queries_dir);
    let mut failures = 0;

    for (name, q) in &queries {
        // A saved query's `:name` parameters are checked bound to NULL.
        let sql = zhibiao::sql::lex::Lexed::new(&q.sql).positional(&q.params);
        let nulls = vec![None::<String>; q.params.len()];
        match Frame::query_with(conn, &sql, duckdb::params_from_iter(nulls), 1) {
            Ok(f) => println!("ok     {}/{name}.sql ({} columns)", queries_dir.display(), f.columns.len()),
            Err(e) => {
                failures += 1;
                println!("error  {}/{name}.sql: {e}", queries_dir.display());
            }
        }
    }
    let loaded = spec::load_dashboards(&dashboards, &queries);
    if loaded.is_empty() {
        println!("note   no dashboards in {}", dashboards.display());
    }
    for l in &loaded {
        let d = match &l.dashboard {
            Ok(d) => d,
            Err(e) => {
                failures += 1;
                println!("error  {}: {e}", l.path);
                continue;
            }
        };
        let mut problems = Vec::new();
        for (i, p) in d.panels.iter().enumerate() {
            let checked = dashboard::panel_frame(p, &queries, conn).and_then(|f| dashboard::check_columns(p, &f));
            if let Err(e) = checked {
                problems.push(format!("panel {} ({}): {e}", i + 1, p.title));
            }
        }
        if problems.is_empty() {
            println!("ok     {} ({} panels)", l.path, d.panels.len());
        } else {
            failures += problems.len();
            for p in problems {
                println!("error  {}: {p}", l.path);
            }
        }
    }
    println!(
        "{} queries, {} dashboards checked against {against}: {}",
        queries.len(),
        loaded.len(),
        if failures == 0 { "all valid".to_owned() } else { format!("{failures} problems") }
    );
    Ok(if failures == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
