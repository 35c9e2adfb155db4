//! Runs the MDGP solver on MDGPLIB instances and compares with the literature (`best_known.csv`).
//!
//! `cargo run --release -p aspire-formation --features bench --bin mdgp-bench -- [--filter S] [--seeds K]
//!  [--time-scale X] [--threads T] [--out FILE] [--data DIR] [--single]`
//! and the scale mode `--random-n 3000 --random-m 50 --checkpoints 60,600`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use aspire_formation::mdgp::{self, Instance, PopulationParams};
use aspire_formation::search::SearchParams;
use clap::Parser;

#[derive(Parser, Debug)]
#[command(about = "MDGP benchmark against the published best known values")]
struct Args {
    /// Only instances whose name contains this (several: separate with commas, any may match).
    #[arg(long, default_value = "")]
    filter: String,
    /// Independent runs (seeds 1..=K) per instance.
    #[arg(long, default_value_t = 5)]
    seeds: u64,
    /// Multiplies the literature's time limit (0.5 s for n < 120).
    #[arg(long, default_value_t = 1.0)]
    time_scale: f64,
    /// Independent (instance, seed) runs in parallel; each run uses one thread.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// CSV output file.
    #[arg(long, default_value = "mdgp-results.csv")]
    out: PathBuf,
    /// Benchmark folder (with `instances/` and `best_known.csv`, or just MDGPLIB files).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Scale mode: solve one seeded random instance of this many elements.
    #[arg(long)]
    random_n: Option<usize>,
    /// Scale mode: number of groups.
    #[arg(long, default_value_t = 50)]
    random_m: usize,
    /// Scale mode: seconds at which to record the best score; the run lasts until the last one.
    #[arg(long, value_delimiter = ',', default_value = "60,600")]
    checkpoints: Vec<f64>,
    /// Tuning: tabu phase depth as a multiple of n.
    #[arg(long, hide = true)]
    depth: Option<f64>,
    /// Tuning: minimum tabu tenure as a fraction of n/m.
    #[arg(long, hide = true)]
    tenure_min: Option<f64>,
    /// Tuning: tabu tenure span as a fraction of n/m.
    #[arg(long, hide = true)]
    tenure_span: Option<f64>,
    /// Tuning: perturbation strength as a fraction of n.
    #[arg(long, hide = true)]
    strength: Option<f64>,
    /// Tuning: probability of continuing from a worse local optimum.
    #[arg(long, hide = true)]
    accept_worse: Option<f64>,
    /// Tuning: leave single moves out of the tabu phase.
    #[arg(long, hide = true)]
    no_tabu_moves: bool,
    /// One iterated tabu search per run (`mdgp::solve`, the path before 2026-12-05) instead of the
    /// population layer (`mdgp::solve_population`, the default).
    #[arg(long)]
    single: bool,
    /// Tuning: population size at the start.
    #[arg(long, hide = true)]
    pop_size: Option<usize>,
    /// Tuning: share of the time spent building the first population.
    #[arg(long, hide = true)]
    pop_init_share: Option<f64>,
    /// Tuning: share of the time spent improving each child.
    #[arg(long, hide = true)]
    pop_child_share: Option<f64>,
    /// Tuning: keep the population's size instead of shrinking it linearly to 2.
    #[arg(long, hide = true)]
    pop_no_shrink: bool,
    /// Print every run's score and iteration count.
    #[arg(long)]
    verbose: bool,
}

impl Args {
    fn params(&self, seed: u64) -> SearchParams {
        let d = SearchParams::default();
        SearchParams {
            seed,
            depth_factor: self.depth.unwrap_or(d.depth_factor),
            tenure_min: self.tenure_min.unwrap_or(d.tenure_min),
            tenure_span: self.tenure_span.unwrap_or(d.tenure_span),
            strength: self.strength.unwrap_or(d.strength),
            tabu_moves: !self.no_tabu_moves,
            accept_worse: self.accept_worse.unwrap_or(d.accept_worse),
            ..d
        }
    }

