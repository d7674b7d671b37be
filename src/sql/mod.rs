//! SQL for analysts: one read-only statement at a time, in a sandbox that
//! holds whatever is typed, within a time limit and a row cap.
//!
//! The console is its own DuckDB instance over the current generation,
//! opened read-only with file and network access off, extensions off and
//! its configuration locked (a read-only connection alone still runs
//! `read_csv('/etc/passwd')` and `COPY … TO`; see `shared/TOOLCHAIN.md`).
//! It runs on one thread with its own memory budget, so an analyst's
//! heaviest query leaves the cores to the pages, and being another
//! instance it shares no lock with them. A refresh writes the next
//! generation beside the file and is never waited on by either.
//!
//! A statement without parameters is run once through DuckDB's C API
//! ([`direct`]): prepared, as duckdb-rs runs everything, DuckDB 2.0 would
//! plan it twice. A saved query's `:name` parameters are bound to a
//! prepared statement.
//!
//! Before DuckDB sees a statement, [`check`] refuses what the console is
//! not for, with a message that says why: more than one statement, any
//! statement but a query, and functions that reach files, the network or
//! the environment. DuckDB's own refusals (the sandbox's second line) are
//! put in the same words.

pub mod export;
pub mod lex;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use duckdb::Connection;

use crate::frame::Frame;
use crate::store::{Store, StoreError, direct};

/// What one query may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Past this the query is interrupted (default 5 s).
    pub time: Duration,
    /// Rows returned at most; the answer says when it was cut (10,000).
    pub rows: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { time: Duration::from_secs(5), rows: 10_000 }
    }
}

/// DuckDB's memory for the console's instance.
pub const CONSOLE_MEMORY: &str = "256MB";

/// Statements the console runs: queries, and the statements that describe
/// them or the schema.
const QUERIES: &[&str] =
    &["SELECT", "WITH", "FROM", "VALUES", "TABLE", "DESCRIBE", "SHOW", "SUMMARIZE", "EXPLAIN", "PIVOT", "UNPIVOT"];

/// Functions that read files, reach the network or the environment, hold
/// secrets, or run SQL given as text (which this check could not see).
/// The sandbox refuses them too; here they get a clear message first.
const OUTSIDE: &[&str] = &[
    "read_csv",
    "read_csv_auto",
    "sniff_csv",
    "read_text",
    "read_blob",
    "read_parquet",
    "parquet_scan",
    "parquet_metadata",
    "parquet_file_metadata",
    "parquet_kv_metadata",
    "parquet_schema",
    "read_json",
    "read_json_auto",
    "read_json_objects",
    "read_json_objects_auto",
    "read_ndjson",
    "read_ndjson_auto",
    "read_ndjson_objects",
    "read_xlsx",
    "glob",
    "getenv",
    "duckdb_secrets",
    "which_secret",
    "load_aws_credentials",
    "sqlite_scan",
    "postgres_scan",
    "mysql_scan",
    "iceberg_scan",
    "delta_scan",
    "query",
    "query_table",
    "json_execute_serialized_sql",
];

/// Why a statement was not run, or did not finish. Every variant is a
/// message for the person who typed it.
#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    #[error("没有可运行的语句：请输入一条查询（SELECT …）")]
    Empty,
    #[error("一次只能运行一条语句，这里有 {0} 条：请去掉多余的分号后的语句")]
    Several(usize),
    #[error("控制台只运行查询（SELECT、WITH、FROM、DESCRIBE、SHOW、SUMMARIZE、EXPLAIN），数据库是只读的：{0} 不可用")]
    NotAQuery(String),
    #[error("控制台不能读写文件、访问网络或读取环境与密钥：{0} 不可用")]
    Outside(String),
    #[error("查询超过 {0} 秒的时间上限，已被中止；请缩小查询范围（例如加 WHERE 或 LIMIT）")]
    TimedOut(u64),
    #[error("缺少参数 :{0}")]
    MissingParam(String),
    #[error("查询有误：{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A query's answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub frame: Frame,
    pub elapsed: Duration,
}

/// Judges a statement before it runs: exactly one, a query, calling
/// nothing outside the database.
pub fn check(sql: &str) -> Result<(), SqlError> {
    check_lexed(&lex::Lexed::new(sql))
}

