//! Wins: a member records a paper, grant, talk, award or promotion (or imports papers from a
//! PubMed, RIS or BibTeX export), chooses who sees it, and peers congratulate. What a page or
//! list shows is filtered by `access::can_see_item`, the same rule as the win's own page.

use super::pager::{PageQuery, Pager};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, Notice};
use crate::app::wins::{self, ShareChoice};
use crate::auth::{Actor, CsrfForm, CsrfOnly};
use crate::domain::wins::{GRANT_ROLES, GRANT_STATUSES, KINDS, POSITIONS, WinDetails, label};
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::Program;
use crate::store::community::{Cheer, Win, WinCard};

/// Largest export file a member may import.
pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;

pub fn routes() -> Routes {
    Routes::new()
        .get("/wins", my_wins)
        .post("/wins", record_win)
        .post("/wins/import", import_wins)
        .get("/wins/{id}", win_page)
        .post("/wins/{id}/edit", edit_win)
        .post("/wins/{id}/cheers", cheer)
        .post("/wins/{id}/delete", delete_win)
        .get("/programs/{id}/celebrations", celebrations)
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
        // Most wins know only their year: no day to parse.
        match Some(&win.won_on).filter(|day| !day.is_empty()).and_then(|day| day.parse::<jiff::civil::Date>().ok()) {
            Some(day) => parts.push(day.strftime("%-d %b %Y").to_string()),
            None => parts.extend(win.year.map(|year| year.to_string())),
        }
        let position = label(&POSITIONS, &win.author_position);
        if !win.author_position.is_empty() {
            parts.push(position.to_lowercase());
        }
        if !win.award_number.is_empty() {
            parts.push(win.award_number.clone());
        } else if !win.mechanism.is_empty() {
            parts.push(win.mechanism.clone());
        }
        if !win.grant_role.is_empty() {
            parts.push(label(&GRANT_ROLES, &win.grant_role).to_string());
        }
        if !win.grant_status.is_empty() {
            parts.push(label(&GRANT_STATUSES, &win.grant_status).to_lowercase());
        }
        WinView {
            kind: label(&KINDS, &win.kind), summary: parts.join(" · "), shared_with: win.visibility.label(), win
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "wins.html")]
struct WinsPage {
    layout: Layout,
    wins: Vec<WinView>,
    pager: Pager,
    choices: Vec<ShareChoice>,
    programs: Vec<Program>,
    error: Option<String>,
    form: WinDetails,
    report: Vec<String>,
}

