//! What is kept of shared resources, opportunities and nominations. Who may see any of it is
//! decided in `auth::access`, never here; file contents live in `files`.

use super::decode::{Columns, Decoded};
use super::sql::conflict;
use super::{NewEmail, Result, SqlStore};
use crate::domain::opportunities::NominationStatus;
use crate::domain::{Audience, Visibility};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Resource {
    pub id: i64,
    pub author_id: Option<i64>,
    /// "former member" when the author deleted their account.
    pub author_name: String,
    pub program_id: i64,
    pub group_id: Option<i64>,
    /// Empty for a program-wide resource.
    pub group_name: String,
    pub title: String,
    pub description: String,
    /// A link, or empty for a file.
    pub url: String,
    /// A file's SHA-256, or empty for a link.
    pub file_sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Lower-case, comma-separated.
    pub tags: String,
    #[sqlx(try_from = "String")]
    pub visibility: Visibility,
    pub created_at: i64,
}

impl Resource {
    pub fn audience(&self) -> Audience {
        Audience {
            author_id: self.author_id,
            program_id: self.program_id,
            group_id: self.group_id,
            visibility: self.visibility,
            facilitator_id: None,
            created_at: self.created_at,
        }
    }

    pub fn tag_list(&self) -> Vec<&str> {
        self.tags.split(',').filter(|t| !t.is_empty()).collect()
    }

    pub fn is_file(&self) -> bool {
        !self.file_sha256.is_empty()
    }
}

/// A resource to keep: a link (`url`) or a file already stored under `file_sha256`.
pub struct NewResource<'a> {
    pub author_id: i64,
    pub program_id: i64,
    /// `Some` with `Visibility::Group`; `None` with `Visibility::Program`.
    pub group_id: Option<i64>,
    pub visibility: Visibility,
    pub title: &'a str,
    pub description: &'a str,
    pub url: &'a str,
    pub file_sha256: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub tags: &'a str,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Opportunity {
    pub id: i64,
    pub program_id: i64,
    pub author_id: Option<i64>,
    pub author_name: String,
    pub kind: String,
    pub title: String,
    pub description: String,
    /// YYYY-MM-DD.
    pub deadline: String,
    pub created_at: i64,
}

impl Opportunity {
    /// Opportunities are for everyone in their program.
    pub fn audience(&self) -> Audience {
        Audience {
            author_id: self.author_id,
            program_id: self.program_id,
            group_id: None,
            visibility: Visibility::Program,
            facilitator_id: None,
            created_at: self.created_at,
        }
    }
}

pub struct NewOpportunity<'a> {
    pub program_id: i64,
    pub author_id: i64,
    pub kind: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub deadline: &'a str,
}

#[derive(Debug, Clone)]
pub struct Nomination {
    pub id: i64,
    pub opportunity_id: i64,
    pub program_id: i64,
    pub opportunity_title: String,
    pub opportunity_kind: String,
    pub deadline: String,
    pub nominator_id: Option<i64>,
    pub nominator_name: String,
    pub nominee_id: i64,
    pub nominee_name: String,
    pub statement: String,
    /// pending, accepted or declined.
    pub status: NominationStatus,
    /// 1 when the nominee agreed that a selection may be celebrated program-wide.
    pub celebrate_consent: bool,
    /// Empty until known, then selected or not_selected.
    pub outcome: String,
    pub win_id: Option<i64>,
    pub created_at: i64,
}

impl Decoded for Nomination {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(Nomination {
            id: row.value("id")?,
            opportunity_id: row.value("opportunity_id")?,
            program_id: row.value("program_id")?,
            opportunity_title: row.value("opportunity_title")?,
            opportunity_kind: row.value("opportunity_kind")?,
            deadline: row.value("deadline")?,
            nominator_id: row.value("nominator_id")?,
            nominator_name: row.value("nominator_name")?,
            nominee_id: row.value("nominee_id")?,
            nominee_name: row.value("nominee_name")?,
            statement: row.value("statement")?,
            status: row.coded("status")?,
            celebrate_consent: row.value::<i64>("celebrate_consent")? != 0,
            outcome: row.value("outcome")?,
            win_id: row.value("win_id")?,
            created_at: row.value("created_at")?,
        })
    }
}

pub struct NewNomination<'a> {
    pub opportunity_id: i64,
    pub nominator_id: i64,
    pub nominee_id: i64,
    pub statement: &'a str,
}

/// The win a celebrated selection becomes.
pub struct NewWin<'a> {
    pub user_id: i64,
    pub program_id: i64,
    pub group_id: Option<i64>,
    pub kind: &'a str,
    pub title: &'a str,
    pub year: Option<i64>,
    pub visibility: Visibility,
}

const RESOURCE_COLUMNS: &str = "r.id, r.author_id, COALESCE(u.name, 'former member') AS author_name, r.program_id, \
     r.group_id, COALESCE(g.name, '') AS group_name, r.title, r.description, r.url, r.file_sha256, r.file_name, \
     r.content_type, r.size_bytes, r.tags, r.visibility, r.created_at";
