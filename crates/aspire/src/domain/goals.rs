//! Goals declared aloud at a meeting and reported at the next one, long-term goals, and the
//! figures a member sees about themselves (streak, met rate). No I/O.

pub const MAX_GOAL_CHARS: usize = 500;
pub const MAX_REASON_CHARS: usize = 1000;

/// What a goal is about (optional).
pub const KINDS: [(&str, &str); 5] =
    [("manuscript", "Manuscript"), ("grant", "Grant"), ("talk", "Talk"), ("data", "Data"), ("other", "Other")];

pub fn kind_label(code: &str) -> &'static str {
    KINDS.iter().find(|(c, _)| *c == code).map_or("", |(_, l)| l)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GoalError {
    #[error("write the goal in a few words: it cannot be empty")]
    Empty,
    #[error("a goal is at most {MAX_GOAL_CHARS} characters: shorten it, or split it into two goals")]
    TooLong,
    #[error("'{0}' is not a kind of goal: choose manuscript, grant, talk, data or other, or leave it empty")]
    Kind(String),
    #[error("'{0}' is not a report: choose met, partly met or not met")]
    Status(String),
    #[error("the reason is at most {MAX_REASON_CHARS} characters: shorten it")]
    ReasonTooLong,
    #[error("'{0}' is not a date: write it as YYYY-MM-DD, like 2026-06-30, or leave it empty")]
    Date(String),
    #[error("'{0}' is not a status: choose active, done or dropped")]
    LongStatus(String),
    #[error(transparent)]
    Text(#[from] crate::domain::text::TextProblem),
}

/// A goal's text and kind, checked: trimmed, not empty, not too long, a known kind or none.
pub fn validate_goal(text: &str, kind: &str) -> Result<(String, String), GoalError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(GoalError::Empty);
    }
    if text.chars().count() > MAX_GOAL_CHARS {
        return Err(GoalError::TooLong);
    }
    // The API takes JSON, which can carry what a form never would.
    crate::domain::text::check_text("text", text)?;
    let kind = kind.trim().to_lowercase();
    if !kind.is_empty() && !KINDS.iter().any(|(c, _)| *c == kind) {
        return Err(GoalError::Kind(kind));
    }
    Ok((text.to_string(), kind))
}

/// How a goal turned out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    Open,
    Met,
    Partly,
    NotMet,
}

impl GoalStatus {
    pub fn code(self) -> &'static str {
        match self {
            GoalStatus::Open => "open",
            GoalStatus::Met => "met",
            GoalStatus::Partly => "partly",
            GoalStatus::NotMet => "not_met",
        }
    }

    pub fn from_code(code: &str) -> Option<GoalStatus> {
        Some(match code {
            "open" => GoalStatus::Open,
            "met" => GoalStatus::Met,
            "partly" => GoalStatus::Partly,
            "not_met" => GoalStatus::NotMet,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            GoalStatus::Open => "not reported yet",
            GoalStatus::Met => "met",
            GoalStatus::Partly => "partly met",
            GoalStatus::NotMet => "not met",
        }
    }

    /// A report: met, partly or not met (never back to open).
    pub fn parse_report(code: &str) -> Result<GoalStatus, GoalError> {
        match GoalStatus::from_code(code.trim()) {
            Some(GoalStatus::Open) | None => Err(GoalError::Status(code.to_string())),
            Some(status) => Ok(status),
        }
    }
}

pub fn validate_reason(reason: &str) -> Result<String, GoalError> {
    let reason = reason.trim();
    if reason.chars().count() > MAX_REASON_CHARS { Err(GoalError::ReasonTooLong) } else { Ok(reason.to_string()) }
}

/// A long-term goal's fields, checked.
pub fn validate_long_goal(title: &str, kind: &str, target_date: &str) -> Result<(String, String, String), GoalError> {
    let (title, kind) = validate_goal(title, kind)?;
    let target_date = target_date.trim();
    if !target_date.is_empty() && target_date.parse::<jiff::civil::Date>().is_err() {
        return Err(GoalError::Date(target_date.to_string()));
    }
    Ok((title, kind, target_date.to_string()))
}

