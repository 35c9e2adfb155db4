//! Meetings in people's calendars: an `.ics` file per group series, and a personal feed with
//! all of a member's groups behind a secret, revocable address (built by `notify::ics`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};

use super::Layout;
use crate::app::calendar;
use crate::auth::{Actor, CsrfForm, CsrfOnly};
use crate::error::AppResult;
use crate::routes::Routes;
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/groups/{id}/meetings.ics", series_ics)
        .post("/calendar/feed", create_feed)
        .post("/calendar/feed/revoke", revoke_feed)
        .get("/calendar/feed/{token}", feed)
}

fn ics_response(body: String, filename: Option<&str>) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "text/calendar; charset=utf-8")], body).into_response();
    if let Some(name) = filename
        && let Ok(value) = format!("attachment; filename=\"{name}\"").parse()
    {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

async fn series_ics(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Response> {
    let body = calendar::series_ics(&state, &actor, id).await?;
    Ok(ics_response(body, Some(&format!("group-{id}-meetings.ics"))))
}

async fn feed(State(state): State<AppState>, Path(token): Path<String>) -> AppResult<Response> {
    let token = token.strip_suffix(".ics").unwrap_or(&token);
    Ok(ics_response(calendar::feed(&state, token).await?, None))
}

#[derive(Template, WebTemplate)]
#[template(path = "calendar_feed.html")]
struct FeedPage {
    layout: Layout,
    url: String,
}

async fn create_feed(State(state): State<AppState>, CsrfForm(actor, _): CsrfForm<CsrfOnly>) -> AppResult<FeedPage> {
    let url = calendar::new_feed(&state, &actor).await?;
    Ok(FeedPage { layout: Layout::for_actor(&actor), url })
}

async fn revoke_feed(State(state): State<AppState>, CsrfForm(actor, _): CsrfForm<CsrfOnly>) -> AppResult<Redirect> {
    calendar::revoke_feed(&state, &actor).await?;
    Ok(Redirect::to("/goals?notice=removed#calendar"))
}
