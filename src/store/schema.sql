-- zhibiao's DuckDB schema: every report, its rows, and every figure read
-- from them, each figure traceable to its document, row, column, character
-- span and sentence. Applied idempotently at every open; `meta` records the
-- schema version so an incompatible database is refused, not misread.
--
-- Keys are kept by the single writer (zhibiao ingest) rather than declared
-- as constraints: a document is replaced by deleting and re-appending its
-- rows inside one transaction, which DuckDB's index constraints make
-- needlessly awkward. The documented keys hold all the same.

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR NOT NULL,
    value VARCHAR NOT NULL
);
COMMENT ON TABLE meta IS 'Facts about this database file itself, such as the schema version.';
COMMENT ON COLUMN meta.key IS 'Name of the fact (schema_version).';
COMMENT ON COLUMN meta.value IS 'Its value, as text.';

CREATE TABLE IF NOT EXISTS documents (
    id           VARCHAR NOT NULL,
    path         VARCHAR NOT NULL,
    title        VARCHAR,
    org          VARCHAR,
    period       VARCHAR,
    period_label VARCHAR,
    year         INTEGER,
    from_month   TINYINT,
    to_month     TINYINT,
    encoding     VARCHAR NOT NULL,
    format       VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    bytes        BIGINT NOT NULL,
    row_count    INTEGER NOT NULL,
    figure_count INTEGER NOT NULL,
    ingested_at  TIMESTAMP NOT NULL
);
COMMENT ON TABLE documents IS 'One row per report file read; key: id.';
COMMENT ON COLUMN documents.id IS 'Document id: the file name without its extension (key).';
COMMENT ON COLUMN documents.path IS 'Path of the file as it was given to zhibiao ingest.';
COMMENT ON COLUMN documents.title IS 'The report''s title line, e.g. 市科委、中关村管委会2022年度…自查表.';
COMMENT ON COLUMN documents.org IS 'Reporting organisation: the title''s text before its year.';
COMMENT ON COLUMN documents.period IS 'Reporting period key: 2022, 2022H1, 2022Q3 or 2022M01-11.';
COMMENT ON COLUMN documents.period_label IS 'The period as a reader writes it: 2022年, 2022年上半年.';
COMMENT ON COLUMN documents.year IS 'Year of the reporting period.';
COMMENT ON COLUMN documents.from_month IS 'First month the period covers (1-12).';
COMMENT ON COLUMN documents.to_month IS 'Last month the period covers (1-12), inclusive.';
COMMENT ON COLUMN documents.encoding IS 'Text encoding the file was read in: UTF-8, gb18030, UTF-16LE, Big5 (Word, Excel and PDF files: UTF-8).';
COMMENT ON COLUMN documents.format IS 'The file format it was read as: tsv, csv, html, markdown, xlsx, docx, pdf, prose.';
COMMENT ON COLUMN documents.content_hash IS 'SHA-256 of the file''s bytes, hex; an unchanged hash means nothing to re-read.';
COMMENT ON COLUMN documents.bytes IS 'Size of the file in bytes.';
COMMENT ON COLUMN documents.row_count IS 'Number of data rows read from the file.';
COMMENT ON COLUMN documents.figure_count IS 'Number of figures extracted from the file.';
COMMENT ON COLUMN documents.ingested_at IS 'When this version of the file was stored (UTC).';

CREATE TABLE IF NOT EXISTS rows (
    doc_id    VARCHAR NOT NULL,
    "row"     INTEGER NOT NULL,
    line      INTEGER NOT NULL,
    dimension VARCHAR NOT NULL,
    task      VARCHAR NOT NULL,
    status    VARCHAR NOT NULL,
    issue     VARCHAR NOT NULL
);
COMMENT ON TABLE rows IS 'Data rows of each report, cells as plain text (markup removed); key: (doc_id, row).';
COMMENT ON COLUMN rows.doc_id IS 'Document the row belongs to (documents.id).';
COMMENT ON COLUMN rows."row" IS '1-based index of the data row in reading order, titles and headers excluded.';
COMMENT ON COLUMN rows.line IS 'Line of the source file where the row starts.';
COMMENT ON COLUMN rows.dimension IS 'Grouping cell (考评维度), carried down from the row above when empty.';
COMMENT ON COLUMN rows.task IS 'The task cell (自查内容/年度任务): what was to be done.';
COMMENT ON COLUMN rows.status IS 'The status cell (落实情况): what was done.';
COMMENT ON COLUMN rows.issue IS 'The issue cell (存在问题及原因): problems and their causes.';

