-- Every figure behind one metric, in display units. $1: metric id, or NULL
-- for every metric.
SELECT o.metric_id, o.period_label, o.value / m.scale AS value, m.display_unit AS unit, o.basis, f.text, o.doc_id,
       o.row, o.figure_seq
FROM observations o JOIN metrics m ON m.id = o.metric_id
LEFT JOIN figures f ON f.doc_id = o.doc_id AND f.seq = o.figure_seq
WHERE $1 IS NULL OR o.metric_id = $1
ORDER BY o.period_end, o.doc_id, o.row, o.figure_seq, o.basis
