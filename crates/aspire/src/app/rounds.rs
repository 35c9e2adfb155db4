//! Forming a cohort's groups: rounds and who is in them, criteria, engine jobs, editing a draft,
//! publishing it, and placing newcomers in the groups that already meet. All of it is the
//! program's coordinators' (and admins'); members never see a draft.

use std::collections::{HashMap, HashSet};

use aspire_formation::{Criteria, Formation, evaluate, place_newcomers};

use super::groups;
use crate::auth::token::new_token;
use crate::auth::{Actor, access};
use crate::domain::Availability;
use crate::domain::cohort::{add_identities, cohort_of, default_criteria};
use crate::domain::criteria;
use crate::domain::draft::{self, DraftGroup};
use crate::error::{AppError, AppResult};
use crate::jobs::load_problem;
use crate::notify::emails::{Email, EnrolmentReminder, GroupPublished, peer_line};
use crate::state::AppState;
use crate::store::group_changes::{ChangeKind, MembershipChange};
use crate::store::{
    Draft, DraftScores, FormationJob, GroupRole, NewGroup, NewJob, Outgoing, Program, ProgramRole, Round, User,
};

/// A round the actor manages, with its program; anything else is a 404.
pub async fn managed_round(state: &AppState, actor: &Actor, id: i64) -> AppResult<(Round, Program)> {
    let round = state.store.round(id).await?.ok_or(AppError::NotFound)?;
    if !access::can_manage_program(actor, round.program_id) {
        return Err(AppError::NotFound);
    }
    let program = state.store.program(round.program_id).await?.ok_or(AppError::NotFound)?;
    Ok((round, program))
}

pub async fn managed_draft(state: &AppState, actor: &Actor, id: i64) -> AppResult<(Draft, Round, Program)> {
    let draft = state.store.draft(id).await?.ok_or(AppError::NotFound)?;
    let (round, program) = managed_round(state, actor, draft.round_id).await?;
    Ok((draft, round, program))
}

pub async fn managed_job(state: &AppState, actor: &Actor, id: i64) -> AppResult<(FormationJob, Round)> {
    let job = state.store.job(id).await?.ok_or(AppError::NotFound)?;
    let (round, _) = managed_round(state, actor, job.round_id).await?;
    Ok((job, round))
}

/// Which participants a round takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Those in no group yet.
    Newcomers,
    Everyone,
}

impl Who {
    pub fn from_form(value: &str) -> Who {
        if value == "everyone" { Who::Everyone } else { Who::Newcomers }
    }
}

async fn participants(state: &AppState, program_id: i64, who: Who) -> AppResult<Vec<i64>> {
    Ok(state
        .store
        .program_people(program_id)
        .await?
        .into_iter()
        .filter(|p| p.role == ProgramRole::Participant && (who == Who::Everyone || p.group_names.is_empty()))
        .map(|p| p.user.id)
        .collect())
}

/// Starts a round with the criteria of the program's last one (so a program keeps its model
/// year to year); returns its id.
pub async fn create_round(state: &AppState, actor: &Actor, program_id: i64, name: &str, who: Who) -> AppResult<i64> {
    if !access::can_manage_program(actor, program_id) {
        return Err(AppError::NotFound);
    }
    let program = state.store.program(program_id).await?.ok_or(AppError::NotFound)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::Invalid("A round needs a name of 1 to 80 characters, like \"2027 cohort\".".into()));
    }
    let criteria = match state.store.program_rounds(program.id).await?.first() {
        Some(last) => last.criteria.clone(),
        None => toml::to_string(&default_criteria()).map_err(|e| AppError::Internal(e.into()))?,
    };
    let now = state.now();
    let round_id = state.store.create_round(program.id, name, &criteria, &new_token()[..32], now).await?;
    let people = participants(state, program.id, who).await?;
    state.store.add_round_people(round_id, &people, now).await?;
    Ok(round_id)
}

pub async fn add_people(state: &AppState, actor: &Actor, round_id: i64, who: Who) -> AppResult<()> {
    let (round, program) = managed_round(state, actor, round_id).await?;
    let people = participants(state, program.id, who).await?;
    state.store.add_round_people(round.id, &people, state.now()).await?;
    Ok(())
}

