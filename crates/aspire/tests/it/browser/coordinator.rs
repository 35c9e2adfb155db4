//! A coordinator's journeys: import a roster (one bad row, fixed), then form groups, move a
//! person in the draft and publish.

use aspire::domain::Profile;
use aspire::jobs::run_next_job;

use crate::browser::driver::{DESKTOP, PHONE};
use crate::browser_or_skip;
use crate::harness::*;

const ROSTER: &str = "email,name,department,division,discipline,career stage,research interests,availability\n\
    ana.ruiz@test.edu,Ana Ruiz,Medicine,Nephrology,Clinical research,Assistant Professor,kidney disease; health equity,Mon 09-11; Wed 14-16\n\
    ben.okafor@test.edu,Ben Okafor,Pediatrics,Neonatology,Basic science,postdoc,neurodevelopment,Tue 12-14\n\
    chiara.b@test.edu,Chiara Bianchi,Surgery,,Health services research,instructor,,Mon 10-12\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinator_imports_a_roster_fixes_the_bad_row_and_sees_the_people() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let world = app.world().await;
    let browser = browser_or_skip!(app);
    browser.goto("/login").await;
    browser.look("login").await;
    browser.sign_in(COORDINATOR).await;
    browser.look("home-coordinator").await;

    browser.click_and_wait("a[href^='/programs/']").await;
    browser.wait_for_text("KL2 Scholars").await;
    browser.click_and_wait("a.button.primary[href$='/import']").await;
    browser.look("import").await;

    let files = tempfile::tempdir().unwrap();
    let bad = files.path().join("roster-with-a-typo.csv");
    std::fs::write(&bad, ROSTER.replace("ben.okafor@test.edu", "ben.okafor.test.edu")).unwrap();
    browser.find("#roster").await.send_keys(bad.to_string_lossy()).await.unwrap();
    browser.click_and_wait("form[enctype] button[type=submit]").await;
    browser.wait_for_text("The roster was not imported: 1 problem to fix").await;
    let text = browser.text().await;
    assert!(text.contains("Line 3: the email address 'ben.okafor.test.edu' is not valid"), "{text}");
    assert!(text.contains("Nothing was written"));
    browser.look("import-problem").await;

    // The coordinator fixes the file and uploads it again: a preview to confirm.
    let good = files.path().join("roster.csv");
    std::fs::write(&good, ROSTER).unwrap();
    browser.find("#roster").await.send_keys(good.to_string_lossy()).await.unwrap();
    browser.click_and_wait("form[enctype] button[type=submit]").await;
    browser.wait_for_text("Check before importing: 3 people").await;
    browser.look("import-preview").await;
    browser.click_and_wait("form[action$='/import/confirm'] button[type=submit]").await;

    browser.wait_for_text("Roster imported.").await;
    assert_eq!(browser.path().await, format!("/programs/{}?notice=imported", world.program));
    let people = browser.find("table").await.text().await.unwrap();
    for name in ["Ana Ruiz", "Ben Okafor", "Chiara Bianchi"] {
        assert!(people.contains(name), "{name} is in the people table: {people}");
    }
    browser.look("program").await;

    // Inviting one person updates that person's cell in place, where the coordinator is reading.
    browser.viewport(PHONE).await;
    let invite = "button[aria-label='Invite Chiara Bianchi']";
    browser.js(&format!("document.querySelector(\"{invite}\").scrollIntoView({{block: 'center'}});"), vec![]).await;
    let scrolled = browser.js("return Math.round(window.scrollY);", vec![]).await;
    assert!(scrolled.as_i64().unwrap() > 0, "the person is further down the page: {scrolled}");
    browser.js("document.body.dataset.samePage = 'yes';", vec![]).await;
    browser.find(invite).await.click().await.unwrap();
    browser.wait_for_text("Invited on").await;
    let chiara = browser.find("tr:has(button[aria-label='Invite Chiara Bianchi again'])").await.text().await.unwrap();
    assert!(chiara.contains("Chiara Bianchi") && chiara.contains("Invited on"), "{chiara}");
    let same_page = browser.js("return document.body.dataset.samePage || 'reloaded';", vec![]).await;
    assert_eq!(same_page, "yes", "the page was not reloaded");
    assert_eq!(browser.js("return Math.round(window.scrollY);", vec![]).await, scrolled, "the scroll position is kept");
    let outbox = app.state.store.list_outbox(100).await.unwrap();
    assert!(outbox.iter().any(|m| m.recipient == "chiara.b@test.edu"), "her invitation is in the outbox");

    // Everyone else not yet invited, in one click; then nobody is left to invite.
    browser.viewport(DESKTOP).await;
    browser.click_and_wait("form[action$='/invitations'] button[type=submit]").await;
    browser.wait_for_text("Invitations are in the outbox for everyone who had none").await;
    browser.goto(&format!("/programs/{}?who=not-invited", world.program)).await;
    browser.wait_for_text("Nobody here with this status.").await;
    let outbox = app.state.store.list_outbox(100).await.unwrap();
    for email in ["ana.ruiz@test.edu", "ben.okafor@test.edu"] {
        assert!(outbox.iter().any(|m| m.recipient == email && m.subject.contains("nvit")), "{email} is invited");
    }
    browser.close().await;
}

