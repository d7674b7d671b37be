//! The application as the server runs it: the current site, refreshed and
//! snapshotted on schedule, one job at a time.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use super::settings::{Schedules, Settings};
use super::snapshot::{self, Taken};
use super::{AppError, Paths, Refresher, alert, generation};
use crate::ingest::Limits;
use crate::store::Store;
use crate::web::{AppState, Job, Site};

/// The running application: what the pages read, and the jobs that
/// replace it.
pub struct App {
    pub state: Arc<AppState>,
    pub settings: Settings,
    pub schedules: Schedules,
    paths: Paths,
    /// Held by the job running: two jobs never overlap.
    refresher: Mutex<Refresher>,
    /// The generation the site reads (see [`generation::identity`]).
    serving: Mutex<Option<(u64, u64)>>,
    cache_bytes: u64,
}

impl App {
    /// Refreshes once, then opens the site. A first refresh that fails
    /// still serves the last generation when there is one, and reports the
    /// failure on `/status`; with no generation at all it is an error.
    pub fn build(
        paths: Paths,
        limits: Limits,
        settings: Settings,
        cache_bytes: u64,
        workers: usize,
    ) -> Result<Arc<App>, AppError> {
        let schedules = settings.schedules()?;
        let mut refresher = Refresher::new(paths.clone(), limits);
        let first = refresher.run(&mut |_| {});
        if let Err(e) = &first
            && !paths.db.is_file()
        {
            return Err(AppError::Refused(format!("the first refresh failed and there is no database to serve: {e}")));
        }
        let serving = generation::identity(&paths.db);
        let tz = schedules.refresh.tz;
        let site = super::site(&paths, &settings.sql)?.with_cache_budget(cache_bytes).with_timezone(tz);
        let state = AppState::with_workers(site, workers);
        state.status.set_timezone(schedules.refresh.tz.name());
        let app = App {
            state,
            settings,
            schedules,
            paths,
            refresher: Mutex::new(refresher),
            serving: Mutex::new(serving),
            cache_bytes,
        };
        app.state.status.started(Job::Refresh);
        app.report_refresh(first.map_err(|e| e.to_string()));
        app.publish_schedule(Utc::now());
        Ok(Arc::new(app))
    }

    fn report_refresh(&self, result: Result<super::Refreshed, String>) {
        let status = &self.state.status;
        match result {
            Ok(r) => {
                let mut problems = r.missing.clone();
                problems.extend(r.summary.failed.iter().cloned());
                for p in &problems {
                    tracing::warn!("refresh: {p}");
                }
                status.set_problems(problems);
                let what = if r.written {
                    format!(
                        "已更新：新增 {}，更新 {}，未变 {}，失败 {}；共 {} 份文档",
                        r.summary.new,
                        r.summary.updated,
                        r.summary.unchanged,
                        r.summary.failed.len() + r.missing.len(),
                        r.totals.documents
                    )
                } else if r.summary.failed.is_empty() {
                    format!("无变化；共 {} 份文档", r.totals.documents)
                } else {
                    format!("无可更新的内容；{} 个文件读取失败，原有数据保持不变", r.summary.failed.len())
                };
                tracing::info!("refresh: {what}");
                status.finished(Job::Refresh, Ok(what));
            }
            Err(e) => {
                tracing::error!("refresh failed, the served data is unchanged: {e}");
                status.finished(Job::Refresh, Err(format!("{e}（仍在提供上一版数据）")));
            }
        }
    }

    /// The site reads the current generation, reopened if another one
    /// has been put in place (by this server or by `zhibiao ingest`).
    fn follow_generation(&self) -> Result<(), AppError> {
        let now = generation::identity(&self.paths.db);
        let mut serving = self.serving.lock().unwrap_or_else(|e| e.into_inner());
        if *serving != now {
            let t = std::time::Instant::now();
            let site: Site = super::site(&self.paths, &self.settings.sql)?
                .with_cache_budget(self.cache_bytes)
                .with_timezone(self.schedules.refresh.tz);
            tracing::debug!("refresh: site opened in {:?}", t.elapsed());
            let t = std::time::Instant::now();
            site.warm();
            tracing::debug!("refresh: site warmed in {:?}", t.elapsed());
            self.state.swap(site);
            *serving = now;
        }
        Ok(())
    }