pub async fn remove_person(state: &AppState, actor: &Actor, round_id: i64, user_id: i64) -> AppResult<()> {
    let (round, _) = managed_round(state, actor, round_id).await?;
    state.store.remove_round_person(round.id, user_id).await?;
    Ok(())
}

/// Whether a person has told the engine enough to be placed well.
pub fn profile_complete(user: &User) -> bool {
    !user.profile.department.is_empty()
        && !user.profile.career_stage.is_empty()
        && !user.profile.availability.is_empty()
}

/// What a round's page shows.
pub struct RoundOverview {
    pub round: Round,
    pub program: Program,
    pub people: Vec<User>,
    /// Participants in no group who are not in this round either.
    pub newcomers_outside: usize,
    pub jobs: Vec<FormationJob>,
    pub drafts: Vec<Draft>,
    /// The criteria in force, a phrase each, in the form's words.
    pub summary: Vec<String>,
    /// What keeps the round from being formed as asked, as it stands.
    pub problems: Vec<String>,
}

pub async fn round(state: &AppState, actor: &Actor, round_id: i64) -> AppResult<RoundOverview> {
    let (round, program) = managed_round(state, actor, round_id).await?;
    let people = state.store.round_people(round.id).await?;
    let in_round: HashSet<i64> = people.iter().map(|u| u.id).collect();
    let newcomers_outside =
        participants(state, program.id, Who::Newcomers).await?.into_iter().filter(|id| !in_round.contains(id)).count();
    let jobs = state.store.round_jobs(round.id).await?.into_iter().take(5).collect();
    let drafts = state.store.round_drafts(round.id).await?;
    let criteria = criteria_of(&round);
    let summary = criteria::summary(&criteria);
    let questions = state.store.identity_questions(&[program.id]).await?;
    let problems = criteria::problems(&criteria, &cohort_of_people(&people), &questions);
    Ok(RoundOverview { round, program, people, newcomers_outside, jobs, drafts, summary, problems })
}

/// The round's people as the criteria checks see them: without anyone's identity answers, which
/// only the engine reads.
fn cohort_of_people(people: &[User]) -> aspire_formation::Cohort {
    let profiles: Vec<_> = people.iter().map(|u| u.profile.clone()).collect();
    cohort_of(&profiles)
}

/// Emails everyone in the round whose profile is incomplete, with the enrolment link.
pub async fn remind(state: &AppState, actor: &Actor, round_id: i64) -> AppResult<()> {
    let (round, program) = managed_round(state, actor, round_id).await?;
    let link = format!("{}/enrol/{}", state.settings.public_url(), round.enrol_token);
    for user in state.store.round_people(round.id).await?.iter().filter(|u| !profile_complete(u)) {
        let email = EnrolmentReminder {
            name: &user.profile.name,
            program: &program.name,
            round: &round.name,
            coordinator: &actor.user.profile.name,
            link: &link,
        }
        .to(&user.profile.email)
        .map_err(|e| AppError::Internal(e.into()))?;
        state.store.enqueue_email(&email, state.now()).await?;
    }
    Ok(())
}

/// The round's criteria as saved (the model's defaults if they cannot be read).
pub fn criteria_of(round: &Round) -> Criteria {
    Criteria::from_toml(&round.criteria).unwrap_or_else(|_| default_criteria())
}

/// Saves the criteria, unless they name people who are not in the round or values nobody in it
/// has (`AppError::Invalid` with every such problem).
pub async fn save_criteria(state: &AppState, actor: &Actor, round_id: i64, criteria: &Criteria) -> AppResult<()> {
    let (round, _) = managed_round(state, actor, round_id).await?;
    let people = state.store.round_people(round.id).await?;
    let questions = state.store.identity_questions(&[round.program_id]).await?;
    let unknown = criteria::unknown_references(criteria, &cohort_of_people(&people), &questions);
    if !unknown.is_empty() {
        return Err(AppError::Invalid(unknown.join(" ")));
    }
    let text = toml::to_string(criteria).map_err(|e| AppError::Internal(e.into()))?;
    state.store.set_round_criteria(round.id, &text).await?;
    Ok(())
}

/// A request to run the engine, as typed on the round or draft page.
pub struct JobInput<'a> {
    pub request_key: &'a str,
    pub seconds: &'a str,
    pub seed: &'a str,
}

