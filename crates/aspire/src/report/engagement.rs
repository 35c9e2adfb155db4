//! Engagement over time: per cohort and month, meetings held, attendance, goals declared and the
//! share met. Counts only: no goal's text, no person, ever enters this report.

use jiff::civil::Date;
use jiff::tz::TimeZone;

/// UTC calendar months as (label "2026-03", first instant, first instant of the next month),
/// the `count` months that end with the one holding `now`.
pub fn months_ending_at(now: i64, count: usize) -> Vec<(String, i64, i64)> {
    let today =
        jiff::Timestamp::from_second(now).map_or(Date::constant(1970, 1, 1), |t| t.to_zoned(TimeZone::UTC).date());
    let mut first = today.first_of_month();
    let mut months = Vec::with_capacity(count);
    for _ in 0..count {
        let next = first.checked_add(jiff::Span::new().months(1)).unwrap_or(first);
        let at = |d: Date| d.to_zoned(TimeZone::UTC).map_or(0, |z| z.timestamp().as_second());
        months.push((first.strftime("%Y-%m").to_string(), at(first), at(next)));
        match first.checked_sub(jiff::Span::new().months(1)) {
            Ok(previous) => first = previous,
            Err(_) => break,
        }
    }
    months.reverse();
    months
}

/// What one cohort did in one month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthCounts {
    /// Distinct meetings (group and start) with attendance taken or goals declared.
    pub meetings: i64,
    pub present: i64,
    pub attendance_records: i64,
    pub declared: i64,
    pub reported: i64,
    pub met: i64,
    pub partly: i64,
}

impl MonthCounts {
    /// "83%", or "–" when no attendance was taken.
    pub fn attendance_rate(&self) -> String {
        percent(self.present, self.attendance_records)
    }

    /// Goals met of those reported, partly met counting half, as on a member's own page.
    pub fn met_share(&self) -> String {
        if self.reported == 0 {
            return "–".to_string();
        }
        format!("{}%", (self.met * 200 + self.partly * 100 + self.reported) / (self.reported * 2))
    }

    pub fn is_empty(&self) -> bool {
        *self == MonthCounts::default()
    }
}

fn percent(part: i64, whole: i64) -> String {
    if whole == 0 { "–".to_string() } else { format!("{}%", (part * 100 + whole / 2) / whole) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_whole_utc_months_ending_with_the_current_one() {
        // 2026-03-15T12:00:00Z
        let months = months_ending_at(1_773_576_000, 3);
        let labels: Vec<&str> = months.iter().map(|(l, ..)| l.as_str()).collect();
        assert_eq!(labels, ["2026-01", "2026-02", "2026-03"]);
        assert_eq!(months[1].1, 1_769_904_000, "2026-02-01T00:00:00Z");
        assert_eq!(months[1].2, months[2].1, "each month ends where the next begins");
    }

    #[test]
    fn rates_round_and_say_when_there_is_nothing_to_count() {
        let counts =
            MonthCounts { present: 5, attendance_records: 6, reported: 4, met: 2, partly: 1, ..Default::default() };
        assert_eq!(counts.attendance_rate(), "83%");
        assert_eq!(counts.met_share(), "63%");
        assert_eq!(MonthCounts::default().attendance_rate(), "–");
        assert!(MonthCounts::default().is_empty());
    }
}
