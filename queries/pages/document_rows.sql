-- One document's rows, each with its number of figures. $1: document id.
-- (The figures are counted for this document alone, then joined: a
-- count per row correlated with all figures would scan them all.)
SELECT r.row, r.dimension, r.task, r.status, r.issue, coalesce(c.n, 0)
FROM rows r
LEFT JOIN (SELECT row, count(*) AS n FROM figures WHERE doc_id = $1 GROUP BY row) c ON c.row = r.row
WHERE r.doc_id = $1
ORDER BY r.row
