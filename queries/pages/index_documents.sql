-- The reports listed on the front page, newest period first.
SELECT id, title, org, period_label, row_count AS rows_n, figure_count AS figures_n
FROM documents
ORDER BY period DESC NULLS LAST, id
