//! Excel workbooks (`.xlsx`, `.xlsm`, legacy `.xls`, and `.xlsb`/`.ods`
//! alike), read with calamine.
//!
//! Each visible worksheet with text becomes a sheet of the layout, its rows
//! numbered as Excel numbers them. A cell reads as the text Excel shows:
//! strings as they are (a wrapped cell's line breaks kept), numbers in their
//! shortest form (`12`, not `12.0`; `0.3`, not `0.30000000000000004`),
//! dates as `YYYY-MM-DD`, formulas as the value Excel saved with them (a
//! formula without one reads empty, as does an error). A merged cell holds
//! its text in its top-left cell only, which is how the shared layout reads
//! a dimension merged down a column or a title merged across one. When a
//! workbook has several sheets, each is a section named by its sheet: the
//! name is the dimension of its rows that carry none.

use std::io::Cursor;

use calamine::{Data, Reader as _, SheetType, SheetVisible, Sheets};

use super::Problem;
use super::docx::{contains, is_zip};
use super::format::{Format, Input, Reader};
use super::layout::{Cells, Layout, Sheet};

pub struct Xlsx;

pub(super) const OLE2: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

impl Reader for Xlsx {
    fn sniff(&self, input: &Input) -> bool {
        let bytes = input.bytes;
        bytes.starts_with(&OLE2)
            || is_zip(bytes)
                && (contains(bytes, b"xl/workbook.xml")
                    || contains(bytes, b"xl/workbook.bin")
                    || contains(bytes, b"application/vnd.oasis.opendocument.spreadsheet"))
    }

    fn read(&self, input: &Input) -> Result<Layout, Problem> {
        let mut workbook = open(input.bytes)?;
        let listed: Vec<String> = workbook
            .sheets_metadata()
            .iter()
            .filter(|s| s.visible == SheetVisible::Visible && s.typ == SheetType::WorkSheet)
            .map(|s| s.name.clone())
            .collect();
        let mut sheets = Vec::new();
        for name in listed {
            let range = workbook.worksheet_range(&name).map_err(problem)?;
            let Some((first_row, first_col)) = range.start() else { continue };
            // Number formats, for the percentages a cell shows (`0.956`
            // formatted `0.0%` reads `95.6%`); only .xlsx files have them.
            let styles = match range.used_cells().any(|(_, _, d)| matches!(d, Data::Float(_) | Data::Int(_))) {
                true => workbook.worksheet_style(&name).ok(),
                false => None,
            };
            let mut rows = Vec::new();
            for (i, row) in range.rows().enumerate() {
                let at = first_row + i as u32;
                let mut cells: Vec<String> = row
                    .iter()
                    .enumerate()
                    .map(|(j, cell)| {
                        let percent = styles.as_ref().and_then(|s| {
                            let format = s.get((at, first_col + j as u32))?.number_format.as_ref()?;
                            percent_decimals(&format.format_code).or_else(|| {
                                format
                                    .format_id
                                    .and_then(|id| [(9, 0), (10, 2)].into_iter().find(|f| f.0 == id))
                                    .map(|f| f.1)
                            })
                        });
                        match (cell, percent) {
                            (Data::Float(f), Some(decimals)) => format!("{:.*}%", decimals, f * 100.0),
                            (Data::Int(n), Some(decimals)) => format!("{:.*}%", decimals, *n as f64 * 100.0),
                            _ => text(cell),
                        }
                    })
                    .collect();
                while cells.last().is_some_and(String::is_empty) {
                    cells.pop();
                }
                if cells.iter().any(|c| !c.trim().is_empty()) {
                    rows.push(Cells::new(first_row as usize + i + 1, cells));
                }
            }
            if !rows.is_empty() {
                sheets.push(Sheet::new(Some(name), rows));
            }
        }
        // One sheet is the table, not a section of it; nor is a sheet
        // still named as Excel named it (Sheet1, 工作表1).
        let sections = sheets.len() > 1;
        for sheet in &mut sheets {
            if !sections || sheet.name.as_deref().is_some_and(is_default_name) {
                sheet.name = None;
            }
        }
        Ok(Layout::new(sheets, "UTF-8"))
    }
}

