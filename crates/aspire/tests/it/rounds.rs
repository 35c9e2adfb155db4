//! Forming a cohort's groups in the app: enrol, criteria, form (a job kept in the database),
//! edit the draft, publish once, and a next round that repeats no pairing.

use std::collections::HashSet;

use aspire::domain::Profile;
use aspire::jobs::run_next_job;

use crate::harness::*;
use crate::on_both_backends;

const DEPARTMENTS: [&str; 6] = ["Medicine", "Pediatrics", "Surgery", "Psychiatry", "Neurology", "Nursing"];

/// Enrols `count` newcomers in the program directly (as a roster import would).
async fn newcomers(app: &TestApp, program: i64, prefix: &str, count: usize) {
    let people: Vec<Profile> = (0..count)
        .map(|i| {
            Profile {
                email: format!("{prefix}{i}@test.edu"),
                name: format!("{prefix} {i}"),
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
    app.state.store.import_roster(program, &people, app.clock.now_value()).await.unwrap();
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

fn id_in(path: &str) -> i64 {
    path.trim_start_matches('/').split(['/', '?']).nth(1).unwrap().parse().unwrap()
}

async fn start_round(client: &Client, program: i64, name: &str, who: &str) -> i64 {
    let csrf = client.csrf(&format!("/programs/{program}")).await;
    let response = client
        .post_form(&format!("/programs/{program}/rounds"), &[("csrf", &csrf), ("name", name), ("who", who)])
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    id_in(&location(&response))
}

/// Asks for a formation, runs the worker once, returns the draft id.
async fn form_draft(app: &TestApp, client: &Client, round: i64, key: &str) -> i64 {
    let csrf = client.csrf(&format!("/rounds/{round}")).await;
    let fields = [("csrf", csrf.as_str()), ("request_key", key), ("seconds", "2"), ("seed", "3")];
    let first = client.post_form(&format!("/rounds/{round}/jobs"), &fields).await;
    let again = client.post_form(&format!("/rounds/{round}/jobs"), &fields).await;
    assert_eq!(location(&first), location(&again), "the same request queues one job");
    let job = id_in(&location(&first));
    assert_eq!(run_next_job(&app.state).await.unwrap(), Some(job));
    assert_eq!(run_next_job(&app.state).await.unwrap(), None, "nothing else was queued");
    let job = app.state.store.job(job).await.unwrap().unwrap();
    assert_eq!(job.status, aspire::store::JobStatus::Done, "{}", job.error);
    let (_, page) = client.get_text(&format!("/jobs/{}", job.id)).await;
    assert!(page.contains("Review the draft"));
    job.draft_id.unwrap()
}

fn pairs(groups: &[Vec<String>]) -> HashSet<(String, String)> {
    let mut out = HashSet::new();
    for group in groups {
        for a in group {
            for b in group {
                if a < b {
                    out.insert((a.clone(), b.clone()));
                }
            }
        }
    }
    out
}

on_both_backends!(
    coordinator_enrols_forms_edits_and_publishes_then_a_next_round_repeats_no_pair,
    |app: TestApp| async move {
        let world = app.world().await;
        newcomers(&app, world.program, "first", 14).await;
        let client = app.signed_in(COORDINATOR).await;
        let round = start_round(&client, world.program, "2027 cohort", "newcomers").await;
        let (status, page) = client.get_text(&format!("/rounds/{round}")).await;
        assert_eq!(status, 200);
        assert!(page.contains("15 people in this round"), "14 newcomers and the spare participant");

        // Someone enrols through the shared link, filling in the week grid.
        let link = page.split("/enrol/").nth(1).unwrap().split('<').next().unwrap().to_string();
        let visitor = app.client();
        let form = visitor.get_text(&format!("/enrol/{link}")).await.1;
        let csrf = csrf_in(&form).unwrap();
        let enrol = |name: &'static str, email: &'static str| {
            vec![
                ("csrf", csrf.clone()),
                ("name", name.to_string()),
                ("email", email.to_string()),
                ("department", "Radiology".to_string()),
                ("career_stage", "instructor".to_string()),
                ("slot", "Mon 09".to_string()),
                ("slot", "Mon 10".to_string()),
            ]
        };
        let response = visitor
            .http
            .post(app.url(&format!("/enrol/{link}")))
            .form(&enrol("Rae Radiology", "rae@test.edu"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert!(response.text().await.unwrap().contains("One more step to join"));
        let rae = app.state.store.user_by_email("rae@test.edu").await.unwrap().unwrap();
        assert_eq!(rae.profile.availability, "Mon 09-11");
        assert!(
            app.state.store.list_outbox(50).await.unwrap().iter().any(|m| m.recipient == "rae@test.edu"),
            "an invitation to set a password"
        );
        let bad = visitor
            .http
            .post(app.url(&format!("/enrol/{link}")))
            .form(&enrol("", "not-an-email"))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 422);

        // Criteria: a bad value is explained and nothing is saved; a good one is kept.
        let csrf = client.csrf(&format!("/rounds/{round}/criteria")).await;
        let criteria = |min: &str, max: &str| {
            vec![
                ("csrf", csrf.clone()),
                ("min_size", min.to_string()),
                ("max_size", max.to_string()),
                ("mode_department", "diverse".to_string()),
                ("weight_department", "2".to_string()),
                ("mode_career_rank", "similar".to_string()),
                ("weight_career_rank", "1".to_string()),
                ("mode_interests", "similar".to_string()),
                ("weight_interests", "1".to_string()),
                ("min_common_slots", "1".to_string()),
                ("slots", "soft".to_string()),
                ("repeats", "avoid".to_string()),
            ]
        };
        let response = client
            .http
            .post(app.url(&format!("/rounds/{round}/criteria")))
            .form(&criteria("6", "4"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        assert!(response.text().await.unwrap().contains("Group sizes 6 to 4 are not possible"));
        let response = client
            .http
            .post(app.url(&format!("/rounds/{round}/criteria")))
            .form(&criteria("4", "6"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);

        let draft = form_draft(&app, &client, round, "first-request-key-0001").await;
        let (status, page) = client.get_text(&format!("/drafts/{draft}")).await;
        assert_eq!(status, 200);
        assert!(page.contains("Group 1") && page.contains("Why:"));
        for internal in ["career_rank", "career_stage", "assistant_professor", "weekly slot"] {
            assert!(!page.contains(internal), "the draft speaks the criteria form's words, not {internal:?}: {page}");
        }
        let groups = |id: i64| {
            let store = app.state.store.clone();
            async move { aspire::domain::draft::parse(&store.draft(id).await.unwrap().unwrap().groups).unwrap() }
        };
        let before = groups(draft).await;
        assert!(before.iter().all(|g| (4..=6).contains(&g.members.len())));

        // Move one person, lock group 1, form again keeping it.
        let mover = before[0].members[0].clone();
        let csrf = csrf_in(&page).unwrap();
        // First, what the move would do: the change in score, said before anything changes.
        let preview = client
            .http
            .post(app.url(&format!("/drafts/{draft}/preview")))
            .header("HX-Request", "true")
            .form(&[("csrf", csrf.as_str()), ("email", &mover), ("to", "2")])
            .send()
            .await
            .unwrap();
        assert_eq!(preview.status(), 200);
        let preview = preview.text().await.unwrap();
        let mover_name = app.state.store.user_by_email(&mover).await.unwrap().unwrap().profile.name;
        let total = app.state.store.draft(draft).await.unwrap().unwrap().total_score;
        assert!(
            preview.starts_with(&format!("<span>Moving {mover_name} to group 2: "))
                && preview.contains(&format!("(total {total:.2} to ")),
            "{preview}"
        );
        assert_eq!(groups(draft).await, before, "a preview changes nothing");
        let (status, page_preview) = client
            .http
            .post(app.url(&format!("/drafts/{draft}/preview")))
            .form(&[("csrf", csrf.as_str()), ("email", &mover), ("to", "2")])
            .send()
            .await
            .map(|r| (r.status().as_u16(), r))
            .unwrap();
        assert_eq!(status, 200);
        assert!(
            page_preview.text().await.unwrap().contains("Group 1"),
            "without JavaScript: the draft, with the preview"
        );
        let response = client
            .post_form(&format!("/drafts/{draft}/move"), &[("csrf", &csrf), ("email", &mover), ("to", "2")])
            .await;
        assert_eq!(response.status(), 303);
        assert!(groups(draft).await[1].members.contains(&mover), "the person moved to group 2");
        let moved_total = app.state.store.draft(draft).await.unwrap().unwrap().total_score;
        assert!(
            preview.contains(&format!(" to {moved_total:.2})")),
            "the preview said the score the move gave: {preview}"
        );
        let back = location(&response);
        assert!(back.ends_with("#group-2"), "back at the group the person went to: {back}");
        let (_, page) = client.get_text(back.split('#').next().unwrap()).await;
        let name = app.state.store.user_by_email(&mover).await.unwrap().unwrap().profile.name;
        assert!(
            page.contains(&format!(
                "Moved {name} to group 2, pinned there when the draft is formed again; the scores are the new ones."
            )),
            "{page}"
        );
        let response = client
            .post_form(&format!("/drafts/{draft}/move"), &[("csrf", &csrf), ("email", &mover), ("to", "1")])
            .await;
        assert_eq!(response.status(), 303);
        let moved = groups(draft).await;
        assert!(moved[0].members.contains(&mover), "and back to group 1");
        let response = client.post_form(&format!("/drafts/{draft}/lock"), &[("csrf", &csrf), ("group", "1")]).await;
        assert_eq!(response.status(), 303);
        let refused = client
            .post_form(
                &format!("/drafts/{draft}/move"),
                &[("csrf", &csrf), ("email", &moved[0].members[0]), ("to", "2")],
            )
            .await;
        assert_eq!(refused.status(), 422);
        assert!(refused.text().await.unwrap().contains("Group 1 is locked"));
        // A swap between groups 2 and 3 pins both people where they went; forming again keeps
        // them there, by group number, and starts from this draft.
        let (to_three, to_two) = (moved[1].members[0].clone(), moved[2].members[0].clone());
        let response = client
            .post_form(&format!("/drafts/{draft}/swap"), &[("csrf", &csrf), ("a", &to_three), ("b", &to_two)])
            .await;
        assert_eq!(response.status(), 303);
        let (_, page) = client.get_text(&format!("/drafts/{draft}")).await;
        assert_eq!(page.matches(">pinned</span>").count(), 3, "the mover and the two swapped are pinned: {page}");
        let unpin = client.post_form(&format!("/drafts/{draft}/unpin"), &[("csrf", &csrf), ("email", &mover)]).await;
        assert_eq!(unpin.status(), 303);
        let (_, page) = client.get_text(&location(&unpin)).await;
        assert!(page.contains(&format!("{name} is no longer pinned to group 1")), "{page}");
        assert_eq!(page.matches(">pinned</span>").count(), 2);
        let edited = app.state.store.draft(draft).await.unwrap().unwrap();
        let response = client
            .post_form(
                &format!("/drafts/{draft}/rerun"),
                &[("csrf", &csrf), ("request_key", "rerun-request-key-0001"), ("seconds", "1")],
            )
            .await;
        let job = id_in(&location(&response));
        assert_eq!(run_next_job(&app.state).await.unwrap(), Some(job));
        let second = app.state.store.job(job).await.unwrap().unwrap().draft_id.unwrap();
        let rerun = groups(second).await;
        assert!(rerun[2].members.contains(&to_three) && rerun[2].pinned.contains(&to_three), "{rerun:?}");
        assert!(rerun[1].members.contains(&to_two) && rerun[1].pinned.contains(&to_two), "{rerun:?}");
        let formed_again = app.state.store.draft(second).await.unwrap().unwrap();
        assert!(
            formed_again.total_score >= edited.total_score - 1e-6,
            "started from the edited draft, it scores no less: {} < {}",
            formed_again.total_score,
            edited.total_score
        );
        let mut kept = moved[0].members.clone();
        kept.sort();
        assert!(
            rerun.iter().any(|g| {
                let mut m = g.members.clone();
                m.sort();
                m == kept && g.locked
            }),
            "the locked group is kept as it was"
        );
        let (_, round_page) = client.get_text(&format!("/rounds/{round}")).await;
        assert!(round_page.contains("Draft 1") && round_page.contains("Draft 2"), "drafts side by side");
        let (_, second_page) = client.get_text(&format!("/drafts/{second}")).await;
        let (first_draft, second_draft) = (
            app.state.store.draft(draft).await.unwrap().unwrap(),
            app.state.store.draft(second).await.unwrap().unwrap(),
        );
        let said =
            format!("Formed again from {} (score {:.2}): this draft scores", first_draft.name, first_draft.total_score);
        assert!(second_page.contains(&said), "{second_page}");
        let verdict = if second_draft.total_score + 0.005 < first_draft.total_score {
            format!("{:.2} less", first_draft.total_score - second_draft.total_score)
        } else if second_draft.total_score > first_draft.total_score + 0.005 {
            format!("{:.2} more", second_draft.total_score - first_draft.total_score)
        } else {
            "the same score".to_string()
        };
        assert!(second_page.contains(&verdict), "{verdict}: {second_page}");
        let (_, first_page) = client.get_text(&format!("/drafts/{draft}")).await;
        assert!(!first_page.contains("Formed again from"), "the first draft came from a plain run");

        // Publish, naming one of group 1's members its facilitator. Someone in a group of a
        // cohort that has not ended (Bea, of group B) is no alumna: the picker does not offer her.
        assert!(!first_page.contains("Bea Beta"), "only alumni of closed cohorts are offered: {first_page}");
        let chosen = groups(draft).await[0].members[0].clone();
        let alumna = app.state.store.user_by_email(&chosen).await.unwrap().unwrap();
        let publish = [("csrf", csrf.as_str()), ("facilitator_1", &alumna.id.to_string())];
        let response = client.post_form(&format!("/drafts/{draft}/publish"), &publish).await;
        assert_eq!(location(&response), format!("/rounds/{round}?notice=published"));
        let groups_after = app.state.store.program_groups(world.program).await.unwrap();
        let published: Vec<_> = groups_after.iter().filter(|g| g.name.starts_with("2027 cohort")).collect();
        assert_eq!(published.len(), moved.len());
        let again = client.post_form(&format!("/drafts/{second}/publish"), &[("csrf", csrf.as_str())]).await;
        assert_eq!(location(&again), format!("/rounds/{round}?notice=already-published"));
        assert_eq!(
            app.state.store.program_groups(world.program).await.unwrap().len(),
            groups_after.len(),
            "publishing twice adds nothing"
        );
        let group_one = app.state.store.group_members(published[0].id).await.unwrap();
        assert!(group_one.iter().any(|m| m.user.id == alumna.id && m.is_facilitator()));
        let mail = app.state.store.list_outbox(200).await.unwrap();
        let welcome = mail
            .iter()
            .find(|m| m.recipient == mover && m.subject.contains("Your peer group"))
            .expect("each member is told");
        assert!(welcome.body.contains("Your peers:"));
        // Whoever has never set a password finds their invitation in the group's email.
        for email in mail.iter().filter(|m| m.subject.contains("Your peer group")) {
            let person = app.state.store.user_by_email(&email.recipient).await.unwrap().unwrap();
            let link = email.body.lines().find(|l| l.contains("/invite/")).map(|l| l.trim().to_string());
            assert_eq!(link.is_some(), person.password_hash.is_none(), "{}: {}", email.recipient, email.body);
            if let Some(link) = link {
                let path = link.split_once(&app.address.to_string()).unwrap().1.to_string();
                let (status, page) = app.client().get_text(&path).await;
                assert_eq!(status, 200, "the invitation in the group email works");
                assert!(page.contains(&person.profile.name), "{page}");
            }
        }
        assert!(mail.iter().any(|m| m.body.contains("/invite/")), "someone in the new groups was invited");

        // Next round: everyone again.
        newcomers(&app, world.program, "second", 4).await;
        let next = start_round(&client, world.program, "2028 cohort", "everyone").await;
        // Smaller groups this time, and earlier pairings ruled out: everyone meets new peers.
        let csrf = client.csrf(&format!("/rounds/{next}/criteria")).await;
        let mut fields = criteria("3", "4");
        fields[0].1 = csrf.clone();
        fields.retain(|(k, _)| *k != "repeats");
        fields.push(("repeats", "forbid".to_string()));
        let response =
            client.http.post(app.url(&format!("/rounds/{next}/criteria"))).form(&fields).send().await.unwrap();
        assert_eq!(response.status(), 303);
        let next_draft = form_draft(&app, &client, next, "next-request-key-0001").await;
        let earlier: Vec<Vec<String>> = app.state.store.past_groups(world.program, next, i64::MAX).await.unwrap();
        let now: Vec<Vec<String>> = groups(next_draft).await.into_iter().map(|g| g.members).collect();
        let repeated: Vec<_> = pairs(&now).intersection(&pairs(&earlier)).cloned().collect();
        assert!(repeated.is_empty(), "no pair is grouped again: {repeated:?}");
    }
);

on_both_backends!(an_interrupted_job_resumes_once_then_fails_clearly, |app: TestApp| async move {
    let world = app.world().await;
    newcomers(&app, world.program, "p", 11).await;
    let client = app.signed_in(COORDINATOR).await;
    let round = start_round(&client, world.program, "R", "newcomers").await;
    let csrf = client.csrf(&format!("/rounds/{round}")).await;
    let response = client
        .post_form(
            &format!("/rounds/{round}/jobs"),
            &[("csrf", &csrf), ("request_key", "interrupted-key-00001"), ("seconds", "1")],
        )
        .await;
    let job = id_in(&location(&response));
    let store = &app.state.store;
    let now = app.clock.now_value();
    // A server claims it and stops (no heartbeat): after the stale time another takes it up.
    assert_eq!(store.claim_next_job(now, now - aspire::jobs::STALE_SECONDS).await.unwrap().unwrap().id, job);
    assert!(
        store.claim_next_job(now, now - aspire::jobs::STALE_SECONDS).await.unwrap().is_none(),
        "not while it may be alive"
    );
    app.clock.advance(aspire::jobs::STALE_SECONDS + 1);
    assert_eq!(run_next_job(&app.state).await.unwrap(), Some(job));
    assert_eq!(store.job(job).await.unwrap().unwrap().status, aspire::store::JobStatus::Done, "resumed and finished");

    // Interrupted twice: marked failed with a message that says what to do.
    let response = client
        .post_form(
            &format!("/rounds/{round}/jobs"),
            &[("csrf", &csrf), ("request_key", "interrupted-key-00002"), ("seconds", "1")],
        )
        .await;
    let job = id_in(&location(&response));
    for _ in 0..2 {
        let now = app.clock.now_value();
        assert_eq!(store.claim_next_job(now, now - aspire::jobs::STALE_SECONDS).await.unwrap().unwrap().id, job);
        app.clock.advance(aspire::jobs::STALE_SECONDS + 1);
    }
    assert_eq!(run_next_job(&app.state).await.unwrap(), None);
    let failed = store.job(job).await.unwrap().unwrap();
    assert_eq!(failed.status, aspire::store::JobStatus::Failed);
    assert!(failed.error.contains("Start the formation again"), "{}", failed.error);
    let (_, page) = client.get_text(&format!("/jobs/{job}")).await;
    assert!(page.contains("Start the formation again"));
});

on_both_backends!(rounds_and_drafts_stay_within_their_program, |app: TestApp| async move {
    let world = app.world().await;
    newcomers(&app, world.program, "p", 11).await;
    let client = app.signed_in(COORDINATOR).await;
    let round = start_round(&client, world.program, "R", "newcomers").await;
    let draft = form_draft(&app, &client, round, "scoped-request-key-01").await;
    for email in [OTHER_COORDINATOR, MEMBER_A, FACILITATOR_A] {
        let other = app.signed_in(email).await;
        for path in [format!("/rounds/{round}"), format!("/drafts/{draft}"), format!("/rounds/{round}/criteria")] {
            let (status, body) = other.get_text(&path).await;
            assert_eq!(status, 404, "{email} {path}");
            assert!(!body.contains("p 1"), "nothing of the round leaks");
        }
        let csrf = other.csrf("/profile").await;
        let response = other.post_form(&format!("/drafts/{draft}/publish"), &[("csrf", &csrf)]).await;
        assert_eq!(response.status(), 404);
    }
    assert!(app.state.store.round(round).await.unwrap().unwrap().published_draft_id.is_none());
});

on_both_backends!(newcomers_join_existing_groups_without_breaking_them, |app: TestApp| async move {
    let world = app.world().await;
    newcomers(&app, world.program, "new", 2).await;
    let store = &app.state.store;
    let before_a: Vec<i64> = store.group_members(world.group_a).await.unwrap().iter().map(|m| m.user.id).collect();
    let client = app.signed_in(COORDINATOR).await;
    let round = start_round(&client, world.program, "Spring joiners", "newcomers").await;
    let csrf = client.csrf(&format!("/rounds/{round}")).await;
    let response = client.post_form(&format!("/rounds/{round}/place"), &[("csrf", &csrf)]).await;
    assert_eq!(location(&response), format!("/rounds/{round}?notice=placed"));
    for email in ["new0@test.edu", "new1@test.edu", SPARE] {
        let user = store.user_by_email(email).await.unwrap().unwrap();
        let groups = store.groups_of_user(user.id).await.unwrap();
        assert_eq!(groups.len(), 1, "{email} is in exactly one group");
        assert!(store.list_outbox(50).await.unwrap().iter().any(|m| m.recipient == email), "{email} is told");
    }
    let after_a: Vec<i64> = store.group_members(world.group_a).await.unwrap().iter().map(|m| m.user.id).collect();
    assert!(before_a.iter().all(|id| after_a.contains(id)), "nobody already placed moved");
    assert_eq!(store.program_groups(world.program).await.unwrap().len(), 2, "no new group");
});

on_both_backends!(an_enrolment_link_enrols_only_newcomers_who_confirm_and_not_in_bulk, |app: TestApp| async move {
    let world = app.world().await;
    let client = app.signed_in(COORDINATOR).await;
    let round = start_round(&client, world.program, "2028 cohort", "newcomers").await;
    let count = || async { client.get_text(&format!("/rounds/{round}")).await.1 };
    let page = count().await;
    assert!(page.contains("<p>1 person in this round"), "the spare only");
    let link = page.split("/enrol/").nth(1).unwrap().split('<').next().unwrap().to_string();
    let visitor = app.client();
    let csrf = csrf_in(&visitor.get_text(&format!("/enrol/{link}")).await.1).unwrap();
    let enrol = |email: String, department: &'static str| {
        let csrf = csrf.clone();
        let visitor = &visitor;
        let link = link.clone();
        async move {
            let form = [
                ("csrf", csrf.as_str()),
                ("name", "New Person"),
                ("email", email.as_str()),
                ("department", department),
                ("career_stage", "instructor"),
                ("slot", "Mon 09"),
            ];
            let response = visitor.post_form(&format!("/enrol/{link}"), &form).await;
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    // Someone else's email is not enrolled from the anonymous form, nor one without a department.
    let (status, body) = enrol(MEMBER_B.to_string(), "Radiology").await;
    assert_eq!(status, 422);
    assert!(body.contains("already has an account: sign in"), "{body}");
    let (status, body) = enrol("no.department@test.edu".into(), "").await;
    assert_eq!(status, 422, "required on the server too");
    assert!(body.contains("Give your department"), "{body}");
    // A newcomer counts in the round once they confirm their email by setting a password.
    let (status, _) = enrol("rae@test.edu".into(), "Radiology").await;
    assert_eq!(status, 200);
    assert!(count().await.contains("<p>1 person in this round"), "not before confirming");
    let mail = app.state.store.list_outbox(1).await.unwrap().remove(0);
    assert_eq!(mail.recipient, "rae@test.edu");
    let invite = mail.body.lines().find(|l| l.contains("/invite/")).unwrap().trim().to_string();
    let path = invite.split_once(&app.address.to_string()).unwrap().1.to_string();
    let rae = app.client();
    let csrf_invite = rae.csrf(&path).await;
    let form =
        [("csrf", csrf_invite.as_str()), ("password", "a long new password"), ("confirm", "a long new password")];
    assert_eq!(rae.post_form(&path, &form).await.status(), 303);
    assert!(count().await.contains("<p>2 people in this round"), "confirmed, Rae counts");
    // One client enrols a few newcomers an hour, not hundreds.
    let mut statuses = Vec::new();
    for i in 0..6 {
        statuses.push(enrol(format!("bulk{i}@test.edu"), "Radiology").await.0);
    }
    assert_eq!(statuses, [200, 200, 200, 200, 429, 429], "five an hour from one address, Rae included");
});

on_both_backends!(
    each_run_has_a_seed_of_its_own_and_publishing_leaves_every_draft_as_it_was_formed,
    |app: TestApp| async move {
        let world = app.world().await;
        newcomers(&app, world.program, "s", 11).await;
        let client = app.signed_in(COORDINATOR).await;
        let round = start_round(&client, world.program, "2027 cohort", "newcomers").await;
        // Earlier pairings are to be avoided: the history is what publishing changes.
        let csrf = client.csrf(&format!("/rounds/{round}/criteria")).await;
        let criteria = [
            ("csrf", csrf.as_str()),
            ("min_size", "4"),
            ("max_size", "6"),
            ("mode_department", "diverse"),
            ("weight_department", "2"),
            ("mode_career_rank", "similar"),
            ("weight_career_rank", "1"),
            ("mode_interests", "similar"),
            ("weight_interests", "1"),
            ("min_common_slots", "1"),
            ("slots", "soft"),
            ("repeats", "avoid"),
        ];
        let response = client.post_form(&format!("/rounds/{round}/criteria"), &criteria).await;
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        let total_of = |page: &str| page.split("Total score ").nth(1).unwrap().split(' ').next().unwrap().to_string();
        let mut drafts = Vec::new();
        for key in ["fresh-seed-request-0001", "fresh-seed-request-0002"] {
            // No seed typed, as the round page offers it.
            let csrf = client.csrf(&format!("/rounds/{round}")).await;
            let fields = [("csrf", csrf.as_str()), ("request_key", key), ("seconds", "1"), ("seed", "")];
            let job = id_in(&location(&client.post_form(&format!("/rounds/{round}/jobs"), &fields).await));
            assert_eq!(run_next_job(&app.state).await.unwrap(), Some(job));
            let (_, job_page) = client.get_text(&format!("/jobs/{job}")).await;
            let draft = app.state.store.job(job).await.unwrap().unwrap().draft_id.unwrap();
            let (_, draft_page) = client.get_text(&format!("/drafts/{draft}")).await;
            assert!(job_page.contains(&format!("Best score: {}", total_of(&draft_page))), "{job_page}");
            let moves: u64 =
                job_page.split(" moves tried").next().unwrap().rsplit(' ').next().unwrap().parse().unwrap();
            assert!(moves > 0, "the search's moves are counted however quickly it ended: {job_page}");
            drafts.push((draft, app.state.store.draft(draft).await.unwrap().unwrap().name, total_of(&draft_page)));
        }
        assert_ne!(drafts[0].1, drafts[1].1, "two runs, two seeds, each in the draft's name: {drafts:?}");

        let csrf = client.csrf(&format!("/drafts/{}", drafts[0].0)).await;
        let response = client.post_form(&format!("/drafts/{}/publish", drafts[0].0), &[("csrf", &csrf)]).await;
        assert_eq!(location(&response), format!("/rounds/{round}?notice=published"));
        for (draft, name, total) in &drafts {
            let (status, page) = client.get_text(&format!("/drafts/{draft}")).await;
            assert_eq!(status, 200);
            assert_eq!(&total_of(&page), total, "{name} keeps the score it was formed with");
            assert!(!page.contains("earlier round"), "no warning about pairs this round made itself: {page}");
        }
    }
);

on_both_backends!(
    criteria_naming_someone_outside_the_round_are_refused_on_the_form_and_the_round_page_says_what_is_in_force,
    |app: TestApp| async move {
        let world = app.world().await;
        newcomers(&app, world.program, "c", 9).await;
        let client = app.signed_in(COORDINATOR).await;
        let round = start_round(&client, world.program, "2027 cohort", "newcomers").await;
        let (_, page) = client.get_text(&format!("/rounds/{round}")).await;
        assert!(page.contains("Groups of 5 to 7; alike in career stage and research interests"), "{page}");
        assert!(page.contains("grouped again only where it cannot be helped"), "the page and the form agree: {page}");
        let (_, form) = client.get_text(&format!("/rounds/{round}/criteria")).await;
        assert!(form.contains(r#"<option value="avoid" selected>"#), "the form's default is what the page says");

        let csrf = client.csrf(&format!("/rounds/{round}/criteria")).await;
        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("min_size", "6"),
            ("max_size", "6"),
            ("mode_department", "diverse"),
            ("weight_department", "2"),
            ("min_common_slots", "1"),
            ("slots", "soft"),
            ("repeats", "allow"),
            ("keep_apart", "spare@test.edu, nobody@nowhere.edu"),
        ];
        let response = client.post_form(&format!("/rounds/{round}/criteria"), &fields).await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.unwrap();
        assert!(page.contains("Keep apart: nobody@nowhere.edu is not in this round"), "{page}");
        assert!(page.contains("spare@test.edu, nobody@nowhere.edu</textarea>"), "what was typed is kept: {page}");
        let saved = app.state.store.round(round).await.unwrap().unwrap();
        assert!(!saved.criteria.contains("nowhere"), "nothing was saved");

        // Saved without the stranger: 10 people cannot make groups of exactly 6, said before a job runs.
        fields.pop();
        let response = client.post_form(&format!("/rounds/{round}/criteria"), &fields).await;
        assert_eq!(response.status(), 303);
        let (_, page) = client.get_text(&format!("/rounds/{round}")).await;
        assert!(page.contains("may be grouped again"), "{page}");
        assert!(page.contains("10 people cannot be split into groups of 6 to 6"), "{page}");
        let csrf = client.csrf(&format!("/rounds/{round}")).await;
        let fields = [("csrf", csrf.as_str()), ("request_key", "impossible-sizes-0001"), ("seconds", "1")];
        let response = client.post_form(&format!("/rounds/{round}/jobs"), &fields).await;
        assert_eq!(response.status(), 422);
        assert!(response.text().await.unwrap().contains("This round cannot be formed yet"));
        assert!(app.state.store.round_jobs(round).await.unwrap().is_empty(), "no search was queued");
    }
);

on_both_backends!(
    two_drafts_compared_side_by_side_show_who_differs_and_what_each_criterion_adds,
    |app: TestApp| async move {
        let world = app.world().await;
        newcomers(&app, world.program, "d", 12).await;
        let client = app.signed_in(COORDINATOR).await;
        let round = start_round(&client, world.program, "2027 cohort", "newcomers").await;
        let (_, page) = client.get_text(&format!("/rounds/{round}/compare")).await;
        assert!(page.contains("Form at least two drafts"), "{page}");
        let first = form_draft(&app, &client, round, "compare-request-0001").await;
        // The second draft is the first with two people of different groups swapped by hand.
        let csrf = client.csrf(&format!("/drafts/{first}")).await;
        let groups =
            aspire::domain::draft::parse(&app.state.store.draft(first).await.unwrap().unwrap().groups).unwrap();
        let copy = app.state.store.draft(first).await.unwrap().unwrap();
        let scores =
            aspire::store::DraftScores { total: copy.total_score, worst: copy.worst_score, warnings: copy.warnings };
        let second = app
            .state
            .store
            .create_draft(round, "Draft 2 (by hand)", &copy.groups, scores, app.clock.now_value())
            .await
            .unwrap();
        let (a, b) = (groups[0].members[0].clone(), groups[1].members[0].clone());
        let response =
            client.post_form(&format!("/drafts/{second}/swap"), &[("csrf", &csrf), ("a", &a), ("b", &b)]).await;
        assert_eq!(response.status(), 303);

        let (status, page) = client.get_text(&format!("/rounds/{round}/compare?a={first}&b={second}")).await;
        assert_eq!(status, 200);
        assert!(page.contains("2 people are in a different group"), "{page}");
        let marked = page.matches(r#"<span class="badge">moved</span>"#).count();
        assert_eq!(marked, 4, "each of the two is marked on both sides: {page}");
        for email in [&a, &b] {
            let name = app.state.store.user_by_email(email).await.unwrap().unwrap().profile.name;
            assert!(page.contains(&format!("<mark>{name}</mark>")), "{name} is marked: {page}");
        }
        assert!(page.contains("Department (mixed)") && page.contains("Career stage (alike)"), "{page}");
        assert!(page.contains("Common weekly hours"), "{page}");
        for draft in [first, second] {
            let (_, draft_page) = client.get_text(&format!("/drafts/{draft}")).await;
            let total = draft_page.split("Total score ").nth(1).unwrap().split(' ').next().unwrap();
            assert!(
                page.contains(&format!("<strong>{total}</strong>")),
                "draft {draft}'s total {total} is shown: {page}"
            );
        }

        let (status, page) = client.get_text(&format!("/rounds/{round}/compare?a=first&b={second}")).await;
        assert_eq!(status, 400);
        assert!(page.contains("&#34;first&#34; is not a draft: choose two drafts from the lists"), "{page}");

        // A draft of another round is not compared, even in the same program.
        let other = start_round(&client, world.program, "Another round", "newcomers").await;
        let (status, _) = client.get_text(&format!("/rounds/{other}/compare?a={first}&b={second}")).await;
        assert_eq!(status, 404);
    }
);

on_both_backends!(a_coordinator_renames_a_group_and_nobody_else_can, |app: TestApp| async move {
    let world = app.world().await;
    let coordinator = app.signed_in(COORDINATOR).await;
    let path = format!("/groups/{}", world.group_a);
    let csrf = coordinator.csrf(&path).await;
    let rename = |name: &'static str, csrf: String| {
        let client = &coordinator;
        let path = format!("{path}/rename");
        async move { client.post_form(&path, &[("csrf", &csrf), ("name", name)]).await }
    };
    let response = rename("  2026-27 KL2 cohort · Tuesday writers  ", csrf.clone()).await;
    assert_eq!(location(&response), format!("{path}?notice=renamed"));
    let (_, page) = coordinator.get_text(&path).await;
    assert!(page.contains("<h1>2026-27 KL2 cohort · Tuesday writers</h1>"), "{page}");
    let (_, home) = app.signed_in(MEMBER_A).await.get_text("/").await;
    assert!(home.contains("2026-27 KL2 cohort · Tuesday writers"), "members see the new name: {home}");

    let response = rename("Group B", csrf.clone()).await;
    assert_eq!(response.status(), 409, "the program already has a Group B");
    assert!(response.text().await.unwrap().contains("A group with this name already exists"));
    let response = rename("   ", csrf.clone()).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("A group needs a name of 1 to 80 characters"));

    // The group's own facilitator, and the other program's coordinator, cannot rename it.
    for who in [FACILITATOR_A, OTHER_COORDINATOR] {
        let client = app.signed_in(who).await;
        let csrf = client.csrf("/").await;
        let response = client.post_form(&format!("{path}/rename"), &[("csrf", &csrf), ("name", "Mine now")]).await;
        assert_eq!(response.status(), 404, "{who}");
    }
    let group = app.state.store.group(world.group_a).await.unwrap().unwrap();
    assert_eq!(group.name, "2026-27 KL2 cohort · Tuesday writers");
    let log = app.state.store.audit_log(20).await.unwrap();
    assert!(log.iter().any(|e| e.action == "renamed a group" && e.subject.starts_with("Group A -> 2026-27")));
});

on_both_backends!(the_swap_picker_tells_two_people_of_the_same_name_apart, |app: TestApp| async move {
    let world = app.world().await;
    newcomers(&app, world.program, "n", 8).await;
    let twins: Vec<Profile> = [("ana.ruiz@test.edu", "Surgery"), ("a.ruiz@test.edu", "Pediatrics")]
        .into_iter()
        .map(|(email, department)| {
            Profile {
                email: email.into(),
                name: "Ana Ruiz".into(),
                department: department.into(),
                ..Profile::default()
            }
            .validate()
            .unwrap()
        })
        .collect();
    app.state.store.import_roster(world.program, &twins, app.clock.now_value()).await.unwrap();
    let client = app.signed_in(COORDINATOR).await;
    let round = start_round(&client, world.program, "2027 cohort", "newcomers").await;
    let draft = form_draft(&app, &client, round, "twins-request-key-0001").await;
    let (_, page) = client.get_text(&format!("/drafts/{draft}")).await;
    for label in ["Ana Ruiz (Surgery)", "Ana Ruiz (Pediatrics)"] {
        assert_eq!(page.matches(&format!(">{label}</option>")).count(), 2, "{label} in both swap pickers: {page}");
    }
});

on_both_backends!(
    closing_a_cohort_keeps_its_groups_as_archives_for_their_members_and_makes_them_alumni,
    |app: TestApp| async move {
        let world = app.world().await;
        let store = &app.state.store;
        for i in 0..6 {
            let id = app.user(&format!("kl2.{i}@test.edu"), &format!("Kay Ell {i}"), false).await;
            store.add_program_member(world.program, id, aspire::store::ProgramRole::Participant).await.unwrap();
        }
        let client = app.signed_in(COORDINATOR).await;
        let round = start_round(&client, world.program, "2026-27 KL2 cohort", "newcomers").await;
        let csrf = client.csrf(&format!("/rounds/{round}")).await;
        let early = client.post_form(&format!("/rounds/{round}/close"), &[("csrf", &csrf)]).await;
        assert_eq!(early.status(), 422, "a cohort without groups cannot end");
        let draft = form_draft(&app, &client, round, "close-request-key-0001").await;
        let response = client.post_form(&format!("/drafts/{draft}/publish"), &[("csrf", &csrf)]).await;
        assert_eq!(location(&response), format!("/rounds/{round}?notice=published"));
        let groups = store.program_groups(world.program).await.unwrap();
        let group = groups.iter().find(|g| g.name.starts_with("2026-27 KL2 cohort")).unwrap().id;

        // While the group meets, a member starts a thread.
        let member = app.signed_in("kl2.0@test.edu").await;
        let discussion = format!("/groups/{group}/discussion");
        let member_csrf = member.csrf(&discussion).await;
        let thread = |title: &'static str| {
            let fields =
                [("csrf", member_csrf.clone()), ("title", title.to_string()), ("body", "Draft attached".into())];
            member.http.post(app.url(&discussion)).form(&fields).send()
        };
        let started = thread("Specific aims, ARCHIVED-THREAD").await.unwrap();
        assert_eq!(started.status(), 303);
        let thread_path = location(&started);

        // The coordinator ends the cohort, once.
        let closed = client.post_form(&format!("/rounds/{round}/close"), &[("csrf", &csrf)]).await;
        assert_eq!(location(&closed), format!("/rounds/{round}?notice=closed"));
        let again = client.post_form(&format!("/rounds/{round}/close"), &[("csrf", &csrf)]).await;
        assert_eq!(location(&again), format!("/rounds/{round}?notice=already-closed"));

        // Its members still read the group; nothing new is added to it.
        let (status, page) = member.get_text(&format!("/groups/{group}")).await;
        assert_eq!(status, 200);
        assert!(page.contains("The group is an archive now"), "{page}");
        let (status, page) = member.get_text(&thread_path).await;
        assert_eq!(status, 200);
        assert!(page.contains("ARCHIVED-THREAD"));
        let refused = thread("Another thread").await.unwrap();
        assert_eq!(refused.status(), 422);
        assert!(refused.text().await.unwrap().contains("cohort has ended"));
        let reply = member
            .post_form(&format!("{thread_path}/replies"), &[("csrf", &member_csrf), ("body", "One more thing")])
            .await;
        assert_eq!(reply.status(), 422);
        // Its meetings are kept to read, without the forms that would add to them.
        crate::meetings::weekly_tuesdays(&app, group, "kl2.0@test.edu").await;
        let meeting = format!("/groups/{group}/meetings/{}", crate::meetings::ny("2026-06-02T09:30"));
        let (status, page) = member.get_text(&meeting).await;
        assert_eq!(status, 200);
        assert!(page.contains("the meeting is kept here to read"), "{page}");
        assert!(!page.contains("/goals\" class=\"grid\"") && !page.contains("/cancel\""), "{page}");
        assert!(store.group(world.group_a).await.unwrap().unwrap().archived_at.is_none(), "other groups go on");
        // A win is no longer offered to, nor taken for, the archive; the program still is.
        let (_, wins) = member.get_text("/wins").await;
        assert!(!wins.contains(&format!("value=\"group:{group}\"")), "{wins}");
        assert!(wins.contains("Everyone in KL2 Scholars"), "{wins}");
        let win = member
            .post_form(
                "/wins",
                &[
                    ("csrf", &member_csrf),
                    ("kind", "talk"),
                    ("title", "Grand rounds"),
                    ("share", &format!("group:{group}")),
                ],
            )
            .await;
        assert_eq!(win.status(), 422);

        // The coordinator sees them as alumni, with their cohort and its year.
        let year =
            jiff::Timestamp::from_second(app.clock.now_value()).unwrap().to_zoned(jiff::tz::TimeZone::UTC).year();
        let (_, program_page) = client.get_text(&format!("/programs/{}", world.program)).await;
        assert!(program_page.contains(&format!("2026-27 KL2 cohort ({year})")), "{program_page}");

        // A next cohort's facilitator picker offers the alumni, named with their cohort; Bea, in a
        // group of a cohort that goes on, is no alumna.
        newcomers(&app, world.program, "next", 5).await;
        let next = start_round(&client, world.program, "2027-28 KL2 cohort", "newcomers").await;
        let next_draft = form_draft(&app, &client, next, "close-request-key-0002").await;
        let (_, page) = client.get_text(&format!("/drafts/{next_draft}")).await;
        assert!(page.contains(&format!("Kay Ell 0, alum of 2026-27 KL2 cohort ({year})")), "{page}");
        assert!(!page.contains("Bea Beta"), "{page}");
    }
);
