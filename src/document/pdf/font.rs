//! Fonts as a text layer needs them: how a shown string splits into
//! character codes, what text each code stands for, and how far it
//! advances.
//!
//! Each font is built once per document (fonts are shared by every page
//! that uses them, and a browser's PDF holds hundreds of small ones), with
//! every code's text already normalised, so that showing a character is
//! two table lookups.
//!
//! What a code reads as, in the order PDF readers agree on:
//! - the font's `ToUnicode` map, when it has one: it alone decides (every
//!   producer of Chinese reports we have seen writes a complete map, and a
//!   code it leaves out is a glyph with no text, such as `.notdef`);
//! - else, for a composite font (`Type0`), its predefined encoding:
//!   `UniGB-UCS2-H` and the other `Uni…-UCS2`/`UTF16` encodings are
//!   Unicode, `GBK-EUC-H`, `GB-EUC-H` … are GBK, `ETen-B5-H` … are Big5
//!   (older Chinese PDFs name a non-embedded 宋体 this way, with no map);
//! - else, for a simple font, its encoding (`WinAnsiEncoding`, a base
//!   encoding with `Differences` of glyph names …), read by `lopdf`.
//!
//! Widths come from `Widths` (simple fonts, scaled by a Type 3 font's
//! `FontMatrix`) or `W` and `DW` (composite fonts), kept as ranges so that
//! a hostile `[0 4294967295 500]` costs one entry, not four billion.

use std::borrow::Cow;
use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

/// How many bytes make a code: the font's code space ranges, tried from
/// the shortest (a simple font's codes are one byte; `Identity-H`'s two).
#[derive(Debug, Clone)]
struct CodeSpace(Vec<CodeRange>);

#[derive(Debug, Clone, Copy)]
struct CodeRange {
    bytes: u8,
    low: u32,
    high: u32,
}

impl CodeSpace {
    fn one_byte() -> CodeSpace {
        CodeSpace(vec![CodeRange { bytes: 1, low: 0, high: 0xFF }])
    }

    fn two_bytes() -> CodeSpace {
        CodeSpace(vec![CodeRange { bytes: 2, low: 0, high: 0xFFFF }])
    }

    /// GBK and Big5: ASCII in one byte, a lead byte from 0x81 in two.
    fn double_byte() -> CodeSpace {
        CodeSpace(vec![CodeRange { bytes: 1, low: 0, high: 0x80 }, CodeRange { bytes: 2, low: 0x8140, high: 0xFEFE }])
    }

    /// The next code of `s` and its length in bytes; a byte sequence no
    /// range holds is taken as one code of the shortest length.
    fn next(&self, s: &[u8]) -> (u32, usize) {
        let mut code = 0u32;
        for (n, &b) in s.iter().take(4).enumerate() {
            code = (code << 8) | u32::from(b);
            let len = n as u8 + 1;
            if self.0.iter().any(|r| r.bytes == len && (r.low..=r.high).contains(&code)) {
                return (code, n + 1);
            }
        }
        let shortest = self.0.iter().map(|r| r.bytes as usize).min().unwrap_or(1).clamp(1, s.len().max(1));
        let code = s.iter().take(shortest).fold(0u32, |c, &b| (c << 8) | u32::from(b));
        (code, shortest)
    }
}

/// Widths by code: runs of codes sharing one width or listing their own.
#[derive(Debug, Clone, Default)]
struct Widths {
    /// (first code, last code, widths: one for the whole run, or one each).
    runs: Vec<(u32, u32, Vec<f32>)>,
}

impl Widths {
    fn get(&self, code: u32) -> Option<f32> {
        // Runs are few (one for a simple font); the last match wins, as a
        // later entry of `W` overrides an earlier one.
        self.runs
            .iter()
            .rev()
            .find(|(lo, hi, _)| (*lo..=*hi).contains(&code))
            .map(|(lo, _, w)| if w.len() == 1 { w[0] } else { w[(code - lo) as usize] })
    }
}

