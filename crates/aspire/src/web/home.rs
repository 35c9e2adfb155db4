//! The home page: what this person could do next, by role (administer, coordinate, meet).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};

use super::{Layout, Notice};
use crate::app::home::Home;
use crate::auth::Actor;
use crate::error::AppResult;
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::RoundProgress;

pub fn routes() -> Routes {
    Routes::new().get("/", home)
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    first_name: String,
    home: Home,
    profile_incomplete: bool,
    unread_counted: i64,
}

impl RoundProgress {
    /// What the round's coordinator does next, in a few words.
    pub fn next_step(&self) -> String {
        if self.enrolled == 0 {
            "Nobody is in this round yet: share its enrolment link or add people.".into()
        } else if self.forming > 0 {
            "The engine is forming groups.".into()
        } else if self.drafts > 0 {
            "A draft is ready: review it and publish.".into()
        } else if self.incomplete > 0 {
            format!(
                "{} without department, career stage or weekly hours: remind them, or form groups now.",
                crate::web::count(self.incomplete, "person", "people")
            )
        } else {
            "Everyone's profile is complete: form groups.".into()
        }
    }
}

async fn home(State(state): State<AppState>, actor: Actor, Query(notice): Query<Notice>) -> AppResult<HomePage> {
    let home = crate::app::home::overview(&state, &actor).await?;
    let user = &actor.user;
    Ok(HomePage {
        first_name: user.profile.name.split_whitespace().next().unwrap_or(&user.profile.name).to_string(),
        // Only people who are grouped need what grouping reads.
        profile_incomplete: home.participates
            && (user.profile.career_stage.is_empty()
                || user.profile.availability.is_empty()
                || user.profile.department.is_empty()),
        layout: Layout::for_actor(&actor).with_notice(&notice),
        unread_counted: crate::app::home::UNREAD_COUNTED,
        home,
    })
}
