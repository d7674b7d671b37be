//! PDF files with a text layer: the table rebuilt from where each
//! character is drawn.
//!
//! [`content`] walks every page's content stream and gives each character
//! with its position and size, decoded by the document's fonts
//! ([`font`]). From there:
//!
//! 1. Characters on one baseline make a text line; lines are normalised
//!    (NFKC, and the CJK radicals NFKC leaves alone), since PDF text layers
//!    often map glyphs to Kangxi radicals (`⽇` for `日`).
//! 2. Page furniture goes: a line that repeats at the same height on most
//!    pages (digits masked: `3/7`), and lines in the outermost top and
//!    bottom band of a page (a browser's date, title, URL and page number).
//! 3. The first line with header words in two or more separate stretches
//!    of text (`考评维度 … 落实情况`) is the table's header; its row gives the
//!    columns, split in the white gutters between the header cells where
//!    the text below them leaves room. Text above it on its page (the
//!    document title) stays, as one-cell rows; a repeated header on a later
//!    page, and anything above it, is dropped.
//! 4. Lines below the header are table rows: a line belongs to the row
//!    above while it is about one line height lower; the padding and border
//!    between rows make a larger gap. Each character goes to the column its
//!    centre falls in. Lines wrapped by the cell's width are joined without
//!    a separator (Chinese has no spaces); a paragraph break (a larger gap,
//!    or a line that ends well short of the cell's width) becomes `\n`.
//! 5. A row split by a page break is joined again: the first row of a page
//!    continues the last one when its task cell is empty while later cells
//!    have text, or when it leaves empty a column that every other row
//!    fills (the dimension, which a browser draws once per row).
//!
//! A PDF without any text (a scan) is refused with [`Problem::NoText`], an
//! encrypted one with [`Problem::Encrypted`], a broken one with
//! [`Problem::Corrupt`]; a panic inside the PDF library is caught and
//! reported as a corrupt file.

mod content;
mod font;
mod syntax;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use unicode_normalization::UnicodeNormalization;

use super::Problem;
use super::format::{Format, Input, Reader};
use super::layout::{self, Cells, Layout, Sheet};

pub struct Pdf;

impl Reader for Pdf {
    fn sniff(&self, input: &Input) -> bool {
        let head = &input.bytes[..input.bytes.len().min(1024)];
        head.windows(5).any(|w| w == b"%PDF-")
    }

    fn read(&self, input: &Input) -> Result<Layout, Problem> {
        let (pages, mut warnings) = extract(input.bytes)?;
        if pages.iter().all(|p| p.glyphs.is_empty()) {
            return Err(Problem::NoText);
        }
        let rows = rebuild(&pages, &mut warnings);
        let mut layout = Layout::new(vec![Sheet::new(None, rows)], "UTF-8");
        layout.warnings = warnings;
        Ok(layout)
    }
}

// ---------------------------------------------------------------------------
// Extraction: characters with their positions.

/// One character drawn on a page: where its baseline starts (x from the
/// left, y from the top, in points), how far it advances, its size and its
/// normalised text.
#[derive(Debug, Clone)]
struct Glyph {
    x: f32,
    y: f32,
    w: f32,
    size: f32,
    text: String,
}

impl Glyph {
    fn end(&self) -> f32 {
        self.x + self.w
    }

    fn centre(&self) -> f32 {
        self.x + self.w / 2.0
    }
}

#[derive(Debug, Default)]
struct Page {
    height: f32,
    glyphs: Vec<Glyph>,
}

/// A character's text as it should read. PDF text layers map glyphs to
/// the look-alike code points a font shares them with: Kangxi radicals
/// (`⽇` for `日`), CJK compatibility ideographs, radicals of the CJK
/// Radicals Supplement, ligatures (`ﬁ`). Those are normalised (NFKC, and a
/// table for the radicals NFKC leaves alone); full-width punctuation and
/// digits are kept as written, as the other formats keep them. Whitespace
/// and control characters are dropped: gaps make spaces again.
fn normalise(s: &str) -> String {
    if s.chars().all(|c| !lookalike(c) && !c.is_whitespace() && !c.is_control()) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if ('\u{2E80}'..='\u{2EFF}').contains(&c) {
            out.push(radical(c));
        } else if lookalike(c) {
            // Noto CJK SC draws 户 with the glyph of the radical ⼾, which
            // NFKC reads as 戶; simplified reports mean 户 (and traditional
            // ones are read as simplified anyway).
            out.extend(c.nfkc().map(|d| if d == '戶' { '户' } else { d }));
        } else if !c.is_whitespace() && !c.is_control() {
            out.push(c);
        }
    }
    out.retain(|c| !c.is_whitespace());
    out
}

/// Code points fonts draw ordinary characters with: CJK Radicals
/// Supplement, Kangxi radicals, CJK compatibility ideographs (and their
/// supplement), alphabetic presentation forms (ligatures).
fn lookalike(c: char) -> bool {
    matches!(c,
        '戶'
        | '\u{2E80}'..='\u{2FDF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FB00}'..='\u{FB4F}'
        | '\u{2F800}'..='\u{2FA1F}')
}

