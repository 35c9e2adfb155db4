//! HTML pages: one module per area, each with its `routes()`, on the application layer (`app`);
//! `server::app()` joins them with the API's and the layers every response gets.

mod account;
mod admin;
mod assets;
mod calendar;
mod discussion;
mod enrol;
pub mod error_page;
mod goals;
mod groups;
mod home;
mod identity;
mod invite;
mod layout;
pub(crate) mod meetings;
mod opportunities;
mod ops;
mod outcomes;
mod pager;
mod password_reset;
mod profile;
mod profile_form;
pub(crate) mod programs;
pub mod record;
mod resources;
mod rounds;
mod session;
mod wins;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

pub use layout::{Layout, Notice};

use crate::error::AppError;
use crate::routes::Routes;
use crate::state::AppState;

/// Every page route, each area's in turn (the API's are `api::routes()`; `server` joins them).
pub fn routes() -> Routes {
    session::routes()
        .merge(home::routes())
        .merge(admin::routes())
        .merge(programs::routes())
        .merge(groups::routes())
        .merge(meetings::routes())
        .merge(goals::routes())
        .merge(wins::routes())
        .merge(discussion::routes())
        .merge(account::routes())
        .merge(calendar::routes())
        .merge(rounds::routes())
        .merge(enrol::routes())
        .merge(invite::routes())
        .merge(password_reset::routes())
        .merge(profile::routes())
        .merge(identity::routes())
        .merge(ops::routes())
        .merge(assets::routes())
        .merge(resources::routes())
        .merge(opportunities::routes())
        .merge(outcomes::routes())
        .merge(record::routes())
}

/// The client's address, for sign-in throttling and enrolment limits ("unknown" when not
/// served over a socket). A forwarding header is believed only from a proxy named in the
/// `trusted_proxies` setting; anyone else could write in it what they like.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
        let forwarded = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        Ok(ClientAddress(client_address(peer, forwarded, &state.settings.trusted_proxies)))
    }
}

/// The client behind `peer`: the peer itself, unless it is a trusted proxy, in which case the
/// last address in X-Forwarded-For that is not one of the trusted proxies.
pub fn client_address(peer: Option<std::net::IpAddr>, forwarded: Option<&str>, trusted: &str) -> String {
    let trusted: Vec<std::net::IpAddr> = trusted.split(',').filter_map(|t| t.trim().parse().ok()).collect();
    let Some(peer) = peer else { return "unknown".into() };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    forwarded
        .into_iter()
        .flat_map(|f| f.rsplit(','))
        .filter_map(|hop| hop.trim().parse::<std::net::IpAddr>().ok())
        .find(|hop| !trusted.contains(hop))
        .unwrap_or(peer)
        .to_string()
}

/// A form from someone not signed in (sign-in, invitation, enrolment), read like `CsrfForm`:
/// text the database cannot keep is a 422 that names the field, never stored replaced.
pub struct TextForm<T>(pub T);

impl<T: serde::de::DeserializeOwned> axum::extract::FromRequest<AppState> for TextForm<T> {
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| AppError::TooLarge(format!("the form could not be read: {}", e.body_text())))?;
        crate::domain::text::check_form(&bytes).map_err(AppError::invalid)?;
        serde_urlencoded::from_bytes(&bytes).map(TextForm).map_err(|e| {
            AppError::BadRequest(format!("the form could not be read ({e}): reload the page and try again"))
        })
    }
}

/// Where to go after sign-in (or back to after a form): a path on this site, else home. `next`
/// must be a plain path: no scheme or host, no backslash, no control character (a browser
/// drops tabs and newlines, so "/\t/evil.example" would leave the site); and joined to this
/// site's address by a real URL parser it must stay on the same origin. What comes back is the
/// parser's own serialisation of the path, query and fragment.
pub fn safe_next(next: &str, public_url: &str) -> String {
    let plain = next.starts_with('/') && !next.starts_with("//") && !next.chars().any(|c| c.is_control() || c == '\\');
    let Ok(base) = url::Url::parse(public_url) else { return "/".into() };
    match base.join(next) {
        Ok(target) if plain && target.origin() == base.origin() => target[url::Position::BeforePath..].to_string(),
        _ => "/".into(),
    }
}

/// Turns a failed multipart read into a clear message: too large (with `advice` on what to do
/// instead, for a file of at most `limit_bytes`), or unreadable.
pub(crate) fn upload_error(
    limit_bytes: usize,
    advice: &'static str,
) -> impl Fn(axum::extract::multipart::MultipartError) -> AppError {
    move |e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(format!("The file is larger than {} MB: {advice}", limit_bytes / (1024 * 1024)))
        } else {
            AppError::BadRequest(format!(
                "The upload could not be read ({}): choose the file again and resend the form.",
                e.body_text()
            ))
        }
    }
}

/// A file to save (an export, a report), named `file_name`.
pub(crate) fn download(
    body: impl axum::response::IntoResponse,
    content_type: &str,
    file_name: &str,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
        ],
        body,
    )
        .into_response()
}

/// "1 person", "3 people": a count with the noun it takes (for templates, any integer).
pub fn count(n: impl std::fmt::Display, one: &str, many: &str) -> String {
    let n = n.to_string();
    let noun = if n == "1" { one } else { many };
    format!("{n} {noun}")
}

#[cfg(test)]
mod tests {
    use super::safe_next;
    use proptest::prelude::*;

    const SITE: &str = "https://aspire.example.edu";

    #[test]
    fn paths_on_the_site_are_kept_and_everything_else_goes_home() {
        assert_eq!(safe_next("/groups/3?tab=goals#next", SITE), "/groups/3?tab=goals#next");
        for hostile in [
            "//evil.example/phish",
            "/\\evil.example",
            "/\t/evil.example/phish",
            "/\r\nSet-Cookie: x=1",
            "https://evil.example/",
            "evil.example",
            "",
            "/\u{0}x",
        ] {
            assert_eq!(safe_next(hostile, SITE), "/", "{hostile:?}");
        }
    }

    #[test]
    fn a_forwarding_header_is_believed_only_from_a_trusted_proxy() {
        use super::client_address;
        let proxy = Some("10.0.0.2".parse().unwrap());
        let stranger = Some("203.0.113.9".parse().unwrap());
        let header = Some("198.51.100.7, 10.0.0.2");
        assert_eq!(
            client_address(stranger, Some("1.2.3.4"), "10.0.0.2"),
            "203.0.113.9",
            "a stranger's header is ignored"
        );
        assert_eq!(client_address(proxy, header, "10.0.0.2"), "198.51.100.7");
        assert_eq!(client_address(proxy, Some("1.2.3.4"), ""), "10.0.0.2", "no proxy is trusted by default");
        assert_eq!(client_address(proxy, Some("garbage"), "10.0.0.2"), "10.0.0.2");
        assert_eq!(client_address(None, header, "10.0.0.2"), "unknown");
    }

    proptest! {
        /// Whatever is typed, the answer is a path that a browser resolves on this site.
        #[test]
        fn no_input_leaves_the_site(next in "[/\\\\\t\r\n@:.%a-z0-9?#]{0,24}") {
            let kept = safe_next(&next, SITE);
            prop_assert!(kept.starts_with('/') && !kept.starts_with("//"), "{:?} gave {:?}", next, kept);
            prop_assert!(!kept.chars().any(|c| c.is_control() || c == '\\'), "{:?} gave {:?}", next, kept);
            let base = url::Url::parse(SITE).unwrap();
            prop_assert_eq!(base.join(&kept).unwrap().origin(), base.origin());
        }
    }
}
