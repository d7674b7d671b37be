//! The server's own state for people: `/status` (when the data was last
//! refreshed and snapshotted, when it will be next, and what failed) and
//! `/snapshots` (every snapshot with what changed since the one before).
//!
//! The scheduler writes [`Status`]; the pages only read it.

use std::sync::Mutex;

use askama::Template;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::pages::{NavLink, built, nav, page, with_conn};
use super::{Reply, Site};
use crate::store::{Change, Changes, Store};

/// A scheduled job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Job {
    Refresh,
    Snapshot,
}

impl Job {
    fn title(self) -> &'static str {
        match self {
            Job::Refresh => "刷新数据",
            Job::Snapshot => "每周快照",
        }
    }
}

/// What is known of one job.
#[derive(Debug, Clone, Serialize)]
pub struct JobStatus {
    pub job: Job,
    pub schedule: String,
    pub next: Option<DateTime<Utc>>,
    pub running: bool,
    pub last_start: Option<DateTime<Utc>>,
    pub last_seconds: Option<f64>,
    /// What the last run did, or why it failed.
    pub last_result: Option<Result<String, String>>,
}

/// The server's state, shared by the scheduler and the pages.
#[derive(Debug, Default, Serialize)]
pub struct StatusData {
    pub timezone: String,
    pub jobs: Vec<JobStatus>,
    /// Files the last refresh could not read, each with its reason.
    pub problems: Vec<String>,
    /// Webhook deliveries: URL (without its query), when, outcome.
    pub webhooks: Vec<(String, DateTime<Utc>, String)>,
}

#[derive(Debug, Default)]
pub struct Status(Mutex<StatusData>);

impl Status {
    fn with<T>(&self, f: impl FnOnce(&mut StatusData) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn job(data: &mut StatusData, job: Job) -> &mut JobStatus {
        if let Some(i) = data.jobs.iter().position(|j| j.job == job) {
            return &mut data.jobs[i];
        }
        data.jobs.push(JobStatus {
            job,
            schedule: String::new(),
            next: None,
            running: false,
            last_start: None,
            last_seconds: None,
            last_result: None,
        });
        data.jobs.last_mut().expect("just pushed")
    }

    pub fn set_timezone(&self, tz: &str) {
        self.with(|d| d.timezone = tz.to_owned());
    }

    pub fn scheduled(&self, job: Job, schedule: &str, next: Option<DateTime<Utc>>) {
        self.with(|d| {
            let j = Status::job(d, job);
            j.schedule = schedule.to_owned();
            j.next = next;
        });
    }

    pub fn started(&self, job: Job) {
        self.with(|d| {
            let j = Status::job(d, job);
            j.running = true;
            j.last_start = Some(Utc::now());
        });
    }

    pub fn finished(&self, job: Job, result: Result<String, String>) {
        self.with(|d| {
            let j = Status::job(d, job);
            j.running = false;
            j.last_seconds = j.last_start.map(|s| (Utc::now() - s).num_milliseconds() as f64 / 1000.0);
            j.last_result = Some(result);
        });
    }

    pub fn set_problems(&self, problems: Vec<String>) {
        self.with(|d| d.problems = problems);
    }

    pub fn delivered(&self, url: &str, outcome: String) {
        let shown = url.split('?').next().unwrap_or(url).to_owned();
        self.with(|d| {
            d.webhooks.insert(0, (shown, Utc::now(), outcome));
            d.webhooks.truncate(20);
        });
    }

    /// The state as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        self.with(|d| serde_json::to_value(&*d).unwrap_or_default())
    }

    /// The last result of `job`, for tests and logs.
    pub fn last(&self, job: Job) -> Option<Result<String, String>> {
        self.with(|d| d.jobs.iter().find(|j| j.job == job).and_then(|j| j.last_result.clone()))
    }
}

