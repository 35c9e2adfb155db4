//! The nightly look-up of what is public about each scholar: papers in PubMed (by name and
//! affiliation, or ORCID iD), NIH projects in RePORTER (by name and organisation) and the works
//! on their own ORCID record. What is found goes to the scholar as "is this yours?", never
//! straight into the record; works on the scholar's own ORCID record go in at once. Off unless
//! `public_data` is set; aspire works fully without it.

use std::time::Duration;

use aspire_citations::public::{orcid, pubmed, reporter};
use aspire_citations::{AuthorPosition, Orcid, Work, author_position};

use crate::domain::record::{ItemForm, RecordItem};
use crate::state::AppState;
use crate::store::record::{NewSuggestion, Scholar};

/// What one night's look-up did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Night {
    pub scholars: usize,
    /// New suggestions (and ORCID works added at once).
    pub found: usize,
    /// One line per service that could not be read, with its message.
    pub problems: Vec<String>,
}

/// Runs today's look-up if no server has: `None` when it was claimed already.
pub async fn run_nightly(state: &AppState) -> anyhow::Result<Option<Night>> {
    let today = jiff::Timestamp::from_second(state.now())?.to_zoned(jiff::tz::TimeZone::UTC).date().to_string();
    // A run that started this long ago and never finished lost its server: it is taken over.
    const ABANDONED_AFTER_SECONDS: i64 = 6 * 3600;
    if !state.store.claim_public_data_run(&today, state.now(), state.now() - ABANDONED_AFTER_SECONDS).await? {
        return Ok(None);
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("aspire/", env!("CARGO_PKG_VERSION"), " (peer mentoring programs)"))
        .build()?;
    let mut night = Night::default();
    for program in state.store.list_programs().await? {
        let items = state.store.program_record_items(program.id).await?;
        for scholar in state.store.program_scholars(program.id).await? {
            night.scholars += 1;
            let known: Vec<String> =
                items.iter().filter(|i| i.user_id == scholar.user_id).filter_map(RecordItem::match_key).collect();
            let found = look_up(&client, state, &scholar, &mut night.problems).await;
            for (key, source, form) in found.into_iter().filter(|(key, ..)| !known.contains(key)) {
                // Works on the scholar's own ORCID record need no confirming: they go in now.
                let confirmed = source == "orcid";
                let item = form.validate().ok().filter(|_| confirmed).map(|item| RecordItem {
                    program_id: program.id,
                    user_id: scholar.user_id,
                    ..item
                });
                let suggestion = NewSuggestion {
                    program_id: program.id,
                    user_id: scholar.user_id,
                    source: source.into(),
                    match_key: key,
                    item: serde_json::to_string(&form)?,
                    status: if confirmed { "confirmed".into() } else { "open".into() },
                };
                // Asked (or added) once only: a suggestion already settled is not made again.
                night.found += state.store.add_suggestions(&[(suggestion, item)], state.now()).await?;
            }
        }
    }
    night.problems.sort();
    night.problems.dedup();
    let problems = night.problems.join("\n");
    let found = i64::try_from(night.found).unwrap_or(i64::MAX);
    state.store.finish_public_data_run(&today, found, &problems, state.now()).await?;
    Ok(Some(night))
}

/// The scholar's name as (given, surname), from "Ana María Ruiz" (first and last word).
fn names(scholar: &Scholar) -> (String, String) {
    let mut words = scholar.name.split_whitespace();
    let given = words.next().unwrap_or("").to_string();
    let surname = words.next_back().unwrap_or("").to_string();
    (given, surname)
}

