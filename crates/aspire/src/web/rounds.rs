//! Forming a cohort's groups: rounds, who is in them, criteria, engine jobs, draft review and
//! publishing. Everything here is the program's coordinators' (and admins'); members never see a
//! draft.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use aspire_formation::{Criteria, Formation, evaluate};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::routes::Routes;
use super::{Layout, Notice, sentence};
use crate::auth::token::new_token;
use crate::auth::{Actor, CsrfForm, CsrfOnly, access};
use crate::domain::cohort::default_criteria;
use crate::domain::criteria::{AttributeRow, CriteriaForm};
use crate::domain::draft::{self, DraftGroup};
use crate::domain::{Availability, CareerStage};
use crate::error::{AppError, AppResult};
use crate::jobs::load_problem;
use crate::state::AppState;
use crate::store::{
    Draft, DraftScores, FormationJob, GroupRole, NewEmail, NewGroup, NewJob, Program, ProgramRole, Round, User,
};

pub fn routes() -> Routes {
    Routes::new()
        .post("/programs/{id}/rounds", create_round)
        .get("/rounds/{id}", round_page)
        .post("/rounds/{id}/people", add_people)
        .post("/rounds/{id}/people/{user_id}/remove", remove_person)
        .post("/rounds/{id}/remind", remind)
        .post("/rounds/{id}/place", place_in_existing_groups)
        .get("/rounds/{id}/criteria", criteria_page)
        .post("/rounds/{id}/criteria", save_criteria)
        .post("/rounds/{id}/jobs", start_job)
        .get("/jobs/{id}", job_page)
        .post("/jobs/{id}/stop", stop_job)
        .get("/drafts/{id}", draft_page)
        .post("/drafts/{id}/move", move_person)
        .post("/drafts/{id}/swap", swap_people)
        .post("/drafts/{id}/lock", lock_group)
        .post("/drafts/{id}/rerun", rerun)
        .post("/drafts/{id}/publish", publish)
}

async fn managed_round(state: &AppState, actor: &Actor, id: i64) -> AppResult<(Round, Program)> {
    let round = state.store.round(id).await?.ok_or(AppError::NotFound)?;
    if !access::can_manage_program(actor, round.program_id) {
        return Err(AppError::NotFound);
    }
    let program = state.store.program(round.program_id).await?.ok_or(AppError::NotFound)?;
    Ok((round, program))
}

async fn managed_draft(state: &AppState, actor: &Actor, id: i64) -> AppResult<(Draft, Round, Program)> {
    let draft = state.store.draft(id).await?.ok_or(AppError::NotFound)?;
    let (round, program) = managed_round(state, actor, draft.round_id).await?;
    Ok((draft, round, program))
}

/// Participants of the program who are in no group yet: the newcomers.
async fn newcomers(state: &AppState, program_id: i64) -> AppResult<Vec<i64>> {
    Ok(state
        .store
        .program_people(program_id)
        .await?
        .into_iter()
        .filter(|p| p.role == ProgramRole::Participant && p.group_names.is_empty())
        .map(|p| p.user.id)
        .collect())
}

async fn participants(state: &AppState, program_id: i64) -> AppResult<Vec<i64>> {
    Ok(state
        .store
        .program_people(program_id)
        .await?
        .into_iter()
        .filter(|p| p.role == ProgramRole::Participant)
        .map(|p| p.user.id)
        .collect())
}

#[derive(Deserialize)]
struct NewRound {
    name: String,
    #[serde(default)]
    who: String,
}