/// A font, ready to show strings with.
#[derive(Debug)]
pub(super) struct Font {
    codes: CodeSpace,
    /// Each code's normalised text; a code absent has none.
    text: HashMap<u32, Box<str>>,
    widths: Widths,
    /// Glyph space to text space (1/1000, or a Type 3 font's matrix).
    scale: f32,
    /// Width of a code `widths` lacks, in glyph space.
    default_width: f32,
    /// How a code the map lacks reads (a predefined CJK encoding).
    fallback: Fallback,
    /// Codes are not CIDs (a predefined CJK encoding other than
    /// `Identity`), so `W` cannot be looked up by code: ASCII is taken as
    /// half-width, the rest as `DW`.
    half_width_ascii: bool,
}

/// The text of a code a composite font's map lacks, from its predefined
/// encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fallback {
    None,
    /// The code is a UTF-16 code unit (`UniGB-UCS2-H`, `UniGB-UTF16-H` …).
    Unicode,
    /// The code's bytes are GBK (`GBK-EUC-H`, `GB-EUC-H`, `GBpc-EUC-H` …).
    Gbk,
    /// The code's bytes are Big5 (`ETen-B5-H`, `B5pc-H`, `HKscs-B5-H` …).
    Big5,
}

/// One code of a shown string.
pub(super) struct Code<'f> {
    /// Its normalised text (empty for a glyph without text).
    pub text: Cow<'f, str>,
    /// Its advance, in text space units for a font size of 1.
    pub width: f32,
    /// Whether it is the single byte 32, to which word spacing applies.
    pub space: bool,
}

/// How many entries a font's maps may hold: a real CJK font has at most
/// about 30,000 glyphs; more is a hostile file.
const MAX_ENTRIES: usize = 1 << 17;

impl Font {
    /// Builds the font described by `dict`.
    pub(super) fn new(doc: &Document, dict: &Dictionary, normalise: &impl Fn(&str) -> String) -> Font {
        let subtype = name(doc, dict, b"Subtype").unwrap_or_default();
        if subtype == b"Type0" { composite(doc, dict, normalise) } else { simple(doc, dict, &subtype, normalise) }
    }

    /// The codes of a shown string, in order.
    pub(super) fn codes<'f, 's, N: Fn(&str) -> String>(
        &'f self,
        mut s: &'s [u8],
        normalise: &'s N,
    ) -> impl Iterator<Item = Code<'f>> + use<'f, 's, N> {
        std::iter::from_fn(move || {
            if s.is_empty() {
                return None;
            }
            let (code, len) = self.codes.next(s);
            s = &s[len.min(s.len())..];
            let width = if self.half_width_ascii && code < 0x80 {
                500.0
            } else {
                self.widths.get(code).unwrap_or(self.default_width)
            } * self.scale;
            let text = match self.text.get(&code) {
                Some(t) => Cow::Borrowed(&**t),
                None => self.fallback(code, len, normalise),
            };
            Some(Code { text, width: if width.is_finite() { width } else { 0.0 }, space: len == 1 && code == 32 })
        })
    }
}

impl Font {
    /// A code's text from the predefined encoding, for a code the map lacks.
    fn fallback(&self, code: u32, len: usize, normalise: &impl Fn(&str) -> String) -> Cow<'static, str> {
        let bytes = &code.to_be_bytes()[4 - len.min(4)..];
        let text = match self.fallback {
            Fallback::None => return Cow::Borrowed(""),
            Fallback::Unicode => char::from_u32(code).map(String::from).unwrap_or_default(),
            Fallback::Gbk => encoding_rs::GBK.decode_without_bom_handling(bytes).0.into_owned(),
            Fallback::Big5 => encoding_rs::BIG5.decode_without_bom_handling(bytes).0.into_owned(),
        };
        if text.contains('\u{FFFD}') { Cow::Borrowed("") } else { Cow::Owned(normalise(&text)) }
    }
}

