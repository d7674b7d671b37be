-- One metric's targets with their attainment, in display units. $1: metric
-- id, or NULL for every metric.
SELECT metric_id, period_label, comparator, target / scale AS target, actual / scale AS actual, ratio, status,
       display_unit AS unit, doc_id, row, coalesce(actual_seq, target_seq) AS figure_seq, target_text, actual_text
FROM attainment WHERE $1 IS NULL OR metric_id = $1 ORDER BY period, doc_id, row, figure_seq
