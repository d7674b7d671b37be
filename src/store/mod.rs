//! The DuckDB database: opening it with the schema, and replacing
//! documents whole.
//!
//! A document is replaced in one transaction (delete its old rows and
//! figures, append the new ones with DuckDB's Appender), so a reader never
//! sees half a document, and a failure leaves the previous version intact.
//! Several documents may share one transaction: the batch is the unit of
//! commit, which keeps 1,000-file ingests fast.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use duckdb::{Connection, params};

use crate::document::{Column, Document, Format, Row, period};
use crate::extract::{Figure, Kind, Qualifier};
use crate::id::{DocId, MetricId};
use crate::metrics::Derived;

pub mod direct;
mod snapshots;
pub use snapshots::{Change, Changes, SnapshotRecord};

/// The schema, applied idempotently at every open.
pub const SCHEMA: &str = include_str!("schema.sql");

/// Bumped whenever a table changes shape. The database is derived from the
/// documents, so an older file is rebuilt (its tables dropped; the next
/// ingest reads every document again); a newer one is refused.
pub const SCHEMA_VERSION: u32 = 6;

/// The `meta` key recording what the derived tables were built from.
const DERIVED_FROM: &str = "derived_from";

/// The `meta` key holding the fingerprint of the schema text last applied.
const SCHEMA_APPLIED: &str = "schema_applied";

/// The `meta` key naming one writing of the derived tables (see
/// [`Store::replace_derived`]).
const DERIVED_TOKEN: &str = "derived_token";

/// Everything the schema creates, dropped when an older schema is rebuilt.
const VIEWS: &[&str] = &["latest_attainment", "attainment", "metric_series"];
const TABLES: &[&str] = &[
    "documents",
    "rows",
    "figures",
    "metrics",
    "observations",
    "targets",
    "snapshots",
    "snapshot_documents",
    "snapshot_values",
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: cannot open database: {source}")]
    Open { path: String, source: duckdb::Error },
    #[error(
        "{path}: database schema version {found} is newer than version {SCHEMA_VERSION} of this zhibiao; \
         use a newer zhibiao or move the file aside"
    )]
    Version { path: String, found: String },
    #[error("{path}: no database here; run `zhibiao ingest` first")]
    Missing { path: String },
    #[error(
        "{path}: database schema version {} is not version {SCHEMA_VERSION} of this zhibiao; \
         run `zhibiao ingest` to rebuild it",
        found.map_or_else(|| "unknown".to_owned(), |v| v.to_string())
    )]
    Outdated { path: String, found: Option<u32> },
    #[error(
        "corrupt database: {column} holds {value:?}, which this zhibiao never writes; run `zhibiao ingest` on a new file"
    )]
    Corrupt { column: &'static str, value: String },
    #[error("database error: {0}")]
    Db(#[from] duckdb::Error),
}

/// A database that would not open, naming the file and, when another
/// process holds it (DuckDB allows one writer, or readers only), who to
/// stop.
fn open_error(path: &Path, source: duckdb::Error) -> StoreError {
    let busy = source.to_string().contains("Could not set lock");
    let path = if busy {
        format!("{} (in use by another process, such as a running `zhibiao serve`)", path.display())
    } else {
        path.display().to_string()
    };
    StoreError::Open { path, source }
}

/// DuckDB's settings for a sandboxed reader, in the order they must be
/// given: file and network access off, extensions neither installed nor
/// loaded, memory capped, at most `threads` threads, and the configuration
/// locked last, so that no `SET` undoes the rest.
fn sandbox(memory_limit: &str, threads: Option<i64>) -> Vec<(&'static str, String)> {
    let mut options = vec![
        ("enable_external_access", "false".to_owned()),
        ("autoinstall_known_extensions", "false".to_owned()),
        ("autoload_known_extensions", "false".to_owned()),
        ("max_memory", memory_limit.to_owned()),
    ];
    if let Some(n) = threads {
        options.push(("threads", n.to_string()));
    }
    options.push(("lock_configuration", "true".to_owned()));
    options
}

/// The schema version recorded in `meta`, `None` when there is none (a new
/// or foreign database). A value that is not a number is an error: the
/// file is not one this zhibiao wrote, and nothing in it is dropped.
fn schema_version(conn: &Connection, path: &str) -> Result<Option<u32>, StoreError> {
    let has_meta: bool = conn.query_row(
        "SELECT count(*) > 0 FROM duckdb_tables() WHERE table_name = 'meta' AND schema_name = 'main'",
        [],
        |r| r.get(0),
    )?;
    if !has_meta {
        return Ok(None);
    }
    let mut stmt = conn.prepare("SELECT value FROM meta WHERE key = 'schema_version'")?;
    let mut rows = stmt.query([])?;
    let Some(row) = rows.next()? else { return Ok(None) };
    let value: String = row.get(0)?;
    value.trim().parse().map(Some).map_err(|_| StoreError::Version { path: path.to_owned(), found: value })
}

/// The `&'static` name of an encoding read back from the database.
fn known_encoding(name: &str) -> Option<&'static str> {
    ["UTF-8", "gb18030", "UTF-16LE", "UTF-16BE", "Big5"].into_iter().find(|e| *e == name)
}

