//! Promote and amplify each other: anyone in a program posts an opportunity (a talk, an award,
//! a committee, a grant call) with a deadline; people nominate a peer with a short statement;
//! the nominee accepts or declines; the outcome is recorded and, if the nominee agreed,
//! celebrated as a win the whole program sees.

use jiff::civil::Date;

use super::paging::Page;
use super::resources::browsable_program;
use crate::auth::{Actor, access};
use crate::domain::Visibility;
use crate::domain::opportunities::{self, NominationStatus, Outcome, kind_label};
use crate::error::{AppError, AppResult, sentence};
use crate::notify::emails::{Email, Nomination as NominationEmail};
use crate::state::AppState;
use crate::store::sharing::{NewNomination, NewOpportunity, NewWin, Nomination, Opportunity};
use crate::store::{Program, ProgramRole, StoreError};

fn invalid(e: impl std::fmt::Display) -> AppError {
    AppError::Invalid(sentence(&e.to_string()))
}

/// The date in UTC at `now`: deadlines are days, and a day's difference in zone is harmless.
pub fn utc_date(now: i64) -> AppResult<Date> {
    let at = jiff::Timestamp::from_second(now).map_err(|e| AppError::Internal(e.into()))?;
    Ok(at.to_zoned(jiff::tz::TimeZone::UTC).date())
}

/// What the opportunities page of a program shows the actor.
pub struct Board {
    pub program: Program,
    /// A page of the open opportunities the actor may see, soonest deadline first.
    pub open: Page<Opportunity>,
    /// The ones closed most recently, latest first.
    pub closed: Vec<Opportunity>,
    /// Whether the actor may post and nominate (people of the program do; coordinators look).
    pub can_post: bool,
    /// Who the actor may nominate: the program's participants but themselves.
    pub nominees: Vec<(i64, String)>,
}

/// How many open opportunities a page of the board shows, and how many closed ones it recalls.
pub const OPEN_PER_PAGE: i64 = 20;
pub const CLOSED_SHOWN: i64 = 10;

/// The board: a page of open opportunities (deadline `today` or later), soonest first, after
/// the opportunity `after`; the ones closed most recently; and whom the actor may nominate.
pub async fn board(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
    today: &str,
    after: Option<i64>,
) -> AppResult<Board> {
    let program = browsable_program(state, actor, program_id).await?;
    let rows = state.store.program_opportunities_page(program.id, today, after, OPEN_PER_PAGE + 1).await?;
    let open = Page::from_rows(rows, OPEN_PER_PAGE, |o| o.id).filter(|o| access::can_see_item(actor, &o.audience()));
    let closed = state
        .store
        .recently_closed_opportunities(program.id, today, CLOSED_SHOWN)
        .await?
        .into_iter()
        .filter(|o| access::can_see_item(actor, &o.audience()))
        .collect();
    let can_post = access::can_share_with_program(actor, program.id);
    let nominees = if can_post {
        let people = super::programs::other_participants(state, actor, program.id).await?;
        let rows: Vec<(i64, &str, &str, &str)> = people
            .iter()
            .map(|p| {
                (
                    p.user.id,
                    p.user.profile.name.as_str(),
                    p.user.profile.department.as_str(),
                    p.user.profile.email.as_str(),
                )
            })
            .collect();
        crate::domain::profile::names_told_apart(&rows)
    } else {
        Vec::new()
    };
    Ok(Board { program, open, closed, can_post, nominees })
}

/// An opportunity as typed.
pub struct NewPosting<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub deadline: &'a str,
}

pub async fn post_opportunity(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
    input: &NewPosting<'_>,
) -> AppResult<()> {
    if !access::can_share_with_program(actor, program_id) {
        return Err(AppError::NotFound);
    }
    let program = state.store.program(program_id).await?.ok_or(AppError::NotFound)?;
    let today = utc_date(state.now())?;
    let valid = opportunities::validate_opportunity(input.kind, input.title, input.description, input.deadline, today)
        .map_err(invalid)?;
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
    Ok(())
}

/// An opportunity the actor may nominate for, with its program.
pub async fn nominable(state: &AppState, actor: &Actor, opportunity_id: i64) -> AppResult<(Opportunity, Program)> {
    let opportunity = state.store.opportunity(opportunity_id).await?.ok_or(AppError::NotFound)?;
    if !access::can_see_item(actor, &opportunity.audience())
        || !access::can_share_with_program(actor, opportunity.program_id)
    {
        return Err(AppError::NotFound);
    }
    let program = state.store.program(opportunity.program_id).await?.ok_or(AppError::NotFound)?;
    Ok((opportunity, program))
}

