//! A scholar's record: "My record" for the member (see, add, correct), and the scholar's page for
//! the program's coordinators (time in the program, R01-equivalents).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, Notice};
use crate::app::record::{self, ProgramRecord};
use crate::auth::{Actor, CsrfForm};
use crate::domain::record::{ACTIVITIES, GRANT_ROLES, ItemForm, KINDS, LEVELS, RecordItem, SECTORS, ScholarDetails};
use crate::domain::wins::{GRANT_STATUSES, POSITIONS, label};
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;

/// What the win form says about the record, in one sentence.
pub const WINS_GO_TO_THE_RECORD: &str = "Ticked, its facts also go into your scholar record, which your \
    program's coordinators see for its reports, even when only you or your group see the win (never who cheered \
    or what your group said); you can correct or remove it under My record.";

const WHO_SEES_IT: &str = "Your record is what your program reports to its funders: positions, degrees, grants, \
    publications and honors. You and your program's coordinators see it; your peers do not. Your goals and what \
    your group says never enter it.";

pub fn routes() -> Routes {
    Routes::new()
        .get("/record", my_record)
        .post("/record/{program_id}/items", add_item)
        .post("/record/{program_id}/details", save_own_details)
        .get("/record/items/{id}", item_page)
        .post("/record/items/{id}", edit_item)
        .post("/record/items/{id}/delete", delete_item)
        .post("/record/suggestions/{id}/confirm", confirm_suggestion)
        .post("/record/suggestions/{id}/dismiss", dismiss_suggestion)
        .get("/programs/{id}/scholars/{user_id}", scholar_page)
        .post("/programs/{id}/scholars/{user_id}", save_scholar)
        .post("/programs/{id}/record-items/{item_id}/r01-equivalent", confirm_r01_equivalent)
}

/// An item's details in one line: dates, codes, roles, levels.
pub fn details(item: &RecordItem) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut push = |text: &str| {
        if !text.is_empty() {
            parts.push(text.to_string());
        }
    };
    match item.kind.as_str() {
        "position" => {
            push(&item.department);
            push(label(&SECTORS, &item.sector));
            push(label(&ACTIVITIES, &item.activity));
        }
        "grant" => {
            push(&item.award_number);
            push(if item.award_number.is_empty() { &item.code } else { "" });
            push(crate::report::outcomes::class_label(item));
            push(label(&GRANT_ROLES, &item.role));
            push(&label(&GRANT_STATUSES, &item.status).to_lowercase());
        }
        "publication" => {
            push(&item.doi);
            push(&item.pmid);
            push(&label(&POSITIONS, &item.author_position).to_lowercase().replace("not given", ""));
        }
        "honor" => {
            push(label(&crate::domain::record::HONOR_TYPES, &item.code));
            push(label(&LEVELS, &item.level));
        }
        _ => {}
    }
    match (item.started_on.as_str(), item.ended_on.as_str()) {
        ("", "") => push(&item.year.map(|y| y.to_string()).unwrap_or_default()),
        (start, "") => push(&format!("from {start}")),
        (start, end) => push(&format!("{start} – {end}")),
    }
    parts.join(" · ")
}

#[derive(Template, WebTemplate)]
#[template(path = "record.html")]
struct RecordPage {
    layout: Layout,
    records: Vec<ProgramRecord>,
    /// What the nightly look-up found, to confirm or dismiss.
    suggestions: Vec<record::AskedSuggestion>,
    blank_forms: Vec<ItemForm>,
    who_sees_it: &'static str,
    error: Option<String>,
    /// What was typed in a refused form (the program it was for, and the form), shown again.
    typed_item: Option<(i64, ItemForm)>,
    typed_details: Option<(i64, ScholarDetails)>,
}

impl RecordPage {
    /// The form of `blank`'s kind for a program: as typed when it was just refused, else blank.
    fn item_form<'a>(&'a self, program_id: &i64, blank: &'a ItemForm) -> &'a ItemForm {
        match &self.typed_item {
            Some((typed_for, form)) if typed_for == program_id && form.kind == blank.kind => form,
            _ => blank,
        }
    }

    fn item_typed(&self, program_id: &i64, kind: &str) -> bool {
        self.typed_item.as_ref().is_some_and(|(p, form)| p == program_id && form.kind == kind)
    }

    /// The scholar's own details for a program: as typed when just refused, else as kept.
    fn details_for(&self, record: &ProgramRecord) -> ScholarDetails {
        match &self.typed_details {
            Some((typed_for, details)) if *typed_for == record.program.id => details.clone(),
            _ => record.scholar.details(),
        }
    }

    fn details_typed(&self, program_id: &i64) -> bool {
        self.typed_details.as_ref().is_some_and(|(p, _)| p == program_id)
    }
}

async fn record_page(state: &AppState, actor: &Actor, error: Option<String>) -> AppResult<RecordPage> {
    Ok(RecordPage {
        layout: Layout::for_actor(actor),
        records: record::own_records(state, actor).await?,
        suggestions: record::own_suggestions(state, actor).await?,
        blank_forms: KINDS
            .iter()
            .map(|(kind, _)| ItemForm {
                kind: kind.to_string(),
                sector: "academia".into(),
                activity: "research".into(),
                role: "pi".into(),
                status: "funded".into(),
                code: if *kind == "honor" { "award".into() } else { String::new() },
                ..ItemForm::default()
            })
            .collect(),
        who_sees_it: WHO_SEES_IT,
        error,
        typed_item: None,
        typed_details: None,
    })
}

