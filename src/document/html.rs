//! Web pages: a report published on a government site, its table among
//! the site's navigation, breadcrumbs, sidebars and footer.
//!
//! The page's chrome is ignored by construction: only the title and the
//! tables are read, and of the tables only those whose header names their
//! columns (任务, 完成情况, 存在问题 …), as a reader would pick out the
//! report among link lists laid out as tables. When no table has such a
//! header, the largest table with two or more columns is read (one row per
//! paragraph, with a warning; see [`super::assemble`]).
//!
//! Cells are laid out as the browser shows them: `rowspan` and `colspan`
//! keep later cells in their columns (a dimension merged down a column is
//! read in its first row and carried down), paragraphs, list items and line
//! breaks inside a cell stay apart, and runs of whitespace collapse.

use scraper::{ElementRef, Html as Page, Node, Selector};

use super::Problem;
use super::format::{Input, Reader};
use super::layout::{self, Cells, Layout, Record, Sheet};
use super::markup::{BLOCK_TAGS, tidy_whitespace};

pub struct Html;

impl Reader for Html {
    /// The text opens with markup and names an HTML element early on.
    fn sniff(&self, input: &Input) -> bool {
        let Ok(decoded) = input.text() else { return false };
        let text = decoded.text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
        if !text.starts_with('<') {
            return false;
        }
        let head: String = text.chars().take(2048).collect::<String>().to_ascii_lowercase();
        ["<!doctype html", "<html", "<head", "<body", "<table"].iter().any(|tag| head.contains(tag))
    }

    fn read(&self, input: &Input) -> Result<Layout, Problem> {
        let decoded = input.text()?;
        let page = Page::parse_document(&decoded.text);
        let mut grids: Vec<Vec<Cells>> = Vec::new();
        let mut at = 0;
        for table in tables(&page) {
            if is_link_list(table) {
                continue;
            }
            let grid = grid(table, &mut at);
            if grid.iter().any(|r| r.cells.iter().filter(|c| !c.is_empty()).count() >= 2) {
                grids.push(grid);
            }
        }
        let headed = |g: &Vec<Cells>| layout::classify(g).iter().any(|r| matches!(r, Record::Header { .. }));
        let chosen: Vec<Vec<Cells>> = if grids.iter().any(headed) {
            grids.into_iter().filter(headed).collect()
        } else {
            grids
                .into_iter()
                .max_by_key(|g| g.iter().map(|r| r.cells.iter().map(String::len).sum::<usize>()).sum::<usize>())
                .into_iter()
                .collect()
        };
        let mut sheets: Vec<Sheet> = chosen.into_iter().map(|rows| Sheet::new(None, rows)).collect();
        if let Some(title) = title(&page) {
            match sheets.first_mut() {
                Some(first) => first.rows.insert(0, Cells::new(0, vec![title])),
                None => sheets.push(Sheet::new(None, vec![Cells::new(0, vec![title])])),
            }
        }
        Ok(Layout::new(sheets, decoded.encoding))
    }
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("a valid selector")
}

/// The page's title: its first `<h1>` (or `<h2>`), else the `ArticleTitle`
/// meta tag, else `<title>` up to the site name that follows `_`, `-` or `|`.
fn title(page: &Page) -> Option<String> {
    for css in ["h1", "h2"] {
        if let Some(h) = page.select(&selector(css)).map(|e| text_of(e)).find(|t| !t.is_empty()) {
            return Some(h.replace('\n', ""));
        }
    }
    if let Some(meta) = page.select(&selector("meta[name=ArticleTitle]")).next()
        && let Some(content) = meta.value().attr("content").map(str::trim).filter(|c| !c.is_empty())
    {
        return Some(content.to_owned());
    }
    let title = page.select(&selector("title")).next().map(text_of)?;
    let first = title.split(['_', '|']).next().unwrap_or(&title).split(" - ").next().unwrap_or(&title).trim();
    (!first.is_empty()).then(|| first.to_owned())
}

/// Tables nested this deep in other tables are read only as text of the
/// cells holding them: a report's table sits at most inside a layout table
/// or two, and a page of tables nested thousands deep (a hostile file) must
/// not cost time quadratic in its depth.
const MAX_TABLE_DEPTH: usize = 4;

