//! Sessions in the database behind an opaque cookie, and the extractors that say who is asking.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, SameSite};
use serde::de::DeserializeOwned;

use super::access::Actor;
use super::token::{constant_time_eq, hash_token, new_token};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::SessionRecord;

pub const SESSION_COOKIE: &str = "aspire_session";
/// Double-submit token for forms shown before login (login, invitation).
pub const PRE_SESSION_COOKIE: &str = "aspire_pre";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Sessions are touched at most this often, to keep writes down.
const TOUCH_EVERY_SECONDS: i64 = 60;

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// A `Set-Cookie` value: always HttpOnly and SameSite=Lax, Secure when served over https.
pub fn cookie_header(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age_seconds))
        .secure(secure)
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// Starts a session for `user_id` with a fresh token (so a session id never survives a login)
/// and returns the `Set-Cookie` header for it.
pub async fn start(state: &AppState, user_id: i64) -> Result<HeaderValue, AppError> {
    let token = new_token();
    let now = state.now();
    state
        .store
        .create_session(&SessionRecord {
            token_hash: hash_token(&token),
            user_id,
            csrf_token: new_token(),
            created_at: now,
            last_seen_at: now,
        })
        .await?;
    let max_age = state.settings.session_absolute_hours * 3600;
    Ok(cookie_header(SESSION_COOKIE, &token, max_age, state.settings.secure_cookies()))
}

/// Deletes the session the request carries and returns the header that clears the cookie.
pub async fn end(state: &AppState, headers: &HeaderMap) -> Result<HeaderValue, AppError> {
    if let Some(token) = cookie_value(headers, SESSION_COOKIE) {
        state.store.delete_session(&hash_token(&token)).await?;
    }
    Ok(cookie_header(SESSION_COOKIE, "", 0, state.settings.secure_cookies()))
}

/// Loads the actor behind the request's session cookie, if it is valid and not expired.
async fn load_actor(parts: &Parts, state: &AppState) -> Result<Option<Actor>, AppError> {
    let Some(token) = cookie_value(&parts.headers, SESSION_COOKIE) else { return Ok(None) };
    let token_hash = hash_token(&token);
    let Some((session, user, memberships)) = state.store.session_with_user(&token_hash).await? else {
        return Ok(None);
    };
    let now = state.now();
    let settings = &state.settings;
    let expired = now - session.created_at > settings.session_absolute_hours * 3600
        || now - session.last_seen_at > settings.session_idle_minutes * 60;
    if expired {
        state.store.delete_session(&token_hash).await?;
        return Ok(None);
    }
    if now - session.last_seen_at >= TOUCH_EVERY_SECONDS {
        state.store.touch_session(&token_hash, now).await?;
    }
    Ok(Some(Actor { user, memberships, csrf_token: session.csrf_token }))
}

/// Who a request turned out to be from, filled in when the session is read, so that the audit
/// layer can name who was refused, and an error page can show their navigation, without reading
/// the session again.
#[derive(Clone, Default)]
pub struct WhoAsked(std::sync::Arc<std::sync::OnceLock<Actor>>);

impl WhoAsked {
    pub fn actor(&self) -> Option<&Actor> {
        self.0.get()
    }

    pub fn user_id(&self) -> Option<i64> {
        self.actor().map(|a| a.user.id)
    }
}

/// Whoever is asking: signed in or not.
pub struct Viewer(pub Option<Actor>);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(actor) = parts.extensions.get::<Actor>() {
            return Ok(Viewer(Some(actor.clone())));
        }
        let actor = load_actor(parts, state).await?;
        if let Some(actor) = &actor {
            parts.extensions.insert(actor.clone());
            if let Some(who) = parts.extensions.get::<WhoAsked>() {
                let _ = who.0.set(actor.clone());
            }
        }
        Ok(Viewer(actor))
    }
}

/// A signed-in person; anyone else is sent to the login page.
impl FromRequestParts<AppState> for Actor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match Viewer::from_request_parts(parts, state).await? {
            Viewer(Some(actor)) => Ok(actor),
            Viewer(None) => {
                let next = if parts.method == axum::http::Method::GET {
                    parts.uri.path_and_query().map_or("/".to_string(), |p| p.to_string())
                } else {
                    "/".to_string()
                };
                Err(AppError::LoginRequired { next })
            }
        }
    }
}

impl Actor {
    /// Checks a submitted CSRF token (form field or `X-CSRF-Token` header) against the session's.
    pub fn verify_csrf(&self, submitted: &str) -> Result<(), AppError> {
        if !submitted.is_empty() && constant_time_eq(submitted, &self.csrf_token) {
            Ok(())
        } else {
            Err(AppError::CsrfRejected)
        }
    }
}

/// A form posted by a signed-in person, accepted only with their session's CSRF token
/// (in its `csrf` field, or the `X-CSRF-Token` header htmx sends).
pub struct CsrfForm<T>(pub Actor, pub T);

impl<T> FromRequest<AppState> for CsrfForm<T>
where
    T: DeserializeOwned + Send,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let actor = Actor::from_request_parts(&mut parts, state).await?;
        let header_token = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
        let urlencoded = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !urlencoded {
            return Err(AppError::BadRequest("this form must be sent as application/x-www-form-urlencoded".into()));
        }
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| AppError::TooLarge(format!("the form could not be read: {}", e.body_text())))?;
        // The token is checked first, so a forged request learns nothing from validation errors.
        let token: CsrfOnly = serde_urlencoded::from_bytes(&bytes).unwrap_or(CsrfOnly { csrf: String::new() });
        let submitted = if token.csrf.is_empty() { header_token.unwrap_or_default() } else { token.csrf };
        actor.verify_csrf(&submitted)?;
        crate::domain::text::check_form(&bytes).map_err(AppError::invalid)?;
        let form: T = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            AppError::BadRequest(format!("the form could not be read ({e}): reload the page and try again"))
        })?;
        Ok(CsrfForm(actor, form))
    }
}

/// The pre-session token of an anonymous visitor (login and invitation forms).
pub struct PreSession {
    pub token: String,
    /// Set when the visitor had no token yet: the response must carry this cookie.
    pub set_cookie: Option<HeaderValue>,
}

impl FromRequestParts<AppState> for PreSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match cookie_value(&parts.headers, PRE_SESSION_COOKIE).filter(|t| t.len() == 64) {
            Some(token) => Ok(PreSession { token, set_cookie: None }),
            None => {
                let token = new_token();
                let cookie = cookie_header(PRE_SESSION_COOKIE, &token, 24 * 3600, state.settings.secure_cookies());
                Ok(PreSession { token, set_cookie: Some(cookie) })
            }
        }
    }
}

impl PreSession {
    pub fn verify(&self, submitted: &str) -> Result<(), AppError> {
        if self.set_cookie.is_none() && constant_time_eq(submitted, &self.token) {
            Ok(())
        } else {
            Err(AppError::CsrfRejected)
        }
    }
}

/// A form whose only field is the CSRF token (buttons like "Sign out" or "Invite").
#[derive(serde::Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    pub csrf: String,
}
