//! The scholar's record and the program's outcome reports: what the member keeps and corrects,
//! what coordinators read, and figures checked against hand-computed ones.

use crate::harness::*;
use crate::on_both_backends;
use aspire::domain::record::{RecordItem, ScholarDetails};

async fn id_of(app: &TestApp, email: &str) -> i64 {
    app.state.store.user_by_email(email).await.unwrap().unwrap().id
}

fn grant(program: i64, user: i64, code: &str, role: &str, started_on: &str, ended_on: &str) -> RecordItem {
    RecordItem {
        program_id: program,
        user_id: user,
        kind: "grant".into(),
        title: format!("{code} award"),
        code: code.into(),
        role: role.into(),
        status: "funded".into(),
        started_on: started_on.into(),
        ended_on: ended_on.into(),
        ..RecordItem::default()
    }
}

on_both_backends!(a_recorded_win_goes_into_the_record_which_the_member_corrects, |app: TestApp| async move {
    let world = app.world().await;
    let mina = app.signed_in(MEMBER_A).await;
    let csrf = mina.csrf("/wins").await;
    let (_, wins_page) = mina.get_text("/wins").await;
    assert!(wins_page.contains("also go into your scholar record"), "the win form says where wins go");
    let share = format!("group:{}", world.group_a);
    let recorded = mina
        .post_form(
            "/wins",
            &[
                ("csrf", &csrf),
                ("kind", "paper"),
                ("title", "Sleep after night shifts"),
                ("venue", "JAMA"),
                ("date", "2026-03-02"),
                ("doi", "10.1001/jama.2026.1234"),
                ("author_position", "first"),
                ("share", &share),
                ("to_record", "on"),
            ],
        )
        .await;
    assert_eq!(recorded.status(), 303);
    // A grant she keeps to herself, not for her record: no coordinator ever reads it.
    let private = format!("private:{}", world.group_a);
    let fields = [
        ("csrf", csrf.as_str()),
        ("kind", "grant"),
        ("title", "PRIVATEGRANT-not-funded-R01"),
        ("grant_status", "not_funded"),
        ("share", private.as_str()),
    ];
    assert_eq!(mina.post_form("/wins", &fields).await.status(), 303);
    let (status, record) = mina.get_text("/record").await;
    assert_eq!(status, 200);
    assert!(record.contains("Sleep after night shifts") && record.contains("10.1001/jama.2026.1234"), "{record}");

    // She corrects the journal's name in her record; the win keeps what it said.
    let item = app.state.store.user_record_items(id_of(&app, MEMBER_A).await).await.unwrap().remove(0);
    let path = format!("/record/items/{}", item.id);
    let csrf = mina.csrf(&path).await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("kind", "publication"),
        ("title", "Sleep after night shifts"),
        ("organisation", "JAMA Internal Medicine"),
        ("doi", "10.1001/jama.2026.1234"),
        ("author_position", "first"),
        ("year", "2026"),
    ];
    assert_eq!(mina.post_form(&path, &fields).await.status(), 303);
    // A bad identifier is refused with what a good one looks like, and nothing changes.
    let mut bad = fields.to_vec();
    bad[4] = ("doi", "not a doi");
    let refused = mina.post_form(&path, &bad).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("10."), "the message shows a DOI's shape");
    let (_, record) = mina.get_text("/record").await;
    assert!(record.contains("JAMA Internal Medicine"), "{record}");
    // A new item refused shows what she typed again, with the reason.
    let add = format!("/record/{}/items", world.program);
    let typed = [("csrf", csrf.as_str()), ("kind", "degree"), ("code", "MPH"), ("year", "nineteen")];
    let refused = mina.post_form(&add, &typed).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("is not a year") && page.contains("value=\"nineteen\""), "{page}");

    // Her coordinator reads the record on her page; Milo cannot open her item.
    let coordinator = app.signed_in(COORDINATOR).await;
    let mina_id = id_of(&app, MEMBER_A).await;
    let (status, page) = coordinator.get_text(&format!("/programs/{}/scholars/{mina_id}", world.program)).await;
    assert_eq!(status, 200);
    assert!(page.contains("JAMA Internal Medicine"), "{page}");
    let mut reads = vec![format!("/programs/{}/scholars/{mina_id}", world.program), "/record".to_string()];
    for file in ["table8.csv", "table5.csv", "k-to-r.csv", "collaborations.csv"] {
        reads.push(format!("/programs/{}/outcomes/{file}", world.program));
    }
    for read in &reads {
        assert!(!coordinator.get_text(read).await.1.contains("PRIVATEGRANT"), "{read}");
    }
    assert!(!mina.get_text("/record").await.1.contains("PRIVATEGRANT"), "not in her record either");
    let milo = app.signed_in(MEMBER_A2).await;
    assert_eq!(milo.get_text(&path).await.0, 404);
});

