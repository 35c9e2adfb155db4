//! Signing in and out, sessions, CSRF, throttling, invitations.

use crate::harness::*;
use crate::on_both_backends;

on_both_backends!(login_and_logout, |app: TestApp| async move {
    app.world().await;
    let client = app.client();
    let (status, _) = client.get_text("/").await;
    assert_eq!(status, 303, "anonymous visitors are sent to the login page");

    let response = client.login(MEMBER_A, PASSWORD).await;
    assert_eq!(response.status(), 303);
    let (status, home) = client.get_text("/").await;
    assert_eq!(status, 200);
    assert!(home.contains("Welcome, Mina"), "{home}");
    assert!(home.contains("Group A"));

    let csrf = csrf_in(&home).unwrap();
    let response = client.post_form("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), 303);
    let (status, _) = client.get_text("/").await;
    assert_eq!(status, 303, "after logout the session no longer works");
});

on_both_backends!(unknown_email_and_wrong_password_get_the_same_answer, |app: TestApp| async move {
    app.world().await;
    let wrong = app.client().login(MEMBER_A, "not the password").await;
    let unknown = app.client().login("nobody@test.edu", "not the password").await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    assert!(session_cookie(&wrong).is_none() && session_cookie(&unknown).is_none(), "no session for a failed login");
    let message = "That email and password do not match an account";
    let wrong_body = wrong.text().await.unwrap();
    let unknown_body = unknown.text().await.unwrap();
    assert!(wrong_body.contains(message) && unknown_body.contains(message));
});

on_both_backends!(session_id_changes_at_login_and_dies_at_logout, |app: TestApp| async move {
    app.world().await;
    let client = app.client();
    let pre_token = client.csrf("/login").await;
    let fields = [("csrf", pre_token.as_str()), ("email", MEMBER_A), ("password", PASSWORD)];
    let first = client.post_form("/login", &fields).await;
    let first_cookie = session_cookie(&first).expect("a session cookie is set at login");
    assert!(first.headers().get_all("set-cookie").iter().any(|v| {
        let v = v.to_str().unwrap();
        v.starts_with("aspire_session=") && v.contains("HttpOnly") && v.contains("SameSite=Lax")
    }));
    let second = client.post_form("/login", &fields).await;
    let second_cookie = session_cookie(&second).unwrap();
    assert_ne!(first_cookie, second_cookie, "every login gets a new session id");

    // Log out, then replay the old cookie from a fresh client: it must not work.
    let csrf = client.csrf("/profile").await;
    assert_eq!(client.post_form("/logout", &[("csrf", &csrf)]).await.status(), 303);
    let replay = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response =
        replay.get(app.url("/")).header("cookie", format!("aspire_session={second_cookie}")).send().await.unwrap();
    assert_eq!(response.status(), 303, "a logged-out session id opens nothing");
});

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response.headers().get_all("set-cookie").iter().find_map(|v| {
        let v = v.to_str().ok()?;
        let value = v.strip_prefix("aspire_session=")?.split(';').next()?;
        (!value.is_empty()).then(|| value.to_string())
    })
}

on_both_backends!(idle_session_expires, |app: TestApp| async move {
    app.world().await;
    let client = app.signed_in(MEMBER_A).await;
    assert_eq!(client.get_text("/").await.0, 200);
    app.clock.advance(119 * 60);
    assert_eq!(client.get_text("/").await.0, 200, "still inside the idle window");
    app.clock.advance(121 * 60);
    let response = client.get("/profile").await;
    assert_eq!(response.status(), 303, "a stale session is sent to log in again");
    assert_eq!(response.headers()["location"], "/login?next=%2Fprofile");
});

on_both_backends!(forged_csrf_token_changes_nothing, |app: TestApp| async move {
    let world = app.world().await;
    let client = app.signed_in(COORDINATOR).await;
    let path = format!("/programs/{}/groups", world.program);
    let response = client.post_form(&path, &[("csrf", "forged"), ("name", "Forged group")]).await;
    assert_eq!(response.status(), 403);
    assert!(response.text().await.unwrap().contains("reload the page"));
    let response = client.post_form(&path, &[("name", "No token group")]).await;
    assert_eq!(response.status(), 403);
    let groups = app.state.store.program_groups(world.program).await.unwrap();
    assert_eq!(groups.len(), 2, "no group was created");

    // Login itself needs the pre-session token.
    let response =
        app.client().post_form("/login", &[("csrf", "x"), ("email", MEMBER_A), ("password", PASSWORD)]).await;
    assert_eq!(response.status(), 403);
});

