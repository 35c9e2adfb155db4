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

/// A draft of two groups of six for the program of `world`, formed by the engine as a
/// coordinator would ask for it; returns the draft's id.
pub async fn a_draft(app: &crate::harness::TestApp, world: &crate::harness::World) -> i64 {
    use crate::harness::{COORDINATOR, ClockExt};
    let people: Vec<aspire::domain::Profile> = (0..11)
        .map(|i| {
            aspire::domain::Profile {
                email: format!("drafted{i}@test.edu"),
                name: format!("Drafted {i}"),
                department: ["Medicine", "Surgery", "Nursing"][i % 3].into(),
                career_stage: "instructor".into(),
                availability: "Mon 09-11".into(),
                ..Default::default()
            }
            .validate()
            .expect("a valid profile")
        })
        .collect();
    app.state.store.import_roster(world.program, &people, app.clock.now_value()).await.expect("import");
    let coordinator = app.signed_in(COORDINATOR).await;
    let csrf = coordinator.csrf(&format!("/programs/{}", world.program)).await;
    let round = coordinator
        .post_form(
            &format!("/programs/{}/rounds", world.program),
            &[("csrf", &csrf), ("name", "2027"), ("who", "newcomers")],
        )
        .await;
    let round =
        round.headers()["location"].to_str().expect("a location").split('?').next().expect("a path").to_string();
    let fields =
        [("csrf", csrf.as_str()), ("request_key", "browser-draft-request-01"), ("seconds", "1"), ("seed", "5")];
    coordinator.post_form(&format!("{round}/jobs"), &fields).await;
    aspire::jobs::run_next_job(&app.state).await.expect("the worker ran").expect("a job");
    let round_id: i64 = round.trim_start_matches("/rounds/").parse().expect("a round id");
    let job = app.state.store.round_jobs(round_id).await.expect("jobs").remove(0);
    job.draft_id.unwrap_or_else(|| panic!("the job made no draft: {}", job.error))
}
