//! HTML fragments inside table cells, turned into the plain text a reader sees.
//!
//! Cells exported from web-based filing systems carry `<p>`, `<ol><li>`,
//! `<span style=…>` and entities such as `&nbsp;`. They are markup, not
//! content: figure spans are measured on the text that remains.
//!
//! Only tags that format text are markup. Anything else that merely looks
//! like a tag (`<script>` quoted in a report, `<20%` written as an inequality)
//! stays in the text as written, so it is shown, escaped, exactly as the
//! document had it, rather than silently dropped or, worse, interpreted.

use std::borrow::Cow;

/// Tags that lay out text. Block tags start a new line so that list items,
/// paragraphs and line breaks stay apart in the plain text.
pub(super) const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
];
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "big", "cite", "code", "del", "em", "font", "i", "img", "ins", "mark", "o:p", "s", "small",
    "span", "strike", "strong", "sub", "sup", "td", "th", "u",
];

/// Returns the cell's text with formatting markup removed and entities
/// decoded, trimmed. Cells without markup are returned as they are (trimmed).
pub fn to_text(cell: &str) -> Cow<'_, str> {
    if !cell.contains('<') && !cell.contains('&') {
        return Cow::Borrowed(cell.trim());
    }
    let mut out = String::with_capacity(cell.len());
    let mut saw_markup = false;
    // Once one `<!--` finds no `-->`, no later one can: remembering that
    // keeps a cell of unclosed comments linear instead of rescanning it
    // to its end for each.
    let mut comments_close = true;
    let mut rest = cell;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let candidate = &rest[lt..];
        match parse_tag(candidate, &mut comments_close) {
            Some((len, block)) => {
                saw_markup = true;
                if block {
                    out.push('\n');
                }
                rest = &candidate[len..];
            }
            None => {
                out.push('<');
                rest = &candidate[1..];
            }
        }
    }
    out.push_str(rest);
    let decoded = html_escape::decode_html_entities(&out);
    Cow::Owned(if saw_markup { tidy_whitespace(&decoded) } else { decoded.trim().to_owned() })
}

/// The longest formatting tag read as one (Word's export writes long
/// `style` attributes, never this long).
const MAX_TAG_BYTES: usize = 4096;

/// Recognises one formatting tag or comment at the start of `s` (which starts
/// with `<`). Returns its byte length and whether it breaks the line.
fn parse_tag(s: &str, comments_close: &mut bool) -> Option<(usize, bool)> {
    if let Some(body) = s.strip_prefix("<!--") {
        if !*comments_close {
            return None;
        }
        let end = body.find("-->");
        *comments_close = end.is_some();
        return end.map(|end| (4 + end + 3, false));
    }
    let after_lt = s[1..].strip_prefix('/').unwrap_or(&s[1..]);
    let name_len = after_lt.find(|c: char| !(c.is_ascii_alphanumeric() || c == ':')).unwrap_or(after_lt.len());
    let name = after_lt[..name_len].to_ascii_lowercase();
    let block = BLOCK_TAGS.contains(&name.as_str());
    if !block && !INLINE_TAGS.contains(&name.as_str()) {
        return None;
    }
    // Attributes may quote a `>`; the tag ends at the first `>` outside quotes.
    let attrs = &after_lt[name_len..];
    if !attrs.is_empty() && !attrs.starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/') {
        return None;
    }
    // A formatting tag's attributes are short; a `<p` followed by an
    // unclosed quote is text, and is not scanned to the end of the cell.
    let mut quote = None;
    for (i, c) in attrs.char_indices().take_while(|&(i, _)| i < MAX_TAG_BYTES) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some((s.len() - attrs.len() + i + 1, block)),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

/// Markup's own whitespace (source line breaks, indentation) collapses to a
/// single space, as a browser would show it; block boundaries become line
/// breaks; blank lines and spaces at line ends go.
pub(super) fn tidy_whitespace(s: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in s.split('\n') {
        let collapsed = line
            .split(|c: char| c.is_ascii_whitespace() || c == '\u{a0}')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !collapsed.is_empty() {
            lines.push(collapsed);
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_cells_are_only_trimmed() {
        assert_eq!(to_text(" 1. 推动落实。 "), "1. 推动落实。");
        assert!(matches!(to_text("无"), Cow::Borrowed("无")));
    }

    #[test]
    fn paragraphs_and_attributes_are_removed() {
        assert_eq!(to_text(r#"<p style="text-align: center;">无</p>"#), "无");
        assert_eq!(to_text("<p>实施卓越工程师培养计划。</p>"), "实施卓越工程师培养计划。");
    }

    #[test]
    fn list_items_stay_apart() {
        let html = "<ol><li>新建9个平台</li><li>支持65家机构</li></ol>";
        assert_eq!(to_text(html), "新建9个平台\n支持65家机构");
        assert_eq!(to_text("甲<br/>乙<br>丙"), "甲\n乙\n丙");
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(to_text("<p>A&amp;B&nbsp;&lt;C&gt; &#8220;两区&#8221;</p>"), "A&B <C> “两区”");
        assert_eq!(to_text("研发&amp;转化"), "研发&转化");
    }

    #[test]
    fn non_formatting_tags_stay_as_text() {
        assert_eq!(to_text("<script>alert(1)</script>"), "<script>alert(1)</script>");
        assert_eq!(to_text("<p>比例<20%</p>"), "比例<20%");
        assert_eq!(to_text("a <b>bold</b> <bogus x=1>"), "a bold <bogus x=1>");
    }

    #[test]
    fn quoted_angle_bracket_inside_attribute() {
        assert_eq!(to_text(r#"<span title="a>b">正文</span>"#), "正文");
    }

    #[test]
    fn comments_are_removed() {
        assert_eq!(to_text("<!-- 注释 --><p>正文</p>"), "正文");
    }

    #[test]
    fn unclosed_comments_and_tags_stay_text_in_linear_time() {
        // 80,000 unclosed comments once took seconds: each rescanned the
        // rest of the cell for `-->`.
        let cell = "<!--".repeat(80_000) + "<p>完成5个</p>";
        let text = to_text(&cell);
        assert!(text.starts_with("<!--<!--") && text.ends_with("完成5个"), "{}", &text[text.len() - 20..]);
        // A comment closed later is still removed, one left open is text.
        let text = to_text("<!-- a --><p>正文</p><!-- b");
        assert!(text.starts_with("正文") && text.ends_with("<!-- b"), "{text:?}");
        let cell = "<p title=\"".repeat(50_000);
        assert_eq!(to_text(&cell).len(), cell.len());
    }
}