/// A Type 1, TrueType or Type 3 font: one byte a code.
fn simple(doc: &Document, dict: &Dictionary, subtype: &[u8], normalise: &impl Fn(&str) -> String) -> Font {
    let mut text = HashMap::new();
    if let Some(map) = to_unicode(doc, dict) {
        text = map;
    } else if let Ok(encoding) = with_encoding_type(doc, dict).get_font_encoding(doc) {
        for b in 0..=255u8 {
            if let Ok(s) = encoding.bytes_to_string(&[b])
                && !s.is_empty()
                && s != "\u{FFFD}"
            {
                text.insert(u32::from(b), s);
            }
        }
    }
    let scale = if subtype == b"Type3" {
        match deref(doc, dict.get(b"FontMatrix").ok()) {
            Some(Object::Array(m)) if !m.is_empty() => number(doc, &m[0]).map_or(0.001, |a| a.abs()),
            _ => 0.001,
        }
    } else {
        0.001
    };
    let first = deref(doc, dict.get(b"FirstChar").ok()).and_then(|o| number(doc, o)).unwrap_or(0.0).max(0.0) as u32;
    let mut widths = Widths::default();
    if let Some(Object::Array(list)) = deref(doc, dict.get(b"Widths").ok())
        && !list.is_empty()
    {
        let list: Vec<f32> = list.iter().take(MAX_ENTRIES).map(|w| number(doc, w).unwrap_or(0.0)).collect();
        widths.runs.push((first, first + list.len() as u32 - 1, list));
    }
    let missing =
        descriptor(doc, dict).and_then(|d| deref(doc, d.get(b"MissingWidth").ok())).and_then(|o| number(doc, o));
    // Without widths (a standard font the file does not describe), an
    // ordinary guess: half an em for a Latin letter or digit.
    let default_width = missing.filter(|w| *w > 0.0).unwrap_or(500.0);
    Font {
        codes: CodeSpace::one_byte(),
        text: normalised(text, normalise),
        widths,
        scale,
        default_width,
        fallback: Fallback::None,
        half_width_ascii: false,
    }
}

/// The font with `/Type /Encoding` written into an encoding dictionary
/// that leaves it out: the entry is optional (PDF 32000-1, table 114), but
/// `lopdf` reads such an encoding as none and falls back to the standard
/// one, losing the `Differences`.
fn with_encoding_type(doc: &Document, dict: &Dictionary) -> Dictionary {
    let mut font = dict.clone();
    if let Some(Object::Dictionary(encoding)) = deref(doc, dict.get(b"Encoding").ok())
        && !encoding.has(b"Type")
    {
        let mut encoding = encoding.clone();
        encoding.set("Type", Object::Name(b"Encoding".to_vec()));
        font.set("Encoding", Object::Dictionary(encoding));
    }
    font
}

/// A `Type0` font: codes by its encoding's code space, widths from its
/// descendant CID font.
fn composite(doc: &Document, dict: &Dictionary, normalise: &impl Fn(&str) -> String) -> Font {
    let encoding = deref(doc, dict.get(b"Encoding").ok());
    let (codes, fallback) = match encoding {
        Some(Object::Name(n)) => predefined_encoding(n),
        Some(Object::Stream(s)) => {
            let content = s.decompressed_content().unwrap_or_else(|_| s.content.clone());
            (code_space(&content).unwrap_or_else(CodeSpace::two_bytes), Fallback::None)
        }
        _ => (CodeSpace::two_bytes(), Fallback::None),
    };
    let text = to_unicode(doc, dict);
    let predefined = fallback != Fallback::None;
    // The map decides alone when there is one.
    let fallback = if text.is_some() { Fallback::None } else { fallback };
    let mut font = Font {
        codes,
        text: normalised(text.unwrap_or_default(), normalise),
        widths: Widths::default(),
        scale: 0.001,
        default_width: 1000.0,
        fallback,
        half_width_ascii: predefined,
    };
    let descendant = match deref(doc, dict.get(b"DescendantFonts").ok()) {
        Some(Object::Array(a)) => a.first().and_then(|d| deref(doc, Some(d))).and_then(|d| d.as_dict().ok()),
        _ => None,
    };
    if let Some(cid) = descendant {
        if let Some(dw) = deref(doc, cid.get(b"DW").ok()).and_then(|o| number(doc, o)) {
            font.default_width = dw;
        }
        if let Some(Object::Array(w)) = deref(doc, cid.get(b"W").ok())
            && !predefined
        {
            font.widths = cid_widths(doc, w);
        }
    }
    font
}

