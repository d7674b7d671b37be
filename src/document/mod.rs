//! Reading a report file into a [`Document`]: its title, organisation,
//! period and data rows, each cell as the plain text a reader sees.
//!
//! The layout is recognised from the content, never from the file name: a
//! `.txt` and a `.tsv` export of the same sheet read the same. Reading is
//! all-or-nothing per file: a file that cannot be read gives a
//! [`ReadError`] naming the file and the reason, and no partial document.

mod decode;
pub mod markup;
pub mod period;
mod table;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use decode::DecodeError;
pub use period::Period;
use table::{Record, Role};

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
    pub id: String,
    pub title: Option<String>,
    /// The reporting organisation, from the title (text before the year).
    pub org: Option<String>,
    pub period: Option<Period>,
    /// Encoding the file was read in (`UTF-8`, `gb18030`, `UTF-16LE`).
    pub encoding: &'static str,
    pub rows: Vec<Row>,
}

/// Why a file could not be read as a report. Displayed with the file name
/// by [`ReadError`].
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("cannot open: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("no table found: expected tab-separated rows of task, status and issue cells")]
    NoTable,
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

/// A file that could not be read, and why.
#[derive(Debug, thiserror::Error)]
#[error("{}: {problem}", path.display())]
pub struct ReadError {
    pub path: PathBuf,
    pub problem: Problem,
}

/// The id a file's document gets: its name without the extension.
pub fn id_for(path: &Path) -> String {
    path.file_stem().map_or_else(|| path.display().to_string(), |s| s.to_string_lossy().into_owned())
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

/// Reads and parses one file.
pub fn read(path: &Path) -> Result<Document, ReadError> {
    let fail = |problem: Problem| ReadError { path: path.to_owned(), problem };
    let bytes = read_bytes(path, MAX_FILE_BYTES).map_err(fail)?;
    parse(&id_for(path), &bytes).map_err(fail)
}

/// Parses a report from its bytes.
pub fn parse(id: &str, bytes: &[u8]) -> Result<Document, Problem> {
    let decoded = decode::decode(bytes)?;
    let records = table::records(&decoded.text).ok_or(Problem::NoTable)?;

    let mut title: Option<String> = None;
    let mut filed_by: Option<String> = None;
    let mut roles: Option<Vec<Role>> = None;
    let mut rows = Vec::new();
    let mut dimension = String::new();
    for record in records {
        match record {
            Record::Title { text, .. } => {
                title.get_or_insert(text);
            }
            Record::Header { roles: r, .. } => {
                roles.get_or_insert(r);
            }
            Record::Note { field, value, .. } => {
                if field.ends_with("单位") && !value.is_empty() {
                    filed_by.get_or_insert(value);
                }
            }
            Record::Data { cells, line } => {
                let fallback;
                let roles = match &roles {
                    Some(r) => r,
                    None => {
                        fallback = table::default_roles(cells.len());
                        &fallback
                    }
                };
                let mut row = Row {
                    index: rows.len() as u32 + 1,
                    line,
                    dimension: String::new(),
                    task: String::new(),
                    status: String::new(),
                    issue: String::new(),
                };
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
                if row.dimension.is_empty() {
                    row.dimension.clone_from(&dimension);
                } else {
                    dimension.clone_from(&row.dimension);
                }
                rows.push(row);
            }
        }
    }
    if rows.is_empty() {
        return Err(Problem::NoTable);
    }
    let period = title.as_deref().and_then(period::find);
    let org = filed_by.or_else(|| title.as_deref().and_then(org_of));
    Ok(Document { id: id.to_owned(), title, org, period, encoding: decoded.encoding, rows })
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
        assert!(matches!(parse("p", "只有一段文字，没有表格。".as_bytes()), Err(Problem::NoTable)));
        assert!(matches!(parse("h", "考评维度\t自查内容\t落实情况\n".as_bytes()), Err(Problem::NoTable)));
    }

    #[test]
    fn read_error_names_the_file() {
        let err = read(Path::new("/nonexistent/report-2022.txt")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("/nonexistent/report-2022.txt: cannot open"), "{msg}");
    }
}
