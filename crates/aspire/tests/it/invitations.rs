//! Invitations that reach everyone: each person's status on the people page, a filter, one
//! button for everyone not yet invited, and group emails that carry the invitation.

use aspire::domain::Profile;

use crate::harness::*;
use crate::on_both_backends;

/// Imports `count` people who have never signed in, as a roster would.
async fn import(app: &TestApp, program: i64, count: usize) -> Vec<String> {
    let people: Vec<Profile> = (0..count)
        .map(|i| {
            let profile = Profile {
                email: format!("roster{i}@test.edu"),
                name: format!("Rosa Roster {i}"),
                department: "Medicine".into(),
                ..Profile::default()
            };
            profile.validate().unwrap()
        })
        .collect();
    app.state.store.import_roster(program, &people, app.clock.now_value()).await.unwrap();
    people.into_iter().map(|p| p.email).collect()
}

/// The people page's "N active · N invited, not signed in yet · N not invited", as numbers.
fn access_counts(page: &str) -> (i64, i64, i64) {
    let line = page.split("<p class=\"muted\">").find(|p| p.contains(" active · ")).unwrap();
    let line = &line[..line.find("</p>").unwrap()];
    let numbers: Vec<i64> = line.split(' ').filter_map(|w| w.parse().ok()).collect();
    (numbers[0], numbers[1], numbers[2])
}

fn invitations_to(mail: &[aspire::store::OutboxMessage], email: &str) -> usize {
    mail.iter().filter(|m| m.recipient == email && m.subject.starts_with("Your invitation")).count()
}

on_both_backends!(everyone_not_yet_invited_is_invited_with_one_button, |app: TestApp| async move {
    let world = app.world().await;
    let imported = import(&app, world.program, 5).await;
    let coordinator = app.signed_in(COORDINATOR).await;
    let program = format!("/programs/{}", world.program);
    let not_invited =
        app.state.store.program_headcount(world.program, app.clock.now_value()).await.unwrap().not_invited;
    assert!(not_invited >= 5);
    let (_, page) = coordinator.get_text(&program).await;
    assert!(page.contains(&format!("Invite everyone not yet invited ({not_invited})")), "{page}");
    let (signing_in, invited, waiting_count) = access_counts(&page);
    assert_eq!((invited, waiting_count), (0, not_invited), "{page}");
    assert!(signing_in >= 4, "the people of the world who sign in: {signing_in}");

    let (_, waiting) = coordinator.get_text(&format!("{program}?who=not-invited")).await;
    assert!(imported.iter().all(|e| waiting.contains(e.as_str())), "the imported people wait for an invitation");
    assert!(!waiting.contains(MEMBER_A), "someone who signs in already is not in the list");

    // One person invited from the list: with htmx only their cell comes back, saying so.
    let nia = app.state.store.user_by_email(&imported[0]).await.unwrap().unwrap();
    let csrf = csrf_in(&page).unwrap();
    let cell = coordinator
        .http
        .post(app.url(&format!("{program}/people/{}/invite", nia.id)))
        .header("hx-request", "true")
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cell.status(), 200);
    let cell = cell.text().await.unwrap();
    assert!(cell.contains("Invited on") && cell.contains("Invite again"), "{cell}");
    assert!(!cell.contains("<html"), "a fragment, not a page");
    let (_, page) = coordinator.get_text(&program).await;
    assert_eq!(access_counts(&page), (signing_in, 1, not_invited - 1), "one of them is invited now");
    // Without JavaScript: back to the same row of the page.
    let again = coordinator.post_form(&format!("{program}/people/{}/invite", nia.id), &[("csrf", &csrf)]).await;
    assert_eq!(again.headers()["location"], format!("{program}?notice=invited#person-{}", nia.id));

    let before = app.state.store.list_outbox(1000).await.unwrap();
    let done = coordinator.post_form(&format!("{program}/invitations"), &[("csrf", &csrf)]).await;
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], format!("{program}?who=invited&notice=invited-everyone"));
    let after = app.state.store.list_outbox(1000).await.unwrap();
    assert_eq!(after.len() - before.len(), not_invited as usize - 1, "everyone but the one invited already");
    for email in &imported {
        assert_eq!(invitations_to(&after, email), if email == &imported[0] { 2 } else { 1 }, "{email}");
    }
    assert_eq!(invitations_to(&after, MEMBER_A), 0, "nobody who signs in already is invited");
    let link = after.iter().find(|m| m.recipient == imported[1]).unwrap().body.clone();
    assert!(link.contains(&format!("{}/invite/", app.address)), "links in emails are absolute: {link}");

    let (_, page) = coordinator.get_text(&program).await;
    assert!(!page.contains("Invite everyone not yet invited"), "nobody is left to invite");
    let (_, waiting) = coordinator.get_text(&format!("{program}?who=not-invited")).await;
    assert!(waiting.contains("Nobody here with this status"), "{waiting}");
    let (_, invited) = coordinator.get_text(&format!("{program}?who=invited")).await;
    assert!(imported.iter().all(|e| invited.contains(e.as_str())) && invited.contains("Invited on"));
    let (_, active) = coordinator.get_text(&format!("{program}?who=active")).await;
    assert!(active.contains(MEMBER_A) && !active.contains(&imported[0]));

    // A week later the links have run out: they are waiting again, and the list says why.
    app.clock.advance(8 * 86_400);
    let coordinator = app.signed_in(COORDINATOR).await;
    let (_, waiting) = coordinator.get_text(&format!("{program}?who=not-invited")).await;
    assert!(imported.iter().all(|e| waiting.contains(e.as_str())));
    assert!(waiting.contains("the invitation ran out on"), "{waiting}");
    let (_, page) = coordinator.get_text(&program).await;
    assert_eq!(access_counts(&page), (signing_in, 0, not_invited), "an invitation that ran out is none");
});

