//! Telling members about new threads and replies, through the outbox: exactly those who may
//! read the post, names and links only, and an unsubscribe that takes one click.

use crate::harness::*;
use crate::on_both_backends;

async fn mail_since(app: &TestApp, before: usize) -> Vec<aspire::store::OutboxMessage> {
    let mut mail = app.state.store.list_outbox(10_000).await.unwrap();
    mail.truncate(mail.len() - before);
    mail
}

on_both_backends!(new_posts_are_told_to_those_who_may_read_them_and_no_one_else, |app: TestApp| async move {
    let world = app.world().await;
    let discussion = format!("/groups/{}/discussion", world.group_a);
    let peer = app.signed_in(MEMBER_A2).await;
    let csrf = peer.csrf(&discussion).await;
    let before = app.state.store.list_outbox(10_000).await.unwrap().len();
    let posted = peer
        .post_form(&discussion, &[("csrf", &csrf), ("title", "Specific aims swap"), ("body", "My draft is attached")])
        .await;
    assert_eq!(posted.status(), 303);
    let mail = mail_since(&app, before).await;
    let mut told: Vec<&str> = mail.iter().map(|m| m.recipient.as_str()).collect();
    told.sort();
    assert_eq!(told, vec![FACILITATOR_A, MEMBER_A], "the group but the author, nobody from another group");
    for m in &mail {
        assert_eq!(m.subject, "Milo Alpha started a thread in Group A");
        assert!(!m.body.contains("Specific aims") && !m.body.contains("My draft"), "no words of the post: {}", m.body);
        assert!(m.body.contains(&format!("{}{discussion}", app.address)), "a link: {}", m.body);
        assert!(m.unsubscribe_url.contains("/unsubscribe/") && m.body.contains(&m.unsubscribe_url));
    }

    // A concern for the facilitator reaches the facilitator only.
    let facilitator = app.state.store.user_by_email(FACILITATOR_A).await.unwrap().unwrap();
    let before = app.state.store.list_outbox(10_000).await.unwrap().len();
    let concern = format!("facilitator:{}", facilitator.id);
    peer.post_form(&discussion, &[("csrf", &csrf), ("title", "Worried"), ("body", "..."), ("audience", &concern)])
        .await;
    let mail = mail_since(&app, before).await;
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].recipient, FACILITATOR_A);
    assert_eq!(mail[0].subject, "Milo Alpha raised a concern with you in Group A");

    // Mina turns them off on her account page; a reply then reaches the facilitator only.
    let member = app.signed_in(MEMBER_A).await;
    let (_, account) = member.get_text("/account").await;
    assert!(account.contains("value=\"immediate\" checked"), "as posts arrive, unless chosen otherwise");
    let csrf_m = csrf_in(&account).unwrap();
    let saved = member.post_form("/account/notifications", &[("csrf", &csrf_m), ("discussion", "off")]).await;
    assert_eq!(saved.status(), 303);
    let bad = member.post_form("/account/notifications", &[("csrf", &csrf_m), ("discussion", "hourly")]).await;
    assert_eq!(bad.status(), 422);
    let thread = app.state.store.group_threads(world.group_a, i64::MAX, 10).await.unwrap();
    let thread = thread.iter().find(|t| t.title == "Specific aims swap").unwrap().id;
    let before = app.state.store.list_outbox(10_000).await.unwrap().len();
    peer.post_form(&format!("/posts/{thread}/replies"), &[("csrf", &csrf), ("body", "Anyone?")]).await;
    let mail = mail_since(&app, before).await;
    let told: Vec<&str> = mail.iter().map(|m| m.recipient.as_str()).collect();
    assert_eq!(told, vec![FACILITATOR_A]);
    assert_eq!(mail[0].subject, "Milo Alpha replied in Group A");
    assert!(mail[0].body.contains(&format!("/posts/{thread}")));

    // The facilitator stops them from the email itself: the page asks, one POST does it,
    // without signing in (as a mail client's one-click unsubscribe does).
    let link = mail[0].unsubscribe_url.clone();
    let path = link.split_once(&app.address.to_string()).unwrap().1.to_string();
    let (status, page) = app.client().get_text(&path).await;
    assert_eq!(status, 200);
    assert!(page.contains("Stop these emails"));
    let one_click = app
        .client()
        .http
        .post(app.url(&path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(one_click.status(), 200);
    assert!(one_click.text().await.unwrap().contains("you will get no more emails"));
    let before = app.state.store.list_outbox(10_000).await.unwrap().len();
    peer.post_form(&format!("/posts/{thread}/replies"), &[("csrf", &csrf), ("body", "Still there?")]).await;
    assert!(mail_since(&app, before).await.is_empty(), "nobody is told any more");
    let bogus = "/unsubscribe/not-a-token";
    assert_eq!(app.client().get_text(bogus).await.0, 410);
    assert_eq!(app.client().http.post(app.url(bogus)).send().await.unwrap().status(), 410);
});