on_both_backends!(repeated_failed_logins_are_throttled, |app: TestApp| async move {
    app.world().await;
    let client = app.client();
    for _ in 0..5 {
        assert_eq!(client.login(MEMBER_A, "wrong password!").await.status(), 401);
    }
    let response = client.login(MEMBER_A, PASSWORD).await;
    assert_eq!(response.status(), 429, "the right password is refused while attempts are spaced out");
    assert!(response.text().await.unwrap().contains("wait a minute and try again"));
    assert_eq!(app.client().login(MEMBER_A2, PASSWORD).await.status(), 303, "other accounts are unaffected");
    // A growing delay, not a lock: after it, the owner's right password works.
    app.clock.advance(31);
    assert_eq!(client.login(MEMBER_A, PASSWORD).await.status(), 303, "the wait is over after 30 seconds");
});

on_both_backends!(a_burst_of_wrong_passwords_is_refused_before_it_is_hashed, |app: TestApp| async move {
    app.world().await;
    let client = app.client();
    let csrf = client.csrf("/login").await;
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let (http, url, csrf) = (client.http.clone(), format!("{}/login", client.base), csrf.clone());
        attempts.spawn(async move {
            let form = [("csrf", csrf.as_str()), ("email", MEMBER_A), ("password", "wrong password!")];
            http.post(url).form(&form).send().await.expect("POST").status().as_u16()
        });
    }
    let statuses: Vec<u16> = attempts.join_all().await;
    let refused = statuses.iter().filter(|s| **s == 429).count();
    // Each attempt is counted before it is checked, so at most the first few reach argon2.
    assert!(refused >= 40 - 2 * 5, "only {refused} of 40 concurrent wrong attempts were refused: {statuses:?}");
    assert!(statuses.iter().all(|s| [401, 429].contains(s)), "{statuses:?}");
});

