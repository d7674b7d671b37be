-- 全部增速与增减变化（同比、年均、较基年）
-- Every growth figure with the metric it was read as, its period and its
-- words, largest first.
SELECT o.metric_id,
       m.name AS metric,
       o.period_label,
       f.value,
       f.unit,
       f.text,
       o.doc_id,
       o."row"
FROM figures f
JOIN observations o ON o.doc_id = f.doc_id AND o.figure_seq = f.seq AND o.rate_seq IS NULL
JOIN metrics m ON m.id = o.metric_id
WHERE f.kind = 'growth'
ORDER BY f.value DESC, o.doc_id, o."row"
