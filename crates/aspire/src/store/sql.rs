//! The one SQL implementation of [`Store`], over sqlx's `Any` driver: SQLite and PostgreSQL
//! accept the same statements here (`$1` placeholders, `RETURNING`, `ON CONFLICT`), so the
//! queries are written once. What differs (opening, migrations, backup) lives in
//! `sqlite.rs` and `postgres.rs`.
//!
//! A `LIMIT` is written into the statement (an integer, from the code), never bound: SQLite
//! plans with a bound `LIMIT`'s value, so each new binding would make it compile the statement
//! again, and that was a sixth of a group page's time.

use std::sync::LazyLock;

use super::counted::CountedPool;
use super::decode::{Columns, Decoded};
use super::*;

/// Joins `t`, a person's invitation that has not been used (there is at most one: a new one
/// replaces the old).
const OUTSTANDING_INVITATION: &str =
    "LEFT JOIN user_tokens t ON t.user_id = u.id AND t.kind = 'invitation' AND t.used_at IS NULL";

pub struct SqlStore {
    pub(super) pool: CountedPool,
    pub(super) backend: Backend,
}

/// The columns of a [`Profile`], in the order `bind_profile!` binds them.
const PROFILE_COLUMNS: &str = "email, name, pronouns, department, division, discipline, career_stage, research_interests, goals, availability, time_zone";
pub(super) const USER_COLUMNS: &str = "id, email, name, pronouns, department, division, discipline, career_stage, \
     research_interests, goals, availability, time_zone, password_hash, is_admin, created_at";

/// Binds a profile's fields to the next eleven placeholders, in [`PROFILE_COLUMNS`]' order.
macro_rules! bind_profile {
    ($query:expr, $p:expr) => {
        $query
            .bind(&$p.email)
            .bind(&$p.name)
            .bind(&$p.pronouns)
            .bind(&$p.department)
            .bind(&$p.division)
            .bind(&$p.discipline)
            .bind(&$p.career_stage)
            .bind(&$p.research_interests)
            .bind(&$p.goals)
            .bind(&$p.availability)
            .bind(&$p.time_zone)
    };
}

/// Puts one email in the outbox, on the pool or inside a caller's transaction (so a message is
/// queued together with what caused it).
pub(super) async fn insert_email<'e, E>(executor: E, email: &NewEmail, now: i64) -> Result<i64>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_scalar(
        "INSERT INTO outbox (recipient, subject, body, created_at, next_attempt_at, unsubscribe_url) \
         VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",
    )
    .bind(&email.recipient)
    .bind(&email.subject)
    .bind(&email.body)
    .bind(now)
    .bind(&email.unsubscribe_url)
    .fetch_one(executor)
    .await?)
}

