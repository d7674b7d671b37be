-- One row's figures, where they stand in its cells. $1: document id, $2: row.
SELECT seq AS figure_seq, col, span_start, span_end, text, value, unit, qualifier, kind, label
FROM figures WHERE doc_id = $1 AND row = $2 ORDER BY seq
