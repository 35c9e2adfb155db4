//! Settings, layered: defaults -> aspire.toml -> ASPIRE_* environment -> command-line flags.
//! An unknown key anywhere is an error, so a typo never silently falls back to a default.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Address the web server listens on.
    pub bind: String,
    /// Folder for the SQLite database and uploaded files.
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://USER:PASS@HOST/DB`; empty means SQLite in the data folder.
    pub database_url: String,
    /// The address people use to reach aspire, for links in emails; empty means http://BIND.
    pub public_url: String,
    /// `smtp://user:pass@host:587` (STARTTLS with `?tls=required`) or `smtps://...`; empty keeps
    /// emails in the outbox for an admin to read.
    pub smtp_url: String,
    pub smtp_from: String,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    /// How long invitation links stay valid.
    pub invitation_days: i64,
    /// Log filter, e.g. `info` or `aspire=debug,info`.
    pub log: String,
    /// `/metrics` answers only `Authorization: Bearer <this>`; empty turns `/metrics` off.
    pub metrics_token: String,
    /// Addresses of reverse proxies (comma-separated) whose X-Forwarded-For names the client.
    pub trusted_proxies: String,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: String::new(),
            public_url: String::new(),
            smtp_url: String::new(),
            smtp_from: "aspire <aspire@localhost>".into(),
            session_idle_minutes: 120,
            session_absolute_hours: 168,
            invitation_days: 7,
            log: "info".into(),
            metrics_token: String::new(),
            trusted_proxies: String::new(),
        }
    }
}

/// The commented default file `aspire config print-default` prints.
pub const DEFAULT_FILE: &str = r#"# aspire.toml: settings for aspire. Every key is optional; these are the defaults.
# Each key can also be set as an environment variable ASPIRE_<KEY> (ASPIRE_BIND, ...)
# and some as flags (--bind, --data-dir, --database-url), which win over this file.

# Address the web server listens on.
bind = "127.0.0.1:8080"
# Folder for the SQLite database and uploaded files.
data_dir = "./data"
# Empty: SQLite at <data_dir>/aspire.db. Or postgres://user:password@host/dbname
database_url = ""
# The address people use to reach aspire, used in email links. Empty: http://<bind>.
# Cookies are marked Secure when this starts with https://.
public_url = ""
# SMTP server for outgoing email, e.g. smtp://user:password@mail.example.edu:587?tls=required
# Empty: emails wait in the outbox; admins see who they are for at /admin/outbox.
smtp_url = ""
smtp_from = "aspire <aspire@localhost>"
# A session ends after this long without a request, and in any case after the absolute limit.
session_idle_minutes = 120
session_absolute_hours = 168
# How long an invitation link stays valid.
invitation_days = 7
# Log filter (tracing's EnvFilter syntax).
log = "info"
# /metrics (Prometheus counts) answers only requests with "Authorization: Bearer <this>".
# Empty: /metrics is off (a 404).
metrics_token = ""
# Reverse proxies in front of aspire, comma-separated (e.g. "10.0.0.2"): their X-Forwarded-For
# header names the client, for sign-in throttling. Empty: the connecting address is the client.
trusted_proxies = ""
"#;

/// Flags that override every other layer; `None` leaves the layer below in force.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

impl Settings {
    /// Loads the layers. `config_file` is required to exist when given; otherwise
    /// `./aspire.toml` is read if present.
    pub fn load(config_file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Settings> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match config_file {
            Some(path) => {
                anyhow::ensure!(path.exists(), "the config file {} does not exist", path.display());
                figment = figment.merge(Toml::file_exact(path));
            }
            None => figment = figment.merge(Toml::file("aspire.toml")),
        }
        figment = figment.merge(Env::prefixed("ASPIRE_")).merge(Serialized::defaults(overrides));
        let settings: Settings = figment.extract().map_err(|e| {
            anyhow::anyhow!("the settings are not valid: {e}. Run `aspire config print-default` to see every key")
        })?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(self.session_idle_minutes > 0, "session_idle_minutes must be positive");
        anyhow::ensure!(self.session_absolute_hours > 0, "session_absolute_hours must be positive");
        anyhow::ensure!(self.invitation_days > 0, "invitation_days must be positive");
        Ok(())
    }

    /// The database to open: the configured URL, or SQLite in the data folder.
    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("aspire.db").display())
        } else {
            self.database_url.clone()
        }
    }

    pub fn public_url(&self) -> String {
        if self.public_url.is_empty() {
            format!("http://{}", self.bind)
        } else {
            self.public_url.trim_end_matches('/').to_string()
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_default_file_is_the_defaults() {
        let parsed: Settings = Figment::from(Toml::string(DEFAULT_FILE)).extract().unwrap();
        assert_eq!(parsed, Settings::default());
    }

    #[test]
    fn unknown_key_is_an_error_that_names_it() {
        let err = Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::string("bnid = \"0.0.0.0:80\""))
            .extract::<Settings>()
            .unwrap_err();
        assert!(err.to_string().contains("bnid"), "{err}");
    }
}
