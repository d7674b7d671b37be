-- One document's facts. $1: document id.
SELECT coalesce(title, id), coalesce(org, ''), coalesce(period_label, ''), regexp_extract(path, '[^/\\]+$'), format, encoding,
       row_count, figure_count, ingested_at
FROM documents WHERE id = $1
