//! SQLite reads on the request's own thread.
//!
//! sqlx runs every SQLite connection on a thread of its own: each statement, and each row it
//! returns, crosses threads. On a busy two-core server that hand-off cost more than the reads
//! themselves (perf on the group page under load: a third of the time in the kernel, switching
//! tasks). Here a read runs on a read-only rusqlite connection in the calling task and comes
//! back either as the `AnyRow`s sqlx would have given or, for the store's [`Decoded`] types,
//! decoded straight from the statement; either way the store keeps one SQL text and one way of
//! decoding for both backends. Anything else (a write, a statement these connections cannot
//! prepare) is left to sqlx, as before; transactions never come here.
//!
//! In WAL mode a read never waits for a writer. A slow read (a program-wide report) now holds
//! the runtime's worker thread for as long as it runs, where before it held a sqlx thread; the
//! other workers go on meanwhile, and a page's reads take well under a millisecond each.
//!
//! Within a request ([`one_snapshot_per_request`]) the reads share one read transaction, so a
//! page is drawn from one state of the database, and SQLite's begin and end of a read (locks
//! on the shared WAL index, behind a process-wide mutex) are paid once a page instead of once
//! a statement: perf on the member home under load put a fifth of the time there. The
//! snapshot ends when the request does, and before anything that is not a read (a write, a
//! transaction, a password's hashing), so a request always reads its own writes and no
//! request ever sees an older state than the one it began in.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rusqlite::types::{Null, ValueRef};
use rusqlite::{Connection, OpenFlags, Statement};
use sqlx::any::{AnyArguments, AnyRow, AnyTypeInfo, AnyTypeInfoKind, AnyValue};
use sqlx_core::any::{AnyColumn, AnyValueKind};
use sqlx_core::ext::ustr::UStr;

use super::decode::{Columns, Decoded, Value, column_error, text};
use crate::domain::code::StoredCode;

/// Idle connections kept for the next read; more are opened while more reads run at once.
const KEPT_IDLE: usize = 8;
/// A read this slow is logged, as sqlx logs its own.
const SLOW: Duration = Duration::from_secs(1);
/// Prepared statements kept per connection: every statement the store has, with room to spare.
const STATEMENTS_KEPT: usize = 512;

tokio::task_local! {
    static SNAPSHOT: RefCell<Option<Snapshot>>;
}

/// Runs `request` with its reads in one read transaction, ended when it ends.
pub async fn one_snapshot_per_request<F: Future>(request: F) -> F::Output {
    SNAPSHOT.scope(RefCell::new(None), request).await
}

/// Ends the request's read transaction, if it has one: what comes next may write, or wait.
pub fn end_request_snapshot() {
    let ended = SNAPSHOT.try_with(|snapshot| snapshot.borrow_mut().take());
    drop(ended);
}

#[derive(Debug)]
pub struct SqliteReads {
    path: PathBuf,
    idle: Arc<Mutex<Vec<Reader>>>,
}

/// A reader in a read transaction, kept for the rest of a request; it ends the transaction and
/// goes back to the idle ones when dropped.
struct Snapshot {
    reader: Option<Reader>,
    idle: Arc<Mutex<Vec<Reader>>>,
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        let Some(reader) = self.reader.take() else {
            return;
        };
        // A connection whose transaction will not end is closed rather than kept.
        if reader.connection.is_autocommit() || reader.end_transaction().is_ok() {
            give_back(&self.idle, reader);
        }
    }
}

/// A read-only connection, with the shape of each statement it has read, worked out once.
#[derive(Debug)]
struct Reader {
    connection: Connection,
    /// By the statement's text, hashed on every read: with foldhash, which costs less than
    /// SipHash on a long text.
    shapes: sqlx_core::HashMap<String, Arc<Shape>>,
}

/// What a statement takes and gives: which argument each parameter is bound to, and its
/// columns, as every row of it carries them.
#[derive(Debug)]
struct Shape {
    arguments: Vec<usize>,
    names: Vec<UStr>,
    by_name: Arc<sqlx_core::HashMap<UStr, usize>>,
    /// No two columns share a name, so the first column of a name is the one that answers.
    names_unique: bool,
}

