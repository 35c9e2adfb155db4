//! Forming a cohort's groups: rounds, who is in them, criteria, engine jobs, draft review and
//! publishing. Everything here is the program's coordinators' (and admins'); members never see a
//! draft.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, Notice};
use crate::app::rounds::{self, JobInput, Placed, Published, ScoredDraft, Who};
use crate::auth::token::new_token;
use crate::auth::{Actor, CsrfForm, CsrfOnly};
use crate::domain::CareerStage;
use crate::domain::criteria::{self, AttributeRow, CriteriaForm};
use crate::domain::draft::{self, DraftGroup};
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::{Draft, FormationJob, JobStatus, Program, Round, User};

pub fn routes() -> Routes {
    Routes::new()
        .post("/programs/{id}/rounds", create_round)
        .get("/rounds/{id}", round_page)
        .post("/rounds/{id}/people", add_people)
        .post("/rounds/{id}/people/{user_id}/remove", remove_person)
        .post("/rounds/{id}/remind", remind)
        .post("/rounds/{id}/place", place_in_existing_groups)
        .post("/rounds/{id}/close", close_round)
        .get("/rounds/{id}/compare", compare_page)
        .get("/rounds/{id}/criteria", criteria_page)
        .post("/rounds/{id}/criteria", save_criteria)
        .post("/rounds/{id}/jobs", start_job)
        .get("/jobs/{id}", job_page)
        .post("/jobs/{id}/stop", stop_job)
        .get("/drafts/{id}", draft_page)
        .post("/drafts/{id}/move", move_person)
        .post("/drafts/{id}/preview", preview_move)
        .post("/drafts/{id}/swap", swap_people)
        .post("/drafts/{id}/lock", lock_group)
        .post("/drafts/{id}/unpin", unpin)
        .post("/drafts/{id}/rerun", rerun)
        .post("/drafts/{id}/publish", publish)
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
    let round_id = rounds::create_round(&state, &actor, program_id, &form.name, Who::from_form(&form.who)).await?;
    Ok(Redirect::to(&format!("/rounds/{round_id}?notice=created")))
}

pub struct RoundPerson {
    pub user: User,
    pub complete: bool,
}

impl RoundPerson {
    pub fn stage_label(&self) -> &str {
        CareerStage::parse(&self.user.profile.career_stage).map_or("", CareerStage::label)
    }
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
    /// The program's people who have never signed in and hold no invitation that works.
    not_invited: i64,
    summary: Vec<String>,
    problems: Vec<String>,
}

async fn round_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
) -> AppResult<RoundPage> {
    let overview = rounds::round(&state, &actor, id).await?;
    let people: Vec<RoundPerson> = overview
        .people
        .into_iter()
        .map(|user| RoundPerson { complete: rounds::profile_complete(&user), user })
        .collect();
    let not_invited = crate::app::programs::not_invited(&state, overview.program.id).await?;
    Ok(RoundPage {
        not_invited,
        layout: Layout::for_actor(&actor).with_notice(&notice),
        incomplete: people.iter().filter(|p| !p.complete).count(),
        enrol_link: format!("{}/enrol/{}", state.settings.public_url(), overview.round.enrol_token),
        jobs: overview.jobs,
        drafts: overview.drafts,
        request_key: new_token(),
        newcomers_outside: overview.newcomers_outside,
        summary: overview.summary,
        problems: overview.problems,
        people,
        round: overview.round,
        program: overview.program,
    })
}

#[derive(Deserialize)]
struct WhoForm {
    #[serde(default)]
    who: String,
}

async fn add_people(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<WhoForm>,
) -> AppResult<Redirect> {
    rounds::add_people(&state, &actor, id, Who::from_form(&form.who)).await?;
    Ok(Redirect::to(&format!("/rounds/{id}?notice=added")))
}

async fn remove_person(
    State(state): State<AppState>,
    Path((id, user_id)): Path<(i64, i64)>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    rounds::remove_person(&state, &actor, id, user_id).await?;
    Ok(Redirect::to(&format!("/rounds/{id}?notice=removed")))
}

