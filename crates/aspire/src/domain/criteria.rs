//! The coordinator's criteria form: what it shows and how its fields become engine criteria,
//! with errors that name the field and line to fix.

use aspire_formation::Criteria;
use aspire_formation::peer::{
    AttributeRule, Availability, GivesUp, Goal, History, Mode, NoIsolated, Repeat, SizeRange,
};
use serde::Deserialize;

use super::profile::CareerStage;

/// The attributes the form offers, with the label a coordinator reads.
pub const FORM_ATTRIBUTES: [(&str, &str); 5] = [
    ("department", "Department"),
    ("division", "Division"),
    ("discipline", "Discipline"),
    ("career_rank", "Career stage"),
    ("interests", "Research interests"),
];

/// The form's fields, as posted (all text, so a bad number gets a clear message, not a 400).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CriteriaForm {
    #[serde(default)]
    pub objective: String,
    #[serde(default)]
    pub min_size: String,
    #[serde(default)]
    pub max_size: String,
    #[serde(default)]
    pub mode_department: String,
    #[serde(default)]
    pub weight_department: String,
    #[serde(default)]
    pub mode_division: String,
    #[serde(default)]
    pub weight_division: String,
    #[serde(default)]
    pub mode_discipline: String,
    #[serde(default)]
    pub weight_discipline: String,
    #[serde(default)]
    pub mode_career_rank: String,
    #[serde(default)]
    pub weight_career_rank: String,
    #[serde(default)]
    pub mode_interests: String,
    #[serde(default)]
    pub weight_interests: String,
    #[serde(default)]
    pub min_common_slots: String,
    /// "hard" or "soft".
    #[serde(default)]
    pub slots: String,
    /// "avoid", "forbid" or "allow".
    #[serde(default)]
    pub repeats: String,
    /// One pair a line: "a@x.edu, b@x.edu".
    #[serde(default)]
    pub keep_apart: String,
    #[serde(default)]
    pub keep_together: String,
    /// One rule a line: "gender: woman; nonbinary".
    #[serde(default)]
    pub no_isolated: String,
}

/// One attribute row of the form, for display.
pub struct AttributeRow {
    pub name: &'static str,
    pub label: &'static str,
    pub mode: &'static str,
    pub weight: String,
}

fn mode_code(mode: Option<Mode>) -> &'static str {
    match mode {
        Some(Mode::Similar) => "similar",
        Some(Mode::Diverse) => "diverse",
        None => "ignore",
    }
}

