//! A draft grouping and the edits a coordinator makes to it: move, swap, lock. Pure rules; the
//! engine scores the result.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftGroup {
    /// Member emails.
    pub members: Vec<String>,
    /// A locked group stays as it is when the engine runs again.
    #[serde(default)]
    pub locked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    #[error("{0} is not in this draft: reload the page to see the current groups")]
    UnknownPerson(String),
    #[error("there is no group {0} in this draft: reload the page to see the current groups")]
    UnknownGroup(usize),
    #[error("group {0} is locked: unlock it before moving people in or out")]
    Locked(usize),
    #[error("the draft could not be read: {0}")]
    Corrupt(String),
}

pub fn parse(json: &str) -> Result<Vec<DraftGroup>, DraftError> {
    serde_json::from_str(json).map_err(|e| DraftError::Corrupt(e.to_string()))
}

pub fn to_json(groups: &[DraftGroup]) -> String {
    serde_json::to_string(groups).unwrap_or_else(|_| "[]".to_string())
}

/// The 0-based group holding `email`.
pub fn group_of(groups: &[DraftGroup], email: &str) -> Result<usize, DraftError> {
    groups
        .iter()
        .position(|g| g.members.iter().any(|m| m == email))
        .ok_or_else(|| DraftError::UnknownPerson(email.to_string()))
}

fn unlocked(groups: &[DraftGroup], index: usize) -> Result<(), DraftError> {
    match groups.get(index) {
        None => Err(DraftError::UnknownGroup(index + 1)),
        Some(g) if g.locked => Err(DraftError::Locked(index + 1)),
        Some(_) => Ok(()),
    }
}

/// Moves `email` into group `to` (0-based).
pub fn move_person(groups: &mut [DraftGroup], email: &str, to: usize) -> Result<(), DraftError> {
    let from = group_of(groups, email)?;
    unlocked(groups, from)?;
    unlocked(groups, to)?;
    if from != to {
        groups[from].members.retain(|m| m != email);
        groups[to].members.push(email.to_string());
    }
    Ok(())
}

/// Swaps two people between their groups.
pub fn swap_people(groups: &mut [DraftGroup], a: &str, b: &str) -> Result<(), DraftError> {
    let (ga, gb) = (group_of(groups, a)?, group_of(groups, b)?);
    unlocked(groups, ga)?;
    unlocked(groups, gb)?;
    if ga != gb {
        for member in groups[ga].members.iter_mut().filter(|m| *m == a) {
            *member = b.to_string();
        }
        for member in groups[gb].members.iter_mut().filter(|m| *m == b) {
            *member = a.to_string();
        }
    }
    Ok(())
}

pub fn toggle_lock(groups: &mut [DraftGroup], index: usize) -> Result<(), DraftError> {
    let group = groups.get_mut(index).ok_or(DraftError::UnknownGroup(index + 1))?;
    group.locked = !group.locked;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Vec<DraftGroup> {
        vec![
            DraftGroup { members: vec!["a".into(), "b".into()], locked: false },
            DraftGroup { members: vec!["c".into(), "d".into()], locked: false },
        ]
    }

    #[test]
    fn move_swap_and_lock() {
        let mut groups = draft();
        move_person(&mut groups, "a", 1).unwrap();
        assert_eq!(groups[1].members, ["c", "d", "a"]);
        swap_people(&mut groups, "b", "c").unwrap();
        assert_eq!(groups[0].members, ["c"]);
        assert_eq!(groups[1].members, ["b", "d", "a"]);
        toggle_lock(&mut groups, 0).unwrap();
        assert_eq!(move_person(&mut groups, "d", 0), Err(DraftError::Locked(1)));
        assert_eq!(move_person(&mut groups, "zed", 0), Err(DraftError::UnknownPerson("zed".into())));
        assert_eq!(move_person(&mut groups, "d", 5), Err(DraftError::UnknownGroup(6)));
        assert_eq!(parse(&to_json(&groups)).unwrap(), groups);
    }
}
