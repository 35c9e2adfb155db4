//! NIH-style award (grant) numbers.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::identifier::{IdError, IdKind, describe_char};

/// An NIH award number such as `1 R01 CA123456-01A1`.
///
/// Its parts: an optional application type (one digit), the activity code or
/// "mechanism" (`R01`, `K23`, `KL2`...), the institute code (`CA`, `HL`...), the
/// 6-digit serial number, and optionally the support year (`-01`) and a suffix
/// (`A1`, `S1`...). Spaces and hyphens between the parts are optional.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AwardNumber {
    application_type: Option<u8>,
    activity_code: String,
    institute_code: String,
    serial: String,
    support_year: Option<String>,
    suffix: Option<String>,
}

/// A cursor over the upper-cased ASCII input.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn skip_separators(&mut self) {
        while matches!(self.peek(0), Some(b' ' | b'-')) {
            self.pos += 1;
        }
    }

    /// Takes the run of bytes satisfying `keep`.
    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> String {
        let start = self.pos;
        while self.peek(0).is_some_and(&keep) {
            self.pos += 1;
        }
        String::from_utf8_lossy(self.bytes.get(start..self.pos).unwrap_or_default()).into_owned()
    }

    fn rest(&self) -> String {
        String::from_utf8_lossy(self.bytes.get(self.pos..).unwrap_or_default()).into_owned()
    }
}

impl AwardNumber {
    /// Parses an award number in its full or core form, e.g. `5K23HL145123-03`,
    /// `K23HL145123`, `R01-AI-123456`.
    pub fn parse(input: &str) -> Result<AwardNumber, IdError> {
        let err = |problem: String| IdError::new(IdKind::Award, input, problem);
        let text = input.trim().to_ascii_uppercase();
        if text.is_empty() {
            return Err(err("it is empty".into()));
        }
        if let Some(bad) = text.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == ' ' || *c == '-')) {
            return Err(err(format!(
                "it contains {}; only letters, digits, spaces and hyphens are allowed",
                describe_char(bad)
            )));
        }
        let mut cursor = Cursor { bytes: text.as_bytes(), pos: 0 };
        cursor.skip_separators();

        let mut application_type = None;
        if let Some(digit) = cursor.peek(0).filter(u8::is_ascii_digit) {
            if cursor.peek(1).is_some_and(|b| b.is_ascii_digit()) {
                return Err(err("it starts with several digits; it should start with the activity code \
                     (e.g. R01), optionally preceded by a one-digit application type"
                    .into()));
            }
            application_type = Some(digit - b'0');
            cursor.pos += 1;
            cursor.skip_separators();
        }

        let activity_ok = cursor.peek(0).is_some_and(|b| b.is_ascii_uppercase())
            && cursor.peek(1).is_some_and(|b| b.is_ascii_alphanumeric())
            && cursor.peek(2).is_some_and(|b| b.is_ascii_alphanumeric());
        if !activity_ok {
            return Err(err("the activity code (a letter and two letters or digits, e.g. R01, K23, KL2) \
                 is missing or incomplete"
                .into()));
        }
        let activity_code = cursor.rest().chars().take(3).collect::<String>();
        cursor.pos += 3;
        cursor.skip_separators();

        let institute_code = cursor.take_while(|b| b.is_ascii_uppercase());
        if institute_code.len() != 2 {
            return Err(err(format!(
                "after the activity code {activity_code} comes the institute code, two letters \
                 such as CA or HL, but found {:?}",
                if institute_code.is_empty() { cursor.rest() } else { institute_code }
            )));
        }
        cursor.skip_separators();

        let serial = cursor.take_while(|b| b.is_ascii_digit());
        if serial.is_empty() {
            return Err(err(format!("the 6-digit serial number after {institute_code} is missing")));
        }
        if serial.len() != 6 {
            return Err(err(format!(
                "the serial number {serial} has {} digits; NIH serial numbers have 6 \
                 (zero-padded, e.g. 012345)",
                serial.len()
            )));
        }

        let mut support_year = None;
        let mut suffix = None;
        if cursor.peek(0).is_some() {
            cursor.skip_separators();
            let year = cursor.take_while(|b| b.is_ascii_digit());
            if year.len() != 2 {
                return Err(err(format!(
                    "after the serial number comes the support year, two digits such as -01, \
                     but found {:?}",
                    if year.is_empty() { cursor.rest() } else { year }
                )));
            }
            support_year = Some(year);
            let rest = cursor.rest();
            if !rest.is_empty() {
                if !is_suffix(&rest) {
                    return Err(err(format!(
                        "unexpected {rest:?} after the support year; a suffix looks like A1 or S1"
                    )));
                }
                suffix = Some(rest);
            }
        }

        Ok(AwardNumber { application_type, activity_code, institute_code, serial, support_year, suffix })
    }

    /// The one-digit application type (1 new, 5 non-competing renewal...), if given.
    pub fn application_type(&self) -> Option<u8> {
        self.application_type
    }

    /// The activity code, the "mechanism": `R01`, `K23`, `KL2`, `U54`...
    pub fn activity_code(&self) -> &str {
        &self.activity_code
    }

    /// The two-letter institute code: `CA`, `HL`, `AI`, `TR`...
    pub fn institute_code(&self) -> &str {
        &self.institute_code
    }

    /// The 6-digit serial number, zero-padded.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// The two-digit support year, if given.
    pub fn support_year(&self) -> Option<&str> {
        self.support_year.as_deref()
    }

    /// The amendment/supplement suffix (`A1`, `S1`...), if given.
    pub fn suffix(&self) -> Option<&str> {
        self.suffix.as_deref()
    }

    /// The core of the award, the same across its years: `R01 CA123456`.
    /// Two numbers for the same grant share it.
    pub fn core(&self) -> String {
        format!("{} {}{}", self.activity_code, self.institute_code, self.serial)
    }

    /// The project's page on NIH RePORTER, searched by its core number.
    pub fn url(&self) -> String {
        format!(
            "https://reporter.nih.gov/search/results?query={}{}{}",
            self.activity_code, self.institute_code, self.serial
        )
    }
}

