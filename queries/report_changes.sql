-- 同一单位两份报告之间的变化
-- Each metric either report states, with its value in each (the figure
-- answering a target first, else the first stated) and the change.
-- :before and :after are document ids (documents.id), e.g. two years of
-- one agency's self-check table.
WITH stated AS (
    SELECT doc_id, metric_id, period_label,
           arg_min(value, (NOT answers_target, figure_seq)) AS value
    FROM observations
    WHERE doc_id IN (:before, :after) AND basis <> 'derived'
    GROUP BY doc_id, metric_id, period_label
),
latest AS (
    SELECT doc_id, metric_id, arg_max(value, period_label) AS value, max(period_label) AS period_label
    FROM stated GROUP BY doc_id, metric_id
)
SELECT m.name AS metric,
       b.period_label AS before_period,
       b.value / m.scale AS before_value,
       a.period_label AS after_period,
       a.value / m.scale AS after_value,
       (a.value - b.value) / m.scale AS change,
       round(100.0 * (a.value - b.value) / nullif(abs(b.value), 0), 1) AS change_percent,
       m.display_unit AS unit,
       CASE WHEN b.value IS NULL THEN '新出现' WHEN a.value IS NULL THEN '不再出现' ELSE '两份都有' END AS presence
FROM (SELECT * FROM latest WHERE doc_id = :before) b
FULL JOIN (SELECT * FROM latest WHERE doc_id = :after) a ON a.metric_id = b.metric_id
JOIN metrics m ON m.id = coalesce(a.metric_id, b.metric_id)
ORDER BY b.value IS NULL OR a.value IS NULL, abs(change_percent) DESC NULLS LAST, metric
