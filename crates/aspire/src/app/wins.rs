//! Wins: a member records a paper, grant, talk, award or promotion (or imports papers from a
//! PubMed, RIS or BibTeX export), chooses who sees it, and peers congratulate. What is listed is
//! filtered by `access::can_see_item`, the same rule as the win's own page.

use super::paging::{self, Page};
use crate::auth::{Actor, access};
use crate::domain::Visibility;
use crate::domain::record::{self, RecordItem};
use crate::domain::wins::WinDetails;
use crate::error::{AppError, AppResult, sentence};
use crate::state::AppState;
use crate::store::Program;
use crate::store::community::{Cheer, Win, WinCard};

/// Where a win is shared: one choice per place the member belongs to.
pub struct ShareChoice {
    pub value: String,
    pub label: String,
}

/// The places a member may share with, as `visibility:group id` (or `visibility:p` + program id
/// for someone in a program but in no group yet).
pub async fn share_choices(state: &AppState, actor: &Actor) -> AppResult<Vec<ShareChoice>> {
    // Names only: the request's memberships decide which places are offered. A seat's program
    // need not be one the person is a member of, so every program is looked up.
    let programs = state.store.list_programs().await?;
    let program_name = |id: i64| programs.iter().find(|p| p.id == id).map(|p| p.name.as_str());
    let groups = state.store.groups_of_user(actor.user.id).await?;
    let mut choices = Vec::new();
    // An archived group (its cohort closed) takes nothing new: its members share with their
    // program instead.
    let open = |group_id: i64| groups.iter().any(|g| g.id == group_id && g.archived_at.is_none());
    for seat in actor.memberships.groups.iter().filter(|s| open(s.group_id)) {
        let (group_id, program_id) = (seat.group_id, seat.program_id);
        let (Some(group), Some(program)) = (groups.iter().find(|g| g.id == group_id), program_name(program_id)) else {
            continue;
        };
        choices.push(ShareChoice { value: format!("group:{group_id}"), label: format!("My group ({})", group.name) });
        choices.push(ShareChoice {
            value: format!("program:{group_id}"),
            label: format!("Everyone in {program} (and my group)"),
        });
        choices.push(ShareChoice { value: format!("private:{group_id}"), label: "Only me".into() });
    }
    for (program_id, _) in &actor.memberships.programs {
        if actor.memberships.groups.iter().any(|s| s.program_id == *program_id && open(s.group_id)) {
            continue;
        }
        if let Some(program) = program_name(*program_id) {
            choices
                .push(ShareChoice { value: format!("program:p{program_id}"), label: format!("Everyone in {program}") });
            choices.push(ShareChoice { value: format!("private:p{program_id}"), label: "Only me".into() });
        }
    }
    Ok(choices)
}

/// Reads a share choice back: (visibility, program, group). Only places the actor belongs to,
/// and only groups that are not archived.
async fn parse_share(state: &AppState, actor: &Actor, share: &str) -> AppResult<(Visibility, i64, Option<i64>)> {
    let parsed = parse_share_choice(actor, share)?;
    if let Some(group_id) = parsed.2 {
        let group = state.store.group(group_id).await?.ok_or(AppError::NotFound)?;
        super::groups::ensure_writable(actor, &group)?;
    }
    Ok(parsed)
}

fn parse_share_choice(actor: &Actor, share: &str) -> AppResult<(Visibility, i64, Option<i64>)> {
    let refuse = || {
        AppError::Invalid("Choose who may see this win from the list: only you, your group, or your program.".into())
    };
    let (visibility, place) = share.split_once(':').ok_or_else(refuse)?;
    let visibility =
        Visibility::parse_choice(visibility, &[Visibility::Private, Visibility::Group, Visibility::Program])
            .map_err(AppError::Invalid)?;
    if let Some(program) = place.strip_prefix('p') {
        let program: i64 = program.parse().map_err(|_| refuse())?;
        if visibility == Visibility::Group || !actor.belongs_to_program(program) {
            return Err(refuse());
        }
        return Ok((visibility, program, None));
    }
    let group: i64 = place.parse().map_err(|_| refuse())?;
    let seat = actor.memberships.groups.iter().find(|s| s.group_id == group).ok_or_else(refuse)?;
    Ok((visibility, seat.program_id, Some(group)))
}

fn stored(details: WinDetails, actor: &Actor, share: (Visibility, i64, Option<i64>)) -> Win {
    let (visibility, program_id, group_id) = share;
    Win {
        user_id: actor.user.id,
        user_name: actor.user.profile.name.clone(),
        program_id,
        group_id,
        kind: details.kind,
        title: details.title,
        venue: details.venue,
        year: details.year.parse().ok(),
        won_on: details.date,
        doi: details.doi,
        pmid: details.pmid,
        pmcid: details.pmcid,
        author_position: details.author_position,
        mechanism: details.mechanism,
        award_number: details.award_number,
        grant_role: details.grant_role,
        grant_status: details.grant_status,
        visibility,
        ..Win::default()
    }
}

