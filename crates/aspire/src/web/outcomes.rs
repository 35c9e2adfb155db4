//! The program's outcomes dashboard and its exports: NIH Tables 8 and 5, K-to-R conversion with
//! its Kaplan-Meier curve, the CTSA careers metric and the collaborations the program gave rise
//! to, filterable by cohort and year; every table as CSV and all of them as one XLSX workbook.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::Layout;
use crate::app::outcomes::{self, Filter, Outcomes};
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::report::chart;
use crate::report::export::{self, About, Table};
use crate::report::outcomes::{OutcomeRow, PublicationRow, Tie};
use crate::routes::Routes;
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::new().get("/programs/{id}/outcomes", dashboard).get("/programs/{id}/outcomes/{file}", download)
}

#[derive(Deserialize, Default)]
struct FilterQuery {
    #[serde(default)]
    cohort: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    window: String,
}

impl FilterQuery {
    fn filter(&self) -> Filter {
        Filter::new(&self.cohort, &self.year, &self.window)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "outcomes.html")]
struct Dashboard {
    layout: Layout,
    o: Outcomes,
    /// The query string that keeps the filter on the export links ("" or "?cohort=...").
    query: String,
    summary: String,
    works_chart: String,
    km_chart: String,
    shared_chart: String,
    network_chart: String,
    /// The network's links as rows (names, works), for the table beside it.
    links: Vec<(String, String, usize)>,
    /// The years the filter offers, newest first, with the one chosen.
    years: Vec<(i64, bool)>,
}

