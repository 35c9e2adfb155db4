//! Goals: declared at one meeting, reported at the next, carried forward when unmet;
//! long-term goals and the year view; coordinators see counts, never text.

use crate::harness::*;
use crate::meetings::{ny, weekly_tuesdays};
use crate::on_both_backends;

fn meeting(world: &World, local: &str) -> String {
    format!("/groups/{}/meetings/{}", world.group_a, ny(local))
}

pub async fn declare(client: &Client, path: &str, text: &str, kind: &str) -> reqwest::Response {
    let csrf = client.csrf(path).await;
    client.post_form(&format!("{path}/goals"), &[("csrf", &csrf), ("text", text), ("kind", kind)]).await
}

fn goal_id_in(html: &str, text: &str) -> String {
    let at = html.find(text).unwrap();
    let marker = "action=\"/goals/";
    let from = html[at..].find(marker).unwrap() + at + marker.len();
    html[from..].split('/').next().unwrap().to_string()
}

on_both_backends!(declare_report_and_carry_an_unmet_goal_forward, |app: TestApp| async move {
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    let first = meeting(&world, "2026-06-02T09:30");
    let second = meeting(&world, "2026-06-09T09:30");
    let mina = app.signed_in(MEMBER_A).await;
    let milo = app.signed_in(MEMBER_A2).await;

    assert_eq!(declare(&mina, &first, "Send specific aims to my mentor", "grant").await.status(), 303);
    assert_eq!(declare(&mina, &first, "Submit the abstract", "talk").await.status(), 303);
    assert_eq!(declare(&milo, &first, "Clean the cohort data", "data").await.status(), 303);
    let response = declare(&mina, &first, "   ", "").await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("Write the goal in a few words"));
    let response = declare(&mina, &first, "A poem", "poem").await;
    assert!(response.text().await.unwrap().contains("choose manuscript, grant, talk, data or other"));

    // The group sees its goals on the meeting page; at the next meeting they are the check-in.
    let (_, body) = milo.get_text(&first).await;
    assert!(body.contains("Send specific aims to my mentor") && body.contains("Clean the cohort data"));
    app.clock.advance(12 * 86_400);
    let mina = app.signed_in(MEMBER_A).await;
    let milo = app.signed_in(MEMBER_A2).await;
    let (_, body) = mina.get_text(&second).await;
    let check_in =
        &body[body.find("Check in on last time").unwrap()..body.find("Goals for the coming period").unwrap()];
    assert!(check_in.contains("Send specific aims to my mentor") && check_in.contains("Clean the cohort data"));
    assert_eq!(check_in.matches("How did it go?").count(), 2, "Mina reports her own two goals only");

    let aims = goal_id_in(&body, "Send specific aims to my mentor");
    let abstract_id = goal_id_in(&body, "Submit the abstract");
    let csrf = mina.csrf(&second).await;
    let report = |id: &str| format!("/goals/{id}/report");
    let response = mina
        .post_form(
            &report(&aims),
            &[("csrf", &csrf), ("status", "not_met"), ("reason", "Clinic week"), ("back", &second)],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(response.headers()["location"].to_str().unwrap().starts_with(&second));
    mina.post_form(&report(&abstract_id), &[("csrf", &csrf), ("status", "met"), ("back", &second)]).await;
    let response = mina.post_form(&report(&abstract_id), &[("csrf", &csrf), ("status", "done")]).await;
    assert!(response.text().await.unwrap().contains("choose met, partly met or not met"));
    // Only the author reports.
    let milo_csrf = milo.csrf(&second).await;
    assert_eq!(milo.post_form(&report(&aims), &[("csrf", &milo_csrf), ("status", "met")]).await.status(), 404);

    // One click carries the unmet goal into the period that starts at this meeting; it
    // remembers where it came from.
    let response = mina.post_form(&format!("/goals/{aims}/carry"), &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), 303);
    assert!(
        response.headers()["location"].to_str().unwrap().starts_with(&second),
        "carried into the period now starting"
    );
    let (_, body) = mina.get_text(&second).await;
    let declared = &body[body.find("Goals for the coming period").unwrap()..];
    assert!(declared.contains("Send specific aims to my mentor") && declared.contains("Carried forward"));
    let carried: Vec<_> = app
        .state
        .store
        .goals_at(world.group_a, ny("2026-06-09T09:30"))
        .await
        .unwrap()
        .into_iter()
        .filter(|g| g.carried_from.is_some())
        .collect();
    assert_eq!(carried.len(), 1);
    assert_eq!(carried[0].carried_from.unwrap().to_string(), aims);
    assert!(body.contains("not met: Clinic week"));
    let again = mina.post_form(&format!("/goals/{aims}/carry"), &[("csrf", &csrf)]).await;
    assert_eq!(again.status(), 422, "carried once only");

    // Mina's record: one met of two reported; the latest period had a met goal.
    let (_, body) = mina.get_text("/goals").await;
    assert!(body.contains("1 period in a row"), "{body}");
    assert!(body.contains("Met rate:</strong> 50%"), "{body}");
});