/// Everything found for one scholar as (match key, source, item form). A service that cannot be
/// reached or read adds a line to `problems` and finds nothing.
async fn look_up(
    client: &reqwest::Client,
    state: &AppState,
    scholar: &Scholar,
    problems: &mut Vec<String>,
) -> Vec<(String, &'static str, ItemForm)> {
    let settings = &state.settings;
    let (given, surname) = names(scholar);
    let orcid = Orcid::parse(&scholar.orcid).ok();
    let mut found = Vec::new();
    if surname.is_empty() {
        return found;
    }
    // The services ask for a few requests a second at most (NCBI: 3 without a key; RePORTER: 1).
    let pause = Duration::from_millis(settings.public_data_pause_ms);
    // The scholar's own ORCID record first: a work it lists goes in at once, and the same work
    // found in PubMed the same night is then not asked about.
    if let Some(orcid) = &orcid {
        let url = format!("{}{}", settings.orcid_url, orcid::works_path(orcid));
        let request = client.get(&url).header("Accept", orcid::WORKS_ACCEPT);
        match fetch(request).await.and_then(|body| orcid::parse_works(&body).map_err(|e| e.to_string())) {
            Ok(works) => {
                found.extend(works.iter().filter_map(|w| publication(w, &scholar.name).map(|(k, f)| (k, "orcid", f))))
            }
            Err(e) => problems.push(format!("ORCID: {e}")),
        }
        tokio::time::sleep(pause).await;
    }
    let affiliation = Some(settings.public_data_affiliation.as_str()).filter(|a| !a.is_empty());
    let initial: String = given.chars().take(1).collect();
    let term = pubmed::esearch_query(&format!("{surname} {initial}"), affiliation, orcid.as_ref().map(Orcid::as_str));
    let search = format!("{}{}", settings.pubmed_url, pubmed::esearch_path(&term, 100));
    let searched = fetch(client.get(&search)).await;
    tokio::time::sleep(pause).await;
    match searched.and_then(|body| pubmed::parse_esearch(&body).map_err(|e| e.to_string())) {
        Ok(pmids) if !pmids.is_empty() => {
            let summarised =
                fetch(client.get(format!("{}{}", settings.pubmed_url, pubmed::esummary_path(&pmids)))).await;
            tokio::time::sleep(pause).await;
            match summarised.and_then(|b| pubmed::parse_esummary(&b).map_err(|e| e.to_string())) {
                // Only papers that list the scholar among their authors.
                Ok(works) => found.extend(
                    works
                        .iter()
                        .filter(|w| author_position(&surname, &given, &w.authors) != AuthorPosition::Unknown)
                        .filter_map(|w| publication(w, &scholar.name).map(|(k, f)| (k, "pubmed", f))),
                ),
                Err(e) => problems.push(format!("PubMed: {e}")),
            }
        }
        Ok(_) => {}
        Err(e) => problems.push(format!("PubMed: {e}")),
    }
    let search = reporter::ProjectSearch {
        pi_names: vec![reporter::PiName::Full { first_name: given.clone(), last_name: surname.clone() }],
        org_names: affiliation.map(|a| vec![a.to_string()]).unwrap_or_default(),
        ..reporter::ProjectSearch::default()
    };
    let url = format!("{}{}", settings.reporter_url, reporter::PROJECTS_SEARCH_PATH);
    let request = client.post(&url).json(&reporter::projects_search_body(&search));
    let answered = fetch(request).await;
    tokio::time::sleep(pause).await;
    match answered.and_then(|body| reporter::parse_projects(&body).map_err(|e| e.to_string())) {
        Ok(page) => found.extend(page.projects.iter().filter_map(|p| grant(p, &given, &surname))),
        Err(e) => problems.push(format!("NIH RePORTER: {e}")),
    }
    found
}

async fn fetch(request: reqwest::RequestBuilder) -> Result<String, String> {
    let response = request.send().await.map_err(|e| format!("could not be reached ({e})"))?;
    let status = response.status();
    let body = response.text().await.map_err(|e| format!("sent an answer that could not be read ({e})"))?;
    if status.is_success() { Ok(body) } else { Err(format!("answered {status}")) }
}

/// A paper as a record form would fill it, with its match key; None without DOI or PubMed ID.
fn publication(work: &Work, scholar: &str) -> Option<(String, ItemForm)> {
    let details = crate::domain::wins::WinDetails::from_work(work, scholar);
    let form = ItemForm {
        kind: "publication".into(),
        title: details.title,
        organisation: details.venue,
        year: details.year,
        doi: details.doi,
        pmid: details.pmid,
        author_position: details.author_position,
        ..ItemForm::default()
    };
    let item = form.validate().ok()?;
    Some((item.match_key()?, form))
}

/// An NIH project the scholar leads, as a grant; None when they are not among its PIs.
fn grant(project: &reporter::FundedProject, given: &str, surname: &str) -> Option<(String, &'static str, ItemForm)> {
    let fold = |s: &str| s.to_lowercase();
    let theirs = |name: &str| {
        let words: Vec<String> = name.split_whitespace().map(fold).collect();
        words.last().is_some_and(|last| *last == fold(surname))
            && words.first().is_some_and(|first| first.starts_with(&fold(given).chars().take(1).collect::<String>()))
    };
    if !project.investigators.iter().any(|i| theirs(&i.name)) {
        return None;
    }
    let award = project.award.as_ref()?;
    let role = if project.investigators.len() > 1 { "multi_pi" } else { "pi" };
    let form = ItemForm {
        kind: "grant".into(),
        title: project.title.clone(),
        organisation: "NIH".into(),
        award_number: award.to_string(),
        role: role.into(),
        status: "funded".into(),
        started_on: project.start_date.clone().unwrap_or_default(),
        ended_on: project.end_date.clone().unwrap_or_default(),
        annual_amount: project.award_amount.map(|a| a.to_string()).unwrap_or_default(),
        ..ItemForm::default()
    };
    let item = form.validate().ok()?;
    Some((item.match_key()?, "reporter", form))
}
