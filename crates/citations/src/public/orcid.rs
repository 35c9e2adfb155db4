//! ORCID iDs, and a member's works from the ORCID public API v3.0.
//!
//! The app GETs [`works_path`] below [`ORCID_PUBLIC_API_BASE_URL`] (or its
//! configured replacement) with `Accept: application/json`
//! ([`WORKS_ACCEPT`]) and hands the answer to [`parse_works`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{ResponseError, Service, parse_json, service_message, text_at, value_at};
use crate::identifier::{IdError, IdKind, describe_char, strip_prefix_ignore_case};
use crate::{Doi, Pmcid, Pmid, Work, WorkKind};

/// Where the ORCID public API lives.
pub const ORCID_PUBLIC_API_BASE_URL: &str = "https://pub.orcid.org/";

/// The `Accept` header for [`works_path`]; without it ORCID answers in XML.
pub const WORKS_ACCEPT: &str = "application/json";

/// An ORCID iD such as `0000-0002-1825-0097`, its check character verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Orcid(String);

/// Prefixes people paste in front of an iD; longest first so `https://www.` wins over `www.`.
const ORCID_PREFIXES: &[&str] = &[
    "https://www.orcid.org/",
    "http://www.orcid.org/",
    "https://orcid.org/",
    "http://orcid.org/",
    "www.orcid.org/",
    "orcid.org/",
    "ORCID iD:",
    "ORCID iD",
    "ORCID:",
    "ORCID",
];

impl Orcid {
    /// Parses `0000-0002-1825-0097`, `https://orcid.org/0000-0002-1825-0097`,
    /// `ORCID: 0000-0002-1825-0097` or the 16 characters without hyphens.
    /// A final `x` is read as `X`.
    pub fn parse(input: &str) -> Result<Orcid, IdError> {
        let err = |problem: String| IdError::new(IdKind::Orcid, input, problem);
        let mut rest = input.trim();
        for prefix in ORCID_PREFIXES {
            if let Some(stripped) = strip_prefix_ignore_case(rest, prefix) {
                rest = stripped.trim_start();
                break;
            }
        }
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.is_empty() {
            return Err(err("it is empty".into()));
        }
        if let Some(bad) = rest.chars().find(|c| !(c.is_ascii_digit() || matches!(c, '-' | 'X' | 'x'))) {
            return Err(err(format!(
                "it contains {}; an ORCID iD has only digits and hyphens, and may end in X",
                describe_char(bad)
            )));
        }
        let characters: Vec<char> = rest.chars().filter(|c| *c != '-').map(|c| c.to_ascii_uppercase()).collect();
        if characters.len() != 16 {
            return Err(err(format!("it has {} digits; an ORCID iD has 16, in four groups of four", characters.len())));
        }
        let (check, digits) = characters.split_last().ok_or_else(|| err("it is empty".into()))?;
        if digits.contains(&'X') {
            return Err(err("an X can only be the last character, the check character".into()));
        }
        let expected = check_character(digits);
        if *check != expected {
            return Err(err(format!(
                "the last character is {check} but the digits before it need {expected}; \
                 check for a mistyped digit"
            )));
        }
        let groups: Vec<String> = characters.chunks(4).map(|group| group.iter().collect()).collect();
        Ok(Orcid(groups.join("-")))
    }

    /// The canonical form, `0000-0002-1825-0097`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The iD's page, which is also how ORCID asks iDs to be displayed.
    pub fn url(&self) -> String {
        format!("https://orcid.org/{}", self.0)
    }
}

/// The ISO 7064 MOD 11-2 check character of the first 15 digits.
fn check_character(digits: &[char]) -> char {
    let total = digits.iter().filter_map(|c| c.to_digit(10)).fold(0, |total, digit| (total + digit) * 2 % 11);
    match (12 - total % 11) % 11 {
        10 => 'X',
        // The remainder is 0..=9 here, so it is always a digit.
        remainder => char::from_digit(remainder, 10).unwrap_or('X'),
    }
}

