-- One document's rows, each with its number of figures. $1: document id.
SELECT r.row, r.dimension, r.task, r.status, r.issue,
       (SELECT count(*) FROM figures f WHERE f.doc_id = r.doc_id AND f.row = r.row)
FROM rows r WHERE r.doc_id = $1 ORDER BY r.row