on_both_backends!(k_to_r_and_table_8_match_hand_computed_figures, |app: TestApp| async move {
    let world = app.world().await;
    let store = &app.state.store;
    let program = world.program;
    let (mina, milo, bea) = (id_of(&app, MEMBER_A).await, id_of(&app, MEMBER_A2).await, id_of(&app, MEMBER_B).await);
    let now = app.clock.now_value();
    for (user, cohort) in [(mina, "2021"), (milo, "2021"), (bea, "2022")] {
        let details =
            ScholarDetails { cohort: cohort.into(), started_on: format!("{cohort}-07-01"), ..Default::default() };
        store.save_scholar(program, user, &details, now).await.unwrap();
    }
    let mina_position = RecordItem {
        program_id: program,
        user_id: mina,
        kind: "position".into(),
        title: "Assistant Professor".into(),
        department: "Medicine".into(),
        organisation: "Columbia".into(),
        sector: "academia".into(),
        activity: "research".into(),
        started_on: "2021-07-01".into(),
        ..RecordItem::default()
    };
    store
        .add_record_items(
            &[
                // Mina: KL2 from 2021-07-01, then an R01 as PI from 2024-07-01 (3.0 years).
                grant(program, mina, "KL2", "pi", "2021-07-01", "2023-06-30"),
                grant(program, mina, "R01", "pi", "2024-07-01", "2029-06-30"),
                mina_position,
                // Milo: KL2 ended, and only a K99: not converted.
                grant(program, milo, "KL2", "pi", "2021-07-01", "2023-06-30"),
                grant(program, milo, "K99", "pi", "2023-07-01", "2025-06-30"),
                // Bea: a K23 running until 2028: still on a K, not in the rate.
                grant(program, bea, "K23", "pi", "2022-07-01", "2028-06-30"),
            ],
            now,
        )
        .await
        .unwrap();
    let coordinator = app.signed_in(COORDINATOR).await;
    let (status, csv) = coordinator.get_text(&format!("/programs/{program}/outcomes/k-to-r.csv")).await;
    assert_eq!(status, 200, "{csv}");
    assert!(csv.starts_with("program,KL2 Scholars,window,all cohorts"), "{csv}");
    // Cohort 2021: 2 with a K, 1 converted, 1 not: 50%, median 3.0 years (1096 days).
    assert!(csv.contains("\n2021,2,1,1,0,50%,3.0\n"), "{csv}");
    assert!(csv.contains("\n2022,1,0,0,1,–,–\n"), "{csv}");
    assert!(csv.contains("\nAll,3,1,1,1,50%,3.0\n"), "{csv}");
    let (_, table8) = coordinator.get_text(&format!("/programs/{program}/outcomes/table8.csv")).await;
    let mina_row = table8.lines().find(|l| l.starts_with("Mina Alpha,")).unwrap();
    assert!(mina_row.contains("KL2 2021–2023"), "{mina_row}");
    assert!(mina_row.ends_with(",R01/PI/2024"), "{mina_row}");
    assert!(mina_row.contains("Assistant Professor, Medicine, Columbia (Academia; Primarily research)"));
    // The cohort filter narrows every table.
    let (_, only_2022) = coordinator.get_text(&format!("/programs/{program}/outcomes/k-to-r.csv?cohort=2022")).await;
    assert!(only_2022.contains("\n2022,1,0,0,1,–,–\n") && !only_2022.contains("\n2021,"), "{only_2022}");
    assert!(!only_2022.contains("\nAll,"), "one cohort needs no total: {only_2022}");
    let (status, dashboard) = coordinator.get_text(&format!("/programs/{program}/outcomes")).await;
    assert_eq!(status, 200);
    assert!(dashboard.contains("Of 3 who held a K, 1 converted"), "{dashboard}");
    assert!(dashboard.contains("<svg") && dashboard.contains("role=\"img\""));
    // An admin reads the aggregates, not the named tables the program's coordinators file.
    let admin = app.signed_in(ADMIN).await;
    let (status, admin_view) = admin.get_text(&format!("/programs/{program}/outcomes")).await;
    assert_eq!(status, 200);
    assert!(
        admin_view.contains("Of 3 who held a K, 1 converted") && !admin_view.contains("Mina Alpha"),
        "{admin_view}"
    );
    assert_eq!(admin.get_text(&format!("/programs/{program}/outcomes/table8.csv")).await.0, 404);
    assert_eq!(admin.get_text(&format!("/programs/{program}/outcomes/k-to-r.csv")).await.0, 200);
    let workbook = coordinator.get(&format!("/programs/{program}/outcomes/outcomes.xlsx")).await;
    assert_eq!(workbook.status(), 200);
    assert_eq!(&workbook.bytes().await.unwrap()[..2], b"PK", "an Excel workbook");

    // The coordinator confirms Milo's foundation award as R01-equivalent: he converts.
    let award =
        RecordItem { annual_amount: Some(300_000), ..grant(program, milo, "", "pi", "2025-01-01", "2028-12-31") };
    let award = store.add_record_items(&[award], now).await.unwrap()[0];
    let csrf = coordinator.csrf(&format!("/programs/{program}/scholars/{milo}")).await;
    let confirm = format!("/programs/{program}/record-items/{award}/r01-equivalent");
    assert_eq!(coordinator.post_form(&confirm, &[("csrf", &csrf), ("confirmed", "yes")]).await.status(), 303);
    let (_, csv) = coordinator.get_text(&format!("/programs/{program}/outcomes/k-to-r.csv")).await;
    assert!(csv.contains("\n2021,2,2,0,0,100%,"), "{csv}");
    // A K cannot be confirmed as one.
    let k = store.user_record_items(bea).await.unwrap().remove(0).id;
    let refused = coordinator
        .post_form(
            &format!("/programs/{program}/record-items/{k}/r01-equivalent"),
            &[("csrf", &csrf), ("confirmed", "yes")],
        )
        .await;
    assert_eq!(refused.status(), 422);
});

