//! Weekly availability: hour slots `day * 24 + hour` (Monday = 0), 168 in a week, kept as a bitset.
//!
//! Text form, as a roster column holds it: `Mon 09-11; Wed 14-16` (Monday 9:00 and 10:00, Wednesday
//! 14:00 and 15:00). Entries are separated by `;` or `,`; a day is `Mon`..`Sun` or its full name (any
//! case); hours are `HH`, `H` or `HH:00`; `Tue 14` is the single slot 14:00-15:00.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Hour slots in a week.
pub const SLOTS: usize = 7 * 24;
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const FULL_DAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// A set of weekly hour slots.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SlotSet(pub [u64; 3]);

impl SlotSet {
    /// No slot.
    pub const EMPTY: SlotSet = SlotSet([0; 3]);
    /// Every slot.
    pub const ALL: SlotSet = SlotSet([u64::MAX, u64::MAX, (1u64 << (SLOTS - 128)) - 1]);

    /// Adds slot `s` (< 168).
    pub fn insert(&mut self, s: usize) {
        self.0[s / 64] |= 1 << (s % 64);
    }
    /// Whether slot `s` is in the set.
    pub fn contains(&self, s: usize) -> bool {
        s < SLOTS && self.0[s / 64] >> (s % 64) & 1 == 1
    }
    /// Number of slots.
    pub fn len(&self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }
    /// Whether there is no slot.
    pub fn is_empty(&self) -> bool {
        self.0 == [0; 3]
    }
    /// Slots in both.
    #[must_use]
    pub fn and(&self, o: &SlotSet) -> SlotSet {
        SlotSet([self.0[0] & o.0[0], self.0[1] & o.0[1], self.0[2] & o.0[2]])
    }
    /// Slots in either.
    #[must_use]
    pub fn or(&self, o: &SlotSet) -> SlotSet {
        SlotSet([self.0[0] | o.0[0], self.0[1] | o.0[1], self.0[2] | o.0[2]])
    }
    /// Slots in `self` but not in `o`.
    #[must_use]
    pub fn and_not(&self, o: &SlotSet) -> SlotSet {
        SlotSet([self.0[0] & !o.0[0], self.0[1] & !o.0[1], self.0[2] & !o.0[2]])
    }
    /// The slots in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (0..SLOTS).filter(|&s| self.contains(s))
    }
    /// Jaccard similarity (|a and b| / |a or b|), `None` when both are empty.
    pub fn jaccard(&self, o: &SlotSet) -> Option<f64> {
        let u = self.or(o).len();
        (u > 0).then(|| f64::from(self.and(o).len()) / f64::from(u))
    }

    /// Readable ranges: `Mon 09:00-11:00, Wed 14:00-15:00`.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut s = 0;
        while s < SLOTS {
            if !self.contains(s) {
                s += 1;
                continue;
            }
            let day = s / 24;
            let mut e = s + 1;
            while e < (day + 1) * 24 && self.contains(e) {
                e += 1;
            }
            out.push(format!("{} {:02}:00-{:02}:00", DAYS[day], s % 24, e - day * 24));
            s = e;
        }
        out
    }
}

/// Renders one slot, e.g. `Tue 14:00`.
pub fn slot_name(s: usize) -> String {
    format!("{} {:02}:00", DAYS[(s / 24).min(6)], s % 24)
}

/// A bad availability string; `token` is the entry that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotError {
    /// The offending entry, as written.
    pub token: String,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for SlotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "availability entry {:?}: {}", self.token, self.reason)
    }
}

impl std::error::Error for SlotError {}

fn hour(tok: &str, entry: &str) -> Result<usize, SlotError> {
    let bad = |reason: String| SlotError { token: entry.to_string(), reason };
    let h = match tok.split_once(':') {
        Some((h, mm)) => {
            if mm != "00" && mm != "0" {
                return Err(bad(format!("{tok:?}: only whole hours are supported (minutes must be 00)")));
            }
            h
        }
        None => tok,
    };
    let v: usize = h.parse().map_err(|_| bad(format!("{tok:?} is not an hour (want 0-24, e.g. 09 or 14:00)")))?;
    if v > 24 {
        return Err(bad(format!("hour {v} is past 24")));
    }
    Ok(v)
}

/// Parses `Mon 09-11; Wed 14-16` into hour slots. Empty input is the empty set.
pub fn parse_availability(text: &str) -> Result<SlotSet, SlotError> {
    let mut set = SlotSet::EMPTY;
    for entry in text.split([';', ',']) {
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        let bad = |reason: &str| SlotError { token: entry.to_string(), reason: reason.to_string() };
        let (day_tok, hours) =
            entry.split_once(char::is_whitespace).ok_or_else(|| bad("want a day and hours, e.g. \"Mon 09-11\""))?;
        let low = day_tok.to_ascii_lowercase();
        let day = DAYS
            .iter()
            .position(|d| d.eq_ignore_ascii_case(&low))
            .or_else(|| FULL_DAYS.iter().position(|d| *d == low))
            .ok_or_else(|| bad("day must be Mon, Tue, Wed, Thu, Fri, Sat or Sun"))?;
        let hours = hours.trim();
        let (start, end) = match hours.split_once('-') {
            Some((a, b)) => (hour(a.trim(), entry)?, hour(b.trim(), entry)?),
            None => {
                let a = hour(hours, entry)?;
                (a, a + 1)
            }
        };
        if start >= end || end > 24 {
            return Err(bad("the end hour must be after the start hour, at most 24"));
        }
        for h in start..end {
            set.insert(day * 24 + h);
        }
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ranges_and_names_bad_tokens() {
        let s = parse_availability("Mon 09-11; wed 14:00-16:00, Friday 8").unwrap();
        let v: Vec<usize> = s.iter().collect();
        assert_eq!(v, vec![9, 10, 2 * 24 + 14, 2 * 24 + 15, 4 * 24 + 8]);
        assert_eq!(slot_name(24 + 14), "Tue 14:00");
        assert_eq!(s.describe()[0], "Mon 09:00-11:00");
        let e = parse_availability("Mon 09-11; Mun 10-12").unwrap_err();
        assert_eq!(e.token, "Mun 10-12");
        assert!(e.to_string().contains("Mun 10-12"));
        assert!(parse_availability("Tue 11-09").is_err());
        assert!(parse_availability("Tue 9:30-10").is_err());
        assert!(parse_availability("").unwrap().is_empty());
        assert_eq!(SlotSet::ALL.len(), 168);
    }
}
