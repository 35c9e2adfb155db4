//! A scholar's record: the member keeps and corrects their own, per program; the program's
//! coordinators read it, set the scholar's time in the program and confirm R01-equivalents.

use crate::auth::{Actor, access};
use crate::domain::record::{ItemForm, RecordItem, ScholarDetails};
use crate::error::{AppError, AppResult, sentence};
use crate::state::AppState;
use crate::store::Program;
use crate::store::record::{Scholar, Suggestion};

/// What one sees of one program's record of one scholar.
pub struct ProgramRecord {
    pub program: Program,
    pub scholar: Scholar,
    pub items: Vec<RecordItem>,
}

/// The programs the actor is a scholar of, each with their record there.
pub async fn own_records(state: &AppState, actor: &Actor) -> AppResult<Vec<ProgramRecord>> {
    let items = state.store.user_record_items(actor.user.id).await?;
    let mut records = Vec::new();
    for program in state.store.programs_of_user(actor.user.id).await? {
        // Only the programs the request's memberships name, and only as a scholar there.
        if !actor.belongs_to_program(program.id) {
            continue;
        }
        let Some(scholar) = state.store.program_scholar(program.id, actor.user.id).await? else {
            continue;
        };
        let mine = items.iter().filter(|i| i.program_id == program.id).cloned().collect();
        records.push(ProgramRecord { program, scholar, items: mine });
    }
    Ok(records)
}

/// The actor is a scholar of the program: their record there may take items.
async fn own_scholarship(state: &AppState, actor: &Actor, program_id: i64) -> AppResult<Scholar> {
    if !actor.belongs_to_program(program_id) {
        return Err(AppError::NotFound);
    }
    state.store.program_scholar(program_id, actor.user.id).await?.ok_or(AppError::NotFound)
}

fn invalid(message: String) -> AppError {
    AppError::Invalid(sentence(&message))
}

/// Adds an item to the actor's record in a program.
pub async fn add_item(state: &AppState, actor: &Actor, program_id: i64, form: &ItemForm) -> AppResult<()> {
    own_scholarship(state, actor, program_id).await?;
    let item = form.validate().map_err(invalid)?;
    let item = RecordItem { program_id, user_id: actor.user.id, ..item };
    state.store.add_record_items(&[item], state.now()).await?;
    Ok(())
}

/// An item of the actor's own record, or a 404 that says nothing of anyone else's.
pub async fn own_item(state: &AppState, actor: &Actor, id: i64) -> AppResult<RecordItem> {
    let item = state.store.record_item(id).await?.ok_or(AppError::NotFound)?;
    if access::can_change_own_record(actor, item.user_id) { Ok(item) } else { Err(AppError::NotFound) }
}

pub async fn edit_item(state: &AppState, actor: &Actor, id: i64, form: &ItemForm) -> AppResult<()> {
    let item = own_item(state, actor, id).await?;
    let changed = form.validate().map_err(invalid)?;
    state.store.update_record_item(item.id, &changed).await?;
    Ok(())
}

pub async fn delete_item(state: &AppState, actor: &Actor, id: i64) -> AppResult<()> {
    let item = own_item(state, actor, id).await?;
    state.store.delete_record_item(item.id).await?;
    Ok(())
}

/// The actor keeps their own part of their time in a program: mentors, topic, ORCID iD.
pub async fn save_own_details(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
    details: &ScholarDetails,
) -> AppResult<()> {
    own_scholarship(state, actor, program_id).await?;
    let details = details.validate().map_err(invalid)?;
    state.store.save_scholar_own_details(program_id, actor.user.id, &details, state.now()).await?;
    Ok(())
}

/// A scholar's record in a program, for the program's coordinators and admins.
pub async fn scholar_record(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
    user_id: i64,
) -> AppResult<ProgramRecord> {
    if !access::can_see_program_records(actor, program_id) {
        return Err(AppError::NotFound);
    }
    let program = state.store.program(program_id).await?.ok_or(AppError::NotFound)?;
    let scholar = state.store.program_scholar(program.id, user_id).await?.ok_or(AppError::NotFound)?;
    let items =
        state.store.user_record_items(user_id).await?.into_iter().filter(|i| i.program_id == program.id).collect();
    Ok(ProgramRecord { program, scholar, items })
}