impl fmt::Display for Orcid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Orcid {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Orcid, IdError> {
        Orcid::parse(s)
    }
}

impl TryFrom<String> for Orcid {
    type Error = IdError;
    fn try_from(s: String) -> Result<Orcid, IdError> {
        Orcid::parse(&s)
    }
}

impl From<Orcid> for String {
    fn from(id: Orcid) -> String {
        id.0
    }
}

/// The works of `orcid`, relative to [`ORCID_PUBLIC_API_BASE_URL`].
pub fn works_path(orcid: &Orcid) -> String {
    format!("v3.0/{orcid}/works")
}

/// The works in a `/works` JSON answer, one per group, in ORCID's order.
///
/// ORCID groups the copies of a work that different sources added; the first
/// summary of each group gives the title, type, journal and year. Its DOI,
/// PMID and PMCID come from its own `self` identifiers (not `part-of` ones such
/// as a journal's ISSN), then from the group's. Summaries list no authors, so
/// `authors` is empty. Groups without a title are skipped.
pub fn parse_works(body: &str) -> Result<Vec<Work>, ResponseError> {
    let json = parse_json(Service::Orcid, body)?;
    let Some(groups) = json.get("group").and_then(Value::as_array) else {
        // ORCID's error answers: {"response-code": 404, "user-message": "...", ...}.
        if let Some(message) = text_at(&json, &["user-message"]).or_else(|| text_at(&json, &["developer-message"])) {
            return Err(ResponseError::Refused { service: Service::Orcid, message: service_message(&message) });
        }
        return Err(ResponseError::Missing { service: Service::Orcid, missing: "list of works (\"group\")" });
    };
    Ok(groups.iter().filter_map(work_from_group).collect())
}

fn work_from_group(group: &Value) -> Option<Work> {
    let summary = value_at(group, &["work-summary"])?.as_array()?.first()?;
    let title = text_at(summary, &["title", "title", "value"])?;
    let kind = match text_at(summary, &["type"]).as_deref() {
        Some("journal-article") => WorkKind::Article,
        Some("book" | "edited-book") => WorkKind::Book,
        Some("book-chapter") => WorkKind::Chapter,
        Some("conference-paper" | "conference-abstract" | "conference-poster") => WorkKind::ConferencePaper,
        _ => WorkKind::Other,
    };
    let mut work = Work::new(kind, title);
    work.venue = text_at(summary, &["journal-title", "value"]);
    work.year = text_at(summary, &["publication-date", "year", "value"]).and_then(|year| year.parse().ok());
    for ids in [summary, group] {
        for id in value_at(ids, &["external-ids", "external-id"]).and_then(Value::as_array).into_iter().flatten() {
            read_external_id(&mut work, id);
        }
    }
    Some(work)
}

