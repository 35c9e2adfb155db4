//! Resources members share (writing samples, aims pages, budget templates, links), with their
//! group or the whole program; searchable by tag and text. Files are always downloads.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, Notice};
use crate::auth::{Actor, CsrfForm, CsrfOnly, access};
use crate::domain::Visibility;
use crate::domain::resources::{self, ALLOWED_EXTENSIONS, Content, MAX_FILE_BYTES};
use crate::error::{AppError, AppResult, sentence};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::Program;
use crate::store::files::FileStore;
use crate::store::sharing::{NewResource, Resource};

pub fn routes() -> Routes {
    Routes::new()
        .get("/programs/{id}/resources", resources_page)
        .post("/programs/{id}/resources", share_resource)
        .get("/resources/{id}/download", download)
        .post("/resources/{id}/delete", delete_resource)
}

/// The program, when this actor may look at what its people share.
pub(super) async fn browsable_program(state: &AppState, actor: &Actor, id: i64) -> AppResult<Program> {
    if !access::can_browse_program_items(actor, id) {
        return Err(AppError::NotFound);
    }
    state.store.program(id).await?.ok_or(AppError::NotFound)
}

/// A resource this actor may see; anything else is a 404.
async fn visible_resource(state: &AppState, actor: &Actor, id: i64) -> AppResult<Resource> {
    let resource = state.store.resource(id).await?.ok_or(AppError::NotFound)?;
    if access::can_see_item(actor, &resource.audience()) { Ok(resource) } else { Err(AppError::NotFound) }
}

fn files(state: &AppState) -> FileStore {
    FileStore::new(&state.settings.data_dir)
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
    // One rule for the list and the download: what `can_see_item` refuses is never listed.
    let visible: Vec<Resource> = state
        .store
        .program_resources(program.id)
        .await?
        .into_iter()
        .filter(|r| access::can_see_item(actor, &r.audience()))
        .collect();
    let mut tags: Vec<String> = visible.iter().flat_map(|r| r.tag_list()).map(str::to_string).collect();
    tags.sort();
    tags.dedup();
    let resources = visible
        .iter()
        .filter(|r| {
            resources::matches_search(
                [&r.title, &r.description, &r.file_name, &r.url],
                &r.tag_list(),
                &search.q,
                &search.tag,
            )
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
    let can_share = access::can_share_with_program(actor, program.id);
    let mut share_options = Vec::new();
    if can_share {
        for group in state.store.groups_of_user(actor.user.id).await? {
            if group.program_id == program.id && actor.group_role(group.id).is_some() {
                share_options.push((group.id.to_string(), format!("my group, {}", group.name)));
            }
        }
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
    let program = browsable_program(&state, &actor, id).await?;
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

/// Where a resource goes: the whole program, or one of the actor's own groups in it.
async fn share_target(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
    share: &str,
) -> AppResult<Result<(Visibility, Option<i64>), String>> {
    let share = share.trim();
    if share == "program" {
        return Ok(Ok((Visibility::Program, None)));
    }
    let Ok(group_id) = share.parse::<i64>() else {
        return Ok(Err("Choose who to share this with: your group or the whole program.".to_string()));
    };
    // A group the actor is not in is treated as one that does not exist.
    let group = state.store.group(group_id).await?.ok_or(AppError::NotFound)?;
    if group.program_id != program_id || !access::can_post_in_group(actor, &group) {
        return Err(AppError::NotFound);
    }
    Ok(Ok((Visibility::Group, Some(group.id))))
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
    let program = browsable_program(&state, &actor, id).await?;
    if !access::can_share_with_program(&actor, program.id) {
        return Err(AppError::NotFound);
    }
    let target = share_target(&state, &actor, program.id, &upload.draft.share).await?;
    let file = (!upload.file_name.is_empty() || !upload.file.is_empty() || upload.oversized.is_some())
        .then_some((upload.file_name.as_str(), upload.file.as_slice()));
    let checked = match (upload.oversized, target) {
        (Some(size), _) => Err((StatusCode::PAYLOAD_TOO_LARGE, resources::ResourceError::TooLarge(size).to_string())),
        (None, Err(message)) => Err((StatusCode::UNPROCESSABLE_ENTITY, message)),
        (None, Ok(target)) => resources::validate_resource(
            &upload.draft.title,
            &upload.draft.description,
            &upload.draft.tags,
            &upload.draft.url,
            file,
        )
        .map(|valid| (valid, target))
        .map_err(|e| (StatusCode::UNPROCESSABLE_ENTITY, e.to_string())),
    };
    let (valid, (visibility, group_id)) = match checked {
        Ok(ok) => ok,
        Err((status, message)) => {
            let page = render(
                &state,
                &actor,
                program,
                Search::default(),
                &Notice::default(),
                upload.draft,
                Some(sentence(&message)),
            )
            .await?;
            return Ok((status, page).into_response());
        }
    };
    // The file is on disk before the row that names it, so no row ever points at nothing.
    let (url, sha256, file_name, content_type, size) = match &valid.content {
        Content::Link(url) => (url.clone(), String::new(), String::new(), "", 0),
        Content::File { name, kind } => {
            let size = i64::try_from(upload.file.len()).unwrap_or(i64::MAX);
            let sha256 = files(&state).save(upload.file).await.map_err(|e| {
                AppError::Internal(anyhow::Error::new(e).context("storing a shared file under the data folder"))
            })?;
            (String::new(), sha256, name.clone(), kind.content_type, size)
        }
    };
    let tags = valid.tags.join(",");
    let resource = NewResource {
        author_id: actor.user.id,
        program_id: program.id,
        group_id,
        visibility,
        title: &valid.title,
        description: &valid.description,
        url: &url,
        file_sha256: &sha256,
        file_name: &file_name,
        content_type,
        size_bytes: size,
        tags: &tags,
    };
    state.store.create_resource(&resource, state.now()).await?;
    Ok(Redirect::to(&format!("/programs/{}/resources?notice=added", program.id)).into_response())
}

/// A shared file, as a download in a type that is never rendered as a page.
async fn download(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Response> {
    let resource = visible_resource(&state, &actor, id).await?;
    if !resource.is_file() {
        return Err(AppError::NotFound);
    }
    let bytes = files(&state).read(&resource.file_sha256).await.map_err(|e| {
        AppError::Internal(anyhow::Error::new(e).context(format!("reading the file of resource {}", resource.id)))
    })?;
    let disposition = HeaderValue::from_str(&resources::attachment_header(&resource.file_name))
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(resources::served_content_type(&resource.content_type))),
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
    let resource = visible_resource(&state, &actor, id).await?;
    if !access::can_change_item(&actor, &resource.audience()) {
        return Err(AppError::NotFound);
    }
    remove_resource(&state, &resource).await?;
    Ok(Redirect::to(&format!("/programs/{}/resources?notice=removed", resource.program_id)))
}

/// Deletes a resource, and its file when no other resource shares it.
pub(super) async fn remove_resource(state: &AppState, resource: &Resource) -> AppResult<()> {
    let still_used = state.store.delete_resource(resource.id).await?;
    if resource.is_file() && still_used == 0 {
        // The row is gone, so nobody can reach the file; a failure here only leaves bytes behind.
        if let Err(e) = files(state).remove(&resource.file_sha256).await {
            tracing::warn!(error = %e, resource = resource.id, "could not remove a deleted resource's file");
        }
    }
    Ok(())
}
