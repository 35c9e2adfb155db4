//! Login throttling, kept in the database so it holds across app servers.

pub const WINDOW_SECONDS: i64 = 15 * 60;
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;

/// Whether another attempt may be made, given the failures in the last window.
pub fn allows_attempt(failures_for_account: i64, failures_from_address: i64) -> bool {
    failures_for_account < MAX_FAILURES_PER_ACCOUNT && failures_from_address < MAX_FAILURES_PER_ADDRESS
}
