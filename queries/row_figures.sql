-- 某份报告某一行的全部数字
-- Every figure of one row, in reading order, with its sentence.
-- :doc is the document id (documents.id), :row the row number.
SELECT f.seq, f.col, f.text, f.value, f.unit, f.qualifier, f.kind, f.label, f.sentence
FROM figures f
WHERE f.doc_id = :doc AND f."row" = :row
ORDER BY f.seq
