//! Memory under bursts of sign-ins: a real server on a fresh SQLite database in this process,
//! `--total` successful sign-ins in bursts of `--burst` at once, and the process's resident
//! memory (VmRSS, Linux) before, at the peak of the bursts, and after `--idle` seconds.
//! Each sign-in verifies an argon2id hash (19 MiB); aspire computes at most a few at a time.
//!
//! `cargo run --release -p aspire --example signin_memory -- [--total 1000] [--burst 50] [--idle 20]`

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;

use aspire::config::Settings;
use aspire::domain::Profile;
use aspire::state::AppState;
use aspire::store;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 1000)]
    total: usize,
    #[arg(long, default_value_t = 50)]
    burst: usize,
    /// Seconds to wait after the last burst before measuring again.
    #[arg(long, default_value_t = 20)]
    idle: u64,
}

const PASSWORD: &str = "memory-bench-password";

/// The allocator the `aspire` binary uses, so the figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn rss_mb() -> anyhow::Result<f64> {
    let status = std::fs::read_to_string("/proc/self/status").context("reading /proc/self/status (Linux only)")?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmRSS line")?;
    Ok(kb / 1024.0)
}

async fn sign_in(base: &str, email: &str) -> anyhow::Result<()> {
    let http = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build()?;
    let page = http.get(format!("{base}/login")).send().await?.text().await?;
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("no csrf field on /login")?
        .to_string();
    let form = [("csrf", csrf.as_str()), ("email", email), ("password", PASSWORD), ("next", "/")];
    let status = http.post(format!("{base}/login")).form(&form).send().await?.status();
    if status != 303 {
        bail!("{email} could not sign in: {status}");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("aspire.db").display());
    let store = store::open(&url).await?;
    store.migrate().await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let settings = Settings {
        bind: address.to_string(),
        data_dir: dir.path().to_path_buf(),
        database_url: url,
        ..Settings::default()
    };
    let state = AppState::new(store, settings);
    let app = aspire::server::app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let hash = aspire::auth::password::hash(PASSWORD.into()).await?;
    let people: Vec<String> = (0..args.burst).map(|i| format!("person{i}@bench.edu")).collect();
    for email in &people {
        let profile = Profile { email: email.clone(), name: "Bench Person".into(), ..Profile::default() }.validate()?;
        state.store.create_user(&profile, Some(&hash), false, state.now()).await?;
    }
    let base = format!("http://{address}");
    let resting = rss_mb()?;
    let mut peak = resting;
    let started = Instant::now();
    let mut done = 0;
    while done < args.total {
        let mut burst = tokio::task::JoinSet::new();
        for email in people.iter().take(args.total - done) {
            let (base, email) = (base.clone(), email.clone());
            burst.spawn(async move { sign_in(&base, &email).await });
        }
        while let Some(result) = burst.join_next().await {
            result??;
            done += 1;
            peak = peak.max(rss_mb()?);
        }
    }
    let elapsed = started.elapsed();
    tokio::time::sleep(Duration::from_secs(args.idle)).await;
    let after = rss_mb()?;
    println!("sign-ins\tburst\tseconds\tper second\tRSS resting MB\tRSS peak MB\tRSS after {}s idle MB", args.idle);
    println!(
        "{done}\t{}\t{:.1}\t{:.1}\t{resting:.0}\t{peak:.0}\t{after:.0}",
        args.burst,
        elapsed.as_secs_f64(),
        done as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}