impl SqliteReads {
    /// Reads of the database at `path`, which must already exist in WAL mode (sqlx opens and
    /// migrates it first).
    pub fn new(path: PathBuf) -> SqliteReads {
        SqliteReads { path, idle: Arc::new(Mutex::new(Vec::new())) }
    }

    /// The rows of `sql` (at most `limit`) when it is a read, or `None` when it is not one and
    /// must go to sqlx.
    pub fn fetch(
        &self,
        sql: &str,
        arguments: Option<&AnyArguments>,
        limit: Option<usize>,
    ) -> Result<Option<Vec<AnyRow>>, sqlx::Error> {
        self.fetch_with(sql, arguments, limit, any_row)
    }

    /// The rows of `sql` (at most `limit`) as `T`, decoded straight from the statement, when it
    /// is a read; `None` when it is not one and must go to sqlx.
    pub fn fetch_decoded<T: Decoded>(
        &self,
        sql: &str,
        arguments: Option<&AnyArguments>,
        limit: Option<usize>,
    ) -> Result<Option<Vec<T>>, sqlx::Error> {
        self.fetch_with(sql, arguments, limit, |row, shape| T::decode(&SqliteColumns::of(row, shape)))
    }

    fn fetch_with<T>(
        &self,
        sql: &str,
        arguments: Option<&AnyArguments>,
        limit: Option<usize>,
        each: impl FnMut(&rusqlite::Row<'_>, &Shape) -> Result<T, sqlx::Error>,
    ) -> Result<Option<Vec<T>>, sqlx::Error> {
        if !begins_as_a_read(sql) {
            end_request_snapshot();
            return Ok(None);
        }
        let started = Instant::now();
        let rows = match SNAPSHOT.try_with(|snapshot| snapshot.borrow_mut().take()) {
            // Outside a request (a job, a command): each read on its own.
            Err(_) => {
                let mut reader = self.reader()?;
                let rows = reader.read(sql, arguments, limit, each);
                give_back(&self.idle, reader);
                rows
            }
            Ok(kept) => {
                let mut snapshot = match kept {
                    Some(snapshot) if Arc::ptr_eq(&snapshot.idle, &self.idle) => snapshot,
                    other => {
                        drop(other);
                        self.snapshot()?
                    }
                };
                let rows = snapshot.reader.as_mut().map_or(Ok(None), |r| r.read(sql, arguments, limit, each));
                // Kept for the request's next read, unless this was not one (it goes to sqlx,
                // and may write) or it failed.
                if matches!(rows, Ok(Some(_))) {
                    let _ = SNAPSHOT.try_with(|kept| kept.borrow_mut().replace(snapshot));
                }
                rows
            }
        };
        let elapsed = started.elapsed();
        let rows_returned = rows.as_ref().ok().and_then(Option::as_ref).map_or(0, Vec::len);
        // Logged as sqlx logs its own statements, so `sqlx::query=debug` shows every one.
        if elapsed >= SLOW {
            tracing::warn!(target: "sqlx::query", statement = sql, rows_returned, ?elapsed, "slow statement");
        } else {
            tracing::debug!(target: "sqlx::query", statement = sql, rows_returned, ?elapsed, "read");
        }
        rows
    }

    fn reader(&self) -> Result<Reader, sqlx::Error> {
        if let Some(reader) = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop() {
            return Ok(reader);
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(&self.path, flags).map_err(failed)?;
        connection.busy_timeout(Duration::from_secs(10)).map_err(failed)?;
        connection.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
        Ok(Reader { connection, shapes: sqlx_core::HashMap::new() })
    }

    /// A reader in a read transaction of its own; it begins with the first read.
    fn snapshot(&self) -> Result<Snapshot, sqlx::Error> {
        let reader = self.reader()?;
        reader.connection.prepare_cached("BEGIN").and_then(|mut begin| begin.raw_execute()).map_err(failed)?;
        Ok(Snapshot { reader: Some(reader), idle: Arc::clone(&self.idle) })
    }
}

fn give_back(idle: &Mutex<Vec<Reader>>, reader: Reader) {
    let mut idle = idle.lock().unwrap_or_else(PoisonError::into_inner);
    if idle.len() < KEPT_IDLE {
        idle.push(reader);
    }
}

/// A `SELECT` or `WITH`: SQLite also calls `BEGIN` and friends read-only, so the first word
/// decides before the statement's own flag does.
fn begins_as_a_read(sql: &str) -> bool {
    let sql = sql.trim_start().as_bytes();
    let begins_with =
        |word: &str| sql.get(..word.len()).is_some_and(|start| start.eq_ignore_ascii_case(word.as_bytes()));
    begins_with("select") || begins_with("with")
}

impl Reader {
    fn end_transaction(&self) -> rusqlite::Result<usize> {
        self.connection.prepare_cached("COMMIT")?.raw_execute()
    }

    fn read<T>(
        &mut self,
        sql: &str,
        arguments: Option<&AnyArguments>,
        limit: Option<usize>,
        mut each: impl FnMut(&rusqlite::Row<'_>, &Shape) -> Result<T, sqlx::Error>,
    ) -> Result<Option<Vec<T>>, sqlx::Error> {
        // What cannot be prepared here (several statements in one text, say) goes to sqlx, which
        // gives its own error if it is wrong.
        let Ok(mut statement) = self.connection.prepare_cached(sql) else {
            return Ok(None);
        };
        if !statement.readonly() {
            return Ok(None);
        }
        let shape = match self.shapes.get(sql) {
            // Worked out again if the schema changed under a `*`.
            Some(shape) if shape.names.len() == statement.column_count() => Arc::clone(shape),
            _ => {
                let shape = Arc::new(shape_of(&statement)?);
                // Bounded as the statement cache is: some texts are built (an IN list's length).
                if self.shapes.len() >= STATEMENTS_KEPT {
                    self.shapes.clear();
                }
                self.shapes.insert(sql.to_owned(), Arc::clone(&shape));
                shape
            }
        };
        bind(&mut statement, &shape.arguments, arguments)?;
        let mut rows = Vec::new();
        let mut results = statement.raw_query();
        while limit.is_none_or(|limit| rows.len() < limit) {
            let Some(row) = results.next().map_err(failed)? else {
                break;
            };
            rows.push(each(row, &shape)?);
        }
        Ok(Some(rows))
    }
}

/// Which argument each parameter takes, as sqlx binds them: `$N` and `?N` name their argument,
/// a bare `?` takes the next. Asked once per statement: SQLite finds a parameter's name by
/// going through the names before it.
fn arguments_of(statement: &Statement<'_>) -> Result<Vec<usize>, sqlx::Error> {
    let mut next = 0;
    (1..=statement.parameter_count())
        .map(|parameter| match statement.parameter_name(parameter) {
            Some(name) => name
                .strip_prefix(['$', '?'])
                .and_then(|digits| digits.parse::<usize>().ok())
                .ok_or_else(|| sqlx::Error::Protocol(format!("unsupported SQL parameter {name}"))),
            None => {
                next += 1;
                Ok(next)
            }
        })
        .collect()
}

/// Binds each parameter to its argument (numbered from 1); one missing is NULL.
fn bind(
    statement: &mut Statement<'_>,
    positions: &[usize],
    arguments: Option<&AnyArguments>,
) -> Result<(), sqlx::Error> {
    let values = arguments.map(|a| a.values.0.as_slice()).unwrap_or_default();
    for (parameter, position) in (1..).zip(positions) {
        let bound = match values.get(position.wrapping_sub(1)) {
            None | Some(AnyValueKind::Null(_)) => statement.raw_bind_parameter(parameter, Null),
            Some(AnyValueKind::Bool(b)) => statement.raw_bind_parameter(parameter, i64::from(*b)),
            Some(AnyValueKind::SmallInt(i)) => statement.raw_bind_parameter(parameter, i64::from(*i)),
            Some(AnyValueKind::Integer(i)) => statement.raw_bind_parameter(parameter, i64::from(*i)),
            Some(AnyValueKind::BigInt(i)) => statement.raw_bind_parameter(parameter, *i),
            Some(AnyValueKind::Real(r)) => statement.raw_bind_parameter(parameter, f64::from(*r)),
            Some(AnyValueKind::Double(d)) => statement.raw_bind_parameter(parameter, *d),
            Some(AnyValueKind::Text(t)) => statement.raw_bind_parameter(parameter, t.as_str()),
            Some(AnyValueKind::TextSlice(t)) => statement.raw_bind_parameter(parameter, &**t),
            Some(AnyValueKind::Blob(b)) => statement.raw_bind_parameter(parameter, b.as_slice()),
            Some(other) => {
                return Err(sqlx::Error::Protocol(format!("cannot bind {other:?} for SQLite")));
            }
        };
        bound.map_err(failed)?;
    }
    Ok(())
}

fn shape_of(statement: &Statement<'_>) -> Result<Shape, sqlx::Error> {
    let names = (0..statement.column_count())
        .map(|index| statement.column_name(index).map(interned).map_err(failed))
        .collect::<Result<Vec<_>, _>>()?;
    let mut by_name = sqlx_core::HashMap::with_capacity(names.len());
    for (index, name) in names.iter().enumerate() {
        // As sqlx: when two columns share a name, the last one answers to it.
        by_name.insert(name.clone(), index);
    }
    let names_unique = by_name.len() == names.len();
    Ok(Shape { arguments: arguments_of(statement)?, names, by_name: Arc::new(by_name), names_unique })
}

/// A column's name, kept once for the life of the process, so that the columns every row
/// carries are copied rather than counted (an atomic count per column per row). The names
/// are those of the store's statements: a few hundred at most.
fn interned(name: &str) -> UStr {
    static NAMES: LazyLock<Mutex<HashSet<&'static str>>> = LazyLock::new(Mutex::default);
    let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    let kept = match names.get(name) {
        Some(kept) => kept,
        None => {
            let kept: &'static str = Box::leak(name.into());
            names.insert(kept);
            kept
        }
    };
    UStr::Static(kept)
}

/// A value as sqlx's SQLite driver hands it to `Any`: by the type the value has, not the
/// column's declared one.
fn value(value: ValueRef<'_>, column: usize) -> Result<AnyValueKind, sqlx::Error> {
    Ok(match value {
        ValueRef::Null => AnyValueKind::Null(AnyTypeInfoKind::Null),
        ValueRef::Integer(i) => AnyValueKind::BigInt(i),
        ValueRef::Real(r) => AnyValueKind::Double(r),
        ValueRef::Text(bytes) => {
            let text = std::str::from_utf8(bytes)
                .map_err(|e| sqlx::Error::ColumnDecode { index: column.to_string(), source: Box::new(e) })?;
            AnyValueKind::Text(Arc::new(text.to_owned()))
        }
        ValueRef::Blob(bytes) => AnyValueKind::Blob(Arc::new(bytes.to_vec())),
    })
}

/// A row as sqlx's `Any` driver gives it.
fn any_row(row: &rusqlite::Row<'_>, shape: &Shape) -> Result<AnyRow, sqlx::Error> {
    let mut values = Vec::with_capacity(shape.names.len());
    for index in 0..shape.names.len() {
        values.push(AnyValue { kind: value(row.get_ref(index).map_err(failed)?, index)? });
    }
    let described = shape
        .names
        .iter()
        .zip(&values)
        .enumerate()
        .map(|(ordinal, (name, value))| AnyColumn {
            ordinal,
            name: name.clone(),
            type_info: AnyTypeInfo { kind: kind_of(&value.kind) },
        })
        .collect();
    Ok(AnyRow { column_names: Arc::clone(&shape.by_name), columns: described, values })
}

fn kind_of(value: &AnyValueKind) -> AnyTypeInfoKind {
    match value {
        AnyValueKind::BigInt(_) => AnyTypeInfoKind::BigInt,
        AnyValueKind::Double(_) => AnyTypeInfoKind::Double,
        AnyValueKind::Text(_) => AnyTypeInfoKind::Text,
        AnyValueKind::Blob(_) => AnyTypeInfoKind::Blob,
        _ => AnyTypeInfoKind::Null,
    }
}

/// A row's values by column name, for [`Decoded`] types. Types ask for their columns in the
/// order the statement gives them, so each name is looked for first where the last one was
/// found.
struct SqliteColumns<'r, 's> {
    row: &'r rusqlite::Row<'s>,
    shape: &'r Shape,
    next: Cell<usize>,
}

impl<'r, 's> SqliteColumns<'r, 's> {
    fn of(row: &'r rusqlite::Row<'s>, shape: &'r Shape) -> Self {
        SqliteColumns { row, shape, next: Cell::new(0) }
    }

    fn index(&self, name: &str) -> Result<usize, sqlx::Error> {
        let names = &self.shape.names;
        let found = if !self.shape.names_unique {
            // As sqlx: when two columns share a name, the last one answers to it.
            self.shape.by_name.get(name).copied()
        } else if names.get(self.next.get()).is_some_and(|next| &**next == name) {
            Some(self.next.get())
        } else {
            names.iter().position(|column| &**column == name)
        };
        let index = found.ok_or_else(|| sqlx::Error::ColumnNotFound(name.to_owned()))?;
        self.next.set(index + 1);
        Ok(index)
    }
}

impl Columns for SqliteColumns<'_, '_> {
    fn value<V: Value>(&self, name: &str) -> Result<V, sqlx::Error> {
        let value = self.row.get_ref(self.index(name)?).map_err(failed)?;
        V::from_sqlite(value).map_err(|source| column_error(name, source))
    }

    /// Read where it lies in SQLite's row, not copied into a string first: a page of posts or
    /// goals has a code on every row.
    fn coded<T: StoredCode>(&self, name: &str) -> Result<T, sqlx::Error> {
        let value = self.row.get_ref(self.index(name)?).map_err(failed)?;
        let code = text(value).map_err(|source| column_error(name, source))?;
        T::from_stored(code).map_err(|e| column_error(name, e))
    }

    fn value_at<V: Value>(&self, index: usize) -> Result<V, sqlx::Error> {
        if index >= self.shape.names.len() {
            return Err(sqlx::Error::ColumnIndexOutOfBounds { index, len: self.shape.names.len() });
        }
        let value = self.row.get_ref(index).map_err(failed)?;
        V::from_sqlite(value).map_err(|source| sqlx::Error::ColumnDecode { index: index.to_string(), source })
    }
}

fn failed(error: rusqlite::Error) -> sqlx::Error {
    sqlx::Error::Protocol(format!("SQLite read: {error}"))
}

#[cfg(test)]
mod tests {
    use sqlx::{Executor, Row};

    use super::super::counted::CountedPool;
    use super::*;
    use crate::domain::Visibility;

    use super::super::sqlite;

    /// Every value of a row, as text, with the type sqlx decodes it as.
    fn shown(row: &AnyRow) -> Vec<String> {
        (0..row.values.len())
            .map(|i| match &row.values[i].kind {
                AnyValueKind::Null(_) => "NULL".to_string(),
                AnyValueKind::BigInt(v) => format!("int {v} = {}", row.get::<i64, _>(i)),
                AnyValueKind::Double(v) => format!("real {v} = {}", row.get::<f64, _>(i)),
                AnyValueKind::Text(v) => format!("text {v} = {}", row.get::<String, _>(i)),
                AnyValueKind::Blob(v) => format!("blob {v:?} = {:?}", row.get::<Vec<u8>, _>(i)),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[tokio::test]
    async fn reads_here_give_what_sqlx_gives_and_writes_still_go_to_sqlx() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("reads.db").display());
        let store = sqlite::open(&url).await.unwrap();
        let pool = &store.pool;
        // A write through the pool is not a read: sqlx runs it (the read connections cannot).
        pool.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, score REAL, data BLOB)").await.unwrap();
        let inserted = sqlx::query("INSERT INTO notes (body, score, data) VALUES ($1, $2, $3), ($4, NULL, NULL)")
            .bind("Grant tips — «résumé»")
            .bind(2.5)
            .bind(vec![0u8, 1, 255])
            .bind("second")
            .execute(pool)
            .await
            .unwrap();
        assert_eq!(inserted.rows_affected(), 2);

        // Arguments named out of order and used twice, a missing one read as NULL, columns of
        // every kind and a name given twice: the same answer as sqlx's own SQLite driver.
        let sql = "SELECT id, body, score, data, $2 AS twice, $2 + $1 AS sum, $3 AS missing, 'x' AS body \
                   FROM notes WHERE id >= $1 ORDER BY id";
        let here = sqlx::query(sql).bind(1_i64).bind(40_i64).fetch_all(pool).await.unwrap();
        let there = sqlx::query(sql).bind(1_i64).bind(40_i64).fetch_all(pool.inner()).await.unwrap();
        assert_eq!(here.len(), 2);
        assert_eq!(here.iter().map(shown).collect::<Vec<_>>(), there.iter().map(shown).collect::<Vec<_>>());
        assert_eq!(here[0].get::<String, _>("body"), "x", "the last column of a name answers to it");
        assert_eq!(here[0].get::<Option<String>, _>("missing"), None);

        // One row is one row; none is none.
        let first = sqlx::query("SELECT body FROM notes ORDER BY id").fetch_optional(pool).await.unwrap();
        assert_eq!(first.unwrap().get::<String, _>(0), "Grant tips — «résumé»");
        let none = sqlx::query("SELECT body FROM notes WHERE id = $1").bind(99_i64).fetch_optional(pool).await.unwrap();
        assert!(none.is_none());

        // A read sees the write that came just before it, on another connection.
        sqlx::query("UPDATE notes SET body = $1 WHERE id = 2").bind("changed").execute(pool).await.unwrap();
        let body: String = sqlx::query_scalar("SELECT body FROM notes WHERE id = 2").fetch_one(pool).await.unwrap();
        assert_eq!(body, "changed");

        // A write that returns rows is still a write.
        let id: i64 =
            sqlx::query_scalar("INSERT INTO notes (body) VALUES ('third') RETURNING id").fetch_one(pool).await.unwrap();
        assert_eq!(id, 3);

        // A mistake is an error, as from sqlx.
        let wrong = sqlx::query("SELECT nothing FROM notes").fetch_all(pool).await;
        assert!(wrong.is_err());
    }

    /// A note as a store type reads it, by column name.
    #[derive(Debug, PartialEq)]
    struct Note {
        id: i64,
        body: String,
        score: Option<f64>,
        tag: Option<String>,
        level: Visibility,
    }

    impl Decoded for Note {
        fn decode(row: &impl Columns) -> Result<Self, sqlx::Error> {
            // Asked out of the statement's order on purpose: found by name all the same.
            let level = row.coded("level")?;
            Ok(Note {
                id: row.value("id")?,
                body: row.value("body")?,
                score: row.value("score")?,
                tag: row.value("tag")?,
                level,
            })
        }
    }

    #[tokio::test]
    async fn types_read_straight_from_sqlite_are_what_sqlx_rows_give() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("decoded.db").display());
        let store = sqlite::open(&url).await.unwrap();
        let pool = &store.pool;
        pool.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, score REAL, tag TEXT, level TEXT)")
            .await
            .unwrap();
        pool.execute(
            "INSERT INTO notes (body, score, tag, level) VALUES ('Grant tips — «résumé»', 2.5, NULL, 'group'), \
             ('second', NULL, 'k', 'private'), ('third', NULL, NULL, 'program')",
        )
        .await
        .unwrap();
        let decoded_by_sqlx = |rows: Vec<AnyRow>| rows.iter().map(Note::decode).collect::<Result<Vec<_>, _>>();

        // Every row, then the first: the same notes either way, NULLs and all.
        let sql = "SELECT id, body, score, tag, level FROM notes WHERE id <= $1 ORDER BY id";
        let here: Vec<Note> = pool.fetch_all_as(sqlx::query(sql).bind(2_i64)).await.unwrap();
        let there = decoded_by_sqlx(sqlx::query(sql).bind(2_i64).fetch_all(pool.inner()).await.unwrap()).unwrap();
        assert_eq!(here, there);
        assert_eq!(here[0].body, "Grant tips — «résumé»");
        assert_eq!((here[0].score, here[1].tag.as_deref()), (Some(2.5), Some("k")));
        let first: Option<Note> = pool.fetch_optional_as(sqlx::query(sql).bind(2_i64)).await.unwrap();
        assert_eq!(first.map(|n| n.level), Some(Visibility::Group));

        // When two columns share a name, the last answers to it, as in sqlx's rows.
        let twice = "SELECT id, 'shadowed' AS body, score, tag, level, body FROM notes WHERE id = 2";
        let here: Vec<Note> = pool.fetch_all_as(sqlx::query(twice)).await.unwrap();
        assert_eq!(here, decoded_by_sqlx(sqlx::query(twice).fetch_all(pool.inner()).await.unwrap()).unwrap());
        assert_eq!(here[0].body, "second");

        // A missing column, a value of the wrong kind and an unknown code are errors on both
        // paths, naming the column.
        for (wrong, column) in [
            ("SELECT id, body, score, level FROM notes", "tag"),
            ("SELECT id, body, body AS score, tag, level FROM notes", "score"),
            ("SELECT id, body, score, tag, 'nobody' AS level FROM notes", "level"),
            ("SELECT id, body, score, tag, 7 AS level FROM notes", "level"),
            ("SELECT id, NULL AS body, score, tag, level FROM notes", "body"),
        ] {
            let here = pool.fetch_all_as::<Note>(sqlx::query(wrong)).await.unwrap_err().to_string();
            let there = decoded_by_sqlx(sqlx::query(wrong).fetch_all(pool.inner()).await.unwrap()).unwrap_err();
            assert!(here.contains(column) && there.to_string().contains(column), "{wrong}: {here} (sqlx: {there})");
        }

        // Read by position, as a pair: the same, and a column too few is an error on both paths.
        let by_position = "SELECT id, tag FROM notes ORDER BY id";
        let here: Vec<(i64, Option<String>)> = pool.fetch_all_as(sqlx::query(by_position)).await.unwrap();
        let rows = sqlx::query(by_position).fetch_all(pool.inner()).await.unwrap();
        assert_eq!(here, rows.iter().map(<(i64, Option<String>)>::decode).collect::<Result<Vec<_>, _>>().unwrap());
        assert_eq!(here[1], (2, Some("k".to_string())));
        let one_column = "SELECT id FROM notes";
        assert!(pool.fetch_all_as::<(i64, String)>(sqlx::query(one_column)).await.is_err());
        let rows = sqlx::query(one_column).fetch_all(pool.inner()).await.unwrap();
        assert!(<(i64, String)>::decode(&rows[0]).is_err());

        // A statement that is not a read goes to sqlx and is decoded from its rows.
        let id: Vec<Note> = pool
            .fetch_all_as(sqlx::query(
                "INSERT INTO notes (body, level) VALUES ('fourth', 'group') RETURNING id, body, score, tag, level",
            ))
            .await
            .unwrap();
        assert_eq!(id.iter().map(|n| (n.id, n.body.as_str())).collect::<Vec<_>>(), [(4, "fourth")]);
    }

