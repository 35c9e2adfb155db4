//! One test binary for the crate's behaviour as the app sees it.
// Helpers here are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod dedupe;
mod import;
mod props;
mod public;

/// A sample export under `tests/samples/`.
pub fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/samples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("reading {path}: {error}"))
}

/// A saved answer of a public service under `tests/fixtures/public/`.
pub fn public_fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/public/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("reading {path}: {error}"))
}
