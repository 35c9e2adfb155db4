//! A real OpenID provider for the single sign-on tests: panva's certified `oidc-provider` from
//! the npm registry (`tests/oidc/`), run by the machine's Node.js on a loopback port, one per
//! test, stopped when the test drops it. `npm ci` runs once when its packages are missing.
//!
//! Without Node.js these tests print one line and do not run; under `CI=true` that is a failure.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use aspire::config::Settings;

use crate::harness::Client;

pub const CLIENT_ID: &str = "aspire-tests";
pub const CLIENT_SECRET: &str = "a client secret only the tests know";
pub const PROVIDER_NAME: &str = "Test University";

#[derive(Clone, Copy, Default)]
pub struct Options {
    /// Change the email in each ID token and keep the provider's signature, as a man in the
    /// middle would.
    pub tamper: bool,
    /// Name itself `http://localhost:PORT` while aspire is told `http://127.0.0.1:PORT`.
    pub other_issuer: bool,
}

pub struct Provider {
    /// What aspire is configured with.
    pub issuer: String,
    child: Child,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc")
}

fn has_node() -> bool {
    Command::new("node").arg("--version").output().map(|o| o.status.success()).unwrap_or(false)
}

/// Installs the provider's packages once per test run, from the committed lockfile.
fn install() {
    static INSTALLED: Mutex<bool> = Mutex::new(false);
    let mut installed = INSTALLED.lock().unwrap_or_else(|e| e.into_inner());
    if *installed || folder().join("node_modules/oidc-provider").exists() {
        *installed = true;
        return;
    }
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(folder())
        .output()
        .expect("run npm ci for the test OpenID provider");
    assert!(out.status.success(), "npm ci in {} failed: {}", folder().display(), String::from_utf8_lossy(&out.stderr));
    *installed = true;
}

impl Provider {
    /// A provider that knows one client, aspire, sending people back to `redirect_uri`.
    pub fn start(redirect_uri: &str, options: Options) -> Option<Provider> {
        if !has_node() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "Node.js is not installed, and CI=true requires the single sign-on tests"
            );
            eprintln!("single sign-on tests did not run: Node.js (node, npm) was not found");
            return None;
        }
        install();
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let issuer = format!("http://127.0.0.1:{port}");
        let named = if options.other_issuer { format!("http://localhost:{port}") } else { issuer.clone() };
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .current_dir(folder())
            .env("OIDC_ISSUER", &named)
            .env("OIDC_PORT", port.to_string())
            .env("OIDC_CLIENT_ID", CLIENT_ID)
            .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
            .env("OIDC_REDIRECT_URI", redirect_uri)
            .env("OIDC_TAMPER", if options.tamper { "1" } else { "0" })
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the test OpenID provider");
        let stdout = child.stdout.take().expect("the provider's output");
        let (ready, listening) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.starts_with("listening") {
                    let _ = ready.send(());
                }
            }
        });
        listening.recv_timeout(Duration::from_secs(30)).expect("the test OpenID provider did not start within 30 s");
        Some(Provider { issuer, child })
    }

    /// Points aspire's settings at this provider.
    pub fn configure(&self, settings: &mut Settings) {
        settings.sso_issuer = self.issuer.clone();
        settings.sso_client_id = CLIENT_ID.into();
        settings.sso_client_secret = CLIENT_SECRET.into();
        settings.sso_name = PROVIDER_NAME.into();
    }
}

/// Goes from aspire's `/login/sso` through the provider's sign-in page as `login` (any
/// password), and returns the address the provider sends the browser back to, unvisited.
pub async fn sign_in_at_provider(client: &Client, login: &str) -> String {
    let response = client.get("/login/sso").await;
    assert_eq!(response.status(), 303, "aspire sends the browser to the provider");
    let mut url = location(&response, &client.base);
    let callback = format!("{}/login/sso/callback", client.base);
    for _ in 0..10 {
        if url.starts_with(&callback) {
            return url;
        }
        let response = client.http.get(&url).send().await.expect("a provider page");
        if response.status() == 303 || response.status() == 302 {
            url = location(&response, &url);
            continue;
        }
        let status = response.status();
        let page = response.text().await.expect("the provider's page");
        let action = page
            .split("action=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no form on the provider's page ({status}): {page}"));
        let response = client
            .http
            .post(join(&url, action))
            .form(&[("prompt", "login"), ("login", login), ("password", "any password")])
            .send()
            .await
            .expect("post the provider's sign-in form");
        url = location(&response, &url);
    }
    panic!("the provider never sent the browser back to aspire")
}

fn location(response: &reqwest::Response, base: &str) -> String {
    let to = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("a redirect from {} ({})", response.url(), response.status()));
    join(base, to)
}

fn join(base: &str, to: &str) -> String {
    url::Url::parse(base).and_then(|b| b.join(to)).map(|u| u.to_string()).expect("a URL")
}
