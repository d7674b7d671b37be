-- 已入库的报告，最近的时期在前
-- The reports stored, newest period first.
SELECT id, title, org, period_label, row_count, figure_count, encoding, ingested_at
FROM documents
ORDER BY period DESC NULLS LAST, id
