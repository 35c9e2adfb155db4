//! Goals: declared at a meeting, reported at the next, carried forward when unmet.

use std::collections::HashMap;

use super::meetings::{load_series, visible_meeting};
use crate::auth::{Actor, access};
use crate::domain::goals::{self, GoalStatus, Record};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::Program;
use crate::store::meetings::{Goal, GroupGoalCounts, LongGoal, NewGoal, ScheduleRow};

/// A goal as a member declares it, on a page or through the API.
pub struct DeclareGoal<'a> {
    pub text: &'a str,
    pub kind: &'a str,
    /// One of the member's own long-term goals that this one serves.
    pub long_goal_id: Option<i64>,
}

/// Declares a goal for the meeting at `start` of group `group_id`; returns its id and itself.
pub async fn declare(
    state: &AppState,
    actor: &Actor,
    group_id: i64,
    start: i64,
    input: DeclareGoal<'_>,
) -> AppResult<(i64, NewGoal)> {
    let (group, _) = visible_meeting(state, actor, group_id, start).await?;
    super::groups::ensure_writable(actor, &group)?;
    let (text, kind) = goals::validate_goal(input.text, input.kind).map_err(AppError::invalid)?;
    if let Some(long_id) = input.long_goal_id {
        let mine = state.store.long_goal(long_id).await?.is_some_and(|l| access::can_see_own_goals(actor, l.user_id));
        if !mine {
            return Err(AppError::Invalid("Pick one of your own long-term goals, or none.".into()));
        }
    }
    let goal = NewGoal {
        group_id: group.id,
        user_id: actor.user.id,
        meeting_start: start,
        text,
        kind,
        long_goal_id: input.long_goal_id,
        carried_from: None,
    };
    let id = state.store.declare_goal(&goal, state.now()).await?;
    Ok((id, goal))
}

/// A goal the actor may update: their own, in a group they are still in. Others get a 404.
async fn own_goal(state: &AppState, actor: &Actor, id: i64) -> AppResult<Goal> {
    let goal = state.store.goal(id).await?.ok_or(AppError::NotFound)?;
    let group = state.store.group(goal.group_id).await?.ok_or(AppError::NotFound)?;
    if goal.user_id == actor.user.id {
        super::groups::ensure_writable(actor, &group)?;
    }
    if access::can_update_goal(actor, &group, goal.user_id) { Ok(goal) } else { Err(AppError::NotFound) }
}

/// Reports how a goal went (met, partly, not met) with an optional reason.
pub async fn report(state: &AppState, actor: &Actor, goal_id: i64, status: &str, reason: &str) -> AppResult<()> {
    let goal = own_goal(state, actor, goal_id).await?;
    let status = GoalStatus::parse_report(status).map_err(AppError::invalid)?;
    let reason = goals::validate_reason(reason).map_err(AppError::invalid)?;
    state.store.report_goal(goal.id, status.code(), &reason, state.now()).await?;
    Ok(())
}

/// Whether a goal's author may still reword or withdraw it: until the meeting it is reported
/// at begins, while it is open and has not been carried on.
pub fn changeable(goal: &Goal, carried_on: bool, now: i64) -> bool {
    goal.status == GoalStatus::Open && goal.meeting_start > now && !carried_on
}

/// A goal of the actor's own that may still change, or why not.
async fn changeable_goal(state: &AppState, actor: &Actor, id: i64) -> AppResult<Goal> {
    let goal = own_goal(state, actor, id).await?;
    let carried_on = state.store.carried_to(goal.id).await?.is_some();
    if changeable(&goal, carried_on, state.now()) {
        Ok(goal)
    } else {
        Err(AppError::Invalid(
            "This goal can no longer change: its meeting has begun or it was reported. Report how it went instead."
                .into(),
        ))
    }
}

/// Rewords a goal (or changes its kind) before the meeting it is reported at; returns the goal.
pub async fn edit(state: &AppState, actor: &Actor, goal_id: i64, text: &str, kind: &str) -> AppResult<Goal> {
    let goal = changeable_goal(state, actor, goal_id).await?;
    let (text, kind) = goals::validate_goal(text, kind).map_err(AppError::invalid)?;
    state.store.edit_goal(goal.id, &text, &kind).await?;
    Ok(goal)
}

/// Withdraws a goal before the meeting it is reported at; returns what it was.
pub async fn delete(state: &AppState, actor: &Actor, goal_id: i64) -> AppResult<Goal> {
    let goal = changeable_goal(state, actor, goal_id).await?;
    state.store.delete_goal(goal.id).await?;
    Ok(goal)
}

