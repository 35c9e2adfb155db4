//! `restore` on SQLite: refused while a server holds the database; the database it replaces is
//! kept whole, write-ahead log included, so every acknowledged write survives in the kept copy.

use aspire::domain::Profile;
use aspire::store::{self, StoreError};

async fn add_person(store: &store::SqlStore, email: &str) {
    let profile = Profile { email: email.into(), name: "Someone".into(), ..Profile::default() }.validate().unwrap();
    store.create_user(&profile, None, false, 1).await.unwrap();
}

#[tokio::test]
async fn a_restore_refuses_while_served_and_keeps_every_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("aspire.db");
    let url = format!("sqlite://{}", database.display());
    let live = store::open(&url).await.unwrap();
    live.migrate().await.unwrap();
    add_person(&live, "before.backup@test.edu").await;
    let backup = dir.path().join("backup.db");
    live.backup_to(&backup).await.unwrap();
    add_person(&live, "after.backup@test.edu").await;

    let serving = store::sqlite::lock_for_serving(&database).unwrap();
    match store::sqlite::restore(&backup, &database).await {
        Err(StoreError::InUse(message)) => assert!(message.contains("stop it"), "{message}"),
        other => panic!("a restore under a running server must be refused, got {other:?}"),
    }
    assert!(store::sqlite::lock_for_serving(&database).is_err(), "one server per database");
    drop(serving);

    // As after kill -9: the server's connections were never closed, so the last writes are in
    // the write-ahead log, not yet in the main file.
    let wal = dir.path().join("aspire.db-wal");
    assert!(wal.exists() && std::fs::metadata(&wal).unwrap().len() > 0, "the writes are in the WAL");
    std::mem::forget(live);
    let kept = store::sqlite::restore(&backup, &database).await.unwrap().expect("the old database is kept");
    assert!(std::path::PathBuf::from(format!("{}-wal", kept.display())).exists(), "its WAL is kept beside it");

    let old = store::open(&format!("sqlite://{}", kept.display())).await.unwrap();
    assert!(old.user_by_email("after.backup@test.edu").await.unwrap().is_some(), "the kept copy lost a write");
    let restored = store::open(&url).await.unwrap();
    assert!(restored.user_by_email("before.backup@test.edu").await.unwrap().is_some());
    assert!(restored.user_by_email("after.backup@test.edu").await.unwrap().is_none(), "the backup is what is back");
}
