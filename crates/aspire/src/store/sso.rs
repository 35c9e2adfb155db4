//! Single sign-on's two tables: sign-ins waiting for the provider's answer, and which account a
//! provider's subject is. Secrets are stored as SHA-256 only; callers hash before asking.

use super::{Result, SqlStore};

/// A sign-in sent to the provider and not yet back.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingSsoLogin {
    pub state_hash: String,
    /// SHA-256 of the pre-session cookie of the browser that began it.
    pub browser_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next_path: String,
    pub created_at: i64,
}

impl SqlStore {
    pub async fn insert_sso_login(&self, login: &PendingSsoLogin) -> Result<()> {
        sqlx::query(
            "INSERT INTO sso_logins (state_hash, browser_hash, nonce, pkce_verifier, next_path, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&login.state_hash)
        .bind(&login.browser_hash)
        .bind(&login.nonce)
        .bind(&login.pkce_verifier)
        .bind(&login.next_path)
        .bind(login.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The sign-in behind `state_hash`, removed as it is read: a state works once, even when two
    /// requests bring it at the same moment.
    pub async fn take_sso_login(&self, state_hash: &str) -> Result<Option<PendingSsoLogin>> {
        Ok(sqlx::query_as(
            "DELETE FROM sso_logins WHERE state_hash = $1 \
             RETURNING state_hash, browser_hash, nonce, pkce_verifier, next_path, created_at",
        )
        .bind(state_hash)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Forgets sign-ins begun before `before` that never came back.
    pub async fn delete_sso_logins_before(&self, before: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sso_logins WHERE created_at < $1").bind(before).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }

    pub async fn sso_identity_user(&self, issuer: &str, subject: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT user_id FROM sso_identities WHERE issuer = $1 AND subject = $2")
            .bind(issuer)
            .bind(subject)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn link_sso_identity(&self, issuer: &str, subject: &str, user_id: i64, now: i64) -> Result<()> {
        sqlx::query("INSERT INTO sso_identities (issuer, subject, user_id, linked_at) VALUES ($1, $2, $3, $4)")
            .bind(issuer)
            .bind(subject)
            .bind(user_id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
