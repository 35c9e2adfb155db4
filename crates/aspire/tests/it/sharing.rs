//! Resources and nominations as people use them: a file shared with a group reaches that
//! group only, as a download; bad files and links are explained and leave nothing behind;
//! search finds by tag and words; an opportunity leads to a nomination, an email, an answer and
//! a celebrated win; nominations stay between the people they concern.

use crate::harness::*;
use crate::on_both_backends;

/// A small PDF with bytes a text round trip would mangle.
const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n\x00\xff\x10trailer\n%%EOF\n";

fn resources_path(program: i64) -> String {
    format!("/programs/{program}/resources")
}

/// Posts the share form as a browser does: the CSRF token first, then the fields, then the file.
pub async fn share(
    client: &Client,
    program: i64,
    fields: &[(&str, &str)],
    file: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let csrf = client.csrf(&resources_path(program)).await;
    let mut form = reqwest::multipart::Form::new().text("csrf", csrf);
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    if let Some((name, bytes)) = file {
        // The browser's claimed type is deliberately wrong: aspire reads the bytes.
        let part =
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()).mime_str("application/pdf").unwrap();
        form = form.part("file", part);
    }
    client.http.post(format!("{}{}", client.base, resources_path(program))).multipart(form).send().await.unwrap()
}

/// Files kept under the data folder (temporaries included).
fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    let root = app.dir.path().join("files");
    let mut found = Vec::new();
    for folder in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(folder.path()).into_iter().flatten().flatten() {
            found.push(file.path());
        }
    }
    found
}

async fn resource_count(app: &TestApp, program: i64) -> usize {
    app.state.store.program_resources(program).await.unwrap().len()
}

on_both_backends!(a_file_shared_with_a_group_reaches_its_peers_only_as_a_download, |app: TestApp| async move {
    let world = app.world().await;
    let mina = app.signed_in(MEMBER_A).await;
    let group = world.group_a.to_string();
    let response = share(
        &mina,
        world.program,
        &[("title", "Funded K23 aims page"), ("tags", "K23, Specific Aims"), ("share", &group)],
        Some(("K23 aims.pdf", PDF.to_vec())),
    )
    .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let id = app.state.store.program_resources(world.program).await.unwrap()[0].id;
    let files = stored_files(&app);
    assert_eq!(files.len(), 1, "the file is kept once under the data folder");
    assert_eq!(std::fs::read(&files[0]).unwrap(), PDF);

    let milo = app.signed_in(MEMBER_A2).await;
    let (status, list) = milo.get_text(&resources_path(world.program)).await;
    assert_eq!(status, 200);
    assert!(list.contains("Funded K23 aims page") && list.contains("Group A"), "{list}");
    assert!(list.contains("specific aims"), "tags are shown lower-cased");
    let download = milo.get(&format!("/resources/{id}/download")).await;
    assert_eq!(download.status(), 200);
    let headers = download.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment; filename=\"K23 aims.pdf\""), "{disposition}");
    assert_eq!(download.bytes().await.unwrap().as_ref(), PDF, "the same bytes come back");

    // Another group's member and the coordinator neither see it listed nor reach the file.
    for outsider in [MEMBER_B, COORDINATOR] {
        let client = app.signed_in(outsider).await;
        let (status, list) = client.get_text(&resources_path(world.program)).await;
        assert_eq!(status, 200);
        assert!(!list.contains("Funded K23 aims page"), "{outsider} sees a group's file in the list");
        let (status, body) = client.get_text(&format!("/resources/{id}/download")).await;
        assert_eq!(status, 404, "{outsider}");
        assert!(!body.contains("K23"));
    }
    let (status, _) = app.signed_in(OTHER_COORDINATOR).await.get_text(&resources_path(world.program)).await;
    assert_eq!(status, 404, "another program's coordinator does not learn the page exists");
});

