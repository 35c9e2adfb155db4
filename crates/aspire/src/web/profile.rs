//! A person's own profile: who they are, their goals, when they can meet.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::programs::{StageOption, stage_options};
use super::routes::Routes;
use super::{Layout, Notice, sentence};
use crate::auth::{Actor, CsrfForm};
use crate::domain::Profile;
use crate::error::AppResult;
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new().get("/profile", profile_page).post("/profile", save_profile)
}

#[derive(Template, WebTemplate)]
#[template(path = "profile.html")]
struct ProfilePage {
    layout: Layout,
    profile: Profile,
    stages: Vec<StageOption>,
    error: Option<String>,
}

fn page(actor: &Actor, profile: Profile, notice: &Notice, error: Option<String>) -> ProfilePage {
    ProfilePage { layout: Layout::for_actor(actor).with_notice(notice), profile, stages: stage_options(), error }
}

async fn profile_page(actor: Actor, Query(notice): Query<Notice>) -> ProfilePage {
    let profile = actor.user.profile();
    page(&actor, profile, &notice, None)
}

#[derive(Deserialize)]
struct ProfileForm {
    name: String,
    #[serde(default)]
    pronouns: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    division: String,
    #[serde(default)]
    discipline: String,
    #[serde(default)]
    career_stage: String,
    #[serde(default)]
    research_interests: String,
    #[serde(default)]
    goals: String,
    #[serde(default)]
    availability: String,
    #[serde(default)]
    time_zone: String,
}

async fn save_profile(
    State(state): State<AppState>,
    CsrfForm(actor, form): CsrfForm<ProfileForm>,
) -> AppResult<Response> {
    // The email is the account's identity and is changed by a coordinator, not here.
    let draft = Profile {
        email: actor.user.email.clone(),
        name: form.name,
        pronouns: form.pronouns,
        department: form.department,
        division: form.division,
        discipline: form.discipline,
        career_stage: form.career_stage,
        research_interests: form.research_interests,
        goals: form.goals,
        availability: form.availability,
        time_zone: form.time_zone,
    };
    match draft.clone().validate() {
        Ok(profile) => {
            state.store.update_profile(actor.user.id, &profile).await?;
            Ok(Redirect::to("/profile?notice=saved").into_response())
        }
        Err(e) => {
            let error = Some(format!("{}.", sentence(&e.to_string())));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&actor, draft, &Notice::default(), error)).into_response())
        }
    }
}
