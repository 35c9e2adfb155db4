//! The public entry points: [`form`] groups a cohort, [`evaluate`] scores a hand-edited grouping.

use std::collections::HashMap;

use serde::Serialize;

use super::cohort::{Cohort, PersonId, Value};
use super::criteria::{Criteria, Mode};
use super::error::FormationError;
use super::model::{self, Compare, Context};
use super::objective::{PeerObjective, Terms};
use crate::mdgp::Partition;
use crate::rng::Rng;
use crate::search::{Objective, Progress, SearchParams, iterated_tabu};

/// How to run [`form`].
#[derive(Clone, Debug, Default)]
pub struct SolveOptions {
    /// Same seed, inputs and iteration budget give the same groups.
    pub seed: u64,
    /// Moves/swaps budget; `None` means `2000 + 40 n` (about a second for 60 people in a debug
    /// build, far less in release). The `stop` callback can end the search sooner.
    pub max_iterations: Option<u64>,
    /// Groups to keep exactly as they are (lists of person ids); everyone else is grouped around
    /// them.
    pub locked: Vec<Vec<PersonId>>,
    /// People placed by hand: each list ends in one group, and no two lists share a group (a
    /// coordinator's move pins a person to the group they were moved to, whatever its number).
    pub pinned: Vec<Vec<PersonId>>,
    /// Where to start: a grouping of everyone outside `locked` (a draft being formed again). It
    /// is used when it fits the criteria's number and sizes of groups, and a random start is
    /// taken otherwise; the search never returns anything it scores lower than its start.
    pub start: Vec<Vec<PersonId>>,
}

/// Something two or more members of a group have in common.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Shared {
    /// Attribute name.
    pub attribute: String,
    /// The shared value or tag.
    pub value: String,
    /// How many members have it.
    pub members: usize,
}

/// The distinct values a group spans in a diverse attribute.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Span {
    /// Attribute name.
    pub attribute: String,
    /// Distinct values, sorted.
    pub values: Vec<String>,
}

/// Why a group is as it is.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Why {
    /// Values and tags held by at least two members, for attributes marked similar.
    pub shared: Vec<Shared>,
    /// Values spanned, for attributes marked diverse.
    pub spans: Vec<Span>,
    /// Weekly slots every member has, as ranges like `Tue 14:00-16:00`.
    pub common_slots: Vec<String>,
    /// Soft preferences this group gives up, and (in [`evaluate`]) hard constraints it breaks.
    pub gives_up: Vec<GivesUp>,
}

/// Something a group gives up, with the attribute it concerns, so that an application can word it
/// in its own terms; `Display` gives the engine's own words.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(into = "String")]
pub enum GivesUp {
    /// A numeric attribute marked similar spans `lo` to `hi`.
    Range { attribute: String, lo: f64, hi: f64 },
    /// A categorical attribute marked similar has several values.
    Mixes { attribute: String, values: Vec<String> },
    /// No tag of an attribute marked similar is held by two members.
    NoShared { attribute: String },
    /// `members` members share `value` of an attribute marked diverse.
    Shares { attribute: String, value: String, members: usize },
    /// No weekly slot every member has.
    NoCommonSlot,
    /// Fewer common weekly slots than asked.
    FewCommonSlots { have: u32, want: u32 },
    /// Two members (by id) were grouped together in an earlier round.
    GroupedBefore { a: PersonId, b: PersonId },
    /// A no-isolated rule this group breaks: exactly one member has `value` of `attribute`
    /// (who it is is not said: such attributes are often identities).
    Isolated { attribute: String, value: String },
    /// A hard constraint this group breaks, in words.
    Breaks(String),
}

impl std::fmt::Display for GivesUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GivesUp::Range { attribute, lo, hi } => write!(f, "{attribute} ranges {lo}-{hi}"),
            GivesUp::Mixes { attribute, values } => write!(f, "mixes {attribute}: {}", values.join(", ")),
            GivesUp::NoShared { attribute } => write!(f, "no shared {attribute}"),
            GivesUp::Shares { attribute, value, members } => write!(f, "{members} members share {attribute} {value}"),
            GivesUp::NoCommonSlot => write!(f, "no common weekly slot"),
            GivesUp::FewCommonSlots { have, want } => write!(f, "only {have} common weekly slot(s), wanted {want}"),
            GivesUp::GroupedBefore { a, b } => write!(f, "{a} and {b} were grouped before"),
            GivesUp::Isolated { attribute, value } => write!(f, "a lone member with {attribute} = {value}"),
            GivesUp::Breaks(words) => write!(f, "{words}"),
        }
    }
}

