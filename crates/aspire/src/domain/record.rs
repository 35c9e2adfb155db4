//! A scholar's record: positions, degrees, grants, publications and honors, and their time in
//! the program. What a career development program reports from; never group content.

use aspire_citations::{AwardNumber, Doi, Pmid};
use jiff::civil::Date;
use serde::Deserialize;

use super::wins::{GRANT_STATUSES, POSITIONS, activity_code, label, one_of};

/// (code, label) of each kind of item in a record.
pub const KINDS: [(&str, &str); 5] = [
    ("position", "Position"),
    ("degree", "Degree"),
    ("grant", "Grant"),
    ("publication", "Publication"),
    ("honor", "Honor"),
];
pub const SECTORS: [(&str, &str); 5] = [
    ("academia", "Academia"),
    ("government", "Government"),
    ("for_profit", "For-profit"),
    ("non_profit", "Non-profit"),
    ("other", "Other"),
];
/// Principal activity, as NIH Table 8 asks it.
pub const ACTIVITIES: [(&str, &str); 6] = [
    ("research", "Primarily research"),
    ("teaching", "Primarily teaching"),
    ("clinical", "Primarily clinical"),
    ("research_related", "Research-related"),
    ("training", "Further training"),
    ("unrelated", "Unrelated to research"),
];
pub const TENURE: [(&str, &str); 4] = [
    ("tenured", "Tenured"),
    ("tenure_track", "Tenure track"),
    ("not_tenure_track", "Not on the tenure track"),
    ("", "Not given"),
];
pub const GRANT_ROLES: [(&str, &str); 3] = [("pi", "PI"), ("multi_pi", "Multi-PI"), ("co_i", "Co-I")];
pub const HONOR_TYPES: [(&str, &str); 4] =
    [("award", "Award"), ("talk", "Invited talk"), ("committee", "Committee"), ("leadership", "Leadership")];
pub const LEVELS: [(&str, &str); 5] = [
    ("national", "National"),
    ("regional", "Regional"),
    ("institutional", "Institutional"),
    ("departmental", "Departmental"),
    ("", "Not given"),
];
pub const OUTCOMES: [(&str, &str); 3] = [("", "In the program"), ("completed", "Completed"), ("left", "Left")];
/// Why Table 5 lists no publications for a scholar.
pub const NO_PUBLICATION_REASONS: [(&str, &str); 5] = [
    ("", "Worked out (new entrant in their first year)"),
    ("new_entrant", "New entrant"),
    ("leave", "Leave of absence"),
    ("left", "Left the program"),
    ("other", "Other"),
];

/// "Position", "Grant", ... for a kind's code.
pub fn kind_label(kind: &str) -> &'static str {
    label(&KINDS, kind)
}

/// One item of a record, as kept. The fields a kind does not use are empty.
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct RecordItem {
    pub id: i64,
    pub program_id: i64,
    pub user_id: i64,
    pub kind: String,
    pub win_id: Option<i64>,
    pub title: String,
    pub organisation: String,
    pub department: String,
    pub code: String,
    pub sector: String,
    pub activity: String,
    pub tenure: String,
    pub award_number: String,
    pub role: String,
    pub status: String,
    pub level: String,
    pub doi: String,
    pub pmid: String,
    pub author_position: String,
    pub year: Option<i64>,
    pub submitted_on: String,
    pub decided_on: String,
    pub started_on: String,
    pub ended_on: String,
    pub annual_amount: Option<i64>,
    #[sqlx(try_from = "i64")]
    pub internal_k: Flag,
    #[sqlx(try_from = "i64")]
    pub r01_equivalent: Flag,
}

/// A 0/1 column as a bool.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<i64> for Flag {
    fn from(value: i64) -> Flag {
        Flag(value != 0)
    }
}

