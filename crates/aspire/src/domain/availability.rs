//! Weekly availability as one-hour slots, written like "Mon 09-11; Wed 14-16". The parser is the
//! formation engine's, so what a roster says is exactly what the engine groups by.

use std::fmt;

use aspire_formation::peer::{SLOTS, SlotSet, parse_availability};

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Availability(SlotSet);

impl Availability {
    /// Parses "Mon 09-11; Wed 14-16; Fri 9" (24-hour clock, end hour excluded). An empty text is
    /// no availability. The error names the entry that is wrong and how to write it.
    pub fn parse(text: &str) -> Result<Availability, String> {
        parse_availability(text).map(Availability).map_err(|e| {
            format!("{e}; write days and hours like 'Mon 09-11; Wed 14-16' (24-hour clock, end hour not included)")
        })
    }

    pub fn slots(&self) -> SlotSet {
        self.0
    }

    pub fn from_slots(slots: SlotSet) -> Availability {
        Availability(slots)
    }

    /// The hours of `self` that `other` does not have.
    pub fn without(&self, other: &Availability) -> Availability {
        Availability(self.0.and_not(&other.0))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The slots every one of `people` has.
    pub fn common<'a>(people: impl IntoIterator<Item = &'a Availability>) -> Availability {
        let mut iter = people.into_iter();
        let Some(first) = iter.next() else { return Availability::default() };
        Availability(iter.fold(first.0, |acc, a| acc.and(&a.0)))
    }
}

impl fmt::Display for Availability {
    /// Canonical form, which parses back to the same slots: "Mon 09-11; Wed 14-16".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut start = 0;
        let mut first = true;
        while start < SLOTS {
            if !self.0.contains(start) {
                start += 1;
                continue;
            }
            let day = start / 24;
            let mut end = start + 1;
            while end < (day + 1) * 24 && self.0.contains(end) {
                end += 1;
            }
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            write!(f, "{} {:02}-{:02}", DAYS[day], start % 24, end - day * 24)?;
            start = end;
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
        assert_eq!(Availability::parse(&a.to_string()).unwrap(), a);
    }

    #[test]
    fn bad_entry_is_named_with_how_to_fix_it() {
        let err = Availability::parse("Mon 09-11; Someday 3").unwrap_err();
        assert!(err.contains("\"Someday 3\"") && err.contains("write days and hours like"), "{err}");
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
