//! A population layer over the iterated tabu search (TPSDP-like, Yang et al. 2022): a few solutions
//! each improved by a short iterated tabu search, then repeatedly two parents, a group-based
//! crossover, a repair of the size bounds by gains, a short improvement of the child, and the
//! child replaces the worst member when it is better and not a copy (same value) of a member.
//!
//! Budgets are shares of the caller's budget, read through `progress`, which returns the fraction
//! of the budget used so far (1 or more ends the run): a clock in the bench, a move count in tests
//! (then the run is deterministic for a seed).

use super::{Instance, Partition, Solution, Violation, check, random_assignment};
use crate::rng::Rng;
use crate::search::{PairSum, Progress, SearchParams, iterated_tabu};

/// Population settings. `Default` gives the values used by the bench.
#[derive(Clone, Debug)]
pub struct PopulationParams {
    /// Members built at the start.
    pub size: usize,
    /// Share of the whole budget spent building the first members (split evenly among them).
    pub init_share: f64,
    /// Share of the whole budget spent improving each child.
    pub child_share: f64,
    /// Shrink the population linearly to 2 members over the run (TPSDP's dynamic size).
    pub shrink: bool,
}

impl Default for PopulationParams {
    fn default() -> Self {
        PopulationParams { size: 10, init_share: 0.3, child_share: 0.03, shrink: true }
    }
}

struct Member {
    assignment: Vec<u32>,
    value: f64,
}

/// Solves `inst` with a population of iterated tabu searches. `progress` returns the fraction of
/// the budget used (see the module notes); the result is re-checked like [`super::solve`]'s.
pub fn solve_population(
    inst: &Instance,
    params: &SearchParams,
    pop: &PopulationParams,
    progress: &mut dyn FnMut(&Progress) -> f64,
) -> Result<Solution, Violation> {
    let mut rng = Rng::new(params.seed ^ 0x9E37_79B9_7F4A_7C15);
    let size = pop.size.max(2);
    let mut members: Vec<Member> = Vec::with_capacity(size);
    let mut iterations: u64 = 0;
    let mut best_val = f64::NEG_INFINITY;
    let mut used = progress(&Progress { iterations: 0, best: best_val });
    let init_each = pop.init_share / size as f64;

    // Improves `start` by iterated tabu until `until` (a fraction of the budget) and returns it.
    let mut improve = |start: Vec<u32>, until: f64, rng: &mut Rng, iterations: &mut u64, best_val: &mut f64| {
        let mut part = Partition::new(inst, start);
        let p = SearchParams { seed: rng.next_u64(), ..params.clone() };
        let base = *iterations;
        let shown = *best_val;
        let mut last = 0.0;
        let found = iterated_tabu(&mut part, &mut PairSum, &p, &mut |pr| {
            last = progress(&Progress { iterations: base + pr.iterations, best: shown.max(pr.best) });
            last >= until
        });
        *iterations += found.iterations;
        *best_val = best_val.max(found.value);
        // Asked once more: a search too small to consult `stop` must still move the budget on.
        last = progress(&Progress { iterations: *iterations, best: *best_val });
        (Member { assignment: found.assignment, value: found.value }, last)
    };

    while members.len() < size && used < 1.0 {
        let until = (used + init_each).min(1.0);
        let (member, at) = improve(random_assignment(inst, &mut rng), until, &mut rng, &mut iterations, &mut best_val);
        used = at.max(used);
        members.push(member);
    }
    let mut crossover = Crossover::new(inst);
    while used < 1.0 && members.len() >= 2 {
        if pop.shrink {
            let target = (size as f64 - (size as f64 - 2.0) * used).round().max(2.0) as usize;
            while members.len() > target {
                let worst = worst_index(&members);
                members.swap_remove(worst);
            }
        }
        let a = rng.below(members.len());
        let mut b = rng.below(members.len() - 1);
        if b >= a {
            b += 1;
        }
        let child = crossover.child(&members[a].assignment, &members[b].assignment, &mut rng);
        let until = (used + pop.child_share).min(1.0);
        let (child, at) = improve(child, until, &mut rng, &mut iterations, &mut best_val);
        used = at.max(used);
        let worst = worst_index(&members);
        let copy = members.iter().any(|m| (m.value - child.value).abs() <= 1e-6 * child.value.abs().max(1.0));
        if !copy && child.value > members[worst].value {
            members[worst] = child;
        }
    }
    let best = members
        .into_iter()
        .max_by(|x, y| x.value.total_cmp(&y.value))
        .ok_or(Violation::Length { got: 0, want: inst.n() })?;
    let score = check(inst, &best.assignment)?;
    Ok(Solution { assignment: best.assignment, score, iterations })
}

