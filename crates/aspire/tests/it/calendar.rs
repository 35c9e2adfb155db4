//! Calendars: the `.ics` of a series and the personal feed, read back with two independent
//! parsers (`ical` for the structure, `rrule` to expand the recurrence), never our own code.

use std::io::BufReader;

use crate::goals::declare;
use crate::harness::*;
use crate::meetings::{NY, ny, schedule_form, weekly_tuesdays};
use crate::on_both_backends;

fn parse(text: &str) -> ical::parser::ical::component::IcalCalendar {
    let mut parser = ical::IcalParser::new(BufReader::new(text.as_bytes()));
    let calendar = parser.next().expect("one calendar").expect("a valid calendar");
    assert!(parser.next().is_none(), "exactly one VCALENDAR");
    calendar
}

fn prop<'a>(props: &'a [ical::property::Property], name: &str) -> Option<&'a ical::property::Property> {
    props.iter().find(|p| p.name == name)
}

fn value(props: &[ical::property::Property], name: &str) -> String {
    prop(props, name).and_then(|p| p.value.clone()).unwrap_or_default()
}

/// The property as an iCalendar content line, as the independent parser understood it.
fn line(p: &ical::property::Property) -> String {
    let params: String = p.params.iter().flatten().map(|(k, v)| format!(";{k}={}", v.join(","))).collect();
    format!("{}{params}:{}", p.name, p.value.clone().unwrap_or_default())
}

/// The meeting starts (Unix seconds) an event describes, expanded by the `rrule` crate.
fn expand(event: &ical::parser::ical::component::IcalEvent, limit: u16) -> Vec<i64> {
    let mut lines =
        vec![line(prop(&event.properties, "DTSTART").unwrap()), line(prop(&event.properties, "RRULE").unwrap())];
    lines.extend(event.properties.iter().filter(|p| p.name == "EXDATE").map(line));
    let set: rrule::RRuleSet = lines.join("\n").parse().unwrap_or_else(|e| panic!("{e}: {lines:?}"));
    set.all(limit).dates.iter().map(|d| d.timestamp()).collect()
}

on_both_backends!(the_series_ics_expands_to_the_meetings_with_cancellations_excluded, |app: TestApp| async move {
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, MEMBER_A).await;
    let member = app.signed_in(MEMBER_A).await;
    let path = format!("/groups/{}/meetings/{}", world.group_a, ny("2026-06-09T09:30"));
    let csrf = member.csrf(&path).await;
    member.post_form(&format!("{path}/cancel"), &[("csrf", &csrf), ("cancelled", "1")]).await;
    declare(&member, &path, "GOALTEXT-not-for-calendars", "").await;

    let response = member.get(&format!("/groups/{}/meetings.ics", world.group_a)).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains(".ics"));
    let text = response.text().await.unwrap();
    assert!(!text.contains("GOALTEXT"), "no goal text in calendars");
    let calendar = parse(&text);
    assert_eq!(calendar.events.len(), 1, "one VEVENT for the series");
    let event = &calendar.events[0];
    assert_eq!(value(&event.properties, "RRULE"), "FREQ=WEEKLY;BYDAY=TU");
    assert_eq!(value(&event.properties, "LOCATION"), "Room 101");
    assert!(value(&event.properties, "UID").starts_with(&format!("aspire-group-{}-", world.group_a)));
    let dtstart = prop(&event.properties, "DTSTART").unwrap();
    assert_eq!(dtstart.value.as_deref(), Some("20260602T093000"));
    assert_eq!(dtstart.params.clone().unwrap()[0], ("TZID".to_string(), vec![NY.to_string()]));
    assert_eq!(calendar.timezones.len(), 1, "a VTIMEZONE for the zone used");
    assert_eq!(value(&calendar.timezones[0].properties, "TZID"), NY);

    let starts = expand(event, 25);
    assert_eq!(starts[0], ny("2026-06-02T09:30"));
    assert_eq!(starts[1], ny("2026-06-16T09:30"), "the cancelled 9 June is an exception");
    // Across the end of daylight saving time the meeting stays at 09:30 local.
    assert!(starts.contains(&ny("2026-10-27T09:30")) && starts.contains(&ny("2026-11-03T09:30")));
    assert_eq!(ny("2026-11-03T09:30") - ny("2026-10-27T09:30"), 7 * 86_400 + 3600);
    // The same meetings the app shows.
    let parts = app.state.store.series_parts(world.group_a).await.unwrap();
    let series = aspire::store::meetings::LoadedSeries::from(parts).series;
    let ours: Vec<i64> = series
        .occurrences(ny("2026-06-01T00:00"), i64::MAX / 4, 26)
        .into_iter()
        .filter(|o| !o.cancelled)
        .map(|o| o.start)
        .take(25)
        .collect();
    assert_eq!(starts, ours);
});

