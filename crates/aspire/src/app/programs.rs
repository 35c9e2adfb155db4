//! A coordinator's program: its people (one by one or by roster import), their invitations,
//! and its groups.

use super::invitations::{self, invite_person};
use super::paging::Page;
use crate::auth::{Actor, access};
use crate::domain::Profile;
use crate::domain::roster::{self, RosterProblem, RosterRow};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::{AccessFilter, Headcount};
use crate::store::{GroupSummary, PersonCard, Program, ProgramPerson, ProgramRole, Round};

/// The program, if this actor may manage it; otherwise nothing at all (a 404).
pub async fn managed_program(state: &AppState, actor: &Actor, id: i64) -> AppResult<Program> {
    if !access::can_manage_program(actor, id) {
        return Err(AppError::NotFound);
    }
    state.store.program(id).await?.ok_or(AppError::NotFound)
}

/// The program's participants other than the actor: whom they may place in a group or nominate.
pub async fn other_participants(state: &AppState, actor: &Actor, program_id: i64) -> AppResult<Vec<ProgramPerson>> {
    Ok(state
        .store
        .program_people(program_id)
        .await?
        .into_iter()
        .filter(|p| p.role == ProgramRole::Participant && p.user.id != actor.user.id)
        .collect())
}

/// What a coordinator's program page shows.
pub struct Overview {
    pub program: Program,
    /// A page of the program's people whose access is `who`, in name order.
    pub people: Page<ProgramPerson<PersonCard>>,
    pub who: AccessFilter,
    pub headcount: Headcount,
    pub groups: Vec<GroupSummary>,
    pub rounds: Vec<Round>,
}

/// How many people a page of a program's people lists.
pub const PEOPLE_PER_PAGE: i64 = 100;

/// The program's page for a coordinator, with the page of its people (those `who` asks for)
/// after the person `after`.
pub async fn overview(
    state: &AppState,
    actor: &Actor,
    id: i64,
    who: AccessFilter,
    after: Option<i64>,
) -> AppResult<Overview> {
    let program = managed_program(state, actor, id).await?;
    let now = state.now();
    let people = state.store.program_people_page(program.id, who, now, after, PEOPLE_PER_PAGE + 1).await?;
    Ok(Overview {
        people: Page::from_rows(people, PEOPLE_PER_PAGE, |p| p.user.id),
        who,
        headcount: state.store.program_headcount(program.id, now).await?,
        groups: state.store.program_groups(program.id).await?,
        rounds: state.store.program_rounds(program.id).await?,
        program,
    })
}

/// Adds people to the program as participants, all at once: new accounts for new emails, the
/// given fields filled in for existing ones.
pub async fn import_people(state: &AppState, actor: &Actor, program_id: i64, rows: &[RosterRow]) -> AppResult<()> {
    let program = managed_program(state, actor, program_id).await?;
    let people: Vec<Profile> = rows.iter().map(|r| r.profile.clone()).collect();
    state.store.import_roster(program.id, &people, state.now()).await?;
    // Identity answers a roster carries fill in only what people have not answered themselves.
    let questions = state.store.identity_questions(&[program.id]).await?;
    let answers: Vec<(String, i64, String)> = rows
        .iter()
        .flat_map(|r| {
            r.extra.iter().filter_map(|(key, value)| {
                let question = questions.iter().find(|q| q.key == *key)?;
                Some((r.profile.email.clone(), question.id, question.check_answer(value).ok()??))
            })
        })
        .collect();
    state.store.fill_identity_answers(&answers, state.now()).await?;
    let subject = format!("{} people to program {}", people.len(), program.id);
    state.store.audit(Some(actor.user.id), "roster imported", &subject, state.now()).await?;
    Ok(())
}

