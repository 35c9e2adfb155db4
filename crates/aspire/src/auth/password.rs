//! argon2id password hashes with OWASP's parameters (19 MiB, 2 passes, 1 lane), computed on a
//! few threads of their own so a sign-in never stalls other requests and a burst of sign-ins
//! queues instead of taking 19 MiB each at once. Few long-lived threads also keep the memory
//! the allocator holds on to after a hash to a few blocks, where the async runtime's blocking
//! pool (up to hundreds of threads, an arena each) kept hundreds of megabytes.

use std::sync::{Arc, LazyLock, Mutex, mpsc};

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

/// How many hashes are computed at once (about 19 MiB each): one per core, at most four. A
/// hash is all computation, so more threads than cores only hold more memory.
fn hashers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(4)
}

type Job = Box<dyn FnOnce() + Send>;

/// The queue the hashing threads take their work from.
static QUEUE: LazyLock<Option<mpsc::Sender<Job>>> = LazyLock::new(|| {
    let (sender, receiver) = mpsc::channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    for i in 0..hashers() {
        let receiver = Arc::clone(&receiver);
        let worker = move || {
            loop {
                let job = match receiver.lock() {
                    Ok(queue) => queue.recv(),
                    Err(_) => return,
                };
                match job {
                    Ok(job) => job(),
                    Err(_) => return,
                }
            }
        };
        if let Err(e) = std::thread::Builder::new().name(format!("argon2-{i}")).spawn(worker) {
            tracing::error!(error = %e, "cannot start a password hashing thread");
            return None;
        }
    }
    Some(sender)
});

/// Runs `work` on a hashing thread; `None` if the threads could not be started.
async fn on_hasher<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    // A hash may wait behind others for tens of milliseconds: no database connection waits with it.
    crate::store::counted::release_request_connection();
    let (reply, answer) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = reply.send(work());
    });
    QUEUE.as_ref()?.send(job).ok()?;
    answer.await.ok()
}

pub async fn hash(password: String) -> Result<String, PasswordError> {
    on_hasher(move || hash_blocking(&password))
        .await
        .unwrap_or_else(|| Err(PasswordError::Hash("the password hashing threads are not running".into())))
}

/// True when `password` matches `hash`; an absent hash (unknown account, or no password set
/// yet) costs the same time and is false.
pub async fn verify(password: String, hash: Option<String>) -> bool {
    on_hasher(move || verify_blocking(&password, hash.as_deref())).await.unwrap_or(false)
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
