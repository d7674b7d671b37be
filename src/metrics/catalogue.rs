//! The optional metric catalogue, `data/metrics.toml`: names, aliases,
//! display units, direction, and targets the text alone does not give.
//!
//! Text alone names a metric by whatever words a report used that year
//! (`新建9个中关村高精尖产业协同创新平台`); the catalogue is where a person
//! says that these words and those are one metric, called so, shown in 亿元,
//! and better when lower. It is validated strictly (unknown fields are
//! errors) because a typo that is silently ignored is a wrong dashboard.
//!
//! ```toml
//! [settings]
//! approx_tolerance = 0.10          # 左右/约 targets are met within ±10%
//!
//! [[metric]]
//! id = "tech-transfer-orgs"
//! name = "技术转移机构"
//! unit = "家"
//! aliases = ["技术转移机构建设"]
//! direction = "higher"             # or "lower"
//!
//! [[metric.target]]                # set or correct a target
//! period = "2022"
//! value = 70
//! comparator = "about"             # at_least, about, at_most, exact
//! ```

use std::path::Path;

use serde::Deserialize;

use super::identity;
use crate::id::MetricId;

/// Which way a metric improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Higher,
    Lower,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
        }
    }
}

/// How an actual is compared with a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparator {
    /// 不低于, 以上, 超过: the actual must reach the target.
    AtLeast,
    /// 左右, 约: within the tolerance band (or beyond it in the good direction).
    About,
    /// 不超过, 以内, 控制在: the actual must not exceed the target.
    AtMost,
    /// A plain number: reach it (or stay under it, for lower-is-better).
    Exact,
}

impl Comparator {
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::AtLeast => "at_least",
            Comparator::About => "about",
            Comparator::AtMost => "at_most",
            Comparator::Exact => "exact",
        }
    }

    pub fn parse(s: &str) -> Option<Comparator> {
        [Comparator::AtLeast, Comparator::About, Comparator::AtMost, Comparator::Exact]
            .into_iter()
            .find(|c| c.as_str() == s)
    }

    /// The sign a reader writes before the target: ≥, ≈, ≤, or nothing
    /// for a plain number.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => "≥",
            Comparator::About => "≈",
            Comparator::AtMost => "≤",
            Comparator::Exact => "",
        }
    }

    /// [`Comparator::symbol`] for a comparator's name (`at_least`); nothing
    /// for an unknown one.
    pub fn symbol_of(name: &str) -> &'static str {
        Comparator::parse(name).map_or("", Comparator::symbol)
    }
}

/// Settings for judging attainment.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Relative half-width of the band around an `about` target (0.10 = ±10%).
    #[serde(default = "default_tolerance")]
    pub approx_tolerance: f64,
    /// A series found in text whose consecutive values differ by more than
    /// this factor is flagged for review and kept off the trends dashboard
    /// until the catalogue names its metric (5 = a fivefold jump).
    #[serde(default = "default_jump_factor")]
    pub jump_factor: f64,
}

fn default_tolerance() -> f64 {
    0.10
}

fn default_jump_factor() -> f64 {
    5.0
}

impl Default for Settings {
    fn default() -> Self {
        Settings { approx_tolerance: default_tolerance(), jump_factor: default_jump_factor() }
    }
}

/// A target set in the catalogue, overriding or adding to the text.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetEntry {
    /// Period key, as documents use them: `2022`, `2023H1`, `2024Q3`.
    pub period: String,
    pub value: f64,
    #[serde(default = "default_comparator")]
    pub comparator: Comparator,
}

fn default_comparator() -> Comparator {
    Comparator::AtLeast
}

/// One curated metric.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Stable identifier used in URLs: ASCII letters, digits and `-`.
    pub id: MetricId,
    /// Display name, in the reports' language.
    pub name: String,
    /// Unit of the figures, as the extractor normalises them (`家`, `%`, `元`).
    pub unit: String,
    /// Other wordings of the label; a figure whose normalised label equals
    /// the name or an alias belongs to this metric. Never a part of a
    /// label: `成交额` as an alias would join every turnover of every scope.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Unit to show values in: `亿元` or `万元` for money, else the unit.
    pub display_unit: Option<String>,
    #[serde(default = "default_direction")]
    pub direction: Direction,
    #[serde(default, rename = "target")]
    pub targets: Vec<TargetEntry>,
}

