//! Load on signed-in pages, against the same bytes from a bare axum server in the same run.
//!
//! Starts the `aspire` binary on a scale institution (`aspire demo --scale`), signs in as one of
//! its members, that member's facilitator and its first coordinator, takes each page once, and
//! serves those bytes from a bare axum 0.8 server in this process. The member reads their group's
//! discussion on the way (to find its threads), so their home has no new posts to count; the
//! facilitator never does, so theirs counts the group's new posts, as most homes do. Then `wrk` (2 threads) loads each page on both servers
//! at each connection count (each page warmed first, `--warmup` seconds unmeasured), and
//! `/healthz` (one trivial query) as the database's floor, and a signed-in member's `/login` (the
//! session read, then a redirect) as the floor of every signed-in page. Prints req/s, p50, p99, errors, the
//! ratio to bare axum and to `/healthz`, and aspire's RSS.
//!
//! This machine's speed drifts by a fifth or more within minutes, so a page is compared with
//! what was measured right beside it: each round loads aspire's page, then the bare server's
//! copy, then `/healthz`, back to back, and the round with the median ratio to bare axum stands
//! for the page (its req/s, p50 and ratios); p99 is the worst of the rounds, errors their sum.
//!
//! ```text
//! cargo build --release && cargo run --release -p aspire --example load_bench -- \
//!     [--members 10000] [--seconds 10] [--rounds 3] [--warmup 1] [--connections 50,200] \
//!     [--database-url postgres://...]
//! ```
//! Needs `wrk` (Debian: `apt-get install wrk`).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, bail};
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use clap::Parser;

#[derive(Parser)]
struct Args {
    /// Members of the scale institution.
    #[arg(long, default_value_t = 10_000)]
    members: usize,
    /// Seconds of load per page, server, connection count and round.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Rounds per page and connection count, each aspire's page, bare axum's copy and
    /// `/healthz` back to back.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Seconds of unmeasured load on each page before its measured run: every pooled
    /// connection has then prepared the page's statements (PostgreSQL also settles its plans),
    /// as on a server that has been up a while. 0 measures a cold page.
    #[arg(long, default_value_t = 1)]
    warmup: u64,
    /// Connection counts, comma-separated.
    #[arg(long, default_value = "50,200", value_delimiter = ',')]
    connections: Vec<u32>,
    /// The aspire binary (build it with `cargo build --release`).
    #[arg(long, default_value = "target/release/aspire")]
    aspire: PathBuf,
    /// A PostgreSQL database to seed and serve from (default: SQLite in a temporary folder).
    #[arg(long)]
    database_url: Option<String>,
    /// A folder to keep the seeded database in, so later runs skip the seeding.
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

/// A page to load: where, and as whom.
struct Target {
    name: &'static str,
    path: String,
    headers: Vec<(String, String)>,
}

struct Load {
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

/// One round of a page: aspire's, bare axum's copy, and `/healthz`, measured back to back.
struct Round {
    served: Load,
    reference: Load,
    floor: Load,
}

impl Round {
    fn to_bare(&self) -> f64 {
        self.served.requests_per_second / self.reference.requests_per_second
    }
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn rss_mb(pid: u32) -> anyhow::Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).context("reading /proc (Linux only)")?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmRSS line")?;
    Ok(kb / 1024.0)
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Starts aspire on the scale institution; returns it with the member's and coordinator's emails.
/// The people the scale institution's seeding names, by email.
struct SignIns {
    member: String,
    facilitator: String,
    coordinator: String,
}

fn start_aspire(args: &Args, data_dir: &std::path::Path, port: u16) -> anyhow::Result<(Server, SignIns)> {
    let mut command = Command::new(&args.aspire);
    command.arg("--data-dir").arg(data_dir).arg("--bind").arg(format!("127.0.0.1:{port}"));
    if let Some(url) = &args.database_url {
        command.arg("--database-url").arg(url);
    }
    command.args(["demo", "--scale", &args.members.to_string()]);
    command.env("ASPIRE_LOG", "warn").stdout(Stdio::piped()).stderr(Stdio::null());
    let mut child =
        command.spawn().with_context(|| format!("starting {} (cargo build --release)", args.aspire.display()))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let server = Server(child);
    let mut people = SignIns { member: String::new(), facilitator: String::new(), coordinator: String::new() };
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["member", email, ..] => people.member = email.to_string(),
            ["facilitator", email, ..] => people.facilitator = email.to_string(),
            ["coordinator", email, ..] => people.coordinator = email.to_string(),
            ["Stop", "with", ..] => break,
            _ if line.starts_with("Seeded") => eprintln!("{line}"),
            _ => {}
        }
    }
    if people.member.is_empty() || people.facilitator.is_empty() || people.coordinator.is_empty() {
        bail!("aspire demo --scale did not print its sign-ins");
    }
    Ok((server, people))
}

