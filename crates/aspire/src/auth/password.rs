//! argon2id password hashes with OWASP's parameters (19 MiB, 2 passes, 1 lane), computed
//! on the blocking pool so a login never stalls other requests, and a few at a time: a burst
//! of sign-ins queues here instead of taking 19 MiB each at once.

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_PASSWORD_CHARS: usize = 10;

fn hasher() -> Argon2<'static> {
    // The constants are valid argon2 parameters; Params::new only fails on out-of-range values.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash to verify against when the account does not exist, so both cases take the same time.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_blocking("not a real password").unwrap_or_default());

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("the password must have at most 256 characters")]
    TooLong,
    #[error("password hashing failed: {0}")]
    Hash(String),
}

pub fn check_strength(password: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if chars > 256 {
        return Err(PasswordError::TooLong);
    }
    Ok(())
}

pub fn hash_blocking(password: &str) -> Result<String, PasswordError> {
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).map_err(|e| PasswordError::Hash(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| PasswordError::Hash(e.to_string()))?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

fn verify_blocking(password: &str, hash: Option<&str>) -> bool {
    let stored = hash.unwrap_or(DUMMY_HASH.as_str());
    let ok = PasswordHash::new(stored)
        .map(|parsed| hasher().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false);
    ok && hash.is_some()
}

/// How many hashes may be computed at once (about 19 MiB each).
const HASHES_AT_ONCE: usize = 4;
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(HASHES_AT_ONCE);

pub async fn hash(password: String) -> Result<String, PasswordError> {
    let _turn = HASHING.acquire().await.map_err(|e| PasswordError::Hash(e.to_string()))?;
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| PasswordError::Hash(e.to_string()))?
}

/// True when `password` matches `hash`; an absent hash (unknown account, or no password set
/// yet) costs the same time and is false.
pub async fn verify(password: String, hash: Option<String>) -> bool {
    let Ok(_turn) = HASHING.acquire().await else { return false };
    tokio::task::spawn_blocking(move || verify_blocking(&password, hash.as_deref())).await.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_only_the_right_password() {
        let h = hash_blocking("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_blocking("correct horse battery", Some(&h)));
        assert!(!verify_blocking("wrong horse battery", Some(&h)));
        assert!(!verify_blocking("not a real password", None));
    }
}
