//! Bytes to text.
//!
//! Reports reach us as UTF-8 (with or without a byte-order mark), as UTF-16
//! when someone chose "Unicode text" in Excel's save dialog, very often as
//! GB18030/GBK because that is what Chinese Windows writes by default, and
//! as Big5 from traditional-Chinese sites. Anything else is refused rather
//! than guessed at: a wrong guess produces plausible looking mojibake whose
//! "figures" would poison the database silently.
//!
//! Detection, in order:
//! 1. an encoding forced by the settings (`[read] encoding`, `--encoding`,
//!    `ZHIBIAO_ENCODING`), which must decode without error;
//! 2. a byte-order mark (UTF-8, UTF-16LE, UTF-16BE);
//! 3. NUL or control bytes: binary, refused;
//! 4. valid UTF-8;
//! 5. a web page's declared charset (`<meta charset=gb2312>`), when the
//!    bytes decode in it without error;
//! 6. GB18030, when nine in ten double-byte pairs sit in the GB2312 area;
//! 7. Big5, when `chardetng` (Firefox's detector) says Big5 and the bytes
//!    decode as Big5 without error.

use encoding_rs::{BIG5, Encoding, GB18030, UTF_16BE, UTF_16LE};

/// Why a file's bytes could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is binary, not text ({0})")]
    Binary(&'static str),
    #[error(
        "unknown text encoding: neither UTF-8, UTF-16 with a byte-order mark, GB18030 nor Big5 \
         (force one with --encoding or ZHIBIAO_ENCODING)"
    )]
    UnknownEncoding,
    #[error("the file is not valid {0}, the encoding it was told to read")]
    NotForced(&'static str),
}

/// Text decoded from a file, with the encoding it was read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// The encoding's WHATWG name, e.g. `UTF-8`, `gb18030`.
    pub encoding: &'static str,
}

/// Decodes a report's bytes, refusing anything that is not confidently text.
#[cfg(test)]
fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    decode_with(bytes, None)
}

/// Decodes a report's bytes, refusing anything that is not confidently
/// text, or decodes them in `forced` when the settings name an encoding.
pub fn decode_with(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, DecodeError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    if let Some(encoding) = forced {
        let body = match Encoding::for_bom(bytes) {
            Some((bom, len)) if bom == encoding => &bytes[len..],
            _ => bytes,
        };
        return decode_strict(encoding, body).ok_or(DecodeError::NotForced(encoding.name()));
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode_strict(encoding, &bytes[bom_len..]).ok_or(if encoding == UTF_16LE || encoding == UTF_16BE {
            DecodeError::Binary("invalid UTF-16 after its byte-order mark")
        } else {
            DecodeError::Binary("invalid UTF-8 after its byte-order mark")
        });
    }
    if looks_binary(bytes) {
        return Err(DecodeError::Binary("it contains NUL or control bytes"));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded { text: text.to_owned(), encoding: "UTF-8" });
    }
    if let Some(declared) = declared_charset(bytes)
        && let Some(decoded) = decode_strict(declared, bytes)
    {
        return Ok(decoded);
    }
    if plausible_gb_text(bytes)
        && let Some(decoded) = decode_strict(GB18030, bytes)
    {
        return Ok(decoded);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    if detector.guess(None, chardetng::Utf8Detection::Deny) == BIG5
        && let Some(decoded) = decode_strict(BIG5, bytes)
    {
        return Ok(decoded);
    }
    Err(DecodeError::UnknownEncoding)
}

/// The charset a web page or XML file declares in its first kilobytes
/// (`<meta charset="gb2312">`, `content="text/html; charset=big5"`,
/// `<?xml … encoding="GBK"?>`), as WHATWG maps its label (gb2312 reads as
/// GBK, which GB18030 extends).
pub fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.to_ascii_lowercase();
    for key in [&b"charset="[..], &b"encoding="[..]] {
        let Some(at) = lower.windows(key.len()).position(|w| w == key) else { continue };
        let rest = &lower[at + key.len()..];
        let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
        let end =
            rest.iter().position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))).unwrap_or(rest.len());
        if let Some(encoding) = Encoding::for_label(&rest[..end]) {
            // gb2312 and gbk labels: decode as GB18030, their superset.
            return Some(if encoding == encoding_rs::GBK { GB18030 } else { encoding });
        }
    }
    None
}