on_both_backends!(a_daily_digest_counts_new_posts_once_a_day_and_once_only, |app: TestApp| async move {
    use aspire::notify::discussion::send_digests;
    let world = app.world().await;
    let member = app.signed_in(MEMBER_A).await;
    let csrf = member.csrf("/account").await;
    let chose = member.post_form("/account/notifications", &[("csrf", &csrf), ("discussion", "daily")]).await;
    assert_eq!(chose.status(), 303);
    let (_, account) = member.get_text("/account").await;
    assert!(account.contains("value=\"daily\" checked"));

    let discussion = format!("/groups/{}/discussion", world.group_a);
    let peer = app.signed_in(MEMBER_A2).await;
    let csrf = peer.csrf(&discussion).await;
    let before = app.state.store.list_outbox(10_000).await.unwrap().len();
    for title in ["First news", "Second news"] {
        peer.post_form(&discussion, &[("csrf", &csrf), ("title", title), ("body", "DIGEST-BODY")]).await;
    }
    let mail = mail_since(&app, before).await;
    assert!(mail.iter().all(|m| m.recipient != MEMBER_A), "nothing as it happens for someone who chose a digest");

    let before = app.state.store.list_outbox(10_000).await.unwrap().len();
    // Two servers at the same moment: one digest.
    let (a, b) = tokio::join!(send_digests(&app.state), send_digests(&app.state));
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    let mail = mail_since(&app, before).await;
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].recipient, MEMBER_A);
    assert!(mail[0].body.contains("- Group A: 2 new posts"), "{}", mail[0].body);
    assert!(!mail[0].body.contains("DIGEST-BODY") && !mail[0].body.contains("news"), "counts, never words");
    assert!(!mail[0].unsubscribe_url.is_empty());
    assert_eq!(send_digests(&app.state).await.unwrap(), 0, "not again the same day");

    app.clock.advance(86_400);
    assert_eq!(send_digests(&app.state).await.unwrap(), 0, "a day with nothing new sends nothing");
    let peer = app.signed_in(MEMBER_A2).await;
    let csrf = peer.csrf(&discussion).await;
    let third = peer.post_form(&discussion, &[("csrf", &csrf), ("title", "Third"), ("body", "b")]).await;
    assert_eq!(third.status(), 303);
    app.clock.advance(86_400);
    let before = app.state.store.list_outbox(10_000).await.unwrap().len();
    assert_eq!(send_digests(&app.state).await.unwrap(), 1);
    let mail = mail_since(&app, before).await;
    assert!(mail[0].body.contains("- Group A: 1 new post\n"), "only what is new since the last: {}", mail[0].body);
});

