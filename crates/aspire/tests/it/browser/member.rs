//! A member's journeys: from the invitation link to their group, and the accountability loop
//! (declare goals for the next meeting, report them the time after).

use aspire::domain::Profile;
use aspire::store::{GroupRole, ProgramRole};

use crate::browser_or_skip;
use crate::harness::*;
use crate::meetings::{ny, weekly_tuesdays};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invited_member_sets_a_password_fills_in_the_profile_and_sees_the_group() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let world = app.world().await;
    let store = &app.state.store;
    // Imported from a roster with only a name and an email, placed in group A, then invited.
    let profile = Profile { email: "nia.new@test.edu".into(), name: "Nia Newcomer".into(), ..Profile::default() };
    let nia = store.create_user(&profile.validate().unwrap(), None, false, app.clock.now_value()).await.unwrap();
    store.add_program_member(world.program, nia, ProgramRole::Participant).await.unwrap();
    crate::harness::seat(store, world.group_a, nia, GroupRole::Member).await;
    let coordinator = store.user_by_email(COORDINATOR).await.unwrap().unwrap();
    let program = store.program(world.program).await.unwrap().unwrap();
    let user = store.user(nia).await.unwrap().unwrap();
    aspire::app::invitations::invite_person(&app.state, &coordinator, &program, &user).await.unwrap();
    let mail = store.list_outbox(10).await.unwrap().into_iter().find(|m| m.recipient == "nia.new@test.edu").unwrap();
    let link = mail.body.split_whitespace().find(|word| word.contains("/invite/")).unwrap();
    let path = &link[link.find("/invite/").unwrap()..];

    let browser = browser_or_skip!(app);
    browser.goto(path).await;
    browser.wait_for_text("Welcome to KL2 Scholars, Nia Newcomer").await;
    browser.look("invitation").await;
    browser.fill("#password", "a long enough password").await;
    browser.fill("#confirm", "a long enough password").await;
    browser.click_and_wait("form button[type=submit].primary").await;

    browser.wait_for_text("Your password is set. Welcome to aspire.").await;
    assert_eq!(browser.path().await, "/profile?notice=password-set");
    browser.fill("#f-department", "Cardiology").await;
    browser.choose("#f-stage", "Instructor").await;
    browser.fill("#f-interests", "heart failure; health equity").await;
    // Tuesday and Thursday mornings, ticked in the week grid.
    for cell in ["Tue 09", "Tue 10", "Thu 09"] {
        browser.find(&format!("input[name=slot][value='{cell}']")).await.click().await.unwrap();
    }
    browser.look("profile").await;
    browser.click_and_wait("form[action='/profile'] button[type=submit]").await;
    browser.wait_for_text("Saved.").await;
    let saved = store.user(nia).await.unwrap().unwrap();
    assert_eq!(saved.profile.availability, "Tue 09-11; Thu 09-10");
    assert_eq!(saved.profile.department, "Cardiology");
    for cell in ["Tue 09", "Tue 10", "Thu 09"] {
        let checked = browser.find(&format!("input[name=slot][value='{cell}']")).await.is_selected().await.unwrap();
        assert!(checked, "{cell} stays ticked after saving");
    }

    browser.goto("/").await;
    browser.wait_for_text("Your groups").await;
    browser.look("home-member").await;
    browser.click_and_wait(&format!("a[href='/groups/{}']", world.group_a)).await;
    let text = browser.text().await;
    assert!(text.contains("Group A") && text.contains("Mina Alpha") && text.contains("Nia Newcomer"), "{text}");
    assert!(text.contains("Cardiology"), "her profile shows to her group: {text}");
    browser.look("group").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_declares_goals_then_reports_them_at_the_next_meeting() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    let first = format!("/groups/{}/meetings/{}", world.group_a, ny("2026-06-02T09:30"));
    let browser = browser_or_skip!(app);
    browser.sign_in(MEMBER_A).await;

    // The schedule page, with a schedule and its history, on every screen.
    browser.goto(&format!("/groups/{}/meetings", world.group_a)).await;
    browser.wait_for_text("Every Tuesday").await;
    browser.look("meetings").await;

    // From the group page to the next meeting.
    browser.goto(&format!("/groups/{}", world.group_a)).await;
    browser.click_and_wait(&format!("a[href='{first}']")).await;
    browser.wait_for_text("Meeting of Tuesday 2 June 2026").await;
    for (goal, kind) in [("Send specific aims to my mentor", "Grant"), ("Submit the abstract", "Talk")] {
        browser.fill("#d-text", goal).await;
        browser.choose("#d-kind", kind).await;
        browser.click_and_wait("form[action$='/goals'] button[type=submit]").await;
        let declared = browser.find("#declare").await.text().await.unwrap();
        assert!(declared.contains(&format!("Mina Alpha: {goal}")), "{declared}");
    }
    browser.look("meeting").await;

    // A week later, the same goals are the check-in of the next meeting.
    app.clock.advance(7 * 86_400);
    browser.sign_in(MEMBER_A).await;
    let second = format!("/groups/{}/meetings/{}", world.group_a, ny("2026-06-09T09:30"));

    // Her home page says what to do next: the coming meeting, and the goals to report there.
    browser.goto("/").await;
    browser.wait_for_text("Goals to report").await;
    let home = browser.text().await;
    assert!(home.contains("Send specific aims to my mentor") && home.contains("Submit the abstract"), "{home}");
    assert!(
        home.contains("Tuesday 9 June 2026") && home.contains("Room 101"),
        "the next meeting, when and where: {home}"
    );
    browser.look("home-member-to-report").await;
    browser.click_and_wait(&format!("a[href='{second}']")).await;
    assert_eq!(browser.path().await, second, "the home page leads to the meeting where she reports");
    let check_in = browser.find("#check-in").await.text().await.unwrap();
    assert!(check_in.contains("Send specific aims to my mentor") && check_in.contains("Submit the abstract"));
    let reports = browser.driver.find_all(thirtyfour::By::Css("#check-in form[action$='/report']")).await.unwrap();
    assert_eq!(reports.len(), 2, "Mina reports her two goals");
    let aims = reports[0].attr("action").await.unwrap().unwrap();
    let abstract_report = reports[1].attr("action").await.unwrap().unwrap();
    browser.choose(&format!("form[action='{aims}'] select"), "Not met").await;
    browser.fill(&format!("form[action='{aims}'] input[name=reason]"), "Clinic week").await;
    browser.click_and_wait(&format!("form[action='{aims}'] button")).await;
    browser.choose(&format!("form[action='{abstract_report}'] select"), "Met").await;
    browser.click_and_wait(&format!("form[action='{abstract_report}'] button")).await;
    let check_in = browser.find("#check-in").await.text().await.unwrap();
    assert!(check_in.contains("not met: Clinic week") && check_in.contains("\nmet\n"), "{check_in}");

    // The unmet goal goes into the coming period with one click.
    browser.click_and_wait("#check-in form[action$='/carry'] button").await;
    let declared = browser.find("#declare").await.text().await.unwrap();
    assert!(declared.contains("Send specific aims to my mentor") && declared.contains("Carried forward"), "{declared}");
    browser.look("meeting-check-in").await;

    browser.goto("/goals").await;
    let text = browser.text().await;
    assert!(text.contains("Met rate: 50%"), "{text}");
    assert_eq!(browser.driver.title().await.unwrap(), "My goals · aspire", "the tab says which page this is");
    browser.look("goals").await;

    // My annual review, printable, with the papers cited as an NIH biosketch lists them.
    browser.goto("/goals/year?year=2026&style=nih").await;
    browser.wait_for_text("Near-peer facilitation").await;
    browser.look("annual-review").await;

    // The coordinator's engagement over time, with its chart, now that the group has met.
    browser.sign_in(COORDINATOR).await;
    browser.goto(&format!("/programs/{}/engagement", world.program)).await;
    browser.wait_for_text("Attendance rate by month").await;
    browser.look("engagement-chart").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_signs_in_through_the_institutions_provider() {
    let options = crate::oidc::Options::default();
    let Some((app, _provider)) = crate::sso::app_with_provider(Backend::Sqlite, options, |_| {}).await else { return };
    let world = app.world().await;
    let browser = browser_or_skip!(app);
    browser.goto(&format!("/login?next=/groups/{}", world.group_a)).await;
    browser.look("login-sso").await;
    browser.click_and_wait("a.button[href^='/login/sso']").await;
    // The provider's own sign-in page, on its own address.
    assert!(!browser.path().await.starts_with("/login"), "at the provider: {}", browser.path().await);
    browser.fill("input[name=login]", MEMBER_A).await;
    browser.fill("input[name=password]", "the password the provider checks").await;
    browser.click_and_wait("button[type=submit]").await;
    assert_eq!(browser.path().await, format!("/groups/{}", world.group_a), "back where she was going");
    browser.wait_for_text("Group A").await;
    browser.close().await;
}
