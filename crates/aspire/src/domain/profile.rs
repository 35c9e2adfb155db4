//! A person's profile: who they are and where they are in their career.

use std::fmt;

use super::availability::Availability;

/// Career stages in order, from earliest to most senior.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CareerStage {
    Student,
    ResidentFellow,
    Postdoc,
    Instructor,
    AssistantProfessor,
    AssociateProfessor,
    FullProfessor,
}

impl CareerStage {
    pub const ALL: [CareerStage; 7] = [
        CareerStage::Student,
        CareerStage::ResidentFellow,
        CareerStage::Postdoc,
        CareerStage::Instructor,
        CareerStage::AssistantProfessor,
        CareerStage::AssociateProfessor,
        CareerStage::FullProfessor,
    ];

    /// The stable code kept in the database and accepted in imports.
    pub fn code(self) -> &'static str {
        match self {
            CareerStage::Student => "student",
            CareerStage::ResidentFellow => "resident_fellow",
            CareerStage::Postdoc => "postdoc",
            CareerStage::Instructor => "instructor",
            CareerStage::AssistantProfessor => "assistant_professor",
            CareerStage::AssociateProfessor => "associate_professor",
            CareerStage::FullProfessor => "full_professor",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CareerStage::Student => "Student",
            CareerStage::ResidentFellow => "Resident/fellow",
            CareerStage::Postdoc => "Postdoc",
            CareerStage::Instructor => "Instructor",
            CareerStage::AssistantProfessor => "Assistant professor",
            CareerStage::AssociateProfessor => "Associate professor",
            CareerStage::FullProfessor => "Full professor",
        }
    }

    /// 0 for students up to 6 for full professors: the order used when "similar stage" is asked.
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// Accepts the code or the label in any case and with any separators
    /// ("Assistant Professor", "assistant-professor", "resident/fellow").
    pub fn parse(text: &str) -> Option<CareerStage> {
        // A stored stage is already its code: found without building a key (a people list
        // asks this once per person).
        if let Some(stage) = CareerStage::ALL.into_iter().find(|stage| stage.code() == text) {
            return Some(stage);
        }
        let key: String =
            text.trim().chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
        let key = key.split('_').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("_");
        CareerStage::ALL.into_iter().find(|stage| stage.code() == key).or(match key.as_str() {
            "resident" | "fellow" => Some(CareerStage::ResidentFellow),
            "professor" => Some(CareerStage::FullProfessor),
            _ => None,
        })
    }

    /// The stages as every page words them; `parse` takes these as well as the codes.
    pub fn accepted_values() -> String {
        CareerStage::ALL.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ")
    }
}

impl fmt::Display for CareerStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Everything a person says about themselves. Validated by [`Profile::validate`]; stored as
/// columns of `users` (the store reads it into its `User`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub email: String,
    pub name: String,
    pub pronouns: String,
    pub department: String,
    pub division: String,
    pub discipline: String,
    /// The [`CareerStage::code`], or empty when not given.
    pub career_stage: String,
    /// Tags, kept as "tag; tag; tag".
    pub research_interests: String,
    pub goals: String,
    /// Canonical availability text, see [`Availability`].
    pub availability: String,
    pub time_zone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("the email address '{0}' is not valid: write it as name@example.edu")]
    Email(String),
    #[error("a name is required")]
    MissingName,
    #[error("'{0}' is not a career stage: use one of {1}")]
    CareerStage(String, String),
    #[error("{0}")]
    Availability(String),
    #[error("'{0}' is not a time zone: use a name from the time zone database, like America/New_York or Europe/London")]
    TimeZone(String),
    #[error("the {field} is too long: keep it under {max} characters")]
    TooLong { field: &'static str, max: usize },
}

/// Everything wrong with a profile, said in one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileProblems(pub Vec<ProfileError>);

impl std::fmt::Display for ProfileProblems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let said: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&said.join("; "))
    }
}

