//! Keyboard only: the Tab key reaches the controls in the order they are read, each focused
//! control shows where the focus is, and the week grid is ticked with the space bar.

use thirtyfour::Key;

use crate::browser::driver::Browser;
use crate::browser_or_skip;
use crate::harness::*;

/// Presses Tab and returns what got the focus, after checking a person can see it.
async fn tab(browser: &Browser) -> String {
    browser.press(Key::Tab).await;
    let focused = browser.focused().await;
    assert!(focused.indicator, "{:?} has the focus but shows no focus outline", focused);
    assert!(focused.on_screen, "{:?} has the focus but is off screen", focused);
    focused.label
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_works_with_the_keyboard_alone() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    app.world().await;
    let browser = browser_or_skip!(app);
    browser.goto("/login").await;
    let mut order = Vec::new();
    for _ in 0..5 {
        order.push(tab(&browser).await);
    }
    assert_eq!(order, ["Skip to content", "aspire", "Email", "Password", "Sign in"]);

    // Back to the email field, then type, Tab, type, Enter.
    browser.press_shift_tab().await;
    browser.press_shift_tab().await;
    assert_eq!(browser.focused().await.label, "Email");
    browser.type_text(MEMBER_A).await;
    browser.press(Key::Tab).await;
    browser.type_text(PASSWORD).await;
    browser.mark_page().await;
    browser.press(Key::Enter).await;
    browser.wait_for_next_page().await;
    browser.wait_for_text("Welcome, Mina").await;

    // The skip link takes the focus past the header to the page's content.
    browser.press(Key::Tab).await;
    assert_eq!(browser.focused().await.label, "Skip to content");
    browser.press(Key::Enter).await;
    let next = tab(&browser).await;
    assert_eq!(next, "Complete your profile", "after skipping, Tab goes to the first link in the content");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolling_with_the_week_grid_works_with_the_keyboard_alone() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let world = app.world().await;
    let coordinator = app.signed_in(COORDINATOR).await;
    let csrf = coordinator.csrf(&format!("/programs/{}", world.program)).await;
    let response = coordinator
        .post_form(
            &format!("/programs/{}/rounds", world.program),
            &[("csrf", &csrf), ("name", "2027 cohort"), ("who", "newcomers")],
        )
        .await;
    let round = response.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = coordinator.get_text(&round).await;
    let token = page.split("/enrol/").nth(1).unwrap().split('<').next().unwrap().to_string();

    let browser = browser_or_skip!(app);
    browser.goto(&format!("/enrol/{token}")).await;
    browser.look("enrol").await;
    assert_eq!(tab(&browser).await, "Skip to content");
    assert_eq!(tab(&browser).await, "aspire");
    for (label, typed) in [
        ("Name", "Kofi Mensah"),
        ("Institutional email", "kofi@test.edu"),
        ("Pronouns (optional)", "he/him"),
        ("Department", "Radiology"),
        ("Division", "Neuroradiology"),
        ("Discipline", "Imaging"),
        ("Career stage", "Instructor"),
        ("Research interests", "stroke imaging"),
        ("Writing and career goals this year", "Submit a K23"),
    ] {
        assert_eq!(tab(&browser).await, label, "the form is read top to bottom");
        browser.type_text(typed).await;
    }
    // The grid goes row by row, an hour at a time: Monday to Friday at 07:00, then 08:00...
    let mut ticked = Vec::new();
    for _ in 0..16 {
        let cell = tab(&browser).await;
        if cell == "Mon 09:00" || cell == "Mon 10:00" {
            browser.press(Key::Space).await;
            assert!(browser.focused().await.checked, "space ticks {cell}");
            ticked.push(cell);
        }
    }
    assert_eq!(ticked, ["Mon 09:00", "Mon 10:00"]);
    let mut steps = 0;
    // Then the rest of the grid, the other hours and the time zone.
    while tab(&browser).await != "Enrol" {
        steps += 1;
        assert!(steps < 70, "Tab reaches the Enrol button after the grid");
    }
    browser.mark_page().await;
    browser.press(Key::Enter).await;
    browser.wait_for_next_page().await;
    browser.wait_for_text("One more step to join KL2 Scholars").await;
    let kofi = app.state.store.user_by_email("kofi@test.edu").await.unwrap().unwrap();
    assert_eq!(kofi.profile.availability, "Mon 09-11");
    assert_eq!(kofi.profile.career_stage, "instructor", "typing a stage's name chooses it");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_a_person_in_a_draft_works_with_the_keyboard_alone() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let world = app.world().await;
    let draft = crate::browser::a_draft(&app, &world).await;
    let browser = browser_or_skip!(app);
    browser.sign_in(COORDINATOR).await;
    browser.goto(&format!("/drafts/{draft}")).await;
    let name = browser.find("section[data-group='1'] li strong").await.text().await.unwrap();
    let mut tabs = 0;
    while tab(&browser).await != "Move to group" {
        tabs += 1;
        assert!(tabs < 80, "Tab reaches the first person's group number");
    }
    browser.type_text("2").await;
    // What the move would do is said as the number is typed, before anything moves.
    browser.wait_for_text(&format!("Moving {name} to group 2: ")).await;
    assert_eq!(tab(&browser).await, format!("Preview moving {name}"));
    assert_eq!(tab(&browser).await, format!("Move {name}"));
    browser.press(Key::Enter).await;
    browser.wait_for_text(&format!("Moved {name} to group 2")).await;
    let group_two = browser.find("section[data-group='2']").await.text().await.unwrap();
    assert!(group_two.contains(&name), "{group_two}");
    // The focus goes to the person where they are now, so the keyboard carries on from there.
    let mut focused = browser.focused().await;
    for _ in 0..50 {
        if focused.label.contains(&name) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        focused = browser.focused().await;
    }
    assert!(focused.label.contains(&name) && focused.indicator, "{focused:?}");
    browser.close().await;
}
