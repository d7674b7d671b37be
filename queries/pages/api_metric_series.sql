-- /api/metrics/{id}: its series. $1: metric id.
SELECT * FROM metric_series WHERE metric_id = $1 ORDER BY period_end