/// Records a win shared as `share` (a [`ShareChoice`] value), and its facts in the member's
/// record when they ask (`to_record`). A bad input is `AppError::Invalid`.
pub async fn record(
    state: &AppState,
    actor: &Actor,
    details: WinDetails,
    share: &str,
    to_record: bool,
) -> AppResult<()> {
    let share = parse_share(state, actor, share).await?;
    let details = details.validate().map_err(|message| AppError::Invalid(sentence(&message)))?;
    let item = record_item(&details, actor, share.1).filter(|_| to_record);
    state.store.create_wins_and_record(&[stored(details, actor, share)], &[item], state.now()).await?;
    Ok(())
}

/// The win's facts for the member's record in the program it was shared in.
fn record_item(details: &WinDetails, actor: &Actor, program_id: i64) -> Option<RecordItem> {
    record::item_of_win(details).map(|item| RecordItem { program_id, user_id: actor.user.id, ..item })
}

/// What an import did.
pub struct Imported {
    pub papers: usize,
    /// Papers skipped as already recorded (same DOI or PubMed ID).
    pub duplicates: usize,
}

/// Imports papers from a PubMed (MEDLINE), RIS or BibTeX export: all of the file or, when any
/// record is bad, none of it (`AppError::Invalid`). Papers already recorded are skipped; the
/// others go into the member's record too when they ask (`to_record`).
pub async fn import(
    state: &AppState,
    actor: &Actor,
    share: &str,
    bytes: &[u8],
    to_record: bool,
) -> AppResult<Imported> {
    let share = parse_share(state, actor, share).await?;
    let works = aspire_citations::parse_any(bytes).map_err(|e| {
        AppError::Invalid(format!(
            "{} Nothing was imported: fix the file or export it again from PubMed or your reference manager.",
            sentence(&e.to_string())
        ))
    })?;
    let existing: Vec<aspire_citations::Work> = state
        .store
        .user_wins(actor.user.id)
        .await?
        .iter()
        .map(|w| {
            WinDetails { title: w.title.clone(), doi: w.doi.clone(), pmid: w.pmid.clone(), ..WinDetails::default() }
                .as_work()
        })
        .collect();
    let duplicates = aspire_citations::find_duplicates(&existing, &works);
    let details: Vec<WinDetails> = works
        .iter()
        .enumerate()
        .filter(|(i, _)| !duplicates.iter().any(|d| d.imported == *i))
        .map(|(_, work)| WinDetails::from_work(work, &actor.user.profile.name))
        .collect();
    let items: Vec<Option<RecordItem>> =
        details.iter().map(|d| record_item(d, actor, share.1).filter(|_| to_record)).collect();
    let new_wins: Vec<Win> = details.into_iter().map(|d| stored(d, actor, share)).collect();
    state.store.create_wins_and_record(&new_wins, &items, state.now()).await?;
    Ok(Imported { papers: new_wins.len(), duplicates: duplicates.len() })
}

/// A page of the actor's own wins, newest first, below the win `before`.
pub async fn own_wins(state: &AppState, actor: &Actor, before: Option<i64>) -> AppResult<Page<Win>> {
    let rows = state.store.user_wins_page(actor.user.id, paging::below(before), WINS_PER_PAGE + 1).await?;
    Ok(Page::from_rows(rows, WINS_PER_PAGE, |w| w.id))
}

/// A win the actor may see, or a 404 that does not say whether it exists.
pub async fn visible_win(state: &AppState, actor: &Actor, id: i64) -> AppResult<Win> {
    let win = state.store.win(id).await?.ok_or(AppError::NotFound)?;
    if access::can_see_item(actor, &win.audience()) { Ok(win) } else { Err(AppError::NotFound) }
}

/// A visible win and its congratulations.
pub async fn win_with_cheers(state: &AppState, actor: &Actor, id: i64) -> AppResult<(Win, Vec<Cheer>)> {
    let win = visible_win(state, actor, id).await?;
    let cheers = state.store.cheers(win.id).await?;
    Ok((win, cheers))
}

/// Congratulates the author of a win the actor sees; returns the win's id.
pub async fn cheer(state: &AppState, actor: &Actor, id: i64, message: &str) -> AppResult<i64> {
    let win = visible_win(state, actor, id).await?;
    let message = message.trim();
    if message.chars().count() > 280 {
        return Err(AppError::Invalid("Keep a congratulation to 280 characters.".into()));
    }
    state.store.add_cheer(win.id, actor.user.id, message, state.now()).await?;
    Ok(win.id)
}