const DEPARTMENTS: [&str; 6] = ["Medicine", "Pediatrics", "Surgery", "Psychiatry", "Neurology", "Nursing"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinator_forms_groups_moves_a_person_and_publishes() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let world = app.world().await;
    let people: Vec<Profile> = (0..11)
        .map(|i| {
            Profile {
                email: format!("scholar{i}@test.edu"),
                name: format!("Scholar {i}"),
                department: DEPARTMENTS[i % DEPARTMENTS.len()].into(),
                career_stage: ["postdoc", "instructor", "assistant_professor"][i % 3].into(),
                research_interests: ["health equity", "clinical trials"][i % 2].into(),
                availability: "Mon 09-11; Wed 12-13".into(),
                ..Profile::default()
            }
            .validate()
            .unwrap()
        })
        .collect();
    app.state.store.import_roster(world.program, &people, app.clock.now_value()).await.unwrap();
    let browser = browser_or_skip!(app);
    browser.sign_in(COORDINATOR).await;
    browser.goto(&format!("/programs/{}", world.program)).await;

    browser.fill("#r-name", "2027 cohort").await;
    browser.choose("#r-who", "the participants who are in no group yet").await;
    browser.click_and_wait("form[action$='/rounds'] button[type=submit]").await;
    browser.wait_for_text("12 people in this round").await;
    browser.look("round").await;

    // Criteria as a coordinator writes them: a pair kept apart, a rule for a small department.
    let path = browser.path().await;
    let round = path.split('?').next().unwrap().to_string();
    browser.goto(&format!("{round}/criteria")).await;
    browser.fill("#keep_apart", "scholar0@test.edu, scholar1@test.edu").await;
    browser.fill("#no_isolated", "department: Medicine").await;
    browser.click_and_wait("form[action$='/criteria'] button[type=submit]").await;
    browser.goto(&format!("{round}/criteria")).await;
    let kept_apart = browser.find("#keep_apart").await.prop("value").await.unwrap().unwrap_or_default();
    assert!(kept_apart.contains("scholar0@test.edu, scholar1@test.edu"), "the criteria were saved: {kept_apart}");
    browser.look("criteria").await;
    browser.goto(&round).await;

    browser.fill("#seconds", "1").await;
    browser.click_and_wait("form[action$='/jobs'] button[type=submit]").await;
    browser.wait_for_text("Forming groups for 2027 cohort").await;
    // The engine runs in a worker; here the test is the worker. The page (htmx) updates itself.
    assert!(run_next_job(&app.state).await.unwrap().is_some(), "the click queued a formation");
    browser.wait_for_text("Review the draft").await;
    browser.look("job").await;
    browser.click_and_wait("a.button.primary[href^='/drafts/']").await;
    browser.wait_for_text("Why:").await;
    browser.look("draft").await;

    // Move the first person of group 1 to group 2.
    let first = browser.find("#group-1 + ul.people li strong").await.text().await.unwrap();
    browser.fill("#move-1-1", "2").await;
    // Typing the group asks what the move would do, and says it beside the box (htmx).
    browser.wait_for_text(&format!("Moving {first} to group 2: ")).await;
    browser.js("document.body.dataset.samePage = 'yes';", vec![]).await;
    browser.find("#move-1-1 ~ button[aria-label^='Move']").await.click().await.unwrap();
    browser.wait_for_text(&format!("Moved {first} to group 2")).await;
    let same_page = browser.js("return document.body.dataset.samePage || 'reloaded';", vec![]).await;
    assert_eq!(same_page, "yes", "the draft updated in place");
    let group_two = browser.find("section[aria-labelledby='group-2']").await.text().await.unwrap();
    assert!(group_two.contains(&first), "{first} is now in group 2: {group_two}");
    let group_one = browser.find("section[aria-labelledby='group-1']").await.text().await.unwrap();
    assert!(!group_one.contains(&first), "{first} left group 1: {group_one}");

    // Drag someone from group 2 to group 1: held over group 1, the draft says what the move
    // would do; let go, it is made, in place, and the why of each group is the new one.
    let dragged = "section[data-group='2'] li[data-email]:last-child";
    let name = browser.find(&format!("{dragged} strong")).await.text().await.unwrap();
    let why_before = browser.find("section[data-group='1'] p:has(> strong)").await.text().await.unwrap();
    browser.hold_and_move(&format!("{dragged} .handle"), "section[data-group='1'] h2").await;
    browser.wait_for_text(&format!("Moving {name} to group 1: ")).await;
    browser.release_mouse().await;
    browser.wait_for_text(&format!("Moved {name} to group 1")).await;
    let group_one = browser.find("section[aria-labelledby='group-1']").await.text().await.unwrap();
    assert!(group_one.contains(&name), "{name} is now in group 1: {group_one}");
    let why_after = browser.find("section[data-group='1'] p:has(> strong)").await.text().await.unwrap();
    assert!(why_after.starts_with("Why:"), "{why_after}");
    let same_page = browser.js("return document.body.dataset.samePage || 'reloaded';", vec![]).await;
    assert_eq!(same_page, "yes", "the draft updated in place: {why_before} / {why_after}");

    // Form again from this draft, and read the two side by side.
    let draft_path = browser.path().await;
    browser.click_and_wait("form[action$='/rerun'] button[type=submit]").await;
    assert!(run_next_job(&app.state).await.unwrap().is_some(), "form again queued a formation");
    browser.wait_for_text("Review the draft").await;
    browser.goto(&format!("{round}/compare")).await;
    browser.wait_for_text("What each criterion adds to the score").await;
    browser.look("compare").await;
    browser.goto(&draft_path).await;

    browser.click_and_wait("form[action$='/publish'] button[type=submit]").await;
    browser.wait_for_text("Published: the groups exist").await;
    browser.goto(&format!("/programs/{}", world.program)).await;
    let groups = browser
        .js("return [...document.querySelectorAll('a[href^=\"/groups/\"]')].map(a => a.innerText);", vec![])
        .await;
    let cohort =
        groups.as_array().unwrap().iter().filter(|name| name.as_str().unwrap().starts_with("2027 cohort")).count();
    assert!(cohort >= 2, "the published groups are listed: {groups}");

    // A question for balanced groups, asked through its form; its counts; engagement over time.
    browser.click_and_wait("a[href$='/identity']").await;
    browser.fill("#q-key", "gender").await;
    browser.fill("#q-question", "How do you describe your gender?").await;
    browser.fill("#q-choices", "Woman\nMan\nNon-binary").await;
    browser.click_and_wait("form[action$='/identity'] button[type=submit]").await;
    browser.wait_for_text("Participants' answers").await;
    browser.look("identity-questions").await;
    browser.goto(&format!("/programs/{}/engagement", world.program)).await;
    browser.wait_for_text("Engagement over time").await;
    browser.look("engagement").await;

    // The cohort ends: its groups become archives.
    browser.goto(&round).await;
    browser.click_and_wait("form[action$='/close'] button[type=submit]").await;
    browser.wait_for_text("The cohort is closed").await;
    browser.look("round-closed").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinator_reads_the_outcomes_of_three_cohorts_and_a_scholar_keeps_her_record() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let browser = browser_or_skip!(app);
    assert!(aspire::demo::seed(&app.state).await.unwrap());
    let store = &app.state.store;
    let hash = aspire::auth::password::hash_blocking(PASSWORD).unwrap();
    let coordinator = store.user_by_email(aspire::demo::COORDINATOR).await.unwrap().unwrap().id;
    store.set_password(coordinator, &hash).await.unwrap();
    let program = store.program_by_name(aspire::demo::PROGRAM).await.unwrap().unwrap();

    browser.sign_in(aspire::demo::COORDINATOR).await;
    browser.goto(&format!("/programs/{}", program.id)).await;
    browser.click_and_wait("a[href$='/outcomes']").await;
    browser.wait_for_text("K-to-R conversion").await;
    let text = browser.text().await;
    assert!(text.contains("2021 cohort") && text.contains("Scholar outcomes (NIH Table 8)"), "{text}");
    browser.look("outcomes").await;
    browser.choose("#f-cohort", "2021 cohort").await;
    browser.click_and_wait("form.filters button[type=submit]").await;
    let summary = browser.find("#summary").await.text().await.unwrap();
    assert!(summary.starts_with("12 scholars of cohort 2021 cohort"), "{summary}");
    browser.click_and_wait("#scholars-h + ul a").await;
    browser.wait_for_text("Time in the program").await;
    browser.look("scholar-record").await;

    // A current scholar adds a degree to her own record, opening its form.
    let member = store.program_scholars(program.id).await.unwrap().into_iter().find(|s| s.cohort == "2025 cohort");
    let member = member.unwrap();
    store.set_password(member.user_id, &hash).await.unwrap();
    browser.sign_in(&member.email).await;
    browser.goto("/record").await;
    browser.wait_for_text("My record").await;
    browser.look("my-record").await;
    let prefix = format!("#p{}-degree", program.id);
    browser.find(&format!("details:has({prefix}-code) summary")).await.click().await.unwrap();
    browser.fill(&format!("{prefix}-code"), "MPH").await;
    browser.fill(&format!("{prefix}-year"), "2019").await;
    browser.click_and_wait(&format!("form:has({prefix}-code) button[type=submit]")).await;
    browser.wait_for_text("Added.").await;
    assert!(browser.text().await.contains("MPH"));
    browser.close().await;
}
