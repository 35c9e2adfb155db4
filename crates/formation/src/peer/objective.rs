//! The peer-group objective for the shared search: the pairwise sum kept by the partition plus
//! group-level terms (common slots, isolation) and hard-constraint penalties, all updated per move.
//!
//! Common slots are scored in O(1) per move with two bitsets per group: `full` (slots every member
//! has) and `almost` (slots all but one have). Removing `i` leaves `(full & a_i) | (almost & !a_i)`;
//! adding `j` leaves `full & a_j`.
//!
//! A hard minimum of common slots needs a gradient, not just "met or not": its violation is graded
//! as `(size - most members free in any one slot) + missing slots`, which reaches 0 exactly when
//! the minimum is met. The busiest-slot count is also updated in O(1) per move, from `top` (slots
//! at the maximum count `mx`) and `next` (slots at `mx - 1`).

use super::criteria::Goal;
use super::slots::{SLOTS, SlotSet};
use crate::mdgp::Partition;
use crate::search::Objective;

/// Per-element data for the group-level terms, in model indices.
#[derive(Clone, Debug, Default)]
pub(crate) struct Terms {
    pub apart: Vec<Vec<u32>>,
    pub together: Vec<Vec<u32>>,
    pub classes: Vec<Vec<u16>>,
    pub n_classes: usize,
    pub avail: Vec<SlotSet>,
    pub min_slots: u32,
    pub slots_hard: bool,
    pub slots_weight: f64,
    pub goal: Goal,
    /// Cost of one hard violation.
    pub penalty: f64,
}

/// Objective state.
pub(crate) struct PeerObjective {
    t: Terms,
    m: usize,
    cnt: Vec<u16>,
    full: Vec<SlotSet>,
    almost: Vec<SlotSet>,
    top: Vec<SlotSet>,
    next: Vec<SlotSet>,
    mx: Vec<u16>,
    class_cnt: Vec<u32>,
    /// Per group: isolated classes, slot shortfall, soft slot score.
    iso: Vec<u32>,
    short: Vec<u32>,
    soft: Vec<f64>,
    pair_viol: i64,
    viol: i64,
    soft_total: f64,
    /// The three groups of lowest score (maxmin), by index.
    low: [usize; 3],
}

#[inline]
fn remove(full: SlotSet, almost: SlotSet, a: SlotSet) -> SlotSet {
    full.and(&a).or(&almost.and_not(&a))
}

impl PeerObjective {
    pub fn new(t: Terms, m: usize) -> PeerObjective {
        PeerObjective {
            cnt: vec![0; m * SLOTS],
            full: vec![SlotSet::EMPTY; m],
            almost: vec![SlotSet::EMPTY; m],
            top: vec![SlotSet::EMPTY; m],
            next: vec![SlotSet::EMPTY; m],
            mx: vec![0; m],
            class_cnt: vec![0; t.n_classes * m],
            iso: vec![0; m],
            short: vec![0; m],
            soft: vec![0.0; m],
            pair_viol: 0,
            viol: 0,
            soft_total: 0.0,
            low: [0; 3],
            m,
            t,
        }
    }

    fn slots_on(&self) -> bool {
        self.t.min_slots > 0
    }

    /// Hard: the graded violation; soft: the number of missing slots.
    fn slot_violation(&self, size: u32, mx: u32, common: u32) -> u32 {
        let missing = self.shortfall(common);
        if self.t.slots_hard { size.saturating_sub(mx) + missing } else { missing }
    }

    /// (common slots, busiest-slot count) of group `g` after `out` leaves and `inn` joins.
    fn slots_after(&self, g: usize, out: Option<&SlotSet>, inn: Option<&SlotSet>) -> (u32, u32) {
        let (mut full, mut top, mut mx) = (self.full[g], self.top[g], u32::from(self.mx[g]));
        if let Some(a) = out {
            full = remove(full, self.almost[g], *a);
            let keep = top.and_not(a);
            if keep.is_empty() {
                top = top.or(&self.next[g].and_not(a));
                mx = mx.saturating_sub(1);
            } else {
                top = keep;
            }
        }
        if let Some(a) = inn {
            full = full.and(a);
            if !top.and(a).is_empty() {
                mx += 1;
            }
        }
        (full.len(), mx)
    }

    fn shortfall(&self, common: u32) -> u32 {
        self.t.min_slots.saturating_sub(common)
    }

    fn soft_of(&self, short: u32) -> f64 {
        if self.t.slots_hard { 0.0 } else { -self.t.slots_weight * f64::from(short) }
    }

