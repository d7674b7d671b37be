//! The extractor against the seed's gold annotation, scored natively exactly
//! as `shared/eval/score.py` scores it, through the real binary's
//! `extract --format jsonl` output (the format score.py reads).

use std::path::Path;
use std::process::Command;

use zhibiao::eval::{self, PairRecord, Record};

fn seed() -> String {
    format!("{}/data/seed-2022.txt", env!("CARGO_MANIFEST_DIR"))
}

fn extracted(path: &str) -> Vec<Record> {
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(["extract", path, "--format", "jsonl"])
        .output()
        .expect("run zhibiao extract");
    assert!(out.status.success(), "extract failed: {}", String::from_utf8_lossy(&out.stderr));
    eval::parse_jsonl(&String::from_utf8(out.stdout).unwrap()).expect("extract prints FORMAT.md JSON Lines")
}

#[test]
fn seed_figures_meet_the_bars() {
    let gold: Vec<Record> =
        eval::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/eval/seed-2022.gold.jsonl"))).unwrap();
    let pred = extracted(&seed());
    let score = eval::score_figures(&gold, &pred);
    let report = format!(
        "{}\nqualifier agreement {:?}, kind agreement {:?}\nmissed: {:#?}\nspurious: {:#?}\ndisagreements: {:#?}",
        score.overall,
        score.qualifier_agreement,
        score.kind_agreement,
        score.false_negatives,
        score.false_positives,
        score.disagreements
    );
    assert!(score.overall.f1 >= 0.97, "figure F1 below 0.97: {report}");
    assert!(score.qualifier_agreement.unwrap() >= 0.95, "qualifier agreement below 0.95: {report}");
    assert!(score.kind_agreement.unwrap() >= 0.90, "kind agreement below 0.90: {report}");
    // Issue 8's bars: 0.85 for labels, 0.95 for periods.
    assert!(score.label_agreement.unwrap() >= 0.85, "label agreement below 0.85: {report}");
    assert!(score.period_accuracy.unwrap() >= 0.98, "period accuracy below 0.98: {report}");
}

#[test]
fn every_figure_text_is_where_its_span_says() {
    let doc = zhibiao::document::read(Path::new(&seed())).unwrap();
    let figures = zhibiao::extract::figures(&doc);
    assert!(figures.len() > 90);
    for f in &figures {
        let row = &doc.rows[f.row as usize - 1];
        let cell: Vec<char> = row.cell(f.col).chars().collect();
        let text: String = cell[f.span.0..f.span.1].iter().collect();
        assert_eq!(text, f.text, "span of {f:?}");
        assert!(row.cell(f.col).contains(&f.sentence), "sentence of {f:?} is not in its cell");
        assert!(f.sentence.contains(&f.text), "sentence of {f:?} does not contain the figure");
    }
}

#[test]
fn seed_pairs_meet_the_bar() {
    let gold: Vec<PairRecord> =
        eval::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/eval/seed-2022.pairs.jsonl"))).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(["extract", &seed(), "--pairs", "--format", "jsonl"])
        .output()
        .expect("run zhibiao extract --pairs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pred: Vec<PairRecord> = eval::parse_jsonl(&String::from_utf8(out.stdout).unwrap()).expect("pairs JSON Lines");
    let score = eval::score_pairs(&gold, &pred);
    assert!(
        score.overall.f1 >= 0.85,
        "pair F1 below 0.85: {}\nmissed: {:#?}\nspurious: {:#?}",
        score.overall,
        score.false_negatives,
        score.false_positives
    );
}
