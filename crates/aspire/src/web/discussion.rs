//! A group's discussion: threads and replies in Markdown (rendered, then sanitised), edited or
//! deleted by their authors. A concern may be posted for one chosen facilitator only. Every
//! list and page asks `access::can_see_item`; a reply is seen by whoever sees its thread.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, Notice};
use crate::auth::{Actor, CsrfForm, CsrfOnly, access};
use crate::domain::Visibility;
use crate::domain::markdown::{self, MAX_POST_CHARS};
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::community::{NewPost, Post};
use crate::store::{Group, GroupRole};

pub fn routes() -> Routes {
    Routes::new()
        .get("/groups/{id}/discussion", discussion_page)
        .post("/groups/{id}/discussion", start_thread)
        .get("/posts/{id}", thread_page)
        .post("/posts/{id}/replies", reply)
        .post("/posts/{id}/edit", edit_post)
        .post("/posts/{id}/delete", delete_post)
}

/// A post as shown.
pub struct PostView {
    pub post: Post,
    pub mine: bool,
    pub for_facilitator: Option<String>,
}

impl PostView {
    /// Its Markdown as sanitised HTML, rendered only where a page shows the body (not in lists).
    pub fn html(&self) -> String {
        markdown::render(&self.post.body)
    }
}

async fn discussion_group(state: &AppState, actor: &Actor, id: i64) -> AppResult<Group> {
    let group = state.store.group(id).await?.ok_or(AppError::NotFound)?;
    if access::can_post_in_group(actor, &group) { Ok(group) } else { Err(AppError::NotFound) }
}

#[derive(Template, WebTemplate)]
#[template(path = "discussion.html")]
struct DiscussionPage {
    layout: Layout,
    group: Group,
    threads: Vec<PostView>,
    facilitators: Vec<(i64, String)>,
    error: Option<String>,
    title: String,
    body: String,
}

async fn facilitators(state: &AppState, group_id: i64) -> AppResult<Vec<(i64, String)>> {
    Ok(state
        .store
        .group_members(group_id)
        .await?
        .into_iter()
        .filter(|m| m.role == GroupRole::Facilitator)
        .map(|m| (m.user.id, m.user.profile.name))
        .collect())
}

fn view(actor: &Actor, post: Post, facilitators: &[(i64, String)]) -> PostView {
    let for_facilitator = (post.visibility == Visibility::Facilitator).then(|| {
        facilitators
            .iter()
            .find(|(id, _)| Some(*id) == post.facilitator_id)
            .map_or_else(|| "a facilitator".to_string(), |(_, name)| name.clone())
    });
    PostView { mine: post.author_id == Some(actor.user.id), for_facilitator, post }
}

async fn discussion(state: &AppState, actor: &Actor, group: Group) -> AppResult<DiscussionPage> {
    let facilitators = facilitators(state, group.id).await?;
    let threads = state
        .store
        .group_threads(group.id)
        .await?
        .into_iter()
        .filter(|p| access::can_see_item(actor, &p.audience()))
        .map(|p| view(actor, p, &facilitators))
        .collect();
    Ok(DiscussionPage {
        layout: Layout::for_actor(actor),
        group,
        threads,
        facilitators,
        error: None,
        title: String::new(),
        body: String::new(),
    })
}

async fn discussion_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
) -> AppResult<DiscussionPage> {
    let group = discussion_group(&state, &actor, id).await?;
    let mut page = discussion(&state, &actor, group).await?;
    page.layout = page.layout.with_notice(&notice);
    Ok(page)
}

fn checked_body(body: &str) -> Result<String, String> {
    let body = body.trim();
    if body.is_empty() {
        return Err("Write something before posting.".into());
    }
    if body.chars().count() > MAX_POST_CHARS {
        return Err(format!("Keep a post under {MAX_POST_CHARS} characters: split it into a thread and replies."));
    }
    Ok(body.to_string())
}

fn checked_title(title: &str) -> Result<String, String> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err("A thread needs a title of 1 to 200 characters.".into());
    }
    Ok(title.to_string())
}

#[derive(Deserialize)]
struct ThreadForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    /// "group", or "facilitator:{user id}" for a concern meant for one facilitator.
    #[serde(default)]
    audience: String,
}

