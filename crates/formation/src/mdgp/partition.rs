//! The state: an assignment of elements to groups with cached per-element, per-group sums.

use super::Instance;
use crate::rng::Rng;

/// An assignment of every element to a group, with the gain table
/// `gain[i * m + g] = sum over j in group g of d(i, j)`, the group sizes, each group's internal sum
/// and the total. Scoring a move or a swap is O(1); applying one is O(n).
#[derive(Clone, Debug)]
pub struct Partition<'a> {
    inst: &'a Instance,
    group: Vec<u32>,
    size: Vec<u32>,
    gain: Vec<f64>,
    group_sum: Vec<f64>,
    score: f64,
}

impl<'a> Partition<'a> {
    /// The partition given by `group[i]` (each below `m`); bounds are not checked here (see
    /// [`crate::mdgp::check`]). Builds the gain table in O(n^2).
    ///
    /// # Panics
    /// If `group.len() != n` or a label is not below `m` (a programming error).
    pub fn new(inst: &'a Instance, group: Vec<u32>) -> Partition<'a> {
        let (n, m) = (inst.n(), inst.m());
        assert_eq!(group.len(), n, "assignment length");
        assert!(group.iter().all(|&g| (g as usize) < m), "group label out of range");
        let mut p =
            Partition { inst, group, size: vec![0; m], gain: vec![0.0; n * m], group_sum: vec![0.0; m], score: 0.0 };
        p.rebuild();
        p
    }

    /// A uniformly shuffled assignment that meets every group's bounds: each group first gets its
    /// lower bound, the rest go to random groups with room.
    pub fn random(inst: &'a Instance, rng: &mut Rng) -> Partition<'a> {
        Partition::new(inst, random_assignment(inst, rng))
    }

    /// Replaces the assignment and recomputes every cached sum (O(n^2)).
    pub fn reset(&mut self, group: &[u32]) {
        self.group.copy_from_slice(group);
        self.rebuild();
    }

    fn rebuild(&mut self) {
        let (n, m) = (self.inst.n(), self.inst.m());
        self.size.iter_mut().for_each(|s| *s = 0);
        self.gain.iter_mut().for_each(|s| *s = 0.0);
        for &g in &self.group {
            self.size[g as usize] += 1;
        }
        for i in 0..n {
            let row = self.inst.row(i);
            let gi = &mut self.gain[i * m..(i + 1) * m];
            for (j, &dij) in row.iter().enumerate() {
                gi[self.group[j] as usize] += f64::from(dij);
            }
        }
        self.group_sum.iter_mut().for_each(|s| *s = 0.0);
        for i in 0..n {
            let g = self.group[i] as usize;
            self.group_sum[g] += 0.5 * self.gain[i * m + g];
        }
        self.score = self.group_sum.iter().sum();
    }

    /// The instance.
    pub fn instance(&self) -> &'a Instance {
        self.inst
    }
    /// Group of element `i`.
    #[inline]
    pub fn group_of(&self, i: usize) -> usize {
        self.group[i] as usize
    }
    /// The whole assignment.
    pub fn assignment(&self) -> &[u32] {
        &self.group
    }
    /// Current size of group `g`.
    #[inline]
    pub fn size(&self, g: usize) -> u32 {
        self.size[g]
    }
    /// `sum over j in g of d(i, j)`.
    #[inline]
    pub fn gain(&self, i: usize, g: usize) -> f64 {
        self.gain[i * self.inst.m() + g]
    }
    /// The gain row of element `i` (one entry per group).
    #[inline]
    pub fn gain_row(&self, i: usize) -> &[f64] {
        let m = self.inst.m();
        &self.gain[i * m..(i + 1) * m]
    }
    /// Sum of `d` over the pairs inside group `g`.
    #[inline]
    pub fn group_sum(&self, g: usize) -> f64 {
        self.group_sum[g]
    }
    /// The objective: the sum over groups of their internal sums.
    #[inline]
    pub fn score(&self) -> f64 {
        self.score
    }

    /// Whether moving `i` to `h` keeps both groups within bounds.
    #[inline]
    pub fn can_move(&self, i: usize, h: usize) -> bool {
        let g = self.group[i] as usize;
        g != h && self.size[g] > self.inst.lower(g) && self.size[h] < self.inst.upper(h)
    }

    /// Change of the objective if `i` moves to group `h`. O(1).
    #[inline]
    pub fn move_delta(&self, i: usize, h: usize) -> f64 {
        let m = self.inst.m();
        let g = self.group[i] as usize;
        self.gain[i * m + h] - self.gain[i * m + g]
    }

    /// Change of the objective if `i` and `j` (in different groups) exchange groups. O(1).
    #[inline]
    pub fn swap_delta(&self, i: usize, j: usize) -> f64 {
        let m = self.inst.m();
        let g = self.group[i] as usize;
        let h = self.group[j] as usize;
        self.gain[i * m + h] - self.gain[i * m + g] + self.gain[j * m + g]
            - self.gain[j * m + h]
            - 2.0 * f64::from(self.inst.d(i, j))
    }

    /// Moves `i` to group `h`. O(n).
    pub fn apply_move(&mut self, i: usize, h: usize) {
        let m = self.inst.m();
        let g = self.group[i] as usize;
        if g == h {
            return;
        }
        let gi = self.gain[i * m + g];
        let hi = self.gain[i * m + h];
        self.group_sum[g] -= gi;
        self.group_sum[h] += hi;
        self.score += hi - gi;
        self.size[g] -= 1;
        self.size[h] += 1;
        self.group[i] = h as u32;
        let row = self.inst.row(i);
        for (k, gk) in self.gain.chunks_exact_mut(m).enumerate() {
            let v = f64::from(row[k]);
            gk[g] -= v;
            gk[h] += v;
        }
    }

    /// Exchanges the groups of `i` and `j`. O(n), one pass.
    pub fn apply_swap(&mut self, i: usize, j: usize) {
        let m = self.inst.m();
        let g = self.group[i] as usize;
        let h = self.group[j] as usize;
        if g == h {
            return;
        }
        let dij = f64::from(self.inst.d(i, j));
        let out_g = self.gain[i * m + g];
        let in_h = self.gain[i * m + h] - dij;
        let out_h = self.gain[j * m + h];
        let in_g = self.gain[j * m + g] - dij;
        self.group_sum[g] += in_g - out_g;
        self.group_sum[h] += in_h - out_h;
        self.score += in_g - out_g + in_h - out_h;
        self.group[i] = h as u32;
        self.group[j] = g as u32;
        let ri = self.inst.row(i);
        let rj = self.inst.row(j);
        for (k, gk) in self.gain.chunks_exact_mut(m).enumerate() {
            let v = f64::from(rj[k]) - f64::from(ri[k]);
            gk[g] += v;
            gk[h] -= v;
        }
    }
}

/// A random assignment meeting every group's bounds (see [`Partition::random`]).
///
/// Where bounds leave room, the size profile matters more than membership: with non-negative
/// distances a group of s holds s(s-1)/2 pairs, so the profile is chosen (by dynamic programming)
/// to maximise the number of pairs, ties broken at random; then elements are shuffled into it.
pub fn random_assignment(inst: &Instance, rng: &mut Rng) -> Vec<u32> {
    let (n, m) = (inst.n(), inst.m());
    let sizes = size_profile(inst, rng);
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let mut group = vec![0u32; n];
    let mut next = 0;
    for (g, &s) in sizes.iter().enumerate().take(m) {
        for _ in 0..s {
            group[order[next]] = g as u32;
            next += 1;
        }
    }
    group
}

/// Group sizes within bounds, summing to n, with the most pairs (random tie-break).
fn size_profile(inst: &Instance, rng: &mut Rng) -> Vec<u32> {
    let (n, m) = (inst.n(), inst.m());
    const NONE: f64 = f64::NEG_INFINITY;
    // best[g][t]: most pairs with groups 0..g holding t elements.
    let mut best = vec![NONE; (m + 1) * (n + 1)];
    let mut pick = vec![0u32; (m + 1) * (n + 1)];
    best[0] = 0.0;
    let noise = 0.5 / m as f64;
    for g in 0..m {
        let (lo, hi) = (inst.lower(g) as usize, inst.upper(g) as usize);
        let jitter: Vec<f64> = (lo..=hi).map(|_| noise * rng.unit()).collect();
        for t in 0..=n {
            let v = best[g * (n + 1) + t];
            if v == NONE {
                continue;
            }
            for s in lo..=hi.min(n - t) {
                let w = v + (s * s.saturating_sub(1) / 2) as f64 + jitter[s - lo];
                let cell = (g + 1) * (n + 1) + t + s;
                if w > best[cell] {
                    best[cell] = w;
                    pick[cell] = s as u32;
                }
            }
        }
    }
    let mut sizes = vec![0u32; m];
    let mut t = n;
    for g in (0..m).rev() {
        let s = pick[(g + 1) * (n + 1) + t];
        sizes[g] = s;
        t -= s as usize;
    }
    sizes
}
