//! A coordinator's program: its people (one by one or by roster import), invitations, groups.

use super::pager::{PageQuery, Pager};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::profile_form::{Asker, ProfileFields};
use super::{Layout, Notice};
use crate::app::programs::{self, Overview, RowEffect};
use crate::auth::{Actor, CsrfForm, CsrfOnly};
use crate::domain::roster::{self, RosterProblem, RosterRow};
use crate::domain::{CareerStage, Profile};
use crate::error::{AppError, AppResult, sentence};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::{Access, AccessFilter, GroupSummary, PersonCard, Program, ProgramPerson, ProgramRole, Round};

pub fn routes() -> Routes {
    Routes::new()
        .get("/programs/{id}", program_page)
        .post("/programs/{id}/people", add_person)
        .post("/programs/{id}/people/{user_id}/invite", invite)
        .post("/programs/{id}/invitations", invite_everyone)
        .post("/programs/{id}/groups", create_group)
        .get("/programs/{id}/import", import_page)
        .post("/programs/{id}/import", import_preview)
        .post("/programs/{id}/import/confirm", import_confirm)
        .get("/programs/{id}/roster-template.csv", roster_template)
}

#[derive(Template, WebTemplate)]
#[template(path = "program.html")]
struct ProgramPage {
    layout: Layout,
    program: Program,
    people: Vec<ProgramPerson<PersonCard>>,
    groups: Vec<GroupSummary>,
    fields: ProfileFields,
    add_error: Option<String>,
    headcount: crate::store::Headcount,
    pager: Pager,
    rounds: Vec<Round>,
    who: AccessFilter,
    /// The coordinator's time zone, for the dates of invitations.
    time_zone: String,
}

/// One person's access cell, alone: what htmx swaps in after an invitation.
#[derive(Template, WebTemplate)]
#[template(path = "person_access.html")]
struct AccessCell {
    program_id: i64,
    person: ProgramPerson<PersonCard>,
    csrf: String,
    time_zone: String,
}

/// "26 Nov 2026", in `time_zone`.
fn day_of(instant: i64, time_zone: &str) -> String {
    crate::domain::cadence::format_in_zone(instant, time_zone, "%-d %b %Y")
}

impl ProgramPerson<PersonCard> {
    /// "Not invited", "Invited on 26 Nov 2026", "Active", as the people list says it.
    pub fn access_label(&self, time_zone: &str) -> String {
        match self.access {
            Access::Active => "Active".into(),
            Access::Invited { at } => format!("Invited on {}", day_of(at, time_zone)),
            Access::NotInvited { expired_at: Some(at) } => {
                format!("Not invited: the invitation ran out on {}", day_of(at, time_zone))
            }
            Access::NotInvited { expired_at: None } => "Not invited".into(),
        }
    }

    pub fn is_active(&self) -> bool {
        self.access == Access::Active
    }

    pub fn is_invited(&self) -> bool {
        matches!(self.access, Access::Invited { .. })
    }
}

impl ProgramPerson<PersonCard> {
    pub fn stage_label(&self) -> &str {
        CareerStage::parse(&self.user.career_stage).map_or("", CareerStage::label)
    }
}

impl<P> ProgramPerson<P> {
    pub fn is_coordinator(&self) -> bool {
        self.role == ProgramRole::Coordinator
    }
}

