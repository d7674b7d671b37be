//! Reading a report file into a [`Document`]: its title, organisation,
//! period and data rows, each cell as the plain text a reader sees.
//!
//! One reader per format ([`format`](mod@format): tab-separated, CSV, HTML, Markdown,
//! XLSX, DOCX, PDF, prose), each turning bytes into sheets of cells
//! ([`layout`]); what the columns mean is then read from the headers' words
//! the same way for every format. The format is recognised from the content
//! first and the file name second. Reading is all-or-nothing per file: a
//! file that cannot be read gives a [`ReadError`] naming the file and the
//! reason, and no partial document.

mod decode;
mod delimited;
mod docx;
pub mod format;
mod html;
pub mod layout;
mod markdown;
pub mod markup;
mod pdf;
pub mod period;
mod prose;
mod script;
mod xlsx;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use decode::DecodeError;
pub use format::Format;
use layout::{Layout, Record, Role, Sheet};
pub use period::Period;

use crate::id::DocId;

/// Which column of the table a cell came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Column {
    Task,
    Status,
    Issue,
}

impl Column {
    pub const ALL: [Column; 3] = [Column::Task, Column::Status, Column::Issue];

    pub fn as_str(self) -> &'static str {
        match self {
            Column::Task => "task",
            Column::Status => "status",
            Column::Issue => "issue",
        }
    }

    pub fn parse(s: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// One data row of a self-check table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// 1-based index among data rows, page titles and headers excluded.
    pub index: u32,
    /// Line of the source file where the row starts (1-based).
    pub line: usize,
    /// The 考评维度 (or similar grouping) cell, carried down from the row
    /// above when empty, as a merged cell would read.
    pub dimension: String,
    pub task: String,
    pub status: String,
    pub issue: String,
}

impl Row {
    pub fn cell(&self, column: Column) -> &str {
        match column {
            Column::Task => &self.task,
            Column::Status => &self.status,
            Column::Issue => &self.issue,
        }
    }
}

/// A report, read and cleaned, not yet mined for figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    /// The file name without its extension: the id every figure refers to.
    pub id: DocId,
    pub title: Option<String>,
    /// The reporting organisation, from the title (text before the year).
    pub org: Option<String>,
    pub period: Option<Period>,
    /// Encoding the file was read in (`UTF-8`, `gb18030`, `UTF-16LE`,
    /// `Big5`); the XML of Word and Excel files and a PDF's text read as
    /// `UTF-8`.
    pub encoding: &'static str,
    pub format: Format,
    pub rows: Vec<Row>,
    /// What reading had to guess (a table without a header read one row
    /// per paragraph, traditional characters read as simplified): told to
    /// the person ingesting, not stored.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// How files are read, beyond what their content says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Decode every text file in this encoding instead of detecting one.
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

impl ReadOptions {
    /// Options forcing the encoding a WHATWG label names (`gb18030`,
    /// `gbk`, `big5`, `utf-8`, `utf-16le`).
    pub fn with_encoding(label: &str) -> Result<ReadOptions, String> {
        let encoding = encoding_rs::Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            format!("unknown encoding '{label}': use utf-8, utf-16le, utf-16be, gb18030, gbk or big5")
        })?;
        Ok(ReadOptions { encoding: Some(encoding) })
    }
}

/// Why a file could not be read as a report. Displayed with the file name
/// by [`ReadError`].
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("cannot open: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("no table found: {}", no_table(*.0))]
    NoTable(Format),
    #[error("not a readable {}: {reason}", .format.name())]
    Corrupt { format: Format, reason: String },
    #[error("the {} is encrypted or password-protected: save a copy without the password", .0.name())]
    Encrypted(Format),
    #[error("the PDF has no text layer (a scanned image?): zhibiao reads text, so run OCR on it first")]
    NoText,
    #[error("unsupported file: {0}")]
    Unsupported(String),
    #[error("file is {} MB, over the limit of {} MB (raise it with --max-file-mb)", mb(*.bytes), mb(*.limit))]
    TooLarge { bytes: u64, limit: u64 },
    #[error("reading took over {seconds} s, the per-document time budget (raise it with --max-seconds)")]
    TooSlow { seconds: u64 },
    #[error("more than {limit} figures, far more than any report holds (raise the limit with --max-figures)")]
    TooManyFigures { limit: usize },
    /// A bug met while reading this file; the other files are unaffected.
    #[error("internal error while reading (a bug in zhibiao, please report it with the file): {0}")]
    Internal(String),
}

