//! A group and who is in it: the roster a member or coordinator sees, and a coordinator's
//! changes to it. Nobody places themselves in a group; those who run the program (coordinators,
//! admins who are not participants of it) are never placed in one; every change is told to the
//! group, on its page and by email.

use super::invitations::new_invitation;
use crate::auth::{Actor, access};
use crate::error::{AppError, AppResult};
use crate::notify::emails::{Email, GroupChanged, GroupJoined, InvitationLink, peer_line};
use crate::state::AppState;
use crate::store::group_changes::{ChangeKind, GroupChange, MembershipChange};
use crate::store::{
    Group, GroupMember, GroupRole, Invitation, NewEmail, Outgoing, Program, ProgramPerson, ProgramRole, User,
};

/// What the group page shows of a group whose roster the actor may see.
pub struct Roster {
    pub group: Group,
    pub program: Program,
    pub members: Vec<GroupMember>,
    /// Who joined and left, by whom and when, newest first.
    pub changes: Vec<GroupChange>,
    /// Whether the actor may change who is in the group.
    pub can_manage: bool,
    /// The program's participants not yet in the group, for those who may add them (never
    /// the actor).
    pub candidates: Vec<ProgramPerson>,
    /// Whether the actor may see what is said in the group (meetings, goals, celebrations).
    pub can_see_content: bool,
}

/// What a member is told when they try to write in an archived group.
pub const ARCHIVED: &str = "This group's cohort has ended: the group is an archive now, kept for its members to read, and nothing new can be added.";

/// Nothing for someone outside the group (a 404); for its members, whether the group still
/// takes new goals, reports, posts and attendance, or is an archive (`AppError::Invalid`).
pub fn ensure_writable(actor: &Actor, group: &Group) -> AppResult<()> {
    if access::can_write_in_group(actor, group) {
        Ok(())
    } else if access::can_see_group_content(actor, group) {
        Err(AppError::Invalid(ARCHIVED.into()))
    } else {
        Err(AppError::NotFound)
    }
}

/// A group whose roster the actor may see; anything else is a 404.
pub async fn roster_group(state: &AppState, actor: &Actor, id: i64) -> AppResult<Group> {
    let group = state.store.group(id).await?.ok_or(AppError::NotFound)?;
    if access::can_see_group_roster(actor, &group) { Ok(group) } else { Err(AppError::NotFound) }
}

/// A group whose membership the actor manages; anything else is a 404.
async fn managed_group(state: &AppState, actor: &Actor, id: i64) -> AppResult<Group> {
    let group = state.store.group(id).await?.ok_or(AppError::NotFound)?;
    if access::can_manage_group(actor, &group) { Ok(group) } else { Err(AppError::NotFound) }
}

/// How many of a group's latest membership changes its page lists.
pub const CHANGES_SHOWN: i64 = 20;

pub async fn roster(state: &AppState, actor: &Actor, id: i64) -> AppResult<Roster> {
    let (group, program) = state.store.group_with_program(id).await?.ok_or(AppError::NotFound)?;
    if !access::can_see_group_roster(actor, &group) {
        return Err(AppError::NotFound);
    }
    let members = state.store.group_members(group.id).await?;
    let can_manage = access::can_manage_group(actor, &group);
    let candidates = if can_manage {
        super::programs::other_participants(state, actor, program.id)
            .await?
            .into_iter()
            .filter(|p| !members.iter().any(|m| m.user.id == p.user.id))
            .collect()
    } else {
        Vec::new()
    };
    let changes = state.store.group_changes(group.id, CHANGES_SHOWN).await?;
    let can_see_content = access::can_see_group_content(actor, &group);
    Ok(Roster { group, program, members, changes, can_manage, candidates, can_see_content })
}

/// A group as an email names it.
pub struct GroupName<'a> {
    pub id: i64,
    pub name: &'a str,
}

/// The emails that tell a group about a change: to everyone in it afterwards but the person
/// (and, for a removal, to the person too).
pub fn tell_group(
    state: &AppState,
    group: &GroupName,
    program: &Program,
    members_after: &[&User],
    change: &MembershipChange,
    actor: &User,
) -> AppResult<Vec<NewEmail>> {
    let what = match (change.kind, change.role) {
        (ChangeKind::Added, _) => "joined",
        (ChangeKind::Removed, _) => "left",
        (ChangeKind::NewRole, GroupRole::Facilitator) => "is now a facilitator of",
        (ChangeKind::NewRole, GroupRole::Member) => "is now a member of",
    };
    let link = format!("{}/groups/{}", state.settings.public_url(), group.id);
    let mut emails = Vec::new();
    for member in members_after.iter().filter(|m| m.id != change.user_id) {
        let email = GroupChanged {
            name: &member.profile.name,
            person: &change.person_name,
            what,
            joined: change.kind == ChangeKind::Added,
            group: group.name,
            program: &program.name,
            actor: &actor.profile.name,
            link: link.clone(),
        };
        emails.push(email.to(&member.profile.email).map_err(|e| AppError::Internal(e.into()))?);
    }
    Ok(emails)
}

/// The email that welcomes someone placed in a group that already meets, with their peers,
/// and, for someone who has never set a password, the invitation it carries (for the caller to
/// store with the email).
pub fn welcome(
    state: &AppState,
    inviter: &User,
    group: &GroupName,
    program: &Program,
    user: &User,
    peers: &[&User],
) -> AppResult<(NewEmail, Option<Invitation>)> {
    let peers: Vec<String> =
        peers.iter().filter(|p| p.id != user.id).map(|p| peer_line(&p.profile.name, &p.profile.department)).collect();
    let (invitation, link) = invitation_for(state, inviter, program, user);
    let email = GroupJoined {
        name: &user.profile.name,
        group: group.name,
        program: &program.name,
        peers: &peers,
        link: format!("{}/groups/{}", state.settings.public_url(), group.id),
        invitation: link,
    }
    .to(&user.profile.email)
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok((email, invitation))
}

