//! What every reader hands over, and how its rows are understood.
//!
//! Each format's reader (tab-separated, CSV, HTML, Markdown, XLSX, DOCX,
//! PDF, prose) turns its bytes into a [`Layout`]: sheets of rows of cell
//! text in reading order, page furniture and all. What follows is shared by
//! every format. A printed report repeats its title and its header on every
//! page, so each row is classified: a header (two or more cells naming
//! columns: 自查内容, 落实情况 …), a title (one cell of text), a form field
//! (`填报单位：…`) or a data row. The first header of a sheet decides which
//! column holds what, by its words, never by its position.

/// What a column holds, read from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Dimension,
    Task,
    Status,
    Issue,
    /// A column we keep no text from (序号, 责任单位, 备注 …).
    Ignored,
}

/// One row of cells as a reader found it, with where it starts in the
/// source: a line, a sheet row, a table row, whatever the format numbers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cells {
    pub at: usize,
    pub cells: Vec<String>,
}

impl Cells {
    pub fn new(at: usize, cells: Vec<String>) -> Cells {
        Cells { at, cells }
    }
}

/// One table of a document with the text around it: a workbook's sheet, a
/// page's table. Its first header decides its columns. A named sheet is a
/// section: its name is the dimension of rows that carry none.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sheet {
    pub name: Option<String>,
    pub rows: Vec<Cells>,
    /// Columns the reader already knows (the prose reader builds its rows
    /// itself); `None` means they are read from the sheet's header.
    pub roles: Option<Vec<Role>>,
}

impl Sheet {
    pub fn new(name: Option<String>, rows: Vec<Cells>) -> Sheet {
        Sheet { name, rows, roles: None }
    }
}

/// What a reader hands over: the document's sheets, the encoding its text
/// was read in, and what the reader had to guess, for the person ingesting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub sheets: Vec<Sheet>,
    pub encoding: &'static str,
    pub warnings: Vec<String>,
}

impl Layout {
    pub fn new(sheets: Vec<Sheet>, encoding: &'static str) -> Layout {
        Layout { sheets, encoding, warnings: Vec::new() }
    }

    /// Does any sheet hold a row of two or more non-empty cells (or rows
    /// the reader built itself)? A layout without one holds no table.
    pub fn has_table(&self) -> bool {
        self.sheets
            .iter()
            .any(|s| s.roles.is_some() && !s.rows.is_empty() || s.rows.iter().any(|r| filled(&r.cells) >= 2))
    }
}

fn filled(cells: &[String]) -> usize {
    cells.iter().filter(|c| !c.trim().is_empty()).count()
}

/// One classified row, cells untouched (markup still in them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Title {
        text: String,
        line: usize,
    },
    /// A form field outside the table: `填报单位：市科委`, `填报日期：…`.
    Note {
        field: String,
        value: String,
        line: usize,
    },
    Header {
        roles: Vec<Role>,
        line: usize,
    },
    Data {
        cells: Vec<String>,
        line: usize,
    },
}

/// Classifies a sheet's rows. Only the first header is looked for by its
/// words; later rows are headers only when they repeat it (page furniture),
/// so that a data row of short cells (`任务`, `完成`) is never taken for one.
pub fn classify(rows: &[Cells]) -> Vec<Record> {
    let mut out = Vec::new();
    let mut header_seen: Option<&[String]> = None;
    for row in rows {
        let (cells, line) = (&row.cells[..], row.at);
        let filled = filled(cells);
        if filled == 0 {
            continue;
        }
        let is_repeat_header = header_seen.is_some_and(|h| same_words(h, cells));
        let roles = if header_seen.is_none() || is_repeat_header { header_roles(cells) } else { None };
        if let Some(roles) = roles {
            header_seen.get_or_insert(cells);
            out.push(Record::Header { roles, line });
        } else if let Some((field, value)) = form_field(cells) {
            out.push(Record::Note { field, value, line });
        } else if filled == 1 && (cells.len() == 1 || !cells[0].trim().is_empty() && looks_like_title(&cells[0])) {
            out.push(Record::Title { text: cells[0].trim().to_owned(), line });
        } else {
            out.push(Record::Data { cells: cells.to_vec(), line });
        }
    }
    out
}

/// Two rows with the same non-empty cells: a header repeated on a later
/// page, where a merged or spanned cell may add or drop empty ones.
fn same_words<'a>(a: &'a [String], b: &'a [String]) -> bool {
    let words = |r: &'a [String]| r.iter().map(|c| c.trim()).filter(|c| !c.is_empty());
    words(a).eq(words(b))
}

/// Form fields around the table (`填报单位：市科委`), in a record of short
/// cells whose first non-empty cell is `field：value`.
fn form_field(record: &[String]) -> Option<(String, String)> {
    const FIELDS: &[&str] = &[
        "填报单位",
        "填表单位",
        "报送单位",
        "单位",
        "填报日期",
        "填报时间",
        "日期",
        "联系人",
        "联系电话",
        "电话",
        "审核人",
        "负责人",
    ];
    if record.iter().any(|c| c.trim().chars().count() > 40) {
        return None;
    }
    let first = record.iter().map(|c| c.trim()).find(|c| !c.is_empty())?;
    let (field, value) = first.split_once(['：', ':'])?;
    let field = field.trim();
    // `填报单位：市科委（盖章）`: the seal's place is not the name.
    let value = value.trim().trim_end_matches("（盖章）").trim_end_matches("(盖章)").trim();
    FIELDS.contains(&field).then(|| (field.to_owned(), value.to_owned()))
}

