//! Query results as plain data: a [`Frame`] of named columns and rows of
//! [`Cell`]s, detached from DuckDB so that charts, tables, CSV, XLSX and
//! JSON all read the same thing and none of them needs a connection.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use duckdb::Connection;
use duckdb::arrow;
use duckdb::types::{TimeUnit, ValueRef};
use serde::Serialize;

/// One value of a result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    #[serde(serialize_with = "iso_date")]
    Date(NaiveDate),
}

fn iso_date<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&d.format("%Y-%m-%d"))
}

impl Cell {
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Cell::Int(i) => Some(i as f64),
            Cell::Float(f) if f.is_finite() => Some(f),
            Cell::Bool(b) => Some(b as i64 as f64),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Cell::Null)
    }

    /// The cell as a person reads it: integers without `.0`, floats with
    /// up to four significant decimals, dates as YYYY-MM-DD.
    pub fn text(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Bool(b) => b.to_string(),
            Cell::Int(i) => i.to_string(),
            Cell::Float(f) => format_float(*f),
            Cell::Text(s) => s.clone(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// Floats for people, as everywhere else ([`crate::numbers::plain`]).
pub use crate::numbers::plain as format_float;

/// A query's result.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Frame {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Set when the result was cut at the row limit.
    pub truncated: bool,
}

/// A text field as a spreadsheet will read it safely. Excel, LibreOffice
/// and WPS run a CSV cell that begins with `=`, `+`, `-` or `@` (or a tab or
/// carriage return before one) as a formula: report text is written by
/// others, so `=HYPERLINK(…)` in a status cell must arrive as text. Such a
/// field gets a leading `'`, as OWASP advises; a plain number (`-5`,
/// `+3.2`) is left as it is, since a spreadsheet reads it as a number.
pub fn spreadsheet_safe(field: &str) -> std::borrow::Cow<'_, str> {
    let risky = field.starts_with(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠']);
    if risky && field.trim().parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{field}"))
    } else {
        std::borrow::Cow::Borrowed(field)
    }
}

impl Frame {
    /// Runs `sql` and collects at most `limit` rows.
    pub fn query(conn: &Connection, sql: &str, limit: usize) -> duckdb::Result<Frame> {
        Frame::query_with(conn, sql, [], limit)
    }

    /// [`Frame::query`] with parameters bound to `$1`, `$2`, … (or `?`).
    pub fn query_with(
        conn: &Connection,
        sql: &str,
        params: impl duckdb::Params,
        limit: usize,
    ) -> duckdb::Result<Frame> {
        // Cached per connection: a connection kept (the console's) plans a
        // statement it has run before once.
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query(params)?;
        let columns: Vec<String> = rows.as_ref().map(|s| s.column_names()).unwrap_or_default();
        // A column of type NULL (`SELECT NULL AS x`) has no values to read:
        // duckdb-rs would panic reading one.
        let null_typed: Vec<bool> = (0..columns.len())
            .map(|i| rows.as_ref().is_some_and(|s| s.column_type(i) == arrow::datatypes::DataType::Null))
            .collect();
        let mut frame = Frame { columns, rows: Vec::new(), truncated: false };
        while let Some(row) = rows.next()? {
            if frame.rows.len() == limit {
                frame.truncated = true;
                break;
            }
            let cells = (0..frame.columns.len())
                .map(|i| if null_typed[i] { Ok(Cell::Null) } else { row.get_ref(i).map(cell) })
                .collect::<Result<_, _>>()?;
            frame.rows.push(cells);
        }
        Ok(frame)
    }

    /// Index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// Splits the rows by the text of `column`, in their order, into one
    /// frame per value: one query answers for many pages, each page taking
    /// its part. The column is dropped from the parts unless `keep`.
    pub fn split(self, column: &str, keep: bool) -> Split {
        let at = self.column(column);
        let mut columns = self.columns;
        if let (Some(i), false) = (at, keep) {
            columns.remove(i);
        }
        let mut parts: HashMap<String, Vec<Vec<Cell>>> = HashMap::new();
        for mut row in self.rows {
            let Some(i) = at else { continue };
            let key = row[i].text();
            if !keep {
                row.remove(i);
            }
            parts.entry(key).or_default().push(row);
        }
        Split { columns, parts }
    }

    /// Writes the frame as CSV with a header line, text made safe for
    /// spreadsheets ([`spreadsheet_safe`]).
    pub fn to_csv(&self) -> Vec<u8> {
        self.write_csv(true)
    }

    /// Writes the frame as CSV with every text as it is: for a pipe to
    /// another program, not for a spreadsheet.
    pub fn to_plain_csv(&self) -> Vec<u8> {
        self.write_csv(false)
    }

    fn write_csv(&self, safe: bool) -> Vec<u8> {
        let text = |t: &str| if safe { spreadsheet_safe(t).into_owned() } else { t.to_owned() };
        let mut w = csv::Writer::from_writer(Vec::new());
        // Writing to a Vec cannot fail.
        let _ = w.write_record(self.columns.iter().map(|c| text(c)));
        for row in &self.rows {
            let _ = w.write_record(row.iter().map(|c| match c {
                Cell::Text(t) => text(t),
                other => other.text(),
            }));
        }
        w.into_inner().unwrap_or_default()
    }