/// A stored value this zhibiao never writes: the row is corrupt, and
/// reading it as some default would hide that.
fn corrupt(column: &'static str, value: &str) -> StoreError {
    StoreError::Corrupt { column, value: value.to_owned() }
}

/// The keys (`key` of each row) whose rows differ between `before` and
/// `after`: the groups to delete and write again.
fn changed_keys<'a, T: PartialEq>(before: &'a [T], after: &'a [T], key: fn(&T) -> &str) -> HashSet<&'a str> {
    let group = |rows: &'a [T]| {
        let mut groups: HashMap<&'a str, Vec<&'a T>> = HashMap::new();
        for r in rows {
            groups.entry(key(r)).or_default().push(r);
        }
        groups
    };
    let (before, after) = (group(before), group(after));
    let mut changed: HashSet<&str> = before.keys().filter(|k| !after.contains_key(*k)).copied().collect();
    changed.extend(after.iter().filter(|(k, rows)| before.get(*k) != Some(*rows)).map(|(k, _)| *k));
    changed
}

/// Puts `ids` in the temporary table `table` (one `id` column), emptied
/// first: how a statement is given many ids, appended like any data, never
/// quoted into SQL. `table` is this module's name, never input.
fn stage(conn: &Connection, table: &str, ids: impl IntoIterator<Item = impl AsRef<str>>) -> Result<(), StoreError> {
    conn.execute_batch(&format!("CREATE TEMP TABLE IF NOT EXISTS {table} (id VARCHAR); DELETE FROM {table};"))?;
    let mut app = conn.appender(table)?;
    for id in ids {
        app.append_row([id.as_ref()])?;
    }
    app.flush()?;
    Ok(())
}

/// Deletes the rows of `table` whose `column` is among `keys`, or all of
/// them. The keys go through a temporary table, appended like any data.
fn clear(tx: &duckdb::Transaction, table: &str, column: &str, keys: Option<&HashSet<&str>>) -> Result<(), StoreError> {
    // `table` and `column` are this module's names, never input.
    let Some(keys) = keys else {
        tx.execute_batch(&format!("DELETE FROM {table}"))?;
        return Ok(());
    };
    if keys.is_empty() {
        return Ok(());
    }
    stage(tx, "replacing", keys.iter())?;
    tx.execute_batch(&format!(
        "DELETE FROM {table} WHERE {column} IN (SELECT id FROM replacing); DELETE FROM replacing;"
    ))?;
    Ok(())
}

/// A document read and mined, ready to be stored.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub document: Document,
    pub figures: Vec<Figure>,
    pub path: String,
    pub content_hash: String,
    pub bytes: u64,
}

/// What the store knows of a document before reading its file again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDoc {
    pub content_hash: String,
    pub path: String,
}

/// The writer's handle on the database file.
pub struct Store {
    conn: Connection,
    /// Set when the file had an older schema and was rebuilt empty.
    pub upgraded_from: Option<u32>,
}

/// One line of the `attainment` view.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AttainmentRow {
    pub metric_id: MetricId,
    pub metric: String,
    pub unit: String,
    pub display_unit: String,
    pub scale: f64,
    pub period: String,
    pub period_label: String,
    pub comparator: String,
    pub target: f64,
    pub actual: Option<f64>,
    pub ratio: Option<f64>,
    pub status: String,
    pub shortfall: Option<f64>,
    pub doc_id: DocId,
    pub row: i32,
    pub target_text: Option<String>,
    pub actual_text: Option<String>,
    pub sentence: Option<String>,
    pub source: String,
}

