//! Any text as table cells, without the file layer: cell markup
//! (`markup::to_text`), figures of one cell (`extract::cell_figures`), and
//! pairing within a row whose task and status cells are the text split at
//! its first tab.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhibiao::document::{self, Column, Document, Row};
use zhibiao::{extract, metrics};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = document::markup::to_text(&text);

    let whole = extract::cell_figures(&text, Column::Status, 1);
    check(&whole, &text);

    let (task, status, status_figures) = match text.split_once('\t') {
        Some((task, status)) => {
            let figures = extract::cell_figures(status, Column::Status, 1);
            check(&figures, status);
            (task, status, figures)
        }
        None => ("", &*text, whole),
    };
    let mut figures = extract::cell_figures(task, Column::Task, 1);
    check(&figures, task);
    figures.extend(status_figures);
    let doc = Document {
        id: "fuzz".into(),
        title: None,
        org: None,
        period: None,
        encoding: "UTF-8",
        format: document::Format::Tsv,
        warnings: Vec::new(),
        rows: vec![Row {
            index: 1,
            line: 1,
            dimension: String::new(),
            task: task.to_owned(),
            status: status.to_owned(),
            issue: String::new(),
        }],
    };
    for p in metrics::pairs_of(&doc, &figures) {
        assert!(p.target < figures.len() && p.actual.is_none_or(|a| a < figures.len()));
    }
});

fn check(figures: &[extract::Figure], cell: &str) {
    let len = cell.chars().count();
    for f in figures {
        assert_eq!(f.row, 1);
        assert!(f.span.0 <= f.span.1 && f.span.1 <= len, "span {:?} outside its cell ({len} chars)", f.span);
        assert!(f.sentence_start <= f.span.0, "sentence starts after its figure");
    }
}
