//! The MDGP core: incremental sums, bounds, determinism and proven optima.

use std::path::PathBuf;

use aspire_formation::mdgp::{Instance, Partition, check, solve};
use aspire_formation::rng::Rng;
use aspire_formation::search::{Progress, SearchParams};
use proptest::prelude::*;

fn never(_: &Progress) -> bool {
    false
}

/// A random instance with random (feasible) per-group bounds.
fn instance(n: usize, m: usize, seed: u64) -> Instance {
    let mut rng = Rng::new(seed);
    let mut d = vec![0f32; n * n];
    for i in 0..n {
        for j in i + 1..n {
            let v = rng.below(10_000) as f32 / 100.0;
            d[i * n + j] = v;
            d[j * n + i] = v;
        }
    }
    let base = (n / m) as u32;
    let mut lower = vec![0; m];
    let mut upper = vec![0; m];
    for g in 0..m {
        lower[g] = base.saturating_sub(rng.below(2) as u32).max(1);
        upper[g] = base + rng.below(3) as u32;
    }
    // Make sure the bounds can hold n.
    while upper.iter().sum::<u32>() < n as u32 {
        upper[rng.below(m)] += 1;
    }
    Instance::new(n, lower, upper, d).expect("feasible bounds")
}

fn assert_same_state(p: &Partition, inst: &Instance) {
    let fresh = Partition::new(inst, p.assignment().to_vec());
    for i in 0..inst.n() {
        for g in 0..inst.m() {
            assert!((p.gain(i, g) - fresh.gain(i, g)).abs() < 1e-6, "gain({i},{g})");
        }
    }
    for g in 0..inst.m() {
        assert_eq!(p.size(g), fresh.size(g));
        assert!((p.group_sum(g) - fresh.group_sum(g)).abs() < 1e-6);
    }
    assert!((p.score() - fresh.score()).abs() < 1e-6);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Cached sums equal a fresh recomputation after any sequence of moves and swaps, and each
    /// O(1) delta predicts the score change exactly.
    #[test]
    fn cached_sums_match_recomputation(
        n in 4usize..24, m in 2usize..5, seed in any::<u64>(),
        ops in proptest::collection::vec((any::<bool>(), any::<u16>(), any::<u16>()), 1..60),
    ) {
        let m = m.min(n / 2);
        let inst = instance(n, m, seed);
        let mut rng = Rng::new(seed);
        let mut p = Partition::random(&inst, &mut rng);
        for (is_move, a, b) in ops {
            let i = a as usize % n;
            if is_move {
                let h = b as usize % m;
                let before = p.score();
                let delta = p.move_delta(i, h);
                p.apply_move(i, h);
                prop_assert!((p.score() - before - delta).abs() < 1e-6);
            } else {
                let j = b as usize % n;
                if p.group_of(i) == p.group_of(j) { continue; }
                let before = p.score();
                let delta = p.swap_delta(i, j);
                p.apply_swap(i, j);
                prop_assert!((p.score() - before - delta).abs() < 1e-6);
            }
        }
        assert_same_state(&p, &inst);
    }

    /// Solutions respect every bound, the reported score is the checker's, and the same seed gives
    /// the same result under an iteration budget.
    #[test]
    fn solutions_are_feasible_checked_and_reproducible(
        n in 6usize..40, m in 2usize..5, seed in any::<u64>(), run_seed in 0u64..1000,
    ) {
        let inst = instance(n, m.min(n / 3), seed);
        let params = SearchParams { seed: run_seed, max_iterations: Some(300), ..SearchParams::default() };
        let a = solve(&inst, &params, &mut never).expect("feasible");
        let b = solve(&inst, &params, &mut never).expect("feasible");
        prop_assert_eq!(&a.assignment, &b.assignment);
        let checked = check(&inst, &a.assignment).expect("within bounds");
        prop_assert!((checked - a.score).abs() < 1e-9);
        let mut size = vec![0u32; inst.m()];
        for &g in &a.assignment { size[g as usize] += 1; }
        for (g, &s) in size.iter().enumerate() {
            prop_assert!(s >= inst.lower(g) && s <= inst.upper(g));
        }
        // Never worse than where it started.
        let mut rng = Rng::new(run_seed ^ 0x5EED_F00D_CAFE_D00D);
        let start = Partition::random(&inst, &mut rng);
        prop_assert!(a.score >= start.score() - 1e-9);
    }
}

#[test]
fn checker_rejects_bad_assignments() {
    let inst = Instance::parse("4 2 ss 2 2 2 2\n0 1 1\n0 2 2\n0 3 3\n1 2 4\n1 3 5\n2 3 6\n").expect("parse");
    assert_eq!(check(&inst, &[0, 0, 1, 1]).expect("ok"), 1.0 + 6.0);
    assert!(check(&inst, &[0, 0, 0, 1]).unwrap_err().to_string().contains("group 0 has 3"));
    assert!(check(&inst, &[0, 0, 1]).is_err());
    assert!(check(&inst, &[0, 0, 1, 2]).is_err());
}

fn bench_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/mdgp");
    assert!(
        dir.join("best_known.csv").is_file(),
        "MDGP benchmark data not found at {} (shared/ must sit beside the repository)",
        dir.display()
    );
    dir
}

/// The proven optimum of every n = 10 and n = 12 instance, from a small iteration budget.
#[test]
fn proven_optima_on_small_instances() {
    let dir = bench_dir();
    let known = std::fs::read_to_string(dir.join("best_known.csv")).expect("best_known.csv");
    let mut checked = 0;
    for line in known.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (name, n, best) = (f[0], f[2], f[5]);
        if n != "10" && n != "12" {
            continue;
        }
        let family = name.split('_').next().expect("family");
        let path = dir.join("instances").join(family).join(format!("{name}.txt"));
        let text = std::fs::read_to_string(&path).expect("instance file");
        let inst = Instance::parse(&text).expect("parse");
        let best: f64 = best.parse().expect("number");
        let params = SearchParams { seed: 1, max_iterations: Some(1500), ..SearchParams::default() };
        let sol = solve(&inst, &params, &mut never).expect("feasible");
        assert!((sol.score - best).abs() < 1e-2, "{name}: found {} want {best}", sol.score);
        checked += 1;
    }
    assert_eq!(checked, 80);
}

#[test]
fn parallel_runs_return_the_best_seed() {
    let inst = instance(30, 3, 42);
    let params = SearchParams { seed: 7, max_iterations: Some(200), ..SearchParams::default() };
    let par = aspire_formation::mdgp::solve_parallel(&inst, &params, 2, &|_| false).expect("feasible");
    let a = solve(&inst, &params, &mut never).expect("feasible");
    let b = solve(&inst, &SearchParams { seed: 8, ..params.clone() }, &mut never).expect("feasible");
    assert_eq!(par.score, a.score.max(b.score));
    assert_eq!(check(&inst, &par.assignment).expect("feasible"), par.score);
}
