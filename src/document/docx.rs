//! Word files (`.docx`): the body of `word/document.xml`, streamed.
//!
//! A self-check report in Word is a title paragraph, a form field or two
//! (`填报单位：…`) and a table whose header row repeats on every page. Each
//! body paragraph outside a table becomes a row of one cell, each table row
//! (`w:tr`) a row with one cell per `w:tc`: the cell's paragraphs joined by
//! line breaks, a paragraph's runs concatenated (Word splits `312辆` into
//! runs as it pleases). A cell spanning several grid columns (`gridSpan`) is
//! followed by empty cells so that the columns stay aligned, and the
//! continuation of a vertically merged cell (`vMerge`) reads empty, as the
//! shared layout expects of a merged dimension. Tables nested in a cell are
//! flattened into its text. Tracked changes read as accepted: deleted text
//! and deleted rows are dropped, inserted text kept. Headers, footers and
//! footnotes live in other parts and are never read.

use std::io::{BufReader, Read};

use quick_xml::Reader as XmlReader;
use quick_xml::events::{BytesStart, Event};

use super::Problem;
use super::format::{Format, Input, Reader};
use super::layout::{Cells, Layout, Sheet};

pub struct Docx;

const DOCUMENT: &str = "word/document.xml";

impl Reader for Docx {
    fn sniff(&self, input: &Input) -> bool {
        is_zip(input.bytes) && contains(input.bytes, DOCUMENT.as_bytes())
    }

    fn read(&self, input: &Input) -> Result<Layout, Problem> {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(input.bytes)).map_err(zip_problem)?;
        let part = archive.by_name(DOCUMENT).map_err(zip_problem)?;
        let rows = body_rows(part)?;
        Ok(Layout::new(vec![Sheet::new(None, rows)], "UTF-8"))
    }
}

pub(super) fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

pub(super) fn contains(bytes: &[u8], needle: &[u8]) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
}

/// What the `zip` crate's errors mean for a Word file.
fn zip_problem(e: zip::result::ZipError) -> Problem {
    use zip::result::ZipError;
    match e {
        ZipError::FileNotFound => Problem::corrupt(Format::Docx, format!("the archive has no {DOCUMENT}")),
        ZipError::InvalidPassword => Problem::Encrypted(Format::Docx),
        ZipError::UnsupportedArchive(reason) if reason.to_ascii_lowercase().contains("password") => {
            Problem::Encrypted(Format::Docx)
        }
        ZipError::UnsupportedArchive(reason) => {
            Problem::corrupt(Format::Docx, format!("unsupported ZIP archive: {reason}"))
        }
        ZipError::CompressionMethodNotSupported(m) => {
            Problem::corrupt(Format::Docx, format!("unsupported ZIP compression method {m}"))
        }
        _ => Problem::corrupt(Format::Docx, "the ZIP archive is truncated or damaged"),
    }
}

/// An XML error while streaming the part: a damaged archive shows up as an
/// I/O error of the decompressing reader, anything else is malformed XML.
fn xml_problem(e: quick_xml::Error, at: u64) -> Problem {
    match e {
        quick_xml::Error::Io(_) => Problem::corrupt(Format::Docx, "the ZIP archive is truncated or damaged"),
        e => Problem::corrupt(Format::Docx, format!("malformed XML in {DOCUMENT} at byte {at}: {e}")),
    }
}