/// A unique-constraint violation becomes a clear `Conflict` saying `what` already exists.
pub(super) fn conflict(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| if is_unique_violation(&e) { StoreError::Conflict(what) } else { e.into() }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

impl SqlStore {
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Statements sent to the database since the store was opened (a transaction counts once).
    pub fn statements(&self) -> u64 {
        self.pool.statements()
    }

    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => sqlite::MIGRATOR.run(self.pool.inner()).await?,
            Backend::Postgres => postgres::MIGRATOR.run(self.pool.inner()).await?,
        }
        Ok(())
    }

    /// Brings the query planner's statistics up to date for tables that grew or shrank a lot
    /// since they were gathered. Statistics gathered once (a seeded institution, a bulk import)
    /// and never again mislead SQLite: with two invitations on record it reads every invitation
    /// for each person of a program page, and 3,000 invitations later that page's headcount
    /// took 52 ms instead of 0.3 ms. PostgreSQL's autovacuum does this by itself.
    pub async fn refresh_planner_statistics(&self) -> Result<()> {
        if self.backend == Backend::Sqlite {
            // 0x10002: every table, not only those this connection has read.
            sqlx::query("PRAGMA optimize = 0x10002").execute(&self.pool).await?;
        }
        Ok(())
    }

    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Writes a consistent copy of the live database to `path`.
    pub async fn backup_to(&self, path: &std::path::Path) -> Result<()> {
        match self.backend {
            Backend::Sqlite => sqlite::backup(self.pool.inner(), path).await,
            Backend::Postgres => Err(StoreError::Unsupported(
                "aspire backup copies SQLite databases; for PostgreSQL use pg_dump (and pg_restore to restore)".into(),
            )),
        }
    }

    pub async fn create_user(&self, p: &Profile, password_hash: Option<&str>, is_admin: bool, now: i64) -> Result<i64> {
        let sql = sqlx::AssertSqlSafe(format!(
            "INSERT INTO users ({PROFILE_COLUMNS}, password_hash, is_admin, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id"
        ));
        let result = bind_profile!(sqlx::query_scalar(sql), p)
            .bind(password_hash)
            .bind(i64::from(is_admin))
            .bind(now)
            .fetch_one(&self.pool)
            .await;
        result.map_err(conflict("a person with this email"))
    }

    pub async fn user(&self, id: i64) -> Result<Option<User>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"));
        Ok(self.pool.fetch_optional_as(sqlx::query(sql).bind(id)).await?)
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1"));
        Ok(self.pool.fetch_optional_as(sqlx::query(sql).bind(email)).await?)
    }

    pub async fn update_profile(&self, id: i64, p: &Profile) -> Result<()> {
        let assignments: Vec<String> =
            PROFILE_COLUMNS.split(", ").enumerate().map(|(i, column)| format!("{column} = ${}", i + 1)).collect();
        let sql = sqlx::AssertSqlSafe(format!("UPDATE users SET {} WHERE id = $12", assignments.join(", ")));
        let result = bind_profile!(sqlx::query(sql), p).bind(id).execute(&self.pool).await;
        result.map_err(conflict("a person with this email"))?;
        Ok(())
    }

    pub async fn set_password(&self, id: i64, password_hash: &str) -> Result<()> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Sets a password by a one-time link: the account's sessions and outstanding links end,
    /// and the change is audited, in one transaction.
    pub async fn set_password_by_link(&self, id: i64, password_hash: &str, how: &str, now: i64) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM user_tokens WHERE user_id = $1 AND kind IN ($2, $3)")
            .bind(id)
            .bind(super::TokenKind::Invitation.code())
            .bind(super::TokenKind::PasswordReset.code())
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO audit_log (at, actor_id, action, subject) VALUES ($1, $2, $3, $4)")
            .bind(now)
            .bind(id)
            .bind("password set")
            .bind(how)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn list_users(&self) -> Result<Vec<User>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users ORDER BY name, id"));
        Ok(self.pool.fetch_all_as(sqlx::query(sql)).await?)
    }

    pub async fn create_program(&self, name: &str, description: &str, now: i64) -> Result<i64> {
        let result =
            sqlx::query_scalar("INSERT INTO programs (name, description, created_at) VALUES ($1, $2, $3) RETURNING id")
                .bind(name)
                .bind(description)
                .bind(now)
                .fetch_one(&self.pool)
                .await;
        result.map_err(conflict("a program with this name"))
    }

    pub async fn program(&self, id: i64) -> Result<Option<Program>> {
        Ok(sqlx::query_as("SELECT id, name, description, created_at, small_cell FROM programs WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn program_by_name(&self, name: &str) -> Result<Option<Program>> {
        Ok(sqlx::query_as("SELECT id, name, description, created_at, small_cell FROM programs WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn list_programs(&self) -> Result<Vec<Program>> {
        Ok(sqlx::query_as("SELECT id, name, description, created_at, small_cell FROM programs ORDER BY name")
            .fetch_all(&self.pool)
            .await?)
    }

    /// The programs a person is a member of, by name.
    pub async fn programs_of_user(&self, user_id: i64) -> Result<Vec<Program>> {
        Ok(sqlx::query_as(
            "SELECT p.id, p.name, p.description, p.created_at, p.small_cell FROM programs p \
             JOIN program_members pm ON pm.program_id = p.id WHERE pm.user_id = $1 ORDER BY p.name",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn add_program_member(&self, program_id: i64, user_id: i64, role: ProgramRole) -> Result<()> {
        sqlx::query(
            "INSERT INTO program_members (program_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(program_id)
        .bind(user_id)
        .bind(role.code())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// How many people the program has, and from how many departments.
    pub async fn program_headcount(&self, program_id: i64, now: i64) -> Result<Headcount> {
        // The people, their departments and who is active are counted from what each
        // membership carries of its person (migration 0029), from one index. The departments are
        // counted as distinct values of that index, which SQLite walks from one department to the
        // next rather than member by member. Those invited are found through their outstanding
        // invitations, not by looking for an invitation of each person; whoever is neither
        // active nor invited is not invited.
        let (people, departments, active, invited): (i64, i64, i64, i64) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*), \
             (SELECT COUNT(*) FROM (SELECT DISTINCT person_department FROM program_members \
             WHERE program_id = $1 AND person_department <> '') departments), \
             CAST(COALESCE(SUM(person_active), 0) AS BIGINT), \
             (SELECT COUNT(*) FROM program_members pm JOIN users u ON u.id = pm.user_id \
             JOIN user_tokens t ON t.user_id = u.id AND t.kind = 'invitation' AND t.used_at IS NULL \
             WHERE pm.program_id = $1 AND {}) \
             FROM program_members WHERE program_id = $1",
                AccessFilter::Invited.condition("$2"),
            )))
            .bind(program_id)
            .bind(now)
            .fetch_one(&self.pool)
            .await?;
        Ok(Headcount { people, departments, not_invited: people - active - invited, invited, active })
    }

    pub async fn program_people(&self, program_id: i64) -> Result<Vec<ProgramPerson>> {
        self.program_people_page(program_id, AccessFilter::Everyone, 0, None, i64::MAX).await
    }

    /// A page of the program's people whose access `who` asks for (at `now`), in name order,
    /// after the person `after`: each as a whole [`User`] or as a [`PersonCard`].
    pub async fn program_people_page<P: ListedPerson>(
        &self,
        program_id: i64,
        who: AccessFilter,
        now: i64,
        after: Option<i64>,
        limit: i64,
    ) -> Result<Vec<ProgramPerson<P>>> {
        self.people_of_program(program_id, (who, None), now, after, limit).await
    }

    /// One person of the program, as its people page shows them (for updating one row).
    pub async fn program_person(
        &self,
        program_id: i64,
        user_id: i64,
        now: i64,
    ) -> Result<Option<ProgramPerson<PersonCard>>> {
        let people = self.people_of_program(program_id, (AccessFilter::Everyone, Some(user_id)), now, None, 1).await?;
        Ok(people.into_iter().next())
    }

    async fn people_of_program<P: ListedPerson>(
        &self,
        program_id: i64,
        (who, only): (AccessFilter, Option<i64>),
        now: i64,
        after: Option<i64>,
        limit: i64,
    ) -> Result<Vec<ProgramPerson<P>>> {
        // The page's people are picked from one index of the program's members in the page's
        // order (name, then id; each membership carries its person's name, 0028), which holds
        // their role too (0030), so only the page's entries are read; then each person is read
        // as `P` asks (whole, or as a card). The person and their invitation are looked
        // up for the pick only when the filter asks about them. (A person has at most one
        // outstanding invitation, so that join adds no rows.)
        let reads_for_filter = match who {
            AccessFilter::Everyone => String::new(),
            _ if who.asks_about_invitations() => format!("JOIN users u ON u.id = pm.user_id {OUTSTANDING_INVITATION}"),
            _ => "JOIN users u ON u.id = pm.user_id".to_string(),
        };
        // Each person's groups in this program come with them, joined by a character no stored
        // text holds (control characters are refused on the way in), and are put in name order
        // here (byte by byte, as SQLite orders text), which costs less than a sort in SQLite.
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {}, page.role AS program_role, t.created_at AS invited_at, t.expires_at AS invitation_expires_at, \
             a.cohort AS alumni_cohort, a.cohort_year AS alumni_year, \
             (SELECT string_agg(g.name, $5) FROM group_members gm JOIN groups g ON g.id = gm.group_id \
             WHERE gm.user_id = u.id AND g.program_id = $1) AS group_names \
             FROM (SELECT pm.user_id, pm.person_name, pm.role FROM program_members pm {reads_for_filter} \
             WHERE pm.program_id = $1 \
             AND ($2 = 0 OR (pm.person_name, pm.user_id) > (SELECT name, id FROM users WHERE id = $2)) \
             AND ($4 = 0 OR pm.user_id = $4) AND {} ORDER BY pm.person_name, pm.user_id LIMIT {limit}) page \
             JOIN users u ON u.id = page.user_id \
             {OUTSTANDING_INVITATION} \
             LEFT JOIN program_alumni a ON a.program_id = $1 AND a.user_id = u.id \
             ORDER BY page.person_name, page.user_id",
            P::columns_of_u(),
            who.condition("$3"),
        ));
        let query = sqlx::query(sql)
            .bind(program_id)
            .bind(after.unwrap_or(0))
            .bind(now)
            .bind(only.unwrap_or(0))
            .bind(GROUP_NAMES_APART.to_string());
        let rows: Vec<PersonRow<P>> = self.pool.fetch_all_as(query).await?;
        Ok(rows
            .into_iter()
            .map(|PersonRow { person, role, invited_at, expires_at, alumni_of, group_names }| {
                let access = match (person.has_password(), invited_at, expires_at) {
                    (true, ..) => Access::Active,
                    (false, Some(at), Some(expires)) if expires > now => Access::Invited { at },
                    (false, _, expires_at) => Access::NotInvited { expired_at: expires_at },
                };
                ProgramPerson {
                    role,
                    group_names: group_names.map(|names| in_name_order(&names)).unwrap_or_default(),
                    alumni_of,
                    access,
                    user: person,
                }
            })
            .collect())
    }

    pub async fn memberships(&self, user_id: i64) -> Result<Memberships> {
        // The statement a session is read with, so both decode memberships in one place; built
        // once, as the session's is.
        static SQL: LazyLock<String> = LazyLock::new(|| with_memberships(&[], "users me", "me.id", "me.id = $1"));
        // Only the seats are decoded: the person is not wanted here.
        let seats: Vec<SeatRow> = self.pool.fetch_all_as(sqlx::query(SQL.as_str()).bind(user_id)).await?;
        memberships_of(seats.iter())
    }

    /// Creates or updates each person by email and enrols them, all in one transaction.
    pub async fn import_roster(&self, program_id: i64, people: &[Profile], now: i64) -> Result<ImportSummary> {
        let mut tx = self.pool.begin().await?;
        let mut summary = ImportSummary::default();
        for p in people {
            let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
                .bind(&p.email)
                .fetch_optional(&mut *tx)
                .await?;
            let user_id = match existing {
                Some(id) => {
                    // A re-import updates what the roster says and keeps what people wrote
                    // themselves; and only for someone who has never signed in and belongs to no
                    // other program: nobody's coordinator rewrites a profile in use elsewhere.
                    let updated = sqlx::query(
                        "UPDATE users SET name = $1, department = $2, division = $3, discipline = $4, \
                         career_stage = CASE WHEN $5 = '' THEN career_stage ELSE $5 END, \
                         research_interests = CASE WHEN $6 = '' THEN research_interests ELSE $6 END, \
                         availability = CASE WHEN $7 = '' THEN availability ELSE $7 END, \
                         pronouns = CASE WHEN $8 = '' THEN pronouns ELSE $8 END, \
                         time_zone = $9 WHERE id = $10 AND password_hash IS NULL \
                         AND NOT EXISTS (SELECT 1 FROM program_members o WHERE o.user_id = $10 AND o.program_id <> $11)",
                    )
                    .bind(&p.name)
                    .bind(&p.department)
                    .bind(&p.division)
                    .bind(&p.discipline)
                    .bind(&p.career_stage)
                    .bind(&p.research_interests)
                    .bind(&p.availability)
                    .bind(&p.pronouns)
                    .bind(&p.time_zone)
                    .bind(id)
                    .bind(program_id)
                    .execute(&mut *tx)
                    .await?;
                    if updated.rows_affected() == 1 {
                        summary.updated += 1;
                    } else {
                        summary.kept += 1;
                    }
                    id
                }
                None => {
                    summary.created += 1;
                    sqlx::query_scalar(
                        "INSERT INTO users (email, name, pronouns, department, division, discipline, career_stage, \
                         research_interests, availability, time_zone, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                    )
                    .bind(&p.email)
                    .bind(&p.name)
                    .bind(&p.pronouns)
                    .bind(&p.department)
                    .bind(&p.division)
                    .bind(&p.discipline)
                    .bind(&p.career_stage)
                    .bind(&p.research_interests)
                    .bind(&p.availability)
                    .bind(&p.time_zone)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            sqlx::query("INSERT INTO program_members (program_id, user_id, role) VALUES ($1, $2, 'participant') ON CONFLICT DO NOTHING")
                .bind(program_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(summary)
    }

    pub async fn create_group(&self, program_id: i64, name: &str, now: i64) -> Result<i64> {
        let result =
            sqlx::query_scalar("INSERT INTO groups (program_id, name, created_at) VALUES ($1, $2, $3) RETURNING id")
                .bind(program_id)
                .bind(name)
                .bind(now)
                .fetch_one(&self.pool)
                .await;
        result.map_err(conflict("a group with this name"))
    }

    pub async fn rename_group(&self, id: i64, name: &str) -> Result<()> {
        let result =
            sqlx::query("UPDATE groups SET name = $1 WHERE id = $2").bind(name).bind(id).execute(&self.pool).await;
        result.map_err(conflict("a group with this name"))?;
        Ok(())
    }

    pub async fn group(&self, id: i64) -> Result<Option<Group>> {
        let sql = "SELECT id, program_id, name, created_at, archived_at FROM groups WHERE id = $1";
        Ok(self.pool.fetch_optional_as(sqlx::query(sql).bind(id)).await?)
    }

    /// A group with its program, in one statement (the group page asks for both).
    pub async fn group_with_program(&self, id: i64) -> Result<Option<(Group, Program)>> {
        struct GroupOfProgram(Group, Program);
        impl Decoded for GroupOfProgram {
            fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
                let group = Group::decode(row)?;
                let program = Program {
                    id: group.program_id,
                    name: row.value("program_name")?,
                    description: row.value("description")?,
                    created_at: row.value("program_created_at")?,
                    small_cell: row.value("small_cell")?,
                };
                Ok(GroupOfProgram(group, program))
            }
        }
        let sql = "SELECT g.id, g.program_id, g.name, g.created_at, g.archived_at, p.name AS program_name, \
             p.description, p.created_at AS program_created_at, p.small_cell \
             FROM groups g JOIN programs p ON p.id = g.program_id WHERE g.id = $1";
        let found: Option<GroupOfProgram> = self.pool.fetch_optional_as(sqlx::query(sql).bind(id)).await?;
        Ok(found.map(|GroupOfProgram(group, program)| (group, program)))
    }

    pub async fn program_groups(&self, program_id: i64) -> Result<Vec<GroupSummary>> {
        // Each group carries its count of members (0036), kept as people join and leave.
        let sql = "SELECT g.id, g.program_id, g.name, g.member_count, g.archived_at \
             FROM groups g WHERE g.program_id = $1 ORDER BY g.name";
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(program_id)).await?)
    }

    pub async fn groups_of_user(&self, user_id: i64) -> Result<Vec<GroupSummary>> {
        let sql = "SELECT g.id, g.program_id, g.name, g.member_count, g.archived_at \
             FROM groups g JOIN group_members gm ON gm.group_id = g.id WHERE gm.user_id = $1 ORDER BY g.name";
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(user_id)).await?)
    }

    pub async fn group_members(&self, group_id: i64) -> Result<Vec<GroupMember>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {}, gm.role AS group_role FROM users u JOIN group_members gm ON gm.user_id = u.id \
             WHERE gm.group_id = $1",
            user_columns_of_u()
        ));
        let mut members: Vec<GroupMember> = self.pool.fetch_all_as(sqlx::query(sql).bind(group_id)).await?;
        in_roster_order(&mut members, |m| (m.role, &m.user.profile.name));
        Ok(members)
    }

    /// A group's members by name, in the order of [`SqlStore::group_members`], without their
    /// profiles.
    pub async fn group_member_names(&self, group_id: i64) -> Result<Vec<MemberName>> {
        let sql = "SELECT u.id, u.name, gm.role AS group_role FROM users u JOIN group_members gm ON gm.user_id = u.id \
             WHERE gm.group_id = $1";
        let mut names: Vec<MemberName> = self.pool.fetch_all_as(sqlx::query(sql).bind(group_id)).await?;
        in_roster_order(&mut names, |m| (m.role, &m.name));
        Ok(names)
    }

    pub async fn create_session(&self, s: &SessionRecord) -> Result<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&s.token_hash)
            .bind(s.user_id)
            .bind(&s.csrf_token)
            .bind(s.created_at)
            .bind(s.last_seen_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A session with the person it belongs to and their memberships, in one statement: every
    /// signed-in request asks, and each statement costs a round trip to the database.
    pub async fn session_with_user(&self, token_hash: &str) -> Result<Option<(SessionRecord, User, Memberships)>> {
        // Asked on every signed-in request: built once.
        static SQL: LazyLock<String> = LazyLock::new(|| {
            with_memberships(
                &["s.token_hash", "s.csrf_token", "s.created_at AS session_created_at", "s.last_seen_at"],
                "sessions s",
                "s.user_id",
                "s.token_hash = $1",
            )
        });
        let rows: Vec<WithSeat<SessionHolder>> =
            self.pool.fetch_all_as(sqlx::query(SQL.as_str()).bind(token_hash)).await?;
        let memberships = memberships_of(rows.iter().map(|row| &row.seat))?;
        let Some(SessionHolder { user, session }) = rows.into_iter().find_map(|row| row.holder) else {
            return Ok(None);
        };
        Ok(Some((session, user, memberships)))
    }

    /// The person holding a personal token of this kind, with their memberships, in one
    /// statement (the API asks on every request).
    pub async fn token_holder(&self, kind: TokenKind, token_hash: &str) -> Result<Option<(User, Memberships)>> {
        static SQL: LazyLock<String> =
            LazyLock::new(|| with_memberships(&[], "user_tokens t", "t.user_id", "t.token_hash = $1 AND t.kind = $2"));
        let query = sqlx::query(SQL.as_str()).bind(token_hash).bind(kind.code());
        let rows: Vec<WithSeat<User>> = self.pool.fetch_all_as(query).await?;
        let memberships = memberships_of(rows.iter().map(|row| &row.seat))?;
        Ok(rows.into_iter().find_map(|row| row.holder).map(|holder| (holder, memberships)))
    }

    pub async fn touch_session(&self, token_hash: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn delete_sessions_before(&self, created_before: i64, idle_before: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE created_at < $1 OR last_seen_at < $2")
            .bind(created_before)
            .bind(idle_before)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Failed attempts since `since`: (for this email, from this address).
    /// Records an attempt before it is checked (as pending, `succeeded = -1`) and returns the
    /// failures before it. For the account from this client, attempts still pending count as
    /// failures, so a concurrent burst against one account cannot slip past the limit; for the
    /// client over all accounts only finished failures count, so many people signing in at once
    /// from one network are not refused. The row's id is returned to record the outcome.
    pub async fn begin_login_attempt(
        &self,
        email: &str,
        address: &str,
        since: i64,
        now: i64,
    ) -> Result<(i64, crate::auth::throttle::Failures)> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO login_attempts (email, address, succeeded, at) VALUES ($1, $2, -1, $3) RETURNING id",
        )
        .bind(email)
        .bind(address)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        let (account_from_client, latest_at): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MAX(at) FROM login_attempts \
             WHERE email = $1 AND address = $2 AND succeeded <= 0 AND at >= $3 AND id <> $4",
        )
        .bind(email)
        .bind(address)
        .bind(since)
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let from_client: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_attempts WHERE address = $1 AND succeeded = 0 AND at >= $2 AND id <> $3",
        )
        .bind(address)
        .bind(since)
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        Ok((id, crate::auth::throttle::Failures { account_from_client, from_client, latest_at }))
    }

    /// Records how a checked attempt ended.
    pub async fn finish_login_attempt(&self, id: i64, succeeded: bool) -> Result<()> {
        sqlx::query("UPDATE login_attempts SET succeeded = $1 WHERE id = $2")
            .bind(i64::from(succeeded))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets an attempt that was refused before its password was checked.
    pub async fn forget_login_attempt(&self, id: i64) -> Result<()> {
        sqlx::query("DELETE FROM login_attempts WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn enqueue_email(&self, e: &NewEmail, now: i64) -> Result<i64> {
        insert_email(&self.pool, e, now).await
    }

    /// Claims up to `limit` due messages for `lease` seconds so no other worker takes them.
    pub async fn claim_due_emails(&self, now: i64, lease: i64, limit: i64) -> Result<Vec<OutboxMessage>> {
        // The outer `claimed_until <= $1` is re-checked by PostgreSQL after a concurrent claim,
        // so two workers never both take the same message.
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE outbox SET claimed_until = $1 + $2, attempts = attempts + 1 \
             WHERE sent_at IS NULL AND claimed_until <= $1 AND next_attempt_at <= $1 AND id IN \
             (SELECT id FROM outbox WHERE sent_at IS NULL AND claimed_until <= $1 AND next_attempt_at <= $1 ORDER BY id LIMIT {limit}) \
             RETURNING id, recipient, subject, body, created_at, attempts, next_attempt_at, sent_at, last_error, unsubscribe_url",
        )))
        .bind(now)
        .bind(lease)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn mark_email_sent(&self, id: i64, now: i64) -> Result<()> {
        sqlx::query("UPDATE outbox SET sent_at = $1, last_error = '' WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn mark_email_failed(&self, id: i64, error: &str, next_attempt_at: i64) -> Result<()> {
        sqlx::query("UPDATE outbox SET last_error = $1, next_attempt_at = $2, claimed_until = 0 WHERE id = $3")
            .bind(error)
            .bind(next_attempt_at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Emails not delivered yet that have failed at least once.
    pub async fn failing_emails(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND last_error <> ''")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Audit entries of `action` since `since`.
    pub async fn audited_since(&self, action: &str, since: i64) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND at >= $2")
            .bind(action)
            .bind(since)
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn list_outbox(&self, limit: i64) -> Result<Vec<OutboxMessage>> {
        self.outbox_page(&LogFilter::default(), i64::MAX, limit).await
    }

    /// Up to `limit` messages `filter` asks for with ids below `before`, newest first.
    pub async fn outbox_page(&self, filter: &LogFilter, before: i64, limit: i64) -> Result<Vec<OutboxMessage>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT id, recipient, subject, body, created_at, attempts, next_attempt_at, sent_at, last_error, unsubscribe_url \
             FROM outbox WHERE id < $1 \
             AND ($2 = '' OR ($2 = 'sent' AND sent_at IS NOT NULL) \
               OR ($2 = 'waiting' AND sent_at IS NULL AND last_error = '') \
               OR ($2 = 'failing' AND sent_at IS NULL AND last_error <> '')) \
             AND ($3 = '' OR lower(recipient) LIKE $3 ESCAPE '\\') AND created_at >= $4 AND created_at < $5 \
             ORDER BY id DESC LIMIT {limit}",
        )))
        .bind(before)
        .bind(&filter.kind)
        .bind(LogFilter::containing(&filter.person))
        .bind(filter.from.unwrap_or(i64::MIN))
        .bind(filter.until.unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn counts(&self, now: i64) -> Result<Counts> {
        let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql).fetch_one(&self.pool);
        Ok(Counts {
            users: count("SELECT COUNT(*) FROM users").await?,
            programs: count("SELECT COUNT(*) FROM programs").await?,
            groups: count("SELECT COUNT(*) FROM groups").await?,
            active_sessions: sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE last_seen_at > $1")
                .bind(now - 3600)
                .fetch_one(&self.pool)
                .await?,
            outbox_pending: count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").await?,
            outbox_sent: count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL").await?,
        })
    }
}

