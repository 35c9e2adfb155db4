//! Wins: a member records a paper, grant, talk, award or promotion (or imports papers from a
//! PubMed, RIS or BibTeX export), chooses who sees it, and peers congratulate. What a page or
//! list shows is filtered by `access::can_see_item`, the same rule as the win's own page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, Notice};
use crate::auth::{Actor, CsrfForm, CsrfOnly, access};
use crate::domain::Visibility;
use crate::domain::wins::{self, GRANT_ROLES, GRANT_STATUSES, KINDS, POSITIONS, WinDetails};
use crate::error::{AppError, AppResult, sentence};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::Program;
use crate::store::community::{Cheer, Win};

/// Largest export file a member may import.
pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;

pub fn routes() -> Routes {
    Routes::new()
        .get("/wins", my_wins)
        .post("/wins", record_win)
        .post("/wins/import", import_wins)
        .get("/wins/{id}", win_page)
        .post("/wins/{id}/cheers", cheer)
        .post("/wins/{id}/delete", delete_win)
        .get("/programs/{id}/celebrations", celebrations)
}

/// Where a win is shared: one choice per place the member belongs to.
pub struct ShareChoice {
    pub value: String,
    pub label: String,
}

/// The places a member may share with, as `visibility:group id` (or `visibility:p` + program id
/// for someone in a program but in no group yet).
async fn share_choices(state: &AppState, actor: &Actor) -> AppResult<Vec<ShareChoice>> {
    let mut choices = Vec::new();
    for (group_id, program_id, _) in &actor.memberships.groups {
        let (Some(group), Some(program)) =
            (state.store.group(*group_id).await?, state.store.program(*program_id).await?)
        else {
            continue;
        };
        choices.push(ShareChoice { value: format!("group:{group_id}"), label: format!("My group ({})", group.name) });
        choices.push(ShareChoice {
            value: format!("program:{group_id}"),
            label: format!("Everyone in {} (and my group)", program.name),
        });
        choices.push(ShareChoice { value: format!("private:{group_id}"), label: "Only me".into() });
    }
    for (program_id, _) in &actor.memberships.programs {
        if actor.memberships.groups.iter().any(|(_, p, _)| p == program_id) {
            continue;
        }
        if let Some(program) = state.store.program(*program_id).await? {
            choices.push(ShareChoice {
                value: format!("program:p{program_id}"),
                label: format!("Everyone in {}", program.name),
            });
            choices.push(ShareChoice { value: format!("private:p{program_id}"), label: "Only me".into() });
        }
    }
    Ok(choices)
}

/// Reads a share choice back: (visibility, program, group). Only places the actor belongs to.
fn parse_share(actor: &Actor, share: &str) -> AppResult<(Visibility, i64, Option<i64>)> {
    let refuse = || {
        AppError::Invalid("Choose who may see this win from the list: only you, your group, or your program.".into())
    };
    let (visibility, place) = share.split_once(':').ok_or_else(refuse)?;
    let visibility =
        Visibility::parse_choice(visibility, &[Visibility::Private, Visibility::Group, Visibility::Program])
            .map_err(AppError::Invalid)?;
    if let Some(program) = place.strip_prefix('p') {
        let program: i64 = program.parse().map_err(|_| refuse())?;
        if visibility == Visibility::Group || !actor.belongs_to_program(program) {
            return Err(refuse());
        }
        return Ok((visibility, program, None));
    }
    let group: i64 = place.parse().map_err(|_| refuse())?;
    let (_, program, _) = actor.memberships.groups.iter().find(|(g, _, _)| *g == group).ok_or_else(refuse)?;
    Ok((visibility, *program, Some(group)))
}

fn stored(details: WinDetails, actor: &Actor, share: (Visibility, i64, Option<i64>)) -> Win {
    let (visibility, program_id, group_id) = share;
    Win {
        user_id: actor.user.id,
        user_name: actor.user.profile.name.clone(),
        program_id,
        group_id,
        kind: details.kind,
        title: details.title,
        venue: details.venue,
        year: details.year.parse().ok(),
        doi: details.doi,
        pmid: details.pmid,
        pmcid: details.pmcid,
        author_position: details.author_position,
        mechanism: details.mechanism,
        award_number: details.award_number,
        grant_role: details.grant_role,
        grant_status: details.grant_status,
        visibility,
        ..Win::default()
    }
}

/// A win as a line people read: "Paper · NEJM 2026 · first author".
pub struct WinView {
    pub win: Win,
    pub kind: &'static str,
    pub summary: String,
    pub shared_with: &'static str,
}

