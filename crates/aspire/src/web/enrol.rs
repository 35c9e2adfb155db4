//! The enrolment link a coordinator shares with a cohort: a short form for one's profile,
//! goals, interests and weekly availability.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::Layout;
use super::profile_form::{Asker, ProfileFields};
use super::session::with_pre_session_cookie;
use crate::auth::{PreSession, Viewer};
use crate::domain::Profile;
use crate::error::{AppError, AppResult, sentence};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::{ProgramRole, Round};

pub fn routes() -> Routes {
    Routes::new().get("/enrol/{token}", enrol_page).post("/enrol/{token}", enrol)
}

#[derive(Template, WebTemplate)]
#[template(path = "enrol.html")]
struct EnrolPage {
    layout: Layout,
    csrf: String,
    round: Round,
    program: String,
    signed_in_as: Option<String>,
    fields: ProfileFields,
    error: Option<String>,
}

async fn live_round(state: &AppState, token: &str) -> AppResult<(Round, String)> {
    let round = state.store.round_by_enrol_token(token).await?.ok_or(AppError::NotFound)?;
    if round.published_draft_id.is_some() {
        return Err(AppError::Invalid(
            "This round's groups are already formed, so it takes no more enrolments. Ask your coordinator.".into(),
        ));
    }
    let program = state.store.program(round.program_id).await?.ok_or(AppError::NotFound)?;
    Ok((round, program.name))
}

fn page(
    pre: &PreSession,
    round: Round,
    program: String,
    signed_in_as: Option<String>,
    profile: Profile,
    error: Option<String>,
) -> EnrolPage {
    EnrolPage {
        layout: Layout::anonymous(),
        csrf: pre.token.clone(),
        fields: ProfileFields::new(profile, Asker::Newcomer),
        round,
        program,
        signed_in_as,
        error,
    }
}

async fn enrol_page(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    pre: PreSession,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let (round, program) = live_round(&state, &token).await?;
    let signed_in_as = viewer.map(|a| a.user.profile.name);
    // A starting value the newcomer can change.
    let profile = Profile { time_zone: "America/New_York".into(), ..Profile::default() };
    let response = page(&pre, round, program, signed_in_as, profile, None).into_response();
    Ok(with_pre_session_cookie(response, &pre))
}

/// Enrols the signed-in person as they are, or a newcomer with the profile they typed (and an
/// invitation to set a password). An existing account is never changed from this anonymous form.
async fn enrol(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    pre: PreSession,
    Path(token): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    pre.verify(&field("csrf"))?;
    let (round, program_name) = live_round(&state, &token).await?;
    let now = state.now();
    if let Some(actor) = viewer {
        state.store.add_program_member(round.program_id, actor.user.id, ProgramRole::Participant).await?;
        state.store.add_round_people(round.id, &[actor.user.id], now).await?;
        return Ok(Redirect::to("/profile?notice=enrolled").into_response());
    }
    let draft = ProfileFields::draft(&fields);
    let profile = match draft.clone().validate() {
        Ok(profile) => profile,
        Err(e) => {
            let page = page(&pre, round, program_name, None, draft, Some(sentence(&e.to_string())));
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let user = match state.store.user_by_email(&profile.email).await? {
        Some(existing) => existing,
        None => {
            let id = state.store.create_user(&profile, None, false, now).await?;
            state.store.user(id).await?.ok_or(AppError::NotFound)?
        }
    };
    state.store.add_program_member(round.program_id, user.id, ProgramRole::Participant).await?;
    state.store.add_round_people(round.id, &[user.id], now).await?;
    if user.password_hash.is_none() {
        let program = state.store.program(round.program_id).await?.ok_or(AppError::NotFound)?;
        let inviter =
            state.store.user(round_owner(&state, round.program_id).await?).await?.ok_or(AppError::NotFound)?;
        crate::app::invitations::invite_person(&state, &inviter, &program, &user).await?;
    }
    let page = EnrolledPage { layout: Layout::anonymous(), program: program_name, email: user.profile.email };
    Ok(page.into_response())
}

/// The coordinator invitations from an enrolment are sent in the name of.
async fn round_owner(state: &AppState, program_id: i64) -> AppResult<i64> {
    state
        .store
        .program_people(program_id)
        .await?
        .into_iter()
        .find(|p| p.role == ProgramRole::Coordinator)
        .map(|p| p.user.id)
        .ok_or_else(|| AppError::Invalid("This program has no coordinator yet; ask your program office.".into()))
}

#[derive(Template, WebTemplate)]
#[template(path = "enrolled.html")]
struct EnrolledPage {
    layout: Layout,
    program: String,
    email: String,
}
