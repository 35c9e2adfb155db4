//! Debug helper: prints the group sizes of a solved instance next to its bounds.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("path")?;
    let secs: f64 = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(3.0);
    let text = std::fs::read_to_string(path)?;
    let inst = aspire_formation::mdgp::Instance::parse(&text)?;
    let start = std::time::Instant::now();
    let seed: u64 = std::env::args().nth(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let params = aspire_formation::search::SearchParams { seed, ..Default::default() };
    let sol = aspire_formation::mdgp::solve(&inst, &params, &mut |_| start.elapsed().as_secs_f64() > secs)?;
    let mut size = vec![0; inst.m()];
    for &g in &sol.assignment { size[g as usize] += 1; }
    for g in 0..inst.m() { print!("{}<={}<={}  ", inst.lower(g), size[g], inst.upper(g)); }
    println!("\nscore {} iters {}", sol.score, sol.iterations);
    Ok(())
}
