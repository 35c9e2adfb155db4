//! Placing newcomers into groups that already exist, without moving anyone already placed.

use std::collections::HashMap;

use serde::Serialize;

use super::cohort::{Cohort, PersonId};
use super::criteria::Criteria;
use super::error::FormationError;
use super::model::{self, Context};

/// Where [`place_newcomers`] puts each newcomer.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Placement {
    /// Each placed newcomer with the index (into the `groups` given) of the group they join, in
    /// the order the newcomers were given.
    pub placed: Vec<(PersonId, usize)>,
    /// The newcomers left out because every group was full, in the order given.
    pub unplaced: Vec<PersonId>,
}

impl Placement {
    /// The index of the group this newcomer joins, if they were placed.
    pub fn group_of(&self, id: &str) -> Option<usize> {
        self.placed.iter().find(|(p, _)| p == id).map(|&(_, g)| g)
    }
}

/// Places people who are in no group yet into existing groups, one at a time, without moving
/// anyone: each newcomer, in the order given, joins the group with fewer than `max_size` members
/// whose score gains the most by their arrival (ties go to the group listed first), and later
/// newcomers see them there. Once every group holds `max_size` members (or more), the remaining
/// newcomers are returned as unplaced.
///
/// `cohort` holds everyone: the members of `groups` and the newcomers. Anyone else in it is
/// placed nowhere (but, like everyone, counts toward the range numeric attributes are scaled by).
/// A group's score is the one [`evaluate`](super::evaluate) gives it on this cohort: the pairwise
/// compatibility of its own members under the criteria's attribute rules, plus the soft
/// common-slot term and, when `criteria.history` is given, the repeat penalty (set `history =
/// None` to ignore earlier rounds). A rule for an attribute that nobody in the cohort holds is
/// skipped (not an error, unlike in [`form`](super::form)). The hard constraints (`keep_apart`,
/// `keep_together`, `no_isolated`, a hard `min_common_slots`) and `group_size` play no part: the
/// only limit is `max_size`.
///
/// Groups may be empty. Deterministic: the same input gives the same placement.
///
/// Errors: an id in `groups` or `newcomers` that is not in the cohort
/// ([`FormationError::UnknownPerson`], naming `groups` or `newcomers`); a newcomer who is already
/// in a group or is listed twice ([`FormationError::Input`]); and what
/// the criteria themselves can get wrong (duplicate or empty ids in the cohort, negative weights).
pub fn place_newcomers(
    cohort: &Cohort,
    criteria: &Criteria,
    groups: &[Vec<PersonId>],
    newcomers: &[PersonId],
    max_size: usize,
) -> Result<Placement, FormationError> {
    let mut scoring = criteria.clone();
    scoring.attributes.retain(|rule| {
        rule.name == "availability" || cohort.people.iter().any(|p| p.attributes.contains_key(&rule.name))
    });
    scoring.keep_apart.clear();
    scoring.keep_together.clear();
    scoring.no_isolated.clear();
    let ctx = Context::new(cohort, &scoring)?;

    let index: HashMap<&str, usize> = cohort.people.iter().enumerate().map(|(k, p)| (p.id.as_str(), k)).collect();
    let resolve = |key: &str, id: &PersonId| {
        index
            .get(id.as_str())
            .copied()
            .ok_or_else(|| FormationError::UnknownPerson { key: key.to_string(), id: id.clone() })
    };
    let mut group_of: Vec<Option<usize>> = vec![None; cohort.people.len()];
    let mut members: Vec<Vec<usize>> = Vec::with_capacity(groups.len());
    for (g, ids) in groups.iter().enumerate() {
        let mut v = Vec::with_capacity(ids.len() + 1);
        for id in ids {
            let k = resolve("groups", id)?;
            // A person may be in several groups (a facilitator of two, say): they are in each.
            if group_of[k].is_none() {
                group_of[k] = Some(g);
            }
            v.push(k);
        }
        members.push(v);
    }
    let mut listed = vec![false; cohort.people.len()];
    let mut arriving = Vec::with_capacity(newcomers.len());
    for id in newcomers {
        let k = resolve("newcomers", id)?;
        if let Some(g) = group_of[k] {
            return Err(FormationError::Input(format!("newcomers: {id} is already in group {}", g + 1)));
        }
        if listed[k] {
            return Err(FormationError::Input(format!("newcomers: {id} is listed twice")));
        }
        listed[k] = true;
        arriving.push(k);
    }

    let mut scores: Vec<f64> = members.iter().map(|m| model::group_score(&ctx, cohort, m)).collect();
    let mut placement = Placement::default();
    for (x, &k) in arriving.iter().enumerate() {
        // (gain, group, score with the newcomer)
        let mut best: Option<(f64, usize, f64)> = None;
        for (g, m) in members.iter().enumerate().filter(|(_, m)| m.len() < max_size) {
            let mut with = m.clone();
            with.push(k);
            let score = model::group_score(&ctx, cohort, &with);
            let gain = score - scores[g];
            if best.is_none_or(|(b, _, _)| gain > b) {
                best = Some((gain, g, score));
            }
        }
        let Some((_, g, score)) = best else {
            placement.unplaced.extend(newcomers[x..].iter().cloned());
            break;
        };
        members[g].push(k);
        scores[g] = score;
        placement.placed.push((newcomers[x].clone(), g));
    }
    Ok(placement)
}