on_both_backends!(someone_placed_in_a_group_finds_their_invitation_in_the_welcome, |app: TestApp| async move {
    let world = app.world().await;
    let imported = import(&app, world.program, 1).await;
    let newcomer = app.state.store.user_by_email(&imported[0]).await.unwrap().unwrap();
    let coordinator = app.signed_in(COORDINATOR).await;
    let csrf = coordinator.csrf(&format!("/groups/{}", world.group_a)).await;
    let placed = coordinator
        .post_form(
            &format!("/groups/{}/members", world.group_a),
            &[("csrf", &csrf), ("user_id", &newcomer.id.to_string()), ("role", "member")],
        )
        .await;
    assert_eq!(placed.status(), 303);
    let mail = app.state.store.list_outbox(50).await.unwrap();
    let welcome = mail.iter().find(|m| m.recipient == imported[0]).expect("the newcomer is welcomed");
    let link = welcome.body.lines().find(|l| l.contains("/invite/")).expect("with an invitation").trim();
    let path = link.split_once(&app.address.to_string()).unwrap().1.to_string();
    assert_eq!(app.client().get_text(&path).await.0, 200);
    // The group's members are told who joined; nobody but the newcomer gets a link.
    assert!(mail.iter().filter(|m| m.recipient != imported[0]).all(|m| !m.body.contains("/invite/")));
    let (_, people) = coordinator.get_text(&format!("/programs/{}?who=invited", world.program)).await;
    assert!(people.contains(&imported[0]), "the people page shows them invited");
});