async fn create_round(
    State(state): State<AppState>,
    Path(program_id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<NewRound>,
) -> AppResult<Redirect> {
    if !access::can_manage_program(&actor, program_id) {
        return Err(AppError::NotFound);
    }
    let program = state.store.program(program_id).await?.ok_or(AppError::NotFound)?;
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::Invalid("A round needs a name of 1 to 80 characters, like \"2027 cohort\".".into()));
    }
    // Criteria carry over from the last round, so a program keeps its model year to year.
    let criteria = match state.store.program_rounds(program.id).await?.first() {
        Some(last) => last.criteria.clone(),
        None => toml::to_string(&default_criteria()).map_err(|e| AppError::Internal(e.into()))?,
    };
    let now = state.now();
    let round_id = state.store.create_round(program.id, name, &criteria, &new_token()[..32], now).await?;
    let people = if form.who == "everyone" {
        participants(&state, program.id).await?
    } else {
        newcomers(&state, program.id).await?
    };
    state.store.add_round_people(round_id, &people, now).await?;
    Ok(Redirect::to(&format!("/rounds/{round_id}?notice=created")))
}

pub struct RoundPerson {
    pub user: User,
    pub complete: bool,
}

impl RoundPerson {
    pub fn stage_label(&self) -> &str {
        CareerStage::parse(&self.user.career_stage).map_or("", CareerStage::label)
    }
}

fn profile_complete(user: &User) -> bool {
    !user.department.is_empty() && !user.career_stage.is_empty() && !user.availability.is_empty()
}

#[derive(Template, WebTemplate)]
#[template(path = "round.html")]
struct RoundPage {
    layout: Layout,
    round: Round,
    program: Program,
    people: Vec<RoundPerson>,
    incomplete: usize,
    newcomers_outside: usize,
    enrol_link: String,
    jobs: Vec<FormationJob>,
    drafts: Vec<Draft>,
    request_key: String,
}

async fn round_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
) -> AppResult<RoundPage> {
    let (round, program) = managed_round(&state, &actor, id).await?;
    let people: Vec<RoundPerson> = state
        .store
        .round_people(round.id)
        .await?
        .into_iter()
        .map(|user| RoundPerson { complete: profile_complete(&user), user })
        .collect();
    let in_round: Vec<i64> = people.iter().map(|p| p.user.id).collect();
    let newcomers_outside =
        newcomers(&state, program.id).await?.into_iter().filter(|id| !in_round.contains(id)).count();
    Ok(RoundPage {
        layout: Layout::for_actor(&actor).with_notice(&notice),
        incomplete: people.iter().filter(|p| !p.complete).count(),
        enrol_link: format!("{}/enrol/{}", state.settings.public_url(), round.enrol_token),
        jobs: state.store.round_jobs(round.id).await?.into_iter().take(5).collect(),
        drafts: state.store.round_drafts(round.id).await?,
        request_key: new_token(),
        newcomers_outside,
        people,
        round,
        program,
    })
}

#[derive(Deserialize)]
struct Who {
    #[serde(default)]
    who: String,
}

async fn add_people(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<Who>,
) -> AppResult<Redirect> {
    let (round, program) = managed_round(&state, &actor, id).await?;
    let people = if form.who == "everyone" {
        participants(&state, program.id).await?
    } else {
        newcomers(&state, program.id).await?
    };
    state.store.add_round_people(round.id, &people, state.now()).await?;
    Ok(Redirect::to(&format!("/rounds/{}?notice=added", round.id)))
}

async fn remove_person(
    State(state): State<AppState>,
    Path((id, user_id)): Path<(i64, i64)>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    let (round, _) = managed_round(&state, &actor, id).await?;
    state.store.remove_round_person(round.id, user_id).await?;
    Ok(Redirect::to(&format!("/rounds/{}?notice=removed", round.id)))
}

/// Emails everyone in the round whose profile is incomplete, with the enrolment link.
async fn remind(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    let (round, program) = managed_round(&state, &actor, id).await?;
    let link = format!("{}/enrol/{}", state.settings.public_url(), round.enrol_token);
    for user in state.store.round_people(round.id).await?.iter().filter(|u| !profile_complete(u)) {
        let body = format!(
            "Dear {},\n\n{} is forming peer groups for {}. To be placed in a group that suits you, please add your \
             department, career stage and the weekly hours you could meet:\n{link}\n\nThank you,\n{}\n",
            user.name, program.name, round.name, actor.user.name
        );
        crate::notify::enqueue(
            state.store.as_ref(),
            state.now(),
            &user.email,
            &format!("{}: tell us when you can meet", program.name),
            body,
        )
        .await?;
    }
    Ok(Redirect::to(&format!("/rounds/{}?notice=reminded", round.id)))
}

