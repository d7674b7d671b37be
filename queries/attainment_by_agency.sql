-- 按单位和年份统计目标完成情况
-- One target per metric and period (the latest report's), grouped by the
-- agency that reported it (documents.org) and the target's year.
SELECT coalesce(d.org, '（未注明单位）') AS org,
       year(a.period_end) AS year,
       count(*) AS targets,
       count(*) FILTER (WHERE a.status = 'met') AS met,
       count(*) FILTER (WHERE a.status = 'missed') AS missed,
       count(*) FILTER (WHERE a.status IN ('forecast', 'no_data')) AS unknown,
       round(100.0 * count(*) FILTER (WHERE a.status = 'met')
             / nullif(count(*) FILTER (WHERE a.status IN ('met', 'missed')), 0), 1) AS met_percent
FROM latest_attainment a
JOIN documents d ON d.id = a.doc_id
GROUP BY 1, 2
ORDER BY 1, 2
