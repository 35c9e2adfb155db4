//! When a group meets: a schedule (weekday, local time, time zone, duration, cadence) and the
//! history of schedules it has had, turned into meeting instants. No I/O: times are Unix
//! seconds (UTC) in and out; local times are resolved in the schedule's IANA time zone, so a
//! 9:00 meeting stays at 9:00 across daylight saving changes.
//!
//! Each schedule applies from its `effective_from` instant until the next schedule's, so a
//! change of cadence never moves a meeting that has already happened.

use std::collections::BTreeSet;
use std::fmt;

use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;

/// How often a group meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cadence {
    Weekly,
    Biweekly,
    /// The `nth` weekday of each month: 1 to 4, or -1 for the last.
    Monthly {
        nth: i8,
    },
    Paused,
}

impl Cadence {
    pub fn code(self) -> &'static str {
        match self {
            Cadence::Weekly => "weekly",
            Cadence::Biweekly => "biweekly",
            Cadence::Monthly { .. } => "monthly",
            Cadence::Paused => "paused",
        }
    }

    /// The most days between two meetings on this cadence.
    fn most_days_apart(self) -> i64 {
        match self {
            Cadence::Weekly | Cadence::Paused => 7,
            Cadence::Biweekly => 14,
            Cadence::Monthly { .. } => 35,
        }
    }

    pub fn nth(self) -> i8 {
        match self {
            Cadence::Monthly { nth } => nth,
            _ => 1,
        }
    }

    /// From the stored code and `nth`; `None` for an unknown code or an `nth` out of range.
    pub fn from_code(code: &str, nth: i64) -> Option<Cadence> {
        Some(match code {
            "weekly" => Cadence::Weekly,
            "biweekly" => Cadence::Biweekly,
            "monthly" => {
                let nth = i8::try_from(nth).ok().filter(|n| (1..=4).contains(n) || *n == -1)?;
                Cadence::Monthly { nth }
            }
            "paused" => Cadence::Paused,
            _ => return None,
        })
    }
}

pub const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// Monday = 1 ... Sunday = 7.
pub fn weekday_from_number(n: i64) -> Option<Weekday> {
    i8::try_from(n).ok().filter(|n| (1..=7).contains(n)).and_then(|n| Weekday::from_monday_one_offset(n).ok())
}

pub fn weekday_name(n: i64) -> &'static str {
    usize::try_from(n - 1).ok().and_then(|i| WEEKDAYS.get(i)).copied().unwrap_or("?")
}

fn ordinal(nth: i8) -> &'static str {
    match nth {
        1 => "first",
        2 => "second",
        3 => "third",
        4 => "fourth",
        -1 => "last",
        _ => "?",
    }
}

/// One schedule, valid from `effective_from` (Unix seconds) until the next one takes over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub effective_from: i64,
    pub cadence: Cadence,
    /// Monday = 1 ... Sunday = 7.
    pub weekday: i64,
    /// Local time of day, minutes after midnight.
    pub minute_of_day: i64,
    pub time_zone: String,
    pub duration_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("'{0}' is not a time zone: use a name like America/New_York or Europe/Paris")]
    TimeZone(String),
    #[error("'{0}' is not a time of day: write it as HH:MM on a 24-hour clock, like 09:30")]
    Time(String),
    #[error("pick a weekday from Monday to Sunday")]
    Weekday,
    #[error("a meeting lasts between 15 minutes and 8 hours: {0} minutes is out of range")]
    Duration(i64),
    #[error("'{0}' is not a cadence: choose weekly, every two weeks, monthly or paused")]
    Cadence(String),
}