/// Reads a roster for the program: the profile's columns and the program's identity questions
/// (answers checked against their choices), every problem with its line.
pub async fn read_roster(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
    bytes: &[u8],
) -> AppResult<Result<Vec<RosterRow>, Vec<RosterProblem>>> {
    let program = managed_program(state, actor, program_id).await?;
    let questions = state.store.identity_questions(&[program.id]).await?;
    let keys: Vec<&str> = questions.iter().map(|q| q.key.as_str()).collect();
    let rows = match roster::parse_roster(bytes, &keys) {
        Ok(rows) => rows,
        Err(problems) => return Ok(Err(problems)),
    };
    let mut problems = Vec::new();
    for row in &rows {
        for (key, value) in &row.extra {
            if let Some(Err(message)) = questions.iter().find(|q| q.key == *key).map(|q| q.check_answer(value)) {
                problems.push(RosterProblem { line: row.line, message });
            }
        }
    }
    Ok(if problems.is_empty() { Ok(rows) } else { Err(problems) })
}

/// What importing a row will do, as far as it concerns this program: whether the email has an
/// account elsewhere is never said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowEffect {
    /// Not in the program yet: added to it.
    Joins,
    /// In the program, never signed in: the roster's fields replace theirs.
    Updates,
    /// In the program with an account in use: added as they are, profile kept.
    Kept,
}

/// Each row of a checked roster with what importing it will do. Writes nothing.
pub async fn preview_roster(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
    rows: Vec<RosterRow>,
) -> AppResult<Vec<(RosterRow, RowEffect)>> {
    let program = managed_program(state, actor, program_id).await?;
    let mut preview = Vec::with_capacity(rows.len());
    for row in rows {
        let effect = match state.store.user_by_email(&row.profile.email).await? {
            None => RowEffect::Joins,
            Some(user) => {
                let programs = state.store.memberships(user.id).await?.programs;
                if !programs.iter().any(|(p, _)| *p == program.id) {
                    RowEffect::Joins
                } else if user.password_hash.is_some() || programs.iter().any(|(p, _)| *p != program.id) {
                    RowEffect::Kept
                } else {
                    RowEffect::Updates
                }
            }
        };
        preview.push((row, effect));
    }
    Ok(preview)
}

/// Emails a person of the program a link to set their password.
pub async fn invite(state: &AppState, actor: &Actor, program_id: i64, user_id: i64) -> AppResult<()> {
    let program = managed_program(state, actor, program_id).await?;
    let enrolled = state.store.memberships(user_id).await?.programs.iter().any(|(p, _)| *p == program.id);
    let user = state.store.user(user_id).await?.filter(|_| enrolled).ok_or(AppError::NotFound)?;
    invite_person(state, &actor.user, &program, &user).await
}

/// One of the program's people as the people list shows them.
pub async fn person(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
    user_id: i64,
) -> AppResult<ProgramPerson<PersonCard>> {
    let program = managed_program(state, actor, program_id).await?;
    state.store.program_person(program.id, user_id, state.now()).await?.ok_or(AppError::NotFound)
}

/// Invites everyone in the program who has never signed in and holds no invitation that still
/// works; returns how many.
pub async fn invite_everyone(state: &AppState, actor: &Actor, program_id: i64) -> AppResult<usize> {
    let program = managed_program(state, actor, program_id).await?;
    invitations::invite_everyone_not_invited(state, &actor.user, &program).await
}

/// How many of the program's people still need an invitation (for the round page's offer).
pub async fn not_invited(state: &AppState, program_id: i64) -> AppResult<i64> {
    Ok(state.store.program_headcount(program_id, state.now()).await?.not_invited)
}

/// A new, empty group in the program; returns its id.
pub async fn create_group(state: &AppState, actor: &Actor, program_id: i64, name: &str) -> AppResult<i64> {
    let program = managed_program(state, actor, program_id).await?;
    Ok(state.store.create_group(program.id, group_name(name)?, state.now()).await?)
}

/// A group's name as typed, trimmed, or what is wrong with it.
pub fn group_name(name: &str) -> AppResult<&str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::Invalid(
            "A group needs a name of 1 to 80 characters, like \"Group A\" or \"Tuesday writers\".".into(),
        ));
    }
    Ok(name)
}