fn job_request(
    round_id: i64,
    input: &JobInput,
    locked: String,
    requested_by: i64,
    from_draft_id: Option<i64>,
) -> AppResult<NewJob> {
    if input.request_key.len() < 16 || input.request_key.len() > 128 {
        return Err(AppError::BadRequest("The form is missing its request key: reload the page and try again.".into()));
    }
    // Five seconds by default: enough for a few hundred people; large rounds ask for more.
    let seconds: f64 = if input.seconds.trim().is_empty() { 5.0 } else { input.seconds.trim().parse().unwrap_or(-1.0) };
    if !(0.1..=600.0).contains(&seconds) {
        return Err(AppError::Invalid("The search time must be between 0.1 and 600 seconds.".into()));
    }
    // No seed typed: a fresh one, so each run is another draft; the draft's name shows it, and
    // typing it again repeats the run.
    let seed: i64 = if input.seed.trim().is_empty() {
        fresh_seed()
    } else {
        input.seed.trim().parse().map_err(|_| AppError::Invalid("The seed must be a whole number, like 7.".into()))?
    };
    Ok(NewJob {
        round_id,
        request_key: input.request_key.to_string(),
        seed,
        time_limit_ms: (seconds * 1000.0) as i64,
        locked,
        requested_by,
        from_draft_id,
    })
}

/// Queues the engine for a round; returns the job's id. The same form sent twice queues it once.
pub async fn start_job(state: &AppState, actor: &Actor, round_id: i64, input: &JobInput<'_>) -> AppResult<i64> {
    let (round, _) = managed_round(state, actor, round_id).await?;
    // What cannot be met is said before a search is spent on it.
    let people = state.store.round_people(round.id).await?;
    let questions = state.store.identity_questions(&[round.program_id]).await?;
    let problems = criteria::problems(&criteria_of(&round), &cohort_of_people(&people), &questions);
    if !problems.is_empty() {
        return Err(AppError::Invalid(format!("This round cannot be formed yet. {}", problems.join(" "))));
    }
    let job = job_request(round.id, input, "[]".into(), actor.user.id, None)?;
    Ok(state.store.request_job(&job, state.now()).await?)
}

/// Runs the engine again, keeping this draft's locked groups as they are; returns the job's id.
pub async fn rerun(state: &AppState, actor: &Actor, draft_id: i64, input: &JobInput<'_>) -> AppResult<i64> {
    let (draft, round, _) = managed_draft(state, actor, draft_id).await?;
    let groups = draft::parse(&draft.groups).map_err(|e| AppError::Internal(e.into()))?;
    let locked: Vec<&Vec<String>> = groups.iter().filter(|g| g.locked).map(|g| &g.members).collect();
    let locked = serde_json::to_string(&locked).map_err(|e| AppError::Internal(e.into()))?;
    let job = job_request(round.id, input, locked, actor.user.id, Some(draft.id))?;
    Ok(state.store.request_job(&job, state.now()).await?)
}

pub async fn stop_job(state: &AppState, actor: &Actor, job_id: i64) -> AppResult<()> {
    let (job, _) = managed_job(state, actor, job_id).await?;
    state.store.request_job_stop(job.id).await?;
    Ok(())
}

/// A draft scored against its round as it is now, with its people by email.
pub struct ScoredDraft {
    pub draft: Draft,
    pub round: Round,
    pub program: Program,
    pub groups: Vec<DraftGroup>,
    pub formation: Formation,
    pub users: HashMap<String, User>,
    /// The draft this one was formed again from, if it was, as it is now.
    pub formed_from: Option<Draft>,
}

/// Scores a draft against the round as it is now. People who left the round since the draft was
/// made are dropped from it; people who joined since make the draft stale.
async fn scored(
    state: &AppState,
    round: &Round,
    groups: &mut Vec<DraftGroup>,
) -> AppResult<(Formation, HashMap<String, User>)> {
    let (cohort, criteria, people) = load_problem(state.store.as_ref(), round.id).await?;
    let users: HashMap<String, User> = people.into_iter().map(|u| (u.profile.email.clone(), u)).collect();
    let lists = as_the_round_is_now(groups, &users)?;
    let formation = evaluate(&cohort, &criteria, &lists).map_err(AppError::invalid)?;
    Ok((formation, users))
}