impl CriteriaForm {
    pub fn from_criteria(c: &Criteria) -> CriteriaForm {
        let rule = |name: &str| c.attributes.iter().find(|r| r.name == name);
        let mode = |name: &str| mode_code(rule(name).map(|r| r.mode)).to_string();
        let weight = |name: &str| rule(name).map_or("1".to_string(), |r| r.weight.to_string());
        let size = c.group_size.unwrap_or(SizeRange { min: 5, max: 7 });
        let pairs =
            |pairs: &[[String; 2]]| pairs.iter().map(|[a, b]| format!("{a}, {b}")).collect::<Vec<_>>().join("\n");
        CriteriaForm {
            objective: if c.objective == Goal::Maxmin { "maxmin" } else { "total" }.into(),
            min_size: size.min.to_string(),
            max_size: size.max.to_string(),
            mode_department: mode("department"),
            weight_department: weight("department"),
            mode_division: mode("division"),
            weight_division: weight("division"),
            mode_discipline: mode("discipline"),
            weight_discipline: weight("discipline"),
            mode_career_rank: mode("career_rank"),
            weight_career_rank: weight("career_rank"),
            mode_interests: mode("interests"),
            weight_interests: weight("interests"),
            min_common_slots: c.availability.as_ref().map_or(0, |a| a.min_common_slots).to_string(),
            slots: if c.availability.as_ref().is_some_and(|a| a.hard) { "hard" } else { "soft" }.into(),
            repeats: match c.history.as_ref().map(|h| h.repeat) {
                Some(Repeat::Forbid) => "forbid",
                Some(Repeat::Avoid) => "avoid",
                None => "allow",
            }
            .into(),
            keep_apart: pairs(&c.keep_apart),
            keep_together: pairs(&c.keep_together),
            no_isolated: c
                .no_isolated
                .iter()
                .map(|r| format!("{}: {}", r.attribute, r.values.join("; ")))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    pub fn attribute_rows(&self) -> Vec<AttributeRow> {
        let pick = |mode: &str| match mode {
            "similar" => "similar",
            "diverse" => "diverse",
            _ => "ignore",
        };
        let fields = [
            (&self.mode_department, &self.weight_department),
            (&self.mode_division, &self.weight_division),
            (&self.mode_discipline, &self.weight_discipline),
            (&self.mode_career_rank, &self.weight_career_rank),
            (&self.mode_interests, &self.weight_interests),
        ];
        FORM_ATTRIBUTES
            .iter()
            .zip(fields)
            .map(|((name, label), (mode, weight))| AttributeRow {
                name,
                label,
                mode: pick(mode),
                weight: weight.clone(),
            })
            .collect()
    }

    /// The engine's criteria, or what to fix. Past groups are filled in when the engine runs.
    pub fn to_criteria(&self) -> Result<Criteria, String> {
        let number = |field: &str, text: &str| -> Result<u32, String> {
            text.trim().parse().map_err(|_| format!("{field} must be a whole number, like 5"))
        };
        let (min, max) =
            (number("The smallest group size", &self.min_size)?, number("The largest group size", &self.max_size)?);
        if min < 2 || min > max {
            return Err(format!(
                "Group sizes {min} to {max} are not possible: the smallest must be at least 2 and no larger than the largest."
            ));
        }
        let mut attributes = Vec::new();
        for row in self.attribute_rows() {
            let mode = match row.mode {
                "similar" => Mode::Similar,
                "diverse" => Mode::Diverse,
                _ => continue,
            };
            let weight: f64 =
                row.weight.trim().parse().ok().filter(|w: &f64| w.is_finite() && *w > 0.0 && *w <= 100.0).ok_or_else(
                    || format!("The weight for {} must be a number above 0 and at most 100, like 1.5.", row.label),
                )?;
            attributes.push(AttributeRule { name: row.name.to_string(), mode, weight });
        }
        let slots = number("The number of common weekly hours", &self.min_common_slots)?;
        Ok(Criteria {
            objective: if self.objective == "maxmin" { Goal::Maxmin } else { Goal::Total },
            group_size: Some(SizeRange { min, max }),
            groups: None,
            attributes,
            keep_apart: pairs("Keep apart", &self.keep_apart)?,
            keep_together: pairs("Keep together", &self.keep_together)?,
            no_isolated: no_isolated(&self.no_isolated)?,
            availability: (slots > 0).then(|| Availability {
                min_common_slots: slots,
                hard: self.slots == "hard",
                weight: 3.0,
            }),
            history: match self.repeats.as_str() {
                "forbid" => Some(History { groups: Vec::new(), repeat: Repeat::Forbid, penalty: None }),
                "allow" => None,
                _ => Some(History { groups: Vec::new(), repeat: Repeat::Avoid, penalty: None }),
            },
        })
    }
}

/// The form's label for an attribute, as it heads a row ("Career stage", never `career_rank`).
pub fn form_label(attribute: &str) -> &str {
    match attribute {
        "career_stage" | "career_rank" => "Career stage",
        other => FORM_ATTRIBUTES.iter().find(|(name, _)| *name == other).map_or(other, |(_, label)| label),
    }
}

/// The form's words for an attribute inside a sentence ("career stage"; a program's own
/// `first_generation` as "first generation").
pub fn label_of(attribute: &str) -> String {
    form_label(attribute).to_lowercase().replace('_', " ")
}

/// A value of `attribute` as people read it: a career stage's label, not its code.
pub fn value_label(attribute: &str, value: &str) -> String {
    match attribute {
        "career_stage" => CareerStage::parse(value).map_or_else(|| value.to_string(), |s| s.label().to_lowercase()),
        _ => value.to_string(),
    }
}

/// What a group gives up, in the criteria form's words; `name_of` turns a person's id (email)
/// into their name.
pub fn gives_up_in_words(gives_up: &GivesUp, name_of: impl Fn(&str) -> String) -> String {
    match gives_up {
        GivesUp::Range { attribute, lo, hi } if attribute == "career_rank" => {
            let stage = |rank: f64| {
                CareerStage::ALL
                    .into_iter()
                    .find(|s| f64::from(s.rank()) == rank)
                    .map_or_else(|| rank.to_string(), |s| s.label().to_lowercase())
            };
            format!("career stages from {} to {}", stage(*lo), stage(*hi))
        }
        GivesUp::Range { attribute, lo, hi } => format!("{} from {lo} to {hi}", label_of(attribute)),
        GivesUp::Mixes { attribute, values } => {
            let values: Vec<String> = values.iter().map(|v| value_label(attribute, v)).collect();
            format!("mixed {}: {}", label_of(attribute), values.join(", "))
        }
        GivesUp::NoShared { attribute } => format!("no {} shared by two members", label_of(attribute)),
        GivesUp::Shares { attribute, value, members } => {
            format!("{members} members share the {} {}", label_of(attribute), value_label(attribute, value))
        }
        GivesUp::NoCommonSlot => "no weekly hour when everyone is free".to_string(),
        GivesUp::FewCommonSlots { have, want } => format!("{have} common weekly hours of the {want} asked"),
        GivesUp::GroupedBefore { a, b } => format!("{} and {} were in a group together before", name_of(a), name_of(b)),
        // Never who, nor which value: no-isolated rules are mostly about identities.
        GivesUp::Isolated { attribute, .. } => {
            format!("someone would be the only one of their {} here (the balance rule)", label_of(attribute))
        }
        GivesUp::Breaks(words) => words.clone(),
    }
}

/// The criteria in force, in the form's words, a sentence each: what the round page promises.
pub fn summary(c: &Criteria) -> Vec<String> {
    let mut out = Vec::new();
    match (c.groups, c.group_size) {
        (Some(groups), _) => out.push(format!("{groups} groups")),
        (None, Some(size)) => out.push(format!("Groups of {} to {}", size.min, size.max)),
        (None, None) => {}
    }
    let named = |mode: Mode| -> Vec<String> {
        c.attributes.iter().filter(|r| r.mode == mode).map(|r| label_of(&r.name)).collect()
    };
    let (similar, diverse) = (named(Mode::Similar), named(Mode::Diverse));
    if !similar.is_empty() {
        out.push(format!("alike in {}", similar.join(" and ")));
    }
    if !diverse.is_empty() {
        out.push(format!("mixed in {}", diverse.join(" and ")));
    }
    if let Some(a) = &c.availability {
        let hours = if a.min_common_slots == 1 {
            "a weekly hour".to_string()
        } else {
            format!("{} weekly hours", a.min_common_slots)
        };
        out.push(if a.hard {
            format!("everyone in a group shares {hours}")
        } else {
            format!("{hours} everyone shares, where possible")
        });
    }
    let count = |n: usize, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
    if !c.keep_apart.is_empty() {
        out.push(format!("{} kept apart", count(c.keep_apart.len(), "pair")));
    }
    if !c.keep_together.is_empty() {
        out.push(format!("{} kept together", count(c.keep_together.len(), "pair")));
    }
    for rule in &c.no_isolated {
        out.push(format!("no one the only {} {} in a group", label_of(&rule.attribute), rule.values.join(" or ")));
    }
    out.push(
        match c.history.as_ref().map(|h| h.repeat) {
            Some(Repeat::Forbid) => "people grouped together in earlier rounds are never grouped again",
            Some(Repeat::Avoid) => {
                "people grouped together in earlier rounds are grouped again only where it cannot be helped"
            }
            None => "people grouped together in earlier rounds may be grouped again",
        }
        .to_string(),
    );
    out
}

/// What in `c` names something the people of `cohort` do not have, each said so a coordinator can
/// fix it: a person who is not in the round, a value nobody in it has. A rule on one of the
/// program's identity `questions` is checked against the question's choices only, never against
/// what people answered (which would say who holds a rare answer). Criteria with these are not
/// saved.
pub fn unknown_references(
    c: &Criteria,
    cohort: &aspire_formation::Cohort,
    questions: &[super::identity::IdentityQuestion],
) -> Vec<String> {
    let mut out = Vec::new();
    let in_round: std::collections::HashSet<&str> = cohort.people.iter().map(|p| p.id.as_str()).collect();
    for (field, pairs) in [("Keep apart", &c.keep_apart), ("Keep together", &c.keep_together)] {
        for email in pairs.iter().flatten().filter(|e| !in_round.contains(e.as_str())) {
            out.push(format!(
                "{field}: {email} is not in this round. Check the email, or add them to the round first."
            ));
        }
    }
    for rule in &c.no_isolated {
        if let Some(question) = questions.iter().find(|q| q.key == rule.attribute) {
            for value in rule.values.iter().filter(|v| !question.choices.contains(v)) {
                out.push(format!(
                    "No isolated member: \"{value}\" is not one of the answers to \"{}\": use one of {}.",
                    question.question,
                    question.choices.join(", ")
                ));
            }
            continue;
        }
        let present: std::collections::BTreeSet<&str> =
            cohort.people.iter().filter_map(|p| p.category_of(&rule.attribute)).collect();
        let label = label_of(&rule.attribute);
        if present.is_empty() {
            out.push(format!(
                "No isolated member: nobody in this round has a {label} on record, so the rule on it shapes nothing."
            ));
            continue;
        }
        for value in rule.values.iter().filter(|v| !present.contains(v.as_str())) {
            let known: Vec<&str> = present.iter().copied().take(8).collect();
            out.push(format!(
                "No isolated member: nobody in this round has {label} \"{value}\". The values in this round are: {}.",
                known.join(", ")
            ));
        }
    }
    out
}

/// Everything that keeps the round from being formed as `c` asks, as it stands: the unknown
/// references, and sizes that cannot add up or a required common hour someone cannot share
/// (which enrolments may still mend).
pub fn problems(
    c: &Criteria,
    cohort: &aspire_formation::Cohort,
    questions: &[super::identity::IdentityQuestion],
) -> Vec<String> {
    let mut out = unknown_references(c, cohort, questions);
    let n = cohort.people.len();
    if let (None, Some(size)) = (c.groups, c.group_size) {
        let (min, max) = (size.min as usize, size.max as usize);
        let fits = (1..=n.max(1)).any(|k| k * min <= n && n <= k * max);
        if n >= 2 && !fits {
            out.push(format!(
                "{n} people cannot be split into groups of {min} to {max}: widen the group sizes, or add or remove people."
            ));
        }
    }
    if let Some(a) = c.availability.as_ref().filter(|a| a.hard && a.min_common_slots > 0) {
        let short: Vec<&str> = cohort
            .people
            .iter()
            .filter(|p| p.availability.len() < a.min_common_slots)
            .map(|p| p.name.as_str())
            .collect();
        if !short.is_empty() {
            let shown = short.iter().take(5).copied().collect::<Vec<_>>().join(", ");
            let more = if short.len() > 5 { format!(" and {} more", short.len() - 5) } else { String::new() };
            out.push(format!(
                "Every group must share a weekly hour, but {shown}{more} gave fewer free hours than that: ask them to fill in the week grid, or make common hours a preference."
            ));
        }
    }
    out
}

fn pairs(field: &str, text: &str) -> Result<Vec<[String; 2]>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let people: Vec<String> =
            line.split([',', ';']).map(|p| p.trim().to_lowercase()).filter(|p| !p.is_empty()).collect();
        match <[String; 2]>::try_from(people) {
            Ok(pair) if pair[0] != pair[1] => out.push(pair),
            _ => {
                return Err(format!(
                    "{field}, line {}: write two different emails separated by a comma, like ana@uni.edu, ben@uni.edu",
                    i + 1
                ));
            }
        }
    }
    Ok(out)
}