impl From<GivesUp> for String {
    fn from(g: GivesUp) -> String {
        g.to_string()
    }
}

/// One group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Group {
    /// Member ids, in cohort order.
    pub members: Vec<PersonId>,
    /// Pairwise compatibility plus group-level terms.
    pub score: f64,
    /// Whether it was locked (kept as given).
    pub locked: bool,
    /// The reasons.
    pub why: Why,
}

/// A grouping with its scores and the diagnostics a coordinator should read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Formation {
    /// The groups.
    pub groups: Vec<Group>,
    /// Sum of the group scores.
    pub total_score: f64,
    /// The lowest group score.
    pub worst_group_score: f64,
    /// Overall remarks: groups without a common slot, repeated pairs, broken hard constraints
    /// (only from [`evaluate`]; [`form`] never returns a grouping that breaks one).
    pub diagnostics: Vec<String>,
}

fn resolve_groups(cohort: &Cohort, key: &str, groups: &[Vec<PersonId>]) -> Result<Vec<Vec<usize>>, FormationError> {
    let index: HashMap<&str, usize> = cohort.people.iter().enumerate().map(|(k, p)| (p.id.as_str(), k)).collect();
    let mut seen = vec![false; cohort.people.len()];
    let mut out = Vec::with_capacity(groups.len());
    for (g, members) in groups.iter().enumerate() {
        if members.is_empty() {
            return Err(FormationError::Input(format!("{key}: group {} is empty", g + 1)));
        }
        let mut v = Vec::with_capacity(members.len());
        for id in members {
            let k = *index
                .get(id.as_str())
                .ok_or_else(|| FormationError::UnknownPerson { key: key.to_string(), id: id.clone() })?;
            if seen[k] {
                return Err(FormationError::Input(format!("{key}: {id} appears in more than one group")));
            }
            seen[k] = true;
            v.push(k);
        }
        v.sort_unstable();
        out.push(v);
    }
    Ok(out)
}

/// `start` as an assignment of the free people (by their position in `free`) to `m` groups
/// within `lo..=hi`, or `None` when it is not exactly such a grouping.
fn starting_assignment(
    cohort: &Cohort,
    start: &[Vec<PersonId>],
    free: &[usize],
    m: usize,
    lo: u32,
    hi: u32,
) -> Option<Vec<u32>> {
    if start.len() != m || start.iter().any(|g| g.len() < lo as usize || g.len() > hi as usize) {
        return None;
    }
    let groups = resolve_groups(cohort, "start", start).ok()?;
    let mut assignment = vec![u32::MAX; free.len()];
    let position: HashMap<usize, usize> = free.iter().enumerate().map(|(a, &k)| (k, a)).collect();
    for (g, members) in groups.iter().enumerate() {
        for k in members {
            assignment[*position.get(k)?] = g as u32;
        }
    }
    assignment.iter().all(|&g| g != u32::MAX).then_some(assignment)
}

fn find(parent: &mut [usize], x: usize) -> usize {
    let mut r = x;
    while parent[r] != r {
        r = parent[r];
    }
    let mut y = x;
    while parent[y] != r {
        let next = parent[y];
        parent[y] = r;
        y = next;
    }
    r
}

