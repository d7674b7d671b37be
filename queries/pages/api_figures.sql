-- /api/figures: figures, each filter applied when given (NULL: any).
-- $1: document id, $2: row, $3: kind.
SELECT * FROM figures
WHERE ($1::VARCHAR IS NULL OR doc_id = $1)
  AND ($2::INTEGER IS NULL OR row = $2)
  AND ($3::VARCHAR IS NULL OR kind = $3)
ORDER BY doc_id, seq
