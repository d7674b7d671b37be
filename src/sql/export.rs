//! A query's answer in the forms analysts take it away in: a table for a
//! person at a terminal, CSV, JSON and Markdown for pipes and notes, XLSX
//! and Parquet as downloads.

use std::sync::Arc;

use duckdb::arrow::array::{ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, StringArray};
use duckdb::arrow::datatypes::{DataType, Field, Schema};
use duckdb::arrow::record_batch::RecordBatch;

use crate::frame::{Cell, Frame};

/// Output formats of `zhibiao sql` and the console's downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
    Xlsx,
    Parquet,
}

impl Format {
    /// The forms an answer is offered in as a download.
    pub const DOWNLOADS: [Format; 4] = [Format::Csv, Format::Xlsx, Format::Parquet, Format::Json];

    /// The name a download link shows.
    pub fn label(self) -> &'static str {
        match self {
            Format::Table => "表格",
            Format::Csv => "CSV",
            Format::Json => "JSON",
            Format::Markdown => "Markdown",
            Format::Xlsx => "Excel",
            Format::Parquet => "Parquet",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Table => "txt",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Markdown => "md",
            Format::Xlsx => "xlsx",
            Format::Parquet => "parquet",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Table | Format::Markdown => "text/plain; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Parquet => "application/vnd.apache.parquet",
        }
    }
}

/// The frame in `format`. CSV is spreadsheet-safe (see
/// [`crate::frame::spreadsheet_safe`]) when it is a download, plain for a
/// pipe.
pub fn write(frame: &Frame, format: Format, download: bool) -> Result<Vec<u8>, String> {
    Ok(match format {
        Format::Table => table(frame).into_bytes(),
        Format::Csv if download => frame.to_csv(),
        Format::Csv => frame.to_plain_csv(),
        Format::Json => json(frame).into_bytes(),
        Format::Markdown => markdown(frame).into_bytes(),
        Format::Xlsx => frame.to_xlsx("查询结果").map_err(|e| e.to_string())?,
        Format::Parquet => parquet(frame)?,
    })
}

/// A terminal table with a header, styled alike for every command.
pub fn styled(header: Vec<String>) -> comfy_table::Table {
    use comfy_table::{ContentArrangement, Table, presets};
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    table
}

/// A table for a terminal, columns aligned for Chinese text too.
pub fn table(frame: &Frame) -> String {
    let mut t = styled(frame.columns.clone());
    for row in &frame.rows {
        t.add_row(row.iter().map(Cell::text));
    }
    format!("{t}\n")
}

/// An array of objects, one per row, keyed by column name.
pub fn json(frame: &Frame) -> String {
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = frame
        .rows
        .iter()
        .map(|r| {
            frame
                .columns
                .iter()
                .zip(r)
                .map(|(c, v)| (c.clone(), serde_json::to_value(v).unwrap_or(serde_json::Value::Null)))
                .collect()
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n"
}

/// A GitHub-flavoured Markdown table.
pub fn markdown(frame: &Frame) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut out = format!("| {} |\n", frame.columns.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "));
    out.push_str(&format!("|{}\n", " --- |".repeat(frame.columns.len())));
    for row in &frame.rows {
        out.push_str(&format!("| {} |\n", row.iter().map(|c| cell(&c.text())).collect::<Vec<_>>().join(" | ")));
    }
    out
}

/// The frame as a Parquet file, each column typed by what it holds:
/// integers, numbers, booleans, dates, else text.
pub fn parquet(frame: &Frame) -> Result<Vec<u8>, String> {
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (i, name) in frame.columns.iter().enumerate() {
        let cells = || frame.rows.iter().map(move |r| &r[i]);
        let all = |f: fn(&Cell) -> bool| cells().all(|c| c.is_null() || f(c));
        let (data_type, array): (DataType, ArrayRef) = if all(|c| matches!(c, Cell::Int(_))) {
            let v: Int64Array = cells().map(|c| if let Cell::Int(x) = c { Some(*x) } else { None }).collect();
            (DataType::Int64, Arc::new(v))
        } else if all(|c| matches!(c, Cell::Int(_) | Cell::Float(_))) {
            let v: Float64Array = cells()
                .map(|c| match c {
                    Cell::Int(x) => Some(*x as f64),
                    Cell::Float(x) => Some(*x),
                    _ => None,
                })
                .collect();
            (DataType::Float64, Arc::new(v))
        } else if all(|c| matches!(c, Cell::Bool(_))) {
            let v: BooleanArray = cells().map(|c| if let Cell::Bool(x) = c { Some(*x) } else { None }).collect();
            (DataType::Boolean, Arc::new(v))
        } else if all(|c| matches!(c, Cell::Date(_))) {
            let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
            let v: Date32Array = cells()
                .map(|c| if let Cell::Date(d) = c { Some((*d - epoch).num_days() as i32) } else { None })
                .collect();
            (DataType::Date32, Arc::new(v))
        } else {
            let v: StringArray = cells().map(|c| (!c.is_null()).then(|| c.text())).collect();
            (DataType::Utf8, Arc::new(v))
        };
        fields.push(Field::new(name, data_type, true));
        arrays.push(array);
    }
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut w = parquet::arrow::ArrowWriter::try_new(&mut out, schema, None).map_err(|e| e.to_string())?;
    w.write(&batch).map_err(|e| e.to_string())?;
    w.close().map_err(|e| e.to_string())?;
    Ok(out)
}
