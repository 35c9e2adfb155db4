//! A member's own data: download everything they wrote (JSON or CSV) and delete their account.
//! Both are recorded in the audit log (by `app::account`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, Notice};
use crate::app::account;
use crate::auth::{Actor, CsrfForm};
use crate::domain::spreadsheet::SafeCsv;
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/account", account_page)
        .get("/account/export.json", export_json)
        .get("/account/export.csv", export_csv)
        .post("/account/delete", delete_account)
        .post("/account/notifications", set_notifications)
        .get("/unsubscribe/{token}", unsubscribe_page)
        .post("/unsubscribe/{token}", unsubscribe)
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    error: Option<String>,
    /// Coordinators and admins hand over their role before they can leave.
    manages: bool,
    /// How they hear about their groups' discussions: "immediate" or "off".
    discussion_notices: String,
    weekly_digest: bool,
}

async fn account_page(
    State(state): State<AppState>,
    actor: Actor,
    Query(notice): Query<Notice>,
) -> AppResult<AccountPage> {
    Ok(AccountPage {
        layout: Layout::for_actor(&actor).with_notice(&notice),
        error: None,
        manages: account::manages_anything(&actor),
        discussion_notices: account::discussion_notices(&state, &actor).await?,
        weekly_digest: account::weekly_digest(&state, &actor).await?,
    })
}

#[derive(Deserialize)]
struct NotificationsForm {
    #[serde(default)]
    discussion: Option<String>,
    #[serde(default)]
    weekly: Option<String>,
}

async fn set_notifications(
    State(state): State<AppState>,
    CsrfForm(actor, form): CsrfForm<NotificationsForm>,
) -> AppResult<Redirect> {
    // Each choice the form carries; one left out stays as it was.
    if let Some(how) = &form.discussion {
        account::set_discussion_notices(&state, &actor, how).await?;
    }
    if let Some(choice) = &form.weekly {
        account::set_weekly_digest(&state, &actor, choice).await?;
    }
    Ok(Redirect::to("/account?notice=saved#notifications"))
}

#[derive(Template, WebTemplate)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage {
    layout: Layout,
    done: bool,
    /// The link came in a weekly summary: it stops those, not discussion emails.
    weekly: bool,
}

#[derive(Deserialize)]
struct UnsubscribeFrom {
    #[serde(default)]
    from: String,
}

/// Asks before turning emails off: link checkers in mail systems open links, and must not
/// unsubscribe anyone by doing so.
async fn unsubscribe_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(from): Query<UnsubscribeFrom>,
) -> AppResult<UnsubscribePage> {
    account::unsubscribe_holder(&state, &token).await?;
    Ok(UnsubscribePage { layout: Layout::anonymous(), done: false, weekly: from.from == "weekly" })
}

/// One click, from the page or from the mail client (RFC 8058): the token in the link is the
/// only credential, and it can only turn these emails off.
async fn unsubscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(from): Query<UnsubscribeFrom>,
) -> AppResult<UnsubscribePage> {
    let weekly = from.from == "weekly";
    account::unsubscribe(&state, &token, weekly).await?;
    Ok(UnsubscribePage { layout: Layout::anonymous(), done: true, weekly })
}

async fn export_json(State(state): State<AppState>, actor: Actor) -> AppResult<Response> {
    let data = account::export(&state, &actor, "json").await?;
    let body = serde_json::to_vec_pretty(&data).map_err(|e| AppError::Internal(e.into()))?;
    Ok(super::download(body, "application/json", "aspire-my-data.json"))
}

/// The same as the JSON export, one row per item: what a spreadsheet opens.
async fn export_csv(State(state): State<AppState>, actor: Actor) -> AppResult<Response> {
    let data = account::export(&state, &actor, "csv").await?;
    let mut writer = SafeCsv::new(Vec::new());
    let internal = |e: csv::Error| AppError::Internal(e.into());
    writer
        .row(["section", "id", "title or text", "detail", "status or visibility", "when", "identifiers"])
        .map_err(internal)?;
    let text = |v: &serde_json::Value, key: &str| match &v[key] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    if let Some(profile) = data["profile"].as_object() {
        for (key, value) in profile {
            let value = value.as_str().map_or_else(|| value.to_string(), str::to_string);
            writer.row(["profile", "", key, &value, "", "", ""]).map_err(internal)?;
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
        ("identity_answers", "question", "answer", "", "answered_at"),
        ("record", "title", "organisation", "kind", "started_on"),
        ("time_in_programs", "program", "cohort", "outcome", "started_on"),
    ];
    for (section, title, detail, status, when) in sections {
        for item in data[section].as_array().into_iter().flatten() {
            // Every identifier a win carries, named, so none is lost in the spreadsheet.
            let identifiers: Vec<String> =
                [("DOI", "doi"), ("PMID", "pmid"), ("PMCID", "pmcid"), ("Award", "award_number")]
                    .iter()
                    .filter_map(|(name, key)| {
                        Some(text(item, key)).filter(|v| !v.is_empty()).map(|v| format!("{name} {v}"))
                    })
                    .collect();
            let row = [
                section.to_string(),
                text(item, "id"),
                text(item, title),
                text(item, detail),
                text(item, status),
                text(item, when),
                identifiers.join("; "),
            ];
            writer.row(&row).map_err(internal)?;
        }
    }
    let body = writer.finish().map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(super::download(body, "text/csv; charset=utf-8", "aspire-my-data.csv"))
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
    match account::delete_account(&state, &actor, form.password, form.posts == "keep").await {
        Err(AppError::Invalid(message)) => {
            let page = AccountPage {
                layout: Layout::for_actor(&actor),
                error: Some(message),
                manages: account::manages_anything(&actor),
                discussion_notices: account::discussion_notices(&state, &actor).await?,
                weekly_digest: account::weekly_digest(&state, &actor).await?,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        deleted => deleted.map(|()| Redirect::to("/login?notice=account-deleted").into_response()),
    }
}