on_both_backends!(long_term_goals_gather_the_weekly_goals_that_served_them, |app: TestApp| async move {
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    let mina = app.signed_in(MEMBER_A).await;
    let csrf = mina.csrf("/goals").await;
    let response = mina
        .post_form(
            "/goals/long-term",
            &[("csrf", &csrf), ("title", "Submit my K23"), ("kind", "grant"), ("target_date", "2026-10-12")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let bad =
        mina.post_form("/goals/long-term", &[("csrf", &csrf), ("title", "x"), ("target_date", "12/10/2026")]).await;
    assert!(bad.text().await.unwrap().contains("write it as YYYY-MM-DD"));
    let long_id =
        app.state.store.long_goals(app.state.store.user_by_email(MEMBER_A).await.unwrap().unwrap().id).await.unwrap()
            [0]
        .id
        .to_string();

    let first = meeting(&world, "2026-06-02T09:30");
    let csrf = mina.csrf(&first).await;
    let (_, page) = mina.get_text(&first).await;
    assert!(page.contains("Submit my K23"), "the declare form offers long-term goals");
    mina.post_form(
        &format!("{first}/goals"),
        &[("csrf", &csrf), ("text", "Draft the research strategy"), ("kind", "grant"), ("long_goal_id", &long_id)],
    )
    .await;
    declare(&mina, &first, "Review a paper for a journal", "other").await;

    let (_, body) = mina.get_text("/goals").await;
    let k23 = &body[body.find("<h3>Submit my K23</h3>").unwrap()..];
    let k23 = &k23[..k23.find("</article>").unwrap()];
    assert!(k23.contains("Draft the research strategy") && !k23.contains("Review a paper"));
    assert!(k23.contains("by 2026-10-12"));

    let csrf = mina.csrf("/goals").await;
    mina.post_form(&format!("/goals/long-term/{long_id}"), &[("csrf", &csrf), ("status", "done")]).await;
    let (status, year) = mina.get_text("/goals/year?year=2026").await;
    assert_eq!(status, 200);
    assert!(year.contains("Mina Alpha: goals in 2026"));
    assert!(year.contains("Submit my K23") && year.contains("target 2026-10-12 · done"));
    assert!(year.contains("Draft the research strategy") && year.contains("Review a paper for a journal"));
    let (_, other_year) = mina.get_text("/goals/year?year=2025").await;
    assert!(!other_year.contains("Draft the research strategy"));

    // Someone else's long-term goal is not theirs to change, and not visible.
    let milo = app.signed_in(MEMBER_A2).await;
    let csrf = milo.csrf("/goals").await;
    let response =
        milo.post_form(&format!("/goals/long-term/{long_id}"), &[("csrf", &csrf), ("status", "dropped")]).await;
    assert_eq!(response.status(), 404);
    assert!(!milo.get_text("/goals").await.1.contains("Submit my K23"));
});

on_both_backends!(coordinators_see_counts_per_group_and_never_goal_text, |app: TestApp| async move {
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    let first = meeting(&world, "2026-06-02T09:30");
    let mina = app.signed_in(MEMBER_A).await;
    declare(&mina, &first, "SECRET-goal-text-42", "grant").await;
    declare(&mina, &first, "Second goal", "").await;
    let facilitator = app.signed_in(FACILITATOR_A).await;
    let csrf = facilitator.csrf(&first).await;
    let mina_id = app.state.store.user_by_email(MEMBER_A).await.unwrap().unwrap().id.to_string();
    for (who, present) in [(&mina_id, "1")] {
        facilitator
            .post_form(&format!("{first}/attendance"), &[("csrf", &csrf), ("user_id", who), ("present", present)])
            .await;
    }
    app.clock.advance(8 * 86_400);
    let mina = app.signed_in(MEMBER_A).await;
    let (_, body) = mina.get_text(&meeting(&world, "2026-06-09T09:30")).await;
    let id = goal_id_in(&body, "SECRET-goal-text-42");
    let csrf = mina.csrf("/goals").await;
    mina.post_form(&format!("/goals/{id}/report"), &[("csrf", &csrf), ("status", "met")]).await;

    let coordinator = app.signed_in(COORDINATOR).await;
    let (status, body) = coordinator.get_text(&format!("/programs/{}/accountability", world.program)).await;
    assert_eq!(status, 200);
    let row = &body[body.find("<th scope=\"row\">Group A</th>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert_eq!(row, "<th scope=\"row\">Group A</th><td>2</td><td>1</td><td>100%</td><td>100%</td>");
    assert!(!body.contains("SECRET-goal-text-42") && !body.contains("Second goal"));
    assert_eq!(coordinator.get_text(&first).await.0, 404, "the meeting page is group content");
    assert_eq!(coordinator.get_text(&format!("/groups/{}/meetings", world.group_a)).await.0, 404);
    let other = app.signed_in(OTHER_COORDINATOR).await;
    assert_eq!(other.get_text(&format!("/programs/{}/accountability", world.program)).await.0, 404);

    // Engagement over time: June 2026 held one meeting (goals and attendance), 1 of 1 present,
    // 2 goals declared, 1 reported, met.
    let (status, body) = coordinator.get_text(&format!("/programs/{}/engagement", world.program)).await;
    assert_eq!(status, 200);
    assert!(body.contains("Groups formed outside a round"), "{body}");
    assert_eq!(body.matches("<circle").count(), 1, "June drawn as the one point of the chart: {body}");
    let row = "<tr><th scope=\"row\">2026-06</th><td>1</td><td>100% <span class=\"muted\">(1 of 1)</span></td>\
               <td>2</td><td>1</td><td>100%</td></tr>";
    assert!(body.contains(row), "{body}");
    assert!(!body.contains("SECRET-goal-text-42") && !body.contains("Second goal"));
    let (status, csv) = coordinator.get_text(&format!("/programs/{}/engagement.csv", world.program)).await;
    assert_eq!(status, 200);
    assert!(csv.starts_with("program,KL2 Scholars,months,"), "{csv}");
    assert!(csv.contains("\nGroups formed outside a round,2026-06,1,1,1,100%,2,1,1,0,100%\n"), "{csv}");
    assert!(!csv.contains("SECRET-goal-text-42"));
    assert_eq!(other.get_text(&format!("/programs/{}/engagement.csv", world.program)).await.0, 404);
});

on_both_backends!(my_goals_show_meeting_days_in_the_group_time_zone, |app: TestApp| async move {
    let world = app.world().await;
    // Tuesdays at 21:00 in New York: Wednesday 01:00 UTC.
    let mut schedule = weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    schedule.minute_of_day = 21 * 60;
    let by = app.state.store.user_by_email(FACILITATOR_A).await.unwrap().unwrap().id;
    let now = app.clock.now_value();
    app.state.store.save_series(world.group_a, Some(&schedule), "", 24 * 60, (by, &[]), now).await.unwrap();
    let mina = app.signed_in(MEMBER_A).await;
    declare(&mina, &meeting(&world, "2026-06-02T21:00"), "Evening goal", "").await;
    let (_, body) = mina.get_text("/goals").await;
    assert!(body.contains("Tuesday 2 June 2026") && !body.contains("Wednesday 3 June 2026"), "{body}");
});

on_both_backends!(a_refused_goal_is_said_on_the_meeting_page_with_what_was_typed, |app: TestApp| async move {
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    let member = app.signed_in(MEMBER_A).await;
    let path = format!("/groups/{}/meetings/{}", world.group_a, ny("2026-06-02T09:30"));
    let csrf = member.csrf(&path).await;
    let long = "x".repeat(501);
    for (typed, said) in [("   ", "it cannot be empty"), (long.as_str(), "500")] {
        let refused = member.post_form(&format!("{path}/goals"), &[("csrf", &csrf), ("text", typed)]).await;
        assert_eq!(refused.status(), 422);
        let page = refused.text().await.unwrap();
        assert!(page.contains("role=\"alert\" id=\"d-error\""), "the error sits by the form: {page}");
        assert!(page.contains(said), "{said} in {page}");
        assert!(page.contains(&format!("value=\"{typed}\"")), "what was typed is kept");
        assert!(page.contains("href=\"/goals\">My goals</a>"), "inside the page, with its navigation");
    }
    assert!(app.state.store.goals_at(world.group_a, ny("2026-06-02T09:30")).await.unwrap().is_empty());
});

on_both_backends!(an_author_rewords_or_withdraws_a_goal_until_its_meeting_begins, |app: TestApp| async move {
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    let first = meeting(&world, "2026-06-02T09:30");
    let mina = app.signed_in(MEMBER_A).await;
    let milo = app.signed_in(MEMBER_A2).await;
    declare(&mina, &first, "Draft the aims", "grant").await;
    declare(&mina, &first, "Read two papers", "").await;
    let (_, body) = mina.get_text(&first).await;
    let aims = goal_id_in(&body, "Draft the aims");
    let papers = goal_id_in(&body, "Read two papers");
    assert!(body.contains("Change or withdraw this goal"), "Mina is offered to change her goals");
    let (_, theirs) = milo.get_text(&first).await;
    assert!(!theirs.contains("Change or withdraw this goal"), "Milo sees Mina's goals but may not change them");

    let csrf = mina.csrf(&first).await;
    let edit = format!("/goals/{aims}/edit");
    let response = mina
        .post_form(&edit, &[("csrf", &csrf), ("text", "Draft the specific aims page"), ("kind", "manuscript")])
        .await;
    assert_eq!(response.status(), 303);
    assert!(response.headers()["location"].to_str().unwrap().starts_with(&first));
    let (_, body) = milo.get_text(&first).await;
    assert!(
        body.contains("Draft the specific aims page") && !body.contains("Draft the aims<"),
        "the group sees the new words"
    );

    // An empty edit is refused on the goal's own form, with what was typed kept.
    let response = mina.post_form(&edit, &[("csrf", &csrf), ("text", "  "), ("kind", "bogus")]).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains(&format!("id=\"e-error-{aims}\"")), "the error stands by the goal's form");
    assert!(page.contains("<details open>"), "the goal's form is open");
    assert!(page.contains("Draft the specific aims page"), "the goal itself is unchanged");

    // Others may not change it, whatever their role.
    for email in [MEMBER_A2, FACILITATOR_A, COORDINATOR, ADMIN] {
        let other = app.signed_in(email).await;
        let csrf = other.csrf("/profile").await;
        let response = other.post_form(&edit, &[("csrf", &csrf), ("text", "Hijacked")]).await;
        assert_eq!(response.status(), 404, "{email} may not edit Mina's goal");
        let response = other.post_form(&format!("/goals/{papers}/delete"), &[("csrf", &csrf)]).await;
        assert_eq!(response.status(), 404, "{email} may not withdraw Mina's goal");
    }

    let response = mina.post_form(&format!("/goals/{papers}/delete"), &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), 303);
    let (_, body) = milo.get_text(&first).await;
    assert!(!body.contains("Read two papers"), "a withdrawn goal is gone from the meeting");
    assert!(body.contains("Draft the specific aims page"));

    // Once the meeting begins (Tuesday 2 June, 09:30 in New York) the goal is reported, not reworded.
    app.clock.advance(5 * 86_400);
    let mina = app.signed_in(MEMBER_A).await;
    let csrf = mina.csrf(&first).await;
    let response = mina.post_form(&edit, &[("csrf", &csrf), ("text", "Something easier")]).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("can no longer change"));
    let response = mina.post_form(&format!("/goals/{aims}/delete"), &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), 422);
    let milo = app.signed_in(MEMBER_A2).await;
    let (_, body) = milo.get_text(&first).await;
    assert!(body.contains("Draft the specific aims page"), "the goal stands as declared");
});