/// What a grant counts as in the K-to-R report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantClass {
    /// An institution's own career development award.
    InternalK,
    /// An institutional career development award: K12 or KL2.
    InstitutionalK,
    /// An individual K (K01, K08, K23, ...).
    IndividualK,
    /// K99/R00: a bridge, not a conversion.
    Bridge,
    R01,
    /// NIH's R01-equivalents, or a non-NIH award the coordinator confirmed as one.
    R01Equivalent,
    Other,
}

impl GrantClass {
    pub fn label(self) -> &'static str {
        match self {
            GrantClass::InternalK => "Internal K",
            GrantClass::InstitutionalK => "K12/KL2",
            GrantClass::IndividualK => "Individual K",
            GrantClass::Bridge => "Bridge (K99/R00)",
            GrantClass::R01 => "R01",
            GrantClass::R01Equivalent => "R01-equivalent",
            GrantClass::Other => "Other",
        }
    }

    pub fn is_k(self) -> bool {
        matches!(self, GrantClass::InternalK | GrantClass::InstitutionalK | GrantClass::IndividualK)
    }

    /// An independent research award: what a K converts to.
    pub fn is_r(self) -> bool {
        matches!(self, GrantClass::R01 | GrantClass::R01Equivalent)
    }
}

/// NIH activity codes counted as R01-equivalent besides R01 itself.
const NIH_R01_EQUIVALENTS: [&str; 4] = ["R37", "R35", "DP2", "RF1"];

/// A non-NIH award is R01-equivalent at this size and length (the coordinator confirms it).
pub const R01_EQUIVALENT_DOLLARS_A_YEAR: i64 = 250_000;
pub const R01_EQUIVALENT_YEARS: i64 = 3;
/// How long a K is taken to run when its end is not given.
pub const K_YEARS_WHEN_NOT_GIVEN: i64 = 5;

impl RecordItem {
    pub fn kind_label(&self) -> &'static str {
        kind_label(&self.kind)
    }

    pub fn class(&self) -> GrantClass {
        let code = self.code.as_str();
        if self.internal_k.0 {
            GrantClass::InternalK
        } else if code == "K12" || code == "KL2" {
            GrantClass::InstitutionalK
        } else if code == "K99" || code == "R00" {
            GrantClass::Bridge
        } else if code.starts_with('K') {
            GrantClass::IndividualK
        } else if code == "R01" {
            GrantClass::R01
        } else if NIH_R01_EQUIVALENTS.contains(&code) || self.r01_equivalent.0 {
            GrantClass::R01Equivalent
        } else {
            GrantClass::Other
        }
    }

    pub fn is_funded(&self) -> bool {
        self.kind == "grant" && self.status == "funded"
    }

    /// Leading the award: PI or one of several PIs.
    pub fn leads(&self) -> bool {
        self.role == "pi" || self.role == "multi_pi"
    }

    /// The day a grant began: its start, else its decision, else its year's first day.
    pub fn began(&self) -> Option<Date> {
        [&self.started_on, &self.decided_on]
            .into_iter()
            .find_map(|d| d.parse::<Date>().ok())
            .or_else(|| self.year.and_then(|y| Date::new(i16::try_from(y).ok()?, 1, 1).ok()))
    }

    /// The year it happened (published, awarded, begun, obtained).
    pub fn year_of(&self) -> Option<i64> {
        self.year.or_else(|| self.began().map(|d| i64::from(d.year())))
    }

    /// Might a coordinator confirm it as R01-equivalent: a funded non-NIH award (no activity
    /// code), not an internal K, that is not known to fall short of $250,000 a year or of 3 years.
    pub fn may_be_r01_equivalent(&self) -> bool {
        let long_enough = match (self.started_on.parse::<Date>(), self.ended_on.parse::<Date>()) {
            (Ok(start), Ok(end)) => start
                .checked_add(jiff::Span::new().years(R01_EQUIVALENT_YEARS))
                .is_ok_and(|three_years| end >= three_years.saturating_sub(jiff::Span::new().days(1))),
            _ => true,
        };
        self.is_funded()
            && self.code.is_empty()
            && !self.internal_k.0
            && self.annual_amount.is_none_or(|a| a >= R01_EQUIVALENT_DOLLARS_A_YEAR)
            && long_enough
    }

    /// The day a grant ends: its end, else (a K, whose end was not given) five years after it
    /// began, the usual length of a career development award.
    pub fn ends(&self) -> Option<Date> {
        self.ended_on
            .parse::<Date>()
            .ok()
            .or_else(|| self.began()?.checked_add(jiff::Span::new().years(K_YEARS_WHEN_NOT_GIVEN)).ok())
    }

    /// What identifies the work across records and look-ups: its DOI, else its PubMed ID, else
    /// its award's core number (the same grant whatever its support year).
    pub fn match_key(&self) -> Option<String> {
        if !self.doi.is_empty() {
            Some(format!("doi:{}", self.doi.to_lowercase()))
        } else if !self.pmid.is_empty() {
            Some(format!("pmid:{}", self.pmid))
        } else if !self.award_number.is_empty() {
            Some(format!(
                "award:{}",
                AwardNumber::parse(&self.award_number).map_or(self.award_number.clone(), |a| a.core())
            ))
        } else {
            None
        }
    }

    /// A grant as NIH Table 8 writes it: `R01/PI/2022`.
    pub fn table8_grant(&self) -> String {
        let code = if self.code.is_empty() { self.organisation.as_str() } else { self.code.as_str() };
        let role = label(&GRANT_ROLES, &self.role);
        let year = self.year_of().map(|y| y.to_string()).unwrap_or_default();
        [code, role, &year].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join("/")
    }

    /// A position in one line: title, department, institution.
    pub fn position_line(&self) -> String {
        [self.title.as_str(), self.department.as_str(), self.organisation.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What a scholar (or their coordinator) types for one item; `validate` makes it an item.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, PartialEq)]
