//! A group's page: who is in it. Coordinators assign people; members see their peers.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::Redirect;
use serde::Deserialize;

use super::{Layout, Notice};
use crate::auth::{Actor, CsrfForm, CsrfOnly, access};
use crate::domain::{Availability, CareerStage};
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::{Group, GroupMember, GroupRole, Program, ProgramPerson, ProgramRole};

pub fn routes() -> Routes {
    Routes::new()
        .get("/groups/{id}", group_page)
        .post("/groups/{id}/members", add_member)
        .post("/groups/{id}/members/{user_id}/remove", remove_member)
}

impl GroupMember {
    pub fn stage_label(&self) -> &str {
        CareerStage::parse(&self.user.profile.career_stage).map_or("", CareerStage::label)
    }
    pub fn is_facilitator(&self) -> bool {
        self.role == GroupRole::Facilitator
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "group.html")]
struct GroupPage {
    layout: Layout,
    group: Group,
    program: Program,
    members: Vec<GroupMember>,
    can_manage: bool,
    candidates: Vec<ProgramPerson>,
    common_times: String,
    departments: Vec<String>,
    /// The next and past meetings, for those who may see the group's content.
    meetings: Option<super::meetings::MeetingSummary>,
    /// Wins shared with the group, for those who may see its content.
    celebrations: Vec<super::wins::WinView>,
}

async fn visible_group(state: &AppState, actor: &Actor, id: i64) -> AppResult<Group> {
    let group = state.store.group(id).await?.ok_or(AppError::NotFound)?;
    if access::can_see_group_roster(actor, &group) { Ok(group) } else { Err(AppError::NotFound) }
}

async fn group_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
) -> AppResult<GroupPage> {
    let group = visible_group(&state, &actor, id).await?;
    let program = state.store.program(group.program_id).await?.ok_or(AppError::NotFound)?;
    let members = state.store.group_members(group.id).await?;
    let can_manage = access::can_manage_group(&actor, &group);
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
    let availabilities: Vec<Availability> = members
        .iter()
        .filter_map(|m| Availability::parse(&m.user.profile.availability).ok())
        .filter(|a| !a.is_empty())
        .collect();
    let mut departments: Vec<String> =
        members.iter().map(|m| m.user.profile.department.clone()).filter(|d| !d.is_empty()).collect();
    departments.sort();
    departments.dedup();
    let (meetings, celebrations) = if access::can_see_group_content(&actor, &group) {
        (
            Some(super::meetings::summary(&state, group.id).await?),
            super::wins::group_celebrations(&state, &actor, group.id).await?,
        )
    } else {
        (None, Vec::new())
    };
    Ok(GroupPage {
        layout: Layout::for_actor(&actor).with_notice(&notice),
        meetings,
        celebrations,
        common_times: Availability::common(&availabilities).to_string(),
        departments,
        group,
        program,
        members,
        can_manage,
        candidates,
    })
}

#[derive(Deserialize)]
struct NewMember {
    user_id: i64,
    role: String,
}

async fn managed_group(state: &AppState, actor: &Actor, id: i64) -> AppResult<Group> {
    let group = state.store.group(id).await?.ok_or(AppError::NotFound)?;
    if access::can_manage_group(actor, &group) { Ok(group) } else { Err(AppError::NotFound) }
}

async fn add_member(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<NewMember>,
) -> AppResult<Redirect> {
    let group = managed_group(&state, &actor, id).await?;
    let role = GroupRole::from_code(&form.role).ok_or_else(|| {
        AppError::Invalid(format!("'{}' is not a group role: choose member or facilitator.", form.role))
    })?;
    let enrolled = state.store.memberships(form.user_id).await?.programs.iter().any(|(p, _)| *p == group.program_id);
    if !enrolled {
        return Err(AppError::Invalid("That person is not in this program: add them to the program first.".into()));
    }
    state.store.set_group_member(group.id, form.user_id, role).await?;
    let subject = format!("user {} joined group {} as {}", form.user_id, group.id, role.code());
    state.store.audit(Some(actor.user.id), "membership changed", &subject, state.now()).await?;
    Ok(Redirect::to(&format!("/groups/{}?notice=added", group.id)))
}

async fn remove_member(
    State(state): State<AppState>,
    Path((id, user_id)): Path<(i64, i64)>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    let group = managed_group(&state, &actor, id).await?;
    state.store.remove_group_member(group.id, user_id).await?;
    let subject = format!("user {user_id} left group {}", group.id);
    state.store.audit(Some(actor.user.id), "membership changed", &subject, state.now()).await?;
    Ok(Redirect::to(&format!("/groups/{}?notice=removed", group.id)))
}
