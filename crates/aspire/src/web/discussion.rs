//! A group's discussion: threads and replies in Markdown (rendered, then sanitised), edited or
//! deleted by their authors. A concern may be posted for one chosen facilitator only. Every
//! list and page asks `access::can_see_item`; a reply is seen by whoever sees its thread.

use super::pager::{PageQuery, Pager};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, Notice};
use crate::app::discussion::{self, NewThread};
use crate::auth::{Actor, CsrfForm, CsrfOnly};
use crate::domain::Visibility;
use crate::domain::markdown;
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::Group;
use crate::store::community::{Post, ThreadCard};

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

#[derive(Template, WebTemplate)]
#[template(path = "discussion.html")]
struct DiscussionPage {
    layout: Layout,
    group: Group,
    threads: Vec<ThreadView>,
    facilitators: Vec<(i64, String)>,
    pager: Pager,
    error: Option<String>,
    title: String,
    body: String,
}

fn view(actor: &Actor, post: Post, facilitators: &[(i64, String)]) -> PostView {
    let for_facilitator = meant_for(post.visibility, post.facilitator_id, facilitators);
    PostView { mine: post.author_id == Some(actor.user.id), for_facilitator, post }
}

/// A thread in a discussion's list.
pub struct ThreadView {
    pub thread: ThreadCard,
    pub for_facilitator: Option<String>,
}

/// The facilitator a concern is written to, by name: `None` for a post the group sees.
fn meant_for(visibility: Visibility, facilitator_id: Option<i64>, facilitators: &[(i64, String)]) -> Option<String> {
    (visibility == Visibility::Facilitator).then(|| {
        facilitators
            .iter()
            .find(|(id, _)| Some(*id) == facilitator_id)
            .map_or_else(|| "a facilitator".to_string(), |(_, name)| name.clone())
    })
}

async fn discussion(state: &AppState, actor: &Actor, group: Group, asked: &PageQuery) -> AppResult<DiscussionPage> {
    let facilitators = discussion::facilitators(state, group.id).await?;
    let threads = discussion::threads(state, actor, &group, asked.before).await?;
    let pager = Pager::newest_first(format!("/groups/{}/discussion", group.id), threads.next, asked);
    let threads = threads
        .items
        .into_iter()
        .map(|thread| ThreadView {
            for_facilitator: meant_for(thread.visibility, thread.facilitator_id, &facilitators),
            thread,
        })
        .collect();
    Ok(DiscussionPage {
        layout: Layout::for_actor(actor),
        group,
        threads,
        facilitators,
        pager,
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
    Query(asked): Query<PageQuery>,
) -> AppResult<DiscussionPage> {
    let group = discussion::discussion_group(&state, &actor, id).await?;
    let mut page = discussion(&state, &actor, group, &asked).await?;
    page.layout = page.layout.with_notice(&notice);
    Ok(page)
}

#[derive(Deserialize)]
struct ThreadForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    audience: String,
}

async fn start_thread(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<ThreadForm>,
) -> AppResult<Response> {
    let input = NewThread { title: &form.title, body: &form.body, audience: &form.audience };
    let id = match discussion::start_thread(&state, &actor, id, &input).await {
        Err(AppError::Invalid(message)) => {
            let group = discussion::discussion_group(&state, &actor, id).await?;
            let mut page = discussion(&state, &actor, group, &PageQuery::default()).await?;
            page.error = Some(message);
            page.title = form.title;
            page.body = form.body;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        created => created?,
    };
    Ok(Redirect::to(&format!("/posts/{id}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "thread.html")]
struct ThreadPage {
    layout: Layout,
    group: Group,
    thread_id: i64,
    title: String,
    for_facilitator: Option<String>,
    /// The thread's first post, then a page of its replies.
    posts: Vec<PostView>,
    /// Where the page of earlier replies starts, when this page does not reach the first.
    earlier: Option<i64>,
    /// Whether this is an earlier page (the latest replies are elsewhere).
    paged_back: bool,
    error: Option<String>,
}

async fn thread(
    state: &AppState,
    actor: &Actor,
    thread: Post,
    group: Group,
    before: Option<i64>,
) -> AppResult<ThreadPage> {
    let facilitators = discussion::facilitators(state, group.id).await?;
    let (replies, earlier) = discussion::replies(state, actor, &thread, before).await?;
    let (thread_id, title) = (thread.id, thread.title.clone());
    let first = view(actor, thread, &facilitators);
    let for_facilitator = first.for_facilitator.clone();
    let mut posts = vec![first];
    posts.extend(replies.into_iter().map(|p| view(actor, p, &facilitators)));
    Ok(ThreadPage {
        layout: Layout::for_actor(actor),
        group,
        thread_id,
        title,
        for_facilitator,
        posts,
        earlier,
        paged_back: before.is_some(),
        error: None,
    })
}

#[derive(Deserialize)]
struct ThreadQuery {
    #[serde(default)]
    before: Option<i64>,
}

async fn thread_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
    Query(query): Query<ThreadQuery>,
) -> AppResult<Response> {
    let (post, group) = discussion::visible_post(&state, &actor, id).await?;
    if let Some(thread_id) = post.thread_id {
        // The page that ends with this reply.
        let before = post.id + 1;
        return Ok(Redirect::to(&format!("/posts/{thread_id}?before={before}#post-{}", post.id)).into_response());
    }
    let mut page = thread(&state, &actor, post, group, query.before).await?;
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
    let (thread_id, reply_id) = match discussion::reply(&state, &actor, id, &form.body).await {
        Err(AppError::Invalid(message)) => {
            let (post, group) = discussion::visible_post(&state, &actor, id).await?;
            let mut page = thread(&state, &actor, post, group, None).await?;
            page.error = Some(message);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        replied => replied?,
    };
    Ok(Redirect::to(&format!("/posts/{thread_id}#post-{reply_id}")).into_response())
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
    let post = discussion::edit_post(&state, &actor, id, &form.title, &form.body).await?;
    let thread_id = post.thread_id.unwrap_or(post.id);
    Ok(Redirect::to(&format!("/posts/{thread_id}?notice=saved#post-{}", post.id)).into_response())
}

async fn delete_post(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    let (post, group) = discussion::delete_post(&state, &actor, id).await?;
    Ok(match post.thread_id {
        Some(thread_id) => Redirect::to(&format!("/posts/{thread_id}?notice=removed")),
        None => Redirect::to(&format!("/groups/{}/discussion?notice=removed", group.id)),
    })
}
