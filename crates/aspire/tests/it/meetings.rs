//! Meetings: a group sets its schedule, changes its cadence (past meetings keep their dates),
//! cancels a meeting, and takes attendance.

use aspire::domain::cadence::{Cadence, Schedule};

use crate::harness::*;
use crate::on_both_backends;

/// The harness clock starts on Thursday 28 May 2026, 16:26 in New York.
pub const NY: &str = "America/New_York";

/// Weekly on Tuesdays at 09:30 New York time, set directly in the store as of now.
pub async fn weekly_tuesdays(app: &TestApp, group: i64, by_email: &str) -> Schedule {
    let by = app.state.store.user_by_email(by_email).await.unwrap().unwrap().id;
    let schedule = Schedule {
        effective_from: app.clock.now_value(),
        cadence: Cadence::Weekly,
        weekday: 2,
        minute_of_day: 9 * 60 + 30,
        time_zone: NY.into(),
        duration_minutes: 60,
    };
    app.state
        .store
        .save_series(group, Some(&schedule), "Room 101", 24 * 60, (by, &[]), app.clock.now_value())
        .await
        .unwrap();
    schedule
}

/// The unix time of a New York wall-clock time like "2026-06-02T09:30".
pub fn ny(local: &str) -> i64 {
    format!("{local}[{NY}]").parse::<jiff::Zoned>().unwrap().timestamp().as_second()
}

pub fn schedule_form<'a>(csrf: &'a str, cadence: &'a str, weekday: &'a str, time: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("cadence", cadence),
        ("nth", "2"),
        ("weekday", weekday),
        ("time", time),
        ("time_zone", NY),
        ("duration_minutes", "60"),
        ("place", "https://video.example.edu/group-a"),
        ("reminder_lead_hours", "24"),
    ]
}

on_both_backends!(a_group_sets_its_schedule_and_sees_next_and_past_meetings, |app: TestApp| async move {
    let world = app.world().await;
    let member = app.signed_in(MEMBER_A).await;
    let page = format!("/groups/{}", world.group_a);
    let (_, body) = member.get_text(&page).await;
    assert!(body.contains("No meetings scheduled yet."), "{body}");

    let meetings = format!("/groups/{}/meetings", world.group_a);
    let csrf = member.csrf(&meetings).await;
    let response = member.post_form(&meetings, &schedule_form(&csrf, "weekly", "2", "09:30")).await;
    assert_eq!(response.status(), 303);
    let (_, body) = member.get_text(&page).await;
    assert!(body.contains("Every Tuesday at 09:30, 60 minutes (America/New_York)"), "{body}");
    assert!(body.contains("Next meeting:"));
    assert!(body.contains("Tuesday 2 June 2026, 09:30 EDT"), "{body}");
    assert!(body.contains(&format!("/groups/{}/meetings/{}", world.group_a, ny("2026-06-02T09:30"))));

    // Three weeks on, the group spaces out to every other Thursday; the facilitator changes it.
    app.clock.advance(21 * 86_400);
    // Three weeks on, sessions have expired: sign in again.
    let member = app.signed_in(MEMBER_A).await;
    let facilitator = app.signed_in(FACILITATOR_A).await;
    let csrf = facilitator.csrf(&meetings).await;
    let response = facilitator.post_form(&meetings, &schedule_form(&csrf, "biweekly", "4", "14:00")).await;
    assert_eq!(response.status(), 303);
    let (_, body) = member.get_text(&meetings).await;
    for past in ["Tuesday 2 June 2026, 09:30 EDT", "Tuesday 9 June 2026, 09:30 EDT", "Tuesday 16 June 2026, 09:30 EDT"]
    {
        assert!(body.contains(past), "past meetings keep their dates: {past} missing in {body}");
    }
    assert!(body.contains("Every other Thursday at 14:00"));
    assert!(body.contains("Thursday 25 June 2026, 14:00 EDT"), "the first meeting on the new cadence");
    assert!(!body.contains("Tuesday 23 June 2026"), "the old cadence no longer applies");
    // The history says who changed what.
    let history = &body[body.find("Changes to the schedule").unwrap()..];
    assert!(history.contains("Fay Facilitator") && history.contains("Mina Alpha"), "{history}");
    assert!(history.find("Every other Thursday").unwrap() < history.find("Every Tuesday").unwrap(), "newest first");

    // A monthly cadence: the second Tuesday of each month.
    let csrf = facilitator.csrf(&meetings).await;
    facilitator.post_form(&meetings, &schedule_form(&csrf, "monthly", "2", "09:30")).await;
    let (_, body) = member.get_text(&meetings).await;
    assert!(body.contains("The second Tuesday of each month at 09:30"));
    assert!(body.contains("Tuesday 14 July 2026, 09:30 EDT") && body.contains("Tuesday 11 August 2026, 09:30 EDT"));
});

