//! A group's discussion: threads and replies, edited or deleted by their authors. A concern
//! may be posted for one chosen facilitator only. Every list asks `access::can_see_item`; a
//! reply is seen by whoever sees its thread.

use super::paging::{self, Page};
use crate::auth::{Actor, access};
use crate::domain::Audience;
use crate::domain::Visibility;
use crate::domain::markdown::MAX_POST_CHARS;
use crate::error::{AppError, AppResult};
use crate::notify::discussion;
use crate::state::AppState;
use crate::store::community::{NewPost, Post, ThreadCard};
use crate::store::{Group, GroupRole};

/// A group whose discussion the actor takes part in; anything else is a 404.
pub async fn discussion_group(state: &AppState, actor: &Actor, id: i64) -> AppResult<Group> {
    let group = state.store.group(id).await?.ok_or(AppError::NotFound)?;
    if access::can_post_in_group(actor, &group) { Ok(group) } else { Err(AppError::NotFound) }
}

/// The group's facilitators, by id and name: who a concern may be addressed to.
pub async fn facilitators(state: &AppState, group_id: i64) -> AppResult<Vec<(i64, String)>> {
    Ok(state
        .store
        .group_member_names(group_id)
        .await?
        .into_iter()
        .filter(|m| m.role == GroupRole::Facilitator)
        .map(|m| (m.user_id, m.name))
        .collect())
}

/// How many threads a page of a group's discussion lists.
pub const THREADS_PER_PAGE: i64 = 30;

/// A page of the group's threads the actor may see, newest first, below the thread `before`.
/// Opening the latest page counts as reading the group's discussion (for the home page's
/// unread count).
pub async fn threads(
    state: &AppState,
    actor: &Actor,
    group: &Group,
    before: Option<i64>,
) -> AppResult<Page<ThreadCard>> {
    if before.is_none() {
        state.store.mark_discussion_read(actor.user.id, group.id, state.now()).await?;
    }
    let rows = state.store.group_threads(group.id, paging::below(before), THREADS_PER_PAGE + 1).await?;
    Ok(Page::from_rows(rows, THREADS_PER_PAGE, |p| p.id).filter(|p| access::can_see_item(actor, &p.audience())))
}

/// A post the actor may see, with its group, or a 404 that says nothing of it.
pub async fn visible_post(state: &AppState, actor: &Actor, id: i64) -> AppResult<(Post, Group)> {
    let (post, group) = state.store.post_with_group(id).await?.ok_or(AppError::NotFound)?;
    // Former members no longer see the group's discussion, their own threads included.
    if access::can_post_in_group(actor, &group) && access::can_see_item(actor, &post.audience()) {
        Ok((post, group))
    } else {
        Err(AppError::NotFound)
    }
}

/// How many replies a thread page shows.
pub const REPLIES_PER_PAGE: i64 = 50;

/// A page of a thread's replies the actor sees: the latest ones, or those before the reply
/// `before`; with where the page of earlier replies starts, if there are any.
pub async fn replies(
    state: &AppState,
    actor: &Actor,
    thread: &Post,
    before: Option<i64>,
) -> AppResult<(Vec<Post>, Option<i64>)> {
    let mut page = state.store.thread_replies(thread, before.unwrap_or(i64::MAX), REPLIES_PER_PAGE + 1).await?;
    let earlier = if page.len() as i64 > REPLIES_PER_PAGE {
        page.remove(0);
        page.first().map(|p| p.id)
    } else {
        None
    };
    let visible = page.into_iter().filter(|p| access::can_see_item(actor, &p.audience())).collect();
    Ok((visible, earlier))
}

fn checked_body(body: &str) -> AppResult<String> {
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::Invalid("Write something before posting.".into()));
    }
    if body.chars().count() > MAX_POST_CHARS {
        return Err(AppError::Invalid(format!(
            "Keep a post under {MAX_POST_CHARS} characters: split it into a thread and replies."
        )));
    }
    Ok(body.to_string())
}