struct JobRow {
    title: &'static str,
    schedule: String,
    last_start: String,
    duration: String,
    result: String,
    failed: bool,
    next: String,
    running: bool,
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage {
    nav: Vec<NavLink>,
    built: String,
    timezone: String,
    jobs: Vec<JobRow>,
    problems: Vec<String>,
    webhooks: Vec<(String, String, String)>,
}

/// `/status`.
pub fn status_page(site: &Site, status: &Status) -> Reply {
    let (timezone, jobs, problems, webhooks) = status.with(|d| {
        let tz: chrono_tz::Tz = d.timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
        let when = |t: Option<DateTime<Utc>>| {
            t.map_or_else(|| "—".to_owned(), |t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string())
        };
        let jobs = d
            .jobs
            .iter()
            .map(|j| JobRow {
                title: j.job.title(),
                schedule: j.schedule.clone(),
                last_start: when(j.last_start),
                duration: j.last_seconds.map_or_else(|| "—".to_owned(), |s| format!("{s:.1} 秒")),
                result: match &j.last_result {
                    None => "尚未运行".to_owned(),
                    Some(Ok(m)) => m.clone(),
                    Some(Err(e)) => format!("失败：{e}"),
                },
                failed: matches!(j.last_result, Some(Err(_))),
                next: when(j.next),
                running: j.running,
            })
            .collect();
        let hooks = d.webhooks.iter().map(|(u, t, o)| (u.clone(), when(Some(*t)), o.clone())).collect();
        (d.timezone.clone(), jobs, d.problems.clone(), hooks)
    });
    page(StatusCode::OK, &StatusPage { nav: nav(site), built: built(site), timezone, jobs, problems, webhooks })
}

#[derive(Template)]
#[template(path = "changes.html")]
struct ChangesFragment {
    since: Option<String>,
    empty: bool,
    /// How many of each (the lists hold the first few).
    counts: [usize; 4],
    newly_missed: Vec<String>,
    newly_met: Vec<String>,
    documents: Vec<String>,
    values: Vec<String>,
}

fn number(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), crate::numbers::plain)
}

/// Items listed of each kind of change; the rest are counted.
const LISTED: usize = 30;

/// What changed, as an HTML section: led by targets newly missed.
pub fn changes_html(c: &Changes) -> String {
    let target = |x: &Change| {
        format!("{} {}：目标 {}{u}，实际 {}{u}", x.metric, x.period, number(x.target), number(x.after), u = x.unit)
    };
    let value =
        |x: &Change| format!("{} {}：{} → {}{u}", x.metric, x.period, number(x.before), number(x.after), u = x.unit);
    let mut documents: Vec<String> = c.new_documents.iter().map(|d| format!("{d}（新增）")).collect();
    documents.extend(c.changed_documents.iter().map(|d| format!("{d}（内容更新）")));
    // A first snapshot has every value new: listing them says nothing a
    // dashboard does not. Later ones list the first few of each kind.
    let cap = |items: Vec<String>| -> Vec<String> {
        let more = items.len().saturating_sub(LISTED);
        let mut shown: Vec<String> = items.into_iter().take(LISTED).collect();
        if more > 0 {
            shown.push(format!("……另有 {more} 项（完整列表见 data/ 与 manifest.json）"));
        }
        shown
    };
    let values = if c.since.is_some() { c.values.iter().map(value).collect() } else { Vec::new() };
    let fragment = ChangesFragment {
        since: c.since.clone(),
        empty: c.is_empty() && c.since.is_some(),
        counts: [
            c.newly_missed.len(),
            c.newly_met.len(),
            c.new_documents.len() + c.changed_documents.len(),
            c.values.len(),
        ],
        newly_missed: cap(c.newly_missed.iter().map(target).collect()),
        newly_met: cap(c.newly_met.iter().map(target).collect()),
        documents: cap(documents),
        values: cap(values),
    };
    fragment.render().unwrap_or_default()
}

struct SnapshotRow {
    id: String,
    taken_at: String,
    documents: i64,
    metrics: i64,
    folder: String,
    changes: String,
}

#[derive(Template)]
#[template(path = "snapshots.html")]
struct SnapshotsPage {
    nav: Vec<NavLink>,
    built: String,
    snapshots: Vec<SnapshotRow>,
}

/// `/snapshots`: every snapshot, newest first, each with what changed
/// since the one before it.
pub fn snapshots_page(site: &Site) -> Reply {
    with_conn(site, |conn| {
        let Ok(conn) = conn.try_clone() else { return super::pages::not_found(site) };
        let store = Store::reading(conn);
        let result = store.snapshots().and_then(|all| {
            all.iter()
                .enumerate()
                .map(|(i, s)| {
                    let before = all.get(i + 1).map(|p| p.id.as_str());
                    Ok(SnapshotRow {
                        id: s.id.clone(),
                        taken_at: s.taken_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                        documents: s.documents,
                        metrics: s.metrics,
                        folder: s.folder.clone(),
                        changes: changes_html(&store.changes(before, &s.id)?),
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        });
        match result {
            Ok(snapshots) => page(StatusCode::OK, &SnapshotsPage { nav: nav(site), built: built(site), snapshots }),
            Err(e) => super::pages::error_page(
                site,
                StatusCode::INTERNAL_SERVER_ERROR,
                "快照记录无法读取",
                "读取快照记录时出错。",
                &e.to_string(),
            ),
        }
    })
}
