//! Just enough of SQL's lexical structure to judge a statement before
//! DuckDB sees it: where strings, quoted names and comments are (so a `;`
//! or a `:name` inside them is text), how many statements there are, the
//! keyword a statement opens with, the functions it calls and its
//! `:name` parameters.
//!
//! This is a first line with clear messages. The sandbox (a read-only
//! database with file and network access off and its configuration
//! locked, see [`super::Console`]) holds whatever this misses.

/// A piece of SQL text that matters here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token<'a> {
    /// A keyword or name, as written.
    Word(&'a str),
    /// `:name`, a parameter of a saved query (not `::`, a cast).
    Param(&'a str),
    /// Any other character outside strings and comments.
    Symbol(char),
    /// A string in single quotes (its text left opaque).
    Str,
    /// A quoted name or a number: opaque here.
    Literal,
}

/// The tokens of `sql` with the byte offset each starts at; comments and
/// white space are dropped.
pub fn tokens(sql: &str) -> Vec<(usize, Token<'_>)> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = sql[i..].find('\n').map_or(b.len(), |n| i + n + 1);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
            }
            b'\'' | b'"' => {
                // A quote doubled inside is the quote itself.
                i += 1;
                while i < b.len() {
                    if b[i] == c {
                        if b.get(i + 1) == Some(&c) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
                out.push((start, if c == b'\'' { Token::Str } else { Token::Literal }));
            }
            b'$' if dollar_tag(sql, i).is_some() => {
                // $tag$ … $tag$: a dollar-quoted string.
                let tag = dollar_tag(sql, i).unwrap_or("$$");
                let body = i + tag.len();
                i = sql[body..].find(tag).map_or(b.len(), |n| body + n + tag.len());
                out.push((start, Token::Str));
            }
            b':' if b.get(i + 1) == Some(&b':') => {
                i += 2;
                out.push((start, Token::Symbol(':')));
            }
            b':' if b.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic() || *n == b'_') => {
                let end = word_end(sql, i + 1);
                out.push((start, Token::Param(&sql[i + 1..end])));
                i = end;
            }
            c if c.is_ascii_digit() => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                    i += 1;
                }
                out.push((start, Token::Literal));
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let end = word_end(sql, i);
                out.push((start, Token::Word(&sql[i..end])));
                i = end;
            }
            _ => {
                let ch = sql[i..].chars().next().unwrap_or(' ');
                i += ch.len_utf8();
                out.push((start, Token::Symbol(ch)));
            }
        }
    }
    out
}

/// The end of a name starting at `i` (letters, digits, `_`, and any
/// non-ASCII character: DuckDB takes `指标` as a name).
fn word_end(sql: &str, i: usize) -> usize {
    sql[i..]
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '$'))
        .map_or(sql.len(), |(n, _)| i + n)
}

/// `$$` or `$tag$` at `i`, when one opens a dollar-quoted string.
fn dollar_tag(sql: &str, i: usize) -> Option<&str> {
    let rest = &sql[i + 1..];
    let end = rest.find('$')?;
    let tag = &rest[..end];
    tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '_').then(|| &sql[i..i + end + 2])
}

/// A statement's text with its tokens, lexed once for every question the
/// console asks of it.
pub struct Lexed<'a> {
    sql: &'a str,
    tokens: Vec<(usize, Token<'a>)>,
}