    /// Hard violations in the current state (graded for common slots).
    pub fn violations(&self) -> i64 {
        self.viol
    }

    fn group_score(&self, part: &Partition, g: usize) -> f64 {
        part.group_sum(g) + self.soft[g]
    }

    fn refresh_group(&mut self, part: &Partition, g: usize) {
        if self.slots_on() {
            let size = part.size(g) as u16;
            let mut full = SlotSet::EMPTY;
            let mut almost = SlotSet::EMPTY;
            let row = &self.cnt[g * SLOTS..(g + 1) * SLOTS];
            let mx = row.iter().copied().max().unwrap_or(0);
            let (mut top, mut next) = (SlotSet::EMPTY, SlotSet::EMPTY);
            for (s, &c) in row.iter().enumerate() {
                if c == size {
                    full.insert(s);
                } else if c + 1 == size {
                    almost.insert(s);
                }
                if c == mx {
                    top.insert(s);
                } else if c + 1 == mx {
                    next.insert(s);
                }
            }
            self.full[g] = full;
            self.almost[g] = almost;
            self.top[g] = top;
            self.next[g] = next;
            self.mx[g] = mx;
            self.short[g] = self.slot_violation(u32::from(size), u32::from(mx), full.len());
            self.soft[g] = self.soft_of(self.short[g]);
        }
        let m = self.m;
        self.iso[g] = (0..self.t.n_classes).filter(|&c| self.class_cnt[c * m + g] == 1).count() as u32;
    }

    fn totals(&mut self, part: &Partition) {
        let hard_short: i64 = if self.t.slots_hard { self.short.iter().map(|&s| i64::from(s)).sum() } else { 0 };
        self.viol = self.pair_viol + self.iso.iter().map(|&x| i64::from(x)).sum::<i64>() + hard_short;
        self.soft_total = self.soft.iter().sum();
        if self.t.goal == Goal::Maxmin {
            let mut idx: Vec<usize> = (0..self.m).collect();
            idx.sort_by(|&a, &b| self.group_score(part, a).total_cmp(&self.group_score(part, b)));
            for k in 0..3 {
                self.low[k] = idx[k.min(self.m - 1)];
            }
        }
    }

    fn add_counts(&mut self, i: usize, g: usize, sign: i32) {
        let m = self.m;
        if self.slots_on() {
            let a = self.t.avail[i];
            for s in a.iter() {
                let c = &mut self.cnt[g * SLOTS + s];
                *c = (i32::from(*c) + sign) as u16;
            }
        }
        for &c in &self.t.classes[i] {
            let x = &mut self.class_cnt[c as usize * m + g];
            *x = (*x as i32 + sign) as u32;
        }
    }

    /// Change in pair violations when `i` goes from `g` to `h` (and `j`, if any, from `h` to `g`).
    fn pair_viol_delta(&self, part: &Partition, i: usize, j: Option<usize>, g: usize, h: usize) -> i64 {
        let mut dv = 0i64;
        let mut side = |x: usize, other: Option<usize>, from: usize, to: usize| {
            for &p in &self.t.apart[x] {
                let p = p as usize;
                if Some(p) == other {
                    continue;
                }
                let gp = part.group_of(p);
                dv += i64::from(gp == to) - i64::from(gp == from);
            }
            for &p in &self.t.together[x] {
                let p = p as usize;
                if Some(p) == other {
                    continue;
                }
                let gp = part.group_of(p);
                dv += i64::from(gp != to) - i64::from(gp != from);
            }
        };
        side(i, j, g, h);
        if let Some(j) = j {
            side(j, Some(i), h, g);
        }
        dv
    }

    /// Change of the isolation count: `i` from `g` to `h`, `j` (if any) from `h` to `g`.
    fn iso_delta(&self, i: usize, j: Option<usize>, g: usize, h: usize) -> i64 {
        let m = self.m;
        let iso = |x: u32| i64::from(x == 1);
        let mut dv = 0;
        let cj: &[u16] = j.map_or(&[], |j| &self.t.classes[j]);
        let ci = &self.t.classes[i];
        for &c in ci {
            if cj.contains(&c) {
                continue;
            }
            let (a, b) = (self.class_cnt[c as usize * m + g], self.class_cnt[c as usize * m + h]);
            dv += iso(a - 1) - iso(a) + iso(b + 1) - iso(b);
        }
        for &c in cj {
            if ci.contains(&c) {
                continue;
            }
            let (a, b) = (self.class_cnt[c as usize * m + g], self.class_cnt[c as usize * m + h]);
            dv += iso(a + 1) - iso(a) + iso(b - 1) - iso(b);
        }
        dv
    }

