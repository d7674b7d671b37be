//! The server's settings: `zhibiao.toml` (optional), then environment
//! variables, over defaults. Checked whole at start-up: a schedule that
//! does not parse, a time zone that does not exist or a webhook that is no
//! URL stops the server before it binds, with the reason.
//!
//! ```toml
//! [schedule]
//! refresh = "0 */5 * * * *"     # every five minutes (seconds first)
//! snapshot = "0 0 8 * * Mon"    # Monday 08:00
//! timezone = "Asia/Shanghai"
//!
//! [snapshot]
//! dir = "snapshots"
//! pdf = false                   # also report.pdf, through Chromium
//! site_url = "https://zhibiao.example.gov.cn/"  # for links in alerts
//!
//! [sql]
//! enabled = true                # the console at /sql and /api/sql
//! token = "…"                   # required when serving beyond loopback
//! time_limit_seconds = 5
//! max_rows = 10000
//!
//! [alerts]
//! on = "missed"                 # or "any" change
//! [[alerts.webhook]]
//! url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
//! format = "wecom"              # json (default), wecom or dingtalk
//! ```
//!
//! Environment: `ZHIBIAO_REFRESH_SCHEDULE`, `ZHIBIAO_SNAPSHOT_SCHEDULE`,
//! `ZHIBIAO_TIMEZONE`, `ZHIBIAO_SNAPSHOT_DIR`, `ZHIBIAO_SITE_URL`, and
//! `ZHIBIAO_WEBHOOKS` (comma-separated URLs, each optionally prefixed
//! `wecom:` or `dingtalk:`), `ZHIBIAO_SQL_TOKEN`, `ZHIBIAO_SQL_TIME_LIMIT`
//! (seconds) and `ZHIBIAO_SQL_MAX_ROWS`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::AppError;
use super::schedule::{self, Schedule};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub schedule: ScheduleSettings,
    pub snapshot: SnapshotSettings,
    pub alerts: AlertSettings,
    pub sql: SqlSettings,
}

/// The analysts' console.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SqlSettings {
    pub enabled: bool,
    /// Required of the console's requests when set; a server bound beyond
    /// loopback refuses to start with the console on and no token.
    pub token: Option<String>,
    pub time_limit_seconds: f64,
    pub max_rows: usize,
}

impl Default for SqlSettings {
    fn default() -> Self {
        SqlSettings { enabled: true, token: None, time_limit_seconds: 5.0, max_rows: 10_000 }
    }
}

