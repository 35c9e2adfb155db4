//! `aspire form`: groups from a roster spreadsheet, with nothing else set up.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::domain::spreadsheet::SafeCsv;
use anyhow::{Context, bail};
use aspire_formation::peer::SizeRange;
use aspire_formation::{Cohort, Criteria, Formation, Progress, SolveOptions, form_parallel};
use indicatif::{ProgressBar, ProgressStyle};

use crate::domain::cohort::{add_identities, cohort_of, default_criteria_for};
use crate::domain::roster::parse_roster;

pub struct FormArgs {
    pub roster: PathBuf,
    pub criteria: Option<PathBuf>,
    pub size: Option<String>,
    pub seed: u64,
    pub time_limit: Option<String>,
    pub out: PathBuf,
    pub report: Option<PathBuf>,
    /// Independent searches run at once (0: one per core).
    pub threads: usize,
}

/// "5-7" -> 5..=7, with a message that says how to write it.
pub fn parse_size(text: &str) -> anyhow::Result<SizeRange> {
    let bad = || anyhow::anyhow!("--size '{text}' is not a size range: write it like 5-7 (smallest-largest group)");
    let (min, max) = text.split_once('-').ok_or_else(bad)?;
    let min: u32 = min.trim().parse().map_err(|_| bad())?;
    let max: u32 = max.trim().parse().map_err(|_| bad())?;
    if min < 2 || min > max {
        bail!("--size {text}: the smallest group must be at least 2 and no larger than the largest");
    }
    Ok(SizeRange { min, max })
}

/// "30s", "2m", "500ms" or a bare number of seconds.
pub fn parse_duration(text: &str) -> anyhow::Result<Duration> {
    let text = text.trim();
    let bad = || anyhow::anyhow!("--time-limit '{text}' is not a duration: write it like 30s, 2m or 500ms");
    let (number, unit) = text.find(|c: char| !c.is_ascii_digit() && c != '.').map_or((text, "s"), |i| text.split_at(i));
    let value: f64 = number.parse().map_err(|_| bad())?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" | "" => value,
        "m" | "min" => value * 60.0,
        _ => return Err(bad()),
    };
    if !(seconds > 0.0 && seconds < 86_400.0) {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(seconds))
}

fn read_criteria(path: &Path) -> anyhow::Result<Criteria> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read the criteria file {}", path.display()))?;
    Criteria::from_toml(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// The roster columns a criteria file names besides the profile's: its own attributes and the
/// attributes of its no-isolated rules (such as `gender` or `underrepresented`).
fn named_columns(criteria: &Criteria) -> Vec<String> {
    const PROFILE: [&str; 6] = ["department", "division", "discipline", "career_rank", "career_stage", "interests"];
    let mut names: Vec<String> = criteria
        .attributes
        .iter()
        .map(|r| r.name.clone())
        .chain(criteria.no_isolated.iter().map(|r| r.attribute.clone()))
        .filter(|name| !PROFILE.contains(&name.as_str()))
        .collect();
    names.sort();
    names.dedup();
    names
}

pub fn run(args: FormArgs) -> anyhow::Result<()> {
    let bytes =
        std::fs::read(&args.roster).with_context(|| format!("cannot read the roster {}", args.roster.display()))?;
    let file_criteria = args.criteria.as_deref().map(read_criteria).transpose()?;
    let columns = file_criteria.as_ref().map(named_columns).unwrap_or_default();
    let column_names: Vec<&str> = columns.iter().map(String::as_str).collect();
    let rows = parse_roster(&bytes, &column_names).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(|p| format!("  {}: {p}", args.roster.display())).collect();
        anyhow::anyhow!("the roster has {} problem(s); fix them and run again:\n{}", problems.len(), lines.join("\n"))
    })?;
    let extra: Vec<(String, String, String)> = rows
        .iter()
        .flat_map(|r| r.extra.iter().map(|(name, value)| (r.profile.email.clone(), name.clone(), value.clone())))
        .collect();
    let profiles: Vec<_> = rows.into_iter().map(|r| r.profile).collect();
    let mut cohort = cohort_of(&profiles);
    add_identities(&mut cohort, &extra);
    let mut criteria = file_criteria.unwrap_or_else(|| default_criteria_for(&cohort));
    if let Some(size) = &args.size {
        criteria.group_size = Some(parse_size(size)?);
        criteria.groups = None;
    }
    let limit = args.time_limit.as_deref().map(parse_duration).transpose()?;
    let formation = solve(&cohort, &criteria, args.seed, limit, args.threads)?;

    write_groups(&args.out, &formation, &cohort, &profiles)?;
    println!(
        "{} people in {} groups; total score {:.2}, worst group {:.2}. Wrote {}.",
        cohort.people.len(),
        formation.groups.len(),
        formation.total_score,
        formation.worst_group_score,
        args.out.display()
    );
    if let Some(report) = &args.report {
        std::fs::write(report, formation.report_markdown(&cohort))
            .with_context(|| format!("cannot write the report {}", report.display()))?;
        println!("Wrote the report with each group's why to {}.", report.display());
    }
    for diagnostic in &formation.diagnostics {
        println!("note: {diagnostic}");
    }
    Ok(())
}

