//! Opportunities (a talk, an award, a committee, a grant call) and nominations of peers for
//! them: what valid ones are, and how a nomination moves from pending to an outcome. No I/O.

use jiff::civil::Date;

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
pub const MAX_STATEMENT_CHARS: usize = 1000;

/// What an opportunity is.
pub const KINDS: [(&str, &str); 5] =
    [("talk", "Talk"), ("award", "Award"), ("committee", "Committee"), ("grant", "Grant call"), ("other", "Other")];

pub fn kind_label(code: &str) -> &'static str {
    KINDS.iter().find(|(c, _)| *c == code).map_or("Other", |(_, l)| l)
}

/// The kind of win a selection becomes: a talk is a talk; an award, a committee seat or a
/// grant call is recorded as an award (a funded grant has its own details, added as a grant).
pub fn win_kind(opportunity_kind: &str) -> &'static str {
    if opportunity_kind == "talk" { "talk" } else { "award" }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpportunityError {
    #[error("give the opportunity a title, like \"Grand rounds speaker, spring 2027\"")]
    EmptyTitle,
    #[error("a title is at most {MAX_TITLE_CHARS} characters: shorten it and put the rest in the description")]
    TitleTooLong,
    #[error("a description is at most {MAX_DESCRIPTION_CHARS} characters: shorten it, or link to the call")]
    DescriptionTooLong,
    #[error("'{0}' is not a kind of opportunity: choose talk, award, committee, grant call or other")]
    Kind(String),
    #[error("'{0}' is not a date: write the deadline as YYYY-MM-DD, like 2026-09-30")]
    Deadline(String),
    #[error("the deadline {0} has already passed: give the next deadline, or do not post it")]
    DeadlinePassed(String),
    #[error("write a short statement of why you nominate them: it cannot be empty")]
    EmptyStatement,
    #[error("a statement is at most {MAX_STATEMENT_CHARS} characters: shorten it")]
    StatementTooLong,
    #[error("'{0}' is not an answer: choose accept or decline")]
    Response(String),
    #[error("'{0}' is not an outcome: choose selected or not selected")]
    Outcome(String),
}

pub struct NewOpportunity {
    pub kind: String,
    pub title: String,
    pub description: String,
    pub deadline: Date,
}

/// Checks an opportunity's form; `today` is the poster's date, since a deadline already past
/// helps nobody.
pub fn validate_opportunity(
    kind: &str,
    title: &str,
    description: &str,
    deadline: &str,
    today: Date,
) -> Result<NewOpportunity, OpportunityError> {
    let kind = kind.trim().to_lowercase();
    if !KINDS.iter().any(|(c, _)| *c == kind) {
        return Err(OpportunityError::Kind(kind));
    }
    let title = title.trim();
    if title.is_empty() {
        return Err(OpportunityError::EmptyTitle);
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(OpportunityError::TitleTooLong);
    }
    let description = description.trim();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(OpportunityError::DescriptionTooLong);
    }
    let deadline = parse_deadline(deadline)?;
    if deadline < today {
        return Err(OpportunityError::DeadlinePassed(deadline.to_string()));
    }
    Ok(NewOpportunity { kind, title: title.to_string(), description: description.to_string(), deadline })
}

/// A deadline written YYYY-MM-DD (what a date field sends).
pub fn parse_deadline(text: &str) -> Result<Date, OpportunityError> {
    let text = text.trim();
    // jiff also reads forms like "20260930"; people and date fields write the dashed form.
    if text.len() != 10 {
        return Err(OpportunityError::Deadline(text.to_string()));
    }
    text.parse::<Date>().map_err(|_| OpportunityError::Deadline(text.to_string()))
}

pub fn validate_statement(statement: &str) -> Result<String, OpportunityError> {
    let statement = statement.trim();
    if statement.is_empty() {
        return Err(OpportunityError::EmptyStatement);
    }
    if statement.chars().count() > MAX_STATEMENT_CHARS {
        return Err(OpportunityError::StatementTooLong);
    }
    Ok(statement.to_string())
}

