//! Traditional characters, read as simplified ones.
//!
//! Reports from traditional-Chinese sites write 萬, 億, 項, 個, 約, 達成
//! where the extractor's word lists (and every other report) write 万, 亿,
//! 项, 个, 约, 达成. Rather than double every list, a document written in
//! traditional characters is converted to simplified ones before its
//! columns and figures are read, with `fast2s` (OpenCC's character table).
//! Only such a document is converted: a simplified report keeps its text
//! exactly, although a few of its characters (著, 乾, 瞭) are in the table.

use super::layout::Layout;

/// Converts the layout's text to simplified characters when it is written
/// in traditional ones: at least 3 characters and 2% of its Chinese
/// characters change. Returns whether it did.
pub fn simplify(layout: &mut Layout) -> bool {
    // Each cell is converted once: the converted text both decides and,
    // when it does, replaces the cell.
    let (mut hanzi, mut changed) = (0usize, 0usize);
    let converted: Vec<String> = cells(layout)
        .map(|cell| {
            let simplified = fast2s::convert(cell);
            for (a, b) in cell.chars().zip(simplified.chars()) {
                if is_hanzi(a) {
                    hanzi += 1;
                    changed += usize::from(a != b);
                }
            }
            simplified
        })
        .collect();
    if changed < 3 || changed * 50 < hanzi {
        return false;
    }
    let mut converted = converted.into_iter();
    for sheet in &mut layout.sheets {
        if let Some(name) = &mut sheet.name {
            *name = fast2s::convert(name);
        }
        for cell in sheet.rows.iter_mut().flat_map(|r| r.cells.iter_mut()) {
            *cell = converted.next().expect("one converted text per cell");
        }
    }
    true
}

fn cells(layout: &Layout) -> impl Iterator<Item = &str> {
    layout.sheets.iter().flat_map(|s| s.rows.iter().flat_map(|r| r.cells.iter().map(String::as_str)))
}

fn is_hanzi(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::layout::{Cells, Sheet};

    fn layout(cells: &[&str]) -> Layout {
        let rows = cells.iter().enumerate().map(|(i, c)| Cells::new(i, vec![c.to_string()])).collect();
        Layout::new(vec![Sheet::new(None, rows)], "Big5")
    }

    #[test]
    fn traditional_text_reads_as_simplified() {
        let mut l = layout(&["新增就業崗位3.2萬個，完成投資約12億元，辦理案件1,250項"]);
        assert!(simplify(&mut l));
        assert_eq!(l.sheets[0].rows[0].cells[0], "新增就业岗位3.2万个，完成投资约12亿元，办理案件1,250项");
    }

    #[test]
    fn simplified_text_is_left_as_it_is() {
        let text = "成效显著，著力推进平台建设，新建9个平台，完成投资约12亿元";
        let mut l = layout(&[text]);
        assert!(!simplify(&mut l));
        assert_eq!(l.sheets[0].rows[0].cells[0], text);
    }
}