/// Checks that no grouping is ruled out before searching; names the constraint and the reason.
fn precheck(ctx: &Context, cohort: &Cohort, locked_of: &[Option<usize>], hi: u32) -> Result<(), FormationError> {
    let n = cohort.people.len();
    let id = |k: usize| cohort.people[k].id.as_str();
    let mut parent: Vec<usize> = (0..n).collect();
    for &(a, b) in &ctx.together {
        if locked_of[a] != locked_of[b] {
            let (x, y) = if locked_of[a].is_some() { (a, b) } else { (b, a) };
            return Err(FormationError::Infeasible {
                constraint: format!("keep_together {} + {}", id(a), id(b)),
                reason: format!("{} is in a locked group and {} is not in it", id(x), id(y)),
            });
        }
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        parent[ra] = rb;
    }
    let mut comps: HashMap<usize, Vec<usize>> = HashMap::new();
    for k in 0..n {
        let r = find(&mut parent, k);
        comps.entry(r).or_default().push(k);
    }
    let mut comp_list: Vec<&Vec<usize>> = comps.values().filter(|c| c.len() > 1).collect();
    comp_list.sort();
    for c in comp_list {
        if locked_of[c[0]].is_none() && c.len() as u32 > hi {
            let names: Vec<&str> = c.iter().map(|&k| id(k)).collect();
            return Err(FormationError::Infeasible {
                constraint: "keep_together".to_string(),
                reason: format!("it joins {} people ({}) but groups hold at most {hi}", c.len(), names.join(", ")),
            });
        }
    }
    if ctx.slots_active() && ctx.slots_hard {
        let mut comp_list: Vec<&Vec<usize>> = comps.values().filter(|c| c.len() > 1).collect();
        comp_list.sort();
        for c in comp_list {
            let common = model::common_slots(cohort, c).len();
            if locked_of[c[0]].is_none() && common < ctx.min_slots {
                let names: Vec<&str> = c.iter().map(|&k| id(k)).collect();
                return Err(FormationError::Infeasible {
                    constraint: format!("keep_together {}", names.join(" + ")),
                    reason: format!(
                        "they share only {common} weekly slot(s), fewer than availability.min_common_slots = {}",
                        ctx.min_slots
                    ),
                });
            }
        }
    }
    for &(a, b) in &ctx.apart {
        if find(&mut parent, a) == find(&mut parent, b) {
            return Err(FormationError::Infeasible {
                constraint: format!("keep_apart {} + {}", id(a), id(b)),
                reason: "keep_together pairs (or history) link them into the same group".to_string(),
            });
        }
    }
    for (label, members) in &ctx.classes {
        let free: Vec<usize> = members.iter().copied().filter(|&k| locked_of[k].is_none()).collect();
        if free.len() == 1 {
            return Err(FormationError::Infeasible {
                constraint: format!("no_isolated ({label})"),
                reason: format!(
                    "exactly one person to place has one of the rule's values of {label}, so their group would hold \
                     them alone: remove the value from the rule"
                ),
            });
        }
    }
    if ctx.slots_active() && ctx.slots_hard {
        for (k, p) in cohort.people.iter().enumerate() {
            if locked_of[k].is_none() && p.availability.len() < ctx.min_slots {
                return Err(FormationError::Infeasible {
                    constraint: format!("availability.min_common_slots = {}", ctx.min_slots),
                    reason: format!("{} has only {} available weekly slot(s)", p.id, p.availability.len()),
                });
            }
        }
    }
    Ok(())
}

