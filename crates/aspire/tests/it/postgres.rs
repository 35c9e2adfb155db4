//! A throwaway PostgreSQL server for the test run: `initdb` + `pg_ctl` into a temporary folder
//! on a free loopback port, one database per test. Started once per test binary and stopped by
//! a watchdog when the test process exits.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct PgServer {
    port: u16,
}

static SERVER: OnceLock<Option<PgServer>> = OnceLock::new();
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

fn find_bin_dir() -> Option<PathBuf> {
    if let Ok(out) = Command::new("sh").arg("-c").arg("command -v initdb").output() {
        let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if out.status.success() && !path.is_empty() {
            return Path::new(&path).parent().map(Path::to_path_buf);
        }
    }
    let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    candidates.sort_by_key(|p| p.parent().and_then(|v| v.file_name()).and_then(|v| v.to_str()?.parse::<u32>().ok()));
    candidates.pop()
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// Runs a PostgreSQL tool, as the `postgres` user when we are root (initdb refuses root).
fn pg_command(bin: &Path, tool: &str, as_postgres: bool) -> Command {
    if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin.join(tool));
        c
    } else {
        Command::new(bin.join(tool))
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("no free port")
}

fn start() -> Option<PgServer> {
    let Some(bin) = find_bin_dir() else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!(
                "PostgreSQL server binaries (initdb, pg_ctl) are not installed, and CI=true requires the PostgreSQL tests: .ci/run installs them with apt-get install postgresql"
            );
        }
        eprintln!(
            "PostgreSQL tests did not run: initdb was not found. Install PostgreSQL (Debian: apt-get install postgresql) to run them."
        );
        return None;
    };
    let as_postgres = is_root();
    let dir = std::env::temp_dir().join(format!("aspire-test-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the PostgreSQL test folder");
    if as_postgres {
        let ok = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir).status().map(|s| s.success());
        assert_eq!(ok.ok(), Some(true), "chown of {} to postgres failed", dir.display());
    }
    let data = dir.join("data");
    let out = pg_command(&bin, "initdb", as_postgres)
        .args(["-D"])
        .arg(&data)
        .args(["-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"])
        .output()
        .expect("run initdb");
    assert!(out.status.success(), "initdb failed: {}", String::from_utf8_lossy(&out.stderr));
    let port = free_port();
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400",
        dir.display()
    );
    let out = pg_command(&bin, "pg_ctl", as_postgres)
        .arg("-D")
        .arg(&data)
        .args(["-o", &options, "-l"])
        .arg(dir.join("log"))
        .args(["-w", "start"])
        .output()
        .expect("run pg_ctl");
    assert!(
        out.status.success(),
        "pg_ctl start failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        std::fs::read_to_string(dir.join("log")).unwrap_or_default()
    );
    // Stop the server and remove its folder once this test process is gone.
    let stop = if as_postgres {
        format!("runuser -u postgres -- {} -D {} stop -m immediate", bin.join("pg_ctl").display(), data.display())
    } else {
        format!("{} -D {} stop -m immediate", bin.join("pg_ctl").display(), data.display())
    };
    let watchdog = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        dir = dir.display()
    );
    // The watchdog must outlive this process, so it is deliberately never waited for.
    #[allow(clippy::zombie_processes)]
    Command::new("sh").arg("-c").arg(watchdog).spawn().expect("start the PostgreSQL watchdog");
    Some(PgServer { port })
}

/// A fresh, empty database URL on the shared test server, or None when PostgreSQL is missing
/// (outside CI only; the message saying so has been printed).
pub async fn fresh_database() -> Option<String> {
    let server = SERVER.get_or_init(start).as_ref()?;
    let name = format!("aspire_test_{}", NEXT_DB.fetch_add(1, Ordering::SeqCst));
    let admin_url = format!("postgres://postgres@127.0.0.1:{}/postgres", server.port);
    use sqlx::Connection;
    let mut conn = sqlx::postgres::PgConnection::connect(&admin_url).await.expect("connect to the test PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}")))
        .execute(&mut conn)
        .await
        .expect("drop db");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.expect("create db");
    Some(format!("postgres://postgres@127.0.0.1:{}/{name}", server.port))
}
