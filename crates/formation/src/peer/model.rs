//! Compiling a cohort and criteria to the core's representation, and scoring groups from scratch.

use std::collections::{BTreeMap, HashMap};

use super::cohort::{Cohort, Value};
use super::criteria::{Criteria, Goal, Mode, Repeat};
use super::error::FormationError;
use super::slots::SlotSet;
use crate::mdgp::Instance;

/// How one attribute compares two people.
#[derive(Clone, Debug)]
pub(crate) enum Compare {
    /// Weekly slots, by Jaccard overlap.
    Slots,
    /// Values from the person's attribute map; numbers scaled by this range.
    Attr { name: String, range: f64 },
}

/// A resolved attribute rule.
#[derive(Clone, Debug)]
pub(crate) struct Rule {
    pub compare: Compare,
    pub mode: Mode,
    pub weight: f64,
}

/// Everything about the criteria that refers to people, resolved to cohort indices.
#[derive(Clone, Debug)]
pub(crate) struct Context {
    pub rules: Vec<Rule>,
    /// Hard pairs (cohort indices): keep-apart (incl. forbidden repeats) and keep-together.
    pub apart: Vec<(usize, usize)>,
    pub together: Vec<(usize, usize)>,
    /// Times each pair was grouped before, keyed (min, max).
    pub repeats: HashMap<(usize, usize), u32>,
    pub repeat_penalty: f64,
    /// No-isolated classes: (label, members).
    pub classes: Vec<(String, Vec<usize>)>,
    pub min_slots: u32,
    pub slots_hard: bool,
    pub slots_weight: f64,
    pub goal: Goal,
    /// Ids in history that are not in the cohort (reported, not fatal).
    pub unknown_history: Vec<String>,
}

fn lookup(cohort: &Cohort, index: &HashMap<&str, usize>, key: &str, id: &str) -> Result<usize, FormationError> {
    let _ = cohort;
    index.get(id).copied().ok_or_else(|| FormationError::UnknownPerson { key: key.to_string(), id: id.to_string() })
}

/// How a broken no-isolated rule's violation ends.
pub(crate) const ISOLATED: &str = "(no_isolated)";