/// The page's tables, outermost first in document order, down to
/// [`MAX_TABLE_DEPTH`]; one walk over the tree.
fn tables(page: &Page) -> Vec<ElementRef<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![(page.tree.root(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        let mut inner = depth;
        if let Some(e) = ElementRef::wrap(node)
            && e.value().name() == "table"
        {
            out.push(e);
            inner += 1;
            if inner >= MAX_TABLE_DEPTH {
                continue;
            }
        }
        stack.extend(node.children().rev().map(|c| (c, inner)));
    }
    out
}

/// A table of links laid out in a grid (a site's navigation, "related
/// articles"): most of its text is inside `<a>`. A report's table holds
/// prose, even when a cell links to an attachment.
fn is_link_list(table: ElementRef) -> bool {
    let length = |e: ElementRef| e.text().map(|t| t.trim().chars().count()).sum::<usize>();
    let all = length(table);
    let linked: usize = table.select(&selector("a")).map(length).sum();
    all > 0 && linked * 2 >= all
}

/// A table's own rows (not those of tables nested in its cells) as a grid,
/// spans resolved: a cell spanning rows or columns is read once, in its
/// first row and column, and leaves the positions it covers empty.
fn grid(table: ElementRef, at: &mut usize) -> Vec<Cells> {
    let mut out = Vec::new();
    // Columns still covered by a rowspan from above: rows left to cover.
    let mut covered: Vec<usize> = Vec::new();
    for tr in rows_of(table) {
        *at += 1;
        let mut cells: Vec<String> = Vec::new();
        let mut col = 0;
        for td in tr.children().filter_map(ElementRef::wrap).filter(|e| matches!(e.value().name(), "td" | "th")) {
            skip_covered(&mut cells, &mut col, &mut covered);
            // Spans past any real table's are a hostile file's; clamped.
            let span = |name: &str, max: usize| {
                td.value().attr(name).and_then(|v| v.trim().parse::<usize>().ok()).unwrap_or(1).clamp(1, max)
            };
            let (rows, cols) = (span("rowspan", 10_000), span("colspan", 100));
            for i in 0..cols {
                if col >= MAX_COLUMNS {
                    break;
                }
                if covered.len() <= col {
                    covered.resize(col + 1, 0);
                }
                covered[col] = rows - 1;
                place(&mut cells, &mut col, if i == 0 { text_of(td) } else { String::new() });
            }
        }
        skip_covered(&mut cells, &mut col, &mut covered);
        out.push(Cells::new(*at, cells));
    }
    out
}

/// Columns read of a row: far more than any report's table has, few
/// enough that spans crafted to cover millions of cells cost nothing.
const MAX_COLUMNS: usize = 256;

/// Puts `text` in column `col` and moves to the next column; past
/// [`MAX_COLUMNS`], drops it.
fn place(cells: &mut Vec<String>, col: &mut usize, text: String) {
    if *col >= MAX_COLUMNS {
        return;
    }
    if cells.len() <= *col {
        cells.resize(*col + 1, String::new());
    }
    cells[*col] = text;
    *col += 1;
}

/// Moves past the columns a rowspan from a row above still covers.
fn skip_covered(cells: &mut Vec<String>, col: &mut usize, covered: &mut [usize]) {
    while *col < MAX_COLUMNS && covered.get(*col).is_some_and(|&n| n > 0) {
        covered[*col] -= 1;
        place(cells, col, String::new());
    }
}

/// The rows of `table` itself: its `tr` children and those of its row
/// groups (an HTML parser puts rows in a `tbody`), not the rows of tables
/// nested in its cells.
fn rows_of<'a>(table: ElementRef<'a>) -> impl Iterator<Item = ElementRef<'a>> + 'a {
    let is = |name: &'static str| move |e: &ElementRef| e.value().name() == name;
    table.children().filter_map(ElementRef::wrap).flat_map(move |e| {
        let group = matches!(e.value().name(), "thead" | "tbody" | "tfoot");
        let rows: Vec<ElementRef<'a>> = if group {
            e.children().filter_map(ElementRef::wrap).filter(is("tr")).collect()
        } else if e.value().name() == "tr" {
            vec![e]
        } else {
            Vec::new()
        };
        rows
    })
}