fn decode_strict(encoding: &'static Encoding, bytes: &[u8]) -> Option<Decoded> {
    let text = encoding.decode_without_bom_handling_and_without_replacement(bytes)?;
    Some(Decoded { text: text.into_owned(), encoding: encoding.name() })
}

/// Text files do not contain NUL, and only a handful of C0 controls
/// (tab, newline, carriage return, form feed) occur in real documents.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    if sample.contains(&0) {
        return true;
    }
    let controls = sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)).count();
    controls * 100 > sample.len()
}

/// GB18030 accepts almost any byte soup as valid, so "decodes cleanly" is not
/// enough: Big5, Shift-JIS and Latin-1 files decode too, into nonsense. Real
/// Chinese prose in GBK is dominated by the GB2312 area (lead and trail bytes
/// both in 0xA1..=0xFE: the 6,763 common hanzi and full-width punctuation).
/// Big5 puts roughly half its trail bytes below 0xA1, Shift-JIS most of its
/// lead bytes below 0xA0, Latin-1 follows accented letters with ASCII. We
/// require nine in ten double-byte pairs to sit in the GB2312 area.
fn plausible_gb_text(bytes: &[u8]) -> bool {
    let (mut pairs, mut gb2312) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let lead = bytes[i];
        if lead < 0x80 {
            i += 1;
            continue;
        }
        let Some(&trail) = bytes.get(i + 1) else { return false };
        if (0x30..=0x39).contains(&trail) {
            // A four-byte GB18030 sequence: rare in prose, valid, not counted.
            i += 4;
            continue;
        }
        pairs += 1;
        if (0xA1..=0xF7).contains(&lead) && (0xA1..=0xFE).contains(&trail) {
            gb2312 += 1;
        }
        i += 2;
    }
    pairs > 0 && gb2312 * 10 >= pairs * 9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_plain_and_with_bom() {
        assert_eq!(decode("自查表".as_bytes()).unwrap().text, "自查表");
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice("自查表".as_bytes());
        let d = decode(&with_bom).unwrap();
        assert_eq!(d.text, "自查表");
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn gb18030_is_decoded() {
        let (bytes, _, _) = GB18030.encode("市科委2022年度自查表\t新建9个平台，增长15.6%");
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, "市科委2022年度自查表\t新建9个平台，增长15.6%");
        assert_eq!(d.encoding, "gb18030");
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "任务\t完成".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap().text, "任务\t完成");
    }

    #[test]
    fn big5_is_decoded() {
        let text = "臺北市政府113年度工作計畫執行情形：新增就業機會3.2萬個，完成投資約12億元，辦理案件1,250項。";
        let (big5, _, unmappable) = BIG5.encode(text);
        assert!(!unmappable);
        let d = decode(&big5).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (text, "Big5"));
    }

    #[test]
    fn a_declared_charset_is_honoured_and_a_forced_one_enforced() {
        let page = "<html><head><meta charset=\"gb2312\"></head><body>自查表：完成9项</body></html>";
        let (gb, _, _) = GB18030.encode(page);
        assert_eq!(declared_charset(&gb), Some(GB18030));
        assert_eq!(decode(&gb).unwrap().text, page);
        assert_eq!(decode_with("完成9项".as_bytes(), Some(GB18030)), Err(DecodeError::NotForced("gb18030")));
        assert_eq!(decode_with(&gb, Some(GB18030)).unwrap().text, page);
    }

    #[test]
    fn empty_and_blank_files_are_refused() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b" \n\r\n\t"), Err(DecodeError::Empty));
    }

    #[test]
    fn binary_is_refused() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
        assert!(matches!(decode(png), Err(DecodeError::Binary(_))));
    }

    #[test]
    fn other_encodings_are_refused_not_guessed() {
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("年度報告書、プラットフォームを九つ新設しました。");
        assert_eq!(decode(&sjis), Err(DecodeError::UnknownEncoding));
        let latin1 = b"Rapport annuel: r\xe9sultats d\xe9taill\xe9s, t\xe2ches achev\xe9es";
        assert_eq!(decode(latin1), Err(DecodeError::UnknownEncoding));
    }
}
