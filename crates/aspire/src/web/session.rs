//! Signing in and out.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Query, State};
use axum::http::HeaderMap;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::sync::atomic::Ordering;

use super::{ClientAddress, Layout, Notice, safe_next};
use crate::auth::{CsrfForm, CsrfOnly, PreSession, Viewer, password, session, throttle};
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new().get("/login", login_page).post("/login", login).post("/logout", logout)
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    next: String,
    email: String,
    error: Option<&'static str>,
}

#[derive(Deserialize)]
struct LoginQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    notice: Option<String>,
}

async fn login_page(Viewer(viewer): Viewer, pre: PreSession, Query(query): Query<LoginQuery>) -> Response {
    if viewer.is_some() {
        return Redirect::to(safe_next(&query.next)).into_response();
    }
    let page = LoginPage {
        layout: Layout::anonymous().with_notice(&Notice { notice: query.notice }),
        csrf: pre.token.clone(),
        next: query.next,
        email: String::new(),
        error: None,
    };
    with_pre_session_cookie(page.into_response(), &pre)
}

pub fn with_pre_session_cookie(mut response: Response, pre: &PreSession) -> Response {
    if let Some(cookie) = &pre.set_cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie.clone());
    }
    response
}

#[derive(Deserialize)]
struct LoginForm {
    csrf: String,
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(
    State(state): State<AppState>,
    pre: PreSession,
    ClientAddress(address): ClientAddress,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    pre.verify(&form.csrf)?;
    let email = form.email.trim().to_lowercase();
    let now = state.now();
    let (for_account, from_address) =
        state.store.recent_login_failures(&email, &address, now - throttle::WINDOW_SECONDS).await?;
    if !throttle::allows_attempt(for_account, from_address) {
        return Err(AppError::TooManyAttempts);
    }
    let user = state.store.user_by_email(&email).await?;
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let matches = password::verify(form.password, hash).await;
    state.store.record_login_attempt(&email, &address, matches, now).await?;
    let audited = match (&user, matches) {
        (Some(user), true) => state.store.audit(Some(user.id), "signed in", "", now).await,
        // The address tried, never the password.
        _ => state.store.audit(None, "sign-in refused", &email, now).await,
    };
    audited?;
    match user.filter(|_| matches) {
        Some(user) => {
            state.metrics.logins_succeeded.fetch_add(1, Ordering::Relaxed);
            let cookie = session::start(&state, user.id).await?;
            let mut response = Redirect::to(safe_next(&form.next)).into_response();
            response.headers_mut().append(header::SET_COOKIE, cookie);
            Ok(response)
        }
        None => {
            state.metrics.logins_failed.fetch_add(1, Ordering::Relaxed);
            // The same words whether the email is unknown or the password wrong.
            let page = LoginPage {
                layout: Layout::anonymous(),
                csrf: pre.token.clone(),
                next: form.next,
                email,
                error: Some(
                    "That email and password do not match an account. Check both and try again; if you were invited, set your password with the link in your invitation email first.",
                ),
            };
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
    }
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    CsrfForm(_actor, _form): CsrfForm<CsrfOnly>,
) -> AppResult<Response> {
    let cookie = session::end(&state, &headers).await?;
    let mut response = Redirect::to("/login?notice=signed-out").into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}
