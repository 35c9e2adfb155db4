//! SQLite: the embedded default. WAL, full sync, foreign keys and a busy timeout on every
//! connection; backups with `VACUUM INTO`.

use std::path::Path;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

use super::{Backend, Result, SqlStore, StoreError};

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// Opens (and creates, if missing) the database at a `sqlite://PATH` URL.
pub async fn open(url: &str) -> Result<SqlStore> {
    sqlx::any::install_default_drivers();
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or(path);
    if let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| StoreError::Unsupported(format!("cannot create the data folder {}: {e}", parent.display())))?;
    }
    let url = format!("sqlite://{path}?mode=rwc");
    let pool = AnyPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(30))
        // A ping is a round trip to the connection's thread, as dear as a statement.
        .test_before_acquire(false)
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute("PRAGMA journal_mode = WAL").await?;
                conn.execute("PRAGMA synchronous = FULL").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                conn.execute("PRAGMA busy_timeout = 10000").await?;
                Ok(())
            })
        })
        .connect(&url)
        .await?;
    let reads = super::sqlite_reads::SqliteReads::new(Path::new(path).to_path_buf());
    Ok(SqlStore { pool: super::counted::CountedPool::with_reads(pool, reads), backend: Backend::Sqlite })
}

pub(super) async fn backup(pool: &AnyPool, path: &Path) -> Result<()> {
    if path.exists() {
        return Err(StoreError::Unsupported(format!(
            "{} already exists: choose a new file name for the backup",
            path.display()
        )));
    }
    let target = path.to_str().ok_or_else(|| StoreError::Unsupported("the backup path is not valid UTF-8".into()))?;
    sqlx::query("VACUUM INTO $1").bind(target).execute(pool).await?;
    Ok(())
}

/// Checks that `path` is a healthy aspire SQLite database: integrity and a migrations table.
pub async fn verify_backup(path: &Path) -> Result<()> {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", path.display());
    let pool = AnyPoolOptions::new().max_connections(1).connect(&url).await?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&pool).await.map_err(|e| {
        StoreError::Unsupported(format!(
            "{} is not a SQLite database ({e}); pick a file written by aspire backup",
            path.display()
        ))
    })?;
    if verdict != "ok" {
        return Err(StoreError::Unsupported(format!("{} failed its integrity check: {verdict}", path.display())));
    }
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('_sqlx_migrations', 'users', 'programs')",
    )
    .fetch_one(&pool)
    .await?;
    pool.close().await;
    if tables != 3 {
        return Err(StoreError::Unsupported(format!(
            "{} is a SQLite database but not an aspire one; pick a file written by aspire backup",
            path.display()
        )));
    }
    Ok(())
}

/// The path of the database file behind a `sqlite://PATH` URL.
pub fn database_path(url: &str) -> Option<std::path::PathBuf> {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    Some(std::path::PathBuf::from(path.split('?').next().unwrap_or(path)))
}

fn lock_path(database: &Path) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{}.serving", database.display()))
}

/// Held by a process serving the database, for as long as it runs: `restore` refuses while
/// any process holds it. The operating system lets go of it when the process ends, however
/// it ends (a crash or kill -9 included).
#[derive(Debug)]
pub struct ServingLock {
    _file: std::fs::File,
}

/// Takes the serving lock of `database`; an error when another process serves it.
pub fn lock_for_serving(database: &Path) -> Result<ServingLock> {
    let path = lock_path(database);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| StoreError::Unsupported(format!("cannot create the data folder {}: {e}", parent.display())))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| StoreError::Unsupported(format!("cannot open {}: {e}", path.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(ServingLock { _file: file }),
        Err(_) => Err(StoreError::InUse(format!(
            "another aspire is serving {} (it holds {}): stop it first",
            database.display(),
            path.display()
        ))),
    }
}

/// Puts the backup at `backup` in place of the database at `target`, refusing while a server
/// holds the database. The database that was there is moved aside whole, with its `-wal` and
/// `-shm` (the write-ahead log holds writes not yet in the main file), under one new name;
/// returns that name, if there was a database.
pub async fn restore(backup: &Path, target: &Path) -> Result<Option<std::path::PathBuf>> {
    verify_backup(backup).await?;
    // Held while restoring, so no server starts on the database half-way.
    let _lock = lock_for_serving(target).map_err(|_| {
        StoreError::InUse(format!(
            "aspire is serving {}: stop it (and any other aspire using it) before restoring, so that no write \
             it acknowledges is lost",
            target.display()
        ))
    })?;
    let kept = if target.exists() {
        let stamp = jiff::Timestamp::now().as_second();
        let kept = std::path::PathBuf::from(format!("{}.before-restore-{stamp}", target.display()));
        for suffix in ["", "-wal", "-shm"] {
            let from = std::path::PathBuf::from(format!("{}{suffix}", target.display()));
            let to = std::path::PathBuf::from(format!("{}{suffix}", kept.display()));
            if from.exists() {
                std::fs::rename(&from, &to).map_err(|e| {
                    StoreError::Unsupported(format!("cannot move {} aside to {}: {e}", from.display(), to.display()))
                })?;
            }
        }
        Some(kept)
    } else {
        None
    };
    std::fs::copy(backup, target).map_err(|e| {
        StoreError::Unsupported(format!("cannot copy {} to {}: {e}", backup.display(), target.display()))
    })?;
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::super::bulk::{Cell, Rows};
    use super::*;

    /// `count` people from id `first` on, each invited once, as a seeding or a roster would.
    fn invited(first: i64, count: i64) -> [Rows; 2] {
        let mut users = Rows::new("users", &["id", "email", "name", "created_at"]);
        let mut tokens = Rows::new("user_tokens", &["token_hash", "user_id", "kind", "created_at", "expires_at"]);
        for id in first..first + count {
            users.push(vec![
                id.into(),
                format!("person{id}@example.edu").into(),
                format!("Person {id}").into(),
                0.into(),
            ]);
            tokens.push(vec![format!("token {id}").into(), id.into(), "invitation".into(), 0.into(), Cell::Int(1)]);
        }
        [users, tokens]
    }

    #[tokio::test]
    async fn planner_statistics_follow_a_table_that_grew() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("stats.db").display());
        let store = open(&url).await.unwrap();
        store.migrate().await.unwrap();
        let invitations = || {
            sqlx::query_scalar::<_, String>("SELECT stat FROM sqlite_stat1 WHERE idx = 'user_tokens_user_kind'")
                .fetch_one(&store.pool)
        };
        // A young institution, seeded: its statistics are gathered once, with one invitation.
        store.bulk_insert(&invited(1, 1)).await.unwrap();
        store.finish_bulk_load().await.unwrap();
        assert!(invitations().await.unwrap().starts_with("1 "));
        // Three thousand invitations later.
        store.bulk_insert(&invited(2, 3000)).await.unwrap();
        store.refresh_planner_statistics().await.unwrap();
        let stat = invitations().await.unwrap();
        assert!(stat.starts_with("3001 "), "{stat}");
    }
}