/// Where a nomination stands with its nominee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NominationStatus {
    Pending,
    Accepted,
    Declined,
}

impl NominationStatus {
    pub fn code(self) -> &'static str {
        match self {
            NominationStatus::Pending => "pending",
            NominationStatus::Accepted => "accepted",
            NominationStatus::Declined => "declined",
        }
    }

    pub fn from_code(code: &str) -> Option<NominationStatus> {
        Some(match code {
            "pending" => NominationStatus::Pending,
            "accepted" => NominationStatus::Accepted,
            "declined" => NominationStatus::Declined,
            _ => return None,
        })
    }

    /// The nominee's answer on the form.
    pub fn parse_response(answer: &str) -> Result<NominationStatus, OpportunityError> {
        match answer.trim() {
            "accept" => Ok(NominationStatus::Accepted),
            "decline" => Ok(NominationStatus::Declined),
            other => Err(OpportunityError::Response(other.to_string())),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NominationStatus::Pending => "waiting for an answer",
            NominationStatus::Accepted => "accepted",
            NominationStatus::Declined => "declined",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Selected,
    NotSelected,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Selected => "selected",
            Outcome::NotSelected => "not_selected",
        }
    }

    pub fn parse(code: &str) -> Result<Outcome, OpportunityError> {
        match code.trim() {
            "selected" => Ok(Outcome::Selected),
            "not_selected" => Ok(Outcome::NotSelected),
            other => Err(OpportunityError::Outcome(other.to_string())),
        }
    }

    pub fn label(code: &str) -> &'static str {
        match code {
            "selected" => "selected",
            "not_selected" => "not selected",
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::constant(2026, 5, 28)
    }

    #[test]
    fn an_opportunity_needs_a_kind_a_title_and_a_deadline_to_come() {
        let o = validate_opportunity("Talk", " Grand rounds ", "", "2026-09-30", today()).unwrap();
        assert_eq!(
            (o.kind.as_str(), o.title.as_str(), o.deadline.to_string()),
            ("talk", "Grand rounds", "2026-09-30".into())
        );
        assert_eq!(
            validate_opportunity("talk", " ", "", "2026-09-30", today()).err(),
            Some(OpportunityError::EmptyTitle)
        );
        assert_eq!(
            validate_opportunity("prize", "T", "", "2026-09-30", today()).err(),
            Some(OpportunityError::Kind("prize".into()))
        );
        for bad in ["next Friday", "30/09/2026", "2026-02-30", "", "20260930"] {
            assert_eq!(
                validate_opportunity("award", "T", "", bad, today()).err(),
                Some(OpportunityError::Deadline(bad.into())),
                "{bad}"
            );
        }
        assert!(matches!(
            validate_opportunity("award", "T", "", "2026-05-27", today()),
            Err(OpportunityError::DeadlinePassed(_))
        ));
        assert!(validate_opportunity("award", "T", "", "2026-05-28", today()).is_ok(), "today is still open");
    }

    #[test]
    fn statements_and_answers_are_checked() {
        assert_eq!(validate_statement("  "), Err(OpportunityError::EmptyStatement));
        assert_eq!(validate_statement(&"x".repeat(1001)), Err(OpportunityError::StatementTooLong));
        assert_eq!(validate_statement(" She gives clear talks. ").unwrap(), "She gives clear talks.");
        assert_eq!(NominationStatus::parse_response("accept"), Ok(NominationStatus::Accepted));
        assert!(NominationStatus::parse_response("maybe").is_err());
        assert_eq!(Outcome::parse("not_selected"), Ok(Outcome::NotSelected));
        assert!(Outcome::parse("won").is_err());
        assert_eq!((win_kind("talk"), win_kind("grant")), ("talk", "award"));
    }
}

super::code::decoded_from_code!(NominationStatus, "a nomination status");
