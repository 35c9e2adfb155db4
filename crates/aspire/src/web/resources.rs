//! Resources members share (writing samples, aims pages, budget templates, links), with their
//! group or the whole program; searchable by tag and text. Files are always downloads.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, Notice};
use crate::app::resources::{self, NewShare};
use crate::auth::{Actor, CsrfForm, CsrfOnly, access};
use crate::domain::resources::{
    ALLOWED_EXTENSIONS, MAX_FILE_BYTES, attachment_header, matches_search, served_content_type,
};
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::Program;

pub fn routes() -> Routes {
    Routes::new()
        .get("/programs/{id}/resources", resources_page)
        .post("/programs/{id}/resources", share_resource)
        .get("/resources/{id}/download", download)
        .post("/resources/{id}/delete", delete_resource)
}

#[derive(Debug, Default, Deserialize)]
struct Search {
    #[serde(default)]
    q: String,
    #[serde(default)]
    tag: String,
}

struct ResourceView {
    id: i64,
    title: String,
    description: String,
    url: String,
    is_file: bool,
    file_name: String,
    size: String,
    tags: Vec<String>,
    author_name: String,
    shared_with: String,
    can_delete: bool,
}

/// What was typed, to show the form again after a mistake.
#[derive(Default)]
struct Draft {
    title: String,
    description: String,
    tags: String,
    url: String,
    share: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "resources.html")]
struct ResourcesPage {
    layout: Layout,
    program: Program,
    resources: Vec<ResourceView>,
    /// Every tag among the resources this actor may see, for one-click filtering.
    tags: Vec<String>,
    q: String,
    tag: String,
    searching: bool,
    can_share: bool,
    /// (value, label): the program, then each of the actor's groups in it.
    share_options: Vec<(String, String)>,
    draft: Draft,
    error: Option<String>,
    max_mb: usize,
    allowed: &'static str,
}

fn size_label(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

async fn render(
    state: &AppState,
    actor: &Actor,
    program: Program,
    search: Search,
    notice: &Notice,
    draft: Draft,
    error: Option<String>,
) -> AppResult<ResourcesPage> {
    let visible = resources::visible_resources(state, actor, &program).await?;
    let mut tags: Vec<String> = visible.iter().flat_map(|r| r.tag_list()).map(str::to_string).collect();
    tags.sort();
    tags.dedup();
    let resources = visible
        .iter()
        .filter(|r| {
            matches_search([&r.title, &r.description, &r.file_name, &r.url], &r.tag_list(), &search.q, &search.tag)
        })
        .map(|r| ResourceView {
            id: r.id,
            title: r.title.clone(),
            description: r.description.clone(),
            url: r.url.clone(),
            is_file: r.is_file(),
            file_name: r.file_name.clone(),
            size: size_label(r.size_bytes),
            tags: r.tag_list().into_iter().map(str::to_string).collect(),
            author_name: r.author_name.clone(),
            shared_with: if r.group_id.is_some() { r.group_name.clone() } else { "the whole program".to_string() },
            can_delete: access::can_change_item(actor, &r.audience()),
        })
        .collect();
    let share_groups = resources::share_groups(state, actor, &program).await?;
    let can_share = share_groups.is_some();
    let mut share_options: Vec<(String, String)> = share_groups
        .unwrap_or_default()
        .into_iter()
        .map(|g| (g.id.to_string(), format!("my group, {}", g.name)))
        .collect();
    if can_share {
        share_options.push(("program".to_string(), "the whole program".to_string()));
    }
    Ok(ResourcesPage {
        layout: Layout::for_actor(actor).with_notice(notice),
        program,
        resources,
        tags,
        searching: !search.q.trim().is_empty() || !search.tag.trim().is_empty(),
        q: search.q,
        tag: search.tag,
        can_share,
        share_options,
        draft,
        error,
        max_mb: MAX_FILE_BYTES / (1024 * 1024),
        allowed: ALLOWED_EXTENSIONS,
    })
}

async fn resources_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(search): Query<Search>,
    Query(notice): Query<Notice>,
) -> AppResult<ResourcesPage> {
    let program = resources::browsable_program(&state, &actor, id).await?;
    render(&state, &actor, program, search, &notice, Draft::default(), None).await
}

/// The upload form as read from the request. A file beyond the limit is not kept: only how
/// much of it arrived, for the message.
#[derive(Default)]
struct Upload {
    csrf: String,
    draft: Draft,
    file_name: String,
    file: Vec<u8>,
    oversized: Option<usize>,
}

async fn read_upload(multipart: &mut Multipart) -> AppResult<Upload> {
    let mut upload = Upload::default();
    let unreadable = super::upload_error(MAX_FILE_BYTES, "compress it, split it, or share a link to it instead.");
    while let Some(mut field) = multipart.next_field().await.map_err(&unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            upload.file_name = field.file_name().unwrap_or_default().to_string();
            let mut received = 0usize;
            while let Some(chunk) = field.chunk().await.map_err(&unreadable)? {
                received += chunk.len();
                if received > MAX_FILE_BYTES {
                    upload.file = Vec::new();
                    upload.oversized = Some(received);
                } else {
                    upload.file.extend_from_slice(&chunk);
                }
            }
            continue;
        }
        let value = field.text().await.map_err(&unreadable)?;
        match name.as_str() {
            "csrf" => upload.csrf = value,
            "title" => upload.draft.title = value,
            "description" => upload.draft.description = value,
            "tags" => upload.draft.tags = value,
            "url" => upload.draft.url = value,
            "share" => upload.draft.share = value,
            _ => {}
        }
    }
    Ok(upload)
}

async fn share_resource(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let upload = read_upload(&mut multipart).await?;
    // The token is checked before anything else, so a forged request learns nothing.
    actor.verify_csrf(&upload.csrf)?;
    let file = (!upload.file_name.is_empty() || !upload.file.is_empty() || upload.oversized.is_some())
        .then_some((upload.file_name.as_str(), upload.file));
    let input = NewShare {
        title: &upload.draft.title,
        description: &upload.draft.description,
        tags: &upload.draft.tags,
        url: &upload.draft.url,
        share: &upload.draft.share,
        file,
        oversized: upload.oversized,
    };
    match resources::share(&state, &actor, id, input).await {
        Err(refusal @ (AppError::Invalid(_) | AppError::TooLarge(_))) => {
            let status = refusal.status();
            let program = resources::browsable_program(&state, &actor, id).await?;
            let message = refusal.public_message();
            let page =
                render(&state, &actor, program, Search::default(), &Notice::default(), upload.draft, Some(message))
                    .await?;
            Ok((status, page).into_response())
        }
        shared => shared.map(|()| Redirect::to(&format!("/programs/{id}/resources?notice=added")).into_response()),
    }
}

/// A shared file, as a download in a type that is never rendered as a page.
async fn download(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Response> {
    let (resource, bytes) = resources::download(&state, &actor, id).await?;
    let disposition =
        HeaderValue::from_str(&attachment_header(&resource.file_name)).map_err(|e| AppError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(served_content_type(&resource.content_type))),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

async fn delete_resource(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    let resource = resources::delete(&state, &actor, id).await?;
    Ok(Redirect::to(&format!("/programs/{}/resources?notice=removed", resource.program_id)))
}
