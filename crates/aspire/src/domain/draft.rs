//! A draft grouping and the edits a coordinator makes to it: move, swap, lock. Pure rules; the
//! engine scores the result.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftGroup {
    /// Member emails.
    pub members: Vec<String>,
    /// A locked group stays as it is when the engine runs again.
    #[serde(default)]
    pub locked: bool,
    /// Members placed here by hand: forming again keeps them in this group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pinned: Vec<String>,
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
    pin(groups, email, to);
    Ok(())
}

/// Pins `email` to group `to` (and nowhere else).
fn pin(groups: &mut [DraftGroup], email: &str, to: usize) {
    for group in groups.iter_mut() {
        group.pinned.retain(|m| m != email);
    }
    groups[to].pinned.push(email.to_string());
}

/// Lets the engine place `email` anywhere again when it forms the draft again.
pub fn unpin(groups: &mut [DraftGroup], email: &str) -> Result<(), DraftError> {
    group_of(groups, email)?;
    for group in groups.iter_mut() {
        group.pinned.retain(|m| m != email);
    }
    Ok(())
}

/// The pinned people of the groups that are not locked, a list per group (locked groups are
/// kept whole anyway).
pub fn pins(groups: &[DraftGroup]) -> Vec<Vec<String>> {
    groups.iter().filter(|g| !g.locked && !g.pinned.is_empty()).map(|g| g.pinned.clone()).collect()
}

