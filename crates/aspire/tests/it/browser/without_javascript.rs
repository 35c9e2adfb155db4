//! Every form works without JavaScript: htmx only improves the pages. Here a member signs in
//! and declares a goal with the page's scripts turned off.

use crate::browser_or_skip;
use crate::harness::*;
use crate::meetings::{ny, weekly_tuesdays};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_signs_in_and_declares_a_goal_without_javascript() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    let browser = browser_or_skip!(app);
    browser.goto("/login").await;
    assert_eq!(browser.js("return typeof window.htmx;", vec![]).await, "object", "htmx runs when scripts are on");
    browser.without_javascript().await;
    browser.sign_in(MEMBER_A).await;
    let meeting = format!("/groups/{}/meetings/{}", world.group_a, ny("2026-06-02T09:30"));
    browser.goto(&meeting).await;
    assert_eq!(browser.js("return typeof window.htmx;", vec![]).await, "undefined", "htmx did not run");
    browser.fill("#d-text", "Draft the discussion section").await;
    browser.click_and_wait("form[action$='/goals'] button[type=submit]").await;
    let declared = browser.find("#declare").await.text().await.unwrap();
    assert!(declared.contains("Mina Alpha: Draft the discussion section"), "{declared}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_previews_then_moves_a_person_without_javascript() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let world = app.world().await;
    let draft = crate::browser::a_draft(&app, &world).await;
    let browser = browser_or_skip!(app);
    browser.goto("/login").await;
    browser.without_javascript().await;
    browser.sign_in(COORDINATOR).await;
    browser.goto(&format!("/drafts/{draft}")).await;
    let name = browser.find("section[data-group='1'] li strong").await.text().await.unwrap();
    browser.fill("#move-1-1", "2").await;
    browser.click_and_wait("#move-1-1 ~ button[formaction$='/preview']").await;
    browser.wait_for_text(&format!("Moving {name} to group 2: ")).await;
    let group_one = browser.find("section[data-group='1']").await.text().await.unwrap();
    assert!(group_one.contains(&name), "a preview moves nobody: {group_one}");
    browser.fill("#move-1-1", "2").await;
    browser.click_and_wait("#move-1-1 ~ button[aria-label^='Move']").await;
    browser.wait_for_text(&format!("Moved {name} to group 2")).await;
    let group_two = browser.find("section[data-group='2']").await.text().await.unwrap();
    assert!(group_two.contains(&name), "{group_two}");
    browser.close().await;
}
