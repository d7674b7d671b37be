//! The DuckDB database: opening it with the schema, and replacing
//! documents whole.
//!
//! A document is replaced in one transaction (delete its old rows and
//! figures, append the new ones with DuckDB's Appender), so a reader never
//! sees half a document, and a failure leaves the previous version intact.
//! Several documents may share one transaction: the batch is the unit of
//! commit, which keeps 1,000-file ingests fast.

use std::collections::HashMap;
use std::path::Path;

use duckdb::{Connection, params};

use crate::document::Document;
use crate::extract::Figure;

/// The schema, applied idempotently at every open.
pub const SCHEMA: &str = include_str!("schema.sql");

/// Bumped whenever a table changes shape; an older file is refused with a
/// clear message rather than misread.
pub const SCHEMA_VERSION: &str = "1";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: cannot open database: {source}")]
    Open { path: String, source: duckdb::Error },
    #[error(
        "{path}: database schema version {found} is not the version {SCHEMA_VERSION} this zhibiao writes; \
         move the file aside (the documents can be ingested again)"
    )]
    Version { path: String, found: String },
    #[error("database error: {0}")]
    Db(#[from] duckdb::Error),
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

/// The writer's handle on the database file.
pub struct Store {
    conn: Connection,
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
        let conn =
            Connection::open(path).map_err(|source| StoreError::Open { path: path.display().to_string(), source })?;
        Store::init(conn, &path.display().to_string())
    }

    /// An in-memory database, for tests and one-off runs.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::init(Connection::open_in_memory()?, ":memory:")
    }

    fn init(conn: Connection, path: &str) -> Result<Store, StoreError> {
        conn.execute_batch(SCHEMA)?;
        let found: Option<String> =
            conn.query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0)).ok();
        match found {
            None => {
                conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])?;
            }
            Some(v) if v == SCHEMA_VERSION => {}
            Some(found) => return Err(StoreError::Version { path: path.to_owned(), found }),
        }
        Ok(Store { conn })
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Content hash of every stored document, by id.
    pub fn hashes(&self) -> Result<HashMap<String, String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT id, content_hash FROM documents")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
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
            let mut delete_doc = tx.prepare("DELETE FROM documents WHERE id = ?")?;
            let mut delete_rows = tx.prepare("DELETE FROM rows WHERE doc_id = ?")?;
            let mut delete_figures = tx.prepare("DELETE FROM figures WHERE doc_id = ?")?;
            for p in batch {
                let id = p.document.id.as_str();
                delete_doc.execute([id])?;
                delete_rows.execute([id])?;
                delete_figures.execute([id])?;
            }
            let mut insert_doc = tx
                .prepare("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP)")?;
            for p in batch {
                let d = &p.document;
                insert_doc.execute(params![
                    d.id,
                    p.path,
                    d.title,
                    d.org,
                    d.period.map(|x| x.key()),
                    d.period.map(|x| x.label()),
                    d.period.map(|x| x.year),
                    d.period.map(|x| x.from_month),
                    d.period.map(|x| x.to_month),
                    d.encoding,
                    p.content_hash,
                    p.bytes as i64,
                    d.rows.len() as i64,
                    p.figures.len() as i64,
                ])?;
            }
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
                        f.sentence
                    ])?;
                }
            }
            figures.flush()?;
        }
        tx.commit()?;
        Ok(())
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
