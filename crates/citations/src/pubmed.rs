//! PubMed and PubMed Central identifiers.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::identifier::{IdError, IdKind, describe_char, strip_prefix_ignore_case};

/// A PubMed ID: 1 to 8 digits, no leading zero, e.g. `33301246`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Pmid(u32);

/// A PubMed Central ID: `PMC` and digits, e.g. `PMC7745181`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Pmcid(u32);

/// Strips the first matching prefix (ignoring case) and following spaces.
fn strip_any_prefix<'a>(text: &'a str, prefixes: &[&str]) -> &'a str {
    for prefix in prefixes {
        if let Some(rest) = strip_prefix_ignore_case(text, prefix) {
            return rest.trim_start();
        }
    }
    text
}

/// Reads `digits` as a number of 1..=`max_len` digits without a leading zero.
fn parse_digits(kind: IdKind, input: &str, digits: &str, max_len: usize) -> Result<u32, IdError> {
    let err = |problem: String| IdError::new(kind, input, problem);
    if digits.is_empty() {
        return Err(err("the number is missing".into()));
    }
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(err(format!("it contains {}; only digits are allowed", describe_char(bad))));
    }
    if digits.starts_with('0') {
        return Err(err("it starts with a zero".into()));
    }
    if digits.len() > max_len {
        return Err(err(format!("it has {} digits; at most {max_len} are allowed", digits.len())));
    }
    digits.parse().map_err(|_| err("the number is out of range".into()))
}

impl Pmid {
    /// Parses `33301246`, `PMID: 33301246` or a `pubmed.ncbi.nlm.nih.gov` link.
    pub fn parse(input: &str) -> Result<Pmid, IdError> {
        let text = strip_any_prefix(
            input.trim(),
            &[
                "https://pubmed.ncbi.nlm.nih.gov/",
                "http://pubmed.ncbi.nlm.nih.gov/",
                "pubmed.ncbi.nlm.nih.gov/",
                "PMID:",
                "PMID",
            ],
        );
        let digits = text.strip_suffix('/').unwrap_or(text);
        parse_digits(IdKind::Pmid, input, digits, 8).map(Pmid)
    }

    /// The number itself.
    pub fn get(self) -> u32 {
        self.0
    }

    /// The PubMed page of the paper.
    pub fn url(self) -> String {
        format!("https://pubmed.ncbi.nlm.nih.gov/{}/", self.0)
    }
}

impl Pmcid {
    /// Parses `PMC7745181`, `pmc7745181` or `PMCID: PMC7745181`.
    pub fn parse(input: &str) -> Result<Pmcid, IdError> {
        let text = strip_any_prefix(input.trim(), &["PMCID:", "PMCID "]);
        let Some(digits) = strip_prefix_ignore_case(text, "PMC") else {
            return Err(IdError::new(IdKind::Pmcid, input, "a PMCID starts with \"PMC\""));
        };
        parse_digits(IdKind::Pmcid, input, digits, 9).map(Pmcid)
    }

    /// The number after `PMC`.
    pub fn get(self) -> u32 {
        self.0
    }

    /// The PubMed Central page of the full text.
    pub fn url(self) -> String {
        format!("https://pmc.ncbi.nlm.nih.gov/articles/{self}/")
    }
}

impl fmt::Display for Pmid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for Pmcid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PMC{}", self.0)
    }
}

impl FromStr for Pmid {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Pmid, IdError> {
        Pmid::parse(s)
    }
}

impl FromStr for Pmcid {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Pmcid, IdError> {
        Pmcid::parse(s)
    }
}

impl TryFrom<String> for Pmid {
    type Error = IdError;
    fn try_from(s: String) -> Result<Pmid, IdError> {
        Pmid::parse(&s)
    }
}

impl TryFrom<String> for Pmcid {
    type Error = IdError;
    fn try_from(s: String) -> Result<Pmcid, IdError> {
        Pmcid::parse(&s)
    }
}

impl From<Pmid> for String {
    fn from(id: Pmid) -> String {
        id.to_string()
    }
}

impl From<Pmcid> for String {
    fn from(id: Pmcid) -> String {
        id.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pmid_accepts_bare_labelled_and_linked_forms() {
        for input in [
            "33301246",
            "PMID: 33301246",
            "pmid:33301246",
            "PMID 33301246",
            "https://pubmed.ncbi.nlm.nih.gov/33301246/",
        ] {
            assert_eq!(Pmid::parse(input).unwrap().get(), 33301246, "{input}");
        }
        assert_eq!(Pmid::parse("7").unwrap().to_string(), "7");
    }

    #[test]
    fn pmid_rejections_are_explained() {
        let cases = [
            ("", "missing"),
            ("012345", "starts with a zero"),
            ("123456789", "9 digits; at most 8"),
            ("1234 5678", "a space"),
            ("PMC123", "only digits"),
        ];
        for (input, expected) in cases {
            let message = Pmid::parse(input).unwrap_err().to_string();
            assert!(message.contains(expected), "{input}: {message}");
            assert!(message.contains("PubMed ID looks like 33301246"), "{message}");
        }
    }

    #[test]
    fn pmcid_accepts_any_case_and_displays_canonically() {
        for input in ["PMC7745181", "pmc7745181", "PMCID: PMC7745181", " Pmc7745181 "] {
            let id = Pmcid::parse(input).unwrap();
            assert_eq!(id.to_string(), "PMC7745181", "{input}");
        }
        assert_eq!(Pmcid::parse("PMC7745181").unwrap().url(), "https://pmc.ncbi.nlm.nih.gov/articles/PMC7745181/");
    }

    #[test]
    fn pmcid_without_prefix_or_digits_is_rejected() {
        let message = Pmcid::parse("7745181").unwrap_err().to_string();
        assert!(message.contains("starts with \"PMC\""), "{message}");
        let message = Pmcid::parse("PMC").unwrap_err().to_string();
        assert!(message.contains("missing"), "{message}");
    }
}
