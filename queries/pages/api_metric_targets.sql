-- /api/metrics/{id}: its targets. $1: metric id.
SELECT * FROM attainment WHERE metric_id = $1 ORDER BY period