/// The code space and fallback of a predefined CMap, by its name.
fn predefined_encoding(name: &[u8]) -> (CodeSpace, Fallback) {
    let name = String::from_utf8_lossy(name);
    if name.starts_with("Identity") {
        (CodeSpace::two_bytes(), Fallback::None)
    } else if name.starts_with("Uni") && (name.contains("UCS2") || name.contains("UTF16")) {
        (CodeSpace::two_bytes(), Fallback::Unicode)
    } else if name.starts_with("GB") {
        (CodeSpace::double_byte(), Fallback::Gbk)
    } else if name.contains("B5") {
        (CodeSpace::double_byte(), Fallback::Big5)
    } else {
        (CodeSpace::two_bytes(), Fallback::None)
    }
}

/// The `begincodespacerange` entries of an embedded CMap.
fn code_space(cmap: &[u8]) -> Option<CodeSpace> {
    let mut ranges = Vec::new();
    for section in sections(cmap, b"begincodespacerange", b"endcodespacerange") {
        let tokens: Vec<Token> = tokens(section).collect();
        for pair in tokens.chunks_exact(2) {
            if let [Token::Hex(lo), Token::Hex(hi)] = pair
                && (1..=4).contains(&lo.len())
                && lo.len() == hi.len()
            {
                ranges.push(CodeRange { bytes: lo.len() as u8, low: be(lo), high: be(hi) });
            }
        }
    }
    ranges.sort_by_key(|r| r.bytes);
    (!ranges.is_empty()).then_some(CodeSpace(ranges))
}

/// The font's `ToUnicode` map, read from its `bfchar` and `bfrange`
/// sections; `None` when it has none. `/Identity-H` as a map reads codes as
/// UTF-16 code units (rare, but written).
fn to_unicode(doc: &Document, dict: &Dictionary) -> Option<HashMap<u32, String>> {
    let content = match deref(doc, dict.get(b"ToUnicode").ok())? {
        Object::Stream(s) => s.decompressed_content().unwrap_or_else(|_| s.content.clone()),
        _ => return None,
    };
    let mut map = HashMap::new();
    for section in sections(&content, b"beginbfchar", b"endbfchar") {
        let tokens: Vec<Token> = tokens(section).collect();
        for pair in tokens.chunks_exact(2) {
            if let [Token::Hex(src), Token::Hex(dst)] = pair
                && map.len() < MAX_ENTRIES
            {
                map.insert(be(src), utf16(dst));
            }
        }
    }
    for section in sections(&content, b"beginbfrange", b"endbfrange") {
        let tokens: Vec<Token> = tokens(section).collect();
        let mut i = 0;
        while i + 2 < tokens.len() {
            let (Token::Hex(lo), Token::Hex(hi)) = (&tokens[i], &tokens[i + 1]) else {
                i += 1;
                continue;
            };
            let (lo, hi) = (be(lo), be(hi));
            let span = hi.saturating_sub(lo).min((MAX_ENTRIES - map.len().min(MAX_ENTRIES)) as u32);
            match &tokens[i + 2] {
                Token::Hex(dst) => {
                    // Each code maps to the destination with its last code
                    // unit advanced by the code's distance from `lo`.
                    let mut units: Vec<u16> = dst.chunks(2).map(|c| be(c) as u16).collect();
                    if let Some(&base) = units.last() {
                        let at = units.len() - 1;
                        for k in 0..=span {
                            units[at] = base.wrapping_add(k as u16);
                            map.insert(lo + k, String::from_utf16_lossy(&units));
                        }
                    }
                    i += 3;
                }
                Token::Open => {
                    let mut k = 0;
                    i += 3;
                    while i < tokens.len() && !matches!(tokens[i], Token::Close) {
                        if let Token::Hex(dst) = &tokens[i]
                            && k <= span
                        {
                            map.insert(lo + k, utf16(dst));
                        }
                        k += 1;
                        i += 1;
                    }
                    i += 1;
                }
                Token::Close => i += 3,
            }
        }
    }
    Some(map)
}

