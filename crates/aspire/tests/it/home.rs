//! Home pages that say what to do next, per role, and show nothing a person may not see.

use crate::harness::*;
use crate::meetings::{ny, weekly_tuesdays};
use crate::on_both_backends;

on_both_backends!(each_home_page_says_what_to_do_next, |app: TestApp| async move {
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    let group = world.group_a;
    let first = ny("2026-06-02T09:30");
    let member = app.signed_in(MEMBER_A).await;
    let csrf = member.csrf(&format!("/groups/{group}/meetings/{first}")).await;
    let declared = member
        .post_form(
            &format!("/groups/{group}/meetings/{first}/goals"),
            &[("csrf", &csrf), ("text", "Send the R21 aims")],
        )
        .await;
    assert_eq!(declared.status(), 303);

    // The meeting has happened; a peer posts, raises a concern with the facilitator, records a
    // win for the group, and nominates Mina.
    app.clock.advance(ny("2026-06-02T11:00") - app.clock.now_value());
    let facilitator_id = app.state.store.user_by_email(FACILITATOR_A).await.unwrap().unwrap().id;
    let peer = app.signed_in(MEMBER_A2).await;
    let csrf = peer.csrf(&format!("/groups/{group}/discussion")).await;
    let discussion = format!("/groups/{group}/discussion");
    peer.post_form(&discussion, &[("csrf", &csrf), ("title", "Specific aims swap"), ("body", "Anyone?")]).await;
    let concern = format!("facilitator:{facilitator_id}");
    peer.post_form(
        &discussion,
        &[("csrf", &csrf), ("title", "A private worry"), ("body", "..."), ("audience", &concern)],
    )
    .await;
    let win =
        [("csrf", csrf.as_str()), ("kind", "award"), ("title", "K23 funded"), ("share", &format!("group:{group}"))];
    assert_eq!(peer.post_form("/wins", &win).await.status(), 303);
    let coordinator = app.signed_in(COORDINATOR).await;
    let csrf_c = coordinator.csrf(&format!("/programs/{}/opportunities", world.program)).await;
    coordinator
        .post_form(
            &format!("/programs/{}/opportunities", world.program),
            &[("csrf", &csrf_c), ("kind", "talk"), ("title", "Grand rounds speaker"), ("deadline", "2026-07-01")],
        )
        .await;
    let opportunity = app.state.store.program_opportunities(world.program).await.unwrap().remove(0);
    let mina = app.state.store.user_by_email(MEMBER_A).await.unwrap().unwrap().id;
    let nominated = peer
        .post_form(
            &format!("/opportunities/{}/nominations", opportunity.id),
            &[("csrf", &csrf), ("nominee_id", &mina.to_string()), ("statement", "Mina teaches well.")],
        )
        .await;
    assert_eq!(nominated.status(), 303);

    let member = app.signed_in(MEMBER_A).await;
    let (_, home) = member.get_text("/").await;
    let second = ny("2026-06-09T09:30");
    assert!(home.contains("Tuesday 9 June 2026, 09:30 EDT") && home.contains("Room 101"), "next meeting: {home}");
    assert!(home.contains("Send the R21 aims"), "the goal waiting for its report: {home}");
    assert!(home.contains(&format!("/groups/{group}/meetings/{second}\">report at the next meeting")), "{home}");
    assert!(home.contains("1 new post</a>"), "the peer's thread, not the concern meant for the facilitator: {home}");
    assert!(home.contains("Grand rounds speaker"), "the nomination waiting for an answer");
    let (_, peer_home) = peer.get_text("/").await;
    assert!(!peer_home.contains("Nominations waiting"), "the nominator has nothing to answer: {peer_home}");
    assert!(home.contains("K23 funded"), "a peer's win to cheer");
    assert!(!home.contains("Attendance to take"), "members do not take attendance");
    // Reading the discussion clears it.
    member.get_text(&discussion).await;
    let (_, home) = member.get_text("/").await;
    assert!(!home.contains("New in your discussions"), "{home}");
    // Answering the nomination clears it too.
    let nomination = app.state.store.user_nominations(mina).await.unwrap()[0].id;
    let csrf_m = member.csrf("/nominations").await;
    let declined = member
        .post_form(&format!("/nominations/{nomination}/respond"), &[("csrf", &csrf_m), ("answer", "decline")])
        .await;
    assert_eq!(declined.status(), 303);
    let (_, home) = member.get_text("/").await;
    assert!(!home.contains("Grand rounds speaker"), "answered, no longer waiting: {home}");

    let facilitator = app.signed_in(FACILITATOR_A).await;
    let (_, home) = facilitator.get_text("/").await;
    assert!(home.contains("Attendance to take") && home.contains("Tuesday 2 June 2026, 09:30 EDT"), "{home}");
    assert!(home.contains("2 new posts</a> <strong>(1 concern for you)</strong>"), "{home}");
    assert!(!home.contains("Send the R21 aims"), "nobody else's goals");
    // Reading again with nothing new changes nothing; what comes after is new again, and a long
    // run of it is counted up to a cap, newest first, then cleared by the next read.
    member.get_text(&discussion).await;
    app.clock.advance(60);
    let peer_id = app.state.store.user_by_email(MEMBER_A2).await.unwrap().unwrap().id;
    let thread = aspire::store::community::NewPost {
        group_id: group,
        thread_id: None,
        author_id: peer_id,
        title: "Writing group on Fridays",
        body: "Who is in?",
        visibility: aspire::domain::Visibility::Group,
        facilitator_id: None,
    };
    let thread_id = app.state.store.create_post(&thread, app.clock.now_value()).await.unwrap();
    let (_, home) = member.get_text("/").await;
    assert!(home.contains("1 new post</a>"), "a post after the last read is new: {home}");
    let counted = aspire::app::home::UNREAD_COUNTED;
    for _ in 0..counted + 5 {
        app.clock.advance(1);
        let reply = aspire::store::community::NewPost { thread_id: Some(thread_id), title: "", ..thread };
        app.state.store.create_post(&reply, app.clock.now_value()).await.unwrap();
    }
    let (_, home) = member.get_text("/").await;
    assert!(home.contains(&format!("{counted} or more new posts</a>")), "{home}");
    app.clock.advance(60);
    member.get_text(&discussion).await;
    let (_, home) = member.get_text("/").await;
    assert!(!home.contains("New in your discussions"), "read again: {home}");

    // Someone in another group sees none of group A's news.
    let other = app.signed_in(MEMBER_B).await;
    let (_, home) = other.get_text("/").await;
    for secret in ["K23 funded", "Specific aims", "new post", "Send the R21 aims"] {
        assert!(!home.contains(secret), "{secret} on another group's member's home");
    }

    // A coordinator is told about rounds, never to join a group or complete a profile.
    let round = coordinator
        .post_form(
            &format!("/programs/{}/rounds", world.program),
            &[("csrf", &csrf_c), ("name", "2027 cohort"), ("who", "everyone")],
        )
        .await;
    assert_eq!(round.status(), 303);
    let (_, home) = coordinator.get_text("/").await;
    assert!(home.contains("Rounds in progress") && home.contains("2027 cohort"), "{home}");
    assert!(home.contains("enrolled") && home.contains("Next:"), "{home}");
    for not_theirs in ["not in a peer group", "Complete your profile", "K23 funded", "Specific aims"] {
        assert!(!home.contains(not_theirs), "{not_theirs} on a coordinator's home: {home}");
    }

    app.client().login(ADMIN, "not the password").await;
    let admin = app.signed_in(ADMIN).await;
    let (_, home) = admin.get_text("/").await;
    assert!(home.contains("Administration") && home.contains("2 programs"), "{home}");
    assert!(home.contains("1 refused sign-in in the last 24 hours"), "{home}");
    assert!(!home.contains("Complete your profile") && !home.contains("not in a peer group"), "{home}");
});

