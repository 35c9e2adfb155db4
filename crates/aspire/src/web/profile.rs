//! A person's own profile: who they are, their goals, when they can meet.

use super::profile_form::{Asker, ProfileFields};
use super::{Layout, Notice};
use crate::app;
use crate::app::identity::AskedQuestion;
use crate::auth::{Actor, CsrfForm};
use crate::domain::Profile;
use crate::domain::identity::WHO_SEES_IT;
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

pub fn routes() -> Routes {
    Routes::new().get("/profile", profile_page).post("/profile", save_profile).post("/profile/identity", save_identity)
}

#[derive(Template, WebTemplate)]
#[template(path = "profile.html")]
struct ProfilePage {
    layout: Layout,
    fields: ProfileFields,
    error: Option<String>,
    /// The programs' identity questions, with this person's own answers.
    questions: Vec<AskedQuestion>,
    identity_error: Option<String>,
    who_sees_it: &'static str,
}

async fn profile_page(
    State(state): State<AppState>,
    actor: Actor,
    Query(notice): Query<Notice>,
) -> AppResult<ProfilePage> {
    let fields = ProfileFields::new(actor.user.profile.clone(), Asker::Themselves);
    Ok(ProfilePage {
        layout: Layout::for_actor(&actor).with_notice(&notice),
        fields,
        error: None,
        questions: app::identity::my_questions(&state, &actor).await?,
        identity_error: None,
        who_sees_it: WHO_SEES_IT,
    })
}

/// Saves one's own answers to the programs' identity questions; a refused answer shows the
/// page again with the reason and what was chosen.
async fn save_identity(
    State(state): State<AppState>,
    CsrfForm(actor, fields): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    match app::identity::answer(&state, &actor, &fields).await {
        Ok(()) => Ok(Redirect::to("/profile?notice=saved#identity").into_response()),
        Err(AppError::Invalid(message)) => {
            let mut questions = app::identity::my_questions(&state, &actor).await?;
            for asked in &mut questions {
                let typed = fields.iter().find(|(k, _)| *k == format!("identity_{}", asked.question.id));
                asked.answer = typed.map(|(_, v)| v.clone()).filter(|v| !v.is_empty());
            }
            let page = ProfilePage {
                layout: Layout::for_actor(&actor),
                fields: ProfileFields::new(actor.user.profile.clone(), Asker::Themselves),
                error: None,
                questions,
                identity_error: Some(message),
                who_sees_it: WHO_SEES_IT,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
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
                questions: app::identity::my_questions(&state, &actor).await?,
                identity_error: None,
                who_sees_it: WHO_SEES_IT,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}