on_both_backends!(unsafe_or_oversized_files_are_explained_and_nothing_is_written, |app: TestApp| async move {
    let world = app.world().await;
    let mina = app.signed_in(MEMBER_A).await;
    let fields = [("title", "Tips"), ("share", "program")];
    for (name, bytes) in [
        ("tips.html", b"<html><body>tips</body></html>".to_vec()),
        ("logo.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec()),
        ("aims.pdf", b"<!DOCTYPE html><script>alert(1)</script>".to_vec()),
    ] {
        let response = share(&mina, world.program, &fields, Some((name, bytes))).await;
        assert_eq!(response.status(), 422, "{name}");
        let page = response.text().await.unwrap();
        assert!(page.contains("web page, image or script") && page.contains("save it as PDF"), "{name}: {page}");
        assert!(page.contains("value=\"Tips\""), "what was typed is kept");
    }
    let response = share(&mina, world.program, &fields, Some(("budget.xlsx", PDF.to_vec()))).await;
    assert_eq!(response.status(), 422);
    assert!(
        response.text().await.unwrap().contains("does not contain what its name says (XLSX): export it again as XLSX")
    );
    let response = share(&mina, world.program, &fields, Some(("tool.zip", b"PK\x03\x04".to_vec()))).await;
    assert!(response.text().await.unwrap().contains("upload a PDF, DOCX, XLSX, PPTX, ODT, TXT, CSV or MD file"));

    // Just over the limit. (Far over it, the app-wide body limit cuts the upload off; the server
    // may then close the connection before the client has sent everything, so a test of that
    // would depend on timing.)
    let mut big = PDF.to_vec();
    big.resize(5 * 1024 * 1024 + 1, b'x');
    let response = share(&mina, world.program, &fields, Some(("big.pdf", big))).await;
    assert_eq!(response.status(), 413);
    assert!(response.text().await.unwrap().contains("files are at most 5 MB: compress it, split it, or share a link"));

    assert_eq!(resource_count(&app, world.program).await, 0, "no row");
    assert!(stored_files(&app).is_empty(), "no file, not even a temporary");
});

on_both_backends!(only_web_links_are_shared, |app: TestApp| async move {
    let world = app.world().await;
    let mina = app.signed_in(MEMBER_A).await;
    for bad in ["javascript:alert(document.cookie)", "data:text/html,hi", "nih.gov/grants"] {
        let response =
            share(&mina, world.program, &[("title", "Grant tips"), ("url", bad), ("share", "program")], None).await;
        assert_eq!(response.status(), 422, "{bad}");
        let page = response.text().await.unwrap();
        assert!(page.contains("paste a link that starts with https:// or http://"), "{bad}: {page}");
    }
    let response =
        share(&mina, world.program, &[("title", " "), ("url", "https://grants.nih.gov"), ("share", "program")], None)
            .await;
    assert!(response.text().await.unwrap().contains("Give the resource a title"));
    assert_eq!(resource_count(&app, world.program).await, 0);

    let response = share(
        &mina,
        world.program,
        &[("title", "Grant tips"), ("url", "https://grants.nih.gov/tips"), ("share", "program")],
        None,
    )
    .await;
    assert_eq!(response.status(), 303);
    let (_, page) = app.signed_in(COORDINATOR).await.get_text(&resources_path(world.program)).await;
    assert!(page.contains("href=\"https://grants.nih.gov/tips\" rel=\"noopener noreferrer nofollow\""), "{page}");
    // Another group's id is not a place Mina can share to.
    let group_b = world.group_b.to_string();
    let response =
        share(&mina, world.program, &[("title", "T"), ("url", "https://x.edu"), ("share", &group_b)], None).await;
    assert_eq!(response.status(), 404);
});

on_both_backends!(search_finds_resources_by_tag_and_words, |app: TestApp| async move {
    let world = app.world().await;
    let mina = app.signed_in(MEMBER_A).await;
    let group = world.group_a.to_string();
    for (title, tags, share_with) in [
        ("R01 budget template", "budget, R01", "program"),
        ("Specific aims that worked", "aims, k23", "program"),
        ("Our group's aims drafts", "aims", group.as_str()),
    ] {
        let fields = [("title", title), ("tags", tags), ("url", "https://x.edu/r"), ("share", share_with)];
        assert_eq!(share(&mina, world.program, &fields, None).await.status(), 303);
    }
    let path = resources_path(world.program);
    let (_, by_tag) = mina.get_text(&format!("{path}?tag=Budget")).await;
    assert!(by_tag.contains("R01 budget template") && !by_tag.contains("Specific aims that worked"));
    let (_, by_words) = mina.get_text(&format!("{path}?q=AIMS+worked")).await;
    assert!(by_words.contains("Specific aims that worked"));
    assert!(!by_words.contains("R01 budget template") && !by_words.contains("drafts"));
    let (_, both) = mina.get_text(&format!("{path}?q=aims&tag=aims")).await;
    assert!(both.contains("Specific aims that worked") && both.contains("drafts"));
    let (_, nothing) = mina.get_text(&format!("{path}?q=biosketch")).await;
    assert!(nothing.contains("Nothing matches"));
    // Bea in group B finds the program's aims page, never group A's drafts.
    let (_, bea) = app.signed_in(MEMBER_B).await.get_text(&format!("{path}?tag=aims")).await;
    assert!(bea.contains("Specific aims that worked") && !bea.contains("drafts"));
});

on_both_backends!(identical_files_are_stored_once_and_only_their_author_deletes_them, |app: TestApp| async move {
    let world = app.world().await;
    let (mina, milo) = (app.signed_in(MEMBER_A).await, app.signed_in(MEMBER_A2).await);
    let fields = [("title", "Aims"), ("share", "program")];
    assert_eq!(share(&mina, world.program, &fields, Some(("aims.pdf", PDF.to_vec()))).await.status(), 303);
    assert_eq!(share(&milo, world.program, &fields, Some(("copy.pdf", PDF.to_vec()))).await.status(), 303);
    assert_eq!(stored_files(&app).len(), 1, "the same bytes are kept once");
    let ids: Vec<(i64, String)> = app
        .state
        .store
        .program_resources(world.program)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r.file_name))
        .collect();
    let mina_id = ids.iter().find(|(_, name)| name == "aims.pdf").unwrap().0;
    let milo_id = ids.iter().find(|(_, name)| name == "copy.pdf").unwrap().0;

    let csrf = milo.csrf(&resources_path(world.program)).await;
    let refused = milo.post_form(&format!("/resources/{mina_id}/delete"), &[("csrf", &csrf)]).await;
    assert_eq!(refused.status(), 404, "only the author deletes");
    let csrf = mina.csrf(&resources_path(world.program)).await;
    assert_eq!(mina.post_form(&format!("/resources/{mina_id}/delete"), &[("csrf", &csrf)]).await.status(), 303);
    assert_eq!(stored_files(&app).len(), 1, "Milo's copy still needs the file");
    assert_eq!(milo.get(&format!("/resources/{milo_id}/download")).await.bytes().await.unwrap().as_ref(), PDF);
    let csrf = milo.csrf(&resources_path(world.program)).await;
    assert_eq!(milo.post_form(&format!("/resources/{milo_id}/delete"), &[("csrf", &csrf)]).await.status(), 303);
    assert!(stored_files(&app).is_empty(), "the last resource using a file takes it along");
    assert_eq!(resource_count(&app, world.program).await, 0);
});

