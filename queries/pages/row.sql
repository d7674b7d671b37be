-- One row's cells, its document's title and the document's last row. $1: document id, $2: row.
SELECT r.dimension, r.task, r.status, r.issue, coalesce(d.title, d.id),
       (SELECT max(row) FROM rows x WHERE x.doc_id = r.doc_id)
FROM rows r JOIN documents d ON d.id = r.doc_id
WHERE r.doc_id = $1 AND r.row = $2
