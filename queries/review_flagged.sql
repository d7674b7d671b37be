-- 待核对的指标序列（相邻两期跳变过大等）
-- Series held back from the trends dashboard for a person's review: a jump
-- between consecutive points beyond the catalogue's jump_factor, or units
-- or scopes mixed. Confirm one in data/metrics.toml to put it back.
SELECT m.id AS metric_id,
       m.name AS metric,
       m.display_unit AS unit,
       (SELECT count(*) FROM metric_series s WHERE s.metric_id = m.id) AS periods,
       m.review AS reason
FROM metrics m
WHERE m.review IS NOT NULL
ORDER BY metric
