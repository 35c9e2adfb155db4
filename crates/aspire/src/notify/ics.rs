//! Meetings as iCalendar (RFC 5545), with its escaping and folding left to the `icalendar`
//! crate: each schedule of a series is one VEVENT with an RRULE (ending where the next schedule
//! takes over), a stable UID, a SEQUENCE that goes up on every change, EXDATEs for cancelled
//! meetings, and times in the schedule's time zone with its VTIMEZONE. Times and places only:
//! never a goal.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use icalendar::{Calendar, Component, EventLike, Property};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::domain::cadence::{self, Cadence};
use crate::store::Group;
use crate::store::meetings::LoadedSeries;

/// Where the time zone definitions stop: ten years after now.
const ZONE_YEARS_AHEAD: i64 = 10;

pub struct Builder {
    calendar: Calendar,
    zones: BTreeSet<String>,
    earliest: i64,
    host: String,
    public_url: String,
}

impl Builder {
    /// A calendar called `name`, with UIDs and links on `public_url`.
    pub fn new(public_url: String, name: &str, now: i64) -> Builder {
        let host = url::Url::parse(&public_url).ok().and_then(|u| u.host_str().map(str::to_string));
        let mut calendar = Calendar::new();
        calendar.name(&plain(name));
        Builder {
            calendar,
            zones: BTreeSet::new(),
            earliest: now,
            host: host.unwrap_or_else(|| "aspire.invalid".to_string()),
            public_url,
        }
    }

    /// One VEVENT per schedule of the group's series.
    pub fn add_series(&mut self, group: &Group, loaded: &LoadedSeries) {
        let Some(row) = &loaded.row else { return };
        for (history, (schedule, until)) in loaded.history.iter().zip(loaded.series.segments()) {
            if schedule.cadence == Cadence::Paused {
                continue;
            }
            let (Some(first), Some(rule)) = (schedule.first(), schedule.rrule()) else { continue };
            if until.is_some_and(|u| first >= u) {
                continue;
            }
            let tz = &schedule.time_zone;
            let rule = match until {
                // UNTIL is inclusive and, with a zoned DTSTART, in UTC.
                Some(u) => format!("{rule};UNTIL={}", ical_utc(u - 1)),
                None => rule,
            };
            let mut event = icalendar::Event::new();
            event
                .uid(&format!("aspire-group-{}-schedule-{}@{}", group.id, history.id, self.host))
                .sequence(u32::try_from(row.sequence).unwrap_or(0))
                .summary(&plain(&format!("{}: peer group meeting", group.name)))
                .add_property("DTSTAMP", ical_utc(row.updated_at))
                .add_property("DURATION", format!("PT{}M", schedule.duration_minutes))
                .add_property("RRULE", rule)
                .add_property("URL", format!("{}/groups/{}/meetings", self.public_url, group.id))
                .append_property(Property::new("DTSTART", ical_local(first, tz)).add_parameter("TZID", tz).done());
            if !row.place.is_empty() {
                event.location(&plain(&row.place));
            }
            for start in &loaded.series.cancelled {
                if *start >= first && until.is_none_or(|u| *start < u) && loaded.series.is_occurrence(*start) {
                    event.append_multi_property(
                        Property::new("EXDATE", ical_local(*start, tz)).add_parameter("TZID", tz).done(),
                    );
                }
            }
            self.zones.insert(tz.clone());
            self.earliest = self.earliest.min(first);
            self.calendar.push(event.done());
        }
    }

    /// The calendar as text, with a VTIMEZONE for each zone its events use.
    pub fn finish(mut self, now: i64) -> String {
        let to = now + ZONE_YEARS_AHEAD * 366 * 86_400;
        let mut text = self.calendar.done().to_string();
        // The crate has no VTIMEZONE type, and reading ours in as a component of its own to
        // write it out again was a third of a feed's time: ours goes in as the text it is
        // (a known zone's name, offsets and abbreviations; short lines, nothing to escape).
        let zones: Vec<Arc<str>> = self.zones.iter().filter_map(|zone| vtimezone(zone, self.earliest, to)).collect();
        match text.rfind(CALENDAR_END) {
            Some(end) => text.insert_str(end, &zones.concat()),
            None => tracing::error!("a calendar without its END line: its time zones are left out"),
        }
        text
    }
}

const CALENDAR_END: &str = "END:VCALENDAR";