const RESOURCE_FROM: &str =
    "resources r LEFT JOIN users u ON u.id = r.author_id LEFT JOIN groups g ON g.id = r.group_id";

const OPPORTUNITY_COLUMNS: &str = "o.id, o.program_id, o.author_id, COALESCE(u.name, 'former member') AS author_name, \
     o.kind, o.title, o.description, o.deadline, o.created_at";
const OPPORTUNITY_FROM: &str = "opportunities o LEFT JOIN users u ON u.id = o.author_id";

const NOMINATION_COLUMNS: &str = "n.id, n.opportunity_id, o.program_id, o.title AS opportunity_title, \
     o.kind AS opportunity_kind, o.deadline, n.nominator_id, COALESCE(nr.name, 'former member') AS nominator_name, \
     n.nominee_id, ne.name AS nominee_name, n.statement, n.status, n.celebrate_consent, n.outcome, n.win_id, \
     n.created_at";
const NOMINATION_FROM: &str = "nominations n JOIN opportunities o ON o.id = n.opportunity_id \
     JOIN users ne ON ne.id = n.nominee_id LEFT JOIN users nr ON nr.id = n.nominator_id";

impl SqlStore {
    pub async fn create_resource(&self, r: &NewResource<'_>, now: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO resources (author_id, program_id, group_id, title, description, url, file_sha256, file_name, \
             content_type, size_bytes, tags, visibility, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(r.author_id)
        .bind(r.program_id)
        .bind(r.group_id)
        .bind(r.title)
        .bind(r.description)
        .bind(r.url)
        .bind(r.file_sha256)
        .bind(r.file_name)
        .bind(r.content_type)
        .bind(r.size_bytes)
        .bind(r.tags)
        .bind(r.visibility.code())
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn resource(&self, id: i64) -> Result<Option<Resource>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {RESOURCE_COLUMNS} FROM {RESOURCE_FROM} WHERE r.id = $1"));
        Ok(sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?)
    }

    /// Every resource of a program, newest first (callers filter them with the access rule).
    pub async fn program_resources(&self, program_id: i64) -> Result<Vec<Resource>> {
        self.program_resources_page(program_id, i64::MAX, i64::MAX).await
    }