/// Puts `formed` (groups just formed from `source`) in the order of the source groups whose
/// pinned people they hold, or else that they most resemble, so that someone pinned to group 3
/// is in group 3; keeps each pin.
pub fn in_the_order_of(source: &[DraftGroup], mut formed: Vec<DraftGroup>) -> Vec<DraftGroup> {
    let before: Vec<Vec<String>> = source.iter().map(|g| g.members.clone()).collect();
    let after: Vec<Vec<String>> = formed.iter().map(|g| g.members.clone()).collect();
    let matched = matching(&before, &after);
    let pinned_to = |email: &String| source.iter().position(|g| g.pinned.contains(email));
    for group in &mut formed {
        group.pinned = group.members.iter().filter(|m| pinned_to(m).is_some()).cloned().collect();
    }
    let n = formed.len();
    let mut slots: Vec<Option<DraftGroup>> = vec![None; n];
    // Groups holding pinned people take their numbers first.
    let mut rest = Vec::new();
    for (j, group) in formed.into_iter().enumerate() {
        match group.pinned.first().and_then(pinned_to).filter(|&at| at < n && slots[at].is_none()) {
            Some(at) => slots[at] = Some(group),
            None => rest.push((matched[j].unwrap_or(usize::MAX), j, group)),
        }
    }
    // The others take the number of the group they resemble when it is free, else the lowest free.
    rest.sort_by_key(|(resembles, j, _)| (*resembles, *j));
    let mut leftover = Vec::new();
    for (resembles, _, group) in rest {
        if resembles < n && slots[resembles].is_none() {
            slots[resembles] = Some(group);
        } else {
            leftover.push(group);
        }
    }
    for group in leftover {
        if let Some(free) = slots.iter().position(Option::is_none) {
            slots[free] = Some(group);
        }
    }
    slots.into_iter().flatten().collect()
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
        pin(groups, a, gb);
        pin(groups, b, ga);
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
            DraftGroup { members: vec!["a".into(), "b".into()], ..DraftGroup::default() },
            DraftGroup { members: vec!["c".into(), "d".into()], ..DraftGroup::default() },
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

    #[test]
    fn a_hand_move_or_swap_pins_people_where_they_went_until_unpinned() {
        let mut groups = draft();
        move_person(&mut groups, "a", 1).unwrap();
        assert_eq!(pins(&groups), vec![vec!["a".to_string()]]);
        move_person(&mut groups, "a", 0).unwrap();
        assert_eq!(groups[0].pinned, ["a"], "moved back, pinned where it is now only");
        assert!(groups[1].pinned.is_empty());
        swap_people(&mut groups, "b", "c").unwrap();
        assert_eq!(groups[0].pinned, ["a", "c"]);
        assert_eq!(groups[1].pinned, ["b"]);
        unpin(&mut groups, "c").unwrap();
        assert_eq!(pins(&groups), vec![vec!["a".to_string()], vec!["b".to_string()]]);
        // A draft saved before pins existed still reads.
        assert_eq!(parse(r#"[{"members":["a"],"locked":false}]"#).unwrap()[0].pinned, Vec::<String>::new());
    }

    #[test]
    fn groups_formed_again_keep_the_numbers_of_the_groups_they_resemble_and_their_pins() {
        let mut source = draft();
        source[1].pinned = vec!["d".into()];
        // The engine gave them back in the other order, with b and c swapped.
        let formed = vec![
            DraftGroup { members: vec!["d".into(), "b".into()], ..DraftGroup::default() },
            DraftGroup { members: vec!["a".into(), "c".into()], ..DraftGroup::default() },
        ];
        let ordered = in_the_order_of(&source, formed.clone());
        assert_eq!(ordered[0].members, ["a", "c"]);
        assert_eq!(ordered[1].members, ["d", "b"]);
        assert_eq!(ordered[1].pinned, ["d"]);
        // A pin outweighs resemblance: b, pinned to group 1, keeps its group number there.
        let mut source = draft();
        source[0].pinned = vec!["b".into()];
        let formed = vec![
            DraftGroup { members: vec!["a".into(), "c".into(), "d".into()], ..DraftGroup::default() },
            DraftGroup { members: vec!["b".into()], ..DraftGroup::default() },
        ];
        let ordered = in_the_order_of(&source, formed);
        assert_eq!(ordered[0].members, ["b"]);
        assert_eq!(ordered[0].pinned, ["b"]);
        // Two new groups that both resemble group 1 most: one keeps 1, the other takes 2, and a
        // group pinned to 3 stays 3.
        let source = vec![
            DraftGroup { members: vec!["a".into(), "b".into(), "c".into()], ..DraftGroup::default() },
            DraftGroup { members: vec!["d".into()], ..DraftGroup::default() },
            DraftGroup { members: vec!["e".into(), "f".into()], pinned: vec!["e".into()], ..DraftGroup::default() },
        ];
        let formed = vec![
            DraftGroup { members: vec!["a".into(), "b".into(), "d".into()], ..DraftGroup::default() },
            DraftGroup { members: vec!["e".into()], ..DraftGroup::default() },
            DraftGroup { members: vec!["c".into(), "f".into()], ..DraftGroup::default() },
        ];
        let ordered = in_the_order_of(&source, formed);
        assert_eq!(ordered.len(), 3);
        assert_eq!(ordered[2].members, ["e"], "pinned to group 3, in group 3");
        assert_eq!(ordered[0].members, ["a", "b", "d"]);
        assert_eq!(ordered[1].members, ["c", "f"]);
    }
}

/// For each group of `b`, the group of `a` it most resembles (most members in common; ties to the
/// lower number), so that two drafts can be read side by side.
pub fn matching(a: &[Vec<String>], b: &[Vec<String>]) -> Vec<Option<usize>> {
    b.iter()
        .map(|group| {
            (0..a.len())
                .map(|i| (i, group.iter().filter(|m| a[i].contains(m)).count()))
                .filter(|&(_, common)| common > 0)
                .max_by(|x, y| x.1.cmp(&y.1).then(y.0.cmp(&x.0)))
                .map(|(i, _)| i)
        })
        .collect()
}

/// The people whose group in `b` is not the one that resembles their group in `a`.
pub fn moved_between(a: &[Vec<String>], b: &[Vec<String>]) -> std::collections::HashSet<String> {
    let matched = matching(a, b);
    let mut moved = std::collections::HashSet::new();
    for (j, group) in b.iter().enumerate() {
        for member in group {
            let was = a.iter().position(|g| g.contains(member));
            if was.is_none() || was != matched[j] {
                moved.insert(member.clone());
            }
        }
    }
    moved
}

#[cfg(test)]
mod comparison_tests {
    use super::*;

    fn groups(text: &str) -> Vec<Vec<String>> {
        text.split('|').map(|g| g.split(',').map(str::to_string).collect()).collect()
    }

    #[test]
    fn a_swap_between_two_groups_marks_the_two_people_and_nobody_else() {
        let a = groups("ana,ben,cy|dee,eve,fay|gus,hal,ida");
        // The same groups, renumbered, with ben and eve swapped.
        let b = groups("gus,hal,ida|ana,eve,cy|dee,ben,fay");
        assert_eq!(matching(&a, &b), vec![Some(2), Some(0), Some(1)]);
        let moved = moved_between(&a, &b);
        let mut moved: Vec<&str> = moved.iter().map(String::as_str).collect();
        moved.sort();
        assert_eq!(moved, ["ben", "eve"]);
        assert!(moved_between(&a, &a).is_empty(), "a draft compared with itself moves nobody");
    }
}