/// The ordinary ideograph a CJK Radicals Supplement code point (U+2E80–
/// U+2EFF) is drawn for, where NFKC has no mapping.
fn radical(c: char) -> char {
    match c {
        '⺁' => '厂',
        '⺇' => '几',
        '⺈' => '刀',
        '⺊' => '卜',
        '⺋' => '卩',
        '⺍' => '小',
        '⺎' => '兀',
        '⺐' => '尢',
        '⺒' => '巳',
        '⺓' => '幺',
        '⺔' => '彐',
        '⺖' => '心',
        '⺗' => '心',
        '⺘' => '手',
        '⺙' => '攴',
        '⺛' => '无',
        '⺝' => '月',
        '⺟' => '母',
        '⺠' => '民',
        '⺡' => '水',
        '⺢' => '水',
        '⺣' => '火',
        '⺤' => '爪',
        '⺥' => '爪',
        '⺦' => '丬',
        '⺧' => '牛',
        '⺨' => '犬',
        '⺩' => '王',
        '⺪' => '疋',
        '⺫' => '目',
        '⺬' => '示',
        '⺭' => '示',
        '⺮' => '竹',
        '⺯' => '糸',
        '⺰' => '纟',
        '⺱' => '网',
        '⺲' => '网',
        '⺳' => '网',
        '⺴' => '网',
        '⺵' => '网',
        '⺶' => '羊',
        '⺷' => '羊',
        '⺸' => '羊',
        '⺹' => '老',
        '⺺' => '聿',
        '⺻' => '聿',
        '⺼' => '肉',
        '⺽' => '臼',
        '⺾' => '艹',
        '⺿' => '艹',
        '⻀' => '艹',
        '⻁' => '虎',
        '⻂' => '衣',
        '⻃' => '西',
        '⻄' => '西',
        '⻅' => '见',
        '⻆' => '角',
        '⻇' => '角',
        '⻈' => '讠',
        '⻉' => '贝',
        '⻊' => '足',
        '⻋' => '车',
        '⻌' => '辶',
        '⻍' => '辶',
        '⻎' => '辶',
        '⻏' => '阝',
        '⻐' => '钅',
        '⻑' => '長',
        '⻒' => '長',
        '⻓' => '长',
        '⻔' => '门',
        '⻕' => '阜',
        '⻖' => '阝',
        '⻗' => '雨',
        '⻘' => '青',
        '⻙' => '韦',
        '⻚' => '页',
        '⻛' => '风',
        '⻜' => '飞',
        '⻝' => '食',
        '⻞' => '食',
        '⻟' => '食',
        '⻠' => '饣',
        '⻡' => '首',
        '⻢' => '马',
        '⻣' => '骨',
        '⻤' => '鬼',
        '⻥' => '鱼',
        '⻦' => '鸟',
        '⻧' => '卤',
        '⻨' => '麦',
        '⻩' => '黄',
        '⻪' => '黾',
        '⻫' => '齐',
        '⻬' => '齐',
        '⻭' => '齿',
        '⻮' => '齿',
        '⻯' => '龙',
        '⻰' => '龙',
        '⻱' => '龟',
        '⻲' => '龟',
        '⻳' => '龟',
        _ => c,
    }
}