on_both_backends!(invitation_sets_a_password_once, |app: TestApp| async move {
    let world = app.world().await;
    let coordinator = app.signed_in(COORDINATOR).await;
    let csrf = coordinator.csrf(&format!("/programs/{}", world.program)).await;
    let response = coordinator
        .post_form(
            &format!("/programs/{}/people", world.program),
            &[("csrf", &csrf), ("name", "Nia New"), ("email", "nia.new@test.edu"), ("career_stage", "postdoc")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let nia = app.state.store.user_by_email("nia.new@test.edu").await.unwrap().unwrap();
    let response = coordinator
        .post_form(&format!("/programs/{}/people/{}/invite", world.program, nia.id), &[("csrf", &csrf)])
        .await;
    assert_eq!(response.status(), 303);

    let outbox = app.state.store.list_outbox(10).await.unwrap();
    let mail = outbox.iter().find(|m| m.recipient == "nia.new@test.edu").expect("the invitation is in the outbox");
    let link = mail.body.lines().find(|l| l.contains("/invite/")).unwrap().trim().to_string();
    let path = link.split_once(&app.address.to_string()).unwrap().1.to_string();

    let invitee = app.client();
    let (status, page) = invitee.get_text(&path).await;
    assert_eq!(status, 200);
    assert!(page.contains("Welcome to KL2 Scholars, Nia New"));
    let csrf = csrf_in(&page).unwrap();
    let short = invitee.post_form(&path, &[("csrf", &csrf), ("password", "short"), ("confirm", "short")]).await;
    assert_eq!(short.status(), 422);
    assert!(short.text().await.unwrap().contains("at least 10 characters"));
    let response = invitee
        .post_form(&path, &[("csrf", &csrf), ("password", "a long new password"), ("confirm", "a long new password")])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/profile?notice=password-set");
    assert!(invitee.get_text("/profile?notice=password-set").await.1.contains("Your password is set"));

    // The link works once.
    let again = app.client();
    let (status, body) = again.get_text(&path).await;
    assert_eq!(status, 410);
    assert!(body.contains("already been used or has expired"));
    let csrf = again.csrf("/login").await;
    let reuse = again
        .post_form(
            &path,
            &[("csrf", &csrf), ("password", "an attacker's password"), ("confirm", "an attacker's password")],
        )
        .await;
    assert_eq!(reuse.status(), 410);
    assert_eq!(app.client().login("nia.new@test.edu", "an attacker's password").await.status(), 401);
    assert_eq!(app.client().login("nia.new@test.edu", "a long new password").await.status(), 303);
});

/// Adds someone who has never signed in to the program and invites them; returns the path of
/// the invitation link in the email.
async fn invite_newcomer(app: &TestApp, coordinator: &Client, program: i64, email: &str) -> String {
    let csrf = coordinator.csrf("/").await;
    let people = format!("/programs/{program}/people");
    coordinator.post_form(&people, &[("csrf", &csrf), ("name", "Nia New"), ("email", email)]).await;
    let newcomer = app.state.store.user_by_email(email).await.unwrap().unwrap();
    let invited = coordinator.post_form(&format!("{people}/{}/invite", newcomer.id), &[("csrf", &csrf)]).await;
    assert_eq!(invited.status(), 303);
    let mail = app.state.store.list_outbox(1).await.unwrap().remove(0);
    let link = mail.body.lines().find(|l| l.contains("/invite/")).unwrap().trim().to_string();
    link.split_once(&app.address.to_string()).unwrap().1.to_string()
}

on_both_backends!(invitation_expires_after_seven_days, |app: TestApp| async move {
    let world = app.world().await;
    let coordinator = app.signed_in(COORDINATOR).await;
    let path = invite_newcomer(&app, &coordinator, world.program, "nia.new@test.edu").await;
    app.clock.advance(6 * 86_400);
    assert_eq!(app.client().get_text(&path).await.0, 200);
    app.clock.advance(86_400 + 1);
    assert_eq!(app.client().get_text(&path).await.0, 410);
});

on_both_backends!(errors_are_pages_in_the_layout_with_a_way_back, |app: TestApp| async move {
    let world = app.world().await;
    let member = app.signed_in(MEMBER_A).await;
    // Not theirs, not a number, and a page that does not exist: each inside the layout, with
    // the member's navigation and a way home.
    for (path, status) in
        [(format!("/groups/{}", world.group_b), 404), ("/groups/abc".to_string(), 400), ("/nowhere".to_string(), 404)]
    {
        let (got, body) = member.get_text(&path).await;
        assert_eq!(got, status, "{path}");
        assert!(body.contains("href=\"/goals\">My goals</a>"), "{path}: no navigation in {body}");
        assert!(body.contains("Sign out"), "{path}");
        assert!(body.contains("<a href=\"/\">go to your home page</a>"), "{path}");
        assert!(!body.to_lowercase().contains("cannot parse"), "{path}: axum's own words in {body}");
    }
    // Someone signed out gets the same frame without anyone's navigation.
    let (got, body) = app.client().get_text("/nowhere").await;
    assert_eq!(got, 404);
    assert!(!body.contains("Sign out") && body.contains("go to your home page"));
});

on_both_backends!(nobody_takes_over_an_account_through_an_invitation, |app: TestApp| async move {
    let world = app.world().await;
    let admin = app.signed_in(ADMIN).await;
    let member = app.state.store.user_by_email(MEMBER_A).await.unwrap().unwrap();
    let sessions_before = app.signed_in(MEMBER_A).await;
    let outbox_before = app.state.store.list_outbox(1000).await.unwrap().len();
    // An account with a password is never invited: no link exists to read.
    let csrf = admin.csrf("/").await;
    let refused =
        admin.post_form(&format!("/programs/{}/people/{}/invite", world.program, member.id), &[("csrf", &csrf)]).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("has already set a password"));
    assert_eq!(app.state.store.list_outbox(1000).await.unwrap().len(), outbox_before, "no email was queued");
    assert_eq!(sessions_before.get("/goals").await.status(), 200, "the member's session is untouched");

    // A newcomer's second invitation revokes the first; the outbox page shows no link.
    let first = invite_newcomer(&app, &admin, world.program, "nia.new@test.edu").await;
    let nia = app.state.store.user_by_email("nia.new@test.edu").await.unwrap().unwrap();
    let csrf = admin.csrf("/").await;
    admin.post_form(&format!("/programs/{}/people/{}/invite", world.program, nia.id), &[("csrf", &csrf)]).await;
    assert_eq!(app.client().get_text(&first).await.0, 410, "an earlier invitation stops working");
    let (status, outbox) = admin.get_text("/admin/outbox").await;
    assert_eq!(status, 200);
    assert!(outbox.contains("nia.new@test.edu"), "recipients are shown");
    assert!(!outbox.contains("/invite/"), "no secret link is shown to anyone but its owner");

    // Setting a password is audited.
    let mail = app.state.store.list_outbox(1).await.unwrap().remove(0);
    let link = mail.body.lines().find(|l| l.contains("/invite/")).unwrap().trim().to_string();
    let path = link.split_once(&app.address.to_string()).unwrap().1.to_string();
    let visitor = app.client();
    let csrf = visitor.csrf(&path).await;
    let set = visitor
        .post_form(&path, &[("csrf", &csrf), ("password", "a long new password"), ("confirm", "a long new password")])
        .await;
    assert_eq!(set.status(), 303);
    let audit = app.state.store.audit_log(50).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "password set" && e.subject == "by invitation"));
    assert!(audit.iter().any(|e| e.action == "invitation sent"));
    // And the link, used, cannot set it again.
    assert_eq!(app.client().get_text(&path).await.0, 410);
});

