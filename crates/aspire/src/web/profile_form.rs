//! The profile form, one for the three pages that ask for it: a person's own profile, a
//! coordinator adding a person, and enrolment in a round. Availability is a week grid (that
//! works by keyboard) plus a line for the hours the grid does not show.

use crate::domain::Profile;
use crate::domain::availability::Availability;
use crate::domain::profile::CareerStage;

/// The hours the week grid offers.
const GRID_HOURS: std::ops::Range<usize> = 7..20;
const GRID_DAYS: [&str; 5] = ["Mon", "Tue", "Wed", "Thu", "Fri"];

/// How a page asks for the fields that differ between the three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asker {
    /// A person's own profile: their email is their identity and shown, not changed.
    Themselves,
    /// A coordinator adding a person: name and email are what is required.
    Coordinator,
    /// A newcomer enrolling: grouping needs their department and career stage.
    Newcomer,
}

/// What `templates/profile_fields.html` renders.
pub struct ProfileFields {
    pub profile: Profile,
    pub asker: Asker,
    pub stages: Vec<StageOption>,
    pub grid: Vec<GridRow>,
    /// The person's hours outside the grid (weekends, early or late), as text.
    pub other_hours: String,
}

pub struct StageOption {
    pub code: &'static str,
    pub label: &'static str,
}

/// One hour of the grid, "09", and its five days' boxes (a box's value is "Mon 09").
pub struct GridRow {
    pub hour: String,
    pub cells: Vec<GridCell>,
}

pub struct GridCell {
    pub day: &'static str,
    pub checked: bool,
}

impl ProfileFields {
    pub fn new(profile: Profile, asker: Asker) -> ProfileFields {
        // A draft that failed validation keeps its text as typed; a valid one is split in two.
        let (grid, other_hours) = match Availability::parse(&profile.availability) {
            Ok(hours) => (grid(&hours), hours.without(&grid_hours()).to_string()),
            Err(_) => (grid(&Availability::default()), profile.availability.clone()),
        };
        let stages = CareerStage::ALL.iter().map(|s| StageOption { code: s.code(), label: s.label() }).collect();
        ProfileFields { profile, asker, stages, grid, other_hours }
    }

    /// Ids of the inputs, unique on the page the form is on.
    pub fn id(&self) -> &'static str {
        match self.asker {
            Asker::Themselves => "f",
            Asker::Coordinator => "a",
            Asker::Newcomer => "e",
        }
    }

    /// A profile draft from a submitted form, not yet validated. The ticked grid hours and the
    /// hours typed outside it are one availability.
    pub fn draft(fields: &[(String, String)]) -> Profile {
        let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
        let mut hours: Vec<String> = fields.iter().filter(|(k, _)| k == "slot").map(|(_, v)| v.clone()).collect();
        let other_hours = field("availability");
        if !other_hours.trim().is_empty() {
            hours.push(other_hours);
        }
        Profile {
            email: field("email"),
            name: field("name"),
            pronouns: field("pronouns"),
            department: field("department"),
            division: field("division"),
            discipline: field("discipline"),
            career_stage: field("career_stage"),
            research_interests: field("research_interests"),
            goals: field("goals"),
            availability: hours.join("; "),
            time_zone: field("time_zone"),
        }
    }
}

/// Every hour the week grid offers, to tell which of a person's hours it cannot show.
fn grid_hours() -> Availability {
    let mut slots = aspire_formation::peer::SlotSet::default();
    for day in 0..GRID_DAYS.len() {
        for hour in GRID_HOURS {
            slots.insert(day * 24 + hour);
        }
    }
    Availability::from_slots(slots)
}

fn grid(availability: &Availability) -> Vec<GridRow> {
    let slots = availability.slots();
    GRID_HOURS
        .map(|hour| GridRow {
            hour: format!("{hour:02}"),
            cells: GRID_DAYS
                .iter()
                .enumerate()
                .map(|(day, name)| GridCell { day: name, checked: slots.contains(day * 24 + hour) })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn ticked_hours_and_typed_hours_are_one_availability_and_come_back_split() {
        let draft = ProfileFields::draft(&pairs(&[
            ("name", "Ana"),
            ("email", "ana@x.edu"),
            ("slot", "Mon 09"),
            ("slot", "Mon 10"),
            ("availability", "Sat 09-11"),
        ]));
        assert_eq!(draft.availability, "Mon 09; Mon 10; Sat 09-11");
        let fields = ProfileFields::new(draft.validate().unwrap(), Asker::Themselves);
        assert_eq!(fields.other_hours, "Sat 09-11");
        let ticked: Vec<String> = fields
            .grid
            .iter()
            .flat_map(|r| r.cells.iter().filter(|c| c.checked).map(|c| format!("{} {}", c.day, r.hour)))
            .collect();
        assert_eq!(ticked, ["Mon 09", "Mon 10"]);
    }

    #[test]
    fn a_draft_that_does_not_parse_keeps_its_text_as_typed() {
        let draft = Profile { availability: "Mondays after lunch".into(), ..Profile::default() };
        let fields = ProfileFields::new(draft, Asker::Coordinator);
        assert_eq!(fields.other_hours, "Mondays after lunch");
        assert!(fields.grid.iter().flat_map(|r| &r.cells).all(|c| !c.checked));
    }
}
