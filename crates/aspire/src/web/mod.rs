//! HTML pages: one module per area, each with its `router()`; `app()` puts them together
//! with the layers every response gets (security headers, body limit, metrics, tracing).

mod account;
mod admin;
mod assets;
mod calendar;
mod discussion;
mod enrol;
mod goals;
mod groups;
mod home;
mod invite;
mod layout;
pub(crate) mod meetings;
mod opportunities;
mod ops;
mod profile;
pub(crate) mod programs;
mod resources;
mod rounds;
pub mod routes;
mod session;
mod wins;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use invite::invite_person;
pub use layout::{Layout, Notice};
pub use routes::{Route, Routes};

use crate::domain::roster::MAX_ROSTER_BYTES;
use crate::error::AppError;
use crate::state::AppState;

/// Largest request body accepted anywhere: a roster file plus its form.
pub const MAX_BODY_BYTES: usize = MAX_ROSTER_BYTES + 512 * 1024;

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Every route of the application, each area's in turn.
fn all_routes() -> Routes {
    session::routes()
        .merge(home::routes())
        .merge(admin::routes())
        .merge(programs::routes())
        .merge(groups::routes())
        .merge(meetings::routes())
        .merge(goals::routes())
        .merge(wins::routes())
        .merge(discussion::routes())
        .merge(account::routes())
        .merge(calendar::routes())
        .merge(crate::api::routes())
        .merge(rounds::routes())
        .merge(enrol::routes())
        .merge(invite::routes())
        .merge(profile::routes())
        .merge(ops::routes())
        .merge(assets::routes())
        .merge(resources::routes())
        .merge(opportunities::routes())
}

/// The method and path of every route `app()` serves, for the authorization matrix test.
pub fn route_table() -> Vec<Route> {
    all_routes().table
}

/// The whole application, ready to serve or to drive with `oneshot` in tests.
pub fn app(state: AppState) -> Router {
    let security_headers = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        // Invitation links carry a secret: never send it on as a referrer.
        (header::REFERRER_POLICY, "no-referrer"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
    ];
    let mut router = all_routes()
        .router
        .fallback(|| async { AppError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(state.clone(), count_responses))
        .layer(middleware::from_fn_with_state(state.clone(), audit_refusals));
    // Pages hold personal data: no shared cache may keep them. Assets set their own policy.
    router = router
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    for (name, value) in security_headers {
        router = router.layer(SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value)));
    }
    router.layer(TraceLayer::new_for_http()).with_state(state)
}

/// Records in the audit log each time a signed-in person is refused something (a 404: not
/// theirs to see, or not there). The path is kept without secrets: long segments (tokens) are
/// cut out.
async fn audit_refusals(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let who = crate::auth::session::WhoAsked::default();
    request.extensions_mut().insert(who.clone());
    let (method, uri) = (request.method().clone(), request.uri().clone());
    let response = next.run(request).await;
    if response.status() == axum::http::StatusCode::NOT_FOUND
        && let Some(user_id) = who.user_id()
    {
        // Built only for a refusal: most requests never need it.
        let path: Vec<&str> =
            uri.path().split('/').map(|segment| if segment.len() > 20 { "…" } else { segment }).collect();
        let subject = format!("{method} {}", path.join("/"));
        if let Err(e) = state.store.audit(Some(user_id), "refused", &subject, state.now()).await {
            tracing::warn!(error = %e, "could not write to the audit log");
        }
    }
    response
}

async fn count_responses(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let counter = match response.status().as_u16() {
        200..=299 => &state.metrics.requests_2xx,
        300..=399 => &state.metrics.requests_3xx,
        400..=499 => &state.metrics.requests_4xx,
        _ => &state.metrics.requests_5xx,
    };
    counter.fetch_add(1, Ordering::Relaxed);
    response
}

/// The client's address, for login throttling ("unknown" when not served over a socket).
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_string(), |ConnectInfo(addr)| addr.ip().to_string());
        Ok(ClientAddress(address))
    }
}

/// Where to go after login: only paths on this site, never another host.
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") { next } else { "/" }
}

/// Turns a failed multipart read into a clear message: too large (with `advice` on what to do
/// instead, for a file of at most `limit_bytes`), or unreadable.
pub(crate) fn upload_error(
    limit_bytes: usize,
    advice: &'static str,
) -> impl Fn(axum::extract::multipart::MultipartError) -> AppError {
    move |e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(format!("The file is larger than {} MB: {advice}", limit_bytes / (1024 * 1024)))
        } else {
            AppError::BadRequest(format!(
                "The upload could not be read ({}): choose the file again and resend the form.",
                e.body_text()
            ))
        }
    }
}

/// An error message as a sentence: capital first letter (messages from the domain start lower-case).
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
