-- Every metric, by name (`/api/metrics`).
SELECT id, name, unit, display_unit, scale, direction, source FROM metrics ORDER BY name
