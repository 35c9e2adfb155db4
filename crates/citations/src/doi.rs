//! Digital Object Identifiers.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::identifier::{IdError, IdKind, describe_char, strip_prefix_ignore_case};

/// A DOI such as `10.1056/NEJMoa2034577`.
///
/// Parsing accepts the bare form, `doi:` prefixes and `doi.org` / `dx.doi.org`
/// links. DOIs are case-insensitive, so equality and hashing ignore ASCII case;
/// `Display` keeps the suffix as it was written.
#[derive(Debug, Clone, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Doi(String);

/// Prefixes people paste in front of a DOI; longest first so `https://dx.` wins over `dx.`.
const DOI_PREFIXES: &[&str] = &[
    "https://www.doi.org/",
    "http://www.doi.org/",
    "https://dx.doi.org/",
    "http://dx.doi.org/",
    "https://doi.org/",
    "http://doi.org/",
    "www.doi.org/",
    "dx.doi.org/",
    "doi.org/",
    "doi:",
    "doi ",
];

impl Doi {
    /// Parses a DOI in any accepted form.
    pub fn parse(input: &str) -> Result<Doi, IdError> {
        let err = |problem: String| IdError::new(IdKind::Doi, input, problem);
        let mut rest = input.trim();
        for prefix in DOI_PREFIXES {
            if let Some(stripped) = strip_prefix_ignore_case(rest, prefix) {
                rest = stripped.trim_start();
                break;
            }
        }
        if rest.is_empty() {
            return Err(err("it is empty".into()));
        }
        let Some(after_directory) = rest.strip_prefix("10.") else {
            return Err(err("a DOI starts with \"10.\"".into()));
        };
        let Some((registrant, suffix)) = after_directory.split_once('/') else {
            return Err(err("the \"/\" between the prefix and the suffix is missing".into()));
        };
        check_registrant(registrant).map_err(err)?;
        if suffix.is_empty() {
            return Err(err("the part after the \"/\" is missing".into()));
        }
        if let Some(bad) = suffix.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(err(format!("it contains {}; a DOI has no spaces", describe_char(bad))));
        }
        Ok(Doi(format!("10.{registrant}/{suffix}")))
    }

    /// The canonical text, e.g. `10.1056/NEJMoa2034577`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used to compare and deduplicate: ASCII lower case.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }

    /// The resolver link, `https://doi.org/...`, with characters that would
    /// break a URL path percent-encoded.
    pub fn url(&self) -> String {
        let mut url = String::from("https://doi.org/");
        for byte in self.0.bytes() {
            let keep = byte.is_ascii_alphanumeric() || b"-._~/:;()[]!$&'*+,=@".contains(&byte);
            if keep {
                url.push(char::from(byte));
            } else {
                url.push_str(&format!("%{byte:02X}"));
            }
        }
        url
    }
}

/// The registrant code: 4 to 9 digits, optionally followed by dotted
/// sub-registrants (`1000.10`), each of digits.
fn check_registrant(registrant: &str) -> Result<(), String> {
    let mut parts = registrant.split('.');
    let main = parts.next().unwrap_or_default();
    if main.is_empty() {
        return Err("the registrant code after \"10.\" is missing".into());
    }
    if let Some(bad) = main.chars().find(|c| !c.is_ascii_digit()) {
        return Err(format!("the registrant code {main:?} has {}; it must be digits", describe_char(bad)));
    }
    if !(4..=9).contains(&main.len()) {
        return Err(format!("the registrant code {main:?} has {} digits; it needs 4 to 9", main.len()));
    }
    for sub in parts {
        if sub.is_empty() || !sub.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("the sub-registrant {sub:?} in {registrant:?} must be digits"));
        }
    }
    Ok(())
}

impl PartialEq for Doi {
    fn eq(&self, other: &Doi) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl Hash for Doi {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for byte in self.0.bytes() {
            state.write_u8(byte.to_ascii_lowercase());
        }
    }
}

impl FromStr for Doi {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Doi, IdError> {
        Doi::parse(s)
    }
}

impl TryFrom<String> for Doi {
    type Error = IdError;
    fn try_from(s: String) -> Result<Doi, IdError> {
        Doi::parse(&s)
    }
}

impl From<Doi> for String {
    fn from(doi: Doi) -> String {
        doi.0
    }
}

impl fmt::Display for Doi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_forms_people_paste() {
        for input in [
            "10.1056/NEJMoa2034577",
            "doi:10.1056/NEJMoa2034577",
            "DOI: 10.1056/NEJMoa2034577",
            "https://doi.org/10.1056/NEJMoa2034577",
            "http://dx.doi.org/10.1056/NEJMoa2034577",
            "  https://www.doi.org/10.1056/NEJMoa2034577 ",
        ] {
            let doi = Doi::parse(input).unwrap();
            assert_eq!(doi.to_string(), "10.1056/NEJMoa2034577", "{input}");
        }
    }

    #[test]
    fn compares_ignoring_case_but_displays_as_written() {
        let upper = Doi::parse("10.1056/NEJMOA2034577").unwrap();
        let mixed = Doi::parse("10.1056/NEJMoa2034577").unwrap();
        assert_eq!(upper, mixed);
        assert_eq!(upper.key(), mixed.key());
        assert_eq!(mixed.to_string(), "10.1056/NEJMoa2034577");
        let set: std::collections::HashSet<Doi> = [upper, mixed].into_iter().collect();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn accepts_dotted_sub_registrants() {
        assert_eq!(Doi::parse("10.1000.10/xyz").unwrap().as_str(), "10.1000.10/xyz");
    }

    #[test]
    fn rejections_say_what_was_wrong_and_show_a_valid_doi() {
        let cases = [
            ("10.1056/NEJM oa2034577", "a space"),
            ("10.1056/", "after the \"/\" is missing"),
            ("10.1056", "\"/\" between"),
            ("10.12/abc", "has 2 digits; it needs 4 to 9"),
            ("10.1234567890/abc", "has 10 digits"),
            ("11.1056/abc", "starts with \"10.\""),
            ("", "empty"),
            ("10.10a6/abc", "must be digits"),
            ("10.1000./xyz", "sub-registrant"),
        ];
        for (input, expected) in cases {
            let message = Doi::parse(input).unwrap_err().to_string();
            assert!(message.contains(expected), "{input}: {message}");
            assert!(message.contains("10.1056/NEJMoa2034577"), "{message}");
        }
    }

    #[test]
    fn url_points_at_the_resolver_and_escapes_what_breaks_a_path() {
        let doi = Doi::parse("10.1002/(SICI)1097-4636<1::AID>3.0.CO;2-#").unwrap();
        assert_eq!(doi.url(), "https://doi.org/10.1002/(SICI)1097-4636%3C1::AID%3E3.0.CO;2-%23");
    }

    #[test]
    fn serde_uses_the_plain_string_and_validates() {
        let doi = Doi::parse("doi:10.1056/NEJMoa2034577").unwrap();
        let json = serde_json::to_string(&doi).unwrap();
        assert_eq!(json, "\"10.1056/NEJMoa2034577\"");
        assert_eq!(serde_json::from_str::<Doi>(&json).unwrap(), doi);
        assert!(serde_json::from_str::<Doi>("\"nonsense\"").is_err());
    }
}
