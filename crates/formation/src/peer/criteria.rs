//! What the coordinator asks for, loadable from TOML (see `examples/criteria.toml`).

use serde::{Deserialize, Serialize};

/// Whether a group should hold people alike or unlike in an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Reward pairs with the same / close values (career stage, interests, availability).
    Similar,
    /// Reward pairs with different values (department, division, discipline).
    Diverse,
}

/// One attribute the groups are shaped by.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeRule {
    /// Attribute name as held by people (`department`, `interests`, ...); `availability` means the
    /// weekly slots (compared by overlap).
    pub name: String,
    /// Similar or diverse.
    pub mode: Mode,
    /// Relative weight (default 1).
    #[serde(default = "one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}

/// Allowed group sizes, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeRange {
    /// Smallest group.
    pub min: u32,
    /// Largest group.
    pub max: u32,
}

/// For these values of an attribute, no group may hold exactly one person having one of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoIsolated {
    /// Categorical or tags attribute.
    pub attribute: String,
    /// The protected values; each value is its own class.
    pub values: Vec<String>,
}

/// Common weekly meeting slots.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Availability {
    /// Every group should share at least this many hour slots.
    #[serde(default)]
    pub min_common_slots: u32,
    /// Whether `min_common_slots` is a hard constraint (default) or a soft wish.
    #[serde(default = "yes")]
    pub hard: bool,
    /// When soft: score lost per missing slot (default 1).
    #[serde(default = "one")]
    pub weight: f64,
}

fn yes() -> bool {
    true
}

/// How to treat pairs who were grouped in earlier rounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Repeat {
    /// Penalise each repeated pair (by `history.penalty`).
    Avoid,
    /// Never put them together again (a hard constraint).
    Forbid,
}

/// Earlier rounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    /// Past groups, as lists of person ids.
    #[serde(default)]
    pub groups: Vec<Vec<String>>,
    /// Avoid (default) or forbid repeated pairs.
    #[serde(default = "avoid")]
    pub repeat: Repeat,
    /// Score lost per repeated pair when avoiding; default: the sum of the attribute weights
    /// (as much as the best possible pair is worth).
    #[serde(default)]
    pub penalty: Option<f64>,
}

fn avoid() -> Repeat {
    Repeat::Avoid
}

/// What to maximise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Goal {
    /// The sum of all group scores.
    #[default]
    Total,
    /// The worst group's score (as CATME Team-Maker does); ties broken by the total.
    Maxmin,
}

/// The coordinator's criteria.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criteria {
    /// Total or max-min.
    #[serde(default)]
    pub objective: Goal,
    /// Allowed group sizes (default 4-6 when neither this nor `groups` is given).
    #[serde(default)]
    pub group_size: Option<SizeRange>,
    /// Number of groups (sizes then as even as the range allows).
    #[serde(default)]
    pub groups: Option<u32>,
    /// Attributes and how they shape groups.
    #[serde(default, rename = "attribute")]
    pub attributes: Vec<AttributeRule>,
    /// Pairs that must be in different groups.
    #[serde(default)]
    pub keep_apart: Vec<[String; 2]>,
    /// Pairs that must be in the same group.
    #[serde(default)]
    pub keep_together: Vec<[String; 2]>,
    /// No isolated member for these attribute values.
    #[serde(default)]
    pub no_isolated: Vec<NoIsolated>,
    /// Common meeting slots.
    #[serde(default)]
    pub availability: Option<Availability>,
    /// Earlier rounds.
    #[serde(default)]
    pub history: Option<History>,
}

impl Default for Criteria {
    fn default() -> Self {
        Criteria {
            objective: Goal::Total,
            group_size: None,
            groups: None,
            attributes: Vec::new(),
            keep_apart: Vec::new(),
            keep_together: Vec::new(),
            no_isolated: Vec::new(),
            availability: None,
            history: None,
        }
    }
}

impl Criteria {
    /// Reads criteria from TOML; unknown keys are errors that name the key and line.
    pub fn from_toml(text: &str) -> Result<Criteria, toml::de::Error> {
        toml::from_str(text)
    }
}
