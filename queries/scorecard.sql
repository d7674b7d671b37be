-- How many targets were met, missed, only forecast or without data, per
-- period (one target per metric and period: the latest report's); the
-- last row is the latest period.
WITH one AS (
    SELECT t.*,
           row_number() OVER (PARTITION BY t.metric_id, t.period ORDER BY d.ingested_at DESC, t.doc_id DESC, t."row") AS pick
    FROM targets t
    LEFT JOIN documents d ON d.id = t.doc_id
)
SELECT max(period_end) AS period_end,
       any_value(period_label) AS period,
       count(*) FILTER (WHERE status = 'met') AS met,
       count(*) FILTER (WHERE status = 'missed') AS missed,
       count(*) FILTER (WHERE status = 'forecast') AS forecast,
       count(*) FILTER (WHERE status = 'no_data') AS no_data,
       count(*) FILTER (WHERE status IN ('forecast', 'no_data')) AS unknown,
       count(*) AS targets
FROM one
WHERE pick = 1
GROUP BY year(period_end)
ORDER BY period_end
