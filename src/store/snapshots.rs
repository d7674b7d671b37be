//! What each snapshot showed, and what changed between two of them.
//!
//! A snapshot records, in the database it was taken from, the documents
//! (with their content hash) and the values it showed: every metric's
//! value per period and every latest target with its status. The changes
//! since the previous snapshot are then a comparison of two recorded
//! states, the same whether asked by the snapshot being written, by
//! `/snapshots`, or by an analyst in SQL.

use duckdb::params;
use serde::Serialize;

use super::{Store, StoreError};
use crate::id::{DocId, MetricId};

/// One snapshot taken.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotRecord {
    /// The ISO week (`2026-W49`): its folder's name.
    pub id: String,
    /// When it was written, UTC.
    pub taken_at: chrono::NaiveDateTime,
    pub folder: String,
    pub documents: i64,
    pub metrics: i64,
}

/// One thing that changed between two snapshots.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub metric_id: MetricId,
    pub metric: String,
    pub period: String,
    /// The value before (none when new).
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// For a target: its value.
    pub target: Option<f64>,
    /// The unit of the values (the metric's display unit; empty if unknown).
    pub unit: String,
}

/// What changed since the previous snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Changes {
    /// The snapshot compared with, if there was one.
    pub since: Option<String>,
    /// Documents that are new, or whose content changed.
    pub new_documents: Vec<DocId>,
    pub changed_documents: Vec<DocId>,
    /// Reported values new or different.
    pub values: Vec<Change>,
    /// Targets met now that were not before.
    pub newly_met: Vec<Change>,
    /// Targets missed now that were not before.
    pub newly_missed: Vec<Change>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.new_documents.is_empty()
            && self.changed_documents.is_empty()
            && self.values.is_empty()
            && self.newly_met.is_empty()
            && self.newly_missed.is_empty()
    }
}

/// A snapshot taken again in the same week replaces the earlier one.
const FORGET: [&str; 3] = [
    "DELETE FROM snapshots WHERE id = ?",
    "DELETE FROM snapshot_documents WHERE snapshot = ?",
    "DELETE FROM snapshot_values WHERE snapshot = ?",
];

const DOCUMENTS: &str = "INSERT INTO snapshot_documents SELECT ?, id, content_hash FROM documents";

const VALUES: &str = "
INSERT INTO snapshot_values
SELECT ?, 'value', metric_id, metric, period, value, NULL, NULL FROM metric_series WHERE basis = 'reported'";

const TARGETS: &str = "
INSERT INTO snapshot_values
SELECT ?, 'target', metric_id, metric, period, actual, target, status FROM latest_attainment";

const SNAPSHOT: &str = "
INSERT INTO snapshots
SELECT ?, ?, ?, (SELECT count(*) FROM documents), (SELECT count(DISTINCT metric_id) FROM metric_series)";

/// Documents of `$2` new or changed since `$1`: 'new' or 'changed'.
const CHANGED_DOCUMENTS: &str = "
SELECT n.doc_id, CASE WHEN o.doc_id IS NULL THEN 'new' ELSE 'changed' END
FROM snapshot_documents n
LEFT JOIN snapshot_documents o ON o.snapshot = $1 AND o.doc_id = n.doc_id
WHERE n.snapshot = $2 AND (o.doc_id IS NULL OR o.content_hash <> n.content_hash)
ORDER BY n.doc_id";

/// Values of `$2` new or different since `$1`, in display units.
const CHANGED_VALUES: &str = "
SELECT n.metric_id, n.metric, n.period, o.value / coalesce(m.scale, 1), n.value / coalesce(m.scale, 1), NULL::DOUBLE,
       coalesce(m.display_unit, '')
FROM snapshot_values n
LEFT JOIN snapshot_values o
  ON o.snapshot = $1 AND o.kind = 'value' AND o.metric_id = n.metric_id AND o.period = n.period
LEFT JOIN metrics m ON m.id = n.metric_id
WHERE n.snapshot = $2 AND n.kind = 'value' AND o.value IS DISTINCT FROM n.value
ORDER BY n.metric, n.period";

/// Targets of `$2` whose status is `$3` now and was not at `$1`, in
/// display units.
const NEWLY: &str = "
SELECT n.metric_id, n.metric, n.period, o.value / coalesce(m.scale, 1), n.value / coalesce(m.scale, 1),
       n.target / coalesce(m.scale, 1), coalesce(m.display_unit, '')
FROM snapshot_values n
LEFT JOIN snapshot_values o
  ON o.snapshot = $1 AND o.kind = 'target' AND o.metric_id = n.metric_id AND o.period = n.period
