//! The enrolment link a coordinator shares with a cohort: a short form for one's profile,
//! goals, interests and weekly availability.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::profile_form::{Asker, ProfileFields};
use super::session::with_pre_session_cookie;
use super::{ClientAddress, Layout, TextForm};
use crate::app::enrolment;
use crate::auth::{PreSession, Viewer};
use crate::domain::Profile;
use crate::error::{AppError, AppResult, sentence};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::Round;

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
    let (round, program) = enrolment::live_round(&state, &token).await?;
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
    ClientAddress(address): ClientAddress,
    Path(token): Path<String>,
    TextForm(fields): TextForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    pre.verify(&field("csrf"))?;
    let (round, program_name) = enrolment::live_round(&state, &token).await?;
    if let Some(actor) = viewer {
        enrolment::enrol_self(&state, &actor, &token).await?;
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
    let user = match enrolment::enrol_newcomer(&state, &token, &profile, &address).await {
        Err(AppError::Invalid(message)) => {
            let page = page(&pre, round, program_name, None, draft, Some(message));
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        enrolled => enrolled?,
    };
    let page = EnrolledPage { layout: Layout::anonymous(), program: program_name, email: user.profile.email };
    Ok(page.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "enrolled.html")]
struct EnrolledPage {
    layout: Layout,
    program: String,
    email: String,
}
