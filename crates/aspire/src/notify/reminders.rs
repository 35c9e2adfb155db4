//! Reminders before meetings, through the outbox: ahead of each meeting (the series' lead
//! time) a reminder to report on last time's goals and declare new ones; at the meeting, one
//! nudge to whoever still has goals from last time to report. Each is recorded under a unique
//! key in the same transaction that queues its email, so it goes out once even when several
//! app servers run this at the same moment or one restarts. Muted members get none. Emails
//! carry no goal text: only counts and a link.

use super::emails::{Email, GoalsNudge, MeetingReminder};
use crate::domain::cadence;
use crate::domain::goals::GoalStatus;
use crate::state::AppState;
use crate::store::Result as StoreResult;
use crate::store::meetings::LoadedSeries;

/// A nudge is sent from a meeting's start until this long after it (a server that was down
/// catches up; one that was down longer does not nag about old meetings).
const NUDGE_WINDOW_SECONDS: i64 = 6 * 3600;

/// Queues the reminders and nudges that are due at `state.now()`; returns how many were queued.
pub async fn send_due(state: &AppState) -> StoreResult<usize> {
    let store = state.store.as_ref();
    let now = state.now();
    let base = state.settings.public_url();
    let mute_link = format!("{base}/goals#reminders");
    let mut queued = 0;
    for group_id in store.groups_with_series().await? {
        let Some((group, parts)) = store.group_with_series(group_id).await? else { continue };
        let LoadedSeries { row: Some(row), series, .. } = parts.into() else { continue };
        let lead = row.reminder_lead_minutes * 60;
        let meetings = series.occurrences(now - NUDGE_WINDOW_SECONDS, now + lead + 1, 50);
        if meetings.iter().all(|o| o.cancelled) {
            continue;
        }
        let members = store.group_members(group_id).await?;
        for meeting in meetings.iter().filter(|o| !o.cancelled) {
            let zone = series.current(meeting.start).map_or("UTC", |s| s.time_zone.as_str()).to_string();
            let when = cadence::format_local(meeting.start, &zone);
            let link = format!("{base}/groups/{group_id}/meetings/{}", meeting.start);
            let previous = series.previous(meeting.start);
            let earlier = match &previous {
                Some(p) => store.goals_at(group_id, p.start).await?,
                None => Vec::new(),
            };
            let upcoming = meeting.start > now;
            for member in &members {
                if store.reminders_muted(member.user.id).await? {
                    continue;
                }
                let open =
                    earlier.iter().filter(|g| g.user_id == member.user.id && g.status == GoalStatus::Open).count();
                let first_name =
                    member.user.profile.name.split_whitespace().next().unwrap_or(&member.user.profile.name);
                let (kind, email) = if upcoming {
                    let reminder = MeetingReminder {
                        first_name,
                        group: &group.name,
                        when: &when,
                        place: &row.place,
                        open_goals: open,
                        link: &link,
                        mute_link: &mute_link,
                    };
                    ("before", reminder.to(&member.user.profile.email))
                } else {
                    if open == 0 {
                        continue;
                    }
                    let nudge = GoalsNudge {
                        first_name,
                        group: &group.name,
                        when: &when,
                        open_goals: open,
                        link: &link,
                        mute_link: &mute_link,
                    };
                    ("nudge", nudge.to(&member.user.profile.email))
                };
                let email = match email {
                    Ok(email) => email,
                    Err(e) => {
                        tracing::error!(error = %e, "could not write a meeting reminder");
                        continue;
                    }
                };
                if store.send_reminder_once(group_id, meeting.start, member.user.id, kind, &email, now).await? {
                    queued += 1;
                }
            }
        }
    }
    Ok(queued)
}
