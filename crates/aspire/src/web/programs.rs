//! A coordinator's program: its people (one by one or by roster import), invitations, groups.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::profile_form::{Asker, ProfileFields};
use super::{Layout, Notice};
use crate::auth::{Actor, CsrfForm, CsrfOnly, access};
use crate::domain::roster::{self, RosterProblem, RosterRow};
use crate::domain::{CareerStage, Profile};
use crate::error::{AppError, AppResult, sentence};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::{GroupSummary, Program, ProgramPerson, ProgramRole, Round};

pub fn routes() -> Routes {
    Routes::new()
        .get("/programs/{id}", program_page)
        .post("/programs/{id}/people", add_person)
        .post("/programs/{id}/people/{user_id}/invite", invite)
        .post("/programs/{id}/groups", create_group)
        .get("/programs/{id}/import", import_page)
        .post("/programs/{id}/import", import_preview)
        .post("/programs/{id}/import/confirm", import_confirm)
        .get("/programs/{id}/roster-template.csv", roster_template)
}

/// The program, if this actor may manage it; otherwise nothing at all.
async fn managed_program(state: &AppState, actor: &Actor, id: i64) -> AppResult<Program> {
    if !access::can_manage_program(actor, id) {
        return Err(AppError::NotFound);
    }
    state.store.program(id).await?.ok_or(AppError::NotFound)
}

#[derive(Template, WebTemplate)]
#[template(path = "program.html")]
struct ProgramPage {
    layout: Layout,
    program: Program,
    people: Vec<ProgramPerson>,
    groups: Vec<GroupSummary>,
    fields: ProfileFields,
    add_error: Option<String>,
    departments: usize,
    rounds: Vec<Round>,
}

impl ProgramPerson {
    pub fn stage_label(&self) -> &str {
        CareerStage::parse(&self.user.profile.career_stage).map_or("", CareerStage::label)
    }
    pub fn is_coordinator(&self) -> bool {
        self.role == ProgramRole::Coordinator
    }
}

async fn render_program(
    state: &AppState,
    actor: &Actor,
    program: Program,
    notice: &Notice,
    draft: Profile,
    add_error: Option<String>,
) -> AppResult<ProgramPage> {
    let people = state.store.program_people(program.id).await?;
    let groups = state.store.program_groups(program.id).await?;
    let mut departments: Vec<&str> =
        people.iter().map(|p| p.user.profile.department.as_str()).filter(|d| !d.is_empty()).collect();
    departments.sort_unstable();
    departments.dedup();
    Ok(ProgramPage {
        layout: Layout::for_actor(actor).with_notice(notice),
        departments: departments.len(),
        rounds: state.store.program_rounds(program.id).await?,
        program,
        people,
        groups,
        fields: ProfileFields::new(draft, Asker::Coordinator),
        add_error,
    })
}

async fn program_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
) -> AppResult<ProgramPage> {
    let program = managed_program(&state, &actor, id).await?;
    render_program(&state, &actor, program, &notice, Profile::default(), None).await
}

async fn add_person(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, fields): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let program = managed_program(&state, &actor, id).await?;
    let draft = ProfileFields::draft(&fields);
    let profile = match draft.clone().validate() {
        Ok(p) => p,
        Err(e) => {
            // Show the form again with what was typed, so nothing is lost.
            let page =
                render_program(&state, &actor, program, &Notice::default(), draft, Some(sentence(&e.to_string())))
                    .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    state.store.import_roster(program.id, std::slice::from_ref(&profile), state.now()).await?;
    Ok(Redirect::to(&format!("/programs/{}?notice=added", program.id)).into_response())
}

async fn invite(
    State(state): State<AppState>,
    Path((id, user_id)): Path<(i64, i64)>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    let program = managed_program(&state, &actor, id).await?;
    let enrolled = state.store.memberships(user_id).await?.programs.iter().any(|(p, _)| *p == program.id);
    let user = state.store.user(user_id).await?.filter(|_| enrolled).ok_or(AppError::NotFound)?;
    crate::app::invitations::invite_person(&state, &actor.user, &program, &user).await?;
    Ok(Redirect::to(&format!("/programs/{}?notice=invited", program.id)))
}

#[derive(Deserialize)]
struct NewGroup {
    name: String,
}

async fn create_group(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<NewGroup>,
) -> AppResult<Redirect> {
    let program = managed_program(&state, &actor, id).await?;
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::Invalid(
            "A group needs a name of 1 to 80 characters, like \"Group A\" or \"Tuesday writers\".".into(),
        ));
    }
    let group_id = state.store.create_group(program.id, name, state.now()).await?;
    Ok(Redirect::to(&format!("/groups/{group_id}?notice=created")))
}