/// Emails everyone in the round whose profile is incomplete, with the enrolment link.
async fn remind(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    rounds::remind(&state, &actor, id).await?;
    Ok(Redirect::to(&format!("/rounds/{id}?notice=reminded")))
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
    let (round, _) = rounds::managed_round(&state, &actor, id).await?;
    let form = CriteriaForm::from_criteria(&rounds::criteria_of(&round));
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
    let saved = match form.to_criteria() {
        Ok(criteria) => match rounds::save_criteria(&state, &actor, id, &criteria).await {
            Ok(()) => Ok(()),
            Err(AppError::Invalid(error)) => Err(error),
            Err(e) => return Err(e),
        },
        Err(error) => Err(error),
    };
    match saved {
        Ok(()) => Ok(Redirect::to(&format!("/rounds/{id}?notice=saved")).into_response()),
        Err(error) => {
            let (round, _) = rounds::managed_round(&state, &actor, id).await?;
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

impl StartJob {
    fn input(&self) -> JobInput<'_> {
        JobInput { request_key: &self.request_key, seconds: &self.seconds, seed: &self.seed }
    }
}

/// Queues the engine. Submitting the same form twice queues it once.
async fn start_job(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<StartJob>,
) -> AppResult<Redirect> {
    let job_id = rounds::start_job(&state, &actor, id, &form.input()).await?;
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
struct JobStatusBlock {
    layout: Layout,
    job: FormationJob,
}

impl FormationJob {
    pub fn is_active(&self) -> bool {
        matches!(self.status, JobStatus::Queued | JobStatus::Running)
    }
    pub fn best_score_text(&self) -> String {
        self.best_score.map_or_else(|| "not yet".to_string(), |s| format!("{s:.2}"))
    }
    pub fn status_text(&self) -> &'static str {
        match self.status {
            JobStatus::Queued => "Waiting to start",
            JobStatus::Running => "Forming groups",
            JobStatus::Done => "Done",
            JobStatus::Stopped => "Stopped early; the best draft so far was kept",
            JobStatus::Failed => "Failed",
        }
    }
}

async fn job_page(
    State(state): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (job, round) = rounds::managed_job(&state, &actor, id).await?;
    let layout = Layout::for_actor(&actor);
    // htmx polls the same address for just the status block.
    if headers.contains_key("hx-request") {
        return Ok(JobStatusBlock { layout, job }.into_response());
    }
    Ok(JobPage { layout, round, job }.into_response())
}

async fn stop_job(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    rounds::stop_job(&state, &actor, id).await?;
    Ok(Redirect::to(&format!("/jobs/{id}")))
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
    /// Placed here by hand: forming again keeps them in this group.
    pub pinned: bool,
    /// The person the last edit moved: the focus goes to them after an in-place update.
    pub just_moved: bool,
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
    /// How this draft compares with the one it was formed again from, if it was.
    formed_from: Option<(i64, String)>,
    /// What the last edit changed, in words ("Moved Ana Ruiz to group 2.").
    changed: Option<String>,
}

/// Who the last edit on a draft moved: carried in the address it redirects to, and named only
/// when they are in the draft.
#[derive(Deserialize, Default)]
struct Changed {
    #[serde(default)]
    moved: String,
    #[serde(default)]
    with: String,
    #[serde(default)]
    unpinned: bool,
}

async fn render_draft(
    state: &AppState,
    actor: &Actor,
    scored: ScoredDraft,
    error: Option<String>,
) -> AppResult<DraftPage> {
    let ScoredDraft { draft, round, groups, formation, users, formed_from, .. } = scored;
    let formed_from = formed_from.map(|source| {
        // Both as saved: each against the history it was formed with.
        let difference = draft.total_score - source.total_score;
        let verdict = if difference.abs() < 0.005 {
            "the same score".to_string()
        } else if difference < 0.0 {
            format!("{:.2} less: that draft is still there to publish instead", -difference)
        } else {
            format!("{difference:.2} more")
        };
        (
            source.id,
            format!(
                "Formed again from {} (score {:.2}): this draft scores {verdict}.",
                source.name, source.total_score
            ),
        )
    });
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
                    pinned: groups.get(i).is_some_and(|d| d.pinned.contains(&u.profile.email)),
                    just_moved: false,
                    email: u.profile.email.clone(),
                    name: u.profile.name.clone(),
                    department: u.profile.department.clone(),
                    stage: CareerStage::parse(&u.profile.career_stage).map_or("", CareerStage::label).to_string(),
                    interests: u.profile.research_interests.clone(),
                })
                .collect(),
            shared: g
                .why
                .shared
                .iter()
                .map(|s| format!("{} ({})", criteria::value_label(&s.attribute, &s.value), s.members))
                .collect(),
            spans: g
                .why
                .spans
                .iter()
                .filter(|s| s.attribute != "career_rank")
                .map(|s| {
                    let values: Vec<String> = s.values.iter().map(|v| criteria::value_label(&s.attribute, v)).collect();
                    format!("{}: {}", criteria::label_of(&s.attribute), values.join(", "))
                })
                .collect(),
            common_times: rounds::common_times(g.members.iter().filter_map(|e| users.get(e))),
            warnings: g
                .why
                .gives_up
                .iter()
                .map(|w| {
                    criteria::gives_up_in_words(w, |id| {
                        users.get(id).map_or(id.to_string(), |u| u.profile.name.clone())
                    })
                })
                .collect(),
        })
        .collect();
    // The swap pickers: by name, people of the same name told apart.
    let mut sorted: Vec<&User> = users.values().collect();
    sorted.sort_by(|a, b| a.profile.name.cmp(&b.profile.name).then(a.id.cmp(&b.id)));
    let rows: Vec<(i64, &str, &str, &str)> = sorted
        .iter()
        .map(|u| (u.id, u.profile.name.as_str(), u.profile.department.as_str(), u.profile.email.as_str()))
        .collect();
    let people: Vec<(String, String)> = crate::domain::profile::names_told_apart(&rows)
        .into_iter()
        .zip(&sorted)
        .map(|((_, label), u)| (u.profile.email.clone(), label))
        .collect();
    Ok(DraftPage {
        layout: Layout::for_actor(actor),
        total: format!("{:.2}", formation.total_score),
        worst: format!("{:.2}", formation.worst_group_score),
        diagnostics: warnings_in_words(&formation),
        alumni: rounds::alumni(state, round.program_id, round.id).await?,
        request_key: new_token(),
        groups: views,
        people,
        round,
        draft,
        error,
        formed_from,
        changed: None,
    })
}