on_both_backends!(a_bad_schedule_says_what_to_fix, |app: TestApp| async move {
    let world = app.world().await;
    let member = app.signed_in(MEMBER_A).await;
    let meetings = format!("/groups/{}/meetings", world.group_a);
    let csrf = member.csrf(&meetings).await;
    let mut form = schedule_form(&csrf, "weekly", "2", "09:30");
    form[5] = ("time_zone", "Mars/Olympus_Mons");
    let response = member.post_form(&meetings, &form).await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("is not a time zone: use a name like America/New_York"), "{body}");
    assert!(body.contains("Mars/Olympus_Mons"), "the form keeps what was typed");
    let form = schedule_form(&csrf, "weekly", "2", "9h30");
    let body = member.post_form(&meetings, &form).await.text().await.unwrap();
    assert!(body.contains("is not a time of day: write it as HH:MM"), "{body}");
    assert!(app.state.store.schedules(world.group_a).await.unwrap().is_empty(), "nothing saved");
});

on_both_backends!(cancelling_a_meeting_skips_it_and_restoring_brings_it_back, |app: TestApp| async move {
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, MEMBER_A).await;
    let member = app.signed_in(MEMBER_A).await;
    let first = ny("2026-06-02T09:30");
    let path = format!("/groups/{}/meetings/{first}", world.group_a);
    let (_, page) = member.get_text(&path).await;
    assert!(page.contains("<summary>Cancel this meeting…</summary>"), "cancelling asks first");
    assert!(page.contains("The 2 other members of Group A will be told by email."), "and says who is told: {page}");
    let csrf = csrf_in(&page).unwrap();
    let outbox = app.state.store.list_outbox(1000).await.unwrap().len();
    let response = member.post_form(&format!("{path}/cancel"), &[("csrf", &csrf), ("cancelled", "1")]).await;
    assert_eq!(response.status(), 303);
    member.post_form(&format!("{path}/cancel"), &[("csrf", &csrf), ("cancelled", "1")]).await;
    let mail = app.state.store.list_outbox(1000).await.unwrap();
    assert_eq!(mail.len(), outbox + 2, "the two others are told, once, however often it is clicked");
    let told: Vec<&str> = mail.iter().take(2).map(|m| m.recipient.as_str()).collect();
    assert!(told.contains(&MEMBER_A2) && told.contains(&FACILITATOR_A) && !told.contains(&MEMBER_A), "{told:?}");
    assert!(mail[0].subject.starts_with("Cancelled: Group A on Tuesday 2 June 2026"), "{}", mail[0].subject);
    assert!(mail[0].body.contains("Mina") && mail[0].body.contains(&path), "who cancelled, and a link");
    let (_, body) = member.get_text(&path).await;
    assert!(body.contains("This meeting is cancelled."));
    let (_, body) = member.get_text(&format!("/groups/{}", world.group_a)).await;
    let next = &body[body.find("Next meeting:").unwrap()..];
    assert!(next.contains("Tuesday 9 June 2026"), "the next meeting skips the cancelled one: {next}");
    member.post_form(&format!("{path}/cancel"), &[("csrf", &csrf), ("cancelled", "0")]).await;
    let (_, body) = member.get_text(&format!("/groups/{}", world.group_a)).await;
    assert!(body[body.find("Next meeting:").unwrap()..].contains("Tuesday 2 June 2026"));
    // A time that is not one of the group's meetings has no page.
    assert_eq!(member.get_text(&format!("/groups/{}/meetings/{}", world.group_a, first + 60)).await.0, 404);
});

