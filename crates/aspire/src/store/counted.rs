//! The connection pool, counting the statements sent through it (a transaction counts once,
//! when it begins), so a test can show that what a page asks of the database does not grow
//! with the group, the program or the history.
//!
//! Within a request ([`one_connection_per_request`]) the statements share one pooled
//! connection. sqlx checks a connection on its way back to the pool (a round trip to its
//! thread, or to the PostgreSQL server) as dearly as a statement; a page that borrowed one per
//! statement paid for that every time. A request keeps its connection only while none of its
//! statements is waiting for another, so it never holds one idle while it waits for the pool.
//!
//! On SQLite a read takes none of these connections: it runs on the request's own thread
//! ([`SqliteReads`]), and only what is not a read comes to the pool.

use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_core::future::BoxFuture;
use futures_core::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt, stream};
use sqlx::any::{AnyArguments, AnyQueryResult, AnyRow, AnyStatement, AnyTypeInfo};
use sqlx::pool::PoolConnection;
use sqlx::query::Query;
use sqlx::{Any, AnyPool, Either, Error, Execute, Executor, SqlStr, Transaction};

use super::decode::Decoded;
use super::sqlite_reads::{self, SqliteReads};

tokio::task_local! {
    static HELD: RefCell<Held>;
}

/// The connection a request keeps between its statements, and whose pool it came from.
#[derive(Default)]
struct Held {
    connection: Option<(usize, PoolConnection<Any>)>,
    in_flight: u32,
}

/// Runs `request` with one connection kept for all its statements, and on SQLite one read
/// transaction for all its reads, both ended when it ends.
pub async fn one_connection_per_request<F: Future>(request: F) -> F::Output {
    HELD.scope(RefCell::new(Held::default()), sqlite_reads::one_snapshot_per_request(request)).await
}

/// Gives the request's connection back to the pool, and ends its read transaction, before slow
/// work that needs neither (hashing a password) and before a transaction of its own.
pub fn release_request_connection() {
    sqlite_reads::end_request_snapshot();
    let released = HELD.try_with(|held| held.borrow_mut().connection.take());
    drop(released);
}

/// A connection for one statement: the request's own when it has one free, else the pool's.
struct Lease {
    pool_id: usize,
    connection: Option<PoolConnection<Any>>,
    in_request: bool,
}

impl Lease {
    async fn take(pool: &AnyPool, pool_id: usize) -> Result<Lease, Error> {
        let kept = HELD.try_with(|held| {
            let mut held = held.borrow_mut();
            held.in_flight += 1;
            match held.connection.take() {
                Some((owner, connection)) if owner == pool_id => Some(connection),
                other => {
                    held.connection = other;
                    None
                }
            }
        });
        let mut lease = Lease { pool_id, connection: None, in_request: kept.is_ok() };
        lease.connection = Some(match kept.ok().flatten() {
            Some(connection) => connection,
            None => pool.acquire().await?,
        });
        Ok(lease)
    }

    fn connection(&mut self) -> Result<&mut PoolConnection<Any>, Error> {
        self.connection.as_mut().ok_or(Error::PoolClosed)
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if !self.in_request {
            return;
        }
        let connection = self.connection.take();
        let pool_id = self.pool_id;
        // Outside the request's task (it is being torn down) the connection simply goes back.
        let _ = HELD.try_with(move |held| {
            let mut held = held.borrow_mut();
            held.in_flight = held.in_flight.saturating_sub(1);
            if held.in_flight == 0 && held.connection.is_none() {
                held.connection = connection.map(|c| (pool_id, c));
            }
        });
    }
}

#[derive(Debug, Clone)]
pub struct CountedPool {
    pool: AnyPool,
    statements: Arc<AtomicU64>,
    /// SQLite only: reads run here, on the request's thread, rather than on sqlx's.
    reads: Option<Arc<SqliteReads>>,
}

impl CountedPool {
    pub fn new(pool: AnyPool) -> CountedPool {
        CountedPool { pool, statements: Arc::new(AtomicU64::new(0)), reads: None }
    }

    /// A pool whose reads run on `reads`, and everything else on `pool`.
    pub fn with_reads(pool: AnyPool, reads: SqliteReads) -> CountedPool {
        CountedPool { reads: Some(Arc::new(reads)), ..CountedPool::new(pool) }
    }

    /// Statements sent so far, transactions counted once each.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// The pool itself, for what is not a statement (migrations, closing).
    pub fn inner(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn begin(&self) -> Result<Transaction<'static, Any>, Error> {
        self.count();
        // The transaction takes a connection of its own: the request's goes back first, so a
        // request never holds two.
        release_request_connection();
        self.pool.begin().await
    }

    /// Every row of `query` as `T`; on SQLite a read's rows are decoded straight from the
    /// statement.
    pub async fn fetch_all_as<T: Decoded>(&self, query: Query<'_, Any, AnyArguments>) -> Result<Vec<T>, Error> {
        self.fetch_as(query, None).await
    }

    /// The first row of `query` as `T`, if there is one.
    pub async fn fetch_optional_as<T: Decoded>(&self, query: Query<'_, Any, AnyArguments>) -> Result<Option<T>, Error> {
        Ok(self.fetch_as(query, Some(1)).await?.into_iter().next())
    }