fn checked_title(title: &str) -> AppResult<String> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(AppError::Invalid("A thread needs a title of 1 to 200 characters.".into()));
    }
    Ok(title.to_string())
}

/// A new thread as typed.
pub struct NewThread<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// "group", or "facilitator:{user id}" for a concern meant for one facilitator.
    pub audience: &'a str,
}

/// Starts a thread; returns its id. What is wrong with the input is `AppError::Invalid`.
pub async fn start_thread(state: &AppState, actor: &Actor, group_id: i64, input: &NewThread<'_>) -> AppResult<i64> {
    let group = discussion_group(state, actor, group_id).await?;
    super::groups::ensure_writable(actor, &group)?;
    let title = checked_title(input.title)?;
    let body = checked_body(input.body)?;
    let (visibility, facilitator_id) = match input.audience {
        "" | "group" => (Visibility::Group, None),
        other => {
            let facilitators = facilitators(state, group.id).await?;
            other
                .strip_prefix("facilitator:")
                .and_then(|f| f.parse::<i64>().ok())
                .filter(|f| facilitators.iter().any(|(id, _)| id == f))
                .map(|f| (Visibility::Facilitator, Some(f)))
                .ok_or_else(|| {
                    AppError::Invalid("Choose who may read this: the whole group, or one of its facilitators.".into())
                })?
        }
    };
    let post = NewPost {
        group_id: group.id,
        thread_id: None,
        author_id: actor.user.id,
        title: &title,
        body: &body,
        visibility,
        facilitator_id,
    };
    let now = state.now();
    let audience = Audience {
        author_id: Some(actor.user.id),
        program_id: group.program_id,
        group_id: Some(group.id),
        visibility,
        facilitator_id,
        created_at: now,
    };
    let notices = discussion::notices(state, &group, &actor.user, &audience, None).await?;
    Ok(state.store.create_post_telling(&post, &notices, now).await?)
}

/// Replies to a thread; returns the thread's id and the reply's.
pub async fn reply(state: &AppState, actor: &Actor, thread_id: i64, body: &str) -> AppResult<(i64, i64)> {
    let (thread, group) = visible_post(state, actor, thread_id).await?;
    if thread.thread_id.is_some() {
        return Err(AppError::NotFound);
    }
    super::groups::ensure_writable(actor, &group)?;
    let body = checked_body(body)?;
    // A reply has its thread's audience.
    let new = NewPost {
        group_id: group.id,
        thread_id: Some(thread.id),
        author_id: actor.user.id,
        title: "",
        body: &body,
        visibility: thread.visibility,
        facilitator_id: thread.facilitator_id,
    };
    let notices = discussion::notices(state, &group, &actor.user, &thread.audience(), Some(thread.id)).await?;
    let reply_id = state.store.create_post_telling(&new, &notices, state.now()).await?;
    Ok((thread.id, reply_id))
}

/// A post its author (or whoever may change it) may edit or delete.
async fn changeable_post(state: &AppState, actor: &Actor, id: i64) -> AppResult<(Post, Group)> {
    let (post, group) = visible_post(state, actor, id).await?;
    super::groups::ensure_writable(actor, &group)?;
    if access::can_change_post(actor, post.author_id, &post.audience()) {
        Ok((post, group))
    } else {
        Err(AppError::NotFound)
    }
}

/// Changes a post's text (and a thread's title); returns the post as it was.
pub async fn edit_post(state: &AppState, actor: &Actor, id: i64, title: &str, body: &str) -> AppResult<Post> {
    let (post, _) = changeable_post(state, actor, id).await?;
    let title = if post.thread_id.is_none() { checked_title(title)? } else { String::new() };
    let body = checked_body(body)?;
    state.store.edit_post(post.id, &title, &body, state.now()).await?;
    Ok(post)
}

/// Deletes a post (a thread with its replies); returns it and its group.
pub async fn delete_post(state: &AppState, actor: &Actor, id: i64) -> AppResult<(Post, Group)> {
    let (post, group) = changeable_post(state, actor, id).await?;
    state.store.delete_post(post.id).await?;
    Ok((post, group))
}
