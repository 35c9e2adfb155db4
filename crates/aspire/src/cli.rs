//! The command line: serve | demo | migrate | backup | restore | user | config.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};

use crate::auth::password;
use crate::config::{DEFAULT_FILE, Overrides, Settings};
use crate::domain::Profile;
use crate::state::AppState;
use crate::store;
use crate::{demo, form, server};

#[derive(Debug, Parser)]
#[command(name = "aspire", version, about = "Peer mentoring groups: form them, run them, show what they achieve")]
pub struct Cli {
    /// Settings file (default: ./aspire.toml if present)
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Address to listen on [env: ASPIRE_BIND] [default: 127.0.0.1:8080]
    #[arg(long, global = true, value_name = "ADDR")]
    bind: Option<String>,
    /// Folder for the SQLite database and files [env: ASPIRE_DATA_DIR] [default: ./data]
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://... [env: ASPIRE_DATABASE_URL] [default: SQLite in the data folder]
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve aspire (production: no demo data)
    Serve,
    /// Serve a demo institution, seeded the first time
    Demo {
        /// Seed a large institution instead: about this many members in groups of six or seven
        /// across up to 20 programs, with three years of history (e.g. 10000)
        #[arg(long, value_name = "MEMBERS")]
        scale: Option<usize>,
    },
    /// Apply database migrations and exit
    Migrate,
    /// Write a consistent copy of the live SQLite database to FILE
    Backup { file: PathBuf },
    /// Replace the SQLite database with FILE after checking it (stop the server first)
    Restore { file: PathBuf },
    /// Manage accounts
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Form groups from a roster CSV (no server or database needed)
    Form {
        /// The roster: the same CSV columns as the app's roster import
        roster: PathBuf,
        /// Criteria in TOML (default: similar stage and interests, diverse department and discipline, 5-7 a group)
        #[arg(long, value_name = "FILE")]
        criteria: Option<PathBuf>,
        /// Group size range, e.g. 5-7 (overrides the criteria file)
        #[arg(long, value_name = "MIN-MAX")]
        size: Option<String>,
        /// Same seed and roster give the same groups
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Search for this long (e.g. 30s, 2m); without it, a fixed budget gives reproducible groups
        #[arg(long, value_name = "DURATION")]
        time_limit: Option<String>,
        /// Where to write one row per person with their group
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Where to write a readable report with each group's why
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Independent searches run at once, the best kept (default: one per core)
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
    /// Show settings
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account; the password is asked on the terminal or read from stdin
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, value_enum, default_value = "member")]
        role: AccountRole,
        /// Display name (default: the part of the email before @)
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum AccountRole {
    Admin,
    Member,
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print a commented aspire.toml with every default
    PrintDefault,
    /// Print the settings in force after all layers
    Show,
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Config { command: ConfigCommand::PrintDefault } => {
            print!("{DEFAULT_FILE}");
            return Ok(());
        }
        Command::Form { roster, criteria, size, seed, time_limit, out, report, threads } => {
            return form::run(form::FormArgs { roster, criteria, size, seed, time_limit, out, report, threads });
        }
        _ => {}
    }
    let overrides = Overrides { bind: cli.bind, data_dir: cli.data_dir, database_url: cli.database_url };
    let settings = Settings::load(cli.config.as_deref(), &overrides)?;
    init_tracing(&settings.log);
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")?;
    runtime.block_on(dispatch(cli.command, settings))
}

fn init_tracing(filter: &str) {
    let filter =
        tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
}

async fn open_store(settings: &Settings) -> anyhow::Result<store::DynStore> {
    let url = settings.database_url();
    let store = store::open(&url).await.with_context(|| format!("cannot open the database at {}", redact(&url)))?;
    store.migrate().await.context("cannot apply the database migrations")?;
    Ok(store)
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

async fn dispatch(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let _serving = serving_lock(&settings)?;
            let store = open_store(&settings).await?;
            let listener = server::bind(&settings.bind).await?;
            println!("aspire is serving at {}", settings.public_url());
            server::serve(AppState::new(store, settings), listener).await
        }
        Command::Demo { scale } => {
            let _serving = serving_lock(&settings)?;
            let store = open_store(&settings).await?;
            let state = AppState::new(store, settings);
            let welcome = match scale {
                None => {
                    let seeded = demo::seed(&state).await?;
                    demo::welcome(&state, seeded).await?
                }
                Some(members) => {
                    let started = std::time::Instant::now();
                    let seeded = demo::scale::seed(&state, members, &mut |step| println!("{step}")).await?;
                    if seeded {
                        println!("Seeded in {:.0} s.", started.elapsed().as_secs_f64());
                    }
                    demo::scale::welcome(&state, seeded).await?
                }
            };
            let listener = server::bind(&state.settings.bind).await?;
            println!("{welcome}");
            server::serve(state, listener).await
        }
        Command::Migrate => {
            open_store(&settings).await?;
            println!("The database at {} is up to date.", redact(&settings.database_url()));
            Ok(())
        }
        Command::Backup { file } => {
            let store = open_store(&settings).await?;
            store.backup_to(&file).await?;
            println!("Wrote a consistent copy of the database to {}.", file.display());
            Ok(())
        }
        Command::Restore { file } => restore(&settings, &file).await,
        Command::User { command: UserCommand::Create { email, role, name } } => {
            create_user(&settings, &email, role, name).await
        }
        Command::Config { command: ConfigCommand::Show } => {
            print!("{}", toml_of(&settings)?);
            Ok(())
        }
        Command::Config { command: ConfigCommand::PrintDefault } | Command::Form { .. } => Ok(()),
    }
}

