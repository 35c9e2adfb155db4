//! The one error type of the application layer: clear words for people, the full chain for the
//! log. `web` renders it as a page inside the layout, `api` as `{"error": "..."}`, both with the
//! status `status()` gives and the words `public_message()` gives.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Also what a request gets for something it may not see: a 404 does not confirm it exists.
    #[error("not found")]
    NotFound,
    #[error("login required")]
    LoginRequired { next: String },
    /// The API without a valid bearer token.
    #[error("send your API token as 'Authorization: Bearer TOKEN'; make one on the My goals page")]
    Unauthorized,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Invalid(String),
    /// A one-time link that was used or has expired.
    #[error("{0}")]
    Gone(String),
    #[error("this form has expired or did not come from aspire: reload the page and try again")]
    CsrfRejected,
    #[error(
        "too many failed sign-ins from here: wait a minute and try again (each further failure makes the wait longer, up to 15 minutes), or ask your coordinator for help"
    )]
    TooManyAttempts,
    #[error("{0}")]
    TooLarge(String),
    /// Too many requests of a kind in a while; the message says when to try again.
    #[error("{0}")]
    Busy(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

/// What a refusal says, put on the response for the renderers in `web` and `api`.
#[derive(Debug, Clone)]
pub struct ErrorReport {
    pub message: String,
}

impl AppError {
    /// A rule of the domain was broken: its message, as a sentence, is shown as it is.
    pub fn invalid(e: impl std::fmt::Display) -> AppError {
        AppError::Invalid(sentence(&e.to_string()))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::LoginRequired { .. } => StatusCode::SEE_OTHER,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::TooManyAttempts | AppError::Busy(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Store(StoreError::Conflict(_)) => StatusCode::CONFLICT,
            AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The words shown to the person: never a database's text. Failures on our side are
    /// logged here, with their whole chain of causes.
    pub fn public_message(&self) -> String {
        match self {
            AppError::NotFound => {
                "There is nothing here, or it is not yours to see. Check the address, or go back to your home page."
                    .to_string()
            }
            AppError::Store(StoreError::Conflict(what)) => {
                sentence(&format!("{what} already exists: pick another name or edit the existing one"))
            }
            AppError::Store(_) | AppError::Internal(_) => {
                tracing::error!(error = ?self, "request failed");
                "Something went wrong on our side. It has been logged; try again in a moment.".to_string()
            }
            other => sentence(&other.to_string()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::LoginRequired { next } = &self {
            let target =
                format!("/login?next={}", url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>());
            return Redirect::to(&target).into_response();
        }
        let status = self.status();
        let message = self.public_message();
        let mut response = (status, message.clone()).into_response();
        response.extensions_mut().insert(ErrorReport { message });
        response
    }
}

/// A message as a sentence, the one place messages are capitalised: a capital first letter
/// (messages from the domain start lower-case) and a full stop at the end.
pub fn sentence(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    let mut out: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
    if !out.is_empty() && !out.ends_with(['.', '!', '?', ')']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_become_sentences_once() {
        assert_eq!(sentence("the time zone is unknown"), "The time zone is unknown.");
        assert_eq!(sentence(&sentence("the time zone is unknown")), "The time zone is unknown.");
        assert_eq!(sentence("Already done."), "Already done.");
    }

    #[test]
    fn database_text_never_reaches_the_person() {
        let e = AppError::Store(StoreError::Unsupported("relation \"users\" does not exist".into()));
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!e.public_message().contains("relation"));
    }
}
