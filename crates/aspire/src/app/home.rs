//! What a person's home page starts from: the programs they coordinate and their groups.

use crate::auth::Actor;
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::{GroupSummary, Program};

pub async fn overview(state: &AppState, actor: &Actor) -> AppResult<(Vec<Program>, Vec<GroupSummary>)> {
    let mut coordinated = Vec::new();
    for id in actor.coordinated_programs() {
        if let Some(program) = state.store.program(id).await? {
            coordinated.push(program);
        }
    }
    let groups = state.store.groups_of_user(actor.user.id).await?;
    Ok((coordinated, groups))
}
