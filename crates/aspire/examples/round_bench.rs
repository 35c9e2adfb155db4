//! Forming groups through the app, timed as a coordinator lives it: a real server on a fresh
//! SQLite database, the coordinator's clicks over HTTP, the formation job run by the server's own
//! background worker, and `/healthz` asked every 100 ms meanwhile to show other requests are
//! served while the engine runs.
//!
//! `cargo run --release -p aspire --example round_bench -- [--small 60] [--large 3000]
//! [--short 60] [--long 600] [--review 500] [--edits 30]`
//!
//! 1. `small` people form with the default criteria and search time (5 s at most).
//! 2. `large` people form twice with the same seed, `short` and `long` seconds: the gap between
//!    the two scores.
//! 3. A draft of `review` people takes `edits` moves; each move's time is the POST (rescoring
//!    and saving) plus loading the draft page it redirects to.
//!
//! Pass `--large 0` or `--review 0` to skip a part.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;

use aspire::config::Settings;
use aspire::domain::Profile;
use aspire::state::AppState;
use aspire::store::{self, ProgramRole};

#[derive(Parser)]
struct Args {
    /// People in the cohort formed with the default criteria and search time.
    #[arg(long, default_value_t = 60)]
    small: usize,
    /// People in the institution-wide round (0 skips it).
    #[arg(long, default_value_t = 3000)]
    large: usize,
    /// The short search time for the large round, in seconds.
    #[arg(long, default_value_t = 60.0)]
    short: f64,
    /// The long search time the short one is compared with, in seconds.
    #[arg(long, default_value_t = 600.0)]
    long: f64,
    /// People in the draft whose edits are timed (0 skips it).
    #[arg(long, default_value_t = 500)]
    review: usize,
    /// Moves timed on that draft.
    #[arg(long, default_value_t = 30)]
    edits: usize,
    /// Search time for the draft whose edits are timed, in seconds.
    #[arg(long, default_value_t = 30.0)]
    review_seconds: f64,
}

const PASSWORD: &str = "bench-password-2026";
const COORDINATOR: &str = "coordinator@bench.edu";

const DEPARTMENTS: [&str; 14] = [
    "Medicine",
    "Pediatrics",
    "Surgery",
    "Psychiatry",
    "Neurology",
    "Epidemiology",
    "Biostatistics",
    "Nursing",
    "Dental Medicine",
    "Obstetrics & Gynecology",
    "Emergency Medicine",
    "Sociomedical Sciences",
    "Radiology",
    "Anesthesiology",
];
const DISCIPLINES: [&str; 6] = [
    "Clinical research",
    "Health services research",
    "Basic science",
    "Population health",
    "Behavioral science",
    "Data science",
];
const STAGES: [&str; 5] = ["resident_fellow", "postdoc", "instructor", "assistant_professor", "associate_professor"];
const INTERESTS: [&str; 16] = [
    "health equity",
    "machine learning",
    "implementation science",
    "clinical trials",
    "maternal health",
    "substance use",
    "kidney disease",
    "neurodevelopment",
    "global health",
    "mixed methods",
    "genomics",
    "community engagement",
    "dementia",
    "cardiovascular risk",
    "medical education",
    "palliative care",
];
const DAYS: [&str; 5] = ["Mon", "Tue", "Wed", "Thu", "Fri"];

/// A small deterministic generator, so every run benchmarks the same cohort.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// `count` synthetic people with the spread of a medical school's junior faculty.
fn cohort(prefix: &str, count: usize) -> anyhow::Result<Vec<Profile>> {
    let mut rng = Lcg(count as u64 ^ 0x5eed);
    (0..count)
        .map(|i| {
            let interests: Vec<&str> = (0..3).map(|_| INTERESTS[rng.below(INTERESTS.len())]).collect();
            // Three free blocks a week, one or two hours each, between 07:00 and 18:00.
            let availability: Vec<String> = (0..3)
                .map(|_| {
                    let start = 7 + rng.below(10);
                    format!("{} {start:02}-{:02}", DAYS[rng.below(5)], start + 1 + rng.below(2))
                })
                .collect();
            let profile = Profile {
                email: format!("{prefix}{i}@bench.edu"),
                name: format!("Scholar {prefix}{i}"),
                department: DEPARTMENTS[rng.below(DEPARTMENTS.len())].into(),
                discipline: DISCIPLINES[rng.below(DISCIPLINES.len())].into(),
                career_stage: STAGES[rng.below(STAGES.len())].into(),
                research_interests: interests.join("; "),
                availability: availability.join("; "),
                time_zone: "America/New_York".into(),
                ..Profile::default()
            };
            Ok(profile.validate()?)
        })
        .collect()
}

