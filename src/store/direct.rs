//! Statements run once, without being prepared: DuckDB's C API for the
//! one thing duckdb-rs does not offer.
//!
//! duckdb-rs runs every statement as `prepare` then `execute`. Since DuckDB
//! 2.0 a prepared statement that reads a table is bound and optimised again
//! at every execution (`optimizer.cpp`: "Optimizers can embed the current
//! database state in the executable plan", so such a statement is marked
//! `always_require_rebind`). A statement seen once is therefore bound and
//! optimised twice, and for a small query that planning is most of its
//! cost: a console statement measured 1.2 ms prepared and executed against
//! 0.7 ms run once (`cargo bench --bench console`). `duckdb_query` parses,
//! plans and runs it once, which is all a statement without parameters
//! needs. Statements with bound parameters keep going through duckdb-rs.
//!
//! A [`Database`] is opened here so that both kinds of connection can be
//! made to the one instance: [`Database::session`] for statements run
//! once, [`Database::connection`] for duckdb-rs. Results come back through
//! DuckDB's Arrow export, as duckdb-rs's own do, into a [`Frame`].

use std::ffi::{CStr, CString, c_char};
use std::path::Path;
use std::sync::{Arc, Mutex};

use duckdb::arrow::array::{Array, StructArray};
use duckdb::arrow::ffi::{FFI_ArrowArray, FFI_ArrowSchema, from_ffi};
use duckdb::ffi;

use crate::frame::Frame;

/// A DuckDB instance opened through the C API. DuckDB instances are safe
/// to share between threads; each connection is one thread's at a time.
pub struct Database {
    raw: ffi::duckdb_database,
}

// SAFETY: a DuckDB instance is thread-safe (its connections are not; they
// are `Session`s and duckdb-rs `Connection`s, each `Send` only).
unsafe impl Send for Database {}
unsafe impl Sync for Database {}

impl Database {
    /// Opens the database at `path` with DuckDB's configuration `options`
    /// (`("access_mode", "READ_ONLY")`, …), in the order given: the
    /// options that lock the configuration go last.
    pub fn open(path: &Path, options: &[(&str, &str)]) -> duckdb::Result<Database> {
        use std::os::unix::ffi::OsStrExt;
        let c_path = CString::new(path.as_os_str().as_bytes())?;
        let mut config: ffi::duckdb_config = std::ptr::null_mut();
        // SAFETY: each handle is created here, used while alive and
        // destroyed once; strings outlive the calls that read them.
        unsafe {
            if ffi::duckdb_create_config(&mut config) != ffi::DuckDBSuccess {
                return Err(failure("DuckDB could not create a configuration".into()));
            }
            for (name, value) in options.iter().chain(&[("duckdb_api", "rust")]) {
                let (n, v) = (CString::new(*name)?, CString::new(*value)?);
                if ffi::duckdb_set_config(config, n.as_ptr(), v.as_ptr()) != ffi::DuckDBSuccess {
                    ffi::duckdb_destroy_config(&mut config);
                    return Err(failure(format!("DuckDB refused the setting {name} = {value}")));
                }
            }
            let mut raw: ffi::duckdb_database = std::ptr::null_mut();
            let mut error: *mut c_char = std::ptr::null_mut();
            let state = ffi::duckdb_open_ext(c_path.as_ptr(), &mut raw, config, &mut error);
            ffi::duckdb_destroy_config(&mut config);
            if state != ffi::DuckDBSuccess {
                let message = if error.is_null() {
                    "DuckDB could not open the database".to_owned()
                } else {
                    let m = CStr::from_ptr(error).to_string_lossy().into_owned();
                    ffi::duckdb_free(error.cast());
                    m
                };
                return Err(failure(message));
            }
            Ok(Database { raw })
        }
    }