    /// Refreshes now, unless a job is running (then it is skipped: the
    /// running one reads the same files).
    pub fn refresh_now(&self) {
        let Ok(mut refresher) = self.refresher.try_lock() else {
            tracing::info!("refresh skipped: another job is running");
            return;
        };
        self.state.status.started(Job::Refresh);
        let started = std::time::Instant::now();
        // On a thread of its own at background priority, with the DuckDB
        // instance it opens (whose threads inherit it): readers come first,
        // and the refresh has the cores whenever they are idle.
        let job: &mut super::Refresher = &mut refresher;
        let result = std::thread::scope(|s| {
            s.spawn(|| {
                background_priority();
                job.run(&mut |_| {}).map_err(|e| e.to_string())
            })
            .join()
            .unwrap_or_else(|_| Err("the refresh panicked".into()))
        });
        drop(refresher);
        let result = result.and_then(|r| self.follow_generation().map(|()| r).map_err(|e| e.to_string()));
        if matches!(&result, Ok(r) if r.written) {
            tracing::info!("refresh: new generation in service after {:.2} s", started.elapsed().as_secs_f64());
        }
        self.report_refresh(result);
    }

    /// Takes the week's snapshot now and sends the alerts it calls for.
    pub fn snapshot_now(&self, now: DateTime<Utc>) -> Result<Taken, AppError> {
        let _job = self.refresher.lock().unwrap_or_else(|e| e.into_inner());
        self.state.status.started(Job::Snapshot);
        let options = snapshot::Options {
            dir: self.settings.snapshot.dir.clone(),
            now,
            tz: self.schedules.snapshot.tz,
            pdf: self.settings.snapshot.pdf,
        };
        let result = snapshot::take(&self.paths, &options);
        let _ = self.follow_generation();
        match &result {
            Ok(t) => {
                let what = format!("已生成 {}（{} 页）", t.folder.display(), t.pages);
                tracing::info!("snapshot: {what}");
                self.state.status.finished(Job::Snapshot, Ok(what));
                if alert::due(&self.settings.alerts, &t.changes) {
                    let link = self
                        .settings
                        .snapshot
                        .site_url
                        .as_ref()
                        .map(|u| format!("{}/snapshots", u.trim_end_matches('/')));
                    for hook in &self.settings.alerts.webhook {
                        let body = alert::body(hook, &t.record.id, &t.changes, link.as_deref());
                        let outcome = alert::send(hook, &body).unwrap_or_else(|e| {
                            tracing::error!("webhook {}: {e}", hook.url.split('?').next().unwrap_or(""));
                            format!("失败：{e}")
                        });
                        self.state.status.delivered(&hook.url, outcome);
                    }
                }
            }
            Err(e) => {
                tracing::error!("snapshot failed: {e}");
                self.state.status.finished(Job::Snapshot, Err(e.to_string()));
            }
        }
        result
    }

    /// A snapshot that fell due while the server was down, taken once:
    /// when the last one recorded is older than the last time one was due.
    pub fn catch_up(&self, now: DateTime<Utc>) -> Option<Result<Taken, AppError>> {
        let due = self.schedules.snapshot.last_due(now, chrono::Duration::days(31))?;
        let last = Store::open_read_only(&self.paths.db).ok()?.snapshots().ok()?.into_iter().next()?;
        (last.taken_at.and_utc() < due).then(|| {
            tracing::info!("snapshot due at {due} was missed: taking it now");
            self.snapshot_now(now)
        })
    }

    fn publish_schedule(&self, now: DateTime<Utc>) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        let (r, s) = (self.schedules.refresh.next_after(now), self.schedules.snapshot.next_after(now));
        self.state.status.scheduled(Job::Refresh, &self.schedules.refresh.expr, r);
        self.state.status.scheduled(Job::Snapshot, &self.schedules.snapshot.expr, s);
        (r, s)
    }

    /// Runs the schedule until the task is dropped: each job on a blocking
    /// thread, the next computed when it ends (a job that overruns its
    /// next time skips it rather than queueing behind itself).
    pub async fn run_schedule(self: Arc<Self>) {
        loop {
            let now = Utc::now();
            let (r, s) = self.publish_schedule(now);
            let Some(next) = [r, s].into_iter().flatten().min() else { return };
            let wait = (next - now).to_std().unwrap_or_default();
            tokio::time::sleep(wait).await;
            let app = self.clone();
            let _ = tokio::task::spawn_blocking(move || {
                if r == Some(next) {
                    app.refresh_now();
                }
                if s == Some(next) {
                    let _ = app.snapshot_now(next);
                }
            })
            .await;
        }
    }
}

/// Lowers the calling thread's priority to a background job's (nice 10),
/// for good: a thread cannot raise it again without privileges, so only a
/// thread that ends with its job calls this. (On Linux the nice value
/// belongs to the thread, and threads it starts inherit it.)
pub(crate) fn background_priority() {
    // SAFETY: setpriority reads its arguments only; 0 is this thread.
    let done = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 10) };
    if done != 0 {
        tracing::debug!("background priority not set: {}", std::io::Error::last_os_error());
    }
}
