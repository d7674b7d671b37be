-- 未完成的目标，差距最大的在前
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
FROM latest_attainment
WHERE status = 'missed'
ORDER BY ratio NULLS LAST, metric, period
