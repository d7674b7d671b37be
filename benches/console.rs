//! One console statement, end to end in the library: checked, run in the
//! sandbox with its watchdog, collected into a frame. The shipped data.
//!
//!     cargo bench --profile release --bench console

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let paths = zhibiao::app::Paths {
        data: vec![root.join("data")],
        db: dir.path().join("z.duckdb"),
        catalogue: root.join("data/metrics.toml"),
        dashboards: root.join("dashboards"),
        queries: root.join("queries"),
    };
    zhibiao::app::Refresher::new(paths.clone(), Default::default()).run(&mut |_| {}).unwrap();
    let console = zhibiao::sql::Console::open(&paths.db, Default::default()).unwrap();
    let mut group = c.benchmark_group("console");
    for (name, sql) in [
        ("SELECT 1", "SELECT 1"),
        (
            "targets of one document by status",
            "SELECT status, count(*) AS n FROM targets WHERE doc_id = 'seed-2022' GROUP BY 1",
        ),
        ("attainment (every row)", "SELECT * FROM attainment"),
    ] {
        group.bench_function(name, |b| b.iter(|| console.run(black_box(sql), &[]).unwrap()));
    }
    // Every statement new (a number of its own), as the server's distinct
    // load sends them: parsed and planned each time, never from a cache.
    let mut n = 0u64;
    group.bench_function("targets of one document by status, a new statement each time", |b| {
        b.iter(|| {
            n += 1;
            let sql =
                format!("SELECT status, count(*) AS n, {n} AS k FROM targets WHERE doc_id = 'seed-2022' GROUP BY 1");
            console.run(black_box(&sql), &[]).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