CREATE TABLE IF NOT EXISTS figures (
    doc_id     VARCHAR NOT NULL,
    "row"      INTEGER NOT NULL,
    col        VARCHAR NOT NULL,
    seq        INTEGER NOT NULL,
    text       VARCHAR NOT NULL,
    value      DOUBLE NOT NULL,
    unit       VARCHAR NOT NULL,
    qualifier  VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,
    label      VARCHAR NOT NULL,
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    sentence   VARCHAR NOT NULL,
    sentence_start INTEGER NOT NULL
);
COMMENT ON TABLE figures IS 'Every quantitative figure extracted from the reports (see FORMAT.md); key: (doc_id, seq).';
COMMENT ON COLUMN figures.doc_id IS 'Document the figure was read from (documents.id).';
COMMENT ON COLUMN figures."row" IS 'Data row the figure was read from (rows.row).';
COMMENT ON COLUMN figures.col IS 'Cell it was read from: task, status or issue.';
COMMENT ON COLUMN figures.seq IS '1-based position of the figure in its document, in reading order.';
COMMENT ON COLUMN figures.text IS 'The words as written, qualifier included: 超过170个, 14%左右, 近19万人次.';
COMMENT ON COLUMN figures.value IS 'The number with multipliers applied (万 = 1e4, 亿 = 1e8); money in 元; a percentage as its percent number; decreases negative.';
COMMENT ON COLUMN figures.unit IS 'Measure word or unit, normalised: 个, 家, 人次, 元, %, 百分点, 片/月, MPa.';
COMMENT ON COLUMN figures.qualifier IS 'exact, approx (约/左右), more_than (余/多/超过/以上), at_least (不低于), nearly (近), less_than (不足), at_most (不超过/以内).';
COMMENT ON COLUMN figures.kind IS 'target (goal or plan), forecast (预计), growth (change rate), share (占/比例), actual (achieved or counted), other.';
COMMENT ON COLUMN figures.label IS 'Short noun phrase naming what is counted, e.g. 氢燃料电池车.';
COMMENT ON COLUMN figures.span_start IS 'Character offset (0-based, inclusive) of text in the cell''s plain text.';
COMMENT ON COLUMN figures.span_end IS 'Character offset (exclusive) of the end of text in the cell''s plain text.';
COMMENT ON COLUMN figures.sentence IS 'The sentence the figure was read from.';
COMMENT ON COLUMN figures.sentence_start IS 'Character offset of the sentence in the cell; span_start - sentence_start is the figure''s place in it.';

-- Derived from the tables above and data/metrics.toml by zhibiao ingest,
-- rebuilt whole (in one transaction) whenever a document or the catalogue
-- changes.

