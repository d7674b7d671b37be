-- How many targets were met, missed, only forecast or without data, per
-- reporting year; the last row is the latest year.
SELECT t.period_end AS period_end,
       t.period_label AS period,
       count(*) FILTER (WHERE status = 'met') AS met,
       count(*) FILTER (WHERE status = 'missed') AS missed,
       count(*) FILTER (WHERE status = 'forecast') AS forecast,
       count(*) FILTER (WHERE status = 'no_data') AS no_data,
       count(*) AS targets
FROM targets t
GROUP BY ALL
ORDER BY period_end