fn no_isolated(text: &str) -> Result<Vec<NoIsolated>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let bad = || {
            format!(
                "No isolated member, line {}: write an attribute, a colon and its values, like department: Surgery; Radiology",
                i + 1
            )
        };
        let (attribute, values) = line.split_once(':').ok_or_else(bad)?;
        let values: Vec<String> = values.split(';').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
        if attribute.trim().is_empty() || values.is_empty() {
            return Err(bad());
        }
        out.push(NoIsolated { attribute: attribute.trim().to_string(), values });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Profile;
    use crate::domain::cohort::default_criteria;

    #[test]
    fn the_default_criteria_survive_the_form() {
        let criteria = default_criteria();
        let back = CriteriaForm::from_criteria(&criteria).to_criteria().unwrap();
        assert_eq!(back, criteria);
    }

    #[test]
    fn the_summary_says_what_is_in_force_in_the_forms_words() {
        let said = summary(&default_criteria()).join("; ");
        assert!(said.starts_with("Groups of 5 to 7"), "{said}");
        assert!(said.contains("alike in career stage and research interests"), "{said}");
        assert!(said.contains("mixed in department and discipline"), "{said}");
        assert!(said.contains("grouped again only where it cannot be helped"), "the default avoids repeats: {said}");
        assert!(!said.contains("career_rank") && !said.contains("interests,"), "{said}");
        let mut form = CriteriaForm::from_criteria(&default_criteria());
        form.repeats = "allow".into();
        form.keep_apart = "a@x.edu, b@x.edu".into();
        let said = summary(&form.to_criteria().unwrap()).join("; ");
        assert!(said.contains("may be grouped again") && said.contains("1 pair kept apart"), "{said}");
    }

    #[test]
    fn what_the_round_cannot_meet_is_named() {
        let profiles: Vec<Profile> = (0..11)
            .map(|k| Profile {
                email: format!("p{k}@x.edu"),
                name: if k == 0 { "Ana Ruiz".into() } else { format!("Person {k}") },
                department: ["Medicine", "Pediatrics"][k % 2].into(),
                availability: if k == 0 { String::new() } else { "Mon 09-10".into() },
                ..Profile::default()
            })
            .collect();
        let cohort = crate::domain::cohort::cohort_of(&profiles);
        let mut form = CriteriaForm::from_criteria(&default_criteria());
        form.min_size = "6".into();
        form.max_size = "6".into();
        form.slots = "hard".into();
        form.keep_apart = "p1@x.edu, nobody@nowhere.edu".into();
        form.no_isolated = "department: Surgery".into();
        let criteria = form.to_criteria().unwrap();
        let unknown = unknown_references(&criteria, &cohort, &[]);
        assert_eq!(unknown.len(), 2, "{unknown:?}");
        assert!(unknown[0].contains("nobody@nowhere.edu is not in this round"));
        assert!(unknown[1].contains("department \"Surgery\"") && unknown[1].contains("Medicine, Pediatrics"));
        let all = problems(&criteria, &cohort, &[]).join(" ");
        assert!(all.contains("11 people cannot be split into groups of 6 to 6"), "{all}");
        assert!(all.contains("Ana Ruiz gave fewer free hours"), "{all}");

        form.min_size = "5".into();
        form.keep_apart = "p1@x.edu, p2@x.edu".into();
        form.no_isolated = "department: Medicine".into();
        form.slots = "soft".into();
        assert!(problems(&form.to_criteria().unwrap(), &cohort, &[]).is_empty(), "11 people fit groups of 5 or 6");
    }

    #[test]
    fn what_a_group_gives_up_is_said_in_the_forms_words() {
        let name = |id: &str| if id == "a@x.edu" { "Ana Ruiz".to_string() } else { "Ben Ode".to_string() };
        let range = GivesUp::Range { attribute: "career_rank".into(), lo: 3.0, hi: 4.0 };
        assert_eq!(gives_up_in_words(&range, name), "career stages from instructor to assistant professor");
        let mixes = GivesUp::Mixes {
            attribute: "career_stage".into(),
            values: vec!["postdoc".into(), "assistant_professor".into()],
        };
        assert_eq!(gives_up_in_words(&mixes, name), "mixed career stage: postdoc, assistant professor");
        let shares = GivesUp::Shares { attribute: "department".into(), value: "Surgery".into(), members: 2 };
        assert_eq!(gives_up_in_words(&shares, name), "2 members share the department Surgery");
        let before = GivesUp::GroupedBefore { a: "a@x.edu".into(), b: "b@x.edu".into() };
        assert_eq!(gives_up_in_words(&before, name), "Ana Ruiz and Ben Ode were in a group together before");
        assert_eq!(
            gives_up_in_words(&GivesUp::NoShared { attribute: "interests".into() }, name),
            "no research interests shared by two members"
        );
    }

    #[test]
    fn bad_fields_are_named() {
        let mut form = CriteriaForm::from_criteria(&default_criteria());
        form.keep_apart = "a@x.edu, b@x.edu\nc@x.edu".into();
        assert!(form.to_criteria().unwrap_err().starts_with("Keep apart, line 2"));
        form.keep_apart.clear();
        form.min_size = "8".into();
        assert!(form.to_criteria().unwrap_err().contains("8 to 7 are not possible"));
        form.min_size = "5".into();
        form.weight_interests = "lots".into();
        assert!(form.to_criteria().unwrap_err().contains("Research interests"));
    }
}
