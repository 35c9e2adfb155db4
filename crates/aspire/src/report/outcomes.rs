//! The reports a career development program files, worked out from its scholars' records:
//! NIH Table 8 (outcomes) and Table 5 (publications), K-to-R conversion with a Kaplan-Meier
//! curve, the CTSA careers metric, and the collaborations the program gave rise to.
//! Pure: the caller loads the records and decides who may read the result.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use crate::domain::identity::{self, Cell};
use crate::domain::record::{ACTIVITIES, GrantClass, NO_PUBLICATION_REASONS, RecordItem, SECTORS};
use crate::domain::wins::{POSITIONS, label};
use crate::store::record::Scholar;

/// A scholar with the items of their record in this program.
pub struct Record<'a> {
    pub scholar: &'a Scholar,
    pub items: Vec<&'a RecordItem>,
}

impl<'a> Record<'a> {
    /// Each scholar with their items; items of people who are not scholars are left out.
    pub fn all(scholars: &'a [Scholar], items: &'a [RecordItem]) -> Vec<Record<'a>> {
        scholars
            .iter()
            .map(|scholar| Record { scholar, items: items.iter().filter(|i| i.user_id == scholar.user_id).collect() })
            .collect()
    }

    fn of_kind(&self, kind: &'a str) -> impl Iterator<Item = &'a RecordItem> + '_ {
        self.items.iter().copied().filter(move |i| i.kind == kind)
    }

    /// The day the scholar began in the program: as given, else when they enrolled.
    pub fn start(&self) -> Option<Date> {
        self.scholar.started_on.parse::<Date>().ok().or_else(|| {
            let joined = jiff::Timestamp::from_second(self.scholar.joined_at?).ok()?;
            Some(joined.to_zoned(jiff::tz::TimeZone::UTC).date())
        })
    }

    pub fn end(&self) -> Option<Date> {
        self.scholar.ended_on.parse::<Date>().ok()
    }

    /// Still in the program on `today`.
    pub fn is_current(&self, today: Date) -> bool {
        self.scholar.outcome.is_empty() && self.end().is_none_or(|end| end >= today)
    }

    fn degrees(&self) -> String {
        let mut degrees: Vec<&RecordItem> = self.of_kind("degree").collect();
        degrees.sort_by_key(|d| d.year);
        degrees
            .iter()
            .map(|d| match d.year {
                Some(year) => format!("{} {year}", d.code),
                None => d.code.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Positions, earliest first (those without a start last).
    fn positions(&self) -> Vec<&'a RecordItem> {
        let mut positions: Vec<&RecordItem> = self.of_kind("position").collect();
        positions.sort_by_key(|p| (p.started_on.is_empty(), p.started_on.clone(), p.id));
        positions
    }

    /// The position held when the program began: the latest begun by then, else the first.
    fn initial_position(&self) -> Option<&'a RecordItem> {
        let positions = self.positions();
        let start = self.start().map(|d| d.to_string());
        start
            .and_then(|start| {
                positions.iter().rev().find(|p| !p.started_on.is_empty() && p.started_on <= start).copied()
            })
            .or_else(|| positions.first().copied())
    }

    /// The position held on `today`: of those not ended by then, the latest begun (one without a
    /// start counts as older than any dated one); else the last to end.
    pub fn current_position(&self, today: Date) -> Option<&'a RecordItem> {
        self.current_positions(today).next().or_else(|| {
            self.of_kind("position").max_by(|a, b| a.ended_on.cmp(&b.ended_on).then(a.started_on.cmp(&b.started_on)))
        })
    }

    /// The positions held on `today`, latest begun first.
    fn current_positions(&self, today: Date) -> impl Iterator<Item = &'a RecordItem> + 'a {
        let today = today.to_string();
        let mut held: Vec<&'a RecordItem> = self
            .items
            .iter()
            .copied()
            .filter(|i| i.kind == "position")
            .filter(|p| p.ended_on.is_empty() || p.ended_on >= today)
            .collect();
        held.sort_by(|a, b| b.started_on.cmp(&a.started_on).then(b.id.cmp(&a.id)));
        held.into_iter()
    }

    fn funded_grants(&self) -> impl Iterator<Item = &'a RecordItem> + '_ {
        self.of_kind("grant").filter(|g| g.is_funded())
    }
}

