//! What a group shares besides goals: wins (recorded, imported, cheered, celebrated), the
//! discussion (sanitised Markdown, concerns for one facilitator), own-data export and account
//! deletion, and the audit log.

use crate::harness::*;
use crate::on_both_backends;

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../citations/tests/samples");

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{SAMPLES}/{name}")).unwrap()
}

async fn import(app: &TestApp, client: &Client, share: &str, bytes: Vec<u8>, file_name: &str) -> reqwest::Response {
    let csrf = client.csrf("/wins").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("share", share.to_string())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string()));
    client.http.post(app.url("/wins/import")).multipart(form).send().await.unwrap()
}

on_both_backends!(a_member_records_wins_and_bad_identifiers_are_explained, |app: TestApp| async move {
    let world = app.world().await;
    let mina = app.signed_in(MEMBER_A).await;
    let csrf = mina.csrf("/wins").await;
    let share = format!("group:{}", world.group_a);
    let paper = |doi: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("kind", "paper".to_string()),
            ("title", "Peer groups and K award success".to_string()),
            ("venue", "Academic Medicine".to_string()),
            ("year", "2026".to_string()),
            ("doi", doi.to_string()),
            ("author_position", "first".to_string()),
            ("share", share.clone()),
        ]
    };
    let bad = mina.http.post(app.url("/wins")).form(&paper("10.10/too-short")).send().await.unwrap();
    assert_eq!(bad.status(), 422);
    let page = bad.text().await.unwrap();
    assert!(page.contains("DOI"), "the message names the DOI: {page}");
    assert!(page.contains("Peer groups and K award success"), "what was typed is kept in the form");
    assert!(
        app.state
            .store
            .user_wins(app.state.store.user_by_email(MEMBER_A).await.unwrap().unwrap().id)
            .await
            .unwrap()
            .is_empty()
    );

    let good = mina
        .http
        .post(app.url("/wins"))
        .form(&paper("https://doi.org/10.1097/ACM.0000000000001234"))
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), 303);
    let (_, list) = mina.get_text("/wins").await;
    assert!(list.contains("Peer groups and K award success") && list.contains("first author"));

    let grant = [
        ("csrf", csrf.as_str()),
        ("kind", "grant"),
        ("title", "Mentored career development in surgical outcomes"),
        ("venue", "NHLBI"),
        ("award_number", "R01CA12345"),
        ("grant_status", "funded"),
        ("share", share.as_str()),
    ];
    let refused = mina.post_form("/wins", &grant).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("6"), "says the serial needs 6 digits");

    // A peer sees the win on the group page and congratulates; the other group does not see it.
    let milo = app.signed_in(MEMBER_A2).await;
    let (_, group_page) = milo.get_text(&format!("/groups/{}", world.group_a)).await;
    assert!(group_page.contains("Peer groups and K award success"));
    let win_path = group_page.split("href=\"/wins/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let csrf = milo.csrf(&format!("/wins/{win_path}")).await;
    let cheer =
        milo.post_form(&format!("/wins/{win_path}/cheers"), &[("csrf", &csrf), ("message", "Wonderful news!")]).await;
    assert_eq!(cheer.status(), 303);
    let (_, win_page) = mina.get_text(&format!("/wins/{win_path}")).await;
    assert!(win_page.contains("Milo Alpha") && win_page.contains("Wonderful news!"));
    let bea = app.signed_in(MEMBER_B).await;
    assert_eq!(bea.get_text(&format!("/wins/{win_path}")).await.0, 404);
    let (_, feed) = bea.get_text(&format!("/programs/{}/celebrations", world.program)).await;
    assert!(!feed.contains("Peer groups and K award success"), "a group win is not on the program's feed");
});

on_both_backends!(a_group_page_celebrates_the_newest_ten_wins_its_reader_may_see, |app: TestApp| async move {
    use aspire::domain::Visibility::{Group, Program};
    use aspire::store::GroupRole;
    use aspire::store::community::Win;
    use aspire::store::group_changes::{ChangeKind, MembershipChange};
    let world = app.world().await;
    let store = &app.state.store;
    let now = app.clock.now_value();
    let milo = store.user_by_email(MEMBER_A2).await.unwrap().unwrap().id;
    let win = |title: String, visibility| Win {
        user_id: milo,
        program_id: world.program,
        group_id: Some(world.group_a),
        kind: "talk".into(),
        title,
        visibility,
        ..Win::default()
    };
    // Before Sam joins: six wins for the program, then six for the group alone.
    let before: Vec<Win> = (1..=6)
        .map(|i| win(format!("Program talk MARK-p{i}-END"), Program))
        .chain((1..=6).map(|i| win(format!("Group talk MARK-g{i}-END"), Group)))
        .collect();
    store.create_wins(&before, now - 100).await.unwrap();
    let joined = MembershipChange {
        group_id: world.group_a,
        user_id: world.spare,
        person_name: String::new(),
        kind: ChangeKind::Added,
        role: GroupRole::Member,
    };
    store.change_group_memberships(&[joined], (0, "test setup"), &Default::default(), now).await.unwrap();
    let after: Vec<Win> = (1..=2).map(|i| win(format!("New talk MARK-n{i}-END"), Group)).collect();
    store.create_wins(&after, now + 10).await.unwrap();

    let marks = |page: &str| -> Vec<String> {
        page.split("MARK-").skip(1).filter_map(|rest| rest.split("-END").next()).map(str::to_string).collect()
    };
    let group_page = format!("/groups/{}", world.group_a);
    // Sam may not see what the group shared before he joined; he sees the program's, from
    // further back than the ten newest.
    let sam = marks(&app.signed_in(SPARE).await.get_text(&group_page).await.1);
    assert_eq!(sam, ["n2", "n1", "p6", "p5", "p4", "p3", "p2", "p1"]);
    // Mina, there all along, sees the ten newest.
    let mina = marks(&app.signed_in(MEMBER_A).await.get_text(&group_page).await.1);
    assert_eq!(mina, ["n2", "n1", "g6", "g5", "g4", "g3", "g2", "g1", "p6", "p5"]);
});

