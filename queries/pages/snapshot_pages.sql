-- Every page a snapshot writes besides the index, lists and dashboards: one
-- per metric and one per document, each kind in id order.
SELECT 'metric' AS kind, id FROM metrics
UNION ALL
SELECT 'document' AS kind, id FROM documents
ORDER BY kind DESC, id
