//! A page's text layer: every character a page draws, with where it is
//! drawn, read from the page's content stream.
//!
//! This walks the text and graphics-state operators of the content stream
//! (PDF 32000-1, 9.4: `BT`/`ET`, `Tf`, `Tm`, `Td`, `TD`, `T*`, `Tc`, `Tw`,
//! `Tz`, `TL`, `Ts`, `Tj`, `TJ`, `'`, `"`, `cm`, `q`/`Q`, and form
//! XObjects by `Do`), keeping the text matrix as the specification defines
//! it; paths, colours and images are passed over. [`super::syntax`] reads
//! the stream; fonts come from [`super::font`], built once per document
//! ([`Fonts`]) rather than once per page: a browser's PDF draws each page
//! with the same few hundred small fonts, and building them again for
//! every page (as `pdf-extract`, this reader's predecessor, did) was most
//! of its time.

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::font::{Font, deref, number};
use super::syntax::{Operand, Operations};
use super::{Glyph, Page};

/// How deep form XObjects may nest (a form drawing itself is a loop).
const MAX_FORM_DEPTH: usize = 8;
/// How many saved graphics states a stream may stack (`q` without `Q`).
const MAX_SAVED_STATES: usize = 256;
/// How many operations and characters a page may take, forms included:
/// nesting is bounded, but a form drawing another form a hundred times,
/// eight deep, is 10^16 operations from a few hundred bytes. A real page
/// takes thousands.
const MAX_OPERATIONS: usize = 5_000_000;

/// An affine matrix `[a b c d e f]`, as PDF writes them (row vector times
/// matrix).
#[derive(Debug, Clone, Copy)]
struct Matrix([f64; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translate(x: f64, y: f64) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }

    /// `self × then`: this transformation, then `then`.
    fn then(&self, then: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = then.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn from_operands(operands: &[Operand]) -> Option<Matrix> {
        Matrix::from_numbers(operands.iter().map(Operand::number))
    }

    fn from_numbers(mut numbers: impl Iterator<Item = Option<f32>>) -> Option<Matrix> {
        let mut m = [0.0; 6];
        for slot in &mut m {
            *slot = f64::from(numbers.next()??);
        }
        Some(Matrix(m))
    }
}

/// The graphics state the text operators read.
#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    scaling: f64,
    leading: f64,
    rise: f64,
}

