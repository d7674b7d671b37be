//! Extraction throughput: the seed repeated to 10 MB, read and mined on one
//! core. Goal (issue 2): at least 20 MB/s.
//!
//!     cargo bench --bench extract

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const TARGET_BYTES: usize = 10 * 1024 * 1024;

fn corpus() -> String {
    let seed = include_str!("../data/seed-2022.txt");
    let mut text = String::with_capacity(TARGET_BYTES + seed.len());
    while text.len() < TARGET_BYTES {
        text.push_str(seed);
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = corpus();
    let doc = zhibiao::document::parse("bench", text.as_bytes()).unwrap();
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.bench_function("figures (10 MB)", |b| b.iter(|| zhibiao::extract::figures(black_box(&doc))));
    group.bench_function("read + figures (10 MB)", |b| {
        b.iter(|| {
            let doc = zhibiao::document::parse("bench", black_box(text.as_bytes())).unwrap();
            zhibiao::extract::figures(&doc)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
