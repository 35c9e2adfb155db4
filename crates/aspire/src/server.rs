//! Running the web server: the routes of the pages and the API with the layers every response
//! gets (security headers, body limit, metrics, audit of refusals, tracing), and the background
//! work (outbox delivery, formation jobs, reminders, session clean-up).

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Uri, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tokio::net::TcpListener;
use tower::Layer;
use tower_http::trace::TraceLayer;

use crate::auth::session::WhoAsked;
use crate::domain::roster::MAX_ROSTER_BYTES;
use crate::error::{AppError, ErrorReport, sentence};
use crate::notify::outbox;
use crate::routes::{Route, Routes};
use crate::state::AppState;
use crate::{api, web};

/// Largest request body accepted anywhere: a roster file plus its form.
pub const MAX_BODY_BYTES: usize = MAX_ROSTER_BYTES + 512 * 1024;

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Every route: the pages and the JSON API, each on the application layer, never on each other.
fn all_routes() -> Routes {
    web::routes().merge(api::routes())
}

/// The method and path of every route `app()` serves, for the authorization matrix test.
pub fn route_table() -> Vec<Route> {
    all_routes().table
}

/// The whole application, ready to serve or to drive with `oneshot` in tests.
///
/// What every response gets is one layer around the whole router, not a layer on each route:
/// axum boxes and clones each route's layers for every request, and with a dozen of them that
/// was a measurable share of a signed-in page.
pub fn app(state: AppState) -> Router {
    let routes = all_routes()
        .router
        // The session is read so the page that says "nothing here" still has its navigation.
        .fallback(|_: crate::auth::Viewer| async { AppError::NotFound })
        .with_state(state.clone());
    let every_request = TraceLayer::new_for_http().layer(
        middleware::from_fn_with_state(state, around_each_request)
            .layer(DefaultBodyLimit::max(MAX_BODY_BYTES).layer(routes)),
    );
    Router::new().fallback_service(every_request)
}

/// What every request goes through, innermost first: errors presented as pages (or JSON under
/// `/api/`), the response counted, a refusal audited, the request's database connection and read
/// transaction ended, and the headers every response carries.
async fn around_each_request(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut request = request.map(|body| axum::body::Body::new(GivesBackConnection { body, waiting: true }));
    let who = WhoAsked::default();
    request.extensions_mut().insert(who.clone());
    let is_api = request.uri().path().starts_with("/api/");
    let (method, uri) = (request.method().clone(), request.uri().clone());
    let mut response = crate::store::counted::one_connection_per_request(async {
        let response = present_errors(next.run(request).await, is_api, &who).await;
        count_response(&state, &response);
        if response.status() == axum::http::StatusCode::NOT_FOUND {
            audit_refusal(&state, &who, &method, &uri).await;
        }
        response
    })
    .await;
    add_headers(response.headers_mut(), state.settings.secure_cookies());
    response
}

