//! Scholars' records: their time in each program and the items of their careers, kept per
//! program. Nothing here reads goals, posts or what a group said.

use super::{Result, SqlStore};
use crate::domain::record::{RecordItem, ScholarDetails};

/// A scholar of a program with their time in it. Cohort and start fall back to the round the
/// scholar enrolled through (or the cohort they are an alumnus of) when not given.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Scholar {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub cohort: String,
    pub started_on: String,
    /// When the scholar joined the program's round, for a start not given.
    pub joined_at: Option<i64>,
    pub ended_on: String,
    pub outcome: String,
    pub mentors: String,
    pub topic: String,
    pub no_publications_reason: String,
    pub left_institution_on: String,
    pub left_to: String,
    pub orcid: String,
}

impl Scholar {
    /// "In the program", "Completed" or "Left".
    pub fn outcome_label(&self) -> &'static str {
        crate::domain::wins::label(&crate::domain::record::OUTCOMES, &self.outcome)
    }

    pub fn details(&self) -> ScholarDetails {
        ScholarDetails {
            cohort: self.cohort.clone(),
            started_on: self.started_on.clone(),
            ended_on: self.ended_on.clone(),
            outcome: self.outcome.clone(),
            mentors: self.mentors.clone(),
            topic: self.topic.clone(),
            no_publications_reason: self.no_publications_reason.clone(),
            left_institution_on: self.left_institution_on.clone(),
            left_to: self.left_to.clone(),
            orcid: self.orcid.clone(),
        }
    }
}

/// What a look-up found for one scholar.
#[derive(Debug, Clone)]
pub struct NewSuggestion {
    pub program_id: i64,
    pub user_id: i64,
    pub source: String,
    pub match_key: String,
    /// The item as JSON (a record form, filled in).
    pub item: String,
    /// `open`, or `confirmed` for a work the scholar's own ORCID record lists.
    pub status: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Suggestion {
    pub id: i64,
    pub program_id: i64,
    pub user_id: i64,
    pub source: String,
    pub match_key: String,
    pub item: String,
    pub status: String,
}

const ITEM_COLUMNS: &str = "id, program_id, user_id, kind, win_id, title, organisation, department, code, sector, \
     activity, tenure, award_number, role, status, level, doi, pmid, author_position, year, submitted_on, decided_on, \
     started_on, ended_on, annual_amount, internal_k, r01_equivalent";

/// Participants and alumni of program `$1`, with their time in it. An alumna or alumnus of a
/// closed cohort has completed the program unless a coordinator said otherwise.
const SCHOLARS: &str = "SELECT u.id AS user_id, u.name, u.email, \
     COALESCE(NULLIF(s.cohort, ''), a.cohort, \
       (SELECT r.name FROM round_people rp JOIN rounds r ON r.id = rp.round_id \
        WHERE rp.user_id = u.id AND r.program_id = $1 ORDER BY rp.joined_at DESC LIMIT 1), '') AS cohort, \
     COALESCE(s.started_on, '') AS started_on, \
     (SELECT MIN(rp.joined_at) FROM round_people rp JOIN rounds r ON r.id = rp.round_id \
        WHERE rp.user_id = u.id AND r.program_id = $1) AS joined_at, \
     COALESCE(s.ended_on, '') AS ended_on, \
     COALESCE(NULLIF(s.outcome, ''), CASE WHEN a.user_id IS NULL THEN '' ELSE 'completed' END) AS outcome, \
     COALESCE(s.mentors, '') AS mentors, COALESCE(s.topic, '') AS topic, \
     COALESCE(s.no_publications_reason, '') AS no_publications_reason, \
     COALESCE(s.left_institution_on, '') AS left_institution_on, COALESCE(s.left_to, '') AS left_to, \
     COALESCE(s.orcid, '') AS orcid \
     FROM users u \
     LEFT JOIN scholars s ON s.program_id = $1 AND s.user_id = u.id \
     LEFT JOIN program_alumni a ON a.program_id = $1 AND a.user_id = u.id \
     WHERE u.id IN (SELECT user_id FROM program_members WHERE program_id = $1 AND role = 'participant' \
                    UNION SELECT user_id FROM program_alumni WHERE program_id = $1)";

impl SqlStore {
    /// Every participant and alumnus of the program, by name.
    pub async fn program_scholars(&self, program_id: i64) -> Result<Vec<Scholar>> {
        let sql = sqlx::AssertSqlSafe(format!("{SCHOLARS} ORDER BY u.name, u.id"));
        Ok(sqlx::query_as(sql).bind(program_id).fetch_all(&self.pool).await?)
    }

