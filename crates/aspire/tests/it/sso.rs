//! Single sign-on through a real OpenID provider (`oidc`): who gets in, who is linked to which
//! account, and every refusal (another issuer, a tampered or expired ID token, a replayed or
//! foreign state, an unverified email, a stranger) signing nobody in and touching no account.

use aspire::config::Settings;

use crate::harness::*;
use crate::oidc::{Options, PROVIDER_NAME, Provider, sign_in_at_provider};

/// An app whose sign-in page offers the provider, with its clock at the real time (the
/// provider's tokens carry it).
pub async fn app_with_provider(
    backend: Backend,
    options: Options,
    configure: impl FnOnce(&mut Settings),
) -> Option<(TestApp, Provider)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let redirect = format!("http://{}/login/sso/callback", listener.local_addr().expect("address"));
    let provider = Provider::start(&redirect, options)?;
    let app = spawn_app_on(listener, backend, |settings| {
        provider.configure(settings);
        configure(settings);
    })
    .await?;
    app.clock.advance(jiff::Timestamp::now().as_second() - app.clock.now_value());
    Some((app, provider))
}

async fn audited(app: &TestApp, action: &str) -> Vec<String> {
    let log = app.state.store.audit_log(50).await.unwrap();
    log.into_iter().filter(|e| e.action == action).map(|e| e.subject).collect()
}

/// Whether `client` is signed in: home answers instead of sending it to sign in.
async fn signed_in(client: &Client) -> bool {
    client.get("/").await.status() == 200
}

mod through_the_institution {
    use super::*;

    async fn journey(backend: Backend) {
        let Some((app, _provider)) = app_with_provider(backend, Options::default(), |_| {}).await else { return };
        let world = app.world().await;
        let visitor = app.client();
        let (status, login) = visitor.get_text("/login").await;
        assert_eq!(status, 200);
        assert!(login.contains(&format!("Sign in with {PROVIDER_NAME}")), "{login}");
        assert!(login.contains("name=\"password\""), "password sign-in stays offered: {login}");

        let callback = sign_in_at_provider(&visitor, MEMBER_A).await;
        let response = visitor.get(&callback[visitor.base.len()..]).await;
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap_or_default());
        assert_eq!(response.headers()["location"], "/");
        let (status, home) = visitor.get_text("/").await;
        assert_eq!(status, 200);
        assert!(
            home.contains("Group A") && !home.contains("Group B"),
            "signed in as the member with that email, in her group: {home}"
        );
        assert_eq!(audited(&app, "signed in with single sign-on").await.len(), 1);
        let mina = app.state.store.user_by_email(MEMBER_A).await.unwrap().unwrap();
        let linked = app.state.store.sso_identity_user(&_provider.issuer, MEMBER_A).await.unwrap();
        assert_eq!(linked, Some(mina.id), "the provider's subject is linked to Mina's account");

        // The same answer brought again, by this browser or by anyone else, signs nobody in.
        for replay in [app.client(), visitor] {
            let _ = replay.get("/login").await;
            let (status, page) = replay.get_text(&callback[replay.base.len()..]).await;
            assert_eq!(status, 403);
            assert!(page.contains("This sign-in was already used"), "{page}");
        }
        let fresh = app.client();
        let _ = fresh.get("/login").await;
        let _ = fresh.get_text(&callback[fresh.base.len()..]).await;
        assert!(!signed_in(&fresh).await, "a replayed state opens no session");
        assert_eq!(audited(&app, "signed in with single sign-on").await.len(), 1);
        assert!(audited(&app, "single sign-on refused").await.len() >= 3);

