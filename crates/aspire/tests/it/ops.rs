//! Router tests without a socket (`oneshot`): security headers everywhere, health, metrics.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::harness::*;
use crate::on_both_backends;

async fn oneshot(app: &TestApp, path: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    send(app.state.clone(), Request::builder().uri(path).body(Body::empty()).unwrap()).await
}

async fn send(state: aspire::state::AppState, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = aspire::server::app(state).oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

on_both_backends!(security_headers_on_every_response_error_pages_included, |app: TestApp| async move {
    for (path, status) in [
        ("/login", StatusCode::OK),
        ("/no/such/page", StatusCode::NOT_FOUND),
        ("/static/aspire.css", StatusCode::OK),
        ("/", StatusCode::SEE_OTHER),
        ("/invite/bogus", StatusCode::GONE),
    ] {
        let (got, headers, _) = oneshot(&app, path).await;
        assert_eq!(got, status, "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
    }
    let (_, headers, body) = oneshot(&app, "/no/such/page").await;
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(body.contains("There is nothing here, or it is not yours to see"));
});

on_both_backends!(pages_carry_no_inline_script, |app: TestApp| async move {
    let (_, _, body) = oneshot(&app, "/login").await;
    assert!(body.contains("<script src=\"/static/htmx.min.js\""));
    assert!(!body.contains("<script>"), "the CSP forbids inline script, so pages must not rely on it");
    assert!(!body.contains(" style=\""), "no inline styles either");
    let (status, headers, _) = oneshot(&app, "/static/htmx.min.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"].to_str().unwrap().contains("javascript"));
});

on_both_backends!(health_and_metrics_report_without_names, |app: TestApp| async move {
    app.world().await;
    let (status, _, body) = oneshot(&app, "/healthz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok\n"));
    // Off by default; with a token set, only for a request that carries it.
    assert_eq!(oneshot(&app, "/metrics").await.0, StatusCode::NOT_FOUND);
    let settings = aspire::config::Settings { metrics_token: "scrape-secret".into(), ..app.state.settings.clone() };
    let state = aspire::state::AppState::with_clock(app.state.store.clone(), settings, app.clock.clone());
    let bearer = |token: &str| {
        Request::builder()
            .uri("/metrics")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(send(state.clone(), bearer("wrong")).await.0, StatusCode::NOT_FOUND);
    let (status, headers, body) = send(state, bearer("scrape-secret")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    assert!(body.contains("# TYPE aspire_users gauge\naspire_users 8\n"), "{body}");
    assert!(body.contains("aspire_groups 2\n"));
    assert!(body.contains("aspire_http_responses_total{class=\"2xx\"}"));
    assert!(!body.contains("Mina") && !body.contains("@test.edu"), "metrics hold counts, never names");
});

on_both_backends!(https_sites_tell_browsers_to_stay_on_https, |app: TestApp| async move {
    assert!(oneshot(&app, "/login").await.1.get("strict-transport-security").is_none(), "plain http: no HSTS");
    let settings =
        aspire::config::Settings { public_url: "https://aspire.example.edu".into(), ..app.state.settings.clone() };
    let state = aspire::state::AppState::with_clock(app.state.store.clone(), settings, app.clock.clone());
    let (_, headers, _) = send(state, Request::builder().uri("/login").body(Body::empty()).unwrap()).await;
    assert_eq!(headers["strict-transport-security"], "max-age=31536000");
});
