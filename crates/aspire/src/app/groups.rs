//! A group and who is in it: the roster a member or coordinator sees, and a coordinator's
//! changes to it.

use crate::auth::{Actor, access};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::{Group, GroupMember, GroupRole, Program, ProgramPerson, ProgramRole};

/// What the group page shows of a group whose roster the actor may see.
pub struct Roster {
    pub group: Group,
    pub program: Program,
    pub members: Vec<GroupMember>,
    /// Whether the actor may change who is in the group.
    pub can_manage: bool,
    /// The program's participants not yet in the group, for those who may add them.
    pub candidates: Vec<ProgramPerson>,
    /// Whether the actor may see what is said in the group (meetings, goals, celebrations).
    pub can_see_content: bool,
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

pub async fn roster(state: &AppState, actor: &Actor, id: i64) -> AppResult<Roster> {
    let group = roster_group(state, actor, id).await?;
    let program = state.store.program(group.program_id).await?.ok_or(AppError::NotFound)?;
    let members = state.store.group_members(group.id).await?;
    let can_manage = access::can_manage_group(actor, &group);
    let candidates = if can_manage {
        state
            .store
            .program_people(program.id)
            .await?
            .into_iter()
            .filter(|p| p.role == ProgramRole::Participant && !members.iter().any(|m| m.user.id == p.user.id))
            .collect()
    } else {
        Vec::new()
    };
    let can_see_content = access::can_see_group_content(actor, &group);
    Ok(Roster { group, program, members, can_manage, candidates, can_see_content })
}

/// Puts a person of the group's program in the group with `role` (or changes their role).
pub async fn add_member(state: &AppState, actor: &Actor, group_id: i64, user_id: i64, role: &str) -> AppResult<Group> {
    let group = managed_group(state, actor, group_id).await?;
    let role = GroupRole::from_code(role)
        .ok_or_else(|| AppError::Invalid(format!("'{role}' is not a group role: choose member or facilitator.")))?;
    let enrolled = state.store.memberships(user_id).await?.programs.iter().any(|(p, _)| *p == group.program_id);
    if !enrolled {
        return Err(AppError::Invalid("That person is not in this program: add them to the program first.".into()));
    }
    state.store.set_group_member(group.id, user_id, role).await?;
    let subject = format!("user {user_id} joined group {} as {}", group.id, role.code());
    state.store.audit(Some(actor.user.id), "membership changed", &subject, state.now()).await?;
    Ok(group)
}

pub async fn remove_member(state: &AppState, actor: &Actor, group_id: i64, user_id: i64) -> AppResult<Group> {
    let group = managed_group(state, actor, group_id).await?;
    state.store.remove_group_member(group.id, user_id).await?;
    let subject = format!("user {user_id} left group {}", group.id);
    state.store.audit(Some(actor.user.id), "membership changed", &subject, state.now()).await?;
    Ok(group)
}