fn opportunities_path(program: i64) -> String {
    format!("/programs/{program}/opportunities")
}

async fn post_opportunity(client: &Client, program: i64, fields: &[(&str, &str)]) -> reqwest::Response {
    let csrf = client.csrf(&opportunities_path(program)).await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    client.post_form(&opportunities_path(program), &form).await
}

async fn nominate(client: &Client, program: i64, opportunity: i64, nominee: i64, statement: &str) -> reqwest::Response {
    let csrf = client.csrf(&opportunities_path(program)).await;
    let nominee = nominee.to_string();
    client
        .post_form(
            &format!("/opportunities/{opportunity}/nominations"),
            &[("csrf", &csrf), ("nominee_id", &nominee), ("statement", statement)],
        )
        .await
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    app.state.store.user_by_email(email).await.unwrap().unwrap().id
}

async fn only_opportunity(app: &TestApp, program: i64) -> i64 {
    app.state.store.program_opportunities(program).await.unwrap()[0].id
}

const STATEMENT: &str = "Bea's talk at our retreat was the clearest of the year.";

on_both_backends!(a_nomination_goes_from_opportunity_to_a_celebrated_win, |app: TestApp| async move {
    let world = app.world().await;
    let mina = app.signed_in(MEMBER_A).await;
    let fields = [("kind", "talk"), ("title", "Medicine Grand Rounds, spring"), ("deadline", "2026-09-30")];
    assert_eq!(post_opportunity(&mina, world.program, &fields).await.status(), 303);
    let opportunity = only_opportunity(&app, world.program).await;
    let bea_id = user_id(&app, MEMBER_B).await;
    let response = nominate(&mina, world.program, opportunity, bea_id, STATEMENT).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());

    let emails = app.state.store.list_outbox(10).await.unwrap();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].recipient, MEMBER_B);
    assert!(emails[0].subject.contains("Medicine Grand Rounds, spring"));
    assert!(emails[0].body.contains("Mina Alpha nominated you") && emails[0].body.contains("/nominations"));
    assert!(!emails[0].body.contains("clearest"), "the statement stays out of the outbox admins can read");

    let bea = app.signed_in(MEMBER_B).await;
    let (_, page) = bea.get_text("/nominations").await;
    assert!(page.contains("Medicine Grand Rounds, spring") && page.contains("clearest of the year"));
    assert!(page.contains("nominated by Mina Alpha") && page.contains("waiting for an answer"));
    let nomination = app.state.store.user_nominations(bea_id).await.unwrap()[0].id;
    let csrf = bea.csrf("/nominations").await;
    let accepted = bea
        .post_form(
            &format!("/nominations/{nomination}/respond"),
            &[("csrf", &csrf), ("answer", "accept"), ("celebrate", "1")],
        )
        .await;
    assert_eq!(accepted.status(), 303);

    let coordinator = app.signed_in(COORDINATOR).await;
    let (_, page) = coordinator.get_text("/nominations").await;
    assert!(page.contains("Bea Beta: Medicine Grand Rounds, spring") && page.contains("agreed to celebrate"));
    let csrf = coordinator.csrf("/nominations").await;
    let recorded = coordinator
        .post_form(
            &format!("/nominations/{nomination}/outcome"),
            &[("csrf", &csrf), ("outcome", "selected"), ("celebrate", "1")],
        )
        .await;
    assert_eq!(recorded.status(), 303, "{}", recorded.text().await.unwrap());

    let wins = app.state.store.user_wins(bea_id).await.unwrap();
    assert_eq!(wins.len(), 1);
    assert_eq!((wins[0].kind.as_str(), wins[0].visibility.code()), ("talk", "program"));
    assert_eq!((wins[0].title.as_str(), wins[0].group_id), ("Medicine Grand Rounds, spring", Some(world.group_b)));
    assert!(bea.get_text("/nominations").await.1.contains("selected · celebrated as a win"));
    // Celebrated once: recording again changes nothing and says why.
    let again = coordinator
        .post_form(&format!("/nominations/{nomination}/outcome"), &[("csrf", &csrf), ("outcome", "not_selected")])
        .await;
    assert_eq!(again.status(), 422);
    assert!(again.text().await.unwrap().contains("already celebrated"));
    assert_eq!(app.state.store.user_wins(bea_id).await.unwrap().len(), 1);
});

