-- 一个指标的逐期数值与目标
-- One point per period (reported over forecast over derived) with the
-- target set for that period, in display units. :metric is the metric id
-- (metrics.id; see the metric's page or `SELECT id, name FROM metrics`).
SELECT s.period_label,
       s.period_end,
       s.value / m.scale AS value,
       t.target / m.scale AS target,
       t.status,
       m.display_unit AS unit,
       s.basis,
       s.doc_id
FROM metric_series s
JOIN metrics m ON m.id = s.metric_id
LEFT JOIN latest_attainment t ON t.metric_id = s.metric_id AND t.period = s.period
WHERE s.metric_id = :metric
ORDER BY s.period_end