fn worst_index(members: &[Member]) -> usize {
    let mut worst = 0;
    for (k, m) in members.iter().enumerate() {
        if m.value < members[worst].value {
            worst = k;
        }
    }
    worst
}

const UNPLACED: u32 = u32::MAX;

/// The group-based crossover and its repair, with scratch space reused between children.
struct Crossover<'a> {
    inst: &'a Instance,
    child: Vec<u32>,
    /// `gain[e * m + g]`: sum of `d(e, j)` over the elements `j` placed in child group `g`.
    gain: Vec<f64>,
    size: Vec<u32>,
}

impl<'a> Crossover<'a> {
    fn new(inst: &'a Instance) -> Self {
        let (n, m) = (inst.n(), inst.m());
        Crossover { inst, child: vec![UNPLACED; n], gain: vec![0.0; n * m], size: vec![0; m] }
    }

    fn place(&mut self, e: usize, g: usize) {
        let m = self.inst.m();
        self.child[e] = g as u32;
        self.size[g] += 1;
        for (k, &d) in self.inst.row(e).iter().enumerate() {
            self.gain[k * m + g] += f64::from(d);
        }
    }

    fn unplace(&mut self, e: usize) {
        let m = self.inst.m();
        let g = self.child[e] as usize;
        self.child[e] = UNPLACED;
        self.size[g] -= 1;
        for (k, &d) in self.inst.row(e).iter().enumerate() {
            self.gain[k * m + g] -= f64::from(d);
        }
    }

    /// A feasible child of `pa` and `pb`: the parents take turns giving their group with the largest
    /// internal sum over the elements not yet placed; each such group goes to a free child label whose
    /// bounds fit it (its own label when possible); the rest is placed by gains within the bounds.
    fn child(&mut self, pa: &[u32], pb: &[u32], rng: &mut Rng) -> Vec<u32> {
        let inst = self.inst;
        let (n, m) = (inst.n(), inst.m());
        self.child.iter_mut().for_each(|c| *c = UNPLACED);
        self.gain.iter_mut().for_each(|g| *g = 0.0);
        self.size.iter_mut().for_each(|s| *s = 0);
        let mut label_free = vec![true; m];
        let mut taken = [vec![false; m], vec![false; m]];
        let first = rng.below(2);
        let mut members: Vec<usize> = Vec::with_capacity(n);
        for step in 0..m {
            let side = (first + step) % 2;
            let parent = if side == 0 { pa } else { pb };
            // The parent's untaken group with the largest sum over unplaced pairs.
            let mut pick: Option<(f64, usize)> = None;
            for (g, &done) in taken[side].iter().enumerate() {
                if done {
                    continue;
                }
                members.clear();
                members.extend((0..n).filter(|&e| parent[e] as usize == g && self.child[e] == UNPLACED));
                let mut sum = 0.0;
                for (x, &i) in members.iter().enumerate() {
                    let row = inst.row(i);
                    for &j in &members[x + 1..] {
                        sum += f64::from(row[j]);
                    }
                }
                if pick.is_none_or(|(s, _)| sum > s) {
                    pick = Some((sum, g));
                }
            }
            let Some((_, g)) = pick else { break };
            taken[side][g] = true;
            members.clear();
            members.extend((0..n).filter(|&e| parent[e] as usize == g && self.child[e] == UNPLACED));
            let len = members.len() as u32;
            // Its own label if free and fitting, else a free label that fits, else the free label
            // with the largest upper bound (the surplus stays unplaced).
            let fits = |h: usize| inst.lower(h) <= len && len <= inst.upper(h);
            let label = if label_free[g] && fits(g) {
                Some(g)
            } else {
                (0..m).filter(|&h| label_free[h] && fits(h)).min_by_key(|&h| inst.upper(h)).or_else(|| {
                    (0..m)
                        .filter(|&h| label_free[h] && inst.upper(h) >= len)
                        .min_by_key(|&h| inst.upper(h))
                        .or_else(|| (0..m).filter(|&h| label_free[h]).max_by_key(|&h| inst.upper(h)))
                })
            };
            let Some(h) = label else { break };
            label_free[h] = false;
            rng.shuffle(&mut members);
            for &e in members.iter().take(inst.upper(h) as usize) {
                self.place(e, h);
            }
        }
        self.repair(rng);
        self.child.clone()
    }

