//! What a person's home page says they could do next, by role: a member's next meetings, goals
//! to report, unread discussion, nominations to answer and peers' wins to cheer; a facilitator's
//! attendance to take and concerns for them; a coordinator's open rounds; an admin's programs,
//! failing emails and refused sign-ins. Every item passes the same access rules as its page.

use std::collections::{BTreeMap, HashSet};

use crate::auth::{Actor, access};
use crate::domain::Visibility;
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::community::WinCard;
use crate::store::meetings::Goal;
use crate::store::sharing::Nomination;
use crate::store::{GroupRole, GroupSummary, Program, ProgramRole, RoundProgress};

/// How many unread posts the home page counts before it says "50 or more".
pub const UNREAD_COUNTED: i64 = 50;
const GOALS_SHOWN: i64 = 10;
const WINS_SHOWN: i64 = 5;
/// Wins this recent are offered for cheering.
const WINS_WITHIN_DAYS: i64 = 30;
/// A facilitator is reminded of attendance for meetings this recent.
const ATTENDANCE_WITHIN_DAYS: i64 = 21;

pub struct NextMeeting {
    pub group_id: i64,
    pub group_name: String,
    pub start: i64,
    pub when: String,
    pub place: String,
}

pub struct GoalToReport {
    pub goal: Goal,
    /// The meeting it is reported at (its page holds the form), if the group meets again.
    pub report_at: Option<i64>,
}

pub struct Unread {
    pub group_id: i64,
    pub group_name: String,
    pub posts: i64,
    /// Of them, concerns addressed to this person as facilitator.
    pub concerns: i64,
}

pub struct AttendanceToTake {
    pub group_id: i64,
    pub group_name: String,
    pub start: i64,
    pub when: String,
}

pub struct AdminSummary {
    pub programs: Vec<Program>,
    pub failing_emails: i64,
    pub refusals_today: i64,
}

#[derive(Default)]
pub struct Home {
    pub coordinated: Vec<Program>,
    pub groups: Vec<GroupSummary>,
    /// In a program as a participant or sits in a group: the member's part of the page shows.
    pub participates: bool,
    pub next_meetings: Vec<NextMeeting>,
    pub goals_to_report: Vec<GoalToReport>,
    pub unread: Vec<Unread>,
    pub nominations_waiting: Vec<Nomination>,
    pub wins_to_cheer: Vec<WinCard>,
    pub attendance_to_take: Vec<AttendanceToTake>,
    pub rounds: Vec<RoundProgress>,
    pub admin: Option<AdminSummary>,
}