/// `USER_COLUMNS` of the users joined as `u`.
pub(super) fn user_columns_of_u() -> &'static str {
    static COLUMNS: LazyLock<String> =
        LazyLock::new(|| USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", "));
    &COLUMNS
}

/// `count` placeholders from `$first` on, for an IN list: "$2, $3, $4".
pub(super) fn placeholders(first: usize, count: usize) -> String {
    use std::fmt::Write;
    let mut list = String::with_capacity(count * 6);
    for i in first..first + count {
        let separator = if i == first { "" } else { ", " };
        // Writing to a string cannot fail.
        let _ = write!(list, "{separator}${i}");
    }
    list
}

/// Between the names of a person's groups as one statement reads them: the unit separator, a
/// control character, which no stored name holds.
const GROUP_NAMES_APART: char = '\u{1f}';

/// The names `string_agg` joined with [`GROUP_NAMES_APART`], in name order.
fn in_name_order(joined: &str) -> Vec<String> {
    let mut names: Vec<String> = joined.split(GROUP_NAMES_APART).map(str::to_string).collect();
    names.sort_unstable();
    names
}

/// A statement for a person found through `from` and `condition` (whose id is `person`), with
/// `extra` columns, and one row per membership: program roles (someone in no program still gets
/// one row, with no program), then group seats. Read back with [`memberships_of`]. A group
/// seat's row leaves the person's columns empty: they are decoded from the first row only, so
/// the person's row is not read again for each group.
fn with_memberships(extra: &[&str], from: &str, person: &str, condition: &str) -> String {
    let holder_columns: Vec<&str> = std::iter::once(user_columns_of_u()).chain(extra.iter().copied()).collect();
    let no_holder = vec!["NULL"; USER_COLUMNS.split(", ").count() + extra.len()];
    format!(
        "SELECT {}, 0 AS seat, pm.program_id AS member_program, pm.role AS member_role, 0 AS member_group, \
         0 AS member_joined FROM {from} JOIN users u ON u.id = {person} \
         LEFT JOIN program_members pm ON pm.user_id = u.id WHERE {condition} \
         UNION ALL SELECT {}, 1, g.program_id, gm.role, g.id, gm.joined_at FROM {from} \
         JOIN group_members gm ON gm.user_id = {person} JOIN groups g ON g.id = gm.group_id WHERE {condition}",
        holder_columns.join(", "),
        no_holder.join(", "),
    )
}

