//! A group's page: who is in it. Coordinators assign people; members see their peers.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::Redirect;
use serde::Deserialize;

use super::{Layout, Notice};
use crate::app::groups::{self, Roster};
use crate::auth::{Actor, CsrfForm, CsrfOnly};
use crate::domain::{Availability, CareerStage};
use crate::error::AppResult;
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::group_changes::{ChangeKind, GroupChange};
use crate::store::{Group, GroupMember, GroupRole, Program, ProgramPerson};

pub fn routes() -> Routes {
    Routes::new()
        .get("/groups/{id}", group_page)
        .post("/groups/{id}/members", add_member)
        .post("/groups/{id}/members/{user_id}/remove", remove_member)
        .post("/groups/{id}/rename", rename)
}

impl GroupMember {
    pub fn stage_label(&self) -> &str {
        CareerStage::parse(&self.user.profile.career_stage).map_or("", CareerStage::label)
    }
    pub fn is_facilitator(&self) -> bool {
        self.role == GroupRole::Facilitator
    }
}

impl GroupChange {
    /// "Ana Ruiz was added as a member by Maya Chen."
    pub fn sentence(&self) -> String {
        let role = match self.role {
            GroupRole::Facilitator => "a facilitator",
            GroupRole::Member => "a member",
        };
        match self.change {
            ChangeKind::Added => format!("{} was added as {role} by {}.", self.person_name, self.actor_name),
            ChangeKind::Removed => format!("{} was removed by {}.", self.person_name, self.actor_name),
            ChangeKind::NewRole => format!("{} was made {role} by {}.", self.person_name, self.actor_name),
        }
    }

    pub fn when(&self) -> String {
        super::admin::format_time(self.at)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "group.html")]
struct GroupPage {
    layout: Layout,
    group: Group,
    program: Program,
    members: Vec<GroupMember>,
    changes: Vec<GroupChange>,
    can_manage: bool,
    /// Who may be added, with a label that tells people of the same name apart.
    candidates: Vec<(i64, String)>,
    common_times: String,
    departments: Vec<String>,
    /// The next and past meetings, for those who may see the group's content.
    meetings: Option<super::meetings::MeetingSummary>,
    /// Wins shared with the group, for those who may see its content.
    celebrations: Vec<super::wins::Celebrated>,
}

async fn group_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
) -> AppResult<GroupPage> {
    let Roster { group, program, members, changes, can_manage, candidates, can_see_content } =
        groups::roster(&state, &actor, id).await?;
    let availabilities: Vec<Availability> = members
        .iter()
        .filter_map(|m| Availability::parse(&m.user.profile.availability).ok())
        .filter(|a| !a.is_empty())
        .collect();
    let mut departments: Vec<String> =
        members.iter().map(|m| m.user.profile.department.clone()).filter(|d| !d.is_empty()).collect();
    departments.sort();
    departments.dedup();
    let (meetings, celebrations) = if can_see_content {
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
        changes,
        can_manage,
        candidates: picker_labels(&candidates),
    })
}

/// The add-someone picker: people of the same name told apart (department, then email), and
/// alumni named with their cohort.
fn picker_labels(people: &[ProgramPerson]) -> Vec<(i64, String)> {
    let rows: Vec<(i64, &str, &str, &str)> = people
        .iter()
        .map(|p| {
            (p.user.id, p.user.profile.name.as_str(), p.user.profile.department.as_str(), p.user.profile.email.as_str())
        })
        .collect();
    crate::domain::profile::names_told_apart(&rows)
        .into_iter()
        .zip(people)
        .map(|((id, label), person)| match &person.alumni_of {
            Some((cohort, year)) => (id, format!("{label}, alum of {cohort} ({year})")),
            None => (id, label),
        })
        .collect()
}

#[derive(Deserialize)]
struct NewMember {
    user_id: i64,
    role: String,
}

async fn add_member(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<NewMember>,
) -> AppResult<Redirect> {
    let group = groups::add_member(&state, &actor, id, form.user_id, &form.role).await?;
    Ok(Redirect::to(&format!("/groups/{}?notice=added", group.id)))
}

async fn remove_member(
    State(state): State<AppState>,
    Path((id, user_id)): Path<(i64, i64)>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    let group = groups::remove_member(&state, &actor, id, user_id).await?;
    Ok(Redirect::to(&format!("/groups/{}?notice=removed", group.id)))
}

#[derive(Deserialize)]
struct NewName {
    name: String,
}

async fn rename(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<NewName>,
) -> AppResult<Redirect> {
    let group = groups::rename(&state, &actor, id, &form.name).await?;
    Ok(Redirect::to(&format!("/groups/{}?notice=renamed", group.id)))
}