#[derive(Template, WebTemplate)]
#[template(path = "criteria.html")]
struct CriteriaPage {
    layout: Layout,
    round: Round,
    form: CriteriaForm,
    rows: Vec<AttributeRow>,
    error: Option<String>,
}

async fn criteria_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
) -> AppResult<CriteriaPage> {
    let (round, _) = managed_round(&state, &actor, id).await?;
    let criteria = Criteria::from_toml(&round.criteria).unwrap_or_else(|_| default_criteria());
    let form = CriteriaForm::from_criteria(&criteria);
    Ok(CriteriaPage {
        layout: Layout::for_actor(&actor).with_notice(&notice),
        rows: form.attribute_rows(),
        form,
        round,
        error: None,
    })
}

async fn save_criteria(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<CriteriaForm>,
) -> AppResult<Response> {
    let (round, _) = managed_round(&state, &actor, id).await?;
    match form.to_criteria() {
        Ok(criteria) => {
            let text = toml::to_string(&criteria).map_err(|e| AppError::Internal(e.into()))?;
            state.store.set_round_criteria(round.id, &text).await?;
            Ok(Redirect::to(&format!("/rounds/{}?notice=saved", round.id)).into_response())
        }
        Err(error) => {
            let page = CriteriaPage {
                layout: Layout::for_actor(&actor),
                rows: form.attribute_rows(),
                form,
                round,
                error: Some(error),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[derive(Deserialize)]
struct StartJob {
    request_key: String,
    #[serde(default)]
    seconds: String,
    #[serde(default)]
    seed: String,
}

fn job_request(round_id: i64, form: &StartJob, locked: String, requested_by: i64) -> AppResult<NewJob> {
    if form.request_key.len() < 16 || form.request_key.len() > 128 {
        return Err(AppError::BadRequest("The form is missing its request key: reload the page and try again.".into()));
    }
    // Five seconds by default: enough for a few hundred people; large rounds ask for more.
    let seconds: f64 = if form.seconds.trim().is_empty() { 5.0 } else { form.seconds.trim().parse().unwrap_or(-1.0) };
    if !(0.1..=600.0).contains(&seconds) {
        return Err(AppError::Invalid("The search time must be between 0.1 and 600 seconds.".into()));
    }
    let seed: i64 = if form.seed.trim().is_empty() {
        round_id
    } else {
        form.seed.trim().parse().map_err(|_| AppError::Invalid("The seed must be a whole number, like 7.".into()))?
    };
    Ok(NewJob {
        round_id,
        request_key: form.request_key.clone(),
        seed,
        time_limit_ms: (seconds * 1000.0) as i64,
        locked,
        requested_by,
    })
}

/// Queues the engine. Submitting the same form twice queues it once.
async fn start_job(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<StartJob>,
) -> AppResult<Redirect> {
    let (round, _) = managed_round(&state, &actor, id).await?;
    let job = job_request(round.id, &form, "[]".into(), actor.user.id)?;
    let job_id = state.store.request_job(&job, state.now()).await?;
    Ok(Redirect::to(&format!("/jobs/{job_id}")))
}

#[derive(Template, WebTemplate)]
#[template(path = "job.html")]
struct JobPage {
    layout: Layout,
    round: Round,
    job: FormationJob,
}

/// Just the status block, for htmx's polling.
#[derive(Template, WebTemplate)]
#[template(path = "job_status.html")]
struct JobStatus {
    layout: Layout,
    job: FormationJob,
}

impl FormationJob {
    pub fn is_active(&self) -> bool {
        self.status == "queued" || self.status == "running"
    }
    pub fn best_score_text(&self) -> String {
        self.best_score.map_or_else(|| "not yet".to_string(), |s| format!("{s:.2}"))
    }
    pub fn status_text(&self) -> &'static str {
        match self.status.as_str() {
            "queued" => "Waiting to start",
            "running" => "Forming groups",
            "done" => "Done",
            "stopped" => "Stopped early; the best draft so far was kept",
            _ => "Failed",
        }
    }
}

async fn job_page(
    State(state): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let job = state.store.job(id).await?.ok_or(AppError::NotFound)?;
    let (round, _) = managed_round(&state, &actor, job.round_id).await?;
    let layout = Layout::for_actor(&actor);
    // htmx polls the same address for just the status block.
    if headers.contains_key("hx-request") {
        return Ok(JobStatus { layout, job }.into_response());
    }
    Ok(JobPage { layout, round, job }.into_response())
}

async fn stop_job(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    let job = state.store.job(id).await?.ok_or(AppError::NotFound)?;
    managed_round(&state, &actor, job.round_id).await?;
    state.store.request_job_stop(job.id).await?;
    Ok(Redirect::to(&format!("/jobs/{}", job.id)))
}

/// One group of a draft as the review page shows it.
pub struct DraftGroupView {
    pub number: usize,
    pub locked: bool,
    pub score: String,
    pub members: Vec<MemberView>,
    pub shared: Vec<String>,
    pub spans: Vec<String>,
    pub common_times: String,
    pub warnings: Vec<String>,
}

pub struct MemberView {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub department: String,
    pub stage: String,
    pub interests: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "draft.html")]
struct DraftPage {
    layout: Layout,
    round: Round,
    draft: Draft,
    groups: Vec<DraftGroupView>,
    people: Vec<(String, String)>,
    diagnostics: Vec<String>,
    total: String,
    worst: String,
    request_key: String,
    /// Alumni who may facilitate a new group (each group may also choose one of its members).
    alumni: Vec<(i64, String)>,
    error: Option<String>,
}

/// Scores a draft against the round as it is now. People who left the round since the draft was
/// made are dropped from it; people who joined since make the draft stale.
async fn scored(
    state: &AppState,
    round: &Round,
    groups: &mut Vec<DraftGroup>,
) -> AppResult<(Formation, HashMap<String, User>)> {
    let (cohort, criteria, people) = load_problem(state.store.as_ref(), round.id).await.map_err(AppError::Invalid)?;
    let users: HashMap<String, User> = people.into_iter().map(|u| (u.email.clone(), u)).collect();
    for group in groups.iter_mut() {
        group.members.retain(|m| users.contains_key(m));
    }
    groups.retain(|g| !g.members.is_empty());
    let placed: std::collections::HashSet<&str> =
        groups.iter().flat_map(|g| g.members.iter().map(String::as_str)).collect();
    if let Some(newcomer) = users.values().find(|u| !placed.contains(u.email.as_str())) {
        return Err(AppError::Invalid(format!(
            "{} joined the round after this draft was made: form a new draft to include everyone.",
            newcomer.name
        )));
    }
    let lists: Vec<Vec<String>> = groups.iter().map(|g| g.members.clone()).collect();
    let formation = evaluate(&cohort, &criteria, &lists)
        .map_err(|e| AppError::Invalid(format!("{}.", sentence(&e.to_string()))))?;
    Ok((formation, users))
}

async fn render_draft(
    state: &AppState,
    actor: &Actor,
    draft: Draft,
    round: Round,
    error: Option<String>,
) -> AppResult<DraftPage> {
    let mut groups = draft::parse(&draft.groups).map_err(|e| AppError::Internal(e.into()))?;
    let (formation, users) = scored(state, &round, &mut groups).await?;
    let views = formation
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| DraftGroupView {
            number: i + 1,
            locked: groups.get(i).is_some_and(|d| d.locked),
            score: format!("{:.2}", g.score),
            members: g
                .members
                .iter()
                .filter_map(|email| users.get(email))
                .map(|u| MemberView {
                    id: u.id,
                    email: u.email.clone(),
                    name: u.name.clone(),
                    department: u.department.clone(),
                    stage: CareerStage::parse(&u.career_stage).map_or("", CareerStage::label).to_string(),
                    interests: u.research_interests.clone(),
                })
                .collect(),
            shared: g.why.shared.iter().map(|s| format!("{} ({})", s.value, s.members)).collect(),
            spans: g
                .why
                .spans
                .iter()
                .map(|s| format!("{}: {}", s.attribute.replace('_', " "), s.values.join(", ")))
                .collect(),
            common_times: common_times(g.members.iter().filter_map(|e| users.get(e))),
            warnings: g.why.gives_up.clone(),
        })
        .collect();
    let mut people: Vec<(String, String)> = users.values().map(|u| (u.email.clone(), u.name.clone())).collect();
    people.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(DraftPage {
        layout: Layout::for_actor(actor),
        total: format!("{:.2}", formation.total_score),
        worst: format!("{:.2}", formation.worst_group_score),
        diagnostics: formation.diagnostics.clone(),
        alumni: alumni(state, round.program_id, round.id).await?,
        request_key: new_token(),
        groups: views,
        people,
        round,
        draft,
        error,
    })
}

fn common_times<'a>(members: impl Iterator<Item = &'a User>) -> String {
    let slots: Vec<Availability> = members.filter_map(|u| Availability::parse(&u.availability).ok()).collect();
    Availability::common(&slots).to_string()
}

