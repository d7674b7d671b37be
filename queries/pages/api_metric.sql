-- /api/metrics/{id}: the metric. $1: metric id.
SELECT id, name, unit, display_unit, scale, direction, source FROM metrics WHERE id = $1
