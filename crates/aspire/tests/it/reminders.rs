//! Reminders: once per member per meeting even with racing workers, none for muted members,
//! a nudge for goals not reported by the meeting, delivered over SMTP with retries, and never
//! another member's goal text.

use aspire::notify::reminders::send_due;
use aspire::notify::{deliver_due, outbox};

use crate::goals::declare;
use crate::harness::*;
use crate::meetings::{ny, weekly_tuesdays};
use crate::on_both_backends;
use crate::smtp::SmtpSink;

/// Moves the clock to `instant`.
fn set_clock(app: &TestApp, instant: i64) {
    app.clock.advance(instant - app.clock.now_value());
}

on_both_backends!(racing_workers_send_each_reminder_once, |app: TestApp| async move {
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    assert_eq!(send_due(&app.state).await.unwrap(), 0, "nothing is due days ahead");

    // 20 hours before the first meeting: inside the 24-hour lead time.
    set_clock(&app, ny("2026-06-01T13:30"));
    let mut workers = Vec::new();
    for _ in 0..4 {
        let state = app.state.clone();
        workers.push(tokio::spawn(async move { send_due(&state).await.unwrap() }));
    }
    let mut queued = 0;
    for worker in workers {
        queued += worker.await.unwrap();
    }
    assert_eq!(queued, 3, "Mina, Milo and Fay, once each");
    let emails = app.state.store.list_outbox(50).await.unwrap();
    let mut recipients: Vec<&str> = emails.iter().map(|e| e.recipient.as_str()).collect();
    recipients.sort_unstable();
    assert_eq!(recipients, [FACILITATOR_A, MEMBER_A2, MEMBER_A]);
    assert!(emails[0].subject.contains("Group A meets Tuesday 2 June 2026, 09:30 EDT"), "{}", emails[0].subject);
    assert!(emails[0].body.contains(&format!("/groups/{}/meetings/{}", world.group_a, ny("2026-06-02T09:30"))));

    // A restart, an hour later: nothing more for this meeting.
    app.clock.advance(3600);
    assert_eq!(send_due(&app.state).await.unwrap(), 0);
    // The next week's meeting gets its own reminders.
    set_clock(&app, ny("2026-06-08T13:30"));
    assert_eq!(send_due(&app.state).await.unwrap(), 3);
});

on_both_backends!(muted_members_get_no_reminders, |app: TestApp| async move {
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    let milo = app.signed_in(MEMBER_A2).await;
    let csrf = milo.csrf("/goals").await;
    assert_eq!(milo.post_form("/goals/reminders", &[("csrf", &csrf), ("muted", "1")]).await.status(), 303);
    assert!(milo.get_text("/goals").await.1.contains("Reminders are muted"));
    set_clock(&app, ny("2026-06-01T13:30"));
    assert_eq!(send_due(&app.state).await.unwrap(), 2);
    let emails = app.state.store.list_outbox(50).await.unwrap();
    assert!(emails.iter().all(|e| e.recipient != MEMBER_A2), "no reminder for a muted member");
    // Unmuted again, Milo hears about the following meeting.
    let milo = app.signed_in(MEMBER_A2).await;
    let csrf = milo.csrf("/goals").await;
    milo.post_form("/goals/reminders", &[("csrf", &csrf), ("muted", "0")]).await;
    set_clock(&app, ny("2026-06-08T13:30"));
    assert_eq!(send_due(&app.state).await.unwrap(), 3);
});