/// Fills the DOI, PMID or PMCID of `work` from one external identifier, if
/// it is the work's own (`self`) and that field is still empty.
fn read_external_id(work: &mut Work, id: &Value) {
    if !matches!(text_at(id, &["external-id-relationship"]).as_deref(), None | Some("self" | "SELF")) {
        return;
    }
    let (Some(kind), Some(value)) = (text_at(id, &["external-id-type"]), text_at(id, &["external-id-value"])) else {
        return;
    };
    match kind.to_ascii_lowercase().as_str() {
        "doi" if work.doi.is_none() => work.doi = Doi::parse(&value).ok(),
        "pmid" if work.pmid.is_none() => work.pmid = Pmid::parse(&value).ok(),
        "pmc" if work.pmcid.is_none() => work.pmcid = Pmcid::parse(&value).ok(),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_bare_linked_labelled_and_unhyphenated_forms() {
        for input in [
            "0000-0002-1825-0097",
            " https://orcid.org/0000-0002-1825-0097/ ",
            "http://www.orcid.org/0000-0002-1825-0097",
            "orcid.org/0000-0002-1825-0097",
            "ORCID: 0000-0002-1825-0097",
            "orcid iD 0000-0002-1825-0097",
            "0000000218250097",
        ] {
            let id = Orcid::parse(input).unwrap();
            assert_eq!(id.as_str(), "0000-0002-1825-0097", "{input}");
        }
        let with_x = Orcid::parse("0000-0002-1694-233x").unwrap();
        assert_eq!(with_x.to_string(), "0000-0002-1694-233X");
        assert_eq!(with_x.url(), "https://orcid.org/0000-0002-1694-233X");
        assert_eq!(Orcid::parse("0000-0001-5109-3700").unwrap().as_str(), "0000-0001-5109-3700");
    }

    #[test]
    fn rejections_say_what_was_wrong_and_show_a_valid_id() {
        let cases = [
            ("", "it is empty"),
            ("https://orcid.org/", "it is empty"),
            ("0000-0002-1825-0098", "the last character is 8 but the digits before it need 7"),
            ("0000-0002-1825-009", "it has 15 digits; an ORCID iD has 16"),
            ("0000-0002-1825-00977", "it has 17 digits"),
            ("0000-0002-1825 0097", "it contains a space"),
            ("0000-000X-1825-0097", "an X can only be the last character"),
            ("https://scholar.google.com/citations?user=x", "it contains the character 'h'"),
        ];
        for (input, expected) in cases {
            let message = Orcid::parse(input).unwrap_err().to_string();
            assert!(message.contains(expected), "{input}: {message}");
            assert!(message.contains("not a valid ORCID iD"), "{message}");
            assert!(message.contains("a valid ORCID iD looks like 0000-0002-1825-0097"), "{message}");
        }
    }

    #[test]
    fn serde_round_trips_through_the_canonical_text() {
        let id: Orcid = serde_json::from_str("\"https://orcid.org/0000-0002-1825-0097\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"0000-0002-1825-0097\"");
        assert!(serde_json::from_str::<Orcid>("\"0000-0002-1825-0098\"").is_err());
    }

    #[test]
    fn works_path_is_relative_to_the_api() {
        let id = Orcid::parse("0000-0002-1825-0097").unwrap();
        assert_eq!(works_path(&id), "v3.0/0000-0002-1825-0097/works");
    }

    #[test]
    fn ids_come_from_self_relations_then_from_the_group() {
        let body = r#"{"group":[{
            "external-ids":{"external-id":[{"external-id-type":"pmid","external-id-value":"31406345","external-id-relationship":"self"}]},
            "work-summary":[
              {"title":{"title":{"value":"Peer mentoring works"}},"type":"book-chapter",
               "external-ids":{"external-id":[
                 {"external-id-type":"doi","external-id-value":"10.1000/book","external-id-relationship":"part-of"},
                 {"external-id-type":"doi","external-id-value":"https://doi.org/10.1000/chapter","external-id-relationship":"self"}]}},
              {"title":{"title":{"value":"A second copy"}}}]},
            {"work-summary":[{"title":null}]},
            {"work-summary":[]}]}"#;
        let works = parse_works(body).unwrap();
        assert_eq!(works.len(), 1, "untitled and empty groups are skipped");
        let chapter = &works[0];
        assert_eq!((chapter.title.as_str(), chapter.kind), ("Peer mentoring works", WorkKind::Chapter));
        assert_eq!(chapter.doi.as_ref().unwrap().as_str(), "10.1000/chapter");
        assert_eq!(chapter.pmid.unwrap().get(), 31406345);
        assert_eq!((chapter.venue.as_ref(), chapter.year), (None, None));
    }

    #[test]
    fn an_error_answer_is_shown_in_orcids_words() {
        let body = r#"{"response-code":404,"developer-message":"404 Not Found: The resource was not found.",
            "user-message":"The resource was not found.","error-code":9016}"#;
        let message = parse_works(body).unwrap_err().to_string();
        assert_eq!(message, "ORCID refused the request: The resource was not found.");
        let missing = parse_works("{}").unwrap_err().to_string();
        assert!(missing.contains("no list of works"), "{missing}");
    }
}
