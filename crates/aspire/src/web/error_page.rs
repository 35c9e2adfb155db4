//! The page an error becomes: inside the normal layout (navigation for whoever is signed in),
//! with a way back.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Layout;
use crate::auth::Actor;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    title: &'a str,
    message: &'a str,
}

/// An HTML error page with `status` and a message safe to show, framed for `actor`.
pub fn render(status: StatusCode, message: &str, actor: Option<&Actor>) -> Response {
    let title = status.canonical_reason().unwrap_or("Error");
    let layout = actor.map_or_else(Layout::anonymous, Layout::for_actor);
    let body = ErrorPage { layout, title, message }.render().unwrap_or_else(|_| message.to_string());
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}
