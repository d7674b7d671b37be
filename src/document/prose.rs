//! Prose progress reports: numbered items instead of a table.
//!
//! Many agencies report in running text: `第39项：<task>` followed by
//! `工作进展：1. … 2. …`, or an outline, `一、<section>` then
//! `（一）<task>` and its paragraphs. Each item becomes a row: the text on
//! its marker's line is the task, the paragraphs after it the status, and
//! what follows a `存在问题：` label the issue. An outline's top level (一、)
//! is the dimension when a lower level (（一）) or 第N项 numbers the items,
//! and the items themselves otherwise. Numbered lines inside an item
//! (`1. …`) are its paragraphs, never items.
//!
//! The text before the first item is the title (its first line) and a
//! preamble, not rows.

use super::Problem;
use super::format::{Input, Reader};
use super::layout::{Cells, Layout, Role, Sheet};

pub struct Prose;

/// Labels that open an item's status, its issue, or restate its task.
const STATUS_LABELS: &[&str] = &[
    "工作进展",
    "进展情况",
    "完成情况",
    "落实情况",
    "推进情况",
    "执行情况",
    "工作成效",
    "主要成效",
    "工作完成情况",
    "进展",
];
const ISSUE_LABELS: &[&str] = &["存在问题及原因", "存在的问题", "存在问题", "问题及原因", "困难和问题", "主要问题"];
const TASK_LABELS: &[&str] = &["年度目标", "任务目标", "目标任务", "工作任务", "工作目标", "年度任务"];

impl Reader for Prose {
    /// Any text: the last reader tried, and the one whose refusal says
    /// what a readable text looks like.
    fn sniff(&self, input: &Input) -> bool {
        input.text().is_ok()
    }

