//! Formation jobs: the engine runs off the async runtime's worker threads, one job at a time per
//! server, with progress, stop requests and heartbeats kept in the database. A job whose server
//! stops is taken up again by the next server to look (once), then failed with a clear message.

use std::time::{Duration, Instant};

use aspire_formation::{Criteria, FormationError, Progress, SolveOptions, form_parallel};

use crate::domain::cohort::{add_identities, cohort_of};
use crate::domain::draft::{self, DraftGroup};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::rounds::JobResult;
use crate::store::{DraftScores, FormationJob, SqlStore, StoreError};

/// A running job writes a heartbeat at least this often; one silent for `STALE_SECONDS` is
/// taken to be abandoned by a stopped server.
const HEARTBEAT_EVERY: Duration = Duration::from_millis(500);
pub const STALE_SECONDS: i64 = 30;

/// Runs forever, taking one job at a time.
pub async fn run_worker(state: AppState) {
    loop {
        match run_next_job(&state).await {
            Ok(Some(_)) => continue,
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "the formation worker could not read its jobs"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Claims and runs the next job, if any; returns its id.
pub async fn run_next_job(state: &AppState) -> crate::store::Result<Option<i64>> {
    let now = state.now();
    state.store.fail_abandoned_jobs(now, now - STALE_SECONDS).await?;
    let Some(job) = state.store.claim_next_job(now, now - STALE_SECONDS).await? else { return Ok(None) };
    let outcome = run_job(state, &job).await;
    let (status, error, result) = match outcome {
        Ok(result) => ("done", String::new(), Some(result)),
        Err(error) => ("failed", error, None),
    };
    let stopped = state.store.job(job.id).await?.is_some_and(|j| j.stop_requested);
    let status = if stopped && status == "done" { "stopped" } else { status };
    state.store.finish_job(job.id, state.now(), status, &error, result).await?;
    Ok(Some(job.id))
}

/// Why a round cannot be formed: something the coordinator can fix, or the database failing.
#[derive(Debug, thiserror::Error)]
pub enum ProblemError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ProblemError> for AppError {
    fn from(e: ProblemError) -> AppError {
        match e {
            ProblemError::Invalid(message) => AppError::invalid(message),
            ProblemError::Store(e) => AppError::Store(e),
        }
    }
}

/// The round's cohort and criteria, with the program's past groups as the pairing history, and
/// the round's people. A published round is seen as it was when it was published: its own
/// groups, and any formed since, are not its history.
pub async fn load_problem(
    store: &SqlStore,
    round_id: i64,
) -> Result<(aspire_formation::Cohort, Criteria, Vec<crate::store::User>), ProblemError> {
    let invalid = |m: &str| ProblemError::Invalid(m.to_string());
    let round = store.round(round_id).await?.ok_or_else(|| invalid("the round no longer exists"))?;
    let people = store.round_people(round_id).await?;
    if people.len() < 2 {
        return Err(invalid("the round has fewer than two people: add people to the round first"));
    }
    let profiles: Vec<_> = people.iter().map(|u| u.profile.clone()).collect();
    let mut criteria = Criteria::from_toml(&round.criteria)
        .map_err(|e| ProblemError::Invalid(format!("the saved criteria are not valid: {e}")))?;
    if let Some(history) = criteria.history.as_mut() {
        let ids: std::collections::HashSet<&str> = profiles.iter().map(|p| p.email.as_str()).collect();
        let published_at = match round.published_draft_id {
            Some(draft) => store.draft(draft).await?.and_then(|d| d.published_at),
            None => None,
        };
        history.groups = store
            .past_groups(round.program_id, round.id, published_at.unwrap_or(i64::MAX))
            .await?
            .into_iter()
            .map(|g| g.into_iter().filter(|e| ids.contains(e.as_str())).collect::<Vec<_>>())
            .filter(|g| g.len() >= 2)
            .collect();
    }
    let mut cohort = cohort_of(&profiles);
    add_identities(&mut cohort, &store.round_identity_answers(round_id).await?);
    // An attribute nobody in this round has (say, no one gave a discipline) shapes nothing.
    criteria.attributes.retain(|rule| cohort.people.iter().any(|p| p.attributes.contains_key(&rule.name)));
    Ok((cohort, criteria, people))
}

/// Ends a search once its best has not improved for a while: a small cohort is done in well
/// under a second, while a large round keeps improving to its time limit. Counting moves rather
/// than time keeps a seed's result reproducible.
struct Convergence {
    patience: u64,
    best: f64,
    improved_at: u64,
    last_seen: u64,
}

impl Convergence {
    fn new(people: usize) -> Self {
        // The engine's own default budget for a cohort of this size.
        let patience = 2000 + 40 * u64::try_from(people).unwrap_or(u64::MAX / 80);
        Convergence { patience, best: f64::NEG_INFINITY, improved_at: 0, last_seen: 0 }
    }

    fn converged(&mut self, progress: &Progress) -> bool {
        // The engine counts moves afresh when it starts another search (another seed, or
        // another try at unmet hard constraints): that search gets its own patience.
        if progress.iterations < self.last_seen {
            self.best = f64::NEG_INFINITY;
        }
        self.last_seen = progress.iterations;
        if progress.best > self.best + 1e-9 {
            self.best = progress.best;
            self.improved_at = progress.iterations;
        }
        progress.iterations.saturating_sub(self.improved_at) >= self.patience
    }
}

async fn run_job(state: &AppState, job: &FormationJob) -> Result<JobResult, String> {
    let (cohort, criteria, _) = load_problem(state.store.as_ref(), job.round_id).await.map_err(|e| match e {
        ProblemError::Invalid(message) => crate::error::sentence(&message),
        ProblemError::Store(e) => {
            tracing::error!(error = ?e, job = job.id, "a formation job could not read its round");
            "The round could not be read from the database. It has been logged; start the job again in a moment."
                .to_string()
        }
    })?;
    let locked: Vec<Vec<String>> =
        serde_json::from_str(&job.locked).map_err(|e| format!("the locked groups could not be read: {e}"))?;
    // People who left the round since the click are in no group of the new draft.
    let in_round =
        |group: Vec<String>| -> Vec<String> { group.into_iter().filter(|m| cohort.index_of(m).is_some()).collect() };
    let locked: Vec<Vec<String>> = locked.into_iter().map(in_round).filter(|g| !g.is_empty()).collect();
    // Forming a draft again starts from it and keeps the people placed in it by hand.
    let source = source_draft(state, job).await?;
    let in_locked = |email: &String| locked.iter().flatten().any(|m| m == email);
    let pinned: Vec<Vec<String>> = draft::pins(&source)
        .into_iter()
        .map(|pins| in_round(pins).into_iter().filter(|m| !in_locked(m)).collect::<Vec<_>>())
        .filter(|pins| !pins.is_empty())
        .collect();
    let start: Vec<Vec<String>> = source.iter().filter(|g| !g.locked).map(|g| g.members.clone()).collect();
    let limit = Duration::from_millis(job.time_limit_ms.unsigned_abs());
    let job_id = job.id;
    let seed = job.seed.unsigned_abs();
    let worker_state = state.clone();
    let runtime = tokio::runtime::Handle::current();
    let (formation, moves) = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut last_beat = Instant::now();
        let stopped = std::cell::Cell::new(false);
        let mut convergence = Convergence::new(cohort.people.len());
        let moves = MovesTried::default();
        let mut stop = |progress: &Progress| {
            moves.saw(progress.iterations);
            if last_beat.elapsed() >= HEARTBEAT_EVERY {
                last_beat = Instant::now();
                let report = worker_state.store.job_progress(
                    job_id,
                    worker_state.now(),
                    i64::try_from(progress.iterations).unwrap_or(i64::MAX),
                    progress.best,
                );
                // A failed progress write is not a reason to lose the search: keep going.
                if runtime.block_on(report).unwrap_or(false) {
                    stopped.set(true);
                }
            }
            stopped.get() || started.elapsed() >= limit || convergence.converged(progress)
        };
        // When hard constraints are still unmet, search again from other seeds while the time
        // limit allows.
        let mut attempt = 0;
        loop {
            let options = SolveOptions {
                seed: seed.wrapping_add(attempt),
                max_iterations: Some(u64::MAX),
                locked: locked.clone(),
                pinned: pinned.clone(),
                start: start.clone(),
            };
            let result = form_parallel(&cohort, &criteria, &options, search_threads(), &mut stop);
            let retry =
                matches!(result, Err(FormationError::Unsatisfied(_))) && !stopped.get() && started.elapsed() < limit;
            if !retry {
                return (result, moves.total());
            }
            attempt += 1;
        }
    })
    .await
    .map_err(|e| format!("the engine stopped unexpectedly: {e}"))?;
    let formation = formation.map_err(|e| {
        format!("The groups could not be formed: {e}. Change the criteria or the people in the round and try again.")
    })?;

    let formed: Vec<DraftGroup> = formation
        .groups
        .iter()
        .map(|g| DraftGroup { members: g.members.clone(), locked: g.locked, pinned: Vec::new() })
        .collect();
    let groups = if source.is_empty() { formed } else { draft::in_the_order_of(&source, formed) };
    let scores = DraftScores {
        total: formation.total_score,
        worst: formation.worst_group_score,
        warnings: i64::try_from(formation.diagnostics.len()).unwrap_or(i64::MAX),
    };
    let count = state.store.round_drafts(job.round_id).await.map_err(|e| e.to_string())?.len();
    let name = format!("Draft {} (seed {})", count + 1, job.seed);
    let draft_id = state
        .store
        .create_draft(job.round_id, &name, &draft::to_json(&groups), scores, state.now())
        .await
        .map_err(|e| e.to_string())?;
    let iterations = i64::try_from(moves).unwrap_or(i64::MAX);
    Ok(JobResult { draft_id, iterations, best_score: formation.total_score })
}

/// The groups of the draft a job forms again (none for a first run, or when it is gone).
async fn source_draft(state: &AppState, job: &FormationJob) -> Result<Vec<DraftGroup>, String> {
    let Some(id) = job.from_draft_id else { return Ok(Vec::new()) };
    match state.store.draft(id).await {
        Ok(Some(source)) => draft::parse(&source.groups).map_err(|e| e.to_string()),
        Ok(None) => Ok(Vec::new()),
        Err(e) => Err(e.to_string()),
    }
}

/// How many independent searches a job runs at once: one per core the machine offers.
pub fn search_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// The moves tried over every search of a job: the engine counts afresh in each one.
#[derive(Default)]
struct MovesTried {
    finished: std::cell::Cell<u64>,
    current: std::cell::Cell<u64>,
}

impl MovesTried {
    fn saw(&self, iterations: u64) {
        if iterations < self.current.get() {
            self.finished.set(self.finished.get() + self.current.get());
        }
        self.current.set(iterations);
    }

    fn total(&self) -> u64 {
        self.finished.get() + self.current.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(iterations: u64, best: f64) -> Progress {
        Progress { iterations, best }
    }

    #[test]
    fn a_search_ends_once_its_best_stops_improving_and_a_new_search_starts_afresh() {
        let mut convergence = Convergence::new(10); // patience 2400 moves
        assert!(!convergence.converged(&at(0, 1.0)));
        assert!(!convergence.converged(&at(2000, 2.0)), "it improved at 2000");
        assert!(!convergence.converged(&at(4399, 2.0)), "2399 moves without a better best");
        assert!(convergence.converged(&at(4400, 2.0)), "2400 moves without a better best");
        // Another search counts from zero and has a lower best at first: not converged.
        assert!(!convergence.converged(&at(10, 0.5)));
        assert!(convergence.converged(&at(2410, 0.5)));
    }
}
