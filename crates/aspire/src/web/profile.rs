//! A person's own profile: who they are, their goals, when they can meet.

use super::profile_form::{Asker, ProfileFields};
use super::{Layout, Notice};
use crate::app;
use crate::auth::{Actor, CsrfForm};
use crate::domain::Profile;
use crate::error::{AppError, AppResult};
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
    fields: ProfileFields,
    error: Option<String>,
}

async fn profile_page(actor: Actor, Query(notice): Query<Notice>) -> ProfilePage {
    let fields = ProfileFields::new(actor.user.profile.clone(), Asker::Themselves);
    ProfilePage { layout: Layout::for_actor(&actor).with_notice(&notice), fields, error: None }
}

async fn save_profile(
    State(state): State<AppState>,
    CsrfForm(actor, fields): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let draft = ProfileFields::draft(&fields);
    match app::profile::save(&state, &actor, draft.clone()).await {
        Ok(()) => Ok(Redirect::to("/profile?notice=saved").into_response()),
        Err(AppError::Invalid(message)) => {
            // Shown again as typed, the email as it is.
            let draft = Profile { email: actor.user.profile.email.clone(), ..draft };
            let page = ProfilePage {
                layout: Layout::for_actor(&actor),
                fields: ProfileFields::new(draft, Asker::Themselves),
                error: Some(message),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}