impl Problem {
    /// A file of `format` that cannot be read, and why: the reason's first
    /// line, cut at 160 characters (a library's message can run to pages).
    /// The one constructor every reader uses, so that they say it alike.
    pub fn corrupt(format: Format, reason: impl AsRef<str>) -> Problem {
        let line = reason.as_ref().lines().next().unwrap_or_default().trim();
        let reason = match line.char_indices().nth(160) {
            Some((at, _)) => format!("{}…", &line[..at]),
            None if line.is_empty() => "it could not be parsed".to_owned(),
            None => line.to_owned(),
        };
        Problem::Corrupt { format, reason }
    }
}

/// What a format's table was expected to look like, for the refusal.
fn no_table(format: Format) -> &'static str {
    match format {
        Format::Tsv => "expected tab-separated rows of task, status and issue cells",
        Format::Csv => "expected comma-separated rows of task, status and issue cells",
        Format::Html => "no <table> in the web page has rows of task and status cells",
        Format::Markdown => "expected a | pipe | table | with a header row and a |---| line",
        Format::Xlsx => "no sheet of the workbook holds rows of text (formulas without saved values read as empty)",
        Format::Docx => "the Word document has no table with rows of task and status cells",
        Format::Pdf => "the PDF's text has no rows of columns",
        Format::Prose => {
            "neither tab-separated rows, a table, nor numbered items (第1项、一、（一）) of a prose report"
        }
    }
}

/// A file that could not be read, and why.
#[derive(Debug, thiserror::Error)]
#[error("{}: {problem}", path.display())]
pub struct ReadError {
    pub path: PathBuf,
    pub problem: Problem,
}

/// The id a file's document gets: its name without the extension.
pub fn id_for(path: &Path) -> DocId {
    DocId::new(path.file_stem().map_or_else(|| path.display().to_string(), |s| s.to_string_lossy().into_owned()))
}

/// Megabytes for messages, rounded up so that a file just over a limit
/// never reads as equal to it.
fn mb(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 20)
}

/// The default for [`read_bytes`]' limit: larger than any real report,
/// small enough that a few files in flight fit in memory.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// A file's bytes, refused without reading it whole when it holds more
/// than `limit` bytes. The size is checked on the open file and again
/// while reading, so a file that grows (or a device such as `/dev/zero`)
/// is refused too.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, Problem> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > limit {
        return Err(Problem::TooLarge { bytes: len, limit });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Problem::TooLarge { bytes: bytes.len() as u64, limit });
    }
    Ok(bytes)
}

/// Reads and parses one file, its format chosen by content and extension.
pub fn read(path: &Path) -> Result<Document, ReadError> {
    let fail = |problem: Problem| ReadError { path: path.to_owned(), problem };
    let bytes = read_bytes(path, MAX_FILE_BYTES).map_err(fail)?;
    parse_file(id_for(path), extension(path), &bytes, &ReadOptions::default()).map_err(fail)
}

/// A path's extension, for choosing among the readers its content allows.
pub fn extension(path: &Path) -> Option<&str> {
    path.extension().and_then(|e| e.to_str())
}

/// Parses a report from its bytes alone, as the document `id`.
pub fn parse(id: impl Into<DocId>, bytes: &[u8]) -> Result<Document, Problem> {
    parse_file(id, None, bytes, &ReadOptions::default())
}

