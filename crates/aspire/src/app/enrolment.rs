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
    if actor.coordinates(round.program_id) {
        return Err(AppError::Invalid(
            "You coordinate this program, and coordinators are never placed in its groups: this link is for its \
             participants."
                .into(),
        ));
    }
    state.store.add_program_member(round.program_id, actor.user.id, ProgramRole::Participant).await?;
    state.store.add_round_people(round.id, &[actor.user.id], state.now()).await?;
    let subject = format!("user {} in round {}", actor.user.id, round.id);
    state.store.audit(Some(actor.user.id), "enrolled", &subject, state.now()).await?;
    Ok(())
}

/// Newcomers one client address may enrol through links in an hour, and one link may take.
const ENROLMENTS_PER_ADDRESS_PER_HOUR: i64 = 5;
const ENROLMENTS_PER_LINK_PER_HOUR: i64 = 60;

/// Enrols a newcomer with a validated profile; returns their new account, which gets an
/// invitation to set a password. They count in the round once they have confirmed their email
/// that way. An email that already has an account is never enrolled from this anonymous form
/// (anyone could type it): its owner signs in and enrols themselves. `address` is the client's,
/// for the rate limit.
pub async fn enrol_newcomer(state: &AppState, token: &str, profile: &Profile, address: &str) -> AppResult<User> {
    let (round, _) = live_round(state, token).await?;
    let (by_link, from_address) = state.store.recent_enrolments(round.id, address, state.now() - 3600).await?;
    if from_address >= ENROLMENTS_PER_ADDRESS_PER_HOUR || by_link >= ENROLMENTS_PER_LINK_PER_HOUR {
        return Err(AppError::Busy(
            "Many people have just enrolled through this link or from this network: try again in an hour, or ask \
             your coordinator to add you."
                .into(),
        ));
    }
    // What forming groups needs, checked here as well as by the browser.
    if profile.department.trim().is_empty() || profile.career_stage.is_empty() {
        return Err(AppError::Invalid(
            "Give your department and your career stage: groups are formed from them.".into(),
        ));
    }
    if state.store.user_by_email(&profile.email).await?.is_some() {
        return Err(AppError::Invalid(format!(
            "{} already has an account: sign in, then open this link again to enrol. If you have never signed \
             in, use the invitation email from your coordinator, or ask them for a new one.",
            profile.email
        )));
    }
    // Who the invitation comes from, known before anything is written.
    let program = state.store.program(round.program_id).await?.ok_or(AppError::NotFound)?;
    let inviter = state.store.user(round_owner(state, round.program_id).await?).await?.ok_or(AppError::NotFound)?;
    let now = state.now();
    let id = state.store.create_user(profile, None, false, now).await?;
    let user = state.store.user(id).await?.ok_or(AppError::NotFound)?;
    state.store.add_program_member(round.program_id, user.id, ProgramRole::Participant).await?;
    state.store.add_pending_enrolment(user.id, round.id, address, now).await?;
    state.store.audit(None, "enrolled by link", &format!("user {} in round {}", user.id, round.id), now).await?;
    invite_person(state, &inviter, &program, &user).await?;
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