/// Forms groups. Hard constraints (sizes, keep-apart, keep-together, no-isolated, hard minimum
/// common slots, forbidden repeats, locked groups) hold in every returned formation; when they
/// cannot, the error names the constraint and why.
///
/// `stop` is called now and then with the best objective value so far (for a progress bar: the
/// total or max-min score, minus a large penalty per hard constraint still broken, so it climbs
/// steeply at first) and ends the search early when it returns true. Deterministic for a given seed and budget when
/// `stop` only returns false.
pub fn form(
    cohort: &Cohort,
    criteria: &Criteria,
    options: &SolveOptions,
    stop: &mut dyn FnMut(&Progress) -> bool,
) -> Result<Formation, FormationError> {
    let mut ctx = Context::new(cohort, criteria)?;
    ctx.pin(&resolve_groups(cohort, "pinned", &options.pinned)?);
    let locked = resolve_groups(cohort, "locked", &options.locked)?;
    let n_all = cohort.people.len();
    let mut locked_of = vec![None; n_all];
    for (g, members) in locked.iter().enumerate() {
        for &k in members {
            locked_of[k] = Some(g);
        }
    }
    let locked_check = model::score_groups(&ctx, cohort, &locked);
    if let Some(v) = locked_check.violations.iter().find(|v| !v.contains("must be kept together")) {
        return Err(FormationError::Infeasible {
            constraint: "locked groups".to_string(),
            reason: v.replace("group ", "locked group "),
        });
    }
    let free: Vec<usize> = (0..n_all).filter(|&k| locked_of[k].is_none()).collect();
    let (m, lo, hi) = model::group_shape(free.len(), criteria, locked.len())?;
    precheck(&ctx, cohort, &locked_of, hi)?;
    let mut groups: Vec<Vec<usize>> = locked.clone();
    if !free.is_empty() {
        let n = free.len();
        let inst = model::build_instance(&ctx, cohort, &free, m, lo, hi)?;
        let mut pos = vec![u32::MAX; n_all];
        for (a, &k) in free.iter().enumerate() {
            pos[k] = a as u32;
        }
        let mut terms = Terms {
            apart: vec![Vec::new(); n],
            together: vec![Vec::new(); n],
            classes: vec![Vec::new(); n],
            n_classes: ctx.classes.len(),
            avail: free.iter().map(|&k| cohort.people[k].availability).collect(),
            min_slots: ctx.min_slots,
            slots_hard: ctx.slots_hard,
            slots_weight: ctx.slots_weight,
            goal: ctx.goal,
            penalty: 0.0,
        };
        for (list, pairs) in [(&mut terms.apart, &ctx.apart), (&mut terms.together, &ctx.together)] {
            for &(a, b) in pairs {
                if pos[a] != u32::MAX && pos[b] != u32::MAX {
                    list[pos[a] as usize].push(pos[b]);
                    list[pos[b] as usize].push(pos[a]);
                }
            }
        }
        for (c, (_, members)) in ctx.classes.iter().enumerate() {
            for &k in members {
                if pos[k] != u32::MAX {
                    terms.classes[pos[k] as usize].push(c as u16);
                }
            }
        }
        let max_w = (0..n).flat_map(|i| inst.row(i).iter().map(|w| f64::from(w.abs()))).fold(0.0f64, f64::max);
        terms.penalty =
            1.0 + 4.0 * f64::from(hi) * f64::from(hi) * max_w + 2.0 * ctx.slots_weight * f64::from(ctx.min_slots);
        let mut obj = PeerObjective::new(terms, m);
        let mut rng = Rng::new(options.seed ^ 0xC0_4025);
        let mut part = match starting_assignment(cohort, &options.start, &free, m, lo, hi) {
            Some(start) => Partition::new(&inst, start),
            None => Partition::random(&inst, &mut rng),
        };
        // When a run ends with hard constraints still broken, continue from its best with a fresh
        // seed (twice at most), unless the caller asked to stop.
        let mut asked_stop = false;
        let mut found = None;
        for attempt in 0..3u64 {
            let params = SearchParams {
                seed: options.seed.wrapping_add(attempt.wrapping_mul(0x9E37_79B9)),
                max_iterations: Some(options.max_iterations.unwrap_or(2000 + 40 * n as u64)),
                sample: if n > 600 { 64 } else { 0 },
                ..SearchParams::default()
            };
            let f = iterated_tabu(&mut part, &mut obj, &params, &mut |p| {
                let s = stop(p);
                asked_stop |= s;
                s
            });
            part.reset(&f.assignment);
            obj.reset(&part);
            let done = obj.violations() == 0 || asked_stop;
            found = Some(f);
            if done {
                break;
            }
        }
        let assignment = found.map(|f| f.assignment).unwrap_or_else(|| part.assignment().to_vec());
        let mut new_groups = vec![Vec::new(); m];
        for (a, &g) in assignment.iter().enumerate() {
            new_groups[g as usize].push(free[a]);
        }
        groups.extend(new_groups);
    }
    let scored = model::score_groups(&ctx, cohort, &groups);
    if !scored.violations.is_empty() {
        return Err(FormationError::Unsatisfied(scored.violations));
    }
    let locked_flags: Vec<bool> = (0..groups.len()).map(|g| g < locked.len()).collect();
    Ok(build(&ctx, cohort, criteria, &groups, &locked_flags, scored.scores, Vec::new()))
}