impl<'a> Lexed<'a> {
    pub fn new(sql: &'a str) -> Lexed<'a> {
        Lexed { sql, tokens: tokens(sql) }
    }

    /// How many statements the text holds: runs of tokens between `;`
    /// outside strings and comments, the empty ones not counted.
    pub fn statement_count(&self) -> usize {
        self.tokens.split(|(_, t)| *t == Token::Symbol(';')).filter(|s| !s.is_empty()).count()
    }

    /// The keyword the text opens with, upper-cased (`SELECT`), past any
    /// opening parentheses; `None` for a text of no words.
    pub fn first_keyword(&self) -> Option<String> {
        self.tokens.iter().find_map(|(_, t)| match t {
            Token::Word(w) => Some(w.to_ascii_uppercase()),
            _ => None,
        })
    }

    /// The functions the text calls: each name followed by `(`, lower-cased.
    pub fn calls(&self) -> impl Iterator<Item = String> + '_ {
        self.tokens.windows(2).filter_map(|w| match (&w[0].1, &w[1].1) {
            (Token::Word(name), Token::Symbol('(')) => Some(name.to_ascii_lowercase()),
            _ => None,
        })
    }

    /// Does the text read a file by naming it as a table (`FROM 'data.csv'`,
    /// `JOIN 'x.parquet'`), which DuckDB turns into a file scan?
    pub fn scans_a_file(&self) -> bool {
        self.tokens.windows(2).any(|w| {
            matches!(&w[0].1, Token::Word(k) if k.eq_ignore_ascii_case("from") || k.eq_ignore_ascii_case("join"))
                && w[1].1 == Token::Str
        })
    }

    /// The `:name` parameters, each once, in the order they first appear.
    pub fn params(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, t) in &self.tokens {
            if let Token::Param(p) = t
                && !out.iter().any(|o| o == p)
            {
                out.push((*p).to_owned());
            }
        }
        out
    }

    /// The text with each `:name` replaced by DuckDB's positional `$n`: the
    /// name's place in `names`, its [`Lexed::params`]. Values are then
    /// bound, never written into the text.
    pub fn positional(&self, names: &[String]) -> String {
        let mut out = String::with_capacity(self.sql.len());
        let mut from = 0;
        for (at, t) in &self.tokens {
            if let Token::Param(p) = t {
                let n = names.iter().position(|x| x == p).unwrap_or(0) + 1;
                out.push_str(&self.sql[from..*at]);
                out.push_str(&format!("${n}"));
                from = at + 1 + p.len();
            }
        }
        out.push_str(&self.sql[from..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_split_outside_strings_and_comments() {
        let count = |sql| Lexed::new(sql).statement_count();
        assert_eq!(count("SELECT ';' -- a; b\n; "), 1);
        assert_eq!(count("SELECT 1; DROP TABLE figures"), 2);
        assert_eq!(count("SELECT $$;$$, 'it''s;', \"a;b\" /* ; */"), 1);
        assert_eq!(count(" ; -- nothing\n"), 0);
    }

    #[test]
    fn first_keywords_and_calls() {
        let lexed = Lexed::new;
        assert_eq!(lexed("-- note\n((select 1))").first_keyword().as_deref(), Some("SELECT"));
        assert_eq!(lexed("/* x */ copy figures to 'x'").first_keyword().as_deref(), Some("COPY"));
        let calls: Vec<String> = lexed("SELECT count(*) FROM Read_CSV('x') WHERE 'glob(' = ''").calls().collect();
        assert_eq!(calls, ["count", "read_csv"]);
        assert!(lexed("SELECT * FROM '/etc/passwd'").scans_a_file());
        assert!(lexed("select 1 from t join 'x.csv' using (a)").scans_a_file());
        assert!(!lexed("SELECT 'from' FROM t WHERE x = 'y'").scans_a_file());
    }

    #[test]
    fn named_parameters_become_positional() {
        let sql = "SELECT * FROM targets WHERE metric_id = :metric AND period::VARCHAR = :period OR metric_id = :metric -- :not\n AND x = ':no'";
        let lexed = Lexed::new(sql);
        assert_eq!(lexed.params(), ["metric", "period"]);
        assert_eq!(
            lexed.positional(&lexed.params()),
            "SELECT * FROM targets WHERE metric_id = $1 AND period::VARCHAR = $2 OR metric_id = $1 -- :not\n AND x = ':no'"
        );
    }
}
