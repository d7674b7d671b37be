-- 没有实际数字回应的目标
-- Targets no figure answers, for periods a stored report covers (a goal
-- for a later year waits for that year's report), with the target's words.
SELECT metric_id,
       metric,
       period_label,
       target / scale AS target,
       display_unit AS unit,
       target_text,
       doc_id,
       "row",
       target_seq AS figure_seq
FROM attainment
WHERE actual IS NULL
  AND year(period_end) <= (SELECT max(year) FROM documents)
ORDER BY metric, period