/// Scores a given grouping (for the draft editor: after moving or swapping someone). Every person
/// must be in exactly one group; broken hard constraints and size limits become diagnostics (and
/// appear in the group's `gives_up`) rather than errors.
pub fn evaluate(cohort: &Cohort, criteria: &Criteria, groups: &[Vec<PersonId>]) -> Result<Formation, FormationError> {
    let ctx = Context::new(cohort, criteria)?;
    let idx = resolve_groups(cohort, "groups", groups)?;
    let mut placed = vec![false; cohort.people.len()];
    for &k in idx.iter().flatten() {
        placed[k] = true;
    }
    if let Some(k) = placed.iter().position(|p| !p) {
        return Err(FormationError::Input(format!("{} is in no group", cohort.people[k].id)));
    }
    let scored = model::score_groups(&ctx, cohort, &idx);
    let mut warnings = scored.violations;
    if let Some(r) = criteria.group_size {
        for (g, members) in idx.iter().enumerate() {
            let s = members.len() as u32;
            if s < r.min || s > r.max {
                warnings.push(format!("group {} has {s} members, outside group_size {}-{}", g + 1, r.min, r.max));
            }
        }
    }
    let flags = vec![false; idx.len()];
    Ok(build(&ctx, cohort, criteria, &idx, &flags, scored.scores, warnings))
}

fn build(
    ctx: &Context,
    cohort: &Cohort,
    criteria: &Criteria,
    groups: &[Vec<usize>],
    locked: &[bool],
    scores: Vec<f64>,
    warnings: Vec<String>,
) -> Formation {
    let id = |k: usize| cohort.people[k].id.clone();
    let any_availability = cohort.people.iter().any(|p| !p.availability.is_empty());
    let mut diagnostics = Vec::new();
    let mut out = Vec::with_capacity(groups.len());
    let mut no_slot = Vec::new();
    let mut repeated = 0usize;
    for (g, members) in groups.iter().enumerate() {
        let mut why = Why::default();
        for (rule, spec) in ctx.rules.iter().zip(&criteria.attributes) {
            let Compare::Attr { name, .. } = &rule.compare else {
                continue;
            };
            let numeric: Vec<f64> = members
                .iter()
                .filter_map(|&k| match cohort.people[k].attributes.get(name) {
                    Some(Value::Number(x)) => Some(*x),
                    _ => None,
                })
                .collect();
            if !numeric.is_empty() {
                let lo = numeric.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = numeric.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                match spec.mode {
                    Mode::Similar if hi > lo => why.gives_up.push(GivesUp::Range { attribute: name.clone(), lo, hi }),
                    Mode::Diverse => {
                        why.spans.push(Span { attribute: name.clone(), values: vec![format!("{lo}-{hi}")] })
                    }
                    _ => {}
                }
                continue;
            }
            let counts = model::value_counts(cohort, members, name);
            let is_tags =
                members.iter().any(|&k| matches!(cohort.people[k].attributes.get(name), Some(Value::Tags(_))));
            match spec.mode {
                Mode::Similar => {
                    for (v, &c) in &counts {
                        if c >= 2 {
                            why.shared.push(Shared { attribute: name.clone(), value: v.clone(), members: c });
                        }
                    }
                    if !is_tags && counts.len() > 1 {
                        let values: Vec<String> = counts.keys().cloned().collect();
                        why.gives_up.push(GivesUp::Mixes { attribute: name.clone(), values });
                    }
                    if is_tags && !counts.is_empty() && counts.values().all(|&c| c < 2) {
                        why.gives_up.push(GivesUp::NoShared { attribute: name.clone() });
                    }
                }
                Mode::Diverse => {
                    why.spans.push(Span { attribute: name.clone(), values: counts.keys().cloned().collect() });
                    if !is_tags {
                        for (v, &c) in &counts {
                            if c >= 2 {
                                why.gives_up.push(GivesUp::Shares {
                                    attribute: name.clone(),
                                    value: v.clone(),
                                    members: c,
                                });
                            }
                        }
                    }
                }
            }
        }
        let common = model::common_slots(cohort, members);
        why.common_slots = common.describe();
        if any_availability && common.is_empty() {
            no_slot.push((g + 1).to_string());
            why.gives_up.push(GivesUp::NoCommonSlot);
        } else if ctx.slots_active() && common.len() < ctx.min_slots {
            why.gives_up.push(GivesUp::FewCommonSlots { have: common.len(), want: ctx.min_slots });
        }
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                if ctx.repeats.contains_key(&(i.min(j), i.max(j))) {
                    repeated += 1;
                    why.gives_up.push(GivesUp::GroupedBefore { a: id(i), b: id(j) });
                }
            }
        }
        for (rule, value, class) in ctx.class_rules(criteria) {
            if class.iter().filter(|&&k| members.contains(&k)).count() == 1 {
                why.gives_up.push(GivesUp::Isolated { attribute: rule.to_string(), value: value.to_string() });
            }
        }
        let tag = format!("group {} ", g + 1);
        let tag2 = format!("group {}:", g + 1);
        for w in warnings.iter().filter(|w| !w.ends_with(model::ISOLATED)) {
            if w.starts_with(&tag) || w.starts_with(&tag2) || w.contains(&format!("in group {}", g + 1)) {
                why.gives_up.push(GivesUp::Breaks(w.clone()));
            }
        }
        out.push(Group { members: members.iter().map(|&k| id(k)).collect(), score: scores[g], locked: locked[g], why });
    }
    if !no_slot.is_empty() {
        diagnostics.push(format!("groups with no common weekly slot: {}", no_slot.join(", ")));
    }
    if repeated > 0 {
        diagnostics.push(format!("{repeated} pair(s) were grouped together in an earlier round"));
    }
    if !ctx.unknown_history.is_empty() {
        diagnostics.push(format!(
            "history names {} person(s) not in this cohort (ignored): {}",
            ctx.unknown_history.len(),
            ctx.unknown_history.join(", ")
        ));
    }
    diagnostics.extend(warnings);
    let total_score = scores.iter().sum();
    let worst_group_score = scores.iter().copied().fold(f64::INFINITY, f64::min);
    Formation {
        groups: out,
        total_score,
        worst_group_score: if worst_group_score.is_finite() { worst_group_score } else { 0.0 },
        diagnostics,
    }
}