/// `A1`, `S1`, `X1`, `A1S1`: letter-and-digits groups.
fn is_suffix(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.is_empty() || bytes.len() > 6 {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_uppercase() {
            return false;
        }
        i += 1;
        let digits_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if !(1..=2).contains(&(i - digits_start)) {
            return false;
        }
    }
    true
}

impl fmt::Display for AwardNumber {
    /// The full form: `1 R01 CA123456-01A1`, or `R01 CA123456` when only the core is known.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(kind) = self.application_type {
            write!(f, "{kind} ")?;
        }
        f.write_str(&self.core())?;
        if let Some(year) = &self.support_year {
            write!(f, "-{year}")?;
        }
        if let Some(suffix) = &self.suffix {
            f.write_str(suffix)?;
        }
        Ok(())
    }
}

impl FromStr for AwardNumber {
    type Err = IdError;
    fn from_str(s: &str) -> Result<AwardNumber, IdError> {
        AwardNumber::parse(s)
    }
}

impl TryFrom<String> for AwardNumber {
    type Error = IdError;
    fn try_from(s: String) -> Result<AwardNumber, IdError> {
        AwardNumber::parse(&s)
    }
}

impl From<AwardNumber> for String {
    fn from(award: AwardNumber) -> String {
        award.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_form_is_split_into_its_parts() {
        let award = AwardNumber::parse("1 R01 CA123456-01A1").unwrap();
        assert_eq!(award.application_type(), Some(1));
        assert_eq!(award.activity_code(), "R01");
        assert_eq!(award.institute_code(), "CA");
        assert_eq!(award.serial(), "123456");
        assert_eq!(award.support_year(), Some("01"));
        assert_eq!(award.suffix(), Some("A1"));
        assert_eq!(award.core(), "R01 CA123456");
        assert_eq!(award.to_string(), "1 R01 CA123456-01A1");
    }

    #[test]
    fn the_usual_spellings_parse_to_the_same_canonical_forms() {
        let cases = [
            ("5K23HL145123-03", "5 K23 HL145123-03", "K23"),
            ("K23HL145123", "K23 HL145123", "K23"),
            ("R01-AI-123456", "R01 AI123456", "R01"),
            ("kl2tr001109", "KL2 TR001109", "KL2"),
            ("UL1 TR001111", "UL1 TR001111", "UL1"),
            ("3 U54 CA 012345-02S1", "3 U54 CA012345-02S1", "U54"),
            ("F32GM123456-01", "F32 GM123456-01", "F32"),
        ];
        for (input, display, mechanism) in cases {
            let award = AwardNumber::parse(input).unwrap();
            assert_eq!(award.to_string(), display, "{input}");
            assert_eq!(award.activity_code(), mechanism, "{input}");
        }
    }

    #[test]
    fn a_short_serial_is_named_in_the_error() {
        let message = AwardNumber::parse("R01CA12345").unwrap_err().to_string();
        assert!(message.contains("serial number 12345 has 5 digits"), "{message}");
        assert!(message.contains("R01 CA123456"), "{message}");
    }

    #[test]
    fn other_rejections_say_which_part_is_wrong() {
        let cases = [
            ("", "empty"),
            ("R0", "activity code"),
            ("12 R01 CA123456", "several digits"),
            ("R01 C123456", "institute code"),
            ("R01 CAX123456", "institute code"),
            ("R01 CA", "serial number after CA is missing"),
            ("R01 CA123456-1", "support year"),
            ("R01 CA123456-01Z", "suffix looks like A1"),
            ("R01 CA123456/01", "the character '/'"),
        ];
        for (input, expected) in cases {
            let message = AwardNumber::parse(input).unwrap_err().to_string();
            assert!(message.contains(expected), "{input}: {message}");
        }
    }
}