on_both_backends!(a_password_typed_as_an_email_never_reaches_the_audit_log, |app: TestApp| async move {
    app.world().await;
    app.client().login("correct horse battery staple", "x").await;
    app.client().login("Someone@Test.EDU", "wrong password!").await;
    let audit = app.state.store.audit_log(50).await.unwrap();
    assert!(audit.iter().all(|e| !e.subject.contains("horse")), "what was typed is not an email: not kept");
    assert!(audit.iter().any(|e| e.action == "sign-in refused" && e.subject == "(not an email address)"));
    assert!(audit.iter().any(|e| e.action == "sign-in refused" && e.subject == "someone@test.edu"));
});

on_both_backends!(after_sign_in_nobody_is_sent_off_the_site, |app: TestApp| async move {
    app.world().await;
    let member = app.signed_in(MEMBER_A).await;
    for next in ["/%09/evil.example/phish", "//evil.example", "/%5Cevil.example", "https://evil.example/"] {
        let response = member.get(&format!("/login?next={next}")).await;
        assert_eq!(response.status(), 303, "{next}");
        assert_eq!(response.headers()["location"], "/", "{next}");
    }
    let visitor = app.client();
    let csrf = visitor.csrf("/login").await;
    let response = visitor
        .post_form(
            "/login",
            &[("csrf", &csrf), ("email", MEMBER_A), ("password", PASSWORD), ("next", "/\r\nSet-Cookie: evil=1")],
        )
        .await;
    assert_eq!(response.status(), 303, "a newline in next is refused, not a 500");
    assert_eq!(response.headers()["location"], "/");
    let kept = member.get("/login?next=/goals%3Fyear%3D2026").await;
    assert_eq!(kept.headers()["location"], "/goals?year=2026", "a path on the site is kept");
});

on_both_backends!(many_people_signing_in_at_once_from_one_network_all_get_in, |app: TestApp| async move {
    app.world().await;
    let hash = aspire::auth::password::hash(PASSWORD.into()).await.unwrap();
    let mut emails = Vec::new();
    for i in 0..40 {
        let email = format!("crowd{i}@test.edu");
        let profile = aspire::domain::Profile { email: email.clone(), name: "Crowd".into(), ..Default::default() };
        app.state.store.create_user(&profile.validate().unwrap(), Some(&hash), false, 0).await.unwrap();
        emails.push(email);
    }
    let mut sign_ins = tokio::task::JoinSet::new();
    for email in emails {
        let client = app.client();
        sign_ins.spawn(async move { client.login(&email, PASSWORD).await.status().as_u16() });
    }
    let statuses: Vec<u16> = sign_ins.join_all().await;
    assert!(statuses.iter().all(|s| *s == 303), "an attempt still being checked is no failure: {statuses:?}");
});

/// Asks for a reset link for `email` from a signed-out browser; returns the page's text.
async fn ask_for_reset(app: &TestApp, email: &str) -> String {
    let visitor = app.client();
    let csrf = visitor.csrf("/password/forgot").await;
    let response = visitor.post_form("/password/forgot", &[("csrf", &csrf), ("email", email)]).await;
    assert_eq!(response.status(), 200, "{email}");
    response.text().await.unwrap()
}

/// The path of the reset link in the newest email to `email`.
async fn reset_link(app: &TestApp, email: &str) -> String {
    let mail = app.state.store.list_outbox(50).await.unwrap().into_iter().find(|m| m.recipient == email).unwrap();
    assert_eq!(mail.subject, "Set a new password for aspire");
    let link = mail.body.lines().find(|l| l.contains("/password/reset/")).unwrap().trim().to_string();
    assert!(link.starts_with("http://"), "the link is absolute: {link}");
    link.split_once(&app.address.to_string()).unwrap().1.to_string()
}