async fn draft_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(change): Query<Changed>,
) -> AppResult<DraftPage> {
    let scored = rounds::draft(&state, &actor, id).await?;
    let mut page = render_draft(&state, &actor, scored, None).await?;
    let place = |email: &str| {
        page.groups.iter().find_map(|g| g.members.iter().find(|m| m.email == email).map(|m| (m.name.clone(), g.number)))
    };
    page.changed = match (place(&change.moved), place(&change.with)) {
        (Some((a, ga)), Some((b, gb))) => {
            Some(format!("Swapped {a} (now in group {ga}) and {b} (now in group {gb}); the scores are the new ones."))
        }
        (Some((name, group)), None) if change.unpinned => {
            Some(format!("{name} is no longer pinned to group {group}: forming again may place them anywhere."))
        }
        (Some((name, group)), None) => Some(format!(
            "Moved {name} to group {group}, pinned there when the draft is formed again; the scores are the new ones."
        )),
        _ => None,
    };
    for group in &mut page.groups {
        for member in &mut group.members {
            member.just_moved = member.email == change.moved;
        }
    }
    Ok(page)
}

/// Applies an edit; a refused edit shows the draft again with the reason.
async fn edit_draft(
    state: &AppState,
    actor: &Actor,
    id: i64,
    edit: impl FnOnce(&mut Vec<DraftGroup>) -> Result<(), draft::DraftError>,
    changed: &[(&str, &str)],
    anchor: &str,
) -> AppResult<Response> {
    match rounds::edit_draft(state, actor, id, edit).await {
        Ok(()) => {
            let query = if changed.is_empty() {
                String::new()
            } else {
                format!("?{}", serde_urlencoded::to_string(changed).unwrap_or_default())
            };
            Ok(Redirect::to(&format!("/drafts/{id}{query}{anchor}")).into_response())
        }
        Err(AppError::Invalid(error)) => {
            let page = render_draft(state, actor, rounds::draft(state, actor, id).await?, Some(error)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
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
    let anchor = format!("#group-{}", form.to);
    let changed = [("moved", form.email.as_str())];
    edit_draft(
        &state,
        &actor,
        id,
        |groups| match form.to.checked_sub(1) {
            Some(to) => draft::move_person(groups, &form.email, to),
            None => Err(draft::DraftError::UnknownGroup(0)),
        },
        &changed,
        &anchor,
    )
    .await
}

#[derive(Template, WebTemplate)]
#[template(source = "<span>{{ sentence }}</span>", ext = "html")]
struct PreviewLine {
    sentence: String,
}

/// What a move would do, before it is made: for htmx the sentence alone (shown beside the move
/// form), without JavaScript the draft with the sentence at its top.
async fn preview_move(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    CsrfForm(actor, form): CsrfForm<MoveForm>,
) -> AppResult<Response> {
    let sentence = match rounds::preview_move(&state, &actor, id, &form.email, form.to).await {
        Ok(sentence) => sentence,
        Err(AppError::Invalid(why)) => why,
        Err(e) => return Err(e),
    };
    if headers.contains_key("hx-request") {
        return Ok(PreviewLine { sentence }.into_response());
    }
    let mut page = render_draft(&state, &actor, rounds::draft(&state, &actor, id).await?, None).await?;
    page.changed = Some(sentence);
    Ok(page.into_response())
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
    let changed = [("moved", form.a.as_str()), ("with", form.b.as_str())];
    edit_draft(&state, &actor, id, |groups| draft::swap_people(groups, &form.a, &form.b), &changed, "").await
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
    let anchor = format!("#group-{}", form.group);
    edit_draft(&state, &actor, id, |groups| draft::toggle_lock(groups, form.group.saturating_sub(1)), &[], &anchor)
        .await
}

#[derive(Deserialize)]
struct UnpinForm {
    email: String,
}

/// Lets forming again place someone anywhere, after a hand move had pinned them.
async fn unpin(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<UnpinForm>,
) -> AppResult<Response> {
    let changed = [("moved", form.email.as_str()), ("unpinned", "true")];
    edit_draft(&state, &actor, id, |groups| draft::unpin(groups, &form.email), &changed, "").await
}

/// Runs the engine again, keeping this draft's locked groups as they are.
async fn rerun(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<StartJob>,
) -> AppResult<Redirect> {
    let job_id = rounds::rerun(&state, &actor, id, &form.input()).await?;
    Ok(Redirect::to(&format!("/jobs/{job_id}")))
}

/// Creates the groups (one transaction) and tells each member who their peers are.
async fn publish(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, fields): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Redirect> {
    let chosen: HashMap<usize, i64> = fields
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("facilitator_")?.parse::<usize>().ok()?, v.parse::<i64>().ok()?)))
        .collect();
    let (round, published) = rounds::publish(&state, &actor, id, &chosen).await?;
    let notice = if published == Published::Now { "published" } else { "already-published" };
    Ok(Redirect::to(&format!("/rounds/{}?notice={notice}", round.id)))
}

