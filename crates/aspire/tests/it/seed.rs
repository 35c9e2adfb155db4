//! The demo institution.

use crate::harness::*;
use crate::on_both_backends;

on_both_backends!(demo_seed_is_realistic_and_idempotent, |app: TestApp| async move {
    assert!(aspire::demo::seed(&app.state).await.unwrap(), "the first run seeds");
    let store = &app.state.store;
    let program = store.program_by_name(aspire::demo::PROGRAM).await.unwrap().unwrap();
    let people = store.program_people(program.id).await.unwrap();
    let participants: Vec<_> = people.iter().filter(|p| !p.is_coordinator()).collect();
    assert!((40..=45).contains(&participants.len()), "about 40 scholars, got {}", participants.len());
    let mut departments: Vec<&str> = participants.iter().map(|p| p.user.profile.department.as_str()).collect();
    departments.sort_unstable();
    departments.dedup();
    assert!(departments.len() >= 10, "at least 10 departments, got {}", departments.len());
    let mut stages: Vec<&str> = participants.iter().map(|p| p.user.profile.career_stage.as_str()).collect();
    stages.sort_unstable();
    stages.dedup();
    assert!(stages.len() >= 3, "several career stages");
    let groups = store.program_groups(program.id).await.unwrap();
    assert!((6..=7).contains(&groups.len()));
    for group in &groups {
        assert!((5..=7).contains(&group.member_count), "{} has {} members", group.name, group.member_count);
        let members = store.group_members(group.id).await.unwrap();
        let mut group_departments: Vec<&str> = members.iter().map(|m| m.user.profile.department.as_str()).collect();
        group_departments.sort_unstable();
        group_departments.dedup();
        assert!(
            group_departments.len() + 1 >= members.len(),
            "{}: at most one pair shares a department, got {} departments for {} members",
            group.name,
            group_departments.len(),
            members.len()
        );
        assert_eq!(members.iter().filter(|m| m.is_facilitator()).count(), 1, "one facilitator per group");
    }
    // The first group has something to celebrate and to discuss; the program's feed shows the
    // paper shared with it, not the group's grant.
    let first = &groups[0];
    assert_eq!(store.group_wins(first.id, None, 10).await.unwrap().len(), 2);
    assert_eq!(store.group_threads(first.id, i64::MAX, 10).await.unwrap()[0].replies, 2);
    let shared = store.program_shared_wins(program.id, i64::MAX, 10).await.unwrap();
    assert_eq!(shared.len(), 1, "one win is shared with the program");
    // A question for balanced groups, answered from the scholars' pronouns: 11 women, 11 men and
    // 10 non-binary people of 42, so the coordinator's counts show small cells hidden.
    let question = store.identity_questions(&[program.id]).await.unwrap().remove(0);
    let mut counts = store.identity_answer_counts(question.id).await.unwrap();
    counts.sort();
    assert_eq!(counts, [("Man".to_string(), 11), ("Non-binary".to_string(), 10), ("Woman".to_string(), 11)]);
    let users_before = store.list_users().await.unwrap().len();
    assert!(!aspire::demo::seed(&app.state).await.unwrap(), "the second run reuses the data");
    assert_eq!(store.list_users().await.unwrap().len(), users_before, "nothing is duplicated");
    assert_eq!(store.program_groups(program.id).await.unwrap().len(), groups.len());

    // Three cohorts of history: the two past ones have converted from a K to an R, the
    // current one has not had the time.
    let coordinator = app.client();
    coordinator.login(aspire::demo::COORDINATOR, aspire::demo::PASSWORD).await;
    let (status, csv) = coordinator.get_text(&format!("/programs/{}/outcomes/k-to-r.csv", program.id)).await;
    assert_eq!(status, 200);
    let converted = |cohort: &str| -> usize {
        let row = csv.lines().find(|l| l.starts_with(&format!("{cohort},"))).unwrap_or_else(|| panic!("{csv}"));
        row.split(',').nth(2).unwrap().parse().unwrap()
    };
    assert!(converted("2021 cohort") >= 5 && converted("2023 cohort") >= 2, "{csv}");
    assert_eq!(converted("2025 cohort"), 0, "{csv}");
    let (_, dashboard) = coordinator.get_text(&format!("/programs/{}/outcomes", program.id)).await;
    assert!(dashboard.contains("Within a group") && dashboard.contains("Across cohorts"), "shared papers");
    assert!(dashboard.contains("Engaged in research"), "the careers metric has its questions");
    // The printed logins work.
    let welcome = aspire::demo::welcome(&app.state, false).await.unwrap();
    let logins: Vec<&str> =
        welcome.lines().filter_map(|l| l.split_whitespace().nth(1)).filter(|w| w.contains('@')).collect();
    assert_eq!(logins.len(), 4, "admin, coordinator, facilitator and member: {welcome}");
    for email in logins {
        let response = app.client().login(email, aspire::demo::PASSWORD).await;
        assert_eq!(response.status(), 303, "demo login {email}");
    }
    // The printed invitation link opens the page that sets a password.
    let link = welcome.split_whitespace().find(|w| w.contains("/invite/")).expect("an invitation link");
    let path = link.split_once(&app.address.to_string()).expect("a link to this server").1;
    assert_eq!(app.client().get_text(path).await.0, 200, "{welcome}");
});
