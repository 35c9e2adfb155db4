//! Asking public services what they know about a member: their papers in
//! PubMed, their NIH grants in RePORTER, their works on ORCID.
//!
//! Pure, like the rest of the crate: each module builds the request (a path
//! relative to the service's base URL, and for RePORTER a JSON body) and parses
//! the body the app fetched. The app owns the HTTP client, the base URLs (from
//! its settings, so tests can point them at a local server), timeouts and
//! retries.
//!
//! A service's answer is not the member's file: an identifier the service
//! sends that does not parse (a stray space in a DOI, a garbled PMCID) is left
//! out of that work instead of failing the whole answer, and a record without
//! a title is skipped. An answer that is not JSON, or lacks the part that holds
//! the records, is an error.
//!
//! ```
//! use aspire_citations::public::{orcid, pubmed};
//!
//! let term = pubmed::esearch_query("Smith J", Some("Columbia"), None);
//! assert_eq!(term, "Smith J[Author] AND Columbia[Affiliation]");
//! assert_eq!(
//!     pubmed::esearch_path(&term, 100),
//!     "esearch.fcgi?db=pubmed&retmode=json&retmax=100&term=Smith%20J%5BAuthor%5D%20AND%20Columbia%5BAffiliation%5D"
//! );
//!
//! let id = orcid::Orcid::parse("https://orcid.org/0000-0002-1825-0097")?;
//! assert_eq!(orcid::works_path(&id), "v3.0/0000-0002-1825-0097/works");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod orcid;
pub mod pubmed;
pub mod reporter;

use std::fmt;

use serde_json::Value;

use crate::identifier::shorten;
use crate::import::clean_spaces;

/// The service an answer came from; its `Display` is the name people know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    PubMed,
    Reporter,
    Orcid,
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Service::PubMed => "PubMed",
            Service::Reporter => "NIH RePORTER",
            Service::Orcid => "ORCID",
        })
    }
}

/// Why an answer from a public service could not be read.
///
/// The messages can be shown to a member: they say which service, what was
/// wrong, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResponseError {
    #[error(
        "{service} sent something that is not the JSON we asked for ({detail}); \
         the service may be down or busy, try again in a few minutes"
    )]
    NotJson { service: Service, detail: String },
    #[error(
        "{service}'s answer has no {missing}; the service may have changed its format, \
         please tell the site's administrators"
    )]
    Missing { service: Service, missing: &'static str },
    #[error("{service}'s answer has {problem}; please tell the site's administrators")]
    Malformed { service: Service, problem: String },
    #[error("{service} refused the request: {message}")]
    Refused { service: Service, message: String },
}

/// The body as JSON, or an error quoting the parser's complaint.
pub(crate) fn parse_json(service: Service, body: &str) -> Result<Value, ResponseError> {
    serde_json::from_str(body).map_err(|error| ResponseError::NotJson { service, detail: error.to_string() })
}

/// The value at `path` (object keys) below `value`, if every step exists.
pub(crate) fn value_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |current, key| current.get(key))
}

/// The text at `path`, with runs of whitespace made one space; `None` when
/// missing, not a string, or blank.
pub(crate) fn text_at(value: &Value, path: &[&str]) -> Option<String> {
    let text = clean_spaces(value_at(value, path)?.as_str()?);
    (!text.is_empty()).then_some(text)
}

/// A message from the service, shortened so a long error page stays readable.
pub(crate) fn service_message(text: &str) -> String {
    shorten(&clean_spaces(text), 200)
}

/// Percent-encodes a query value: everything but the URL's unreserved
/// characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` of its UTF-8 bytes, so
/// brackets, spaces and `&` in a search term cannot break the query.
pub(crate) fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_unreserved_characters_only() {
        assert_eq!(percent_encode("Smith J[Author]"), "Smith%20J%5BAuthor%5D");
        assert_eq!(percent_encode("a&b=c/d"), "a%26b%3Dc%2Fd");
        assert_eq!(percent_encode("García"), "Garc%C3%ADa");
        assert_eq!(percent_encode("0000-0002-1825-009X_~."), "0000-0002-1825-009X_~.");
    }

    #[test]
    fn not_json_names_the_service_and_what_to_do() {
        let message = parse_json(Service::PubMed, "<html>502 Bad Gateway</html>").unwrap_err().to_string();
        assert!(message.starts_with("PubMed sent something that is not the JSON"), "{message}");
        assert!(message.contains("try again"), "{message}");
    }

    #[test]
    fn text_at_skips_blank_and_non_string_values() {
        let value: Value = serde_json::json!({"a": {"b": "  two\n words "}, "n": 3, "blank": " "});
        assert_eq!(text_at(&value, &["a", "b"]).as_deref(), Some("two words"));
        assert_eq!(text_at(&value, &["n"]), None);
        assert_eq!(text_at(&value, &["blank"]), None);
        assert_eq!(text_at(&value, &["a", "missing"]), None);
    }
}
