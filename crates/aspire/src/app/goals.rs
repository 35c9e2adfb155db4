//! Goals: declared at a meeting, reported at the next, carried forward when unmet.

use super::meetings::{load_series, visible_meeting};
use crate::auth::{Actor, access};
use crate::domain::goals::{self, GoalStatus};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::meetings::{Goal, NewGoal};

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
    if !access::can_run_meetings(actor, &group) {
        return Err(AppError::NotFound);
    }
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