/// [`check`] of a statement already lexed.
fn check_lexed(lexed: &lex::Lexed) -> Result<(), SqlError> {
    match lexed.statement_count() {
        0 => return Err(SqlError::Empty),
        1 => {}
        n => return Err(SqlError::Several(n)),
    }
    let keyword = lexed.first_keyword().ok_or(SqlError::Empty)?;
    if !QUERIES.contains(&keyword.as_str()) {
        return Err(SqlError::NotAQuery(keyword));
    }
    if lexed.scans_a_file() {
        return Err(SqlError::Outside("FROM '文件'".into()));
    }
    if let Some(f) = lexed.calls().find(|f| OUTSIDE.contains(&f.as_str())) {
        return Err(SqlError::Outside(format!("{f}()")));
    }
    Ok(())
}

/// DuckDB's refusal (its message) in the console's words.
fn from_duckdb(message: &str) -> SqlError {
    let first = message.lines().next().unwrap_or_default().to_owned();
    if message.contains("Permission Error") || message.contains("disabled through configuration") {
        SqlError::Outside(first)
    } else if message.contains("read-only mode") || message.contains("Cannot execute statement of type") {
        SqlError::NotAQuery(first)
    } else {
        SqlError::Invalid(first)
    }
}

/// The console: a sandboxed instance over one generation of the database.
pub struct Console {
    /// The instance's first duckdb-rs connection, cloned for statements with bound
    /// parameters when no idle one is left (DuckDB connections are not
    /// `Sync`).
    conn: Mutex<Connection>,
    /// Sessions and connections back from earlier statements: making one
    /// costs more than a small query.
    idle_sessions: Mutex<Vec<direct::Session>>,
    idle_conns: Mutex<Vec<Connection>>,
    watchdog: Arc<Watchdog>,
    pub limits: Limits,
    /// The instance, for sessions that run statements once. Last: fields
    /// are dropped in order, and the connections above are cloned through
    /// it, so it outlives them.
    db: direct::Database,
}

impl Drop for Console {
    fn drop(&mut self) {
        self.watchdog.close();
    }
}

/// Locks a mutex whose holder may have panicked: what it guards (idle
/// connections, the watchdog's list) stays usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Console {
    /// Opens the console's own instance over the database at `path`.
    pub fn open(path: &Path, limits: Limits) -> Result<Console, StoreError> {
        // SAFETY: the store's connection is cloned only by this console,
        // which drops the database last.
        let (db, store) = unsafe { Store::open_sandboxed_direct(path, CONSOLE_MEMORY, Some(1)) }?;
        Ok(Console {
            db,
            conn: Mutex::new(store.connection().try_clone()?),
            idle_sessions: Default::default(),
            idle_conns: Default::default(),
            watchdog: Watchdog::start(),
            limits,
        })
    }

    /// Runs one statement with its `:name` parameters taken from `args`
    /// (bound, never written into the text). A statement without
    /// parameters is run once, not prepared ([`direct`]): DuckDB would
    /// plan a prepared one twice.
    pub fn run(&self, sql: &str, args: &[(String, String)]) -> Result<Answer, SqlError> {
        let lexed = lex::Lexed::new(sql);
        check_lexed(&lexed)?;
        let names = lexed.params();
        let values: Vec<&str> = names
            .iter()
            .map(|n| {
                args.iter()
                    .find(|(k, _)| k == n)
                    .map(|(_, v)| v.as_str())
                    .ok_or_else(|| SqlError::MissingParam(n.clone()))
            })
            .collect::<Result<_, _>>()?;
        let (limit, rows) = (self.limits.time, self.limits.rows);
        let started = Instant::now();
        let result = if names.is_empty() {
            let new = || Ok(self.db.session().map_err(StoreError::from)?);
            with_idle(&self.idle_sessions, new, |session| {
                let stop = session.interrupter();
                self.watchdog.within(Box::new(move || stop.interrupt()), limit, || session.frame(sql, rows))
            })?
        } else {
            let sql = lexed.positional(&names);
            with_idle(
                &self.idle_conns,
                || self.connection(),
                |conn| {
                    let stop = conn.interrupt_handle();
                    self.watchdog.within(Box::new(move || stop.interrupt()), limit, || {
                        Frame::query_with(conn, &sql, duckdb::params_from_iter(values.iter()), rows)
                            .map_err(|e| e.to_string())
                    })
                },
            )?
        };
        match result {
            Some(Ok(frame)) => Ok(Answer { frame, elapsed: started.elapsed() }),
            Some(Err(e)) => Err(from_duckdb(&e)),
            None => Err(SqlError::TimedOut(self.limits.time.as_secs().max(1))),
        }
    }

    /// A new duckdb-rs connection to the instance.
    fn connection(&self) -> Result<Connection, SqlError> {
        Ok(lock(&self.conn).try_clone().map_err(StoreError::from)?)
    }

    /// Every table and view with its columns, their types and comments.
    pub fn schema(&self) -> Result<Vec<Relation>, SqlError> {
        with_idle(&self.idle_conns, || self.connection(), |conn| schema(conn).map_err(|e| SqlError::Store(e.into())))?
    }
}

