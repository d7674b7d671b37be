//! When the server refreshes and snapshots: cron expressions in a time
//! zone, validated at start-up.
//!
//! The `cron` crate wants seconds first (`0 0 8 * * Mon` is Monday 08:00)
//! and counts days of the week from 1 = Sunday, unlike Unix cron, where 1
//! is Monday. A numeric day of the week is therefore refused: names
//! (`Mon`, `Mon-Fri`) mean the same to everyone.

use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use super::AppError;

/// One scheduled job's timing.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// The expression as written.
    pub expr: String,
    parsed: cron::Schedule,
    pub tz: Tz,
}

impl Schedule {
    /// Parses `expr` for the job `what` (named in errors), in `tz`.
    pub fn parse(what: &str, expr: &str, tz: Tz) -> Result<Schedule, AppError> {
        let fail = |why: String| AppError::Settings(format!("{what} schedule \"{expr}\": {why}"));
        let fields: Vec<&str> = expr.split_whitespace().collect();
        if !(6..=7).contains(&fields.len()) {
            return Err(fail(format!(
                "{} fields; write six, seconds first: \"0 */5 * * * *\" is every five minutes, \"0 0 8 * * Mon\" Monday 08:00",
                fields.len()
            )));
        }
        if fields[5].chars().any(|c| c.is_ascii_digit()) {
            return Err(fail(format!(
                "day of the week \"{}\" is a number; write names (Mon, Tue, …, Sun; Mon-Fri): this scheduler counts 1 as Sunday",
                fields[5]
            )));
        }
        let parsed = cron::Schedule::from_str(expr).map_err(|e| fail(e.to_string()))?;
        if parsed.upcoming(tz).next().is_none() {
            return Err(fail("it never runs".into()));
        }
        Ok(Schedule { expr: expr.to_owned(), parsed, tz })
    }

    /// The first run strictly after `t`.
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.parsed.after(&t.with_timezone(&self.tz)).next().map(|d| d.with_timezone(&Utc))
    }

    /// The next `n` runs after `t`, for people to check a schedule.
    pub fn upcoming(&self, t: DateTime<Utc>, n: usize) -> Vec<DateTime<Tz>> {
        self.parsed.after(&t.with_timezone(&self.tz)).take(n).collect()
    }

    /// The last run due at or before `t`, looking back at most `within`:
    /// what a server that was down should have done.
    pub fn last_due(&self, t: DateTime<Utc>, within: Duration) -> Option<DateTime<Utc>> {
        let start = (t - within).with_timezone(&self.tz);
        self.parsed.after(&start).map(|d| d.with_timezone(&Utc)).take_while(|d| *d <= t).last()
    }
}

/// A time zone by its IANA name (`Asia/Shanghai`).
pub fn time_zone(name: &str) -> Result<Tz, AppError> {
    name.parse::<Tz>()
        .map_err(|_| AppError::Settings(format!("time zone \"{name}\": not an IANA name such as Asia/Shanghai")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn defaults_run_when_people_expect() {
        let tz = time_zone("Asia/Shanghai").unwrap();
        let weekly = Schedule::parse("snapshot", "0 0 8 * * Mon", tz).unwrap();
        // Wednesday 2026-12-02 12:00 in Shanghai.
        let now = tz.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).unwrap().with_timezone(&Utc);
        let next = weekly.next_after(now).unwrap().with_timezone(&tz);
        assert_eq!(next.to_rfc3339(), "2026-12-07T08:00:00+08:00");
        let last = weekly.last_due(now, Duration::days(8)).unwrap().with_timezone(&tz);
        assert_eq!(last.to_rfc3339(), "2026-11-30T08:00:00+08:00");
        let five = Schedule::parse("refresh", "0 */5 * * * *", tz).unwrap();
        assert_eq!(five.next_after(now).unwrap() - now, Duration::minutes(5));
    }

    #[test]
    fn mistakes_are_refused_with_the_reason() {
        let tz = time_zone("Asia/Shanghai").unwrap();
        let err = Schedule::parse("snapshot", "0 8 * * 1", tz).unwrap_err().to_string();
        assert!(err.contains("seconds first"), "{err}");
        let err = Schedule::parse("snapshot", "0 0 8 * * 1", tz).unwrap_err().to_string();
        assert!(err.contains("counts 1 as Sunday"), "{err}");
        assert!(Schedule::parse("refresh", "0 */5 * * * nope", tz).is_err());
        assert!(time_zone("China").is_err());
    }
}
