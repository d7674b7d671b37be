//! Delimited text: the tab-separated export Excel and WPS write as "text"
//! (the seed's layout), and comma-separated CSV. One reader for both, told
//! apart by the delimiter.
//!
//! Excel's quoting (`"…"` around a cell with line breaks, `""` for a
//! quote) is honoured by the `csv` reader; in tab-separated text only when
//! the text quotes cells at all, since reports also use ASCII quotes as
//! ordinary punctuation.

use super::Problem;
use super::format::{Input, Reader};
use super::layout::{Cells, Layout, Sheet};

/// A delimited-text reader.
pub struct Delimited {
    delimiter: u8,
}

pub static TSV: Delimited = Delimited { delimiter: b'\t' };
pub static CSV: Delimited = Delimited { delimiter: b',' };

impl Reader for Delimited {
    /// Tabs: some line holds one between text. Commas: two of the first
    /// lines with text hold two or more ASCII commas, as a table's rows do
    /// and prose (which writes `，`) does not. A file named `.csv` goes
    /// first among the candidates anyway.
    fn sniff(&self, input: &Input) -> bool {
        let Ok(decoded) = input.text() else { return false };
        let text = &decoded.text;
        match self.delimiter {
            b'\t' => text.lines().any(|l| l.trim_matches(['\t', ' ', '\r']).contains('\t')),
            _ => {
                text.lines().filter(|l| !l.trim().is_empty()).take(8).filter(|l| l.matches(',').count() >= 2).count()
                    >= 2
            }
        }
    }

    fn read(&self, input: &Input) -> Result<Layout, Problem> {
        let decoded = input.text()?;
        Ok(Layout::new(vec![Sheet::new(None, rows(&decoded.text, self.delimiter))], decoded.encoding))
    }
}

/// Splits text into rows of cells, each with the line its content starts on.
pub fn rows(text: &str, delimiter: u8) -> Vec<Cells> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .quoting(delimiter == b',' || uses_excel_quoting(text, delimiter as char))
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            // An unterminated quote or similar: treat the rest as unreadable
            // rather than guessing; what was read so far stands.
            Err(_) => break,
        }
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = content_line(text, record.position());
        out.push(Cells::new(line, record.iter().map(str::to_owned).collect()));
    }
    out
}

/// Excel quotes a cell (`"…"`) only when it holds a line break, a
/// delimiter or a quote. Reports also use ASCII quotes as ordinary
/// punctuation (`"两区"建设`), which a quoting reader would take for an
/// unterminated quoted cell and run across rows. Quoting is honoured only
/// when the text has both a cell that opens with a quote and one that
/// closes with a quote.
fn uses_excel_quoting(text: &str, delimiter: char) -> bool {
    let opens = text.starts_with('"') || text.contains(&format!("{delimiter}\"")) || text.contains("\n\"");
    let closes = text.ends_with('"')
        || text.contains(&format!("\"{delimiter}"))
        || text.contains("\"\n")
        || text.contains("\"\r");
    opens && closes
}

/// The csv reader positions a record where parsing began, before any blank
/// lines it skipped; provenance wants the line where the content starts.
fn content_line(text: &str, position: Option<&csv::Position>) -> usize {
    let Some(p) = position else { return 0 };
    let skipped = text.as_bytes()[p.byte() as usize..]
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .filter(|&&b| b == b'\n')
        .count();
    p.line() as usize + skipped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(rows: &[Cells]) -> Vec<Vec<&str>> {
        rows.iter().map(|r| r.cells.iter().map(String::as_str).collect()).collect()
    }

    #[test]
    fn titles_and_blank_lines_keep_their_lines() {
        let r = rows("\n\n某局2023年度自查表\n\n考评维度\t自查内容\t落实情况\t存在问题\n\ta\tb\tc\n", b'\t');
        assert_eq!(r.iter().map(|c| c.at).collect::<Vec<_>>(), [3, 5, 6]);
        assert_eq!(cells(&r)[2], ["", "a", "b", "c"]);
    }

    #[test]
    fn quoted_cells_keep_line_breaks() {
        let r = rows("\t任务\t\"第一行\n第二行\"\t无\n", b'\t');
        assert_eq!(cells(&r), [["", "任务", "第一行\n第二行", "无"]]);
    }

    #[test]
    fn ascii_quotes_as_punctuation_do_not_swallow_rows() {
        assert_eq!(rows("\t推进\"两区\"建设\t完成\t无\n\t\"任务二\t完成\t无\n", b'\t').len(), 2);
    }

    #[test]
    fn csv_quotes_commas_and_line_breaks() {
        let r = rows("自查内容,落实情况\n\"建设平台，共9个\",\"完成,\n\"\"良好\"\"\"\n", b',');
        assert_eq!(cells(&r)[1], ["建设平台，共9个", "完成,\n\"良好\""]);
    }
}
