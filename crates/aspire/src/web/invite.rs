//! Invitations: a one-time link, valid for a week, that lets a person set their password.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::routes::Routes;
use super::session::with_pre_session_cookie;
use super::{Layout, sentence};
use crate::auth::token::{hash_token, new_token};
use crate::auth::{PreSession, password, session};
use crate::error::{AppError, AppResult, error_page};
use crate::notify;
use crate::state::AppState;
use crate::store::{Invitation, Program, User};

pub fn routes() -> Routes {
    Routes::new().get("/invite/{token}", accept_page).post("/invite/{token}", accept)
}

/// Makes a new invitation link for `user` and puts the email that carries it in the outbox.
pub async fn invite_person(state: &AppState, inviter: &User, program: &Program, user: &User) -> AppResult<()> {
    let token = new_token();
    let now = state.now();
    state
        .store
        .create_invitation(&Invitation {
            token_hash: hash_token(&token),
            user_id: user.id,
            program_id: program.id,
            created_by: inviter.id,
            created_at: now,
            expires_at: now + state.settings.invitation_days * 86_400,
            used_at: None,
        })
        .await?;
    let link = format!("{}/invite/{token}", state.settings.public_url());
    let body = format!(
        "Dear {name},\n\n{inviter} has invited you to {program} on aspire, where your peer mentoring group \
         meets, sets goals and celebrates wins.\n\nSet your password here (the link works once and for {days} days):\n{link}\n\n\
         If you did not expect this, you can ignore this message.\n",
        name = user.name,
        inviter = inviter.name,
        program = program.name,
        days = state.settings.invitation_days,
    );
    notify::enqueue(
        state.store.as_ref(),
        now,
        &user.email,
        &format!("Your invitation to {} on aspire", program.name),
        body,
    )
    .await?;
    Ok(())
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

const SPENT_LINK: &str = "This invitation link has already been used or has expired. If you have set your password, sign in; otherwise ask your coordinator for a new invitation.";

/// The invitation and its person, if the link is still good.
async fn live_invitation(state: &AppState, token: &str) -> AppResult<Option<(Invitation, User, Program)>> {
    let Some(invitation) = state.store.invitation(&hash_token(token)).await? else { return Ok(None) };
    if invitation.used_at.is_some() || invitation.expires_at <= state.now() {
        return Ok(None);
    }
    let user = state.store.user(invitation.user_id).await?;
    let program = state.store.program(invitation.program_id).await?;
    Ok(user.zip(program).map(|(u, p)| (invitation, u, p)))
}

async fn accept_page(State(state): State<AppState>, pre: PreSession, Path(token): Path<String>) -> AppResult<Response> {
    let Some((_, user, program)) = live_invitation(&state, &token).await? else {
        return Ok(error_page(StatusCode::GONE, SPENT_LINK.into()));
    };
    let page = AcceptPage {
        layout: Layout::anonymous(),
        csrf: pre.token.clone(),
        name: user.name,
        email: user.email,
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
    Form(form): Form<AcceptForm>,
) -> AppResult<Response> {
    pre.verify(&form.csrf)?;
    let Some((invitation, user, program)) = live_invitation(&state, &token).await? else {
        return Ok(error_page(StatusCode::GONE, SPENT_LINK.into()));
    };
    let problem = if form.password != form.confirm {
        Some("The two passwords differ: type the same password twice.".to_string())
    } else {
        password::check_strength(&form.password)
            .err()
            .map(|e| format!("{} (a short sentence works well).", sentence(&e.to_string())))
    };
    if let Some(error) = problem {
        let page = AcceptPage {
            layout: Layout::anonymous(),
            csrf: pre.token.clone(),
            name: user.name,
            email: user.email,
            program: program.name,
            error: Some(error),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = password::hash(form.password).await.map_err(|e| AppError::Internal(e.into()))?;
    // Redeeming is atomic: of two submissions of the same link, one wins.
    if !state.store.redeem_invitation(&invitation.token_hash, state.now()).await? {
        return Ok(error_page(StatusCode::GONE, SPENT_LINK.into()));
    }
    state.store.set_password(user.id, &hash).await?;
    let cookie = session::start(&state, user.id).await?;
    let mut response = Redirect::to("/profile?notice=password-set").into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}
