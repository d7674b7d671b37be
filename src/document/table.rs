//! The self-check table layout: tab-separated records, as Excel and WPS save
//! them, with page furniture mixed in.
//!
//! A printed report repeats its title and its header on every page; exported
//! to text, those become lines among the data. We classify each record:
//! a header (two or more cells naming columns: 自查内容, 落实情况 …), a title
//! (one cell of text), or a data row (two or more cells). The first header
//! decides which column holds what; without one, the seed's order is assumed
//! (dimension, task, status, issue). Excel's quoting (`"…"` around a cell
//! with line breaks, `""` for a quote) is honoured by the `csv` reader.

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

/// One record of the table, cells untouched (markup still in them).
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

/// Splits text into classified records. Returns `None` when the text has no
/// tab-separated record with two or more non-empty cells: it is not a table.
pub fn records(text: &str) -> Option<Vec<Record>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .flexible(true)
        .quoting(uses_excel_quoting(text))
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut any_data = false;
    let mut header_seen: Option<Vec<String>> = None;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            // An unterminated quote or similar: treat the rest as unreadable
            // rather than guessing; what was read so far stands.
            Err(_) => break,
        }
        let line = content_line(text, record.position());
        let non_empty = record.iter().filter(|c| !c.trim().is_empty()).count();
        if non_empty == 0 {
            continue;
        }
        let is_repeat_header =
            header_seen.as_ref().is_some_and(|h| h.iter().map(String::as_str).eq(record.iter().map(str::trim)));
        let roles = if header_seen.is_none() || is_repeat_header { header_roles(&record) } else { None };
        if let Some(roles) = roles {
            header_seen.get_or_insert_with(|| record.iter().map(|c| c.trim().to_owned()).collect());
            out.push(Record::Header { roles, line });
        } else if let Some((field, value)) = form_field(&record) {
            out.push(Record::Note { field, value, line });
        } else if non_empty == 1 && (record.len() == 1 || !record[0].trim().is_empty() && looks_like_title(&record[0]))
        {
            out.push(Record::Title { text: record[0].trim().to_owned(), line });
        } else {
            any_data = true;
            out.push(Record::Data { cells: record.iter().map(str::to_owned).collect(), line });
        }
    }
    any_data.then_some(out)
}

/// Excel quotes a cell (`"…"`) only when it holds a line break, a tab or a
/// quote. Reports also use ASCII quotes as ordinary punctuation (`"两区"建设`),
/// which a quoting reader would take for an unterminated quoted cell and run
/// across rows. Quoting is honoured only when the text has both a cell that
/// opens with a quote and one that closes with a quote.
fn uses_excel_quoting(text: &str) -> bool {
    let opens = text.starts_with('"') || text.contains("\t\"") || text.contains("\n\"");
    let closes = text.ends_with('"') || text.contains("\"\t") || text.contains("\"\n") || text.contains("\"\r");
    opens && closes
}

/// Form fields around the table (`填报单位：市科委`), in a record of short
/// cells whose first non-empty cell is `field：value`.
fn form_field(record: &csv::StringRecord) -> Option<(String, String)> {
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
    let first = record.iter().map(str::trim).find(|c| !c.is_empty())?;
    let (field, value) = first.split_once(['：', ':'])?;
    let field = field.trim();
    FIELDS.contains(&field).then(|| (field.to_owned(), value.trim().to_owned()))
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
fn header_roles(record: &csv::StringRecord) -> Option<Vec<Role>> {
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

fn role_of(header: &str) -> Option<Role> {
    const ISSUE: &[&str] = &["存在问题", "问题", "困难", "原因"];
    const STATUS: &[&str] = &["落实情况", "完成情况", "进展", "情况", "成效", "完成"];
    const TASK: &[&str] = &["自查内容", "任务", "内容", "目标", "指标", "重点工作", "工作"];
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

    #[test]
    fn seed_header_is_recognised() {
        let recs = records(
            "考评维度\t自查内容（年度任务）\t落实情况\t存在问题及原因\n\t任务\t完成\t无\n\t任务\t完成情况\t存在问题\n",
        )
        .unwrap();
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
        let recs = records("序号\t重点任务\t完成情况\t责任单位\n1\t建设平台\t已建成\t科委\n").unwrap();
        assert_eq!(
            recs[0],
            Record::Header { roles: vec![Role::Ignored, Role::Task, Role::Status, Role::Ignored], line: 1 }
        );
    }

    #[test]
    fn titles_and_blank_lines() {
        let recs = records("\n\n某局2023年度自查表\n\n考评维度\t自查内容\t落实情况\t存在问题\n\ta\tb\tc\n").unwrap();
        assert_eq!(recs[0], Record::Title { text: "某局2023年度自查表".into(), line: 3 });
        assert!(matches!(recs[1], Record::Header { .. }));
        assert!(matches!(recs[2], Record::Data { .. }));
    }

    #[test]
    fn quoted_cells_keep_line_breaks() {
        let recs = records("\t任务\t\"第一行\n第二行\"\t无\n").unwrap();
        assert_eq!(
            recs[0],
            Record::Data {
                cells: vec!["".into(), "任务".into(), "第一行\n第二行".into(), "无".into()], line: 1
            }
        );
    }

    #[test]
    fn form_fields_are_not_rows() {
        let recs = records("填报单位：市科委\t\t填报日期：2023年1月5日\n自查内容\t落实情况\n任务\t完成\n").unwrap();
        assert_eq!(recs[0], Record::Note { field: "填报单位".into(), value: "市科委".into(), line: 1 });
    }

    #[test]
    fn ascii_quotes_as_punctuation_do_not_swallow_rows() {
        let recs = records("\t推进\"两区\"建设\t完成\t无\n\t\"任务二\t完成\t无\n").unwrap();
        assert_eq!(recs.len(), 2);
    }

    #[test]
    fn prose_is_not_a_table() {
        assert_eq!(records("这是一段说明文字。\n没有表格。\n"), None);
    }
}