on_both_backends!(papers_import_from_pubmed_ris_and_bibtex_without_duplicates, |app: TestApp| async move {
    let world = app.world().await;
    let mina = app.signed_in(MEMBER_A).await;
    let share = format!("program:{}", world.group_a);
    let response = import(&app, &mina, &share, sample("pubmed-3.nbib"), "pubmed.nbib").await;
    assert_eq!(response.status(), 303);
    let (_, page) = mina.get_text(response.headers()["location"].to_str().unwrap()).await;
    assert!(page.contains("Imported 3 papers"), "{page}");
    assert!(page.contains("Safety and Efficacy of the BNT162b2"));

    // The same file again: everything is already there.
    let again = import(&app, &mina, &share, sample("pubmed-3.nbib"), "pubmed.nbib").await;
    let (_, page) = mina.get_text(again.headers()["location"].to_str().unwrap()).await;
    assert!(page.contains("Imported 0 papers") && page.contains("Skipped 3 already recorded"), "{page}");

    // A truncated BibTeX file or a Latin-1 file: a clear message and nothing written.
    let mina_id = app.state.store.user_by_email(MEMBER_A).await.unwrap().unwrap().id;
    let before = app.state.store.user_wins(mina_id).await.unwrap().len();
    for (file, expected) in [("truncated.bib", "line"), ("latin1.ris", "UTF-8")] {
        let refused = import(&app, &mina, &share, sample(file), file).await;
        assert_eq!(refused.status(), 422, "{file}");
        let page = refused.text().await.unwrap();
        assert!(page.contains(expected) && page.contains("Nothing was imported"), "{file}: {page}");
    }
    assert_eq!(app.state.store.user_wins(mina_id).await.unwrap().len(), before);

    // Shared with the program: on its celebration feed for everyone in it, coordinators too.
    for who in [MEMBER_B, COORDINATOR] {
        let (status, feed) =
            app.signed_in(who).await.get_text(&format!("/programs/{}/celebrations", world.program)).await;
        assert_eq!(status, 200);
        assert!(feed.contains("Safety and Efficacy of the BNT162b2"), "{who}");
    }
    let other = app.signed_in(OTHER_COORDINATOR).await;
    assert_eq!(other.get_text(&format!("/programs/{}/celebrations", world.program)).await.0, 404);
    // Coordinators count every win, whoever it is shared with, without its title.
    let (_, counts) =
        app.signed_in(COORDINATOR).await.get_text(&format!("/programs/{}/accountability", world.program)).await;
    assert!(counts.contains("Paper: 3"), "{counts}");
});

on_both_backends!(discussion_is_sanitised_and_a_concern_reaches_one_facilitator, |app: TestApp| async move {
    let world = app.world().await;
    let mina = app.signed_in(MEMBER_A).await;
    let path = format!("/groups/{}/discussion", world.group_a);
    let csrf = mina.csrf(&path).await;
    let (_, page) = mina.get_text(&path).await;
    assert!(page.contains("do not post patient information"), "the composer says where PHI does not belong");
    let posted = mina
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("title", "Aims page feedback"),
                ("body", "**Thank you** all <script>alert('x')</script> [x](javascript:alert(1))"),
                ("audience", "group"),
            ],
        )
        .await;
    assert_eq!(posted.status(), 303);
    let thread = posted.headers()["location"].to_str().unwrap().to_string();
    let milo = app.signed_in(MEMBER_A2).await;
    let (_, page) = milo.get_text(&thread).await;
    assert!(page.contains("<strong>Thank you</strong>"));
    assert!(!page.contains("<script>alert") && !page.contains("javascript:alert"), "{page}");

    // Only the author may edit or delete.
    let csrf_milo = milo.csrf(&thread).await;
    let id = thread.trim_start_matches("/posts/");
    let edit =
        milo.post_form(&format!("/posts/{id}/edit"), &[("csrf", &csrf_milo), ("title", "x"), ("body", "y")]).await;
    assert_eq!(edit.status(), 404);
    let edit = mina
        .post_form(&format!("/posts/{id}/edit"), &[("csrf", &csrf), ("title", "Aims page, v2"), ("body", "Updated")])
        .await;
    assert_eq!(edit.status(), 303);
    assert!(milo.get_text(&thread).await.1.contains("Aims page, v2"));

    // A concern for the facilitator only: the facilitator reads and answers; the peer sees nothing.
    let facilitator = app.state.store.user_by_email(FACILITATOR_A).await.unwrap().unwrap().id;
    let audience = format!("facilitator:{facilitator}");
    let concern = mina
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("title", "A hard week at home"),
                ("body", "CONCERN-TEXT-4411"),
                ("audience", &audience),
            ],
        )
        .await;
    assert_eq!(concern.status(), 303);
    let concern = concern.headers()["location"].to_str().unwrap().to_string();
    let fay = app.signed_in(FACILITATOR_A).await;
    assert!(fay.get_text(&path).await.1.contains("A hard week at home"));
    let csrf_fay = fay.csrf(&concern).await;
    let answer =
        fay.post_form(&format!("{concern}/replies"), &[("csrf", &csrf_fay), ("body", "FACILITATOR-REPLY-9")]).await;
    assert_eq!(answer.status(), 303);
    assert!(mina.get_text(&concern).await.1.contains("FACILITATOR-REPLY-9"), "the author reads the answer");
    assert_eq!(milo.get_text(&concern).await.0, 404);
    let (_, list) = milo.get_text(&path).await;
    assert!(!list.contains("A hard week at home"), "the list hides what the page refuses");
    for reader in [&mina, &fay] {
        let (_, list) = reader.get_text(&path).await;
        let line = list.lines().find(|l| l.contains("A hard week at home")).unwrap_or_default();
        assert!(
            line.contains("<span class=\"badge\">for ") && line.contains(" only</span>"),
            "listed as a concern: {list}"
        );
    }
    let coordinator = app.signed_in(COORDINATOR).await;
    assert_eq!(coordinator.get_text(&path).await.0, 404, "coordinators never read a group's discussion");
    // A bad audience is explained; nothing is posted.
    let wrong = mina
        .post_form(&path, &[("csrf", &csrf), ("title", "t"), ("body", "b"), ("audience", "facilitator:999999")])
        .await;
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.unwrap().contains("Choose who may read this"));
});

