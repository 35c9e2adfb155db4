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
    /// Single sign-on with OpenID Connect: the provider's issuer URL; empty turns it off.
    pub sso_issuer: String,
    pub sso_client_id: String,
    pub sso_client_secret: String,
    /// What the sign-in page offers: "Sign in with <this>".
    pub sso_name: String,
    /// A first single sign-on by someone with no account here creates one (with no role in any
    /// program); otherwise only people already here (invited, imported) can sign in.
    pub sso_create_accounts: bool,
    /// Off: people sign in only through single sign-on, and no password is set or reset.
    pub password_sign_in: bool,
    /// Each night, look scholars up in PubMed, NIH RePORTER and ORCID and ask them "is this
    /// yours?" about what is not in their record yet. Off by default: aspire needs none of it.
    pub public_data: bool,
    /// The institution as PubMed affiliations and RePORTER organisation names spell it.
    pub public_data_affiliation: String,
    pub pubmed_url: String,
    pub reporter_url: String,
    pub orcid_url: String,
    /// Pause after each request to those services, as they ask (NCBI: 3 a second without a key).
    pub public_data_pause_ms: u64,
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
            sso_issuer: String::new(),
            sso_client_id: String::new(),
            sso_client_secret: String::new(),
            sso_name: "your institution".into(),
            sso_create_accounts: false,
            password_sign_in: true,
            public_data: false,
            public_data_affiliation: String::new(),
            pubmed_url: aspire_citations::public::pubmed::EUTILS_BASE_URL.into(),
            reporter_url: aspire_citations::public::reporter::REPORTER_BASE_URL.into(),
            orcid_url: aspire_citations::public::orcid::ORCID_PUBLIC_API_BASE_URL.into(),
            public_data_pause_ms: 1000,
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
# Single sign-on with your institution's OpenID Connect provider (authorization code with PKCE).
# Register aspire there with the redirect URI <public_url>/login/sso/callback, then give its
# issuer URL (e.g. "https://login.your.edu"), client id and secret. Empty issuer: no single sign-on.
sso_issuer = ""
sso_client_id = ""
sso_client_secret = ""
# The sign-in page offers "Sign in with <sso_name>".
sso_name = "your institution"
# A first sign-in links to the account with the same verified email. true: someone with no
# account gets one (with no program role until a coordinator adds them); false: they are refused.
sso_create_accounts = false
# false: people sign in only through single sign-on (needs sso_issuer); passwords are not used.
password_sign_in = true
# Each night, look scholars up in PubMed (by name and affiliation, or ORCID iD), NIH RePORTER (by
# name and organisation) and ORCID, and ask each scholar "is this yours?" about what is not in
# their record yet (works listed on their own ORCID record go in at once). Off: nothing leaves.
public_data = false
# The institution as PubMed affiliations and RePORTER organisation names spell it, e.g.
# "Columbia University". Empty: names alone (more to dismiss).
public_data_affiliation = ""
pubmed_url = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
reporter_url = "https://api.reporter.nih.gov/"
orcid_url = "https://pub.orcid.org/"
# Pause after each request to those services (NCBI allows 3 a second without a key, RePORTER asks
# for about 1): the night's look-up takes about 4 seconds a scholar.
public_data_pause_ms = 1000
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
        anyhow::ensure!(
            self.password_sign_in || self.sso_enabled(),
            "password_sign_in = false leaves nobody a way to sign in: set sso_issuer (and sso_client_id) too"
        );
        if self.sso_enabled() {
            let issuer = url::Url::parse(&self.sso_issuer).map_err(|e| {
                anyhow::anyhow!(
                    "sso_issuer {:?} is not a URL ({e}): give the provider's issuer, e.g. https://login.your.edu",
                    self.sso_issuer
                )
            })?;
            anyhow::ensure!(
                matches!(issuer.scheme(), "https" | "http"),
                "sso_issuer {:?} must start with https://",
                self.sso_issuer
            );
            anyhow::ensure!(
                !self.sso_client_id.is_empty(),
                "sso_issuer is set but sso_client_id is empty: give the client id the provider registered for aspire"
            );
        }
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

    pub fn sso_enabled(&self) -> bool {
        !self.sso_issuer.is_empty()
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
    fn turning_passwords_off_needs_single_sign_on() {
        let without = Settings { password_sign_in: false, ..Settings::default() };
        let err = without.check().unwrap_err();
        assert!(err.to_string().contains("set sso_issuer"), "{err}");
        let half = Settings { sso_issuer: "https://login.test.edu".into(), ..without.clone() };
        assert!(half.check().unwrap_err().to_string().contains("sso_client_id"));
        let whole = Settings { sso_client_id: "aspire".into(), ..half };
        assert!(whole.check().is_ok());
        let not_a_url = Settings { sso_issuer: "login.test.edu".into(), ..whole };
        assert!(not_a_url.check().unwrap_err().to_string().contains("is not a URL"));
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
