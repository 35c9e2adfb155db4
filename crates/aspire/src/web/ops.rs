//! For operators: `/healthz` for load balancers, `/metrics` for Prometheus.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::auth::token::constant_time_eq;
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new().get("/healthz", healthz).get("/metrics", metrics)
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n").into_response()
        }
    }
}

/// Prometheus text exposition format. Counts only: no names, no content. Off unless a
/// `metrics_token` is set, and then only for a request that carries it.
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let expected = &state.settings.metrics_token;
    if expected.is_empty() || !constant_time_eq(presented.trim(), expected) {
        return Err(AppError::NotFound);
    }
    let counts = state.store.counts(state.now()).await?;
    let m = &state.metrics;
    let mut out = String::new();
    let mut gauge = |name: &str, help: &str, value: i64| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
    };
    gauge("aspire_users", "People with an account.", counts.users);
    gauge("aspire_programs", "Programs.", counts.programs);
    gauge("aspire_groups", "Peer groups.", counts.groups);
    gauge("aspire_active_sessions", "Sessions used in the last hour.", counts.active_sessions);
    gauge("aspire_outbox_pending", "Emails waiting in the outbox.", counts.outbox_pending);
    gauge("aspire_outbox_sent", "Emails delivered.", counts.outbox_sent);
    let _ = writeln!(
        out,
        "# HELP aspire_http_responses_total Responses by status class since start.\n# TYPE aspire_http_responses_total counter"
    );
    for (class, counter) in
        [("2xx", &m.requests_2xx), ("3xx", &m.requests_3xx), ("4xx", &m.requests_4xx), ("5xx", &m.requests_5xx)]
    {
        let _ = writeln!(out, "aspire_http_responses_total{{class=\"{class}\"}} {}", counter.load(Ordering::Relaxed));
    }
    let _ = writeln!(out, "# HELP aspire_logins_total Login attempts since start.\n# TYPE aspire_logins_total counter");
    let _ = writeln!(out, "aspire_logins_total{{result=\"success\"}} {}", m.logins_succeeded.load(Ordering::Relaxed));
    let _ = writeln!(out, "aspire_logins_total{{result=\"failure\"}} {}", m.logins_failed.load(Ordering::Relaxed));
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], out).into_response())
}