/// A draft's groups (member emails) against the round's people now: those who left are dropped
/// (and groups left empty); someone who joined since makes the draft stale.
fn as_the_round_is_now(groups: &mut Vec<DraftGroup>, users: &HashMap<String, User>) -> AppResult<Vec<Vec<String>>> {
    for group in groups.iter_mut() {
        group.members.retain(|m| users.contains_key(m));
    }
    groups.retain(|g| !g.members.is_empty());
    let placed: HashSet<&str> = groups.iter().flat_map(|g| g.members.iter().map(String::as_str)).collect();
    if let Some(newcomer) = users.values().find(|u| !placed.contains(u.profile.email.as_str())) {
        return Err(AppError::Invalid(format!(
            "{} joined the round after this draft was made: form a new draft to include everyone.",
            newcomer.profile.name
        )));
    }
    Ok(groups.iter().map(|g| g.members.clone()).collect())
}

/// A draft the actor manages, scored.
pub async fn draft(state: &AppState, actor: &Actor, draft_id: i64) -> AppResult<ScoredDraft> {
    let (draft, round, program) = managed_draft(state, actor, draft_id).await?;
    let mut groups = draft::parse(&draft.groups).map_err(|e| AppError::Internal(e.into()))?;
    let (formation, users) = scored(state, &round, &mut groups).await?;
    let formed_from = match state.store.job_of_draft(draft.id).await?.and_then(|job| job.from_draft_id) {
        Some(source) => state.store.draft(source).await?,
        None => None,
    };
    Ok(ScoredDraft { draft, round, program, groups, formation, users, formed_from })
}

/// Applies a hand edit (move, swap, lock) to a draft and saves it rescored. A refused edit is
/// `AppError::Invalid` with the reason.
pub async fn edit_draft(
    state: &AppState,
    actor: &Actor,
    draft_id: i64,
    edit: impl FnOnce(&mut Vec<DraftGroup>) -> Result<(), draft::DraftError>,
) -> AppResult<()> {
    let (draft, round, _) = managed_draft(state, actor, draft_id).await?;
    if draft.published_at.is_some() {
        return Err(AppError::Invalid("This draft is published and can no longer change.".into()));
    }
    let mut groups = draft::parse(&draft.groups).map_err(|e| AppError::Internal(e.into()))?;
    edit(&mut groups).map_err(AppError::invalid)?;
    let (formation, _) = scored(state, &round, &mut groups).await?;
    let scores = DraftScores {
        total: formation.total_score,
        worst: formation.worst_group_score,
        warnings: i64::try_from(formation.diagnostics.len()).unwrap_or(i64::MAX),
    };
    state.store.update_draft(draft.id, &draft::to_json(&groups), scores, state.now()).await?;
    Ok(())
}

/// What moving `email` to group `to` (from 1) would do to the draft, in one sentence, without
/// saving anything: the change in score and what the two groups gain or lose.
pub async fn preview_move(state: &AppState, actor: &Actor, draft_id: i64, email: &str, to: usize) -> AppResult<String> {
    use aspire_formation::peer::GivesUp;
    // Asked at each keystroke: the draft and its round only, not what it was formed from.
    let (draft, round, _) = managed_draft(state, actor, draft_id).await?;
    let mut groups = draft::parse(&draft.groups).map_err(|e| AppError::Internal(e.into()))?;
    let (before, users) = scored(state, &round, &mut groups).await?;
    if to == 0 || to > groups.len() {
        return Err(AppError::Invalid(format!("There is no group {to} in this draft: choose 1 to {}.", groups.len())));
    }
    let from = draft::group_of(&groups, email).map_err(AppError::invalid)?;
    let mut moved = groups.clone();
    draft::move_person(&mut moved, email, to - 1).map_err(AppError::invalid)?;
    let (after, _) = scored(state, &round, &mut moved).await?;
    let name = users.get(email).map_or(email, |u| u.profile.name.as_str());
    let delta = after.total_score - before.total_score;
    let mut sentence = format!(
        "Moving {name} to group {to}: {} (total {:.2} to {:.2})",
        format!("{delta:+.2}").replace('-', "\u{2212}"),
        before.total_score,
        after.total_score
    );
    let mut effects = Vec::new();
    if after.groups.len() < before.groups.len() {
        // The groups after it would be numbered one lower: say so rather than compare them.
        effects.push(format!("group {} would be left empty and the groups after it renumbered", from + 1));
    } else {
        let mut touched = vec![to - 1, from];
        touched.dedup();
        for g in touched {
            let (Some(was), Some(now)) = (before.groups.get(g), after.groups.get(g)) else { continue };
            let no_hour = |group: &aspire_formation::peer::Group| group.why.gives_up.contains(&GivesUp::NoCommonSlot);
            if !no_hour(was) && no_hour(now) {
                effects.push(format!("group {} loses its common hour", g + 1));
            } else if no_hour(was) && !no_hour(now) {
                effects.push(format!("group {} gains a common hour", g + 1));
            }
            let met_before = |group: &aspire_formation::peer::Group| {
                group.why.gives_up.iter().filter(|w| matches!(w, GivesUp::GroupedBefore { .. })).count()
            };
            if met_before(now) > met_before(was) {
                effects.push(format!("group {} holds peers from an earlier round", g + 1));
            }
            // Balance rules are not previewed: one person's move at a time would say what they
            // answered. The draft says which groups meet them once a move is made.
        }
    }
    if !effects.is_empty() {
        sentence.push_str(&format!("; {}", effects.join("; ")));
    }
    sentence.push('.');
    Ok(sentence)
}

