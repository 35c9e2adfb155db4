//! Promote and amplify each other: anyone in a program posts an opportunity (a talk, an award,
//! a committee, a grant call) with a deadline; people nominate a peer with a short statement;
//! the nominee accepts or declines; the outcome is recorded and, if the nominee agreed,
//! celebrated as a win the whole program sees.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use serde::Deserialize;

use super::resources::browsable_program;
use super::{Layout, Notice};
use crate::auth::{Actor, CsrfForm, access};
use crate::domain::Visibility;
use crate::domain::opportunities::{self, KINDS, NominationStatus, Outcome, kind_label};
use crate::error::{AppError, AppResult, sentence};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::sharing::{NewNomination, NewOpportunity, NewWin, Nomination, Opportunity};
use crate::store::{NewEmail, Program, ProgramRole, StoreError};

pub fn routes() -> Routes {
    Routes::new()
        .get("/programs/{id}/opportunities", opportunities_page)
        .post("/programs/{id}/opportunities", post_opportunity)
        .post("/opportunities/{id}/nominations", nominate)
        .get("/nominations", my_nominations)
        .post("/nominations/{id}/respond", respond)
        .post("/nominations/{id}/outcome", record_outcome)
}

fn invalid(e: impl std::fmt::Display) -> String {
    sentence(&e.to_string())
}

/// The date in UTC at `now`: deadlines are days, and a day's difference in zone is harmless.
fn utc_date(now: i64) -> AppResult<Date> {
    let at = jiff::Timestamp::from_second(now).map_err(|e| AppError::Internal(e.into()))?;
    Ok(at.to_zoned(jiff::tz::TimeZone::UTC).date())
}

struct OpportunityView {
    id: i64,
    kind: &'static str,
    title: String,
    description: String,
    deadline: String,
    author_name: String,
}

impl OpportunityView {
    fn of(o: &Opportunity) -> OpportunityView {
        OpportunityView {
            id: o.id,
            kind: kind_label(&o.kind),
            title: o.title.clone(),
            description: o.description.clone(),
            deadline: o.deadline.clone(),
            author_name: o.author_name.clone(),
        }
    }
}

#[derive(Default, Deserialize)]
struct OpportunityForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    deadline: String,
}

#[derive(Default, Deserialize)]
struct NominateForm {
    #[serde(default)]
    nominee_id: String,
    #[serde(default)]
    statement: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "opportunities.html")]
struct OpportunitiesPage {
    layout: Layout,
    program: Program,
    upcoming: Vec<OpportunityView>,
    closed: Vec<OpportunityView>,
    kinds: Vec<(&'static str, &'static str)>,
    /// Who may be nominated: the program's participants, the actor excepted.
    people: Vec<(i64, String)>,
    can_post: bool,
    draft: OpportunityForm,
    /// The nomination form that failed, to show it again with what was typed.
    nominating: Option<(i64, NominateForm)>,
    error: Option<String>,
    today: String,
}