/// A position as Table 8 writes it: title, department, institution (sector; activity).
fn position_cell(position: Option<&RecordItem>) -> String {
    match position {
        None => String::new(),
        Some(p) => {
            let mut line = p.position_line();
            let tags: Vec<&str> = [label(&SECTORS, &p.sector), label(&ACTIVITIES, &p.activity)]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            if !tags.is_empty() {
                line.push_str(&format!(" ({})", tags.join("; ")));
            }
            line
        }
    }
}

fn years(item: &RecordItem) -> String {
    let year = |d: &str| d.get(..4).unwrap_or("").to_string();
    match (year(&item.started_on), year(&item.ended_on)) {
        (s, e) if !s.is_empty() && !e.is_empty() => format!("{s}–{e}"),
        (s, _) if !s.is_empty() => format!("{s}–"),
        _ => item.year_of().map(|y| y.to_string()).unwrap_or_default(),
    }
}

/// One row of the outcomes table (NIH Table 8).
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeRow {
    pub scholar: String,
    pub cohort: String,
    pub degrees: String,
    pub mentors: String,
    pub start: String,
    pub support: String,
    pub topic: String,
    pub initial_position: String,
    pub current_position: String,
    pub subsequent_grants: String,
}

impl OutcomeRow {
    pub const HEADERS: [&'static str; 10] = [
        "Scholar",
        "Cohort",
        "Degree(s) and year",
        "Mentor(s)",
        "Start date",
        "Summary of support",
        "Topic",
        "Initial position",
        "Current position",
        "Subsequent grants",
    ];

    pub fn cells(&self) -> [&str; 10] {
        [
            &self.scholar,
            &self.cohort,
            &self.degrees,
            &self.mentors,
            &self.start,
            &self.support,
            &self.topic,
            &self.initial_position,
            &self.current_position,
            &self.subsequent_grants,
        ]
    }
}

/// Scholars who began within the last `window_years` (or whose start is not known).
pub fn in_window(record: &Record, window_years: i16, today: Date) -> bool {
    record.start().is_none_or(|start| start.year() > today.year() - window_years)
}

/// Table 8: each scholar's degrees, support, positions and the grants that followed.
pub fn outcomes_table(records: &[Record], today: Date) -> Vec<OutcomeRow> {
    records
        .iter()
        .map(|r| {
            let start = r.start();
            let support: Vec<String> = r
                .funded_grants()
                .filter(|g| g.class().is_k())
                .map(|g| {
                    let name = if g.code.is_empty() { g.class().label().to_string() } else { g.code.clone() };
                    format!("{name} {}", years(g))
                })
                .collect();
            let mut subsequent: Vec<&RecordItem> = r
                .funded_grants()
                .filter(|g| !g.class().is_k())
                .filter(|g| match (start, g.began()) {
                    (Some(start), Some(began)) => began >= start,
                    _ => true,
                })
                .collect();
            subsequent.sort_by_key(|g| g.began());
            OutcomeRow {
                scholar: r.scholar.name.clone(),
                cohort: r.scholar.cohort.clone(),
                degrees: r.degrees(),
                mentors: r.scholar.mentors.clone(),
                start: start.map(|d| d.to_string()).unwrap_or_default(),
                support: support.join("; "),
                topic: r.scholar.topic.clone(),
                initial_position: position_cell(r.initial_position()),
                current_position: position_cell(r.current_position(today)),
                subsequent_grants: subsequent.iter().map(|g| g.table8_grant()).collect::<Vec<_>>().join(", "),
            }
        })
        .collect()
}

/// One row of the publications table (NIH Table 5).
#[derive(Debug, Clone, PartialEq)]
pub struct PublicationRow {
    pub scholar: String,
    pub mentors: String,
    /// "Current" or "Past".
    pub status: String,
    pub training_period: String,
    /// In citation form, newest first; empty when there are none.
    pub publications: Vec<String>,
    /// Why there are none, when there are none.
    pub no_publications: String,
}