async fn render_program(
    state: &AppState,
    actor: &Actor,
    id: i64,
    notice: &Notice,
    draft: Profile,
    add_error: Option<String>,
    (asked, filter): (&PageQuery, &WhoQuery),
) -> AppResult<ProgramPage> {
    let Overview { program, people, who, headcount, groups, rounds } =
        programs::overview(state, actor, id, filter.who, asked.after).await?;
    let path = match who {
        AccessFilter::Everyone => format!("/programs/{}", program.id),
        who => format!("/programs/{}?who={}", program.id, who.code()),
    };
    Ok(ProgramPage {
        layout: Layout::for_actor(actor).with_notice(notice),
        headcount,
        rounds,
        who,
        time_zone: actor.user.profile.time_zone.clone(),
        pager: Pager::in_order(path, people.next, asked),
        program,
        people: people.items,
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
    Query(asked): Query<PageQuery>,
    Query(filter): Query<WhoQuery>,
) -> AppResult<ProgramPage> {
    render_program(&state, &actor, id, &notice, Profile::default(), None, (&asked, &filter)).await
}

/// Whose people the list shows: `?who=not-invited`, `invited` or `active`; everyone otherwise.
#[derive(Deserialize, Default)]
struct WhoQuery {
    #[serde(default, deserialize_with = "access_filter")]
    who: AccessFilter,
}

fn access_filter<'de, D: serde::Deserializer<'de>>(d: D) -> Result<AccessFilter, D::Error> {
    Ok(AccessFilter::from_code(&String::deserialize(d)?))
}

async fn add_person(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, fields): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let draft = ProfileFields::draft(&fields);
    let profile = match draft.clone().validate() {
        Ok(p) => p,
        Err(e) => {
            // Show the form again with what was typed, so nothing is lost.
            let page = render_program(
                &state,
                &actor,
                id,
                &Notice::default(),
                draft,
                Some(sentence(&e.to_string())),
                (&PageQuery::default(), &WhoQuery::default()),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let row = crate::domain::roster::RosterRow { line: 1, profile, extra: Vec::new() };
    programs::import_people(&state, &actor, id, std::slice::from_ref(&row)).await?;
    Ok(Redirect::to(&format!("/programs/{id}?notice=added")).into_response())
}

/// Invites one person. From htmx, the answer is their access cell, so the page stays where it
/// is; without JavaScript, the program page again at that person's row.
async fn invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, user_id)): Path<(i64, i64)>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Response> {
    programs::invite(&state, &actor, id, user_id).await?;
    if headers.contains_key("hx-request") {
        let person = programs::person(&state, &actor, id, user_id).await?;
        let cell = AccessCell {
            program_id: id,
            person,
            csrf: actor.csrf_token.clone(),
            time_zone: actor.user.profile.time_zone.clone(),
        };
        return Ok(cell.into_response());
    }
    Ok(Redirect::to(&format!("/programs/{id}?notice=invited#person-{user_id}")).into_response())
}

async fn invite_everyone(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    programs::invite_everyone(&state, &actor, id).await?;
    Ok(Redirect::to(&format!("/programs/{id}?who=invited&notice=invited-everyone")))
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
    let group_id = programs::create_group(&state, &actor, id, &form.name).await?;
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
    effect: RowEffect,
}

impl PreviewRow {
    fn effect(&self) -> &'static str {
        match self.effect {
            RowEffect::Joins => "Added to this program",
            RowEffect::Updates => "Profile updated",
            RowEffect::Kept => "Already has an account: profile kept",
        }
    }

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
    let program = programs::managed_program(&state, &actor, id).await?;
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
    let program = programs::managed_program(&state, &actor, id).await?;
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
    match programs::read_roster(&state, &actor, id, &bytes).await? {
        Err(problems) => {
            page.problems = problems;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Ok(rows) => {
            for (row, effect) in programs::preview_roster(&state, &actor, id, rows).await? {
                page.preview.push(PreviewRow { row, effect });
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
    let program = programs::managed_program(&state, &actor, id).await?;
    match programs::read_roster(&state, &actor, program.id, form.roster.as_bytes()).await? {
        Err(problems) => {
            let mut page = import_page_for(&actor, program);
            page.problems = problems;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Ok(rows) => {
            programs::import_people(&state, &actor, program.id, &rows).await?;
            Ok(Redirect::to(&format!("/programs/{}?notice=imported", program.id)).into_response())
        }
    }
}

async fn roster_template(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Response> {
    programs::managed_program(&state, &actor, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"roster-template.csv\""),
        ],
        roster::template(),
    )
        .into_response())
}