/// Runs the engine with a progress bar showing the best score so far.
fn solve(
    cohort: &Cohort,
    criteria: &Criteria,
    seed: u64,
    limit: Option<Duration>,
    threads: usize,
) -> anyhow::Result<Formation> {
    let bar = match limit {
        Some(limit) => {
            let bar = ProgressBar::new(limit.as_millis().try_into().unwrap_or(u64::MAX));
            bar.set_style(
                ProgressStyle::with_template("{spinner} forming groups [{bar:30}] {elapsed}/{duration} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        }
        None => ProgressBar::new_spinner().with_message("forming groups"),
    };
    let started = Instant::now();
    let options = SolveOptions {
        seed,
        // With a time limit the search runs until it; without, the engine's own budget keeps
        // the result reproducible for a seed.
        max_iterations: limit.map(|_| u64::MAX),
        ..SolveOptions::default()
    };
    let mut stop = |progress: &Progress| {
        let elapsed = started.elapsed();
        bar.set_position(elapsed.as_millis().try_into().unwrap_or(u64::MAX));
        bar.set_message(format!("best score {:.2}", progress.best));
        limit.is_some_and(|limit| elapsed >= limit)
    };
    let threads = if threads == 0 { crate::jobs::search_threads() } else { threads };
    let result = form_parallel(cohort, criteria, &options, threads, &mut stop);
    bar.finish_and_clear();
    result.map_err(|e| anyhow::anyhow!("groups could not be formed: {e}"))
}

fn write_groups(
    path: &Path,
    formation: &Formation,
    cohort: &Cohort,
    profiles: &[crate::domain::Profile],
) -> anyhow::Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut out = SafeCsv::new(std::io::BufWriter::new(file));
    out.row(["group", "email", "name", "department", "career stage", "group score"])?;
    for (g, group) in formation.groups.iter().enumerate() {
        for id in &group.members {
            let Some(k) = cohort.index_of(id) else { continue };
            let p = &profiles[k];
            out.row([
                format!("Group {}", g + 1),
                p.email.clone(),
                p.name.clone(),
                p.department.clone(),
                p.career_stage_label().to_string(),
                format!("{:.2}", group.score),
            ])?;
        }
    }
    let mut file = out.finish().map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    std::io::Write::flush(&mut file).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_parse_or_say_how() {
        assert_eq!(parse_size("5-7").unwrap(), SizeRange { min: 5, max: 7 });
        assert!(parse_size("7-5").is_err());
        assert!(parse_size("five").unwrap_err().to_string().contains("write it like 5-7"));
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert!(parse_duration("soon").is_err());
    }
}
