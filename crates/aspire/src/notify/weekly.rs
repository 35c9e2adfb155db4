//! The weekly summary: for everyone in a group who has not turned it off, their next meetings
//! (when and where), how many goals wait for their report, and how many recent wins of their
//! peers and nominations wait for them. Counts and links only: never a goal's or post's text.

use crate::app::home;
use crate::auth::Actor;
use crate::auth::token::new_token;
use crate::state::AppState;
use crate::web::count;

use super::emails::{Email, WeeklyDigest};

/// Meetings a summary lists, at most.
const MEETINGS_LISTED: usize = 5;

/// Queues the weekly summaries due at `state.now()`. Returns how many were queued (a week
/// with nothing to say moves on without an email). An error for one person is logged and the
/// others still get theirs.
pub async fn send_weekly_digests(state: &AppState) -> crate::store::Result<usize> {
    let now = state.now();
    let base = state.settings.public_url();
    let mut queued = 0;
    for (user_id, told_until) in state.store.weekly_digests_due(now).await? {
        let Some(user) = state.store.user(user_id).await? else { continue };
        // The row holds the unsubscribe token and the claim; made here for those without one.
        let (_, token) = state.store.notification_settings(user_id, &new_token()).await?;
        let reader = Actor { memberships: state.store.memberships(user_id).await?, user, csrf_token: String::new() };
        let overview = match home::overview(state, &reader).await {
            Ok(overview) => overview,
            Err(e) => {
                tracing::warn!(error = %e, user_id, "could not gather a weekly summary");
                continue;
            }
        };
        let meetings: Vec<String> = overview
            .next_meetings
            .iter()
            .take(MEETINGS_LISTED)
            .map(|m| {
                let place = if m.place.is_empty() { String::new() } else { format!(", {}", m.place) };
                format!("- {}: {}{place}", m.group_name, m.when)
            })
            .collect();
        let mut waiting = Vec::new();
        if !overview.goals_to_report.is_empty() {
            waiting.push(format!("- {} to report", count(overview.goals_to_report.len(), "goal", "goals")));
        }
        if !overview.nominations_waiting.is_empty() {
            let n = overview.nominations_waiting.len();
            waiting.push(format!("- {} waiting for your answer", count(n, "nomination", "nominations")));
        }
        if !overview.wins_to_cheer.is_empty() {
            let n = overview.wins_to_cheer.len();
            waiting.push(format!("- {} by your peers to cheer", count(n, "recent win", "recent wins")));
        }
        let email = if meetings.is_empty() && waiting.is_empty() {
            None
        } else {
            let unsubscribe = format!("{base}/unsubscribe/{token}?from=weekly");
            let digest = WeeklyDigest {
                name: &reader.user.profile.name,
                meetings: &meetings,
                waiting: &waiting,
                link: format!("{base}/"),
                settings_link: format!("{base}/account#notifications"),
                unsubscribe_link: &unsubscribe,
            };
            match digest.to(&reader.user.profile.email) {
                Ok(mut email) => {
                    email.unsubscribe_url = unsubscribe;
                    Some(email)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not write a weekly summary");
                    continue;
                }
            }
        };
        if state.store.claim_weekly_digest(user_id, told_until, now, email.as_ref()).await? && email.is_some() {
            queued += 1;
        }
    }
    Ok(queued)
}
