//! The search machinery shared by both faces of the engine: an iterated tabu search over the
//! one-move and swap neighbourhoods of a [`Partition`], generic over the objective so that the MDGP
//! (pairwise sums only) pays nothing for the group-level terms of the peer-group model.
//!
//! Published ideas used: the gain table and O(1) move/swap evaluation of the MDGP literature
//! (Gallego et al. 2013; Lai and Hao 2016, "iterated maxima search"); tabu search over the combined
//! one-move + swap neighbourhood with an "element may not return to its group" attribute and
//! randomised tenure (Lai and Hao; Yang et al. 2022, TPSDP); a fast first-improvement descent from
//! the start (and after each perturbation when n > 600); random-swap perturbation whose strength
//! adapts to stagnation, restarting from the best solution when a round does not improve (iterated
//! local search). The start's size profile (where bounds leave room) is chosen by dynamic
//! programming, see [`crate::mdgp::random_assignment`]. For the pure MDGP objective the tabu
//! iteration's scan is pruned by bounds read off the gain table (see `Scan`): the same choice,
//! about five times less work per iteration at n = 240.

use crate::mdgp::Partition;
use crate::rng::Rng;

/// Reported to the caller's stop callback: the run's best objective value so far.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// Moves and swaps applied so far.
    pub iterations: u64,
    /// Best objective value found so far.
    pub best: f64,
}

/// The objective the search maximises, given the partition's cached pairwise sums.
///
/// `pair` passed to the deltas is the change of the pairwise sum (`Partition::move_delta` or
/// `swap_delta`); the objective returns the change of its own value. `on_*` are called after the
/// partition has changed.
pub trait Objective {
    /// The objective value of `part` (called after [`Objective::reset`]).
    fn value(&self, part: &Partition) -> f64;
    /// Change if `i` moves to `h`.
    fn move_delta(&self, part: &Partition, i: usize, h: usize, pair: f64) -> f64;
    /// Change if `i` and `j` exchange groups.
    fn swap_delta(&self, part: &Partition, i: usize, j: usize, pair: f64) -> f64;
    /// `i` has moved from `from` to `to`.
    fn on_move(&mut self, part: &Partition, i: usize, from: usize, to: usize);
    /// `i` (formerly in `gi`) and `j` (formerly in `gj`) have exchanged groups.
    fn on_swap(&mut self, part: &Partition, i: usize, j: usize, gi: usize, gj: usize);
    /// Recompute any cached state from scratch.
    fn reset(&mut self, part: &Partition);
    /// True when the deltas are exactly the pairwise deltas (`move_delta` and `swap_delta` return
    /// `pair`): the tabu scan may then prune by bounds on the gain table.
    fn is_pair_sum(&self) -> bool {
        false
    }
}

/// The MDGP objective: the pairwise sum itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct PairSum;

impl Objective for PairSum {
    #[inline]
    fn value(&self, part: &Partition) -> f64 {
        part.score()
    }
    #[inline]
    fn move_delta(&self, _: &Partition, _: usize, _: usize, pair: f64) -> f64 {
        pair
    }
    #[inline]
    fn swap_delta(&self, _: &Partition, _: usize, _: usize, pair: f64) -> f64 {
        pair
    }
    #[inline]
    fn on_move(&mut self, _: &Partition, _: usize, _: usize, _: usize) {}
    #[inline]
    fn on_swap(&mut self, _: &Partition, _: usize, _: usize, _: usize, _: usize) {}
    fn reset(&mut self, _: &Partition) {}
    #[inline]
    fn is_pair_sum(&self) -> bool {
        true
    }
}

