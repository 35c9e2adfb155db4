//! Identity questions for balanced groups: a program asks in its own words, people answer for
//! themselves (or a roster fills in what they have not), the engine keeps anyone from being the
//! only one of their kind in a group, and nobody is ever shown who answered what.

use aspire::jobs::run_next_job;

use crate::harness::*;
use crate::on_both_backends;

/// The program's wording carries a marker, so that a page showing an answer is caught.
const WOMAN: &str = "Woman ID7F";
const MAN: &str = "Man ID7F";
const MARKER: &str = "ID7F";

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

on_both_backends!(
    a_balance_rule_on_a_self_identified_attribute_shapes_groups_and_no_page_says_who_holds_it,
    |app: TestApp| async move {
        let world = app.world().await;
        let coordinator = app.signed_in(COORDINATOR).await;
        let program = world.program;

        // The coordinator asks the question in the program's words; a bad one is explained.
        let csrf = coordinator.csrf(&format!("/programs/{program}/identity")).await;
        let bad = coordinator
            .post_form(
                &format!("/programs/{program}/identity"),
                &[("csrf", &csrf), ("key", "department"), ("question", "Dept?"), ("choices", "A\nB")],
            )
            .await;
        assert_eq!(bad.status(), 422);
        let bad = bad.text().await.unwrap();
        assert!(bad.contains("already a profile field") && bad.contains("Dept?"), "kept as typed: {bad}");
        let choices = format!("{WOMAN}\n{MAN}\nNon-binary ID7F");
        let added = coordinator
            .post_form(
                &format!("/programs/{program}/identity"),
                &[
                    ("csrf", &csrf),
                    ("key", "gender"),
                    ("question", "How do you describe your gender?"),
                    ("choices", &choices),
                ],
            )
            .await;
        assert_eq!(added.status(), 303);
        let question = app.state.store.identity_questions(&[program]).await.unwrap().remove(0);

        // A member answers on their profile, after reading who sees it; a made-up answer is refused.
        let member = app.signed_in(MEMBER_A).await;
        let (_, profile) = member.get_text("/profile").await;
        assert!(profile.contains("How do you describe your gender?") && profile.contains("never shown to your peers"));
        let csrf = csrf_in(&profile).unwrap();
        let field = format!("identity_{}", question.id);
        let refused = member.post_form("/profile/identity", &[("csrf", &csrf), (&field, "Female")]).await;
        assert_eq!(refused.status(), 422);
        let refused = refused.text().await.unwrap();
        assert!(refused.contains("Female") && refused.contains("is not an answer to"), "{refused}");
        let saved = member.post_form("/profile/identity", &[("csrf", &csrf), (&field, WOMAN)]).await;
        assert_eq!(saved.status(), 303);
        assert_eq!(
            app.state
                .store
                .own_identity_answers(app.state.store.user_by_email(MEMBER_A).await.unwrap().unwrap().id)
                .await
                .unwrap(),
            vec![(question.id, WOMAN.to_string())]
        );
        // Someone outside the program sends an answer to it: nothing is kept.
        let outsider = app.signed_in(OTHER_COORDINATOR).await;
        let csrf_other = outsider.csrf("/profile").await;
        let sent = outsider.post_form("/profile/identity", &[("csrf", &csrf_other), (&field, WOMAN)]).await;
        assert_eq!(sent.status(), 303);
        let other_id = app.state.store.user_by_email(OTHER_COORDINATOR).await.unwrap().unwrap().id;
        assert!(app.state.store.own_identity_answers(other_id).await.unwrap().is_empty());

        // A roster carries the column: a value that is not a choice names its line, nothing is written.
        let mut roster = String::from("email,name,department,career stage,availability,gender\n");
        let departments = ["Medicine", "Surgery", "Pediatrics", "Neurology"];
        for i in 0..16 {
            let gender = if i % 4 == 0 { WOMAN } else { MAN };
            let department = departments[i % 4];
            roster.push_str(&format!("p{i}@test.edu,Person {i},{department},instructor,Mon 09-11,{gender}\n"));
        }
        // Sam (who has an account) is on it too: his answer is filled in, for him to confirm.
        roster.push_str(&format!("spare@test.edu,Sam Spare,Radiology,instructor,Mon 09-11,{MAN}\n"));
        let csrf = coordinator.csrf(&format!("/programs/{program}/import")).await;
        let wrong = roster.replacen(WOMAN, "Female", 1);
        let refused = coordinator
            .post_form(&format!("/programs/{program}/import/confirm"), &[("csrf", &csrf), ("roster", &wrong)])
            .await;
        assert_eq!(refused.status(), 422);
        let refused = refused.text().await.unwrap();
        assert!(
            refused.contains("Line 2: ") && refused.contains("is not an answer to"),
            "the bad row is named: {refused}"
        );
        assert!(app.state.store.user_by_email("p0@test.edu").await.unwrap().is_none(), "nothing was imported");
        let imported = coordinator
            .post_form(&format!("/programs/{program}/import/confirm"), &[("csrf", &csrf), ("roster", &roster)])
            .await;
        assert_eq!(imported.status(), 303, "{}", imported.text().await.unwrap());

        // The counts: 4 women among 17 participants who answered from the roster, plus Mina:
        // 5 women is small, and hiding it alone would not do (18 - 13), so the men are hidden too.
        let (_, counts) = coordinator.get_text(&format!("/programs/{program}/identity")).await;
        assert!(counts.contains("answered: 18"), "{counts}");
        assert!(!counts.contains("<td>5</td>") && !counts.contains("<td>13</td>"), "{counts}");
        let sam = app.signed_in(SPARE).await;
        let (_, profile) = sam.get_text("/profile").await;
        assert!(
            profile.contains("Filled in from the program&#39;s roster")
                || profile.contains("Filled in from the program's roster"),
            "{profile}"
        );
        let sam_csrf = csrf_in(&profile).unwrap();
        sam.post_form("/profile/identity", &[("csrf", &sam_csrf), (&field, MAN)]).await;
        let (_, profile) = sam.get_text("/profile").await;
        assert!(!profile.contains("Filled in from the program"), "confirmed by Sam himself");
        assert_eq!(counts.matches("<td>&#60;11</td>").count(), 2, "{counts}");

        // A round with the balance rule (the 16 and the spare participant, in groups of 4 or 5):
        // no woman is the only one in her group.
        let csrf = coordinator.csrf(&format!("/programs/{program}")).await;
        let response = coordinator
            .post_form(
                &format!("/programs/{program}/rounds"),
                &[("csrf", &csrf), ("name", "2027"), ("who", "newcomers")],
            )
            .await;
        let round: i64 = location(&response).trim_start_matches("/rounds/").split('?').next().unwrap().parse().unwrap();
        let csrf = coordinator.csrf(&format!("/rounds/{round}/criteria")).await;
        let rule = format!("gender: {WOMAN}");
        let criteria = [
            ("csrf", csrf.as_str()),
            ("min_size", "4"),
            ("max_size", "5"),
            ("mode_department", "diverse"),
            ("weight_department", "2"),
            ("min_common_slots", "1"),
            ("slots", "soft"),
            ("repeats", "allow"),
            ("no_isolated", rule.as_str()),
        ];
        // A rule's values are checked against the question's choices, never against who answered
        // what: a choice nobody in the round holds is accepted without a word, a made-up one is not.
        let mut unheld = criteria;
        let rule_unheld = "gender: Non-binary ID7F".to_string();
        unheld[8].1 = rule_unheld.as_str();
        let saved = coordinator.post_form(&format!("/rounds/{round}/criteria"), &unheld).await;
        assert_eq!(saved.status(), 303, "a choice is accepted whoever holds it");
        let mut made_up = criteria;
        made_up[8].1 = "gender: Female";
        let refused = coordinator.post_form(&format!("/rounds/{round}/criteria"), &made_up).await;
        assert_eq!(refused.status(), 422);
        let refused = refused.text().await.unwrap();
        assert!(refused.contains("is not one of the answers to"), "{refused}");
        assert!(!refused.contains("in this round"), "nothing is said of who answered what: {refused}");
        let saved = coordinator.post_form(&format!("/rounds/{round}/criteria"), &criteria).await;
        assert_eq!(saved.status(), 303, "a value people of the round hold is accepted");
        let csrf = coordinator.csrf(&format!("/rounds/{round}")).await;
        let fields = [("csrf", csrf.as_str()), ("request_key", "identity-request-key-01"), ("seconds", "2")];
        let job = coordinator.post_form(&format!("/rounds/{round}/jobs"), &fields).await;
        assert_eq!(job.status(), 303);
        run_next_job(&app.state).await.unwrap().unwrap();
        let job = app.state.store.round_jobs(round).await.unwrap().remove(0);
        let draft = job.draft_id.unwrap_or_else(|| panic!("{}", job.error));
        let groups =
            aspire::domain::draft::parse(&app.state.store.draft(draft).await.unwrap().unwrap().groups).unwrap();
        let women = |members: &[String]| {
            members
                .iter()
                .filter(|m| {
                    m.trim_start_matches('p').split('@').next().unwrap().parse::<usize>().is_ok_and(|i| i % 4 == 0)
                })
                .count()
        };
        assert!(groups.iter().all(|g| women(&g.members) != 1), "no woman alone: {groups:?}");

        // A hand move that leaves a woman alone is said per group, without who or which answer.
        let lone = groups.iter().find(|g| women(&g.members) == 2).unwrap();
        let woman = lone.members.iter().find(|m| women(std::slice::from_ref(m)) == 1).unwrap().clone();
        let without = groups.iter().position(|g| women(&g.members) == 0).unwrap() + 1;
        let csrf = coordinator.csrf(&format!("/drafts/{draft}")).await;
        let moved = coordinator
            .post_form(
                &format!("/drafts/{draft}/move"),
                &[("csrf", &csrf), ("email", &woman), ("to", &without.to_string())],
            )
            .await;
        assert_eq!(moved.status(), 303);
        let (_, page) = coordinator.get_text(&format!("/drafts/{draft}")).await;
        assert!(page.contains("The balance rule on gender"), "{page}");
        // A preview, which changes nothing, says nothing of balance: it would be a free oracle.
        let csrf = csrf_in(&page).unwrap();
        let other_pair = groups.iter().find(|g| women(&g.members) == 2 && !g.members.contains(&woman));
        let other_pair = other_pair.expect("the four women in two pairs");
        let other_woman = other_pair.members.iter().find(|m| women(std::slice::from_ref(m)) == 1).unwrap().clone();
        {
            let preview = coordinator
                .http
                .post(app.url(&format!("/drafts/{draft}/preview")))
                .header("HX-Request", "true")
                .form(&[("csrf", csrf.as_str()), ("email", other_woman.as_str()), ("to", &without.to_string())])
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(preview.contains("Moving ") && !preview.contains("balance"), "{preview}");
        }
        assert!(!page.contains("no_isolated") && !page.contains("is the only member with"), "{page}");

        // No page shows anyone's answer: the marker is only in the program's own question.
        let job_page = format!("/jobs/{}", job.id);
        let rounds = format!("/rounds/{round}/compare");
        let program_page = format!("/programs/{program}");
        for path in [format!("/drafts/{draft}"), job_page, rounds, program_page, "/".to_string()] {
            let (status, body) = coordinator.get_text(&path).await;
            assert_eq!(status, 200, "{path}");
            assert!(!body.contains(MARKER), "{path} shows an identity answer: {body}");
        }
        // Mina's own export holds her own answer, with the question, and nobody else's.
        let (_, export) = member.get_text("/account/export.json").await;
        let export: serde_json::Value = serde_json::from_str(&export).unwrap();
        assert_eq!(export["identity_answers"][0]["answer"], WOMAN);
        assert_eq!(export["identity_answers"].as_array().unwrap().len(), 1);
        let (_, csv) = member.get_text("/account/export.csv").await;
        assert!(csv.contains(&format!("identity_answers,,How do you describe your gender?,{WOMAN}")), "{csv}");
        for path in ["/".to_string(), format!("/groups/{}", world.group_a)] {
            let (_, body) = app.signed_in(FACILITATOR_A).await.get_text(&path).await;
            assert!(!body.contains(MARKER), "{path} shows an identity answer to the facilitator");
        }
    }
);