/// Runs `work` on an idle connection of `pool`, or on a new one from
/// `new`, and puts it back after: making one costs more than a small query.
fn with_idle<C, T>(
    pool: &Mutex<Vec<C>>,
    new: impl FnOnce() -> Result<C, SqlError>,
    work: impl FnOnce(&mut C) -> T,
) -> Result<T, SqlError> {
    let idle = lock(pool).pop();
    let mut c = match idle {
        Some(c) => c,
        None => new()?,
    };
    let out = work(&mut c);
    lock(pool).push(c);
    Ok(out)
}

/// How the watchdog stops one statement.
type Stop = Box<dyn Fn() + Send + Sync>;

/// One thread that interrupts statements past their deadline, for every
/// statement of a console: a thread of its own per statement cost more
/// than a small query (half a millisecond to start and join).
struct Watchdog {
    state: Mutex<Watched>,
    wake: Condvar,
}

#[derive(Default)]
struct Watched {
    next: u64,
    /// Running statements: deadline, how to stop it, whether it was.
    running: HashMap<u64, (Instant, Stop, Arc<AtomicBool>)>,
    closed: bool,
}

impl Watchdog {
    fn start() -> Arc<Watchdog> {
        let dog = Arc::new(Watchdog { state: Mutex::new(Watched::default()), wake: Condvar::new() });
        let watching = Arc::downgrade(&dog);
        std::thread::spawn(move || {
            while let Some(dog) = watching.upgrade() {
                let mut w = lock(&dog.state);
                if w.closed {
                    return;
                }
                let now = Instant::now();
                w.running.retain(|_, (deadline, stop, stopped)| {
                    let due = *deadline <= now;
                    if due {
                        stopped.store(true, Ordering::SeqCst);
                        stop();
                    }
                    !due
                });
                // Looks again at the next deadline, and at least every
                // tenth of a second: a statement that starts is not woken
                // for (a wake-up per statement cost a context switch each),
                // so its deadline is met within that tenth.
                let tick = Duration::from_millis(100);
                let wait =
                    w.running.values().map(|(d, ..)| d.saturating_duration_since(now)).min().unwrap_or(tick).min(tick);
                drop(dog.wake.wait_timeout(w, wait));
            }
        });
        dog
    }

    /// Runs `work`, calling `stop` past `limit`: `None` when it was
    /// stopped.
    fn within<T>(&self, stop: Stop, limit: Duration, work: impl FnOnce() -> T) -> Option<T> {
        let stopped = Arc::new(AtomicBool::new(false));
        let id = {
            let mut w = lock(&self.state);
            w.next += 1;
            let id = w.next;
            w.running.insert(id, (Instant::now() + limit, stop, stopped.clone()));
            id
        };
        let out = work();
        lock(&self.state).running.remove(&id);
        (!stopped.load(Ordering::SeqCst)).then_some(out)
    }

    fn close(&self) {
        lock(&self.state).closed = true;
        self.wake.notify_one();
    }
}

/// A table or view of the schema.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Relation {
    pub name: String,
    pub kind: &'static str,
    pub comment: String,
    pub columns: Vec<ColumnInfo>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ColumnInfo {
    pub name: String,
    pub data_type: String,
    pub comment: String,
}

fn schema(conn: &Connection) -> duckdb::Result<Vec<Relation>> {
    let mut out: Vec<Relation> = Vec::new();
    let mut stmt = conn.prepare(include_str!("../../queries/pages/schema.sql"))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (name, is_view): (String, bool) = (r.get(0)?, r.get(1)?);
        if out.last().is_none_or(|l| l.name != name) {
            out.push(Relation {
                name: name.clone(),
                kind: if is_view { "视图" } else { "表" },
                comment: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                columns: Vec::new(),
            });
        }
        if let Some(last) = out.last_mut() {
            last.columns.push(ColumnInfo {
                name: r.get(3)?,
                data_type: r.get(4)?,
                comment: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
