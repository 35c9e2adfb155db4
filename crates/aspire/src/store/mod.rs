//! What is kept: `SqlStore`, one SQL implementation for SQLite and PostgreSQL, its methods
//! split by area (people and programs in `sql.rs`, then `meetings`, `community`, `sharing`,
//! `rounds`, `tokens`).
//!
//! The store holds no business rules; callers pass validated domain values and times.

pub mod bulk;
pub mod community;
pub mod counted;
pub mod decode;
pub mod files;
pub mod group_changes;
pub mod identity;
pub mod meetings;
pub mod postgres;
pub mod record;
pub mod rounds;
pub mod sharing;
mod sql;
pub mod sqlite;
pub mod sqlite_reads;
pub mod sso;
pub mod tokens;

use std::sync::Arc;

use crate::domain::Profile;
use decode::{Columns, Decoded};
pub use rounds::{Draft, DraftScores, FormationJob, JobStatus, NewGroup, NewJob, Round, RoundProgress};
pub use sql::{ListedPerson, SqlStore};
pub use tokens::TokenKind;

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0} already exists")]
    Conflict(&'static str),
    #[error("{0}")]
    Unsupported(String),
    #[error(transparent)]
    UnknownCode(#[from] crate::domain::code::UnknownCode),
    /// The database is in use by another process (a server, when restoring).
    #[error("{0}")]
    InUse(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub profile: Profile,
    pub password_hash: Option<String>,
    pub is_admin: bool,
    pub created_at: i64,
}

impl Decoded for User {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(User {
            id: row.value("id")?,
            profile: Profile::decode(row)?,
            password_hash: row.value("password_hash")?,
            is_admin: row.value::<i64>("is_admin")? != 0,
            created_at: row.value("created_at")?,
        })
    }
}

impl Decoded for Profile {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(Profile {
            email: row.value("email")?,
            name: row.value("name")?,
            pronouns: row.value("pronouns")?,
            department: row.value("department")?,
            division: row.value("division")?,
            discipline: row.value("discipline")?,
            career_stage: row.value("career_stage")?,
            research_interests: row.value("research_interests")?,
            goals: row.value("goals")?,
            availability: row.value("availability")?,
            time_zone: row.value("time_zone")?,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Program {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub created_at: i64,
    /// Counts from 1 to `small_cell - 1` in the program's aggregates are hidden.
    pub small_cell: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramRole {
    Coordinator,
    Participant,
}

impl ProgramRole {
    pub fn code(self) -> &'static str {
        match self {
            ProgramRole::Coordinator => "coordinator",
            ProgramRole::Participant => "participant",
        }
    }
    pub fn from_code(code: &str) -> Option<ProgramRole> {
        match code {
            "coordinator" => Some(ProgramRole::Coordinator),
            "participant" => Some(ProgramRole::Participant),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupRole {
    Member,
    Facilitator,
}

impl GroupRole {
    pub fn code(self) -> &'static str {
        match self {
            GroupRole::Member => "member",
            GroupRole::Facilitator => "facilitator",
        }
    }
    pub fn from_code(code: &str) -> Option<GroupRole> {
        match code {
            "member" => Some(GroupRole::Member),
            "facilitator" => Some(GroupRole::Facilitator),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: i64,
    pub program_id: i64,
    pub name: String,
    pub created_at: i64,
    /// When its cohort was closed: a read-only archive its members still see.
    pub archived_at: Option<i64>,
}

impl Decoded for Group {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(Group {
            id: row.value("id")?,
            program_id: row.value("program_id")?,
            name: row.value("name")?,
            created_at: row.value("created_at")?,
            archived_at: row.value("archived_at")?,
        })
    }
}

impl Group {
    /// A group read beside another row's columns, under the names such statements give it
    /// (`group_name`, `group_created_at`), its id from `id_column`.
    fn decode_beside(row: &impl Columns, id_column: &str) -> std::result::Result<Self, sqlx::Error> {
        Ok(Group {
            id: row.value(id_column)?,
            program_id: row.value("program_id")?,
            name: row.value("group_name")?,
            created_at: row.value("group_created_at")?,
            archived_at: row.value("archived_at")?,
        })
    }
}

#[derive(Debug, Clone)]
pub struct GroupSummary {
    pub id: i64,
    pub program_id: i64,
    pub name: String,
    pub member_count: i64,
    pub archived_at: Option<i64>,
}

impl Decoded for GroupSummary {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(GroupSummary {
            id: row.value("id")?,
            program_id: row.value("program_id")?,
            name: row.value("name")?,
            member_count: row.value("member_count")?,
            archived_at: row.value("archived_at")?,
        })
    }
}

/// How many people a program has, from how many departments, and how far they are in getting in.
#[derive(Debug, Clone, Default)]
pub struct Headcount {
    pub people: i64,
    pub departments: i64,
    /// Never signed in, with no invitation that still works.
    pub not_invited: i64,
    /// Never signed in, with an invitation that still works.
    pub invited: i64,
    /// Has set a password.
    pub active: i64,
}

/// What an admin narrows the outbox or the audit log to; empty or `None` asks nothing.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    /// The outbox: "waiting", "sent" or "failing". The audit log: words of the action.
    pub kind: String,
    /// Words of the recipient (outbox), or of who acted or the detail (audit log).
    pub person: String,
    /// From this instant, and before this one.
    pub from: Option<i64>,
    pub until: Option<i64>,
}

impl LogFilter {
    /// `text` as a LIKE pattern that matches it anywhere, its own % and _ taken literally.
    pub(crate) fn containing(text: &str) -> String {
        let text = text.trim().to_lowercase();
        if text.is_empty() {
            return String::new();
        }
        let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        format!("%{escaped}%")
    }
}

/// What a change of groups tells people: emails, and the invitations some of them carry,
/// stored in the change's transaction.
#[derive(Debug, Default)]
pub struct Outgoing {
    pub emails: Vec<NewEmail>,
    pub invitations: Vec<Invitation>,
}

/// Where a person stands in getting into aspire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Never invited, or their invitation ran out (when, if it did).
    NotInvited { expired_at: Option<i64> },
    /// Invited at this time; the link still works.
    Invited { at: i64 },
    /// Has set a password.
    Active,
}

/// Whose people a list of a program's people shows, by `Access`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccessFilter {
    #[default]
    Everyone,
    NotInvited,
    Invited,
    Active,
}

impl AccessFilter {
    pub fn code(self) -> &'static str {
        match self {
            AccessFilter::Everyone => "",
            AccessFilter::NotInvited => "not-invited",
            AccessFilter::Invited => "invited",
            AccessFilter::Active => "active",
        }
    }

    /// An unknown code is everyone: a filter never hides a page.
    pub fn from_code(code: &str) -> AccessFilter {
        match code {
            "not-invited" => AccessFilter::NotInvited,
            "invited" => AccessFilter::Invited,
            "active" => AccessFilter::Active,
            _ => AccessFilter::Everyone,
        }
    }

    /// Whether [`condition`](Self::condition) reads `t`, the person's outstanding invitation.
    pub(super) fn asks_about_invitations(self) -> bool {
        matches!(self, AccessFilter::NotInvited | AccessFilter::Invited)
    }

    /// The condition on `u` (users) and `t` (their outstanding invitation) at the time bound
    /// to the placeholder `now`. Every condition names `now`, since PostgreSQL refuses a
    /// statement that leaves a bound parameter unused.
    pub(super) fn condition(self, now: &str) -> String {
        match self {
            AccessFilter::Everyone => format!("{now} IS NOT NULL"),
            AccessFilter::NotInvited => {
                format!("u.password_hash IS NULL AND (t.expires_at IS NULL OR t.expires_at <= {now})")
            }
            AccessFilter::Invited => format!("u.password_hash IS NULL AND t.expires_at > {now}"),
            AccessFilter::Active => format!("u.password_hash IS NOT NULL AND {now} IS NOT NULL"),
        }
    }
}

/// A person in a program, with the groups they are in (if any): the whole [`User`], or only
/// what the people list shows ([`PersonCard`]).
#[derive(Debug, Clone)]
pub struct ProgramPerson<P = User> {
    pub user: P,
    pub role: ProgramRole,
    pub group_names: Vec<String>,
    /// The closed cohort they are an alumna or alumnus of, with its year.
    pub alumni_of: Option<(String, i64)>,
    pub access: Access,
}

/// A person as a program's people list shows them: who they are, where they work, their
/// career stage, and whether they have signed in; not the rest of their profile.
#[derive(Debug, Clone)]
pub struct PersonCard {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub department: String,
    pub division: String,
    pub career_stage: String,
    pub has_password: bool,
}

impl Decoded for PersonCard {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(PersonCard {
            id: row.value("id")?,
            name: row.value("name")?,
            email: row.value("email")?,
            department: row.value("department")?,
            division: row.value("division")?,
            career_stage: row.value("career_stage")?,
            has_password: row.value::<i64>("has_password")? != 0,
        })
    }
}

/// A member of a group by name only: a meeting's attendance, a concern's facilitators.
#[derive(Debug, Clone)]
pub struct MemberName {
    pub user_id: i64,
    pub name: String,
    pub role: GroupRole,
}

impl Decoded for MemberName {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(MemberName { user_id: row.value("id")?, name: row.value("name")?, role: row.coded("group_role")? })
    }
}

