//! The people to group and their attributes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::slots::SlotSet;

/// A person's id: their email address.
pub type PersonId = String;

/// One attribute value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// Ordered numbers: career-stage rank, years since appointment.
    Number(f64),
    /// Categorical: department, division, discipline, career stage.
    Category(String),
    /// Multi-valued tags: research interests, goals.
    Tags(Vec<String>),
}

/// A member of the cohort.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// Unique id (email).
    pub id: PersonId,
    /// Display name.
    pub name: String,
    /// Attribute name -> value; a missing attribute is neutral in every comparison.
    pub attributes: BTreeMap<String, Value>,
    /// Weekly availability.
    pub availability: SlotSet,
}

impl Person {
    /// A person with no attributes.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Person {
        Person { id: id.into(), name: name.into(), ..Person::default() }
    }
    /// Builder: sets a categorical attribute.
    #[must_use]
    pub fn category(mut self, attr: &str, value: &str) -> Person {
        self.attributes.insert(attr.to_string(), Value::Category(value.to_string()));
        self
    }
    /// Builder: sets a numeric attribute.
    #[must_use]
    pub fn number(mut self, attr: &str, value: f64) -> Person {
        self.attributes.insert(attr.to_string(), Value::Number(value));
        self
    }
    /// Builder: sets a tags attribute.
    #[must_use]
    pub fn tags(mut self, attr: &str, values: &[&str]) -> Person {
        self.attributes.insert(attr.to_string(), Value::Tags(values.iter().map(|s| s.to_string()).collect()));
        self
    }
    /// Builder: sets the availability.
    #[must_use]
    pub fn available(mut self, slots: SlotSet) -> Person {
        self.availability = slots;
        self
    }
    /// The categorical value of `attr`, if any.
    pub fn category_of(&self, attr: &str) -> Option<&str> {
        match self.attributes.get(attr) {
            Some(Value::Category(s)) => Some(s),
            _ => None,
        }
    }
}

/// Splits a roster cell of tags (`"genomics; imaging, ethics"`) on `;` and `,`, trimmed, empty
/// entries dropped, duplicates removed (first occurrence kept).
pub fn split_tags(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in text.split([';', ',']) {
        let t = t.trim();
        if !t.is_empty() && !out.iter().any(|x| x == t) {
            out.push(t.to_string());
        }
    }
    out
}

/// The people to group, in a fixed order (results refer to them by id).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Cohort {
    /// Everyone, ids unique.
    pub people: Vec<Person>,
}

impl Cohort {
    /// A cohort of these people.
    pub fn new(people: Vec<Person>) -> Cohort {
        Cohort { people }
    }
    /// Index of the person with this id.
    ///
    /// ```
    /// use aspire_formation::peer::{Cohort, Person, split_tags};
    /// let p = Person::new("a@x.org", "A").tags("interests", &["ml"]);
    /// assert_eq!(Cohort::new(vec![p]).index_of("a@x.org"), Some(0));
    /// assert_eq!(split_tags("ml; genomics, ml ,"), vec!["ml", "genomics"]);
    /// ```
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.people.iter().position(|p| p.id == id)
    }
}
