//! What is kept for forming groups: rounds, who is in them, engine jobs and drafts.

use super::sql::SqlStore;
use super::{Flag, GroupRole, Outgoing, Result, User};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Round {
    pub id: i64,
    pub program_id: i64,
    pub name: String,
    pub criteria: String,
    pub enrol_token: String,
    pub created_at: i64,
    pub published_draft_id: Option<i64>,
    /// When the cohort ended: its groups archived, its members alumni.
    pub closed_at: Option<i64>,
}

/// An alumna or alumnus of the program, as the facilitator picker offers them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Alumnus {
    pub id: i64,
    pub name: String,
    pub department: String,
    pub email: String,
    pub cohort: String,
    pub cohort_year: i64,
}

/// What a finished search made: its draft, the moves it tried and the draft's score.
#[derive(Debug, Clone, Copy)]
pub struct JobResult {
    pub draft_id: i64,
    pub iterations: i64,
    pub best_score: f64,
}

/// Where a formation job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    /// Stopped early on request; the best draft so far was kept.
    Stopped,
    Failed,
}

impl JobStatus {
    pub fn code(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Stopped => "stopped",
            JobStatus::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<JobStatus> {
        Some(match code {
            "queued" => JobStatus::Queued,
            "running" => JobStatus::Running,
            "done" => JobStatus::Done,
            "stopped" => JobStatus::Stopped,
            "failed" => JobStatus::Failed,
            _ => return None,
        })
    }
}

crate::domain::code::decoded_from_code!(JobStatus, "a job status");

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FormationJob {
    pub id: i64,
    pub round_id: i64,
    pub request_key: String,
    #[sqlx(try_from = "String")]
    pub status: JobStatus,
    pub seed: i64,
    pub time_limit_ms: i64,
    pub locked: String,
    pub requested_by: i64,
    pub requested_at: i64,
    pub started_at: Option<i64>,
    pub heartbeat_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub attempts: i64,
    pub iterations: i64,
    pub best_score: Option<f64>,
    #[sqlx(try_from = "Flag")]
    pub stop_requested: bool,
    pub error: String,
    pub draft_id: Option<i64>,
    /// The draft this job was run again from, if it was.
    pub from_draft_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewJob {
    pub round_id: i64,
    pub request_key: String,
    pub seed: i64,
    pub time_limit_ms: i64,
    pub locked: String,
    pub requested_by: i64,
    pub from_draft_id: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Draft {
    pub id: i64,
    pub round_id: i64,
    pub name: String,
    pub groups: String,
    pub total_score: f64,
    pub worst_score: f64,
    pub warnings: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
}

/// Scores of a draft, as the engine computed them.
#[derive(Debug, Clone, Copy)]
pub struct DraftScores {
    pub total: f64,
    pub worst: f64,
    pub warnings: i64,
}

/// A group to create when a draft is published.
#[derive(Debug, Clone)]
pub struct NewGroup {
    pub name: String,
    pub members: Vec<(i64, GroupRole)>,
}

const JOB_COLUMNS: &str = "id, round_id, request_key, status, seed, time_limit_ms, locked, requested_by, requested_at, \
     started_at, heartbeat_at, finished_at, attempts, iterations, best_score, stop_requested, error, draft_id, \
     from_draft_id";
const DRAFT_COLUMNS: &str =
    "id, round_id, name, groups, total_score, worst_score, warnings, created_at, updated_at, published_at";
const ROUND_COLUMNS: &str = "id, program_id, name, criteria, enrol_token, created_at, published_draft_id, closed_at";
/// A job is retried this many times after its server stopped; then it fails with a message.
pub const MAX_JOB_ATTEMPTS: i64 = 2;

/// How far an unpublished round has come, for its coordinators' home page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoundProgress {
    pub id: i64,
    pub name: String,
    pub program_id: i64,
    pub program_name: String,
    pub enrolled: i64,
    /// Enrolled with no department, career stage or weekly hours.
    pub incomplete: i64,
    pub never_signed_in: i64,
    pub drafts: i64,
    /// Formation jobs queued or running.
    pub forming: i64,
}

impl SqlStore {
    pub async fn create_round(
        &self,
        program_id: i64,
        name: &str,
        criteria: &str,
        enrol_token: &str,
        now: i64,
    ) -> Result<i64> {
        let result = sqlx::query_scalar(
            "INSERT INTO rounds (program_id, name, criteria, enrol_token, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(program_id)
        .bind(name)
        .bind(criteria)
        .bind(enrol_token)
        .bind(now)
        .fetch_one(&self.pool)
        .await;
        result.map_err(super::sql::conflict("a round with this name"))
    }

    pub async fn round(&self, id: i64) -> Result<Option<Round>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {ROUND_COLUMNS} FROM rounds WHERE id = $1"));
        Ok(sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?)
    }

    pub async fn round_by_enrol_token(&self, token: &str) -> Result<Option<Round>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {ROUND_COLUMNS} FROM rounds WHERE enrol_token = $1"));
        Ok(sqlx::query_as(sql).bind(token).fetch_optional(&self.pool).await?)
    }

    /// Where each unpublished round of the programs `user_id` coordinates stands.
    pub async fn open_rounds_progress(&self, user_id: i64) -> Result<Vec<RoundProgress>> {
        const IN_ROUND: &str = "FROM round_people rp JOIN users u ON u.id = rp.user_id WHERE rp.round_id = r.id";
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT r.id, r.name, r.program_id, p.name AS program_name, \
             (SELECT COUNT(*) {IN_ROUND}) AS enrolled, \
             (SELECT COUNT(*) {IN_ROUND} AND (u.department = '' OR u.career_stage = '' OR u.availability = '')) \
               AS incomplete, \
             (SELECT COUNT(*) {IN_ROUND} AND u.password_hash IS NULL) AS never_signed_in, \
             (SELECT COUNT(*) FROM drafts d WHERE d.round_id = r.id) AS drafts, \
             (SELECT COUNT(*) FROM formation_jobs j WHERE j.round_id = r.id AND j.status IN ('queued', 'running')) \
               AS forming \
             FROM rounds r JOIN programs p ON p.id = r.program_id \
             JOIN program_members pm ON pm.program_id = r.program_id AND pm.user_id = $1 AND pm.role = 'coordinator' \
             WHERE r.published_draft_id IS NULL ORDER BY p.name, r.id"
        ));
        Ok(sqlx::query_as(sql).bind(user_id).fetch_all(&self.pool).await?)
    }

    pub async fn program_rounds(&self, program_id: i64) -> Result<Vec<Round>> {
        let sql =
            sqlx::AssertSqlSafe(format!("SELECT {ROUND_COLUMNS} FROM rounds WHERE program_id = $1 ORDER BY id DESC"));
        Ok(sqlx::query_as(sql).bind(program_id).fetch_all(&self.pool).await?)
    }

    pub async fn set_round_criteria(&self, round_id: i64, criteria: &str) -> Result<()> {
        sqlx::query("UPDATE rounds SET criteria = $1 WHERE id = $2")
            .bind(criteria)
            .bind(round_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn add_round_people(&self, round_id: i64, user_ids: &[i64], now: i64) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for user_id in user_ids {
            sqlx::query(
                "INSERT INTO round_people (round_id, user_id, joined_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(round_id)
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A newcomer's enrolment, waiting for them to confirm their email.
    pub async fn add_pending_enrolment(&self, user_id: i64, round_id: i64, address: &str, now: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO pending_enrolments (user_id, round_id, address, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(round_id)
        .bind(address)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// How many newcomers enrolled through the round's link, and from `address`, since `since`.
    pub async fn recent_enrolments(&self, round_id: i64, address: &str, since: i64) -> Result<(i64, i64)> {
        let by_round: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM pending_enrolments WHERE round_id = $1 AND created_at >= $2")
                .bind(round_id)
                .bind(since)
                .fetch_one(&self.pool)
                .await?;
        let by_address: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM pending_enrolments WHERE address = $1 AND created_at >= $2")
                .bind(address)
                .bind(since)
                .fetch_one(&self.pool)
                .await?;
        Ok((by_round, by_address))
    }

    /// The person confirmed their email: their pending enrolments count in their rounds now.
    /// Returns the rounds.
    pub async fn confirm_enrolments(&self, user_id: i64, now: i64) -> Result<Vec<i64>> {
        let mut tx = self.pool.begin().await?;
        let rounds: Vec<i64> =
            sqlx::query_scalar("SELECT round_id FROM pending_enrolments WHERE user_id = $1 AND confirmed_at IS NULL")
                .bind(user_id)
                .fetch_all(&mut *tx)
                .await?;
        for round_id in &rounds {
            sqlx::query(
                "INSERT INTO round_people (round_id, user_id, joined_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(round_id)
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE pending_enrolments SET confirmed_at = $2 WHERE user_id = $1 AND confirmed_at IS NULL")
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(rounds)
    }

    pub async fn remove_round_person(&self, round_id: i64, user_id: i64) -> Result<()> {
        sqlx::query("DELETE FROM round_people WHERE round_id = $1 AND user_id = $2")
            .bind(round_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn round_people(&self, round_id: i64) -> Result<Vec<User>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM users u JOIN round_people rp ON rp.user_id = u.id WHERE rp.round_id = $1 ORDER BY u.name, u.id",
            super::sql::user_columns_of_u()
        ));
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(round_id)).await?)
    }

    /// Alumni of the program for a round: people of closed cohorts who are still participants
    /// and are not in this round, with their cohort and its year, in name order.
    pub async fn round_alumni(&self, program_id: i64, round_id: i64) -> Result<Vec<Alumnus>> {
        Ok(sqlx::query_as(
            "SELECT u.id, u.name, u.department, u.email, a.cohort, a.cohort_year FROM program_alumni a \
             JOIN users u ON u.id = a.user_id \
             WHERE a.program_id = $1 \
             AND EXISTS (SELECT 1 FROM program_members pm WHERE pm.program_id = $1 AND pm.user_id = u.id \
                         AND pm.role = 'participant') \
             AND NOT EXISTS (SELECT 1 FROM round_people rp WHERE rp.round_id = $2 AND rp.user_id = u.id) \
             ORDER BY u.name, u.id",
        )
        .bind(program_id)
        .bind(round_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Ends a published round's cohort in one transaction: the round is closed, its groups are
    /// archived, and the members of its groups become alumni of the program (`cohort` and
    /// `year`; someone already an alumna or alumnus of an earlier cohort stays one of it).
    /// `false` when the round was closed already.
    pub async fn close_round(&self, round_id: i64, cohort: &str, year: i64, now: i64) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let closed = sqlx::query("UPDATE rounds SET closed_at = $1 WHERE id = $2 AND closed_at IS NULL")
            .bind(now)
            .bind(round_id)
            .execute(&mut *tx)
            .await?;
        if closed.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query("UPDATE groups SET archived_at = $1 WHERE round_id = $2 AND archived_at IS NULL")
            .bind(now)
            .bind(round_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO program_alumni (program_id, user_id, cohort, cohort_year, since) \
             SELECT DISTINCT g.program_id, gm.user_id, $1, $2, $3 FROM group_members gm \
             JOIN groups g ON g.id = gm.group_id \
             WHERE g.round_id = $4 AND gm.role = 'member' \
             ON CONFLICT (program_id, user_id) DO NOTHING",
        )
        .bind(cohort)
        .bind(year)
        .bind(now)
        .bind(round_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The groups the program had before `before`, as lists of member emails (the pairing
    /// history a round is formed against), leaving out the groups round `round_id` itself made.
    pub async fn past_groups(&self, program_id: i64, round_id: i64, before: i64) -> Result<Vec<Vec<String>>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT gm.group_id, u.email FROM group_members gm JOIN groups g ON g.id = gm.group_id \
             JOIN users u ON u.id = gm.user_id WHERE g.program_id = $1 \
             AND (g.round_id IS NULL OR g.round_id <> $2) AND g.created_at < $3 AND gm.joined_at < $3 \
             ORDER BY gm.group_id, u.email",
        )
        .bind(program_id)
        .bind(round_id)
        .bind(before)
        .fetch_all(&self.pool)
        .await?;
        let mut groups: Vec<Vec<String>> = Vec::new();
        let mut current = None;
        for (group_id, email) in rows {
            if current != Some(group_id) {
                groups.push(Vec::new());
                current = Some(group_id);
            }
            if let Some(last) = groups.last_mut() {
                last.push(email);
            }
        }
        Ok(groups)
    }

    /// Queues a job; the same request key for the same round returns the existing job instead.
    pub async fn request_job(&self, job: &NewJob, now: i64) -> Result<i64> {
        sqlx::query(
            "INSERT INTO formation_jobs \
             (round_id, request_key, status, seed, time_limit_ms, locked, requested_by, requested_at, from_draft_id) \
             VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7, $8) ON CONFLICT (round_id, request_key) DO NOTHING",
        )
        .bind(job.round_id)
        .bind(&job.request_key)
        .bind(job.seed)
        .bind(job.time_limit_ms)
        .bind(&job.locked)
        .bind(job.requested_by)
        .bind(now)
        .bind(job.from_draft_id)
        .execute(&self.pool)
        .await?;
        Ok(sqlx::query_scalar("SELECT id FROM formation_jobs WHERE round_id = $1 AND request_key = $2")
            .bind(job.round_id)
            .bind(&job.request_key)
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn job(&self, id: i64) -> Result<Option<FormationJob>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {JOB_COLUMNS} FROM formation_jobs WHERE id = $1"));
        Ok(sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?)
    }

    pub async fn round_jobs(&self, round_id: i64) -> Result<Vec<FormationJob>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS} FROM formation_jobs WHERE round_id = $1 ORDER BY id DESC"
        ));
        Ok(sqlx::query_as(sql).bind(round_id).fetch_all(&self.pool).await?)
    }

    /// Takes the oldest queued job, or a running one whose server stopped (no heartbeat since
    /// `stale_before`) and has attempts left.
    pub async fn claim_next_job(&self, now: i64, stale_before: i64) -> Result<Option<FormationJob>> {
        // The outer condition is re-checked by PostgreSQL after a concurrent claim, so two
        // servers never run the same job.
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE formation_jobs SET status = 'running', attempts = attempts + 1, started_at = $1, heartbeat_at = $1 \
             WHERE (status = 'queued' OR (status = 'running' AND heartbeat_at < $2 AND attempts < $3)) AND id = \
             (SELECT id FROM formation_jobs WHERE status = 'queued' OR (status = 'running' AND heartbeat_at < $2 AND attempts < $3) \
              ORDER BY id LIMIT 1) RETURNING {JOB_COLUMNS}"
        ));
        Ok(sqlx::query_as(sql).bind(now).bind(stale_before).bind(MAX_JOB_ATTEMPTS).fetch_optional(&self.pool).await?)
    }

    /// Fails running jobs whose server stopped too often; returns how many.
    pub async fn fail_abandoned_jobs(&self, now: i64, stale_before: i64) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE formation_jobs SET status = 'failed', finished_at = $1, \
             error = 'The server stopped while forming these groups, more than once. Start the formation again; if it keeps failing, shorten the time limit.' \
             WHERE status = 'running' AND heartbeat_at < $2 AND attempts >= $3",
        )
        .bind(now)
        .bind(stale_before)
        .bind(MAX_JOB_ATTEMPTS)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Records progress; returns whether the coordinator asked to stop.
    pub async fn job_progress(&self, id: i64, now: i64, iterations: i64, best_score: f64) -> Result<bool> {
        sqlx::query("UPDATE formation_jobs SET heartbeat_at = $1, iterations = $2, best_score = $3 WHERE id = $4")
            .bind(now)
            .bind(iterations)
            .bind(best_score)
            .bind(id)
            .execute(&self.pool)
            .await?;
        let stop: i64 = sqlx::query_scalar("SELECT stop_requested FROM formation_jobs WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        Ok(stop != 0)
    }

    pub async fn request_job_stop(&self, id: i64) -> Result<()> {
        sqlx::query("UPDATE formation_jobs SET stop_requested = 1 WHERE id = $1").bind(id).execute(&self.pool).await?;
        // A job nobody has started yet simply ends.
        sqlx::query("UPDATE formation_jobs SET status = 'stopped' WHERE id = $1 AND status = 'queued'")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends a job. `result` is the draft it made with the search's final figures (moves tried
    /// and the best score), kept on the job even when the search ended between two heartbeats.
    pub async fn finish_job(
        &self,
        id: i64,
        now: i64,
        status: &str,
        error: &str,
        result: Option<JobResult>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE formation_jobs SET status = $1, error = $2, draft_id = $3, finished_at = $4, \
             iterations = COALESCE($5, iterations), best_score = COALESCE($6, best_score) WHERE id = $7",
        )
        .bind(status)
        .bind(error)
        .bind(result.map(|r| r.draft_id))
        .bind(now)
        .bind(result.map(|r| r.iterations))
        .bind(result.map(|r| r.best_score))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn create_draft(
        &self,
        round_id: i64,
        name: &str,
        groups: &str,
        scores: DraftScores,
        now: i64,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO drafts (round_id, name, groups, total_score, worst_score, warnings, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(round_id)
        .bind(name)
        .bind(groups)
        .bind(scores.total)
        .bind(scores.worst)
        .bind(scores.warnings)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The job that made draft `draft_id`, if a job did.
    pub async fn job_of_draft(&self, draft_id: i64) -> Result<Option<FormationJob>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {JOB_COLUMNS} FROM formation_jobs WHERE draft_id = $1"));
        Ok(sqlx::query_as(sql).bind(draft_id).fetch_optional(&self.pool).await?)
    }

    pub async fn draft(&self, id: i64) -> Result<Option<Draft>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {DRAFT_COLUMNS} FROM drafts WHERE id = $1"));
        Ok(sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?)
    }

    pub async fn round_drafts(&self, round_id: i64) -> Result<Vec<Draft>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {DRAFT_COLUMNS} FROM drafts WHERE round_id = $1 ORDER BY id"));
        Ok(sqlx::query_as(sql).bind(round_id).fetch_all(&self.pool).await?)
    }

    pub async fn update_draft(&self, id: i64, groups: &str, scores: DraftScores, now: i64) -> Result<()> {
        sqlx::query(
            "UPDATE drafts SET groups = $1, total_score = $2, worst_score = $3, warnings = $4, updated_at = $5 \
             WHERE id = $6 AND published_at IS NULL",
        )
        .bind(groups)
        .bind(scores.total)
        .bind(scores.worst)
        .bind(scores.warnings)
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Creates the draft's groups and memberships and queues `emails`, all in one transaction.
    /// False (and nothing written) when the round already has a published draft.
    pub async fn publish_draft(
        &self,
        round_id: i64,
        draft_id: i64,
        program_id: i64,
        groups: &[NewGroup],
        outgoing: &Outgoing,
        now: i64,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let claimed =
            sqlx::query("UPDATE rounds SET published_draft_id = $1 WHERE id = $2 AND published_draft_id IS NULL")
                .bind(draft_id)
                .bind(round_id)
                .execute(&mut *tx)
                .await?;
        if claimed.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query("UPDATE drafts SET published_at = $1 WHERE id = $2")
            .bind(now)
            .bind(draft_id)
            .execute(&mut *tx)
            .await?;
        for group in groups {
            let group_id: i64 = sqlx::query_scalar(
                "INSERT INTO groups (program_id, name, created_at, round_id) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(program_id)
            .bind(&group.name)
            .bind(now)
            .bind(round_id)
            .fetch_one(&mut *tx)
            .await?;
            for (user_id, role) in &group.members {
                sqlx::query("INSERT INTO group_members (group_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)")
                    .bind(group_id)
                    .bind(user_id)
                    .bind(role.code())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for invitation in &outgoing.invitations {
            super::tokens::insert_invitation(&mut tx, invitation).await?;
        }
        for email in &outgoing.emails {
            super::sql::insert_email(&mut *tx, email, now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}