/// Carries an unmet goal into the group's next meeting (an open one is reported not met
/// first); returns the group and the meeting it now stands under.
pub async fn carry(state: &AppState, actor: &Actor, goal_id: i64) -> AppResult<(i64, i64)> {
    let goal = own_goal(state, actor, goal_id).await?;
    if state.store.carried_to(goal.id).await?.is_some() {
        return Err(AppError::Invalid("This goal is already carried forward: see it under the next meeting.".into()));
    }
    let status = goal.status;
    if status == GoalStatus::Met {
        return Err(AppError::Invalid("This goal is met: there is nothing to carry forward.".into()));
    }
    let loaded = load_series(state, goal.group_id).await?;
    let Some(next) = loaded.series.following(goal.meeting_start) else {
        return Err(AppError::Invalid(
            "The group has no meeting after this one: set a schedule on the meetings page first.".into(),
        ));
    };
    if status == GoalStatus::Open {
        state.store.report_goal(goal.id, GoalStatus::NotMet.code(), &goal.reason, state.now()).await?;
    }
    let carried = NewGoal {
        group_id: goal.group_id,
        user_id: goal.user_id,
        meeting_start: next.start,
        text: goal.text.clone(),
        kind: goal.kind.clone(),
        long_goal_id: goal.long_goal_id,
        carried_from: Some(goal.id),
    };
    state.store.declare_goal(&carried, state.now()).await?;
    Ok((goal.group_id, next.start))
}

/// How many of their newest goals My goals lists; the year view has every one.
pub const RECENT_SHOWN: usize = 20;
/// How many of the newest weekly goals My goals shows under each long-term goal.
pub const SERVING_SHOWN: usize = 5;

/// What My goals shows: their record, newest goals, long-term goals with the newest goals that
/// served each, and their settings (reminders muted, a calendar feed, an API token).
pub struct OwnGoals {
    pub record: Record,
    /// Newest first.
    pub recent: Vec<Goal>,
    pub long_goals: Vec<LongGoal>,
    /// The newest goals that served each long-term goal, oldest first.
    pub serving: Vec<Goal>,
    /// How many goals served each long-term goal in all, by its id.
    pub served_in_all: HashMap<i64, usize>,
    /// The schedules of the groups of the actor's goals, for their dates in each group's zone.
    pub schedules: Vec<ScheduleRow>,
    pub reminders_muted: bool,
    pub has_feed: bool,
    pub has_api_token: bool,
}

pub async fn own_goals(state: &AppState, actor: &Actor) -> AppResult<OwnGoals> {
    let id = actor.user.id;
    let (reminders_muted, has_feed, has_api_token) = state.store.own_switches(id).await?;
    // A long history is read in outline; only the goals the page shows are read in full.
    let outline = state.store.goal_outline(id).await?;
    let pairs: Vec<(i64, GoalStatus)> = outline.iter().map(|g| (g.meeting_start, g.status)).collect();
    let recent: Vec<i64> = outline.iter().rev().take(RECENT_SHOWN).map(|g| g.id).collect();
    // Per long-term goal: how many goals served it, and the newest of them.
    let mut serving: HashMap<i64, (usize, Vec<i64>)> = HashMap::new();
    for goal in outline.iter().rev() {
        if let Some(long) = goal.long_goal_id {
            let (total, newest) = serving.entry(long).or_default();
            *total += 1;
            if newest.len() < SERVING_SHOWN {
                newest.push(goal.id);
            }
        }
    }
    let shown = distinct(recent.iter().chain(serving.values().flat_map(|(_, ids)| ids)).copied());
    let goals = state.store.goals_by_ids(&shown).await?;
    // Only the goals shown are dated, in their groups' zones.
    let groups = distinct(goals.iter().map(|g| g.group_id));
    let full = |id: &i64| goals.iter().find(|g| g.id == *id).cloned();
    Ok(OwnGoals {
        record: Record::of(&pairs),
        recent: recent.iter().filter_map(full).collect(),
        serving: goals.iter().filter(|g| serving.values().any(|(_, newest)| newest.contains(&g.id))).cloned().collect(),
        served_in_all: serving.iter().map(|(long, (total, _))| (*long, *total)).collect(),
        long_goals: state.store.long_goals(id).await?,
        schedules: state.store.schedules_of_groups(&groups).await?,
        reminders_muted,
        has_feed,
        has_api_token,
    })
}

/// The actor's goals for meetings in `[from, to)` (oldest first), with their long-term goals
/// and the schedules that date them: a year view.
pub struct OwnYear {
    pub goals: Vec<Goal>,
    pub long_goals: Vec<LongGoal>,
    pub schedules: Vec<ScheduleRow>,
}

pub async fn own_year(state: &AppState, actor: &Actor, (from, to): (i64, i64)) -> AppResult<OwnYear> {
    let id = actor.user.id;
    let goals = state.store.user_goals_between(id, from, to).await?;
    let groups = distinct(goals.iter().map(|g| g.group_id));
    Ok(OwnYear {
        long_goals: state.store.long_goals(id).await?,
        schedules: state.store.schedules_of_groups(&groups).await?,
        goals,
    })
}

