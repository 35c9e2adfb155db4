//! Roster import: every row checked before anything is written, problems named by line,
//! a preview to confirm, and re-imports that update instead of duplicating.

use crate::harness::*;
use crate::on_both_backends;

const GOOD: &str = "email,name,department,division,discipline,career stage,research interests,availability\n\
    ana.ruiz@test.edu,Ana Ruiz,Medicine,Nephrology,Clinical research,Assistant Professor,kidney disease; health equity,Mon 09-11; Wed 14-16\n\
    ben.okafor@test.edu,Ben Okafor,Pediatrics,Neonatology,Basic science,postdoc,neurodevelopment,Tue 12-14\n\
    chiara.b@test.edu,Chiara Bianchi,Surgery,,Health services research,instructor,,Mon 10-12\n";

async fn upload(client: &Client, program: i64, csrf: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_string())
        .part("roster", reqwest::multipart::Part::bytes(bytes).file_name("roster.csv").mime_str("text/csv").unwrap());
    client.http.post(format!("{}/programs/{program}/import", client.base)).multipart(form).send().await.unwrap()
}

async fn participants(app: &TestApp, program: i64) -> usize {
    app.state.store.program_people(program).await.unwrap().len()
}

on_both_backends!(import_with_a_bad_row_writes_nothing_then_the_fixed_file_imports, |app: TestApp| async move {
    let world = app.world().await;
    let client = app.signed_in(COORDINATOR).await;
    let csrf = client.csrf(&format!("/programs/{}/import", world.program)).await;
    let before = participants(&app, world.program).await;

    let bad = GOOD.replace("ben.okafor@test.edu", "ben.okafor.test.edu").replace("instructor", "wizard");
    let response = upload(&client, world.program, &csrf, bad.into_bytes()).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Line 3: the email address &#x27;ben.okafor.test.edu&#x27; is not valid")
            || page.contains("Line 3: the email address &#39;ben.okafor.test.edu&#39; is not valid"),
        "{page}"
    );
    assert!(
        page.contains("Line 4: &#x27;wizard&#x27; is not a career stage")
            || page.contains("Line 4: &#39;wizard&#39; is not a career stage"),
        "{page}"
    );
    assert!(page.contains("Nothing was written"));
    assert_eq!(participants(&app, world.program).await, before, "a bad file writes nothing");

    let response = upload(&client, world.program, &csrf, GOOD.as_bytes().to_vec()).await;
    assert_eq!(response.status(), 200);
    let preview = response.text().await.unwrap();
    assert!(preview.contains("Check before importing: 3 people"));
    assert_eq!(participants(&app, world.program).await, before, "the preview writes nothing");

    let confirm = client
        .post_form(&format!("/programs/{}/import/confirm", world.program), &[("csrf", &csrf), ("roster", GOOD)])
        .await;
    assert_eq!(confirm.status(), 303);
    assert_eq!(participants(&app, world.program).await, before + 3);
    let location = confirm.headers()["location"].to_str().unwrap().to_string();
    let (_, program_page) = client.get_text(&location).await;
    assert!(program_page.contains("Ana Ruiz") && program_page.contains("Roster imported."));
    let ana = app.state.store.user_by_email("ana.ruiz@test.edu").await.unwrap().unwrap();
    assert_eq!(ana.profile.career_stage, "assistant_professor");
    assert_eq!(ana.profile.availability, "Mon 09-11; Wed 14-16");

    // The same file again, with one change: people are updated by email, not duplicated.
    let changed = GOOD.replace("Ana Ruiz,Medicine", "Ana Ruiz-Lopez,Medicine");
    let preview = upload(&client, world.program, &csrf, changed.clone().into_bytes()).await.text().await.unwrap();
    assert!(
        preview.contains("Profile updated") && !preview.contains("Added to this program"),
        "all three are in the program and have never signed in"
    );
    client
        .post_form(&format!("/programs/{}/import/confirm", world.program), &[("csrf", &csrf), ("roster", &changed)])
        .await;
    assert_eq!(participants(&app, world.program).await, before + 3);
    let ana = app.state.store.user_by_email("ana.ruiz@test.edu").await.unwrap().unwrap();
    assert_eq!(ana.profile.name, "Ana Ruiz-Lopez");
});

on_both_backends!(an_import_never_rewrites_a_profile_in_use_nor_says_who_has_an_account, |app: TestApp| async move {
    let world = app.world().await;
    // Otto coordinates another program. A roster there with Mina (of this program, signed in)
    // and Bea under new names.
    let other = app.signed_in(OTHER_COORDINATOR).await;
    let csrf = other.csrf(&format!("/programs/{}/import", world.other_program)).await;
    let roster = format!("email,name\n{MEMBER_A},Renamed By Otto\nnobody.yet@test.edu,Nobody Yet\n");
    let preview = upload(&other, world.other_program, &csrf, roster.clone().into_bytes()).await.text().await.unwrap();
    assert_eq!(preview.matches("Added to this program").count(), 2, "an account elsewhere is not revealed: {preview}");
    let confirm = other
        .post_form(
            &format!("/programs/{}/import/confirm", world.other_program),
            &[("csrf", &csrf), ("roster", &roster)],
        )
        .await;
    assert_eq!(confirm.status(), 303);
    let mina = app.state.store.user_by_email(MEMBER_A).await.unwrap().unwrap();
    assert_eq!(mina.profile.name, "Mina Alpha", "a profile in use is never rewritten by an import");
    // In her own program, a re-import keeps the profile of someone who has signed in, and says so.
    let own = app.signed_in(COORDINATOR).await;
    let csrf = own.csrf(&format!("/programs/{}/import", world.program)).await;
    let roster = format!("email,name\n{MEMBER_A},Renamed By Cora\n");
    let preview = upload(&own, world.program, &csrf, roster.into_bytes()).await.text().await.unwrap();
    assert!(preview.contains("Already has an account: profile kept"), "{preview}");
});

