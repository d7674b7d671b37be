-- Targets missed, furthest short first, with the words of both figures
-- (one per metric and period: the latest report's).
SELECT metric_id,
       metric,
       period_label,
       target_text,
       actual_text,
       ratio,
       shortfall / scale AS shortfall,
       display_unit AS unit,
       doc_id,
       "row"
FROM (
    SELECT a.*,
           row_number() OVER (PARTITION BY a.metric_id, a.period ORDER BY d.ingested_at DESC, a.doc_id DESC, a."row") AS pick
    FROM attainment a
    LEFT JOIN documents d ON d.id = a.doc_id
)
WHERE pick = 1 AND status = 'missed'
ORDER BY ratio NULLS LAST
