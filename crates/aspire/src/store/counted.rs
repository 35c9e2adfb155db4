//! The connection pool, counting the statements sent through it (a transaction counts once,
//! when it begins), so a test can show that what a page asks of the database does not grow
//! with the group, the program or the history.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_core::future::BoxFuture;
use futures_core::stream::BoxStream;
use sqlx::any::{AnyQueryResult, AnyRow, AnyStatement, AnyTypeInfo};
use sqlx::{Any, AnyPool, Either, Error, Execute, Executor, SqlStr, Transaction};

#[derive(Debug, Clone)]
pub struct CountedPool {
    pool: AnyPool,
    statements: Arc<AtomicU64>,
}

impl CountedPool {
    pub fn new(pool: AnyPool) -> CountedPool {
        CountedPool { pool, statements: Arc::new(AtomicU64::new(0)) }
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
        self.pool.begin().await
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
        (&self.pool).fetch_many(query)
    }

    fn fetch_optional<'e, 'q: 'e, E>(self, query: E) -> BoxFuture<'e, Result<Option<AnyRow>, Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, Any>,
    {
        self.count();
        (&self.pool).fetch_optional(query)
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