impl WinView {
    pub fn of(win: Win) -> WinView {
        let mut parts: Vec<String> = Vec::new();
        if !win.venue.is_empty() {
            parts.push(win.venue.clone());
        }
        if let Some(year) = win.year {
            parts.push(year.to_string());
        }
        let position = wins::label(&POSITIONS, &win.author_position);
        if !win.author_position.is_empty() {
            parts.push(position.to_lowercase());
        }
        if !win.award_number.is_empty() {
            parts.push(win.award_number.clone());
        } else if !win.mechanism.is_empty() {
            parts.push(win.mechanism.clone());
        }
        if !win.grant_role.is_empty() {
            parts.push(wins::label(&GRANT_ROLES, &win.grant_role).to_string());
        }
        if !win.grant_status.is_empty() {
            parts.push(wins::label(&GRANT_STATUSES, &win.grant_status).to_lowercase());
        }
        WinView {
            kind: wins::label(&KINDS, &win.kind),
            summary: parts.join(" · "),
            shared_with: win.visibility.label(),
            win,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "wins.html")]
struct WinsPage {
    layout: Layout,
    wins: Vec<WinView>,
    choices: Vec<ShareChoice>,
    programs: Vec<Program>,
    error: Option<String>,
    form: WinDetails,
    report: Vec<String>,
}

impl WinsPage {
    fn kinds(&self) -> &'static [(&'static str, &'static str)] {
        &KINDS
    }
    fn positions(&self) -> &'static [(&'static str, &'static str)] {
        &POSITIONS
    }
    fn roles(&self) -> &'static [(&'static str, &'static str)] {
        &GRANT_ROLES
    }
    fn statuses(&self) -> &'static [(&'static str, &'static str)] {
        &GRANT_STATUSES
    }
}

async fn wins_page(state: &AppState, actor: &Actor) -> AppResult<WinsPage> {
    let wins = state.store.user_wins(actor.user.id).await?.into_iter().map(WinView::of).collect();
    let mut programs = Vec::new();
    for (program_id, _) in &actor.memberships.programs {
        if let Some(program) = state.store.program(*program_id).await? {
            programs.push(program);
        }
    }
    Ok(WinsPage {
        layout: Layout::for_actor(actor),
        wins,
        choices: share_choices(state, actor).await?,
        programs,
        error: None,
        form: WinDetails { kind: "paper".into(), grant_status: "funded".into(), ..WinDetails::default() },
        report: Vec::new(),
    })
}

#[derive(Deserialize)]
struct ReportQuery {
    #[serde(default)]
    notice: Option<String>,
    #[serde(default)]
    imported: Option<usize>,
    #[serde(default)]
    duplicates: Option<usize>,
}

async fn my_wins(State(state): State<AppState>, actor: Actor, Query(query): Query<ReportQuery>) -> AppResult<WinsPage> {
    let mut page = wins_page(&state, &actor).await?;
    page.layout = page.layout.with_notice(&Notice { notice: query.notice });
    if let Some(imported) = query.imported {
        page.report.push(format!("Imported {imported} papers."));
        if let Some(duplicates) = query.duplicates.filter(|d| *d > 0) {
            page.report.push(format!("Skipped {duplicates} already recorded (same DOI or PubMed ID)."));
        }
    }
    Ok(page)
}

#[derive(Deserialize)]
struct RecordForm {
    #[serde(flatten)]
    details: WinDetails,
    #[serde(default)]
    share: String,
}