/// A served app on a fresh database with a coordinator signed in over HTTP.
struct Bench {
    state: AppState,
    base: String,
    http: reqwest::Client,
    coordinator: i64,
    _dir: tempfile::TempDir,
}

impl Bench {
    async fn start() -> anyhow::Result<Bench> {
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
        aspire::server::spawn_background(&state)?;
        let app = aspire::server::app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });

        let now = state.now();
        let hash = aspire::auth::password::hash(PASSWORD.into()).await?;
        let coordinator = Profile { email: COORDINATOR.into(), name: "Casey Coordinator".into(), ..Profile::default() };
        let coordinator = state.store.create_user(&coordinator.validate()?, Some(&hash), false, now).await?;
        let http = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build()?;
        let bench = Bench { state, base: format!("http://{address}"), http, coordinator, _dir: dir };
        let csrf = bench.csrf("/login").await?;
        let login = bench
            .post("/login", &[("csrf", &csrf), ("email", COORDINATOR), ("password", PASSWORD), ("next", "/")])
            .await?;
        if login.status() != 303 {
            bail!("the coordinator could not sign in: {}", login.status());
        }
        Ok(bench)
    }

    async fn get(&self, path: &str) -> anyhow::Result<String> {
        let response = self.http.get(format!("{}{path}", self.base)).send().await?;
        let status = response.status();
        let body = response.text().await?;
        if status != 200 {
            bail!("GET {path} answered {status}: {body}");
        }
        Ok(body)
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> anyhow::Result<reqwest::Response> {
        Ok(self.http.post(format!("{}{path}", self.base)).form(fields).send().await?)
    }

    async fn csrf(&self, path: &str) -> anyhow::Result<String> {
        let page = self.get(path).await?;
        let marker = "name=\"csrf\" value=\"";
        let start = page.find(marker).context("no CSRF field")? + marker.len();
        Ok(page[start..].split('"').next().unwrap_or_default().to_string())
    }

    /// A program of its own with `people` newcomers, and a round for them; returns the round's id.
    async fn round(&self, prefix: &str, people: usize) -> anyhow::Result<i64> {
        let now = self.state.now();
        let program = self.state.store.create_program(&format!("Bench {prefix}"), "", now).await?;
        self.state.store.add_program_member(program, self.coordinator, ProgramRole::Coordinator).await?;
        self.state.store.import_roster(program, &cohort(prefix, people)?, now).await?;
        let csrf = self.csrf(&format!("/programs/{program}")).await?;
        let created = self
            .post(&format!("/programs/{program}/rounds"), &[("csrf", &csrf), ("name", prefix), ("who", "newcomers")])
            .await?;
        id_in_location(&created)
    }

    /// Asks for a formation as the round page does and waits for its draft, asking `/healthz`
    /// every 100 ms meanwhile. Returns the draft id and what was measured.
    async fn form(&self, round: i64, key: &str, seconds: Option<f64>) -> anyhow::Result<(i64, Formed)> {
        let csrf = self.csrf(&format!("/rounds/{round}")).await?;
        let seconds = seconds.map(|s| s.to_string()).unwrap_or_default();
        let fields = [("csrf", csrf.as_str()), ("request_key", key), ("seconds", seconds.as_str()), ("seed", "1")];
        let clicked = Instant::now();
        let job = id_in_location(&self.post(&format!("/rounds/{round}/jobs"), &fields).await?)?;

        let done = Arc::new(AtomicBool::new(false));
        let pinger = tokio::spawn(ping_health(self.http.clone(), format!("{}/healthz", self.base), done.clone()));
        let job = loop {
            let job = self.state.store.job(job).await?.context("the job vanished")?;
            if !matches!(job.status, aspire::store::JobStatus::Queued | aspire::store::JobStatus::Running) {
                break job;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let wall = clicked.elapsed();
        done.store(true, Ordering::Relaxed);
        let (pings, slowest_ping) = pinger.await?;
        let Some(draft_id) = job.draft_id else { bail!("the job ended {}: {}", job.status.code(), job.error) };
        let draft = self.state.store.draft(draft_id).await?.context("the draft vanished")?;
        let engine = job.finished_at.unwrap_or_default() - job.started_at.unwrap_or_default();
        Ok((draft_id, Formed { wall, engine_seconds: engine, total: draft.total_score, pings, slowest_ping }))
    }
}

struct Formed {
    wall: Duration,
    /// Whole seconds, as the job's start and finish are kept in the database.
    engine_seconds: i64,
    total: f64,
    pings: usize,
    slowest_ping: Duration,
}

impl std::fmt::Display for Formed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "click to draft {:.2} s (job ran ~{} s), total score {:.2}; /healthz answered {} times meanwhile, slowest {:.1} ms",
            self.wall.as_secs_f64(),
            self.engine_seconds,
            self.total,
            self.pings,
            self.slowest_ping.as_secs_f64() * 1000.0
        )
    }
}

