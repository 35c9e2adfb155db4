//! The secrets a person holds besides their session, in one table: a calendar feed link, an
//! API token, invitations, password resets. Only a token's SHA-256 is stored; callers hash before asking.

use sqlx::{Any, Transaction};

use super::{Invitation, Result, SqlStore};

/// Stores an invitation in `tx`, ending the person's earlier ones.
pub(super) async fn insert_invitation(tx: &mut Transaction<'static, Any>, i: &Invitation) -> Result<()> {
    sqlx::query("DELETE FROM user_tokens WHERE user_id = $1 AND kind = $2")
        .bind(i.user_id)
        .bind(TokenKind::Invitation.code())
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO user_tokens (token_hash, user_id, kind, program_id, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&i.token_hash)
    .bind(i.user_id)
    .bind(TokenKind::Invitation.code())
    .bind(i.program_id)
    .bind(i.created_by)
    .bind(i.created_at)
    .bind(i.expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What a token lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Read the member's meetings as an iCalendar feed. One per person.
    CalendarFeed,
    /// Use the JSON API as the member. One per person.
    Api,
    /// Set the password of an account that has none, once, before it expires.
    Invitation,
    /// Set a new password for an account whose owner forgot it, once, within the hour.
    PasswordReset,
}

impl TokenKind {
    pub fn code(self) -> &'static str {
        match self {
            TokenKind::CalendarFeed => "calendar_feed",
            TokenKind::Api => "api",
            TokenKind::Invitation => "invitation",
            TokenKind::PasswordReset => "password_reset",
        }
    }
}

impl SqlStore {
    /// Gives `user_id` a new token of a kind a person holds one of; the old one stops working.
    pub async fn replace_user_token(&self, user_id: i64, kind: TokenKind, token_hash: &str, now: i64) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM user_tokens WHERE user_id = $1 AND kind = $2")
            .bind(user_id)
            .bind(kind.code())
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO user_tokens (token_hash, user_id, kind, created_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user_id)
            .bind(kind.code())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn revoke_user_tokens(&self, user_id: i64, kind: TokenKind) -> Result<()> {
        sqlx::query("DELETE FROM user_tokens WHERE user_id = $1 AND kind = $2")
            .bind(user_id)
            .bind(kind.code())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores a new invitation; the person's earlier invitations stop working.
    pub async fn create_invitation(&self, i: &Invitation) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        insert_invitation(&mut tx, i).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn invitation(&self, token_hash: &str) -> Result<Option<Invitation>> {
        Ok(sqlx::query_as(
            "SELECT token_hash, user_id, program_id, created_by, created_at, expires_at, used_at \
             FROM user_tokens WHERE token_hash = $1 AND kind = $2",
        )
        .bind(token_hash)
        .bind(TokenKind::Invitation.code())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Marks the invitation used; false when it was already used or has expired.
    pub async fn redeem_invitation(&self, token_hash: &str, now: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE user_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND kind = $3 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(token_hash)
        .bind(TokenKind::Invitation.code())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores a new password-reset link for `user_id`; their earlier ones stop working.
    pub async fn create_password_reset(&self, user_id: i64, token_hash: &str, now: i64, expires_at: i64) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM user_tokens WHERE user_id = $1 AND kind = $2")
            .bind(user_id)
            .bind(TokenKind::PasswordReset.code())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO user_tokens (token_hash, user_id, kind, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(TokenKind::PasswordReset.code())
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// When `user_id` was last sent a password-reset link, if they hold one.
    pub async fn latest_password_reset(&self, user_id: i64) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT MAX(created_at) FROM user_tokens WHERE user_id = $1 AND kind = $2")
            .bind(user_id)
            .bind(TokenKind::PasswordReset.code())
            .fetch_one(&self.pool)
            .await?)
    }

    /// Whose password this reset link is for, while it is unused and unexpired.
    pub async fn password_reset_user(&self, token_hash: &str, now: i64) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT user_id FROM user_tokens \
             WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3",
        )
        .bind(token_hash)
        .bind(TokenKind::PasswordReset.code())
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Marks the reset link used; false when it was already used or has expired, so of two
    /// submissions of one link only one sets a password.
    pub async fn redeem_password_reset(&self, token_hash: &str, now: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE user_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND kind = $3 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(token_hash)
        .bind(TokenKind::PasswordReset.code())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