async fn record_win(State(state): State<AppState>, CsrfForm(actor, form): CsrfForm<RecordForm>) -> AppResult<Response> {
    let refuse = |message: String, details: WinDetails| async {
        let mut page = wins_page(&state, &actor).await?;
        page.error = Some(message);
        page.form = details;
        Ok::<Response, AppError>((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let share = match parse_share(&actor, &form.share) {
        Ok(share) => share,
        Err(AppError::Invalid(message)) => return refuse(message, form.details).await,
        Err(e) => return Err(e),
    };
    let details = match form.details.clone().validate() {
        Ok(details) => details,
        Err(message) => return refuse(sentence(&message), form.details).await,
    };
    state.store.create_wins(&[stored(details, &actor, share)], state.now()).await?;
    Ok(Redirect::to("/wins?notice=saved").into_response())
}

/// Imports papers from a PubMed (MEDLINE), RIS or BibTeX export: all of the file or, when any
/// record is bad, none of it. Papers already recorded (same DOI or PubMed ID) are skipped.
async fn import_wins(State(state): State<AppState>, actor: Actor, mut multipart: Multipart) -> AppResult<Response> {
    let (mut csrf, mut share, mut bytes) = (String::new(), String::new(), Vec::new());
    let unreadable = super::upload_error(MAX_IMPORT_BYTES, "export fewer records at a time.");
    while let Some(field) = multipart.next_field().await.map_err(&unreadable)? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(&unreadable)?,
            Some("share") => share = field.text().await.map_err(&unreadable)?,
            Some("file") => bytes = field.bytes().await.map_err(&unreadable)?.to_vec(),
            _ => {}
        }
    }
    actor.verify_csrf(&csrf)?;
    let refuse = |message: String| async {
        let mut page = wins_page(&state, &actor).await?;
        page.error = Some(message);
        Ok::<Response, AppError>((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    if bytes.len() > MAX_IMPORT_BYTES {
        return refuse(format!(
            "The file is larger than {} MB: export fewer records at a time.",
            MAX_IMPORT_BYTES / (1024 * 1024)
        ))
        .await;
    }
    let share = match parse_share(&actor, &share) {
        Ok(share) => share,
        Err(AppError::Invalid(message)) => return refuse(message).await,
        Err(e) => return Err(e),
    };
    let works = match aspire_citations::parse_any(&bytes) {
        Ok(works) => works,
        Err(e) => {
            return refuse(format!(
                "{} Nothing was imported: fix the file or export it again from PubMed or your reference manager.",
                sentence(&e.to_string())
            ))
            .await;
        }
    };
    let existing: Vec<aspire_citations::Work> = state
        .store
        .user_wins(actor.user.id)
        .await?
        .iter()
        .map(|w| {
            WinDetails { title: w.title.clone(), doi: w.doi.clone(), pmid: w.pmid.clone(), ..WinDetails::default() }
                .as_work()
        })
        .collect();
    let duplicates = aspire_citations::find_duplicates(&existing, &works);
    let new_wins: Vec<Win> = works
        .iter()
        .enumerate()
        .filter(|(i, _)| !duplicates.iter().any(|d| d.imported == *i))
        .map(|(_, work)| stored(WinDetails::from_work(work, &actor.user.profile.name), &actor, share))
        .collect();
    state.store.create_wins(&new_wins, state.now()).await?;
    Ok(Redirect::to(&format!("/wins?imported={}&duplicates={}", new_wins.len(), duplicates.len())).into_response())
}

/// A win the actor may see, or a 404 that does not say whether it exists.
async fn visible_win(state: &AppState, actor: &Actor, id: i64) -> AppResult<Win> {
    let win = state.store.win(id).await?.ok_or(AppError::NotFound)?;
    if access::can_see_item(actor, &win.audience()) { Ok(win) } else { Err(AppError::NotFound) }
}

#[derive(Template, WebTemplate)]
#[template(path = "win.html")]
struct WinPage {
    layout: Layout,
    view: WinView,
    cheers: Vec<Cheer>,
    is_author: bool,
}

async fn win_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
) -> AppResult<WinPage> {
    let win = visible_win(&state, &actor, id).await?;
    let cheers = state.store.cheers(win.id).await?;
    Ok(WinPage {
        layout: Layout::for_actor(&actor).with_notice(&notice),
        is_author: win.user_id == actor.user.id,
        view: WinView::of(win),
        cheers,
    })
}

#[derive(Deserialize)]
struct CheerForm {
    #[serde(default)]
    message: String,
}

async fn cheer(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<CheerForm>,
) -> AppResult<Redirect> {
    let win = visible_win(&state, &actor, id).await?;
    let message = form.message.trim();
    if message.chars().count() > 280 {
        return Err(AppError::Invalid("Keep a congratulation to 280 characters.".into()));
    }
    state.store.add_cheer(win.id, actor.user.id, message, state.now()).await?;
    Ok(Redirect::to(&format!("/wins/{}?notice=saved", win.id)))
}

async fn delete_win(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    let win = visible_win(&state, &actor, id).await?;
    if !access::can_change_item(&actor, &win.audience()) {
        return Err(AppError::NotFound);
    }
    state.store.delete_win(win.id).await?;
    Ok(Redirect::to("/wins?notice=removed"))
}

#[derive(Template, WebTemplate)]
#[template(path = "celebrations.html")]
struct CelebrationsPage {
    layout: Layout,
    program: Program,
    wins: Vec<WinView>,
}

/// The program's celebration feed: wins their authors shared with the whole program.
async fn celebrations(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<CelebrationsPage> {
    let program = state.store.program(id).await?.ok_or(AppError::NotFound)?;
    if !(access::can_share_with_program(&actor, program.id) || access::can_manage_program(&actor, program.id)) {
        return Err(AppError::NotFound);
    }
    let wins = state
        .store
        .program_wins(program.id)
        .await?
        .into_iter()
        .filter(|w| w.visibility == Visibility::Program)
        .filter(|w| access::can_see_item(&actor, &w.audience()))
        .map(WinView::of)
        .collect();
    Ok(CelebrationsPage { layout: Layout::for_actor(&actor), program, wins })
}

/// The wins a group celebrates on its page: those shared with it or with the program.
pub async fn group_celebrations(state: &AppState, actor: &Actor, group_id: i64) -> AppResult<Vec<WinView>> {
    Ok(state
        .store
        .group_wins(group_id)
        .await?
        .into_iter()
        .filter(|w| w.visibility != Visibility::Private)
        .filter(|w| access::can_see_item(actor, &w.audience()))
        .take(10)
        .map(WinView::of)
        .collect())
}
