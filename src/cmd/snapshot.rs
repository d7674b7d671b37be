//! `zhibiao snapshot`: the site as a self-contained folder.

use std::path::PathBuf;
use std::process::ExitCode;

use zhibiao::app::{Paths, Settings, snapshot};

pub fn run(paths: &Paths, out: Option<PathBuf>, pdf: bool, config: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(config.as_deref())?;
    let tz = settings.schedules()?.snapshot.tz;
    let options = snapshot::Options {
        dir: out.unwrap_or(settings.snapshot.dir),
        now: chrono::Utc::now(),
        tz,
        pdf: pdf || settings.snapshot.pdf,
    };
    let taken = snapshot::take(paths, &options)?;
    let c = &taken.changes;
    println!("snapshot:  {} ({} pages)", taken.folder.display(), taken.pages);
    println!(
        "changes:   {} since {}: {} new and {} changed documents, {} values, {} targets newly met, {} newly missed",
        if c.is_empty() { "nothing" } else { "these" },
        c.since.as_deref().unwrap_or("no earlier snapshot"),
        c.new_documents.len(),
        c.changed_documents.len(),
        c.values.len(),
        c.newly_met.len(),
        c.newly_missed.len()
    );
    if let Some(p) = taken.pdf_problem {
        eprintln!("error: no report.pdf: {p}");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
