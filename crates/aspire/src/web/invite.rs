//! Invitations: a one-time link, valid for a week, that lets a person set their password.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::with_pre_session_cookie;
use super::{Layout, TextForm};
use crate::app::invitations;
use crate::auth::{PreSession, session};
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new().get("/invite/{token}", accept_page).post("/invite/{token}", accept)
}

#[derive(Template, WebTemplate)]
#[template(path = "invite.html")]
struct AcceptPage {
    layout: Layout,
    csrf: String,
    name: String,
    email: String,
    program: String,
    error: Option<String>,
}

async fn accept_page(State(state): State<AppState>, pre: PreSession, Path(token): Path<String>) -> AppResult<Response> {
    let (_, user, program) = invitations::live(&state, &token).await?;
    if !state.settings.password_sign_in {
        return Ok(Redirect::to("/login/sso?next=/profile").into_response());
    }
    let page = AcceptPage {
        layout: Layout::anonymous(),
        csrf: pre.token.clone(),
        name: user.profile.name,
        email: user.profile.email,
        program: program.name,
        error: None,
    };
    Ok(with_pre_session_cookie(page.into_response(), &pre))
}

#[derive(Deserialize)]
struct AcceptForm {
    csrf: String,
    password: String,
    confirm: String,
}

async fn accept(
    State(state): State<AppState>,
    pre: PreSession,
    Path(token): Path<String>,
    TextForm(form): TextForm<AcceptForm>,
) -> AppResult<Response> {
    pre.verify(&form.csrf)?;
    match invitations::accept(&state, &token, form.password, &form.confirm).await {
        Ok(user) => {
            let cookie = session::start(&state, user.id).await?;
            let mut response = Redirect::to("/profile?notice=password-set").into_response();
            response.headers_mut().append(header::SET_COOKIE, cookie);
            Ok(response)
        }
        Err(AppError::Invalid(error)) => {
            let (_, user, program) = invitations::live(&state, &token).await?;
            let page = AcceptPage {
                layout: Layout::anonymous(),
                csrf: pre.token.clone(),
                name: user.profile.name,
                email: user.profile.email,
                program: program.name,
                error: Some(error),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}