impl Context {
    /// Each no-isolated class with its rule's attribute and value, in the criteria's order.
    pub(crate) fn class_rules<'a>(
        &'a self,
        criteria: &'a Criteria,
    ) -> impl Iterator<Item = (&'a str, &'a str, &'a [usize])> + 'a {
        criteria
            .no_isolated
            .iter()
            .flat_map(|rule| rule.values.iter().map(move |v| (rule.attribute.as_str(), v.as_str())))
            .zip(&self.classes)
            .map(|((attribute, value), (_, members))| (attribute, value, members.as_slice()))
    }

    /// Hand placements as hard pairs: each pinned list together, two lists never in one group.
    pub(crate) fn pin(&mut self, pinned: &[Vec<usize>]) {
        for (x, list) in pinned.iter().enumerate() {
            for (y, &a) in list.iter().enumerate() {
                self.together.extend(list[y + 1..].iter().map(|&b| (a.min(b), a.max(b))));
                for other in &pinned[x + 1..] {
                    self.apart.extend(other.iter().map(|&b| (a.min(b), a.max(b))));
                }
            }
        }
        for pairs in [&mut self.apart, &mut self.together] {
            pairs.sort_unstable();
            pairs.dedup();
        }
    }

    /// Resolves names and ids; every unknown name is an error naming the key.
    pub fn new(cohort: &Cohort, criteria: &Criteria) -> Result<Context, FormationError> {
        let mut index = HashMap::new();
        for (k, p) in cohort.people.iter().enumerate() {
            if p.id.trim().is_empty() {
                return Err(FormationError::Input(format!("person #{} has an empty id", k + 1)));
            }
            if index.insert(p.id.as_str(), k).is_some() {
                return Err(FormationError::DuplicatePerson(p.id.clone()));
            }
        }
        let mut rules = Vec::new();
        for r in &criteria.attributes {
            if !(r.weight.is_finite() && r.weight >= 0.0) {
                return Err(FormationError::Input(format!("attribute {:?}: weight must be a number >= 0", r.name)));
            }
            let compare = if r.name == "availability" {
                Compare::Slots
            } else {
                let mut held = false;
                let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
                for p in &cohort.people {
                    if let Some(v) = p.attributes.get(&r.name) {
                        held = true;
                        if let Value::Number(x) = v {
                            lo = lo.min(*x);
                            hi = hi.max(*x);
                        }
                    }
                }
                if !held && !cohort.people.is_empty() {
                    return Err(FormationError::UnknownAttribute(r.name.clone()));
                }
                Compare::Attr { name: r.name.clone(), range: if hi > lo { hi - lo } else { 1.0 } }
            };
            rules.push(Rule { compare, mode: r.mode, weight: r.weight });
        }
        let mut apart = Vec::new();
        for [a, b] in &criteria.keep_apart {
            let (i, j) = (lookup(cohort, &index, "keep_apart", a)?, lookup(cohort, &index, "keep_apart", b)?);
            if i == j {
                return Err(FormationError::Input(format!("keep_apart pairs {a} with themself")));
            }
            apart.push((i.min(j), i.max(j)));
        }
        let mut together = Vec::new();
        for [a, b] in &criteria.keep_together {
            let (i, j) = (lookup(cohort, &index, "keep_together", a)?, lookup(cohort, &index, "keep_together", b)?);
            if i != j {
                together.push((i.min(j), i.max(j)));
            }
        }
        let mut repeats: HashMap<(usize, usize), u32> = HashMap::new();
        let mut unknown_history = Vec::new();
        let weight_sum: f64 = rules.iter().map(|r| r.weight).sum();
        let mut repeat_penalty = weight_sum.max(1.0);
        if let Some(h) = &criteria.history {
            if let Some(p) = h.penalty {
                if !(p.is_finite() && p >= 0.0) {
                    return Err(FormationError::Input("history.penalty must be a number >= 0".to_string()));
                }
                repeat_penalty = p;
            }
            for past in &h.groups {
                let mut ids = Vec::new();
                for id in past {
                    match index.get(id.as_str()) {
                        Some(&k) => ids.push(k),
                        None => {
                            if !unknown_history.contains(id) {
                                unknown_history.push(id.clone());
                            }
                        }
                    }
                }
                for (x, &a) in ids.iter().enumerate() {
                    for &b in &ids[x + 1..] {
                        if a != b {
                            *repeats.entry((a.min(b), a.max(b))).or_insert(0) += 1;
                        }
                    }
                }
            }
            if h.repeat == Repeat::Forbid {
                let mut pairs: Vec<(usize, usize)> = repeats.keys().copied().collect();
                pairs.sort_unstable();
                apart.extend(pairs);
                repeats.clear();
            }
        }
        apart.sort_unstable();
        apart.dedup();
        together.sort_unstable();
        together.dedup();
        let mut classes = Vec::new();
        for rule in &criteria.no_isolated {
            for value in &rule.values {
                let members: Vec<usize> = cohort
                    .people
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| match p.attributes.get(&rule.attribute) {
                        Some(Value::Category(s)) => s == value,
                        Some(Value::Tags(t)) => t.iter().any(|x| x == value),
                        _ => false,
                    })
                    .map(|(k, _)| k)
                    .collect();
                // Named by the attribute alone: such attributes are often identities, and a
                // message that names a value with one holder says who holds it.
                classes.push((rule.attribute.clone(), members));
            }
        }
        let (min_slots, slots_hard, slots_weight) = match &criteria.availability {
            Some(a) => {
                if !(a.weight.is_finite() && a.weight >= 0.0) {
                    return Err(FormationError::Input("availability.weight must be a number >= 0".to_string()));
                }
                (a.min_common_slots, a.hard, a.weight)
            }
            None => (0, false, 0.0),
        };
        Ok(Context {
            rules,
            apart,
            together,
            repeats,
            repeat_penalty,
            classes,
            min_slots,
            slots_hard,
            slots_weight,
            goal: criteria.objective,
            unknown_history,
        })
    }

    /// Pairwise compatibility of cohort members `i` and `j`: per rule, `weight * sim` when similar
    /// and `weight * (1 - sim)` when diverse (a missing value counts as sim = 1/2), minus the
    /// repeat penalty for each earlier round they shared.
    pub fn pair_weight(&self, cohort: &Cohort, i: usize, j: usize) -> f64 {
        let (a, b) = (&cohort.people[i], &cohort.people[j]);
        let mut w = 0.0;
        for r in &self.rules {
            let sim = match &r.compare {
                Compare::Slots => a.availability.jaccard(&b.availability),
                Compare::Attr { name, range } => match (a.attributes.get(name), b.attributes.get(name)) {
                    (Some(Value::Category(x)), Some(Value::Category(y))) => Some(if x == y { 1.0 } else { 0.0 }),
                    (Some(Value::Number(x)), Some(Value::Number(y))) => Some(1.0 - (x - y).abs() / range),
                    (Some(Value::Tags(x)), Some(Value::Tags(y))) => jaccard(x, y),
                    _ => None,
                },
            }
            .unwrap_or(0.5);
            w += r.weight
                * match r.mode {
                    Mode::Similar => sim,
                    Mode::Diverse => 1.0 - sim,
                };
        }
        if let Some(&c) = self.repeats.get(&(i.min(j), i.max(j))) {
            w -= self.repeat_penalty * f64::from(c);
        }
        w
    }

    /// Whether the slot term is in play.
    pub fn slots_active(&self) -> bool {
        self.min_slots > 0
    }

    /// Score lost by a group with `common` shared slots (0 when hard: hard shortfalls are
    /// violations, not score).
    pub fn slot_soft(&self, common: u32) -> f64 {
        if self.slots_active() && !self.slots_hard {
            -self.slots_weight * f64::from(self.min_slots.saturating_sub(common))
        } else {
            0.0
        }
    }
}

