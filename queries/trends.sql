-- 两期以上的可信指标序列及其目标
-- Every trusted metric with values for two or more periods, one point per period
-- (reported over forecast over derived), with the targets set for it.
-- Values in display units; one chart per metric (split on metric_id).
WITH tracked AS (
    -- Series flagged for review (metrics.review) stay off until confirmed.
    SELECT metric_id FROM metric_series
    WHERE metric_id IN (SELECT id FROM metrics WHERE review IS NULL)
    GROUP BY metric_id HAVING count(*) >= 2
)
SELECT s.metric_id,
       s.metric,
       s.period_end,
       s.period_label,
       s.value / m.scale AS value,
       NULL::DOUBLE AS target,
       NULL::VARCHAR AS comparator,
       s.basis,
       m.display_unit AS unit,
       s.doc_id,
       s."row",
       s.figure_seq
FROM metric_series s
JOIN metrics m ON m.id = s.metric_id
WHERE s.metric_id IN (SELECT metric_id FROM tracked)
UNION ALL
SELECT t.metric_id,
       m.name,
       t.period_end,
       t.period_label,
       NULL,
       t.value / m.scale,
       t.comparator,
       NULL,
       m.display_unit,
       t.doc_id,
       t."row",
       t.target_seq
FROM targets t
JOIN metrics m ON m.id = t.metric_id
WHERE t.metric_id IN (SELECT metric_id FROM tracked)
ORDER BY metric, period_end