impl SqlSettings {
    pub fn limits(&self) -> crate::sql::Limits {
        crate::sql::Limits {
            time: std::time::Duration::from_secs_f64(self.time_limit_seconds.max(0.1)),
            rows: self.max_rows.max(1),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScheduleSettings {
    pub refresh: String,
    pub snapshot: String,
    pub timezone: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SnapshotSettings {
    pub dir: PathBuf,
    pub pdf: bool,
    pub site_url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertSettings {
    pub on: AlertOn,
    pub webhook: Vec<Webhook>,
}

/// When a snapshot alerts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertOn {
    /// Targets newly missed.
    #[default]
    Missed,
    /// Any change since the previous snapshot.
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    pub url: String,
    #[serde(default)]
    pub format: WebhookFormat,
}

/// The body a webhook is sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookFormat {
    /// The changes as plain JSON.
    #[default]
    Json,
    /// A WeCom (企业微信) group robot's text message.
    Wecom,
    /// A DingTalk (钉钉) group robot's text message.
    Dingtalk,
}

impl Default for ScheduleSettings {
    fn default() -> Self {
        ScheduleSettings {
            refresh: "0 */5 * * * *".into(),
            snapshot: "0 0 8 * * Mon".into(),
            timezone: "Asia/Shanghai".into(),
        }
    }
}

impl Default for SnapshotSettings {
    fn default() -> Self {
        SnapshotSettings { dir: PathBuf::from("snapshots"), pdf: false, site_url: None }
    }
}

/// The two schedules, parsed.
#[derive(Debug, Clone)]
pub struct Schedules {
    pub refresh: Schedule,
    pub snapshot: Schedule,
}

impl Settings {
    /// Settings from `file` (it must exist when given), else from
    /// `zhibiao.toml` in the working directory if there is one, then the
    /// environment.
    pub fn load(file: Option<&Path>) -> Result<Settings, AppError> {
        let default = Path::new("zhibiao.toml");
        let mut settings = match file {
            Some(f) => Settings::parse_file(f)?,
            None if default.is_file() => Settings::parse_file(default)?,
            None => Settings::default(),
        };
        settings.apply_env(|k| std::env::var(k).ok());
        settings.schedules()?;
        settings.check_webhooks()?;
        Ok(settings)
    }

    fn parse_file(path: &Path) -> Result<Settings, AppError> {
        let text = std::fs::read_to_string(path).map_err(|e| AppError::io(path, e))?;
        toml::from_str(&text).map_err(|e| AppError::Settings(format!("{}: {}", path.display(), e.message())))
    }

    /// Environment variables over the file's values.
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) {
        if let Some(v) = var("ZHIBIAO_REFRESH_SCHEDULE") {
            self.schedule.refresh = v;
        }
        if let Some(v) = var("ZHIBIAO_SNAPSHOT_SCHEDULE") {
            self.schedule.snapshot = v;
        }
        if let Some(v) = var("ZHIBIAO_TIMEZONE") {
            self.schedule.timezone = v;
        }
        if let Some(v) = var("ZHIBIAO_SNAPSHOT_DIR") {
            self.snapshot.dir = PathBuf::from(v);
        }
        if let Some(v) = var("ZHIBIAO_SITE_URL") {
            self.snapshot.site_url = Some(v);
        }
        if let Some(v) = var("ZHIBIAO_SQL_TOKEN").filter(|v| !v.is_empty()) {
            self.sql.token = Some(v);
        }
        if let Some(v) = var("ZHIBIAO_SQL_TIME_LIMIT").and_then(|v| v.parse().ok()) {
            self.sql.time_limit_seconds = v;
        }
        if let Some(v) = var("ZHIBIAO_SQL_MAX_ROWS").and_then(|v| v.parse().ok()) {
            self.sql.max_rows = v;
        }
        if let Some(v) = var("ZHIBIAO_WEBHOOKS") {
            self.alerts.webhook = v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    let (format, url) = match s.split_once(':') {
                        Some(("wecom", rest)) => (WebhookFormat::Wecom, rest),
                        Some(("dingtalk", rest)) => (WebhookFormat::Dingtalk, rest),
                        _ => (WebhookFormat::Json, s),
                    };
                    Webhook { url: url.to_owned(), format }
                })
                .collect();
        }
    }

    /// The schedules, parsed and checked.
    pub fn schedules(&self) -> Result<Schedules, AppError> {
        let tz = schedule::time_zone(&self.schedule.timezone)?;
        Ok(Schedules {
            refresh: Schedule::parse("refresh", &self.schedule.refresh, tz)?,
            snapshot: Schedule::parse("snapshot", &self.schedule.snapshot, tz)?,
        })
    }

    fn check_webhooks(&self) -> Result<(), AppError> {
        for w in &self.alerts.webhook {
            if !(w.url.starts_with("http://") || w.url.starts_with("https://")) {
                return Err(AppError::Settings(format!("webhook \"{}\": not an http:// or https:// URL", w.url)));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_environment_over_defaults() {
        let mut s: Settings = toml::from_str("[schedule]\nrefresh = \"*/2 * * * * *\"\n").unwrap();
        assert_eq!(s.schedule.snapshot, "0 0 8 * * Mon");
        s.apply_env(|k| match k {
            "ZHIBIAO_SNAPSHOT_SCHEDULE" => Some("0 0 9 * * Fri".into()),
            "ZHIBIAO_WEBHOOKS" => Some("wecom:https://a.example/x, http://127.0.0.1:9/h".into()),
            _ => None,
        });
        assert_eq!((s.schedule.refresh.as_str(), s.schedule.snapshot.as_str()), ("*/2 * * * * *", "0 0 9 * * Fri"));
        assert_eq!(s.alerts.webhook[0], Webhook { url: "https://a.example/x".into(), format: WebhookFormat::Wecom });
        assert_eq!(s.alerts.webhook[1].format, WebhookFormat::Json);
        s.schedules().unwrap();
        s.check_webhooks().unwrap();
    }

    #[test]
    fn bad_settings_say_what_is_wrong() {
        assert!(toml::from_str::<Settings>("[schedule]\nrefrsh = \"x\"\n").is_err(), "unknown keys are refused");
        let mut s = Settings::default();
        s.schedule.timezone = "Beijing".into();
        assert!(s.schedules().unwrap_err().to_string().contains("IANA"));
        let mut s = Settings::default();
        s.alerts.webhook.push(Webhook { url: "ftp://x".into(), format: WebhookFormat::Json });
        assert!(s.check_webhooks().is_err());
    }
}
