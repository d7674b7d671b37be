-- The reports stored, newest period first, with their file names only
-- (`/api/documents`): the server's paths are not the reader's business.
SELECT id, regexp_extract(path, '[^/\\]+$') AS file, title, org, period, period_label, encoding, row_count, figure_count,
       ingested_at
FROM documents
ORDER BY period DESC NULLS LAST, id
