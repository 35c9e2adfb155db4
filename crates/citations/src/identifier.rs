//! What the identifier types share: one error type that says what was wrong and
//! what a valid identifier looks like, and the prefix stripping they all need.

use std::fmt;

/// Which kind of identifier failed to parse; its `Display` is the name a user knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    Doi,
    Pmid,
    Pmcid,
    Award,
    Orcid,
}

impl IdKind {
    /// A valid example, quoted in every error message.
    pub fn example(self) -> &'static str {
        match self {
            IdKind::Doi => "10.1056/NEJMoa2034577",
            IdKind::Pmid => "33301246",
            IdKind::Pmcid => "PMC7745181",
            IdKind::Award => "1 R01 CA123456-01A1 or K23HL145123",
            IdKind::Orcid => "0000-0002-1825-0097",
        }
    }
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdKind::Doi => "DOI",
            IdKind::Pmid => "PubMed ID",
            IdKind::Pmcid => "PMCID",
            IdKind::Award => "NIH award number",
            IdKind::Orcid => "ORCID iD",
        })
    }
}

/// An identifier that is not of its valid form.
///
/// Displays as e.g. `"10.12/abc" is not a valid DOI: the registrant "12" has 2
/// digits, it needs 4 to 9 (a valid DOI looks like 10.1056/NEJMoa2034577)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a valid {kind}: {problem} (a valid {kind} looks like {example})", example = kind.example())]
pub struct IdError {
    /// Which identifier was being parsed.
    pub kind: IdKind,
    /// The input, shortened to a readable length.
    pub input: String,
    /// What was wrong, in words.
    pub problem: String,
}

impl IdError {
    pub(crate) fn new(kind: IdKind, input: &str, problem: impl Into<String>) -> Self {
        IdError { kind, input: shorten(input, 80), problem: problem.into() }
    }
}

/// At most `max` characters of `text`, with an ellipsis when cut; error messages
/// quote user input and must stay readable whatever was pasted.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// `text` without `prefix`, compared ignoring ASCII case.
pub(crate) fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) { text.get(prefix.len()..) } else { None }
}

/// A short description of the first character that is not allowed, for messages.
pub(crate) fn describe_char(c: char) -> String {
    if c.is_whitespace() {
        "a space".to_string()
    } else if c.is_control() {
        format!("the control character U+{:04X}", u32::from(c))
    } else {
        format!("the character {c:?}")
    }
}