on_both_backends!(a_programs_counts_follow_its_people_as_they_change, |app: TestApp| async move {
    use aspire::store::ProgramRole;
    let world = app.world().await;
    let store = &app.state.store;
    let counts = || async {
        let counted = store.program_headcount(world.program, app.clock.now_value()).await.unwrap();
        (counted.people, counted.departments, counted.active)
    };
    let (people, departments, active) = counts().await;
    assert_eq!(departments, 0, "nobody in the world has a department");

    // Someone new, from a department nobody else is in, who has not signed in yet.
    let profile = Profile {
        email: "nia@test.edu".into(),
        name: "Nia New".into(),
        department: "Radiology".into(),
        ..Profile::default()
    };
    let nia = store.create_user(&profile.validate().unwrap(), None, false, app.clock.now_value()).await.unwrap();
    store.add_program_member(world.program, nia, ProgramRole::Participant).await.unwrap();
    assert_eq!(counts().await, (people + 1, 1, active));
    store.set_password(nia, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo").await.unwrap();
    assert_eq!(counts().await, (people + 1, 1, active + 1), "active once she has a password");

    // Departments as people edit their profiles: a second one, the same one twice, none.
    let mut milo = store.user_by_email(MEMBER_A2).await.unwrap().unwrap();
    milo.profile.department = "Surgery".into();
    store.update_profile(milo.id, &milo.profile).await.unwrap();
    assert_eq!(counts().await, (people + 1, 2, active + 1));
    milo.profile.department = "Radiology".into();
    store.update_profile(milo.id, &milo.profile).await.unwrap();
    assert_eq!(counts().await, (people + 1, 1, active + 1), "two people of one department count it once");
    let mut nia_now = store.user_by_email("nia@test.edu").await.unwrap().unwrap();
    nia_now.profile.department = String::new();
    store.update_profile(nia, &nia_now.profile).await.unwrap();
    assert_eq!(counts().await, (people + 1, 1, active + 1));

    // What the coordinator reads.
    let (_, page) = app.signed_in(COORDINATOR).await.get_text(&format!("/programs/{}", world.program)).await;
    assert!(page.contains(&format!("{} people from 1 department", people + 1)), "{page}");
    assert_eq!(access_counts(&page).0, active + 1);
});

/// The "N members" the program page gives a group.
fn members_shown(page: &str, group: i64) -> i64 {
    let link = format!("<a href=\"/groups/{group}\">");
    let item = &page[page.find(&link).unwrap()..];
    let item = &item[..item.find("</li>").unwrap()];
    let count = item.split("<span class=\"muted\">").nth(1).unwrap();
    count.split(' ').next().unwrap().parse().unwrap()
}

on_both_backends!(a_groups_count_of_members_follows_who_joins_and_leaves, |app: TestApp| async move {
    let world = app.world().await;
    let store = &app.state.store;
    let coordinator = app.signed_in(COORDINATOR).await;
    let program = format!("/programs/{}", world.program);
    let shown = || async { members_shown(&coordinator.get_text(&program).await.1, world.group_a) };
    let seated = store.group_members(world.group_a).await.unwrap().len() as i64;
    assert!(seated >= 3);
    assert_eq!(shown().await, seated, "the count is the group's members and facilitators");

    // The coordinator seats the spare, then makes them a facilitator: one more, then no change.
    let csrf = coordinator.csrf(&format!("/groups/{}", world.group_a)).await;
    let members = format!("/groups/{}/members", world.group_a);
    let spare = world.spare.to_string();
    let seated_as = |role| [("csrf", csrf.as_str()), ("user_id", spare.as_str()), ("role", role)];
    assert_eq!(coordinator.post_form(&members, &seated_as("member")).await.status(), 303);
    assert_eq!(shown().await, seated + 1);
    assert_eq!(coordinator.post_form(&members, &seated_as("facilitator")).await.status(), 303);
    assert_eq!(shown().await, seated + 1, "a new role is not a new member");

    // Taken out again; then a member deletes their account.
    let removed = coordinator
        .post_form(&format!("/groups/{}/members/{}/remove", world.group_a, world.spare), &[("csrf", &csrf)])
        .await;
    assert_eq!(removed.status(), 303);
    assert_eq!(shown().await, seated);
    let milo = app.signed_in(MEMBER_A2).await;
    let csrf = milo.csrf("/account").await;
    let gone = milo.post_form("/account/delete", &[("csrf", &csrf), ("password", PASSWORD), ("posts", "keep")]).await;
    assert_eq!(gone.status(), 303);
    assert_eq!(shown().await, seated - 1, "a deleted account leaves its groups");
    assert_eq!(store.group_members(world.group_a).await.unwrap().len() as i64, seated - 1);
    // The other program's groups are not touched.
    let other = store.program_groups(world.other_program).await.unwrap();
    for group in other {
        assert_eq!(group.member_count, store.group_members(group.id).await.unwrap().len() as i64, "{}", group.name);
    }
});
