//! Promote and amplify each other: anyone in a program posts an opportunity (a talk, an award,
//! a committee, a grant call) with a deadline; people nominate a peer with a short statement;
//! the nominee accepts or declines; the outcome is recorded and, if the nominee agreed,
//! celebrated as a win the whole program sees.

use super::pager::{PageQuery, Pager};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, Notice};
use crate::app::opportunities::{self, Board, NewPosting, utc_date};
use crate::app::resources::browsable_program;
use crate::auth::{Actor, CsrfForm, access};
use crate::domain::opportunities::{KINDS, NominationStatus, Outcome, kind_label};
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::Program;
use crate::store::sharing::{Nomination, Opportunity};

pub fn routes() -> Routes {
    Routes::new()
        .get("/programs/{id}/opportunities", opportunities_page)
        .post("/programs/{id}/opportunities", post_opportunity)
        .post("/opportunities/{id}/nominations", nominate)
        .get("/nominations", my_nominations)
        .post("/nominations/{id}/respond", respond)
        .post("/nominations/{id}/outcome", record_outcome)
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
    pager: Pager,
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

/// What a refused form showed again: what was typed and why it was refused.
#[derive(Default)]
struct Refused {
    draft: OpportunityForm,
    nominating: Option<(i64, NominateForm)>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    actor: &Actor,
    program: Program,
    notice: &Notice,
    asked: &PageQuery,
    Refused { draft, nominating, error }: Refused,
) -> AppResult<OpportunitiesPage> {
    let today = utc_date(state.now())?.to_string();
    let Board { program: _, open, closed, can_post, nominees: people } =
        opportunities::board(state, actor, program.id, &today, asked.after).await?;
    let pager = Pager::in_order(format!("/programs/{}/opportunities", program.id), open.next, asked);
    let upcoming = open.items.iter().map(OpportunityView::of).collect();
    let closed = closed.iter().map(OpportunityView::of).collect();
    Ok(OpportunitiesPage {
        layout: Layout::for_actor(actor).with_notice(notice),
        program,
        upcoming,
        closed,
        pager,
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
    Query(asked): Query<PageQuery>,
) -> AppResult<OpportunitiesPage> {
    let program = browsable_program(&state, &actor, id).await?;
    render(&state, &actor, program, &notice, &asked, Refused::default()).await
}

async fn post_opportunity(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<OpportunityForm>,
) -> AppResult<Response> {
    let input =
        NewPosting { kind: &form.kind, title: &form.title, description: &form.description, deadline: &form.deadline };
    match opportunities::post_opportunity(&state, &actor, id, &input).await {
        Err(AppError::Invalid(message)) => {
            let program = browsable_program(&state, &actor, id).await?;
            let refused = Refused { draft: form, error: Some(message), ..Refused::default() };
            let page = render(&state, &actor, program, &Notice::default(), &PageQuery::default(), refused).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        posted => {
            posted.map(|()| Redirect::to(&format!("/programs/{id}/opportunities?notice=created")).into_response())
        }
    }
}

async fn nominate(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<NominateForm>,
) -> AppResult<Response> {
    match opportunities::nominate(&state, &actor, id, &form.nominee_id, &form.statement).await {
        Err(AppError::Invalid(message)) => {
            let (opportunity, program) = opportunities::nominable(&state, &actor, id).await?;
            nomination_refused(&state, &actor, program, opportunity.id, form, message).await
        }
        nominated => nominated.map(|program_id| {
            Redirect::to(&format!("/programs/{program_id}/opportunities?notice=added")).into_response()
        }),
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
    let refused = Refused { nominating, error: Some(message), ..Refused::default() };
    let page = render(state, actor, program, &Notice::default(), &PageQuery::default(), refused).await?;
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
    let (mine, others) = opportunities::nominations(&state, &actor).await?;
    let received = mine.iter().filter(|n| n.nominee_id == actor.user.id).map(|n| view(&actor, n)).collect();
    let made = mine.iter().filter(|n| n.nominee_id != actor.user.id).map(|n| view(&actor, n)).collect();
    let to_record = others.iter().map(|n| view(&actor, n)).collect();
    Ok(NominationsPage { layout: Layout::for_actor(&actor).with_notice(&notice), received, made, to_record })
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
    opportunities::respond(&state, &actor, id, &form.answer, !form.celebrate.is_empty()).await?;
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
    opportunities::record_outcome(&state, &actor, id, &form.outcome, !form.celebrate.is_empty()).await?;
    Ok(Redirect::to("/nominations?notice=saved"))
}