on_both_backends!(nominations_refuse_self_and_duplicates_and_stay_between_the_two, |app: TestApp| async move {
    let world = app.world().await;
    let mina = app.signed_in(MEMBER_A).await;
    let fields = [("kind", "award"), ("title", "Early Career Mentoring Award"), ("deadline", "2026-07-01")];
    assert_eq!(post_opportunity(&mina, world.program, &fields).await.status(), 303);
    let opportunity = only_opportunity(&app, world.program).await;
    let (mina_id, bea_id) = (user_id(&app, MEMBER_A).await, user_id(&app, MEMBER_B).await);

    let response = nominate(&mina, world.program, opportunity, mina_id, "I am great.").await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("You cannot nominate yourself: ask a peer"));
    let response = nominate(&mina, world.program, opportunity, bea_id, "   ").await;
    assert!(response.text().await.unwrap().contains("Write a short statement"));
    assert_eq!(nominate(&mina, world.program, opportunity, bea_id, STATEMENT).await.status(), 303);
    let milo = app.signed_in(MEMBER_A2).await;
    let response = nominate(&milo, world.program, opportunity, bea_id, "She mentors us all.").await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("Bea Beta is already nominated for") && page.contains("one nomination each is enough"));
    assert!(page.contains("She mentors us all."), "the statement typed is kept");
    assert_eq!(app.state.store.user_nominations(bea_id).await.unwrap().len(), 1);
    assert_eq!(app.state.store.list_outbox(10).await.unwrap().len(), 1, "one email, for the one nomination");
    let nomination = app.state.store.user_nominations(bea_id).await.unwrap()[0].id;

    // Others in the program, the coordinator while it is pending, and other programs: nothing.
    for outsider in [MEMBER_A2, FACILITATOR_A, COORDINATOR, SPARE, OTHER_COORDINATOR] {
        let client = app.signed_in(outsider).await;
        let (status, page) = client.get_text("/nominations").await;
        assert_eq!(status, 200);
        assert!(!page.contains("Early Career Mentoring Award") && !page.contains("clearest"), "{outsider}");
        let csrf = client.csrf("/nominations").await;
        for (action, answer) in [("respond", ("answer", "accept")), ("outcome", ("outcome", "selected"))] {
            let response =
                client.post_form(&format!("/nominations/{nomination}/{action}"), &[("csrf", &csrf), answer]).await;
            assert_eq!(response.status(), 404, "{outsider} {action}");
        }
    }

    // Accepted without agreeing to celebrate: the coordinator records it but cannot announce it.
    let bea = app.signed_in(MEMBER_B).await;
    let csrf = bea.csrf("/nominations").await;
    bea.post_form(&format!("/nominations/{nomination}/respond"), &[("csrf", &csrf), ("answer", "accept")]).await;
    let coordinator = app.signed_in(COORDINATOR).await;
    let csrf = coordinator.csrf("/nominations").await;
    let response = coordinator
        .post_form(
            &format!("/nominations/{nomination}/outcome"),
            &[("csrf", &csrf), ("outcome", "selected"), ("celebrate", "1")],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("Bea Beta has not agreed to celebrate this with the program"));
    assert!(app.state.store.user_wins(bea_id).await.unwrap().is_empty());
    let response = coordinator
        .post_form(&format!("/nominations/{nomination}/outcome"), &[("csrf", &csrf), ("outcome", "selected")])
        .await;
    assert_eq!(response.status(), 303);
    assert!(app.state.store.user_wins(bea_id).await.unwrap().is_empty(), "a selection alone announces nothing");
    // Bea may still celebrate it herself.
    let csrf = bea.csrf("/nominations").await;
    let response = bea
        .post_form(
            &format!("/nominations/{nomination}/outcome"),
            &[("csrf", &csrf), ("outcome", "selected"), ("celebrate", "1")],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(app.state.store.user_wins(bea_id).await.unwrap()[0].visibility, aspire::domain::Visibility::Program);
});

