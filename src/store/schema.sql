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
COMMENT ON COLUMN documents.encoding IS 'Text encoding the file was read in: UTF-8, gb18030, UTF-16LE.';
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
    sentence   VARCHAR NOT NULL
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