    /// Full objective change; `pg`/`ph` are the pairwise changes of groups g and h.
    #[allow(clippy::too_many_arguments)]
    fn change(&self, part: &Partition, i: usize, j: Option<usize>, h: usize, pair: f64, pg: f64, ph: f64) -> f64 {
        let g = part.group_of(i);
        let mut dv = self.pair_viol_delta(part, i, j, g, h);
        if self.t.n_classes > 0 {
            dv += self.iso_delta(i, j, g, h);
        }
        let (mut sg, mut sh) = (0.0, 0.0);
        if self.slots_on() {
            let ai = self.t.avail[i];
            let (sz_g, sz_h) = (part.size(g), part.size(h));
            let ((cg, mg), (ch, mh), ng_size, nh_size) = match j {
                None => {
                    (self.slots_after(g, Some(&ai), None), self.slots_after(h, None, Some(&ai)), sz_g - 1, sz_h + 1)
                }
                Some(j) => {
                    let aj = self.t.avail[j];
                    (self.slots_after(g, Some(&ai), Some(&aj)), self.slots_after(h, Some(&aj), Some(&ai)), sz_g, sz_h)
                }
            };
            let (ng, nh) = (self.slot_violation(ng_size, mg, cg), self.slot_violation(nh_size, mh, ch));
            if self.t.slots_hard {
                dv += i64::from(ng) - i64::from(self.short[g]) + i64::from(nh) - i64::from(self.short[h]);
            } else {
                sg = self.soft_of(ng) - self.soft[g];
                sh = self.soft_of(nh) - self.soft[h];
            }
        }
        let hard = -self.t.penalty * dv as f64;
        match self.t.goal {
            Goal::Total => pair + sg + sh + hard,
            Goal::Maxmin => {
                let cur = self.group_score(part, self.low[0]);
                let new_g = self.group_score(part, g) + pg + sg;
                let new_h = self.group_score(part, h) + ph + sh;
                let other =
                    self.low.iter().find(|&&k| k != g && k != h).map_or(f64::INFINITY, |&k| self.group_score(part, k));
                let new_min = other.min(new_g).min(new_h);
                new_min - cur + self.tie_weight() * (pair + sg + sh) + hard
            }
        }
    }

    fn tie_weight(&self) -> f64 {
        0.01 / self.m as f64
    }
}

impl Objective for PeerObjective {
    fn value(&self, part: &Partition) -> f64 {
        let hard = -self.t.penalty * self.viol as f64;
        let total = part.score() + self.soft_total;
        match self.t.goal {
            Goal::Total => total + hard,
            Goal::Maxmin => self.group_score(part, self.low[0]) + self.tie_weight() * total + hard,
        }
    }

    fn move_delta(&self, part: &Partition, i: usize, h: usize, pair: f64) -> f64 {
        let g = part.group_of(i);
        self.change(part, i, None, h, pair, -part.gain(i, g), part.gain(i, h))
    }

    fn swap_delta(&self, part: &Partition, i: usize, j: usize, pair: f64) -> f64 {
        let (g, h) = (part.group_of(i), part.group_of(j));
        let dij = f64::from(part.instance().d(i, j));
        let pg = part.gain(j, g) - part.gain(i, g) - dij;
        let ph = part.gain(i, h) - part.gain(j, h) - dij;
        self.change(part, i, Some(j), h, pair, pg, ph)
    }

    fn on_move(&mut self, part: &Partition, i: usize, from: usize, to: usize) {
        // Partners other than i did not move, so the delta reads the same after the move.
        self.pair_viol += self.pair_viol_delta(part, i, None, from, to);
        self.add_counts(i, from, -1);
        self.add_counts(i, to, 1);
        self.refresh_group(part, from);
        self.refresh_group(part, to);
        self.totals(part);
    }

    fn on_swap(&mut self, part: &Partition, i: usize, j: usize, gi: usize, gj: usize) {
        self.pair_viol += self.pair_viol_delta(part, i, Some(j), gi, gj);
        self.add_counts(i, gi, -1);
        self.add_counts(i, gj, 1);
        self.add_counts(j, gj, -1);
        self.add_counts(j, gi, 1);
        self.refresh_group(part, gi);
        self.refresh_group(part, gj);
        self.totals(part);
    }