#[serde(default)]
pub struct ItemForm {
    pub kind: String,
    pub title: String,
    pub organisation: String,
    pub department: String,
    pub code: String,
    pub sector: String,
    pub activity: String,
    pub tenure: String,
    pub award_number: String,
    pub role: String,
    pub status: String,
    pub level: String,
    pub doi: String,
    pub pmid: String,
    pub author_position: String,
    pub year: String,
    pub submitted_on: String,
    pub decided_on: String,
    pub started_on: String,
    pub ended_on: String,
    pub annual_amount: String,
    /// "on" when the grant is the institution's own career development award.
    pub internal_k: String,
}

fn date(value: &str, what: &str) -> Result<String, String> {
    match value.trim() {
        "" => Ok(String::new()),
        d => match d.parse::<Date>() {
            Ok(day) if (1950..=2100).contains(&day.year()) => Ok(day.to_string()),
            _ => Err(format!("The {what} \"{d}\" is not a date: write it as year-month-day, like 2024-07-01.")),
        },
    }
}

fn short(value: &str, max: usize, what: &str) -> Result<String, String> {
    let value = value.trim();
    if value.chars().count() > max {
        Err(format!("Keep the {what} to {max} characters."))
    } else {
        Ok(value.to_string())
    }
}

impl ItemForm {
    /// Checks the fields its kind uses; the others are dropped. Messages say what was wrong
    /// and what a valid value looks like.
    pub fn validate(&self) -> Result<RecordItem, String> {
        let kind = one_of(&KINDS, &self.kind, "kind of record item")?;
        let mut item = RecordItem { kind: kind.clone(), ..RecordItem::default() };
        item.year = match self.year.trim() {
            "" => None,
            y => match y.parse::<i64>() {
                Ok(n) if (1950..=2100).contains(&n) => Some(n),
                _ => return Err(format!("\"{y}\" is not a year: write it as four digits, like 2024.")),
            },
        };
        let title = short(&self.title, 500, "title")?;
        let organisation = short(&self.organisation, 300, "institution, funder or journal")?;
        let started_on = date(&self.started_on, "start")?;
        let ended_on = date(&self.ended_on, "end")?;
        if !started_on.is_empty() && !ended_on.is_empty() && ended_on < started_on {
            return Err(format!("The end ({ended_on}) comes before the start ({started_on}): correct one of them."));
        }
        match kind.as_str() {
            "position" => {
                if title.is_empty() {
                    return Err("A position needs its title, like Assistant Professor of Medicine.".into());
                }
                item.department = short(&self.department, 200, "department")?;
                item.code = short(&self.code, 100, "rank")?;
                item.sector = one_of(&SECTORS, &self.sector, "sector")?;
                item.activity = one_of(&ACTIVITIES, &self.activity, "principal activity")?;
                item.tenure = one_of(&TENURE, &self.tenure, "tenure status")?;
            }
            "degree" => {
                item.code = short(&self.code, 40, "degree")?;
                if item.code.is_empty() {
                    return Err("A degree needs its name, like PhD, MD or MPH.".into());
                }
                if item.year.is_none() {
                    return Err("A degree needs the year it was awarded, like 2015.".into());
                }
            }
            "grant" => {
                if title.is_empty() {
                    return Err("A grant needs its title.".into());
                }
                (item.code, item.award_number) = activity_code(&self.award_number, &self.code)?;
                item.role = one_of(&GRANT_ROLES, &self.role, "grant role")?;
                item.status = one_of(&GRANT_STATUSES, &self.status, "grant status")?;
                item.submitted_on = date(&self.submitted_on, "submission date")?;
                item.decided_on = date(&self.decided_on, "decision date")?;
                item.annual_amount = match self.annual_amount.trim().replace([',', '$'], "").as_str() {
                    "" => None,
                    a => match a.parse::<i64>() {
                        Ok(n) if n >= 0 => Some(n),
                        _ => return Err(format!("\"{a}\" is not an amount: write dollars a year, like 250000.")),
                    },
                };
                item.internal_k = Flag(self.internal_k == "on");
            }
            "publication" => {
                if title.is_empty() {
                    return Err("A publication needs its title.".into());
                }
                if !self.doi.trim().is_empty() {
                    item.doi = Doi::parse(&self.doi).map_err(|e| e.to_string())?.to_string();
                }
                if !self.pmid.trim().is_empty() {
                    item.pmid = Pmid::parse(&self.pmid).map_err(|e| e.to_string())?.to_string();
                }
                item.author_position = one_of(&POSITIONS, &self.author_position, "author position")?;
            }
            _ => {
                if title.is_empty() {
                    return Err("An honor needs its name, like the award's or the talk's title.".into());
                }
                item.code = one_of(&HONOR_TYPES, &self.code, "kind of honor")?;
                item.level = one_of(&LEVELS, &self.level, "level")?;
            }
        }
        item.title = title;
        item.organisation = organisation;
        item.started_on = started_on;
        item.ended_on = ended_on;
        Ok(item)
    }