CREATE TABLE IF NOT EXISTS metrics (
    id           VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    unit         VARCHAR NOT NULL,
    display_unit VARCHAR NOT NULL,
    scale        DOUBLE NOT NULL,
    direction    VARCHAR,
    source       VARCHAR NOT NULL,
    review       VARCHAR
);
COMMENT ON TABLE metrics IS 'What is counted and in which unit; a metric spans documents and years; key: id.';
COMMENT ON COLUMN metrics.id IS 'Stable id: the catalogue''s, or m- and 8 hex digits of the hash of name (with its aggregation) and unit (key).';
COMMENT ON COLUMN metrics.name IS 'Display name: the catalogue''s, or the name of what is counted (its subject carried from the sentence, years and modifiers of time and action stripped) with its aggregation (新增…, 累计…, …增速, …年均增速, …较基年变化, …环比).';
COMMENT ON COLUMN metrics.unit IS 'Unit of the values, as figures.unit (元 for money).';
COMMENT ON COLUMN metrics.display_unit IS 'Unit to show values in, e.g. 亿元 for money.';
COMMENT ON COLUMN metrics.scale IS 'Base units in one display unit (1e8 for 亿元 over 元): display value = value / scale.';
COMMENT ON COLUMN metrics.direction IS 'higher or lower is better, from the catalogue; NULL when only targets imply it.';
COMMENT ON COLUMN metrics.source IS 'catalogue (curated in data/metrics.toml) or text (found in reports).';
COMMENT ON COLUMN metrics.review IS 'Why the series needs review before it is drawn as one line (consecutive values differ by more than the catalogue''s jump_factor); NULL when it can be trusted. Flagged series are kept off the trends dashboard and listed on /review.';

CREATE TABLE IF NOT EXISTS observations (
    metric_id    VARCHAR NOT NULL,
    doc_id       VARCHAR NOT NULL,
    "row"        INTEGER NOT NULL,
    figure_seq   INTEGER NOT NULL,
    rate_seq     INTEGER,
    period       VARCHAR NOT NULL,
    period_label VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,
    value        DOUBLE NOT NULL,
    basis        VARCHAR NOT NULL,
    answers_target BOOLEAN NOT NULL
);
COMMENT ON TABLE observations IS 'Values of metrics at periods, each traced to the figure it came from.';
COMMENT ON COLUMN observations.metric_id IS 'The metric observed (metrics.id).';
COMMENT ON COLUMN observations.doc_id IS 'Document of the figure (documents.id).';
COMMENT ON COLUMN observations."row" IS 'Row of the figure (rows.row).';
COMMENT ON COLUMN observations.figure_seq IS 'The figure (figures.seq in doc_id); for a derived value, the count the rate applied to.';
COMMENT ON COLUMN observations.rate_seq IS 'For a derived value, the growth figure (figures.seq) that implied it; else NULL.';
COMMENT ON COLUMN observations.period IS 'Period key the value holds for: the figure''s own (2022年1-11月 → 2022M01-11) or its document''s.';
COMMENT ON COLUMN observations.period_label IS 'The period as a reader writes it: 2022年1-11月.';
COMMENT ON COLUMN observations.period_start IS 'First day of the period.';
COMMENT ON COLUMN observations.period_end IS 'Last day of the period: the time axis of series.';
COMMENT ON COLUMN observations.value IS 'The value in metrics.unit.';
COMMENT ON COLUMN observations.answers_target IS 'The figure answers a target of this metric: the headline value, preferred in metric_series over other mentions in the same report.';
COMMENT ON COLUMN observations.basis IS 'reported (stated as achieved), forecast (预计), or derived (prior period implied by a growth rate; never a reported value).';