on_both_backends!(opportunities_explain_bad_input_and_list_the_soonest_deadline_first, |app: TestApp| async move {
    let world = app.world().await;
    let mina = app.signed_in(MEMBER_A).await;
    let response = post_opportunity(
        &mina,
        world.program,
        &[("kind", "talk"), ("title", "Grand rounds"), ("deadline", "next Friday")],
    )
    .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("is not a date: write the deadline as YYYY-MM-DD, like 2026-09-30"), "{page}");
    assert!(page.contains("value=\"Grand rounds\""), "what was typed is kept");
    let response =
        post_opportunity(&mina, world.program, &[("kind", "talk"), ("title", ""), ("deadline", "2026-09-30")]).await;
    assert!(response.text().await.unwrap().contains("Give the opportunity a title"));
    let response =
        post_opportunity(&mina, world.program, &[("kind", "talk"), ("title", "Old"), ("deadline", "2020-01-01")]).await;
    assert!(response.text().await.unwrap().contains("has already passed"));
    assert!(app.state.store.program_opportunities(world.program).await.unwrap().is_empty());

    for (title, deadline) in [("Later committee", "2026-12-01"), ("Sooner grant call", "2026-06-15")] {
        let fields = [("kind", "committee"), ("title", title), ("deadline", deadline)];
        assert_eq!(post_opportunity(&mina, world.program, &fields).await.status(), 303);
    }
    let (_, page) = app.signed_in(MEMBER_B).await.get_text(&opportunities_path(world.program)).await;
    let (sooner, later) = (page.find("Sooner grant call").unwrap(), page.find("Later committee").unwrap());
    assert!(sooner < later, "the soonest deadline comes first");
    assert!(page.contains("Mina Alpha") && page.contains("Nominate a peer"));
    assert!(!page.contains("Bea Beta</option>"), "nobody is offered themselves");
});

on_both_backends!(two_people_of_the_same_name_can_be_told_apart_in_the_nominee_picker, |app: TestApp| async move {
    let world = app.world().await;
    let store = &app.state.store;
    for (email, department) in [("ana.ruiz@test.edu", "Surgery"), ("a.ruiz@test.edu", "Pediatrics")] {
        let profile = aspire::domain::Profile {
            email: email.into(),
            name: "Ana Ruiz".into(),
            department: department.into(),
            ..Default::default()
        };
        let id = store.create_user(&profile.validate().unwrap(), None, false, app.clock.now_value()).await.unwrap();
        store.add_program_member(world.program, id, aspire::store::ProgramRole::Participant).await.unwrap();
    }
    let client = app.signed_in(MEMBER_A).await;
    let fields = [("kind", "talk"), ("title", "Medicine Grand Rounds, spring"), ("deadline", "2026-09-30")];
    assert_eq!(post_opportunity(&client, world.program, &fields).await.status(), 303);
    let (status, page) = client.get_text(&format!("/programs/{}/opportunities", world.program)).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(">Ana Ruiz (Surgery)</option>") && page.contains(">Ana Ruiz (Pediatrics)</option>"),
        "{page}"
    );
    assert!(page.contains(">Bea Beta</option>"), "a name held once stays as it is: {page}");
});
