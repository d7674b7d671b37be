-- Targets missed, furthest short first, with the words of both figures.
SELECT a.metric_id,
       a.metric,
       a.period_label,
       a.target_text,
       a.actual_text,
       a.ratio,
       a.shortfall / a.scale AS shortfall,
       a.display_unit AS unit,
       a.doc_id,
       a."row"
FROM attainment a
WHERE a.status = 'missed'
ORDER BY a.ratio NULLS LAST