    /// The form as it stands for an item, to correct it.
    pub fn of(item: &RecordItem) -> ItemForm {
        ItemForm {
            kind: item.kind.clone(),
            title: item.title.clone(),
            organisation: item.organisation.clone(),
            department: item.department.clone(),
            code: item.code.clone(),
            sector: item.sector.clone(),
            activity: item.activity.clone(),
            tenure: item.tenure.clone(),
            award_number: item.award_number.clone(),
            role: item.role.clone(),
            status: item.status.clone(),
            level: item.level.clone(),
            doi: item.doi.clone(),
            pmid: item.pmid.clone(),
            author_position: item.author_position.clone(),
            year: item.year.map(|y| y.to_string()).unwrap_or_default(),
            submitted_on: item.submitted_on.clone(),
            decided_on: item.decided_on.clone(),
            started_on: item.started_on.clone(),
            ended_on: item.ended_on.clone(),
            annual_amount: item.annual_amount.map(|a| a.to_string()).unwrap_or_default(),
            internal_k: if item.internal_k.0 { "on".into() } else { String::new() },
        }
    }
}

/// A win's facts as a record item: a paper is a publication, a grant a grant, a talk or an award
/// an honor, a promotion a position. Cheers and where the win was shared stay with the win.
pub fn item_of_win(win: &super::wins::WinDetails) -> Option<RecordItem> {
    let year = win.year.parse::<i64>().ok();
    let base = RecordItem {
        title: win.title.clone(),
        organisation: win.venue.clone(),
        year,
        started_on: win.date.clone(),
        ..RecordItem::default()
    };
    let item = match win.kind.as_str() {
        "paper" => RecordItem {
            kind: "publication".into(),
            doi: win.doi.clone(),
            pmid: win.pmid.clone(),
            author_position: win.author_position.clone(),
            ..base
        },
        "grant" => RecordItem {
            kind: "grant".into(),
            code: win.mechanism.clone(),
            award_number: win.award_number.clone(),
            role: if win.grant_role.is_empty() { "pi".into() } else { win.grant_role.clone() },
            status: win.grant_status.clone(),
            decided_on: if win.grant_status == "funded" { win.date.clone() } else { String::new() },
            ..base
        },
        "talk" | "award" => RecordItem { kind: "honor".into(), code: win.kind.clone(), ..base },
        // Its principal activity is not known: the careers metric reads the latest position that
        // says one, and the scholar can add it.
        "promotion" => RecordItem { kind: "position".into(), sector: "academia".into(), ..base },
        _ => return None,
    };
    Some(item)
}