/// Ends the cohort: its groups become archives, its members alumni.
async fn close_round(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    let (round, closed) = rounds::close_round(&state, &actor, id).await?;
    let notice = if closed == rounds::Closed::Now { "closed" } else { "already-closed" };
    Ok(Redirect::to(&format!("/rounds/{}?notice={notice}", round.id)))
}

/// Adds the round's people who are in no group to the program's existing groups.
async fn place_in_existing_groups(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    let (round, placed) = rounds::place_in_existing_groups(&state, &actor, id).await?;
    let notice = if placed == Placed::Everyone { "placed" } else { "placed-some" };
    Ok(Redirect::to(&format!("/rounds/{}?notice={notice}", round.id)))
}

/// The draft's warnings in the criteria form's words: groups without a common hour and pairs
/// that met before are counted from the groups themselves; the engine's other notes (hard rules
/// broken) are passed on.
fn warnings_in_words(formation: &aspire_formation::Formation) -> Vec<String> {
    use aspire_formation::peer::GivesUp;
    let mut out = Vec::new();
    let no_hour: Vec<String> = (1..=formation.groups.len())
        .zip(&formation.groups)
        .filter(|(_, g)| g.why.gives_up.contains(&GivesUp::NoCommonSlot))
        .map(|(number, _)| number.to_string())
        .collect();
    if !no_hour.is_empty() {
        out.push(format!("No weekly hour when everyone is free in group {}.", no_hour.join(", ")));
    }
    let met_before = formation
        .groups
        .iter()
        .flat_map(|g| &g.why.gives_up)
        .filter(|w| matches!(w, GivesUp::GroupedBefore { .. }))
        .count();
    if met_before > 0 {
        out.push(format!(
            "{} in a group together in an earlier round.",
            if met_before == 1 { "1 pair was".to_string() } else { format!("{met_before} pairs were") }
        ));
    }
    let mut unbalanced: Vec<(String, Vec<String>)> = Vec::new();
    for (number, group) in (1..).zip(&formation.groups) {
        for w in &group.why.gives_up {
            if let GivesUp::Isolated { attribute, .. } = w {
                let label = criteria::label_of(attribute);
                match unbalanced.iter_mut().find(|(l, _)| *l == label) {
                    Some((_, groups)) if groups.last() != Some(&number.to_string()) => groups.push(number.to_string()),
                    Some(_) => {}
                    None => unbalanced.push((label, vec![number.to_string()])),
                }
            }
        }
    }
    for (label, groups) in unbalanced {
        out.push(format!(
            "The balance rule on {label} (no one the only one of theirs) is not met in group {}.",
            groups.join(", ")
        ));
    }
    // The engine's own sentence for a broken balance rule names the person: never shown.
    let counted = |d: &str| {
        d.starts_with("groups with no common weekly slot")
            || d.contains("grouped together in an earlier round")
            || d.ends_with("(no_isolated)")
    };
    out.extend(formation.diagnostics.iter().filter(|d| !counted(d)).cloned());
    out
}

