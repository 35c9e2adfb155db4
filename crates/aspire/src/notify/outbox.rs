//! The email outbox. Messages are written in the same request that causes them and delivered
//! by a background worker over SMTP, with retries and exponential backoff, so nothing is lost
//! while the mail server is down. Several app servers can run workers: a claim is a lease.

use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::state::AppState;
use crate::store::{NewEmail, OutboxMessage, Result as StoreResult, SqlStore};

/// A claimed message is retried by another worker if not settled within this time.
const LEASE_SECONDS: i64 = 120;
const BATCH: i64 = 20;
/// After this many attempts the message stays in the outbox with its last error.
pub const MAX_ATTEMPTS: i64 = 12;

pub async fn enqueue(store: &SqlStore, now: i64, recipient: &str, subject: &str, body: String) -> StoreResult<i64> {
    let email = NewEmail {
        recipient: recipient.to_string(),
        subject: subject.to_string(),
        body,
        unsubscribe_url: String::new(),
    };
    store.enqueue_email(&email, now).await
}

/// Seconds to wait before attempt `attempts + 1`: 30 s, 1 min, 2 min, ... capped at 6 hours.
pub fn backoff_seconds(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    (30i64 << exponent).min(6 * 3600)
}

fn build_message(from: &str, msg: &OutboxMessage) -> Result<Message, String> {
    let from: Mailbox = from.parse().map_err(|e| format!("smtp_from '{from}' is not an address: {e}"))?;
    let to: Mailbox =
        msg.recipient.parse().map_err(|e| format!("recipient '{}' is not an address: {e}", msg.recipient))?;
    let mut message = Message::builder().from(from).to(to).subject(msg.subject.clone()).header(ContentType::TEXT_PLAIN);
    if !msg.unsubscribe_url.is_empty() {
        // RFC 8058: mail clients offer "unsubscribe" and POST to the address in one click.
        message = message
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{}>", msg.unsubscribe_url),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".into(),
            ));
    }
    message.body(msg.body.clone()).map_err(|e| e.to_string())
}

/// Delivers what is due once; returns how many messages were sent.
pub async fn deliver_due(state: &AppState, transport: &AsyncSmtpTransport<Tokio1Executor>) -> StoreResult<usize> {
    let now = state.now();
    let due = state.store.claim_due_emails(now, LEASE_SECONDS, BATCH).await?;
    let mut sent = 0;
    for msg in due {
        if msg.attempts > MAX_ATTEMPTS {
            state
                .store
                .mark_email_failed(
                    msg.id,
                    &format!("gave up after {MAX_ATTEMPTS} attempts: {}", msg.last_error),
                    i64::MAX / 2,
                )
                .await?;
            continue;
        }
        let result = match build_message(&state.settings.smtp_from, &msg) {
            Ok(message) => transport.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => {
                state.store.mark_email_sent(msg.id, state.now()).await?;
                sent += 1;
            }
            Err(error) => {
                tracing::warn!(id = msg.id, attempts = msg.attempts, %error, "email delivery failed; will retry");
                let next = state.now() + backoff_seconds(msg.attempts);
                state.store.mark_email_failed(msg.id, &error, next).await?;
            }
        }
    }
    Ok(sent)
}

pub fn transport(smtp_url: &str) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
        .map_err(|e| anyhow::anyhow!("smtp_url '{smtp_url}' is not usable: {e}"))?
        .timeout(Some(Duration::from_secs(20)))
        .build())
}

/// Runs forever, delivering due messages every `interval`.
pub async fn run_worker(state: AppState, transport: AsyncSmtpTransport<Tokio1Executor>, interval: Duration) {
    loop {
        if let Err(e) = deliver_due(&state, &transport).await {
            tracing::error!(error = %e, "outbox worker could not read the outbox");
        }
        tokio::time::sleep(interval).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_seconds(1), 30);
        assert_eq!(backoff_seconds(2), 60);
        assert_eq!(backoff_seconds(5), 480);
        assert_eq!(backoff_seconds(40), 6 * 3600);
    }
}