/// An element's text as a browser lays it out: block elements on lines of
/// their own, whitespace runs collapsed to one space, lines trimmed, no
/// script or style.
fn text_of(element: ElementRef) -> String {
    let mut out = String::new();
    let mut skip_depth = 0usize;
    for edge in element.traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    let name = e.name();
                    if matches!(name, "script" | "style" | "noscript") {
                        skip_depth += 1;
                    } else if BLOCK_TAGS.contains(&name) && node.id() != element.id() {
                        out.push('\n');
                    }
                }
                Node::Text(t) if skip_depth == 0 => out.push_str(t),
                _ => {}
            },
            ego_tree::iter::Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    let name = e.name();
                    if matches!(name, "script" | "style" | "noscript") {
                        skip_depth -= 1;
                    } else if BLOCK_TAGS.contains(&name) && node.id() != element.id() {
                        out.push('\n');
                    }
                }
            }
        }
    }
    tidy_whitespace(&out)
}

#[cfg(test)]
mod tests {
    use crate::document::{Problem, parse_file};

    const PAGE: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>某局2023年度自查表_政务公开_某局</title></head>
<body><div class="nav"><ul><li><a href="/">首页</a></li><li>政务公开</li></ul></div>
<table class="side"><tr><td><a>机构职能</a></td></tr><tr><td><a>通知公告</a></td></tr></table>
<table><tr><td><a>链接一</a></td><td><a>链接二</a></td></tr></table>
<h1>某局2023年度自查表</h1><p>发布时间：2024-01-15 浏览次数：1024</p>
<table class="data"><thead><tr><th>考评维度</th><th>自查内容</th><th>落实情况</th><th>存在问题</th></tr></thead>
<tbody><tr><td rowspan="2">党的建设</td><td><p>新建平台10个</p></td><td><p><span>新建</span>9个</p><p>完成&nbsp;投资12亿元</p></td><td>无</td></tr>
<tr><td>培训干部</td><td>培训  300 人次</td><td>无</td></tr>
<tr><td>业务</td><td colspan="2">合并的单元格</td><td>无</td></tr></tbody></table>
<div class="footer">京ICP备05012345号 电话：010-12345678</div></body></html>"#;

    #[test]
    fn the_report_table_is_read_and_the_chrome_ignored() {
        let doc = parse_file("p", Some("html"), PAGE.as_bytes(), &Default::default()).unwrap();
        assert_eq!(doc.format, crate::document::Format::Html);
        assert_eq!(doc.title.as_deref(), Some("某局2023年度自查表"));
        assert_eq!(doc.rows.len(), 3, "{:#?}", doc.rows);
        assert_eq!(doc.rows[0].dimension, "党的建设");
        assert_eq!(doc.rows[0].status, "新建9个\n完成 投资12亿元");
        assert_eq!(doc.rows[1].dimension, "党的建设", "the rowspan carries the dimension down");
        assert_eq!((doc.rows[1].task.as_str(), doc.rows[1].status.as_str()), ("培训干部", "培训 300 人次"));
        assert_eq!((doc.rows[2].task.as_str(), doc.rows[2].issue.as_str()), ("合并的单元格", "无"));
    }

    #[test]
    fn a_page_without_a_report_table_is_refused() {
        let page = "<html><body><h1>新闻</h1><p>今天召开会议，参会300人。</p><table><tr><td>首页</td></tr></table>\
                    <table><tr><td><a>机构职能</a></td><td><a>政策文件</a></td></tr></table></body></html>";
        assert!(matches!(
            parse_file("n", Some("html"), page.as_bytes(), &Default::default()),
            Err(Problem::NoTable(crate::document::Format::Html))
        ));
    }

    #[test]
    fn a_table_without_a_header_is_read_by_paragraph_with_a_warning() {
        let page = "<html><body><h1>某局2023年度工作报告</h1><table><tr><td>平台</td><td><p>新建9个</p><p>投资12亿元</p></td></tr></table></body></html>";
        let doc = parse_file("w", None, page.as_bytes(), &Default::default()).unwrap();
        let status: Vec<&str> = doc.rows.iter().map(|r| r.status.as_str()).collect();
        assert_eq!(status, ["平台", "新建9个", "投资12亿元"]);
        assert_eq!(doc.warnings.len(), 1, "{:?}", doc.warnings);
    }
}