fn jaccard(x: &[String], y: &[String]) -> Option<f64> {
    let mut union: Vec<&String> = x.iter().chain(y).collect();
    union.sort();
    union.dedup();
    if union.is_empty() {
        return None;
    }
    let inter = union.iter().filter(|t| x.contains(t) && y.contains(t)).count();
    Some(inter as f64 / union.len() as f64)
}

/// Common slots of a group of cohort members (all slots for an empty group).
pub(crate) fn common_slots(cohort: &Cohort, members: &[usize]) -> SlotSet {
    members.iter().fold(SlotSet::ALL, |acc, &k| acc.and(&cohort.people[k].availability))
}

/// The score of one group of cohort members, as [`score_groups`] (and so `evaluate`) reports it:
/// the pairwise compatibility of its members plus the soft common-slot term. Hard constraints do
/// not enter it.
pub(crate) fn group_score(ctx: &Context, cohort: &Cohort, members: &[usize]) -> f64 {
    let mut s = 0.0;
    for (x, &i) in members.iter().enumerate() {
        for &j in &members[x + 1..] {
            s += ctx.pair_weight(cohort, i, j);
        }
    }
    s + ctx.slot_soft(common_slots(cohort, members).len())
}

/// Scores of groups (lists of cohort indices) recomputed from scratch, and every hard constraint
/// they break, in words.
pub(crate) struct Scored {
    pub scores: Vec<f64>,
    pub violations: Vec<String>,
}

pub(crate) fn score_groups(ctx: &Context, cohort: &Cohort, groups: &[Vec<usize>]) -> Scored {
    let mut where_is = vec![usize::MAX; cohort.people.len()];
    for (g, members) in groups.iter().enumerate() {
        for &k in members {
            where_is[k] = g;
        }
    }
    let name = |k: usize| cohort.people[k].id.as_str();
    let mut scores = Vec::with_capacity(groups.len());
    let mut violations = Vec::new();
    for (g, members) in groups.iter().enumerate() {
        let common = common_slots(cohort, members).len();
        if ctx.slots_active() && ctx.slots_hard && common < ctx.min_slots {
            violations.push(format!(
                "group {} shares {common} weekly slot(s), fewer than min_common_slots = {}",
                g + 1,
                ctx.min_slots
            ));
        }
        for (label, class) in &ctx.classes {
            let inside: Vec<usize> = class.iter().copied().filter(|&k| where_is[k] == g).collect();
            if inside.len() == 1 {
                violations.push(format!("group {}: one member is alone in it with their {label} {ISOLATED}", g + 1));
            }
        }
        scores.push(group_score(ctx, cohort, members));
    }
    // Pairs with someone outside `groups` (e.g. when checking locked groups alone) are skipped.
    let placed = |k: usize| where_is[k] != usize::MAX;
    for &(i, j) in &ctx.apart {
        if placed(i) && placed(j) && where_is[i] == where_is[j] {
            violations.push(format!(
                "{} and {} are in group {} but must be kept apart",
                name(i),
                name(j),
                where_is[i] + 1
            ));
        }
    }
    for &(i, j) in &ctx.together {
        if placed(i) && placed(j) && where_is[i] != where_is[j] {
            violations.push(format!(
                "{} and {} must be kept together but are in groups {} and {}",
                name(i),
                name(j),
                where_is[i] + 1,
                where_is[j] + 1
            ));
        }
    }
    Scored { scores, violations }
}