    /// Places every unplaced element and meets every lower bound, greedily by gains.
    fn repair(&mut self, rng: &mut Rng) {
        let inst = self.inst;
        let (n, m) = (inst.n(), inst.m());
        let mut pool: Vec<usize> = (0..n).filter(|&e| self.child[e] == UNPLACED).collect();
        rng.shuffle(&mut pool);
        let deficit = |size: &[u32]| -> u32 { (0..m).map(|g| inst.lower(g).saturating_sub(size[g])).sum() };
        for (k, &e) in pool.iter().enumerate() {
            let left = (pool.len() - k) as u32;
            // With as many elements left as places missing, only groups below their lower bound.
            let must_fill = left <= deficit(&self.size);
            let mut best: Option<(f64, usize)> = None;
            for g in 0..m {
                let open = self.size[g] < inst.upper(g) && (!must_fill || self.size[g] < inst.lower(g));
                if open && best.is_none_or(|(v, _)| self.gain[e * m + g] > v) {
                    best = Some((self.gain[e * m + g], g));
                }
            }
            if let Some((_, g)) = best {
                self.place(e, g);
            }
        }
        // Still short somewhere (when the copied groups hold more than the lower bounds leave):
        // move in the element that loses least from a group above its lower bound.
        while let Some(g) = (0..m).find(|&g| self.size[g] < inst.lower(g)) {
            let mut best: Option<(f64, usize)> = None;
            for e in 0..n {
                let c = self.child[e];
                if c == UNPLACED {
                    continue;
                }
                let c = c as usize;
                if c != g && self.size[c] > inst.lower(c) {
                    let delta = self.gain[e * m + g] - self.gain[e * m + c];
                    if best.is_none_or(|(v, _)| delta > v) {
                        best = Some((delta, e));
                    }
                }
            }
            let Some((_, e)) = best else { break };
            self.unplace(e);
            self.place(e, g);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instance(n: usize, lower: Vec<u32>, upper: Vec<u32>, seed: u64) -> Instance {
        let mut rng = Rng::new(seed);
        let mut d = vec![0f32; n * n];
        for i in 0..n {
            for j in i + 1..n {
                let v = rng.below(1000) as f32 / 10.0;
                d[i * n + j] = v;
                d[j * n + i] = v;
            }
        }
        Instance::new(n, lower, upper, d).expect("valid instance")
    }

    #[test]
    fn children_are_feasible() {
        let inst = instance(40, vec![3, 5, 2, 6, 4], vec![9, 8, 10, 9, 12], 3);
        let mut rng = Rng::new(5);
        let mut cross = Crossover::new(&inst);
        for _ in 0..200 {
            let a = random_assignment(&inst, &mut rng);
            let b = random_assignment(&inst, &mut rng);
            let c = cross.child(&a, &b, &mut rng);
            assert!(check(&inst, &c).is_ok(), "{:?}", check(&inst, &c));
        }
    }

    #[test]
    fn deterministic_under_a_move_budget_and_feasible() {
        let inst = instance(30, vec![4, 5, 6], vec![9, 11, 12], 9);
        let params = SearchParams { seed: 4, ..SearchParams::default() };
        let pop = PopulationParams { size: 4, ..PopulationParams::default() };
        let run = || {
            solve_population(&inst, &params, &pop, &mut |p: &Progress| p.iterations as f64 / 20_000.0)
                .expect("feasible")
        };
        let (a, b) = (run(), run());
        assert_eq!(a.assignment, b.assignment);
        assert!(check(&inst, &a.assignment).is_ok());
    }
}
