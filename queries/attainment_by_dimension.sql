-- 按领域（自查表的维度列）统计目标完成情况
-- One target per metric and period (the latest report's), grouped by the
-- dimension of the row that set it; rows without a dimension count as 未分类.
SELECT coalesce(nullif(r.dimension, ''), '未分类') AS dimension,
       count(*) AS targets,
       count(*) FILTER (WHERE a.status = 'met') AS met,
       count(*) FILTER (WHERE a.status = 'missed') AS missed,
       count(*) FILTER (WHERE a.status IN ('forecast', 'no_data')) AS unknown,
       round(100.0 * count(*) FILTER (WHERE a.status = 'met')
             / nullif(count(*) FILTER (WHERE a.status IN ('met', 'missed')), 0), 1) AS met_percent
FROM latest_attainment a
LEFT JOIN rows r ON r.doc_id = a.doc_id AND r."row" = a."row"
GROUP BY 1
ORDER BY missed DESC, targets DESC, dimension
