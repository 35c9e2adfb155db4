//! Signing in and out.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{ClientAddress, Layout, Notice, TextForm, safe_next};
use crate::app;
use crate::auth::{CsrfForm, CsrfOnly, PreSession, Viewer, session};
use crate::error::AppResult;
use crate::routes::Routes;
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/login", login_page)
        .post("/login", login)
        .post("/logout", logout)
        .get("/login/sso", sso_begin)
        .get("/login/sso/callback", sso_callback)
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    next: String,
    email: String,
    error: Option<String>,
    /// "Sign in with <this>", when single sign-on is set up.
    sso_name: Option<String>,
    /// The email and password form is offered.
    password_sign_in: bool,
}

impl LoginPage {
    fn new(state: &AppState, pre: &PreSession, next: String) -> LoginPage {
        let settings = &state.settings;
        LoginPage {
            layout: Layout::anonymous(),
            csrf: pre.token.clone(),
            next,
            email: String::new(),
            error: None,
            sso_name: settings.sso_enabled().then(|| settings.sso_name.clone()),
            password_sign_in: settings.password_sign_in,
        }
    }

    /// This page with a refusal on it, as a response with `status`.
    fn refusing(mut self, status: StatusCode, why: String, pre: &PreSession) -> Response {
        self.error = Some(why);
        with_pre_session_cookie((status, self).into_response(), pre)
    }
}

#[derive(Deserialize)]
struct LoginQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    notice: Option<String>,
}

async fn login_page(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    pre: PreSession,
    Query(query): Query<LoginQuery>,
) -> Response {
    if viewer.is_some() {
        return Redirect::to(&safe_next(&query.next, &state.settings.public_url())).into_response();
    }
    let mut page = LoginPage::new(&state, &pre, query.next);
    page.layout = page.layout.with_notice(&Notice { notice: query.notice });
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
    TextForm(form): TextForm<LoginForm>,
) -> AppResult<Response> {
    pre.verify(&form.csrf)?;
    if !state.settings.password_sign_in {
        let why = format!("Signing in with a password is turned off here: sign in with {}.", state.settings.sso_name);
        return Ok(LoginPage::new(&state, &pre, form.next).refusing(StatusCode::FORBIDDEN, why, &pre));
    }
    match app::sign_in::check_password(&state, &form.email, form.password, &address).await? {
        Some(user) => {
            let cookie = session::start(&state, user.id).await?;
            let mut response = Redirect::to(&safe_next(&form.next, &state.settings.public_url())).into_response();
            response.headers_mut().append(header::SET_COOKIE, cookie);
            Ok(response)
        }
        None => {
            // The same words whether the email is unknown or the password wrong.
            let mut page = LoginPage::new(&state, &pre, form.next);
            page.email = form.email.trim().to_lowercase();
            let why = "That email and password do not match an account. Check both and try again; if you were invited, set your password with the link in your invitation email first.";
            Ok(page.refusing(StatusCode::UNAUTHORIZED, why.into(), &pre))
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

#[derive(Deserialize)]
struct SsoQuery {
    #[serde(default)]
    next: String,
}

/// Sends the browser to the institution's provider, remembering where it was going.
async fn sso_begin(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    pre: PreSession,
    Query(query): Query<SsoQuery>,
) -> AppResult<Response> {
    if !state.settings.sso_enabled() {
        return Err(crate::error::AppError::NotFound);
    }
    let next = safe_next(&query.next, &state.settings.public_url());
    if viewer.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    match app::sso::begin(&state, &pre.token, &next).await? {
        Ok(provider) => Ok(with_pre_session_cookie(Redirect::to(&provider).into_response(), &pre)),
        Err(app::sso::Refusal(why)) => {
            Ok(LoginPage::new(&state, &pre, next).refusing(StatusCode::SERVICE_UNAVAILABLE, why, &pre))
        }
    }
}

/// Where the provider sends the browser back: signed in, or the sign-in page saying why not.
async fn sso_callback(
    State(state): State<AppState>,
    pre: PreSession,
    Query(callback): Query<app::sso::Callback>,
) -> AppResult<Response> {
    if !state.settings.sso_enabled() {
        return Err(crate::error::AppError::NotFound);
    }
    // A browser that arrives without the pre-session cookie did not begin this sign-in.
    let browser = pre.set_cookie.is_none().then_some(pre.token.as_str());
    match app::sso::finish(&state, browser, &callback).await? {
        Ok((user, next)) => {
            let cookie = session::start(&state, user.id).await?;
            let mut response = Redirect::to(&safe_next(&next, &state.settings.public_url())).into_response();
            response.headers_mut().append(header::SET_COOKIE, cookie);
            Ok(response)
        }
        Err(app::sso::Refusal(why)) => {
            Ok(LoginPage::new(&state, &pre, String::new()).refusing(StatusCode::FORBIDDEN, why, &pre))
        }
    }
}
