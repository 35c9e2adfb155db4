//! A group's meetings: loading its series, changing the schedule, cancelling a meeting, taking
//! attendance, and each member's upcoming meetings.

use crate::notify::emails::{Email, MeetingCancelled, ScheduleChanged};

use crate::auth::{Actor, access};
use crate::domain::cadence::{self, Schedule, Series};
use crate::domain::meeting_series::SeriesInput;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
pub use crate::store::meetings::LoadedSeries;
use crate::store::meetings::{Goal, LongGoal};
use crate::store::{Group, MemberName, Memberships, NewEmail};

pub async fn load_series(state: &AppState, group_id: i64) -> AppResult<LoadedSeries> {
    Ok(state.store.series_parts(group_id).await?.into())
}

/// Every group a person sits in, by name, with its series.
pub async fn series_of_member(state: &AppState, memberships: &Memberships) -> AppResult<Vec<(Group, LoadedSeries)>> {
    let groups = state.store.series_of_groups(&memberships.group_ids()).await?;
    Ok(groups.into_iter().map(|(group, parts)| (group, parts.into())).collect())
}

/// A group whose content (meetings, goals) the actor may see, with its series, read together;
/// anything else is a 404.
pub async fn content_group_with_series(state: &AppState, actor: &Actor, id: i64) -> AppResult<(Group, LoadedSeries)> {
    let (group, parts) = state.store.group_with_series(id).await?.ok_or(AppError::NotFound)?;
    if access::can_see_group_content(actor, &group) { Ok((group, parts.into())) } else { Err(AppError::NotFound) }
}

/// The meeting at `start` of a visible group; a start that is not one of its meetings is a 404.
pub async fn visible_meeting(state: &AppState, actor: &Actor, id: i64, start: i64) -> AppResult<(Group, LoadedSeries)> {
    let (group, loaded) = content_group_with_series(state, actor, id).await?;
    if !loaded.series.is_occurrence(start) {
        return Err(AppError::NotFound);
    }
    Ok((group, loaded))
}

/// A meeting the actor may act on (declare goals, cancel): one of their group's.
async fn runnable_meeting(state: &AppState, actor: &Actor, id: i64, start: i64) -> AppResult<(Group, LoadedSeries)> {
    let (group, loaded) = visible_meeting(state, actor, id, start).await?;
    super::groups::ensure_writable(actor, &group)?;
    if access::can_run_meetings(actor, &group) { Ok((group, loaded)) } else { Err(AppError::NotFound) }
}

/// Changes a group's schedule from now on (a new entry in its history only when the schedule
/// really changes), its place and reminder lead time. A bad input is `AppError::Invalid`.
pub async fn save_series(state: &AppState, actor: &Actor, group_id: i64, input: &SeriesInput) -> AppResult<()> {
    let (group, loaded) = content_group_with_series(state, actor, group_id).await?;
    super::groups::ensure_writable(actor, &group)?;
    if !access::can_run_meetings(actor, &group) {
        return Err(AppError::NotFound);
    }
    let now = state.now();
    let (schedule, lead_minutes) = input.parse(now).map_err(AppError::invalid)?;
    let changed = loaded.series.current(now).is_none_or(|current| {
        let mut same = current.clone();
        same.effective_from = now;
        same != schedule
    });
    let place = input.place.trim();
    let moved = changed || place != loaded.place();
    let emails = if moved {
        schedule_change_emails(state, actor, &group, (&schedule, place), &loaded).await?
    } else {
        Vec::new()
    };
    let schedule = changed.then_some(&schedule);
    state.store.save_series(group.id, schedule, place, lead_minutes, (actor.user.id, &emails), now).await?;
    Ok(())
}

/// A new schedule or place, told to the rest of the group: when and where from now on, and
/// the next meeting under it.
async fn schedule_change_emails(
    state: &AppState,
    actor: &Actor,
    group: &Group,
    (schedule, place): (&Schedule, &str),
    loaded: &LoadedSeries,
) -> AppResult<Vec<NewEmail>> {
    let next = Series::new(vec![schedule.clone()], loaded.series.cancelled.clone())
        .next(state.now())
        .map(|o| cadence::format_local(o.start, &schedule.time_zone));
    let link = format!("{}/groups/{}/meetings", state.settings.public_url(), group.id);
    let described = schedule.describe();
    let mut emails = Vec::new();
    for member in state.store.group_members(group.id).await? {
        if member.user.id == actor.user.id {
            continue;
        }
        let email = ScheduleChanged {
            name: &member.user.profile.name,
            group: &group.name,
            by: &actor.user.profile.name,
            schedule: &described,
            place,
            next: next.as_deref(),
            link: &link,
        };
        emails.push(email.to(&member.user.profile.email).map_err(|e| AppError::Internal(e.into()))?);
    }
    Ok(emails)
}