impl Default for State {
    fn default() -> State {
        State {
            ctm: Matrix::IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scaling: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// The fonts of one document, each built the first time a page uses it.
/// One per thread (fonts are not shared between threads; a document's
/// fonts are built at most once per thread reading its pages).
pub(super) struct Fonts<'d, N> {
    doc: &'d Document,
    by_id: HashMap<ObjectId, Rc<Font>>,
    normalise: N,
}

impl<'d, N: Fn(&str) -> String> Fonts<'d, N> {
    pub(super) fn new(doc: &'d Document, normalise: N) -> Self {
        Fonts { doc, by_id: HashMap::new(), normalise }
    }

    /// The font a resource dictionary names; fonts written inline (not as
    /// objects of their own) are built each time, which is rare.
    fn get(&mut self, object: &'d Object) -> Option<Rc<Font>> {
        match object {
            Object::Reference(id) => {
                if let Some(font) = self.by_id.get(id) {
                    return Some(font.clone());
                }
                let dict = deref(self.doc, Some(object))?.as_dict().ok()?;
                let font = Rc::new(Font::new(self.doc, dict, &self.normalise));
                self.by_id.insert(*id, font.clone());
                Some(font)
            }
            Object::Dictionary(dict) => Some(Rc::new(Font::new(self.doc, dict, &self.normalise))),
            _ => None,
        }
    }

    /// The characters of the page `id`: `Err` with what stopped it when
    /// the page could not be read to the end (what was read is kept).
    pub(super) fn page(&mut self, id: ObjectId, page: &mut Page) -> Result<(), String> {
        let doc = self.doc;
        let dict = doc.get_dictionary(id).map_err(|e| e.to_string())?;
        let media = inherited(doc, dict, b"MediaBox")
            .and_then(|o| match o {
                Object::Array(a) if a.len() == 4 => {
                    let v: Vec<f32> = a.iter().filter_map(|x| number(doc, x)).collect();
                    (v.len() == 4).then(|| (v[1].min(v[3]), v[1].max(v[3])))
                }
                _ => None,
            })
            .unwrap_or((0.0, 842.0));
        page.height = media.1 - media.0;
        let top = f64::from(media.1);
        let resources = inherited(doc, dict, b"Resources").and_then(|o| o.as_dict().ok());
        let content = doc.get_page_content(id).map_err(|e| e.to_string())?;
        let mut walk = Walk { fonts: self, top, page, depth: 0, forms: Vec::new(), budget: MAX_OPERATIONS };
        walk.stream(&content, resources, State::default())
    }
}

/// A page's entry, or the nearest page-tree ancestor's (`MediaBox` and
/// `Resources` are inherited).
fn inherited<'d>(doc: &'d Document, mut dict: &'d Dictionary, key: &[u8]) -> Option<&'d Object> {
    for _ in 0..32 {
        if let Some(o) = deref(doc, dict.get(key).ok()) {
            return Some(o);
        }
        dict = deref(doc, dict.get(b"Parent").ok())?.as_dict().ok()?;
    }
    None
}

/// Walking one page: its content stream and the forms it draws.
struct Walk<'w, 'd, N> {
    fonts: &'w mut Fonts<'d, N>,
    top: f64,
    page: &'w mut Page,
    depth: usize,
    /// The forms being drawn, outermost first (a form inside itself is
    /// skipped).
    forms: Vec<ObjectId>,
    /// Operations the page may still take.
    budget: usize,
}

impl<'d, N: Fn(&str) -> String> Walk<'_, 'd, N> {
    fn stream(&mut self, content: &[u8], resources: Option<&'d Dictionary>, state: State) -> Result<(), String> {
        let mut ops = Operations::new(content);
        let mut state = state;
        let mut saved: Vec<State> = Vec::new();
        // The text matrix and the text line matrix (9.4.1).
        let mut tm = Matrix::IDENTITY;
        let mut tlm = Matrix::IDENTITY;
        while let Some((op, args)) = ops.next_operation() {
            self.budget = self.budget.checked_sub(1).ok_or_else(|| {
                format!("it draws more than {MAX_OPERATIONS} operations and characters (forms drawn inside forms?)")
            })?;
            let arg = |i: usize| args.get(i).and_then(Operand::number).map(f64::from);
            match op {
                b"q" if saved.len() < MAX_SAVED_STATES => saved.push(state.clone()),
                b"Q" => {
                    if let Some(s) = saved.pop() {
                        state = s;
                    }
                }
                b"cm" => {
                    if let Some(m) = Matrix::from_operands(args) {
                        state.ctm = m.then(&state.ctm);
                    }
                }
                b"BT" | b"ET" => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                b"Tf" => {
                    state.font = match args.first() {
                        Some(Operand::Name(n)) => self.resource(resources, b"Font", n).and_then(|f| self.fonts.get(f)),
                        _ => None,
                    };
                    state.size = arg(1).unwrap_or(0.0);
                }
                b"Tc" => state.char_spacing = arg(0).unwrap_or(0.0),
                b"Tw" => state.word_spacing = arg(0).unwrap_or(0.0),
                b"Tz" => state.scaling = arg(0).unwrap_or(100.0) / 100.0,
                b"TL" => state.leading = arg(0).unwrap_or(0.0),
                b"Ts" => state.rise = arg(0).unwrap_or(0.0),
                b"Tm" => {
                    if let Some(m) = Matrix::from_operands(args) {
                        tm = m;
                        tlm = m;
                    }
                }
                b"Td" | b"TD" => {
                    let (x, y) = (arg(0).unwrap_or(0.0), arg(1).unwrap_or(0.0));
                    if op == b"TD" {
                        state.leading = -y;
                    }
                    tlm = Matrix::translate(x, y).then(&tlm);
                    tm = tlm;
                }
                b"T*" => {
                    tlm = Matrix::translate(0.0, -state.leading).then(&tlm);
                    tm = tlm;
                }
                b"Tj" => {
                    if let Some(Operand::String(s)) = args.first() {
                        self.show(&state, &mut tm, s);
                    }
                }
                b"'" | b"\"" => {
                    if op == b"\"" {
                        state.word_spacing = arg(0).unwrap_or(state.word_spacing);
                        state.char_spacing = arg(1).unwrap_or(state.char_spacing);
                    }
                    tlm = Matrix::translate(0.0, -state.leading).then(&tlm);
                    tm = tlm;
                    if let Some(Operand::String(s)) = args.last() {
                        self.show(&state, &mut tm, s);
                    }
                }
                b"TJ" => {
                    let Some(Operand::Array(parts)) = args.first() else { continue };
                    for part in parts {
                        match part {
                            Operand::String(s) => self.show(&state, &mut tm, s),
                            Operand::Number(adjust) => {
                                let tx = -f64::from(*adjust) / 1000.0 * state.size * state.scaling;
                                tm = Matrix::translate(tx, 0.0).then(&tm);
                            }
                            _ => {}
                        }
                    }
                }
                b"Do" => {
                    if let Some(Operand::Name(n)) = args.first()
                        && let Some(form) = self.resource(resources, b"XObject", n)
                    {
                        self.form(form, resources, &state)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Draws a form XObject (9.4 does not apply inside: a form has its own
    /// text objects), with its matrix and its resources (or the page's).
    fn form(&mut self, object: &'d Object, resources: Option<&'d Dictionary>, state: &State) -> Result<(), String> {
        let doc = self.fonts.doc;
        let id = match object {
            Object::Reference(id) => Some(*id),
            _ => None,
        };
        if self.depth >= MAX_FORM_DEPTH || id.is_some_and(|id| self.forms.contains(&id)) {
            return Ok(());
        }
        let Some(Object::Stream(stream)) = deref(doc, Some(object)) else { return Ok(()) };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
            return Ok(());
        }
        let content = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        let own = deref(doc, stream.dict.get(b"Resources").ok()).and_then(|o| o.as_dict().ok());
        let mut inner = state.clone();
        if let Some(Object::Array(m)) = deref(doc, stream.dict.get(b"Matrix").ok())
            && let Some(m) = Matrix::from_numbers(m.iter().map(|o| number(doc, o)))
        {
            inner.ctm = m.then(&inner.ctm);
        }
        self.depth += 1;
        self.forms.extend(id);
        let result = self.stream(&content, own.or(resources), inner);
        self.depth -= 1;
        if id.is_some() {
            self.forms.pop();
        }
        result
    }

    /// An entry of a resource category (`Font`, `XObject`) by name.
    fn resource(&self, resources: Option<&'d Dictionary>, category: &[u8], name: &[u8]) -> Option<&'d Object> {
        let doc = self.fonts.doc;
        let category = deref(doc, resources?.get(category).ok())?.as_dict().ok()?;
        category.get(name).ok()
    }

    /// Shows a string: each code becomes a glyph where the text matrix
    /// puts it, and the matrix advances by its width (9.4.4).
    fn show(&mut self, state: &State, tm: &mut Matrix, s: &[u8]) {
        let Some(font) = state.font.clone() else { return };
        let fs = state.size;
        for code in font.codes(s, &self.fonts.normalise) {
            // Each character counts against the page's operations, so a
            // long string drawn by many forms stops too.
            if self.budget == 0 {
                return;
            }
            self.budget -= 1;
            // Text rendering matrix without the font size: the size is
            // measured from it below, as the em's transformed area.
            let trm = Matrix([state.scaling, 0.0, 0.0, 1.0, 0.0, state.rise]).then(tm).then(&state.ctm);
            let w0 = f64::from(code.width);
            if !code.text.is_empty() {
                let [a, b, c, d, e, f] = trm.0;
                let size = ((fs * (a + c)) * (fs * (b + d))).abs().sqrt();
                let (x, y) = (e, self.top - f);
                if size.is_finite() && size > 0.0 && x.is_finite() && y.is_finite() {
                    let w = w0 * size;
                    let w = if w.is_finite() && w > 0.0 { w } else { 0.0 };
                    self.page.glyphs.push(Glyph {
                        x: x as f32,
                        y: y as f32,
                        w: w as f32,
                        size: size as f32,
                        text: code.text.into_owned(),
                    });
                }
            }
            let mut spacing = state.char_spacing;
            if code.space {
                spacing += state.word_spacing;
            }
            let tx = (w0 * fs + spacing) * state.scaling;
            *tm = Matrix::translate(tx, 0.0).then(tm);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    /// A one-page document drawing `content` with the font `font` as `/F1`
    /// and the form `form` (if any) as `/X1`.
    fn document(content: &[u8], font: Dictionary, form: Option<&[u8]>) -> (Document, ObjectId) {
        let mut doc = Document::with_version("1.5");
        let pages = doc.new_object_id();
        let font = doc.add_object(font);
        let mut resources = dictionary! { "Font" => dictionary! { "F1" => font } };
        if let Some(form) = form {
            let id = doc.new_object_id();
            let stream = Stream::new(
                dictionary! { "Type" => "XObject", "Subtype" => "Form", "Resources" => resources.clone(),
                "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 100.into(), 0.into()] },
                form.to_vec(),
            );
            doc.objects.insert(id, Object::Stream(stream));
            resources.set("XObject", dictionary! { "X1" => id });
        }
        let contents = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => contents, "Resources" => resources,
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            }),
        );
        (doc, page)
    }

    fn glyphs(doc: &Document, page: ObjectId) -> (Page, Result<(), String>) {
        let mut fonts = Fonts::new(doc, |s: &str| s.to_owned());
        let mut out = Page::default();
        let result = fonts.page(page, &mut out);
        (out, result)
    }

    /// An older Chinese PDF's font: 宋体 not embedded, named by a
    /// predefined Unicode encoding, with no ToUnicode map.
    fn song_ucs2() -> Dictionary {
        dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "STSong-Light",
            "Encoding" => "UniGB-UCS2-H",
            "DescendantFonts" => vec![Object::Dictionary(dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "STSong-Light", "DW" => 1000,
                "W" => vec![Object::Integer(0x31), Object::Integer(0x39), Object::Integer(500)],
            })],
        }
    }

    #[test]
    fn predefined_unicode_encoding_reads_without_a_map() {
        let (doc, page) = document(b"BT /F1 10 Tf 72 742 Td <4E2D65870031> Tj ET", song_ucs2(), None);
        let (page, result) = glyphs(&doc, page);
        result.unwrap();
        let text: String = page.glyphs.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(text, "中文1");
        // Positions advance by each width: 10 points for a full-width
        // character, 5 for the digit; y is measured from the top.
        let xs: Vec<f32> = page.glyphs.iter().map(|g| g.x).collect();
        assert_eq!(xs, vec![72.0, 82.0, 92.0]);
        assert_eq!(page.glyphs[2].w, 5.0);
        assert_eq!(page.glyphs[0].y, 100.0);
        assert_eq!(page.height, 842.0);
    }

    #[test]
    fn tj_adjustments_and_text_moves_place_characters() {
        let (doc, page) =
            document(b"BT /F1 10 Tf 12 TL 72 742 Td [<4E2D> -1000 <6587>] TJ T* <4E2D> Tj ET", song_ucs2(), None);
        let (page, _) = glyphs(&doc, page);
        let at: Vec<(f32, f32)> = page.glyphs.iter().map(|g| (g.x, g.y)).collect();
        // A TJ number of -1000 moves one em right; T* goes down one leading.
        assert_eq!(at, vec![(72.0, 100.0), (92.0, 100.0), (72.0, 112.0)]);
    }

    #[test]
    fn forms_are_drawn_with_their_matrix_and_a_form_drawing_itself_stops() {
        let (doc, page) =
            document(b"q 1 0 0 1 0 -100 cm /X1 Do Q", song_ucs2(), Some(b"BT /F1 10 Tf 0 742 Td <4E2D> Tj ET /X1 Do"));
        let (page, result) = glyphs(&doc, page);
        result.unwrap();
        // Drawn once, not once per nesting level: the form is skipped
        // inside itself.
        assert_eq!(page.glyphs.len(), 1);
        assert_eq!((page.glyphs[0].x, page.glyphs[0].y), (100.0, 200.0));
    }

    #[test]
    fn a_broken_stream_is_an_error_not_a_panic() {
        let (doc, page) = document(b"BT /F1 10 Tf (unclosed Tj ET", song_ucs2(), None);
        let (_, result) = glyphs(&doc, page);
        // What can be read is read, as a viewer would.
        result.unwrap();
        let (doc, page) = document(b"BT /Missing 10 Tf <4E2D> Tj 1 2 Td Tj TJ ET Q Q Q", song_ucs2(), None);
        let (page, result) = glyphs(&doc, page);
        result.unwrap();
        assert!(page.glyphs.is_empty(), "no font, no characters");
    }

    #[test]
    fn forms_fanning_out_stop_at_the_budget() {
        // A form drawing itself is skipped, so fan out through a chain of
        // distinct forms, each drawing the next many times.
        let mut doc = Document::with_version("1.5");
        let font = doc.add_object(song_ucs2());
        let mut next: Option<ObjectId> = None;
        for _ in 0..8 {
            let mut resources = dictionary! { "Font" => dictionary! { "F1" => font } };
            let body = match next {
                Some(id) => {
                    resources.set("XObject", dictionary! { "X" => id });
                    "/X Do ".repeat(100).into_bytes()
                }
                None => b"BT /F1 10 Tf 0 0 Td <4E2D> Tj ET".to_vec(),
            };
            let form = Stream::new(dictionary! { "Subtype" => "Form", "Resources" => resources }, body);
            next = Some(doc.add_object(form));
        }
        let pages = doc.new_object_id();
        let contents = doc.add_object(Stream::new(dictionary! {}, b"/X Do".to_vec()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => contents,
            "Resources" => dictionary! { "XObject" => dictionary! { "X" => next.unwrap() } },
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }),
        );
        let (out, result) = glyphs(&doc, page);
        let error = result.unwrap_err();
        assert!(error.contains("operations"), "{error}");
        assert!(!out.glyphs.is_empty(), "what was drawn before the budget ran out is kept");
    }
}