/// A date in UTC for iCalendar: 20261201T143000Z.
pub fn ical_utc(instant: i64) -> String {
    Timestamp::from_second(instant).map_or_else(|_| String::new(), |t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
}

/// A local date-time for iCalendar with a TZID: 20261201T093000.
pub fn ical_local(instant: i64, time_zone: &str) -> String {
    cadence::format_in_zone(instant, time_zone, "%Y%m%dT%H%M%S")
}

/// VTIMEZONE blocks already written, by zone and window: each is a function of the time zone
/// database alone, and writing one out (a dozen years of transitions) was an eighth of a
/// calendar feed's time. Dropped at once when full.
static ZONES_WRITTEN: LazyLock<Mutex<HashMap<ZoneWindow, Arc<str>>>> = LazyLock::new(Mutex::default);
/// A zone's name, and the first and last year of its window.
type ZoneWindow = (String, i16, i16);
const ZONES_KEPT: usize = 256;

/// A VTIMEZONE block for `time_zone` covering `from..to` (Unix seconds), built from the
/// time zone database's transitions: one STANDARD or DAYLIGHT part per transition. The window
/// is widened to whole years (from the year before `from` to the end of `to`'s), so a block
/// changes only when a year turns and a feed read again takes the one already written.
pub fn vtimezone(time_zone: &str, from: i64, to: i64) -> Option<Arc<str>> {
    let year_of = |instant: i64| Timestamp::from_second(instant).ok().map(|t| t.to_zoned(TimeZone::UTC).year());
    let window = (year_of(from)? - 1, year_of(to)?);
    let key = (time_zone.to_owned(), window.0, window.1);
    let kept = ZONES_WRITTEN.lock().unwrap_or_else(PoisonError::into_inner).get(&key).cloned();
    if let Some(block) = kept {
        return Some(block);
    }
    let block: Arc<str> = Arc::from(vtimezone_of_years(time_zone, window)?);
    let mut written = ZONES_WRITTEN.lock().unwrap_or_else(PoisonError::into_inner);
    if written.len() >= ZONES_KEPT {
        written.clear();
    }
    written.insert(key, Arc::clone(&block));
    Some(block)
}

/// The VTIMEZONE block of `time_zone` from the start of the first year to the end of the last,
/// in the zone's own time.
fn vtimezone_of_years(time_zone: &str, (first, last): (i16, i16)) -> Option<String> {
    let tz = TimeZone::get(time_zone).ok()?;
    let start = jiff::civil::date(first, 1, 1).to_zoned(tz.clone()).ok()?.timestamp();
    let end = jiff::civil::date(last, 12, 31).at(23, 59, 59, 0).to_zoned(tz.clone()).ok()?.timestamp();
    let fmt_offset = |seconds: i32| {
        let sign = if seconds < 0 { '-' } else { '+' };
        let s = seconds.abs();
        format!("{sign}{:02}{:02}", s / 3600, (s % 3600) / 60)
    };
    let mut out = format!("BEGIN:VTIMEZONE\r\nTZID:{time_zone}\r\n");
    // The offset in force before the window, then every transition inside it.
    let mut before = tz.to_offset(start).seconds();
    let initial = tz.to_offset_info(start);
    let mut parts = vec![(start, before, before, initial.dst().is_dst(), initial.abbreviation().to_string())];
    for t in tz.following(start) {
        if t.timestamp() > end {
            break;
        }
        let after = t.offset().seconds();
        parts.push((t.timestamp(), before, after, t.dst().is_dst(), t.abbreviation().to_string()));
        before = after;
    }
    for (at, from_offset, to_offset, dst, name) in parts {
        let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
        // DTSTART is in the local time in force before the transition.
        let local = at.checked_add(jiff::SignedDuration::from_secs(i64::from(from_offset))).ok()?;
        let local = local.to_zoned(TimeZone::UTC).strftime("%Y%m%dT%H%M%S").to_string();
        out.push_str(&format!(
            "BEGIN:{kind}\r\nDTSTART:{local}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\nTZNAME:{name}\r\nEND:{kind}\r\n",
            fmt_offset(from_offset),
            fmt_offset(to_offset)
        ));
    }
    out.push_str("END:VTIMEZONE\r\n");
    Some(out)
}

/// Text for a calendar property with every control character made a space: the crate escapes
/// newlines, but a bare CR (or any other control) would let a parser that splits on it read
/// what follows as properties of its own.
fn plain(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> i64 {
        text.parse::<jiff::Zoned>().expect("a zoned time").timestamp().as_second()
    }

    #[test]
    fn vtimezone_lists_the_transitions() {
        let ny = "America/New_York";
        let v = vtimezone(ny, at("2026-01-01T00:00[America/New_York]"), at("2026-12-31T00:00[America/New_York]"))
            .expect("a known zone");
        assert!(v.contains("BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400"));
        assert!(v.contains("BEGIN:STANDARD\r\nDTSTART:20261101T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500"));
    }

    #[test]
    fn a_zone_covers_whole_years_and_is_the_same_when_written_again() {
        let ny = "America/New_York";
        let (from, to) = (at("2026-06-15T09:00[America/New_York]"), at("2030-02-01T00:00[America/New_York]"));
        let block = vtimezone(ny, from, to).expect("a known zone");
        // From the year before `from` to the end of `to`'s year, whatever the day.
        assert!(block.contains("DTSTART:20250309T020000"), "spring 2025 is in: {block}");
        assert!(!block.contains("DTSTART:2024"), "2024 is out: {block}");
        assert!(block.contains("DTSTART:20301103T020000"), "autumn 2030 is in: {block}");
        assert!(!block.contains("DTSTART:2031"), "2031 is out: {block}");
        let later_that_year = vtimezone(ny, from + 86_400, to + 30 * 86_400).expect("a known zone");
        assert_eq!(later_that_year, block);
        assert_eq!(&*block, vtimezone_of_years(ny, (2025, 2030)).expect("a known zone"));
        // Another zone, or another year, is another block.
        assert_ne!(vtimezone("Europe/Paris", from, to).expect("a known zone"), block);
        assert_ne!(vtimezone(ny, from, to + 366 * 86_400).expect("a known zone"), block);
        assert!(vtimezone("Nowhere/Atlantis", from, to).is_none());
    }
}
