//! Query results as plain data: a [`Frame`] of named columns and rows of
//! [`Cell`]s, detached from DuckDB so that charts, tables, CSV, XLSX and
//! JSON all read the same thing and none of them needs a connection.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use duckdb::Connection;
use duckdb::arrow;
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
        // Cached per connection: a connection kept (the console's) parses a
        // statement it has run before once. (DuckDB plans a statement that
        // reads a table at every execution all the same; a statement
        // without parameters is cheaper run once, `store::direct`.)
        let mut stmt = conn.prepare_cached(sql)?;
        // Streamed: DuckDB stops producing rows once the limit is passed.
        let read = (|| {
            let mut stream = stmt.stream_arrow(params)?;
            let columns = stream.get_schema().fields().iter().map(|f| f.name().clone()).collect();
            let mut frame = Frame { columns, rows: Vec::new(), truncated: false };
            for batch in stream.by_ref() {
                let batch = batch?;
                if !frame.push_arrow(batch.columns(), batch.num_rows(), limit) {
                    return Ok((frame, false));
                }
            }
            Ok((frame, true))
        })();
        match read {
            Ok((frame, true)) => Ok(frame),
            // A result left unread keeps the connection busy (DuckDB runs
            // no other statement on it): the statement goes, with it.
            Ok((frame, false)) => {
                stmt.discard();
                Ok(frame)
            }
            Err(e) => {
                stmt.discard();
                Err(e)
            }
        }
    }

    /// Appends `len` rows of `columns` (one Arrow array per column of the
    /// frame) up to `limit` rows in all; false once the limit is reached,
    /// with `truncated` set when rows were left out.
    pub(crate) fn push_arrow(&mut self, columns: &[arrow::array::ArrayRef], len: usize, limit: usize) -> bool {
        for row in 0..len {
            if self.rows.len() == limit {
                self.truncated = true;
                return false;
            }
            self.rows.push(columns.iter().map(|c| cell_at(c.as_ref(), row)).collect());
        }
        true
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

/// One value of an Arrow array as a cell: integers as integers (a
/// HUGEINT, which DuckDB exports as a decimal of scale 0, too), decimals
/// and floats as floats, dates as dates, timestamps as text to the second;
/// anything else (lists, structs, intervals, enums) as Arrow writes it.
fn cell_at(array: &dyn arrow::array::Array, row: usize) -> Cell {
    use arrow::array::AsArray;
    use arrow::datatypes::{DataType, Int8Type as I8, Int16Type as I16, Int32Type as I32, Int64Type as I64};
    use arrow::datatypes::{Decimal128Type, Float32Type as F32, Float64Type as F64, TimeUnit};
    use arrow::datatypes::{UInt8Type as U8, UInt16Type as U16, UInt32Type as U32, UInt64Type as U64};
    if array.is_null(row) {
        return Cell::Null;
    }
    match array.data_type() {
        DataType::Null => Cell::Null,
        DataType::Boolean => Cell::Bool(array.as_boolean().value(row)),
        DataType::Int8 => Cell::Int(array.as_primitive::<I8>().value(row).into()),
        DataType::Int16 => Cell::Int(array.as_primitive::<I16>().value(row).into()),
        DataType::Int32 => Cell::Int(array.as_primitive::<I32>().value(row).into()),
        DataType::Int64 => Cell::Int(array.as_primitive::<I64>().value(row)),
        DataType::UInt8 => Cell::Int(array.as_primitive::<U8>().value(row).into()),
        DataType::UInt16 => Cell::Int(array.as_primitive::<U16>().value(row).into()),
        DataType::UInt32 => Cell::Int(array.as_primitive::<U32>().value(row).into()),
        DataType::UInt64 => {
            let v = array.as_primitive::<U64>().value(row);
            i64::try_from(v).map_or(Cell::Float(v as f64), Cell::Int)
        }
        DataType::Float32 => Cell::Float(array.as_primitive::<F32>().value(row).into()),
        DataType::Float64 => Cell::Float(array.as_primitive::<F64>().value(row)),
        DataType::Decimal128(_, scale) => {
            let v = array.as_primitive::<Decimal128Type>().value(row);
            match (*scale, i64::try_from(v)) {
                (0, Ok(i)) => Cell::Int(i),
                _ => Cell::Float(v as f64 / 10f64.powi((*scale).into())),
            }
        }
        DataType::Utf8 => Cell::Text(array.as_string::<i32>().value(row).to_owned()),
        DataType::LargeUtf8 => Cell::Text(array.as_string::<i64>().value(row).to_owned()),
        DataType::Utf8View => Cell::Text(array.as_string_view().value(row).to_owned()),
        DataType::Date32 => {
            let days = array.as_primitive::<arrow::datatypes::Date32Type>().value(row);
            NaiveDate::from_num_days_from_ce_opt(days + 719_163).map_or(Cell::Int(days.into()), Cell::Date)
        }
        DataType::Timestamp(unit, _) => {
            let t = match unit {
                TimeUnit::Second => array.as_primitive::<arrow::datatypes::TimestampSecondType>().value(row),
                TimeUnit::Millisecond => array.as_primitive::<arrow::datatypes::TimestampMillisecondType>().value(row),
                TimeUnit::Microsecond => array.as_primitive::<arrow::datatypes::TimestampMicrosecondType>().value(row),
                TimeUnit::Nanosecond => array.as_primitive::<arrow::datatypes::TimestampNanosecondType>().value(row),
            };
            let micros = match unit {
                TimeUnit::Second => t.saturating_mul(1_000_000),
                TimeUnit::Millisecond => t.saturating_mul(1_000),
                TimeUnit::Microsecond => t,
                TimeUnit::Nanosecond => t / 1_000,
            };
            chrono::DateTime::from_timestamp_micros(micros)
                .map_or(Cell::Int(t), |d| Cell::Text(d.naive_utc().format("%Y-%m-%d %H:%M:%S").to_string()))
        }
        _ => arrow::util::display::ArrayFormatter::try_new(array, &Default::default())
            .map_or(Cell::Null, |f| Cell::Text(f.value(row).to_string())),
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

    /// A result cut at the limit is not left open: DuckDB would refuse the
    /// connection's next statement ("connection has an open result").
    #[test]
    fn a_cut_result_leaves_the_connection_usable() {
        let conn = conn();
        for _ in 0..2 {
            let f = Frame::query_with(&conn, "SELECT * FROM range(100000) WHERE range >= ?", [5], 3).unwrap();
            assert_eq!((f.rows.len(), f.truncated, &f.rows[0][0]), (3, true, &Cell::Int(5)));
            let f = Frame::query_with(&conn, "SELECT ? + 1 AS n", [1], 3).unwrap();
            assert_eq!(f.rows, [[Cell::Int(2)]]);
        }
    }

    #[test]
    fn other_types_read_as_text() {
        let f = Frame::query(
            &conn(),
            "SELECT [1, 2] AS l, {'a': 1} AS s, INTERVAL 3 DAY AS i, 'x'::ENUM('x', 'y') AS e",
            1,
        )
        .unwrap();
        let texts: Vec<String> = f.rows[0].iter().map(Cell::text).collect();
        assert_eq!(texts[0], "[1, 2]");
        assert!(texts[1].contains('a') && texts[1].contains('1'), "{texts:?}");
        assert!(!texts[2].is_empty(), "{texts:?}");
        assert_eq!(texts[3], "x");
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