pub async fn set_cancelled(state: &AppState, actor: &Actor, group_id: i64, start: i64, cancel: bool) -> AppResult<()> {
    let (group, loaded) = runnable_meeting(state, actor, group_id, start).await?;
    let link = format!("{}/groups/{}/meetings/{start}", state.settings.public_url(), group.id);
    let when = loaded.label(start);
    let mut emails = Vec::new();
    for member in state.store.group_members(group.id).await? {
        if member.user.id == actor.user.id {
            continue;
        }
        let email = MeetingCancelled {
            name: &member.user.profile.name,
            group: &group.name,
            when: &when,
            by: &actor.user.profile.name,
            cancelled: cancel,
            link: &link,
        };
        emails.push(email.to(&member.user.profile.email).map_err(|e| AppError::Internal(e.into()))?);
    }
    state.store.set_cancelled(group.id, start, cancel, (actor.user.id, &emails), state.now()).await?;
    Ok(())
}

/// Attendance of `user_id` at a meeting: the facilitator for everyone, a member for themselves.
pub async fn record_attendance(
    state: &AppState,
    actor: &Actor,
    group_id: i64,
    start: i64,
    user_id: i64,
    present: bool,
) -> AppResult<()> {
    let (group, _) = visible_meeting(state, actor, group_id, start).await?;
    super::groups::ensure_writable(actor, &group)?;
    if !access::can_record_attendance(actor, &group, user_id) {
        return Err(AppError::NotFound);
    }
    let in_group = state.store.group_member_names(group.id).await?.iter().any(|m| m.user_id == user_id);
    if !in_group {
        return Err(AppError::Invalid("That person is not in this group: reload the page and try again.".into()));
    }
    state.store.record_attendance(group.id, start, user_id, present, actor.user.id, state.now()).await?;
    Ok(())
}

/// Everything a meeting's page shows, for a member of its group.
pub struct Meeting {
    pub group: Group,
    pub loaded: LoadedSeries,
    pub start: i64,
    /// The goals declared at the meeting before, to check in on.
    pub check_in: Vec<(Goal, bool)>,
    /// The goals declared for this meeting; each with whether it was carried on.
    pub declared: Vec<(Goal, bool)>,
    pub members: Vec<MemberName>,
    pub attendance: Vec<(i64, bool)>,
    /// The actor's active long-term goals, to link a new goal to.
    pub long_goals: Vec<LongGoal>,
}

pub async fn meeting(state: &AppState, actor: &Actor, group_id: i64, start: i64) -> AppResult<Meeting> {
    let (group, loaded) = visible_meeting(state, actor, group_id, start).await?;
    let previous = loaded.series.previous(start).map(|p| p.start);
    let goals = state.store.goals_with_carried(group.id, [previous.unwrap_or(start), start]).await?;
    let (mut check_in, mut declared) = (Vec::new(), Vec::new());
    for (goal, carried_on) in goals {
        if !access::can_see_goal(actor, &group, goal.user_id, goal.created_at) {
            continue;
        }
        if goal.meeting_start == start {
            declared.push((goal, carried_on));
        } else if Some(goal.meeting_start) == previous {
            check_in.push((goal, carried_on));
        }
    }
    let members = state.store.group_member_names(group.id).await?;
    let attendance = state.store.attendance(group.id, start).await?;
    let long_goals =
        state.store.long_goals(actor.user.id).await?.into_iter().filter(|g| g.status == "active").collect();
    Ok(Meeting { group, loaded, start, check_in, declared, members, attendance, long_goals })
}

/// The next meeting of one of a member's groups.
pub struct Upcoming {
    pub group: Group,
    pub start: i64,
    pub end: i64,
    pub time_zone: String,
    pub local_time: String,
}

/// The next meeting of each group the actor meets with.
pub async fn upcoming(state: &AppState, actor: &Actor) -> AppResult<Vec<Upcoming>> {
    let now = state.now();
    let mut out = Vec::new();
    for (group, loaded) in series_of_member(state, &actor.memberships).await? {
        if !access::can_run_meetings(actor, &group) {
            continue;
        }
        if let Some(next) = loaded.series.next(now) {
            out.push(Upcoming {
                start: next.start,
                end: next.end,
                time_zone: loaded.zone_at(next.start),
                local_time: loaded.label(next.start),
                group,
            });
        }
    }
    Ok(out)
}

/// "No meetings scheduled yet." or the current schedule in words.
pub fn describe_current(loaded: &LoadedSeries, now: i64) -> String {
    loaded.series.current(now).map_or_else(|| "No meetings scheduled yet.".to_string(), Schedule::describe)
}
