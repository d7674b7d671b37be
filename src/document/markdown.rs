//! Markdown: a `| pipe | table |` with a title line and notes above it,
//! as wikis and chat tools export a report.
//!
//! Lines outside tables become one-cell rows (a `# heading`'s marks
//! dropped), so the first is the document's title and a `填报单位：…` line a
//! form field. A table row's cells are split on unescaped pipes; `\|` is a
//! pipe inside a cell, and `<br>` a line break, as GitHub's tables write
//! them. The `|---|` line under the header is not a row.

use super::Problem;
use super::format::{Input, Reader};
use super::layout::{Cells, Layout, Sheet};

pub struct Markdown;

impl Reader for Markdown {
    /// Some table row is followed by a `|---|` delimiter line.
    fn sniff(&self, input: &Input) -> bool {
        let Ok(decoded) = input.text() else { return false };
        let mut lines = decoded.text.lines().map(str::trim);
        let mut previous = None;
        for line in lines.by_ref() {
            if previous.is_some_and(|p: &str| p.contains('|')) && is_delimiter(line) {
                return true;
            }
            previous = Some(line);
        }
        false
    }

    fn read(&self, input: &Input) -> Result<Layout, Problem> {
        let decoded = input.text()?;
        let mut rows = Vec::new();
        for (i, line) in decoded.text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || is_delimiter(line) {
                continue;
            }
            let cells = if line.starts_with('|') || line.ends_with('|') && line.len() > 1 {
                split_row(line)
            } else {
                vec![line.trim_start_matches('#').trim_start_matches('>').trim().to_owned()]
            };
            rows.push(Cells::new(i + 1, cells));
        }
        Ok(Layout::new(vec![Sheet::new(None, rows)], decoded.encoding))
    }
}

/// `|---|:---:|` or `--- | ---`: the line under a table's header.
fn is_delimiter(line: &str) -> bool {
    let line = line.trim().trim_matches('|');
    !line.is_empty()
        && line.contains('-')
        && line.split('|').all(|c| {
            let c = c.trim().trim_start_matches(':').trim_end_matches(':');
            c.len() >= 3 && c.chars().all(|ch| ch == '-')
        })
}

/// A table row's cells: split on pipes not escaped by a backslash, the
/// outer pipes dropped, `\|` read as a pipe.
fn split_row(line: &str) -> Vec<String> {
    let inner = line.strip_prefix('|').unwrap_or(line);
    let inner = match inner.strip_suffix('|') {
        Some(s) if !s.ends_with('\\') => s,
        _ => inner,
    };
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut cell).trim().to_owned()),
            c => cell.push(c),
        }
    }
    cells.push(cell.trim().to_owned());
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Format, Problem, parse_file};

    const TABLE: &str = "# 某局2023年度自查表\n\n说明：本表由各处室报送。\n\n\
        | 考评维度 | 自查内容 | 落实情况 | 存在问题 |\n|---|:---|---:|---|\n\
        | 党建 | 新建平台10个 | 新建9个<br>投资12亿元 | 无 |\n|  | 比例 a\\|b | 达到95% | 无 |\n";

    #[test]
    fn a_pipe_table_under_a_title() {
        let doc = parse_file("m", Some("md"), TABLE.as_bytes(), &Default::default()).unwrap();
        assert_eq!(doc.format, Format::Markdown);
        assert_eq!(doc.title.as_deref(), Some("某局2023年度自查表"));
        assert_eq!(doc.rows.len(), 2);
        assert_eq!(doc.rows[0].status, "新建9个\n投资12亿元");
        assert_eq!((doc.rows[1].dimension.as_str(), doc.rows[1].task.as_str()), ("党建", "比例 a|b"));
    }

    #[test]
    fn delimiter_lines() {
        assert!(is_delimiter("|---|:---:|"));
        assert!(is_delimiter("--- | ---"));
        assert!(!is_delimiter("| a | b |"));
    }

    #[test]
    fn a_title_alone_is_no_table() {
        assert!(matches!(
            parse_file("e", Some("md"), "# 某局2023年度自查表\n".as_bytes(), &Default::default()),
            Err(Problem::NoTable(_))
        ));
    }
}