/// The weekly hours everyone in `members` has free, as "Tue 09-10; Thu 14-15".
pub fn common_times<'a>(members: impl Iterator<Item = &'a User>) -> String {
    let slots: Vec<Availability> = members.filter_map(|u| Availability::parse(&u.profile.availability).ok()).collect();
    Availability::common(&slots).to_string()
}

/// Alumni: people of the program's closed cohorts who are not in this round, the near-peers
/// who may facilitate a new group, each named with their cohort and year (and, where two share
/// a name, their department or email).
pub async fn alumni(state: &AppState, program_id: i64, round_id: i64) -> AppResult<Vec<(i64, String)>> {
    let alumni = state.store.round_alumni(program_id, round_id).await?;
    let rows: Vec<(i64, &str, &str, &str)> =
        alumni.iter().map(|a| (a.id, a.name.as_str(), a.department.as_str(), a.email.as_str())).collect();
    Ok(crate::domain::profile::names_told_apart(&rows)
        .into_iter()
        .zip(&alumni)
        .map(|((id, label), a)| (id, format!("{label}, alum of {} ({})", a.cohort, a.cohort_year)))
        .collect())
}

/// Whether closing ended the cohort now, or it had ended already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    Now,
    Already,
}

/// Ends a published round's cohort: its groups become read-only archives their members still
/// read, and their members alumni of the program with the cohort's name and year. Audited.
pub async fn close_round(state: &AppState, actor: &Actor, round_id: i64) -> AppResult<(Round, Closed)> {
    let (round, program) = managed_round(state, actor, round_id).await?;
    if round.published_draft_id.is_none() {
        return Err(AppError::Invalid(
            "This round has no groups yet: publish a draft first; a cohort is closed when its groups end.".into(),
        ));
    }
    let now = state.now();
    let year = jiff::Timestamp::from_second(now)
        .map(|t| i64::from(t.to_zoned(jiff::tz::TimeZone::UTC).year()))
        .map_err(|e| AppError::Internal(e.into()))?;
    if !state.store.close_round(round.id, &round.name, year, now).await? {
        return Ok((round, Closed::Already));
    }
    let subject = format!("round {} ({}) in program {}", round.id, round.name, program.id);
    state.store.audit(Some(actor.user.id), "cohort closed", &subject, now).await?;
    Ok((round, Closed::Now))
}

/// Whether publishing made the groups, or the round had been published already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    Now,
    Already,
}