    fn reset(&mut self, part: &Partition) {
        let m = self.m;
        self.cnt.iter_mut().for_each(|c| *c = 0);
        self.class_cnt.iter_mut().for_each(|c| *c = 0);
        for i in 0..self.t.avail.len() {
            self.add_counts(i, part.group_of(i), 1);
        }
        let mut pv = 0i64;
        for i in 0..self.t.avail.len() {
            for &p in &self.t.apart[i] {
                if (p as usize) > i && part.group_of(p as usize) == part.group_of(i) {
                    pv += 1;
                }
            }
            for &p in &self.t.together[i] {
                if (p as usize) > i && part.group_of(p as usize) != part.group_of(i) {
                    pv += 1;
                }
            }
        }
        self.pair_viol = pv;
        for g in 0..m {
            self.refresh_group(part, g);
        }
        self.totals(part);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mdgp::Instance;
    use crate::rng::Rng;
    use proptest::prelude::*;

    fn setup(n: usize, m: usize, seed: u64, goal: Goal, hard: bool) -> (Instance, Terms) {
        let mut rng = Rng::new(seed);
        let mut d = vec![0f32; n * n];
        for i in 0..n {
            for j in i + 1..n {
                let v = rng.below(200) as f32 / 10.0 - 5.0;
                d[i * n + j] = v;
                d[j * n + i] = v;
            }
        }
        let inst = Instance::new(n, vec![1; m], vec![n as u32; m], d).expect("instance");
        let mut t = Terms {
            apart: vec![Vec::new(); n],
            together: vec![Vec::new(); n],
            classes: vec![Vec::new(); n],
            n_classes: 3,
            avail: Vec::new(),
            min_slots: 2,
            slots_hard: hard,
            slots_weight: 1.5,
            goal,
            penalty: 100.0,
        };
        for _ in 0..n / 2 {
            let (a, b) = (rng.below(n), rng.below(n));
            if a != b {
                let list = if rng.below(2) == 0 { &mut t.apart } else { &mut t.together };
                list[a].push(b as u32);
                list[b].push(a as u32);
            }
        }
        for i in 0..n {
            for c in 0..3u16 {
                if rng.below(3) == 0 {
                    t.classes[i].push(c);
                }
            }
            let mut s = SlotSet::EMPTY;
            for slot in [9usize, 10, 33, 34, 100] {
                if rng.below(3) > 0 {
                    s.insert(slot);
                }
            }
            t.avail.push(s);
        }
        (inst, t)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Tracked value and predicted deltas equal a from-scratch recomputation after random moves
        /// and swaps, for both objectives and both slot modes.
        #[test]
        fn peer_objective_tracks_recomputation(
            n in 4usize..16, m in 2usize..4, seed in any::<u64>(), maxmin in any::<bool>(),
            hard in any::<bool>(),
            ops in proptest::collection::vec((any::<bool>(), any::<u16>(), any::<u16>()), 1..40),
        ) {
            let goal = if maxmin { Goal::Maxmin } else { Goal::Total };
            let (inst, t) = setup(n, m, seed, goal, hard);
            let mut rng = Rng::new(seed);
            let group: Vec<u32> = (0..n).map(|i| (i % m) as u32).collect();
            let _ = &mut rng;
            let mut part = Partition::new(&inst, group);
            let mut obj = PeerObjective::new(t.clone(), m);
            obj.reset(&part);
            for (is_move, a, b) in ops {
                let i = a as usize % n;
                let g = part.group_of(i);
                let before = obj.value(&part);
                if is_move {
                    let h = b as usize % m;
                    if h == g || part.size(g) <= 1 { continue; }
                    let pred = obj.move_delta(&part, i, h, part.move_delta(i, h));
                    part.apply_move(i, h);
                    obj.on_move(&part, i, g, h);
                    prop_assert!((obj.value(&part) - before - pred).abs() < 1e-6, "move delta");
                } else {
                    let j = b as usize % n;
                    let h = part.group_of(j);
                    if g == h { continue; }
                    let pred = obj.swap_delta(&part, i, j, part.swap_delta(i, j));
                    part.apply_swap(i, j);
                    obj.on_swap(&part, i, j, g, h);
                    prop_assert!((obj.value(&part) - before - pred).abs() < 1e-6, "swap delta");
                }
                let mut fresh = PeerObjective::new(t.clone(), m);
                fresh.reset(&part);
                prop_assert_eq!(fresh.violations(), obj.violations());
                prop_assert!((fresh.value(&part) - obj.value(&part)).abs() < 1e-6);
            }
        }
    }
}