on_both_backends!(a_forgotten_password_is_reset_by_a_link_that_ends_other_sessions, |app: TestApp| async move {
    app.world().await;
    let (status, login) = app.client().get_text("/login").await;
    assert_eq!(status, 200);
    assert!(login.contains("href=\"/password/forgot\">Forgot your password?</a>"));

    let other_device = app.signed_in(MEMBER_A).await;
    let outbox_before = app.state.store.list_outbox(1000).await.unwrap().len();
    let known = ask_for_reset(&app, MEMBER_A).await;
    let unknown = ask_for_reset(&app, "nobody.here@test.edu").await;
    let answer = |page: &str, email: &str| page.replace(email, "ADDRESS").replace(|c: char| c.is_ascii_hexdigit(), "");
    assert_eq!(answer(&known, MEMBER_A), answer(&unknown, "nobody.here@test.edu"), "the same answer either way");
    assert!(known.contains("a link to set a new password is on its way"));
    assert_eq!(app.state.store.list_outbox(1000).await.unwrap().len(), outbox_before + 1, "one email, to the account");
    let path = reset_link(&app, MEMBER_A).await;
    let (_, outbox) = app.signed_in(ADMIN).await.get_text("/admin/outbox").await;
    assert!(outbox.contains("Set a new password for aspire"), "the admin sees that a link went out");
    assert!(!outbox.contains("/password/reset/"), "but never the link, which would open the account");

    // Two passwords that differ: said on the form, and the link still works.
    let visitor = app.client();
    let csrf = visitor.csrf(&path).await;
    let differ = visitor
        .post_form(&path, &[("csrf", &csrf), ("password", "a brand new password"), ("confirm", "another one entirely")])
        .await;
    assert_eq!(differ.status(), 422);
    assert!(differ.text().await.unwrap().contains("The two passwords differ"));
    let set = visitor
        .post_form(&path, &[("csrf", &csrf), ("password", "a brand new password"), ("confirm", "a brand new password")])
        .await;
    assert_eq!(set.status(), 303);
    assert_eq!(set.headers()["location"], "/?notice=password-reset");
    assert_eq!(visitor.get("/goals").await.status(), 200, "this browser is signed in");
    assert_eq!(other_device.get("/goals").await.status(), 303, "every other session has ended");
    assert_eq!(app.client().login(MEMBER_A, PASSWORD).await.status(), 401, "the old password is gone");
    assert_eq!(app.client().login(MEMBER_A, "a brand new password").await.status(), 303);
    assert_eq!(app.client().get_text(&path).await.0, 410, "the link works once");
    let audit = app.state.store.audit_log(50).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "password set" && e.subject == "by reset link"));
});

on_both_backends!(a_reset_link_lasts_an_hour_and_a_newer_one_replaces_it, |app: TestApp| async move {
    app.world().await;
    ask_for_reset(&app, MEMBER_A).await;
    let first = reset_link(&app, MEMBER_A).await;
    // Asking again at once sends nothing more: nobody fills a mailbox by asking.
    let outbox = app.state.store.list_outbox(1000).await.unwrap().len();
    ask_for_reset(&app, MEMBER_A).await;
    assert_eq!(app.state.store.list_outbox(1000).await.unwrap().len(), outbox);
    app.clock.advance(6 * 60);
    ask_for_reset(&app, MEMBER_A).await;
    let second = reset_link(&app, MEMBER_A).await;
    assert_ne!(first, second);
    assert_eq!(app.client().get_text(&first).await.0, 410, "the earlier link stopped working");
    app.clock.advance(59 * 60);
    assert_eq!(app.client().get_text(&second).await.0, 200, "still good within the hour");
    app.clock.advance(61);
    let (status, page) = app.client().get_text(&second).await;
    assert_eq!(status, 410, "expired after an hour");
    assert!(page.contains("Ask for a new link"), "{page}");
    assert_eq!(app.client().login(MEMBER_A, PASSWORD).await.status(), 303, "the password was never touched");

    let visitor = app.client();
    let csrf = visitor.csrf("/password/forgot").await;
    let bad = visitor.post_form("/password/forgot", &[("csrf", &csrf), ("email", "not an address")]).await;
    assert_eq!(bad.status(), 422);
    let page = bad.text().await.unwrap();
    assert!(page.contains("That is not an email address") && page.contains("value=\"not an address\""), "{page}");
});
