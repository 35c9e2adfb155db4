//! The scale institution (`aspire demo --scale`) and what each page asks of the database on
//! it: the number of statements a page sends must not grow when its group gets more members,
//! its program more people, or its history more goals, posts and wins.

use aspire::demo::{self, scale};
use aspire::domain::{Profile, Visibility};
use aspire::store::GroupRole;
use aspire::store::community::{NewPost, Win};
use aspire::store::meetings::NewGoal;

use crate::harness::{ClockExt, TestApp, seat};
use crate::on_both_backends;

/// Statements the page at `path` sends, the fewest of two requests (a session's occasional
/// bookkeeping, such as noting when it was last seen, is not the page's).
async fn statements_for(app: &TestApp, client: &crate::harness::Client, path: &str) -> u64 {
    let mut fewest = u64::MAX;
    for _ in 0..2 {
        let before = app.state.store.statements();
        let (status, body) = client.get_text(path).await;
        assert_eq!(status, 200, "GET {path}: {}", body.chars().take(300).collect::<String>());
        fewest = fewest.min(app.state.store.statements() - before);
    }
    fewest
}

/// Statements the API's meetings send for a bearer of `token`, the fewest of two requests.
async fn api_statements(app: &TestApp, token: &str) -> u64 {
    let http = reqwest::Client::new();
    let mut fewest = u64::MAX;
    for _ in 0..2 {
        let before = app.state.store.statements();
        let response = http.get(app.url("/api/v1/meetings")).bearer_auth(token).send().await.unwrap();
        assert_eq!(response.status(), 200, "GET /api/v1/meetings with a member's token");
        fewest = fewest.min(app.state.store.statements() - before);
    }
    fewest
}

fn links<'a>(html: &'a str, prefix: &str) -> Vec<&'a str> {
    html.match_indices(prefix).filter_map(|(at, _)| html[at..].split(['"', '?', '#']).next()).collect()
}

