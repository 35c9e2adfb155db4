//! PostgreSQL: for several app servers sharing one database.

use std::time::Duration;

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
        .connect(url)
        .await?;
    Ok(SqlStore { pool: super::counted::CountedPool::new(pool), backend: Backend::Postgres })
}