/// Parses "HH:MM" (24-hour clock) into minutes after midnight.
pub fn parse_time_of_day(text: &str) -> Result<i64, ScheduleError> {
    let bad = || ScheduleError::Time(text.to_string());
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let h: i64 = h.parse().map_err(|_| bad())?;
    let m: i64 = m.parse().map_err(|_| bad())?;
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

pub fn format_time_of_day(minute_of_day: i64) -> String {
    format!("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60)
}

impl Schedule {
    /// Checks every field; the time zone must be a known IANA name.
    pub fn validate(self) -> Result<Schedule, ScheduleError> {
        TimeZone::get(&self.time_zone).map_err(|_| ScheduleError::TimeZone(self.time_zone.clone()))?;
        weekday_from_number(self.weekday).ok_or(ScheduleError::Weekday)?;
        if !(0..24 * 60).contains(&self.minute_of_day) {
            return Err(ScheduleError::Time(self.minute_of_day.to_string()));
        }
        if !(15..=480).contains(&self.duration_minutes) {
            return Err(ScheduleError::Duration(self.duration_minutes));
        }
        Ok(self)
    }

    fn zone(&self) -> Option<TimeZone> {
        TimeZone::get(&self.time_zone).ok()
    }

    /// The start of the meeting on local date `date`, in Unix seconds.
    fn start_on(&self, date: Date, tz: &TimeZone) -> Option<i64> {
        let hour = i8::try_from(self.minute_of_day / 60).ok()?;
        let minute = i8::try_from(self.minute_of_day % 60).ok()?;
        // A time skipped by a daylight saving change moves forward; a repeated one takes the first.
        let zoned = date.at(hour, minute, 0, 0).to_zoned(tz.clone()).ok()?;
        Some(zoned.timestamp().as_second())
    }

    fn local_date(&self, instant: i64, tz: &TimeZone) -> Option<Date> {
        Some(Timestamp::from_second(instant).ok()?.to_zoned(tz.clone()).date())
    }

    /// The first meeting of this schedule: the first matching day whose start is at or after
    /// `effective_from`.
    pub fn first(&self) -> Option<i64> {
        self.starts_between(self.effective_from, i64::MAX / 4, 1).first().copied()
    }

    /// Meeting starts `s` of this schedule alone with `from <= s < to` (and `s >= effective_from`),
    /// at most `limit` of them, in order.
    pub fn starts_between(&self, from: i64, to: i64, limit: usize) -> Vec<i64> {
        let mut out = Vec::new();
        let (Some(tz), Some(weekday)) = (self.zone(), weekday_from_number(self.weekday)) else { return out };
        let from = from.max(self.effective_from);
        if from >= to || limit == 0 {
            return out;
        }
        // A day earlier than `from`'s local date, as a margin for time zones and the start time.
        let Some(begin) = self.local_date(from, &tz).and_then(|d| d.yesterday().ok()) else { return out };
        let push = |date: Date, out: &mut Vec<i64>| -> bool {
            let Some(start) = self.start_on(date, &tz) else { return true };
            if start >= to {
                return false;
            }
            if start >= from {
                out.push(start);
            }
            out.len() < limit
        };
        match self.cadence {
            Cadence::Paused => {}
            Cadence::Weekly | Cadence::Biweekly => {
                let step = if self.cadence == Cadence::Weekly { 7 } else { 14 };
                let Some(anchor) = self.anchor(&tz, weekday) else { return out };
                // The first date on the cadence at or after `begin`.
                let mut date = anchor;
                if begin > anchor {
                    let days = i64::from((begin - anchor).get_days());
                    let skip = days.div_euclid(step) * step;
                    let Ok(d) = anchor.checked_add(jiff::Span::new().days(skip)) else { return out };
                    date = d;
                }
                for _ in 0..100_000 {
                    if !push(date, &mut out) {
                        break;
                    }
                    match date.checked_add(jiff::Span::new().days(step)) {
                        Ok(d) => date = d,
                        Err(_) => break,
                    }
                }
            }
            Cadence::Monthly { nth } => {
                let Ok(mut month) = Date::new(begin.year(), begin.month(), 1) else { return out };
                for _ in 0..100_000 {
                    if let Ok(date) = month.nth_weekday_of_month(nth, weekday)
                        && date >= begin
                        && !push(date, &mut out)
                    {
                        break;
                    }
                    match month.checked_add(jiff::Span::new().months(1)) {
                        Ok(m) => month = m,
                        Err(_) => break,
                    }
                }
            }
        }
        out
    }

    /// Weekly and biweekly series count their weeks from this date: the first day with the
    /// schedule's weekday whose meeting starts at or after `effective_from`.
    fn anchor(&self, tz: &TimeZone, weekday: Weekday) -> Option<Date> {
        let start = self.local_date(self.effective_from, tz)?.yesterday().ok()?;
        let mut date = if start.weekday() == weekday { start } else { start.nth_weekday(1, weekday).ok()? };
        for _ in 0..4 {
            if self.start_on(date, tz)? >= self.effective_from {
                return Some(date);
            }
            date = date.checked_add(jiff::Span::new().days(7)).ok()?;
        }
        None
    }

    /// "Every second Tuesday at 09:30, 60 minutes (America/New_York)".
    pub fn describe(&self) -> String {
        let day = weekday_name(self.weekday);
        let when = match self.cadence {
            Cadence::Weekly => format!("Every {day}"),
            Cadence::Biweekly => format!("Every other {day}"),
            Cadence::Monthly { nth } => format!("The {} {day} of each month", ordinal(nth)),
            Cadence::Paused => return "Paused: no meetings until the group sets a new schedule".to_string(),
        };
        format!(
            "{when} at {}, {} minutes ({})",
            format_time_of_day(self.minute_of_day),
            self.duration_minutes,
            self.time_zone
        )
    }

    /// The iCalendar RRULE for this schedule (without UNTIL), `None` when paused.
    pub fn rrule(&self) -> Option<String> {
        let day = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"].get(usize::try_from(self.weekday - 1).ok()?)?;
        match self.cadence {
            Cadence::Weekly => Some(format!("FREQ=WEEKLY;BYDAY={day}")),
            Cadence::Biweekly => Some(format!("FREQ=WEEKLY;INTERVAL=2;BYDAY={day}")),
            Cadence::Monthly { nth } => Some(format!("FREQ=MONTHLY;BYDAY={nth}{day}")),
            Cadence::Paused => None,
        }
    }
}

/// One meeting of a series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub start: i64,
    pub end: i64,
    pub cancelled: bool,
}

/// A group's schedules over its life, in the order they took effect.
#[derive(Debug, Clone, Default)]
pub struct Series {
    pub schedules: Vec<Schedule>,
    pub cancelled: BTreeSet<i64>,
}

impl Series {
    pub fn new(mut schedules: Vec<Schedule>, cancelled: BTreeSet<i64>) -> Series {
        // Stable: of two schedules taking effect at the same instant, the later one wins.
        schedules.sort_by_key(|s| s.effective_from);
        Series { schedules, cancelled }
    }

    /// The schedule in force at `instant`.
    pub fn schedule_at(&self, instant: i64) -> Option<&Schedule> {
        self.schedules.iter().rev().find(|s| s.effective_from <= instant)
    }

    /// The schedule in force now or, before the first takes effect, the first.
    pub fn current(&self, now: i64) -> Option<&Schedule> {
        self.schedule_at(now).or_else(|| self.schedules.first())
    }

    /// Each schedule with the instant its reign ends (`None` for the last).
    pub fn segments(&self) -> impl Iterator<Item = (&Schedule, Option<i64>)> {
        self.schedules.iter().enumerate().map(|(i, s)| (s, self.schedules.get(i + 1).map(|n| n.effective_from)))
    }

    /// Meetings (cancelled ones included, marked) starting in `from <= start < to`, in order,
    /// at most `limit`.
    pub fn occurrences(&self, from: i64, to: i64, limit: usize) -> Vec<Occurrence> {
        let mut out = Vec::new();
        for (schedule, until) in self.segments() {
            let end = until.map_or(to, |u| u.min(to));
            let left = limit.saturating_sub(out.len());
            for start in schedule.starts_between(from, end, left) {
                out.push(Occurrence {
                    start,
                    end: start + schedule.duration_minutes * 60,
                    cancelled: self.cancelled.contains(&start),
                });
            }
            if out.len() >= limit {
                break;
            }
        }
        out
    }

    /// Whether a meeting starts at `start` (cancelled or not).
    pub fn is_occurrence(&self, start: i64) -> bool {
        self.occurrences(start, start + 1, 1).first().is_some_and(|o| o.start == start)
    }

    /// The first meeting that is not cancelled and has not ended at `now`.
    pub fn next(&self, now: i64) -> Option<Occurrence> {
        // Meetings last at most 8 hours: one that started earlier has ended.
        self.first_kept(now - 8 * 3600, |o| o.end > now)
    }

    /// The last meeting before `start` that was not cancelled.
    pub fn previous(&self, start: i64) -> Option<Occurrence> {
        let mut window = 40 * 86_400;
        while window < 4000 * 86_400 {
            let found = self.occurrences(start - window, start, 10_000);
            if let Some(o) = found.into_iter().rev().find(|o| !o.cancelled) {
                return Some(o);
            }
            window *= 4;
        }
        None
    }

    /// The first meeting after `start` that is not cancelled.
    pub fn following(&self, start: i64) -> Option<Occurrence> {
        self.first_kept(start + 1, |_| true)
    }

    /// The first meeting from `from` on that is not cancelled and passes `wanted`. Few meetings
    /// are cancelled in a row, so it looks at a handful first and at more only when it must.
    fn first_kept(&self, from: i64, wanted: impl Fn(&Occurrence) -> bool) -> Option<Occurrence> {
        for limit in [4, 32, 400] {
            let found = self.occurrences(from, i64::MAX / 4, limit);
            let exhausted = found.len() < limit;
            if let Some(o) = found.into_iter().find(|o| !o.cancelled && wanted(o)) {
                return Some(o);
            }
            if exhausted {
                return None;
            }
        }
        None
    }

    /// Past meetings (started before `now`), most recent first, at most `limit`. It reads back
    /// from `now` in growing windows, so the cost follows `limit`, not the length of the history.
    pub fn past(&self, now: i64, limit: usize) -> Vec<Occurrence> {
        let Some(first) = self.schedules.first() else { return Vec::new() };
        // First as far back as `limit` meetings of the schedule now in force reach, with one to
        // spare for a cancelled one; further only when that finds too few.
        let spacing = self.current(now).map_or(7, |s| s.cadence.most_days_apart());
        let meetings = i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1);
        let mut window = meetings.saturating_mul(spacing * 86_400);
        loop {
            let from = now.saturating_sub(window).max(first.effective_from);
            let mut found = self.occurrences(from, now, 100_000);
            if found.len() >= limit || from == first.effective_from {
                found.reverse();
                found.truncate(limit);
                return found;
            }
            window = window.saturating_mul(4);
        }
    }
}

