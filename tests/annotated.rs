//! The extractor and the pairing on twelve synthetic reports of other
//! agencies and years, annotated independently (tests/fixtures/annotated/),
//! scored natively as score.py scores them.

use std::path::Path;

use zhibiao::eval::{self, PairRecord, Record};
use zhibiao::{document, extract, metrics};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/annotated");

fn predicted(path: &Path) -> (Vec<Record>, Vec<PairRecord>) {
    let doc = document::read(path).unwrap_or_else(|e| panic!("{e}"));
    let figures = extract::figures(&doc);
    let figure_lines: String = figures
        .iter()
        .map(|f| {
            let mut v = serde_json::to_value(f).unwrap();
            v["doc"] = doc.id.as_str().into();
            v.to_string() + "\n"
        })
        .collect();
    let side = |f: &extract::Figure| serde_json::json!({ "text": f.text, "value": f.value, "unit": f.unit });
    let pair_lines: String = metrics::pairs_of(&doc, &figures)
        .iter()
        .map(|p| {
            let t = &figures[p.target];
            serde_json::json!({ "doc": doc.id, "row": t.row, "target": side(t), "actual": p.actual.map(|a| side(&figures[a])) })
                .to_string()
                + "\n"
        })
        .collect();
    (eval::parse_jsonl(&figure_lines).unwrap(), eval::parse_jsonl(&pair_lines).unwrap())
}

#[test]
fn held_out_reports_meet_the_bars() {
    let mut names: Vec<String> = std::fs::read_dir(DIR)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".txt").map(str::to_owned))
        .collect();
    names.sort();
    assert_eq!(names.len(), 12);
    let mut report = String::new();
    let mut failed = false;
    for name in &names {
        let gold: Vec<Record> = eval::load(Path::new(&format!("{DIR}/{name}.gold.jsonl"))).unwrap();
        let gold_pairs: Vec<PairRecord> = eval::load(Path::new(&format!("{DIR}/{name}.pairs.jsonl"))).unwrap();
        let (pred, pred_pairs) = predicted(Path::new(&format!("{DIR}/{name}.txt")));
        let f = eval::score_figures(&gold, &pred);
        let p = eval::score_pairs(&gold_pairs, &pred_pairs);
        let (q, k) = (f.qualifier_agreement.unwrap_or(0.0), f.kind_agreement.unwrap_or(0.0));
        report
            .push_str(&format!("{name}: figures {}, qualifier {q:.3}, kind {k:.3}, pairs {}\n", f.overall, p.overall));
        if f.overall.f1 < 0.95 || q < 0.95 || k < 0.85 || p.overall.f1 < 0.85 {
            failed = true;
            report.push_str(&format!(
                "  missed {:?}\n  spurious {:?}\n  disagreements {:?}\n  pairs missed {:?}\n",
                f.false_negatives, f.false_positives, f.disagreements, p.false_negatives
            ));
        }
    }
    println!("{report}");
    assert!(!failed, "below the bars (figure F1 0.95, qualifier 0.95, kind 0.85, pair F1 0.85):\n{report}");
}
