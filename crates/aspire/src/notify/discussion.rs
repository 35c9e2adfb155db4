//! Telling a group about new threads and replies, by email, as they happen: to each member
//! who may read the post (a concern reaches only its facilitator) and has not turned these
//! emails off. Emails say who and where, with a link; never the title or the text.

use super::emails::{DiscussionNotice, Email};
use crate::auth::token::new_token;
use crate::auth::{Actor, access};
use crate::domain::Audience;
use crate::state::AppState;
use crate::store::{Group, NewEmail, Result as StoreResult, User};

/// How a person hears about their groups' discussions.
pub const IMMEDIATE: &str = "immediate";
pub const OFF: &str = "off";

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