        // A second sign-in finds the account by the link, with Mina's own rights and no more:
        // the coordinator's program page stays hidden from her.
        let again = app.client();
        let callback = sign_in_at_provider(&again, MEMBER_A).await;
        assert_eq!(again.get(&callback[again.base.len()..]).await.status(), 303);
        assert_eq!(again.get(&format!("/programs/{}", world.program)).await.status(), 404);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        journey(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        journey(Backend::Postgres).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_gets_an_account_only_where_the_settings_allow() {
    let Some((app, _provider)) = app_with_provider(Backend::Sqlite, Options::default(), |_| {}).await else { return };
    app.world().await;
    let stranger = app.client();
    let callback = sign_in_at_provider(&stranger, "new.person@test.edu").await;
    let (status, page) = stranger.get_text(&callback[stranger.base.len()..]).await;
    assert_eq!(status, 403);
    assert!(page.contains("There is no account here for new.person@test.edu"), "{page}");
    assert!(page.contains("Sign in with Test University"), "the way to start again is on the page");
    assert!(app.state.store.user_by_email("new.person@test.edu").await.unwrap().is_none());
    assert!(!signed_in(&stranger).await);

    let Some((open, _provider)) =
        app_with_provider(Backend::Sqlite, Options::default(), |s| s.sso_create_accounts = true).await
    else {
        return;
    };
    let newcomer = open.client();
    let callback = sign_in_at_provider(&newcomer, "new.person@test.edu").await;
    assert_eq!(newcomer.get(&callback[newcomer.base.len()..]).await.status(), 303);
    let user = open.state.store.user_by_email("new.person@test.edu").await.unwrap().expect("an account was made");
    assert_eq!(user.profile.name, "New Person", "named as the provider names them");
    assert!(user.password_hash.is_none(), "no password is invented for them");
    let memberships = open.state.store.memberships(user.id).await.unwrap();
    assert!(memberships.programs.is_empty() && memberships.groups.is_empty(), "an account gives no place in a program");
    assert!(signed_in(&newcomer).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_email_the_provider_has_not_verified_links_no_account() {
    let Some((app, provider)) = app_with_provider(Backend::Sqlite, Options::default(), |_| {}).await else { return };
    app.world().await;
    let client = app.client();
    let callback = sign_in_at_provider(&client, &format!("unverified.{MEMBER_A}")).await;
    let (status, page) = client.get_text(&callback[client.base.len()..]).await;
    assert_eq!(status, 403);
    assert!(page.contains("did not vouch for an email address"), "{page}");
    assert!(!signed_in(&client).await);
    let subject = format!("unverified.{MEMBER_A}");
    assert_eq!(app.state.store.sso_identity_user(&provider.issuer, &subject).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_id_token_signs_nobody_in() {
    let tamper = Options { tamper: true, ..Options::default() };
    let Some((app, _provider)) = app_with_provider(Backend::Sqlite, tamper, |_| {}).await else { return };
    app.world().await;
    // Mina signs in, and on the way her ID token is changed to say she is the admin.
    let client = app.client();
    let callback = sign_in_at_provider(&client, MEMBER_A).await;
    let (status, page) = client.get_text(&callback[client.base.len()..]).await;
    assert_eq!(status, 403);
    assert!(page.contains("could not be verified"), "{page}");
    assert!(page.contains("Nobody was signed in"), "{page}");
    assert!(!signed_in(&client).await);
    let refused = audited(&app, "single sign-on refused").await;
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(audited(&app, "signed in with single sign-on").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_id_token_is_refused() {
    let Some((app, _provider)) = app_with_provider(Backend::Sqlite, Options::default(), |_| {}).await else { return };
    app.world().await;
    // The provider's ID tokens live an hour; by aspire's clock this one is two hours old.
    app.clock.advance(2 * 3600);
    let client = app.client();
    let callback = sign_in_at_provider(&client, MEMBER_A).await;
    let (status, page) = client.get_text(&callback[client.base.len()..]).await;
    assert_eq!(status, 403);
    assert!(page.to_lowercase().contains("expired"), "{page}");
    assert!(!signed_in(&client).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_naming_another_issuer_is_refused_before_anyone_is_sent_there() {
    let other = Options { other_issuer: true, ..Options::default() };
    let Some((app, provider)) = app_with_provider(Backend::Sqlite, other, |_| {}).await else { return };
    let client = app.client();
    let (status, page) = client.get_text("/login/sso").await;
    assert_eq!(status, 503);
    assert!(page.contains("Single sign-on is not working right now"), "{page}");
    assert!(page.contains(&provider.issuer) && page.contains("localhost"), "both issuers are named: {page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_begun_in_another_browser_is_refused() {
    let Some((app, _provider)) = app_with_provider(Backend::Sqlite, Options::default(), |_| {}).await else { return };
    app.world().await;
    // Someone signs in as themselves and sends the answer to Mina, to have her signed in as them.
    let attacker = app.client();
    let callback = sign_in_at_provider(&attacker, MEMBER_B).await;
    let mina = app.client();
    let _ = mina.get("/login").await;
    let (status, page) = mina.get_text(&callback[mina.base.len()..]).await;
    assert_eq!(status, 403);
    assert!(page.contains("begun in another browser"), "{page}");
    assert!(!signed_in(&mina).await);
    // And the answer is spent: the attacker's own browser cannot use it afterwards either.
    assert_eq!(attacker.get(&callback[attacker.base.len()..]).await.status(), 403);
}

const NEWCOMER: &str = "nia.new@test.edu";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_sign_in_can_be_turned_off() {
    let Some((app, _provider)) =
        app_with_provider(Backend::Sqlite, Options::default(), |s| s.password_sign_in = false).await
    else {
        return;
    };
    let world = app.world().await;
    let client = app.client();
    let (_, page) = client.get_text("/login").await;
    assert!(page.contains("Sign in with Test University"));
    assert!(!page.contains("name=\"password\""), "no password form: {page}");
    // The sign-in page has no form now; the browser's pre-session token is on the next one.
    let csrf = client.csrf("/password/forgot").await;
    let response = client.post_form("/login", &[("csrf", &csrf), ("email", MEMBER_A), ("password", PASSWORD)]).await;
    assert_eq!(response.status(), 403, "the right password opens nothing");
    assert!(response.text().await.unwrap().contains("Signing in with a password is turned off here"));
    assert!(!signed_in(&client).await);

    let response = client.post_form("/password/forgot", &[("csrf", &csrf), ("email", MEMBER_A)]).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("Passwords are not used here"));
    assert!(app.state.store.list_outbox(10).await.unwrap().is_empty(), "no reset link is sent");

    // An invitation leads to the provider, and the invited person signs in there.
    let store = &app.state.store;
    let coordinator = store.user_by_email(COORDINATOR).await.unwrap().unwrap();
    let program = store.program(world.program).await.unwrap().unwrap();
    let profile = aspire::domain::Profile { email: NEWCOMER.into(), name: "Nia Newcomer".into(), ..Default::default() };
    let nia = store.create_user(&profile.validate().unwrap(), None, false, app.clock.now_value()).await.unwrap();
    store.add_program_member(world.program, nia, aspire::store::ProgramRole::Participant).await.unwrap();
    let nia = store.user(nia).await.unwrap().unwrap();
    aspire::app::invitations::invite_person(&app.state, &coordinator, &program, &nia).await.unwrap();
    let mail = store.list_outbox(10).await.unwrap().into_iter().find(|m| m.recipient == NEWCOMER).unwrap();
    assert!(mail.body.contains("Sign in here with your Test University account"), "{}", mail.body);
    assert!(!mail.body.contains("password here"), "no password to set: {}", mail.body);
    let link = mail.body.split_whitespace().find(|word| word.contains("/invite/")).unwrap();
    let invited = app.client();
    let response = invited.get(&link[link.find("/invite/").unwrap()..]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login/sso?next=/profile");
    let callback = sign_in_at_provider(&invited, NEWCOMER).await;
    assert_eq!(invited.get(&callback[invited.base.len()..]).await.status(), 303);
    assert!(signed_in(&invited).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_declined_at_the_provider_says_so_and_cannot_be_retried_with_its_state() {
    let Some((app, _provider)) = app_with_provider(Backend::Sqlite, Options::default(), |_| {}).await else { return };
    app.world().await;
    let client = app.client();
    let response = client.get("/login/sso?next=/goals").await;
    assert_eq!(response.status(), 303);
    let to_provider = url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    let state = to_provider.query_pairs().find(|(k, _)| k == "state").map(|(_, v)| v.to_string()).unwrap();
    assert!(to_provider.query_pairs().any(|(k, v)| k == "code_challenge_method" && v == "S256"), "PKCE: {to_provider}");
    assert!(to_provider.query_pairs().any(|(k, _)| k == "nonce"), "a nonce: {to_provider}");
    let declined =
        format!("/login/sso/callback?state={state}&error=access_denied&error_description=End-User%20aborted");
    let (status, page) = client.get_text(&declined).await;
    assert_eq!(status, 403);
    assert!(page.contains("Test University did not sign you in (End-User aborted)"), "{page}");
    let (status, _) = client.get_text(&format!("/login/sso/callback?state={state}&code=guessed")).await;
    assert_eq!(status, 403, "the state was spent by the first answer");
    assert!(!signed_in(&client).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn those_who_run_the_program_sign_in_through_the_provider_as_themselves_only() {
    let Some((app, provider)) = app_with_provider(Backend::Sqlite, Options::default(), |_| {}).await else { return };
    let world = app.world().await;
    let member = app.signed_in(MEMBER_A).await;
    let csrf = member.csrf(&format!("/groups/{}/discussion", world.group_a)).await;
    let thread = [("csrf", csrf.as_str()), ("title", "SAID-IN-GROUP-A-5e21"), ("body", "Only for group A.")];
    let response = member.post_form(&format!("/groups/{}/discussion", world.group_a), &thread).await;
    assert_eq!(response.status(), 303);
    let post = response.headers()["location"].to_str().unwrap().to_string();
    assert!(member.get_text(&post).await.1.contains("SAID-IN-GROUP-A-5e21"), "the group's own member reads it");
    for email in [COORDINATOR, ADMIN] {
        let client = app.client();
        let callback = sign_in_at_provider(&client, email).await;
        assert_eq!(client.get(&callback[client.base.len()..]).await.status(), 303);
        let me = app.state.store.user_by_email(email).await.unwrap().unwrap();
        assert_eq!(app.state.store.sso_identity_user(&provider.issuer, email).await.unwrap(), Some(me.id));
        for path in [format!("/groups/{}/discussion", world.group_a), post.clone(), "/".into(), "/goals".into()] {
            let (_, page) = client.get_text(&path).await;
            assert!(!page.contains("SAID-IN-GROUP-A-5e21"), "{email} read group A at {path}");
        }
        assert!(app.state.store.memberships(me.id).await.unwrap().groups.is_empty(), "{email} is in no group");
    }
}
