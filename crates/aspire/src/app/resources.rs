//! Resources members share (writing samples, aims pages, budget templates, links), with their
//! group or the whole program. Files are kept by content hash under the data folder.

use crate::auth::{Actor, access};
use crate::domain::Visibility;
use crate::domain::resources::{self, Content, ResourceError};
use crate::domain::text::check_text;
use crate::error::{AppError, AppResult, sentence};
use crate::state::AppState;
use crate::store::files::FileStore;
use crate::store::sharing::{NewResource, Resource};
use crate::store::{GroupSummary, Program};

/// The program, when this actor may look at what its people share.
pub async fn browsable_program(state: &AppState, actor: &Actor, id: i64) -> AppResult<Program> {
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

/// The program's resources the actor may see. One rule for the list and the download: what
/// `can_see_item` refuses is never listed.
pub async fn visible_resources(state: &AppState, actor: &Actor, program: &Program) -> AppResult<Vec<Resource>> {
    Ok(state
        .store
        .program_resources(program.id)
        .await?
        .into_iter()
        .filter(|r| access::can_see_item(actor, &r.audience()))
        .collect())
}

/// The actor's groups in the program they may share with, or `None` when they may not share
/// in the program at all.
pub async fn share_groups(state: &AppState, actor: &Actor, program: &Program) -> AppResult<Option<Vec<GroupSummary>>> {
    if !access::can_share_with_program(actor, program.id) {
        return Ok(None);
    }
    let groups = state.store.groups_of_user(actor.user.id).await?;
    Ok(Some(groups.into_iter().filter(|g| g.program_id == program.id && actor.group_role(g.id).is_some()).collect()))
}

/// A resource as submitted.
pub struct NewShare<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub tags: &'a str,
    pub url: &'a str,
    /// "program", or the id of one of the actor's groups.
    pub share: &'a str,
    /// The file's name and bytes, when one was chosen.
    pub file: Option<(&'a str, Vec<u8>)>,
    /// How much of a file beyond the limit arrived (it is not kept).
    pub oversized: Option<usize>,
}

/// Where a resource goes: the whole program, or one of the actor's own groups in it.
async fn share_target(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
    share: &str,
) -> AppResult<(Visibility, Option<i64>)> {
    let share = share.trim();
    if share == "program" {
        return Ok((Visibility::Program, None));
    }
    let Ok(group_id) = share.parse::<i64>() else {
        return Err(AppError::Invalid("Choose who to share this with: your group or the whole program.".into()));
    };
    // A group the actor is not in is treated as one that does not exist.
    let group = state.store.group(group_id).await?.ok_or(AppError::NotFound)?;
    if group.program_id != program_id || !access::can_post_in_group(actor, &group) {
        return Err(AppError::NotFound);
    }
    super::groups::ensure_writable(actor, &group)?;
    Ok((Visibility::Group, Some(group.id)))
}

/// Shares a link or a file. A file beyond the limit is `AppError::TooLarge`; any other mistake
/// `AppError::Invalid`.
pub async fn share(state: &AppState, actor: &Actor, program_id: i64, input: NewShare<'_>) -> AppResult<()> {
    let program = browsable_program(state, actor, program_id).await?;
    if !access::can_share_with_program(actor, program.id) {
        return Err(AppError::NotFound);
    }
    // A group that is not the actor's is a 404 before anything else is said about the upload.
    let target = match share_target(state, actor, program.id, input.share).await {
        Err(AppError::Invalid(message)) => Err(message),
        Err(e) => return Err(e),
        Ok(target) => Ok(target),
    };
    if let Some(size) = input.oversized {
        return Err(AppError::TooLarge(sentence(&ResourceError::TooLarge(size).to_string())));
    }
    let (visibility, group_id) = target.map_err(AppError::Invalid)?;
    // A multipart form is not read by the form extractors' text check: the same rule here.
    for (field, value) in
        [("title", input.title), ("description", input.description), ("tags", input.tags), ("url", input.url)]
    {
        check_text(field, value).map_err(AppError::invalid)?;
    }
    let file = input.file.as_ref().map(|(name, bytes)| (*name, bytes.as_slice()));
    let valid = resources::validate_resource(input.title, input.description, input.tags, input.url, file)
        .map_err(|e| AppError::Invalid(sentence(&e.to_string())))?;
    // The file is on disk before the row that names it, so no row ever points at nothing.
    let (url, sha256, file_name, content_type, size) = match (&valid.content, input.file) {
        (Content::File { name, kind }, Some((_, bytes))) => {
            let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
            let sha256 = files(state).save(bytes).await.map_err(|e| {
                AppError::Internal(anyhow::Error::new(e).context("storing a shared file under the data folder"))
            })?;
            (String::new(), sha256, name.clone(), kind.content_type, size)
        }
        (Content::Link(url), _) => (url.clone(), String::new(), String::new(), "", 0),
        (Content::File { .. }, None) => {
            return Err(AppError::Internal(anyhow::anyhow!("a validated file resource came without its bytes")));
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
    Ok(())
}

/// A shared file the actor may see, with its bytes.
pub async fn download(state: &AppState, actor: &Actor, id: i64) -> AppResult<(Resource, Vec<u8>)> {
    let resource = visible_resource(state, actor, id).await?;
    if !resource.is_file() {
        return Err(AppError::NotFound);
    }
    let bytes = files(state).read(&resource.file_sha256).await.map_err(|e| {
        AppError::Internal(anyhow::Error::new(e).context(format!("reading the file of resource {}", resource.id)))
    })?;
    Ok((resource, bytes))
}

/// Deletes a resource its author may change; returns it.
pub async fn delete(state: &AppState, actor: &Actor, id: i64) -> AppResult<Resource> {
    let resource = visible_resource(state, actor, id).await?;
    if !access::can_change_item(actor, &resource.audience()) {
        return Err(AppError::NotFound);
    }
    remove_resource(state, &resource).await?;
    Ok(resource)
}

/// Deletes a resource, and its file when no other resource shares it.
pub async fn remove_resource(state: &AppState, resource: &Resource) -> AppResult<()> {
    let still_used = state.store.delete_resource(resource.id).await?;
    if resource.is_file() && still_used == 0 {
        // The row is gone, so nobody can reach the file; a failure here only leaves bytes behind.
        if let Err(e) = files(state).remove(&resource.file_sha256).await {
            tracing::warn!(error = %e, resource = resource.id, "could not remove a deleted resource's file");
        }
    }
    Ok(())
}
