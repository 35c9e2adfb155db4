//! Who joins and leaves a group: the membership writes, the history the group page shows, the
//! audit rows and the emails that tell the group, each batch in one transaction.

use super::decode::{Columns, Decoded};
use super::{GroupRole, Outgoing, Result, SqlStore};

/// What happened to someone's place in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Removed,
    /// Already in the group, now with another role.
    NewRole,
}

impl ChangeKind {
    pub fn code(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::NewRole => "role",
        }
    }

    pub fn from_code(code: &str) -> Option<ChangeKind> {
        Some(match code {
            "added" => ChangeKind::Added,
            "removed" => ChangeKind::Removed,
            "role" => ChangeKind::NewRole,
            _ => return None,
        })
    }
}

crate::domain::code::decoded_from_code!(ChangeKind, "a group change");

/// One change to make.
#[derive(Debug, Clone)]
pub struct MembershipChange {
    pub group_id: i64,
    pub user_id: i64,
    /// The person's name now, kept with the change.
    pub person_name: String,
    pub kind: ChangeKind,
    pub role: GroupRole,
}

/// One change as the group's history shows it.
#[derive(Debug, Clone)]
pub struct GroupChange {
    pub person_name: String,
    pub actor_name: String,
    pub change: ChangeKind,
    pub role: GroupRole,
    pub at: i64,
}

impl Decoded for GroupChange {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(GroupChange {
            person_name: row.value("person_name")?,
            actor_name: row.value("actor_name")?,
            change: row.coded("change")?,
            role: row.coded("role")?,
            at: row.value("at")?,
        })
    }
}

impl SqlStore {
    /// Applies each change (a new member joins at `now`), records it for the group and in the
    /// audit log as done by `actor`, and queues `emails`, all in one transaction.
    pub async fn change_group_memberships(
        &self,
        changes: &[MembershipChange],
        actor: (i64, &str),
        outgoing: &Outgoing,
        now: i64,
    ) -> Result<()> {
        let (actor_id, actor_name) = actor;
        let mut tx = self.pool.begin().await?;
        for c in changes {
            let (write, subject) = match c.kind {
                ChangeKind::Added => (
                    sqlx::query(
                        "INSERT INTO group_members (group_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(c.group_id)
                    .bind(c.user_id)
                    .bind(c.role.code())
                    .bind(now),
                    format!("user {} joined group {} as {}", c.user_id, c.group_id, c.role.code()),
                ),
                ChangeKind::NewRole => (
                    sqlx::query("UPDATE group_members SET role = $3 WHERE group_id = $1 AND user_id = $2")
                        .bind(c.group_id)
                        .bind(c.user_id)
                        .bind(c.role.code()),
                    format!("user {} is now {} in group {}", c.user_id, c.role.code(), c.group_id),
                ),
                ChangeKind::Removed => (
                    sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
                        .bind(c.group_id)
                        .bind(c.user_id),
                    format!("user {} left group {}", c.user_id, c.group_id),
                ),
            };
            write.execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO group_changes (group_id, person_name, actor_name, change, role, at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(c.group_id)
            .bind(&c.person_name)
            .bind(actor_name)
            .bind(c.kind.code())
            .bind(c.role.code())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO audit_log (at, actor_id, action, subject) VALUES ($1, $2, $3, $4)")
                .bind(now)
                .bind(actor_id)
                .bind("membership changed")
                .bind(subject)
                .execute(&mut *tx)
                .await?;
        }
        for invitation in &outgoing.invitations {
            super::tokens::insert_invitation(&mut tx, invitation).await?;
        }
        for email in &outgoing.emails {
            super::sql::insert_email(&mut *tx, email, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The latest `limit` changes of a group's membership, newest first.
    pub async fn group_changes(&self, group_id: i64, limit: i64) -> Result<Vec<GroupChange>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT person_name, actor_name, change, role, at FROM group_changes WHERE group_id = $1 \
             ORDER BY at DESC, id DESC LIMIT {limit}",
        ));
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(group_id)).await?)
    }
}