/// Search settings. `Default` gives the tuned values; only `seed` and `max_iterations` usually
/// need setting.
#[derive(Clone, Debug)]
pub struct SearchParams {
    /// The seed: the same seed, instance and iteration budget give the same result.
    pub seed: u64,
    /// Stop after this many applied moves/swaps (a deterministic budget).
    pub max_iterations: Option<u64>,
    /// A tabu phase ends after this many iterations without improving its best, as a multiple
    /// of n (at least 50 iterations).
    pub depth_factor: f64,
    /// Tabu tenure is drawn from `tenure_min..=tenure_min + tenure_span` per move, as fractions
    /// of n/m (the mean group size), at least 1.
    pub tenure_min: f64,
    /// See `tenure_min`.
    pub tenure_span: f64,
    /// Perturbation strength (random swaps) as a fraction of n, before adaptation.
    pub strength: f64,
    /// Probability of continuing from a round's local optimum when it is worse than the best
    /// (otherwise the next round starts from the best).
    pub accept_worse: f64,
    /// Whether the tabu phase also considers single moves (where bounds leave room).
    pub tabu_moves: bool,
    /// Elements examined per tabu iteration when n is large (0 = all). Each examined element is
    /// tried against every other element; keeps iterations O(k n) at n in the thousands.
    pub sample: usize,
}

impl Default for SearchParams {
    fn default() -> Self {
        SearchParams {
            seed: 0,
            max_iterations: None,
            depth_factor: 40.0,
            tenure_min: 0.3,
            tenure_span: 0.5,
            strength: 0.15,
            tabu_moves: true,
            accept_worse: 0.3,
            sample: 0,
        }
    }
}

/// A best-found solution.
#[derive(Clone, Debug)]
pub struct Found {
    /// Element -> group.
    pub assignment: Vec<u32>,
    /// Objective value (as tracked; the MDGP layer re-checks it from scratch).
    pub value: f64,
    /// Moves and swaps applied.
    pub iterations: u64,
}

const EPS: f64 = 1e-9;

#[derive(Clone, Copy)]
enum Step {
    Move(usize, usize),
    Swap(usize, usize),
}

/// The best admissible step of one tabu iteration, ties broken uniformly at random.
struct Pick {
    delta: f64,
    ties: usize,
    step: Option<Step>,
}

impl Pick {
    fn new() -> Self {
        Pick { delta: f64::NEG_INFINITY, ties: 0, step: None }
    }

    #[inline]
    fn offer(&mut self, delta: f64, step: Step, rng: &mut Rng) {
        if delta > self.delta + EPS {
            self.delta = delta;
            self.ties = 1;
            self.step = Some(step);
        } else {
            self.ties += 1;
            if rng.below(self.ties) == 0 {
                self.step = Some(step);
            }
        }
    }
}

/// The tabu iteration's scan for the pure pairwise objective, pruned by bounds on the gain table.
///
/// With `half(i, h) = gain(i, h) - gain(i, own group)`, a swap of `i` (in `g`) and `j` (in `h`) gains
/// `half(i, h) + half(j, g) - 2 d(i, j)`. `best_half[g][h]` (the largest `half(i, h)` over `i` in `g`)
/// bounds every swap between two groups, and `half(i, h) + best_half[h][g]` every swap of one element
/// with a group: group pairs and elements that cannot reach the best admissible delta found so far
/// are skipped. The choice is the same as the full scan's (the best admissible step, ties at random);
/// only the work is less, the more so the nearer the search is to a local optimum.
struct Scan {
    /// Members of group g: `list[start[g]..start[g + 1]]`.
    start: Vec<usize>,
    list: Vec<usize>,
    next: Vec<usize>,
    best_half: Vec<f64>,
    pairs: Vec<(f64, u32, u32)>,
    /// Twice the smallest distance (the least `2 d(i, j)` can take off a swap).
    dmin2: f64,
}

