//! Browser tests: what a person sees, in a real headless Chromium driven through chromedriver.
//! Each test runs against its own server and SQLite database. Every page a journey looks at is
//! checked with axe-core (WCAG 2.1 A and AA), for sideways scrolling on a phone, at 200% zoom and
//! at 320 pixels, and for layout shift, and is photographed to `target/screenshots/`.
//!
//! Without Chromium these tests print one line and pass; under `CI=true` they fail.

pub mod driver;

mod community;
mod coordinator;
mod keyboard;
mod member;
mod privacy;
mod without_javascript;

/// Opens a browser on `$app`, or returns from the test when Chromium is not installed.
#[macro_export]
macro_rules! browser_or_skip {
    ($app:expr) => {
        match $crate::browser::driver::Browser::open(&$app).await {
            Some(browser) => browser,
            None => return,
        }
    };
}
