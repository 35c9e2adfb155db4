//! The JSON API: a member declares a goal with their bearer token; other people's tokens,
//! session cookies and revoked tokens get nothing.

use crate::harness::*;
use crate::meetings::{ny, weekly_tuesdays};
use crate::on_both_backends;

const JSON: &str = "application/json";

/// Makes an API token for `email` on the My goals page and returns it.
async fn token_for(app: &TestApp, email: &str) -> String {
    let client = app.signed_in(email).await;
    let csrf = client.csrf("/goals").await;
    let response = client.post_form("/goals/api-token", &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    let marker = "id=\"api-token\" value=\"";
    let from = page.find(marker).unwrap() + marker.len();
    page[from..from + 64].to_string()
}

on_both_backends!(a_member_declares_a_goal_with_their_token, |app: TestApp| async move {
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    let token = token_for(&app, MEMBER_A).await;
    let http = reqwest::Client::new();

    let response = http.get(app.url("/api/v1/meetings")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let meetings: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(meetings[0]["group_name"], "Group A");
    assert_eq!(meetings[0]["start"], ny("2026-06-02T09:30"));
    assert_eq!(meetings[0]["local_time"], "Tuesday 2 June 2026, 09:30 EDT");
    let goals_url = meetings[0]["goals_url"].as_str().unwrap().to_string();

    let body = serde_json::json!({ "text": "APITEXT draft the aims page", "kind": "grant" });
    let response = http
        .post(app.url(&goals_url))
        .bearer_auth(&token)
        .header("content-type", JSON)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let created: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(created["status"], "open");
    assert_eq!(created["kind"], "grant");
    // The group sees it on the meeting page.
    let milo = app.signed_in(MEMBER_A2).await;
    let page = format!("/groups/{}/meetings/{}", world.group_a, ny("2026-06-02T09:30"));
    assert!(milo.get_text(&page).await.1.contains("APITEXT draft the aims page"));

    // Mistakes are explained in JSON.
    let response = http
        .post(app.url(&goals_url))
        .bearer_auth(&token)
        .header("content-type", JSON)
        .body(serde_json::json!({ "text": "" }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let error: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert!(error["error"].as_str().unwrap().contains("Write the goal in a few words"));
    let response = http.post(app.url(&goals_url)).bearer_auth(&token).body("text=x").send().await.unwrap();
    assert_eq!(response.status(), 400);

    // Someone outside the group, a coordinator, no token, a session cookie, a revoked token.
    let bea = token_for(&app, MEMBER_B).await;
    let coordinator = token_for(&app, COORDINATOR).await;
    for other in [&bea, &coordinator] {
        let response = http
            .post(app.url(&goals_url))
            .bearer_auth(other)
            .header("content-type", JSON)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404);
        let listed = http.get(app.url("/api/v1/meetings")).bearer_auth(other).send().await.unwrap();
        assert!(!listed.text().await.unwrap().contains(&goals_url), "not listed for outsiders");
    }
    assert_eq!(
        http.post(app.url(&goals_url))
            .header("content-type", JSON)
            .body(body.to_string())
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let browser = app.signed_in(MEMBER_A).await;
    let response = browser
        .http
        .post(app.url(&goals_url))
        .header("content-type", JSON)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401, "a session cookie is not an API credential");
    let csrf = browser.csrf("/goals").await;
    browser.post_form("/goals/api-token/revoke", &[("csrf", &csrf)]).await;
    let response = http.get(app.url("/api/v1/meetings")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("www-authenticate"));
});

on_both_backends!(every_api_refusal_is_json_with_the_pages_status, |app: TestApp| async move {
    let world = app.world().await;
    weekly_tuesdays(&app, world.group_a, FACILITATOR_A).await;
    let token = token_for(&app, MEMBER_A).await;
    let http = reqwest::Client::new();
    let start = ny("2026-06-02T09:30");
    let cases = [
        // A path number that is not a number, the body not JSON, a meeting that is not theirs.
        (format!("/api/v1/groups/abc/meetings/{start}/goals"), "{\"text\": \"x\"}", 400),
        (format!("/api/v1/groups/{}/meetings/{start}/goals", world.group_a), "{not json", 400),
        (format!("/api/v1/groups/{}/meetings/{start}/goals", world.group_b), "{\"text\": \"x\"}", 404),
    ];
    for (path, body, status) in cases {
        let response =
            http.post(app.url(&path)).bearer_auth(&token).header("content-type", JSON).body(body).send().await.unwrap();
        assert_eq!(response.status(), status, "{path}");
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with(JSON), "{path}");
        let error: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
        let message = error["error"].as_str().unwrap();
        assert!(message.chars().next().unwrap().is_uppercase(), "{path}: {message}");
    }
    let response = http.get(app.url("/api/v1/meetings")).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let error: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert!(error["error"].as_str().unwrap().contains("Authorization: Bearer"));
});