#[derive(Template, WebTemplate)]
#[template(path = "import.html")]
struct ImportPage {
    layout: Layout,
    program: Program,
    columns: String,
    problems: Vec<RosterProblem>,
    preview: Vec<PreviewRow>,
    roster_text: String,
}

struct PreviewRow {
    row: RosterRow,
    is_new: bool,
}

impl PreviewRow {
    fn stage_label(&self) -> &str {
        CareerStage::parse(&self.row.profile.career_stage).map_or("", CareerStage::label)
    }
}

fn import_page_for(actor: &Actor, program: Program) -> ImportPage {
    ImportPage {
        layout: Layout::for_actor(actor),
        program,
        columns: roster::COLUMNS.join(", "),
        problems: Vec::new(),
        preview: Vec::new(),
        roster_text: String::new(),
    }
}

async fn import_page(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<ImportPage> {
    let program = managed_program(&state, &actor, id).await?;
    Ok(import_page_for(&actor, program))
}

/// Checks an uploaded roster and shows either its problems or a preview; writes nothing.
async fn import_preview(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let mut csrf = String::new();
    let mut bytes = Vec::new();
    let unreadable = super::upload_error(
        roster::MAX_ROSTER_BYTES,
        "split the roster into smaller files and import them one by one.",
    );
    while let Some(field) = multipart.next_field().await.map_err(&unreadable)? {
        match field.name() {
            Some("csrf") => {
                csrf = field.text().await.map_err(super::upload_error(
                    roster::MAX_ROSTER_BYTES,
                    "split the roster into smaller files and import them one by one.",
                ))?
            }
            Some("roster") => {
                bytes = field
                    .bytes()
                    .await
                    .map_err(super::upload_error(
                        roster::MAX_ROSTER_BYTES,
                        "split the roster into smaller files and import them one by one.",
                    ))?
                    .to_vec()
            }
            _ => {}
        }
    }
    actor.verify_csrf(&csrf)?;
    let program = managed_program(&state, &actor, id).await?;
    if bytes.len() > roster::MAX_ROSTER_BYTES {
        return Err(AppError::TooLarge(format!(
            "The file is larger than {} MB: split the roster into smaller files.",
            roster::MAX_ROSTER_BYTES / (1024 * 1024)
        )));
    }
    if bytes.is_empty() {
        return Err(AppError::Invalid(
            "No file was chosen, or the file is empty: choose a CSV file with a header row and one row per person."
                .into(),
        ));
    }
    let mut page = import_page_for(&actor, program);
    match roster::parse_roster(&bytes) {
        Err(problems) => {
            page.problems = problems;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Ok(rows) => {
            for row in rows {
                let is_new = state.store.user_by_email(&row.profile.email).await?.is_none();
                page.preview.push(PreviewRow { row, is_new });
            }
            page.roster_text = String::from_utf8_lossy(&bytes).into_owned();
            Ok(page.into_response())
        }
    }
}

#[derive(Deserialize)]
struct ConfirmImport {
    roster: String,
}

/// Writes a previewed roster. It is checked again: only a clean roster is written, all at once.
async fn import_confirm(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<ConfirmImport>,
) -> AppResult<Response> {
    let program = managed_program(&state, &actor, id).await?;
    match roster::parse_roster(form.roster.as_bytes()) {
        Err(problems) => {
            let mut page = import_page_for(&actor, program);
            page.problems = problems;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Ok(rows) => {
            let profiles: Vec<Profile> = rows.into_iter().map(|r| r.profile).collect();
            state.store.import_roster(program.id, &profiles, state.now()).await?;
            Ok(Redirect::to(&format!("/programs/{}?notice=imported", program.id)).into_response())
        }
    }
}

async fn roster_template(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Response> {
    managed_program(&state, &actor, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"roster-template.csv\""),
        ],
        roster::template(),
    )
        .into_response())
}
