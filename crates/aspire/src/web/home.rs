//! The home page: what this person does here (administer, coordinate, meet).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};

use super::{Layout, Notice};
use crate::auth::Actor;
use crate::error::AppResult;
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::{GroupSummary, Program};

pub fn routes() -> Routes {
    Routes::new().get("/", home)
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    first_name: String,
    coordinated: Vec<Program>,
    groups: Vec<GroupSummary>,
    profile_incomplete: bool,
}

async fn home(State(state): State<AppState>, actor: Actor, Query(notice): Query<Notice>) -> AppResult<HomePage> {
    let (coordinated, groups) = crate::app::home::overview(&state, &actor).await?;
    let user = &actor.user;
    Ok(HomePage {
        first_name: user.profile.name.split_whitespace().next().unwrap_or(&user.profile.name).to_string(),
        profile_incomplete: user.profile.career_stage.is_empty()
            || user.profile.availability.is_empty()
            || user.profile.department.is_empty(),
        layout: Layout::for_actor(&actor).with_notice(&notice),
        coordinated,
        groups,
    })
}