/// Number of groups and per-group size bounds for `n` people: sizes as even as possible within
/// the range (`floor(n/m)..=ceil(n/m)`).
pub(crate) fn group_shape(n: usize, criteria: &Criteria, locked: usize) -> Result<(usize, u32, u32), FormationError> {
    let range = criteria.group_size;
    if let Some(r) = range
        && (r.min == 0 || r.min > r.max)
    {
        return Err(FormationError::Input(format!(
            "group_size {}-{}: min must be at least 1 and at most max",
            r.min, r.max
        )));
    }
    if n == 0 {
        return Ok((0, 0, 0));
    }
    let m = match criteria.groups {
        Some(total) => {
            let total = total as usize;
            if total <= locked {
                return Err(FormationError::Input(format!(
                    "groups = {total} leaves no group for the {n} people outside the {locked} locked group(s)"
                )));
            }
            let m = total - locked;
            if m > n {
                return Err(FormationError::Input(format!(
                    "groups = {total}: {m} groups for {n} people would leave some empty"
                )));
            }
            if let Some(r) = range {
                let (lo, hi) = (n / m, n.div_ceil(m));
                if (hi as u32) < r.min || (lo as u32) > r.max {
                    return Err(FormationError::Input(format!(
                        "{n} people in {m} groups need groups of {lo}-{hi}, outside group_size {}-{}",
                        r.min, r.max
                    )));
                }
            }
            m
        }
        None => {
            let r = range.unwrap_or(super::criteria::SizeRange { min: 4, max: 6 });
            let (a, b) = (r.min as usize, r.max as usize);
            let fewest = n.div_ceil(b);
            let most = n / a;
            if fewest > most {
                return Err(FormationError::Input(format!(
                    "group size range {a}-{b} is impossible for {n} people: {} group(s) hold at most {}, {} need at least {}",
                    most,
                    most * b,
                    most + 1,
                    (most + 1) * a
                )));
            }
            let ideal = (2.0 * n as f64 / (a + b) as f64).round() as usize;
            ideal.clamp(fewest, most)
        }
    };
    let lo = (n / m) as u32;
    let hi = n.div_ceil(m) as u32;
    Ok((m, lo, hi))
}

/// The pairwise matrix over `free` (cohort indices) with `m` groups of `lo..=hi`.
pub(crate) fn build_instance(
    ctx: &Context,
    cohort: &Cohort,
    free: &[usize],
    m: usize,
    lo: u32,
    hi: u32,
) -> Result<Instance, FormationError> {
    let n = free.len();
    let mut d = vec![0f32; n * n];
    for a in 0..n {
        for b in a + 1..n {
            let w = ctx.pair_weight(cohort, free[a], free[b]) as f32;
            d[a * n + b] = w;
            d[b * n + a] = w;
        }
    }
    Instance::new(n, vec![lo; m], vec![hi; m], d).map_err(|e| FormationError::Input(e.to_string()))
}

/// Groups keyed by a categorical attribute value -> count, for the why.
pub(crate) fn value_counts(cohort: &Cohort, members: &[usize], attr: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for &k in members {
        match cohort.people[k].attributes.get(attr) {
            Some(Value::Category(s)) => *counts.entry(s.clone()).or_insert(0) += 1,
            Some(Value::Tags(t)) => {
                let mut t: Vec<&String> = t.iter().collect();
                t.sort();
                t.dedup();
                for s in t {
                    *counts.entry(s.clone()).or_insert(0) += 1;
                }
            }
            _ => {}
        }
    }
    counts
}