/// A meeting's start in its schedule's zone: "Tuesday 1 December 2026, 09:30 EST".
pub fn format_local(instant: i64, time_zone: &str) -> String {
    format_in_zone(instant, time_zone, "%A %-d %B %Y, %H:%M %Z")
}

/// The day of a meeting's start in its schedule's zone: "Tuesday 1 December 2026".
pub fn format_local_day(instant: i64, time_zone: &str) -> String {
    format_in_zone(instant, time_zone, "%A %-d %B %Y")
}

/// `instant` in the zone named (UTC for a name jiff does not know) as `format` (jiff's
/// `strftime`) says; the bare number when it is out of range.
pub fn format_in_zone(instant: i64, time_zone: &str, format: &str) -> String {
    let Ok(ts) = Timestamp::from_second(instant) else { return instant.to_string() };
    let tz = TimeZone::get(time_zone).unwrap_or(TimeZone::UTC);
    ts.to_zoned(tz).strftime(format).to_string()
}

/// The calendar year of `instant` in UTC.
pub fn year_of(instant: i64) -> i16 {
    Timestamp::from_second(instant).map_or(1970, |t| t.to_zoned(TimeZone::UTC).year())
}

/// The instant a UTC calendar year starts.
pub fn year_start(year: i16) -> i64 {
    Date::new(year, 1, 1).ok().and_then(|d| d.to_zoned(TimeZone::UTC).ok()).map_or(0, |z| z.timestamp().as_second())
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cadence::Weekly => write!(f, "weekly"),
            Cadence::Biweekly => write!(f, "every two weeks"),
            Cadence::Monthly { nth } => write!(f, "monthly, the {} weekday", ordinal(*nth)),
            Cadence::Paused => write!(f, "paused"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NY: &str = "America/New_York";

    fn at(text: &str) -> i64 {
        // "2026-03-03T09:30[America/New_York]"
        text.parse::<jiff::Zoned>().map(|z| z.timestamp().as_second()).unwrap()
    }

    fn local(instant: i64) -> String {
        Timestamp::from_second(instant)
            .unwrap()
            .to_zoned(TimeZone::get(NY).unwrap())
            .strftime("%Y-%m-%d %a %H:%M")
            .to_string()
    }

    fn schedule(from: &str, cadence: Cadence, weekday: i64) -> Schedule {
        Schedule {
            effective_from: at(from),
            cadence,
            weekday,
            minute_of_day: 9 * 60 + 30,
            time_zone: NY.into(),
            duration_minutes: 60,
        }
    }

    fn locals(series: &Series, from: &str, to: &str) -> Vec<String> {
        series.occurrences(at(from), at(to), 1000).into_iter().map(|o| local(o.start)).collect()
    }

    #[test]
    fn next_and_past_agree_with_the_whole_history_over_years_of_changes() {
        // Three years: weekly, then every two weeks, then monthly, with runs of cancellations.
        let schedules = vec![
            schedule("2024-01-01T00:00[America/New_York]", Cadence::Weekly, 2),
            schedule("2025-01-01T00:00[America/New_York]", Cadence::Biweekly, 4),
            schedule("2026-01-01T00:00[America/New_York]", Cadence::Monthly { nth: 2 }, 3),
        ];
        let start = at("2024-01-01T00:00[America/New_York]");
        let whole = Series::new(schedules.clone(), BTreeSet::new()).occurrences(start, i64::MAX / 4, 200);
        let cancelled: BTreeSet<i64> =
            whole.iter().enumerate().filter(|(i, _)| i % 7 < 3).map(|(_, o)| o.start).collect();
        let series = Series::new(schedules, cancelled);
        let all = series.occurrences(start, i64::MAX / 4, 200);
        for now in [
            at("2024-01-05T00:00[America/New_York]"),
            at("2025-06-01T12:00[America/New_York]"),
            at("2026-07-01T00:00[America/New_York]"),
        ] {
            let expected_next = all.iter().find(|o| !o.cancelled && o.end > now).cloned();
            assert_eq!(series.next(now), expected_next, "next at {}", local(now));
            let mut expected_past: Vec<Occurrence> = all.iter().filter(|o| o.start < now).cloned().collect();
            expected_past.reverse();
            expected_past.truncate(6);
            assert_eq!(series.past(now, 6), expected_past, "past at {}", local(now));
        }
        assert!(series.past(start, 6).is_empty(), "nothing before the first meeting");
    }

    #[test]
    fn weekly_keeps_local_time_across_daylight_saving() {
        // DST starts in New York on 8 March 2026 and ends on 1 November 2026.
        let s = Series::new(vec![schedule("2026-03-01T00:00[America/New_York]", Cadence::Weekly, 2)], BTreeSet::new());
        let got = locals(&s, "2026-03-01T00:00[America/New_York]", "2026-03-18T00:00[America/New_York]");
        assert_eq!(got, ["2026-03-03 Tue 09:30", "2026-03-10 Tue 09:30", "2026-03-17 Tue 09:30"]);
        let o = s.occurrences(at("2026-03-01T00:00[America/New_York]"), i64::MAX / 4, 2);
        assert_eq!(o[1].start - o[0].start, 7 * 86_400 - 3600, "the week with the change is an hour shorter");
        let got = locals(&s, "2026-10-25T00:00[America/New_York]", "2026-11-11T00:00[America/New_York]");
        assert_eq!(got, ["2026-10-27 Tue 09:30", "2026-11-03 Tue 09:30", "2026-11-10 Tue 09:30"]);
    }

    #[test]
    fn biweekly_counts_from_the_first_meeting() {
        let s =
            Series::new(vec![schedule("2026-01-07T12:00[America/New_York]", Cadence::Biweekly, 3)], BTreeSet::new());
        // 7 January at 09:30 is before noon that day: the first meeting is 14 January.
        let got = locals(&s, "2026-01-01T00:00[America/New_York]", "2026-02-20T00:00[America/New_York]");
        assert_eq!(got, ["2026-01-14 Wed 09:30", "2026-01-28 Wed 09:30", "2026-02-11 Wed 09:30"]);
        // A window starting mid-series lands on the same weeks.
        let got = locals(&s, "2026-01-20T00:00[America/New_York]", "2026-02-12T00:00[America/New_York]");
        assert_eq!(got, ["2026-01-28 Wed 09:30", "2026-02-11 Wed 09:30"]);
    }

    #[test]
    fn monthly_by_weekday_handles_month_ends() {
        let second_tuesday = Series::new(
            vec![schedule("2026-01-01T00:00[America/New_York]", Cadence::Monthly { nth: 2 }, 2)],
            BTreeSet::new(),
        );
        let got = locals(&second_tuesday, "2026-01-01T00:00[America/New_York]", "2026-05-01T00:00[America/New_York]");
        assert_eq!(
            got,
            ["2026-01-13 Tue 09:30", "2026-02-10 Tue 09:30", "2026-03-10 Tue 09:30", "2026-04-14 Tue 09:30"]
        );
        let last_friday = Series::new(
            vec![schedule("2026-01-01T00:00[America/New_York]", Cadence::Monthly { nth: -1 }, 5)],
            BTreeSet::new(),
        );
        let got = locals(&last_friday, "2026-01-01T00:00[America/New_York]", "2026-04-01T00:00[America/New_York]");
        assert_eq!(got, ["2026-01-30 Fri 09:30", "2026-02-27 Fri 09:30", "2026-03-27 Fri 09:30"]);
    }

    #[test]
    fn a_cadence_change_keeps_past_meetings_and_spaces_out_later_ones() {
        let s = Series::new(
            vec![
                schedule("2026-01-01T00:00[America/New_York]", Cadence::Weekly, 2),
                schedule("2026-01-21T00:00[America/New_York]", Cadence::Biweekly, 4),
                schedule("2026-02-20T00:00[America/New_York]", Cadence::Paused, 4),
            ],
            BTreeSet::new(),
        );
        let got = locals(&s, "2026-01-01T00:00[America/New_York]", "2026-06-01T00:00[America/New_York]");
        assert_eq!(
            got,
            [
                "2026-01-06 Tue 09:30",
                "2026-01-13 Tue 09:30",
                "2026-01-20 Tue 09:30",
                "2026-01-22 Thu 09:30",
                "2026-02-05 Thu 09:30",
                "2026-02-19 Thu 09:30",
            ]
        );
        assert_eq!(s.next(at("2026-02-20T00:00[America/New_York]")), None, "paused");
    }

    #[test]
    fn cancelled_meetings_are_marked_and_skipped_by_next_and_previous() {
        let cancelled = BTreeSet::from([at("2026-01-13T09:30[America/New_York]")]);
        let s = Series::new(vec![schedule("2026-01-01T00:00[America/New_York]", Cadence::Weekly, 2)], cancelled);
        let next = s.next(at("2026-01-07T00:00[America/New_York]")).unwrap();
        assert_eq!(local(next.start), "2026-01-20 Tue 09:30");
        let prev = s.previous(next.start).unwrap();
        assert_eq!(local(prev.start), "2026-01-06 Tue 09:30");
        assert!(s.is_occurrence(at("2026-01-13T09:30[America/New_York]")));
        assert!(!s.is_occurrence(at("2026-01-13T09:31[America/New_York]")));
        let past = s.past(at("2026-01-21T00:00[America/New_York]"), 10);
        assert_eq!(past.iter().filter(|o| o.cancelled).count(), 1);
        assert_eq!(past.len(), 3);
    }

    #[test]
    fn a_meeting_in_the_skipped_hour_moves_forward() {
        let mut sched = schedule("2026-03-01T00:00[America/New_York]", Cadence::Weekly, 7);
        sched.minute_of_day = 2 * 60 + 30;
        let s = Series::new(vec![sched], BTreeSet::new());
        let got = locals(&s, "2026-03-07T00:00[America/New_York]", "2026-03-16T00:00[America/New_York]");
        assert_eq!(got, ["2026-03-08 Sun 03:30", "2026-03-15 Sun 02:30"]);
    }

    #[test]
    fn validation_names_the_problem() {
        let mut bad = schedule("2026-03-01T00:00[America/New_York]", Cadence::Weekly, 2);
        bad.time_zone = "Mars/Olympus".into();
        assert!(bad.validate().unwrap_err().to_string().contains("America/New_York"));
        assert_eq!(parse_time_of_day("09:30"), Ok(570));
        assert!(parse_time_of_day("25:00").is_err());
        assert_eq!(Cadence::from_code("monthly", 5), None);
        assert_eq!(Cadence::from_code("monthly", -1), Some(Cadence::Monthly { nth: -1 }));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// An independent oracle: walk every local day and ask whether the rule matches it.
        fn naive(series: &Series, from: i64, to: i64) -> Vec<i64> {
            let mut out = Vec::new();
            for (s, until) in series.segments() {
                let tz = TimeZone::get(&s.time_zone).unwrap();
                let weekday = weekday_from_number(s.weekday).unwrap();
                let first = s.first();
                let mut day = Timestamp::from_second(s.effective_from).unwrap().to_zoned(tz.clone()).date();
                day = day.yesterday().unwrap();
                let last = Timestamp::from_second(until.unwrap_or(to).min(to)).unwrap().to_zoned(tz.clone()).date();
                while day <= last.tomorrow().unwrap() {
                    let start = s.start_on(day, &tz).unwrap();
                    let matches = day.weekday() == weekday
                        && match s.cadence {
                            Cadence::Weekly => true,
                            Cadence::Biweekly => first.is_some_and(|f| {
                                let first_day = Timestamp::from_second(f).unwrap().to_zoned(tz.clone()).date();
                                (day - first_day).get_days().rem_euclid(14) == 0
                            }),
                            Cadence::Monthly { nth } => day.nth_weekday_of_month(nth, weekday).ok() == Some(day),
                            Cadence::Paused => false,
                        };
                    if matches
                        && start >= s.effective_from
                        && until.is_none_or(|u| start < u)
                        && start >= from
                        && start < to
                    {
                        out.push(start);
                    }
                    day = day.tomorrow().unwrap();
                }
            }
            out
        }

        fn cadence() -> impl Strategy<Value = Cadence> {
            prop_oneof![
                Just(Cadence::Weekly),
                Just(Cadence::Biweekly),
                (prop_oneof![Just(-1i8), 1i8..=4]).prop_map(|nth| Cadence::Monthly { nth }),
                Just(Cadence::Paused),
            ]
        }

        fn schedule_strategy() -> impl Strategy<Value = Schedule> {
            (
                0i64..(400 * 86_400),
                cadence(),
                1i64..=7,
                0i64..(24 * 60),
                prop::sample::select(vec![
                    "America/New_York",
                    "Europe/London",
                    "Australia/Sydney",
                    "UTC",
                    "Asia/Kolkata",
                ]),
            )
                .prop_map(|(offset, cadence, weekday, minute, tz)| Schedule {
                    effective_from: 1_767_225_600 + offset,
                    cadence,
                    weekday,
                    minute_of_day: minute,
                    time_zone: tz.to_string(),
                    duration_minutes: 60,
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]
            #[test]
            fn no_duplicate_and_no_missing_occurrence(
                schedules in prop::collection::vec(schedule_strategy(), 1..4),
                from_offset in 0i64..(500 * 86_400),
                length in 1i64..(300 * 86_400),
                split in 0.0f64..1.0,
            ) {
                let series = Series::new(schedules, BTreeSet::new());
                let from = 1_767_225_600 + from_offset - 100 * 86_400;
                let to = from + length;
                let got: Vec<i64> = series.occurrences(from, to, 100_000).iter().map(|o| o.start).collect();
                let mut sorted = got.clone();
                sorted.sort_unstable();
                sorted.dedup();
                prop_assert_eq!(&sorted, &got, "in order, no duplicate");
                prop_assert_eq!(&got, &naive(&series, from, to), "the same as walking every day");
                // Two adjacent windows give exactly the whole.
                #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                let middle = from + (length as f64 * split) as i64;
                let mut joined: Vec<i64> = series.occurrences(from, middle, 100_000).iter().map(|o| o.start).collect();
                joined.extend(series.occurrences(middle, to, 100_000).iter().map(|o| o.start));
                prop_assert_eq!(joined, got);
            }
        }
    }
}