/// The workbook, by its container: OLE2 holds a legacy `.xls` (or an
/// encrypted `.xlsx`), a ZIP an `.xlsx`, `.xlsb` or `.ods`.
fn open(bytes: &[u8]) -> Result<Sheets<Cursor<&[u8]>>, Problem> {
    let cursor = Cursor::new(bytes);
    if bytes.starts_with(&OLE2) {
        return match calamine::Xls::new(cursor.clone()) {
            Ok(xls) => Ok(Sheets::Xls(xls)),
            Err(calamine::XlsError::Password) => Err(Problem::Encrypted(Format::Xlsx)),
            Err(e) => {
                // Office encrypts an .xlsx into an OLE2 container; calamine's
                // .xlsx reader recognises one.
                if let Err(calamine::XlsxError::Password) = calamine::Xlsx::new(cursor) {
                    return Err(Problem::Encrypted(Format::Xlsx));
                }
                Err(problem(calamine::Error::Xls(e)))
            }
        };
    }
    let has = |name: &[u8]| contains(bytes, name);
    let opened = if !has(b"xl/workbook.xml") && has(b"xl/workbook.bin") {
        calamine::Xlsb::new(cursor).map(Sheets::Xlsb).map_err(calamine::Error::Xlsb)
    } else if !has(b"xl/workbook.xml") && has(b"content.xml") {
        calamine::Ods::new(cursor).map(Sheets::Ods).map_err(calamine::Error::Ods)
    } else {
        calamine::Xlsx::new(cursor).map(Sheets::Xlsx).map_err(calamine::Error::Xlsx)
    };
    opened.map_err(problem)
}

/// calamine's error, said shortly.
fn problem(e: calamine::Error) -> Problem {
    use calamine::{Error, OdsError, XlsError, XlsbError, XlsxError};
    match e {
        Error::Xlsx(XlsxError::Password)
        | Error::Xls(XlsError::Password)
        | Error::Xlsb(XlsbError::Password)
        | Error::Ods(OdsError::Password) => Problem::Encrypted(Format::Xlsx),
        Error::Xlsx(XlsxError::Zip(_) | XlsxError::Io(_))
        | Error::Xlsb(XlsbError::Zip(_) | XlsbError::Io(_))
        | Error::Ods(OdsError::Zip(_) | OdsError::Io(_))
        | Error::Io(_) => Problem::corrupt(Format::Xlsx, "the ZIP archive is truncated or damaged"),
        Error::Xlsx(XlsxError::Xml(e)) => Problem::corrupt(Format::Xlsx, format!("malformed XML in the workbook: {e}")),
        e => Problem::corrupt(Format::Xlsx, e.to_string()),
    }
}

/// Names Excel, WPS and LibreOffice give new sheets: `Sheet1`, `工作表1`,
/// `Sheet 2`, `表1`.
fn is_default_name(name: &str) -> bool {
    let name = name.trim();
    ["Sheet", "sheet", "SHEET", "工作表", "表", "Лист", "Feuille", "Tabelle"].iter().any(|prefix| {
        name.strip_prefix(prefix)
            .map(str::trim_start)
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    })
}

/// The decimals of a percentage format (`0%`, `0.00%`), or `None` for a
/// format that shows no percentage. Quoted text and escaped characters are
/// not format characters; the first section is that of positive numbers.
fn percent_decimals(code: &str) -> Option<usize> {
    let mut decimals = None;
    let mut quoted = false;
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '\\' | '_' | '*' => {
                chars.next();
            }
            ';' => break,
            '.' => decimals = Some(0),
            '0' | '#' | '?' => {
                if let Some(d) = &mut decimals {
                    *d += 1;
                }
            }
            '%' => return Some(decimals.unwrap_or(0)),
            _ => {}
        }
    }
    None
}