    async fn fetch_as<T: Decoded>(
        &self,
        query: Query<'_, Any, AnyArguments>,
        limit: Option<usize>,
    ) -> Result<Vec<T>, Error> {
        let Some(reads) = &self.reads else {
            let rows = match limit {
                Some(_) => self.fetch_optional(query).await?.into_iter().collect(),
                None => self.fetch_all(query).await?,
            };
            return rows.iter().map(T::decode).collect();
        };
        self.count();
        let (sql, arguments, persistent) = parts(query)?;
        if let Some(rows) = reads.fetch_decoded(sql.as_str(), arguments.as_ref(), limit)? {
            return Ok(rows);
        }
        let results = all_on_pool(&self.pool, self.id(), rebuilt(sql, arguments, persistent)).await?;
        let mut rows = Vec::new();
        for result in results {
            if rows.len() == limit.unwrap_or(usize::MAX) {
                break;
            }
            if let Either::Right(row) = result? {
                rows.push(T::decode(&row)?);
            }
        }
        Ok(rows)
    }

    /// Tells this pool's connections from another store's in the same request.
    fn id(&self) -> usize {
        Arc::as_ptr(&self.statements) as usize
    }

    fn count(&self) {
        self.statements.fetch_add(1, Ordering::Relaxed);
    }
}

impl<'p> Executor<'p> for &'_ CountedPool {
    type Database = Any;

    fn fetch_many<'e, 'q: 'e, E>(self, query: E) -> BoxStream<'e, Result<Either<AnyQueryResult, AnyRow>, Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, Any>,
    {
        self.count();
        let (pool, pool_id, reads) = (self.pool.clone(), self.id(), self.reads.clone());
        let results = async move {
            let results: Vec<_> = match reads {
                None => all_on_pool(&pool, pool_id, query).await?,
                Some(reads) => {
                    let (sql, arguments, persistent) = parts(query)?;
                    match reads.fetch(sql.as_str(), arguments.as_ref(), None)? {
                        Some(rows) => {
                            let end = Either::Left(AnyQueryResult::default());
                            rows.into_iter().map(Either::Right).chain([end]).map(Ok).collect()
                        }
                        None => all_on_pool(&pool, pool_id, rebuilt(sql, arguments, persistent)).await?,
                    }
                }
            };
            Ok::<_, Error>(stream::iter(results))
        };
        Box::pin(stream::once(results).try_flatten())
    }

    fn fetch_optional<'e, 'q: 'e, E>(self, query: E) -> BoxFuture<'e, Result<Option<AnyRow>, Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, Any>,
    {
        self.count();
        let (pool, pool_id, reads) = (self.pool.clone(), self.id(), self.reads.clone());
        Box::pin(async move {
            let Some(reads) = reads else {
                return first_on_pool(&pool, pool_id, query).await;
            };
            let (sql, arguments, persistent) = parts(query)?;
            if let Some(rows) = reads.fetch(sql.as_str(), arguments.as_ref(), Some(1))? {
                return Ok(rows.into_iter().next());
            }
            first_on_pool(&pool, pool_id, rebuilt(sql, arguments, persistent)).await
        })
    }

    fn prepare_with<'e>(self, sql: SqlStr, parameters: &'e [AnyTypeInfo]) -> BoxFuture<'e, Result<AnyStatement, Error>>
    where
        'p: 'e,
    {
        (&self.pool).prepare_with(sql, parameters)
    }

    fn describe<'e>(self, sql: SqlStr) -> BoxFuture<'e, Result<sqlx::Describe<Any>, Error>>
    where
        'p: 'e,
    {
        (&self.pool).describe(sql)
    }
}

/// What a statement's results come back as.
type Results = Vec<Result<Either<AnyQueryResult, AnyRow>, Error>>;

/// Every result of `query`, run on a pooled connection (the request's own when it has one).
async fn all_on_pool<'q, Q: 'q + Execute<'q, Any>>(pool: &AnyPool, pool_id: usize, query: Q) -> Result<Results, Error> {
    let mut lease = Lease::take(pool, pool_id).await?;
    Ok(lease.connection()?.fetch_many(query).collect().await)
}

/// The first row of `query`, run on a pooled connection (the request's own when it has one).
async fn first_on_pool<'q, Q: 'q + Execute<'q, Any>>(
    pool: &AnyPool,
    pool_id: usize,
    query: Q,
) -> Result<Option<AnyRow>, Error> {
    let mut lease = Lease::take(pool, pool_id).await?;
    lease.connection()?.fetch_optional(query).await
}

/// A statement's text, arguments and whether it is kept prepared, taken apart so a read can run
/// without sqlx and anything else be put together again for it.
fn parts<'q, E: Execute<'q, Any>>(mut query: E) -> Result<(SqlStr, Option<AnyArguments>, bool), Error> {
    let arguments = query.take_arguments().map_err(Error::Encode)?;
    let persistent = query.persistent();
    Ok((query.sql(), arguments, persistent))
}

/// A statement taken apart by [`parts`], put together again for sqlx. Without arguments (a bare
/// text) it binds none and is not kept prepared, as sqlx's SQLite driver treats a bare text.
fn rebuilt(sql: SqlStr, arguments: Option<AnyArguments>, persistent: bool) -> Query<'static, Any, AnyArguments> {
    let persistent = persistent && arguments.is_some();
    sqlx::query_with(sql, arguments.unwrap_or_default()).persistent(persistent)
}