impl PublicationRow {
    pub const HEADERS: [&'static str; 5] =
        ["Scholar", "Mentor(s)", "Past or current", "Training period", "Publications"];

    /// The publications cell: one citation a line, or "No publications (reason)".
    pub fn publications_cell(&self) -> String {
        if self.publications.is_empty() {
            format!("No publications ({})", self.no_publications)
        } else {
            self.publications.join("\n")
        }
    }
}

/// A publication in citation form: scholar (position). Title. Journal. Year. doi. PMID.
pub fn citation(scholar: &str, p: &RecordItem) -> String {
    let mut parts = vec![match label(&POSITIONS, &p.author_position) {
        "" | "Not given" => scholar.to_string(),
        position => format!("{scholar} ({})", position.to_lowercase()),
    }];
    parts.push(p.title.trim_end_matches('.').to_string());
    if !p.organisation.is_empty() {
        parts.push(p.organisation.clone());
    }
    if let Some(year) = p.year_of() {
        parts.push(year.to_string());
    }
    if !p.doi.is_empty() {
        parts.push(format!("doi:{}", p.doi));
    }
    if !p.pmid.is_empty() {
        parts.push(format!("PMID: {}", p.pmid));
    }
    parts.join(". ") + "."
}

/// Table 5: each scholar's publications since they began, or why there are none.
pub fn publications_table(records: &[Record], today: Date) -> Vec<PublicationRow> {
    records
        .iter()
        .map(|r| {
            let start = r.start();
            let mut papers: Vec<&RecordItem> = r
                .of_kind("publication")
                .filter(|p| match (start, p.year_of()) {
                    (Some(start), Some(year)) => year >= i64::from(start.year()),
                    _ => true,
                })
                .collect();
            papers.sort_by_key(|p| std::cmp::Reverse(p.year_of()));
            let reason = match r.scholar.no_publications_reason.as_str() {
                "" if r.scholar.outcome == "left" => "left",
                "" if start.is_some_and(|s| today.since(s).is_ok_and(|span| span.get_days() < 366)) => "new_entrant",
                "" if start.is_some_and(|s| s.saturating_add(jiff::Span::new().years(1)) > today) => "new_entrant",
                "" => "other",
                given => given,
            };
            let period = match (start, r.end()) {
                (Some(s), Some(e)) => format!("{s} – {e}"),
                (Some(s), None) => format!("{s} – present"),
                _ => String::new(),
            };
            PublicationRow {
                scholar: r.scholar.name.clone(),
                mentors: r.scholar.mentors.clone(),
                status: if r.is_current(today) { "Current" } else { "Past" }.to_string(),
                training_period: period,
                publications: papers.iter().map(|p| citation(&r.scholar.name, p)).collect(),
                no_publications: label(&NO_PUBLICATION_REASONS, reason).to_string(),
            }
        })
        .collect()
}

/// Where a scholar stands on the way from a K to an R.
#[derive(Debug, Clone, PartialEq)]
pub struct KToR {
    pub cohort: String,
    /// The first K's start.
    pub k_start: Date,
    /// The first R01 or R01-equivalent they lead that began after it.
    pub converted_on: Option<Date>,
    pub still_on_k: bool,
}

impl KToR {
    /// Years from the K to the R, or to `today` when not converted (censored).
    pub fn years(&self, today: Date) -> f64 {
        let until = self.converted_on.unwrap_or(today);
        until.since(self.k_start).map_or(0.0, |span| f64::from(span.get_days()) / 365.25)
    }
}

/// Each scholar who held a K (with a known start), and whether and when they converted.
/// K99/R00 is a bridge: neither a K here nor a conversion.
pub fn k_to_r(records: &[Record], today: Date) -> Vec<KToR> {
    records
        .iter()
        .filter_map(|r| {
            let ks: Vec<&RecordItem> = r.funded_grants().filter(|g| g.class().is_k()).collect();
            let k_start = ks.iter().filter_map(|g| g.began()).min()?;
            let converted_on = r
                .funded_grants()
                .filter(|g| g.class().is_r() && g.leads())
                .filter_map(|g| g.began())
                .filter(|began| *began >= k_start)
                .min();
            let still_on_k = ks.iter().any(|g| g.ends().is_none_or(|end| end >= today));
            Some(KToR { cohort: r.scholar.cohort.clone(), k_start, converted_on, still_on_k })
        })
        .collect()
}

/// The conversion figures of one cohort (or of all).
#[derive(Debug, Clone, PartialEq)]
pub struct Conversion {
    pub cohort: String,
    pub with_k: usize,
    pub converted: usize,
    /// No longer on a K and not converted.
    pub not_converted: usize,
    /// Still on a K and not converted: left out of the rate.
    pub still_on_k: usize,
    /// Median years from K to R among those converted.
    pub median_years: Option<f64>,
}

impl Conversion {
    /// converted / (converted + no longer on a K and not converted), as "40%", or "–".
    pub fn rate(&self) -> String {
        super::engagement::percent(self.converted as i64, (self.converted + self.not_converted) as i64)
    }

    pub fn median(&self) -> String {
        self.median_years.map_or("–".into(), |y| format!("{y:.1}"))
    }
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 { values[mid] } else { (values[mid - 1] + values[mid]) / 2.0 })
}