CREATE TABLE IF NOT EXISTS targets (
    metric_id     VARCHAR NOT NULL,
    doc_id        VARCHAR NOT NULL,
    "row"         INTEGER NOT NULL,
    period        VARCHAR NOT NULL,
    period_label  VARCHAR NOT NULL,
    period_end    DATE NOT NULL,
    value         DOUBLE NOT NULL,
    comparator    VARCHAR NOT NULL,
    direction     VARCHAR NOT NULL,
    tolerance     DOUBLE NOT NULL,
    target_seq    INTEGER,
    actual_seq    INTEGER,
    actual_value  DOUBLE,
    actual_period VARCHAR,
    status        VARCHAR NOT NULL,
    ratio         DOUBLE,
    shortfall     DOUBLE,
    source        VARCHAR NOT NULL
);
COMMENT ON TABLE targets IS 'Targets, each with the actual that answers it and the judgement.';
COMMENT ON COLUMN targets.metric_id IS 'The metric targeted (metrics.id).';
COMMENT ON COLUMN targets.doc_id IS 'Document stating the target (or, for a catalogue target, holding its actual; empty if none).';
COMMENT ON COLUMN targets."row" IS 'Row stating the target (0 for a catalogue target without an actual).';
COMMENT ON COLUMN targets.period IS 'Period the target is for (period key).';
COMMENT ON COLUMN targets.period_label IS 'The period as a reader writes it.';
COMMENT ON COLUMN targets.period_end IS 'Last day of the period.';
COMMENT ON COLUMN targets.value IS 'Target value in metrics.unit.';
COMMENT ON COLUMN targets.comparator IS 'at_least (不低于/以上), about (左右/约, within tolerance), at_most (不超过/以内), exact.';
COMMENT ON COLUMN targets.direction IS 'higher or lower is better: the catalogue''s, else lower for at_most bounds and cuts, higher otherwise.';
COMMENT ON COLUMN targets.tolerance IS 'Relative half-width of the band of an about target (settings.approx_tolerance).';
COMMENT ON COLUMN targets.target_seq IS 'The target figure (figures.seq); NULL when set in the catalogue.';
COMMENT ON COLUMN targets.actual_seq IS 'The figure answering the target (figures.seq); NULL when none does.';
COMMENT ON COLUMN targets.actual_value IS 'The answering value in the target''s unit.';
COMMENT ON COLUMN targets.actual_period IS 'Period key of the answering value.';
COMMENT ON COLUMN targets.status IS 'met, missed, forecast (only a forecast or plan answers it), no_data.';
COMMENT ON COLUMN targets.ratio IS 'Attainment: actual_value / value.';
COMMENT ON COLUMN targets.shortfall IS 'How far the actual is from meeting the target, in metrics.unit (0 when met).';
COMMENT ON COLUMN targets.source IS 'text, or catalogue when data/metrics.toml set or corrected it.';

