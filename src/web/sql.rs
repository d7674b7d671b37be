//! The SQL of the server's own pages, from `queries/pages/`: every value
//! an address carries reaches DuckDB as a bound parameter, never as text
//! inside a statement.

macro_rules! page_sql {
    ($($name:ident = $file:literal;)*) => {
        $(pub const $name: &str = include_str!(concat!("../../queries/pages/", $file));)*
    };
}

page_sql! {
    METRIC = "metric.sql";
    METRIC_CHART = "metric_chart.sql";
    METRIC_TARGETS = "metric_targets.sql";
    METRIC_OBSERVATIONS = "metric_observations.sql";
    DOCUMENT = "document.sql";
    DOCUMENT_ROWS = "document_rows.sql";
    ROW = "row.sql";
    ROW_FIGURES = "row_figures.sql";
    API_METRIC = "api_metric.sql";
    API_METRIC_SERIES = "api_metric_series.sql";
    API_METRIC_TARGETS = "api_metric_targets.sql";
    API_FIGURES = "api_figures.sql";
    API_METRICS = "api_metrics.sql";
    API_ATTAINMENT = "api_attainment.sql";
    API_DOCUMENTS = "api_documents.sql";
    INDEX_DOCUMENTS = "index_documents.sql";
    METRICS_LIST = "metrics_list.sql";
    SNAPSHOT_PAGES = "snapshot_pages.sql";
    SNAPSHOT_DOCUMENTS = "snapshot_documents.sql";
    SNAPSHOT_METRICS = "snapshot_metrics.sql";
}