/// A coordinator keeps a scholar's time in the program: cohort, dates, outcome, leaving, and
/// why Table 5 lists no publications. Audited: each change moves the program's counts.
pub async fn save_scholar_details(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
    user_id: i64,
    details: &ScholarDetails,
) -> AppResult<()> {
    let record = scholar_record(state, actor, program_id, user_id).await?;
    let details = details.validate().map_err(invalid)?;
    state.store.save_scholar_program_details(record.program.id, record.scholar.user_id, &details, state.now()).await?;
    let subject = format!("scholar {} in program {}", record.scholar.user_id, record.program.id);
    state.store.audit(Some(actor.user.id), "scholar details saved", &subject, state.now()).await?;
    Ok(())
}

/// A coordinator confirms (or withdraws) a non-NIH award as R01-equivalent.
pub async fn confirm_r01_equivalent(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
    item_id: i64,
    confirmed: bool,
) -> AppResult<i64> {
    if !access::can_see_program_records(actor, program_id) {
        return Err(AppError::NotFound);
    }
    let item = state.store.record_item(item_id).await?.ok_or(AppError::NotFound)?;
    if item.program_id != program_id {
        return Err(AppError::NotFound);
    }
    if confirmed && !item.may_be_r01_equivalent() {
        return Err(AppError::Invalid(format!(
            "Only a funded award other than a K or an NIH R01 can be confirmed as R01-equivalent (at least ${} a year for {} years or more).",
            crate::domain::record::R01_EQUIVALENT_DOLLARS_A_YEAR,
            crate::domain::record::R01_EQUIVALENT_YEARS
        )));
    }
    state.store.set_r01_equivalent(item.id, confirmed).await?;
    let action = if confirmed { "R01-equivalent confirmed" } else { "R01-equivalent withdrawn" };
    state.store.audit(Some(actor.user.id), action, &format!("record item {}", item.id), state.now()).await?;
    Ok(item.user_id)
}

/// A suggestion from the nightly look-up, as the scholar is asked about it.
pub struct AskedSuggestion {
    pub suggestion: Suggestion,
    pub item: RecordItem,
    /// The program whose record it would go into.
    pub program: String,
}

/// What the nightly look-up found that the actor has not answered yet.
pub async fn own_suggestions(state: &AppState, actor: &Actor) -> AppResult<Vec<AskedSuggestion>> {
    let programs = state.store.programs_of_user(actor.user.id).await?;
    Ok(state
        .store
        .open_suggestions(actor.user.id)
        .await?
        .into_iter()
        .filter(|s| actor.belongs_to_program(s.program_id))
        .filter_map(|suggestion| {
            let form: ItemForm = serde_json::from_str(&suggestion.item).ok()?;
            let item = form.validate().ok()?;
            let program = programs.iter().find(|p| p.id == suggestion.program_id)?.name.clone();
            Some(AskedSuggestion { suggestion, item, program })
        })
        .collect())
}

/// "Yes, this is mine" (`item` added to the record) or "no" (never asked again).
pub async fn answer_suggestion(state: &AppState, actor: &Actor, id: i64, mine: bool) -> AppResult<()> {
    let suggestion = state.store.suggestion(id).await?.ok_or(AppError::NotFound)?;
    if !access::can_change_own_record(actor, suggestion.user_id) || !actor.belongs_to_program(suggestion.program_id) {
        return Err(AppError::NotFound);
    }
    let item = if mine {
        let form: ItemForm = serde_json::from_str(&suggestion.item)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("a stored suggestion does not read: {e}")))?;
        let item = form.validate().map_err(invalid)?;
        Some(RecordItem { program_id: suggestion.program_id, user_id: suggestion.user_id, ..item })
    } else {
        None
    };
    state.store.settle_suggestion(suggestion.id, item.as_ref(), state.now()).await?;
    Ok(())
}
