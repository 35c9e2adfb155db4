//! NIH RePORTER (API v2): the NIH projects a member leads.
//!
//! The app POSTs [`projects_search_body`] as JSON to [`PROJECTS_SEARCH_PATH`]
//! below [`REPORTER_BASE_URL`] (or its configured replacement) and hands the
//! answer to [`parse_projects`].

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{ResponseError, Service, parse_json, service_message, text_at, value_at};
use crate::AwardNumber;
use crate::import::clean_spaces;

/// Where the RePORTER API lives.
pub const REPORTER_BASE_URL: &str = "https://api.reporter.nih.gov/";

/// The project search, relative to [`REPORTER_BASE_URL`]; it takes a POST.
pub const PROJECTS_SEARCH_PATH: &str = "v2/projects/search";

/// The most projects RePORTER returns in one answer.
pub const MAX_LIMIT: u32 = 500;

/// The largest offset RePORTER accepts; narrow the search to see further.
pub const MAX_OFFSET: u32 = 14_999;

/// The page size when none is chosen.
pub const DEFAULT_LIMIT: u32 = 50;

/// Only the fields [`FundedProject`] reads, so answers stay small (abstracts
/// and term lists run to kilobytes per project).
const INCLUDE_FIELDS: &[&str] = &[
    "ApplId",
    "ProjectNum",
    "ProjectTitle",
    "ActivityCode",
    "PrincipalInvestigators",
    "Organization",
    "FiscalYear",
    "ProjectStartDate",
    "ProjectEndDate",
    "AwardAmount",
];

/// A principal investigator to search for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PiName {
    /// First and last name, each matched on its own.
    Full { first_name: String, last_name: String },
    /// One name matched against first, middle and last names.
    Any(String),
}

/// What to search RePORTER for: projects matching all the non-empty lists
/// (any entry within a list), one page of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectSearch {
    pub pi_names: Vec<PiName>,
    /// Organisation names as RePORTER spells them, e.g. `COLUMBIA UNIVERSITY HEALTH SCIENCES`.
    pub org_names: Vec<String>,
    /// Project numbers, e.g. `5K23HL145123-03`; RePORTER allows `*` wildcards.
    pub project_nums: Vec<String>,
    /// The first project to return, counting from 0; capped at [`MAX_OFFSET`].
    pub offset: u32,
    /// How many projects to return, 1 to [`MAX_LIMIT`].
    pub limit: u32,
}

impl Default for ProjectSearch {
    fn default() -> Self {
        ProjectSearch {
            pi_names: Vec::new(),
            org_names: Vec::new(),
            project_nums: Vec::new(),
            offset: 0,
            limit: DEFAULT_LIMIT,
        }
    }
}

/// The JSON body of a project search, newest projects first.
///
/// Blank names are dropped, and empty lists are left out of the criteria
/// (an empty list would not narrow the search anyway). `limit` is kept within
/// 1..=[`MAX_LIMIT`] and `offset` at most [`MAX_OFFSET`], the bounds RePORTER
/// rejects a request beyond.
pub fn projects_search_body(search: &ProjectSearch) -> Value {
    let mut criteria = serde_json::Map::new();
    let pi_names: Vec<Value> = search
        .pi_names
        .iter()
        .filter_map(|name| match name {
            PiName::Full { first_name, last_name } => {
                let (first_name, last_name) = (clean_spaces(first_name), clean_spaces(last_name));
                (!first_name.is_empty() || !last_name.is_empty())
                    .then(|| json!({"first_name": first_name, "last_name": last_name}))
            }
            PiName::Any(any_name) => {
                let any_name = clean_spaces(any_name);
                (!any_name.is_empty()).then(|| json!({"any_name": any_name}))
            }
        })
        .collect();
    if !pi_names.is_empty() {
        criteria.insert("pi_names".into(), Value::Array(pi_names));
    }
    for (key, values) in [("org_names", &search.org_names), ("project_nums", &search.project_nums)] {
        let values: Vec<Value> = values
            .iter()
            .map(|value| clean_spaces(value))
            .filter(|value| !value.is_empty())
            .map(Value::String)
            .collect();
        if !values.is_empty() {
            criteria.insert(key.into(), Value::Array(values));
        }
    }
    json!({
        "criteria": criteria,
        "include_fields": INCLUDE_FIELDS,
        "offset": search.offset.min(MAX_OFFSET),
        "limit": search.limit.clamp(1, MAX_LIMIT),
        "sort_field": "project_start_date",
        "sort_order": "desc",
    })
}