/// The characters of every page. Encryption and broken files are refused
/// here; a page the library cannot read (or panics on) is skipped with a
/// warning, and a file none of whose pages can be read is corrupt.
fn extract(bytes: &[u8]) -> Result<(Vec<Page>, Vec<String>), Problem> {
    let encrypt_entry = || bytes.windows(8).any(|w| w == b"/Encrypt");
    let doc = match catch_unwind(|| lopdf::Document::load_mem(bytes)) {
        Err(_) => return Err(Problem::corrupt(Format::Pdf, "its structure could not be parsed")),
        Ok(Err(e)) => {
            let message = e.to_string();
            if matches!(e, lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_))
                || message.contains("crypt")
                || message.contains("password")
                || encrypt_entry()
            {
                return Err(Problem::Encrypted(Format::Pdf));
            }
            return Err(Problem::corrupt(
                Format::Pdf,
                format!("{} (a truncated or damaged file?)", message.lines().next().unwrap_or_default()),
            ));
        }
        Ok(Ok(doc)) => doc,
    };
    if doc.is_encrypted() || doc.trailer.get(b"Encrypt").is_ok() {
        return Err(Problem::Encrypted(Format::Pdf));
    }
    let ids = match catch_unwind(AssertUnwindSafe(|| doc.get_pages())) {
        Ok(pages) => pages,
        Err(_) => return Err(Problem::corrupt(Format::Pdf, "its page tree could not be read")),
    };
    if ids.is_empty() {
        return Err(Problem::corrupt(Format::Pdf, "it has no pages (a truncated file?)"));
    }
    // Pages are independent: read them on a few threads, each with its
    // own fonts (built the first time one of its pages uses them).
    let doc = &doc;
    let numbers: Vec<u32> = ids.keys().copied().collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4).min(numbers.len());
    let chunk = numbers.len().div_ceil(threads);
    let results: Vec<Vec<(u32, Page, bool)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = numbers
            .chunks(chunk)
            .map(|part| {
                let ids = &ids;
                scope.spawn(move || {
                    let mut fonts = content::Fonts::new(doc, normalise);
                    part.iter().map(|&number| read_page(&mut fonts, number, ids[&number])).collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
    let mut pages = Vec::with_capacity(numbers.len());
    let mut unread = Vec::new();
    for (number, page, ok) in results.into_iter().flatten() {
        if !ok {
            unread.push(number);
        }
        pages.push(page);
    }
    if pages.len() < numbers.len() {
        return Err(Problem::corrupt(Format::Pdf, "its pages could not be read"));
    }
    let mut warnings = Vec::new();
    if unread.len() == numbers.len() && pages.iter().all(|p| p.glyphs.is_empty()) {
        return Err(Problem::corrupt(Format::Pdf, "none of its pages could be read"));
    }
    if !unread.is_empty() {
        let list: Vec<String> = unread.iter().map(u32::to_string).collect();
        warnings.push(format!("PDF page(s) {} could not be read completely", list.join(", ")));
    }
    Ok((pages, warnings))
}

/// One page's characters, and whether it was read to the end (what was
/// read before a failure or a panic is kept).
fn read_page<N: Fn(&str) -> String>(
    fonts: &mut content::Fonts<'_, N>,
    number: u32,
    id: lopdf::ObjectId,
) -> (u32, Page, bool) {
    let mut page = Page::default();
    let done = catch_unwind(AssertUnwindSafe(|| fonts.page(id, &mut page)));
    (number, page, matches!(done, Ok(Ok(()))))
}

// ---------------------------------------------------------------------------
// Lines.

/// One text line of a page: its characters left to right.
#[derive(Debug)]
struct Line {
    page: usize,
    y: f32,
    size: f32,
    glyphs: Vec<Glyph>,
    /// The text without whitespace, for comparing lines.
    key: String,
}

impl Line {
    fn x0(&self) -> f32 {
        self.glyphs.first().map_or(0.0, |g| g.x)
    }

    /// Stretches of text separated by gaps wider than `gap` em.
    fn fragments(&self, gap: f32) -> Vec<&[Glyph]> {
        let mut out = Vec::new();
        let mut start = 0;
        for i in 1..self.glyphs.len() {
            let (a, b) = (&self.glyphs[i - 1], &self.glyphs[i]);
            if b.x - a.end() > gap * a.size.max(b.size) {
                out.push(&self.glyphs[start..i]);
                start = i;
            }
        }
        if start < self.glyphs.len() {
            out.push(&self.glyphs[start..]);
        }
        out
    }
}

/// Glyphs joined, with a space where the gap between two is wider than a
/// quarter em (a space the PDF drew as a gap or as a space character).
fn join_glyphs<'a>(glyphs: impl IntoIterator<Item = &'a Glyph>) -> String {
    let mut out = String::new();
    let mut prev: Option<&Glyph> = None;
    for g in glyphs {
        if let Some(p) = prev
            && g.x - p.end() > 0.22 * g.size.max(p.size)
        {
            out.push(' ');
        }
        out.push_str(&g.text);
        prev = Some(g);
    }
    out
}

/// A page's characters grouped into lines by baseline, top to bottom.
fn lines_of(page: &Page, number: usize) -> Vec<Line> {
    let mut glyphs = page.glyphs.clone();
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut lines = Vec::new();
    let mut current: Vec<Glyph> = Vec::new();
    let mut anchor = f32::NEG_INFINITY;
    let mut tolerance = 0.0;
    for g in glyphs {
        if !current.is_empty() && g.y - anchor > tolerance {
            lines.push(finish_line(std::mem::take(&mut current), number));
        }
        if current.is_empty() {
            anchor = g.y;
            tolerance = 0.3 * g.size;
        }
        current.push(g);
    }
    if !current.is_empty() {
        lines.push(finish_line(current, number));
    }
    lines
}

fn finish_line(mut glyphs: Vec<Glyph>, page: usize) -> Line {
    glyphs.sort_by(|a, b| a.x.total_cmp(&b.x));
    // A character drawn twice at one place (fake bold) counts once.
    glyphs.dedup_by(|b, a| a.text == b.text && (b.x - a.x).abs() < 0.15 * a.size);
    // Some fonts give no widths: the distance to the next character, or
    // half an em for Latin and a whole em for the rest.
    for i in 0..glyphs.len() {
        if glyphs[i].w <= 0.0 {
            let g = &glyphs[i];
            let guess = if g.text.is_ascii() { 0.5 * g.size } else { g.size };
            let next = glyphs.get(i + 1).map(|n| n.x - g.x).filter(|d| *d > 0.0);
            glyphs[i].w = next.map_or(guess, |d| d.min(guess));
        }
    }
    let y = glyphs.iter().map(|g| g.y).sum::<f32>() / glyphs.len() as f32;
    let size = glyphs.iter().map(|g| g.size).fold(0.0, f32::max);
    let key = glyphs.iter().map(|g| g.text.as_str()).collect();
    Line { page, y, size, glyphs, key }
}

// ---------------------------------------------------------------------------
// The table.

/// Words of a report table's header cells.
const HEADER_WORDS: &[&str] = &[
    "考评维度",
    "维度",
    "自查内容",
    "年度任务",
    "任务",
    "目标",
    "落实情况",
    "完成情况",
    "执行情况",
    "进展",
    "存在问题",
    "问题",
    "序号",
    "备注",
    "事项",
    "措施",
    "责任单位",
    "牵头单位",
    "指标",
];

fn is_header_line(line: &Line) -> bool {
    line.fragments(0.8)
        .iter()
        .filter(|f| {
            let text: String = f.iter().map(|g| g.text.as_str()).collect();
            HEADER_WORDS.iter().any(|w| text.contains(w))
        })
        .count()
        >= 2
}

/// Text with digits masked, so that `1/7` and `2/7` compare equal.
fn masked(key: &str) -> String {
    key.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect()
}

/// Lines that repeat at the same height on most pages, and lines in the
/// outermost band at the top and bottom of a page.
fn furniture(lines: &[Line], pages: &[Page]) -> Vec<bool> {
    let mut seen: HashMap<(String, i32), Vec<usize>> = HashMap::new();
    let keys: Vec<(String, i32)> = lines.iter().map(|l| (masked(&l.key), (l.y / 3.0).round() as i32)).collect();
    for (line, key) in lines.iter().zip(&keys) {
        let on = seen.entry(key.clone()).or_default();
        if on.last() != Some(&line.page) {
            on.push(line.page);
        }
    }
    let enough = pages.len().div_ceil(2).max(2);
    lines
        .iter()
        .zip(&keys)
        .map(|(line, key)| {
            let h = pages[line.page].height;
            let band = h > 0.0 && (line.y < 0.04 * h || line.y > h - 0.025 * h);
            band || pages.len() >= 2 && seen[key].len() >= enough
        })
        .collect()
}

/// A stretch of one line's text inside one cell.
#[derive(Debug, Clone)]
struct Piece {
    page: usize,
    y: f32,
    x0: f32,
    x1: f32,
    size: f32,
    text: String,
}

/// A table row being built: pieces per column, and the page it starts on.
#[derive(Debug, Clone)]
struct Row {
    page: usize,
    cells: Vec<Vec<Piece>>,
    /// A line of running text (a note under the table), not a table row.
    prose: bool,
}

impl Row {
    fn filled(&self, column: usize) -> bool {
        self.cells.get(column).is_some_and(|c| !c.is_empty())
    }
}

/// Rebuilds the document's rows: text before the table as one-cell rows,
/// the header, then one row per table row with a cell per column.
fn rebuild(pages: &[Page], warnings: &mut Vec<String>) -> Vec<Cells> {
    let lines: Vec<Line> = pages.iter().enumerate().flat_map(|(i, p)| lines_of(p, i)).collect();
    let furniture = furniture(&lines, pages);
    let kept: Vec<&Line> = lines.iter().zip(&furniture).filter(|(_, f)| !**f).map(|(l, _)| l).collect();
    let size = median(kept.iter().map(|l| l.size).collect()).unwrap_or(10.0);
    let spacing = line_spacing(&kept, size);
    let row_gap = row_gap(&kept, spacing, size);

    let Some(header_at) = kept.iter().position(|l| is_header_line(l)) else {
        warnings.push(
            "the PDF has no table header (任务, 落实情况 …): its lines read as rows of text stretches".to_owned(),
        );
        return kept.iter().map(|l| Cells::new(l.page + 1, fragments_text(l))).collect();
    };
    // The header row: lines just above it (cells centred vertically) and
    // below it until the gap between rows.
    let header_page = kept[header_at].page;
    let mut first = header_at;
    while first > 0 && kept[first - 1].page == header_page && kept[first].y - kept[first - 1].y < 0.8 * spacing {
        first -= 1;
    }
    let mut last = header_at;
    // A data row right under the header would join it: only lines with
    // header-like text continue the header.
    while last + 1 < kept.len()
        && kept[last + 1].page == header_page
        && kept[last + 1].y - kept[last].y <= 1.1 * spacing
        && header_like(kept[last + 1])
    {
        last += 1;
    }
    let header_lines = &kept[first..=last];
    let header_keys: Vec<&str> = header_lines.iter().map(|l| l.key.as_str()).collect();

    // Text before the table: one-cell rows, a block of close lines as one.
    let mut out: Vec<Cells> = Vec::new();
    let mut block: Option<(usize, f32, String)> = None;
    for line in &kept[..first] {
        match &mut block {
            Some((page, y, text)) if *page == line.page && line.y - *y < 1.8 * line.size => {
                text.push_str(&join_glyphs(&line.glyphs));
                *y = line.y;
            }
            _ => {
                if let Some((page, _, text)) = block.take() {
                    out.push(Cells::new(page + 1, vec![text]));
                }
                block = Some((line.page, line.y, join_glyphs(&line.glyphs)));
            }
        }
    }
    if let Some((page, _, text)) = block {
        out.push(Cells::new(page + 1, vec![text]));
    }

    // The table's lines: after the header; on later pages, after a repeated
    // header when there is one.
    let mut body: Vec<&Line> = Vec::new();
    let mut page_start = last + 1;
    while page_start < kept.len() {
        let page = kept[page_start].page;
        let end = kept[page_start..].iter().position(|l| l.page != page).map_or(kept.len(), |n| page_start + n);
        let on_page = &kept[page_start..end];
        let from = if page == header_page {
            0
        } else {
            on_page.iter().rposition(|l| header_keys.contains(&l.key.as_str())).map_or(0, |i| i + 1)
        };
        body.extend(on_page[from..].iter().filter(|l| !header_keys.contains(&l.key.as_str())));
        page_start = end;
    }

    let columns = columns(header_lines, &body, size);
    let column_of = |x: f32| columns.partition_point(|&b| b <= x);
    let n = columns.len() + 1;
    let header_cells: Vec<String> = {
        let mut row = Row { page: header_page, cells: vec![Vec::new(); n], prose: false };
        for line in header_lines {
            place(line, &mut row, &column_of);
        }
        row.cells.iter().map(|pieces| join_pieces(pieces, spacing, None)).collect()
    };
    out.push(Cells::new(header_page + 1, header_cells.clone()));

    // Rows: a gap larger than a line's starts a new one. A dimension merged
    // down several rows is printed once, centred across them: its lines sit
    // in the gaps between those rows, so only the other columns' lines
    // measure the gaps.
    let merged_down: Vec<bool> =
        header_cells.iter().map(|h| layout::role_of(h.trim()) == Some(layout::Role::Dimension)).collect();
    let measures =
        |line: &Line| line.glyphs.iter().any(|g| !merged_down.get(column_of(g.centre())).copied().unwrap_or(false));
    let mut rows: Vec<Row> = Vec::new();
    let mut page_first_row: Vec<usize> = Vec::new();
    let mut prev: Option<&Line> = None;
    let mut prev_measured: Option<&Line> = None;
    for &line in &body {
        let new_page = prev.is_none_or(|p| p.page != line.page);
        if new_page {
            page_first_row.push(rows.len());
            prev_measured = None;
        }
        let prose = is_prose(line, &columns, &column_of);
        let measured = measures(line);
        let starts_row = new_page
            || prose
            || rows.last().is_none_or(|r| r.prose)
            || measured && prev_measured.is_some_and(|p| line.y - p.y > row_gap);
        if measured {
            prev_measured = Some(line);
        }
        if starts_row {
            rows.push(Row { page: line.page, cells: vec![Vec::new(); n], prose });
        }
        let row = rows.last_mut().expect("a row was pushed");
        if prose {
            row.cells[0].push(Piece {
                page: line.page,
                y: line.y,
                x0: line.x0(),
                x1: line.glyphs.last().map_or(0.0, Glyph::end),
                size: line.size,
                text: join_glyphs(&line.glyphs),
            });
        } else {
            place(line, row, &column_of);
        }
        prev = Some(line);
    }

    // Rows split by a page break.
    let task = task_column(&header_cells);
    // Columns every row fills, counting neither the first row of a page
    // (a continuation, perhaps) nor running text.
    let counted: Vec<&Row> = rows
        .iter()
        .enumerate()
        .filter(|(i, r)| !r.prose && (*i == 0 || !page_first_row.contains(i)))
        .map(|(_, r)| r)
        .collect();
    let always_filled: Vec<bool> = (0..n)
        .map(|c| counted.len() >= 3 && counted.iter().filter(|r| r.filled(c)).count() * 10 >= counted.len() * 9)
        .collect();
    let mut continues = vec![false; rows.len()];
    for &i in page_first_row.iter().filter(|&&i| i > 0 && i < rows.len()) {
        let (before, row) = (&rows[i - 1], &rows[i]);
        if row.prose || before.prose || before.page == row.page {
            continue;
        }
        let task_empty = !row.filled(task) && (task + 1..n).any(|c| row.filled(c));
        let gap_in_full_column = (0..n).any(|c| always_filled[c] && !row.filled(c));
        continues[i] = task_empty || gap_in_full_column;
    }
    let mut merged: Vec<Row> = Vec::with_capacity(rows.len());
    for (row, cont) in rows.into_iter().zip(continues) {
        match merged.last_mut() {
            Some(last) if cont => {
                for (cell, more) in last.cells.iter_mut().zip(row.cells) {
                    cell.extend(more);
                }
            }
            _ => merged.push(row),
        }
    }

    // Where a column's text starts and ends (most of its lines), to tell
    // a paragraph's last line (ending short of the cell's width) from a
    // wrapped one.
    let extent: Vec<(f32, f32)> = (0..n)
        .map(|c| {
            let pieces = || merged.iter().filter(|r| !r.prose).flat_map(|r| &r.cells[c]);
            let left = pieces().map(|p| p.x0).fold(f32::INFINITY, f32::min);
            let right = percentile(pieces().map(|p| p.x1).collect(), 0.9).unwrap_or(f32::INFINITY);
            (left, right)
        })
        .collect();
    for row in merged {
        let cells = if row.prose {
            vec![join_pieces(&row.cells[0], spacing, None)]
        } else {
            row.cells.iter().enumerate().map(|(c, pieces)| join_pieces(pieces, spacing, Some(extent[c]))).collect()
        };
        out.push(Cells::new(row.page + 1, cells));
    }
    out
}

fn header_like(line: &Line) -> bool {
    HEADER_WORDS.iter().any(|w| line.key.contains(w)) || line.glyphs.len() <= 6
}

/// A line's stretches of text, for a PDF without a table header.
fn fragments_text(line: &Line) -> Vec<String> {
    line.fragments(1.5).into_iter().map(join_glyphs).collect()
}

/// The usual distance between the baselines of two lines of one paragraph:
/// the lower quartile of the distances between consecutive lines.
fn line_spacing(lines: &[&Line], size: f32) -> f32 {
    let gaps: Vec<f32> = lines
        .windows(2)
        .filter(|w| w[0].page == w[1].page)
        .map(|w| w[1].y - w[0].y)
        .filter(|&d| d >= 0.9 * size && d <= 3.0 * size)
        .collect();
    let mut gaps = gaps;
    gaps.sort_by(f32::total_cmp);
    gaps.get(gaps.len() / 4).copied().unwrap_or(1.3 * size)
}

/// The distance between baselines beyond which a line starts a new row.
/// Lines of a cell are `spacing` apart, a little more across a paragraph
/// break or a line with taller fallback glyphs; the padding and border
/// between rows add a gap of their own, the same at every row. The
/// threshold goes in the widest jump (of a fifth of an em at least)
/// between the sorted excesses over `spacing` that has two or more gaps
/// above it (a lone gap under the title is no row); without one, at
/// 0.6 em.
fn row_gap(lines: &[&Line], spacing: f32, size: f32) -> f32 {
    let mut excess: Vec<f32> = lines
        .windows(2)
        .filter(|w| w[0].page == w[1].page)
        .map(|w| w[1].y - w[0].y - spacing)
        .filter(|&e| e > -0.1 * size && e < 2.5 * size)
        .map(|e| e.max(0.0))
        .collect();
    excess.sort_by(f32::total_cmp);
    let n = excess.len();
    let jump = excess
        .windows(2)
        .enumerate()
        .filter(|&(i, _)| n - (i + 1) >= 2)
        .map(|(_, w)| (w[1] - w[0], (w[0] + w[1]) / 2.0))
        .filter(|&(width, at)| at > 0.15 * size && width >= 0.2 * size)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match jump {
        Some((_, at)) => spacing + at,
        None => spacing + 0.6 * size,
    }
}

fn median(values: Vec<f32>) -> Option<f32> {
    percentile(values, 0.5)
}

fn percentile(mut values: Vec<f32>, at: f32) -> Option<f32> {
    values.sort_by(f32::total_cmp);
    let i = ((values.len() as f32 * at) as usize).min(values.len().saturating_sub(1));
    values.get(i).copied()
}

/// The x where each column ends and the next begins. The header's cells
/// are stretches of text; between two of them the boundary goes where the
/// table's text leaves the widest white gutter (the cell padding), or
/// where the fewest characters cross when text fills it.
fn columns(header: &[&Line], body: &[&Line], size: f32) -> Vec<f32> {
    let mut spans: Vec<(f32, f32)> = header.iter().flat_map(|l| l.glyphs.iter().map(|g| (g.x, g.end()))).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut merged: Vec<(f32, f32)> = Vec::new();
    for (x0, x1) in spans {
        match merged.last_mut() {
            Some(last) if x0 - last.1 < 0.6 * size => last.1 = last.1.max(x1),
            _ => merged.push((x0, x1)),
        }
    }
    let glyphs: Vec<(f32, f32)> = body.iter().flat_map(|l| l.glyphs.iter().map(|g| (g.x, g.end()))).collect();
    merged.windows(2).map(|w| gutter(w[0].1, w[1].0, &glyphs)).collect()
}

/// The middle of the least covered, widest stretch of `[from, to]`.
fn gutter(from: f32, to: f32, glyphs: &[(f32, f32)]) -> f32 {
    if to <= from {
        return (from + to) / 2.0;
    }
    let mut events: Vec<(f32, i32)> = vec![(from, 0), (to, 0)];
    for &(a, b) in glyphs {
        if b > from && a < to {
            events.push((a.max(from), 1));
            events.push((b.min(to), -1));
        }
    }
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut depth = 0;
    let mut best = (i32::MAX, 0.0f32, (from + to) / 2.0);
    for w in events.windows(2) {
        depth += w[0].1;
        let (a, b) = (w[0].0, w[1].0);
        if b <= a {
            continue;
        }
        let width = b - a;
        if depth < best.0 || depth == best.0 && width > best.1 {
            best = (depth, width, (a + b) / 2.0);
        }
    }
    best.2
}

/// Running text across the columns: two neighbouring characters in
/// different columns with no gap between them.
fn is_prose(line: &Line, columns: &[f32], column_of: &impl Fn(f32) -> usize) -> bool {
    !columns.is_empty()
        && line
            .glyphs
            .windows(2)
            .any(|w| column_of(w[0].centre()) != column_of(w[1].centre()) && w[1].x - w[0].end() < 0.3 * w[0].size)
}

/// Puts a line's characters into the row's cells by their centres.
fn place(line: &Line, row: &mut Row, column_of: &impl Fn(f32) -> usize) {
    let mut start = 0;
    let glyphs = &line.glyphs;
    for i in 1..=glyphs.len() {
        let column = column_of(glyphs[start].centre());
        if i < glyphs.len() && column_of(glyphs[i].centre()) == column {
            continue;
        }
        let part = &glyphs[start..i];
        let column = column.min(row.cells.len() - 1);
        row.cells[column].push(Piece {
            page: line.page,
            y: part.iter().map(|g| g.y).sum::<f32>() / part.len() as f32,
            x0: part[0].x,
            x1: part[part.len() - 1].end(),
            size: line.size,
            text: join_glyphs(part),
        });
        start = i;
    }
}

/// A cell's pieces as text: lines wrapped by the cell's width run on; a
/// new paragraph (a wider gap than between lines, or a line ending well
/// short of the column's right edge) starts on a new line.
fn join_pieces(pieces: &[Piece], spacing: f32, extent: Option<(f32, f32)>) -> String {
    let mut out = String::new();
    for (i, p) in pieces.iter().enumerate() {
        if i > 0 {
            let prev = &pieces[i - 1];
            let same_line = p.page == prev.page && (p.y - prev.y).abs() < 0.3 * p.size;
            let gap = p.y - prev.y;
            let short = extent
                .is_some_and(|(left, right)| prev.x1 < right - 1.5 * prev.size && prev.x0 <= left + 2.5 * prev.size);
            if same_line {
                out.push(' ');
            } else if short || p.page == prev.page && gap > spacing + 0.25 * p.size {
                out.push('\n');
            } else if out.ends_with(|c: char| c.is_ascii_alphanumeric())
                && p.text.starts_with(|c: char| c.is_ascii_alphanumeric())
            {
                out.push(' ');
            }
        }
        out.push_str(&p.text);
    }
    out
}

/// The column the shared layout reads as the task ([`layout::role_of`]:
/// 自查内容, 任务 …), else the first one not numbering the rows.
fn task_column(header: &[String]) -> usize {
    let compact: Vec<String> = header.iter().map(|h| h.chars().filter(|c| !c.is_whitespace()).collect()).collect();
    compact
        .iter()
        .position(|h| layout::role_of(h) == Some(layout::Role::Task))
        .or_else(|| compact.iter().position(|h| !h.is_empty() && !h.contains("序号") && !h.contains("维度")))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::super::ReadOptions;
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pdf-reader/");

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}{name}")).unwrap()
    }

    fn read(bytes: &[u8]) -> Result<Layout, Problem> {
        let options = ReadOptions::default();
        Pdf.read(&Input::new(bytes, &options))
    }

    fn squash(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    /// The rows of the fixture's source: title, header, then the cells of
    /// each `<tr>` of the body, Kangxi code points made ordinary.
    fn source_rows() -> Vec<Vec<String>> {
        let html = String::from_utf8(fixture("table.html")).unwrap();
        let cells_of = |tr: &str, tag: &str| -> Vec<String> {
            tr.split(&format!("<{tag}>"))
                .skip(1)
                .map(|c| squash(c.split(&format!("</{tag}>")).next().unwrap()))
                .collect()
        };
        let title = html.split("<h1>").nth(1).unwrap().split("</h1>").next().unwrap();
        let head = html.split("<thead>").nth(1).unwrap().split("</thead>").next().unwrap();
        let body = html.split("<tbody>").nth(1).unwrap().split("</tbody>").next().unwrap();
        let mut rows = vec![vec![title.to_owned()], cells_of(head, "th")];
        rows.extend(body.split("<tr>").skip(1).map(|tr| cells_of(tr, "td")));
        for row in &mut rows {
            for cell in row.iter_mut() {
                *cell = cell.replace('\u{2F47}', "日");
            }
        }
        rows
    }

    #[test]
    fn multi_page_table_reads_as_its_source() {
        let bytes = fixture("table.pdf");
        let layout = read(&bytes).unwrap();
        assert_eq!(layout.encoding, "UTF-8");
        assert_eq!(layout.sheets.len(), 1);
        let got: Vec<Vec<String>> =
            layout.sheets[0].rows.iter().map(|r| r.cells.iter().map(|c| squash(c)).collect()).collect();
        let want = source_rows();
        assert_eq!(want.len(), 8, "title, header and six rows in the source");
        // Chromium's date/title header, its URL and page number footer and
        // the header repeated on page 2 are gone; the row split by the page
        // break is one row.
        assert_eq!(got, want);
        let pages: Vec<usize> = layout.sheets[0].rows.iter().map(|r| r.at).collect();
        assert_eq!(pages, [1, 1, 1, 1, 1, 2, 2, 2]);
    }

    #[test]
    fn split_row_joins_its_paragraph_without_a_break() {
        let layout = read(&fixture("table.pdf")).unwrap();
        let row = &layout.sheets[0].rows[4].cells;
        assert_eq!(row[1], "建设协同创新平台");
        assert!(row[2].starts_with("1. 新建9个平台，开展平台建设工作，"), "{}", row[2]);
        assert!(row[2].ends_with("开展平台建设工作，完成。"), "{}", row[2]);
        assert!(!row[2].contains('\n'), "one paragraph wrapped by the cell: {}", row[2]);
    }

    #[test]
    fn kangxi_radicals_read_as_ordinary_characters() {
        assert_eq!(normalise("\u{2F47}"), "日");
        assert_eq!(normalise("⻓"), "长");
        assert_eq!(normalise("⻔⻢⻅⻆⻉⻋⻜⻘⻝⻛"), "门马见角贝车飞青食风");
        assert_eq!(normalise("\u{F98E}"), "年");
        assert_eq!(normalise("\u{2F3E}"), "户");
        assert_eq!(normalise("ﬁ"), "fi");
        assert_eq!(normalise("，（%）"), "，（%）", "full-width punctuation stays as written");
        assert_eq!(normalise(" "), "");
        let layout = read(&fixture("table.pdf")).unwrap();
        let status = &layout.sheets[0].rows[3].cells[2];
        assert!(status.contains("日报告330期"), "{status}");
        assert!(!layout.sheets[0].rows.iter().flat_map(|r| &r.cells).any(|c| c.contains('\u{2F47}')));
    }

    #[test]
    fn pdf_without_text_is_refused_as_scanned() {
        assert!(matches!(read(&fixture("image-only.pdf")), Err(Problem::NoText)));
        assert!(Problem::NoText.to_string().contains("no text layer"));
    }

    #[test]
    fn encrypted_pdf_is_refused() {
        assert!(matches!(read(&fixture("encrypted.pdf")), Err(Problem::Encrypted(Format::Pdf))));
    }

    #[test]
    fn truncated_or_garbled_pdf_is_corrupt_not_a_panic() {
        let bytes = fixture("table.pdf");
        for cut in [bytes.len() / 2, bytes.len() / 3, bytes.len() - 10, 1000, 20] {
            match read(&bytes[..cut]) {
                Err(Problem::Corrupt { format: Format::Pdf, reason }) => {
                    assert!(!reason.is_empty() && reason.len() < 200)
                }
                other => panic!("cut at {cut}: {:?}", other.map(|l| l.sheets[0].rows.len())),
            }
        }
        // Bytes flipped in the middle: whatever comes out, no panic escapes.
        let mut garbled = bytes.clone();
        for i in (bytes.len() / 4..bytes.len() / 2).step_by(97) {
            garbled[i] ^= 0x5A;
        }
        let _ = read(&garbled);
        assert!(matches!(read(b"%PDF-1.7\n%%EOF\n"), Err(Problem::Corrupt { .. })));
    }

    #[test]
    fn sniffs_the_pdf_signature() {
        let options = ReadOptions::default();
        assert!(Pdf.sniff(&Input::new(b"%PDF-1.4\n...", &options)));
        assert!(Pdf.sniff(&Input::new(b"\xEF\xBB\xBF  %PDF-1.7", &options)));
        assert!(!Pdf.sniff(&Input::new("考评维度\t自查内容".as_bytes(), &options)));
    }

    #[test]
    fn the_whole_pipeline_reads_the_fixture() {
        let doc = crate::document::parse("table", &fixture("table.pdf")).unwrap();
        assert_eq!(doc.format, Format::Pdf);
        assert_eq!(doc.title.as_deref(), Some("某区科委2022年度重点任务完成情况自查表"));
        assert_eq!(doc.rows.len(), 6);
        assert_eq!(doc.rows[4].issue, "部分数据待核实");
        assert_eq!(doc.rows[5].dimension, "重点任务");
    }
}
