//! Chart rendering (issue 4: one chart in at most 2 ms).
//!
//!     cargo bench --bench chart

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use zhibiao::chart::{self, Basis, Bullet, Mark, Point, RatioBar, Series, TargetPoint, Tone};

fn mark(i: usize) -> Mark {
    Mark {
        tip: format!("指标{i} 2022年\n实际 9个 / 目标 10个\n来源：seed-2022 第{i}行"),
        href: Some(format!("/docs/seed-2022/rows/{i}#f{i}")),
    }
}

fn bench(c: &mut Criterion) {
    let tones = [Tone::Met, Tone::Near, Tone::Missed, Tone::Forecast];
    let bars: Vec<RatioBar> = (0..20)
        .map(|i| RatioBar {
            label: format!("产业协同创新平台{i}"),
            ratio: Some(0.5 + i as f64 * 0.05),
            tone: tones[i % 4],
            mark: mark(i),
        })
        .collect();
    let bullets: Vec<Bullet> = (0..20)
        .map(|i| Bullet {
            label: format!("技术转移机构{i}"),
            actual: Some(50.0 + i as f64),
            target: 70.0,
            band: (63.0, f64::MAX),
            tone: tones[i % 4],
            caption: format!("{} / ≈70家", 50 + i),
            mark: mark(i),
        })
        .collect();
    let points: Vec<Point> = (0..8)
        .map(|i| Point {
            x: i as f64 * 365.0,
            x_label: format!("{}年", 2016 + i),
            y: 4000.0 + i as f64 * 300.0,
            basis: if i == 0 { Basis::Derived } else { Basis::Reported },
            mark: mark(i),
        })
        .collect();
    let series = vec![Series { name: "北京流向津冀技术合同".into(), points }];
    let targets: Vec<TargetPoint> =
        (0..8).map(|i| TargetPoint { x: i as f64 * 365.0, y: 4200.0 + i as f64 * 280.0, mark: mark(i) }).collect();

    let mut g = c.benchmark_group("chart");
    g.bench_function("attainment, 20 bars", |b| b.iter(|| chart::attainment("完成率", chart::WIDTH, black_box(&bars))));
    g.bench_function("bullet, 20 rows", |b| b.iter(|| chart::bullet("目标与实际", chart::WIDTH, black_box(&bullets))));
    g.bench_function("line, 8 periods with targets", |b| {
        b.iter(|| chart::line("技术合同", chart::WIDTH, black_box(&series), black_box(&targets), "项"))
    });
    g.bench_function("sparkline, 8 values", |b| {
        b.iter(|| chart::sparkline(black_box(&[1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 5.0, 7.0])))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