fn toml_of(settings: &Settings) -> anyhow::Result<String> {
    let mut shown = settings.clone();
    shown.database_url = redact(&shown.database_url);
    shown.smtp_url = redact(&shown.smtp_url);
    if !shown.sso_client_secret.is_empty() {
        shown.sso_client_secret = "********".into();
    }
    if !shown.metrics_token.is_empty() {
        shown.metrics_token = "********".into();
    }
    toml::to_string(&shown).context("cannot print the settings")
}

async fn restore(settings: &Settings, file: &Path) -> anyhow::Result<()> {
    let url = settings.database_url();
    let Some(target) = store::sqlite::database_path(&url) else {
        bail!("aspire restore puts back SQLite backups; for PostgreSQL use pg_restore");
    };
    anyhow::ensure!(
        file.exists(),
        "{} does not exist: give the path of a file written by `aspire backup`",
        file.display()
    );
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    // Nothing is lost by a restore: what was there is kept, write-ahead log and all.
    if let Some(kept) = store::sqlite::restore(file, &target).await? {
        println!(
            "The database that was there is kept, with its write-ahead log, as {} (open it with sqlite3 or point \
             ASPIRE_DATABASE_URL at it).",
            kept.display()
        );
    }
    let restored = store::open(&url).await?;
    restored.migrate().await?;
    println!("Restored {} from {}. Start aspire again to use it.", target.display(), file.display());
    Ok(())
}

/// For a SQLite database, the lock that tells `aspire restore` a server is using it.
fn serving_lock(settings: &Settings) -> anyhow::Result<Option<store::sqlite::ServingLock>> {
    match store::sqlite::database_path(&settings.database_url()) {
        Some(path) => Ok(Some(store::sqlite::lock_for_serving(&path)?)),
        None => Ok(None),
    }
}

async fn create_user(settings: &Settings, email: &str, role: AccountRole, name: Option<String>) -> anyhow::Result<()> {
    let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or(email).to_string());
    let profile = Profile { email: email.to_string(), name, ..Profile::default() }.validate()?;
    let store = open_store(settings).await?;
    if store.user_by_email(&profile.email).await?.is_some() {
        bail!("an account for {} already exists", profile.email);
    }
    let password = read_new_password()?;
    password::check_strength(&password)?;
    let hash = password::hash(password).await?;
    let now = jiff::Timestamp::now().as_second();
    store.create_user(&profile, Some(&hash), matches!(role, AccountRole::Admin), now).await?;
    let what = if matches!(role, AccountRole::Admin) { "admin" } else { "member" };
    println!("Created {what} account {}.", profile.email);
    println!("Sign in at {}/login", settings.public_url());
    Ok(())
}

fn read_new_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        anyhow::ensure!(first == second, "the two passwords differ; run the command again");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("cannot read the password from stdin")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_show_prints_no_secret() {
        let settings = Settings {
            database_url: "postgres://aspire:db-secret@db/aspire".into(),
            smtp_url: "smtp://mail:smtp-secret@mail.test.edu:587".into(),
            sso_client_secret: "sso-secret".into(),
            metrics_token: "metrics-secret".into(),
            ..Settings::default()
        };
        let shown = toml_of(&settings).unwrap();
        for secret in ["db-secret", "smtp-secret", "sso-secret", "metrics-secret"] {
            assert!(!shown.contains(secret), "{secret} printed:\n{shown}");
        }
        assert!(shown.contains("postgres://aspire:***@db/aspire"), "{shown}");
    }
}