on_both_backends!(
    a_cadence_change_ends_one_rule_and_starts_another_with_a_higher_sequence,
    |app: TestApp| async move {
        let world = app.world().await;
        weekly_tuesdays(&app, world.group_a, MEMBER_A).await;
        let member = app.signed_in(MEMBER_A).await;
        let ics = format!("/groups/{}/meetings.ics", world.group_a);
        let before = parse(&member.get_text(&ics).await.1);
        let sequence =
            |e: &ical::parser::ical::component::IcalEvent| value(&e.properties, "SEQUENCE").parse::<i64>().unwrap();
        let uid = value(&before.events[0].properties, "UID");
        let first_sequence = sequence(&before.events[0]);

        app.clock.advance(21 * 86_400);
        let member = app.signed_in(MEMBER_A).await;
        let meetings = format!("/groups/{}/meetings", world.group_a);
        let csrf = member.csrf(&meetings).await;
        member.post_form(&meetings, &schedule_form(&csrf, "monthly", "2", "09:30")).await;
        let after = parse(&member.get_text(&ics).await.1);
        assert_eq!(after.events.len(), 2, "the weekly rule until the change, then the monthly one");
        let weekly = after.events.iter().find(|e| value(&e.properties, "UID") == uid).expect("same UID as before");
        assert!(sequence(weekly) > first_sequence, "SEQUENCE goes up on every change");
        assert!(value(&weekly.properties, "RRULE").contains("UNTIL="));
        assert_eq!(
            expand(weekly, 100),
            vec![ny("2026-06-02T09:30"), ny("2026-06-09T09:30"), ny("2026-06-16T09:30")],
            "past meetings keep their dates"
        );
        let monthly = after.events.iter().find(|e| value(&e.properties, "UID") != uid).unwrap();
        assert_eq!(value(&monthly.properties, "RRULE"), "FREQ=MONTHLY;BYDAY=2TU");
        assert_eq!(&expand(monthly, 3), &[ny("2026-07-14T09:30"), ny("2026-08-11T09:30"), ny("2026-09-08T09:30")]);
    }
);

fn feed_url_in(html: &str) -> String {
    let at = html.find("/calendar/feed/").unwrap();
    html[at..].split('"').next().unwrap().to_string()
}

on_both_backends!(the_personal_feed_lists_all_groups_and_can_be_revoked, |app: TestApp| async move {
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, MEMBER_A).await;
    weekly_tuesdays(&app, world.group_b, MEMBER_B).await;
    // Mina is in a second group too.
    let mina_id = app.state.store.user_by_email(MEMBER_A).await.unwrap().unwrap().id;
    crate::harness::seat(&app.state.store, world.group_b, mina_id, aspire::store::GroupRole::Member).await;
    let mina = app.signed_in(MEMBER_A).await;
    declare(&mina, &format!("/groups/{}/meetings/{}", world.group_a, ny("2026-06-02T09:30")), "FEEDSECRET goal", "")
        .await;

    let csrf = mina.csrf("/goals").await;
    let response = mina.post_form("/calendar/feed", &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), 200);
    let url = feed_url_in(&response.text().await.unwrap());
    assert!(url.ends_with(".ics"));

    // Calendar apps fetch it without a session.
    let anonymous = app.client();
    let response = anonymous.get(&url).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(!text.contains("FEEDSECRET"), "no goal text in feeds");
    let calendar = parse(&text);
    assert_eq!(calendar.events.len(), 2);
    let summaries: Vec<String> = calendar.events.iter().map(|e| value(&e.properties, "SUMMARY")).collect();
    assert!(summaries.iter().any(|s| s.starts_with("Group A")) && summaries.iter().any(|s| s.starts_with("Group B")));
    // Nothing changed, nothing differs: a calendar app that fetches it again sees the same
    // calendar (its time zone parts once carried a random UID, new on every fetch).
    assert_eq!(anonymous.get(&url).await.text().await.unwrap(), text);
    assert!(
        calendar.timezones.iter().flat_map(|z| &z.transitions).all(|t| t.properties.iter().all(|p| p.name != "UID"))
    );

    // A new address replaces the old one; turning the feed off ends both.
    let csrf = mina.csrf("/goals").await;
    let second = feed_url_in(&mina.post_form("/calendar/feed", &[("csrf", &csrf)]).await.text().await.unwrap());
    assert_eq!(anonymous.get(&url).await.status(), 404);
    assert_eq!(anonymous.get(&second).await.status(), 200);
    let response = mina.post_form("/calendar/feed/revoke", &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(anonymous.get(&second).await.status(), 404);

    // Someone outside group A cannot download its series.
    let bea = app.signed_in(MEMBER_B).await;
    assert_eq!(bea.get_text(&format!("/groups/{}/meetings.ics", world.group_a)).await.0, 404);
    let coordinator = app.signed_in(COORDINATOR).await;
    assert_eq!(coordinator.get_text(&format!("/groups/{}/meetings.ics", world.group_a)).await.0, 404);
});

on_both_backends!(control_characters_in_a_place_never_become_calendar_properties, |app: TestApp| async move {
    let world = app.world().await;
    let schedule = weekly_tuesdays(&app, world.group_a, MEMBER_A).await;
    // Every control character but NUL (which no text column takes), each followed by what a
    // parser splitting on it would read as a property of its own.
    let place: String =
        (1u8..32).chain([127]).map(|c| format!("Room {c}{}ATTACH:https://evil.example/{c}", char::from(c))).collect();
    let by = app.state.store.user_by_email(MEMBER_A).await.unwrap().unwrap().id;
    app.state
        .store
        .save_series(world.group_a, Some(&schedule), &place, 24 * 60, (by, &[]), app.clock.now_value())
        .await
        .unwrap();
    let member = app.signed_in(MEMBER_A).await;
    for path in [format!("/groups/{}/meetings.ics", world.group_a)] {
        let (status, text) = member.get_text(&path).await;
        assert_eq!(status, 200);
        for line in text.split(['\r', '\n']).filter(|l| !l.is_empty()) {
            assert!(!line.starts_with("ATTACH") && !line.starts_with("ORGANIZER"), "an injected line: {line:?}");
            assert!(!line.chars().any(|c| c.is_control() && c != '\t'), "a control character in {line:?}");
        }
        let calendar = parse(&text);
        let event = &calendar.events[0];
        assert!(prop(&event.properties, "ATTACH").is_none(), "ATTACH was injected");
        assert!(value(&event.properties, "LOCATION").starts_with("Room 1 ATTACH"), "{text}");
    }
});
