//! What a person types to set their group's meeting series, and the rules it must meet.

use serde::Deserialize;

use super::cadence::{self, Cadence, Schedule};

/// The series form as typed: every field a string, checked by `parse`.
#[derive(Debug, Deserialize, Clone, Default)]
pub struct SeriesInput {
    #[serde(default)]
    pub cadence: String,
    #[serde(default)]
    pub nth: String,
    #[serde(default)]
    pub weekday: String,
    #[serde(default)]
    pub time: String,
    #[serde(default)]
    pub time_zone: String,
    #[serde(default)]
    pub duration_minutes: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub reminder_lead_hours: String,
}

impl SeriesInput {
    /// The form filled in with `current` (or sensible defaults in `default_zone`).
    pub fn of(current: Option<&Schedule>, place: &str, reminder_lead_minutes: Option<i64>, default_zone: &str) -> Self {
        SeriesInput {
            cadence: current.map_or("weekly", |s| s.cadence.code()).to_string(),
            nth: current.map_or(1, |s| s.cadence.nth()).to_string(),
            weekday: current.map_or(2, |s| s.weekday).to_string(),
            time: current.map_or_else(|| "09:00".to_string(), |s| cadence::format_time_of_day(s.minute_of_day)),
            time_zone: current.map_or_else(|| default_zone.to_string(), |s| s.time_zone.clone()),
            duration_minutes: current.map_or(60, |s| s.duration_minutes).to_string(),
            place: place.to_string(),
            reminder_lead_hours: reminder_lead_minutes.map_or(24, |m| m / 60).to_string(),
        }
    }

    /// The schedule this form describes, taking effect at `now`, with the reminder lead time in
    /// minutes.
    pub fn parse(&self, now: i64) -> Result<(Schedule, i64), String> {
        let nth: i64 = self.nth.trim().parse().unwrap_or(1);
        let cadence = Cadence::from_code(self.cadence.trim(), nth)
            .ok_or_else(|| cadence::ScheduleError::Cadence(self.cadence.clone()).to_string())?;
        let weekday: i64 = self.weekday.trim().parse().map_err(|_| cadence::ScheduleError::Weekday.to_string())?;
        let minute_of_day = cadence::parse_time_of_day(&self.time).map_err(|e| e.to_string())?;
        let duration_minutes: i64 = self
            .duration_minutes
            .trim()
            .parse()
            .map_err(|_| format!("'{}' is not a number of minutes: write it like 60", self.duration_minutes))?;
        let lead: i64 = self.reminder_lead_hours.trim().parse().map_err(|_| {
            format!(
                "'{}' is not a number of hours: write how many hours before a meeting to remind, like 24",
                self.reminder_lead_hours
            )
        })?;
        if !(1..=168).contains(&lead) {
            return Err("reminders go out between 1 and 168 hours (a week) before a meeting".to_string());
        }
        if self.place.chars().count() > 500 {
            return Err("the place or link is at most 500 characters".to_string());
        }
        let schedule = Schedule {
            effective_from: now,
            cadence,
            weekday,
            minute_of_day,
            time_zone: self.time_zone.trim().to_string(),
            duration_minutes,
        }
        .validate()
        .map_err(|e| e.to_string())?;
        Ok((schedule, lead * 60))
    }
}
