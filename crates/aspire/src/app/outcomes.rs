//! The program's outcome reports, for its coordinators (and admins): worked out from the
//! scholars' records and the program's identity questions, never from group content.

use jiff::civil::Date;

use crate::auth::{Actor, access};
use crate::domain::identity::SMALL_CELL;
use crate::domain::record::RecordItem;
use crate::error::{AppError, AppResult};
use crate::report::outcomes::{
    self, CareersMetric, Conversion, KmStep, OutcomeRow, PublicationRow, Record, SharedWork,
};
use crate::state::AppState;
use crate::store::Program;
use crate::store::record::Scholar;

/// Which scholars a report covers.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// A cohort's name, or "" for all.
    pub cohort: String,
    /// Only papers and grants of this year (the dashboard's counts), or all years.
    pub year: Option<i64>,
    /// Table 8 covers scholars who began in the last 5 or 15 years.
    pub window_years: i16,
}

impl Filter {
    pub fn new(cohort: &str, year: &str, window: &str) -> Filter {
        Filter {
            cohort: cohort.trim().to_string(),
            year: year.trim().parse().ok().filter(|y| (1950..=2100).contains(y)),
            window_years: if window.trim() == "5" { 5 } else { 15 },
        }
    }
}

/// Everything the dashboard and the exports show.
pub struct Outcomes {
    pub program: Program,
    pub today: Date,
    pub filter: Filter,
    pub cohorts: Vec<String>,
    pub scholars: usize,
    pub outcomes: Vec<OutcomeRow>,
    pub publications: Vec<PublicationRow>,
    pub conversions: Vec<Conversion>,
    pub km: Vec<KmStep>,
    pub km_median: Option<f64>,
    /// None when the program asks no `gender` or `underrepresented` question.
    pub careers: Option<CareersMetric>,
    pub works_by_year: Vec<(i64, usize, usize)>,
    pub shared: Vec<SharedWork>,
    pub shared_by_year: Vec<(i64, [usize; 3])>,
    /// Who the network's points are: names for the program's coordinators, else "Scholar 1", ...
    pub names: Vec<(i64, String)>,
    /// The named tables (8 and 5) and the scholars' pages are the program's coordinators' only:
    /// for anyone else (an admin) they are empty and not offered.
    pub named: bool,
}

/// The program's reports under `filter`, for those who may read its records.
pub async fn outcomes(state: &AppState, actor: &Actor, program_id: i64, filter: Filter) -> AppResult<Outcomes> {
    if !access::can_see_program_outcomes(actor, program_id) {
        return Err(AppError::NotFound);
    }
    let program = state.store.program(program_id).await?.ok_or(AppError::NotFound)?;
    let today = jiff::Timestamp::from_second(state.now())
        .map_or(Date::constant(1970, 1, 1), |t| t.to_zoned(jiff::tz::TimeZone::UTC).date());
    let all_scholars = state.store.program_scholars(program.id).await?;
    let mut cohorts: Vec<String> = all_scholars.iter().map(|s| s.cohort.clone()).filter(|c| !c.is_empty()).collect();
    cohorts.sort();
    cohorts.dedup();
    let items = state.store.program_record_items(program.id).await?;
    let questions = state.store.identity_questions(&[program.id]).await?;
    let choices = |key: &str| questions.iter().find(|q| q.key == key).map(|q| q.choices.clone());
    // Over the whole program, whatever the filter: a cohort filter (or two filters compared)
    // must not narrow identity counts down to a few people.
    let careers = match (choices("gender"), choices("underrepresented")) {
        (Some(gender), Some(underrepresented)) => {
            let answers = state.store.program_identity_answers(program.id).await?;
            let threshold = usize::try_from(program.small_cell).unwrap_or(SMALL_CELL);
            let everyone = Record::all(&all_scholars, &items);
            Some(outcomes::careers_metric(&everyone, today, &answers, &gender, &underrepresented, threshold))
        }
        _ => None,
    };
    let scholars: Vec<Scholar> =
        all_scholars.into_iter().filter(|s| filter.cohort.is_empty() || s.cohort == filter.cohort).collect();
    let records = Record::all(&scholars, &items);
    let in_window: Vec<Record> = Record::all(&scholars, &items)
        .into_iter()
        .filter(|r| outcomes::in_window(r, filter.window_years, today))
        .collect();
    let k_to_r = outcomes::k_to_r(&records, today);
    let km = outcomes::kaplan_meier(&k_to_r, today);
    let km_median = outcomes::km_median(&km);
    // The year filter narrows the dashboard's counts of papers, grants and shared works.
    let of_year = |item: &&RecordItem| filter.year.is_none_or(|y| item.year_of() == Some(y));
    let year_items: Vec<RecordItem> = items.iter().filter(of_year).cloned().collect();
    let year_records = Record::all(&scholars, &year_items);
    let seats = state.store.program_group_seats(program.id).await?;
    // Matched over every year (two authors may record a paper under different years), then
    // counted in the year it first appeared.
    let shared: Vec<SharedWork> = outcomes::collaborations(&records, &seats)
        .into_iter()
        .filter(|work| filter.year.is_none_or(|y| work.year == Some(y)))
        .collect();
    let named = access::can_see_program_records(actor, program.id);
    let names = scholars
        .iter()
        .enumerate()
        .map(|(i, s)| (s.user_id, if named { s.name.clone() } else { format!("Scholar {}", i + 1) }))
        .collect();
    Ok(Outcomes {
        today,
        cohorts,
        scholars: scholars.len(),
        outcomes: if named { outcomes::outcomes_table(&in_window, today) } else { Vec::new() },
        publications: if named { outcomes::publications_table(&records, today) } else { Vec::new() },
        named,
        conversions: outcomes::conversions(&k_to_r, today),
        km,
        km_median,
        careers,
        works_by_year: outcomes::works_by_year(&year_records),
        shared_by_year: outcomes::collaborations_by_year(&shared),
        shared,
        names,
        program,
        filter,
    })
}
