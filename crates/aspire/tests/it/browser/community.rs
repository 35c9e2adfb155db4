//! Journey 3's celebration, and the sharing pages: a member records a win for the group, a peer
//! congratulates on it; the discussion, resources, opportunities and own-data pages, each checked
//! like every other page.

use crate::browser_or_skip;
use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_records_a_win_and_a_peer_celebrates_it() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let world = app.world().await;
    let browser = browser_or_skip!(app);

    // Milo records his funded K23 for the group.
    browser.sign_in(MEMBER_A2).await;
    browser.click_and_wait("nav a[href='/wins']").await;
    browser.look("wins").await;
    browser.choose("#w-kind", "Grant").await;
    browser.fill("#w-title", "Peer mentoring and retention in surgery").await;
    browser.fill("#w-venue", "NHLBI").await;
    browser.fill("#w-award", "1 K23 HL145123-01A1").await;
    browser.choose("#w-role", "PI").await;
    browser.choose("#w-status", "Funded").await;
    browser.choose("#w-share", "My group (Group A)").await;
    browser.click_and_wait("form[action='/wins'] button[type=submit]").await;
    let text = browser.text().await;
    assert!(text.contains("Peer mentoring and retention in surgery") && text.contains("K23"), "{text}");

    // Mina sees it on the group's page and congratulates him.
    browser.sign_in(MEMBER_A).await;
    browser.goto(&format!("/groups/{}", world.group_a)).await;
    browser.click_and_wait("a[href^='/wins/']").await;
    browser.wait_for_text("Peer mentoring and retention in surgery").await;
    browser.fill("#c-message", "So well deserved, Milo!").await;
    browser.click_and_wait("form[action$='/cheers'] button").await;
    let text = browser.text().await;
    assert!(text.contains("Mina Alpha: So well deserved, Milo!"), "{text}");
    browser.look("win").await;
    browser.goto(&format!("/programs/{}/celebrations", world.program)).await;
    browser.look("celebrations").await;

    // The group's discussion: a thread in Markdown.
    browser.goto(&format!("/groups/{}/discussion", world.group_a)).await;
    browser.look("discussion").await;
    browser.fill("#t-title", "Writing retreat in March?").await;
    browser.fill("#t-body", "Who is **in**? Two days, no email.").await;
    browser.click_and_wait("form[action$='/discussion'] button[type=submit]").await;
    assert_eq!(browser.find(".post strong").await.text().await.unwrap(), "in");
    browser.look("thread").await;

    for (path, name) in [
        (format!("/programs/{}/resources", world.program), "resources"),
        (format!("/programs/{}/opportunities", world.program), "opportunities"),
        ("/nominations".to_string(), "nominations"),
        ("/account".to_string(), "account"),
    ] {
        browser.goto(&path).await;
        browser.look(name).await;
    }
    browser.sign_in(ADMIN).await;
    browser.goto("/admin/audit").await;
    browser.wait_for_text("signed in").await;
    browser.look("audit").await;
    browser.close().await;
}