fn default_direction() -> Direction {
    Direction::Higher
}

/// The whole catalogue.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    #[serde(default)]
    pub settings: Settings,
    #[serde(default, rename = "metric")]
    pub metrics: Vec<Entry>,
}

/// A catalogue that could not be used, with the file and the reason
/// (toml's message carries the line and column).
#[derive(Debug, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct CatalogueError {
    pub path: String,
    pub reason: String,
}

impl Catalogue {
    /// Reads a catalogue file, returning it with its text (for
    /// fingerprinting); a missing file is an empty catalogue.
    pub fn load(path: &Path) -> Result<(Catalogue, String), CatalogueError> {
        let fail = |reason: String| CatalogueError { path: path.display().to_string(), reason };
        match std::fs::read_to_string(path) {
            Ok(text) => Ok((Catalogue::parse(&text).map_err(fail)?, text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((Catalogue::default(), String::new())),
            Err(e) => Err(fail(e.to_string())),
        }
    }

    /// Parses and validates catalogue text.
    pub fn parse(text: &str) -> Result<Catalogue, String> {
        let cat: Catalogue = toml::from_str(text).map_err(|e| one_line(&e.to_string()))?;
        cat.validate(text)?;
        Ok(cat)
    }

    fn validate(&self, text: &str) -> Result<(), String> {
        let t = self.settings.approx_tolerance;
        if !(0.0..1.0).contains(&t) {
            return Err(format!("settings.approx_tolerance must be at least 0 and below 1, not {t}"));
        }
        let j = self.settings.jump_factor;
        if j.is_nan() || j <= 1.0 {
            return Err(format!("settings.jump_factor must be above 1 (a factor between consecutive values), not {j}"));
        }
        let mut seen = std::collections::HashSet::new();
        for m in &self.metrics {
            let at = line_of(text, &format!("\"{}\"", m.id));
            if m.id.as_str().is_empty() || !m.id.as_str().chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return Err(format!("line {at}: metric id {:?} must be ASCII letters, digits and '-'", m.id));
            }
            if !seen.insert(m.id.as_str()) {
                return Err(format!("line {at}: metric id {:?} is used twice", m.id));
            }
            if let Some(d) = &m.display_unit
                && display_scale(&m.unit, d).is_none()
            {
                return Err(format!("line {at}: display_unit {d:?} cannot show values in {:?}", m.unit));
            }
            for t in &m.targets {
                if crate::document::period::parse_key(&t.period).is_none() {
                    return Err(format!(
                        "line {}: target period {:?} is not a period key such as 2022, 2023H1, 2024Q3",
                        line_of(text, &t.period),
                        t.period
                    ));
                }
            }
        }
        Ok(())
    }

    /// The catalogue entry a figure's label belongs to: the one whose
    /// normalised name or alias equals the label's, in the figure's unit.
    /// A label only containing a name is another quantity (`流向津冀技术合同成交额`
    /// is not `技术合同成交额`). For many lookups, build an [`Index`] once.
    pub fn lookup(&self, label: &str, unit: &str) -> Option<&Entry> {
        self.index().lookup(label, unit)
    }

    /// Names and aliases normalised once, for many lookups.
    pub fn index(&self) -> Index<'_> {
        let mut keys = Vec::new();
        for (i, m) in self.metrics.iter().enumerate() {
            for name in std::iter::once(&m.name).chain(&m.aliases) {
                let n = identity::normalise(name);
                if !n.is_empty() {
                    keys.push((n, i));
                }
            }
        }
        Index { catalogue: self, keys }
    }
}

/// The catalogue's names and aliases, normalised.
pub struct Index<'a> {
    catalogue: &'a Catalogue,
    /// (normalised name, entry index).
    keys: Vec<(String, usize)>,
}

