//! Sign-in throttling, kept in the database so it holds across app servers. Failures count per
//! (account, client) and per client, so a stranger's wrong guesses slow down that stranger, not
//! the account's owner on another machine. After a few failures each further attempt waits
//! longer (30 s, doubling, at most 15 minutes) instead of locking the account.

pub const WINDOW_SECONDS: i64 = 15 * 60;
/// Failures for one account from one client before attempts are spaced out.
pub const FREE_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failures from one client, over all accounts, before it must wait out the window.
pub const MAX_FAILURES_PER_CLIENT: i64 = 30;
const FIRST_DELAY_SECONDS: i64 = 30;

/// The failures recorded before this attempt, in the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    /// For this account from this client.
    pub account_from_client: i64,
    /// From this client, any account.
    pub from_client: i64,
    /// When the latest failure for this account from this client was.
    pub latest_at: Option<i64>,
}

/// Seconds to wait before another attempt may be made; 0 when it may be made now.
pub fn wait_seconds(failures: Failures, now: i64) -> i64 {
    if failures.from_client >= MAX_FAILURES_PER_CLIENT {
        return WINDOW_SECONDS;
    }
    let over = failures.account_from_client - FREE_FAILURES_PER_ACCOUNT;
    if over < 0 {
        return 0;
    }
    let delay = (FIRST_DELAY_SECONDS << over.min(10)).min(WINDOW_SECONDS);
    let since = failures.latest_at.map_or(delay, |at| now - at);
    (delay - since).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_space_out_after_a_few_failures_and_never_lock_for_good() {
        let now = 1_000_000;
        let f = |n, ago| Failures { account_from_client: n, from_client: n, latest_at: Some(now - ago) };
        assert_eq!(wait_seconds(f(4, 0), now), 0, "the first failures cost nothing");
        assert_eq!(wait_seconds(f(5, 0), now), 30);
        assert_eq!(wait_seconds(f(5, 30), now), 0, "after the delay, one more try");
        assert_eq!(wait_seconds(f(6, 10), now), 50);
        assert_eq!(wait_seconds(f(20, 0), now), WINDOW_SECONDS, "capped");
        let busy = Failures { account_from_client: 0, from_client: 30, latest_at: None };
        assert_eq!(wait_seconds(busy, now), WINDOW_SECONDS, "a client guessing many accounts waits out the window");
    }
}