#[derive(Debug, Clone)]
pub struct GroupMember {
    pub user: User,
    pub role: GroupRole,
}

impl Decoded for GroupMember {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(GroupMember { user: User::decode(row)?, role: row.coded("group_role")? })
    }
}

/// Everything the access rules need to know about who is asking.
#[derive(Debug, Clone, Default)]
pub struct Memberships {
    pub programs: Vec<(i64, ProgramRole)>,
    pub groups: Vec<Seat>,
}

impl Memberships {
    /// The groups the person sits in.
    pub fn group_ids(&self) -> Vec<i64> {
        self.groups.iter().map(|seat| seat.group_id).collect()
    }
}

/// A person's place in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seat {
    pub group_id: i64,
    pub program_id: i64,
    pub role: GroupRole,
    /// They see what is shared in the group from this moment on (0: the whole history).
    pub joined_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invitation {
    pub token_hash: String,
    pub user_id: i64,
    pub program_id: i64,
    pub created_by: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct NewEmail {
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Where one click turns this kind of email off (RFC 8058), or empty.
    pub unsubscribe_url: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxMessage {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: String,
    pub unsubscribe_url: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
    /// Accounts in use (signed in to, or in another program) whose profiles were left alone.
    pub kept: usize,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub users: i64,
    pub programs: i64,
    pub groups: i64,
    pub active_sessions: i64,
    pub outbox_pending: i64,
    pub outbox_sent: i64,
}

/// The one store: a trait over it would have one implementation and no fake (the tests run on
/// real SQLite and PostgreSQL), so it is a concrete type shared behind an `Arc`.
pub type DynStore = Arc<SqlStore>;

/// Opens the database a URL names: `sqlite://path` or `postgres://...`.
pub async fn open(url: &str) -> Result<DynStore> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::open(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::open(url).await?))
    } else {
        let scheme = url.split(':').next().unwrap_or(url);
        Err(StoreError::Unsupported(format!(
            "the database URL scheme '{scheme}' is not supported: use sqlite://PATH or postgres://USER@HOST/DB"
        )))
    }
}

crate::domain::code::decoded_from_code!(ProgramRole, "a program role");
crate::domain::code::decoded_from_code!(GroupRole, "a group role");

/// A boolean as both databases keep it (an integer 0 or 1), so records carry a real `bool`:
/// `#[sqlx(try_from = "Flag")]`.
#[derive(Debug, Clone, Copy, sqlx::Type)]
#[sqlx(transparent)]
pub struct Flag(i64);

impl From<Flag> for bool {
    fn from(flag: Flag) -> bool {
        flag.0 != 0
    }
}