const SECURITY_HEADERS: [(HeaderName, &str); 6] = [
    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    // Invitation links carry a secret: never send it on as a referrer.
    (header::REFERRER_POLICY, "no-referrer"),
    (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"),
    (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
];

fn add_headers(headers: &mut HeaderMap, over_https: bool) {
    // Pages hold personal data: no shared cache may keep them. Assets set their own policy.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    for (name, value) in SECURITY_HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // Served over https: browsers keep to https for a year.
    if over_https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
}

/// A request body that gives the request's database connection back when first read.
struct GivesBackConnection {
    body: axum::body::Body,
    waiting: bool,
}

impl http_body::Body for GivesBackConnection {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        if std::mem::take(&mut self.waiting) {
            crate::store::counted::release_request_connection();
        }
        std::pin::Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// Records in the audit log each time a signed-in person is refused something (a 404: not
/// theirs to see, or not there). The path is kept without secrets: long segments (tokens) are
/// cut out.
async fn audit_refusal(state: &AppState, who: &WhoAsked, method: &Method, uri: &Uri) {
    let Some(user_id) = who.user_id() else {
        return;
    };
    let path: Vec<&str> = uri.path().split('/').map(|segment| if segment.len() > 20 { "…" } else { segment }).collect();
    let subject = format!("{method} {}", path.join("/"));
    if let Err(e) = state.store.audit(Some(user_id), "refused", &subject, state.now()).await {
        tracing::warn!(error = %e, "could not write to the audit log");
    }
}

/// Renders every refusal the same two ways: under `/api/` as `{"error": "..."}`, elsewhere as a
/// page inside the layout. Besides the application's own errors, this catches the plain-text
/// rejections of axum's extractors (a path number that is not a number, JSON that does not parse).
async fn present_errors(response: Response, is_api: bool, who: &WhoAsked) -> Response {
    let status = response.status();
    let message = match response.extensions().get::<ErrorReport>() {
        Some(report) => report.message.clone(),
        None if is_extractor_rejection(&response) => {
            let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024).await.unwrap_or_default();
            rejection_message(&String::from_utf8_lossy(&bytes))
        }
        None => return response,
    };
    if is_api { api::error_response(status, &message) } else { web::error_page::render(status, &message, who.actor()) }
}

/// Words for a rejection by one of axum's extractors: its own text says what failed to parse,
/// and this says what to do about it.
fn rejection_message(text: &str) -> String {
    if text.starts_with("Invalid URL") {
        return "The address has a part aspire cannot read (a number, say, that is not one): check the link, or start again from your home page.".to_string();
    }
    format!("{}: check what was sent and try again.", sentence(text).trim_end_matches('.'))
}

/// A client error answered in plain text: only axum's own rejections answer that way.
fn is_extractor_rejection(response: &Response) -> bool {
    response.status().is_client_error()
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/plain"))
}

fn count_response(state: &AppState, response: &Response) {
    let counter = match response.status().as_u16() {
        200..=299 => &state.metrics.requests_2xx,
        300..=399 => &state.metrics.requests_3xx,
        400..=499 => &state.metrics.requests_4xx,
        _ => &state.metrics.requests_5xx,
    };
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Starts the background tasks for `state`: email delivery when SMTP is configured, formation
/// jobs, meeting reminders every minute, and the hourly removal of expired sessions.
pub fn spawn_background(state: &AppState) -> anyhow::Result<()> {
    if !state.settings.smtp_url.is_empty() {
        let transport = outbox::transport(&state.settings.smtp_url)?;
        tokio::spawn(outbox::run_worker(state.clone(), transport, Duration::from_secs(5)));
    }
    tokio::spawn(crate::jobs::run_worker(state.clone()));
    let reminders = state.clone();
    tokio::spawn(async move {
        loop {
            if let Err(e) = crate::notify::reminders::send_due(&reminders).await {
                tracing::warn!(error = %e, "could not queue meeting reminders");
            }
            if let Err(e) = crate::notify::discussion::send_digests(&reminders).await {
                tracing::warn!(error = %e, "could not queue discussion digests");
            }
            if let Err(e) = crate::notify::weekly::send_weekly_digests(&reminders).await {
                tracing::warn!(error = %e, "could not queue weekly summaries");
            }
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    });
    if state.settings.public_data {
        let looker = state.clone();
        tokio::spawn(async move {
            loop {
                // Once a day across every server: the first to claim the day runs it.
                match crate::public_data::run_nightly(&looker).await {
                    Ok(Some(night)) => tracing::info!(
                        scholars = night.scholars,
                        found = night.found,
                        problems = night.problems.len(),
                        "looked scholars up in PubMed, NIH RePORTER and ORCID"
                    ),
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "could not look scholars up in public data"),
                }
                tokio::time::sleep(Duration::from_secs(600)).await;
            }
        });
    }
    let cleaner = state.clone();
    tokio::spawn(async move {
        loop {
            let now = cleaner.now();
            let settings = &cleaner.settings;
            let result = cleaner
                .store
                .delete_sessions_before(
                    now - settings.session_absolute_hours * 3600,
                    now - settings.session_idle_minutes * 60,
                )
                .await;
            if let Err(e) = result {
                tracing::warn!(error = %e, "could not remove expired sessions");
            }
            // Single sign-ons that never came back from the provider.
            if let Err(e) = cleaner.store.delete_sso_logins_before(now - crate::app::sso::PENDING_SECONDS).await {
                tracing::warn!(error = %e, "could not remove abandoned single sign-ons");
            }
            if let Err(e) = cleaner.store.refresh_planner_statistics().await {
                tracing::warn!(error = %e, "could not refresh the query planner's statistics");
            }
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    });
    Ok(())
}

pub async fn bind(address: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}: is another program using it? Choose another with --bind"))
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(state: AppState, listener: TcpListener) -> anyhow::Result<()> {
    spawn_background(&state)?;
    let app = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await.context("the web server stopped")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
