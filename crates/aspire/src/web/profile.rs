//! A person's own profile: who they are, their goals, when they can meet (the enrolment page's
//! week grid, plus a line for hours the grid does not show).

use super::enrol::{GridRow, grid, grid_hours};
use super::programs::{StageOption, stage_options};
use super::{Layout, Notice};
use crate::auth::{Actor, CsrfForm};
use crate::domain::Profile;
use crate::domain::availability::Availability;
use crate::error::{AppResult, sentence};
use crate::routes::Routes;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

pub fn routes() -> Routes {
    Routes::new().get("/profile", profile_page).post("/profile", save_profile)
}

#[derive(Template, WebTemplate)]
#[template(path = "profile.html")]
struct ProfilePage {
    layout: Layout,
    profile: Profile,
    stages: Vec<StageOption>,
    grid: Vec<GridRow>,
    /// The person's hours outside the grid (weekends, early or late), as text.
    other_hours: String,
    error: Option<String>,
}

fn page(actor: &Actor, profile: Profile, notice: &Notice, error: Option<String>) -> ProfilePage {
    // A draft that failed validation keeps its text as typed; a valid one is split in two.
    let (grid, other_hours) = match Availability::parse(&profile.availability) {
        Ok(hours) => (grid(&hours), hours.without(&grid_hours()).to_string()),
        Err(_) => (grid(&Availability::default()), profile.availability.clone()),
    };
    ProfilePage {
        layout: Layout::for_actor(actor).with_notice(notice),
        profile,
        stages: stage_options(),
        grid,
        other_hours,
        error,
    }
}

async fn profile_page(actor: Actor, Query(notice): Query<Notice>) -> ProfilePage {
    let profile = actor.user.profile();
    page(&actor, profile, &notice, None)
}

async fn save_profile(
    State(state): State<AppState>,
    CsrfForm(actor, fields): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    // The ticked grid hours and the hours typed outside it are one availability.
    let mut hours: Vec<String> = fields.iter().filter(|(k, _)| k == "slot").map(|(_, v)| v.clone()).collect();
    let other_hours = field("availability");
    if !other_hours.trim().is_empty() {
        hours.push(other_hours);
    }
    // The email is the account's identity and is changed by a coordinator, not here.
    let draft = Profile {
        email: actor.user.email.clone(),
        name: field("name"),
        pronouns: field("pronouns"),
        department: field("department"),
        division: field("division"),
        discipline: field("discipline"),
        career_stage: field("career_stage"),
        research_interests: field("research_interests"),
        goals: field("goals"),
        availability: hours.join("; "),
        time_zone: field("time_zone"),
    };
    match draft.clone().validate() {
        Ok(profile) => {
            state.store.update_profile(actor.user.id, &profile).await?;
            Ok(Redirect::to("/profile?notice=saved").into_response())
        }
        Err(e) => {
            let error = Some(sentence(&e.to_string()));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&actor, draft, &Notice::default(), error)).into_response())
        }
    }
}