/// Creates the draft's groups in one transaction, with the email that tells each member their
/// peers and a first time to meet. `facilitators` maps a group's number (from 1) to the person
/// chosen to facilitate it: an alumna or alumnus, or one of the group's own members; anyone
/// else is ignored.
pub async fn publish(
    state: &AppState,
    actor: &Actor,
    draft_id: i64,
    facilitators: &HashMap<usize, i64>,
) -> AppResult<(Round, Published)> {
    let ScoredDraft { draft, round, program, formation, users, .. } = draft(state, actor, draft_id).await?;
    let alumni = alumni(state, program.id, round.id).await?;
    // Groups hold participants only, and nobody places themselves.
    let participants: HashSet<i64> = participants(state, program.id, Who::Everyone).await?.into_iter().collect();
    let link = format!("{}/", state.settings.public_url());
    let mut new_groups = Vec::new();
    let mut outgoing = Outgoing::default();
    for (i, group) in formation.groups.iter().enumerate() {
        let name = format!("{} · Group {}", round.name, i + 1);
        let members: Vec<&User> = group.members.iter().filter_map(|e| users.get(e)).collect();
        let facilitator = facilitators
            .get(&(i + 1))
            .copied()
            .filter(|f| alumni.iter().any(|(id, _)| id == f) || members.iter().any(|u| u.id == *f));
        let mut roles: Vec<(i64, GroupRole)> = members
            .iter()
            .map(|u| (u.id, if Some(u.id) == facilitator { GroupRole::Facilitator } else { GroupRole::Member }))
            .collect();
        if let Some(f) = facilitator.filter(|f| !roles.iter().any(|(id, _)| id == f)) {
            roles.push((f, GroupRole::Facilitator));
        }
        for (id, _) in &roles {
            let name = || users.values().find(|u| u.id == *id).map_or("Someone", |u| u.profile.name.as_str());
            if *id == actor.user.id {
                return Err(AppError::Invalid(format!(
                    "You are in group {} of this draft: someone else publishes a draft that places you, so that \
                     nobody places themselves in a group.",
                    i + 1
                )));
            }
            if !participants.contains(id) {
                return Err(AppError::Invalid(format!(
                    "{} is in group {} of this draft but is not a participant of the program (coordinators are \
                     never placed in groups): move them out of the draft first.",
                    name(),
                    i + 1
                )));
            }
        }
        let times = common_times(members.iter().copied());
        let proposed = times.split(';').next().map(str::trim).filter(|t| !t.is_empty());
        for user in &members {
            let peers: Vec<String> = members
                .iter()
                .filter(|p| p.id != user.id)
                .map(|p| peer_line(&p.profile.name, &p.profile.department))
                .collect();
            let (invitation, invitation_link) = groups::invitation_for(state, &actor.user, &program, user);
            outgoing.invitations.extend(invitation);
            let email = GroupPublished {
                name: &user.profile.name,
                group: &name,
                program: &program.name,
                peers: &peers,
                proposed_time: proposed,
                common_times: &times,
                link: link.clone(),
                invitation: invitation_link,
            }
            .to(&user.profile.email)
            .map_err(|e| AppError::Internal(e.into()))?;
            outgoing.emails.push(email);
        }
        new_groups.push(NewGroup { name, members: roles });
    }
    let published =
        state.store.publish_draft(round.id, draft.id, program.id, &new_groups, &outgoing, state.now()).await?;
    if !published {
        return Ok((round, Published::Already));
    }
    let subject = format!("draft {} published as {} groups in program {}", draft.id, new_groups.len(), program.id);
    state.store.audit(Some(actor.user.id), "membership changed", &subject, state.now()).await?;
    Ok((round, Published::Now))
}

/// How placing newcomers went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    Everyone,
    /// Every group was full before everyone had one.
    Some,
}

