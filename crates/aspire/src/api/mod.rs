//! The JSON API under `/api/v1`, for scripts and apps: a member lists their upcoming meetings
//! and declares goals for one. Authenticated only by a personal bearer token (`Authorization:
//! Bearer ...`, made on My goals); session cookies are not accepted here, so no request can be
//! forged from another site. The access rules are the same as the pages'; anything not visible
//! is a 404. Errors are JSON: `{"error": "What was wrong and what to do."}`, with the status
//! the pages give, bad path numbers and bad JSON included.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::app::goals::DeclareGoal;
use crate::app::{self, meetings};
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/meetings", upcoming_meetings)
        .post("/api/v1/groups/{id}/meetings/{start}/goals", declare_goal)
}

/// An error as the API gives it: `{"error": "..."}` with the status the pages would give.
/// `server` renders every refusal under `/api/` with this, extractor rejections included.
pub fn error_response(status: StatusCode, message: &str) -> Response {
    let mut response = (status, Json(serde_json::json!({ "error": message }))).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// The person a bearer token belongs to.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(AppError::Unauthorized)?;
        Ok(ApiActor(app::api_tokens::holder(state, token).await?))
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
) -> AppResult<Json<Vec<MeetingOut>>> {
    let upcoming = meetings::upcoming(&state, &actor).await?;
    Ok(Json(
        upcoming
            .into_iter()
            .map(|m| MeetingOut {
                goals_url: format!("/api/v1/groups/{}/meetings/{}/goals", m.group.id, m.start),
                group_id: m.group.id,
                group_name: m.group.name,
                start: m.start,
                end: m.end,
                time_zone: m.time_zone,
                local_time: m.local_time,
            })
            .collect(),
    ))
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
) -> AppResult<(StatusCode, Json<GoalOut>)> {
    // A meeting that is not theirs is a 404 before the body is looked at.
    app::meetings::visible_meeting(&state, &actor, id, start).await?;
    let Json(request) = body.map_err(|e| {
        AppError::BadRequest(format!(
            "the body must be JSON like {{\"text\": \"Draft the aims page\", \"kind\": \"grant\"}}: {}",
            e.body_text()
        ))
    })?;
    let input = DeclareGoal { text: &request.text, kind: &request.kind, long_goal_id: request.long_goal_id };
    let (id, goal) = app::goals::declare(&state, &actor, id, start, input).await?;
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