async fn wins_page(state: &AppState, actor: &Actor, asked: &PageQuery) -> AppResult<WinsPage> {
    let wins = wins::own_wins(state, actor, asked.before).await?;
    let pager = Pager::newest_first("/wins".into(), wins.next, asked);
    let wins = wins.items.into_iter().map(WinView::of).collect();
    let programs = wins::programs_to_celebrate_in(state, actor).await?;
    Ok(WinsPage {
        layout: Layout::for_actor(actor),
        wins,
        pager,
        choices: wins::share_choices(state, actor).await?,
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

async fn my_wins(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<ReportQuery>,
    Query(asked): Query<PageQuery>,
) -> AppResult<WinsPage> {
    let mut page = wins_page(&state, &actor, &asked).await?;
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
    /// "on" when the win's facts go into the member's record too.
    #[serde(default)]
    to_record: String,
}

async fn record_win(State(state): State<AppState>, CsrfForm(actor, form): CsrfForm<RecordForm>) -> AppResult<Response> {
    let refuse = |message: String, details: WinDetails| async {
        let mut page = wins_page(&state, &actor, &PageQuery::default()).await?;
        page.error = Some(message);
        page.form = details;
        Ok::<Response, AppError>((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    match wins::record(&state, &actor, form.details.clone(), &form.share, form.to_record == "on").await {
        Err(AppError::Invalid(message)) => refuse(message, form.details).await,
        recorded => recorded.map(|()| Redirect::to("/wins?notice=saved").into_response()),
    }
}

/// Imports papers from a PubMed (MEDLINE), RIS or BibTeX export: all of the file or, when any
/// record is bad, none of it. Papers already recorded (same DOI or PubMed ID) are skipped.
async fn import_wins(State(state): State<AppState>, actor: Actor, mut multipart: Multipart) -> AppResult<Response> {
    let (mut csrf, mut share, mut bytes, mut to_record) = (String::new(), String::new(), Vec::new(), false);
    let unreadable = super::upload_error(MAX_IMPORT_BYTES, "export fewer records at a time.");
    while let Some(field) = multipart.next_field().await.map_err(&unreadable)? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(&unreadable)?,
            Some("share") => share = field.text().await.map_err(&unreadable)?,
            Some("to_record") => to_record = field.text().await.map_err(&unreadable)? == "on",
            Some("file") => bytes = field.bytes().await.map_err(&unreadable)?.to_vec(),
            _ => {}
        }
    }
    actor.verify_csrf(&csrf)?;
    let refuse = |message: String| async {
        let mut page = wins_page(&state, &actor, &PageQuery::default()).await?;
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
    match wins::import(&state, &actor, &share, &bytes, to_record).await {
        Err(AppError::Invalid(message)) => refuse(message).await,
        imported => imported.map(|done| {
            Redirect::to(&format!("/wins?imported={}&duplicates={}", done.papers, done.duplicates)).into_response()
        }),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "win.html")]
struct WinPage {
    layout: Layout,
    view: WinView,
    cheers: Vec<Cheer>,
    is_author: bool,
    /// The author's form to change it: the win as it stands, or what was typed when refused.
    form: WinDetails,
    error: Option<String>,
}

async fn render_win(
    state: &AppState,
    actor: &Actor,
    id: i64,
    notice: &Notice,
    refused: Option<(String, WinDetails)>,
) -> AppResult<WinPage> {
    let (win, cheers) = wins::win_with_cheers(state, actor, id).await?;
    let (error, form) = match refused {
        Some((error, typed)) => (Some(error), typed),
        None => (None, wins::details_of(&win)),
    };
    Ok(WinPage {
        layout: Layout::for_actor(actor).with_notice(notice),
        is_author: win.user_id == actor.user.id,
        view: WinView::of(win),
        cheers,
        form,
        error,
    })
}

async fn win_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
) -> AppResult<WinPage> {
    render_win(&state, &actor, id, &notice, None).await
}

async fn edit_win(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, details): CsrfForm<WinDetails>,
) -> AppResult<Response> {
    match wins::edit(&state, &actor, id, details.clone()).await {
        Ok(()) => Ok(Redirect::to(&format!("/wins/{id}?notice=saved")).into_response()),
        // Said on the form it came from, with what was typed.
        Err(AppError::Invalid(error)) => {
            let page = render_win(&state, &actor, id, &Notice::default(), Some((error, details))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
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
    let id = wins::cheer(&state, &actor, id, &form.message).await?;
    Ok(Redirect::to(&format!("/wins/{id}?notice=saved")))
}

async fn delete_win(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    wins::delete(&state, &actor, id).await?;
    Ok(Redirect::to("/wins?notice=removed"))
}

#[derive(Template, WebTemplate)]
#[template(path = "celebrations.html")]
struct CelebrationsPage {
    layout: Layout,
    program: Program,
    wins: Vec<WinView>,
    pager: Pager,
}

/// The program's celebration feed: wins their authors shared with the whole program.
async fn celebrations(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(asked): Query<PageQuery>,
) -> AppResult<CelebrationsPage> {
    let (program, wins) = wins::celebrations(&state, &actor, id, asked.before).await?;
    let pager = Pager::newest_first(format!("/programs/{}/celebrations", program.id), wins.next, &asked);
    let wins = wins.items.into_iter().map(WinView::of).collect();
    Ok(CelebrationsPage { layout: Layout::for_actor(&actor), program, wins, pager })
}

/// The wins a group celebrates on its page: those shared with it or with the program.
/// A win the group page celebrates, with its kind in words.
pub struct Celebrated {
    pub win: WinCard,
    pub kind: &'static str,
}

pub async fn group_celebrations(state: &AppState, actor: &Actor, group_id: i64) -> AppResult<Vec<Celebrated>> {
    let wins = wins::group_celebrations(state, actor, group_id).await?;
    Ok(wins.into_iter().map(|win| Celebrated { kind: label(&KINDS, &win.kind), win }).collect())
}