/// Adds the round's people who are in no group to the program's existing groups, each where
/// they fit best, never beyond the largest size and never moving anyone already placed; the
/// memberships, their audit and the emails are one transaction.
pub async fn place_in_existing_groups(state: &AppState, actor: &Actor, round_id: i64) -> AppResult<(Round, Placed)> {
    let (round, program) = managed_round(state, actor, round_id).await?;
    let mut criteria = criteria_of(&round);
    criteria.history = None;
    let max = criteria.group_size.map_or(7, |s| s.max) as usize;
    // Only participants in no group: those who run the program are never placed by this, and
    // nobody places themselves.
    let waiting: HashSet<i64> = participants(state, program.id, Who::Newcomers).await?.into_iter().collect();
    let newcomers: Vec<User> = state
        .store
        .round_people(round.id)
        .await?
        .into_iter()
        .filter(|u| waiting.contains(&u.id) && u.id != actor.user.id)
        .collect();
    let mut groups = Vec::new();
    // Archived groups (closed cohorts) take nobody new.
    for group in state.store.program_groups(program.id).await?.into_iter().filter(|g| g.archived_at.is_none()) {
        let members: Vec<User> = state.store.group_members(group.id).await?.into_iter().map(|m| m.user).collect();
        groups.push((group, members));
    }
    if groups.is_empty() {
        return Err(AppError::Invalid("This program has no groups yet: form new groups instead.".into()));
    }
    let mut seen = HashSet::new();
    let everyone: Vec<_> = groups
        .iter()
        .flat_map(|(_, m)| m.iter())
        .chain(&newcomers)
        .filter(|u| seen.insert(u.id))
        .map(|u| u.profile.clone())
        .collect();
    let mut cohort = cohort_of(&everyone);
    add_identities(&mut cohort, &state.store.program_identity_answers(program.id).await?);
    criteria.attributes.retain(|rule| cohort.people.iter().any(|p| p.attributes.contains_key(&rule.name)));
    let member_ids: Vec<Vec<String>> =
        groups.iter().map(|(_, members)| members.iter().map(|u| u.profile.email.clone()).collect()).collect();
    let newcomer_ids: Vec<String> = newcomers.iter().map(|u| u.profile.email.clone()).collect();
    let placement = place_newcomers(&cohort, &criteria, &member_ids, &newcomer_ids, max).map_err(AppError::invalid)?;
    let by_email: HashMap<&str, &User> = newcomers.iter().map(|u| (u.profile.email.as_str(), u)).collect();
    let mut placements = Vec::new();
    let mut joined: Vec<Vec<&User>> = groups.iter().map(|(_, m)| m.iter().collect()).collect();
    for (email, index) in &placement.placed {
        let (Some(user), Some(members)) = (by_email.get(email.as_str()), joined.get_mut(*index)) else { continue };
        members.push(user);
        placements.push((groups[*index].0.id, user.id, *index));
    }
    // Each newcomer is welcomed with their peers; each group is told who joined it.
    let mut outgoing = Outgoing::default();
    let mut changes = Vec::new();
    for (group_id, user_id, index) in &placements {
        let Some(user) = newcomers.iter().find(|u| u.id == *user_id) else { continue };
        let group = groups::GroupName { id: groups[*index].0.id, name: &groups[*index].0.name };
        let (email, invitation) = groups::welcome(state, &actor.user, &group, &program, user, &joined[*index])?;
        outgoing.emails.push(email);
        outgoing.invitations.extend(invitation);
        let change = MembershipChange {
            group_id: *group_id,
            user_id: user.id,
            person_name: user.profile.name.clone(),
            kind: ChangeKind::Added,
            role: GroupRole::Member,
        };
        outgoing.emails.extend(groups::tell_group(state, &group, &program, &joined[*index], &change, &actor.user)?);
        changes.push(change);
    }
    let by = (actor.user.id, actor.user.profile.name.as_str());
    state.store.change_group_memberships(&changes, by, &outgoing, state.now()).await?;
    let placed = if placement.unplaced.is_empty() { Placed::Everyone } else { Placed::Some };
    Ok((round, placed))
}

/// A seed no earlier run is likely to have used, small enough to read and type again.
fn fresh_seed() -> i64 {
    let mut bytes = [0u8; 4];
    // Without the system's randomness a seed from the clock still differs run to run.
    if getrandom::fill(&mut bytes).is_err() {
        return jiff::Timestamp::now().subsec_nanosecond().into();
    }
    i64::from(u32::from_le_bytes(bytes) % 1_000_000)
}

/// Two drafts of a round side by side.
pub struct Comparison {
    pub drafts: [Draft; 2],
    /// Each draft's groups (member emails), the second draft's in the order of the first's
    /// groups they most resemble.
    pub groups: [Vec<Vec<String>>; 2],
    /// People whose group differs between the two.
    pub moved: HashSet<String>,
    /// Each criterion in the form's words, with what it adds to each draft's score.
    pub contributions: Vec<(String, [f64; 2])>,
    pub totals: [f64; 2],
    pub users: HashMap<String, User>,
}