/// Alumni: people of the program who have been in a group before and are not in this round,
/// the near-peers who may facilitate a new group.
async fn alumni(state: &AppState, program_id: i64, round_id: i64) -> AppResult<Vec<(i64, String)>> {
    Ok(state
        .store
        .round_alumni(program_id, round_id)
        .await?
        .into_iter()
        .map(|(id, name, groups)| (id, format!("{name} (alumna/alumnus, {})", groups.join(", "))))
        .collect())
}

async fn draft_page(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<DraftPage> {
    let (draft, round, _) = managed_draft(&state, &actor, id).await?;
    render_draft(&state, &actor, draft, round, None).await
}

/// Applies an edit, rescoring the draft; a refused edit shows the draft again with the reason.
async fn edit_draft(
    state: &AppState,
    actor: &Actor,
    id: i64,
    edit: impl FnOnce(&mut Vec<DraftGroup>) -> Result<(), draft::DraftError>,
) -> AppResult<Response> {
    let (draft, round, _) = managed_draft(state, actor, id).await?;
    if draft.published_at.is_some() {
        return Err(AppError::Invalid("This draft is published and can no longer change.".into()));
    }
    let mut groups = draft::parse(&draft.groups).map_err(|e| AppError::Internal(e.into()))?;
    if let Err(e) = edit(&mut groups) {
        let page = render_draft(state, actor, draft, round, Some(format!("{}.", sentence(&e.to_string())))).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let (formation, _) = scored(state, &round, &mut groups).await?;
    let scores = DraftScores {
        total: formation.total_score,
        worst: formation.worst_group_score,
        warnings: i64::try_from(formation.diagnostics.len()).unwrap_or(i64::MAX),
    };
    state.store.update_draft(draft.id, &draft::to_json(&groups), scores, state.now()).await?;
    Ok(Redirect::to(&format!("/drafts/{}", draft.id)).into_response())
}

#[derive(Deserialize)]
struct MoveForm {
    email: String,
    to: usize,
}

async fn move_person(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<MoveForm>,
) -> AppResult<Response> {
    edit_draft(&state, &actor, id, |groups| draft::move_person(groups, &form.email, form.to.saturating_sub(1))).await
}

#[derive(Deserialize)]
struct SwapForm {
    a: String,
    b: String,
}

async fn swap_people(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<SwapForm>,
) -> AppResult<Response> {
    edit_draft(&state, &actor, id, |groups| draft::swap_people(groups, &form.a, &form.b)).await
}

#[derive(Deserialize)]
struct LockForm {
    group: usize,
}

async fn lock_group(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<LockForm>,
) -> AppResult<Response> {
    edit_draft(&state, &actor, id, |groups| draft::toggle_lock(groups, form.group.saturating_sub(1))).await
}

/// Runs the engine again, keeping this draft's locked groups as they are.
async fn rerun(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<StartJob>,
) -> AppResult<Redirect> {
    let (draft, round, _) = managed_draft(&state, &actor, id).await?;
    let groups = draft::parse(&draft.groups).map_err(|e| AppError::Internal(e.into()))?;
    let locked: Vec<&Vec<String>> = groups.iter().filter(|g| g.locked).map(|g| &g.members).collect();
    let locked = serde_json::to_string(&locked).map_err(|e| AppError::Internal(e.into()))?;
    let job = job_request(round.id, &form, locked, actor.user.id)?;
    let job_id = state.store.request_job(&job, state.now()).await?;
    Ok(Redirect::to(&format!("/jobs/{job_id}")))
}

/// Creates the groups (one transaction) and tells each member who their peers are.
async fn publish(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, fields): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Redirect> {
    let (draft, round, program) = managed_draft(&state, &actor, id).await?;
    let mut groups = draft::parse(&draft.groups).map_err(|e| AppError::Internal(e.into()))?;
    let (formation, users) = scored(&state, &round, &mut groups).await?;
    let alumni = alumni(&state, program.id, round.id).await?;
    let chosen: HashMap<usize, i64> = fields
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("facilitator_")?.parse::<usize>().ok()?, v.parse::<i64>().ok()?)))
        .collect();
    let mut new_groups = Vec::new();
    let mut emails = Vec::new();
    for (i, group) in formation.groups.iter().enumerate() {
        let name = format!("{} · Group {}", round.name, i + 1);
        let members: Vec<&User> = group.members.iter().filter_map(|e| users.get(e)).collect();
        // A group's facilitator is an alumna or alumnus, or one of its own members.
        let facilitator = chosen
            .get(&(i + 1))
            .copied()
            .filter(|f| alumni.iter().any(|(id, _)| id == f) || members.iter().any(|u| u.id == *f));
        let mut roles: Vec<(i64, GroupRole)> = members
            .iter()
            .map(|u| (u.id, if Some(u.id) == facilitator { GroupRole::Facilitator } else { GroupRole::Member }))
            .collect();
        if let Some(f) = facilitator.filter(|f| !roles.iter().any(|(id, _)| id == f)) {
            roles.push((f, GroupRole::Facilitator));
        }
        let times = common_times(members.iter().copied());
        let proposed = times.split(';').next().filter(|t| !t.is_empty()).map_or_else(
            || "No weekly hour suits everyone yet; your group will pick a time together.".to_string(),
            |t| format!("Proposed weekly meeting time: {} (everyone is free: {times}).", t.trim()),
        );
        let peers: Vec<String> = members.iter().map(|u| format!("- {} ({})", u.name, u.department)).collect();
        for user in &members {
            emails.push(NewEmail {
                recipient: user.email.clone(),
                subject: format!("Your peer group in {}: {name}", program.name),
                body: format!(
                    "Dear {},\n\nYou are in {name} of {}. Your peers:\n{}\n\n{proposed}\n\nSee your group at {}/groups\n",
                    user.name,
                    program.name,
                    peers.join("\n"),
                    state.settings.public_url()
                ),
            });
        }
        new_groups.push(NewGroup { name, members: roles });
    }
    let published =
        state.store.publish_draft(round.id, draft.id, program.id, &new_groups, &emails, state.now()).await?;
    if published {
        let subject = format!("draft {} published as {} groups in program {}", draft.id, new_groups.len(), program.id);
        state.store.audit(Some(actor.user.id), "membership changed", &subject, state.now()).await?;
    }
    let notice = if published { "published" } else { "already-published" };
    Ok(Redirect::to(&format!("/rounds/{}?notice={notice}", round.id)))
}