/// Widths of a CID font's `W` array: `c [w1 w2 …]` gives codes from `c`
/// their widths one by one, `first last w` one width to a run.
fn cid_widths(doc: &Document, w: &[Object]) -> Widths {
    let mut widths = Widths::default();
    let mut i = 0;
    let int = |o: &Object| number(doc, o).map(|n| n.max(0.0) as u32);
    while i + 1 < w.len() && widths.runs.len() < MAX_ENTRIES {
        match (deref(doc, Some(&w[i])), deref(doc, Some(&w[i + 1]))) {
            (Some(first), Some(Object::Array(list))) => {
                if let Some(first) = int(first)
                    && !list.is_empty()
                {
                    let list: Vec<f32> = list.iter().take(MAX_ENTRIES).map(|x| number(doc, x).unwrap_or(0.0)).collect();
                    widths.runs.push((first, first.saturating_add(list.len() as u32 - 1), list));
                }
                i += 2;
            }
            (Some(first), Some(last)) if i + 2 < w.len() => {
                if let (Some(first), Some(last), Some(width)) = (int(first), int(last), number(doc, &w[i + 2])) {
                    widths.runs.push((first, last.max(first), vec![width]));
                }
                i += 3;
            }
            _ => break,
        }
    }
    widths
}

/// Each code's text normalised once, codes without text dropped.
fn normalised(text: HashMap<u32, String>, normalise: &impl Fn(&str) -> String) -> HashMap<u32, Box<str>> {
    text.into_iter()
        .filter_map(|(code, s)| {
            let s = normalise(&s);
            (!s.is_empty()).then(|| (code, s.into_boxed_str()))
        })
        .collect()
}

/// The parts of a CMap between each `begin` and its `end`.
fn sections<'c>(cmap: &'c [u8], begin: &'c [u8], end: &'c [u8]) -> impl Iterator<Item = &'c [u8]> + 'c {
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = at + memchr::memmem::find(&cmap[at..], begin)? + begin.len();
        let stop = start + memchr::memmem::find(&cmap[start..], end).unwrap_or(cmap.len() - start);
        at = (stop + end.len()).min(cmap.len());
        Some(&cmap[start..stop])
    })
}

/// A CMap section's tokens: hex strings and array brackets (anything else,
/// such as a count, is passed over).
enum Token {
    Hex(Vec<u8>),
    Open,
    Close,
}

fn tokens(section: &[u8]) -> impl Iterator<Item = Token> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < section.len() {
            let b = section[i];
            i += 1;
            match b {
                b'[' => return Some(Token::Open),
                b']' => return Some(Token::Close),
                b'<' => {
                    let end = memchr::memchr(b'>', &section[i..]).map_or(section.len(), |p| i + p);
                    let mut bytes = super::syntax::hex_bytes(&section[i..end]);
                    i = (end + 1).min(section.len());
                    bytes.truncate(8);
                    return Some(Token::Hex(bytes));
                }
                _ => {}
            }
        }
        None
    })
}

/// Big-endian bytes as a number (at most the last four count).
fn be(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |n, &b| (n << 8) | u32::from(b))
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes.chunks(2).map(|c| be(c) as u16).collect();
    String::from_utf16_lossy(&units)
}

