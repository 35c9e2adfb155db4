//! Weekly availability as one-hour slots, written like "Mon 09-11; Wed 14-16".

use std::collections::BTreeSet;
use std::fmt;

pub const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A set of weekly one-hour slots; slot `day * 24 + hour` with Monday = 0.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Availability {
    slots: BTreeSet<u16>,
}

impl Availability {
    /// Parses "Mon 09-11; Wed 14-16; Fri 9" (hours in 24-hour form, end exclusive).
    /// An empty text is no availability. The error names the piece that is wrong.
    pub fn parse(text: &str) -> Result<Availability, String> {
        let mut slots = BTreeSet::new();
        for piece in text.split([';', ',']).map(str::trim).filter(|p| !p.is_empty()) {
            let bad = || {
                format!(
                    "availability '{piece}' is not understood: write a day and hours like 'Mon 09-11' \
                     (24-hour clock, end hour not included), several separated by ';'"
                )
            };
            let (day, hours) = piece.split_once(char::is_whitespace).ok_or_else(bad)?;
            let day = DAYS.iter().position(|d| day.len() >= 3 && d.eq_ignore_ascii_case(&day[..3])).ok_or_else(bad)?;
            let hours = hours.trim();
            let (start, end) = match hours.split_once('-') {
                Some((s, e)) => (parse_hour(s).ok_or_else(bad)?, parse_hour(e).ok_or_else(bad)?),
                None => {
                    let h = parse_hour(hours).ok_or_else(bad)?;
                    (h, h + 1)
                }
            };
            if start >= end || end > 24 {
                return Err(bad());
            }
            for hour in start..end {
                slots.insert(day as u16 * 24 + hour);
            }
        }
        Ok(Availability { slots })
    }

    pub fn slots(&self) -> impl Iterator<Item = u16> + '_ {
        self.slots.iter().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The slots every one of `people` has.
    pub fn common<'a>(people: impl IntoIterator<Item = &'a Availability>) -> Availability {
        let mut iter = people.into_iter();
        let Some(first) = iter.next() else { return Availability::default() };
        let slots = iter.fold(first.slots.clone(), |acc, a| acc.intersection(&a.slots).copied().collect());
        Availability { slots }
    }
}

fn parse_hour(text: &str) -> Option<u16> {
    let text = text.trim();
    let hour = text.strip_suffix(":00").unwrap_or(text);
    hour.parse::<u16>().ok().filter(|h| *h <= 24)
}

impl fmt::Display for Availability {
    /// Canonical form: consecutive hours of a day merged, "Mon 09-11; Wed 14-16".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut slots = self.slots.iter().copied().peekable();
        while let Some(start) = slots.next() {
            let mut end = start + 1;
            while slots.peek() == Some(&end) && end % 24 != 0 {
                slots.next();
                end += 1;
            }
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            let day = DAYS[usize::from(start / 24)];
            let end_hour = if end % 24 == 0 { 24 } else { end % 24 };
            write!(f, "{day} {:02}-{:02}", start % 24, end_hour)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_canonical_form() {
        let a = Availability::parse("wed 14-16, Mon 9-10; mon 10-11; Fri 23").unwrap();
        assert_eq!(a.to_string(), "Mon 09-11; Wed 14-16; Fri 23-24");
        assert_eq!(a.slots().count(), 5);
    }

    #[test]
    fn bad_piece_is_named() {
        let err = Availability::parse("Mon 09-11; Someday 3").unwrap_err();
        assert!(err.contains("'Someday 3'"), "{err}");
        assert!(Availability::parse("Mon 11-09").is_err());
        assert!(Availability::parse("Mon 25").is_err());
    }

    #[test]
    fn common_slots_are_the_intersection() {
        let a = Availability::parse("Mon 09-12").unwrap();
        let b = Availability::parse("Mon 11-13; Tue 9").unwrap();
        assert_eq!(Availability::common([&a, &b]).to_string(), "Mon 11-12");
    }
}
