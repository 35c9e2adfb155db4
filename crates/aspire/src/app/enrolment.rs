//! Enrolment through a round's shared link: the signed-in person as they are, or a newcomer
//! with the profile they typed and an invitation to set a password.

use super::invitations::invite_person;
use crate::auth::Actor;
use crate::domain::Profile;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::{ProgramRole, Round, User};

/// The round behind an enrolment link and its program's name, while it still takes people.
pub async fn live_round(state: &AppState, token: &str) -> AppResult<(Round, String)> {
    let round = state.store.round_by_enrol_token(token).await?.ok_or(AppError::NotFound)?;
    if round.published_draft_id.is_some() {
        return Err(AppError::Invalid(
            "This round's groups are already formed, so it takes no more enrolments. Ask your coordinator.".into(),
        ));
    }
    let program = state.store.program(round.program_id).await?.ok_or(AppError::NotFound)?;
    Ok((round, program.name))
}

/// Enrols the signed-in person in the round (and its program) as they are.
pub async fn enrol_self(state: &AppState, actor: &Actor, token: &str) -> AppResult<()> {
    let (round, _) = live_round(state, token).await?;
    state.store.add_program_member(round.program_id, actor.user.id, ProgramRole::Participant).await?;
    state.store.add_round_people(round.id, &[actor.user.id], state.now()).await?;
    Ok(())
}

/// Enrols a newcomer with a validated profile; returns their account. An existing account is
/// never changed from this anonymous form; one without a password gets an invitation.
pub async fn enrol_newcomer(state: &AppState, token: &str, profile: &Profile) -> AppResult<User> {
    let (round, _) = live_round(state, token).await?;
    let now = state.now();
    let user = match state.store.user_by_email(&profile.email).await? {
        Some(existing) => existing,
        None => {
            let id = state.store.create_user(profile, None, false, now).await?;
            state.store.user(id).await?.ok_or(AppError::NotFound)?
        }
    };
    state.store.add_program_member(round.program_id, user.id, ProgramRole::Participant).await?;
    state.store.add_round_people(round.id, &[user.id], now).await?;
    if user.password_hash.is_none() {
        let program = state.store.program(round.program_id).await?.ok_or(AppError::NotFound)?;
        let inviter = state.store.user(round_owner(state, round.program_id).await?).await?.ok_or(AppError::NotFound)?;
        invite_person(state, &inviter, &program, &user).await?;
    }
    Ok(user)
}

/// The coordinator invitations from an enrolment are sent in the name of.
async fn round_owner(state: &AppState, program_id: i64) -> AppResult<i64> {
    state
        .store
        .program_people(program_id)
        .await?
        .into_iter()
        .find(|p| p.role == ProgramRole::Coordinator)
        .map(|p| p.user.id)
        .ok_or_else(|| AppError::Invalid("This program has no coordinator yet; ask your program office.".into()))
}