    fn population(&self) -> PopulationParams {
        let d = PopulationParams::default();
        PopulationParams {
            size: self.pop_size.unwrap_or(d.size),
            init_share: self.pop_init_share.unwrap_or(d.init_share),
            child_share: self.pop_child_share.unwrap_or(d.child_share),
            shrink: d.shrink && !self.pop_no_shrink,
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Known {
    best_known: Option<f64>,
    tpsdp_mean: Option<f64>,
    time_limit_s: Option<f64>,
}

fn default_data() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        crate_dir.join("../../../shared/bench/mdgp"),
        PathBuf::from("../shared/bench/mdgp"),
        PathBuf::from("../../shared/bench/mdgp"),
        PathBuf::from("../../../shared/bench/mdgp"),
    ];
    for c in &candidates {
        if c.is_dir() {
            return c.clone();
        }
    }
    candidates[0].clone()
}

fn read_known(dir: &Path) -> Result<BTreeMap<String, Known>, String> {
    let path = dir.join("best_known.csv");
    let mut map = BTreeMap::new();
    if !path.exists() {
        return Ok(map);
    }
    let mut rdr = csv::Reader::from_path(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = rdr.headers().map_err(|e| format!("{}: {e}", path.display()))?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (ci, cb, ct, cl) = (col("instance"), col("best_known"), col("tpsdp_mean"), col("time_limit_s"));
    let Some(ci) = ci else {
        return Err(format!("{}: no `instance` column", path.display()));
    };
    for rec in rdr.records() {
        let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
        let num = |c: Option<usize>| c.and_then(|c| rec.get(c)).and_then(|s| s.trim().parse::<f64>().ok());
        map.insert(
            rec.get(ci).unwrap_or_default().to_string(),
            Known { best_known: num(cb), tpsdp_mean: num(ct), time_limit_s: num(cl) },
        );
    }
    Ok(map)
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        if p.is_dir() {
            collect_files(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "txt") {
            out.push(p);
        }
    }
    Ok(())
}

/// The score recomputed in f64 straight from the file's decimal distances (independent of the
/// f32 matrix the solver uses).
fn exact_score(text: &str, assignment: &[u32]) -> f64 {
    let mut total = 0.0;
    for line in text.lines().skip(1) {
        let mut t = line.split_ascii_whitespace();
        if let (Some(a), Some(b), Some(c)) = (t.next(), t.next(), t.next())
            && let (Ok(i), Ok(j), Ok(v)) = (a.parse::<usize>(), b.parse::<usize>(), c.parse::<f64>())
            && assignment[i] == assignment[j]
        {
            total += v;
        }
    }
    total
}

struct Run {
    score: f64,
    feasible: bool,
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        eprintln!("mdgp-bench: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), String> {
    if let Some(n) = args.random_n {
        return scale(n, args.random_m, &args.checkpoints);
    }
    let data = args.data.clone().unwrap_or_else(default_data);
    if !data.is_dir() {
        return Err(format!("benchmark folder {} not found (pass --data DIR)", data.display()));
    }
    let known = read_known(&data)?;
    let inst_dir = if data.join("instances").is_dir() { data.join("instances") } else { data.clone() };
    let mut files = Vec::new();
    collect_files(&inst_dir, &mut files).map_err(|e| format!("{}: {e}", inst_dir.display()))?;
    let mut entries: Vec<(String, PathBuf)> = files
        .into_iter()
        .filter_map(|p| {
            let name = p.file_stem()?.to_string_lossy().into_owned();
            let wanted = args.filter.split(',').any(|f| name.contains(f));
            wanted.then_some((name, p))
        })
        .collect();
    entries.sort();
    if entries.is_empty() {
        return Err(format!("no instance matches {:?}", args.filter));
    }
    // Parse every instance once; the jobs share them.
    let mut instances = Vec::with_capacity(entries.len());
    for (name, path) in &entries {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let inst = Instance::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let k = known.get(name).cloned().unwrap_or_default();
        let base = k.time_limit_s.unwrap_or(if inst.n() < 120 {
            0.5
        } else if inst.n() < 240 {
            3.0
        } else if inst.n() < 480 {
            20.0
        } else {
            120.0
        });
        instances.push((name.clone(), text, inst, k, base * args.time_scale));
    }
    let jobs: Vec<(usize, u64)> = (0..instances.len()).flat_map(|k| (1..=args.seeds).map(move |s| (k, s))).collect();
    let total_s: f64 = jobs.iter().map(|&(k, _)| instances[k].4).sum();
    eprintln!(
        "{} instances x {} seeds = {} runs, about {:.0} s of search on {} thread(s)",
        instances.len(),
        args.seeds,
        jobs.len(),
        total_s,
        args.threads
    );
    let results: Mutex<Vec<Option<Run>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    let next = AtomicUsize::new(0);
    std::thread::scope(|sc| {
        for _ in 0..args.threads.max(1) {
            sc.spawn(|| {
                loop {
                    let idx = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(k, seed)) = jobs.get(idx) else { break };
                    let (_, text, inst, _, limit) = &instances[k];
                    let params = args.params(seed);
                    let start = Instant::now();
                    let deadline = start + Duration::from_secs_f64(*limit);
                    let solved = if !args.single {
                        let pop = args.population();
                        mdgp::solve_population(inst, &params, &pop, &mut |_| start.elapsed().as_secs_f64() / limit)
                    } else {
                        mdgp::solve(inst, &params, &mut |_| Instant::now() >= deadline)
                    };
                    let run = match solved {
                        Ok(sol) => {
                            let exact = exact_score(text, &sol.assignment);
                            let agrees = (exact - sol.score).abs() <= 1e-6 * exact.abs().max(1.0);
                            if args.verbose {
                                eprintln!("{} seed {seed}: {exact:.3} after {} moves", instances[k].0, sol.iterations);
                            }
                            Run { score: exact, feasible: agrees }
                        }
                        Err(_) => Run { score: f64::NAN, feasible: false },
                    };
                    if let Ok(mut r) = results.lock() {
                        r[idx] = Some(run);
                    }
                }
            });
        }
    });
    let results = results.into_inner().map_err(|_| "a worker panicked".to_string())?;
    let mut w = csv::Writer::from_path(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let header = [
        "instance",
        "n",
        "groups",
        "seeds",
        "time_limit_s",
        "best",
        "mean",
        "worst",
        "best_known",
        "tpsdp_mean",
        "gap_best_pct",
        "gap_mean_vs_tpsdp_pct",
        "feasible",
    ];
    w.write_record(header).map_err(|e| e.to_string())?;
    // Per size: (instances, sum gap_best, max gap_best, mean>=tpsdp count, tpsdp count, sum gap_mean, beats best_known, all feasible)
    let mut summary: BTreeMap<usize, Summary> = BTreeMap::new();
    for (k, (name, _, inst, kn, limit)) in instances.iter().enumerate() {
        let runs: Vec<&Run> =
            jobs.iter().zip(&results).filter(|((jk, _), _)| *jk == k).filter_map(|(_, r)| r.as_ref()).collect();
        let feasible = !runs.is_empty() && runs.iter().all(|r| r.feasible);
        let scores: Vec<f64> = runs.iter().map(|r| r.score).collect();
        let best = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let worst = scores.iter().copied().fold(f64::INFINITY, f64::min);
        let mean = scores.iter().sum::<f64>() / scores.len().max(1) as f64;
        let gap_best = kn.best_known.map(|b| 100.0 * (b - best) / b);
        let gap_mean = kn.tpsdp_mean.map(|t| 100.0 * (t - mean) / t);
        let opt = |x: Option<f64>, p: usize| x.map(|v| format!("{v:.p$}")).unwrap_or_default();
        w.write_record([
            name.clone(),
            inst.n().to_string(),
            inst.m().to_string(),
            scores.len().to_string(),
            format!("{limit}"),
            format!("{best:.6}"),
            format!("{mean:.6}"),
            format!("{worst:.6}"),
            opt(kn.best_known, 6),
            opt(kn.tpsdp_mean, 6),
            opt(gap_best, 4),
            opt(gap_mean, 4),
            feasible.to_string(),
        ])
        .map_err(|e| e.to_string())?;
        let s = summary.entry(inst.n()).or_default();
        s.instances += 1;
        s.feasible &= feasible;
        if let Some(g) = gap_best {
            s.gap_n += 1;
            s.gap_sum += g;
            s.gap_max = s.gap_max.max(g);
            if g < -1e-7 {
                s.beats_best_known += 1;
            }
            if g <= 1e-7 {
                s.hits_best_known += 1;
            }
        }
        if let Some(g) = gap_mean {
            s.tp_n += 1;
            s.tp_sum += g;
            if g <= 0.0 {
                s.tp_at_least += 1;
            }
        }
    }
    w.flush().map_err(|e| e.to_string())?;
    for (n, s) in &summary {
        let mut line =
            format!("n={n}: {} instances, best reaches best_known on {}/{}", s.instances, s.hits_best_known, s.gap_n);
        if s.gap_n > 0 {
            line += &format!(", gap_best mean {:.4}% max {:.4}%", s.gap_sum / s.gap_n as f64, s.gap_max);
        }
        if s.beats_best_known > 0 {
            line += &format!(", beats best_known on {}", s.beats_best_known);
        }
        if s.tp_n > 0 {
            line += &format!(
                ", mean >= TPSDP mean on {}/{}, gap_mean_vs_tpsdp mean {:.4}%",
                s.tp_at_least,
                s.tp_n,
                s.tp_sum / s.tp_n as f64
            );
        }
        line += if s.feasible { ", all feasible" } else { ", INFEASIBLE RESULT" };
        println!("{line}");
    }
    eprintln!("wrote {}", args.out.display());
    Ok(())
}

struct Summary {
    instances: usize,
    feasible: bool,
    gap_n: usize,
    gap_sum: f64,
    gap_max: f64,
    hits_best_known: usize,
    beats_best_known: usize,
    tp_n: usize,
    tp_sum: f64,
    tp_at_least: usize,
}

impl Default for Summary {
    fn default() -> Self {
        Summary {
            instances: 0,
            feasible: true,
            gap_n: 0,
            gap_sum: 0.0,
            gap_max: f64::NEG_INFINITY,
            hits_best_known: 0,
            beats_best_known: 0,
            tp_n: 0,
            tp_sum: 0.0,
            tp_at_least: 0,
        }
    }
}

fn scale(n: usize, m: usize, checkpoints: &[f64]) -> Result<(), String> {
    let t0 = Instant::now();
    let inst = Instance::random(n, m, 2026).map_err(|e| e.to_string())?;
    eprintln!(
        "random instance n={n} m={m} (seed 2026) built in {:.1} s; matrix {} MB",
        t0.elapsed().as_secs_f64(),
        n * n * 4 / 1_000_000
    );
    let mut marks: Vec<f64> = checkpoints.to_vec();
    marks.sort_by(f64::total_cmp);
    let end = marks.last().copied().unwrap_or(60.0);
    let mut recorded: Vec<(f64, f64, u64)> = Vec::new();
    let start = Instant::now();
    let params = SearchParams { seed: 1, sample: 64, ..SearchParams::default() };
    let mut next_mark = 0;
    let sol = mdgp::solve(&inst, &params, &mut |p| {
        let t = start.elapsed().as_secs_f64();
        while next_mark < marks.len() && t >= marks[next_mark] {
            recorded.push((marks[next_mark], p.best, p.iterations));
            eprintln!("  {:>6.0} s: best {:.3} after {} moves", marks[next_mark], p.best, p.iterations);
            next_mark += 1;
        }
        t >= end
    })
    .map_err(|e| format!("infeasible result: {e}"))?;
    let last = sol.score;
    println!("scale n={n} m={m}: final (checked) {last:.3} after {} moves", sol.iterations);
    for (t, b, it) in &recorded {
        println!("  at {t:>5.0} s: {b:.3} ({it} moves), {:.4}% below the final score", 100.0 * (last - b) / last);
    }
    Ok(())
}
