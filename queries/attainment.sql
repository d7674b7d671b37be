-- 全部目标的完成情况，最差的在前
-- Every target against its actual, worst first, values in display units.
-- Columns: metric_id, metric, period, period_label, comparator, target,
-- actual, ratio, status, shortfall, unit, tolerance, doc_id, row,
-- figure_seq (the answering figure, else the target's), sentence.
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
FROM attainment
