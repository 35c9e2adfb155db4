//! Invitations: a one-time link, valid for a week, that lets a person set their password.

use crate::auth::password;
use crate::auth::token::{hash_token, new_token};
use crate::error::{AppError, AppResult};
use crate::notify::emails::{Email, Invitation as InvitationEmail};
use crate::state::AppState;
use crate::store::{AccessFilter, Invitation, Program, ProgramPerson, User};

pub const SPENT_LINK: &str = "This invitation link has already been used or has expired. If you have set your password, sign in; otherwise ask your coordinator for a new invitation.";

/// Makes a new invitation link for `user` (their earlier ones stop working) and puts the email
/// that carries it in the outbox. Only for an account that has never set a password: a link
/// that set the password of an account in use would hand it to whoever reads the link.
pub async fn invite_person(state: &AppState, inviter: &User, program: &Program, user: &User) -> AppResult<()> {
    if user.password_hash.is_some() {
        return Err(AppError::Invalid(format!(
            "{} has already set a password, so they sign in with it; an invitation is only for someone who has \
             never signed in.",
            user.profile.name
        )));
    }
    let now = state.now();
    let (invitation, link) = new_invitation(state, inviter, program, user);
    let email = InvitationEmail {
        name: &user.profile.name,
        inviter: &inviter.profile.name,
        program: &program.name,
        days: state.settings.invitation_days,
        link,
        sign_in_with: (!state.settings.password_sign_in).then_some(state.settings.sso_name.as_str()),
    }
    .to(&user.profile.email)
    .map_err(|e| AppError::Internal(e.into()))?;
    state.store.create_invitation(&invitation).await?;
    state.store.enqueue_email(&email, now).await?;
    let subject = format!("user {} to program {}", user.id, program.id);
    state.store.audit(Some(inviter.id), "invitation sent", &subject, now).await?;
    Ok(())
}

/// A new invitation for `user` to `program` and the link that redeems it; storing it is the
/// caller's (it ends the person's earlier invitations).
pub fn new_invitation(state: &AppState, inviter: &User, program: &Program, user: &User) -> (Invitation, String) {
    let token = new_token();
    let now = state.now();
    let invitation = Invitation {
        token_hash: hash_token(&token),
        user_id: user.id,
        program_id: program.id,
        created_by: inviter.id,
        created_at: now,
        expires_at: now + state.settings.invitation_days * 86_400,
        used_at: None,
    };
    (invitation, format!("{}/invite/{token}", state.settings.public_url()))
}

/// Invites everyone in the program who has never signed in and holds no invitation that still
/// works; returns how many were invited.
pub async fn invite_everyone_not_invited(state: &AppState, inviter: &User, program: &Program) -> AppResult<usize> {
    let people: Vec<ProgramPerson> =
        state.store.program_people_page(program.id, AccessFilter::NotInvited, state.now(), None, i64::MAX).await?;
    for person in &people {
        invite_person(state, inviter, program, &person.user).await?;
    }
    Ok(people.len())
}

/// The invitation behind `token` with its person and program, if the link is still good;
/// otherwise `AppError::Gone`.
pub async fn live(state: &AppState, token: &str) -> AppResult<(Invitation, User, Program)> {
    let spent = || AppError::Gone(SPENT_LINK.into());
    let invitation = state.store.invitation(&hash_token(token)).await?.ok_or_else(spent)?;
    if invitation.used_at.is_some() || invitation.expires_at <= state.now() {
        return Err(spent());
    }
    // An account whose password is set is signed in to, never taken over by a link.
    let user = state.store.user(invitation.user_id).await?.filter(|u| u.password_hash.is_none()).ok_or_else(spent)?;
    let program = state.store.program(invitation.program_id).await?.ok_or_else(spent)?;
    Ok((invitation, user, program))
}

/// A new password typed twice the same and strong enough; otherwise `AppError::Invalid` saying
/// what to do. For every form that sets a password by link.
pub fn check_new_password(new_password: &str, confirm: &str) -> AppResult<()> {
    if new_password != confirm {
        return Err(AppError::Invalid("The two passwords differ: type the same password twice.".into()));
    }
    password::check_strength(new_password).map_err(|e| {
        AppError::Invalid(format!("{} (a short sentence works well).", e.to_string().trim_end_matches('.')))
    })
}

/// Sets the invited person's password; returns who they are. A password that is too weak or
/// not typed twice the same is `AppError::Invalid`.
pub async fn accept(state: &AppState, token: &str, new_password: String, confirm: &str) -> AppResult<User> {
    let (invitation, user, _) = live(state, token).await?;
    passwords_in_use(state)?;
    check_new_password(&new_password, confirm)?;
    let hash = password::hash(new_password).await.map_err(|e| AppError::Internal(e.into()))?;
    // Redeeming is atomic: of two submissions of the same link, one wins.
    if !state.store.redeem_invitation(&invitation.token_hash, state.now()).await? {
        return Err(AppError::Gone(SPENT_LINK.into()));
    }
    state.store.set_password_by_link(user.id, &hash, "by invitation", state.now()).await?;
    // Their email is confirmed now: enrolments through a round's link count from here on.
    for round in state.store.confirm_enrolments(user.id, state.now()).await? {
        let subject = format!("user {} in round {round}", user.id);
        state.store.audit(Some(user.id), "enrolment confirmed", &subject, state.now()).await?;
    }
    Ok(user)
}

/// Refuses to set a password where people sign in only through single sign-on.
pub fn passwords_in_use(state: &AppState) -> AppResult<()> {
    if state.settings.password_sign_in {
        Ok(())
    } else {
        Err(AppError::Invalid(format!(
            "Passwords are not used here: sign in with {} instead, with the email this link was sent to.",
            state.settings.sso_name
        )))
    }
}