/// Adds the round's people who are in no group to the program's existing groups, one at a time
/// where each fits best, never beyond the largest size and never moving anyone already placed.
async fn place_in_existing_groups(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    let (round, program) = managed_round(&state, &actor, id).await?;
    let mut criteria = Criteria::from_toml(&round.criteria).unwrap_or_else(|_| default_criteria());
    criteria.history = None;
    let max = criteria.group_size.map_or(7, |s| s.max) as usize;
    let placed_already: std::collections::HashSet<i64> = state
        .store
        .program_people(program.id)
        .await?
        .into_iter()
        .filter(|p| !p.group_names.is_empty())
        .map(|p| p.user.id)
        .collect();
    let newcomers: Vec<User> =
        state.store.round_people(round.id).await?.into_iter().filter(|u| !placed_already.contains(&u.id)).collect();
    let mut groups = Vec::new();
    for group in state.store.program_groups(program.id).await? {
        let members: Vec<User> = state.store.group_members(group.id).await?.into_iter().map(|m| m.user).collect();
        groups.push((group, members));
    }
    if groups.is_empty() {
        return Err(AppError::Invalid("This program has no groups yet: form new groups instead.".into()));
    }
    let mut placed = 0;
    for newcomer in &newcomers {
        let mut best: Option<(f64, usize)> = None;
        for (i, (_, members)) in groups.iter().enumerate().filter(|(_, (_, m))| m.len() < max) {
            let gain =
                group_score_with(&criteria, members, Some(newcomer)) - group_score_with(&criteria, members, None);
            if best.is_none_or(|(b, _)| gain > b) {
                best = Some((gain, i));
            }
        }
        let Some((_, i)) = best else { break };
        state.store.set_group_member(groups[i].0.id, newcomer.id, GroupRole::Member).await?;
        let subject = format!("user {} joined group {} as member", newcomer.id, groups[i].0.id);
        state.store.audit(Some(actor.user.id), "membership changed", &subject, state.now()).await?;
        let peers: Vec<String> = groups[i].1.iter().map(|u| format!("- {} ({})", u.name, u.department)).collect();
        let body = format!(
            "Dear {},\n\nYou have joined {} of {}. Your peers:\n{}\n\nSee your group at {}/groups/{}\n",
            newcomer.name,
            groups[i].0.name,
            program.name,
            peers.join("\n"),
            state.settings.public_url(),
            groups[i].0.id
        );
        crate::notify::enqueue(
            state.store.as_ref(),
            state.now(),
            &newcomer.email,
            &format!("Your peer group in {}", program.name),
            body,
        )
        .await?;
        groups[i].1.push(newcomer.clone());
        placed += 1;
    }
    let notice = if placed == newcomers.len() { "placed" } else { "placed-some" };
    Ok(Redirect::to(&format!("/rounds/{}?notice={notice}", round.id)))
}

/// The engine's score of one group, with `extra` added to it.
fn group_score_with(criteria: &Criteria, members: &[User], extra: Option<&User>) -> f64 {
    let profiles: Vec<_> = members.iter().chain(extra).map(User::profile).collect();
    let cohort = crate::domain::cohort::cohort_of(&profiles);
    let mut criteria = criteria.clone();
    criteria.attributes.retain(|rule| cohort.people.iter().any(|p| p.attributes.contains_key(&rule.name)));
    let everyone = vec![cohort.people.iter().map(|p| p.id.clone()).collect::<Vec<_>>()];
    evaluate(&cohort, &criteria, &everyone).map_or(f64::NEG_INFINITY, |f| f.total_score)
}
