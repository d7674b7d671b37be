//! `zhibiao metrics`: the attainment table, worst first.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::{Format, number, table};
use zhibiao::app::read;
use zhibiao::metrics::attain::Status;
use zhibiao::metrics::catalogue::Comparator;
use zhibiao::store::AttainmentRow;

pub fn run(db: &Path, format: Format) -> anyhow::Result<ExitCode> {
    let (rows, frame) = read::attainment(db)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        Format::Table => write_table(&mut out, &rows)?,
        Format::Jsonl => {
            for r in &rows {
                serde_json::to_writer(&mut out, r)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Csv => {
            // The attainment view as the dashboards download it: one CSV
            // writer, text made safe for spreadsheets.
            out.write_all(&frame.to_csv())?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// A value in its metric's display unit (`368.1亿元`).
fn shown(v: f64, r: &AttainmentRow) -> String {
    format!("{}{}", number(v / r.scale, 2), r.display_unit)
}

fn write_table(out: &mut impl Write, rows: &[AttainmentRow]) -> anyhow::Result<()> {
    let mut t = table(&["指标", "期间", "目标", "实际", "完成率", "状态", "差额", "来源"]);
    for r in rows {
        let status: &str = match Status::parse(&r.status) {
            Some(s) => s.label(),
            None => &r.status,
        };
        t.add_row([
            r.metric.clone(),
            r.period_label.clone(),
            format!("{}{}", Comparator::symbol_of(&r.comparator), shown(r.target, r)),
            r.actual.map_or_else(|| "—".to_owned(), |a| shown(a, r)),
            r.ratio.map_or_else(|| "—".to_owned(), |x| format!("{}%", number(x * 100.0, 1))),
            status.to_owned(),
            r.shortfall.filter(|s| *s > 0.0).map_or_else(String::new, |s| shown(s, r)),
            format!("{} 第{}行", r.doc_id, r.row),
        ]);
    }
    writeln!(out, "{t}")?;
    writeln!(out, "{} targets", rows.len())?;
    Ok(())
}
