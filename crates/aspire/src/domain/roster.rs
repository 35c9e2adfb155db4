//! Roster CSV: one person a row. Every row is checked before anything is written, and each
//! problem names its line and what to fix.

use std::collections::HashMap;

use super::profile::Profile;

/// The columns a roster may have, in the order the template shows them.
pub const COLUMNS: [&str; 10] = [
    "email",
    "name",
    "department",
    "division",
    "discipline",
    "career stage",
    "research interests",
    "availability",
    "pronouns",
    "time zone",
];
const REQUIRED: [&str; 2] = ["email", "name"];

/// Largest roster accepted, in bytes (about 20,000 people).
pub const MAX_ROSTER_BYTES: usize = 5 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    /// 1-based line in the file where the row starts.
    pub line: u64,
    pub profile: Profile,
    /// The columns asked for besides the profile's (a program's identity questions, the
    /// attributes a criteria file names), as (name, value), blank values left out.
    pub extra: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterProblem {
    /// 1-based line, 1 being the header.
    pub line: u64,
    pub message: String,
}

impl std::fmt::Display for RosterProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

fn column_key(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses and validates a whole roster. Either every row is good, or the list of problems
/// (all of them, not just the first) comes back and nothing should be written. `extra` names
/// the columns allowed besides the profile's (as `first_generation`; its header may also be
/// written "First generation"); any other column is an error.
pub fn parse_roster(bytes: &[u8], extra: &[&str]) -> Result<Vec<RosterRow>, Vec<RosterProblem>> {
    if bytes.len() > MAX_ROSTER_BYTES {
        return Err(vec![RosterProblem {
            line: 1,
            message: format!(
                "the file is {} bytes; the limit is {MAX_ROSTER_BYTES} bytes: split the roster into smaller files",
                bytes.len()
            ),
        }]);
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![RosterProblem { line: 1, message: format!("the header row could not be read: {e}") }]);
        }
    };
    let mut problems = Vec::new();
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    let mut extra_index: Vec<(&str, usize)> = Vec::new();
    for (i, raw) in headers.iter().enumerate() {
        let Ok(text) = std::str::from_utf8(raw) else {
            problems.push(RosterProblem {
                line: 1,
                message: "the header row is not UTF-8 text: save the file as CSV UTF-8".into(),
            });
            continue;
        };
        let key = column_key(text);
        if key.is_empty() {
            continue;
        }
        match COLUMNS.iter().find(|c| **c == key) {
            Some(col) if index.contains_key(col) => {
                problems.push(RosterProblem { line: 1, message: format!("column '{text}' appears twice: keep one") })
            }
            Some(col) => {
                index.insert(col, i);
            }
            None => match extra.iter().find(|e| column_key(e) == key) {
                Some(name) if extra_index.iter().any(|(n, _)| n == name) => problems
                    .push(RosterProblem { line: 1, message: format!("column '{text}' appears twice: keep one") }),
                Some(name) => extra_index.push((name, i)),
                None => problems.push(RosterProblem {
                    line: 1,
                    message: format!(
                        "unknown column '{text}': the columns are {}",
                        COLUMNS.iter().chain(extra).copied().collect::<Vec<_>>().join(", ")
                    ),
                }),
            },
        }
    }
    for col in REQUIRED {
        if !index.contains_key(col) {
            problems.push(RosterProblem {
                line: 1,
                message: format!("the column '{col}' is missing: add it to the header row"),
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut rows = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                problems.push(RosterProblem { line, message: format!("this row could not be read as CSV: {e}") });
                break;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        let field = |col: &str| -> Result<String, String> {
            let Some(&i) = index.get(col) else { return Ok(String::new()) };
            let raw = record.get(i).unwrap_or_default();
            std::str::from_utf8(raw)
                .map(str::to_string)
                .map_err(|_| format!("the {col} is not UTF-8 text: save the file as CSV UTF-8"))
        };
        let mut extra_values = Vec::new();
        for (name, i) in &extra_index {
            match std::str::from_utf8(record.get(*i).unwrap_or_default()) {
                Ok(value) if !value.trim().is_empty() => {
                    extra_values.push((name.to_string(), value.trim().to_string()))
                }
                Ok(_) => {}
                Err(_) => problems.push(RosterProblem {
                    line,
                    message: format!("the {name} is not UTF-8 text: save the file as CSV UTF-8"),
                }),
            }
        }
        let fields: Result<Vec<String>, String> = COLUMNS.iter().map(|c| field(c)).collect();
        let fields = match fields {
            Ok(f) => f,
            Err(message) => {
                problems.push(RosterProblem { line, message });
                continue;
            }
        };
        let [
            email,
            name,
            department,
            division,
            discipline,
            career_stage,
            research_interests,
            availability,
            pronouns,
            time_zone,
        ] = <[String; 10]>::try_from(fields).unwrap_or_default();
        let profile = Profile {
            email,
            name,
            pronouns,
            department,
            division,
            discipline,
            career_stage,
            research_interests,
            goals: String::new(),
            availability,
            time_zone,
        };
        match profile.validate() {
            Ok(profile) => {
                if let Some(first) = seen.insert(profile.email.clone(), line) {
                    problems.push(RosterProblem {
                        line,
                        message: format!("{} is also on line {first}: keep one row per person", profile.email),
                    });
                } else {
                    rows.push(RosterRow { line, profile, extra: extra_values });
                }
            }
            Err(e) => problems.push(RosterProblem { line, message: e.to_string() }),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if rows.is_empty() {
        return Err(vec![RosterProblem {
            line: 2,
            message: "the roster has no people: add one row per person under the header".into(),
        }]);
    }
    Ok(rows)
}

/// A roster with just the header and one example row, offered for download.
pub fn template() -> String {
    format!(
        "{}\nana.ruiz@example.edu,Ana Ruiz,Medicine,Nephrology,Clinical research,Assistant professor,acute kidney injury; health equity,Mon 09-11; Wed 14-16,she/her,America/New_York\n",
        COLUMNS.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_parses() {
        let rows = parse_roster(template().as_bytes(), &[]).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].profile.career_stage, "assistant_professor");
        assert_eq!(rows[0].line, 2);
    }

    #[test]
    fn columns_asked_for_are_read_and_any_other_is_named_as_unknown() {
        let csv = "email,name,Gender,first generation\na@x.edu,Ana,Woman,\nb@x.edu,Ben,,Yes\n";
        let rows = parse_roster(csv.as_bytes(), &["gender", "first_generation"]).unwrap();
        assert_eq!(rows[0].extra, [("gender".to_string(), "Woman".to_string())]);
        assert_eq!(rows[1].extra, [("first_generation".to_string(), "Yes".to_string())]);
        let problems = parse_roster(csv.as_bytes(), &["gender"]).unwrap_err();
        assert_eq!(problems[0].line, 1);
        assert!(problems[0].message.starts_with("unknown column 'first generation'"), "{}", problems[0]);
        assert!(problems[0].message.ends_with("time zone, gender"), "{}", problems[0]);
    }
}