impl std::error::Error for ProfileProblems {}

/// An IANA time zone name as the time zone database knows it ("UTC" when blank), or why not.
pub fn check_time_zone(raw: &str) -> Result<String, ProfileError> {
    let zone = raw.trim();
    if zone.is_empty() {
        return Ok("UTC".into());
    }
    // Only names from the database: "EST5" or "+05:00" would parse as POSIX rules or offsets,
    // which carry no daylight-saving history.
    let named = zone.contains('/') || zone == "UTC";
    match jiff::tz::TimeZone::get(zone) {
        Ok(found) if named => Ok(found.iana_name().unwrap_or(zone).to_string()),
        _ => Err(ProfileError::TimeZone(zone.to_string())),
    }
}

/// Lower-cases and trims an email address, or says why it is not one.
pub fn normalize_email(raw: &str) -> Result<String, ProfileError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c == ',' || c == ';' || c == '<' || c == '>')
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
    if valid { Ok(email) } else { Err(ProfileError::Email(raw.trim().to_string())) }
}

/// Splits "a; b, c" into trimmed, de-duplicated tags and joins them back as "a; b; c".
pub fn normalize_tags(raw: &str) -> String {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw.split([';', ',']).map(str::trim).filter(|t| !t.is_empty()) {
        if !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            tags.push(tag.to_string());
        }
    }
    tags.join("; ")
}

impl Profile {
    /// Checks every field and returns the profile in canonical form.
    /// The profile, cleaned up, or every problem with it (not only the first), so a roster
    /// row or a form is fixed in one go.
    pub fn validate(mut self) -> Result<Profile, ProfileProblems> {
        let mut problems = Vec::new();
        match normalize_email(&self.email) {
            Ok(email) => self.email = email,
            Err(e) => problems.push(e),
        }
        self.name = self.name.trim().to_string();
        if self.name.is_empty() {
            problems.push(ProfileError::MissingName);
        }
        for (field, value, max) in [
            ("name", &self.name, 200),
            ("pronouns", &self.pronouns, 40),
            ("department", &self.department, 200),
            ("division", &self.division, 200),
            ("discipline", &self.discipline, 200),
            ("research interests", &self.research_interests, 2000),
            ("goals", &self.goals, 5000),
        ] {
            if value.chars().count() > max {
                problems.push(ProfileError::TooLong { field, max });
            }
        }
        self.pronouns = self.pronouns.trim().to_string();
        self.department = self.department.trim().to_string();
        self.division = self.division.trim().to_string();
        self.discipline = self.discipline.trim().to_string();
        self.goals = self.goals.trim().to_string();
        if !self.career_stage.trim().is_empty() {
            match CareerStage::parse(&self.career_stage) {
                Some(stage) => self.career_stage = stage.code().to_string(),
                None => problems.push(ProfileError::CareerStage(
                    self.career_stage.trim().to_string(),
                    CareerStage::accepted_values(),
                )),
            }
        } else {
            self.career_stage = String::new();
        }
        self.research_interests = normalize_tags(&self.research_interests);
        match Availability::parse(&self.availability) {
            Ok(availability) => self.availability = availability.to_string(),
            Err(e) => problems.push(ProfileError::Availability(e)),
        }
        match check_time_zone(&self.time_zone) {
            Ok(zone) => self.time_zone = zone,
            Err(e) => problems.push(e),
        }
        if problems.is_empty() { Ok(self) } else { Err(ProfileProblems(problems)) }
    }