on_both_backends!(a_member_downloads_their_data_and_deletes_their_account, |app: TestApp| async move {
    let world = app.world().await;
    let mina = app.signed_in(MEMBER_A).await;
    let path = format!("/groups/{}/discussion", world.group_a);
    let csrf = mina.csrf(&path).await;
    let thread = mina
        .post_form(
            &path,
            &[("csrf", &csrf), ("title", "Writing retreat"), ("body", "KEPT-POST-5521"), ("audience", "group")],
        )
        .await
        .headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let share = format!("private:{}", world.group_a);
    let win = [("csrf", csrf.as_str()), ("kind", "promotion"), ("title", "PROMOTION-7734"), ("share", &share)];
    assert_eq!(mina.post_form("/wins", &win).await.status(), 303);

    let json = mina.get("/account/export.json").await;
    assert!(json.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let data: serde_json::Value = serde_json::from_str(&json.text().await.unwrap()).unwrap();
    assert_eq!(data["profile"]["email"], MEMBER_A);
    assert!(data["posts"].to_string().contains("KEPT-POST-5521"));
    assert!(data["wins"].to_string().contains("PROMOTION-7734"));
    let paper = [
        ("csrf", csrf.as_str()),
        ("kind", "paper"),
        ("title", "PAPER-4410"),
        ("year", "2026"),
        ("doi", "https://doi.org/10.1056/NEJMoa2034577"),
        ("pmid", "33301246"),
        ("author_position", "first"),
        ("share", &share),
    ];
    assert_eq!(mina.post_form("/wins", &paper).await.status(), 303);
    let csv = mina.get("/account/export.csv").await.text().await.unwrap();
    assert!(csv.lines().any(|l| l.starts_with("wins,") && l.contains("PROMOTION-7734")), "{csv}");
    // Readable: ISO 8601 dates, labels rather than codes, every identifier named.
    let paper_row = csv.lines().find(|l| l.contains("PAPER-4410")).unwrap();
    assert!(paper_row.contains("DOI 10.1056/NEJMoa2034577; PMID 33301246"), "{paper_row}");
    assert!(paper_row.contains(",only me,") && paper_row.contains("2026-05-28T"), "{paper_row}");
    let post_row = csv.lines().find(|l| l.contains("KEPT-POST-5521")).unwrap();
    assert!(post_row.contains(",my group,"), "{post_row}");
    assert!(csv.lines().all(|l| !l.contains("assistant_professor") && !l.contains(",private,")), "{csv}");
    let data: serde_json::Value =
        serde_json::from_str(&mina.get("/account/export.json").await.text().await.unwrap()).unwrap();
    let exported_paper = data["wins"].as_array().unwrap().iter().find(|w| w["title"] == "PAPER-4410").unwrap();
    assert_eq!(exported_paper["pmid"], "33301246");
    assert_eq!(exported_paper["author_position"], "First author");
    assert!(exported_paper["created_at"].as_str().unwrap().ends_with('Z'), "{exported_paper}");
    assert!(
        !app.signed_in(MEMBER_A2)
            .await
            .get("/account/export.json")
            .await
            .text()
            .await
            .unwrap()
            .contains("PROMOTION-7734")
    );

    // A wrong password deletes nothing; the right one deletes, keeping the group post.
    let csrf = mina.csrf("/account").await;
    let wrong = mina.post_form("/account/delete", &[("csrf", &csrf), ("password", "nope"), ("posts", "keep")]).await;
    assert_eq!(wrong.status(), 422);
    let gone = mina.post_form("/account/delete", &[("csrf", &csrf), ("password", PASSWORD), ("posts", "keep")]).await;
    assert_eq!(gone.status(), 303);
    assert!(app.state.store.user_by_email(MEMBER_A).await.unwrap().is_none());
    assert_eq!(mina.get("/wins").await.status(), 303, "the session ended with the account");
    let milo = app.signed_in(MEMBER_A2).await;
    let (status, page) = milo.get_text(&thread).await;
    assert_eq!(status, 200);
    assert!(page.contains("KEPT-POST-5521") && page.contains("former member"));
    let admin = app.signed_in(ADMIN).await;
    let (_, audit) = admin.get_text("/admin/audit").await;
    assert!(audit.contains("account deleted") && audit.contains("export"));
    assert!(!audit.contains("KEPT-POST-5521") && !audit.contains("PROMOTION-7734"), "no content in the audit log");
    // Deleting everything takes shared resources too.
    let milo_id = app.state.store.user_by_email(MEMBER_A2).await.unwrap().unwrap().id;
    let link = [("title", "RESOURCE-8812 grant tips"), ("url", "https://grants.nih.gov/tips"), ("share", "program")];
    assert_eq!(crate::sharing::share(&milo, world.program, &link, None).await.status(), 303);
    let json = milo.get("/account/export.json").await.text().await.unwrap();
    assert!(json.contains("RESOURCE-8812"), "the export has what they shared");
    let csrf = milo.csrf("/account").await;
    let gone = milo.post_form("/account/delete", &[("csrf", &csrf), ("password", PASSWORD), ("posts", "delete")]).await;
    assert_eq!(gone.status(), 303);
    assert!(app.state.store.user_resources(milo_id).await.unwrap().is_empty());
    assert!(
        app.state.store.program_resources(world.program).await.unwrap().is_empty(),
        "nothing left as former member"
    );
    // Coordinators hand over their role before leaving.
    let cora = app.signed_in(COORDINATOR).await;
    let csrf = cora.csrf("/account").await;
    let refused =
        cora.post_form("/account/delete", &[("csrf", &csrf), ("password", PASSWORD), ("posts", "keep")]).await;
    assert_eq!(refused.status(), 422);
});

on_both_backends!(a_deleted_authors_thread_passes_to_nobody_not_to_the_next_account, |app: TestApp| async move {
    use aspire::store::GroupRole;
    use aspire::store::group_changes::{ChangeKind, MembershipChange};
    let world = app.world().await;
    let store = &app.state.store;
    // The newest account starts a thread and Milo replies; then its author deletes the account
    // and keeps their posts.
    let leaving = app.user("leaving@example.edu", "Lee Leaving", false).await;
    seat(store, world.group_a, leaving, GroupRole::Member).await;
    let lee = app.signed_in("leaving@example.edu").await;
    let discussion = format!("/groups/{}/discussion", world.group_a);
    let csrf = lee.csrf(&discussion).await;
    let started = lee
        .post_form(
            &discussion,
            &[("csrf", &csrf), ("title", "THREAD-6120"), ("body", "Who reads drafts?"), ("audience", "group")],
        )
        .await;
    let thread = started.headers()["location"].to_str().unwrap().to_string();
    let milo = app.signed_in(MEMBER_A2).await;
    let csrf = milo.csrf(&thread).await;
    let replied = milo.post_form(&format!("{thread}/replies"), &[("csrf", &csrf), ("body", "REPLY-6121")]).await;
    assert_eq!(replied.status(), 303);
    store.delete_account(leaving, true).await.unwrap();

    // A new account, seated after the thread began. SQLite gives it the deleted account's id
    // (the highest id is taken again); it must not inherit what that author may see.
    app.clock.advance(60);
    let next = app.user("next@example.edu", "Nia Next", false).await;
    if app.state.settings.database_url.starts_with("sqlite") {
        assert_eq!(next, leaving, "the case this test is about: the same id again");
    }
    let joined = MembershipChange {
        group_id: world.group_a,
        user_id: next,
        person_name: String::new(),
        kind: ChangeKind::Added,
        role: GroupRole::Member,
    };
    store
        .change_group_memberships(&[joined], (0, "test setup"), &Default::default(), app.clock.now_value())
        .await
        .unwrap();
    let nia = app.signed_in("next@example.edu").await;
    assert_eq!(nia.get_text(&thread).await.0, 404, "a thread from before she joined, by someone else");
    let (_, page) = nia.get_text(&discussion).await;
    assert!(!page.contains("THREAD-6120"), "{page}");
    let (_, home) = nia.get_text("/").await;
    assert!(!home.contains("new post"), "nothing she may see is new: {home}");
    // Milo, there all along, still reads both, the thread as a former member's.
    let (status, page) = milo.get_text(&thread).await;
    assert_eq!(status, 200);
    assert!(page.contains("THREAD-6120") && page.contains("REPLY-6121") && page.contains("former member"), "{page}");
});

on_both_backends!(sign_ins_and_refusals_are_in_the_audit_log, |app: TestApp| async move {
    let world = app.world().await;
    let stranger = app.client();
    assert_eq!(stranger.login(MEMBER_B, "wrong password").await.status(), 401);
    let bea = app.signed_in(MEMBER_B).await;
    assert_eq!(bea.get_text(&format!("/groups/{}/discussion", world.group_a)).await.0, 404);
    let (_, audit) = app.signed_in(ADMIN).await.get_text("/admin/audit").await;
    assert!(audit.contains("sign-in refused") && audit.contains(MEMBER_B));
    assert!(audit.contains("refused") && audit.contains(&format!("GET /groups/{}/discussion", world.group_a)));
    assert!(!audit.contains("wrong password"), "never a password");
});

on_both_backends!(a_formula_in_what_someone_wrote_is_text_in_the_csv_export, |app: TestApp| async move {
    let world = app.world().await;
    let mina = app.signed_in(MEMBER_A).await;
    let csrf = mina.csrf("/wins").await;
    let share = format!("private:{}", world.group_a);
    let formula = "=HYPERLINK(\"https://evil.example\",\"open me\")";
    let win = [("csrf", csrf.as_str()), ("kind", "award"), ("title", formula), ("share", &share)];
    assert_eq!(mina.post_form("/wins", &win).await.status(), 303);
    let csv = mina.get("/account/export.csv").await.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let cells: Vec<String> =
        reader.records().flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>()).collect();
    assert!(cells.iter().any(|c| c == &format!("'{formula}")), "shown as text: {csv}");
    assert!(cells.iter().all(|c| !c.starts_with(['=', '+', '@'])), "no cell a spreadsheet would run: {csv}");
});