    /// A duckdb-rs connection to this instance, for prepared statements
    /// with bound parameters. duckdb-rs does not close the instance (it did
    /// not open it); DuckDB keeps it alive while any connection to it is
    /// open.
    ///
    /// # Safety
    /// duckdb-rs keeps this instance's handle to make clones of the
    /// connection (`try_clone`) with: no clone may be made after this
    /// `Database` is dropped.
    pub unsafe fn connection(&self) -> duckdb::Result<duckdb::Connection> {
        // SAFETY: `raw` is an open instance; the rest is the caller's.
        unsafe { duckdb::Connection::open_from_raw(self.raw) }
    }

    /// A connection for statements run once.
    pub fn session(&self) -> duckdb::Result<Session> {
        let mut raw: ffi::duckdb_connection = std::ptr::null_mut();
        // SAFETY: `raw` is an open instance.
        if unsafe { ffi::duckdb_connect(self.raw, &mut raw) } != ffi::DuckDBSuccess {
            return Err(failure("DuckDB could not open a connection".into()));
        }
        Ok(Session { raw: Arc::new(Mutex::new(Raw(raw))) })
    }
}

/// A failure of the C API as duckdb-rs reports its own.
fn failure(message: String) -> duckdb::Error {
    duckdb::Error::DuckDBFailure(ffi::Error::new(ffi::DuckDBError), Some(message))
}

impl Drop for Database {
    fn drop(&mut self) {
        // SAFETY: opened by `open`, closed once. Connections still open
        // keep DuckDB's instance alive until they close.
        unsafe { ffi::duckdb_close(&mut self.raw) }
    }
}

/// A connection handle, null once closed: an [`Interrupter`] may outlive
/// its session and must then do nothing.
struct Raw(ffi::duckdb_connection);

// SAFETY: the handle is only used under its mutex or by the session that
// owns it, one thread at a time.
unsafe impl Send for Raw {}

/// One connection, for statements run once ([`Session::frame`]).
pub struct Session {
    raw: Arc<Mutex<Raw>>,
}

impl Drop for Session {
    fn drop(&mut self) {
        let mut raw = self.raw.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: connected by `Database::session`, disconnected once.
        unsafe { ffi::duckdb_disconnect(&mut raw.0) };
        raw.0 = std::ptr::null_mut();
    }
}

/// Stops a session's running statement from another thread.
#[derive(Clone)]
pub struct Interrupter {
    raw: Arc<Mutex<Raw>>,
}

impl Interrupter {
    /// Interrupts the statement running, if any: it ends with an error
    /// that says it was interrupted.
    pub fn interrupt(&self) {
        let raw = self.raw.lock().unwrap_or_else(|e| e.into_inner());
        if !raw.0.is_null() {
            // SAFETY: a live connection; DuckDB's interrupt is a flag the
            // running statement checks, safe from any thread.
            unsafe { ffi::duckdb_interrupt(raw.0) }
        }
    }
}

impl Session {
    pub fn interrupter(&self) -> Interrupter {
        Interrupter { raw: self.raw.clone() }
    }

    /// Runs `sql` once (parsed, planned and executed a single time) and
    /// collects at most `limit` rows. The error is DuckDB's message.
    pub fn frame(&mut self, sql: &str, limit: usize) -> Result<Frame, String> {
        let c_sql = CString::new(sql).map_err(|_| "the statement contains a NUL character".to_owned())?;
        let con = self.raw.lock().unwrap_or_else(|e| e.into_inner()).0;
        let mut result = Result_::zeroed();
        // SAFETY: `con` is this session's live connection (only `Drop`
        // closes it); the result is destroyed by `Result_`'s drop.
        let state = unsafe { ffi::duckdb_query(con, c_sql.as_ptr(), &mut result.0) };
        if state != ffi::DuckDBSuccess {
            return Err(result.error().unwrap_or_else(|| "DuckDB failed without a message".into()));
        }
        result.frame(limit)
    }
}

/// A `duckdb_result`, destroyed when dropped.
struct Result_(ffi::duckdb_result);

impl Drop for Result_ {
    fn drop(&mut self) {
        // SAFETY: zeroed or filled by `duckdb_query`; destroying either is
        // allowed, once.
        unsafe { ffi::duckdb_destroy_result(&mut self.0) }
    }
}

