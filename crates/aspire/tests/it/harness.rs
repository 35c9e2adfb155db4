//! spawn_app(): a real aspire server on a free port with its own fresh database, on the
//! backend the test asks for, and an HTTP client that keeps cookies like a browser.

use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};

use aspire::config::Settings;
use aspire::domain::Profile;
use aspire::state::{AppState, ManualClock};
use aspire::store::group_changes::{ChangeKind, MembershipChange};
use aspire::store::{self, GroupRole, ProgramRole};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one test per backend from one async body taking a `TestApp`.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::harness::spawn_app($crate::harness::Backend::Sqlite).await.expect("sqlite app");
                // The body may capture only some fields of `app`: keep its folder alive to the end.
                let dir = app.dir.clone();
                ($body)(app).await;
                drop(dir);
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(app) = $crate::harness::spawn_app($crate::harness::Backend::Postgres).await else { return };
                let dir = app.dir.clone();
                ($body)(app).await;
                drop(dir);
            }
        }
    };
}

pub const PASSWORD: &str = "correct horse battery staple";
static PASSWORD_HASH: LazyLock<String> =
    LazyLock::new(|| aspire::auth::password::hash_blocking(PASSWORD).expect("hash the test password"));

pub struct TestApp {
    pub address: SocketAddr,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    pub dir: Arc<tempfile::TempDir>,
}

/// The test world most tests start from: one program with a coordinator, two groups with
/// members, a second program with its own coordinator, and an admin.
pub struct World {
    pub program: i64,
    pub other_program: i64,
    pub group_a: i64,
    pub group_b: i64,
    /// In the program but in no group.
    pub spare: i64,
}

pub const ADMIN: &str = "admin@test.edu";
pub const COORDINATOR: &str = "coord@test.edu";
pub const OTHER_COORDINATOR: &str = "other.coord@test.edu";
pub const MEMBER_A: &str = "member.a@test.edu";
pub const MEMBER_A2: &str = "member.a2@test.edu";
pub const MEMBER_B: &str = "member.b@test.edu";
pub const FACILITATOR_A: &str = "facilitator.a@test.edu";
pub const SPARE: &str = "spare@test.edu";

pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    spawn_app_on(listener, backend, |_| {}).await
}

/// A server on `listener` (bound first when the settings need its address, as single sign-on's
/// redirect URI does), with settings `configure` changes.
pub async fn spawn_app_on(
    listener: tokio::net::TcpListener,
    backend: Backend,
    configure: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("aspire.db").display()),
        Backend::Postgres => crate::postgres::fresh_database().await?,
    };
    let store = store::open(&url).await.expect("open store");
    store.migrate().await.expect("migrate");
    let address = listener.local_addr().expect("address");
    let mut settings = Settings {
        bind: address.to_string(),
        data_dir: dir.path().to_path_buf(),
        database_url: url,
        ..Settings::default()
    };
    configure(&mut settings);
    let clock = Arc::new(ManualClock::new(1_780_000_000));
    let state = AppState::with_clock(store, settings, clock.clone());
    let app = aspire::server::app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Some(TestApp { address, state, clock, dir: Arc::new(dir) })
}

impl TestApp {
    /// A second app server on the same database and clock, as a second machine behind a load
    /// balancer would be: its own pool, its own listener.
    pub async fn another_server(&self) -> TestApp {
        let store = store::open(&self.state.settings.database_url).await.expect("open store");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let settings = Settings { bind: address.to_string(), ..self.state.settings.clone() };
        let state = AppState::with_clock(store, settings, self.clock.clone());
        let app = aspire::server::app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });
        TestApp { address, state, clock: self.clock.clone(), dir: self.dir.clone() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    pub fn client(&self) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: format!("http://{}", self.address),
        }
    }

    pub async fn user(&self, email: &str, name: &str, admin: bool) -> i64 {
        let profile = Profile { email: email.into(), name: name.into(), ..Profile::default() }.validate().unwrap();
        self.state.store.create_user(&profile, Some(&PASSWORD_HASH), admin, self.clock.now_value()).await.unwrap()
    }

    pub async fn world(&self) -> World {
        let store = &self.state.store;
        let now = self.clock.now_value();
        self.user(ADMIN, "Ada Admin", true).await;
        let program = store.create_program("KL2 Scholars", "", now).await.unwrap();
        let other_program = store.create_program("Other Program", "", now).await.unwrap();
        let coordinator = self.user(COORDINATOR, "Cora Coordinator", false).await;
        store.add_program_member(program, coordinator, ProgramRole::Coordinator).await.unwrap();
        let other = self.user(OTHER_COORDINATOR, "Otto Other", false).await;
        store.add_program_member(other_program, other, ProgramRole::Coordinator).await.unwrap();
        let group_a = store.create_group(program, "Group A", now).await.unwrap();
        let group_b = store.create_group(program, "Group B", now).await.unwrap();
        for (email, name, group, role) in [
            (MEMBER_A, "Mina Alpha", group_a, GroupRole::Member),
            (MEMBER_A2, "Milo Alpha", group_a, GroupRole::Member),
            (FACILITATOR_A, "Fay Facilitator", group_a, GroupRole::Facilitator),
            (MEMBER_B, "Bea Beta", group_b, GroupRole::Member),
        ] {
            let id = self.user(email, name, false).await;
            store.add_program_member(program, id, ProgramRole::Participant).await.unwrap();
            seat(store, group, id, role).await;
        }
        let spare = self.user(SPARE, "Sam Spare", false).await;
        store.add_program_member(program, spare, ProgramRole::Participant).await.unwrap();
        World { program, other_program, group_a, group_b, spare }
    }

    /// A client signed in as `email` (with the shared test password).
    pub async fn signed_in(&self, email: &str) -> Client {
        let client = self.client();
        let response = client.login(email, PASSWORD).await;
        assert_eq!(response.status(), 303, "login as {email} failed: {}", response.text().await.unwrap_or_default());
        client
    }
}

pub trait ClockExt {
    fn now_value(&self) -> i64;
}

impl ClockExt for ManualClock {
    fn now_value(&self) -> i64 {
        use aspire::state::Clock;
        self.now()
    }
}

pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
}

impl Client {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(format!("{}{path}", self.base)).send().await.expect("GET")
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.http.post(format!("{}{path}", self.base)).form(fields).send().await.expect("POST")
    }

    /// The CSRF token of the form on the page at `path`.
    pub async fn csrf(&self, path: &str) -> String {
        let (status, body) = self.get_text(path).await;
        assert_eq!(status, 200, "GET {path} to read its CSRF token: {body}");
        csrf_in(&body).unwrap_or_else(|| panic!("no csrf field on {path}"))
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        let csrf = self.csrf("/login").await;
        self.post_form("/login", &[("csrf", &csrf), ("email", email), ("password", password), ("next", "/")]).await
    }
}

pub fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// Seats someone in a group as the test's setup, there since before anything the test shares.
pub async fn seat(store: &store::SqlStore, group_id: i64, user_id: i64, role: GroupRole) {
    let change = MembershipChange { group_id, user_id, person_name: String::new(), kind: ChangeKind::Added, role };
    store.change_group_memberships(&[change], (0, "test setup"), &Default::default(), 0).await.unwrap();
}

/// Takes someone out of a group as the test's setup.
pub async fn unseat(store: &store::SqlStore, group_id: i64, user_id: i64) {
    let change = MembershipChange {
        group_id,
        user_id,
        person_name: String::new(),
        kind: ChangeKind::Removed,
        role: GroupRole::Member,
    };
    store.change_group_memberships(&[change], (0, "test setup"), &Default::default(), 0).await.unwrap();
}