/// A title exported with trailing empty cells (`title\t\t\t`).
fn looks_like_title(cell: &str) -> bool {
    let cell = cell.trim();
    cell.ends_with('表') || cell.contains("情况") || cell.contains("报告") || cell.contains("年度")
}

/// A record is a header when every non-empty cell names a column we know,
/// at least two of them columns we read, and no cell is long enough to be
/// content. Only the first header is looked for this way; later records are
/// headers only when they repeat it (page furniture), so that a data row of
/// short cells (`任务`, `完成`) is never mistaken for one.
fn header_roles(record: &[String]) -> Option<Vec<Role>> {
    let mut known = 0;
    let mut roles = Vec::with_capacity(record.len());
    for cell in record.iter() {
        let cell = cell.trim();
        if cell.chars().count() > 24 {
            return None;
        }
        if cell.is_empty() {
            roles.push(Role::Ignored);
            continue;
        }
        let role = role_of(cell)?;
        if role != Role::Ignored {
            known += 1;
        }
        roles.push(role);
    }
    (known >= 2).then_some(roles)
}

/// What a header cell's words say its column holds; `None` for words
/// naming no column.
pub fn role_of(header: &str) -> Option<Role> {
    const ISSUE: &[&str] = &["存在问题", "问题", "困难", "原因"];
    const STATUS: &[&str] = &["落实情况", "完成情况", "进展", "情况", "成效", "完成", "执行", "情形"];
    const TASK: &[&str] = &["自查内容", "任务", "内容", "目标", "指标", "重点工作", "工作", "项目", "事项"];
    const DIMENSION: &[&str] = &["维度", "类别", "分类", "领域", "板块", "方面"];
    const IGNORED: &[&str] = &["序号", "编号", "责任", "牵头", "单位", "备注", "时限", "时间", "分值", "得分"];
    if header.is_empty() {
        return None;
    }
    let has = |words: &[&str]| words.iter().any(|w| header.contains(w));
    // Order matters: 存在问题及原因 is an issue column although it mentions
    // nothing else; 落实情况 is status; 自查内容（年度任务） is the task.
    if has(IGNORED) {
        Some(Role::Ignored)
    } else if has(ISSUE) {
        Some(Role::Issue)
    } else if has(STATUS) {
        Some(Role::Status)
    } else if has(TASK) {
        Some(Role::Task)
    } else if has(DIMENSION) {
        Some(Role::Dimension)
    } else {
        None
    }
}

/// Column roles when a table has no header: the seed's order, with fewer
/// cells meaning the leading ones are missing (task, status[, issue]).
pub fn default_roles(cells: usize) -> Vec<Role> {
    match cells {
        0..=1 => vec![Role::Status],
        2 => vec![Role::Task, Role::Status],
        3 => vec![Role::Task, Role::Status, Role::Issue],
        n => {
            let mut roles = vec![Role::Dimension, Role::Task, Role::Status, Role::Issue];
            roles.resize(n, Role::Ignored);
            roles
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&[&str]]) -> Vec<Cells> {
        lines.iter().enumerate().map(|(i, l)| Cells::new(i + 1, l.iter().map(|c| c.to_string()).collect())).collect()
    }

    #[test]
    fn seed_header_is_recognised() {
        let recs = classify(&rows(&[
            &["考评维度", "自查内容（年度任务）", "落实情况", "存在问题及原因"],
            &["", "任务", "完成", "无"],
            &["", "任务", "完成情况", "存在问题"],
        ]));
        assert_eq!(
            recs[0],
            Record::Header { roles: vec![Role::Dimension, Role::Task, Role::Status, Role::Issue], line: 1 }
        );
        assert_eq!(
            recs[1],
            Record::Data { cells: vec!["".into(), "任务".into(), "完成".into(), "无".into()], line: 2 }
        );
        assert!(matches!(recs[2], Record::Data { line: 3, .. }), "only the first header is taken as one");
    }

    #[test]
    fn other_header_vocabularies() {
        let recs =
            classify(&rows(&[&["序号", "重点任务", "完成情况", "责任单位"], &["1", "建设平台", "已建成", "科委"]]));
        assert_eq!(
            recs[0],
            Record::Header { roles: vec![Role::Ignored, Role::Task, Role::Status, Role::Ignored], line: 1 }
        );
        let recs = classify(&rows(&[&["项目", "年度目标", "执行情形", "问题"], &["a", "b", "c", "d"]]));
        assert_eq!(recs[0], Record::Header { roles: vec![Role::Task, Role::Task, Role::Status, Role::Issue], line: 1 });
    }

    #[test]
    fn a_repeated_header_with_other_empty_cells_is_furniture() {
        let recs = classify(&rows(&[
            &["考评维度", "自查内容", "落实情况", "存在问题"],
            &["党建", "a", "b", "c"],
            &["考评维度", "自查内容", "", "落实情况", "存在问题"],
        ]));
        assert!(matches!(recs[2], Record::Header { .. }));
    }

    #[test]
    fn form_fields_and_titles_are_not_rows() {
        let recs = classify(&rows(&[
            &["某局2023年度自查表"],
            &["填报单位：市科委（盖章）", "", "填报日期：2023年1月5日"],
            &["自查内容", "落实情况"],
            &["任务", "完成"],
        ]));
        assert_eq!(recs[0], Record::Title { text: "某局2023年度自查表".into(), line: 1 });
        assert_eq!(recs[1], Record::Note { field: "填报单位".into(), value: "市科委".into(), line: 2 });
    }
}