on_both_backends!(
    the_annual_review_gathers_a_years_papers_grants_and_facilitation_for_its_member_alone,
    |app: TestApp| async move {
        use aspire::store::community::Win;
        let world = app.world().await;
        let store = &app.state.store;
        let mina = store.user_by_email(MEMBER_A).await.unwrap().unwrap().id;
        let win = |kind: &str, title: &str, won_on: &str| Win {
            user_id: mina,
            program_id: world.program,
            kind: kind.into(),
            title: title.into(),
            won_on: won_on.into(),
            visibility: aspire::domain::Visibility::Private,
            ..Win::default()
        };
        let paper = Win {
            venue: "Acad Med".into(),
            doi: "10.1000/review.1".into(),
            pmid: "31234567".into(),
            pmcid: "PMC7654321".into(),
            author_position: "first".into(),
            ..win("paper", "Peer mentoring and grant success", "2026-03-02")
        };
        let grant = Win {
            mechanism: "K23".into(),
            award_number: "5K23DK123456-02".into(),
            grant_role: "pi".into(),
            grant_status: "funded".into(),
            ..win("grant", "Kidney injury in children", "2026-07-01")
        };
        let old_talk = win("talk", "Grand rounds of an earlier year", "2025-05-04");
        store.create_wins(&[paper, grant, old_talk], app.clock.now_value()).await.unwrap();

        let client = app.signed_in(MEMBER_A).await;
        let (status, page) = client.get_text("/goals/year?year=2026").await;
        assert_eq!(status, 200);
        assert!(
            page.contains("Peer mentoring and grant success. Acad Med. 2026. doi:10.1000/review.1. PMID: 31234567."),
            "{page}"
        );
        assert!(page.contains("Kidney injury in children (K23, 5K23DK123456-02, PI, funded)"), "{page}");
        assert!(!page.contains("Grand rounds of an earlier year"), "a 2025 talk is not in 2026's review");
        let (_, nih) = client.get_text("/goals/year?year=2026&style=nih").await;
        assert!(nih.contains("Alpha M, et al. Peer mentoring and grant success. Acad Med. 2026."), "{nih}");
        assert!(nih.contains("PMID: 31234567; PMCID: PMC7654321."), "{nih}");

        let markdown = client.get("/goals/year.md?year=2026&style=nih").await;
        assert_eq!(markdown.headers()["content-type"], "text/markdown; charset=utf-8");
        assert!(markdown.headers()["content-disposition"].to_str().unwrap().contains("annual-review-2026.md"));
        let markdown = markdown.text().await.unwrap();
        assert!(markdown.starts_with("# Mina Alpha: annual review 2026"), "{markdown}");
        assert!(markdown.contains("## Papers\n\n1. Alpha M, et al. Peer mentoring"), "{markdown}");
        assert!(markdown.contains("## Grants\n\n- Kidney injury in children"), "{markdown}");
        assert!(markdown.contains("## Awards\n\nNone in 2026."), "{markdown}");

        // The facilitator's review names the group she facilitates; a peer's holds none of Mina's.
        let (_, fay) = app.signed_in(FACILITATOR_A).await.get_text("/goals/year?year=2026").await;
        assert!(fay.contains("Facilitator of Group A since"), "{fay}");
        let (_, milo) = app.signed_in(MEMBER_A2).await.get_text("/goals/year.md?year=2026").await;
        assert!(!milo.contains("Peer mentoring") && !milo.contains("Kidney injury"), "{milo}");
    }
);

