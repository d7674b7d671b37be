-- One metric's line: its series (one value per period) and its targets, in
-- display units. $1: metric id, or NULL for every metric.
SELECT s.metric_id, s.metric, s.period_end, s.period_label, s.value / m.scale AS value, NULL::DOUBLE AS target,
       NULL::VARCHAR AS comparator, s.basis, m.display_unit AS unit, s.doc_id, s.row, s.figure_seq
FROM metric_series s JOIN metrics m ON m.id = s.metric_id
WHERE $1 IS NULL OR s.metric_id = $1
UNION ALL
SELECT t.metric_id, m.name, t.period_end, t.period_label, NULL, t.value / m.scale, t.comparator, NULL,
       m.display_unit, t.doc_id, t.row, t.target_seq
FROM targets t JOIN metrics m ON m.id = t.metric_id
WHERE $1 IS NULL OR t.metric_id = $1
ORDER BY period_end, target NULLS FIRST, doc_id, row, figure_seq