async fn my_record(State(state): State<AppState>, actor: Actor, Query(notice): Query<Notice>) -> AppResult<RecordPage> {
    let mut page = record_page(&state, &actor, None).await?;
    page.layout = page.layout.with_notice(&notice);
    Ok(page)
}

/// A refused change shows the page again with its reason and what was typed (`keep`); other
/// errors pass.
async fn or_refused(
    state: &AppState,
    actor: &Actor,
    result: AppResult<()>,
    to: &str,
    keep: impl FnOnce(&mut RecordPage),
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(to).into_response()),
        Err(AppError::Invalid(message)) => {
            let mut page = record_page(state, actor, Some(message)).await?;
            keep(&mut page);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn add_item(
    State(state): State<AppState>,
    Path(program_id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<ItemForm>,
) -> AppResult<Response> {
    let result = record::add_item(&state, &actor, program_id, &form).await;
    or_refused(&state, &actor, result, "/record?notice=added", |page| page.typed_item = Some((program_id, form))).await
}

async fn save_own_details(
    State(state): State<AppState>,
    Path(program_id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<ScholarDetails>,
) -> AppResult<Response> {
    let result = record::save_own_details(&state, &actor, program_id, &form).await;
    or_refused(&state, &actor, result, "/record?notice=saved", |page| page.typed_details = Some((program_id, form)))
        .await
}

#[derive(Template, WebTemplate)]
#[template(path = "record_item.html")]
struct ItemPage {
    layout: Layout,
    id: i64,
    form: ItemForm,
    error: Option<String>,
}

async fn item_page(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<ItemPage> {
    let item = record::own_item(&state, &actor, id).await?;
    Ok(ItemPage { layout: Layout::for_actor(&actor), id: item.id, form: ItemForm::of(&item), error: None })
}

async fn edit_item(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<ItemForm>,
) -> AppResult<Response> {
    match record::edit_item(&state, &actor, id, &form).await {
        Ok(()) => Ok(Redirect::to("/record?notice=saved").into_response()),
        Err(AppError::Invalid(message)) => {
            let page = ItemPage { layout: Layout::for_actor(&actor), id, form, error: Some(message) };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn delete_item(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Redirect> {
    record::delete_item(&state, &actor, id).await?;
    Ok(Redirect::to("/record?notice=deleted"))
}

#[derive(Template, WebTemplate)]
#[template(path = "scholar.html")]
struct ScholarPage {
    layout: Layout,
    record: ProgramRecord,
    /// Funded awards a coordinator may confirm as R01-equivalent.
    equivalents: Vec<RecordItem>,
    error: Option<String>,
}

async fn scholar(
    state: &AppState,
    actor: &Actor,
    id: i64,
    user_id: i64,
    error: Option<String>,
) -> AppResult<ScholarPage> {
    let record = record::scholar_record(state, actor, id, user_id).await?;
    let equivalents = record.items.iter().filter(|i| i.may_be_r01_equivalent()).cloned().collect();
    Ok(ScholarPage { layout: Layout::for_actor(actor), record, equivalents, error })
}

async fn scholar_page(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, user_id)): Path<(i64, i64)>,
    Query(notice): Query<Notice>,
) -> AppResult<ScholarPage> {
    let mut page = scholar(&state, &actor, id, user_id, None).await?;
    page.layout = page.layout.with_notice(&notice);
    Ok(page)
}

async fn save_scholar(
    State(state): State<AppState>,
    Path((id, user_id)): Path<(i64, i64)>,
    CsrfForm(actor, form): CsrfForm<ScholarDetails>,
) -> AppResult<Response> {
    match record::save_scholar_details(&state, &actor, id, user_id, &form).await {
        Ok(()) => Ok(Redirect::to(&format!("/programs/{id}/scholars/{user_id}?notice=saved")).into_response()),
        Err(AppError::Invalid(message)) => {
            let page = scholar(&state, &actor, id, user_id, Some(message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct Confirmation {
    #[serde(default)]
    confirmed: String,
}

async fn confirm_r01_equivalent(
    State(state): State<AppState>,
    Path((id, item_id)): Path<(i64, i64)>,
    CsrfForm(actor, form): CsrfForm<Confirmation>,
) -> AppResult<Redirect> {
    let user_id = record::confirm_r01_equivalent(&state, &actor, id, item_id, form.confirmed == "yes").await?;
    Ok(Redirect::to(&format!("/programs/{id}/scholars/{user_id}?notice=saved")))
}

/// Where a suggestion came from, as people know the service.
pub fn source_label(source: &str) -> &'static str {
    match source {
        "pubmed" => "PubMed",
        "reporter" => "NIH RePORTER",
        _ => "ORCID",
    }
}

async fn confirm_suggestion(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let result = record::answer_suggestion(&state, &actor, id, true).await;
    or_refused(&state, &actor, result, "/record?notice=added", |_| {}).await
}

async fn dismiss_suggestion(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Redirect> {
    record::answer_suggestion(&state, &actor, id, false).await?;
    Ok(Redirect::to("/record?notice=removed"))
}
