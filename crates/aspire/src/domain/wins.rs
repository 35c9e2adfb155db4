//! Wins: papers, grants, talks, awards and promotions, checked before they are kept.
//! Identifiers are validated by their formats (aspire-citations), so a typo in a DOI or an
//! award number is caught when the member types it, not when a report is filed.

use aspire_citations::{AuthorPosition, AwardNumber, Doi, Pmcid, Pmid, Work, WorkKind, author_position};
use serde::Deserialize;

/// (code, label) of each kind of win.
pub const KINDS: [(&str, &str); 5] =
    [("paper", "Paper"), ("grant", "Grant"), ("talk", "Talk"), ("award", "Award"), ("promotion", "Promotion")];
pub const POSITIONS: [(&str, &str); 4] =
    [("first", "First author"), ("senior", "Senior (last) author"), ("middle", "Middle author"), ("", "Not given")];
pub const GRANT_ROLES: [(&str, &str); 3] = [("pi", "PI"), ("co_i", "Co-I"), ("", "Not given")];
pub const GRANT_STATUSES: [(&str, &str); 3] =
    [("submitted", "Submitted"), ("funded", "Funded"), ("not_funded", "Not funded")];

pub fn label<'a>(table: &'a [(&str, &'a str)], code: &str) -> &'a str {
    table.iter().find(|(c, _)| *c == code).map_or("", |(_, l)| l)
}

/// What a member fills in, as typed; `validate` turns it into a win's details.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct WinDetails {
    pub kind: String,
    pub title: String,
    /// Journal for a paper, funder for a grant, meeting for a talk, body giving an award.
    pub venue: String,
    pub year: String,
    /// The day it happened, like 2026-11-14; when given, it sets the year.
    pub date: String,
    pub doi: String,
    pub pmid: String,
    pub pmcid: String,
    pub author_position: String,
    pub award_number: String,
    pub mechanism: String,
    pub grant_role: String,
    pub grant_status: String,
}

/// An award number and an activity code as typed, checked together: (code, award number), each
/// canonical or empty. The code is read from the award number when there is one, and a code typed
/// beside it must agree.
pub(super) fn activity_code(award_number: &str, code: &str) -> Result<(String, String), String> {
    let (mut found, mut award) = (String::new(), String::new());
    if !award_number.trim().is_empty() {
        let parsed = AwardNumber::parse(award_number).map_err(|e| e.to_string())?;
        found = parsed.activity_code().to_string();
        award = parsed.to_string();
    }
    let code = code.trim().to_ascii_uppercase();
    if !code.is_empty() {
        let shaped = code.len() == 3
            && code.starts_with(|c: char| c.is_ascii_uppercase())
            && code.chars().all(|c| c.is_ascii_alphanumeric());
        if !shaped {
            return Err(format!("\"{code}\" is not an activity code: write it like K23, R01 or KL2."));
        }
        if !found.is_empty() && found != code {
            return Err(format!(
                "The award number is a {found} but the activity code says {code}: correct one of them."
            ));
        }
        found = code;
    }
    Ok((found, award))
}

/// `value` if it is one of the codes of `table`, or a message listing the choices.
pub(super) fn one_of(table: &[(&str, &str)], value: &str, what: &str) -> Result<String, String> {
    let value = value.trim();
    if table.iter().any(|(c, _)| *c == value) {
        Ok(value.to_string())
    } else {
        let labels: Vec<&str> = table.iter().map(|(_, l)| *l).collect();
        Err(format!("\"{value}\" is not a {what}: choose one of {}", labels.join(", ")))
    }
}

impl WinDetails {
    /// Checks every field; identifiers come back in their canonical form. The message says
    /// what was wrong and what a valid value looks like.
    pub fn validate(self) -> Result<WinDetails, String> {
        let kind = one_of(&KINDS, &self.kind, "kind of win")?;
        let title = self.title.trim().to_string();
        if title.is_empty() || title.chars().count() > 500 {
            return Err("A win needs a title of 1 to 500 characters, like the paper's or grant's title.".into());
        }
        let venue = self.venue.trim().chars().take(300).collect::<String>();
        let year = match self.year.trim() {
            "" => String::new(),
            y => match y.parse::<u16>() {
                Ok(n) if (1950..=2100).contains(&n) => n.to_string(),
                _ => return Err(format!("\"{y}\" is not a year: write it as four digits, like 2026.")),
            },
        };
        let (date, year) = match self.date.trim() {
            "" => (String::new(), year),
            d => match d.parse::<jiff::civil::Date>() {
                Ok(day) if (1950..=2100).contains(&day.year()) => (day.to_string(), day.year().to_string()),
                _ => {
                    return Err(format!("\"{d}\" is not a date: write it as year-month-day, like 2026-11-14."));
                }
            },
        };
        let mut win = WinDetails { kind: kind.clone(), title, venue, year, date, ..WinDetails::default() };
        match kind.as_str() {
            "paper" => {
                let id = |text: &str| text.trim().to_string();
                if !id(&self.doi).is_empty() {
                    win.doi = Doi::parse(&self.doi).map_err(|e| e.to_string())?.to_string();
                }
                if !id(&self.pmid).is_empty() {
                    win.pmid = Pmid::parse(&self.pmid).map_err(|e| e.to_string())?.to_string();
                }
                if !id(&self.pmcid).is_empty() {
                    win.pmcid = Pmcid::parse(&self.pmcid).map_err(|e| e.to_string())?.to_string();
                }
                win.author_position = one_of(&POSITIONS, &self.author_position, "author position")?;
            }
            "grant" => {
                (win.mechanism, win.award_number) = activity_code(&self.award_number, &self.mechanism)?;
                win.grant_role = one_of(&GRANT_ROLES, &self.grant_role, "grant role")?;
                win.grant_status = one_of(&GRANT_STATUSES, &self.grant_status, "grant status")?;
            }
            _ => {}
        }
        Ok(win)
    }

    /// A paper from an imported record, with the member's author position suggested from
    /// their name ("Jane Smith" finds "Smith, Jane", "Smith J").
    pub fn from_work(work: &Work, member_name: &str) -> WinDetails {
        let mut names = member_name.split_whitespace();
        let given = names.next().unwrap_or("");
        let surname = names.next_back().unwrap_or("");
        let position = match author_position(surname, given, &work.authors) {
            AuthorPosition::First => "first",
            AuthorPosition::Senior => "senior",
            AuthorPosition::Middle => "middle",
            AuthorPosition::Unknown => "",
        };
        let kind = match work.kind {
            WorkKind::ConferencePaper => "talk",
            _ => "paper",
        };
        WinDetails {
            kind: kind.into(),
            title: work.title.chars().take(500).collect(),
            venue: work.venue.clone().unwrap_or_default().chars().take(300).collect(),
            year: work.year.map(|y| y.to_string()).unwrap_or_default(),
            doi: work.doi.as_ref().map(ToString::to_string).unwrap_or_default(),
            pmid: work.pmid.as_ref().map(ToString::to_string).unwrap_or_default(),
            pmcid: work.pmcid.as_ref().map(ToString::to_string).unwrap_or_default(),
            author_position: position.into(),
            ..WinDetails::default()
        }
    }

    /// The identifiers an existing paper is known by, for finding duplicates in an import.
    pub fn as_work(&self) -> Work {
        let mut work = Work::new(WorkKind::Article, self.title.clone());
        work.doi = Doi::parse(&self.doi).ok();
        work.pmid = Pmid::parse(&self.pmid).ok();
        work
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper(doi: &str, pmid: &str) -> WinDetails {
        WinDetails {
            kind: "paper".into(),
            title: "Peer mentoring for junior faculty".into(),
            year: "2026".into(),
            doi: doi.into(),
            pmid: pmid.into(),
            author_position: "first".into(),
            ..WinDetails::default()
        }
    }

    #[test]
    fn a_paper_keeps_its_identifiers_in_canonical_form() {
        let win = paper("https://doi.org/10.1056/NEJMoa2034577", "PMID: 33301246").validate().unwrap();
        assert_eq!(win.doi, "10.1056/NEJMoa2034577");
        assert_eq!(win.pmid, "33301246");
    }

    #[test]
    fn malformed_identifiers_say_what_is_wrong() {
        let error = paper("10.10/abc", "").validate().unwrap_err();
        assert!(error.contains("DOI"), "{error}");
        let error = paper("", "0123").validate().unwrap_err();
        assert!(error.contains("PubMed"), "{error}");
        let grant = WinDetails {
            kind: "grant".into(),
            title: "K23".into(),
            award_number: "R01CA12345".into(),
            grant_status: "funded".into(),
            ..WinDetails::default()
        };
        let error = grant.validate().unwrap_err();
        assert!(error.contains("6"), "the serial is too short: {error}");
    }

    #[test]
    fn a_grant_takes_its_mechanism_from_the_award_number() {
        let grant = WinDetails {
            kind: "grant".into(),
            title: "Mentoring in surgery".into(),
            venue: "NHLBI".into(),
            award_number: "1 K23 HL145123-01A1".into(),
            grant_role: "pi".into(),
            grant_status: "funded".into(),
            ..WinDetails::default()
        }
        .validate()
        .unwrap();
        assert_eq!(grant.mechanism, "K23");
        let clash = WinDetails { mechanism: "R01".into(), ..grant.clone() };
        assert!(clash.validate().unwrap_err().contains("K23"));
    }
}
