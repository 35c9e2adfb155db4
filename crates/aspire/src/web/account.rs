//! A member's own data: download everything they wrote (JSON or CSV) and delete their account.
//! Both are recorded in the audit log (what happened and to whom, never the content).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::Layout;
use crate::auth::{Actor, CsrfForm, password};
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/account", account_page)
        .get("/account/export.json", export_json)
        .get("/account/export.csv", export_csv)
        .post("/account/delete", delete_account)
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    error: Option<String>,
    /// Coordinators and admins hand over their role before they can leave.
    manages: bool,
}

fn manages_anything(actor: &Actor) -> bool {
    actor.is_admin() || !actor.coordinated_programs().is_empty()
}

async fn account_page(actor: Actor) -> AccountPage {
    AccountPage { layout: Layout::for_actor(&actor), error: None, manages: manages_anything(&actor) }
}

/// Everything the actor wrote or recorded, as one JSON document.
async fn everything(state: &AppState, actor: &Actor) -> AppResult<serde_json::Value> {
    let user = &actor.user;
    let goals: Vec<_> = state
        .store
        .user_goals(user.id)
        .await?
        .into_iter()
        .map(|g| {
            json!({"id": g.id, "group": g.group_name, "meeting_start": g.meeting_start, "text": g.text,
                   "kind": g.kind, "status": g.status, "reason": g.reason, "declared_at": g.created_at,
                   "reported_at": g.reported_at})
        })
        .collect();
    let long_goals: Vec<_> = state
        .store
        .long_goals(user.id)
        .await?
        .into_iter()
        .map(
            |l| json!({"id": l.id, "title": l.title, "kind": l.kind, "target_date": l.target_date, "status": l.status}),
        )
        .collect();
    let posts: Vec<_> = state
        .store
        .user_posts(user.id)
        .await?
        .into_iter()
        .map(|p| {
            json!({"id": p.id, "group_id": p.group_id, "thread_id": p.thread_id, "title": p.title, "body": p.body,
                   "visibility": p.visibility, "created_at": p.created_at, "edited_at": p.edited_at})
        })
        .collect();
    let wins = state.store.user_wins(user.id).await?;
    let resources: Vec<_> = state
        .store
        .user_resources(user.id)
        .await?
        .into_iter()
        .map(|r| {
            json!({"id": r.id, "title": r.title, "description": r.description, "url": r.url, "file_name": r.file_name,
                   "tags": r.tags, "visibility": r.visibility, "created_at": r.created_at})
        })
        .collect();
    let opportunities: Vec<_> = state
        .store
        .user_opportunities(user.id)
        .await?
        .into_iter()
        .map(|o| {
            json!({"id": o.id, "title": o.title, "description": o.description, "kind": o.kind,
                   "deadline": o.deadline, "created_at": o.created_at})
        })
        .collect();
    // Nominations they made and received, with the statements (written for the nominee).
    let nominations: Vec<_> = state
        .store
        .user_nominations(user.id)
        .await?
        .into_iter()
        .map(|n| {
            json!({"id": n.id, "opportunity": n.opportunity_title, "nominator": n.nominator_name,
                   "nominee": n.nominee_name, "statement": n.statement, "status": n.status,
                   "outcome": n.outcome, "created_at": n.created_at})
        })
        .collect();
    Ok(json!({
        "profile": {
            "email": user.profile.email, "name": user.profile.name, "pronouns": user.profile.pronouns, "department": user.profile.department,
            "division": user.profile.division, "discipline": user.profile.discipline, "career_stage": user.profile.career_stage,
            "research_interests": user.profile.research_interests, "goals": user.profile.goals,
            "availability": user.profile.availability, "time_zone": user.profile.time_zone, "created_at": user.created_at,
        },
        "goals": goals,
        "long_term_goals": long_goals,
        "wins": wins,
        "posts": posts,
        "resources": resources,
        "opportunities": opportunities,
        "nominations": nominations,
    }))
}

fn download(body: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
        ],
        body,
    )
        .into_response()
}

async fn export_json(State(state): State<AppState>, actor: Actor) -> AppResult<Response> {
    let data = everything(&state, &actor).await?;
    let body = serde_json::to_vec_pretty(&data).map_err(|e| AppError::Internal(e.into()))?;
    state.store.audit(Some(actor.user.id), "export", "json", state.now()).await?;
    Ok(download(body, "application/json", "aspire-my-data.json"))
}

/// The same as the JSON export, one row per item: what a spreadsheet opens.
async fn export_csv(State(state): State<AppState>, actor: Actor) -> AppResult<Response> {
    let data = everything(&state, &actor).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| AppError::Internal(e.into());
    writer
        .write_record(["section", "id", "title or text", "detail", "status or visibility", "when"])
        .map_err(internal)?;
    let text = |v: &serde_json::Value, key: &str| match &v[key] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    if let Some(profile) = data["profile"].as_object() {
        for (key, value) in profile {
            let value = value.as_str().map_or_else(|| value.to_string(), str::to_string);
            writer.write_record(["profile", "", key, &value, "", ""]).map_err(internal)?;
        }
    }
    let sections = [
        ("goals", "text", "group", "status", "declared_at"),
        ("long_term_goals", "title", "target_date", "status", "id"),
        ("wins", "title", "venue", "visibility", "created_at"),
        ("posts", "title", "body", "visibility", "created_at"),
        ("resources", "title", "description", "visibility", "created_at"),
        ("opportunities", "title", "description", "deadline", "created_at"),
        ("nominations", "opportunity", "statement", "status", "created_at"),
    ];
    for (section, title, detail, status, when) in sections {
        for item in data[section].as_array().into_iter().flatten() {
            let row = [
                section.to_string(),
                text(item, "id"),
                text(item, title),
                text(item, detail),
                text(item, status),
                text(item, when),
            ];
            writer.write_record(&row).map_err(internal)?;
        }
    }
    let body = writer.into_inner().map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    state.store.audit(Some(actor.user.id), "export", "csv", state.now()).await?;
    Ok(download(body, "text/csv; charset=utf-8", "aspire-my-data.csv"))
}

#[derive(Deserialize)]
struct DeleteForm {
    #[serde(default)]
    password: String,
    /// "keep": group posts and shared resources stay as "former member"; anything else deletes
    /// them too.
    #[serde(default)]
    posts: String,
}

async fn delete_account(
    State(state): State<AppState>,
    CsrfForm(actor, form): CsrfForm<DeleteForm>,
) -> AppResult<Response> {
    let refuse = |message: &str| {
        let page = AccountPage {
            layout: Layout::for_actor(&actor),
            error: Some(message.into()),
            manages: manages_anything(&actor),
        };
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    if manages_anything(&actor) {
        return refuse(
            "You coordinate a program or administer aspire: ask an admin to hand your role to someone else first.",
        );
    }
    if !password::verify(form.password, actor.user.password_hash.clone()).await {
        return refuse("That is not your password: type your current password to confirm.");
    }
    let keep_posts = form.posts == "keep";
    if !keep_posts {
        // What they shared goes with their posts (files too, unless someone else shared the same).
        for resource in state.store.user_resources(actor.user.id).await? {
            super::resources::remove_resource(&state, &resource).await?;
        }
    }
    state.store.delete_account(actor.user.id, keep_posts).await?;
    let subject = if keep_posts { "posts kept as former member" } else { "posts deleted" };
    state.store.audit(Some(actor.user.id), "account deleted", subject, state.now()).await?;
    Ok(Redirect::to("/login?notice=account-deleted").into_response())
}