/// Declares a goal of `user` for the meeting `weeks` weeks after the first and reports it
/// (`open` leaves it unreported); the goal's id.
async fn history_goal(app: &TestApp, (group, user): (i64, i64), weeks: i64, status: &str, long: Option<i64>) -> i64 {
    let store = &app.state.store;
    let goal = aspire::store::meetings::NewGoal {
        group_id: group,
        user_id: user,
        meeting_start: ny("2026-06-02T09:30") + weeks * 7 * 86_400,
        text: format!("Goal of week {weeks} ({status})"),
        kind: "grant".into(),
        long_goal_id: long,
        carried_from: None,
    };
    let id = store.declare_goal(&goal, app.clock.now_value()).await.unwrap();
    if status != "open" {
        store.report_goal(id, status, "", app.clock.now_value()).await.unwrap();
    }
    id
}

on_both_backends!(my_goals_shows_the_newest_of_a_long_history_and_counts_all_of_it, |app: TestApp| async move {
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    let store = &app.state.store;
    let mina = store.user_by_email(MEMBER_A).await.unwrap().unwrap().id;
    let long = store.create_long_goal(mina, "Submit my K23", "grant", "", app.clock.now_value()).await.unwrap();
    // Thirty weeks serving the K23, then two other goals.
    for week in 0..30 {
        history_goal(&app, (world.group_a, mina), week, "met", Some(long)).await;
    }
    history_goal(&app, (world.group_a, mina), 30, "not_met", None).await;
    history_goal(&app, (world.group_a, mina), 31, "open", None).await;

    let client = app.signed_in(MEMBER_A).await;
    let (status, body) = client.get_text("/goals").await;
    assert_eq!(status, 200);
    assert!(body.contains("Met rate:</strong> 97%"), "30 met of 31 reported: {body}");
    assert!(body.contains("(30 met, 0 partly met, of 31 reported; 32 declared)"), "{body}");
    let k23 = &body[body.find("<h3>Submit my K23</h3>").unwrap()..];
    let k23 = &k23[..k23.find("</article>").unwrap()];
    for week in 25..30 {
        assert!(k23.contains(&format!("Goal of week {week} (met)")), "the newest five serve it: {k23}");
    }
    assert!(!k23.contains("Goal of week 24 "), "{k23}");
    assert!(k23.contains("And 25 earlier ones"), "{k23}");
    assert!(k23.find("week 25").unwrap() < k23.find("week 29").unwrap(), "oldest first");

    let recent = &body[body.find("<h2>Recent goals</h2>").unwrap()..];
    let recent = &recent[..recent.find("</section>").unwrap()];
    assert!(recent.contains("Your newest 20 of 32"), "{recent}");
    assert_eq!(recent.matches("<tr><th scope=\"row\">").count(), 20);
    assert!(recent.find("week 31").unwrap() < recent.find("week 12").unwrap(), "newest first");
    assert!(!recent.contains("Goal of week 11 "), "{recent}");

    // The year view still has every one of them.
    let (_, year) = client.get_text("/goals/year?year=2026").await;
    assert!(year.contains("Goal of week 0 (met)") && year.contains("Goal of week 29 (met)"));
});
