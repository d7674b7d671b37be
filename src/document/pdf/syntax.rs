//! The syntax of a content stream: operands followed by their operator
//! (PDF 32000-1, 7.8.2), read one operation at a time without building
//! the whole stream as objects first.
//!
//! `lopdf` parses a content stream into a vector of operations, each with
//! its operator as a `String` and its operands as owned objects: for a
//! browser's PDF that was three quarters of the reading time, most of it
//! allocating and freeing. Here an operation borrows from the stream (a
//! string without escapes, a name, the operator) and the operand list is
//! reused, so a page costs almost no allocation.
//!
//! Reading never fails: as PDF viewers do, a malformed stream yields what
//! can be read (an unterminated string runs to the end, a stray delimiter
//! is skipped). Inline images (`BI … ID <bytes> EI`) are skipped whole, so
//! their bytes are never read as operators. Nesting of arrays and
//! dictionaries is bounded, and so is the operand list.

use std::borrow::Cow;

/// An operand, as the text operators need it: numbers, names, strings and
/// arrays of them; anything else (a dictionary, `true`, `null`) is kept
/// only as being there.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Operand<'a> {
    Number(f32),
    /// A name without its slash (`#xx` escapes decoded).
    Name(Cow<'a, [u8]>),
    String(Cow<'a, [u8]>),
    Array(Vec<Operand<'a>>),
    Other,
}

impl Operand<'_> {
    pub(super) fn number(&self) -> Option<f32> {
        match self {
            Operand::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// How deep arrays and dictionaries may nest.
const MAX_DEPTH: usize = 32;
/// How many operands one operator may take (more is a broken stream; the
/// rest are dropped).
const MAX_OPERANDS: usize = 1 << 16;

/// The operations of a content stream.
pub(super) struct Operations<'a> {
    s: &'a [u8],
    at: usize,
    operands: Vec<Operand<'a>>,
}

impl<'a> Operations<'a> {
    pub(super) fn new(s: &'a [u8]) -> Operations<'a> {
        Operations { s, at: 0, operands: Vec::new() }
    }

    /// The next operator and its operands; `None` at the end of the
    /// stream.
    pub(super) fn next_operation(&mut self) -> Option<(&'a [u8], &[Operand<'a>])> {
        self.operands.clear();
        loop {
            match self.token(0)? {
                Token::Operand(o) => {
                    if self.operands.len() < MAX_OPERANDS {
                        self.operands.push(o);
                    }
                }
                Token::Keyword(b"BI") => {
                    self.skip_inline_image();
                    return Some((b"BI", &[]));
                }
                Token::Keyword(k) => return Some((k, &self.operands)),
                Token::Close => {}
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    /// The next token; `depth` is how many arrays and dictionaries are
    /// open.
    fn token(&mut self, depth: usize) -> Option<Token<'a>> {
        loop {
            self.skip_space();
            let b = self.peek()?;
            match b {
                b'/' => {
                    self.at += 1;
                    return Some(Token::Operand(Operand::Name(self.name())));
                }
                b'(' => {
                    self.at += 1;
                    return Some(Token::Operand(Operand::String(self.literal())));
                }
                b'<' if self.s.get(self.at + 1) == Some(&b'<') => {
                    self.at += 2;
                    self.skip_until_close(b'>');
                    return Some(Token::Operand(Operand::Other));
                }
                b'<' => {
                    self.at += 1;
                    return Some(Token::Operand(Operand::String(Cow::Owned(self.hex()))));
                }
                b'[' => {
                    self.at += 1;
                    let mut items = Vec::new();
                    if depth < MAX_DEPTH {
                        while let Some(t) = self.token(depth + 1) {
                            match t {
                                Token::Operand(o) => items.push(o),
                                Token::Close => break,
                                // An operator inside an array is a broken
                                // stream: it ends the array.
                                Token::Keyword(_) => break,
                            }
                        }
                    } else {
                        self.skip_until_close(b']');
                    }
                    return Some(Token::Operand(Operand::Array(items)));
                }
                b']' => {
                    self.at += 1;
                    return Some(Token::Close);
                }
                b'>' | b')' | b'{' | b'}' => self.at += 1,
                b'0'..=b'9' | b'+' | b'-' | b'.' => return Some(Token::Operand(self.number())),
                _ => {
                    let word = self.regular();
                    return Some(match word {
                        b"true" | b"false" | b"null" => Token::Operand(Operand::Other),
                        _ => Token::Keyword(word),
                    });
                }
            }
        }
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if is_space(b) {
                self.at += 1;
            } else if b == b'%' {
                while self.peek().is_some_and(|b| b != b'\n' && b != b'\r') {
                    self.at += 1;
                }
            } else {
                break;
            }
        }
    }

    /// A run of regular characters (neither white space nor delimiters);
    /// at least one character, so reading always moves on.
    fn regular(&mut self) -> &'a [u8] {
        let start = self.at;
        self.at += 1;
        while self.peek().is_some_and(is_regular) {
            self.at += 1;
        }
        &self.s[start..self.at]
    }

    fn name(&mut self) -> Cow<'a, [u8]> {
        let start = self.at;
        while self.peek().is_some_and(is_regular) {
            self.at += 1;
        }
        let raw = &self.s[start..self.at];
        if !raw.contains(&b'#') {
            return Cow::Borrowed(raw);
        }
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            match (raw[i], raw.get(i + 1..i + 3).and_then(hex_pair)) {
                (b'#', Some(b)) => {
                    out.push(b);
                    i += 3;
                }
                (b, _) => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        Cow::Owned(out)
    }

    /// A number; a malformed one (`--5`, `1.2.3`) reads as far as it
    /// makes sense, and a lone sign as 0.
    fn number(&mut self) -> Operand<'a> {
        let word = self.regular();
        let (negative, digits) = match word.first() {
            Some(b'-') => (true, &word[1..]),
            Some(b'+') => (false, &word[1..]),
            _ => (false, word),
        };
        let mut value = 0.0f64;
        let mut scale = 0.0f64;
        for &b in digits {
            match b {
                b'0'..=b'9' if scale == 0.0 => value = value * 10.0 + f64::from(b - b'0'),
                b'0'..=b'9' => {
                    value += f64::from(b - b'0') * scale;
                    scale /= 10.0;
                }
                b'.' if scale == 0.0 => scale = 0.1,
                _ => break,
            }
        }
        Operand::Number((if negative { -value } else { value }) as f32)
    }

    /// A literal string after its `(`: balanced parentheses, backslash
    /// escapes (7.3.4.2); borrowed when it has no escapes.
    fn literal(&mut self) -> Cow<'a, [u8]> {
        let start = self.at;
        let mut depth = 0usize;
        let mut escaped = false;
        while let Some(b) = self.peek() {
            match b {
                b'\\' => {
                    escaped = true;
                    self.at += 1;
                }
                b'(' => depth += 1,
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                _ => {}
            }
            self.at += 1;
        }
        let end = self.at.min(self.s.len());
        self.at = (self.at + 1).min(self.s.len());
        let raw = &self.s[start..end];
        if !escaped { Cow::Borrowed(raw) } else { Cow::Owned(unescape(raw)) }
    }

    /// A hexadecimal string after its `<`, up to its `>`.
    fn hex(&mut self) -> Vec<u8> {
        let rest = &self.s[self.at..];
        let end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
        self.at = (self.at + end + 1).min(self.s.len());
        hex_bytes(&rest[..end])
    }

    /// Skips to the `close` (`>` of `>>`, or `]`) that ends what was just
    /// opened, past nested ones and strings.
    fn skip_until_close(&mut self, close: u8) {
        let mut open = 1usize;
        while let Some(b) = self.peek() {
            match b {
                b'(' => {
                    self.at += 1;
                    self.literal();
                    continue;
                }
                b'<' if self.s.get(self.at + 1) == Some(&b'<') && close == b'>' => {
                    open += 1;
                    self.at += 1;
                }
                b'>' if self.s.get(self.at + 1) == Some(&b'>') && close == b'>' => {
                    open -= 1;
                    self.at += 1;
                }
                b'[' if close == b']' => open += 1,
                b']' if close == b']' => open -= 1,
                _ => {}
            }
            self.at += 1;
            if open == 0 {
                return;
            }
        }
    }

    /// After `BI`: the image's entries up to `ID`, one white-space byte,
    /// then its data up to an `EI` standing alone (8.9.7).
    fn skip_inline_image(&mut self) {
        match memchr::memmem::find(&self.s[self.at..], b"ID") {
            Some(at) => self.at += at + 3,
            None => {
                self.at = self.s.len();
                return;
            }
        }
        let data = &self.s[self.at.min(self.s.len())..];
        let mut from = 0;
        while let Some(at) = memchr::memmem::find(&data[from..], b"EI") {
            let at = from + at;
            let before = at == 0 || is_space(data[at - 1]);
            let after = data.get(at + 2).is_none_or(|&b| is_space(b));
            if before && after {
                self.at += at + 2;
                return;
            }
            from = at + 2;
        }
        self.at = self.s.len();
    }
}

enum Token<'a> {
    Operand(Operand<'a>),
    Keyword(&'a [u8]),
    /// The end of an array.
    Close,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\0')
}

fn is_regular(b: u8) -> bool {
    !is_space(b) && !matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

/// The bytes a hexadecimal string's digits spell (white space and other
/// characters between them ignored); an odd last digit is followed by 0
/// (7.3.4.3). Content streams and CMaps write them alike.
pub(super) fn hex_bytes(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut high: Option<u8> = None;
    for d in text.iter().filter_map(|&c| (c as char).to_digit(16)) {
        match high.take() {
            Some(h) => out.push((h << 4) | d as u8),
            None => high = Some(d as u8),
        }
    }
    if let Some(h) = high {
        out.push(h << 4);
    }
    out
}

fn hex_pair(pair: &[u8]) -> Option<u8> {
    let h = (pair[0] as char).to_digit(16)?;
    let l = (pair[1] as char).to_digit(16)?;
    Some((h * 16 + l) as u8)
}

/// A literal string's escapes: `\n \r \t \b \f \( \) \\`, octal `\ddd`,
/// and a backslash before an end of line joining the lines.
fn unescape(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        i += 1;
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let Some(&e) = raw.get(i) else { break };
        i += 1;
        match e {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                for _ in 0..2 {
                    match raw.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push(v as u8);
            }
            b'\r' => {
                if raw.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(s: &[u8]) -> Vec<(String, Vec<Operand<'_>>)> {
        let mut ops = Operations::new(s);
        let mut out = Vec::new();
        while let Some((op, args)) = ops.next_operation() {
            out.push((String::from_utf8_lossy(op).into_owned(), args.to_vec()));
        }
        out
    }

    fn bytes(s: &[u8]) -> Operand<'_> {
        Operand::String(Cow::Borrowed(s))
    }

    #[test]
    fn operands_of_every_kind() {
        let ops = all(b"BT /F1 12 Tf 1 0 0 1 -72.5 .5 Tm [(a\\(b\\)) -120 <4E2D 6>] TJ (x) Tj ET");
        let names: Vec<&str> = ops.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(names, ["BT", "Tf", "Tm", "TJ", "Tj", "ET"]);
        assert_eq!(ops[1].1, vec![Operand::Name(Cow::Borrowed(b"F1")), Operand::Number(12.0)]);
        assert_eq!(ops[2].1[4], Operand::Number(-72.5));
        assert_eq!(ops[2].1[5], Operand::Number(0.5));
        assert_eq!(
            ops[3].1,
            vec![Operand::Array(vec![bytes(b"a(b)"), Operand::Number(-120.0), bytes(&[0x4E, 0x2D, 0x60])])]
        );
        assert_eq!(ops[4].1, vec![bytes(b"x")]);
    }

    #[test]
    fn escapes_nested_parentheses_and_names() {
        let ops = all(b"(a(b)c\\101\\\nd) Tj /A#20B gs");
        assert_eq!(ops[0].1, vec![bytes(b"a(b)cAd")]);
        assert_eq!(ops[1].1, vec![Operand::Name(Cow::Borrowed(b"A B"))]);
    }

    #[test]
    fn dictionaries_comments_and_inline_images_are_passed_over() {
        let ops =
            all(b"/P <</MCID 0 /Alt (a >> b)>> BDC % Tj in a comment\nBI /W 2 /H 1 ID \x00EI\xffEI EI Q (t) Tj EMC");
        let names: Vec<&str> = ops.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(names, ["BDC", "BI", "Q", "Tj", "EMC"]);
        assert_eq!(ops[0].1.len(), 2);
    }

    #[test]
    fn broken_streams_end_without_a_panic() {
        for s in [&b"(unterminated Tj"[..], b"[[[[", b"<<<<", b"<4", b"-", b"]]]>>", b"BI ID", b"1 2 3"] {
            let _ = all(s);
        }
        assert!(all(b"(open Tj").is_empty(), "a string running to the end leaves no operator");
        let deep = [b"[".repeat(10_000), b"1 Tj".to_vec()].concat();
        assert!(all(&deep).len() <= 1);
    }
}