on_both_backends!(text_no_database_can_keep_is_refused_naming_the_field, |app: TestApp| async move {
    let world = app.world().await;
    let mina = app.signed_in(MEMBER_A).await;
    let csrf = mina.csrf("/profile").await;
    let raw = |path: String, body: String| {
        let mina = &mina;
        async move {
            let response = mina
                .http
                .post(format!("{}{path}", mina.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let discussion = format!("/groups/{}/discussion", world.group_a);
    let (status, body) = raw(discussion.clone(), format!("csrf={csrf}&title=Hello%00world&body=x")).await;
    assert_eq!(status, 422, "a NUL is refused on both backends, never a 500: {body}");
    assert!(body.contains("The field &#39;title&#39; holds a control character (U+0000)"), "{body}");
    let (status, body) = raw("/profile".into(), format!("csrf={csrf}&name=Mina%FF%FEAlpha")).await;
    assert_eq!(status, 422, "invalid UTF-8 is refused, not replaced: {body}");
    assert!(body.contains("is not UTF-8 text"), "{body}");
    let mina_now = app.state.store.user_by_email(MEMBER_A).await.unwrap().unwrap();
    assert_eq!(mina_now.profile.name, "Mina Alpha", "nothing was stored");
    // Signed out, and the roster a coordinator confirms, are read the same way.
    let visitor = app.client();
    let pre = visitor.csrf("/login").await;
    let response = visitor
        .http
        .post(format!("{}/login", visitor.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={pre}&email=a%00@test.edu&password=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let coordinator = app.signed_in(COORDINATOR).await;
    let csrf = coordinator.csrf("/profile").await;
    let response = coordinator
        .http
        .post(format!("{}/programs/{}/import/confirm", coordinator.base, world.program))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}&roster=email%2Cname%0Abad%40test.edu%2C%FF%0A"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    assert!(app.state.store.user_by_email("bad@test.edu").await.unwrap().is_none(), "no account was made");
    let (status, _) = raw(discussion, format!("csrf={csrf}&title=fine&body=two%0D%0Alines%09and+a+tab")).await;
    assert_eq!(status, 403, "Cora's token is not Mina's: only the text rule is under test above");
});

on_both_backends!(a_threads_reply_count_follows_its_replies, |app: TestApp| async move {
    use aspire::store::community::NewPost;
    let world = app.world().await;
    let store = &app.state.store;
    let mina = store.user_by_email(MEMBER_A).await.unwrap().unwrap().id;
    let milo = store.user_by_email(MEMBER_A2).await.unwrap().unwrap().id;
    let post = |thread_id: Option<i64>, author_id: i64, title: &'static str| NewPost {
        group_id: world.group_a,
        thread_id,
        author_id,
        title,
        body: "Some words",
        visibility: aspire::domain::Visibility::Group,
        facilitator_id: None,
    };
    let now = app.clock.now_value();
    let counted = store.create_post(&post(None, mina, "Counted thread"), now).await.unwrap();
    let mina_reply = store.create_post(&post(Some(counted), mina, ""), now).await.unwrap();
    for _ in 0..2 {
        store.create_post(&post(Some(counted), milo, ""), now).await.unwrap();
    }
    let doomed = store.create_post(&post(None, milo, "Doomed thread"), now).await.unwrap();
    store.create_post(&post(Some(doomed), mina, ""), now).await.unwrap();
    let member = app.signed_in(MEMBER_A).await;
    let listed = |page: &str, title: &str| -> String {
        let item = page.split(&format!(">{title}</a>")).nth(1).unwrap_or_else(|| panic!("{title} listed: {page}"));
        item.split("</li>").next().unwrap().to_string()
    };
    let discussion = format!("/groups/{}/discussion", world.group_a);
    let (_, page) = member.get_text(&discussion).await;
    assert!(listed(&page, "Counted thread").contains("3 replies"), "{page}");
    assert!(listed(&page, "Doomed thread").contains("1 reply<"), "{page}");

    store.delete_post(mina_reply).await.unwrap();
    // A thread deleted takes its replies, whoever wrote them, and leaves the others' counts alone.
    store.delete_post(doomed).await.unwrap();
    let (_, page) = member.get_text(&discussion).await;
    assert!(listed(&page, "Counted thread").contains("2 replies"), "{page}");
    assert!(!page.contains("Doomed thread"), "{page}");
    // An account deleted with its posts takes its replies out of the count.
    store.delete_account(milo, false).await.unwrap();
    let (_, page) = member.get_text(&discussion).await;
    assert!(listed(&page, "Counted thread").contains("0 replies"), "{page}");
    let (status, thread) = member.get_text(&format!("/posts/{counted}")).await;
    assert_eq!(status, 200);
    assert_eq!(thread.matches("<article class=\"card\" id=\"post-").count(), 1, "the thread alone: {thread}");
});

on_both_backends!(long_threads_and_logs_come_a_page_at_a_time, |app: TestApp| async move {
    use aspire::store::community::NewPost;
    let world = app.world().await;
    let store = &app.state.store;
    let mina = store.user_by_email(MEMBER_A).await.unwrap().unwrap().id;
    let post = |thread_id: Option<i64>, body: String| NewPost {
        group_id: world.group_a,
        thread_id,
        author_id: mina,
        title: if thread_id.is_none() { "A long thread" } else { "" },
        body: Box::leak(body.into_boxed_str()),
        visibility: aspire::domain::Visibility::Group,
        facilitator_id: None,
    };
    let now = app.clock.now_value();
    let thread = store.create_post(&post(None, "Opening".into()), now).await.unwrap();
    let mut replies = Vec::new();
    for i in 0..120 {
        replies.push(store.create_post(&post(Some(thread), format!("REPLY-{i:03}-end")), now).await.unwrap());
    }
    let member = app.signed_in(MEMBER_A).await;
    let (status, latest) = member.get_text(&format!("/posts/{thread}")).await;
    assert_eq!(status, 200);
    let shown = |page: &str| page.matches("<article class=\"card\" id=\"post-").count() - 1;
    assert_eq!(shown(&latest), 50, "the latest 50 replies");
    assert!(latest.contains("Opening") && latest.contains("REPLY-119-end") && !latest.contains("REPLY-069-end"));
    let earlier = latest.split("?before=").nth(1).unwrap().split('"').next().unwrap().to_string();
    let (_, middle) = member.get_text(&format!("/posts/{thread}?before={earlier}")).await;
    assert_eq!(shown(&middle), 50);
    assert!(middle.contains("REPLY-020-end") && middle.contains("REPLY-069-end") && middle.contains("Latest replies"));
    // An old reply's own address opens the page that holds it.
    let response = member.get(&format!("/posts/{}", replies[5])).await;
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let (_, first) = member.get_text(location.split('#').next().unwrap()).await;
    assert!(first.contains("REPLY-005-end") && !first.contains("Earlier replies"), "the first page: {location}");

    // The outbox and the audit log page the same way.
    for i in 0..130 {
        let email = aspire::store::NewEmail {
            recipient: format!("r{i}@test.edu"),
            subject: format!("Message {i}"),
            ..Default::default()
        };
        store.enqueue_email(&email, now).await.unwrap();
    }
    let admin = app.signed_in(ADMIN).await;
    let (_, newest) = admin.get_text("/admin/outbox").await;
    assert!(newest.contains("r129@test.edu") && !newest.contains("r20@test.edu"), "a page, not everything");
    let older = newest.split("/admin/outbox?before=").nth(1).unwrap().split('"').next().unwrap().to_string();
    let (_, next) = admin.get_text(&format!("/admin/outbox?before={older}")).await;
    assert!(next.contains("r20@test.edu") && !next.contains("r129@test.edu"));
});

/// Follows a list's "next page" links from `path`, returning what follows each `needle` up to
/// `-END`, in order, and how many pages there were.
async fn every_page(client: &Client, path: &str, needle: &str) -> (Vec<String>, usize) {
    let mut shown = Vec::new();
    let mut pages = 0;
    let mut next = Some(path.to_string());
    while let Some(path) = next.take() {
        let (status, page) = client.get_text(&path).await;
        assert_eq!(status, 200, "{path}");
        pages += 1;
        assert!(pages < 20, "{path}: the pages never end");
        shown.extend(page.split(needle).skip(1).filter_map(|s| s.split("-END").next()).map(str::to_string));
        next = page.split("rel=\"next\"").next().filter(|_| page.contains("rel=\"next\"")).and_then(|before| {
            before.rsplit("href=\"").next().map(|href| href.split('"').next().unwrap_or_default().replace("&amp;", "&"))
        });
    }
    (shown, pages)
}

fn each_once(shown: &[String], expected: usize, what: &str) {
    let mut unique = shown.to_vec();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), shown.len(), "{what}: something was shown on two pages");
    assert_eq!(unique.len(), expected, "{what}: each shown once, none lost");
}

on_both_backends!(lists_that_grow_with_history_come_a_page_at_a_time, |app: TestApp| async move {
    use aspire::store::community::Win;
    use aspire::store::sharing::NewOpportunity;
    let world = app.world().await;
    let store = &app.state.store;
    let now = app.clock.now_value();
    let mina = store.user_by_email(MEMBER_A).await.unwrap().unwrap().id;
    for i in 0..65 {
        let post = aspire::store::community::NewPost {
            group_id: world.group_a,
            thread_id: None,
            author_id: mina,
            title: Box::leak(format!("Thread MARK-t{i:03}-END").into_boxed_str()),
            body: "Opening",
            visibility: aspire::domain::Visibility::Group,
            facilitator_id: None,
        };
        store.create_post(&post, now).await.unwrap();
    }
    let wins: Vec<Win> = (0..120)
        .map(|i| Win {
            user_id: mina,
            program_id: world.program,
            group_id: Some(world.group_a),
            kind: "talk".into(),
            title: format!("Talk MARK-w{i:03}-END"),
            visibility: aspire::domain::Visibility::Program,
            ..Win::default()
        })
        .collect();
    store.create_wins(&wins, now).await.unwrap();
    for i in 0..45 {
        let title = format!("Award MARK-o{i:03}-END");
        let deadline = format!("2099-{:02}-{:02}", 1 + i / 28, 1 + i % 28);
        let o = NewOpportunity {
            program_id: world.program,
            author_id: mina,
            kind: "award",
            title: &title,
            description: "",
            deadline: &deadline,
        };
        store.create_opportunity(&o, now).await.unwrap();
    }
    let roster: Vec<aspire::domain::Profile> = (0..230)
        .map(|i| {
            aspire::domain::Profile {
                email: format!("scholar{i}@test.edu"),
                name: format!("Scholar MARK-p{i:03}-END"),
                ..Default::default()
            }
            .validate()
            .unwrap()
        })
        .collect();
    store.import_roster(world.program, &roster, now).await.unwrap();
    let scholar = store.user_by_email("scholar150@test.edu").await.unwrap().unwrap().id;
    seat(store, world.group_b, scholar, aspire::store::GroupRole::Member).await;
    seat(store, world.group_a, scholar, aspire::store::GroupRole::Member).await;

    let member = app.signed_in(MEMBER_A).await;
    let (threads, pages) = every_page(&member, &format!("/groups/{}/discussion", world.group_a), "MARK-t").await;
    each_once(&threads, 65, "threads");
    assert_eq!(pages, 3, "30 threads a page");
    assert_eq!(threads[0], "064", "newest first");
    let (celebrated, pages) = every_page(&member, &format!("/programs/{}/celebrations", world.program), "MARK-w").await;
    each_once(&celebrated, 120, "celebrations");
    assert_eq!(pages, 3);
    let (own, _) = every_page(&member, "/wins", "MARK-w").await;
    each_once(&own, 120, "own wins");
    let (open, pages) = every_page(&member, &format!("/programs/{}/opportunities", world.program), "MARK-o").await;
    each_once(&open, 45, "opportunities");
    assert_eq!((pages, open[0].as_str()), (3, "000"), "20 a page, soonest deadline first");
    let coordinator = app.signed_in(COORDINATOR).await;
    let (people, pages) =
        every_page(&coordinator, &format!("/programs/{}", world.program), "<th scope=\"row\">Scholar MARK-p").await;
    each_once(&people, 230, "people");
    assert_eq!(pages, 3, "100 people a page");
    let everyone = store.program_people(world.program).await.unwrap().len();
    assert!(everyone > 230);
    let (_, first) = coordinator.get_text(&format!("/programs/{}", world.program)).await;
    assert!(first.contains(&format!("{everyone} people")), "the headcount is the program's, not the page's");
    // Each person's groups, on a later page and in the whole program's list alike.
    let (row, _) =
        every_page(&coordinator, &format!("/programs/{}", world.program), "<th scope=\"row\">Scholar MARK-p150-END")
            .await;
    assert_eq!(row.len(), 1);
    assert!(row[0].contains("<td>Group A, Group B</td>"), "{}", row[0]);
    let people = store.program_people(world.program).await.unwrap();
    let groups_of = |email: &str| people.iter().find(|p| p.user.profile.email == email).unwrap().group_names.clone();
    assert_eq!(groups_of("scholar150@test.edu"), ["Group A", "Group B"]);
    assert_eq!(groups_of(MEMBER_A), ["Group A"]);
    assert!(groups_of("scholar151@test.edu").is_empty());
});

/// The names in a program's people list, in the order the page shows them, among `names`.
async fn people_in_order(client: &Client, program: i64, names: &[&str]) -> Vec<String> {
    let (status, page) = client.get_text(&format!("/programs/{program}")).await;
    assert_eq!(status, 200);
    page.split("<th scope=\"row\">")
        .skip(1)
        .filter_map(|row| row.split("<br>").next())
        .filter(|name| names.contains(name))
        .map(str::to_string)
        .collect()
}

on_both_backends!(a_programs_people_stay_in_name_order_as_they_join_and_change_names, |app: TestApp| async move {
    let world = app.world().await;
    let store = &app.state.store;
    let now = app.clock.now_value();
    let person = |email: &str, name: &str| {
        aspire::domain::Profile { email: email.into(), name: name.into(), ..Default::default() }.validate().unwrap()
    };
    let names = ["Ann Xu", "Bea Young", "Carla Zed", "Aaron Zed", "Dora Vale", "Abe New"];
    store
        .import_roster(
            world.program,
            &[
                person("carla@test.edu", "Carla Zed"),
                person("ann@test.edu", "Ann Xu"),
                person("bea@test.edu", "Bea Young"),
            ],
            now,
        )
        .await
        .unwrap();
    let coordinator = app.signed_in(COORDINATOR).await;
    assert_eq!(people_in_order(&coordinator, world.program, &names).await, ["Ann Xu", "Bea Young", "Carla Zed"]);

    // A roster that renames someone moves them; so does a change to their own profile.
    store.import_roster(world.program, &[person("carla@test.edu", "Aaron Zed")], now).await.unwrap();
    assert_eq!(people_in_order(&coordinator, world.program, &names).await, ["Aaron Zed", "Ann Xu", "Bea Young"]);
    let ann = store.user_by_email("ann@test.edu").await.unwrap().unwrap();
    store.update_profile(ann.id, &person("ann@test.edu", "Dora Vale")).await.unwrap();
    assert_eq!(people_in_order(&coordinator, world.program, &names).await, ["Aaron Zed", "Bea Young", "Dora Vale"]);

    // Someone with an account already, added to the program, takes their place by name.
    store.import_roster(world.other_program, &[person("abe@test.edu", "Abe New")], now).await.unwrap();
    let abe = store.user_by_email("abe@test.edu").await.unwrap().unwrap();
    store.add_program_member(world.program, abe.id, aspire::store::ProgramRole::Participant).await.unwrap();
    assert_eq!(
        people_in_order(&coordinator, world.program, &names).await,
        ["Aaron Zed", "Abe New", "Bea Young", "Dora Vale"]
    );

    // Someone with two roles in the program is listed once for each, not once for each pair.
    let bea = store.user_by_email("bea@test.edu").await.unwrap().unwrap();
    store.add_program_member(world.program, bea.id, aspire::store::ProgramRole::Coordinator).await.unwrap();
    assert_eq!(
        people_in_order(&coordinator, world.program, &names).await,
        ["Aaron Zed", "Abe New", "Bea Young", "Bea Young", "Dora Vale"]
    );
});

on_both_backends!(a_control_character_in_an_uploaded_form_is_refused_too, |app: TestApp| async move {
    let world = app.world().await;
    let mina = app.signed_in(MEMBER_A).await;
    let path = format!("/programs/{}/resources", world.program);
    let csrf = mina.csrf(&path).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("title", "Aims page\u{0} template")
        .text("url", "https://x.edu/aims")
        .text("share", "program");
    let response = mina.http.post(app.url(&path)).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 422, "never a 500 on PostgreSQL");
    assert!(response.text().await.unwrap().contains("holds a control character (U+0000)"));
    assert!(!mina.get_text(&path).await.1.contains("Aims page"), "nothing was shared");
});

on_both_backends!(the_outbox_and_the_audit_log_filter_by_kind_person_and_date, |app: TestApp| async move {
    app.world().await;
    let store = &app.state.store;
    let now = app.clock.now_value();
    let mut ids = Vec::new();
    for (i, recipient) in ["ana@test.edu", "ben@test.edu", "carla_x@test.edu", "carlaax@test.edu"].iter().enumerate() {
        let email = aspire::store::NewEmail {
            recipient: recipient.to_string(),
            subject: format!("Message {i}"),
            ..Default::default()
        };
        ids.push(store.enqueue_email(&email, now).await.unwrap());
    }
    store.mark_email_sent(ids[0], now).await.unwrap();
    store.mark_email_failed(ids[1], "mailbox full", now + 60).await.unwrap();
    let tomorrow =
        aspire::store::NewEmail { recipient: "dan@test.edu".into(), subject: "Later".into(), ..Default::default() };
    store.enqueue_email(&tomorrow, now + 86_400).await.unwrap();

    let admin = app.signed_in(ADMIN).await;
    let shown = |page: &str, who: &str| page.contains(&format!("To {who}"));
    let (_, sent) = admin.get_text("/admin/outbox?kind=sent").await;
    assert!(shown(&sent, "ana@test.edu") && !shown(&sent, "ben@test.edu"), "{sent}");
    let (_, failing) = admin.get_text("/admin/outbox?kind=failing").await;
    assert!(shown(&failing, "ben@test.edu") && !shown(&failing, "ana@test.edu"));
    let (_, waiting) = admin.get_text("/admin/outbox?kind=waiting").await;
    assert!(
        shown(&waiting, "carla_x@test.edu") && !shown(&waiting, "ben@test.edu") && !shown(&waiting, "ana@test.edu")
    );
    // What is typed is matched literally: "_" is no wildcard.
    let (_, person) = admin.get_text("/admin/outbox?person=CARLA_X").await;
    assert!(shown(&person, "carla_x@test.edu") && !shown(&person, "carlaax@test.edu"), "{person}");
    assert!(person.contains("value=\"CARLA_X\""), "the filter stays in its form");
    let (_, today) = admin.get_text("/admin/outbox?from=2026-05-28&to=2026-05-28").await;
    assert!(shown(&today, "ana@test.edu") && !shown(&today, "dan@test.edu"), "{today}");
    let (_, later) = admin.get_text("/admin/outbox?from=2026-05-29").await;
    assert!(shown(&later, "dan@test.edu") && !shown(&later, "ana@test.edu"));
    let (_, none) = admin.get_text("/admin/outbox?person=nobody").await;
    assert!(none.contains("No emails match this filter"));
    let (status, bad) = admin.get_text("/admin/outbox?from=28/05/2026").await;
    assert_eq!(status, 400);
    assert!(bad.contains("write it as YYYY-MM-DD"), "{bad}");
    assert_eq!(admin.get_text("/admin/outbox?kind=lost").await.0, 400);

    app.client().login(MEMBER_B, "wrong password").await;
    let (_, refusals) = admin.get_text("/admin/audit?kind=refused").await;
    assert!(refusals.contains("sign-in refused") && refusals.contains(MEMBER_B), "{refusals}");
    assert!(!refusals.contains("<td>signed in</td>"), "only what was asked: {refusals}");
    let (_, by_person) = admin.get_text("/admin/audit?person=Ada").await;
    assert!(by_person.contains("Ada Admin") && !by_person.contains(MEMBER_B), "{by_person}");
    // The outbox's own coordinators stay out: a filter is no way around the admin rule.
    assert_eq!(app.signed_in(COORDINATOR).await.get_text("/admin/outbox?kind=sent").await.0, 404);
});

on_both_backends!(
    a_grant_funded_after_submission_is_changed_in_place_and_keeps_its_cheers,
    |app: TestApp| async move {
        let world = app.world().await;
        let mina = app.signed_in(MEMBER_A).await;
        let csrf = mina.csrf("/wins").await;
        let share = format!("group:{}", world.group_a);
        let grant = |status: &'static str, date: &'static str| {
            vec![
                ("csrf", csrf.clone()),
                ("kind", "grant".to_string()),
                ("title", "Peer mentoring and retention".to_string()),
                ("venue", "NHLBI".to_string()),
                ("date", date.to_string()),
                ("award_number", "1 K23 HL145123-01A1".to_string()),
                ("grant_role", "pi".to_string()),
                ("grant_status", status.to_string()),
                ("share", share.clone()),
            ]
        };
        let recorded = mina.http.post(app.url("/wins")).form(&grant("submitted", "2026-02-05")).send().await.unwrap();
        assert_eq!(recorded.status(), 303);
        let (_, list) = mina.get_text("/wins").await;
        assert!(list.contains("5 Feb 2026") && list.contains("submitted"), "the win carries its day: {list}");
        let win = list.split("href=\"/wins/").nth(1).unwrap().split('"').next().unwrap().to_string();
        let path = format!("/wins/{win}");
        let milo = app.signed_in(MEMBER_A2).await;
        let milo_csrf = milo.csrf(&path).await;
        milo.post_form(&format!("{path}/cheers"), &[("csrf", &milo_csrf), ("message", "Fingers crossed!")]).await;

        // A bad date is said on the win's own form, with everything typed kept; nothing changes.
        let edit = format!("{path}/edit");
        let mut typed = grant("funded", "2026-13-40");
        typed.retain(|(k, _)| *k != "share");
        let refused = mina.http.post(app.url(&edit)).form(&typed).send().await.unwrap();
        assert_eq!(refused.status(), 422);
        let page = refused.text().await.unwrap();
        assert!(page.contains("2026-13-40&#34; is not a date: write it as year-month-day"), "{page}");
        assert!(
            page.contains("value=\"2026-13-40\"") && page.contains("<details open>"),
            "the form keeps what was typed"
        );
        let (_, page) = milo.get_text(&path).await;
        assert!(page.contains("submitted") && !page.contains("funded"), "nothing changed: {page}");

        // Others may not change it, whatever their role.
        for email in [MEMBER_A2, FACILITATOR_A, COORDINATOR, ADMIN] {
            let other = app.signed_in(email).await;
            let other_csrf = other.csrf("/profile").await;
            let response =
                other.post_form(&edit, &[("csrf", &other_csrf), ("kind", "award"), ("title", "Taken over")]).await;
            assert_eq!(response.status(), 404, "{email} may not change Mina's win");
        }

        let mut funded = grant("funded", "2026-09-01");
        funded.retain(|(k, _)| *k != "share");
        let saved = mina.http.post(app.url(&edit)).form(&funded).send().await.unwrap();
        assert_eq!(saved.status(), 303);
        let (_, page) = milo.get_text(&path).await;
        assert!(page.contains("1 Sep 2026") && page.contains("funded") && !page.contains("submitted"), "{page}");
        assert!(page.contains("Fingers crossed!"), "the win keeps its congratulations");
        let (_, group) = milo.get_text(&format!("/groups/{}", world.group_a)).await;
        assert!(group.contains("Peer mentoring and retention"), "and who sees it");
        let (_, export) = mina.get_text("/account/export.json").await;
        assert!(export.contains("\"date\": \"2026-09-01\""), "the export has the day: {export}");
    }
);