on_both_backends!(malformed_rosters_are_explained, |app: TestApp| async move {
    let world = app.world().await;
    let client = app.signed_in(COORDINATOR).await;
    let csrf = client.csrf(&format!("/programs/{}/import", world.program)).await;
    let before = participants(&app, world.program).await;
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"mail,name\nx@test.edu,X\n".to_vec(), "unknown column"),
        (b"name,department\nX,Y\n".to_vec(), "the column &#x27;email&#x27; is missing"),
        (b"email,name\na@test.edu,A\nA@test.edu,A again\n".to_vec(), "Line 3: a@test.edu is also on line 2"),
        (b"email,name,department\na@test.edu,A,Cardiolog\xe9a\n".to_vec(), "Line 2: the department is not UTF-8 text"),
        (
            b"email,name,availability\na@test.edu,A,Someday 3\n".to_vec(),
            "Line 2: availability entry &quot;Someday 3&quot;",
        ),
        (b"email,name\n".to_vec(), "the roster has no people"),
    ];
    for (bytes, expected) in cases {
        let response = upload(&client, world.program, &csrf, bytes).await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.unwrap().replace("&#39;", "&#x27;").replace("&#34;", "&quot;");
        assert!(page.contains(expected), "expected {expected:?} in {page}");
    }
    assert_eq!(participants(&app, world.program).await, before, "nothing was written");
});

on_both_backends!(oversized_upload_is_refused_clearly, |app: TestApp| async move {
    let world = app.world().await;
    let client = app.signed_in(COORDINATOR).await;
    let csrf = client.csrf(&format!("/programs/{}/import", world.program)).await;
    let mut big = b"email,name\n".to_vec();
    // Over the 5 MB roster limit but inside the request limit, so the server reads it all and
    // answers (a far larger body is cut off mid-upload, which a test client sees as a broken pipe).
    while big.len() < 5 * 1024 * 1024 + 100 * 1024 {
        big.extend_from_slice(b"someone@test.edu,Some One\n");
    }
    let response = upload(&client, world.program, &csrf, big).await;
    assert_eq!(response.status(), 413);
    assert!(response.text().await.unwrap().contains("split the roster into smaller files"));
});

on_both_backends!(adding_one_person_with_a_bad_email_keeps_what_was_typed, |app: TestApp| async move {
    let world = app.world().await;
    let client = app.signed_in(COORDINATOR).await;
    let csrf = client.csrf(&format!("/programs/{}", world.program)).await;
    let response = client
        .post_form(
            &format!("/programs/{}/people", world.program),
            &[("csrf", &csrf), ("name", "Dev Patel"), ("email", "dev at test"), ("department", "Neurology")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("is not valid: write it as name@example.edu"));
    assert!(page.contains("value=\"Dev Patel\"") && page.contains("value=\"Neurology\""), "the typed values are kept");
});

on_both_backends!(every_problem_of_every_row_is_named_in_one_pass, |app: TestApp| async move {
    let world = app.world().await;
    let client = app.signed_in(COORDINATOR).await;
    let csrf = client.csrf(&format!("/programs/{}/import", world.program)).await;
    let roster = "email,name,career stage,time zone\n\
        not-an-email,,Dean,Mars/Olympus\n\
        ok.person@test.edu,Ok Person,postdoc,EST5\n";
    let response = upload(&client, world.program, &csrf, roster.as_bytes().to_vec()).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap().replace("&#x27;", "'").replace("&#39;", "'");
    for said in [
        "Line 2: the email address 'not-an-email' is not valid",
        "a name is required",
        "'Dean' is not a career stage: use one of Student, Resident/fellow, Postdoc",
        "'Mars/Olympus' is not a time zone",
        "Line 3: 'EST5' is not a time zone",
    ] {
        assert!(page.contains(said), "{said} in {page}");
    }
    assert!(!page.contains("assistant_professor"), "stages are worded as everywhere else");

    let one = "email,name,time zone\nsolo@test.edu,Solo Person,Europe/London\n";
    let (status, preview) = {
        let response = upload(&client, world.program, &csrf, one.as_bytes().to_vec()).await;
        (response.status(), response.text().await.unwrap())
    };
    assert_eq!(status, 200, "{preview}");
    assert!(preview.contains("Import 1 person<") && !preview.contains("1 people"), "{preview}");
});