on_both_backends!(the_home_cheers_the_newest_wins_of_the_last_month_by_others, |app: TestApp| async move {
    use aspire::domain::Visibility::{Group, Program};
    use aspire::store::community::Win;
    let world = app.world().await;
    let store = &app.state.store;
    let now = app.clock.now_value();
    let id_of = |email: &'static str| async move { store.user_by_email(email).await.unwrap().unwrap().id };
    let (mina, milo, bea) = (id_of(MEMBER_A).await, id_of(MEMBER_A2).await, id_of(MEMBER_B).await);
    let win = |user_id: i64, title: &str, group_id: i64, visibility| Win {
        user_id,
        program_id: world.program,
        group_id: Some(group_id),
        kind: "talk".into(),
        title: title.into(),
        visibility,
        ..Win::default()
    };
    store.create_wins(&[win(milo, "Old talk", world.group_a, Group)], now - 40 * 86_400).await.unwrap();
    for i in 0..5 {
        store.create_wins(&[win(milo, &format!("Group talk {i}"), world.group_a, Group)], now - 10 + i).await.unwrap();
    }
    store.create_wins(&[win(bea, "Program talk", world.group_b, Program)], now - 4).await.unwrap();
    store.create_wins(&[win(bea, "Other group's talk", world.group_b, Group)], now - 3).await.unwrap();
    store.create_wins(&[win(mina, "Own talk", world.group_a, Group)], now - 2).await.unwrap();

    let cheered = store.wins_to_cheer(mina, (&[world.group_a], &[world.program]), now - 30 * 86_400, 5).await.unwrap();
    let titles: Vec<&str> = cheered.iter().map(|w| w.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Program talk", "Group talk 4", "Group talk 3", "Group talk 2", "Group talk 1"],
        "the five newest, by others, shared with her group or her program, in the last 30 days"
    );
    let home = app.signed_in(MEMBER_A).await.get_text("/").await.1;
    assert!(home.contains("Program talk") && home.contains("Group talk 1"));
    for unseen in ["Group talk 0", "Old talk", "Other group's talk", "Own talk"] {
        assert!(!home.contains(unseen), "{unseen} is not one to cheer on her home");
    }
});

on_both_backends!(each_groups_new_posts_are_counted_on_their_own, |app: TestApp| async move {
    // Someone in two groups: a busy discussion in one hides none of the other's news.
    let world = app.world().await;
    let store = &app.state.store;
    let id_of = |email: &'static str| async move { store.user_by_email(email).await.unwrap().unwrap().id };
    let (mina, milo, bea) = (id_of(MEMBER_A).await, id_of(MEMBER_A2).await, id_of(MEMBER_B).await);
    seat(store, world.group_b, mina, aspire::store::GroupRole::Member).await;
    let counted = aspire::app::home::UNREAD_COUNTED;
    for (group_id, author_id, posts) in [(world.group_b, bea, 3), (world.group_a, milo, counted + 2)] {
        for _ in 0..posts {
            app.clock.advance(1);
            let post = aspire::store::community::NewPost {
                group_id,
                thread_id: None,
                author_id,
                title: "News",
                body: "Read me",
                visibility: aspire::domain::Visibility::Group,
                facilitator_id: None,
            };
            store.create_post(&post, app.clock.now_value()).await.unwrap();
        }
    }
    let member = app.signed_in(MEMBER_A).await;
    let (_, home) = member.get_text("/").await;
    assert!(home.contains(&format!("Group A: {counted} or more new posts</a>")), "{home}");
    assert!(home.contains("Group B: 3 new posts</a>"), "the older news of the other group: {home}");
});