/// The values, each once, in order.
fn distinct(values: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut values: Vec<i64> = values.collect();
    values.sort_unstable();
    values.dedup();
    values
}

/// A long-term goal of the actor's own (a paper, a grant, a promotion) that meeting goals serve.
pub async fn create_long_goal(
    state: &AppState,
    actor: &Actor,
    title: &str,
    kind: &str,
    target_date: &str,
) -> AppResult<()> {
    let (title, kind, target) = goals::validate_long_goal(title, kind, target_date).map_err(AppError::invalid)?;
    state.store.create_long_goal(actor.user.id, &title, &kind, &target, state.now()).await?;
    Ok(())
}

pub async fn set_long_goal_status(state: &AppState, actor: &Actor, id: i64, status: &str) -> AppResult<()> {
    let long = state.store.long_goal(id).await?.ok_or(AppError::NotFound)?;
    if !access::can_see_own_goals(actor, long.user_id) {
        return Err(AppError::NotFound);
    }
    let status = goals::validate_long_status(status).map_err(AppError::invalid)?;
    state.store.set_long_goal_status(long.id, &status).await?;
    Ok(())
}

/// Turns the actor's meeting reminders and goal nudges off or back on.
pub async fn set_reminders_muted(state: &AppState, actor: &Actor, muted: bool) -> AppResult<()> {
    state.store.set_reminders_muted(actor.user.id, muted, state.now()).await?;
    Ok(())
}

/// A program's accountability in aggregate: goal and attendance counts per group, and wins
/// counted by kind. Counts only, never what was said.
pub async fn program_counts(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
) -> AppResult<(Program, Vec<GroupGoalCounts>, Vec<(String, i64)>)> {
    let program = state.store.program(program_id).await?.ok_or(AppError::NotFound)?;
    if !access::can_see_group_counts(actor, program.id) {
        return Err(AppError::NotFound);
    }
    let counts = state.store.program_goal_counts(program.id).await?;
    let wins = state.store.program_win_counts(program.id).await?;
    Ok((program, counts, wins))
}

/// How many months the engagement report covers, ending with the current one.
pub const ENGAGEMENT_MONTHS: usize = 24;

/// One cohort's months, in order, as the engagement report shows them.
pub struct CohortEngagement {
    /// The round's name, or "" for groups formed outside a round.
    pub cohort: String,
    pub months: Vec<crate::report::engagement::MonthCounts>,
}

/// Engagement over time for the program's managers: per cohort and month, meetings held,
/// attendance, goals declared and the share met. Counts only, never a goal's text.
pub async fn engagement(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
) -> AppResult<(Program, Vec<String>, Vec<CohortEngagement>)> {
    use crate::report::engagement::months_ending_at;
    let program = state.store.program(program_id).await?.ok_or(AppError::NotFound)?;
    if !access::can_see_group_counts(actor, program.id) {
        return Err(AppError::NotFound);
    }
    let months = months_ending_at(state.now(), ENGAGEMENT_MONTHS);
    let mut bounds: Vec<i64> = months.iter().map(|(_, start, _)| *start).collect();
    bounds.extend(months.last().map(|(_, _, end)| *end));
    let (goals, attendance, meetings) = state.store.program_engagement(program.id, &bounds).await?;
    let mut cohorts: Vec<CohortEngagement> = Vec::new();
    let months_len = months.len();
    for row in goals {
        if let Some(c) = cell(&mut cohorts, months_len, &row.cohort, row.month) {
            (c.declared, c.reported, c.met, c.partly) = (row.a, row.b, row.c, row.d);
        }
    }
    for row in attendance {
        if let Some(c) = cell(&mut cohorts, months_len, &row.cohort, row.month) {
            (c.present, c.attendance_records) = (row.a, row.b);
        }
    }
    for row in meetings {
        if let Some(c) = cell(&mut cohorts, months_len, &row.cohort, row.month) {
            c.meetings = row.a;
        }
    }
    cohorts.sort_by(|a, b| a.cohort.cmp(&b.cohort));
    Ok((program, months.into_iter().map(|(label, ..)| label).collect(), cohorts))
}

/// The counts of `cohort` in month `month` (an index), the cohort added when first seen.
fn cell<'a>(
    cohorts: &'a mut Vec<CohortEngagement>,
    months: usize,
    cohort: &str,
    month: i64,
) -> Option<&'a mut crate::report::engagement::MonthCounts> {
    let index = usize::try_from(month).ok().filter(|m| *m < months)?;
    let at = match cohorts.iter().position(|c| c.cohort == cohort) {
        Some(at) => at,
        None => {
            cohorts.push(CohortEngagement { cohort: cohort.to_string(), months: vec![Default::default(); months] });
            cohorts.len() - 1
        }
    };
    cohorts[at].months.get_mut(index)
}