    /// Writes the frame as an XLSX workbook of one sheet, numbers as numbers
    /// and dates as dates.
    pub fn to_xlsx(&self, sheet: &str) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        // Sheet names: at most 31 chars, none of []:*?/\ .
        let name: String = sheet.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
        if !name.is_empty() {
            ws.set_name(name)?;
        }
        let bold = Format::new().set_bold();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        for (c, name) in self.columns.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, name, &bold)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Null => {}
                    Cell::Bool(b) => {
                        ws.write_boolean(r, c, *b)?;
                    }
                    Cell::Int(i) => {
                        ws.write_number(r, c, *i as f64)?;
                    }
                    Cell::Float(f) if f.is_finite() => {
                        ws.write_number(r, c, *f)?;
                    }
                    Cell::Float(_) => {}
                    Cell::Text(s) => {
                        ws.write_string(r, c, s)?;
                    }
                    Cell::Date(d) => {
                        let dt =
                            ExcelDateTime::from_ymd(d.year_ce().1 as u16, d.month0() as u8 + 1, d.day0() as u8 + 1)?;
                        ws.write_datetime_with_format(r, c, &dt, &date)?;
                    }
                }
            }
        }
        ws.autofit();
        book.save_to_buffer()
    }
}

/// A frame split by one column's value (see [`Frame::split`]).
pub struct Split {
    columns: Vec<String>,
    parts: HashMap<String, Vec<Vec<Cell>>>,
}

impl Split {
    /// The part for `key`, at most `limit` rows (marked truncated past
    /// that); a key with no rows has an empty frame of the same columns.
    pub fn part(&self, key: &str, limit: usize) -> Frame {
        let rows = self.parts.get(key).map_or(&[][..], Vec::as_slice);
        Frame {
            columns: self.columns.clone(),
            rows: rows.iter().take(limit).cloned().collect(),
            truncated: rows.len() > limit,
        }
    }
}

fn cell(v: ValueRef) -> Cell {
    match v {
        ValueRef::Null => Cell::Null,
        ValueRef::Boolean(b) => Cell::Bool(b),
        ValueRef::TinyInt(i) => Cell::Int(i.into()),
        ValueRef::SmallInt(i) => Cell::Int(i.into()),
        ValueRef::Int(i) => Cell::Int(i.into()),
        ValueRef::BigInt(i) => Cell::Int(i),
        ValueRef::HugeInt(i) => i64::try_from(i).map_or(Cell::Float(i as f64), Cell::Int),
        ValueRef::UTinyInt(i) => Cell::Int(i.into()),
        ValueRef::USmallInt(i) => Cell::Int(i.into()),
        ValueRef::UInt(i) => Cell::Int(i.into()),
        ValueRef::UBigInt(i) => i64::try_from(i).map_or(Cell::Float(i as f64), Cell::Int),
        ValueRef::Float(f) => Cell::Float(f.into()),
        ValueRef::Double(f) => Cell::Float(f),
        ValueRef::Decimal(d) => Cell::Float(d.to_string().parse().unwrap_or(f64::NAN)),
        ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Date32(days) => {
            NaiveDate::from_num_days_from_ce_opt(days + 719_163).map_or(Cell::Int(days.into()), Cell::Date)
        }
        ValueRef::Timestamp(unit, t) => {
            let micros = match unit {
                TimeUnit::Second => t.saturating_mul(1_000_000),
                TimeUnit::Millisecond => t.saturating_mul(1_000),
                TimeUnit::Microsecond => t,
                TimeUnit::Nanosecond => t / 1_000,
            };
            chrono::DateTime::from_timestamp_micros(micros)
                .map_or(Cell::Int(t), |d| Cell::Text(d.naive_utc().format("%Y-%m-%d %H:%M:%S").to_string()))
        }
        other => Cell::Text(format!("{:?}", other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        Connection::open_in_memory().unwrap()
    }

    #[test]
    fn types_come_through() {
        let f = Frame::query(
            &conn(),
            "SELECT 1 AS i, 2.5::DOUBLE AS f, '增长' AS t, DATE '2022-11-30' AS d, NULL AS n, 3::HUGEINT AS h, 1.25::DECIMAL(5,2) AS dec",
            10,
        )
        .unwrap();
        assert_eq!(f.columns, ["i", "f", "t", "d", "n", "h", "dec"]);
        assert_eq!(
            f.rows[0],
            [
                Cell::Int(1),
                Cell::Float(2.5),
                Cell::Text("增长".into()),
                Cell::Date(NaiveDate::from_ymd_opt(2022, 11, 30).unwrap()),
                Cell::Null,
                Cell::Int(3),
                Cell::Float(1.25)
            ]
        );
    }

    #[test]
    fn row_limit_is_reported() {
        let f = Frame::query(&conn(), "SELECT * FROM range(10)", 3).unwrap();
        assert_eq!((f.rows.len(), f.truncated), (3, true));
    }

    #[test]
    fn csv_and_xlsx() {
        let f = Frame::query(&conn(), "SELECT '产业, 平台' AS name, 9 AS v, DATE '2022-12-31' AS d", 10).unwrap();
        assert_eq!(String::from_utf8(f.to_csv()).unwrap(), "name,v,d\n\"产业, 平台\",9,2022-12-31\n");
        let x = f.to_xlsx("数据").unwrap();
        assert_eq!(&x[..2], b"PK", "an XLSX file is a zip archive");
    }

    #[test]
    fn floats_for_people() {
        assert_eq!(format_float(9.0), "9");
        assert_eq!(format_float(0.928571), "0.9286");
        assert_eq!(format_float(21.4), "21.4");
    }
}