/// Parses a report from its bytes, the extension `ext` breaking ties
/// between formats the content allows, as the document `id`.
pub fn parse_file(
    id: impl Into<DocId>,
    ext: Option<&str>,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Document, Problem> {
    let (format, mut layout) = format::read(bytes, ext, options)?;
    if script::simplify(&mut layout) {
        layout.warnings.push("traditional characters read as simplified ones".to_owned());
    }
    assemble(id.into(), format, layout)
}

/// A cell of a table whose columns are unknown, one row per paragraph
/// (in the status column, where the extractor reads what was done).
fn push_paragraphs(rows: &mut Vec<Row>, cell: &str, line: usize, dimension: &str) {
    for paragraph in markup::to_text(cell).lines().map(str::trim).filter(|p| !p.is_empty()) {
        let mut row = Row::empty(rows.len(), line, dimension);
        row.status = paragraph.to_owned();
        rows.push(row);
    }
}

/// Turns a reader's sheets into the document's rows: each sheet's header
/// says which cell is the task, the status, the issue, the dimension.
fn assemble(id: DocId, format: Format, layout: Layout) -> Result<Document, Problem> {
    let Layout { sheets, encoding, mut warnings } = layout;
    let mut title: Option<String> = None;
    let mut filed_by: Option<String> = None;
    let mut rows = Vec::new();
    let sheets: Vec<(Sheet, Vec<Record>, bool)> = sheets
        .into_iter()
        .map(|sheet| {
            let records: Vec<Record> = match &sheet.roles {
                Some(_) => sheet.rows.iter().map(|r| Record::Data { cells: r.cells.clone(), line: r.at }).collect(),
                None => layout::classify(&sheet.rows),
            };
            let headed = sheet.roles.is_some() || records.iter().any(|r| matches!(r, Record::Header { .. }));
            (sheet, records, headed)
        })
        .collect();
    // A document none of whose sheets has a header is text, not a form: a
    // line running across its page is text too, not a second title.
    let text_only = !sheets.iter().any(|(.., headed)| *headed);
    for (sheet, records, headed) in sheets {
        let mut roles: Option<Vec<Role>> = sheet.roles.clone();
        // Without a header, a tab-separated or CSV export is read in the
        // seed's column order (Excel's export of the same form); any other
        // table's columns are unknown, so each paragraph becomes a row.
        let by_paragraph = !headed && !matches!(format, Format::Tsv | Format::Csv);
        if by_paragraph && records.iter().any(|r| matches!(r, Record::Data { .. })) {
            let name = sheet.name.as_deref().map_or(String::new(), |n| format!(" '{n}'"));
            warnings.push(format!(
                "the table{name} has no header naming its columns (任务, 完成情况 …): each paragraph read as a row"
            ));
        }
        let mut dimension = sheet.name.clone().unwrap_or_default();
        for record in records {
            match record {
                // The first one-cell record is the title; later ones are
                // preamble (a subtitle, a date) above a form's table, or,
                // in a document without any header, its text (and there
                // the title comes before the text, or there is none).
                Record::Title { text, line } => {
                    if text_only && by_paragraph && (title.is_some() || !rows.is_empty()) {
                        push_paragraphs(&mut rows, &text, line, &dimension);
                    } else {
                        title.get_or_insert(text);
                    }
                }
                Record::Header { roles: r, .. } => {
                    roles.get_or_insert(r);
                }
                Record::Note { field, value, .. } => {
                    if field.ends_with("单位") && !value.is_empty() {
                        filed_by.get_or_insert(value);
                    }
                }
                Record::Data { cells, line } if by_paragraph => {
                    for cell in &cells {
                        push_paragraphs(&mut rows, cell, line, &dimension);
                    }
                }
                Record::Data { cells, line } => {
                    let fallback;
                    let roles = match &roles {
                        Some(r) => r,
                        None => {
                            fallback = layout::default_roles(cells.len());
                            &fallback
                        }
                    };
                    let mut row = Row::empty(rows.len(), line, "");
                    for (cell, role) in cells.iter().zip(roles) {
                        let text = markup::to_text(cell);
                        let slot = match role {
                            Role::Dimension => &mut row.dimension,
                            Role::Task => &mut row.task,
                            Role::Status => &mut row.status,
                            Role::Issue => &mut row.issue,
                            Role::Ignored => continue,
                        };
                        if !slot.is_empty() && !text.is_empty() {
                            slot.push('\n');
                        }
                        slot.push_str(&text);
                    }
                    if row.task.is_empty() && row.status.is_empty() && row.issue.is_empty() {
                        continue;
                    }
                    // An empty dimension carries down from the row above,
                    // as a merged cell reads.
                    if row.dimension.is_empty() {
                        row.dimension.clone_from(&dimension);
                    } else {
                        dimension.clone_from(&row.dimension);
                    }
                    rows.push(row);
                }
            }
        }
    }
    if rows.is_empty() {
        return Err(Problem::NoTable(format));
    }
    let period = title.as_deref().and_then(period::find);
    let org = filed_by.or_else(|| title.as_deref().and_then(org_of));
    Ok(Document { id, title, org, period, encoding, format, rows, warnings })
}

impl Row {
    fn empty(index: usize, line: usize, dimension: &str) -> Row {
        Row {
            index: index as u32 + 1,
            line,
            dimension: dimension.to_owned(),
            task: String::new(),
            status: String::new(),
            issue: String::new(),
        }
    }
}

/// The organisation is what a title says before its year:
/// `市科委、中关村管委会2022年度…自查表` → `市科委、中关村管委会`.
fn org_of(title: &str) -> Option<String> {
    let year_at = title
        .char_indices()
        .find(|&(i, c)| c.is_ascii_digit() && title[i..].chars().take_while(char::is_ascii_digit).count() == 4)?;
    let org = title[..year_at.0].trim().trim_end_matches(['：', ':', '（', '(', ' ']);
    (!org.is_empty()).then(|| org.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_any_header_lines_across_the_page_are_text_not_titles() {
        use layout::Cells;
        let rows = vec![
            Cells::new(1, vec!["某局2023年工作总结".into()]),
            Cells::new(2, vec!["全年新增企业120家，完成目标的105%。".into()]),
            Cells::new(3, vec!["培训".into(), "举办培训30场".into()]),
            Cells::new(4, vec!["另有两项任务推迟到2024年。".into()]),
        ];
        let untitled = vec![rows[2].clone(), rows[1].clone()];
        let doc = assemble(DocId::from("d"), Format::Pdf, Layout::new(vec![Sheet::new(None, rows)], "UTF-8")).unwrap();
        assert_eq!(doc.title.as_deref(), Some("某局2023年工作总结"));
        let text: Vec<&str> = doc.rows.iter().map(|r| r.status.as_str()).collect();
        assert_eq!(text, ["全年新增企业120家，完成目标的105%。", "培训", "举办培训30场", "另有两项任务推迟到2024年。"]);
        // A line after the text has begun is never the title.
        let doc =
            assemble(DocId::from("d"), Format::Pdf, Layout::new(vec![Sheet::new(None, untitled)], "UTF-8")).unwrap();
        assert_eq!(doc.title, None);
        assert_eq!(doc.rows.len(), 3);
    }

    #[test]
    fn a_corrupt_file_names_its_format_and_the_first_line_of_why() {
        let long = format!("{}\nsecond line", "字".repeat(200));
        let Problem::Corrupt { format, reason } = Problem::corrupt(Format::Xlsx, &long) else { unreachable!() };
        assert_eq!(format, Format::Xlsx);
        assert_eq!(reason.chars().count(), 161, "cut at 160 characters and an ellipsis");
        assert!(reason.ends_with('…') && !reason.contains("second"));
        let message = Problem::corrupt(Format::Pdf, "").to_string();
        assert!(message.contains("PDF") && message.contains("could not be parsed"), "{message}");
    }

    const SEED_LIKE: &str = "\n\n市科委、中关村管委会2022年度日常履职考核事项完成情况自查表\n\n\
        考评维度\t自查内容（年度任务）\t落实情况\t存在问题及原因\n\
        \t任务一\t赛时共投入312辆氢燃料电池车。\t无\n\
        \t<p>任务二</p>\t<p>1. 新建9个平台</p>\t<p style=\"text-align: center;\">无</p>\n\
        \n市科委、中关村管委会2022年度日常履职考核事项完成情况自查表\n\n\
        考评维度\t自查内容（年度任务）\t落实情况\t存在问题及原因\n\
        \t任务三\t完成\t无\n";

    #[test]
    fn seed_layout() {
        let doc = parse("seed", SEED_LIKE.as_bytes()).unwrap();
        assert_eq!(doc.title.as_deref(), Some("市科委、中关村管委会2022年度日常履职考核事项完成情况自查表"));
        assert_eq!(doc.org.as_deref(), Some("市科委、中关村管委会"));
        assert_eq!(doc.period, Some(Period::year(2022)));
        assert_eq!(doc.rows.len(), 3, "titles and repeated headers are not rows");
        assert_eq!(doc.rows[1].task, "任务二");
        assert_eq!(doc.rows[1].status, "1. 新建9个平台");
        assert_eq!(doc.rows[1].issue, "无");
        assert_eq!(doc.rows[2].index, 3);
        assert_eq!(doc.rows[2].line, 12);
    }

    #[test]
    fn gb18030_file_reads_the_same() {
        let (gb, _, _) = encoding_rs::GB18030.encode(SEED_LIKE);
        let doc = parse("seed", &gb).unwrap();
        assert_eq!(doc.encoding, "gb18030");
        assert_eq!(doc.rows, parse("seed", SEED_LIKE.as_bytes()).unwrap().rows);
    }

    #[test]
    fn dimension_is_carried_down() {
        let text = "考评维度\t自查内容\t落实情况\t存在问题\n党建\ta\tb\t无\n\tc\td\t无\n业务\te\tf\t无\n";
        let doc = parse("d", text.as_bytes()).unwrap();
        let dims: Vec<_> = doc.rows.iter().map(|r| r.dimension.as_str()).collect();
        assert_eq!(dims, ["党建", "党建", "业务"]);
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(matches!(parse("e", b""), Err(Problem::Decode(DecodeError::Empty))));
        assert!(matches!(parse("b", b"\x00\x01\x02binary"), Err(Problem::Decode(DecodeError::Binary(_)))));
        assert!(matches!(parse("p", "只有一段文字，没有表格。".as_bytes()), Err(Problem::NoTable(_))));
        assert!(matches!(parse("h", "考评维度\t自查内容\t落实情况\n".as_bytes()), Err(Problem::NoTable(_))));
    }

    #[test]
    fn read_error_names_the_file() {
        let err = read(Path::new("/nonexistent/report-2022.txt")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("/nonexistent/report-2022.txt: cannot open"), "{msg}");
    }
}