impl<'a> Index<'a> {
    pub fn catalogue(&self) -> &'a Catalogue {
        self.catalogue
    }

    /// See [`Catalogue::lookup`].
    pub fn lookup(&self, label: &str, unit: &str) -> Option<&'a Entry> {
        let key = identity::normalise(label);
        self.keys
            .iter()
            .map(|&(ref n, i)| (n, &self.catalogue.metrics[i]))
            .find(|(n, m)| **n == key && m.unit == unit)
            .map(|(_, m)| m)
    }
}

/// How many base units one display unit holds: `亿元` over `元` is 1e8.
pub fn display_scale(unit: &str, display: &str) -> Option<f64> {
    if display == unit {
        return Some(1.0);
    }
    let prefix = display.strip_suffix(unit)?;
    Some(match prefix {
        "十" => 1e1,
        "百" => 1e2,
        "千" => 1e3,
        "万" => 1e4,
        "十万" => 1e5,
        "百万" => 1e6,
        "千万" => 1e7,
        "亿" => 1e8,
        "万亿" => 1e12,
        _ => return None,
    })
}

/// The first line (1-based) where `needle` occurs, for messages.
fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle).map_or(0, |b| text[..b].matches('\n').count() + 1)
}

/// toml's messages span several lines (a caret drawing); keep the gist.
fn one_line(msg: &str) -> String {
    let mut lines = msg.lines().filter(|l| !l.trim().is_empty());
    let head = lines.next().unwrap_or_default().trim().trim_end_matches(':').to_owned();
    let reason =
        msg.lines().rev().find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('|') && !l.contains('^'));
    match reason {
        Some(r) if r.trim() != head => format!("{head}: {}", r.trim()),
        _ => head,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[settings]
approx_tolerance = 0.05

[[metric]]
id = "platforms"
name = "产业协同创新平台"
unit = "个"
aliases = ["高精尖产业协同创新平台", "中关村高精尖产业协同创新平台"]

[[metric]]
id = "contract-value"
name = "技术合同成交额"
unit = "元"
display_unit = "亿元"
aliases = ["成交额"]

[[metric.target]]
period = "2022"
value = 3.5e10
comparator = "about"
"#;

    #[test]
    fn parses_and_looks_up() {
        let c = Catalogue::parse(GOOD).unwrap();
        assert_eq!(c.settings.approx_tolerance, 0.05);
        assert_eq!(c.metrics[1].targets[0].comparator, Comparator::About);
        assert_eq!(c.lookup("中关村高精尖产业协同创新平台", "个").unwrap().id, "platforms");
        assert_eq!(c.lookup("成交额", "元").unwrap().id, "contract-value");
        assert!(c.lookup("成交额", "%").is_none(), "the unit must agree");
        assert!(c.lookup("流向津冀技术合同成交额", "元").is_none(), "a label containing a name is another quantity");
        assert_eq!(display_scale("元", "亿元"), Some(1e8));
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let err = Catalogue::parse("[[metric]]\nid = \"a\"\nname = 产业\n").unwrap_err();
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err =
            Catalogue::parse("[[metric]]\nid = \"a\"\nname = \"x\"\nunit = \"个\"\ncolour = \"red\"\n").unwrap_err();
        assert!(err.contains("line 5") && err.contains("colour"), "{err}");
    }

    #[test]
    fn bad_values_are_refused() {
        let err = Catalogue::parse("[[metric]]\nid = \"a b\"\nname = \"x\"\nunit = \"个\"\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        let err = Catalogue::parse("[[metric]]\nid = \"a\"\nname = \"x\"\nunit = \"元\"\ndisplay_unit = \"美元\"\n")
            .unwrap_err();
        assert!(err.contains("display_unit"), "{err}");
        let err = Catalogue::parse(
            "[[metric]]\nid = \"a\"\nname = \"x\"\nunit = \"个\"\n[[metric.target]]\nperiod = \"去年\"\nvalue = 1\n",
        )
        .unwrap_err();
        assert!(err.contains("line 6") && err.contains("period"), "{err}");
    }
}