    pub fn career_stage_label(&self) -> &str {
        CareerStage::parse(&self.career_stage).map_or("", CareerStage::label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn career_stage_accepts_labels_and_codes() {
        assert_eq!(CareerStage::parse("Assistant Professor"), Some(CareerStage::AssistantProfessor));
        assert_eq!(CareerStage::parse("resident/fellow"), Some(CareerStage::ResidentFellow));
        assert_eq!(CareerStage::parse("post-doc"), None);
        assert_eq!(CareerStage::parse("postdoc"), Some(CareerStage::Postdoc));
        for stage in CareerStage::ALL {
            assert_eq!(CareerStage::parse(stage.code()), Some(stage), "{stage:?}'s code");
            assert_eq!(CareerStage::parse(stage.label()), Some(stage), "{stage:?}'s label");
        }
    }

    #[test]
    fn email_is_normalized_or_refused() {
        assert_eq!(normalize_email(" Ana@Example.EDU ").unwrap(), "ana@example.edu");
        assert!(normalize_email("ana.example.edu").is_err());
        assert!(normalize_email("ana@localhost").is_err());
        assert!(normalize_email("a b@x.edu").is_err());
    }

    #[test]
    fn every_problem_of_a_profile_is_said_at_once() {
        let profile = Profile {
            email: "not an email".into(),
            name: " ".into(),
            career_stage: "Dean".into(),
            time_zone: "Mars/Olympus".into(),
            ..Profile::default()
        };
        let said = profile.validate().unwrap_err().to_string();
        for part in [
            "'not an email' is not valid",
            "a name is required",
            "'Dean' is not a career stage",
            "'Mars/Olympus' is not a time zone",
        ] {
            assert!(said.contains(part), "{part} in {said}");
        }
        assert!(said.contains("Assistant professor") && !said.contains("assistant_professor"), "{said}");
    }

    #[test]
    fn time_zones_come_from_the_database() {
        assert_eq!(check_time_zone("America/New_York").unwrap(), "America/New_York");
        assert_eq!(check_time_zone("").unwrap(), "UTC");
        for bad in ["Mars/Olympus", "EST5", "+05:00", "new york"] {
            assert!(check_time_zone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tags_are_trimmed_and_deduplicated() {
        assert_eq!(normalize_tags(" sepsis, AKI; sepsis ;"), "sepsis; AKI");
    }
}

/// A person in a picker: (id, name, department, email).
pub type PickerRow<'a> = (i64, &'a str, &'a str, &'a str);

/// Names for a picker in which people with the same name can be told apart: a name held once
/// stays as it is; otherwise the department is added, and where that is not enough, the email.
/// The order is kept.
pub fn names_told_apart(people: &[PickerRow]) -> Vec<(i64, String)> {
    let same_name = |name: &str| people.iter().filter(|p| p.1 == name).count();
    let same_name_and_department =
        |name: &str, department: &str| people.iter().filter(|p| p.1 == name && p.2 == department).count();
    people
        .iter()
        .map(|&(id, name, department, email)| {
            let label = if same_name(name) == 1 {
                name.to_string()
            } else if !department.is_empty() && same_name_and_department(name, department) == 1 {
                format!("{name} ({department})")
            } else {
                format!("{name} ({email})")
            };
            (id, label)
        })
        .collect()
}

#[cfg(test)]
mod picker_tests {
    use super::names_told_apart;

    #[test]
    fn people_with_the_same_name_are_told_apart_by_department_then_email() {
        let people = [
            (1, "Ana Ruiz", "Surgery", "ana.ruiz@x.edu"),
            (2, "Ana Ruiz", "Pediatrics", "aruiz@x.edu"),
            (3, "Ben Ode", "Surgery", "ben@x.edu"),
            (4, "Cy Lam", "Medicine", "cy@x.edu"),
            (5, "Cy Lam", "Medicine", "clam@x.edu"),
        ];
        let labels: Vec<String> = names_told_apart(&people).into_iter().map(|(_, l)| l).collect();
        assert_eq!(
            labels,
            ["Ana Ruiz (Surgery)", "Ana Ruiz (Pediatrics)", "Ben Ode", "Cy Lam (cy@x.edu)", "Cy Lam (clam@x.edu)"]
        );
    }
}