/// Compares drafts `a` and `b` of round `round_id` (both must be that round's).
/// The comparison page: the round, its drafts, and the two asked for (by default the two
/// newest), compared, or why they cannot be (`None` while the round has fewer than two).
pub struct Compared {
    pub round: Round,
    pub drafts: Vec<Draft>,
    /// The two drafts compared (0, 0 while there are fewer than two).
    pub pair: (i64, i64),
    pub comparison: Option<Result<Comparison, String>>,
}

/// Compares drafts `a` and `b` of round `round_id` (both must be that round's; a draft of
/// another round is `NotFound`).
pub async fn compare(
    state: &AppState,
    actor: &Actor,
    round_id: i64,
    a: Option<i64>,
    b: Option<i64>,
) -> AppResult<Compared> {
    let (round, _) = managed_round(state, actor, round_id).await?;
    let drafts = state.store.round_drafts(round.id).await?;
    let newest = |k: usize| drafts.iter().rev().nth(k).map(|d| d.id);
    let (Some(a), Some(b)) = (a.or(newest(1)), b.or(newest(0))) else {
        return Ok(Compared { round, drafts, pair: (0, 0), comparison: None });
    };
    let pair = [a, b].map(|id| drafts.iter().find(|d| d.id == id).cloned());
    let [Some(first), Some(second)] = pair else { return Err(AppError::NotFound) };
    let comparison = match comparison(state, &round, [first, second]).await {
        Ok(comparison) => Ok(comparison),
        Err(AppError::Invalid(why)) => Err(why),
        Err(e) => return Err(e),
    };
    Ok(Compared { round, drafts, pair: (a, b), comparison: Some(comparison) })
}

async fn comparison(state: &AppState, round: &Round, drafts: [Draft; 2]) -> AppResult<Comparison> {
    let (cohort, full, people) = load_problem(state.store.as_ref(), round.id).await?;
    let users: HashMap<String, User> = people.into_iter().map(|u| (u.profile.email.clone(), u)).collect();
    let mut lists: Vec<Vec<Vec<String>>> = Vec::new();
    for d in &drafts {
        let mut groups = draft::parse(&d.groups).map_err(|e| AppError::Internal(e.into()))?;
        lists.push(as_the_round_is_now(&mut groups, &users).map_err(|e| match e {
            AppError::Invalid(why) => AppError::Invalid(format!("{}: {why}", d.name)),
            other => other,
        })?);
    }
    let order = draft::matching(&lists[0], &lists[1]);
    let mut second: Vec<(usize, Vec<String>)> =
        lists[1].iter().cloned().enumerate().map(|(j, g)| (order[j].unwrap_or(usize::MAX), g)).collect();
    second.sort_by_key(|(matched, _)| *matched);
    let second: Vec<Vec<String>> = second.into_iter().map(|(_, g)| g).collect();
    let moved = draft::moved_between(&lists[0], &second);
    let score = |criteria: &Criteria, groups: &[Vec<String>]| -> AppResult<f64> {
        Ok(evaluate(&cohort, criteria, groups).map_err(AppError::invalid)?.total_score)
    };
    let totals = [score(&full, &lists[0])?, score(&full, &second)?];
    let mut contributions = Vec::new();
    let only =
        |c: Criteria| Criteria { group_size: full.group_size, groups: full.groups, objective: full.objective, ..c };
    for rule in &full.attributes {
        let part = only(Criteria { attributes: vec![rule.clone()], ..Criteria::default() });
        let way = if rule.mode == aspire_formation::peer::Mode::Similar { "alike" } else { "mixed" };
        let label = format!("{} ({way})", criteria::form_label(&rule.name));
        contributions.push((label, [score(&part, &lists[0])?, score(&part, &second)?]));
    }
    if let Some(hours) = &full.availability {
        let part = only(Criteria { availability: Some(hours.clone()), ..Criteria::default() });
        contributions.push(("Common weekly hours".to_string(), [score(&part, &lists[0])?, score(&part, &second)?]));
    }
    if let Some(history) = full.history.as_ref().filter(|h| !h.groups.is_empty()) {
        let part = only(Criteria { history: Some(history.clone()), ..Criteria::default() });
        let label = "Not grouped with earlier peers".to_string();
        contributions.push((label, [score(&part, &lists[0])?, score(&part, &second)?]));
    }
    Ok(Comparison { drafts, groups: [lists.swap_remove(0), second], moved, contributions, totals, users })
}
