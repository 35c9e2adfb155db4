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
mod invite;
mod layout;
pub(crate) mod meetings;
mod opportunities;
mod ops;
mod profile;
mod profile_form;
pub(crate) mod programs;
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
        .merge(profile::routes())
        .merge(ops::routes())
        .merge(assets::routes())
        .merge(resources::routes())
        .merge(opportunities::routes())
}

/// The client's address, for login throttling ("unknown" when not served over a socket).
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_string(), |ConnectInfo(addr)| addr.ip().to_string());
        Ok(ClientAddress(address))
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
