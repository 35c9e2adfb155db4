//! What an administrator does: create programs, name their coordinators, and look at the
//! outbox and the audit log.

use super::invitations::invite_person;
use super::paging::{self, Page};
use crate::auth::{Actor, access};
use crate::domain::Profile;
use crate::error::{AppError, AppResult};
use crate::notify::emails::{Email, RoleGranted};
use crate::state::AppState;
use crate::store::community::AuditEntry;
use crate::store::{LogFilter, OutboxMessage, Program, ProgramPerson, ProgramRole};

fn require_admin(actor: &Actor) -> AppResult<()> {
    if access::can_administer(actor) { Ok(()) } else { Err(AppError::NotFound) }
}

/// Every program with its people.
pub async fn programs(state: &AppState, actor: &Actor) -> AppResult<Vec<(Program, Vec<ProgramPerson>)>> {
    require_admin(actor)?;
    let mut programs = Vec::new();
    for program in state.store.list_programs().await? {
        let people = state.store.program_people(program.id).await?;
        programs.push((program, people));
    }
    Ok(programs)
}

pub async fn create_program(state: &AppState, actor: &Actor, name: &str, description: &str) -> AppResult<()> {
    require_admin(actor)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(AppError::Invalid(
            "A program needs a name of 1 to 120 characters, like \"KL2 Scholars 2027\".".into(),
        ));
    }
    state.store.create_program(name, description.trim(), state.now()).await?;
    Ok(())
}

/// What naming a coordinator did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoordinatorAdded {
    /// They had no password yet, so an invitation is on its way.
    Invited,
    /// They already had an account.
    Added,
}

/// Makes the person with this email (a new account if there is none) a coordinator of the program.
pub async fn add_coordinator(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
    email: String,
    name: String,
) -> AppResult<CoordinatorAdded> {
    require_admin(actor)?;
    let program = state.store.program(program_id).await?.ok_or(AppError::NotFound)?;
    let profile = Profile { email, name, ..Profile::default() }
        .validate()
        .map_err(|e| AppError::Invalid(format!("The coordinator could not be added: {e}.")))?;
    let user = match state.store.user_by_email(&profile.email).await? {
        Some(user) => user,
        None => {
            let id = state.store.create_user(&profile, None, false, state.now()).await?;
            state.store.user(id).await?.ok_or(AppError::NotFound)?
        }
    };
    let people = state.store.program_people(program.id).await?;
    match people.iter().find(|p| p.user.id == user.id).map(|p| p.role) {
        Some(ProgramRole::Coordinator) => return Ok(CoordinatorAdded::Added),
        Some(ProgramRole::Participant) => {
            return Err(AppError::Invalid(format!(
                "{} is a participant of {}: a participant's groups are a safe space their coordinators stay out \
                 of, so someone who coordinates a program is not also one of its participants.",
                user.profile.name, program.name
            )));
        }
        None => {}
    }
    state.store.add_program_member(program.id, user.id, ProgramRole::Coordinator).await?;
    // The grant is audited and told to the person and to the program's other coordinators.
    let now = state.now();
    let subject = format!("user {} coordinator of program {}", user.id, program.id);
    state.store.audit(Some(actor.user.id), "role granted", &subject, now).await?;
    let others = people.iter().filter(|p| p.role == ProgramRole::Coordinator).map(|p| &p.user);
    for recipient in std::iter::once(&user).chain(others) {
        let person = if recipient.id == user.id { "you" } else { user.profile.name.as_str() };
        let email = RoleGranted {
            name: &recipient.profile.name,
            person,
            actor: &actor.user.profile.name,
            program: &program.name,
        }
        .to(&recipient.profile.email)
        .map_err(|e| AppError::Internal(e.into()))?;
        state.store.enqueue_email(&email, now).await?;
    }
    if user.password_hash.is_none() {
        invite_person(state, &actor.user, &program, &user).await?;
        return Ok(CoordinatorAdded::Invited);
    }
    Ok(CoordinatorAdded::Added)
}

/// How many outbox messages or audit entries a page shows.
pub const PAGE: i64 = 100;

/// A page of the outbox, newest first, below the message `before` (the newest page for none),
/// and where the next older page starts, if there is one.
pub async fn outbox(
    state: &AppState,
    actor: &Actor,
    filter: &LogFilter,
    before: Option<i64>,
) -> AppResult<Page<OutboxMessage>> {
    require_admin(actor)?;
    if !["", "waiting", "sent", "failing"].contains(&filter.kind.as_str()) {
        return Err(AppError::BadRequest(format!(
            "'{}' is not a state of an email: choose waiting, sent or failing.",
            filter.kind
        )));
    }
    let rows = state.store.outbox_page(filter, paging::below(before), PAGE + 1).await?;
    Ok(Page::from_rows(rows, PAGE, |m| m.id))
}

/// A page of the audit log: who did what, never what was said. Paged as the outbox is.
pub async fn audit_log(
    state: &AppState,
    actor: &Actor,
    filter: &LogFilter,
    before: Option<i64>,
) -> AppResult<Page<AuditEntry>> {
    require_admin(actor)?;
    let rows = state.store.audit_page(filter, paging::below(before), PAGE + 1).await?;
    Ok(Page::from_rows(rows, PAGE, |e| e.id))
}