async fn ping_health(http: reqwest::Client, url: String, done: Arc<AtomicBool>) -> (usize, Duration) {
    let mut count = 0;
    let mut slowest = Duration::ZERO;
    while !done.load(Ordering::Relaxed) {
        let asked = Instant::now();
        if http.get(&url).send().await.is_ok_and(|r| r.status() == 200) {
            count += 1;
            slowest = slowest.max(asked.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (count, slowest)
}

fn id_in_location(response: &reqwest::Response) -> anyhow::Result<i64> {
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .with_context(|| format!("expected a redirect, got {}", response.status()))?;
    location.trim_start_matches('/').split(['/', '?']).nth(1).context("no id in the redirect")?.parse().context("id")
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bench = Bench::start().await?;
    println!("aspire round bench: release build, SQLite, {} cores", std::thread::available_parallelism()?.get());

    let round = bench.round("small", args.small).await?;
    let (_, small) = bench.form(round, "small-default-000000", None).await?;
    println!("{} people, default criteria and search time: {small}", args.small);

    if args.large > 0 {
        let round = bench.round("large", args.large).await?;
        let (_, short) = bench.form(round, "large-short-00000000", Some(args.short)).await?;
        println!("{} people, {} s search: {short}", args.large, args.short);
        let (_, long) = bench.form(round, "large-long-000000000", Some(args.long)).await?;
        println!("{} people, {} s search: {long}", args.large, args.long);
        let gap = (long.total - short.total) / long.total.abs() * 100.0;
        println!("{} s result is {gap:.3}% below the {} s result", args.short, args.long);
    }

    if args.review > 0 && args.edits > 0 {
        let round = bench.round("review", args.review).await?;
        let (draft, formed) = bench.form(round, "review-draft-0000000", Some(args.review_seconds)).await?;
        println!("{} people formed for review: {formed}", args.review);
        let page = bench.get(&format!("/drafts/{draft}")).await?;
        let csrf = bench.csrf(&format!("/drafts/{draft}")).await?;
        let groups = page.matches("<h2 id=\"group-").count().max(2);
        let mut times = Vec::new();
        for edit in 0..args.edits {
            let email = format!("review{}@bench.edu", (edit * 37) % args.review);
            let to = (edit % groups + 1).to_string();
            let started = Instant::now();
            let moved = bench
                .post(&format!("/drafts/{draft}/move"), &[("csrf", &csrf), ("email", &email), ("to", &to)])
                .await?;
            // A refused move (the group is full) shows the draft with the reason: also timed.
            if !matches!(moved.status().as_u16(), 303 | 422) {
                bail!("moving {email} answered {}: {}", moved.status(), moved.text().await?);
            }
            if moved.status() == 303 {
                bench.get(&format!("/drafts/{draft}")).await?;
            } else {
                moved.text().await?;
            }
            times.push(started.elapsed());
        }
        times.sort();
        println!(
            "{} people, {} moves on the draft (POST + the page it shows): median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            args.review,
            times.len(),
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            percentile(&times, 1.0)
        );
    }
    Ok(())
}