pub const LONG_STATUSES: [&str; 3] = ["active", "done", "dropped"];

pub fn validate_long_status(status: &str) -> Result<String, GoalError> {
    let status = status.trim();
    if LONG_STATUSES.contains(&status) {
        Ok(status.to_string())
    } else {
        Err(GoalError::LongStatus(status.to_string()))
    }
}

/// A member's record: how many goals reported, how many met, and their streak.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Record {
    pub declared: usize,
    pub reported: usize,
    pub met: usize,
    pub partly: usize,
    /// Consecutive meeting periods, counting back from the latest reported one, in which at
    /// least one goal was met.
    pub streak: usize,
}

impl Record {
    /// From (meeting start, status) of a member's goals, in any order.
    pub fn of(goals: &[(i64, GoalStatus)]) -> Record {
        let mut record = Record { declared: goals.len(), ..Record::default() };
        // Each reported goal as (its meeting, met), newest meeting first; a meeting counts
        // towards the streak when any of its goals was met.
        let mut reported: Vec<(i64, bool)> = Vec::with_capacity(goals.len());
        for (start, status) in goals {
            match status {
                GoalStatus::Open => continue,
                GoalStatus::Met => record.met += 1,
                GoalStatus::Partly => record.partly += 1,
                _ => {}
            }
            reported.push((*start, *status == GoalStatus::Met));
        }
        record.reported = reported.len();
        reported.sort_unstable_by_key(|(start, _)| std::cmp::Reverse(*start));
        let periods = reported.chunk_by(|(a, _), (b, _)| a == b).map(|meeting| meeting.iter().any(|(_, met)| *met));
        record.streak = periods.take_while(|met| *met).count();
        record
    }

    /// Met goals as a percentage of reported ones (partly met counts half); `None` before any report.
    pub fn met_rate(&self) -> Option<u32> {
        if self.reported == 0 {
            return None;
        }
        let score = self.met * 2 + self.partly;
        u32::try_from((score * 100 + self.reported) / (self.reported * 2)).ok()
    }

    pub fn met_rate_text(&self) -> String {
        self.met_rate().map_or_else(|| "no goals reported yet".to_string(), |r| format!("{r}%"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_are_checked_with_clear_words() {
        assert_eq!(validate_goal("  Draft aims page ", "Grant"), Ok(("Draft aims page".into(), "grant".into())));
        assert_eq!(validate_goal(" ", ""), Err(GoalError::Empty));
        assert!(validate_goal("x", "poem").unwrap_err().to_string().contains("manuscript, grant"));
        assert!(validate_goal(&"x".repeat(501), "").is_err());
        assert_eq!(GoalStatus::parse_report("partly"), Ok(GoalStatus::Partly));
        assert!(GoalStatus::parse_report("open").is_err());
        assert!(validate_long_goal("R01", "grant", "2026-13-01").is_err());
        assert!(validate_long_goal("R01", "grant", "2026-06-30").is_ok());
    }

    #[test]
    fn streak_and_met_rate() {
        use GoalStatus::*;
        let goals = [(3, Met), (3, NotMet), (2, Partly), (2, Met), (1, NotMet), (4, Open)];
        let r = Record::of(&goals);
        assert_eq!(r.declared, 6);
        assert_eq!(r.reported, 5);
        assert_eq!(r.streak, 2, "periods 3 and 2 each had a met goal; period 1 did not");
        assert_eq!(r.met_rate(), Some(50), "2 met + 1 partly (half) of 5");
        assert_eq!(Record::of(&[]).met_rate_text(), "no goals reported yet");
        let interleaved = [(2, NotMet), (3, Met), (1, Met), (2, Met), (3, NotMet)];
        assert_eq!(Record::of(&interleaved).streak, 3, "a meeting's goals count together, wherever they are listed");
        let broken = [(2, Met), (3, NotMet), (1, Met)];
        assert_eq!(Record::of(&broken).streak, 0, "the newest meeting had no goal met");
    }
}

super::code::decoded_from_code!(GoalStatus, "a goal status");
