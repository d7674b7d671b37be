//! Any bytes as a report file: decoding, the table layout and cell markup
//! (`document::parse`), then extraction over every cell, pairing and
//! metric derivation against the shipped catalogue.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use zhibiao::metrics::catalogue::Catalogue;
use zhibiao::{document, extract, metrics};

static CATALOGUE: LazyLock<Catalogue> =
    LazyLock::new(|| Catalogue::parse(include_str!("../../data/metrics.toml")).expect("data/metrics.toml parses"));

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = document::parse("fuzz", data) else { return };
    assert!(!doc.rows.is_empty(), "a parsed document has rows");
    let figures = extract::figures(&doc);
    for f in &figures {
        let row = doc.rows.get(f.row as usize - 1).expect("figure row is a data row of the document");
        let cell_len = row.cell(f.col).chars().count();
        assert!(f.span.0 <= f.span.1 && f.span.1 <= cell_len, "span {:?} outside its cell ({cell_len} chars)", f.span);
        assert!(f.sentence_start <= f.span.0, "sentence starts after its figure");
    }
    let pairs = metrics::pairs_of(&doc, &figures);
    for p in &pairs {
        assert!(p.target < figures.len() && p.actual.is_none_or(|a| a < figures.len()));
    }
    metrics::derive(&[metrics::Input { document: &doc, figures: &figures }], &CATALOGUE);
});