/// Signs in and returns the session's Cookie header.
async fn sign_in(base: &str, email: &str) -> anyhow::Result<String> {
    let http = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build()?;
    let page = http.get(format!("{base}/login")).send().await?.text().await?;
    let csrf = value_after(&page, "name=\"csrf\" value=\"").context("no csrf field on /login")?;
    let form = [("csrf", csrf.as_str()), ("email", email), ("password", aspire::demo::PASSWORD), ("next", "/")];
    let response = http.post(format!("{base}/login")).form(&form).send().await?;
    if response.status() != 303 {
        bail!("{email} could not sign in: {}", response.status());
    }
    let cookies: Vec<String> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_string))
        .collect();
    Ok(cookies.join("; "))
}

fn value_after(html: &str, marker: &str) -> Option<String> {
    let start = html.find(marker)? + marker.len();
    Some(html[start..].split('"').next()?.to_string())
}

/// Every number that follows `prefix` in a link of `html`.
fn ids_after(html: &str, prefix: &str) -> Vec<i64> {
    html.match_indices(prefix)
        .filter_map(|(at, _)| {
            let digits: String = html[at + prefix.len()..].chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

async fn get(base: &str, target: &Target) -> anyhow::Result<(String, Vec<u8>)> {
    let mut request = reqwest::Client::new().get(format!("{base}{}", target.path));
    for (name, value) in &target.headers {
        request = request.header(name, value);
    }
    let response = request.send().await?;
    if response.status() != 200 {
        bail!("GET {} answered {}", target.path, response.status());
    }
    let content_type =
        response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("text/html").to_string();
    Ok((content_type, response.bytes().await?.to_vec()))
}

/// Finds the member's group, its latest meeting and longest thread, and makes the member a
/// calendar feed and an API token, as they would on their pages.
async fn targets(base: &str, people: &SignIns) -> anyhow::Result<Vec<Target>> {
    let member_cookie = sign_in(base, &people.member).await?;
    let facilitator_cookie = sign_in(base, &people.facilitator).await?;
    let coordinator_cookie = sign_in(base, &people.coordinator).await?;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let page = |path: String, cookie: String| {
        let http = http.clone();
        async move { http.get(format!("{base}{path}")).header("cookie", cookie).send().await?.text().await }
    };
    let home = page("/".into(), member_cookie.clone()).await?;
    let group = *ids_after(&home, "/groups/").first().context("the member's home links no group")?;
    let meetings = page(format!("/groups/{group}/meetings"), member_cookie.clone()).await?;
    let meeting =
        ids_after(&meetings, &format!("/groups/{group}/meetings/")).into_iter().max().context("no meeting")?;
    let discussion = page(format!("/groups/{group}/discussion"), member_cookie.clone()).await?;
    // A recent thread (a few replies) from the discussion's first page, and the group's oldest
    // thread (the scale institution's longest: 5,000 replies), found by going back page by page.
    let recent_thread = ids_after(&discussion, "/posts/").into_iter().min().context("no thread")?;
    let (mut oldest_thread, mut older) = (recent_thread, discussion.clone());
    let older_link = format!("/groups/{group}/discussion?before=");
    while let Some(&before) = ids_after(&older, &older_link).first() {
        older = page(format!("{older_link}{before}"), member_cookie.clone()).await?;
        oldest_thread = ids_after(&older, "/posts/").into_iter().min().unwrap_or(oldest_thread);
    }
    let goals = page("/goals".into(), member_cookie.clone()).await?;
    let csrf = value_after(&goals, "name=\"csrf\" value=\"").context("no csrf field on /goals")?;
    let post = |path: &'static str| {
        let (http, cookie, csrf) = (http.clone(), member_cookie.clone(), csrf.clone());
        async move {
            http.post(format!("{base}{path}"))
                .header("cookie", cookie)
                .form(&[("csrf", csrf)])
                .send()
                .await?
                .text()
                .await
        }
    };
    let feed_page = post("/calendar/feed").await?;
    let feed = feed_page
        .match_indices("/calendar/feed/")
        .filter_map(|(at, _)| feed_page[at..].split(['"', '<', ' ']).next())
        .find(|l| l.len() > "/calendar/feed/".len() + 16)
        .context("no calendar feed link after making one")?;
    let feed = format!("/calendar/feed/{}", feed.rsplit('/').next().unwrap_or_default());
    let token_page = post("/goals/api-token").await?;
    let token = value_after(&token_page, "id=\"api-token\" value=\"").context("no API token shown after making one")?;
    let coordinator_home = page("/".into(), coordinator_cookie.clone()).await?;
    let program =
        *ids_after(&coordinator_home, "/programs/").first().context("the coordinator's home links no program")?;
    let as_member = || vec![("cookie".to_string(), member_cookie.clone())];
    Ok(vec![
        Target { name: "member home", path: "/".into(), headers: as_member() },
        Target {
            name: "facilitator home (new posts)",
            path: "/".into(),
            headers: vec![("cookie".to_string(), facilitator_cookie)],
        },
        Target { name: "group page", path: format!("/groups/{group}"), headers: as_member() },
        Target { name: "meeting page", path: format!("/groups/{group}/meetings/{meeting}"), headers: as_member() },
        Target { name: "my goals", path: "/goals".into(), headers: as_member() },
        Target {
            name: "program (coordinator)",
            path: format!("/programs/{program}"),
            headers: vec![("cookie".to_string(), coordinator_cookie)],
        },
        Target { name: "discussion (threads)", path: format!("/groups/{group}/discussion"), headers: as_member() },
        Target { name: "thread (a few replies)", path: format!("/posts/{recent_thread}"), headers: as_member() },
        Target { name: "thread (the oldest, longest)", path: format!("/posts/{oldest_thread}"), headers: as_member() },
        Target { name: "calendar feed", path: feed, headers: Vec::new() },
        Target {
            name: "API meetings",
            path: "/api/v1/meetings".into(),
            headers: vec![("authorization".to_string(), format!("Bearer {token}"))],
        },
    ])
}

fn wrk(url: &str, headers: &[(String, String)], connections: u32, seconds: u64) -> anyhow::Result<Load> {
    let mut command = Command::new("wrk");
    command.args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s"), "--latency", "--timeout", "5s"]);
    for (name, value) in headers {
        command.arg("-H").arg(format!("{name}: {value}"));
    }
    let output = command.arg(url).output().context("running wrk (apt-get install wrk)")?;
    let text = String::from_utf8_lossy(&output.stdout);
    let number_after = |label: &str| -> Option<&str> {
        text.lines().find_map(|l| l.trim().strip_prefix(label)).map(|rest| rest.split_whitespace().next().unwrap_or(""))
    };
    let millis = |value: &str| -> f64 {
        let (digits, unit) = value.split_at(value.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(value.len()));
        let n: f64 = digits.parse().unwrap_or(f64::NAN);
        match unit {
            "us" => n / 1000.0,
            "s" => n * 1000.0,
            _ => n,
        }
    };
    let errors: u64 = number_after("Non-2xx or 3xx responses:").and_then(|n| n.parse().ok()).unwrap_or(0)
        + text
            .lines()
            .find_map(|l| l.trim().strip_prefix("Socket errors:"))
            .map(|rest| rest.split(',').filter_map(|p| p.split_whitespace().last()?.parse::<u64>().ok()).sum())
            .unwrap_or(0);
    Ok(Load {
        requests_per_second: number_after("Requests/sec:")
            .and_then(|n| n.parse().ok())
            .context("no Requests/sec from wrk")?,
        p50_ms: millis(number_after("50%").unwrap_or("")),
        p99_ms: millis(number_after("99%").unwrap_or("")),
        errors,
    })
}

/// Where the bare server serves the `i`th target's bytes.
fn bare_path(i: usize) -> String {
    format!("/page/{i}")
}

/// The same bytes and content type per path, from a bare axum server.
async fn serve_bare(pages: HashMap<String, (String, Vec<u8>)>) -> anyhow::Result<u16> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let pages = std::sync::Arc::new(pages);
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let pages = pages.clone();
        async move {
            match pages.get(uri.path()) {
                Some((content_type, body)) => {
                    let content_type =
                        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("text/html"));
                    ([(header::CONTENT_TYPE, content_type)], body.clone()).into_response()
                }
                None => axum::http::StatusCode::NOT_FOUND.into_response(),
            }
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(port)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let temporary = tempfile::tempdir()?;
    let data_dir = args.data_dir.clone().unwrap_or_else(|| temporary.path().to_path_buf());
    let port = free_port()?;
    let (server, people) = start_aspire(&args, &data_dir, port)?;
    let pid = server.0.id();
    let base = format!("http://127.0.0.1:{port}");
    let targets = targets(&base, &people).await?;
    // The bare server has each page at a path of its own: two homes share aspire's "/".
    let mut pages = HashMap::new();
    for (i, target) in targets.iter().enumerate() {
        pages.insert(bare_path(i), get(&base, target).await?);
    }
    let bare = format!("http://127.0.0.1:{}", serve_bare(pages.clone()).await?);
    let backend = if args.database_url.is_some() { "PostgreSQL" } else { "SQLite" };
    let rss_before = rss_mb(pid)?;
    let rounds_a_page = args.rounds.max(1);
    println!(
        "aspire on {backend}, {} members; wrk -t2, {} s per run, {} rounds a page; RSS at start {rss_before:.0} MB",
        args.members, args.seconds, rounds_a_page
    );
    println!();
    println!(
        "| page | bytes | conns | aspire req/s | p50 ms | p99 ms (worst round) | errors | bare axum req/s | ratio to bare | ratio to /healthz |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for &connections in &args.connections {
        // Unmeasured load first, as a server that has been up a while has had.
        let warm = |url: &str, headers: &[(String, String)]| -> anyhow::Result<()> {
            if args.warmup > 0 {
                wrk(url, headers, connections, args.warmup)?;
            }
            Ok(())
        };
        warm(&format!("{base}/healthz"), &[])?;
        let floor = wrk(&format!("{base}/healthz"), &[], connections, args.seconds)?;
        println!(
            "| /healthz (database floor) | | {connections} | {:.0} | {:.2} | {:.2} | {} | | | |",
            floor.requests_per_second, floor.p50_ms, floor.p99_ms, floor.errors
        );
        // What every signed-in page pays before it reads anything of its own: the session's
        // statement in a read transaction, then a redirect (a signed-in person has no use for
        // the sign-in page).
        let session = targets.iter().find(|t| t.name == "member home").map(|t| t.headers.clone()).unwrap_or_default();
        warm(&format!("{base}/login"), &session)?;
        let signed_in = wrk(&format!("{base}/login"), &session, connections, args.seconds)?;
        println!(
            "| signed-in floor (session, redirect) | | {connections} | {:.0} | {:.2} | {:.2} | {} | | | {:.2} |",
            signed_in.requests_per_second,
            signed_in.p50_ms,
            signed_in.p99_ms,
            signed_in.errors,
            signed_in.requests_per_second / floor.requests_per_second,
        );
        for (i, target) in targets.iter().enumerate() {
            let (page, reference_page) = (format!("{base}{}", target.path), format!("{bare}{}", bare_path(i)));
            warm(&page, &target.headers)?;
            warm(&reference_page, &[])?;
            let mut rounds = Vec::with_capacity(rounds_a_page);
            for _ in 0..rounds_a_page {
                let served = wrk(&page, &target.headers, connections, args.seconds)?;
                let reference = wrk(&reference_page, &[], connections, args.seconds)?;
                let floor = wrk(&format!("{base}/healthz"), &[], connections, args.seconds)?;
                rounds.push(Round { served, reference, floor });
            }
            let worst_p99 = rounds.iter().map(|r| r.served.p99_ms).fold(0.0, f64::max);
            let errors: u64 = rounds.iter().map(|r| r.served.errors).sum();
            rounds.sort_by(|a, b| a.to_bare().total_cmp(&b.to_bare()));
            let median = &rounds[rounds.len() / 2];
            let bytes = pages.get(&bare_path(i)).map_or(0, |(_, b)| b.len());
            println!(
                "| {} | {bytes} | {connections} | {:.0} | {:.2} | {worst_p99:.2} | {errors} | {:.0} | {:.3} | {:.2} |",
                target.name,
                median.served.requests_per_second,
                median.served.p50_ms,
                median.reference.requests_per_second,
                median.to_bare(),
                median.served.requests_per_second / median.floor.requests_per_second,
            );
        }
    }
    println!();
    println!("aspire RSS: {rss_before:.0} MB at start, {:.0} MB after the runs", rss_mb(pid)?);
    drop(server);
    Ok(())
}