async fn render(
    state: &AppState,
    actor: &Actor,
    program: Program,
    notice: &Notice,
    draft: OpportunityForm,
    nominating: Option<(i64, NominateForm)>,
    error: Option<String>,
) -> AppResult<OpportunitiesPage> {
    let today = utc_date(state.now())?.to_string();
    let visible: Vec<Opportunity> = state
        .store
        .program_opportunities(program.id)
        .await?
        .into_iter()
        .filter(|o| access::can_see_item(actor, &o.audience()))
        .collect();
    // Soonest deadline first; those past at the end, most recent first.
    let upcoming = visible.iter().filter(|o| o.deadline >= today).map(OpportunityView::of).collect();
    let closed = visible.iter().rev().filter(|o| o.deadline < today).map(OpportunityView::of).collect();
    let can_post = access::can_share_with_program(actor, program.id);
    let people = if can_post {
        state
            .store
            .program_people(program.id)
            .await?
            .into_iter()
            .filter(|p| p.role == ProgramRole::Participant && p.user.id != actor.user.id)
            .map(|p| (p.user.id, p.user.profile.name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(OpportunitiesPage {
        layout: Layout::for_actor(actor).with_notice(notice),
        program,
        upcoming,
        closed,
        kinds: KINDS.to_vec(),
        people,
        can_post,
        draft,
        nominating,
        error,
        today,
    })
}

async fn opportunities_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
) -> AppResult<OpportunitiesPage> {
    let program = browsable_program(&state, &actor, id).await?;
    render(&state, &actor, program, &notice, OpportunityForm::default(), None, None).await
}

async fn post_opportunity(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<OpportunityForm>,
) -> AppResult<Response> {
    if !access::can_share_with_program(&actor, id) {
        return Err(AppError::NotFound);
    }
    let program = state.store.program(id).await?.ok_or(AppError::NotFound)?;
    let today = utc_date(state.now())?;
    let valid =
        match opportunities::validate_opportunity(&form.kind, &form.title, &form.description, &form.deadline, today) {
            Ok(valid) => valid,
            Err(e) => {
                let page = render(&state, &actor, program, &Notice::default(), form, None, Some(invalid(e))).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
        };
    let deadline = valid.deadline.to_string();
    let opportunity = NewOpportunity {
        program_id: program.id,
        author_id: actor.user.id,
        kind: &valid.kind,
        title: &valid.title,
        description: &valid.description,
        deadline: &deadline,
    };
    state.store.create_opportunity(&opportunity, state.now()).await?;
    Ok(Redirect::to(&format!("/programs/{}/opportunities?notice=created", program.id)).into_response())
}

async fn nominate(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<NominateForm>,
) -> AppResult<Response> {
    let opportunity = state.store.opportunity(id).await?.ok_or(AppError::NotFound)?;
    if !access::can_see_item(&actor, &opportunity.audience())
        || !access::can_share_with_program(&actor, opportunity.program_id)
    {
        return Err(AppError::NotFound);
    }
    let program = state.store.program(opportunity.program_id).await?.ok_or(AppError::NotFound)?;
    let nominee = match form.nominee_id.trim().parse::<i64>() {
        Ok(nominee_id) => state
            .store
            .program_people(program.id)
            .await?
            .into_iter()
            .find(|p| p.user.id == nominee_id && p.role == ProgramRole::Participant),
        Err(_) => None,
    };
    let checked = match nominee {
        None => Err("Choose the person you nominate from the list of people in this program.".to_string()),
        Some(p) if p.user.id == actor.user.id => {
            Err("You cannot nominate yourself: ask a peer who knows your work to nominate you, or apply directly."
                .to_string())
        }
        Some(p) => opportunities::validate_statement(&form.statement).map(|s| (p.user, s)).map_err(invalid),
    };
    let (nominee, statement) = match checked {
        Ok(ok) => ok,
        Err(message) => return nomination_refused(&state, &actor, program, opportunity.id, form, message).await,
    };
    // The statement stays out of the email: the outbox is readable by admins. The nominee
    // reads it on their nominations page.
    let email = NewEmail {
        recipient: nominee.profile.email.clone(),
        subject: format!("You are nominated: {}", opportunity.title),
        body: format!(
            "Dear {},\n\n{} nominated you for \"{}\" ({}, deadline {}) in {}.\n\n\
             Read what they wrote and accept or decline at {}/nominations\n",
            nominee.profile.name,
            actor.user.profile.name,
            opportunity.title,
            kind_label(&opportunity.kind).to_lowercase(),
            opportunity.deadline,
            program.name,
            state.settings.public_url()
        ),
    };
    let nomination = NewNomination {
        opportunity_id: opportunity.id,
        nominator_id: actor.user.id,
        nominee_id: nominee.id,
        statement: &statement,
    };
    match state.store.create_nomination(&nomination, &email, state.now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/programs/{}/opportunities?notice=added", program.id)).into_response()),
        Err(StoreError::Conflict(_)) => {
            let message = format!(
                "{} is already nominated for \"{}\": one nomination each is enough. Tell them you support it, \
                 or nominate someone else.",
                nominee.profile.name, opportunity.title
            );
            nomination_refused(&state, &actor, program, opportunity.id, form, message).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn nomination_refused(
    state: &AppState,
    actor: &Actor,
    program: Program,
    opportunity_id: i64,
    form: NominateForm,
    message: String,
) -> AppResult<Response> {
    let nominating = Some((opportunity_id, form));
    let page = render(state, actor, program, &Notice::default(), OpportunityForm::default(), nominating, Some(message))
        .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

struct NominationView {
    id: i64,
    opportunity: String,
    kind: &'static str,
    deadline: String,
    program_id: i64,
    nominator: String,
    nominee: String,
    statement: String,
    status: &'static str,
    pending: bool,
    consent: bool,
    outcome: &'static str,
    celebrated: bool,
    can_respond: bool,
    can_record: bool,
}

fn view(actor: &Actor, n: &Nomination) -> NominationView {
    let status = n.status;
    NominationView {
        id: n.id,
        opportunity: n.opportunity_title.clone(),
        kind: kind_label(&n.opportunity_kind),
        deadline: n.deadline.clone(),
        program_id: n.program_id,
        nominator: n.nominator_name.clone(),
        nominee: n.nominee_name.clone(),
        statement: n.statement.clone(),
        status: status.label(),
        pending: status == NominationStatus::Pending,
        consent: n.celebrate_consent,
        outcome: Outcome::label(&n.outcome),
        celebrated: n.win_id.is_some(),
        can_respond: access::can_respond_to_nomination(actor, n) && n.outcome.is_empty(),
        can_record: access::can_record_outcome(actor, n) && status == NominationStatus::Accepted && n.win_id.is_none(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "nominations.html")]
struct NominationsPage {
    layout: Layout,
    received: Vec<NominationView>,
    made: Vec<NominationView>,
    /// For coordinators: accepted nominations in their programs, to record outcomes.
    to_record: Vec<NominationView>,
}

async fn my_nominations(
    State(state): State<AppState>,
    actor: Actor,
    Query(notice): Query<Notice>,
) -> AppResult<NominationsPage> {
    let mine: Vec<Nomination> = state
        .store
        .user_nominations(actor.user.id)
        .await?
        .into_iter()
        .filter(|n| access::can_see_nomination(&actor, n))
        .collect();
    let received = mine.iter().filter(|n| n.nominee_id == actor.user.id).map(|n| view(&actor, n)).collect();
    let made = mine.iter().filter(|n| n.nominee_id != actor.user.id).map(|n| view(&actor, n)).collect();
    let mut to_record = Vec::new();
    for program_id in actor.coordinated_programs() {
        for n in state.store.program_nominations(program_id).await? {
            let own = n.nominee_id == actor.user.id || n.nominator_id == Some(actor.user.id);
            if !own && access::can_see_nomination(&actor, &n) {
                to_record.push(view(&actor, &n));
            }
        }
    }
    Ok(NominationsPage { layout: Layout::for_actor(&actor).with_notice(&notice), received, made, to_record })
}

/// A nomination this actor may see; anything else is a 404.
async fn visible_nomination(state: &AppState, actor: &Actor, id: i64) -> AppResult<Nomination> {
    let nomination = state.store.nomination(id).await?.ok_or(AppError::NotFound)?;
    if access::can_see_nomination(actor, &nomination) { Ok(nomination) } else { Err(AppError::NotFound) }
}

#[derive(Deserialize)]
struct RespondForm {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    celebrate: String,
}

async fn respond(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<RespondForm>,
) -> AppResult<Redirect> {
    let nomination = visible_nomination(&state, &actor, id).await?;
    if !access::can_respond_to_nomination(&actor, &nomination) {
        return Err(AppError::NotFound);
    }
    let status = NominationStatus::parse_response(&form.answer).map_err(|e| AppError::Invalid(invalid(e)))?;
    let consent = status == NominationStatus::Accepted && !form.celebrate.is_empty();
    if !state.store.respond_to_nomination(nomination.id, status.code(), consent).await? {
        return Err(AppError::Invalid(
            "The outcome of this nomination is already recorded, so the answer can no longer change.".into(),
        ));
    }
    Ok(Redirect::to("/nominations?notice=saved"))
}

#[derive(Deserialize)]
struct OutcomeForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    celebrate: String,
}

async fn record_outcome(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<OutcomeForm>,
) -> AppResult<Redirect> {
    let nomination = visible_nomination(&state, &actor, id).await?;
    if !access::can_record_outcome(&actor, &nomination) {
        return Err(AppError::NotFound);
    }
    if nomination.status != NominationStatus::Accepted {
        return Err(AppError::Invalid(
            "An outcome is recorded for an accepted nomination: accept it first (or leave it if you declined).".into(),
        ));
    }
    let outcome = Outcome::parse(&form.outcome).map_err(|e| AppError::Invalid(invalid(e)))?;
    let celebrate = !form.celebrate.is_empty();
    if celebrate && outcome != Outcome::Selected {
        return Err(AppError::Invalid("Only a selection is celebrated: choose selected, or untick celebrate.".into()));
    }
    // Celebrating tells the whole program: the nominee decides, when accepting or themselves now.
    let agreed = nomination.celebrate_consent || actor.user.id == nomination.nominee_id;
    if celebrate && !agreed {
        return Err(AppError::Invalid(format!(
            "{} has not agreed to celebrate this with the program: record the outcome without celebrating; \
             they can celebrate it themselves from their nominations page.",
            nomination.nominee_name
        )));
    }
    let group_id = state
        .store
        .memberships(nomination.nominee_id)
        .await?
        .groups
        .iter()
        .find(|(_, program, _)| *program == nomination.program_id)
        .map(|(group, _, _)| *group);
    let year = utc_date(state.now())?.year();
    let win = NewWin {
        user_id: nomination.nominee_id,
        program_id: nomination.program_id,
        group_id,
        kind: opportunities::win_kind(&nomination.opportunity_kind),
        title: &nomination.opportunity_title,
        year: Some(i64::from(year)),
        visibility: Visibility::Program,
    };
    let win = celebrate.then_some(&win);
    if !state.store.record_outcome(nomination.id, outcome.code(), win, state.now()).await? {
        return Err(AppError::Invalid(
            "This selection is already celebrated as a win: the outcome can no longer change.".into(),
        ));
    }
    Ok(Redirect::to("/nominations?notice=saved"))
}