/// One page of a project search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectPage {
    /// How many projects match in all (`meta.total`), across every page.
    pub total: u64,
    pub projects: Vec<FundedProject>,
}

/// One fiscal year of an NIH project, as RePORTER lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundedProject {
    /// The project number as RePORTER wrote it, e.g. `5K23HL145123-03`.
    pub project_num: String,
    /// The same number parsed, when it parses (contract and some older
    /// numbers do not follow the grant pattern).
    pub award: Option<AwardNumber>,
    pub title: String,
    /// The mechanism, e.g. `K23`.
    pub activity_code: Option<String>,
    /// The principal investigators in RePORTER's order.
    pub investigators: Vec<Investigator>,
    /// The awardee organisation, e.g. `UNIVERSITY OF WASHINGTON`.
    pub organisation: Option<String>,
    pub fiscal_year: Option<u16>,
    /// The project's start, `YYYY-MM-DD`.
    pub start_date: Option<String>,
    /// The project's planned end, `YYYY-MM-DD`.
    pub end_date: Option<String>,
    /// US dollars awarded in this fiscal year.
    pub award_amount: Option<i64>,
}

/// A principal investigator of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Investigator {
    /// The name as RePORTER gives it, e.g. `Suzie H. Pun`.
    pub name: String,
    /// Whether this is the contact PI of a multi-PI project.
    pub is_contact: bool,
}

/// The projects in a search answer (`results[]`) and the total (`meta.total`).
///
/// Projects without a project number or title are skipped.
pub fn parse_projects(body: &str) -> Result<ProjectPage, ResponseError> {
    let json = parse_json(Service::Reporter, body)?;
    let Some(results) = json.get("results").and_then(Value::as_array) else {
        // A refused request carries a message instead of results.
        if let Some(message) = text_at(&json, &["message"]) {
            return Err(ResponseError::Refused { service: Service::Reporter, message: service_message(&message) });
        }
        return Err(ResponseError::Missing { service: Service::Reporter, missing: "list of projects (\"results\")" });
    };
    let projects: Vec<FundedProject> = results.iter().filter_map(project_from_result).collect();
    // Older answers and some error pages lack `meta`; the page itself is then all we know.
    let total = value_at(&json, &["meta", "total"]).and_then(Value::as_u64).unwrap_or(results.len() as u64);
    Ok(ProjectPage { total, projects })
}

fn project_from_result(result: &Value) -> Option<FundedProject> {
    let project_num = text_at(result, &["project_num"])?;
    let title = text_at(result, &["project_title"])?;
    let investigators = result
        .get("principal_investigators")
        .and_then(Value::as_array)
        .map(|people| people.iter().filter_map(investigator).collect())
        .unwrap_or_default();
    Some(FundedProject {
        award: AwardNumber::parse(&project_num).ok(),
        project_num,
        title,
        activity_code: text_at(result, &["activity_code"]),
        investigators,
        organisation: text_at(result, &["organization", "org_name"]),
        fiscal_year: result.get("fiscal_year").and_then(Value::as_u64).and_then(|year| u16::try_from(year).ok()),
        start_date: text_at(result, &["project_start_date"]).and_then(|date| calendar_date(&date)),
        end_date: text_at(result, &["project_end_date"]).and_then(|date| calendar_date(&date)),
        award_amount: result.get("award_amount").and_then(whole_number),
    })
}

fn investigator(person: &Value) -> Option<Investigator> {
    let name = text_at(person, &["full_name"]).or_else(|| {
        let parts: Vec<String> =
            ["first_name", "middle_name", "last_name"].iter().filter_map(|field| text_at(person, &[field])).collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    })?;
    let is_contact = person.get("is_contact_pi").and_then(Value::as_bool).unwrap_or(false);
    Some(Investigator { name, is_contact })
}

/// `2020-12-21T12:12:00Z` or `2023-08-01T00:00:00` as `2020-12-21`; `None`
/// unless it starts with a `YYYY-MM-DD` date.
fn calendar_date(text: &str) -> Option<String> {
    let date = text.get(..10)?;
    let shape_ok = date.char_indices().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    shape_ok.then(|| date.to_string())
}