/// Frees an error data handle when dropped.
struct ErrorData(ffi::duckdb_error_data);

impl ErrorData {
    fn check(self) -> Result<(), String> {
        // SAFETY: a handle returned by DuckDB (null means no error).
        unsafe {
            if self.0.is_null() || !ffi::duckdb_error_data_has_error(self.0) {
                return Ok(());
            }
            let message = ffi::duckdb_error_data_message(self.0);
            Err(if message.is_null() {
                "DuckDB could not export the result".to_owned()
            } else {
                CStr::from_ptr(message).to_string_lossy().into_owned()
            })
        }
    }
}

impl Drop for ErrorData {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: destroyed once.
            unsafe { ffi::duckdb_destroy_error_data(&mut self.0) }
        }
    }
}

impl Result_ {
    fn zeroed() -> Result_ {
        // SAFETY: the C API documents a zeroed result as the empty one.
        Result_(unsafe { std::mem::zeroed() })
    }

    fn error(&mut self) -> Option<String> {
        // SAFETY: the message is owned by the result and copied at once.
        unsafe {
            let message = ffi::duckdb_result_error(&mut self.0);
            (!message.is_null()).then(|| CStr::from_ptr(message).to_string_lossy().into_owned())
        }
    }

    /// The result's columns and at most `limit` rows, through DuckDB's
    /// Arrow export (chunk by chunk, stopping once past the limit).
    fn frame(&mut self, limit: usize) -> Result<Frame, String> {
        let (columns, schema, options) = self.arrow_schema()?;
        let mut frame = Frame { columns, rows: Vec::new(), truncated: false };
        while let Some(batch) = self.next_batch(&schema, &options)? {
            if !frame.push_arrow(batch.columns(), batch.len(), limit) {
                break;
            }
        }
        match self.error() {
            Some(e) => Err(e),
            None => Ok(frame),
        }
    }

    /// The column names, and the result's Arrow schema with the options it
    /// was exported under (each chunk is exported under the same ones).
    fn arrow_schema(&mut self) -> Result<(Vec<String>, FFI_ArrowSchema, ArrowOptions), String> {
        // SAFETY: `self.0` is a successful result; the names belong to it,
        // the logical types and options to their guards.
        unsafe {
            let count = ffi::duckdb_column_count(&mut self.0) as usize;
            let mut names = Vec::with_capacity(count);
            let mut types = LogicalTypes(Vec::with_capacity(count));
            for i in 0..count {
                let name = ffi::duckdb_column_name(&mut self.0, i as u64);
                names.push(if name.is_null() { c"".as_ptr() } else { name });
                types.0.push(ffi::duckdb_column_logical_type(&mut self.0, i as u64));
            }
            let columns = names.iter().map(|n| CStr::from_ptr(*n).to_string_lossy().into_owned()).collect();
            let options = ArrowOptions(ffi::duckdb_result_get_arrow_options(&mut self.0));
            let mut schema = FFI_ArrowSchema::empty();
            ErrorData(ffi::duckdb_to_arrow_schema(
                options.0,
                types.0.as_mut_ptr(),
                names.as_mut_ptr(),
                count as u64,
                (&mut schema as *mut FFI_ArrowSchema).cast(),
            ))
            .check()?;
            Ok((columns, schema, options))
        }
    }

    /// The next chunk as Arrow arrays, `None` past the last.
    fn next_batch(&mut self, schema: &FFI_ArrowSchema, options: &ArrowOptions) -> Result<Option<StructArray>, String> {
        // SAFETY: the chunk is destroyed once, after its export; the
        // exported array is moved into arrow-rs, which releases it.
        unsafe {
            let mut chunk = ffi::duckdb_fetch_chunk(self.0);
            if chunk.is_null() {
                return Ok(None);
            }
            let mut array = FFI_ArrowArray::empty();
            let exported = (ffi::duckdb_data_chunk_get_size(chunk) > 0).then(|| {
                ErrorData(ffi::duckdb_data_chunk_to_arrow(options.0, chunk, (&mut array as *mut FFI_ArrowArray).cast()))
                    .check()
            });
            ffi::duckdb_destroy_data_chunk(&mut chunk);
            match exported {
                None => Ok(None),
                Some(checked) => {
                    checked?;
                    let data = from_ffi(array, schema).map_err(|e| e.to_string())?;
                    Ok(Some(StructArray::from(data)))
                }
            }
        }
    }
}

