//! Which reader a file gets.
//!
//! Reports arrive as tab-separated exports, CSV, web pages, Markdown,
//! Excel workbooks, Word files, PDFs and plain prose, often under the wrong
//! name (a web page saved as `.txt`, an Excel "Unicode text" export named
//! `.csv`). So the content decides first: a PDF and a ZIP archive announce
//! themselves in their first bytes, and a text is tried by every reader
//! whose format it could be. The extension only breaks ties: among the
//! readers the content allows, the one its extension names goes first.
//! The first reader that finds a table wins; when none does, the most
//! specific refusal is reported.

use std::sync::OnceLock;

use serde::Serialize;

use super::decode::{self, DecodeError, Decoded};
use super::layout::Layout;
use super::{Problem, ReadOptions};
use super::{delimited, docx, html, markdown, pdf, prose, xlsx};

/// A file format zhibiao reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Tsv,
    Csv,
    Html,
    Markdown,
    Xlsx,
    Docx,
    Pdf,
    Prose,
}

impl Format {
    pub const ALL: [Format; 8] = [
        Format::Tsv,
        Format::Csv,
        Format::Html,
        Format::Markdown,
        Format::Xlsx,
        Format::Docx,
        Format::Pdf,
        Format::Prose,
    ];

    /// The name stored in `documents.format` and printed by `extract`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Tsv => "tsv",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::Markdown => "markdown",
            Format::Xlsx => "xlsx",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Prose => "prose",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// How messages name the format.
    pub fn name(self) -> &'static str {
        match self {
            Format::Tsv => "tab-separated text",
            Format::Csv => "CSV file",
            Format::Html => "web page",
            Format::Markdown => "Markdown file",
            Format::Xlsx => "Excel workbook",
            Format::Docx => "Word document",
            Format::Pdf => "PDF",
            Format::Prose => "prose report",
        }
    }

    /// How the pages name the format.
    pub fn chinese(self) -> &'static str {
        match self {
            Format::Tsv => "制表符分隔文本",
            Format::Csv => "CSV 表格",
            Format::Html => "网页",
            Format::Markdown => "Markdown 表格",
            Format::Xlsx => "Excel 工作簿",
            Format::Docx => "Word 文档",
            Format::Pdf => "PDF",
            Format::Prose => "文字报告",
        }
    }

    /// File extensions of the format; `ingest` picks up every one of them
    /// when it walks a folder.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Tsv => &["tsv", "tab", "txt"],
            Format::Csv => &["csv"],
            Format::Html => &["html", "htm", "shtml", "xhtml"],
            Format::Markdown => &["md", "markdown"],
            Format::Xlsx => &["xlsx", "xlsm", "xls", "ods"],
            Format::Docx => &["docx"],
            Format::Pdf => &["pdf"],
            Format::Prose => &["txt", "text"],
        }
    }

    /// The format a file's extension names, if any (`txt` names the
    /// tab-separated layout first: it is what Excel and WPS save as text).
    pub fn for_extension(ext: &str) -> Option<Format> {
        let ext = ext.to_ascii_lowercase();
        Format::ALL.into_iter().find(|f| f.extensions().contains(&ext.as_str()))
    }

    fn reader(self) -> &'static dyn Reader {
        match self {
            Format::Tsv => &delimited::TSV,
            Format::Csv => &delimited::CSV,
            Format::Html => &html::Html,
            Format::Markdown => &markdown::Markdown,
            Format::Xlsx => &xlsx::Xlsx,
            Format::Docx => &docx::Docx,
            Format::Pdf => &pdf::Pdf,
            Format::Prose => &prose::Prose,
        }
    }
}

/// Every extension some reader takes, for walking folders.
pub fn extensions() -> impl Iterator<Item = &'static str> {
    Format::ALL.into_iter().flat_map(|f| f.extensions().iter().copied())
}

/// A file's bytes on their way to a reader, with its text decoded once,
/// on first asking, for the text formats.
pub struct Input<'a> {
    pub bytes: &'a [u8],
    pub options: &'a ReadOptions,
    text: OnceLock<Result<Decoded, DecodeError>>,
}

impl<'a> Input<'a> {
    pub fn new(bytes: &'a [u8], options: &'a ReadOptions) -> Input<'a> {
        Input { bytes, options, text: OnceLock::new() }
    }

    /// The bytes as text: the encoding forced by the settings, else a
    /// byte-order mark, else a web page's declared charset, else detected.
    pub fn text(&self) -> Result<&Decoded, Problem> {
        self.text
            .get_or_init(|| decode::decode_with(self.bytes, self.options.encoding))
            .as_ref()
            .map_err(|e| e.clone().into())
    }
}

