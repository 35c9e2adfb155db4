//! The one error type at the web edge: clear words for people, the full chain for the log.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Also what a request gets for something it may not see: a 404 does not confirm it exists.
    #[error("not found")]
    NotFound,
    #[error("login required")]
    LoginRequired { next: String },
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Invalid(String),
    #[error("this form has expired or did not come from aspire: reload the page and try again")]
    CsrfRejected,
    #[error("too many failed logins: wait 15 minutes and try again, or ask your coordinator to reset your password")]
    TooManyAttempts,
    #[error("{0}")]
    TooLarge(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: String,
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::LoginRequired { .. } => StatusCode::SEE_OTHER,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Store(StoreError::Conflict(_)) => StatusCode::CONFLICT,
            AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// An HTML error page with `status` and a message safe to show.
pub fn error_page(status: StatusCode, message: String) -> Response {
    let title = status.canonical_reason().unwrap_or("Error");
    let body = ErrorPage { title, message }.render().unwrap_or_else(|_| title.to_string());
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match &self {
            AppError::LoginRequired { next } => {
                let target = format!(
                    "/login?next={}",
                    url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                );
                return Redirect::to(&target).into_response();
            }
            AppError::NotFound => {
                "There is nothing here, or it is not yours to see. Check the address, or go back to your home page."
                    .to_string()
            }
            AppError::Store(StoreError::Conflict(what)) => {
                format!("{what} already exists: pick another name or edit the existing one.")
            }
            AppError::Store(_) | AppError::Internal(_) => {
                tracing::error!(error = ?self, "request failed");
                "Something went wrong on our side. It has been logged; try again in a moment.".to_string()
            }
            other => other.to_string(),
        };
        error_page(status, message)
    }
}
