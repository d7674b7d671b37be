-- Every table and view of the database with its columns, their types and
-- comments, for the console's schema list.
SELECT c.table_name,
       v.view_name IS NOT NULL AS is_view,
       coalesce(t.comment, v.comment) AS relation_comment,
       c.column_name,
       c.data_type,
       c.comment
FROM duckdb_columns() c
LEFT JOIN duckdb_tables() t ON t.table_name = c.table_name AND t.schema_name = c.schema_name
LEFT JOIN duckdb_views() v ON v.view_name = c.table_name AND v.schema_name = c.schema_name AND NOT v.internal
WHERE c.schema_name = 'main' AND c.database_name = current_database() AND (t.table_name IS NOT NULL OR v.view_name IS NOT NULL)
ORDER BY is_view, c.table_name, c.column_index