on_both_backends!(
    the_careers_metric_hides_small_cells_and_no_report_carries_what_a_group_said,
    |app: TestApp| async move {
        let world = app.world().await;
        let store = &app.state.store;
        let program = world.program;
        let now = app.clock.now_value();
        let choices = |list: &[&str]| list.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        store.add_identity_question(program, "gender", "Gender?", &choices(&["Woman", "Man"]), now).await.unwrap();
        store
            .add_identity_question(program, "underrepresented", "Underrepresented?", &choices(&["Yes", "No"]), now)
            .await
            .unwrap();
        let questions = store.identity_questions(&[program]).await.unwrap();
        let question = |key: &str| questions.iter().find(|q| q.key == key).unwrap().id;
        // 14 completed women, not underrepresented, in research; 3 completed men, underrepresented,
        // in clinical work.
        for n in 0..17 {
            let email = format!("scholar{n}@test.edu");
            let user = app.user(&email, &format!("Scholar {n}"), false).await;
            store.add_program_member(program, user, aspire::store::ProgramRole::Participant).await.unwrap();
            let (gender, urm, activity) = if n < 14 { ("Woman", "No", "research") } else { ("Man", "Yes", "clinical") };
            store
                .set_identity_answers(
                    user,
                    &[(question("gender"), Some(gender.into())), (question("underrepresented"), Some(urm.into()))],
                    now,
                )
                .await
                .unwrap();
            let details = ScholarDetails { outcome: "completed".into(), ..Default::default() };
            store.save_scholar(program, user, &details, now).await.unwrap();
            let position = RecordItem {
                program_id: program,
                user_id: user,
                kind: "position".into(),
                title: "Assistant Professor".into(),
                sector: "academia".into(),
                activity: activity.into(),
                ..RecordItem::default()
            };
            store.add_record_items(&[position], now).await.unwrap();
        }
        // What Mina's group heard: a goal and a post.
        crate::meetings::weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
        let mina = app.signed_in(MEMBER_A).await;
        let first = format!("/groups/{}/meetings/{}", world.group_a, crate::meetings::ny("2026-06-02T09:30"));
        let csrf = mina.csrf(&first).await;
        mina.post_form(&format!("{first}/goals"), &[("csrf", &csrf), ("text", "GROUPSAID-goal-5d1")]).await;
        mina.post_form(
            &format!("/groups/{}/discussion", world.group_a),
            &[("csrf", &csrf), ("title", "GROUPSAID-thread-5d1"), ("body", "GROUPSAID-post-5d1")],
        )
        .await;

        let coordinator = app.signed_in(COORDINATOR).await;
        let (status, csv) = coordinator.get_text(&format!("/programs/{program}/outcomes/careers.csv")).await;
        assert_eq!(status, 200, "{csv}");
        let engaged = csv.lines().find(|l| l.starts_with("Engaged in research,")).unwrap();
        let not_engaged = csv.lines().find(|l| l.starts_with("Not engaged in research,")).unwrap();
        // 3 is hidden; the 14 beside it in the column totals would give it away, so it goes too,
        // and with it the cell that equals it; zeros beside hidden counts go as well.
        assert!(!not_engaged.contains(",3,") && not_engaged.contains("<11"), "{not_engaged}");
        let cells = |row: &str| row.split(',').skip(1).take(6).map(str::to_string).collect::<Vec<_>>();
        assert!(cells(engaged).iter().all(|c| c == "<11"), "{engaged}");
        assert!(cells(not_engaged).iter().all(|c| c == "<11"), "no zero says where the 3 are not: {not_engaged}");
        assert!(engaged.ends_with(",14") && not_engaged.ends_with(",3"), "who works in research is no secret");
        // A cohort filter does not narrow the table: it is the program's, whatever the filter.
        let (_, filtered) =
            coordinator.get_text(&format!("/programs/{program}/outcomes/careers.csv?cohort=nobody")).await;
        assert_eq!(filtered.lines().skip(1).collect::<Vec<_>>(), csv.lines().skip(1).collect::<Vec<_>>());
        let total = csv.lines().find(|l| l.starts_with("Total,")).unwrap();
        assert!(total.ends_with(",17"), "the grand total is shown: {total}");
        // No report, page or export carries what a group said.
        let mut pages = vec![format!("/programs/{program}/outcomes")];
        for file in ["table8.csv", "table5.csv", "k-to-r.csv", "kaplan-meier.csv", "collaborations.csv", "careers.csv"]
        {
            pages.push(format!("/programs/{program}/outcomes/{file}"));
        }
        for page in pages {
            let (status, body) = coordinator.get_text(&page).await;
            assert_eq!(status, 200, "{page}");
            assert!(!body.contains("GROUPSAID"), "{page} carries what a group said");
        }
        // The threshold is the program's: an admin raises it, and the 14 hides too.
        let admin = app.signed_in(ADMIN).await;
        let csrf = admin.csrf(&format!("/programs/{program}/identity")).await;
        let set =
            admin.post_form(&format!("/programs/{program}/small-cell"), &[("csrf", &csrf), ("small_cell", "15")]).await;
        assert_eq!(set.status(), 303);
        let refused =
            admin.post_form(&format!("/programs/{program}/small-cell"), &[("csrf", &csrf), ("small_cell", "2")]).await;
        assert_eq!(refused.status(), 422);
        let (_, csv) = coordinator.get_text(&format!("/programs/{program}/outcomes/careers.csv")).await;
        assert!(csv.contains("<15") && !csv.contains("<11"), "{csv}");
    }
);