/// An invitation for someone who has never set a password, with the link a group email
/// carries; nothing for anyone who signs in already.
pub fn invitation_for(
    state: &AppState,
    inviter: &User,
    program: &Program,
    user: &User,
) -> (Option<Invitation>, Option<InvitationLink>) {
    if user.password_hash.is_some() {
        return (None, None);
    }
    let (invitation, link) = new_invitation(state, inviter, program, user);
    let sign_in_with = (!state.settings.password_sign_in).then(|| state.settings.sso_name.clone());
    (Some(invitation), Some(InvitationLink { link, days: state.settings.invitation_days, sign_in_with }))
}

/// Puts a participant of the group's program in the group with `role`, or gives someone
/// already in it that role. Returns the group.
pub async fn add_member(state: &AppState, actor: &Actor, group_id: i64, user_id: i64, role: &str) -> AppResult<Group> {
    let group = managed_group(state, actor, group_id).await?;
    if group.archived_at.is_some() {
        return Err(AppError::Invalid(
            "This group's cohort has ended and the group is an archive: nobody joins it now. Add them to a group that still meets."
                .into(),
        ));
    }
    let role = GroupRole::from_code(role)
        .ok_or_else(|| AppError::Invalid(format!("'{role}' is not a group role: choose member or facilitator.")))?;
    if user_id == actor.user.id {
        return Err(AppError::Invalid(
            "You cannot place yourself in a group: what is said there stays with its members. If you are a \
             participant of this program, another coordinator can place you."
                .into(),
        ));
    }
    let program = state.store.program(group.program_id).await?.ok_or(AppError::NotFound)?;
    let person =
        state.store.program_people(program.id).await?.into_iter().find(|p| p.user.id == user_id).ok_or_else(|| {
            AppError::Invalid("That person is not in this program: add them to the program first.".into())
        })?;
    if person.role != ProgramRole::Participant {
        return Err(AppError::Invalid(format!(
            "{} coordinates this program, and coordinators see groups in aggregate only: they are never placed in \
             a group.",
            person.user.profile.name
        )));
    }
    let members = state.store.group_members(group.id).await?;
    let kind = match members.iter().find(|m| m.user.id == user_id) {
        Some(m) if m.role == role => return Ok(group),
        Some(_) => ChangeKind::NewRole,
        None => ChangeKind::Added,
    };
    let change =
        MembershipChange { group_id: group.id, user_id, person_name: person.user.profile.name.clone(), kind, role };
    let mut after: Vec<&User> = members.iter().map(|m| &m.user).collect();
    if kind == ChangeKind::Added {
        after.push(&person.user);
    }
    let named = GroupName { id: group.id, name: &group.name };
    let mut outgoing = Outgoing {
        emails: tell_group(state, &named, &program, &after, &change, &actor.user)?,
        invitations: Vec::new(),
    };
    if kind == ChangeKind::Added {
        let (email, invitation) = welcome(state, &actor.user, &named, &program, &person.user, &after)?;
        outgoing.emails.push(email);
        outgoing.invitations.extend(invitation);
    }
    let by = (actor.user.id, actor.user.profile.name.as_str());
    state.store.change_group_memberships(&[change], by, &outgoing, state.now()).await?;
    Ok(group)
}

/// Takes someone out of the group; the group and the person are told.
pub async fn remove_member(state: &AppState, actor: &Actor, group_id: i64, user_id: i64) -> AppResult<Group> {
    let group = managed_group(state, actor, group_id).await?;
    let program = state.store.program(group.program_id).await?.ok_or(AppError::NotFound)?;
    let members = state.store.group_members(group.id).await?;
    let Some(leaving) = members.iter().find(|m| m.user.id == user_id) else { return Ok(group) };
    let change = MembershipChange {
        group_id: group.id,
        user_id,
        person_name: leaving.user.profile.name.clone(),
        kind: ChangeKind::Removed,
        role: leaving.role,
    };
    let after: Vec<&User> = members.iter().map(|m| &m.user).filter(|u| u.id != user_id).collect();
    let named = GroupName { id: group.id, name: &group.name };
    let mut emails = tell_group(state, &named, &program, &after, &change, &actor.user)?;
    let told = GroupChanged {
        name: &leaving.user.profile.name,
        person: "You",
        what: "left",
        joined: false,
        group: &group.name,
        program: &program.name,
        actor: &actor.user.profile.name,
        link: format!("{}/", state.settings.public_url()),
    };
    emails.push(told.to(&leaving.user.profile.email).map_err(|e| AppError::Internal(e.into()))?);
    let by = (actor.user.id, actor.user.profile.name.as_str());
    let outgoing = Outgoing { emails, invitations: Vec::new() };
    state.store.change_group_memberships(&[change], by, &outgoing, state.now()).await?;
    Ok(group)
}

/// Renames a group (its program's coordinators, and admins); returns it. The name must be free
/// in the program.
pub async fn rename(state: &AppState, actor: &Actor, group_id: i64, name: &str) -> AppResult<Group> {
    let group = managed_group(state, actor, group_id).await?;
    let name = super::programs::group_name(name)?;
    state.store.rename_group(group.id, name).await?;
    let subject = format!("{} -> {name} (program {})", group.name, group.program_id);
    state.store.audit(Some(actor.user.id), "renamed a group", &subject, state.now()).await?;
    Ok(Group { name: name.to_string(), ..group })
}
