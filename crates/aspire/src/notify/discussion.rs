//! Telling a group about new threads and replies, by email, as they happen: to each member
//! who may read the post (a concern reaches only its facilitator) and has not turned these
//! emails off, or once a day in a digest. Emails say who and where, with a link; never the title
//! or the text.

use std::collections::BTreeMap;

use super::emails::{DiscussionDigest, DiscussionNotice, Email};
use crate::auth::token::new_token;
use crate::auth::{Actor, access};
use crate::domain::Audience;
use crate::state::AppState;
use crate::store::{Group, NewEmail, Result as StoreResult, User};

/// How a person hears about their groups' discussions.
pub const IMMEDIATE: &str = "immediate";
pub const DAILY: &str = "daily";
pub const OFF: &str = "off";
/// Posts a digest counts before it says "or more".
const DIGEST_COUNTED: i64 = 200;

/// The emails for a post by `author` in `group` that `audience` may read; `thread_id` is the
/// thread replied to, `None` for a new thread.
pub async fn notices(
    state: &AppState,
    group: &Group,
    author: &User,
    audience: &Audience,
    thread_id: Option<i64>,
) -> StoreResult<Vec<NewEmail>> {
    let base = state.settings.public_url();
    let link = match thread_id {
        Some(thread) => format!("{base}/posts/{thread}"),
        None => format!("{base}/groups/{}/discussion", group.id),
    };
    let mut emails = Vec::new();
    for member in state.store.group_members(group.id).await? {
        if member.user.id == author.id {
            continue;
        }
        // The reader's own memberships decide, through the one rule every page asks.
        let reader = Actor {
            memberships: state.store.memberships(member.user.id).await?,
            user: member.user,
            csrf_token: String::new(),
        };
        if !access::can_see_item(&reader, audience) {
            continue;
        }
        let (how, token) = state.store.notification_settings(reader.user.id, &new_token()).await?;
        if how != IMMEDIATE {
            continue;
        }
        let unsubscribe = format!("{base}/unsubscribe/{token}");
        let notice = DiscussionNotice {
            name: &reader.user.profile.name,
            author: &author.profile.name,
            replied: thread_id.is_some(),
            for_facilitator: audience.facilitator_id == Some(reader.user.id),
            group: &group.name,
            link: &link,
            settings_link: format!("{base}/account#notifications"),
            unsubscribe_link: &unsubscribe,
        };
        let Ok(mut email) = notice.to(&reader.user.profile.email) else { continue };
        email.unsubscribe_url = unsubscribe;
        emails.push(email);
    }
    Ok(emails)
}

/// Queues the daily digests that are due at `state.now()`: for each person who chose one, how
/// many posts they may read arrived in each of their groups since the last. Returns how many
/// were queued (a day with nothing new moves on without an email).
pub async fn send_digests(state: &AppState) -> StoreResult<usize> {
    let now = state.now();
    let base = state.settings.public_url();
    let mut queued = 0;
    let up_to = state.store.latest_post_id().await?;
    for (user_id, told_until, counted_post, token) in state.store.digests_due(now).await? {
        let Some(user) = state.store.user(user_id).await? else { continue };
        // The first digest covers the day before it.
        let since = if told_until == 0 { now - 86_400 } else { i64::MIN };
        let reader = Actor { memberships: state.store.memberships(user_id).await?, user, csrf_token: String::new() };
        let mut per_group: BTreeMap<String, i64> = BTreeMap::new();
        let names: BTreeMap<i64, String> =
            state.store.groups_of_user(user_id).await?.into_iter().map(|g| (g.id, g.name)).collect();
        for post in state.store.posts_between(user_id, (counted_post, up_to), since, DIGEST_COUNTED).await? {
            if access::can_see_item(&reader, &post.audience())
                && let Some(name) = names.get(&post.group_id)
            {
                *per_group.entry(name.clone()).or_default() += 1;
            }
        }
        let email = if per_group.is_empty() {
            None
        } else {
            let unsubscribe = format!("{base}/unsubscribe/{token}");
            let lines: Vec<String> = per_group
                .iter()
                .map(|(group, n)| format!("- {group}: {}", crate::web::count(n, "new post", "new posts")))
                .collect();
            let digest = DiscussionDigest {
                name: &reader.user.profile.name,
                lines: &lines,
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
                    tracing::warn!(error = %e, "could not write a digest");
                    continue;
                }
            }
        };
        if state.store.claim_digest(user_id, (told_until, up_to), now, email.as_ref()).await? && email.is_some() {
            queued += 1;
        }
    }
    Ok(queued)
}