/// Conversion per cohort, then all cohorts together (named "All").
pub fn conversions(scholars: &[KToR], today: Date) -> Vec<Conversion> {
    let cohorts: BTreeSet<&str> = scholars.iter().map(|s| s.cohort.as_str()).collect();
    let of = |name: &str, these: Vec<&KToR>| {
        let converted: Vec<&&KToR> = these.iter().filter(|s| s.converted_on.is_some()).collect();
        Conversion {
            cohort: name.to_string(),
            with_k: these.len(),
            converted: converted.len(),
            not_converted: these.iter().filter(|s| s.converted_on.is_none() && !s.still_on_k).count(),
            still_on_k: these.iter().filter(|s| s.converted_on.is_none() && s.still_on_k).count(),
            median_years: median(converted.iter().map(|s| s.years(today)).collect()),
        }
    };
    let mut out: Vec<Conversion> = cohorts
        .iter()
        .map(|c| of(if c.is_empty() { "No cohort" } else { c }, scholars.iter().filter(|s| s.cohort == *c).collect()))
        .collect();
    // "All" says something new only beside two cohorts or more.
    if out.len() != 1 {
        out.push(of("All", scholars.iter().collect()));
    }
    out
}

/// One step of a Kaplan-Meier curve: at `years`, `events` converted and `censored` were last
/// seen unconverted, of `at_risk`; `survival` is the share not yet converted just after.
#[derive(Debug, Clone, PartialEq)]
pub struct KmStep {
    pub years: f64,
    pub at_risk: usize,
    pub events: usize,
    pub censored: usize,
    pub survival: f64,
}

/// The Kaplan-Meier estimate of time to first R, censoring those not converted at `today`.
pub fn kaplan_meier(scholars: &[KToR], today: Date) -> Vec<KmStep> {
    // Times rounded to a hundredth of a year, so that ties are ties.
    let mut times: BTreeMap<i64, (usize, usize)> = BTreeMap::new();
    for s in scholars {
        let key = (s.years(today) * 100.0).round() as i64;
        let entry = times.entry(key).or_default();
        if s.converted_on.is_some() {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
    }
    let mut at_risk = scholars.len();
    let mut survival = 1.0;
    let mut steps = Vec::new();
    for (key, (events, censored)) in times {
        if at_risk == 0 {
            break;
        }
        survival *= 1.0 - events as f64 / at_risk as f64;
        steps.push(KmStep { years: key as f64 / 100.0, at_risk, events, censored, survival });
        at_risk -= events + censored;
    }
    steps
}

/// The first time the curve reaches half converted, if it does.
pub fn km_median(steps: &[KmStep]) -> Option<f64> {
    steps.iter().find(|s| s.survival <= 0.5).map(|s| s.years)
}

/// The CTSA careers metric: scholars who completed the program, engaged in research or not,
/// by underrepresented (yes/no/not given) and gender, small cells hidden.
#[derive(Debug, Clone, PartialEq)]
pub struct CareersMetric {
    /// Column headings: (underrepresented, gender).
    pub columns: Vec<(String, String)>,
    /// "Engaged in research", "Not engaged in research".
    pub rows: Vec<(String, Vec<Cell>, Cell)>,
    pub column_totals: Vec<Cell>,
    pub total: Cell,
}

/// Engaged in research: the latest position held on `today` that names its principal activity
/// is primarily research or research-related.
pub fn engaged_in_research(record: &Record, today: Date) -> bool {
    record
        .current_positions(today)
        .find(|p| !p.activity.is_empty())
        .is_some_and(|p| p.activity == "research" || p.activity == "research_related")
}

/// The metric over completed scholars. `answers` are (email, key, answer) to the program's
/// questions; `gender_choices` and `underrepresented_choices` name the columns, "Not given"
/// being added for those who did not say.
pub fn careers_metric(
    records: &[Record],
    today: Date,
    answers: &[(String, String, String)],
    gender_choices: &[String],
    underrepresented_choices: &[String],
    small_cell: usize,
) -> CareersMetric {
    const NOT_GIVEN: &str = "Not given";
    let answer = |email: &str, key: &str, choices: &[String]| -> String {
        answers
            .iter()
            .find(|(e, k, _)| e == email && k == key)
            .map(|(_, _, a)| a.clone())
            .filter(|a| choices.contains(a))
            .unwrap_or_else(|| NOT_GIVEN.to_string())
    };
    let with_not_given =
        |choices: &[String]| choices.iter().cloned().chain(std::iter::once(NOT_GIVEN.to_string())).collect::<Vec<_>>();
    let urm_values = with_not_given(underrepresented_choices);
    let gender_values = with_not_given(gender_choices);
    let columns: Vec<(String, String)> =
        urm_values.iter().flat_map(|u| gender_values.iter().map(move |g| (u.clone(), g.clone()))).collect();
    let mut counts = vec![vec![0usize; columns.len()]; 2];
    for r in records.iter().filter(|r| r.scholar.outcome == "completed") {
        let urm = answer(&r.scholar.email, "underrepresented", underrepresented_choices);
        let gender = answer(&r.scholar.email, "gender", gender_choices);
        let column = columns.iter().position(|(u, g)| *u == urm && *g == gender).unwrap_or(0);
        let row = if engaged_in_research(r, today) { 0 } else { 1 };
        counts[row][column] += 1;
    }
    // Who works in research is known by name (Table 8): the rows are public, the split is not.
    let mut table = identity::suppressed_table(&counts, small_cell, true);
    let completed: usize = counts.iter().flatten().sum();
    if completed > 0 && completed < small_cell {
        // Too few to cross at all: nothing but that there are few.
        let hidden = Cell::Hidden(small_cell);
        table.cells.iter_mut().flatten().for_each(|c| *c = hidden.clone());
        table.row_totals.iter_mut().for_each(|c| *c = hidden.clone());
        table.column_totals.iter_mut().for_each(|c| *c = hidden.clone());
        table.total = hidden;
    }
    let names = ["Engaged in research", "Not engaged in research"];
    CareersMetric {
        columns,
        rows: names
            .iter()
            .zip(table.cells)
            .zip(table.row_totals)
            .map(|((name, cells), total)| (name.to_string(), cells, total))
            .collect(),
        column_totals: table.column_totals,
        total: table.total,
    }
}

/// Who a shared work ties together: the closest tie among its authors or holders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tie {
    SameGroup,
    SameCohort,
    AcrossCohorts,
}

