-- 各类数字（目标、实际、预计、增速……）的个数
-- How many figures of each kind the reports hold.
SELECT CASE kind
           WHEN 'target' THEN '目标'
           WHEN 'actual' THEN '实际'
           WHEN 'growth' THEN '增速'
           WHEN 'share' THEN '占比'
           WHEN 'forecast' THEN '预计'
           ELSE '其他'
       END AS label,
       count(*) AS value,
       '个' AS unit
FROM figures
GROUP BY kind
ORDER BY value DESC