on_both_backends!(another_program_sees_nothing_of_a_record_kept_for_this_one, |app: TestApp| async move {
    let world = app.world().await;
    let store = &app.state.store;
    let mina = id_of(&app, MEMBER_A).await;
    let now = app.clock.now_value();
    store.add_record_items(&[grant(world.program, mina, "K23", "pi", "2024-07-01", "")], now).await.unwrap();
    // The other program's coordinator adds Mina to their own program by a roster.
    let other = app.signed_in(OTHER_COORDINATOR).await;
    let csrf = other.csrf(&format!("/programs/{}", world.other_program)).await;
    let roster = format!("email,name\n{MEMBER_A},Mina Alpha\n");
    other
        .post_form(
            &format!("/programs/{}/import/confirm", world.other_program),
            &[("csrf", &csrf), ("roster", &roster)],
        )
        .await;
    let (status, page) = other.get_text(&format!("/programs/{}/scholars/{mina}", world.other_program)).await;
    assert_eq!(status, 200, "Mina is now their scholar: {page}");
    assert!(!page.contains("K23 award"), "the record Mina keeps for her first program stays there");
    assert_eq!(other.get_text(&format!("/programs/{}/scholars/{mina}", world.program)).await.0, 404);
    let (_, csv) = other.get_text(&format!("/programs/{}/outcomes/table8.csv", world.other_program)).await;
    assert!(!csv.contains("K23"), "{csv}");
});