impl Formation {
    /// A readable Markdown report: each group with its members, score and why, then diagnostics.
    pub fn report_markdown(&self, cohort: &Cohort) -> String {
        use std::fmt::Write;
        let names: HashMap<&str, &str> = cohort.people.iter().map(|p| (p.id.as_str(), p.name.as_str())).collect();
        let mut s = String::new();
        let _ = writeln!(s, "# Groups\n");
        let _ = writeln!(
            s,
            "{} groups, total score {:.2}, worst group {:.2}.\n",
            self.groups.len(),
            self.total_score,
            self.worst_group_score
        );
        for (g, grp) in self.groups.iter().enumerate() {
            let locked = if grp.locked { " (locked)" } else { "" };
            let _ = writeln!(s, "## Group {}{locked} — score {:.2}\n", g + 1, grp.score);
            for m in &grp.members {
                match names.get(m.as_str()) {
                    Some(n) if !n.is_empty() => {
                        let _ = writeln!(s, "- {n} <{m}>");
                    }
                    _ => {
                        let _ = writeln!(s, "- {m}");
                    }
                }
            }
            let w = &grp.why;
            if !w.shared.is_empty() {
                let v: Vec<String> =
                    w.shared.iter().map(|x| format!("{} {} ({})", x.attribute, x.value, x.members)).collect();
                let _ = writeln!(s, "\n**Shared:** {}", v.join("; "));
            }
            for sp in &w.spans {
                let _ = writeln!(s, "\n**Spans {}:** {}", sp.attribute, sp.values.join(", "));
            }
            if !w.common_slots.is_empty() {
                let _ = writeln!(s, "\n**Common times:** {}", w.common_slots.join(", "));
            }
            if !w.gives_up.is_empty() {
                let _ = writeln!(
                    s,
                    "\n**Gives up:** {}",
                    w.gives_up.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
                );
            }
            let _ = writeln!(s);
        }
        if !self.diagnostics.is_empty() {
            let _ = writeln!(s, "## Diagnostics\n");
            for d in &self.diagnostics {
                let _ = writeln!(s, "- {d}");
            }
        }
        s
    }
}