/// How a program's people are read: whole, for the work done with them (forming groups,
/// inviting), or as cards, for the people list.
pub trait ListedPerson: Decoded {
    /// The person's columns, on `users u`.
    fn columns_of_u() -> &'static str;
    fn id(&self) -> i64;
    fn has_password(&self) -> bool;
}

impl ListedPerson for User {
    fn columns_of_u() -> &'static str {
        user_columns_of_u()
    }
    fn id(&self) -> i64 {
        self.id
    }
    fn has_password(&self) -> bool {
        self.password_hash.is_some()
    }
}

impl ListedPerson for PersonCard {
    fn columns_of_u() -> &'static str {
        "u.id, u.name, u.email, u.department, u.division, u.career_stage, \
         CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS has_password"
    }
    fn id(&self) -> i64 {
        self.id
    }
    fn has_password(&self) -> bool {
        self.has_password
    }
}

/// A person on a page of a program's people, as read.
struct PersonRow<P> {
    person: P,
    role: ProgramRole,
    invited_at: Option<i64>,
    expires_at: Option<i64>,
    alumni_of: Option<(String, i64)>,
    group_names: Option<String>,
}

impl<P: Decoded> Decoded for PersonRow<P> {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(PersonRow {
            person: P::decode(row)?,
            role: row.coded("program_role")?,
            invited_at: row.value("invited_at")?,
            expires_at: row.value("invitation_expires_at")?,
            alumni_of: row.value::<Option<String>>("alumni_cohort")?.zip(row.value::<Option<i64>>("alumni_year")?),
            group_names: row.value("group_names")?,
        })
    }
}