/// Reads one format: bytes in, sheets of cells out.
pub trait Reader: Sync {
    /// Could the content be this format? Cheap, from the first bytes or
    /// the text's shape; a yes is only a candidacy, `read` decides.
    fn sniff(&self, input: &Input) -> bool;

    /// The document's sheets. A layout without a table is refused by the
    /// caller, so a reader need not check for one.
    fn read(&self, input: &Input) -> Result<Layout, Problem>;
}

/// What the first bytes say for sure: an OLE2 container (legacy Excel, or
/// a password-protected Office file; a legacy Word file is refused), or a
/// format whose reader recognises its bytes (a PDF; a ZIP archive holding a
/// Word or an Excel part), or another ZIP archive, named by its extension.
fn container(input: &Input, ext: Option<&str>) -> Option<Result<Format, Problem>> {
    let bytes = input.bytes;
    let ext = ext.map(str::to_ascii_lowercase);
    if bytes.starts_with(&xlsx::OLE2) {
        return Some(match ext.as_deref() {
            Some("doc") => {
                Err(Problem::Unsupported("a legacy Word file (.doc); save it as .docx or PDF and try again".to_owned()))
            }
            // Office saves a password-protected .docx or .xlsx in this container.
            Some("docx") => Err(Problem::Encrypted(Format::Docx)),
            _ => Ok(Format::Xlsx),
        });
    }
    if let Some(format) = [Format::Pdf, Format::Docx, Format::Xlsx].into_iter().find(|f| f.reader().sniff(input)) {
        return Some(Ok(format));
    }
    if docx::is_zip(bytes) || bytes.starts_with(b"PK\x05\x06") {
        return Some(match ext.as_deref().and_then(Format::for_extension) {
            Some(f @ (Format::Docx | Format::Xlsx)) => Ok(f),
            _ => Err(Problem::Unsupported(
                "a ZIP archive that is neither a Word (.docx) nor an Excel (.xlsx) file".to_owned(),
            )),
        });
    }
    None
}

/// Reads a file's bytes with the reader its content and extension choose.
pub fn read(bytes: &[u8], ext: Option<&str>, options: &ReadOptions) -> Result<(Format, Layout), Problem> {
    let input = Input::new(bytes, options);
    if let Some(format) = container(&input, ext) {
        let format = format?;
        return found(format, format.reader().read(&input)?);
    }
    // A text: decoding fails for binaries and unknown encodings, for every
    // text reader alike.
    input.text()?;
    let mut candidates: Vec<Format> = [Format::Html, Format::Markdown, Format::Tsv, Format::Csv, Format::Prose]
        .into_iter()
        .filter(|f| f.reader().sniff(&input))
        .collect();
    if let Some(named) = ext.and_then(Format::for_extension)
        && let Some(at) = candidates.iter().position(|&f| f == named)
    {
        candidates[..=at].rotate_right(1);
    }
    let mut first_refusal = None;
    for format in candidates {
        match format.reader().read(&input).and_then(|layout| found(format, layout)) {
            Ok(done) => return Ok(done),
            Err(problem) => {
                first_refusal.get_or_insert(problem);
            }
        }
    }
    // The prose reader takes any text, so there is always a refusal: the
    // first candidate's, the format the content looked most like.
    Err(first_refusal.unwrap_or(Problem::NoTable(Format::Prose)))
}

fn found(format: Format, layout: Layout) -> Result<(Format, Layout), Problem> {
    if layout.has_table() { Ok((format, layout)) } else { Err(Problem::NoTable(format)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_name_their_formats() {
        assert_eq!(Format::for_extension("DOCX"), Some(Format::Docx));
        assert_eq!(Format::for_extension("txt"), Some(Format::Tsv));
        assert_eq!(Format::for_extension("htm"), Some(Format::Html));
        assert_eq!(Format::for_extension("exe"), None);
        for f in Format::ALL {
            assert_eq!(Format::parse(f.as_str()), Some(f));
        }
    }

    #[test]
    fn containers_are_told_by_their_bytes() {
        let options = ReadOptions::default();
        let container = |bytes: &[u8], ext| container(&Input::new(bytes, &options), ext);
        assert!(matches!(container(b"%PDF-1.7\n", Some("txt")), Some(Ok(Format::Pdf))));
        let docx = b"PK\x03\x04....word/document.xml....";
        assert!(matches!(container(docx, Some("xlsx")), Some(Ok(Format::Docx))));
        assert!(matches!(container(b"PK\x03\x04 nothing", Some("zip")), Some(Err(Problem::Unsupported(_)))));
        assert!(matches!(container(b"PK\x03\x04 nothing", Some("XLSX")), Some(Ok(Format::Xlsx))));
        assert!(container("自查表\t任务".as_bytes(), Some("pdf")).is_none());
    }
}