async fn start_thread(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<ThreadForm>,
) -> AppResult<Response> {
    let group = discussion_group(&state, &actor, id).await?;
    let facilitators = facilitators(&state, group.id).await?;
    let audience = match form.audience.as_str() {
        "" | "group" => Ok((Visibility::Group, None)),
        other => other
            .strip_prefix("facilitator:")
            .and_then(|f| f.parse::<i64>().ok())
            .filter(|f| facilitators.iter().any(|(id, _)| id == f))
            .map(|f| (Visibility::Facilitator, Some(f)))
            .ok_or_else(|| "Choose who may read this: the whole group, or one of its facilitators.".to_string()),
    };
    let checked = checked_title(&form.title).and_then(|t| Ok((t, checked_body(&form.body)?, audience?)));
    let (title, body, (visibility, facilitator_id)) = match checked {
        Ok(ok) => ok,
        Err(message) => {
            let mut page = discussion(&state, &actor, group).await?;
            page.error = Some(message);
            page.title = form.title;
            page.body = form.body;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
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
    let id = state.store.create_post(&post, state.now()).await?;
    Ok(Redirect::to(&format!("/posts/{id}")).into_response())
}

/// A post the actor may see, with its group, or a 404 that says nothing of it.
async fn visible_post(state: &AppState, actor: &Actor, id: i64) -> AppResult<(Post, Group)> {
    let post = state.store.post(id).await?.ok_or(AppError::NotFound)?;
    let group = state.store.group(post.group_id).await?.ok_or(AppError::NotFound)?;
    // Former members no longer see the group's discussion, their own threads included.
    if access::can_post_in_group(actor, &group) && access::can_see_item(actor, &post.audience()) {
        Ok((post, group))
    } else {
        Err(AppError::NotFound)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "thread.html")]
struct ThreadPage {
    layout: Layout,
    group: Group,
    thread_id: i64,
    title: String,
    for_facilitator: Option<String>,
    /// The thread's first post, then its replies.
    posts: Vec<PostView>,
    error: Option<String>,
}

async fn thread(state: &AppState, actor: &Actor, thread: Post, group: Group) -> AppResult<ThreadPage> {
    let facilitators = facilitators(state, group.id).await?;
    let replies = state.store.thread_replies(thread.id).await?;
    let (thread_id, title) = (thread.id, thread.title.clone());
    let first = view(actor, thread, &facilitators);
    let for_facilitator = first.for_facilitator.clone();
    let mut posts = vec![first];
    posts.extend(
        replies
            .into_iter()
            .filter(|p| access::can_see_item(actor, &p.audience()))
            .map(|p| view(actor, p, &facilitators)),
    );
    Ok(ThreadPage { layout: Layout::for_actor(actor), group, thread_id, title, for_facilitator, posts, error: None })
}

async fn thread_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
) -> AppResult<Response> {
    let (post, group) = visible_post(&state, &actor, id).await?;
    if let Some(thread_id) = post.thread_id {
        return Ok(Redirect::to(&format!("/posts/{thread_id}#post-{}", post.id)).into_response());
    }
    let mut page = thread(&state, &actor, post, group).await?;
    page.layout = page.layout.with_notice(&notice);
    Ok(page.into_response())
}

#[derive(Deserialize)]
struct ReplyForm {
    #[serde(default)]
    body: String,
}

async fn reply(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<ReplyForm>,
) -> AppResult<Response> {
    let (post, group) = visible_post(&state, &actor, id).await?;
    if post.thread_id.is_some() {
        return Err(AppError::NotFound);
    }
    let body = match checked_body(&form.body) {
        Ok(body) => body,
        Err(message) => {
            let mut page = thread(&state, &actor, post, group).await?;
            page.error = Some(message);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    // A reply has its thread's audience.
    let new = NewPost {
        group_id: group.id,
        thread_id: Some(post.id),
        author_id: actor.user.id,
        title: "",
        body: &body,
        visibility: post.visibility,
        facilitator_id: post.facilitator_id,
    };
    let reply_id = state.store.create_post(&new, state.now()).await?;
    Ok(Redirect::to(&format!("/posts/{}#post-{reply_id}", post.id)).into_response())
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

async fn edit_post(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<EditForm>,
) -> AppResult<Response> {
    let (post, _) = visible_post(&state, &actor, id).await?;
    if !access::can_change_post(&actor, post.author_id, &post.audience()) {
        return Err(AppError::NotFound);
    }
    let title = if post.thread_id.is_none() { checked_title(&form.title) } else { Ok(String::new()) };
    let checked = title.and_then(|t| Ok((t, checked_body(&form.body)?)));
    let (title, body) = checked.map_err(AppError::Invalid)?;
    state.store.edit_post(post.id, &title, &body, state.now()).await?;
    let thread_id = post.thread_id.unwrap_or(post.id);
    Ok(Redirect::to(&format!("/posts/{thread_id}?notice=saved#post-{}", post.id)).into_response())
}

async fn delete_post(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    let (post, group) = visible_post(&state, &actor, id).await?;
    if !access::can_change_post(&actor, post.author_id, &post.audience()) {
        return Err(AppError::NotFound);
    }
    state.store.delete_post(post.id).await?;
    Ok(match post.thread_id {
        Some(thread_id) => Redirect::to(&format!("/posts/{thread_id}?notice=removed")),
        None => Redirect::to(&format!("/groups/{}/discussion?notice=removed", group.id)),
    })
}