/// A row of [`with_memberships`]: one of a person's seats and, on the rows of program seats
/// (there is always at least one), the person with what came with them. Every row carries the
/// person's columns, but a group seat's are not decoded again: the session statement, read on
/// every signed-in request, has a row per group.
struct WithSeat<T> {
    holder: Option<T>,
    seat: SeatRow,
}

/// A membership as [`with_memberships`] reads it: a program's (`seat` 0) or a group's (1);
/// no program when the person has none.
struct SeatRow {
    seat: i64,
    program: Option<i64>,
    role: Option<String>,
    group: i64,
    joined: i64,
}

impl<T: Decoded> Decoded for WithSeat<T> {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        let seat = SeatRow::decode(row)?;
        let holder = if seat.seat == 0 { Some(T::decode(row)?) } else { None };
        Ok(WithSeat { holder, seat })
    }
}

impl Decoded for SeatRow {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(SeatRow {
            seat: row.value("seat")?,
            program: row.value("member_program")?,
            role: row.value("member_role")?,
            group: row.value("member_group")?,
            joined: row.value("member_joined")?,
        })
    }
}

/// A session and the person it belongs to.
struct SessionHolder {
    user: User,
    session: SessionRecord,
}

impl Decoded for SessionHolder {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        let user = User::decode(row)?;
        let session = SessionRecord {
            token_hash: row.value("token_hash")?,
            user_id: user.id,
            csrf_token: row.value("csrf_token")?,
            created_at: row.value("session_created_at")?,
            last_seen_at: row.value("last_seen_at")?,
        };
        Ok(SessionHolder { user, session })
    }
}