LEFT JOIN metrics m ON m.id = n.metric_id
WHERE n.snapshot = $2 AND n.kind = 'target' AND n.status = $3 AND o.status IS DISTINCT FROM $3
ORDER BY n.metric, n.period";

impl Store {
    /// Records snapshot `id`, taken at `taken_at` (UTC), replacing one of
    /// the same id, with what the database shows now, in one transaction.
    pub fn record_snapshot(
        &mut self,
        id: &str,
        folder: &str,
        taken_at: chrono::NaiveDateTime,
    ) -> Result<SnapshotRecord, StoreError> {
        let tx = self.conn.transaction()?;
        for statement in FORGET {
            tx.execute(statement, [id])?;
        }
        tx.execute(DOCUMENTS, [id])?;
        tx.execute(VALUES, [id])?;
        tx.execute(TARGETS, [id])?;
        tx.execute(SNAPSHOT, params![id, taken_at, folder])?;
        tx.commit()?;
        Ok(self.snapshots()?.into_iter().find(|s| s.id == id).expect("the snapshot just recorded"))
    }

    /// Every snapshot recorded, newest first.
    pub fn snapshots(&self) -> Result<Vec<SnapshotRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, taken_at, folder, documents, metrics FROM snapshots ORDER BY taken_at DESC, id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SnapshotRecord {
                id: r.get(0)?,
                taken_at: r.get(1)?,
                folder: r.get(2)?,
                documents: r.get(3)?,
                metrics: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// What changed from snapshot `since` (none: from nothing) to `to`.
    pub fn changes(&self, since: Option<&str>, to: &str) -> Result<Changes, StoreError> {
        let from = since.unwrap_or("");
        let mut changes = Changes { since: since.map(str::to_owned), ..Changes::default() };
        let mut stmt = self.conn.prepare(CHANGED_DOCUMENTS)?;
        let docs = stmt.query_map(params![from, to], |r| Ok((r.get::<_, DocId>(0)?, r.get::<_, String>(1)?)))?;
        for d in docs {
            let (id, how) = d?;
            if how == "new" { changes.new_documents.push(id) } else { changes.changed_documents.push(id) }
        }
        changes.values = self.change_rows(CHANGED_VALUES, params![from, to])?;
        changes.newly_met = self.change_rows(NEWLY, params![from, to, "met"])?;
        changes.newly_missed = self.change_rows(NEWLY, params![from, to, "missed"])?;
        Ok(changes)
    }

    fn change_rows(&self, sql: &str, p: impl duckdb::Params) -> Result<Vec<Change>, StoreError> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map(p, |r| {
            Ok(Change {
                metric_id: r.get(0)?,
                metric: r.get(1)?,
                period: r.get(2)?,
                before: r.get(3)?,
                after: r.get(4)?,
                target: r.get(5)?,
                unit: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_between_two_snapshots() {
        let mut store = Store::open_in_memory().unwrap();
        let first = store.record_snapshot("2026-W01", "a", chrono::Utc::now().naive_utc()).unwrap();
        assert_eq!(first.documents, 0);
        let c = store.changes(None, "2026-W01").unwrap();
        assert!(c.is_empty(), "{c:?}");
        store
            .connection()
            .execute_batch(
                "INSERT INTO snapshot_documents VALUES ('2026-W02', 'a', 'h1'), ('2026-W01', 'b', 'h0'), ('2026-W02', 'b', 'h2');
                 INSERT INTO snapshot_values VALUES
                   ('2026-W01', 'value', 'm', '指标', '2025', 1, NULL, NULL),
                   ('2026-W02', 'value', 'm', '指标', '2025', 2, NULL, NULL),
                   ('2026-W01', 'target', 't', '目标', '2025', 5, 10, 'missed'),
                   ('2026-W02', 'target', 't', '目标', '2025', 12, 10, 'met'),
                   ('2026-W02', 'target', 'u', '另一', '2025', 1, 10, 'missed');",
            )
            .unwrap();
        let c = store.changes(Some("2026-W01"), "2026-W02").unwrap();
        assert_eq!(
            (c.new_documents.as_slice(), c.changed_documents.as_slice()),
            (&[DocId::from("a")][..], &[DocId::from("b")][..])
        );
        assert_eq!(c.values.len(), 1);
        assert_eq!((c.values[0].before, c.values[0].after), (Some(1.0), Some(2.0)));
        assert_eq!(c.newly_met.iter().map(|x| x.metric_id.as_str()).collect::<Vec<_>>(), ["t"]);
        assert_eq!(c.newly_missed.iter().map(|x| x.metric_id.as_str()).collect::<Vec<_>>(), ["u"]);
    }
}
