//! Times `form` on a synthetic cohort: `cargo run --release -p aspire-formation --example
//! peer_scale -- [PEOPLE] [GROUPS] [SECONDS] [THREADS]` (defaults 60 people, 10 groups, 60 s at
//! most, one thread; more threads run independent searches at once and keep the best).

use std::time::Instant;

use aspire_formation::peer::{Cohort, Criteria, Person, SolveOptions, form_parallel, parse_availability};
use aspire_formation::rng::Rng;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).map_or(Ok(60), |s| s.parse())?;
    let m: u32 = args.get(2).map_or(Ok(10), |s| s.parse())?;
    let secs: f64 = args.get(3).map_or(Ok(60.0), |s| s.parse())?;
    let threads: usize = args.get(4).map_or(Ok(1), |s| s.parse())?;
    let mut rng = Rng::new(7);
    let depts = ["Surgery", "Medicine", "Nursing", "Pharmacy", "Public Health", "Radiology"];
    let stages = ["early", "mid", "senior"];
    let topics = ["ml", "genomics", "imaging", "ethics", "trials", "education", "policy", "global health"];
    let slots = ["Mon 09-12", "Tue 13-17", "Wed 09-11", "Thu 14-16", "Fri 10-12"];
    let people: Vec<Person> = (0..n)
        .map(|k| {
            let t1 = topics[rng.below(topics.len())];
            let t2 = topics[rng.below(topics.len())];
            let mut avail = String::new();
            for s in slots {
                if rng.below(2) == 0 {
                    avail += s;
                    avail += ";";
                }
            }
            avail += slots[rng.below(slots.len())];
            Person::new(format!("p{k}@example.org"), format!("Person {k}"))
                .category("department", depts[rng.below(depts.len())])
                .category("career_stage", stages[rng.below(stages.len())])
                .category("gender", if rng.below(4) == 0 { "woman" } else { "man" })
                .tags("interests", &[t1, t2])
                .available(parse_availability(&avail).unwrap_or_default())
        })
        .collect();
    let cohort = Cohort::new(people);
    let criteria = Criteria::from_toml(&format!(
        r#"
        groups = {m}
        [[attribute]]
        name = "department"
        mode = "diverse"
        weight = 2.0
        [[attribute]]
        name = "career_stage"
        mode = "similar"
        [[attribute]]
        name = "interests"
        mode = "similar"
        weight = 1.5
        [[no_isolated]]
        attribute = "gender"
        values = ["woman"]
        [availability]
        min_common_slots = 1
        hard = false
        weight = 5.0
        "#
    ))?;
    let start = Instant::now();
    let options = SolveOptions {
        seed: 1,
        max_iterations: if n <= 200 { None } else { Some(u64::MAX) },
        ..SolveOptions::default()
    };
    let f = form_parallel(&cohort, &criteria, &options, threads, &mut |_| start.elapsed().as_secs_f64() > secs)?;
    println!(
        "{n} people in {} groups, {threads} thread(s): total {:.1}, worst group {:.1}, {:.2} s; {}",
        f.groups.len(),
        f.total_score,
        f.worst_group_score,
        start.elapsed().as_secs_f64(),
        f.diagnostics.join("; ")
    );
    Ok(())
}