fn memberships_of<'a>(rows: impl Iterator<Item = &'a SeatRow>) -> Result<Memberships> {
    let mut memberships = Memberships::default();
    for row in rows {
        let (Some(program_id), Some(role)) = (row.program, row.role.clone()) else {
            continue;
        };
        if row.seat == 0 {
            memberships.programs.push((program_id, ProgramRole::try_from(role)?));
        } else {
            memberships.groups.push(Seat {
                group_id: row.group,
                program_id,
                role: GroupRole::try_from(role)?,
                joined_at: row.joined,
            });
        }
    }
    Ok(memberships)
}

/// A group's people in the order its pages list them: by role (members, then facilitators),
/// then by name, byte by byte as SQLite compares text, on both backends. Ordered here: for a
/// handful of rows SQLite's sorter, copying each row, cost more than reading them.
fn in_roster_order<T>(people: &mut [T], key: impl Fn(&T) -> (GroupRole, &str)) {
    people.sort_by(|a, b| {
        let ((role_a, name_a), (role_b, name_b)) = (key(a), key(b));
        role_b.code().cmp(role_a.code()).then_with(|| name_a.cmp(name_b))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_roster_lists_members_then_facilitators_each_by_name_as_sqlite_orders_text() {
        let mut people = vec![
            (GroupRole::Facilitator, "Luis"),
            (GroupRole::Member, "bea"),
            (GroupRole::Member, "Zoe"),
            (GroupRole::Facilitator, "Ana"),
            (GroupRole::Member, "Ángel"),
            (GroupRole::Member, "Bea"),
        ];
        in_roster_order(&mut people, |(role, name)| (*role, name));
        let names: Vec<&str> = people.iter().map(|(_, name)| *name).collect();
        assert_eq!(names, ["Bea", "Zoe", "bea", "Ángel", "Ana", "Luis"]);
    }

    #[test]
    fn an_in_list_numbers_its_placeholders_from_where_it_starts() {
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
        assert_eq!(placeholders(1, 1), "$1");
        assert_eq!(placeholders(9, 2), "$9, $10");
    }
}
