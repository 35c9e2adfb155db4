//! "Forgot your password?": asking for a reset link, and setting a new password with it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::with_pre_session_cookie;
use super::{Layout, TextForm};
use crate::app::password_reset;
use crate::auth::{PreSession, session};
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/password/forgot", forgot_page)
        .post("/password/forgot", forgot)
        .get("/password/reset/{token}", reset_page)
        .post("/password/reset/{token}", reset)
}

#[derive(Template, WebTemplate)]
#[template(path = "forgot_password.html")]
struct ForgotPage {
    layout: Layout,
    csrf: String,
    email: String,
    /// The address a link went to, if it has an account: said the same way either way.
    sent_to: Option<String>,
    error: Option<String>,
    link_minutes: i64,
}

impl ForgotPage {
    fn new(pre: &PreSession) -> ForgotPage {
        ForgotPage {
            layout: Layout::anonymous(),
            csrf: pre.token.clone(),
            email: String::new(),
            sent_to: None,
            error: None,
            link_minutes: password_reset::LINK_MINUTES,
        }
    }
}

async fn forgot_page(pre: PreSession) -> Response {
    with_pre_session_cookie(ForgotPage::new(&pre).into_response(), &pre)
}

#[derive(Deserialize)]
struct ForgotForm {
    csrf: String,
    email: String,
}

async fn forgot(
    State(state): State<AppState>,
    pre: PreSession,
    TextForm(form): TextForm<ForgotForm>,
) -> AppResult<Response> {
    pre.verify(&form.csrf)?;
    let mut page = ForgotPage::new(&pre);
    match password_reset::request(&state, &form.email).await {
        Ok(()) => {
            page.sent_to = Some(form.email.trim().to_lowercase());
            Ok(page.into_response())
        }
        Err(AppError::Invalid(error)) => {
            page.email = form.email;
            page.error = Some(error);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "reset_password.html")]
struct ResetPage {
    layout: Layout,
    csrf: String,
    email: String,
    error: Option<String>,
}

async fn reset_page(State(state): State<AppState>, pre: PreSession, Path(token): Path<String>) -> AppResult<Response> {
    let user = password_reset::live(&state, &token).await?;
    if !state.settings.password_sign_in {
        return Ok(Redirect::to("/login/sso").into_response());
    }
    let page =
        ResetPage { layout: Layout::anonymous(), csrf: pre.token.clone(), email: user.profile.email, error: None };
    Ok(with_pre_session_cookie(page.into_response(), &pre))
}

#[derive(Deserialize)]
struct ResetForm {
    csrf: String,
    password: String,
    confirm: String,
}

async fn reset(
    State(state): State<AppState>,
    pre: PreSession,
    Path(token): Path<String>,
    TextForm(form): TextForm<ResetForm>,
) -> AppResult<Response> {
    pre.verify(&form.csrf)?;
    match password_reset::reset(&state, &token, form.password, &form.confirm).await {
        Ok(user) => {
            // Every other session ended with the old password; this browser signs in afresh.
            let cookie = session::start(&state, user.id).await?;
            let mut response = Redirect::to("/?notice=password-reset").into_response();
            response.headers_mut().append(header::SET_COOKIE, cookie);
            Ok(response)
        }
        Err(AppError::Invalid(error)) => {
            let user = password_reset::live(&state, &token).await?;
            let page = ResetPage {
                layout: Layout::anonymous(),
                csrf: pre.token.clone(),
                email: user.profile.email,
                error: Some(error),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}
