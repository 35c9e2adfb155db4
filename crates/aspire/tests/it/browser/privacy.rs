//! Safe space, as a person sees it: someone from another group and the coordinator open the
//! group's pages and see nothing of what its members said.

use crate::browser_or_skip;
use crate::harness::*;
use crate::meetings::{ny, weekly_tuesdays};

const GOAL: &str = "Tell my chair I am leaving the trial";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_group_and_the_coordinator_see_nothing_of_a_groups_content() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    let meeting = format!("/groups/{}/meetings/{}", world.group_a, ny("2026-06-02T09:30"));
    let mina = app.signed_in(MEMBER_A).await;
    let csrf = mina.csrf(&meeting).await;
    let declared = mina.post_form(&format!("{meeting}/goals"), &[("csrf", &csrf), ("text", GOAL)]).await;
    assert_eq!(declared.status(), 303);

    let group = format!("/groups/{}", world.group_a);
    let schedule = format!("/groups/{}/meetings", world.group_a);
    let browser = browser_or_skip!(app);
    browser.sign_in(MEMBER_B).await;
    for path in [&group, &schedule, &meeting] {
        browser.goto(path).await;
        let text = browser.text().await;
        assert!(
            text.contains("There is nothing here, or it is not yours to see"),
            "{path} is not found for a member of group B: {text}"
        );
        for secret in [GOAL, "Mina Alpha", "Room 101"] {
            assert!(!text.contains(secret), "{path} shows {secret:?} to a member of group B");
        }
    }
    browser.look("not-found").await;

    // The coordinator sees who is in the group (to run the program), never what they said.
    browser.sign_in(COORDINATOR).await;
    browser.goto(&group).await;
    let text = browser.text().await;
    assert!(text.contains("Mina Alpha"), "{text}");
    assert!(!text.contains(GOAL) && !text.contains("Room 101"), "{text}");
    assert!(browser.driver.find(thirtyfour::By::Css(format!("a[href='{meeting}']"))).await.is_err());
    for path in [&schedule, &meeting] {
        browser.goto(path).await;
        let text = browser.text().await;
        assert!(
            text.contains("There is nothing here, or it is not yours to see") && !text.contains(GOAL),
            "{path} for the coordinator: {text}"
        );
    }
    browser.close().await;
}