/// A scholar's time in the program, as typed.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct ScholarDetails {
    pub cohort: String,
    pub started_on: String,
    pub ended_on: String,
    pub outcome: String,
    pub mentors: String,
    pub topic: String,
    pub no_publications_reason: String,
    pub left_institution_on: String,
    pub left_to: String,
    /// Their ORCID iD, for the nightly look-up of their works (when the program turns it on).
    pub orcid: String,
}

impl ScholarDetails {
    pub fn validate(&self) -> Result<ScholarDetails, String> {
        let started_on = date(&self.started_on, "program start")?;
        let ended_on = date(&self.ended_on, "program end")?;
        if !started_on.is_empty() && !ended_on.is_empty() && ended_on < started_on {
            return Err(format!(
                "The program end ({ended_on}) comes before its start ({started_on}): correct one of them."
            ));
        }
        Ok(ScholarDetails {
            cohort: short(&self.cohort, 100, "cohort")?,
            started_on,
            ended_on,
            outcome: one_of(&OUTCOMES, &self.outcome, "program outcome")?,
            mentors: short(&self.mentors, 500, "mentors")?,
            topic: short(&self.topic, 500, "research topic")?,
            no_publications_reason: one_of(&NO_PUBLICATION_REASONS, &self.no_publications_reason, "reason")?,
            left_institution_on: date(&self.left_institution_on, "date of leaving")?,
            left_to: short(&self.left_to, 300, "where they went")?,
            orcid: match self.orcid.trim() {
                "" => String::new(),
                orcid => aspire_citations::Orcid::parse(orcid).map_err(|e| e.to_string())?.to_string(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(code: &str) -> RecordItem {
        RecordItem { kind: "grant".into(), code: code.into(), status: "funded".into(), ..RecordItem::default() }
    }

    #[test]
    fn grants_are_classed_for_the_k_to_r_report() {
        assert_eq!(grant("KL2").class(), GrantClass::InstitutionalK);
        assert_eq!(grant("K23").class(), GrantClass::IndividualK);
        assert_eq!(grant("K99").class(), GrantClass::Bridge);
        assert_eq!(grant("R00").class(), GrantClass::Bridge, "the bridge's second phase is not a conversion");
        assert_eq!(grant("R01").class(), GrantClass::R01);
        assert_eq!(grant("R35").class(), GrantClass::R01Equivalent);
        assert_eq!(grant("R21").class(), GrantClass::Other);
        assert_eq!(grant("").class(), GrantClass::Other);
        let foundation = RecordItem { r01_equivalent: Flag(true), ..grant("") };
        assert_eq!(foundation.class(), GrantClass::R01Equivalent, "once the coordinator confirms it");
        let internal = RecordItem { internal_k: Flag(true), ..grant("") };
        assert!(internal.class().is_k());
    }

    #[test]
    fn only_a_big_long_non_nih_award_may_be_confirmed_as_r01_equivalent_and_a_k_runs_five_years_unless_told() {
        let award = |amount: Option<i64>, from: &str, to: &str| RecordItem {
            annual_amount: amount,
            started_on: from.into(),
            ended_on: to.into(),
            ..grant("")
        };
        assert!(award(Some(300_000), "2024-07-01", "2027-06-30").may_be_r01_equivalent());
        assert!(award(None, "", "").may_be_r01_equivalent(), "unknown: the coordinator judges");
        assert!(!award(Some(200_000), "2024-07-01", "2027-06-30").may_be_r01_equivalent(), "too small");
        assert!(!award(Some(300_000), "2024-07-01", "2026-06-30").may_be_r01_equivalent(), "too short");
        assert!(!grant("R21").may_be_r01_equivalent(), "an NIH award is what its code says");
        let k = RecordItem { started_on: "2022-07-01".into(), ..grant("K23") };
        assert_eq!(k.ends(), Some(Date::constant(2027, 7, 1)));
    }

    #[test]
    fn a_grant_takes_its_activity_code_from_the_award_number_and_reads_as_table_8_writes_it() {
        let form = ItemForm {
            kind: "grant".into(),
            title: "Sleep and recovery".into(),
            award_number: "1R01HL123456-01".into(),
            role: "pi".into(),
            status: "funded".into(),
            started_on: "2022-04-01".into(),
            ..ItemForm::default()
        };
        let item = form.validate().unwrap();
        assert_eq!(item.code, "R01");
        assert_eq!(item.table8_grant(), "R01/PI/2022");
        let clash = ItemForm { code: "K23".into(), ..form.clone() };
        assert!(clash.validate().unwrap_err().contains("correct one of them"));
        let bad_date = ItemForm { started_on: "April 2022".into(), ..form };
        assert!(bad_date.validate().unwrap_err().contains("like 2024-07-01"));
    }

    #[test]
    fn each_kind_asks_for_what_makes_it_an_item() {
        let degree = ItemForm { kind: "degree".into(), code: "PhD".into(), ..ItemForm::default() };
        assert!(degree.validate().unwrap_err().contains("year"));
        let position = ItemForm {
            kind: "position".into(),
            title: "Assistant Professor".into(),
            sector: "academia".into(),
            activity: "teaching and things".into(),
            ..ItemForm::default()
        };
        assert!(position.validate().unwrap_err().contains("Primarily research"));
        let ended_first = ItemForm {
            activity: "research".into(),
            started_on: "2024-07-01".into(),
            ended_on: "2023-01-01".into(),
            ..position
        };
        assert!(ended_first.validate().unwrap_err().contains("comes before"));
    }

    #[test]
    fn a_win_becomes_the_matching_record_item() {
        let paper = super::super::wins::WinDetails {
            kind: "paper".into(),
            title: "Sleep".into(),
            venue: "JAMA".into(),
            year: "2025".into(),
            doi: "10.1000/x".into(),
            ..Default::default()
        };
        let item = item_of_win(&paper).unwrap();
        assert_eq!((item.kind.as_str(), item.organisation.as_str(), item.year), ("publication", "JAMA", Some(2025)));
        let talk = super::super::wins::WinDetails { kind: "talk".into(), title: "Grand rounds".into(), ..paper };
        assert_eq!(item_of_win(&talk).unwrap().code, "talk");
    }
}