on_both_backends!(
    a_weekly_summary_says_what_waits_once_a_week_in_counts_and_stops_in_one_click,
    |app: TestApp| async move {
        use aspire::notify::weekly::send_weekly_digests;
        let world = app.world().await;
        crate::meetings::weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
        let store = &app.state.store;
        let mina = store.user_by_email(MEMBER_A).await.unwrap().unwrap();
        let goal = aspire::store::meetings::NewGoal {
            group_id: world.group_a,
            user_id: mina.id,
            meeting_start: crate::meetings::ny("2026-06-02T09:30"),
            text: "WEEKLY-GOAL-TEXT".into(),
            kind: String::new(),
            long_goal_id: None,
            carried_from: None,
        };
        store.declare_goal(&goal, app.clock.now_value()).await.unwrap();
        let milo = app.signed_in(MEMBER_A2).await;
        let csrf = milo.csrf("/wins").await;
        let share = format!("group:{}", world.group_a);
        let win = [("csrf", csrf.as_str()), ("kind", "talk"), ("title", "WEEKLY-WIN-TITLE"), ("share", share.as_str())];
        assert_eq!(milo.post_form("/wins", &win).await.status(), 303);
        // After the Tuesday meeting: Mina's goal waits for her report.
        app.clock.advance(5 * 86_400);

        let before = store.list_outbox(10_000).await.unwrap().len();
        // Two servers at the same moment: one summary each.
        let (a, b) = tokio::join!(send_weekly_digests(&app.state), send_weekly_digests(&app.state));
        let queued = a.unwrap() + b.unwrap();
        let mail = mail_since(&app, before).await;
        assert_eq!(mail.len(), queued);
        let to_mina: Vec<_> = mail.iter().filter(|m| m.recipient == MEMBER_A).collect();
        assert_eq!(to_mina.len(), 1, "one summary for Mina");
        let body = &to_mina[0].body;
        assert_eq!(to_mina[0].subject, "Your week in your peer groups");
        assert!(body.contains("- Group A: Tuesday 9 June 2026") && body.contains("Room 101"), "when and where: {body}");
        assert!(body.contains("- 1 goal to report"), "{body}");
        assert!(body.contains("- 1 recent win by your peers to cheer"), "{body}");
        assert!(
            !body.contains("WEEKLY-GOAL-TEXT") && !body.contains("WEEKLY-WIN-TITLE"),
            "counts, never words: {body}"
        );
        assert!(to_mina[0].unsubscribe_url.ends_with("?from=weekly"));
        let in_b = store.user_by_email(MEMBER_B).await.unwrap().unwrap().profile.email;
        assert!(mail.iter().all(|m| m.recipient != in_b), "nothing to say to a group with no meeting, goal or win");
        assert_eq!(send_weekly_digests(&app.state).await.unwrap(), 0, "not again the same week");

        // One click in Mina's mail client stops hers, and only hers.
        let unsubscribe = to_mina[0].unsubscribe_url.clone();
        let path = &unsubscribe[unsubscribe.find("/unsubscribe/").unwrap()..];
        let clicked = app.client().post_form(path, &[]).await;
        assert_eq!(clicked.status(), 200);
        assert!(clicked.text().await.unwrap().contains("no more weekly summaries"));
        let signed_in = app.signed_in(MEMBER_A).await;
        let (_, account) = signed_in.get_text("/account").await;
        assert!(account.contains("value=\"off\" checked> Do not send it"), "the account page says it is off");
        assert!(account.contains("value=\"immediate\" checked"), "discussion emails are left as they were");
        app.clock.advance(7 * 86_400);
        let before = store.list_outbox(10_000).await.unwrap().len();
        send_weekly_digests(&app.state).await.unwrap();
        let mail = mail_since(&app, before).await;
        assert!(mail.iter().all(|m| m.recipient != MEMBER_A), "Mina turned it off");
        assert!(mail.iter().any(|m| m.recipient == MEMBER_A2), "Milo still gets his");

        // Back on from the account page.
        let signed_in = app.signed_in(MEMBER_A).await;
        let csrf = signed_in.csrf("/account").await;
        signed_in.post_form("/account/notifications", &[("csrf", &csrf), ("weekly", "on")]).await;
        app.clock.advance(7 * 86_400);
        let before = store.list_outbox(10_000).await.unwrap().len();
        send_weekly_digests(&app.state).await.unwrap();
        assert!(mail_since(&app, before).await.iter().any(|m| m.recipient == MEMBER_A), "on again");
    }
);
