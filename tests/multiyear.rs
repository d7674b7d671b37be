//! Issue 8's measure: six agencies × three periods, blind-annotated with
//! periods and metrics (tests/fixtures/multiyear/), plus the shipped data's
//! gold, scored through the real binary's `extract --format jsonl` (and
//! `--pairs`) as `shared/eval/score.py` scores them.
//!
//! The bars are label ≥ 0.85, period ≥ 0.95, metric identity
//! precision ≥ 0.95 and recall ≥ 0.85, pair F1 ≥ 0.9. Each set is held to a
//! floor at today's score, at or above the bars (so nothing slips back);
//! the report printed by the test shows each score.
//! Raise a floor whenever a change lifts its score.

use std::path::Path;
use std::process::Command;

use zhibiao::eval::{self, PairRecord, Record};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_zhibiao")).args(args).current_dir(ROOT).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Floors: figure F1, period accuracy, identity precision, identity
/// recall, label agreement, pair F1.
struct Floor {
    set: &'static str,
    files: &'static [&'static str],
    f1: f64,
    period: f64,
    precision: f64,
    recall: f64,
    label: f64,
    pairs: f64,
}

const SETS: &[Floor] = &[
    Floor {
        set: "fagai",
        files: &["fagai-2021", "fagai-2022", "fagai-2023"],
        f1: 0.99,
        period: 0.97,
        precision: 0.95,
        recall: 0.92,
        label: 0.86,
        pairs: 0.93,
    },
    Floor {
        set: "kewei",
        files: &["kewei-2022", "kewei-2023", "kewei-2024-h1"],
        f1: 0.99,
        period: 0.98,
        precision: 0.98,
        recall: 0.91,
        label: 0.87,
        pairs: 0.90,
    },
    Floor {
        set: "shangwu",
        files: &["shangwu-2020", "shangwu-2021", "shangwu-2022"],
        f1: 0.99,
        period: 0.96,
        precision: 0.98,
        recall: 0.88,
        label: 0.87,
        pairs: 0.90,
    },
    Floor {
        set: "shipped",
        files: &["shengtaihuanjing-2021", "shengtaihuanjing-2022", "shengtaihuanjing-2023"],
        f1: 0.98,
        period: 0.98,
        precision: 0.99,
        recall: 0.95,
        label: 0.85,
        pairs: 0.99,
    },
    // Written after the third round of fixes and scored blind first
    // (identity R 0.626, pairs 0.854); see the fixtures' README.
    Floor {
        set: "jiaotong",
        files: &["jiaotong-2021", "jiaotong-2022", "jiaotong-2023"],
        f1: 0.98,
        period: 0.98,
        precision: 0.98,
        recall: 0.88,
        label: 0.87,
        pairs: 0.90,
    },
    // Written after the fourth round by a helper who saw no code, scored
    // before any fix for it (2026-12-02: identity R 0.717); see the
    // fixtures' README for the fifth round it prompted.
    Floor {
        set: "weijian",
        files: &["weijian-2021", "weijian-2022", "weijian-2023"],
        f1: 0.99,
        period: 0.97,
        precision: 0.98,
        recall: 0.85,
        label: 0.92,
        pairs: 0.91,
    },
];

#[test]
fn multi_year_sets_hold_their_floors() {
    let mut report = String::new();
    let mut failed = Vec::new();
    for s in SETS {
        let dir = format!("{ROOT}/tests/fixtures/multiyear/{}", s.set);
        let text_dir = if s.set == "shipped" { format!("{ROOT}/data") } else { dir.clone() };
        let files: Vec<String> = s.files.iter().map(|f| format!("{text_dir}/{f}.txt")).collect();
        let mut gold: Vec<Record> = Vec::new();
        let mut gold_pairs: Vec<PairRecord> = Vec::new();
        for f in s.files {
            gold.extend(eval::load::<Record>(Path::new(&format!("{dir}/{f}.gold.jsonl"))).unwrap());
            gold_pairs.extend(eval::load::<PairRecord>(Path::new(&format!("{dir}/{f}.pairs.jsonl"))).unwrap());
        }
        let mut args: Vec<&str> = vec!["extract", "--format", "jsonl"];
        args.extend(files.iter().map(String::as_str));
        let pred: Vec<Record> = eval::parse_jsonl(&run(&args)).unwrap();
        args.push("--pairs");
        let pred_pairs: Vec<PairRecord> = eval::parse_jsonl(&run(&args)).unwrap();
        let f = eval::score_figures(&gold, &pred);
        let p = eval::score_pairs(&gold_pairs, &pred_pairs);
        let id = f.identity.expect("the gold has metrics");
        let (period, label) = (f.period_accuracy.unwrap(), f.label_agreement.unwrap());
        report.push_str(&format!(
            "{}: figures F1 {:.3}, period {period:.3}, identity P {:.3} R {:.3}, label {label:.3}, pairs F1 {:.3}\n",
            s.set, f.overall.f1, id.precision, id.recall, p.overall.f1
        ));
        for (what, got, floor) in [
            ("figure F1", f.overall.f1, s.f1),
            ("period", period, s.period),
            ("identity precision", id.precision, s.precision),
            ("identity recall", id.recall, s.recall),
            ("label", label, s.label),
            ("pair F1", p.overall.f1, s.pairs),
        ] {
            if got < floor {
                failed.push(format!("{}: {what} {got:.3} below its floor {floor}", s.set));
            }
        }
    }
    println!("{report}");
    assert!(failed.is_empty(), "{failed:#?}\n{report}");
}
