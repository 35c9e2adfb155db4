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

async fn login_page(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    pre: PreSession,
    Query(query): Query<LoginQuery>,
) -> Response {
    if viewer.is_some() {
        return Redirect::to(&safe_next(&query.next, &state.settings.public_url())).into_response();
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
    TextForm(form): TextForm<LoginForm>,
) -> AppResult<Response> {
    pre.verify(&form.csrf)?;
    match app::sign_in::check_password(&state, &form.email, form.password, &address).await? {
        Some(user) => {
            let cookie = session::start(&state, user.id).await?;
            let mut response = Redirect::to(&safe_next(&form.next, &state.settings.public_url())).into_response();
            response.headers_mut().append(header::SET_COOKIE, cookie);
            Ok(response)
        }
        None => {
            // The same words whether the email is unknown or the password wrong.
            let page = LoginPage {
                layout: Layout::anonymous(),
                csrf: pre.token.clone(),
                next: form.next,
                email: form.email.trim().to_lowercase(),
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