    /// One participant or alumnus of the program, or None when they are neither.
    pub async fn program_scholar(&self, program_id: i64, user_id: i64) -> Result<Option<Scholar>> {
        let sql = sqlx::AssertSqlSafe(format!("{SCHOLARS} AND u.id = $2"));
        Ok(sqlx::query_as(sql).bind(program_id).bind(user_id).fetch_optional(&self.pool).await?)
    }

    /// What a coordinator keeps of a scholar's time in the program: cohort, dates, outcome,
    /// leaving, and why Table 5 lists no publications. The scholar's own fields stay.
    pub async fn save_scholar_program_details(
        &self,
        program_id: i64,
        user_id: i64,
        d: &ScholarDetails,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO scholars (program_id, user_id, cohort, started_on, ended_on, outcome, \
             no_publications_reason, left_institution_on, left_to, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (program_id, user_id) DO UPDATE SET cohort = $3, started_on = $4, ended_on = $5, \
             outcome = $6, no_publications_reason = $7, left_institution_on = $8, left_to = $9, updated_at = $10",
        )
        .bind(program_id)
        .bind(user_id)
        .bind(&d.cohort)
        .bind(&d.started_on)
        .bind(&d.ended_on)
        .bind(&d.outcome)
        .bind(&d.no_publications_reason)
        .bind(&d.left_institution_on)
        .bind(&d.left_to)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// What the scholar keeps of their own time in the program: mentors, topic, ORCID iD. The
    /// coordinator's fields stay.
    pub async fn save_scholar_own_details(
        &self,
        program_id: i64,
        user_id: i64,
        d: &ScholarDetails,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO scholars (program_id, user_id, mentors, topic, orcid, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (program_id, user_id) DO UPDATE SET mentors = $3, topic = $4, orcid = $5, updated_at = $6",
        )
        .bind(program_id)
        .bind(user_id)
        .bind(&d.mentors)
        .bind(&d.topic)
        .bind(&d.orcid)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every field at once: for seeding and imports of history.
    pub async fn save_scholar(&self, program_id: i64, user_id: i64, d: &ScholarDetails, now: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO scholars (program_id, user_id, cohort, started_on, ended_on, outcome, mentors, topic, \
             no_publications_reason, left_institution_on, left_to, updated_at, orcid) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (program_id, user_id) DO UPDATE SET cohort = $3, started_on = $4, ended_on = $5, \
             outcome = $6, mentors = $7, topic = $8, no_publications_reason = $9, left_institution_on = $10, \
             left_to = $11, updated_at = $12, orcid = $13",
        )
        .bind(program_id)
        .bind(user_id)
        .bind(&d.cohort)
        .bind(&d.started_on)
        .bind(&d.ended_on)
        .bind(&d.outcome)
        .bind(&d.mentors)
        .bind(&d.topic)
        .bind(&d.no_publications_reason)
        .bind(&d.left_institution_on)
        .bind(&d.left_to)
        .bind(now)
        .bind(&d.orcid)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Adds items (their `program_id`, `user_id` and `win_id` as given); returns their ids.
    pub async fn add_record_items(&self, items: &[RecordItem], now: i64) -> Result<Vec<i64>> {
        let mut tx = self.pool.begin().await?;
        let mut ids = Vec::with_capacity(items.len());
        for item in items {
            ids.push(insert_item(&mut tx, item, now).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Changes what an item says; who holds it and its win stay. A coordinator's confirmation as
    /// R01-equivalent was of what it said before: it is withdrawn.
    pub async fn update_record_item(&self, id: i64, i: &RecordItem) -> Result<()> {
        sqlx::query(
            "UPDATE record_items SET kind = $1, title = $2, organisation = $3, department = $4, code = $5, \
             sector = $6, activity = $7, tenure = $8, award_number = $9, role = $10, status = $11, level = $12, \
             doi = $13, pmid = $14, author_position = $15, year = $16, submitted_on = $17, decided_on = $18, \
             started_on = $19, ended_on = $20, annual_amount = $21, internal_k = $22, r01_equivalent = 0 \
             WHERE id = $23",
        )
        .bind(&i.kind)
        .bind(&i.title)
        .bind(&i.organisation)
        .bind(&i.department)
        .bind(&i.code)
        .bind(&i.sector)
        .bind(&i.activity)
        .bind(&i.tenure)
        .bind(&i.award_number)
        .bind(&i.role)
        .bind(&i.status)
        .bind(&i.level)
        .bind(&i.doi)
        .bind(&i.pmid)
        .bind(&i.author_position)
        .bind(i.year)
        .bind(&i.submitted_on)
        .bind(&i.decided_on)
        .bind(&i.started_on)
        .bind(&i.ended_on)
        .bind(i.annual_amount)
        .bind(i64::from(i.internal_k.0))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Carries a changed win into the record item it added: what the win says (title, venue,
    /// identifiers, status), not what the member added in the record (dates, amount).
    pub async fn sync_record_item_with_win(&self, win_id: i64, i: &RecordItem) -> Result<()> {
        sqlx::query(
            "UPDATE record_items SET title = $1, organisation = $2, year = $3, code = $4, award_number = $5, \
             role = $6, status = $7, doi = $8, pmid = $9, author_position = $10 WHERE win_id = $11 AND kind = $12",
        )
        .bind(&i.title)
        .bind(&i.organisation)
        .bind(i.year)
        .bind(&i.code)
        .bind(&i.award_number)
        .bind(&i.role)
        .bind(&i.status)
        .bind(&i.doi)
        .bind(&i.pmid)
        .bind(&i.author_position)
        .bind(win_id)
        .bind(&i.kind)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn delete_record_items_of_win(&self, win_id: i64) -> Result<()> {
        sqlx::query("DELETE FROM record_items WHERE win_id = $1").bind(win_id).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn delete_record_item(&self, id: i64) -> Result<()> {
        sqlx::query("DELETE FROM record_items WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn set_r01_equivalent(&self, id: i64, confirmed: bool) -> Result<()> {
        sqlx::query("UPDATE record_items SET r01_equivalent = $1 WHERE id = $2")
            .bind(i64::from(confirmed))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn record_item(&self, id: i64) -> Result<Option<RecordItem>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {ITEM_COLUMNS} FROM record_items WHERE id = $1"));
        Ok(sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?)
    }

    /// One person's items in every program, newest first within each kind.
    pub async fn user_record_items(&self, user_id: i64) -> Result<Vec<RecordItem>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ITEM_COLUMNS} FROM record_items WHERE user_id = $1 ORDER BY program_id, kind, year IS NULL, year DESC, id DESC"
        ));
        Ok(sqlx::query_as(sql).bind(user_id).fetch_all(&self.pool).await?)
    }

    /// The items the program's scholars keep in its record.
    pub async fn program_record_items(&self, program_id: i64) -> Result<Vec<RecordItem>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ITEM_COLUMNS} FROM record_items WHERE program_id = $1 ORDER BY user_id, kind, year IS NULL, year DESC, id DESC"
        ));
        Ok(sqlx::query_as(sql).bind(program_id).fetch_all(&self.pool).await?)
    }

    /// Who has been in which of the program's groups (user, group): to tell collaborations
    /// within a group from those across groups.
    pub async fn program_group_seats(&self, program_id: i64) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT gm.user_id, gm.group_id FROM group_members gm JOIN groups g ON g.id = gm.group_id \
             WHERE g.program_id = $1",
        )
        .bind(program_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Records someone as an alumna or alumnus of a program's past cohort (an import of history:
    /// closing a round does this for its own groups).
    pub async fn add_alumnus(&self, program_id: i64, user_id: i64, cohort: &str, year: i64, now: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO program_alumni (program_id, user_id, cohort, cohort_year, since) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (program_id, user_id) DO NOTHING",
        )
        .bind(program_id)
        .bind(user_id)
        .bind(cohort)
        .bind(year)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Keeps what a look-up found, unless the same work was suggested to the same scholar before
    /// (confirmed or dismissed: it is not asked again); a suggestion that needs no confirming
    /// comes with its `item`, added to the record in the same transaction. Returns how many are
    /// new.
    pub async fn add_suggestions(
        &self,
        suggestions: &[(NewSuggestion, Option<RecordItem>)],
        now: i64,
    ) -> Result<usize> {
        let mut added = 0;
        let mut tx = self.pool.begin().await?;
        for (s, item) in suggestions {
            let done = sqlx::query(
                "INSERT INTO record_suggestions (program_id, user_id, source, match_key, item, status, found_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (program_id, user_id, match_key) DO NOTHING",
            )
            .bind(s.program_id)
            .bind(s.user_id)
            .bind(&s.source)
            .bind(&s.match_key)
            .bind(&s.item)
            .bind(&s.status)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 1 {
                added += 1;
                if let Some(item) = item {
                    insert_item(&mut tx, item, now).await?;
                }
            }
        }
        tx.commit().await?;
        Ok(added)
    }

    /// The suggestions waiting for a scholar's answer, oldest first.
    pub async fn open_suggestions(&self, user_id: i64) -> Result<Vec<Suggestion>> {
        Ok(sqlx::query_as(
            "SELECT id, program_id, user_id, source, match_key, item, status FROM record_suggestions \
             WHERE user_id = $1 AND status = 'open' ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn suggestion(&self, id: i64) -> Result<Option<Suggestion>> {
        Ok(sqlx::query_as(
            "SELECT id, program_id, user_id, source, match_key, item, status FROM record_suggestions WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Settles a suggestion: `confirmed` (with the item added to the record, in one transaction)
    /// or `dismissed`. False when it was settled already.
    pub async fn settle_suggestion(&self, id: i64, item: Option<&RecordItem>, now: i64) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let status = if item.is_some() { "confirmed" } else { "dismissed" };
        let done =
            sqlx::query("UPDATE record_suggestions SET status = $1, decided_at = $2 WHERE id = $3 AND status = 'open'")
                .bind(status)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        if let Some(item) = item {
            insert_item(&mut tx, item, now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Claims the look-up of day `run_on` (YYYY-MM-DD) for this server: false when another
    /// server (or an earlier run of this one) has it, unless that run started before
    /// `abandoned_before` and never finished (its server stopped): then it is taken over.
    pub async fn claim_public_data_run(&self, run_on: &str, now: i64, abandoned_before: i64) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO public_data_runs (run_on, started_at) VALUES ($1, $2) ON CONFLICT (run_on) DO UPDATE \
             SET started_at = $2 WHERE public_data_runs.finished_at IS NULL AND public_data_runs.started_at < $3",
        )
        .bind(run_on)
        .bind(now)
        .bind(abandoned_before)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn finish_public_data_run(&self, run_on: &str, found: i64, problems: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE public_data_runs SET finished_at = $1, found = $2, problems = $3 WHERE run_on = $4")
            .bind(now)
            .bind(found)
            .bind(problems)
            .bind(run_on)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_small_cell(&self, program_id: i64, small_cell: i64) -> Result<()> {
        sqlx::query("UPDATE programs SET small_cell = $1 WHERE id = $2")
            .bind(small_cell)
            .bind(program_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

pub(super) async fn insert_item(tx: &mut sqlx::Transaction<'_, sqlx::Any>, i: &RecordItem, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO record_items (program_id, user_id, kind, win_id, title, organisation, department, code, \
         sector, activity, tenure, award_number, role, status, level, doi, pmid, author_position, year, \
         submitted_on, decided_on, started_on, ended_on, annual_amount, internal_k, r01_equivalent, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, \
         $22, $23, $24, $25, $26, $27) RETURNING id",
    )
    .bind(i.program_id)
    .bind(i.user_id)
    .bind(&i.kind)
    .bind(i.win_id)
    .bind(&i.title)
    .bind(&i.organisation)
    .bind(&i.department)
    .bind(&i.code)
    .bind(&i.sector)
    .bind(&i.activity)
    .bind(&i.tenure)
    .bind(&i.award_number)
    .bind(&i.role)
    .bind(&i.status)
    .bind(&i.level)
    .bind(&i.doi)
    .bind(&i.pmid)
    .bind(&i.author_position)
    .bind(i.year)
    .bind(&i.submitted_on)
    .bind(&i.decided_on)
    .bind(&i.started_on)
    .bind(&i.ended_on)
    .bind(i.annual_amount)
    .bind(i64::from(i.internal_k.0))
    .bind(i64::from(i.r01_equivalent.0))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}
