//! Judging an actual against its target.
//!
//! The comparator comes from the target's qualifier (不低于/以上 → at
//! least, 左右/约 → about, 不超过/以内 → at most), the direction from the
//! catalogue or, failing that, from the target itself (an at-most bound or
//! a cut such as `下降3%` means lower is better). `About` targets are met
//! within a tolerance band (a documented setting, ±10% by default) or
//! beyond it in the good direction: exceeding `70家左右` is no failure.

use serde::Serialize;

use super::catalogue::{Comparator, Direction};
use crate::extract::Qualifier;

/// The outcome for one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The actual falls short of the target.
    Missed,
    /// Only a forecast or a plan answers the target (预计, 拟).
    Forecast,
    /// Nothing reported answers the target.
    NoData,
    /// The actual meets the target.
    Met,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Missed => "missed",
            Status::Forecast => "forecast",
            Status::NoData => "no_data",
            Status::Met => "met",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [Status::Missed, Status::Forecast, Status::NoData, Status::Met].into_iter().find(|x| x.as_str() == s)
    }

    /// What a leader reads.
    pub fn label(self) -> &'static str {
        match self {
            Status::Missed => "未完成",
            Status::Forecast => "仅有预计",
            Status::NoData => "无数据",
            Status::Met => "已完成",
        }
    }
}

/// The comparator a target's qualifier implies.
pub fn comparator(q: Qualifier) -> Comparator {
    match q {
        Qualifier::AtLeast | Qualifier::MoreThan => Comparator::AtLeast,
        Qualifier::Approx | Qualifier::Nearly => Comparator::About,
        Qualifier::AtMost | Qualifier::LessThan => Comparator::AtMost,
        Qualifier::Exact => Comparator::Exact,
    }
}

/// The direction a target implies when the catalogue says nothing.
pub fn implied_direction(cmp: Comparator, target: f64) -> Direction {
    if cmp == Comparator::AtMost || target < 0.0 { Direction::Lower } else { Direction::Higher }
}

/// Attainment of one target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Judgement {
    pub status: Status,
    /// actual / target, when both exist and the target is not zero.
    pub ratio: Option<f64>,
    /// How far the actual is from meeting the target, in the target's unit
    /// (0 when met).
    pub shortfall: Option<f64>,
}

/// Judges `actual` (if any; `achieved` false for a forecast or plan)
/// against a target.
pub fn judge(
    target: f64,
    cmp: Comparator,
    direction: Direction,
    tolerance: f64,
    actual: Option<f64>,
    achieved: bool,
) -> Judgement {
    let Some(a) = actual else {
        let status = if achieved { Status::NoData } else { Status::Forecast };
        return Judgement { status, ratio: None, shortfall: None };
    };
    let ratio = (target != 0.0).then(|| a / target);
    let band = target.abs() * tolerance;
    let met = match (cmp, direction) {
        (Comparator::AtLeast, _) => a >= target,
        (Comparator::AtMost, _) => a <= target,
        (Comparator::About, Direction::Higher) => a >= target - band,
        (Comparator::About, Direction::Lower) => a <= target + band,
        (Comparator::Exact, Direction::Higher) => a >= target,
        (Comparator::Exact, Direction::Lower) => a <= target,
    };
    let gap = match direction {
        Direction::Higher => target - a,
        Direction::Lower => a - target,
    };
    let status = if !achieved {
        Status::Forecast
    } else if met {
        Status::Met
    } else {
        Status::Missed
    };
    Judgement { status, ratio, shortfall: Some(if met { 0.0 } else { gap.max(0.0) }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(t: f64, q: Qualifier, a: f64) -> Status {
        let cmp = comparator(q);
        judge(t, cmp, implied_direction(cmp, t), 0.10, Some(a), true).status
    }

    #[test]
    fn comparators() {
        assert_eq!(status(10.0, Qualifier::Exact, 9.0), Status::Missed);
        assert_eq!(status(20.0, Qualifier::AtLeast, 21.4), Status::Met);
        assert_eq!(status(70.0, Qualifier::Approx, 65.0), Status::Met, "within ±10%");
        assert_eq!(status(15.0, Qualifier::Approx, 12.0), Status::Missed, "outside ±10%");
        assert_eq!(status(70.0, Qualifier::Approx, 90.0), Status::Met, "beyond the band the good way");
        assert_eq!(status(5.5, Qualifier::AtMost, 4.8), Status::Met);
        assert_eq!(status(5.5, Qualifier::AtMost, 5.9), Status::Missed);
        assert_eq!(status(-3.0, Qualifier::Exact, -4.1), Status::Met, "a cut of 3% beaten by 4.1%");
        assert_eq!(status(-3.0, Qualifier::Exact, -2.0), Status::Missed);
    }

    #[test]
    fn shortfall_and_ratio() {
        let j = judge(10.0, Comparator::Exact, Direction::Higher, 0.1, Some(9.0), true);
        assert_eq!((j.ratio, j.shortfall), (Some(0.9), Some(1.0)));
        let j = judge(10.0, Comparator::Exact, Direction::Higher, 0.1, Some(12.0), true);
        assert_eq!(j.shortfall, Some(0.0));
    }

    #[test]
    fn forecasts_and_gaps() {
        assert_eq!(judge(14.0, Comparator::About, Direction::Higher, 0.1, None, false).status, Status::Forecast);
        assert_eq!(judge(14.0, Comparator::About, Direction::Higher, 0.1, None, true).status, Status::NoData);
        let j = judge(15.0, Comparator::About, Direction::Higher, 0.1, Some(12.0), false);
        assert_eq!((j.status, j.ratio), (Status::Forecast, Some(0.8)));
    }
}
