-- 各时期已完成、未完成与无数据的目标个数
-- How many targets were met, missed, only forecast or without data, per
-- period (one target per metric and period: the latest report's); the
-- last row is the latest period.
SELECT max(period_end) AS period_end,
       any_value(period_label) AS period,
       count(*) FILTER (WHERE status = 'met') AS met,
       count(*) FILTER (WHERE status = 'missed') AS missed,
       count(*) FILTER (WHERE status = 'forecast') AS forecast,
       count(*) FILTER (WHERE status = 'no_data') AS no_data,
       count(*) FILTER (WHERE status IN ('forecast', 'no_data')) AS unknown,
       count(*) AS targets
FROM latest_attainment
GROUP BY year(period_end)
ORDER BY period_end
