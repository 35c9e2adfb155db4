//! A program's identity questions, for its coordinators: what the program asks, in its own
//! words, and how many answered each way (small counts hidden). Never who answered what.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, Notice};
use crate::app::identity::{self, QuestionSummary};
use crate::auth::{Actor, CsrfForm};
use crate::domain::identity::WHO_SEES_IT;
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::Program;

pub fn routes() -> Routes {
    Routes::new()
        .get("/programs/{id}/identity", questions_page)
        .post("/programs/{id}/identity", add_question)
        .post("/programs/{id}/identity/{question_id}/delete", delete_question)
        .post("/programs/{id}/small-cell", set_small_cell)
}

#[derive(Template, WebTemplate)]
#[template(path = "identity.html")]
struct QuestionsPage {
    layout: Layout,
    program: Program,
    questions: Vec<QuestionSummary>,
    form: NewQuestion,
    error: Option<String>,
    who_sees_it: &'static str,
    small_cell: usize,
    is_admin: bool,
}

#[derive(Deserialize, Default, Clone)]
struct NewQuestion {
    #[serde(default)]
    key: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    choices: String,
}

async fn page(
    state: &AppState,
    actor: &Actor,
    id: i64,
    form: NewQuestion,
    error: Option<String>,
) -> AppResult<QuestionsPage> {
    let (program, questions) = identity::program_questions(state, actor, id).await?;
    let small_cell = usize::try_from(program.small_cell).unwrap_or(crate::domain::identity::SMALL_CELL);
    Ok(QuestionsPage {
        layout: Layout::for_actor(actor),
        program,
        questions,
        form,
        error,
        who_sees_it: WHO_SEES_IT,
        small_cell,
        is_admin: actor.is_admin(),
    })
}

async fn questions_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
) -> AppResult<QuestionsPage> {
    let mut page = page(&state, &actor, id, NewQuestion::default(), None).await?;
    page.layout = page.layout.with_notice(&notice);
    Ok(page)
}

async fn add_question(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<NewQuestion>,
) -> AppResult<Response> {
    match identity::add_question(&state, &actor, id, &form.key, &form.question, &form.choices).await {
        Ok(()) => Ok(Redirect::to(&format!("/programs/{id}/identity?notice=added")).into_response()),
        Err(AppError::Invalid(message)) => {
            let page = page(&state, &actor, id, form, Some(message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn delete_question(
    State(state): State<AppState>,
    Path((id, question_id)): Path<(i64, i64)>,
    CsrfForm(actor, _): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Redirect> {
    identity::delete_question(&state, &actor, id, question_id).await?;
    Ok(Redirect::to(&format!("/programs/{id}/identity?notice=saved")))
}

#[derive(Deserialize)]
struct Threshold {
    #[serde(default)]
    small_cell: String,
}

async fn set_small_cell(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<Threshold>,
) -> AppResult<Response> {
    match identity::set_small_cell(&state, &actor, id, &form.small_cell).await {
        Ok(()) => Ok(Redirect::to(&format!("/programs/{id}/identity?notice=saved")).into_response()),
        Err(AppError::Invalid(message)) => {
            let page = page(&state, &actor, id, NewQuestion::default(), Some(message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}
