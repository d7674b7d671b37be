-- 当前记分卡：每个指标最近一期的目标与实际
-- The current scorecard: for each metric, its latest period's target
-- against its actual (when several reports state one for the same period,
-- the latest report's), worst first, values in display units.
SELECT metric_id,
       metric,
       period,
       period_label,
       comparator,
       target / scale AS target,
       actual / scale AS actual,
       ratio,
       status,
       shortfall / scale AS shortfall,
       display_unit AS unit,
       tolerance,
       doc_id,
       "row",
       coalesce(actual_seq, target_seq) AS figure_seq,
       sentence
FROM latest_attainment
QUALIFY row_number() OVER (PARTITION BY metric_id ORDER BY period_end DESC, reported_at DESC, doc_id DESC, "row") = 1
ORDER BY CASE status WHEN 'missed' THEN 0 WHEN 'forecast' THEN 1 WHEN 'no_data' THEN 2 ELSE 3 END,
         ratio NULLS LAST, metric