/// An object, with references followed (`lopdf` stops a cycle; a missing
/// object or a cycle reads as none).
pub(super) fn deref<'d>(doc: &'d Document, object: Option<&'d Object>) -> Option<&'d Object> {
    doc.dereference(object?).ok().map(|(_, o)| o)
}

pub(super) fn number(doc: &Document, object: &Object) -> Option<f32> {
    match deref(doc, Some(object))? {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn name(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<Vec<u8>> {
    deref(doc, dict.get(key).ok())?.as_name().ok().map(<[u8]>::to_vec)
}

fn descriptor<'d>(doc: &'d Document, dict: &'d Dictionary) -> Option<&'d Dictionary> {
    deref(doc, dict.get(b"FontDescriptor").ok())?.as_dict().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    #[test]
    fn code_space_splits_mixed_lengths() {
        let gbk = CodeSpace::double_byte();
        assert_eq!(gbk.next(b"1\xd6\xd0"), (0x31, 1));
        assert_eq!(gbk.next(b"\xd6\xd0"), (0xD6D0, 2));
        assert_eq!(CodeSpace::two_bytes().next(b"\x00\x41\x00"), (0x41, 2));
        // A lone trailing byte is one code, not a panic.
        assert_eq!(CodeSpace::two_bytes().next(b"\x41"), (0x41, 1));
    }

    #[test]
    fn to_unicode_sections_are_read() {
        let cmap = b"/CIDInit /ProcSet findresource begin\n2 beginbfchar\n<0003> <0031>\n<0010> <4E2D>\nendbfchar\n\
            2 beginbfrange\n<0020> <0022> <0041>\n<0030> <0031> [<6587> <5B57>]\nendbfrange\nendcmap";
        let mut doc = Document::with_version("1.5");
        let id = doc.add_object(lopdf::Stream::new(Dictionary::new(), cmap.to_vec()));
        let mut font = Dictionary::new();
        font.set("ToUnicode", Object::Reference(id));
        let map = to_unicode(&doc, &font).unwrap();
        assert_eq!(map[&3], "1");
        assert_eq!(map[&0x10], "中");
        assert_eq!(map[&0x21], "B");
        assert_eq!(map[&0x31], "字");
    }

    #[test]
    fn differences_apply_without_the_optional_encoding_type() {
        let doc = Document::with_version("1.5");
        let font = dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => dictionary! {
                "BaseEncoding" => "WinAnsiEncoding",
                "Differences" => vec![Object::Integer(65), Object::Name(b"B".to_vec()), Object::Name(b"C".to_vec())],
            },
            "FirstChar" => 65, "Widths" => vec![Object::Integer(600)],
        };
        let font = Font::new(&doc, &font, &|s: &str| s.to_owned());
        let codes: Vec<(String, f32)> =
            font.codes(b"ABD", &|s: &str| s.to_owned()).map(|c| (c.text.into_owned(), c.width)).collect();
        assert_eq!(codes, vec![("B".into(), 0.6), ("C".into(), 0.5), ("D".into(), 0.5)]);
    }

    #[test]
    fn hostile_width_runs_cost_one_entry() {
        let doc = Document::with_version("1.5");
        let w = vec![Object::Integer(0), Object::Integer(4_294_967_295), Object::Integer(500)];
        let widths = cid_widths(&doc, &w);
        assert_eq!(widths.runs.len(), 1);
        assert_eq!(widths.get(123_456), Some(500.0));
    }

    #[test]
    fn predefined_gbk_font_reads_its_bytes() {
        let font = Font {
            codes: CodeSpace::double_byte(),
            text: HashMap::new(),
            widths: Widths::default(),
            scale: 0.001,
            default_width: 1000.0,
            fallback: Fallback::Gbk,
            half_width_ascii: true,
        };
        let text: String = font.codes(b"12\xd6\xd0", &|s: &str| s.to_owned()).map(|c| c.text.into_owned()).collect();
        assert_eq!(text, "12中");
    }
}