    /// Up to `limit` of a program's resources with ids below `before`, newest first.
    pub async fn program_resources_page(&self, program_id: i64, before: i64, limit: i64) -> Result<Vec<Resource>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {RESOURCE_COLUMNS} FROM {RESOURCE_FROM} WHERE r.program_id = $1 AND r.id < $2 \
             ORDER BY r.id DESC LIMIT {limit}"
        ));
        Ok(sqlx::query_as(sql).bind(program_id).bind(before).fetch_all(&self.pool).await?)
    }

    /// What a person shared and posted, for their own export.
    pub async fn user_resources(&self, user_id: i64) -> Result<Vec<Resource>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {RESOURCE_COLUMNS} FROM {RESOURCE_FROM} WHERE r.author_id = $1 ORDER BY r.created_at, r.id"
        ));
        Ok(sqlx::query_as(sql).bind(user_id).fetch_all(&self.pool).await?)
    }

    pub async fn user_opportunities(&self, user_id: i64) -> Result<Vec<Opportunity>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {OPPORTUNITY_COLUMNS} FROM {OPPORTUNITY_FROM} WHERE o.author_id = $1 ORDER BY o.created_at, o.id"
        ));
        Ok(sqlx::query_as(sql).bind(user_id).fetch_all(&self.pool).await?)
    }

    /// Deletes the resource; returns how many resources still use its file (0: the file may go).
    pub async fn delete_resource(&self, id: i64) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let sha: Option<String> = sqlx::query_scalar("DELETE FROM resources WHERE id = $1 RETURNING file_sha256")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let still_used = match sha.filter(|s| !s.is_empty()) {
            Some(sha) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM resources WHERE file_sha256 = $1")
                    .bind(sha)
                    .fetch_one(&mut *tx)
                    .await?
            }
            None => 0,
        };
        tx.commit().await?;
        Ok(still_used)
    }

    pub async fn create_opportunity(&self, o: &NewOpportunity<'_>, now: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO opportunities (program_id, author_id, kind, title, description, deadline, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(o.program_id)
        .bind(o.author_id)
        .bind(o.kind)
        .bind(o.title)
        .bind(o.description)
        .bind(o.deadline)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn opportunity(&self, id: i64) -> Result<Option<Opportunity>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {OPPORTUNITY_COLUMNS} FROM {OPPORTUNITY_FROM} WHERE o.id = $1"));
        Ok(sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?)
    }

    /// A program's opportunities by deadline, soonest first.
    pub async fn program_opportunities(&self, program_id: i64) -> Result<Vec<Opportunity>> {
        self.program_opportunities_page(program_id, "", None, i64::MAX).await
    }

    /// Up to `limit` of a program's opportunities with deadlines from `from` (YYYY-MM-DD; ""
    /// for all), soonest first, after the opportunity `after` (from the first for none).
    pub async fn program_opportunities_page(
        &self,
        program_id: i64,
        from: &str,
        after: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Opportunity>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {OPPORTUNITY_COLUMNS} FROM {OPPORTUNITY_FROM} WHERE o.program_id = $1 AND o.deadline >= $2 \
             AND ($3 = 0 OR (o.deadline, o.id) > (SELECT deadline, id FROM opportunities WHERE id = $3)) \
             ORDER BY o.deadline, o.id LIMIT {limit}"
        ));
        Ok(sqlx::query_as(sql).bind(program_id).bind(from).bind(after.unwrap_or(0)).fetch_all(&self.pool).await?)
    }

    /// The `limit` opportunities whose deadlines passed most recently (before `today`).
    pub async fn recently_closed_opportunities(
        &self,
        program_id: i64,
        today: &str,
        limit: i64,
    ) -> Result<Vec<Opportunity>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {OPPORTUNITY_COLUMNS} FROM {OPPORTUNITY_FROM} WHERE o.program_id = $1 AND o.deadline < $2 \
             ORDER BY o.deadline DESC, o.id DESC LIMIT {limit}"
        ));
        Ok(sqlx::query_as(sql).bind(program_id).bind(today).fetch_all(&self.pool).await?)
    }

    /// Records a nomination and queues the nominee's email with it, in one transaction.
    /// A second nomination of the same person for the same opportunity is a `Conflict`.
    pub async fn create_nomination(&self, n: &NewNomination<'_>, email: &NewEmail, now: i64) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO nominations (opportunity_id, nominator_id, nominee_id, statement, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(n.opportunity_id)
        .bind(n.nominator_id)
        .bind(n.nominee_id)
        .bind(n.statement)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(conflict("a nomination of this person for this opportunity"))?;
        super::sql::insert_email(&mut *tx, email, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn nomination(&self, id: i64) -> Result<Option<Nomination>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {NOMINATION_COLUMNS} FROM {NOMINATION_FROM} WHERE n.id = $1"));
        Ok(self.pool.fetch_optional_as(sqlx::query(sql).bind(id)).await?)
    }

    /// Nominations a person received or made, newest first.
    pub async fn user_nominations(&self, user_id: i64) -> Result<Vec<Nomination>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {NOMINATION_COLUMNS} FROM {NOMINATION_FROM} WHERE n.nominee_id = $1 OR n.nominator_id = $1 \
             ORDER BY n.created_at DESC, n.id DESC"
        ));
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(user_id)).await?)
    }

    /// The nominations waiting for `user_id`'s answer, newest first.
    pub async fn nominations_awaiting(&self, user_id: i64) -> Result<Vec<Nomination>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {NOMINATION_COLUMNS} FROM {NOMINATION_FROM} WHERE n.nominee_id = $1 AND n.status = 'pending' \
             ORDER BY n.created_at DESC, n.id DESC"
        ));
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(user_id)).await?)
    }

    /// Every nomination in a program, newest first (callers filter them with the access rule).
    pub async fn program_nominations(&self, program_id: i64) -> Result<Vec<Nomination>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {NOMINATION_COLUMNS} FROM {NOMINATION_FROM} WHERE o.program_id = $1 \
             ORDER BY n.created_at DESC, n.id DESC"
        ));
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(program_id)).await?)
    }

    /// The nominee's answer, while no outcome is recorded; false when one already is.
    pub async fn respond_to_nomination(&self, id: i64, status: &str, celebrate_consent: bool) -> Result<bool> {
        let done =
            sqlx::query("UPDATE nominations SET status = $1, celebrate_consent = $2 WHERE id = $3 AND outcome = ''")
                .bind(status)
                .bind(i64::from(celebrate_consent))
                .bind(id)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records the outcome and, given a win, creates it in the same transaction. False (and
    /// nothing written) when the selection was already celebrated.
    pub async fn record_outcome(&self, id: i64, outcome: &str, win: Option<&NewWin<'_>>, now: i64) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let win_id: Option<i64> = match win {
            Some(w) => Some(
                sqlx::query_scalar(
                    "INSERT INTO wins (user_id, program_id, group_id, kind, title, year, visibility, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(w.user_id)
                .bind(w.program_id)
                .bind(w.group_id)
                .bind(w.kind)
                .bind(w.title)
                .bind(w.year)
                .bind(w.visibility.code())
                .bind(now)
                .fetch_one(&mut *tx)
                .await?,
            ),
            None => None,
        };
        // Once celebrated, the outcome stays: the win is the nominee's now.
        let done = sqlx::query("UPDATE nominations SET outcome = $1, win_id = $2 WHERE id = $3 AND win_id IS NULL")
            .bind(outcome)
            .bind(win_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }
}
