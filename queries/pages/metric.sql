-- One metric's head: name, display unit, source and review note.
-- $1: metric id, or NULL for every metric (a snapshot's pages, at once).
SELECT id AS metric_id, name, display_unit, source, review FROM metrics WHERE $1 IS NULL OR id = $1
