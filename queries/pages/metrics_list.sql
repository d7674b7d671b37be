-- Every metric with how many periods and targets it has (`/metrics`), the
-- most targeted first.
SELECT m.id AS metric_id, m.name AS metric, m.display_unit AS unit,
       (SELECT count(*) FROM metric_series s WHERE s.metric_id = m.id) AS periods,
       (SELECT count(*) FROM targets t WHERE t.metric_id = m.id) AS targets,
       CASE m.source WHEN 'catalogue' THEN '目录' ELSE '文本' END AS source
FROM metrics m
ORDER BY targets DESC, periods DESC, metric