impl Scan {
    fn new(part: &Partition) -> Scan {
        let inst = part.instance();
        let (n, m) = (inst.n(), inst.m());
        let mut dmin = f64::INFINITY;
        for i in 0..n {
            for (j, &d) in inst.row(i).iter().enumerate() {
                if j != i {
                    dmin = dmin.min(f64::from(d));
                }
            }
        }
        let dmin = if dmin.is_finite() { dmin } else { 0.0 };
        Scan {
            start: vec![0; m + 1],
            list: vec![0; n],
            next: vec![0; m],
            best_half: vec![0.0; m * m],
            pairs: Vec::with_capacity(m * m / 2),
            dmin2: 2.0 * dmin,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn scan(
        &mut self,
        part: &Partition,
        own: &[f64],
        tabu: &[u64],
        it: u64,
        cur: f64,
        ls_best: f64,
        moves: bool,
        pick: &mut Pick,
        rng: &mut Rng,
    ) {
        let inst = part.instance();
        let (n, m) = (inst.n(), inst.m());
        self.start.iter_mut().for_each(|s| *s = 0);
        for i in 0..n {
            self.start[part.group_of(i) + 1] += 1;
        }
        for g in 0..m {
            self.start[g + 1] += self.start[g];
        }
        self.next.copy_from_slice(&self.start[..m]);
        let next = &mut self.next;
        self.best_half.iter_mut().for_each(|b| *b = f64::NEG_INFINITY);
        for i in 0..n {
            let g = part.group_of(i);
            self.list[next[g]] = i;
            next[g] += 1;
            let gi = part.gain_row(i);
            let own_i = own[i];
            let bh = &mut self.best_half[g * m..(g + 1) * m];
            for h in 0..m {
                let v = gi[h] - own_i;
                if v > bh[h] {
                    bh[h] = v;
                }
            }
            if moves && part.size(g) > inst.lower(g) {
                for (h, &gih) in gi.iter().enumerate() {
                    if h == g || part.size(h) >= inst.upper(h) {
                        continue;
                    }
                    let delta = gih - own_i;
                    if delta >= pick.delta - EPS && (tabu[i * m + h] <= it || cur + delta > ls_best + EPS) {
                        pick.offer(delta, Step::Move(i, h), rng);
                    }
                }
            }
        }
        self.pairs.clear();
        for g in 0..m {
            for h in g + 1..m {
                let b = self.best_half[g * m + h] + self.best_half[h * m + g] - self.dmin2;
                self.pairs.push((b, g as u32, h as u32));
            }
        }
        self.pairs.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
        for &(b, g, h) in &self.pairs {
            if b < pick.delta - EPS {
                break;
            }
            let (g, h) = (g as usize, h as usize);
            let other = self.best_half[h * m + g] - self.dmin2;
            let (ga, gb) = (self.start[g], self.start[g + 1]);
            let (ha, hb) = (self.start[h], self.start[h + 1]);
            for &i in &self.list[ga..gb] {
                let hi = part.gain(i, h) - own[i];
                if hi + other < pick.delta - EPS {
                    continue;
                }
                let row = inst.row(i);
                let free_i = tabu[i * m + h] <= it;
                for &j in &self.list[ha..hb] {
                    let delta = hi + part.gain(j, g) - own[j] - 2.0 * f64::from(row[j]);
                    if delta >= pick.delta - EPS && ((free_i && tabu[j * m + g] <= it) || cur + delta > ls_best + EPS) {
                        pick.offer(delta, Step::Swap(i, j), rng);
                    }
                }
            }
        }
    }
}

/// Iterated tabu search from the current state of `part`, maximising `obj`.
///
/// `stop` is asked now and then (never more than about every few microseconds of work) and the
/// search ends when it returns true or the iteration budget is spent; at least one local descent is
/// always finished so that the result is a local optimum.
pub fn iterated_tabu<O: Objective>(
    part: &mut Partition,
    obj: &mut O,
    params: &SearchParams,
    stop: &mut dyn FnMut(&Progress) -> bool,
) -> Found {
    let inst = part.instance();
    let (n, m) = (inst.n(), inst.m());
    let mut rng = Rng::new(params.seed);
    obj.reset(part);
    let mut best = part.assignment().to_vec();
    let mut best_val = obj.value(part);
    let mut iters: u64 = 0;
    let budget = params.max_iterations.unwrap_or(u64::MAX);
    if n < 2 || m < 2 {
        return Found { assignment: best, value: best_val, iterations: 0 };
    }
    let mean_size = n as f64 / m as f64;
    let t_min = ((params.tenure_min * mean_size).round() as usize).max(1);
    let t_span = (params.tenure_span * mean_size).round() as usize;
    let depth = ((params.depth_factor * n as f64) as u64).max(50);
    // Ask the stop callback roughly every 20k pair evaluations.
    let check_every = (20_000 / (n * n / 2 + 1)).max(1) as u64;
    let slack = inst.has_slack();
    let tabu_moves = slack && params.tabu_moves;
    let sample = if params.sample == 0 || params.sample >= n { n } else { params.sample };
    let mut tabu = vec![0u64; n * m];
    let mut local = part.assignment().to_vec();
    let mut own = vec![0f64; n];
    let mut order: Vec<usize> = (0..n).collect();
    let base_strength = ((params.strength * n as f64).round() as usize).max(2);
    let mut strength = base_strength;
    let mut progress_asked: u64 = 0;
    let mut scan = (obj.is_pair_sum() && sample == n).then(|| Scan::new(part));

    // First descent: first-improvement swaps and moves until none improves.
    let (applied, halted) = descent(part, obj, &mut rng, &mut order, slack, budget, stop);
    iters += applied;
    let mut stopped = halted;
    if obj.value(part) > best_val + EPS {
        best_val = obj.value(part);
        best.copy_from_slice(part.assignment());
    }

    while !stopped {
        // --- tabu phase ---
        let mut cur = obj.value(part);
        let mut ls_best = cur;
        local.copy_from_slice(part.assignment());
        let mut stall: u64 = 0;
        while stall < depth {
            if iters >= budget {
                stopped = true;
                break;
            }
            progress_asked += 1;
            if progress_asked.is_multiple_of(check_every) {
                let shown = best_val.max(ls_best);
                if stop(&Progress { iterations: iters, best: shown }) {
                    stopped = true;
                    break;
                }
            }
            for (i, o) in own.iter_mut().enumerate() {
                *o = part.gain(i, part.group_of(i));
            }
            let it = iters;
            let mut pick = Pick::new();
            if let Some(ws) = scan.as_mut() {
                ws.scan(part, &own, &tabu, it, cur, ls_best, tabu_moves, &mut pick, &mut rng);
            } else {
                if sample < n {
                    rng.shuffle(&mut order);
                }
                for &i in &order[..sample] {
                    let g = part.group_of(i);
                    let gi = part.gain_row(i);
                    let own_i = own[i];
                    if tabu_moves && part.size(g) > inst.lower(g) {
                        for h in 0..m {
                            if h == g || part.size(h) >= inst.upper(h) {
                                continue;
                            }
                            let delta = obj.move_delta(part, i, h, gi[h] - own_i);
                            if delta >= pick.delta - EPS && (tabu[i * m + h] <= it || cur + delta > ls_best + EPS) {
                                pick.offer(delta, Step::Move(i, h), &mut rng);
                            }
                        }
                    }
                    let row = inst.row(i);
                    let lo = if sample < n { 0 } else { i + 1 };
                    for j in lo..n {
                        let h = part.group_of(j);
                        if h == g {
                            continue;
                        }
                        let pair = gi[h] - own_i + part.gain(j, g) - own[j] - 2.0 * f64::from(row[j]);
                        let delta = obj.swap_delta(part, i, j, pair);
                        if delta >= pick.delta - EPS
                            && ((tabu[i * m + h] <= it && tabu[j * m + g] <= it) || cur + delta > ls_best + EPS)
                        {
                            pick.offer(delta, Step::Swap(i, j), &mut rng);
                        }
                    }
                }
            }
            let best_delta = pick.delta;
            let Some(s) = pick.step else {
                break; // everything tabu: end the phase
            };
            match s {
                Step::Move(i, h) => {
                    let g = part.group_of(i);
                    part.apply_move(i, h);
                    obj.on_move(part, i, g, h);
                    tabu[i * m + g] = it + (t_min + rng.below(t_span + 1)) as u64;
                }
                Step::Swap(i, j) => {
                    let (g, h) = (part.group_of(i), part.group_of(j));
                    part.apply_swap(i, j);
                    obj.on_swap(part, i, j, g, h);
                    tabu[i * m + g] = it + (t_min + rng.below(t_span + 1)) as u64;
                    tabu[j * m + h] = it + (t_min + rng.below(t_span + 1)) as u64;
                }
            }
            iters += 1;
            cur += best_delta;
            if cur > ls_best + EPS {
                ls_best = cur;
                local.copy_from_slice(part.assignment());
                stall = 0;
            } else {
                stall += 1;
            }
        }
        // --- acceptance ---
        if ls_best > best_val + EPS {
            best_val = ls_best;
            best.copy_from_slice(&local);
            strength = base_strength;
        } else {
            strength = (strength + 1).min((n / 4).max(base_strength));
        }
        if stopped {
            break;
        }
        // Continue from this round's local optimum when it is close to the best, else from the best.
        let from_local = ls_best >= best_val - EPS || rng.unit() < params.accept_worse;
        part.reset(if from_local { &local } else { &best });
        obj.reset(part);
        // --- perturbation: random swaps (and moves where bounds allow) ---
        for _ in 0..strength {
            let i = rng.below(n);
            let j = rng.below(n);
            let (g, h) = (part.group_of(i), part.group_of(j));
            if g == h {
                continue;
            }
            if slack && rng.below(2) == 0 && part.can_move(i, h) {
                part.apply_move(i, h);
                obj.on_move(part, i, g, h);
            } else {
                part.apply_swap(i, j);
                obj.on_swap(part, i, j, g, h);
            }
            tabu[i * m + g] = iters + t_min as u64;
        }
        iters += strength as u64;
        if iters >= budget {
            break;
        }
        if n > 600 {
            let (applied, halted) = descent(part, obj, &mut rng, &mut order, slack, budget - iters, stop);
            iters += applied;
            if halted {
                break;
            }
        }
    }
    Found { assignment: best, value: best_val, iterations: iters }
}

/// First-improvement descent: visits elements in random order and applies, for each, the best
/// improving swap (or move) it has, until a full sweep finds none. Returns the moves applied and
/// whether `stop` asked to end the search.
#[allow(clippy::too_many_arguments)]
fn descent<O: Objective>(
    part: &mut Partition,
    obj: &mut O,
    rng: &mut Rng,
    order: &mut [usize],
    slack: bool,
    budget: u64,
    stop: &mut dyn FnMut(&Progress) -> bool,
) -> (u64, bool) {
    let inst = part.instance();
    let check_every = (20_000 / inst.n()).max(1);
    let mut applied = 0u64;
    loop {
        let mut improved = false;
        rng.shuffle(order);
        for (k, &i) in order.iter().enumerate() {
            if applied >= budget {
                return (applied, true);
            }
            if k % check_every == check_every - 1 && stop(&Progress { iterations: applied, best: obj.value(part) }) {
                return (applied, true);
            }
            let g = part.group_of(i);
            let gi = part.gain_row(i);
            let own_i = gi[g];
            let mut best = EPS;
            let mut step = None;
            if slack && part.size(g) > inst.lower(g) {
                for (h, &gih) in gi.iter().enumerate() {
                    if h != g && part.size(h) < inst.upper(h) {
                        let d = obj.move_delta(part, i, h, gih - own_i);
                        if d > best {
                            best = d;
                            step = Some(Step::Move(i, h));
                        }
                    }
                }
            }
            let row = inst.row(i);
            for (j, &dij) in row.iter().enumerate() {
                let h = part.group_of(j);
                if h == g {
                    continue;
                }
                let pair = gi[h] - own_i + part.gain(j, g) - part.gain(j, h) - 2.0 * f64::from(dij);
                let d = obj.swap_delta(part, i, j, pair);
                if d > best {
                    best = d;
                    step = Some(Step::Swap(i, j));
                }
            }
            match step {
                Some(Step::Move(i, h)) => {
                    part.apply_move(i, h);
                    obj.on_move(part, i, g, h);
                }
                Some(Step::Swap(i, j)) => {
                    let h = part.group_of(j);
                    part.apply_swap(i, j);
                    obj.on_swap(part, i, j, g, h);
                }
                None => continue,
            }
            applied += 1;
            improved = true;
        }
        if !improved {
            return (applied, false);
        }
    }
}