impl Tie {
    pub const ALL: [Tie; 3] = [Tie::SameGroup, Tie::SameCohort, Tie::AcrossCohorts];

    pub fn label(self) -> &'static str {
        match self {
            Tie::SameGroup => "Within a group",
            Tie::SameCohort => "Across groups of a cohort",
            Tie::AcrossCohorts => "Across cohorts",
        }
    }
}

/// A paper or grant two or more of the program's scholars share.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedWork {
    pub kind: String,
    pub title: String,
    pub year: Option<i64>,
    pub members: Vec<i64>,
    pub tie: Tie,
}

/// Papers and grants that two or more scholars share, each with its closest tie. `seats` are
/// (user, group) for every group of the program anyone has been in.
pub fn collaborations(records: &[Record], seats: &[(i64, i64)]) -> Vec<SharedWork> {
    let mut by_key: BTreeMap<String, Vec<(&Record, &RecordItem)>> = BTreeMap::new();
    for r in records {
        for item in &r.items {
            if let Some(key) = item.match_key() {
                by_key.entry(key).or_default().push((r, item));
            }
        }
    }
    let groups_of =
        |user: i64| -> BTreeSet<i64> { seats.iter().filter(|(u, _)| *u == user).map(|(_, g)| *g).collect() };
    let mut shared = Vec::new();
    for holders in by_key.into_values() {
        let mut members: Vec<i64> = holders.iter().map(|(r, _)| r.scholar.user_id).collect();
        members.sort_unstable();
        members.dedup();
        if members.len() < 2 {
            continue;
        }
        let mut tie = Tie::AcrossCohorts;
        for (i, (a, _)) in holders.iter().enumerate() {
            for (b, _) in holders.iter().skip(i + 1) {
                if a.scholar.user_id == b.scholar.user_id {
                    continue;
                }
                let pair = if !groups_of(a.scholar.user_id).is_disjoint(&groups_of(b.scholar.user_id)) {
                    Tie::SameGroup
                } else if !a.scholar.cohort.is_empty() && a.scholar.cohort == b.scholar.cohort {
                    Tie::SameCohort
                } else {
                    Tie::AcrossCohorts
                };
                tie = tie.min(pair);
            }
        }
        let (_, first) = holders[0];
        shared.push(SharedWork {
            kind: first.kind.clone(),
            title: first.title.clone(),
            year: holders.iter().filter_map(|(_, i)| i.year_of()).min(),
            members,
            tie,
        });
    }
    shared.sort_by(|a, b| a.year.cmp(&b.year).then_with(|| a.title.cmp(&b.title)));
    shared
}