/// Totals over the whole database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub documents: u64,
    pub rows: u64,
    pub figures: u64,
}

impl Store {
    /// Opens (creating if needed) a database file and applies the schema.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path).map_err(|source| open_error(path, source))?;
        Store::init(conn, &path.display().to_string())
    }

    /// Opens an existing database for reading only: no schema is applied
    /// and nothing is ever dropped. A database of another schema version,
    /// or one that was never initialised, is an error that says what to
    /// run. Used by the commands that only read (`metrics`, `check`).
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        Store::open_with(path, duckdb::Config::default())
    }

    /// Opens an existing database read-only for serving pages, as a
    /// sandbox: DuckDB's file and network access is off (a read-only
    /// connection would otherwise still run `read_csv('/etc/passwd')` or
    /// `COPY … TO`), the configuration is locked so no `SET` turns it back
    /// on, and DuckDB's memory is capped at `memory_limit` (`'96MB'`).
    pub fn open_sandboxed(path: &Path, memory_limit: &str) -> Result<Store, StoreError> {
        Store::open_sandboxed_with(path, memory_limit, None)
    }

    /// [`Store::open_sandboxed`], its queries on at most `threads` threads:
    /// the analysts' console is its own database instance, so that its
    /// heaviest query leaves cores to the pages.
    pub fn open_sandboxed_with(path: &Path, memory_limit: &str, threads: Option<i64>) -> Result<Store, StoreError> {
        let fail = |source| StoreError::Open { path: path.display().to_string(), source };
        let mut config = duckdb::Config::default();
        for (name, value) in sandbox(memory_limit, threads) {
            config = config.with(name, &value).map_err(fail)?;
        }
        Store::open_with(path, config)
    }

    /// The instance of [`Store::open_sandboxed_with`] for statements run
    /// once ([`direct::Database::session`]), and a store over it, checked
    /// for this zhibiao's schema.
    ///
    /// # Safety
    /// The store's connection, and every connection cloned from it, calls
    /// into the instance when cloned: no clone may be made after the
    /// database is dropped (one made before stays usable).
    pub unsafe fn open_sandboxed_direct(
        path: &Path,
        memory_limit: &str,
        threads: Option<i64>,
    ) -> Result<(direct::Database, Store), StoreError> {
        let display = path.display().to_string();
        if !path.is_file() {
            return Err(StoreError::Missing { path: display });
        }
        let mut options = vec![("access_mode", "READ_ONLY".to_owned())];
        options.extend(sandbox(memory_limit, threads));
        let options: Vec<(&str, &str)> = options.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let db = direct::Database::open(path, &options).map_err(|source| open_error(path, source))?;
        // SAFETY: passed on to the caller.
        let conn = unsafe { db.connection() }.map_err(|source| open_error(path, source))?;
        Ok((db, Store::checked(conn, display)?))
    }

    fn open_with(path: &Path, config: duckdb::Config) -> Result<Store, StoreError> {
        let display = path.display().to_string();
        if !path.is_file() {
            return Err(StoreError::Missing { path: display });
        }
        let config = config
            .access_mode(duckdb::AccessMode::ReadOnly)
            .map_err(|source| StoreError::Open { path: display.clone(), source })?;
        let conn = Connection::open_with_flags(path, config).map_err(|source| open_error(path, source))?;
        Store::checked(conn, display)
    }

    /// A store over `conn` if its database has this zhibiao's schema.
    fn checked(conn: Connection, display: String) -> Result<Store, StoreError> {
        match schema_version(&conn, &display)? {
            Some(SCHEMA_VERSION) => Ok(Store { conn, upgraded_from: None }),
            Some(v) if v > SCHEMA_VERSION => Err(StoreError::Version { path: display, found: v.to_string() }),
            found => Err(StoreError::Outdated { path: display, found }),
        }
    }

    /// A store over a connection opened elsewhere (a page's read-only
    /// one), for its reading methods.
    pub fn reading(conn: Connection) -> Store {
        Store { conn, upgraded_from: None }
    }

    /// An in-memory copy of the database at `path`, with every view
    /// materialised as a table of the same name. A snapshot renders
    /// hundreds of pages, each asking the views for one metric: asked of
    /// tables computed once, each answer is a scan instead of a window over
    /// everything. The copy is read by the snapshot alone and dropped after.
    pub fn frozen_copy(path: &Path) -> Result<Connection, StoreError> {
        let display = path.display().to_string();
        let conn = Connection::open_in_memory()?;
        // The path is ours (the database being snapshotted), not a reader's
        // input; ATTACH takes no bound parameter.
        let quoted = display.replace('\'', "''");
        conn.execute_batch(&format!("ATTACH '{quoted}' AS src (READ_ONLY)"))
            .map_err(|source| open_error(path, source))?;
        for name in ["meta"].iter().chain(TABLES).chain(VIEWS) {
            conn.execute_batch(&format!("CREATE TABLE main.{name} AS FROM src.{name}"))?;
        }
        // Its queries are small and many, run from several threads at
        // once: DuckDB's own parallelism would only contend with them.
        conn.execute_batch("DETACH src; SET threads = 1")?;
        Ok(conn)
    }

    /// An in-memory database, for tests and one-off runs.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::init(Connection::open_in_memory()?, ":memory:")
    }

    fn init(conn: Connection, path: &str) -> Result<Store, StoreError> {
        conn.execute_batch("CREATE TABLE IF NOT EXISTS meta (key VARCHAR NOT NULL, value VARCHAR NOT NULL)")?;
        let found = schema_version(&conn, path)?;
        let mut upgraded_from = None;
        match found {
            Some(v) if v > SCHEMA_VERSION => {
                return Err(StoreError::Version { path: path.to_owned(), found: v.to_string() });
            }
            Some(v) if v < SCHEMA_VERSION => {
                let tx = conn.unchecked_transaction()?;
                for view in VIEWS {
                    tx.execute_batch(&format!("DROP VIEW IF EXISTS {view}"))?;
                }
                for table in TABLES {
                    tx.execute_batch(&format!("DROP TABLE IF EXISTS {table}"))?;
                }
                tx.execute_batch("DELETE FROM meta")?;
                tx.commit()?;
                upgraded_from = Some(v);
            }
            _ => {}
        }
        // The schema is a hundred statements (most of them comments), each
        // a change to the catalogue: applied to a file that has it already,
        // they are a fifth of a second of every refresh. The file records
        // the text it was given; the same text is not applied again.
        let schema_hash = crate::ingest::fingerprint(SCHEMA);
        let applied = |conn: &Connection| -> Result<Option<String>, duckdb::Error> {
            let mut stmt = conn.prepare("SELECT value FROM meta WHERE key = ?")?;
            let mut rows = stmt.query([SCHEMA_APPLIED])?;
            rows.next()?.map(|r| r.get(0)).transpose()
        };
        if upgraded_from.is_some() || found != Some(SCHEMA_VERSION) || applied(&conn)? != Some(schema_hash.clone()) {
            let tx = conn.unchecked_transaction()?;
            tx.execute_batch(SCHEMA)?;
            if found != Some(SCHEMA_VERSION) {
                tx.execute("INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION.to_string()])?;
            }
            tx.execute("DELETE FROM meta WHERE key = ?", [SCHEMA_APPLIED])?;
            tx.execute("INSERT INTO meta VALUES (?, ?)", [SCHEMA_APPLIED, &schema_hash])?;
            tx.commit()?;
        }
        Ok(Store { conn, upgraded_from })
    }

    /// A fact recorded in `meta`.
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT value FROM meta WHERE key = ?")?;
        let mut rows = stmt.query([key])?;
        Ok(match rows.next()? {
            Some(r) => Some(r.get(0)?),
            None => None,
        })
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Content hash and source path of every stored document, by id.
    pub fn stored(&self) -> Result<HashMap<DocId, StoredDoc>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT id, content_hash, path FROM documents")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, DocId>(0)?, StoredDoc { content_hash: r.get(1)?, path: r.get(2)? })))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replaces each document (its row in `documents`, its rows and
    /// figures) in one transaction: all of the batch is stored, or none.
    pub fn replace(&mut self, batch: &[Prepared]) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        {
            // One delete per table for the whole batch: a delete scans its
            // table, and a statement per document would scan it a thousand
            // times on a large ingest. The ids go through a temporary
            // table, appended like any data, never quoted into SQL.
            stage(&tx, "replacing", batch.iter().map(|p| &p.document.id))?;
            tx.execute_batch(
                "DELETE FROM documents WHERE id IN (SELECT id FROM replacing);
                 DELETE FROM rows WHERE doc_id IN (SELECT id FROM replacing);
                 DELETE FROM figures WHERE doc_id IN (SELECT id FROM replacing);
                 DELETE FROM replacing;",
            )?;
            // The derived tables point at figures by number: once figures
            // change they are stale until derived again. Saying so in this
            // same transaction means a crash before the next derivation
            // leaves a database that knows it must derive.
            tx.execute("DELETE FROM meta WHERE key = ?", [DERIVED_FROM])?;
            let now = chrono::Utc::now().naive_utc();
            let mut insert_doc = tx.appender("documents")?;
            for p in batch {
                let d = &p.document;
                insert_doc.append_row(params![
                    d.id,
                    p.path,
                    d.title,
                    d.org,
                    d.period.map(|x| x.key()),
                    d.period.map(|x| x.label()),
                    d.period.map(|x| x.end_year()),
                    d.period.map(|x| x.from_month()),
                    d.period.map(|x| x.to_month()),
                    d.encoding,
                    d.format.as_str(),
                    p.content_hash,
                    p.bytes as i64,
                    d.rows.len() as i64,
                    p.figures.len() as i64,
                    now,
                ])?;
            }
            insert_doc.flush()?;
            let mut rows = tx.appender("rows")?;
            for p in batch {
                for r in &p.document.rows {
                    rows.append_row(params![
                        p.document.id,
                        r.index,
                        r.line as i64,
                        r.dimension,
                        r.task,
                        r.status,
                        r.issue
                    ])?;
                }
            }
            rows.flush()?;
            let mut figures = tx.appender("figures")?;
            for p in batch {
                for (seq, f) in p.figures.iter().enumerate() {
                    figures.append_row(params![
                        p.document.id,
                        f.row,
                        f.col.as_str(),
                        seq as i64 + 1,
                        f.text,
                        f.value,
                        f.unit,
                        f.qualifier.as_str(),
                        f.kind.as_str(),
                        f.label,
                        f.span.0 as i64,
                        f.span.1 as i64,
                        f.sentence,
                        f.sentence_start as i64
                    ])?;
                }
            }
            figures.flush()?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Records a fact in `meta`.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute("DELETE FROM meta WHERE key = ?", [key])?;
        tx.execute("INSERT INTO meta VALUES (?, ?)", [key, value])?;
        tx.commit()?;
        Ok(())
    }

    /// Every stored document with its figures, as `extract` made them, and
    /// each row's task: the input for deriving metrics again. Status and
    /// issue cells are left empty: deriving does not read them (their
    /// figures carry their sentences), and on a large database they are
    /// most of the memory.
    pub fn documents(&self) -> Result<Vec<(Document, Vec<Figure>)>, StoreError> {
        self.read_documents(None)
    }

    /// [`Store::documents`] for the documents `ids` names only (in the same
    /// order): a refresh that kept the others from last time reads back
    /// what changed.
    pub fn documents_among(&self, ids: &[DocId]) -> Result<Vec<(Document, Vec<Figure>)>, StoreError> {
        stage(&self.conn, "wanted", ids)?;
        let docs = self.read_documents(Some("wanted"));
        self.conn.execute_batch("DELETE FROM wanted")?;
        docs
    }

    /// The documents, all or those whose ids are in the temporary table
    /// `among`, ordered by period (none first) and id.
    fn read_documents(&self, among: Option<&str>) -> Result<Vec<(Document, Vec<Figure>)>, StoreError> {
        // `among` is one of this module's table names, never input.
        let filter = |column: &str| among.map_or(String::new(), |t| format!(" WHERE {column} IN (SELECT id FROM {t})"));
        let mut docs: Vec<(Document, Vec<Figure>)> = Vec::new();
        let mut index: HashMap<DocId, usize> = HashMap::new();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id, title, org, period, encoding, format FROM documents{} ORDER BY period NULLS FIRST, id",
            filter("id")
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: DocId = r.get(0)?;
            let period: Option<String> = r.get(3)?;
            let encoding: String = r.get(4)?;
            let format: String = r.get(5)?;
            index.insert(id.clone(), docs.len());
            docs.push((
                Document {
                    id,
                    title: r.get(1)?,
                    org: r.get(2)?,
                    period: match period.as_deref() {
                        Some(key) => Some(period::parse_key(key).ok_or_else(|| corrupt("documents.period", key))?),
                        None => None,
                    },
                    encoding: known_encoding(&encoding).ok_or_else(|| corrupt("documents.encoding", &encoding))?,
                    format: Format::parse(&format).ok_or_else(|| corrupt("documents.format", &format))?,
                    rows: Vec::new(),
                    warnings: Vec::new(),
                },
                Vec::new(),
            ));
        }
        let mut stmt = self.conn.prepare(&format!(
            "SELECT doc_id, row, line, dimension, task, '', '' FROM rows{} ORDER BY doc_id, row",
            filter("doc_id")
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Some(&i) = index.get(r.get::<_, String>(0)?.as_str()) else { continue };
            docs[i].0.rows.push(Row {
                index: r.get(1)?,
                line: r.get::<_, i64>(2)? as usize,
                dimension: r.get(3)?,
                task: r.get(4)?,
                status: r.get(5)?,
                issue: r.get(6)?,
            });
        }
        let mut stmt = self.conn.prepare(&format!(
            "SELECT doc_id, row, col, text, value, unit, qualifier, kind, label, span_start, span_end, sentence, \
             sentence_start FROM figures{} ORDER BY doc_id, seq",
            filter("doc_id")
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Some(&i) = index.get(r.get::<_, String>(0)?.as_str()) else { continue };
            let col: String = r.get(2)?;
            let qualifier: String = r.get(6)?;
            let kind: String = r.get(7)?;
            docs[i].1.push(Figure {
                row: r.get(1)?,
                col: Column::parse(&col).ok_or_else(|| corrupt("figures.col", &col))?,
                text: r.get(3)?,
                value: r.get(4)?,
                unit: r.get(5)?,
                qualifier: Qualifier::parse(&qualifier).ok_or_else(|| corrupt("figures.qualifier", &qualifier))?,
                kind: Kind::parse(&kind).ok_or_else(|| corrupt("figures.kind", &kind))?,
                label: r.get(8)?,
                span: (r.get::<_, i64>(9)? as usize, r.get::<_, i64>(10)? as usize),
                sentence: r.get(11)?,
                sentence_start: r.get::<_, i64>(12)? as usize,
            });
        }
        Ok(docs)
    }

    /// What the derived tables were built from (`meta.derived_from`), or
    /// `None` when they are stale: documents changed since.
    pub fn derived_from(&self) -> Result<Option<String>, StoreError> {
        self.meta(DERIVED_FROM)
    }

    /// The token [`Store::replace_derived`] returned when it last wrote the
    /// derived tables of this file (or of the file it was copied from).
    pub fn derived_token(&self) -> Result<Option<String>, StoreError> {
        self.meta(DERIVED_TOKEN)
    }

    /// Replaces the derived tables (metrics, observations, targets) and
    /// records what they were derived from (`stamp`), in one transaction:
    /// the stamp is never newer than the tables.
    ///
    /// With `previous`, what the tables hold now, only what changed is
    /// written: a document's observations and targets where any of them
    /// differ, a metric where its row does. A refresh that changes one
    /// report of a thousand then rewrites a few groups instead of every
    /// row. The caller must know `previous` to be in the file: the token
    /// returned here, compared with [`Store::derived_token`], says so.
    pub fn replace_derived(
        &mut self,
        d: &Derived,
        stamp: &str,
        previous: Option<&Derived>,
    ) -> Result<String, StoreError> {
        let token = format!(
            "{}-{}",
            std::process::id(),
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos()
        );
        let changed = previous.map(|p| {
            (
                changed_keys(&p.metrics, &d.metrics, |m| m.id.as_str()),
                changed_keys(&p.observations, &d.observations, |o| o.doc_id.as_str()),
                changed_keys(&p.targets, &d.targets, |t| t.doc_id.as_str()),
            )
        });
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM meta WHERE key IN (?, ?)", [DERIVED_FROM, DERIVED_TOKEN])?;
        tx.execute("INSERT INTO meta VALUES (?, ?), (?, ?)", [DERIVED_FROM, stamp, DERIVED_TOKEN, &token])?;
        let (metrics, observations, targets) = match &changed {
            Some((m, o, t)) => (Some(m), Some(o), Some(t)),
            None => (None, None, None),
        };
        clear(&tx, "metrics", "id", metrics)?;
        clear(&tx, "observations", "doc_id", observations)?;
        clear(&tx, "targets", "doc_id", targets)?;
        let wanted = |keys: Option<&HashSet<&str>>, key: &str| keys.is_none_or(|k| k.contains(key));
        {
            let mut app = tx.appender("metrics")?;
            for m in d.metrics.iter().filter(|m| wanted(metrics, m.id.as_str())) {
                app.append_row(params![
                    m.id,
                    m.name,
                    m.unit,
                    m.display_unit,
                    m.scale,
                    m.direction.map(|x| x.as_str()),
                    m.source.as_str(),
                    m.review
                ])?;
            }
            app.flush()?;
            let mut app = tx.appender("observations")?;
            for o in d.observations.iter().filter(|o| wanted(observations, o.doc_id.as_str())) {
                app.append_row(params![
                    o.metric_id,
                    o.doc_id,
                    o.row,
                    o.figure_seq,
                    o.rate_seq,
                    o.period.key(),
                    o.period.label(),
                    o.period.start(),
                    o.period.end(),
                    o.value,
                    o.basis.as_str(),
                    o.answers_target
                ])?;
            }
            app.flush()?;
            let mut app = tx.appender("targets")?;
            for t in d.targets.iter().filter(|t| wanted(targets, t.doc_id.as_str())) {
                app.append_row(params![
                    t.metric_id,
                    t.doc_id,
                    t.row,
                    t.period.key(),
                    t.period.label(),
                    t.period.end(),
                    t.value,
                    t.comparator.as_str(),
                    t.direction.as_str(),
                    t.tolerance,
                    t.target_seq,
                    t.actual_seq,
                    t.actual_value,
                    t.actual_period.map(|p| p.key()),
                    t.judgement.status.as_str(),
                    t.judgement.ratio,
                    t.judgement.shortfall,
                    t.source.as_str()
                ])?;
            }
            app.flush()?;
        }
        tx.commit()?;
        Ok(token)
    }

    /// The attainment view, worst first.
    pub fn attainment(&self) -> Result<Vec<AttainmentRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT metric_id, metric, unit, display_unit, scale, period, period_label, comparator, target, actual, \
             ratio, status, shortfall, doc_id, row, target_text, actual_text, sentence, source FROM attainment",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(AttainmentRow {
                metric_id: r.get(0)?,
                metric: r.get(1)?,
                unit: r.get(2)?,
                display_unit: r.get(3)?,
                scale: r.get(4)?,
                period: r.get(5)?,
                period_label: r.get(6)?,
                comparator: r.get(7)?,
                target: r.get(8)?,
                actual: r.get(9)?,
                ratio: r.get(10)?,
                status: r.get(11)?,
                shortfall: r.get(12)?,
                doc_id: r.get(13)?,
                row: r.get(14)?,
                target_text: r.get(15)?,
                actual_text: r.get(16)?,
                sentence: r.get(17)?,
                source: r.get(18)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Counts over the whole database.
    pub fn totals(&self) -> Result<Totals, StoreError> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM rows), (SELECT count(*) FROM figures)",
            [],
            |r| {
                Ok(Totals {
                    documents: r.get::<_, i64>(0)? as u64,
                    rows: r.get::<_, i64>(1)? as u64,
                    figures: r.get::<_, i64>(2)? as u64,
                })
            },
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_view_and_column_is_commented() {
        let store = Store::open_in_memory().unwrap();
        let conn = store.connection();
        let bare: Vec<String> = conn
            .prepare(
                "SELECT table_name || '.' || column_name FROM duckdb_columns() \
                 WHERE schema_name = 'main' AND NOT internal AND table_name NOT IN (SELECT view_name FROM duckdb_views()) \
                 AND (comment IS NULL OR comment = '')",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(bare.is_empty(), "columns without a comment: {bare:?}");
        let bare: Vec<String> = conn
            .prepare(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND (comment IS NULL OR comment = '') \
                 UNION ALL SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal \
                 AND (comment IS NULL OR comment = '')",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(bare.is_empty(), "tables or views without a comment: {bare:?}");
    }

    #[test]
    fn an_older_schema_is_rebuilt_and_a_newer_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.duckdb");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE meta (key VARCHAR, value VARCHAR); INSERT INTO meta VALUES ('schema_version', '1'); CREATE TABLE figures (x INTEGER);").unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.upgraded_from, Some(1));
        assert_eq!(store.totals().unwrap().figures, 0);
        drop(store);
        let conn = Connection::open(&path).unwrap();
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'", []).unwrap();
        drop(conn);
        let err = Store::open(&path).err().expect("a newer schema is refused");
        assert!(err.to_string().contains("newer"), "{err}");
    }
}
