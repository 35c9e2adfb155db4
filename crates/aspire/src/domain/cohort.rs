//! From people's profiles to the formation engine's cohort, and the criteria this program's
//! model starts from: similar career stage and interests, diverse department and discipline,
//! groups of 5-7 with at least one common weekly hour.

use aspire_formation::peer::{AttributeRule, Availability as SlotRule, Criteria, History, Mode, Repeat, SizeRange};
use aspire_formation::{Cohort, Person};

use super::availability::Availability;
use super::profile::{CareerStage, Profile};

/// The attribute names the engine sees, as a criteria file names them.
pub const ATTRIBUTES: [&str; 6] = ["department", "division", "discipline", "career_stage", "career_rank", "interests"];

/// One engine person per profile, identified by email. Profiles are validated, so their
/// availability parses; an unparsable one would count as no availability.
pub fn cohort_of(profiles: &[Profile]) -> Cohort {
    let people = profiles
        .iter()
        .map(|p| {
            let mut person = Person::new(p.email.clone(), p.name.clone());
            for (attribute, value) in
                [("department", &p.department), ("division", &p.division), ("discipline", &p.discipline)]
            {
                if !value.is_empty() {
                    person = person.category(attribute, value);
                }
            }
            if let Some(stage) = CareerStage::parse(&p.career_stage) {
                person = person.category("career_stage", stage.code()).number("career_rank", f64::from(stage.rank()));
            }
            let interests: Vec<&str> =
                p.research_interests.split(';').map(str::trim).filter(|t| !t.is_empty()).collect();
            if !interests.is_empty() {
                person = person.tags("interests", &interests);
            }
            person.available(Availability::parse(&p.availability).unwrap_or_default().slots())
        })
        .collect();
    Cohort::new(people)
}

/// Adds people's answers to a program's identity questions (email, key, answer) as categorical
/// attributes, for balance rules; "Prefer not to say" is no value at all.
pub fn add_identities(cohort: &mut Cohort, answers: &[(String, String, String)]) {
    for (email, key, answer) in answers {
        if answer == super::identity::PREFER_NOT_TO_SAY {
            continue;
        }
        if let Some(person) = cohort.people.iter_mut().find(|p| p.id == *email) {
            person.attributes.insert(key.clone(), aspire_formation::peer::Value::Category(answer.clone()));
        }
    }
}

/// "A balance of closeness and distance": alike in stage and interests, apart in department and
/// discipline, 5-7 to a group, and a weekly hour everyone can make (strongly preferred).
pub fn default_criteria() -> Criteria {
    let rule = |name: &str, mode: Mode, weight: f64| AttributeRule { name: name.to_string(), mode, weight };
    Criteria {
        group_size: Some(SizeRange { min: 5, max: 7 }),
        attributes: vec![
            rule("department", Mode::Diverse, 2.0),
            rule("discipline", Mode::Diverse, 1.0),
            rule("career_rank", Mode::Similar, 1.0),
            rule("interests", Mode::Similar, 1.5),
        ],
        availability: Some(SlotRule { min_common_slots: 1, hard: false, weight: 3.0 }),
        // Peers meet new peers: earlier pairings are avoided unless nothing else works.
        history: Some(History { groups: Vec::new(), repeat: Repeat::Avoid, penalty: None }),
        ..Criteria::default()
    }
}

/// The default criteria, keeping only the attributes someone in `cohort` has (a roster without a
/// discipline column is still formed by the rest).
pub fn default_criteria_for(cohort: &Cohort) -> Criteria {
    let mut criteria = default_criteria();
    criteria.attributes.retain(|rule| cohort.people.iter().any(|p| p.attributes.contains_key(&rule.name)));
    criteria
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_become_people_with_their_attributes() {
        let profile = Profile {
            email: "a@x.edu".into(),
            name: "A".into(),
            department: "Medicine".into(),
            career_stage: "postdoc".into(),
            research_interests: "sepsis; AKI".into(),
            availability: "Mon 09-10".into(),
            ..Profile::default()
        };
        let cohort = cohort_of(&[profile]);
        let person = &cohort.people[0];
        assert_eq!(person.id, "a@x.edu");
        assert_eq!(person.category_of("department"), Some("Medicine"));
        assert_eq!(person.category_of("career_stage"), Some("postdoc"));
        assert_eq!(person.availability.len(), 1);
    }
}