-- Weekly snapshots (zhibiao snapshot, and the server's schedule): what each
-- one showed, so the next can say what changed since.
CREATE TABLE IF NOT EXISTS snapshots (
    id        VARCHAR NOT NULL,
    taken_at  TIMESTAMP NOT NULL,
    folder    VARCHAR NOT NULL,
    documents INTEGER NOT NULL,
    metrics   INTEGER NOT NULL
);
COMMENT ON TABLE snapshots IS 'Snapshots taken, one row each (key: id). The latest per id is kept.';
COMMENT ON COLUMN snapshots.id IS 'The ISO week it is for (2026-W49), also its folder name.';
COMMENT ON COLUMN snapshots.taken_at IS 'When it was written (UTC).';
COMMENT ON COLUMN snapshots.folder IS 'Where it was written.';
COMMENT ON COLUMN snapshots.documents IS 'Documents it showed.';
COMMENT ON COLUMN snapshots.metrics IS 'Metrics it showed.';

CREATE TABLE IF NOT EXISTS snapshot_documents (
    snapshot     VARCHAR NOT NULL,
    doc_id       VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL
);
COMMENT ON TABLE snapshot_documents IS 'The documents each snapshot showed, with their content hash: a new or changed document since the previous snapshot is one whose hash is new.';
COMMENT ON COLUMN snapshot_documents.snapshot IS 'snapshots.id';
COMMENT ON COLUMN snapshot_documents.doc_id IS 'documents.id';
COMMENT ON COLUMN snapshot_documents.content_hash IS 'documents.content_hash at the time.';

CREATE TABLE IF NOT EXISTS snapshot_values (
    snapshot  VARCHAR NOT NULL,
    kind      VARCHAR NOT NULL,
    metric_id VARCHAR NOT NULL,
    metric    VARCHAR NOT NULL,
    period    VARCHAR NOT NULL,
    value     DOUBLE,
    target    DOUBLE,
    status    VARCHAR
);
COMMENT ON TABLE snapshot_values IS 'The values each snapshot showed: every reported value of every metric (kind value) and every latest target with its status (kind target).';
COMMENT ON COLUMN snapshot_values.snapshot IS 'snapshots.id';
COMMENT ON COLUMN snapshot_values.kind IS 'value (a reported observation) or target (a target and its attainment).';
COMMENT ON COLUMN snapshot_values.metric_id IS 'metrics.id';
COMMENT ON COLUMN snapshot_values.metric IS 'The metric''s name at the time.';
COMMENT ON COLUMN snapshot_values.period IS 'Period key.';
COMMENT ON COLUMN snapshot_values.value IS 'The reported value, or the target''s actual, in metrics.unit.';
COMMENT ON COLUMN snapshot_values.target IS 'The target value (kind target).';
COMMENT ON COLUMN snapshot_values.status IS 'The target''s status (kind target): met, missed, forecast, no_data.';

-- Attainment for people: every target with its metric, the words of both figures
-- and the sentence, worst first (missed by lowest ratio, then forecasts,
-- then no data, then met).
CREATE OR REPLACE VIEW attainment AS
SELECT
    t.metric_id,
    m.name AS metric,
    m.unit,
    m.display_unit,
    m.scale,
    t.period,
    t.period_label,
    t.period_end,
    t.comparator,
    t.value AS target,
    t.actual_value AS actual,
    t.ratio,
    t.status,
    t.shortfall,
    t.direction,
    t.tolerance,
    t.doc_id,
    t."row",
    t.target_seq,
    t.actual_seq,
    tf.text AS target_text,
    af.text AS actual_text,
    coalesce(af.sentence, tf.sentence) AS sentence,
    t.source
FROM targets t
JOIN metrics m ON m.id = t.metric_id
LEFT JOIN figures tf ON tf.doc_id = t.doc_id AND tf.seq = t.target_seq
LEFT JOIN figures af ON af.doc_id = t.doc_id AND af.seq = t.actual_seq
ORDER BY
    CASE t.status WHEN 'missed' THEN 0 WHEN 'forecast' THEN 1 WHEN 'no_data' THEN 2 ELSE 3 END,
    CASE WHEN t.direction = 'lower' THEN -t.ratio ELSE t.ratio END NULLS LAST,
    m.name, t.period;
COMMENT ON VIEW attainment IS 'Every target against its actual, worst first; what leaders read.';

-- One target per metric and period: the latest report's, since a later
-- report restates or revises what an earlier one set. Scorecards count
-- these, so that a target is met or missed once, however often it is stated.
CREATE OR REPLACE VIEW latest_attainment AS
SELECT * EXCLUDE (pick)
FROM (
    SELECT a.*,
           d.ingested_at AS reported_at,
           row_number() OVER (PARTITION BY a.metric_id, a.period ORDER BY d.ingested_at DESC, a.doc_id DESC, a."row") AS pick
    FROM attainment a
    LEFT JOIN documents d ON d.id = a.doc_id
)
WHERE pick = 1;
COMMENT ON VIEW latest_attainment IS 'attainment, one target per metric and period (the latest report''s), with reported_at: when that report was stored.';

-- One point per metric and period: a reported value beats a forecast, which
-- beats a value derived from a growth rate; among equals, the latest
-- document wins, and within it the figure that answers a target, then the
-- first mentioned.
CREATE OR REPLACE VIEW metric_series AS
SELECT metric_id, name AS metric, unit, display_unit, period, period_label, period_start, period_end,
       value, basis, doc_id, "row", figure_seq, observations_at_period
FROM (
    SELECT o.*, m.name, m.unit, m.display_unit,
           count(*) OVER (PARTITION BY o.metric_id, o.period) AS observations_at_period,
           row_number() OVER (
               PARTITION BY o.metric_id, o.period
               ORDER BY CASE o.basis WHEN 'reported' THEN 0 WHEN 'forecast' THEN 1 ELSE 2 END,
                        d.period DESC NULLS LAST, d.ingested_at DESC, o.doc_id DESC,
                        o.answers_target DESC, o.figure_seq
           ) AS pick
    FROM observations o
    JOIN metrics m ON m.id = o.metric_id
    JOIN documents d ON d.id = o.doc_id
)
WHERE pick = 1
ORDER BY metric_id, period_end, period;
COMMENT ON VIEW metric_series IS 'One value per metric and period, reported over forecast over derived; the time series charts draw.';