/// A cell as Excel shows it (in the General format).
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => {
            if s.contains('\r') {
                s.replace("\r\n", "\n").replace('\r', "\n")
            } else {
                s.clone()
            }
        }
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
            match (h, mi, s) {
                (0, 0, 0) => format!("{y:04}-{mo:02}-{day:02}"),
                _ if d.as_f64() < 1.0 => format!("{h:02}:{mi:02}:{s:02}"),
                _ => format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}"),
            }
        }
        Data::DateTime(d) => number(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

/// A number in its shortest form, to the 15 significant digits Excel keeps:
/// `12`, `15.6`, `0.3` for the sum 0.1 + 0.2.
fn number(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    if rounded == 0.0 { "0".to_owned() } else { rounded.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::docx::zip_parts;
    use crate::document::{ReadOptions, parse_file};

    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    /// A workbook of the given sheets (name, visible, `<sheetData>` inner
    /// XML, extra XML after it), cells written with inline strings.
    fn workbook(sheets: &[(&str, bool, &str, &str)]) -> Vec<u8> {
        workbook_with(sheets, &[])
    }

    /// A workbook with more parts (its styles, its shared strings).
    fn workbook_with(sheets: &[(&str, bool, &str, &str)], more: &[(&str, &str)]) -> Vec<u8> {
        let mut content_types = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
        );
        let mut listed = String::new();
        let mut rels = String::new();
        let mut parts = Vec::new();
        for (i, (name, visible, data, extra)) in sheets.iter().enumerate() {
            let n = i + 1;
            content_types.push_str(&format!(r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#));
            let state = if *visible { "" } else { r#" state="hidden""# };
            listed.push_str(&format!(r#"<sheet name="{name}" sheetId="{n}"{state} r:id="rId{n}"/>"#));
            rels.push_str(&format!(
                r#"<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>"#
            ));
            parts.push((
                format!("xl/worksheets/sheet{n}.xml"),
                format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}" xmlns:r="{REL}"><sheetData>{data}</sheetData>{extra}</worksheet>"#),
            ));
        }
        content_types.push_str("</Types>");
        let workbook = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{listed}</sheets></workbook>"#
        );
        let workbook_rels = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
        );
        let root_rels = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        );
        let mut all: Vec<(&str, &str)> = vec![
            ("[Content_Types].xml", &content_types),
            ("_rels/.rels", &root_rels),
            ("xl/workbook.xml", &workbook),
            ("xl/_rels/workbook.xml.rels", &workbook_rels),
        ];
        all.extend(parts.iter().map(|(n, t)| (n.as_str(), t.as_str())));
        all.extend(more.iter().copied());
        zip_parts(&all)
    }

    /// A row of inline-string cells from column A; an empty string skips a cell.
    fn row(r: usize, cells: &[&str]) -> String {
        let mut out = format!(r#"<row r="{r}">"#);
        for (i, c) in cells.iter().enumerate() {
            if !c.is_empty() {
                let col = (b'A' + i as u8) as char;
                out.push_str(&format!(r#"<c r="{col}{r}" t="inlineStr"><is><t xml:space="preserve">{c}</t></is></c>"#));
            }
        }
        out + "</row>"
    }

    const HEADER: [&str; 4] = ["考评维度", "自查内容", "落实情况", "存在问题"];

    fn read(bytes: &[u8]) -> Result<Layout, Problem> {
        Xlsx.read(&Input::new(bytes, &ReadOptions::default()))
    }

    fn cells(sheet: &Sheet) -> Vec<Vec<&str>> {
        sheet.rows.iter().map(|r| r.cells.iter().map(String::as_str).collect()).collect()
    }

    fn report() -> Vec<u8> {
        let first = [
            row(1, &["市科委2022年度自查表"]),
            row(3, &HEADER),
            row(4, &["党建", "任务一", "第一行&#10;第二行", "无"]),
            // Numbers, a formula with its saved value, one without.
            r#"<row r="5"><c r="B5" t="inlineStr"><is><t>任务二</t></is></c><c r="C5"><v>12</v></c><c r="D5"><f>C5/3</f><v>15.6</v></c><c r="E5"><v>0.30000000000000004</v></c></row>"#.to_owned(),
            r#"<row r="6"><c r="B6" t="inlineStr"><is><t>任务三</t></is></c><c r="C6"><f>SUM(C1:C5)</f></c><c r="D6" t="b"><v>1</v></c><c r="E6" t="e"><v>#DIV/0!</v></c></row>"#.to_owned(),
        ]
        .concat();
        let merge = r#"<mergeCells count="2"><mergeCell ref="A1:D1"/><mergeCell ref="A4:A6"/></mergeCells>"#;
        let second = [row(1, &HEADER), row(2, &["", "任务四", "完成", "无"])].concat();
        let hidden = [row(1, &HEADER), row(2, &["", "隐藏", "完成", "无"])].concat();
        workbook(&[
            ("党建工作", true, &first, merge),
            ("业务工作", true, &second, ""),
            ("备用", false, &hidden, ""),
            ("空表", true, "", ""),
        ])
    }

    #[test]
    fn sheets_rows_and_cells() {
        let layout = read(&report()).unwrap();
        assert_eq!(layout.encoding, "UTF-8");
        assert_eq!(layout.sheets.len(), 2, "a hidden and an empty sheet are skipped");
        let first = &layout.sheets[0];
        assert_eq!(first.name.as_deref(), Some("党建工作"));
        assert_eq!(first.rows.iter().map(|r| r.at).collect::<Vec<_>>(), [1, 3, 4, 5, 6]);
        assert_eq!(
            cells(first),
            [
                vec!["市科委2022年度自查表"],
                HEADER.to_vec(),
                vec!["党建", "任务一", "第一行\n第二行", "无"],
                vec!["", "任务二", "12", "15.6", "0.3"],
                vec!["", "任务三", "", "TRUE"],
            ]
        );
        assert_eq!(layout.sheets[1].name.as_deref(), Some("业务工作"));
        assert_eq!(cells(&layout.sheets[1])[1], ["", "任务四", "完成", "无"]);
    }

    #[test]
    fn whole_workbook_through_the_shared_layout() {
        let doc = parse_file("w", Some("xlsx"), &report(), &ReadOptions::default()).unwrap();
        assert_eq!(doc.format, Format::Xlsx);
        assert_eq!(doc.title.as_deref(), Some("市科委2022年度自查表"));
        let rows: Vec<_> =
            doc.rows.iter().map(|r| (r.dimension.as_str(), r.task.as_str(), r.status.as_str())).collect();
        assert_eq!(
            rows,
            [
                ("党建", "任务一", "第一行\n第二行"),
                ("党建", "任务二", "12"),
                ("党建", "任务三", ""),
                ("业务工作", "任务四", "完成")
            ]
        );
    }

    #[test]
    fn one_sheet_is_no_section() {
        let data = [row(1, &HEADER), row(2, &["", "任务", "完成", "无"])].concat();
        let layout = read(&workbook(&[("自查表", true, &data, "")])).unwrap();
        assert_eq!(layout.sheets[0].name, None);
        assert!(is_default_name("Sheet1") && is_default_name("工作表 2") && !is_default_name("表格"));
    }

    #[test]
    fn formulas_without_values_hold_no_table() {
        let data = r#"<row r="1"><c r="A1"><f>1+1</f></c><c r="B1"><f>A1*2</f></c></row>"#;
        let bytes = workbook(&[("Sheet1", true, data, "")]);
        assert!(read(&bytes).unwrap().sheets.is_empty());
        let err = parse_file("f", Some("xlsx"), &bytes, &ReadOptions::default()).unwrap_err();
        assert!(matches!(err, Problem::NoTable(Format::Xlsx)), "{err:?}");
    }

    #[test]
    fn shared_strings_are_read() {
        let data = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>"#;
        let sst = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="2" uniqueCount="2"><si><t>任务</t></si><si><r><t>312</t></r><r><rPr><b/></rPr><t>辆</t></r></si></sst>"#
        );
        let bytes = workbook_with(&[("Sheet1", true, data, "")], &[("xl/sharedStrings.xml", &sst)]);
        let layout = read(&bytes).unwrap();
        assert_eq!(cells(&layout.sheets[0]), [["任务", "312辆"]]);
    }

    #[test]
    fn percentages_read_as_shown() {
        assert_eq!(percent_decimals("0%"), Some(0));
        assert_eq!(percent_decimals("0.0%"), Some(1));
        assert_eq!(percent_decimals("#,##0.00%;[Red]-0.00%"), Some(2));
        assert_eq!(percent_decimals("0.00"), None);
        assert_eq!(percent_decimals("0\"%\""), None);
        assert_eq!(percent_decimals("General"), None);
        let data = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>完成率</t></is></c><c r="B1" s="1"><v>0.956</v></c><c r="C1" s="2"><v>0.5</v></c><c r="D1"><v>0.5</v></c></row>"#;
        let styles = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="9" applyNumberFormat="1"/></cellXfs></styleSheet>"#
        );
        let bytes = workbook_with(&[("Sheet1", true, data, "")], &[("xl/styles.xml", &styles)]);
        let layout = read(&bytes).unwrap();
        assert_eq!(cells(&layout.sheets[0]), [["完成率", "95.6%", "50%", "0.5"]]);
    }

    #[test]
    fn cells_read_as_shown() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(15.6), "15.6");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(1e21), "1000000000000000000000");
        assert_eq!(number(123456789.123), "123456789.123");
        let date = calamine::ExcelDateTime::new(44927.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(text(&Data::DateTime(date)), "2023-01-01");
        assert_eq!(text(&Data::String("a\r\nb".to_owned())), "a\nb");
    }

    #[test]
    fn truncated_and_foreign_files_are_corrupt() {
        let bytes = report();
        for len in [bytes.len() / 2, bytes.len() - 30, 10] {
            let err = read(&bytes[..len]).unwrap_err();
            assert!(matches!(err, Problem::Corrupt { format: Format::Xlsx, .. }), "{len}: {err:?}");
        }
        for len in (0..bytes.len()).step_by(7) {
            let _ = read(&bytes[..len]);
        }
        let mut ole = OLE2.to_vec();
        ole.extend([0; 600]);
        assert!(matches!(read(&ole), Err(Problem::Corrupt { .. })));
    }

    #[test]
    fn sniffs_workbooks_only() {
        let options = ReadOptions::default();
        assert!(Xlsx.sniff(&Input::new(&report(), &options)));
        assert!(Xlsx.sniff(&Input::new(&OLE2, &options)));
        assert!(!Xlsx.sniff(&Input::new(&zip_parts(&[("word/document.xml", "<x/>")]), &options)));
    }

    #[test]
    fn large_workbooks_read_fast() {
        let mut data = row(1, &HEADER);
        let mut r = 2;
        while data.len() < 10 << 20 {
            data.push_str(&row(r, &["", "推进某项重点任务建设", "已完成，共建设9个平台，投入312辆车。", "无"]));
            r += 1;
        }
        let bytes = workbook(&[("Sheet1", true, &data, "")]);
        let started = std::time::Instant::now();
        let layout = read(&bytes).unwrap();
        let seconds = started.elapsed().as_secs_f64();
        assert_eq!(layout.sheets[0].rows.len(), r - 1);
        assert!(seconds < 2.0, "{} MB of XML took {seconds:.2} s", data.len() >> 20);
    }

    #[test]
    fn seed_fixtures_read_as_the_seed() {
        use crate::document::docx::tests::{fixture, seed_tasks, squeeze};
        {
            let bytes = fixture("seed-2022.xlsx");
            let doc = parse_file("seed-2022", Some("xlsx"), &bytes, &ReadOptions::default()).unwrap();
            let tasks: Vec<_> = doc.rows.iter().map(|r| squeeze(&r.task)).collect();
            assert_eq!(tasks, seed_tasks());
            let dimensions: Vec<_> = doc.rows.iter().map(|r| r.dimension.as_str()).collect();
            assert_eq!(dimensions[..6], ["党的建设"; 6]);
            assert_eq!(dimensions[6..], ["重点任务"; 25]);
        }
        {
            let bytes = fixture("bad/truncated.xlsx");
            let err = parse_file("t", Some("xlsx"), &bytes, &ReadOptions::default()).unwrap_err();
            assert!(matches!(err, Problem::Corrupt { format: Format::Xlsx, .. }), "{err:?}");
        }
        {
            let bytes = fixture("bad/formulas-only.xlsx");
            let err = parse_file("f", Some("xlsx"), &bytes, &ReadOptions::default()).unwrap_err();
            assert!(matches!(err, Problem::NoTable(Format::Xlsx)), "{err:?}");
        }
    }
}
