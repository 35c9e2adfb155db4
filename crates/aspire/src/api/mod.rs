//! The JSON API under `/api/v1`, for scripts and apps: a member lists their upcoming meetings
//! and declares goals for one. Authenticated only by a personal bearer token (`Authorization:
//! Bearer ...`, made on My goals); session cookies are not accepted here, so no request can be
//! forged from another site. The access rules are the same as the pages'; anything not visible
//! is a 404. Errors are JSON: `{"error": "what was wrong and what to do"}`.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::auth::token::hash_token;
use crate::auth::{Actor, access};
use crate::domain::goals;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::StoreError;
use crate::store::meetings::NewGoal;
use crate::web::Routes;
use crate::web::meetings::{load_series, visible_meeting};

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/meetings", upcoming_meetings)
        .post("/api/v1/groups/{id}/meetings/{start}/goals", declare_goal)
}

#[derive(Debug)]
pub enum ApiError {
    Unauthorized,
    App(AppError),
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        ApiError::App(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        ApiError::App(AppError::Store(e))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "send your API token as 'Authorization: Bearer TOKEN'; make one on the My goals page".to_string(),
            ),
            ApiError::App(AppError::NotFound) => {
                (StatusCode::NOT_FOUND, "there is nothing here, or it is not yours to see".to_string())
            }
            ApiError::App(AppError::Invalid(m)) => (StatusCode::UNPROCESSABLE_ENTITY, m),
            ApiError::App(AppError::BadRequest(m)) => (StatusCode::BAD_REQUEST, m),
            ApiError::App(other) => {
                tracing::error!(error = ?other, "API request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "something went wrong on our side; it has been logged, try again in a moment".to_string(),
                )
            }
        };
        let mut response = (status, Json(serde_json::json!({ "error": message }))).into_response();
        if status == StatusCode::UNAUTHORIZED
            && let Ok(value) = "Bearer".parse()
        {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

/// The person a bearer token belongs to.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| t.len() == 64)
            .ok_or(ApiError::Unauthorized)?;
        let user_id = state.store.api_token_user(&hash_token(token)).await?.ok_or(ApiError::Unauthorized)?;
        let user = state.store.user(user_id).await?.ok_or(ApiError::Unauthorized)?;
        let memberships = state.store.memberships(user.id).await?;
        // No CSRF token: the API never reads cookies.
        Ok(ApiActor(Actor { user, memberships, csrf_token: String::new() }))
    }
}

#[derive(Serialize)]
struct MeetingOut {
    group_id: i64,
    group_name: String,
    /// Unix seconds, UTC.
    start: i64,
    end: i64,
    time_zone: String,
    local_time: String,
    /// Where to POST goals for this meeting.
    goals_url: String,
}

/// The next meeting of each of the member's groups.
async fn upcoming_meetings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<MeetingOut>>, ApiError> {
    let now = state.now();
    let mut out = Vec::new();
    for summary in state.store.groups_of_user(actor.user.id).await? {
        let Some(group) = state.store.group(summary.id).await? else { continue };
        if !access::can_run_meetings(&actor, &group) {
            continue;
        }
        let loaded = load_series(&state, group.id).await?;
        if let Some(next) = loaded.series.next(now) {
            out.push(MeetingOut {
                group_id: group.id,
                group_name: group.name.clone(),
                start: next.start,
                end: next.end,
                time_zone: loaded.zone_at(next.start),
                local_time: loaded.label(next.start),
                goals_url: format!("/api/v1/groups/{}/meetings/{}/goals", group.id, next.start),
            });
        }
    }
    Ok(Json(out))
}

#[derive(Deserialize)]
struct DeclareRequest {
    text: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    long_goal_id: Option<i64>,
}

#[derive(Serialize)]
struct GoalOut {
    id: i64,
    group_id: i64,
    meeting_start: i64,
    text: String,
    kind: String,
    long_goal_id: Option<i64>,
    status: &'static str,
}

async fn declare_goal(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, start)): Path<(i64, i64)>,
    body: Result<Json<DeclareRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<GoalOut>), ApiError> {
    let (group, _) = visible_meeting(&state, &actor, id, start).await?;
    if !access::can_run_meetings(&actor, &group) {
        return Err(AppError::NotFound.into());
    }
    let Json(request) = body.map_err(|e| {
        AppError::BadRequest(format!(
            "the body must be JSON like {{\"text\": \"Draft the aims page\", \"kind\": \"grant\"}}: {}",
            e.body_text()
        ))
    })?;
    let (text, kind) = goals::validate_goal(&request.text, &request.kind)
        .map_err(|e| AppError::Invalid(format!("{}.", crate::web::sentence(&e.to_string()))))?;
    if let Some(long_id) = request.long_goal_id {
        let mine = state.store.long_goal(long_id).await?.is_some_and(|l| access::can_see_own_goals(&actor, l.user_id));
        if !mine {
            return Err(
                AppError::Invalid("long_goal_id must be one of your own long-term goals, or left out.".into()).into()
            );
        }
    }
    let goal = NewGoal {
        group_id: group.id,
        user_id: actor.user.id,
        meeting_start: start,
        text,
        kind,
        long_goal_id: request.long_goal_id,
        carried_from: None,
    };
    let id = state.store.declare_goal(&goal, state.now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(GoalOut {
            id,
            group_id: goal.group_id,
            meeting_start: goal.meeting_start,
            text: goal.text,
            kind: goal.kind,
            long_goal_id: goal.long_goal_id,
            status: "open",
        }),
    ))
}