#[derive(Deserialize)]
struct CompareQuery {
    a: Option<String>,
    b: Option<String>,
}

/// One person on the comparison page.
pub struct ComparedPerson {
    pub name: String,
    /// Department and stage, so people with the same name can be told apart.
    pub detail: String,
    pub moved: bool,
}

pub struct ComparedSide {
    pub draft: Draft,
    pub total: String,
    pub groups: Vec<Vec<ComparedPerson>>,
}

#[derive(Template, WebTemplate)]
#[template(path = "compare.html")]
struct ComparePage {
    layout: Layout,
    round: Round,
    drafts: Vec<Draft>,
    /// The two drafts compared; `None` until the round has two.
    sides: Option<[ComparedSide; 2]>,
    contributions: Vec<(String, [String; 2])>,
    moved: usize,
    a: i64,
    b: i64,
    /// Why these two cannot be compared (someone joined the round since one was made).
    error: Option<String>,
}

impl ComparePage {
    fn without_sides(
        actor: &Actor,
        round: Round,
        drafts: Vec<Draft>,
        (a, b): (i64, i64),
        error: Option<String>,
    ) -> Self {
        let layout = Layout::for_actor(actor);
        ComparePage { layout, round, drafts, sides: None, contributions: Vec::new(), moved: 0, a, b, error }
    }
}

/// Two drafts side by side: who is where, who differs, and each criterion's part of the score.
async fn compare_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<CompareQuery>,
) -> AppResult<ComparePage> {
    let draft_id = |text: &Option<String>| match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t.parse::<i64>().map(Some).map_err(|_| {
            AppError::BadRequest(format!("\"{t}\" is not a draft: choose two drafts from the lists on the page."))
        }),
    };
    let (a, b) = (draft_id(&query.a)?, draft_id(&query.b)?);
    let rounds::Compared { round, drafts, pair, comparison } = rounds::compare(&state, &actor, id, a, b).await?;
    let compared = match comparison {
        None => return Ok(ComparePage::without_sides(&actor, round, drafts, pair, None)),
        Some(Err(why)) => return Ok(ComparePage::without_sides(&actor, round, drafts, pair, Some(why))),
        Some(Ok(compared)) => compared,
    };
    let person = |email: &String| {
        let user = compared.users.get(email);
        let name = user.map_or(email.clone(), |u| u.profile.name.clone());
        let stage = user.and_then(|u| CareerStage::parse(&u.profile.career_stage)).map(|s| s.label());
        let department = user.map(|u| u.profile.department.as_str()).filter(|d| !d.is_empty());
        let detail = [department, stage].into_iter().flatten().collect::<Vec<_>>().join(", ");
        ComparedPerson { name, detail, moved: compared.moved.contains(email) }
    };
    let [first, second] = compared.drafts;
    let [first_groups, second_groups] = compared.groups;
    let side = |draft: Draft, groups: Vec<Vec<String>>, total: f64| ComparedSide {
        draft,
        total: format!("{total:.2}"),
        groups: groups.iter().map(|g| g.iter().map(person).collect()).collect(),
    };
    let sides = [side(first, first_groups, compared.totals[0]), side(second, second_groups, compared.totals[1])];
    Ok(ComparePage {
        layout: Layout::for_actor(&actor),
        contributions: compared
            .contributions
            .into_iter()
            .map(|(label, [x, y])| (label, [format!("{x:.2}"), format!("{y:.2}")]))
            .collect(),
        moved: compared.moved.len(),
        a: pair.0,
        b: pair.1,
        sides: Some(sides),
        round,
        drafts,
        error: None,
    })
}
