//! Who a shared item is for. The rule that reads it is `auth::access::can_see_item`.

use serde::Serialize;

use super::code::decoded_from_code;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Its author only.
    #[default]
    Private,
    /// The group's members and facilitators.
    Group,
    /// Everyone in the program, its coordinators included.
    Program,
    /// A concern for one chosen facilitator of the group: the author and that facilitator.
    Facilitator,
}

impl Visibility {
    pub fn code(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Group => "group",
            Visibility::Program => "program",
            Visibility::Facilitator => "facilitator",
        }
    }

    pub fn from_code(code: &str) -> Option<Visibility> {
        Some(match code {
            "private" => Visibility::Private,
            "group" => Visibility::Group,
            "program" => Visibility::Program,
            "facilitator" => Visibility::Facilitator,
            _ => return None,
        })
    }

    /// Reads a form's choice among `allowed`, with a message naming them when it is not one.
    pub fn parse_choice(code: &str, allowed: &[Visibility]) -> Result<Visibility, String> {
        allowed.iter().copied().find(|v| v.code() == code.trim()).ok_or_else(|| {
            let names: Vec<&str> = allowed.iter().map(|v| v.label()).collect();
            format!("Choose who may see this: {}.", names.join(", "))
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Visibility::Private => "only me",
            Visibility::Group => "my group",
            Visibility::Program => "the whole program",
            Visibility::Facilitator => "one facilitator",
        }
    }
}

/// Where a shared item lives and who it is for: what the access rule needs of any item.
#[derive(Debug, Clone, Copy)]
pub struct Audience {
    /// `None`: a former member who deleted their account and kept their posts.
    pub author_id: Option<i64>,
    pub program_id: i64,
    pub group_id: Option<i64>,
    pub visibility: Visibility,
    /// For a concern meant for one facilitator.
    pub facilitator_id: Option<i64>,
    /// When it was shared: someone who joined the group later does not see group-only items.
    pub created_at: i64,
}

decoded_from_code!(Visibility, "a visibility");