/// What an author types to change a win: its details as they stand.
pub fn details_of(win: &Win) -> WinDetails {
    WinDetails {
        kind: win.kind.clone(),
        title: win.title.clone(),
        venue: win.venue.clone(),
        year: win.year.map(|y| y.to_string()).unwrap_or_default(),
        date: win.won_on.clone(),
        doi: win.doi.clone(),
        pmid: win.pmid.clone(),
        pmcid: win.pmcid.clone(),
        author_position: win.author_position.clone(),
        award_number: win.award_number.clone(),
        mechanism: win.mechanism.clone(),
        grant_role: win.grant_role.clone(),
        grant_status: win.grant_status.clone(),
    }
}

/// A win the actor may change: their own. Others get a 404.
async fn own_win(state: &AppState, actor: &Actor, id: i64) -> AppResult<Win> {
    let win = visible_win(state, actor, id).await?;
    if access::can_change_item(actor, &win.audience()) { Ok(win) } else { Err(AppError::NotFound) }
}

/// Changes what a win says, in place: a grant going from submitted to funded keeps its cheers
/// and who sees it. A bad input is `AppError::Invalid`.
pub async fn edit(state: &AppState, actor: &Actor, id: i64, details: WinDetails) -> AppResult<()> {
    let win = own_win(state, actor, id).await?;
    let details = details.validate().map_err(|message| AppError::Invalid(sentence(&message)))?;
    let share = (win.visibility, win.program_id, win.group_id);
    if let Some(item) = record::item_of_win(&details) {
        state.store.sync_record_item_with_win(win.id, &item).await?;
    }
    state.store.update_win(win.id, &stored(details, actor, share)).await?;
    Ok(())
}

/// Deletes a win and what it added to its author's record.
pub async fn delete(state: &AppState, actor: &Actor, id: i64) -> AppResult<()> {
    let win = own_win(state, actor, id).await?;
    state.store.delete_record_items_of_win(win.id).await?;
    state.store.delete_win(win.id).await?;
    Ok(())
}

/// The programs the actor belongs to, whose celebration feeds they may read.
pub async fn programs_to_celebrate_in(state: &AppState, actor: &Actor) -> AppResult<Vec<Program>> {
    // Only the programs the request's memberships name: they are what access is decided on.
    let mut programs = state.store.programs_of_user(actor.user.id).await?;
    programs.retain(|p| actor.memberships.programs.iter().any(|(id, _)| *id == p.id));
    Ok(programs)
}

/// How many wins a page of a celebration feed or of one's own wins lists.
pub const WINS_PER_PAGE: i64 = 50;

/// A page of the program's celebration feed, newest first, below the win `before`: wins their
/// authors shared with the whole program.
pub async fn celebrations(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
    before: Option<i64>,
) -> AppResult<(Program, Page<Win>)> {
    let program = state.store.program(program_id).await?.ok_or(AppError::NotFound)?;
    if !(access::can_share_with_program(actor, program.id) || access::can_manage_program(actor, program.id)) {
        return Err(AppError::NotFound);
    }
    let rows = state.store.program_shared_wins(program.id, paging::below(before), WINS_PER_PAGE + 1).await?;
    let wins = Page::from_rows(rows, WINS_PER_PAGE, |w| w.id)
        .filter(|w| w.visibility == Visibility::Program && access::can_see_item(actor, &w.audience()));
    Ok((program, wins))
}

/// Wins a group's page celebrates.
const CELEBRATED: usize = 10;
/// Reads of them at most: some wins may be hidden from the reader (from before they joined).
const CELEBRATION_READS: usize = 2;

/// The wins a group celebrates on its page: the latest ten shared with it or with the program
/// that the reader may see, among the twenty newest. They are read ten at a time: usually the
/// first ten are all seen, and a second read is needed only when some are hidden.
pub async fn group_celebrations(state: &AppState, actor: &Actor, group_id: i64) -> AppResult<Vec<WinCard>> {
    let mut seen = Vec::with_capacity(CELEBRATED);
    let mut before = None;
    for _ in 0..CELEBRATION_READS {
        let read = state.store.group_wins(group_id, before, CELEBRATED as i64).await?;
        let more = read.len() == CELEBRATED;
        before = read.last().map(|w| (w.created_at, w.id));
        seen.extend(
            read.into_iter()
                .filter(|w| w.visibility != Visibility::Private)
                .filter(|w| access::can_see_item(actor, &w.audience())),
        );
        if seen.len() >= CELEBRATED || !more {
            break;
        }
    }
    seen.truncate(CELEBRATED);
    Ok(seen)
}