/// A result's Arrow export options, destroyed when dropped.
struct ArrowOptions(ffi::duckdb_arrow_options);

impl Drop for ArrowOptions {
    fn drop(&mut self) {
        // SAFETY: made by `duckdb_result_get_arrow_options`, destroyed once.
        unsafe { ffi::duckdb_destroy_arrow_options(&mut self.0) }
    }
}

/// A result's column types, destroyed when dropped.
struct LogicalTypes(Vec<ffi::duckdb_logical_type>);

impl Drop for LogicalTypes {
    fn drop(&mut self) {
        for t in &mut self.0 {
            // SAFETY: made by `duckdb_column_logical_type`, destroyed once.
            unsafe { ffi::duckdb_destroy_logical_type(t) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Cell;

    fn database() -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.duckdb");
        let conn = duckdb::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t AS SELECT range AS i, 'x' || range AS s FROM range(5000)").unwrap();
        drop(conn);
        let db = Database::open(&path, &[("access_mode", "READ_ONLY"), ("threads", "1")]).unwrap();
        (dir, db)
    }

    #[test]
    fn a_statement_run_once_returns_its_rows_up_to_the_limit() {
        let (_dir, db) = database();
        let mut s = db.session().unwrap();
        let f = s.frame("SELECT i, s FROM t ORDER BY i", 4500).unwrap();
        assert_eq!(f.columns, ["i", "s"]);
        assert_eq!(f.rows.len(), 4500);
        assert!(f.truncated, "5000 rows cut at 4500");
        assert_eq!(f.rows[4499], [Cell::Int(4499), Cell::Text("x4499".into())]);
        let all = s.frame("SELECT count(*) AS n FROM t", 10).unwrap();
        assert_eq!((all.rows[0][0].clone(), all.truncated), (Cell::Int(5000), false));
    }

    #[test]
    fn errors_are_duckdbs_messages_and_the_session_goes_on() {
        let (_dir, db) = database();
        let mut s = db.session().unwrap();
        let e = s.frame("SELECT nope FROM t", 10).unwrap_err();
        assert!(e.contains("nope"), "{e}");
        let e = s.frame("CREATE TABLE u (x INT)", 10).unwrap_err();
        assert!(e.contains("read-only"), "{e}");
        assert_eq!(s.frame("SELECT 1 AS one", 10).unwrap().rows, [[Cell::Int(1)]]);
    }

    #[test]
    fn a_duckdb_rs_connection_shares_the_instance() {
        let (_dir, db) = database();
        // SAFETY: not cloned.
        let conn = unsafe { db.connection() }.unwrap();
        let n: i64 = conn.query_row("SELECT count(*) FROM t WHERE i < ?", [10], |r| r.get(0)).unwrap();
        assert_eq!(n, 10);
        drop(db);
        // The instance lives while a connection to it does.
        let n: i64 = conn.query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 5000);
    }

    #[test]
    fn an_interrupted_statement_ends_with_an_error() {
        let (_dir, db) = database();
        let mut s = db.session().unwrap();
        let stop = s.interrupter();
        let t = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(200));
            stop.interrupt();
        });
        let started = std::time::Instant::now();
        let e = s.frame("SELECT count(*) FROM range(100000000000) a", 10).unwrap_err();
        t.join().unwrap();
        assert!(e.to_lowercase().contains("interrupt"), "{e}");
        assert!(started.elapsed() < std::time::Duration::from_secs(30));
        // An interrupter kept past its session does nothing.
        let late = s.interrupter();
        drop(s);
        late.interrupt();
    }
}