/// Shared works per year and tie: (year, [within a group, across groups, across cohorts]).
pub fn collaborations_by_year(shared: &[SharedWork]) -> Vec<(i64, [usize; 3])> {
    let mut years: BTreeMap<i64, [usize; 3]> = BTreeMap::new();
    for work in shared {
        if let Some(year) = work.year {
            let at = Tie::ALL.iter().position(|t| *t == work.tie).unwrap_or(2);
            years.entry(year).or_default()[at] += 1;
        }
    }
    years.into_iter().collect()
}

/// Papers and funded grants per year: (year, papers, grants funded).
pub fn works_by_year(records: &[Record]) -> Vec<(i64, usize, usize)> {
    let mut years: BTreeMap<i64, (usize, usize)> = BTreeMap::new();
    for item in records.iter().flat_map(|r| r.items.iter()) {
        match (item.kind.as_str(), item.year_of()) {
            ("publication", Some(year)) => years.entry(year).or_default().0 += 1,
            ("grant", Some(year)) if item.is_funded() => years.entry(year).or_default().1 += 1,
            _ => {}
        }
    }
    years.into_iter().map(|(y, (p, g))| (y, p, g)).collect()
}

/// The class of a grant, for the scholar's own page and the exports.
pub fn class_label(item: &RecordItem) -> &'static str {
    match item.class() {
        GrantClass::Other => "",
        class => class.label(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::record::Flag;

    fn scholar(id: i64, name: &str, cohort: &str, started_on: &str) -> Scholar {
        Scholar {
            user_id: id,
            name: name.into(),
            email: format!("{id}@example.org"),
            cohort: cohort.into(),
            started_on: started_on.into(),
            ..Scholar::default()
        }
    }

    fn grant(user: i64, code: &str, role: &str, started_on: &str, ended_on: &str) -> RecordItem {
        RecordItem {
            user_id: user,
            kind: "grant".into(),
            title: format!("{code} grant"),
            code: code.into(),
            role: role.into(),
            status: "funded".into(),
            started_on: started_on.into(),
            ended_on: ended_on.into(),
            ..RecordItem::default()
        }
    }

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn conversion_counts_those_no_longer_on_a_k_and_leaves_out_those_still_on_one() {
        let scholars = vec![
            scholar(1, "Ana", "2019", "2019-07-01"),
            scholar(2, "Ben", "2019", "2019-07-01"),
            scholar(3, "Cy", "2019", "2019-07-01"),
            scholar(4, "Di", "2020", "2020-07-01"),
            scholar(5, "Ed", "2020", "2020-07-01"),
        ];
        let items = vec![
            // Ana: KL2 2019, R01 as PI 2022-07-01: converted after 3.0 years.
            grant(1, "KL2", "pi", "2019-07-01", "2021-06-30"),
            grant(1, "R01", "pi", "2022-07-01", ""),
            // Ben: KL2 then K23 still running: still on a K, left out of the rate.
            grant(2, "KL2", "pi", "2019-07-01", "2021-06-30"),
            grant(2, "K23", "pi", "2021-07-01", "2027-06-30"),
            // Cy: KL2 ended, an R01 as co-I only and a K99: not converted.
            grant(3, "KL2", "pi", "2019-07-01", "2021-06-30"),
            grant(3, "R01", "co_i", "2022-01-01", ""),
            grant(3, "K99", "pi", "2021-07-01", "2023-06-30"),
            // Di: K08 2020, a foundation award confirmed as R01-equivalent in 2024-07-01: 4.0 years.
            grant(4, "K08", "pi", "2020-07-01", "2025-06-30"),
            RecordItem { r01_equivalent: Flag(true), ..grant(4, "", "multi_pi", "2024-07-01", "") },
            // Ed: no K at all.
            grant(5, "R21", "pi", "2021-01-01", ""),
        ];
        let records = Record::all(&scholars, &items);
        let today = day("2026-12-05");
        let ks = k_to_r(&records, today);
        assert_eq!(ks.len(), 4, "Ed never held a K");
        let rates = conversions(&ks, today);
        let all = rates.last().unwrap();
        assert_eq!((all.with_k, all.converted, all.not_converted, all.still_on_k), (4, 2, 1, 1));
        assert_eq!(all.rate(), "67%", "2 of the 3 who are no longer on a K");
        // Ana 3.0 years (1096 days / 365.25), Di 4.0 years (1461 days).
        assert_eq!(all.median(), "3.5");
        let cohort_2019 = &rates[0];
        assert_eq!((cohort_2019.cohort.as_str(), cohort_2019.rate().as_str()), ("2019", "50%"));
    }

    #[test]
    fn kaplan_meier_steps_down_at_each_conversion_and_counts_the_censored_out_of_those_at_risk() {
        let start = day("2020-01-01");
        let at = |years: i64| start.checked_add(jiff::Span::new().days(years * 365)).ok();
        let today = day("2026-01-01");
        let s = |converted_on: Option<Date>| KToR {
            cohort: String::new(),
            k_start: start,
            converted_on,
            still_on_k: false,
        };
        // Converted at ~1 and ~3 years; two censored at today (~6 years); one converted at ~2.
        let scholars = vec![s(at(1)), s(at(3)), s(None), s(None), s(at(2))];
        let steps = kaplan_meier(&scholars, today);
        let survival: Vec<f64> = steps.iter().map(|s| (s.survival * 1000.0).round() / 1000.0).collect();
        // 1 - 1/5 = 0.8; then 0.8 * (1 - 1/4) = 0.6; then 0.6 * (1 - 1/3) = 0.4; the censored leave it.
        assert_eq!(survival, [0.8, 0.6, 0.4, 0.4]);
        assert_eq!(steps.last().unwrap().censored, 2);
        assert_eq!(steps.iter().map(|s| s.at_risk).collect::<Vec<_>>(), [5, 4, 3, 2]);
        assert_eq!(km_median(&steps), Some(3.0), "half converted at the third year");
    }

    #[test]
    fn table_8_writes_support_positions_and_later_grants() {
        let scholars = vec![Scholar { mentors: "Dr. Reyes".into(), ..scholar(1, "Ana Ruiz", "2019", "2019-07-01") }];
        let position = |title: &str, started_on: &str, ended_on: &str, activity: &str| RecordItem {
            user_id: 1,
            kind: "position".into(),
            title: title.into(),
            department: "Medicine".into(),
            organisation: "Columbia".into(),
            sector: "academia".into(),
            activity: activity.into(),
            started_on: started_on.into(),
            ended_on: ended_on.into(),
            ..RecordItem::default()
        };
        let items = vec![
            RecordItem {
                user_id: 1,
                kind: "degree".into(),
                code: "PhD".into(),
                year: Some(2014),
                ..Default::default()
            },
            RecordItem { user_id: 1, kind: "degree".into(), code: "MD".into(), year: Some(2012), ..Default::default() },
            position("Instructor", "2018-07-01", "2021-06-30", "clinical"),
            position("Assistant Professor", "2021-07-01", "", "research"),
            grant(1, "KL2", "pi", "2019-07-01", "2021-06-30"),
            grant(1, "R01", "pi", "2022-04-01", ""),
            grant(1, "R21", "co_i", "2018-01-01", "2019-12-31"),
        ];
        let rows = outcomes_table(&Record::all(&scholars, &items), day("2026-12-05"));
        let row = &rows[0];
        assert_eq!(row.degrees, "MD 2012, PhD 2014");
        assert_eq!(row.support, "KL2 2019–2021");
        assert_eq!(row.initial_position, "Instructor, Medicine, Columbia (Academia; Primarily clinical)");
        assert_eq!(row.current_position, "Assistant Professor, Medicine, Columbia (Academia; Primarily research)");
        assert_eq!(row.subsequent_grants, "R01/PI/2022", "the R21 came before the program");
    }

    #[test]
    fn table_5_cites_papers_since_the_start_or_says_why_there_are_none() {
        let today = day("2026-12-05");
        let scholars = vec![
            scholar(1, "Ana Ruiz", "2019", "2019-07-01"),
            scholar(2, "Ben Ode", "2026", "2026-07-01"),
            Scholar {
                outcome: "left".into(),
                ended_on: "2021-01-01".into(),
                ..scholar(3, "Cy Li", "2019", "2019-07-01")
            },
        ];
        let paper = |user: i64, title: &str, year: i64| RecordItem {
            user_id: user,
            kind: "publication".into(),
            title: title.into(),
            organisation: "JAMA".into(),
            year: Some(year),
            doi: "10.1001/jama.2020.1".into(),
            author_position: "first".into(),
            ..RecordItem::default()
        };
        let items = vec![paper(1, "Sleep and recovery.", 2020), paper(1, "Before the program", 2017)];
        let rows = publications_table(&Record::all(&scholars, &items), today);
        assert_eq!(
            rows[0].publications,
            ["Ana Ruiz (first author). Sleep and recovery. JAMA. 2020. doi:10.1001/jama.2020.1."]
        );
        assert_eq!(rows[0].status, "Current");
        assert_eq!(rows[1].publications_cell(), "No publications (New entrant)");
        assert_eq!((rows[2].status.as_str(), rows[2].no_publications.as_str()), ("Past", "Left the program"));
    }

    #[test]
    fn shared_works_are_counted_once_with_their_closest_tie() {
        let scholars = vec![scholar(1, "Ana", "2019", ""), scholar(2, "Ben", "2019", ""), scholar(3, "Cy", "2020", "")];
        let paper = |user: i64, doi: &str, year: i64| RecordItem {
            user_id: user,
            kind: "publication".into(),
            title: doi.into(),
            doi: doi.into(),
            year: Some(year),
            ..RecordItem::default()
        };
        let items = vec![
            paper(1, "10.1/A", 2021),
            paper(2, "10.1/a", 2021),
            paper(3, "10.1/a", 2022),
            paper(1, "10.1/b", 2023),
            paper(3, "10.1/B", 2023),
            paper(2, "10.1/c", 2023),
            RecordItem { award_number: "1R01HL123456-01".into(), ..grant(2, "R01", "multi_pi", "2024-01-01", "") },
            RecordItem { award_number: "5R01HL123456-03".into(), ..grant(3, "R01", "multi_pi", "2024-01-01", "") },
        ];
        let seats = vec![(1, 10), (2, 10), (3, 11)];
        let shared = collaborations(&Record::all(&scholars, &items), &seats);
        let ties: Vec<(Option<i64>, Tie, usize)> = shared.iter().map(|w| (w.year, w.tie, w.members.len())).collect();
        assert_eq!(
            ties,
            [(Some(2021), Tie::SameGroup, 3), (Some(2023), Tie::AcrossCohorts, 2), (Some(2024), Tie::AcrossCohorts, 2)]
        );
        assert_eq!(collaborations_by_year(&shared), [(2021, [1, 0, 0]), (2023, [0, 0, 1]), (2024, [0, 0, 1])]);
    }

    #[test]
    fn the_careers_metric_counts_completed_scholars_and_hides_small_cells() {
        let mut scholars = Vec::new();
        let mut items = Vec::new();
        let mut answers = Vec::new();
        // 30 completed women not underrepresented, engaged; 3 completed men underrepresented,
        // not engaged; 1 scholar still in the program.
        for id in 1..=34 {
            let outcome = if id == 34 { "" } else { "completed" };
            scholars.push(Scholar { outcome: outcome.into(), ..scholar(id, "S", "2019", "2019-07-01") });
            let (gender, urm, activity) =
                if id <= 30 { ("Woman", "No", "research") } else { ("Man", "Yes", "clinical") };
            answers.push((format!("{id}@example.org"), "gender".to_string(), gender.to_string()));
            answers.push((format!("{id}@example.org"), "underrepresented".to_string(), urm.to_string()));
            items.push(RecordItem {
                user_id: id,
                kind: "position".into(),
                title: "Assistant Professor".into(),
                activity: activity.into(),
                ..RecordItem::default()
            });
        }
        let metric = careers_metric(
            &Record::all(&scholars, &items),
            day("2026-12-05"),
            &answers,
            &["Woman".into(), "Man".into()],
            &["Yes".into(), "No".into()],
            11,
        );
        assert_eq!(metric.total, Cell::Count(33), "the scholar still in the program is not counted");
        let engaged = &metric.rows[0];
        let woman_no = metric.columns.iter().position(|c| c == &("No".to_string(), "Woman".to_string())).unwrap();
        assert_eq!(engaged.1[woman_no], Cell::Hidden(11), "30 is hidden beside the hidden 3 in the column totals");
        assert_eq!(engaged.2, Cell::Count(30), "who works in research is known anyway");
        assert!(metric.rows.iter().all(|(_, cells, _)| cells.iter().all(|c| *c == Cell::Hidden(11))), "{metric:?}");
        // Fewer completed scholars than the threshold: nothing crossed at all.
        let few = careers_metric(
            &Record::all(&scholars[..5], &items),
            day("2026-12-05"),
            &answers,
            &["Woman".into(), "Man".into()],
            &["Yes".into(), "No".into()],
            11,
        );
        assert_eq!((few.total.clone(), few.rows[0].2.clone()), (Cell::Hidden(11), Cell::Hidden(11)));
    }
}