on_both_backends!(the_facilitator_takes_attendance_and_members_mark_only_themselves, |app: TestApp| async move {
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    let first = ny("2026-06-02T09:30");
    let path = format!("/groups/{}/meetings/{first}", world.group_a);
    let milo = app.state.store.user_by_email(MEMBER_A2).await.unwrap().unwrap().id.to_string();
    let mina = app.state.store.user_by_email(MEMBER_A).await.unwrap().unwrap().id.to_string();

    let facilitator = app.signed_in(FACILITATOR_A).await;
    let csrf = facilitator.csrf(&path).await;
    let attendance = format!("{path}/attendance");
    let response = facilitator.post_form(&attendance, &[("csrf", &csrf), ("user_id", &milo), ("present", "1")]).await;
    assert_eq!(response.status(), 303);

    let member = app.signed_in(MEMBER_A).await;
    let csrf = member.csrf(&path).await;
    let response = member.post_form(&attendance, &[("csrf", &csrf), ("user_id", &milo), ("present", "0")]).await;
    assert_eq!(response.status(), 404, "a member cannot mark someone else");
    let response = member.post_form(&attendance, &[("csrf", &csrf), ("user_id", &mina), ("present", "0")]).await;
    assert_eq!(response.status(), 303);

    let (_, body) = member.get_text(&path).await;
    let row = |name: &str| {
        let at = body.find(&format!("<th scope=\"row\">{name}")).unwrap();
        body[at..at + 200].to_string()
    };
    assert!(row("Milo Alpha").contains("Present"));
    assert!(row("Mina Alpha").contains("Absent"));
    assert!(row("Fay Facilitator").contains("Not taken"));
    assert!(body.contains("Mark Mina Alpha present") && !body.contains("Mark Milo Alpha present"));
    let agenda = ["Check in", "Declare new goals", "Share wins", "Raise concerns"];
    assert!(agenda.iter().all(|item| body.contains(item)), "the agenda the model uses");
});

on_both_backends!(the_demo_groups_meet_and_one_has_a_history_of_goals, |app: TestApp| async move {
    assert!(aspire::demo::seed(&app.state).await.unwrap());
    let store = &app.state.store;
    let program = store.program_by_name(aspire::demo::PROGRAM).await.unwrap().unwrap();
    let groups = store.program_groups(program.id).await.unwrap();
    for group in &groups {
        assert!(store.meeting_series(group.id).await.unwrap().is_some(), "{} has a schedule", group.name);
    }
    let first = &groups.iter().min_by_key(|g| g.id).unwrap();
    assert_eq!(store.schedules(first.id).await.unwrap().len(), 2, "weekly, then every other week");
    let members = store.group_members(first.id).await.unwrap();
    let client = app.client();
    let response = client.login(&members[0].user.profile.email, aspire::demo::PASSWORD).await;
    assert_eq!(response.status(), 303);
    let (_, page) = client.get_text(&format!("/groups/{}", first.id)).await;
    assert!(page.contains("Every other") && page.contains("Next meeting:") && page.contains("Past meetings:"));
    let (_, goals) = client.get_text("/goals").await;
    assert!(goals.contains("Met rate:</strong>") && !goals.contains("no goals reported yet"), "{goals}");
});

on_both_backends!(a_new_schedule_or_place_is_told_to_the_rest_of_the_group_once, |app: TestApp| async move {
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    let facilitator = app.signed_in(FACILITATOR_A).await;
    let path = format!("/groups/{}/meetings", world.group_a);
    let csrf = facilitator.csrf(&path).await;
    let before = app.state.store.list_outbox(1000).await.unwrap().len();
    let form = schedule_form(&csrf, "biweekly", "4", "14:00");
    assert_eq!(facilitator.post_form(&path, &form).await.status(), 303);
    let mail = app.state.store.list_outbox(1000).await.unwrap();
    assert_eq!(mail.len(), before + 2, "the two members are told");
    let told: Vec<&str> = mail.iter().take(2).map(|m| m.recipient.as_str()).collect();
    assert!(told.contains(&MEMBER_A) && told.contains(&MEMBER_A2), "{told:?}");
    assert!(
        !told.contains(&FACILITATOR_A) && !told.contains(&MEMBER_B),
        "not the one who changed it, nor another group"
    );
    let body = &mail[0].body;
    assert_eq!(mail[0].subject, "New meeting schedule for Group A");
    let by = app.state.store.user_by_email(FACILITATOR_A).await.unwrap().unwrap().profile.name;
    assert!(body.contains(&format!("{by} changed when or where Group A meets")), "who changed it: {body}");
    assert!(body.contains("14:00") && body.contains("https://video.example.edu/group-a"), "when and where: {body}");
    assert!(body.contains("Next meeting: Thursday"), "the next meeting under it: {body}");
    assert!(body.contains(&format!("{}{path}", app.state.settings.public_url())), "an absolute link: {body}");

    // Saving it again changes nothing and tells nobody; a new place alone is told.
    facilitator.post_form(&path, &form).await;
    assert_eq!(app.state.store.list_outbox(1000).await.unwrap().len(), before + 2);
    let mut moved = form.clone();
    moved.retain(|(k, _)| *k != "place");
    moved.push(("place", "Room 204, Black Building"));
    facilitator.post_form(&path, &moved).await;
    let mail = app.state.store.list_outbox(1000).await.unwrap();
    assert_eq!(mail.len(), before + 4);
    assert!(mail[0].body.contains("Where: Room 204, Black Building"), "{}", mail[0].body);
});
