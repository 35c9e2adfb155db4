//! PostgreSQL: for several app servers sharing one database.

use std::time::Duration;

use sqlx::Executor;
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;

use super::{Backend, Result, SqlStore};

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

pub async fn open(url: &str) -> Result<SqlStore> {
    sqlx::any::install_default_drivers();
    // No ping before each statement: a broken connection fails its statement and is replaced.
    let pool = AnyPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(30))
        .test_before_acquire(false)
        .after_connect(|connection, _| {
            Box::pin(async move {
                // An institution's data is read from memory, where a page found through an index
                // costs about what the next page of a scan does. PostgreSQL's default (4, for
                // spinning disks) made it scan all the users for a program's 500 people: a
                // coordinator's program page 408 -> 562 req/s and my goals 1,511 -> 2,312 with
                // this, the other pages unchanged (10,000 members, 50 connections).
                connection.execute("SET random_page_cost = 1.1").await?;
                Ok(())
            })
        })
        .connect(url)
        .await?;
    Ok(SqlStore { pool: super::counted::CountedPool::new(pool), backend: Backend::Postgres })
}