fn query_string(filter: &Filter) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if !filter.cohort.is_empty() {
        pairs.push(("cohort", filter.cohort.clone()));
    }
    if let Some(year) = filter.year {
        pairs.push(("year", year.to_string()));
    }
    pairs.push(("window", filter.window_years.to_string()));
    format!("?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

fn summary(o: &Outcomes) -> String {
    let papers: usize = o.works_by_year.iter().map(|(_, p, _)| p).sum();
    let grants: usize = o.works_by_year.iter().map(|(_, _, g)| g).sum();
    let when = o.filter.year.map_or(String::new(), |y| format!(" in {y}"));
    let mut text = format!(
        "{} scholars{}: {papers} papers and {grants} funded grants{when}; {} works shared by two or more scholars.",
        o.scholars,
        if o.filter.cohort.is_empty() { String::new() } else { format!(" of cohort {}", o.filter.cohort) },
        o.shared.len()
    );
    if let Some(all) = o.conversions.last().filter(|c| c.with_k > 0) {
        text.push_str(&format!(
            " Of {} who held a K, {} converted to an R01 or equivalent ({} of those no longer on a K); median {} years.",
            all.with_k,
            all.converted,
            all.rate(),
            all.median()
        ));
    }
    text
}

/// Every point of the network with the links between them, by index into `o.names`.
fn network(o: &Outcomes) -> (Vec<String>, Vec<(usize, usize, usize)>) {
    let mut members: Vec<i64> = o.shared.iter().flat_map(|w| w.members.iter().copied()).collect();
    members.sort_unstable();
    members.dedup();
    let name = |user: i64| o.names.iter().find(|(id, _)| *id == user).map(|(_, n)| n.clone()).unwrap_or_default();
    let points: Vec<String> = members.iter().map(|m| name(*m)).collect();
    let mut links: Vec<(usize, usize, usize)> = Vec::new();
    for work in &o.shared {
        for (i, a) in work.members.iter().enumerate() {
            for b in work.members.iter().skip(i + 1) {
                let (Some(a), Some(b)) = (members.iter().position(|m| m == a), members.iter().position(|m| m == b))
                else {
                    continue;
                };
                match links.iter_mut().find(|(x, y, _)| (*x, *y) == (a, b)) {
                    Some(link) => link.2 += 1,
                    None => links.push((a, b, 1)),
                }
            }
        }
    }
    (points, links)
}

async fn dashboard(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<FilterQuery>,
) -> AppResult<Dashboard> {
    let o = outcomes::outcomes(&state, &actor, id, query.filter()).await?;
    let labels: Vec<String> = o.works_by_year.iter().map(|(y, ..)| y.to_string()).collect();
    let works_chart = chart::grouped_bars(
        "works-chart",
        "Papers and funded grants per year (the table below gives the same figures)",
        &labels,
        &["Papers", "Funded grants"],
        &o.works_by_year.iter().map(|(_, p, g)| vec![*p, *g]).collect::<Vec<_>>(),
    );
    let km_points: Vec<(f64, f64)> = o.km.iter().map(|s| (s.years, 1.0 - s.survival)).collect();
    let km_chart = chart::step_curve(
        "km-chart",
        "Share of K holders converted to an R01 or equivalent, by years since the K (Kaplan-Meier; the table below gives the same figures)",
        "Years since the first K",
        &km_points,
    );
    let shared_labels: Vec<String> = o.shared_by_year.iter().map(|(y, _)| y.to_string()).collect();
    let shared_chart = chart::grouped_bars(
        "shared-chart",
        "Works shared by two or more scholars per year, by tie (the table below gives the same figures)",
        &shared_labels,
        &Tie::ALL.map(Tie::label),
        &o.shared_by_year.iter().map(|(_, counts)| counts.to_vec()).collect::<Vec<_>>(),
    );
    let (points, link_indexes) = network(&o);
    let network_chart = chart::network(
        "network-chart",
        "Scholars joined by the papers and grants they share (the table below lists each link)",
        &points,
        &link_indexes,
    );
    let links = link_indexes.iter().map(|(a, b, n)| (points[*a].clone(), points[*b].clone(), *n)).collect();
    let this_year = i64::from(o.today.year());
    Ok(Dashboard {
        layout: Layout::for_actor(&actor),
        query: query_string(&o.filter),
        summary: summary(&o),
        works_chart,
        km_chart,
        shared_chart,
        network_chart,
        links,
        years: (this_year - 14..=this_year).rev().map(|y| (y, o.filter.year == Some(y))).collect(),
        o,
    })
}

/// Every table of the report, as the exports write them.
fn tables(o: &Outcomes) -> Vec<Table> {
    let strings = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    let mut tables = vec![
        Table {
            key: "table8",
            title: "Scholar outcomes (NIH Table 8)",
            headers: strings(&OutcomeRow::HEADERS),
            rows: o.outcomes.iter().map(|r| strings(&r.cells())).collect(),
        },
        Table {
            key: "table5",
            title: "Publications (NIH Table 5)",
            headers: strings(&PublicationRow::HEADERS),
            rows: o
                .publications
                .iter()
                .map(|r| {
                    vec![
                        r.scholar.clone(),
                        r.mentors.clone(),
                        r.status.clone(),
                        r.training_period.clone(),
                        r.publications_cell(),
                    ]
                })
                .collect(),
        },
        Table {
            key: "k-to-r",
            title: "K-to-R conversion by cohort",
            headers: strings(&[
                "Cohort",
                "Held a K",
                "Converted",
                "No longer on a K, not converted",
                "Still on a K (not counted)",
                "Conversion rate",
                "Median years K to R",
            ]),
            rows: o
                .conversions
                .iter()
                .map(|c| {
                    vec![
                        c.cohort.clone(),
                        c.with_k.to_string(),
                        c.converted.to_string(),
                        c.not_converted.to_string(),
                        c.still_on_k.to_string(),
                        c.rate(),
                        c.median(),
                    ]
                })
                .collect(),
        },
        Table {
            key: "kaplan-meier",
            title: "Time from K to first R (Kaplan-Meier)",
            headers: strings(&["Years since first K", "At risk", "Converted", "Censored", "Share converted"]),
            rows: o
                .km
                .iter()
                .map(|s| {
                    vec![
                        format!("{:.2}", s.years),
                        s.at_risk.to_string(),
                        s.events.to_string(),
                        s.censored.to_string(),
                        format!("{:.0}%", (1.0 - s.survival) * 100.0),
                    ]
                })
                .collect(),
        },
        Table {
            key: "collaborations",
            title: "Works shared by two or more scholars",
            headers: strings(&["Year", Tie::SameGroup.label(), Tie::SameCohort.label(), Tie::AcrossCohorts.label()]),
            rows: o
                .shared_by_year
                .iter()
                .map(|(year, counts)| {
                    std::iter::once(year.to_string()).chain(counts.iter().map(|c| c.to_string())).collect()
                })
                .collect(),
        },
    ];
    if !o.named {
        tables.retain(|t| t.key != "table8" && t.key != "table5");
    }
    if let Some(careers) = &o.careers {
        let mut headers = vec!["Completed scholars".to_string()];
        headers.extend(careers.columns.iter().map(|(u, g)| format!("Underrepresented: {u} / {g}")));
        headers.push("Total".into());
        let mut rows: Vec<Vec<String>> = careers
            .rows
            .iter()
            .map(|(name, cells, total)| {
                std::iter::once(name.clone())
                    .chain(cells.iter().map(|c| c.to_string()))
                    .chain(std::iter::once(total.to_string()))
                    .collect()
            })
            .collect();
        rows.push(
            std::iter::once("Total".to_string())
                .chain(careers.column_totals.iter().map(|c| c.to_string()))
                .chain(std::iter::once(careers.total.to_string()))
                .collect(),
        );
        tables.push(Table {
            key: "careers",
            title: "CTSA common metric: careers in clinical and translational research",
            headers,
            rows,
        });
    }
    tables
}

async fn download(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, file)): Path<(i64, String)>,
    Query(query): Query<FilterQuery>,
) -> AppResult<Response> {
    let o = outcomes::outcomes(&state, &actor, id, query.filter()).await?;
    let window = format!(
        "{}{}; Table 8: scholars who began in the last {} years",
        if o.filter.cohort.is_empty() { "all cohorts".to_string() } else { format!("cohort {}", o.filter.cohort) },
        o.filter.year.map_or(String::new(), |y| format!("; papers, grants and shared works of {y}")),
        o.filter.window_years
    );
    let extracted = o.today.to_string();
    let about = About { program: &o.program.name, window: &window, extracted: &extracted };
    let tables = tables(&o);
    let internal = |e: String| AppError::Internal(anyhow::anyhow!(e));
    if file == "outcomes.xlsx" {
        let body = export::xlsx(&tables, &about).map_err(internal)?;
        let name = format!("outcomes-program-{}-{extracted}.xlsx", o.program.id);
        return Ok(super::download(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &name));
    }
    let key = file.strip_suffix(".csv").ok_or(AppError::NotFound)?;
    let table = tables.iter().find(|t| t.key == key).ok_or(AppError::NotFound)?;
    let body = export::csv(table, &about).map_err(internal)?;
    let name = format!("{key}-program-{}-{extracted}.csv", o.program.id);
    Ok(super::download(body, "text/csv; charset=utf-8", &name))
}