    #[tokio::test]
    async fn a_request_reads_one_state_of_the_database_and_its_own_writes() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("snapshot.db").display());
        let store = sqlite::open(&url).await.unwrap();
        let pool = store.pool.clone();
        pool.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)").await.unwrap();
        pool.execute("INSERT INTO notes (body) VALUES ('first')").await.unwrap();
        let count = |pool: CountedPool| async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM notes").fetch_one(&pool).await.unwrap()
        };

        let request = {
            let pool = pool.clone();
            async move {
                let before = count(pool.clone()).await;
                // Another request's write, while this one is between its reads: not seen here.
                let other = pool.clone();
                tokio::spawn(async move { other.execute("INSERT INTO notes (body) VALUES ('other')").await.unwrap() })
                    .await
                    .unwrap();
                let unchanged = count(pool.clone()).await;
                // Its own write is seen by its next read, with the other one.
                sqlx::query("INSERT INTO notes (body) VALUES ('own')").execute(&pool).await.unwrap();
                let after_own_write = count(pool.clone()).await;
                (before, unchanged, after_own_write)
            }
        };
        let seen = super::super::counted::one_connection_per_request(request).await;
        assert_eq!(seen, (1, 1, 3));
        // The next request begins in the newest state.
        let next = super::super::counted::one_connection_per_request(count(pool.clone())).await;
        assert_eq!(next, 3);
        // And a read outside any request sees it too.
        assert_eq!(count(pool).await, 3);
    }
}