on_both_backends!(a_nudge_for_unreported_goals_is_delivered_with_retries_and_no_goal_text, |app: TestApp| async move {
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    let first = format!("/groups/{}/meetings/{}", world.group_a, ny("2026-06-02T09:30"));
    let mina = app.signed_in(MEMBER_A).await;
    let milo = app.signed_in(MEMBER_A2).await;
    declare(&mina, &first, "MINA-private-aims-page", "grant").await;
    declare(&milo, &first, "MILO-private-dataset", "data").await;

    // The reminder before the second meeting counts Mina's goal but does not quote it.
    set_clock(&app, ny("2026-06-08T13:30"));
    assert_eq!(send_due(&app.state).await.unwrap(), 3);
    // Milo reports before the meeting; Mina does not.
    let milo = app.signed_in(MEMBER_A2).await;
    let second = format!("/groups/{}/meetings/{}", world.group_a, ny("2026-06-09T09:30"));
    let (_, page) = milo.get_text(&second).await;
    let at = page.find("MILO-private-dataset").unwrap();
    let id = page[at..].split("action=\"/goals/").nth(1).unwrap().split('/').next().unwrap().to_string();
    let csrf = milo.csrf(&second).await;
    milo.post_form(&format!("/goals/{id}/report"), &[("csrf", &csrf), ("status", "met")]).await;

    set_clock(&app, ny("2026-06-09T09:35"));
    assert_eq!(send_due(&app.state).await.unwrap(), 1, "one nudge: Mina has not reported");
    app.clock.advance(600);
    assert_eq!(send_due(&app.state).await.unwrap(), 0, "one nudge only");

    let sink = SmtpSink::start().await;
    let transport = outbox::transport(&sink.url()).unwrap();
    sink.refuse_next(1);
    let delivered = deliver_due(&app.state, &transport).await.unwrap();
    assert_eq!(delivered, 3, "one of four refused by the server");
    app.clock.advance(outbox::backoff_seconds(1));
    assert_eq!(deliver_due(&app.state, &transport).await.unwrap(), 1, "retried after the failure");
    let messages = sink.messages();
    assert_eq!(messages.len(), 4);
    for message in &messages {
        assert!(!message.contains("MINA-private") && !message.contains("MILO-private"), "{message}");
    }
    let to_mina: Vec<&String> = messages.iter().filter(|m| m.contains(&format!("To: {MEMBER_A}"))).collect();
    assert_eq!(to_mina.len(), 2);
    assert!(to_mina.iter().any(|m| m.contains("report on the 1 goal you declared last time")));
    assert!(to_mina.iter().any(|m| m.contains("You have 1 goal from last time not reported yet")));
    let to_milo = messages.iter().filter(|m| m.contains(&format!("To: {MEMBER_A2}"))).count();
    assert_eq!(to_milo, 1, "Milo reported: no nudge");
});

on_both_backends!(two_app_servers_on_one_database_share_sessions_jobs_and_reminders, |app: TestApp| async move {
    let world = app.world().await;
    let second = app.another_server().await;
    // A session started on one server is honoured by the other.
    let visitor = app.client();
    let response = visitor.login(MEMBER_A, PASSWORD).await;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("aspire_session="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_string();
    let on_second =
        second.client().http.get(second.url("/goals")).header("cookie", &cookie).send().await.unwrap().status();
    assert_eq!(on_second, 200, "the other server knows the session");

    // A formation job queued once runs once, whichever server's worker gets to it.
    let criteria = toml::to_string(&aspire::domain::cohort::default_criteria()).unwrap();
    let now = app.clock.now_value();
    let store = &app.state.store;
    let round = store.create_round(world.program, "Shared", &criteria, "shared-round-token", now).await.unwrap();
    let people: Vec<i64> = store
        .program_people(world.program)
        .await
        .unwrap()
        .iter()
        .filter(|p| p.role == aspire::store::ProgramRole::Participant)
        .map(|p| p.user.id)
        .collect();
    store.add_round_people(round, &people, now).await.unwrap();
    let request = aspire::store::NewJob {
        round_id: round,
        request_key: "shared-job".into(),
        seed: 1,
        time_limit_ms: 100,
        locked: "[]".into(),
        requested_by: 1,
        from_draft_id: None,
    };
    let job = store.request_job(&request, now).await.unwrap();
    let (first, other) =
        tokio::join!(aspire::jobs::run_next_job(&app.state), aspire::jobs::run_next_job(&second.state));
    let ran: Vec<i64> = [first.unwrap(), other.unwrap()].into_iter().flatten().collect();
    assert_eq!(ran, [job], "one server ran the job, the other found nothing to do");

    // Each reminder is queued once though both servers' workers look at the same meeting.
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    set_clock(&app, ny("2026-06-01T13:30"));
    let (a, b) = tokio::join!(send_due(&app.state), send_due(&second.state));
    assert_eq!(a.unwrap() + b.unwrap(), 3, "Mina, Milo and Fay, once each");
});