pub async fn overview(state: &AppState, actor: &Actor) -> AppResult<Home> {
    let now = state.now();
    let me = actor.user.id;
    let mut home = Home {
        participates: !actor.memberships.groups.is_empty()
            || actor.memberships.programs.iter().any(|(_, role)| *role == ProgramRole::Participant),
        ..Home::default()
    };
    let coordinated: HashSet<i64> = actor.coordinated_programs().into_iter().collect();
    if !coordinated.is_empty() || actor.is_admin() {
        let programs = state.store.list_programs().await?;
        home.coordinated = programs.iter().filter(|p| coordinated.contains(&p.id)).cloned().collect();
        if access::can_administer(actor) {
            home.admin = Some(AdminSummary {
                programs,
                failing_emails: state.store.failing_emails().await?,
                refusals_today: state.store.audited_since("sign-in refused", now - 86_400).await?,
            });
        }
    }
    if !coordinated.is_empty() {
        home.rounds = state
            .store
            .open_rounds_progress(me)
            .await?
            .into_iter()
            .filter(|r| access::can_manage_program(actor, r.program_id))
            .collect();
    }
    if actor.memberships.groups.is_empty() {
        if home.participates {
            home.nominations_waiting = nominations_waiting(state, actor).await?;
            home.wins_to_cheer = wins_to_cheer(state, actor, now).await?;
        }
        return Ok(home);
    }
    home.groups = state.store.groups_of_user(me).await?;
    let series = super::meetings::series_of_member(state, &actor.memberships).await?;
    let facilitated: Vec<i64> = actor
        .memberships
        .groups
        .iter()
        .filter(|seat| seat.role == GroupRole::Facilitator)
        .map(|seat| seat.group_id)
        .collect();
    let recorded: HashSet<(i64, i64)> = if facilitated.is_empty() {
        HashSet::new()
    } else {
        let since = now - ATTENDANCE_WITHIN_DAYS * 86_400;
        state.store.meetings_with_attendance(me, since).await?.into_iter().collect()
    };
    for (group, loaded) in &series {
        if !access::can_run_meetings(actor, group) {
            continue;
        }
        if let Some(next) = loaded.series.next(now) {
            home.next_meetings.push(NextMeeting {
                group_id: group.id,
                group_name: group.name.clone(),
                start: next.start,
                when: loaded.label(next.start),
                place: loaded.place().to_string(),
            });
        }
        if facilitated.contains(&group.id)
            && let Some(last) = loaded.series.previous(now)
            && last.start >= now - ATTENDANCE_WITHIN_DAYS * 86_400
            && last.end <= now
            && !recorded.contains(&(group.id, last.start))
        {
            home.attendance_to_take.push(AttendanceToTake {
                group_id: group.id,
                group_name: group.name.clone(),
                start: last.start,
                when: loaded.label(last.start),
            });
        }
    }
    home.next_meetings.sort_by_key(|m| m.start);
    for goal in state.store.goals_to_report(me, now, GOALS_SHOWN).await? {
        let report_at = series.iter().find(|(g, _)| g.id == goal.group_id).and_then(|(_, loaded)| {
            let at = loaded.series.next(goal.meeting_start + 1)?;
            if at.start > goal.meeting_start { Some(at.start) } else { loaded.series.next(at.end).map(|o| o.start) }
        });
        home.goals_to_report.push(GoalToReport { goal, report_at });
    }
    let names: BTreeMap<i64, String> = home.groups.iter().map(|g| (g.id, g.name.clone())).collect();
    home.unread = unread(state, actor, &names).await?;
    home.nominations_waiting = nominations_waiting(state, actor).await?;
    home.wins_to_cheer = wins_to_cheer(state, actor, now).await?;
    Ok(home)
}

/// Posts in the person's groups since they last read each group's discussion, that they may see.
async fn unread(state: &AppState, actor: &Actor, names: &BTreeMap<i64, String>) -> AppResult<Vec<Unread>> {
    let mut by_group: BTreeMap<i64, Unread> = BTreeMap::new();
    let groups = actor.memberships.group_ids();
    for post in state.store.posts_since_read(actor.user.id, &groups, UNREAD_COUNTED).await? {
        if !access::can_see_item(actor, &post.audience()) {
            continue;
        }
        let entry = by_group.entry(post.group_id).or_insert_with(|| Unread {
            group_id: post.group_id,
            group_name: names.get(&post.group_id).cloned().unwrap_or_default(),
            posts: 0,
            concerns: 0,
        });
        entry.posts += 1;
        if post.visibility == Visibility::Facilitator && post.facilitator_id == Some(actor.user.id) {
            entry.concerns += 1;
        }
    }
    Ok(by_group.into_values().collect())
}

async fn nominations_waiting(state: &AppState, actor: &Actor) -> AppResult<Vec<Nomination>> {
    Ok(state
        .store
        .nominations_awaiting(actor.user.id)
        .await?
        .into_iter()
        .filter(|n| access::can_respond_to_nomination(actor, n))
        .collect())
}

async fn wins_to_cheer(state: &AppState, actor: &Actor, now: i64) -> AppResult<Vec<WinCard>> {
    let since = now - WINS_WITHIN_DAYS * 86_400;
    let groups = actor.memberships.group_ids();
    let mut programs: Vec<i64> = actor.memberships.programs.iter().map(|(id, _)| *id).collect();
    programs.sort_unstable();
    programs.dedup();
    Ok(state
        .store
        .wins_to_cheer(actor.user.id, (&groups, &programs), since, WINS_SHOWN)
        .await?
        .into_iter()
        .filter(|w| access::can_see_item(actor, &w.audience()))
        .collect())
}