/// Nominates a peer of the program and emails them; returns the program's id. A bad choice or
/// statement, or a second nomination of the same person, is `AppError::Invalid`.
pub async fn nominate(
    state: &AppState,
    actor: &Actor,
    opportunity_id: i64,
    nominee_id: &str,
    statement: &str,
) -> AppResult<i64> {
    let (opportunity, program) = nominable(state, actor, opportunity_id).await?;
    let nominee = match nominee_id.trim().parse::<i64>() {
        Ok(nominee_id) => state
            .store
            .program_people(program.id)
            .await?
            .into_iter()
            .find(|p| p.user.id == nominee_id && p.role == ProgramRole::Participant),
        Err(_) => None,
    };
    let nominee = match nominee {
        None => {
            return Err(AppError::Invalid(
                "Choose the person you nominate from the list of people in this program.".into(),
            ));
        }
        Some(p) if p.user.id == actor.user.id => {
            return Err(AppError::Invalid(
                "You cannot nominate yourself: ask a peer who knows your work to nominate you, or apply directly."
                    .into(),
            ));
        }
        Some(p) => p.user,
    };
    let statement = opportunities::validate_statement(statement).map_err(invalid)?;
    // The statement stays out of the email: the outbox is readable by admins. The nominee
    // reads it on their nominations page.
    let email = NominationEmail {
        nominee: &nominee.profile.name,
        nominator: &actor.user.profile.name,
        opportunity: &opportunity.title,
        kind: kind_label(&opportunity.kind).to_lowercase(),
        deadline: &opportunity.deadline,
        program: &program.name,
        link: format!("{}/nominations", state.settings.public_url()),
    }
    .to(&nominee.profile.email)
    .map_err(|e| AppError::Internal(e.into()))?;
    let nomination = NewNomination {
        opportunity_id: opportunity.id,
        nominator_id: actor.user.id,
        nominee_id: nominee.id,
        statement: &statement,
    };
    match state.store.create_nomination(&nomination, &email, state.now()).await {
        Ok(_) => Ok(program.id),
        Err(StoreError::Conflict(_)) => Err(AppError::Invalid(format!(
            "{} is already nominated for \"{}\": one nomination each is enough. Tell them you support it, \
             or nominate someone else.",
            nominee.profile.name, opportunity.title
        ))),
        Err(e) => Err(e.into()),
    }
}

/// The nominations the actor sees: their own (received and made), then, for a coordinator,
/// the others in their programs, to record outcomes.
pub async fn nominations(state: &AppState, actor: &Actor) -> AppResult<(Vec<Nomination>, Vec<Nomination>)> {
    let mine: Vec<Nomination> = state
        .store
        .user_nominations(actor.user.id)
        .await?
        .into_iter()
        .filter(|n| access::can_see_nomination(actor, n))
        .collect();
    let mut to_record = Vec::new();
    for program_id in actor.coordinated_programs() {
        for n in state.store.program_nominations(program_id).await? {
            let own = n.nominee_id == actor.user.id || n.nominator_id == Some(actor.user.id);
            if !own && access::can_see_nomination(actor, &n) {
                to_record.push(n);
            }
        }
    }
    Ok((mine, to_record))
}

/// A nomination this actor may see; anything else is a 404.
async fn visible_nomination(state: &AppState, actor: &Actor, id: i64) -> AppResult<Nomination> {
    let nomination = state.store.nomination(id).await?.ok_or(AppError::NotFound)?;
    if access::can_see_nomination(actor, &nomination) { Ok(nomination) } else { Err(AppError::NotFound) }
}

/// The nominee accepts or declines; accepting may agree to a program-wide celebration.
pub async fn respond(state: &AppState, actor: &Actor, id: i64, answer: &str, celebrate: bool) -> AppResult<()> {
    let nomination = visible_nomination(state, actor, id).await?;
    if !access::can_respond_to_nomination(actor, &nomination) {
        return Err(AppError::NotFound);
    }
    let status = NominationStatus::parse_response(answer).map_err(invalid)?;
    let consent = status == NominationStatus::Accepted && celebrate;
    if !state.store.respond_to_nomination(nomination.id, status.code(), consent).await? {
        return Err(AppError::Invalid(
            "The outcome of this nomination is already recorded, so the answer can no longer change.".into(),
        ));
    }
    Ok(())
}

/// Records what came of an accepted nomination and, for a selection the nominee agreed to
/// celebrate, a win the whole program sees.
pub async fn record_outcome(state: &AppState, actor: &Actor, id: i64, outcome: &str, celebrate: bool) -> AppResult<()> {
    let nomination = visible_nomination(state, actor, id).await?;
    if !access::can_record_outcome(actor, &nomination) {
        return Err(AppError::NotFound);
    }
    if nomination.status != NominationStatus::Accepted {
        return Err(AppError::Invalid(
            "An outcome is recorded for an accepted nomination: accept it first (or leave it if you declined).".into(),
        ));
    }
    let outcome = Outcome::parse(outcome).map_err(invalid)?;
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
        .find(|s| s.program_id == nomination.program_id)
        .map(|s| s.group_id);
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
    Ok(())
}