on_both_backends!(
    a_page_asks_the_database_the_same_number_of_times_however_large_the_institution,
    |app: TestApp| async move {
        let store = &app.state.store;
        assert!(scale::seed(&app.state, 300, &mut |_| {}).await.unwrap(), "a fresh database is seeded");
        assert!(!scale::seed(&app.state, 300, &mut |_| {}).await.unwrap(), "a second run reuses the data");
        let program = store.program_by_name(scale::program_name(0)).await.unwrap().unwrap();
        let groups = store.program_groups(program.id).await.unwrap();
        assert_eq!(groups.len(), 45, "300 scholars make 45 groups of six or seven");
        let group = groups[0].id;
        let members = store.group_members(group).await.unwrap();
        let member = members.iter().find(|m| m.role == GroupRole::Member).unwrap().user.clone();

        let as_member = app.client();
        assert_eq!(as_member.login(&member.profile.email, demo::PASSWORD).await.status(), 303);
        let as_coordinator = app.client();
        assert_eq!(as_coordinator.login(&scale::coordinator_email(0), demo::PASSWORD).await.status(), 303);
        let as_admin = app.client();
        assert_eq!(as_admin.login(demo::ADMIN, demo::PASSWORD).await.status(), 303);

        // Three years of history are there to be seen.
        let (_, meetings_page) = as_member.get_text(&format!("/groups/{group}/meetings")).await;
        let meeting_links = links(&meetings_page, &format!("/groups/{group}/meetings/"));
        let latest_meeting =
            meeting_links.iter().filter_map(|l| l.rsplit('/').next()?.parse::<i64>().ok()).max().unwrap();
        let (_, discussion) = as_member.get_text(&format!("/groups/{group}/discussion")).await;
        let long_thread = links(&discussion, "/posts/")
            .iter()
            .filter_map(|l| l.rsplit('/').next()?.parse::<i64>().ok())
            .min()
            .unwrap();

        // The member's calendar feed and API token, as made on their goals page.
        let csrf = as_member.csrf("/goals").await;
        let feed_page = as_member.post_form("/calendar/feed", &[("csrf", &csrf)]).await.text().await.unwrap();
        let feed = links(&feed_page, "/calendar/feed/")
            .into_iter()
            .find(|l| l.len() > "/calendar/feed/".len() + 16)
            .expect("a feed link after making one")
            .to_string();
        let token_page = as_member.post_form("/goals/api-token", &[("csrf", &csrf)]).await.text().await.unwrap();
        let marker = "id=\"api-token\" value=\"";
        let from = token_page.find(marker).expect("the new API token is shown") + marker.len();
        let token = token_page[from..from + 64].to_string();
        let calendar_app = app.client();
        let feed_pages = [feed];

        let member_pages = [
            "/".to_string(),
            format!("/groups/{group}"),
            format!("/groups/{group}/discussion"),
            format!("/posts/{long_thread}"),
            format!("/groups/{group}/meetings"),
            format!("/groups/{group}/meetings/{latest_meeting}"),
            "/goals".to_string(),
            "/goals/year".to_string(),
            "/wins".to_string(),
            "/nominations".to_string(),
            format!("/programs/{}/celebrations", program.id),
            format!("/programs/{}/resources", program.id),
            format!("/programs/{}/opportunities", program.id),
            "/record".to_string(),
        ];
        let coordinator_pages = [
            format!("/programs/{}", program.id),
            format!("/programs/{}/accountability", program.id),
            format!("/programs/{}/outcomes", program.id),
            format!("/programs/{}/outcomes/table8.csv", program.id),
        ];
        let admin_pages = ["/admin".to_string(), "/admin/outbox".to_string(), "/admin/audit".to_string()];
        let mut before = Vec::new();
        for (client, pages) in [
            (&as_member, &member_pages[..]),
            (&as_coordinator, &coordinator_pages[..]),
            (&as_admin, &admin_pages[..]),
            (&calendar_app, &feed_pages[..]),
        ] {
            for page in pages {
                before.push((page.clone(), statements_for(&app, client, page).await));
            }
        }
        before.push(("/api/v1/meetings".to_string(), api_statements(&app, &token).await));

        // The institution grows: six more people in the group, fifty more in the program, a second
        // group for the member, a year's more goals, posts and wins for them.
        let now = app.clock.now_value();
        let newcomers: Vec<Profile> = (0..56)
            .map(|i| {
                Profile {
                    email: format!("newcomer{i}@scale.example.edu"),
                    name: format!("New Comer {i}"),
                    ..Profile::default()
                }
                .validate()
                .unwrap()
            })
            .collect();
        store.import_roster(program.id, &newcomers, now).await.unwrap();
        for newcomer in &newcomers[..6] {
            let user = store.user_by_email(&newcomer.email).await.unwrap().unwrap();
            seat(store, group, user.id, GroupRole::Member).await;
        }
        seat(store, groups[1].id, member.id, GroupRole::Member).await;
        for m in 0..52 {
            let goal = NewGoal {
                group_id: group,
                user_id: member.id,
                meeting_start: latest_meeting - (m + 1) * 7 * 86_400 - 3600,
                text: format!("Extra goal {m}"),
                kind: "grant".into(),
                long_goal_id: None,
                carried_from: None,
            };
            store.declare_goal(&goal, now).await.unwrap();
            let thread = NewPost {
                group_id: group,
                thread_id: None,
                author_id: member.id,
                title: "Another thread",
                body: "More to talk about.",
                visibility: Visibility::Group,
                facilitator_id: None,
            };
            store.create_post(&thread, now).await.unwrap();
            store.create_post(&NewPost { thread_id: Some(long_thread), title: "", ..thread }, now).await.unwrap();
        }
        let wins: Vec<Win> = (0..40)
            .map(|w| Win {
                user_id: member.id,
                program_id: program.id,
                group_id: Some(group),
                kind: "talk".into(),
                title: format!("Invited talk {w}"),
                visibility: Visibility::Program,
                ..Win::default()
            })
            .collect();
        store.create_wins(&wins, now).await.unwrap();
        // And a career's worth of record, for them and for the newcomers.
        let program_id = program.id;
        let record: Vec<aspire::domain::record::RecordItem> = std::iter::once(member.id)
            .chain(newcomer_ids(store, &newcomers).await)
            .flat_map(|user| {
                (0..5).map(move |k| aspire::domain::record::RecordItem {
                    program_id,
                    user_id: user,
                    kind: "publication".into(),
                    title: format!("Paper {k}"),
                    doi: format!("10.5555/scale.{user}.{k}"),
                    year: Some(2024),
                    ..Default::default()
                })
            })
            .collect();
        store.add_record_items(&record, now).await.unwrap();

        let mut after = Vec::new();
        for (client, pages) in [
            (&as_member, &member_pages[..]),
            (&as_coordinator, &coordinator_pages[..]),
            (&as_admin, &admin_pages[..]),
            (&calendar_app, &feed_pages[..]),
        ] {
            for page in pages {
                after.push((page.clone(), statements_for(&app, client, page).await));
            }
        }
        after.push(("/api/v1/meetings".to_string(), api_statements(&app, &token).await));
        for ((page, was), (_, is)) in before.iter().zip(&after) {
            eprintln!("{page}: {was} statements, {is} after growing");
            assert!(
                *was >= 2,
                "GET {page} is a signed-in page: at least its session (or token) and its content are asked for"
            );
            assert_eq!(was, is, "GET {page} sent {was} statements, then {is} after the institution grew");
            assert!(*is <= 16, "GET {page} sends {is} statements: look for a query per row");
        }
    }
);

on_both_backends!(requests_waiting_for_their_form_keep_no_database_connection, |app: TestApp| async move {
    use tokio::io::AsyncWriteExt;
    let id = app.user("slow.sender@example.edu", "Slow Sender", false).await;
    let set_cookie = aspire::auth::session::start(&app.state, id).await.unwrap();
    let cookie = set_cookie.to_str().unwrap().split(';').next().unwrap().to_string();
    let address = app.url("").trim_start_matches("http://").trim_end_matches('/').to_string();

    // More senders than the pool has connections (8 on SQLite, 16 on PostgreSQL): each has been
    // signed in (a statement) and is now waiting for a form body that never comes.
    let before = app.state.store.statements();
    let mut stalled = Vec::new();
    for _ in 0..24 {
        let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
        let head = format!(
            "POST /goals/api-token HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\ncsrf="
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stalled.push(stream);
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while app.state.store.statements() - before < 24 {
        assert!(std::time::Instant::now() < deadline, "the stalled requests never looked up their sessions");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }

    // Someone else's page is served at once, not after the pool's 30 s wait.
    let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build().unwrap();
    let response =
        http.get(app.url("/")).header("cookie", &cookie).send().await.expect("home answers while forms stall");
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("Sign out"), "the sender is signed in on their home");
    drop(stalled);
});

async fn newcomer_ids(store: &aspire::store::SqlStore, newcomers: &[Profile]) -> Vec<i64> {
    let mut ids = Vec::new();
    for newcomer in newcomers {
        ids.push(store.user_by_email(&newcomer.email).await.unwrap().unwrap().id);
    }
    ids
}
