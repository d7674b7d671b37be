-- The metrics a snapshot holds, for its manifest.
SELECT id, name, unit FROM metrics ORDER BY id