    fn read(&self, input: &Input) -> Result<Layout, Problem> {
        let decoded = input.text()?;
        let (preamble, items) = items(&decoded.text);
        let mut sheets = vec![Sheet::new(None, preamble)];
        if !items.is_empty() {
            sheets.push(Sheet {
                name: None,
                rows: items,
                roles: Some(vec![Role::Dimension, Role::Task, Role::Status, Role::Issue]),
            });
        }
        Ok(Layout::new(sheets, decoded.encoding))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Marker {
    /// 第1项、第十二项、第3条
    Numbered,
    /// （一）
    Bracketed,
    /// 一、
    Outline,
}

/// The marker a line opens with, and the text after it.
fn marker(line: &str) -> Option<(Marker, &str)> {
    if let Some(rest) = line.strip_prefix('第') {
        let n = rest.chars().take_while(|&c| is_numeral(c)).map(char::len_utf8).sum::<usize>();
        if n > 0 {
            let tail = &rest[n..];
            if let Some(t) = tail.strip_prefix('项').or_else(|| tail.strip_prefix('条')) {
                return Some((Marker::Numbered, after(t)));
            }
        }
    }
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(rest) = line.strip_prefix(open) {
            let n = rest.chars().take_while(|&c| is_chinese_numeral(c)).map(char::len_utf8).sum::<usize>();
            if n > 0
                && let Some(t) = rest[n..].strip_prefix(close)
            {
                return Some((Marker::Bracketed, after(t)));
            }
        }
    }
    let n = line.chars().take_while(|&c| is_chinese_numeral(c)).map(char::len_utf8).sum::<usize>();
    if n > 0
        && let Some(t) = line[n..].strip_prefix('、')
    {
        return Some((Marker::Outline, t.trim()));
    }
    None
}

/// The text after a marker, its separator dropped.
fn after(rest: &str) -> &str {
    rest.trim_start_matches(['：', ':', '、', ' ', '\u{3000}']).trim()
}

fn is_chinese_numeral(c: char) -> bool {
    matches!(c, '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '百' | '零' | '〇')
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || is_chinese_numeral(c)
}

/// A label opening the line (`工作进展：…`), its field, and the text after.
fn label(line: &str) -> Option<(Role, &str)> {
    for (labels, role) in [(ISSUE_LABELS, Role::Issue), (STATUS_LABELS, Role::Status), (TASK_LABELS, Role::Task)] {
        for l in labels {
            if let Some(rest) = line.strip_prefix(l)
                && let Some(rest) = rest.strip_prefix(['：', ':'])
            {
                return Some((role, rest.trim()));
            }
        }
    }
    None
}

/// The preamble's lines (one-cell rows) and the items (dimension, task,
/// status, issue).
fn items(text: &str) -> (Vec<Cells>, Vec<Cells>) {
    let lines: Vec<(usize, &str)> =
        text.lines().enumerate().map(|(i, l)| (i + 1, l.trim_matches([' ', '\u{3000}', '\t', '\r']))).collect();
    let used = |m: Marker| lines.iter().filter(|(_, l)| marker(l).is_some_and(|(k, _)| k == m)).count();
    // The lowest level that numbers two or more lines is the items'.
    let item_marker = [Marker::Numbered, Marker::Bracketed, Marker::Outline].into_iter().find(|&m| used(m) >= 2);
    let mut preamble = Vec::new();
    let mut rows: Vec<Cells> = Vec::new();
    let Some(item_marker) = item_marker else {
        preamble.extend(lines.iter().filter(|(_, l)| !l.is_empty()).map(|&(at, l)| Cells::new(at, vec![l.to_owned()])));
        return (preamble, rows);
    };
    let mut dimension = String::new();
    let mut field = Role::Status;
    for &(at, line) in &lines {
        if line.is_empty() {
            continue;
        }
        match marker(line) {
            Some((m, rest)) if m == item_marker => {
                rows.push(Cells::new(at, vec![dimension.clone(), rest.to_owned(), String::new(), String::new()]));
                field = Role::Status;
                continue;
            }
            Some((Marker::Outline, rest)) if item_marker != Marker::Outline => {
                dimension = rest.to_owned();
                continue;
            }
            _ => {}
        }
        let Some(row) = rows.last_mut() else {
            preamble.push(Cells::new(at, vec![line.to_owned()]));
            continue;
        };
        let rest = match label(line) {
            Some((role, rest)) => {
                field = role;
                rest
            }
            None => line,
        };
        let slot = &mut row.cells[match field {
            Role::Task => 1,
            Role::Issue => 3,
            _ => 2,
        }];
        if !rest.is_empty() {
            if !slot.is_empty() {
                slot.push('\n');
            }
            slot.push_str(rest);
        }
    }
    (preamble, rows)
}

#[cfg(test)]
mod tests {
    use crate::document::{Format, Problem, parse_file};

    #[test]
    fn numbered_items_become_rows() {
        let text = "某局2023年度重点工作进展情况\n\n现将进展报告如下。\n\n第1项：新建平台10个\n工作进展：1. 新建9个平台。\n2. 完成投资12亿元。\n存在问题：资金到位率80%。\n\n第2项：培训干部\n全年培训300人次。\n";
        let doc = parse_file("p", Some("txt"), text.as_bytes(), &Default::default()).unwrap();
        assert_eq!(doc.format, Format::Prose);
        assert_eq!(doc.title.as_deref(), Some("某局2023年度重点工作进展情况"));
        assert_eq!(doc.rows.len(), 2);
        assert_eq!(doc.rows[0].task, "新建平台10个");
        assert_eq!(doc.rows[0].status, "1. 新建9个平台。\n2. 完成投资12亿元。");
        assert_eq!(doc.rows[0].issue, "资金到位率80%。");
        assert_eq!((doc.rows[1].task.as_str(), doc.rows[1].status.as_str()), ("培训干部", "全年培训300人次。"));
        assert_eq!(doc.rows[1].line, 10);
    }

    #[test]
    fn an_outline_gives_dimensions_and_items() {
        let text = "某局2023年度自查报告\n一、党的建设\n（一）理论学习\n工作进展：开展学习12次。\n（二）基层组织\n新建支部3个。\n二、业务工作\n（三）平台建设\n新建9个。\n存在问题：无\n";
        let doc = parse_file("o", None, text.as_bytes(), &Default::default()).unwrap();
        let rows: Vec<(&str, &str, &str)> =
            doc.rows.iter().map(|r| (r.dimension.as_str(), r.task.as_str(), r.status.as_str())).collect();
        assert_eq!(
            rows,
            [
                ("党的建设", "理论学习", "开展学习12次。"),
                ("党的建设", "基层组织", "新建支部3个。"),
                ("业务工作", "平台建设", "新建9个。")
            ]
        );
        assert_eq!(doc.rows[2].issue, "无");
    }

    #[test]
    fn text_without_items_is_refused_with_what_was_expected() {
        let err =
            parse_file("t", Some("txt"), "这是一份说明，不是表格。\n第二段文字。\n".as_bytes(), &Default::default())
                .unwrap_err();
        assert!(matches!(err, Problem::NoTable(Format::Prose)));
        assert!(err.to_string().contains("no table found"), "{err}");
    }
}