/// The body's paragraphs and table rows, in reading order.
fn body_rows<R: Read>(part: R) -> Result<Vec<Cells>, Problem> {
    let mut reader = XmlReader::from_reader(BufReader::with_capacity(64 << 10, part));
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::with_capacity(1024);
    let mut skip_buf = Vec::new();
    let mut body = Body::default();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| xml_problem(e, reader.error_position()))?;
        match event {
            Event::Start(e) => {
                if is_skipped(&e) {
                    body.start(&e, true);
                    let end = e.name().as_ref().to_owned();
                    reader
                        .read_to_end_into(quick_xml::name::QName(&end), &mut skip_buf)
                        .map_err(|e| xml_problem(e, reader.error_position()))?;
                    skip_buf.clear();
                } else {
                    body.start(&e, false);
                }
            }
            Event::Empty(e) => {
                body.start(&e, true);
                body.end(local(e.name().as_ref()));
            }
            Event::End(e) => body.end(local(e.name().as_ref())),
            Event::Text(t) if body.in_text => {
                let text = t.xml10_content();
                body.text(&text);
            }
            Event::CData(t) if body.in_text => {
                let text = t.xml10_content();
                body.text(&text);
            }
            Event::GeneralRef(r) if body.in_text => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match r.as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                if let Some(c) = c {
                    body.text(c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(body.rows)
}

/// Elements whose whole content is not the document's text: deleted and
/// moved-away text, the fallback copy of a drawing (the same text box as
/// its preferred choice), field instructions.
fn is_skipped(e: &BytesStart) -> bool {
    let name = e.name();
    let name = name.as_ref();
    local(name) == "Fallback" && prefix(name) == "mc"
        || is_word(name) && matches!(local(name), "del" | "moveFrom" | "instrText" | "delText")
}

fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

fn prefix(name: &str) -> &str {
    name.split_once(':').map_or("", |(p, _)| p)
}

/// A WordprocessingML element (prefix `w`, or none).
fn is_word(name: &str) -> bool {
    matches!(prefix(name), "w" | "")
}

fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes().flatten().find(|a| local(a.key.as_ref()) == key).map(|a| a.value.trim().to_owned())
}

/// The state of the walk through `w:body`.
#[derive(Default)]
struct Body {
    rows: Vec<Cells>,
    /// Blocks seen so far (paragraphs and table rows): a row's `at`.
    blocks: usize,
    /// Open tables, outermost first: `true` for one whose rows are rows of
    /// the layout (not nested in a cell nor in a text box).
    tables: Vec<bool>,
    /// The current row of the layout table, with its `at`.
    row: Option<Vec<String>>,
    row_at: usize,
    row_deleted: bool,
    in_row_props: bool,
    /// The current cell of the layout table: its paragraphs so far.
    cell: Option<Vec<String>>,
    span: usize,
    continued: bool,
    in_cell_props: bool,
    /// Open paragraphs: more than one when a text box sits in a paragraph.
    paragraphs: Vec<String>,
    runs: usize,
    in_text: bool,
}

impl Body {
    /// Is the innermost open table the layout's own?
    fn in_layout_table(&self) -> bool {
        self.tables == [true]
    }

    fn start(&mut self, e: &BytesStart, empty: bool) {
        let name = e.name();
        if !is_word(name.as_ref()) {
            return;
        }
        match local(name.as_ref()) {
            "p" => self.paragraphs.push(String::new()),
            "r" => self.runs += 1,
            "t" if self.runs > 0 && !empty => self.in_text = true,
            "tab" | "ptab" if self.runs > 0 => self.text(" "),
            "br" | "cr" if self.runs > 0 => self.text("\n"),
            "noBreakHyphen" if self.runs > 0 => self.text("-"),
            "tbl" => {
                let layout = self.tables.is_empty() && self.paragraphs.is_empty();
                self.tables.push(layout);
            }
            "tr" if self.in_layout_table() => {
                self.blocks += 1;
                self.row = Some(Vec::new());
                self.row_at = self.blocks;
                self.row_deleted = false;
            }
            "trPr" if self.in_layout_table() && self.cell.is_none() => self.in_row_props = !empty,
            "del" if self.in_row_props => self.row_deleted = true,
            "gridBefore" if self.in_row_props => {
                let n = attr(e, "val").and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
                if let Some(row) = &mut self.row {
                    row.extend(std::iter::repeat_n(String::new(), n.min(64)));
                }
            }
            "tc" if self.in_layout_table() && self.row.is_some() => {
                self.cell = Some(Vec::new());
                self.span = 1;
                self.continued = false;
            }
            "tcPr" if self.in_layout_table() && self.cell.is_some() => self.in_cell_props = !empty,
            "gridSpan" if self.in_cell_props => {
                self.span = attr(e, "val").and_then(|v| v.parse::<usize>().ok()).unwrap_or(1).clamp(1, 64);
            }
            "vMerge" if self.in_cell_props => {
                self.continued = attr(e, "val").is_none_or(|v| v != "restart");
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "t" => self.in_text = false,
            "r" => self.runs = self.runs.saturating_sub(1),
            "p" => {
                let Some(text) = self.paragraphs.pop() else { return };
                if let Some(outer) = self.paragraphs.last_mut() {
                    // A text box's paragraph, inside the paragraph holding it.
                    if !text.trim().is_empty() {
                        if !outer.is_empty() && !outer.ends_with('\n') {
                            outer.push('\n');
                        }
                        outer.push_str(&text);
                        outer.push('\n');
                    }
                    return;
                }
                let text = match text.trim_matches('\n') {
                    t if t.len() == text.len() => text,
                    t => t.to_owned(),
                };
                if let Some(cell) = &mut self.cell {
                    if !text.trim().is_empty() {
                        cell.push(text);
                    }
                } else if self.tables.is_empty() {
                    self.blocks += 1;
                    if !text.trim().is_empty() {
                        self.rows.push(Cells::new(self.blocks, vec![text]));
                    }
                }
            }
            "tcPr" => self.in_cell_props = false,
            "trPr" => self.in_row_props = false,
            "tc" if self.in_layout_table() => {
                let (Some(cell), Some(row)) = (self.cell.take(), &mut self.row) else { return };
                row.push(if self.continued { String::new() } else { cell.join("\n") });
                row.extend(std::iter::repeat_n(String::new(), self.span - 1));
            }
            "tr" if self.in_layout_table() => {
                if let Some(cells) = self.row.take()
                    && !self.row_deleted
                {
                    self.rows.push(Cells::new(self.row_at, cells));
                }
            }
            "tbl" => {
                self.tables.pop();
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(p) = self.paragraphs.last_mut() {
            p.push_str(text);
        }
    }
}

/// A ZIP archive of the given parts, for tests.
#[cfg(test)]
pub(super) fn zip_parts(parts: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::document::{ReadOptions, parse_file};

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

    fn docx(body: &str) -> Vec<u8> {
        let document = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>"#
        );
        zip_parts(&[
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
            ),
            ("word/document.xml", &document),
            ("word/header1.xml", &format!(r#"<w:hdr {W}><w:p><w:r><w:t>页眉文字</w:t></w:r></w:p></w:hdr>"#)),
        ])
    }

    fn p(text: &str) -> String {
        format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
    }

    fn tc(text: &str) -> String {
        format!("<w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/></w:tcPr>{}</w:tc>", p(text))
    }

    fn tr(cells: &[&str]) -> String {
        format!("<w:tr>{}</w:tr>", cells.iter().map(|c| tc(c)).collect::<String>())
    }

    const HEADER: [&str; 4] = ["考评维度", "自查内容（年度任务）", "落实情况", "存在问题及原因"];

    fn read(bytes: &[u8]) -> Result<Vec<Vec<String>>, Problem> {
        let options = ReadOptions::default();
        let layout = Docx.read(&Input::new(bytes, &options))?;
        Ok(layout.sheets.into_iter().flat_map(|s| s.rows).map(|r| r.cells).collect())
    }

    fn report() -> Vec<u8> {
        let header_row =
            format!("<w:tr><w:trPr><w:tblHeader/></w:trPr>{}</w:tr>", HEADER.iter().map(|c| tc(c)).collect::<String>());
        let body = [
            p("市科委2022年度日常履职考核事项完成情况自查表"),
            p("填报单位：市科委"),
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"a\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"1\"/></w:tblGrid>".to_owned(),
            header_row.clone(),
            // Runs split a figure from its unit; a vertically merged dimension.
            "<w:tr><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr>".to_owned() + &p("党建") + "</w:tc>",
            tc("任务一"),
            "<w:tc><w:p><w:r><w:t>赛时共投入</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>312</w:t></w:r><w:r><w:t>辆</w:t></w:r>\
             <w:ins w:id=\"1\"><w:r><w:t>氢能车</w:t></w:r></w:ins><w:del w:id=\"2\"><w:r><w:delText>旧文字</w:delText></w:r></w:del></w:p>\
             <w:p><w:r><w:t>1.</w:t><w:tab/><w:t>第二段</w:t><w:br/><w:t>换行 &amp; 符号&#x41;</w:t></w:r></w:p></w:tc>"
                .to_owned(),
            tc("无") + "</w:tr>",
            "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr>".to_owned() + &p("党建") + "</w:tc>" + &tc("任务二") + &tc("完成") + &tc("无") + "</w:tr>",
            // A header repeated as a normal row, then a spanning cell.
            header_row,
            "<w:tr>".to_owned() + &tc("业务") + "<w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr>" + &p("跨两列") + "</w:tc>" + &tc("有") + "</w:tr>",
            // A nested table, flattened into its cell.
            "<w:tr>".to_owned() + &tc("") + &tc("任务四") + "<w:tc><w:tbl><w:tr>" + &tc("内甲") + &tc("内乙") + "</w:tr></w:tbl><w:p/></w:tc>" + &tc("无") + "</w:tr>",
            "</w:tbl>".to_owned(),
            p("附注"),
        ]
        .concat();
        docx(&body)
    }

    #[test]
    fn paragraphs_and_rows_in_order() {
        let rows = read(&report()).unwrap();
        assert_eq!(rows[0], ["市科委2022年度日常履职考核事项完成情况自查表"]);
        assert_eq!(rows[1], ["填报单位：市科委"]);
        assert_eq!(rows[2], HEADER);
        assert_eq!(rows[3], ["党建", "任务一", "赛时共投入312辆氢能车\n1. 第二段\n换行 & 符号A", "无"]);
        assert_eq!(rows[4], ["", "任务二", "完成", "无"], "a vMerge continuation reads empty");
        assert_eq!(rows[5], HEADER, "a repeated header is kept for the layout to drop");
        assert_eq!(rows[6], ["业务", "跨两列", "", "有"], "gridSpan keeps the columns aligned");
        assert_eq!(rows[7], ["", "任务四", "内甲\n内乙", "无"], "a nested table is flattened into its cell");
        assert_eq!(rows[8], ["附注"]);
        assert_eq!(rows.len(), 9, "headers and footers are not read");
    }

    #[test]
    fn whole_document_through_the_shared_layout() {
        let doc = parse_file("r", Some("docx"), &report(), &ReadOptions::default()).unwrap();
        assert_eq!(doc.format, Format::Docx);
        assert_eq!(doc.title.as_deref(), Some("市科委2022年度日常履职考核事项完成情况自查表"));
        assert_eq!(doc.org.as_deref(), Some("市科委"));
        let tasks: Vec<_> = doc.rows.iter().map(|r| r.task.as_str()).collect();
        assert_eq!(tasks, ["任务一", "任务二", "跨两列", "任务四"]);
        assert_eq!(doc.rows[0].status, "赛时共投入312辆氢能车\n1. 第二段\n换行 & 符号A");
        assert_eq!(doc.rows[1].dimension, "党建");
        assert_eq!(doc.rows[2].issue, "有");
    }

    #[test]
    fn deleted_rows_and_drawing_fallbacks_are_dropped() {
        let body = "<w:tbl>".to_owned()
            + &tr(&HEADER)
            + "<w:tr><w:trPr><w:del w:id=\"9\" w:author=\"a\"/></w:trPr>"
            + &tc("")
            + &tc("删掉的行")
            + &tc("x")
            + &tc("y")
            + "</w:tr>"
            + "<w:tr>"
            + &tc("")
            + "<w:tc><w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent>"
            + &p("框内")
            + "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>"
            + &p("框内")
            + "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>\
               <w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:t>任务</w:t></w:r></w:p></w:tc>"
            + &tc("完成")
            + &tc("无")
            + "</w:tr></w:tbl>";
        let rows = read(&docx(&body)).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1], ["", "框内\n任务", "完成", "无"]);
    }

    #[test]
    fn a_document_without_a_table_is_refused() {
        let bytes = docx(&(p("标题") + &p("正文一段。")));
        assert_eq!(read(&bytes).unwrap(), [["标题"], ["正文一段。"]]);
        let err = parse_file("n", Some("docx"), &bytes, &ReadOptions::default()).unwrap_err();
        assert!(matches!(err, Problem::NoTable(Format::Docx)), "{err:?}");
    }

    #[test]
    fn truncated_and_malformed_files_are_corrupt() {
        let bytes = report();
        for len in [bytes.len() / 2, bytes.len() - 30, 10, 4] {
            let err = read(&bytes[..len]).unwrap_err();
            assert!(matches!(err, Problem::Corrupt { format: Format::Docx, .. }), "{len}: {err:?}");
        }
        // Every prefix: never a panic.
        for len in 0..bytes.len() {
            let _ = read(&bytes[..len]);
        }
        let bad = docx("<w:p><w:r><w:t>未闭合</w:r></w:p>");
        let err = read(&bad).unwrap_err();
        assert!(matches!(&err, Problem::Corrupt { reason, .. } if reason.contains("malformed XML")), "{err:?}");
        let no_part = zip_parts(&[("word/other.xml", "<x/>")]);
        assert!(matches!(read(&no_part), Err(Problem::Corrupt { .. })));
    }

    #[test]
    fn sniffs_word_archives_only() {
        let options = ReadOptions::default();
        assert!(Docx.sniff(&Input::new(&report(), &options)));
        assert!(!Docx.sniff(&Input::new(&zip_parts(&[("xl/workbook.xml", "<x/>")]), &options)));
        assert!(!Docx.sniff(&Input::new("word/document.xml".as_bytes(), &options)));
    }

    #[test]
    fn large_documents_read_fast() {
        let row = "<w:tr>".to_owned()
            + &tc("")
            + &tc("推进某项重点任务建设")
            + &tc("已完成，共建设9个平台，投入312辆车。")
            + &tc("无")
            + "</w:tr>";
        let mut body = "<w:tbl>".to_owned() + &tr(&HEADER);
        while body.len() < 10 << 20 {
            body.push_str(&row);
        }
        body.push_str("</w:tbl>");
        let bytes = docx(&body);
        let started = std::time::Instant::now();
        let rows = read(&bytes).unwrap();
        let seconds = started.elapsed().as_secs_f64();
        assert!(rows.len() > 10_000);
        assert!(seconds < 2.0, "{} MB of XML took {seconds:.2} s", body.len() >> 20);
    }

    /// The shared format fixtures, when the checkout has them.
    pub(crate) fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats").join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The seed's task cells, whitespace removed, to compare other formats with.
    pub(crate) fn seed_tasks() -> Vec<String> {
        let seed = crate::document::parse("s", include_bytes!("../../data/seed-2022.txt")).unwrap();
        seed.rows.iter().map(|r| squeeze(&r.task)).collect()
    }

    pub(crate) fn squeeze(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn seed_fixtures_read_as_the_seed() {
        {
            let bytes = fixture("seed-2022.docx");
            let doc = parse_file("seed-2022", Some("docx"), &bytes, &ReadOptions::default()).unwrap();
            let tasks: Vec<_> = doc.rows.iter().map(|r| squeeze(&r.task)).collect();
            assert_eq!(tasks, seed_tasks());
            assert!(doc.org.is_some() && doc.title.is_some(), "{:?} {:?}", doc.title, doc.org);
        }
        {
            let bytes = fixture("bad/truncated.docx");
            let err = parse_file("t", Some("docx"), &bytes, &ReadOptions::default()).unwrap_err();
            assert!(matches!(err, Problem::Corrupt { format: Format::Docx, .. }), "{err:?}");
        }
        {
            let bytes = fixture("bad/no-table.docx");
            let err = parse_file("n", Some("docx"), &bytes, &ReadOptions::default()).unwrap_err();
            assert!(matches!(err, Problem::NoTable(Format::Docx)), "{err:?}");
        }
    }
}