/// An amount written as `455938` or `455938.0`.
fn whole_number(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| {
        let float = value.as_f64()?;
        // Amounts are whole dollars; anything else is not an amount we can show.
        (float.fract() == 0.0 && float.abs() < 9.0e15).then_some(float as i64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_holds_only_the_criteria_given() {
        let search = ProjectSearch {
            pi_names: vec![
                PiName::Full { first_name: "Jane".into(), last_name: " Smith ".into() },
                PiName::Any("Okafor".into()),
                PiName::Any("  ".into()),
            ],
            org_names: vec!["COLUMBIA UNIVERSITY HEALTH SCIENCES".into()],
            ..ProjectSearch::default()
        };
        let body = projects_search_body(&search);
        assert_eq!(
            body["criteria"],
            json!({
                "pi_names": [{"first_name": "Jane", "last_name": "Smith"}, {"any_name": "Okafor"}],
                "org_names": ["COLUMBIA UNIVERSITY HEALTH SCIENCES"],
            })
        );
        assert_eq!(body["offset"], 0);
        assert_eq!(body["limit"], DEFAULT_LIMIT);
        assert_eq!(body["sort_order"], "desc");
        assert!(body["include_fields"].as_array().unwrap().contains(&json!("PrincipalInvestigators")));
    }

    #[test]
    fn body_keeps_paging_within_reporters_bounds() {
        let search = ProjectSearch {
            project_nums: vec!["5K23HL145123-03".into(), "K23HL*".into()],
            offset: 20_000,
            limit: 0,
            ..ProjectSearch::default()
        };
        let body = projects_search_body(&search);
        assert_eq!(body["criteria"], json!({"project_nums": ["5K23HL145123-03", "K23HL*"]}));
        assert_eq!((body["offset"].as_u64(), body["limit"].as_u64()), (Some(14_999), Some(1)));
        let too_many = ProjectSearch { limit: 10_000, ..ProjectSearch::default() };
        assert_eq!(projects_search_body(&too_many)["limit"], 500);
    }

    #[test]
    fn sparse_results_are_read_and_untitled_ones_skipped() {
        let body = r#"{"meta":{"total":40},"results":[
            {"project_num":"HHSN261201500003I","project_title":"A contract",
             "principal_investigators":[{"first_name":"Ann","last_name":"Lee"},{"full_name":"  "}],
             "award_amount":125000.0,"project_start_date":"not a date","fiscal_year":70000},
            {"project_num":"1R01CA000001-01"},
            {"project_title":"No number"}]}"#;
        let page = parse_projects(body).unwrap();
        assert_eq!(page.total, 40, "the total counts every page, not this one");
        assert_eq!(page.projects.len(), 1);
        let project = &page.projects[0];
        assert_eq!(project.project_num, "HHSN261201500003I");
        assert_eq!(project.award, None, "a contract number is kept as text only");
        assert_eq!(project.investigators, [Investigator { name: "Ann Lee".into(), is_contact: false }]);
        assert_eq!(project.award_amount, Some(125_000));
        assert_eq!((project.start_date.as_ref(), project.fiscal_year), (None, None));
        assert_eq!((project.organisation.as_ref(), project.activity_code.as_ref()), (None, None));
    }

    #[test]
    fn a_refusal_or_a_strange_answer_is_an_error() {
        let refused = parse_projects(r#"{"message":"limit must be between 1 and 500"}"#).unwrap_err();
        assert_eq!(refused.to_string(), "NIH RePORTER refused the request: limit must be between 1 and 500");
        let missing = parse_projects(r#"{"meta":{"total":0}}"#).unwrap_err().to_string();
        assert!(missing.contains("no list of projects"), "{missing}");
        assert_eq!(parse_projects(r#"{"results":[]}"#).unwrap(), ProjectPage { total: 0, projects: vec![] });
    }

    #[test]
    fn dates_must_start_with_a_calendar_date() {
        assert_eq!(calendar_date("2020-12-21T12:12:00Z").as_deref(), Some("2020-12-21"));
        assert_eq!(calendar_date("2023-08-01").as_deref(), Some("2023-08-01"));
        assert_eq!(calendar_date("12/21/2020"), None);
        assert_eq!(calendar_date("2020-1-2"), None);
    }
}
