//! Goals: declared at a meeting, reported at the next, carried forward when unmet; a member's
//! long-term goals, record and printable year view; and the counts coordinators see instead.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::meetings::RefusedGoal;
use super::{Layout, Notice, safe_next};
use crate::app;
use crate::app::goals::DeclareGoal;
use crate::app::review::{Section, Style};
use crate::auth::{Actor, CsrfForm, CsrfOnly};
use crate::domain::cadence;
use crate::domain::goals::{GoalStatus, KINDS, LONG_STATUSES, Record, kind_label};
use crate::error::{AppError, AppResult};
use crate::report::engagement;
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::Program;
use crate::store::meetings::{Goal, GroupGoalCounts, LongGoal, ScheduleRow};

pub fn routes() -> Routes {
    Routes::new()
        .post("/groups/{id}/meetings/{start}/goals", declare_goal)
        .post("/goals/{id}/report", report_goal)
        .post("/goals/{id}/edit", edit_goal)
        .post("/goals/{id}/delete", delete_goal)
        .post("/goals/{id}/carry", carry_goal)
        .get("/goals", my_goals)
        .get("/goals/year", year_view)
        .get("/goals/year.md", year_markdown)
        .post("/goals/long-term", create_long_goal)
        .post("/goals/long-term/{id}", update_long_goal)
        .post("/goals/reminders", set_reminders)
        .post("/goals/api-token", create_api_token)
        .post("/goals/api-token/revoke", revoke_api_token)
        .get("/programs/{id}/accountability", program_counts)
        .get("/programs/{id}/engagement", engagement_page)
        .get("/programs/{id}/engagement.csv", engagement_csv)
}

#[derive(Deserialize)]
struct DeclareForm {
    text: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    long_goal_id: String,
}

async fn declare_goal(
    State(state): State<AppState>,
    Path((id, start)): Path<(i64, i64)>,
    CsrfForm(actor, form): CsrfForm<DeclareForm>,
) -> AppResult<Response> {
    let long_goal_id = match form.long_goal_id.trim() {
        "" => None,
        // Not a number is no goal of theirs: the app layer refuses it with the same words.
        raw => Some(raw.parse::<i64>().unwrap_or(0)),
    };
    let input = DeclareGoal { text: &form.text, kind: &form.kind, long_goal_id };
    match app::goals::declare(&state, &actor, id, start, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/groups/{id}/meetings/{start}?notice=added#declare")).into_response()),
        // Said on the meeting page, next to the form, with what was typed.
        Err(AppError::Invalid(error)) => {
            let refused = RefusedGoal { goal: None, error, text: form.text };
            super::meetings::render_meeting(&state, &actor, (id, start), &Notice::default(), Some(refused)).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct EditForm {
    text: String,
    #[serde(default)]
    kind: String,
}

async fn edit_goal(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<EditForm>,
) -> AppResult<Response> {
    match app::goals::edit(&state, &actor, id, &form.text, &form.kind).await {
        Ok(goal) => Ok(Redirect::to(&format!(
            "/groups/{}/meetings/{}?notice=saved#goal-{id}",
            goal.group_id, goal.meeting_start
        ))
        .into_response()),
        // Said next to that goal's own form, with what was typed.
        Err(AppError::Invalid(error)) => {
            let goal = state.store.goal(id).await?.ok_or(AppError::NotFound)?;
            let refused = RefusedGoal { goal: Some(id), error, text: form.text };
            let meeting = (goal.group_id, goal.meeting_start);
            super::meetings::render_meeting(&state, &actor, meeting, &Notice::default(), Some(refused)).await
        }
        Err(e) => Err(e),
    }
}

async fn delete_goal(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    let goal = app::goals::delete(&state, &actor, id).await?;
    Ok(Redirect::to(&format!("/groups/{}/meetings/{}?notice=removed#declare", goal.group_id, goal.meeting_start)))
}

#[derive(Deserialize)]
struct ReportForm {
    status: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    back: String,
}

async fn report_goal(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<ReportForm>,
) -> AppResult<Redirect> {
    app::goals::report(&state, &actor, id, &form.status, &form.reason).await?;
    let back =
        if form.back.is_empty() { "/goals".to_string() } else { safe_next(&form.back, &state.settings.public_url()) };
    Ok(Redirect::to(&format!("{back}?notice=saved")))
}

async fn carry_goal(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    let (group_id, start) = app::goals::carry(&state, &actor, id).await?;
    Ok(Redirect::to(&format!("/groups/{group_id}/meetings/{start}?notice=added#declare")))
}

/// A goal in a member's own lists.
pub struct OwnGoal {
    pub text: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub reason: String,
    pub group: String,
    pub when: String,
    pub link: String,
    pub carried: bool,
}

/// Each group's schedules, to show a meeting's date in the zone its group meets in.
struct Zones(HashMap<i64, cadence::Series>);

impl Zones {
    fn of(schedules: &[ScheduleRow]) -> Zones {
        let mut by_group: HashMap<i64, Vec<cadence::Schedule>> = HashMap::new();
        for row in schedules {
            by_group.entry(row.group_id).or_default().push(row.schedule());
        }
        Zones(
            by_group.into_iter().map(|(group, list)| (group, cadence::Series::new(list, Default::default()))).collect(),
        )
    }

    /// "Tuesday 2 June 2026" in the group's time zone.
    fn day(&self, g: &Goal) -> String {
        let zone =
            self.0.get(&g.group_id).and_then(|s| s.current(g.meeting_start)).map_or("UTC", |s| s.time_zone.as_str());
        cadence::format_local_day(g.meeting_start, zone)
    }
}

fn own_goal_view(g: &Goal, zones: &Zones) -> OwnGoal {
    OwnGoal {
        text: g.text.clone(),
        kind: kind_label(&g.kind),
        status: g.status.label(),
        reason: g.reason.clone(),
        group: g.group_name.clone(),
        when: zones.day(g),
        link: format!("/groups/{}/meetings/{}", g.group_id, g.meeting_start),
        carried: g.carried_from.is_some(),
    }
}

pub struct LongGoalView {
    pub goal: LongGoal,
    pub kind: &'static str,
    pub served_by: Vec<OwnGoal>,
    /// How many more served it than are shown (the year views have them).
    pub more: usize,
}

/// Each long-term goal with the goals of `goals` (oldest first) that served it, and how many
/// more than those served it (`served_in_all` says how many in all, where it knows).
fn long_views<'a>(
    long: Vec<LongGoal>,
    goals: impl Iterator<Item = &'a Goal> + Clone,
    served_in_all: &HashMap<i64, usize>,
    zones: &Zones,
) -> Vec<LongGoalView> {
    long.into_iter()
        .map(|l| {
            let served_by: Vec<OwnGoal> =
                goals.clone().filter(|g| g.long_goal_id == Some(l.id)).map(|g| own_goal_view(g, zones)).collect();
            LongGoalView {
                kind: kind_label(&l.kind),
                more: served_in_all.get(&l.id).map_or(0, |all| all.saturating_sub(served_by.len())),
                served_by,
                goal: l,
            }
        })
        .collect()
}

fn record_of(goals: &[Goal]) -> Record {
    let pairs: Vec<(i64, GoalStatus)> = goals.iter().map(|g| (g.meeting_start, g.status)).collect();
    Record::of(&pairs)
}

#[derive(Template, WebTemplate)]
#[template(path = "goals.html")]
struct GoalsPage {
    layout: Layout,
    record: Record,
    met_rate: String,
    long_goals: Vec<LongGoalView>,
    recent: Vec<OwnGoal>,
    kinds: Vec<(&'static str, &'static str)>,
    statuses: Vec<&'static str>,
    muted: bool,
    has_feed: bool,
    has_api_token: bool,
    year: i16,
    error: Option<String>,
}

async fn my_goals(State(state): State<AppState>, actor: Actor, Query(notice): Query<Notice>) -> AppResult<GoalsPage> {
    let own = app::goals::own_goals(&state, &actor).await?;
    let zones = Zones::of(&own.schedules);
    let long_goals = long_views(own.long_goals, own.serving.iter(), &own.served_in_all, &zones);
    let recent = own.recent.iter().map(|g| own_goal_view(g, &zones)).collect();
    Ok(GoalsPage {
        layout: Layout::for_actor(&actor).with_notice(&notice),
        met_rate: own.record.met_rate_text(),
        record: own.record,
        long_goals,
        recent,
        kinds: KINDS.to_vec(),
        statuses: LONG_STATUSES.to_vec(),
        muted: own.reminders_muted,
        has_feed: own.has_feed,
        has_api_token: own.has_api_token,
        year: cadence::year_of(state.now()),
        error: None,
    })
}

#[derive(Deserialize)]
struct YearQuery {
    #[serde(default)]
    year: Option<i16>,
    /// How papers are cited: "plain" or "nih" (an NIH biosketch's form).
    #[serde(default)]
    style: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "goals_year.html")]
struct YearPage {
    layout: Layout,
    name: String,
    year: i16,
    record: Record,
    met_rate: String,
    long_goals: Vec<LongGoalView>,
    others: Vec<OwnGoal>,
    /// Papers, grants, talks, awards, nominations and facilitation of the year.
    sections: Vec<Section>,
    style: &'static str,
}

/// The same review as a Markdown file, to paste into an institution's annual review form.
#[derive(Template)]
#[template(path = "review.md", escape = "none")]
struct YearMarkdown {
    page: YearPage,
}

async fn year_markdown(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<YearQuery>,
) -> AppResult<Response> {
    let mut page = year_view(State(state), actor, Query(query)).await?;
    // What people typed is text in the file, never Markdown or HTML of its own.
    let md = crate::app::review::markdown_text;
    page.name = md(&page.name);
    for goal in page.others.iter_mut().chain(page.long_goals.iter_mut().flat_map(|l| l.served_by.iter_mut())) {
        goal.text = md(&goal.text);
        goal.reason = md(&goal.reason);
    }
    for long in &mut page.long_goals {
        long.goal.title = md(&long.goal.title);
    }
    for section in &mut page.sections {
        section.lines = section.lines.iter().map(|line| md(line)).collect();
    }
    let file = format!("annual-review-{}.md", page.year);
    let body = YearMarkdown { page }.render().map_err(|e| AppError::Internal(e.into()))?;
    Ok(super::download(body, "text/markdown; charset=utf-8", &file))
}

async fn year_view(State(state): State<AppState>, actor: Actor, Query(query): Query<YearQuery>) -> AppResult<YearPage> {
    let year = query.year.unwrap_or_else(|| cadence::year_of(state.now()));
    let style = Style::from_query(&query.style);
    if !(1970..=9998).contains(&year) {
        return Err(AppError::BadRequest(format!("{year} is not a year aspire can show: pick one like 2026.")));
    }
    let (from, to) = (cadence::year_start(year), cadence::year_start(year + 1));
    let own = app::goals::own_year(&state, &actor, (from, to)).await?;
    let goals = own.goals;
    let record = record_of(&goals);
    let zones = Zones::of(&own.schedules);
    // A year view has every goal of its year: none served more than it shows.
    let long_goals = long_views(own.long_goals, goals.iter(), &HashMap::new(), &zones);
    let others = goals.iter().filter(|g| g.long_goal_id.is_none()).map(|g| own_goal_view(g, &zones)).collect();
    let review = app::review::annual_review(&state, &actor, year, style).await?;
    Ok(YearPage {
        sections: review.into_sections(),
        style: style.code(),
        layout: Layout::for_actor(&actor),
        name: actor.user.profile.name.clone(),
        year,
        met_rate: record.met_rate_text(),
        record,
        long_goals,
        others,
    })
}

#[derive(Deserialize)]
struct LongGoalForm {
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    target_date: String,
}

async fn create_long_goal(
    State(state): State<AppState>,
    CsrfForm(actor, form): CsrfForm<LongGoalForm>,
) -> AppResult<Redirect> {
    app::goals::create_long_goal(&state, &actor, &form.title, &form.kind, &form.target_date).await?;
    Ok(Redirect::to("/goals?notice=created#long-term"))
}

#[derive(Deserialize)]
struct LongStatusForm {
    status: String,
}

async fn update_long_goal(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<LongStatusForm>,
) -> AppResult<Redirect> {
    app::goals::set_long_goal_status(&state, &actor, id, &form.status).await?;
    Ok(Redirect::to("/goals?notice=saved#long-term"))
}

#[derive(Deserialize)]
struct MuteForm {
    muted: String,
}

async fn set_reminders(
    State(state): State<AppState>,
    CsrfForm(actor, form): CsrfForm<MuteForm>,
) -> AppResult<Redirect> {
    app::goals::set_reminders_muted(&state, &actor, form.muted == "1").await?;
    Ok(Redirect::to("/goals?notice=saved#reminders"))
}

#[derive(Template, WebTemplate)]
#[template(path = "api_token.html")]
struct ApiTokenPage {
    layout: Layout,
    token: String,
    api_url: String,
}

async fn create_api_token(
    State(state): State<AppState>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<ApiTokenPage> {
    let token = app::api_tokens::issue(&state, &actor).await?;
    Ok(ApiTokenPage {
        layout: Layout::for_actor(&actor),
        token,
        api_url: format!("{}/api/v1/meetings", state.settings.public_url()),
    })
}

async fn revoke_api_token(
    State(state): State<AppState>,
    CsrfForm(actor, _): CsrfForm<CsrfOnly>,
) -> AppResult<Redirect> {
    app::api_tokens::revoke(&state, &actor).await?;
    Ok(Redirect::to("/goals?notice=removed#api"))
}

pub struct CountsRow {
    pub counts: GroupGoalCounts,
    pub met_rate: String,
    pub attendance: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accountability.html")]
struct CountsPage {
    layout: Layout,
    program: Program,
    rows: Vec<CountsRow>,
    /// Wins recorded in the program by kind, whoever they are shared with: counts, never titles.
    wins: Vec<(String, i64)>,
}

async fn program_counts(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<CountsPage> {
    let (program, counts, wins) = app::goals::program_counts(&state, &actor, id).await?;
    let rows = counts
        .into_iter()
        .map(|c| CountsRow {
            met_rate: engagement::met_share(c.met, c.partly, c.reported),
            attendance: engagement::percent(c.present, c.attendance_records),
            counts: c,
        })
        .collect();
    let wins = wins
        .into_iter()
        .map(|(kind, count)| (crate::domain::wins::label(&crate::domain::wins::KINDS, &kind).to_string(), count))
        .collect();
    Ok(CountsPage { layout: Layout::for_actor(&actor), program, rows, wins })
}

/// One cohort's table on the engagement page: the months in which it did anything.
pub struct CohortTable {
    pub name: String,
    pub rows: Vec<(String, crate::report::engagement::MonthCounts)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "engagement.html")]
struct EngagementPage {
    layout: Layout,
    program: Program,
    first: String,
    last: String,
    cohorts: Vec<CohortTable>,
    /// The attendance rates drawn (server-rendered SVG; the tables are its text).
    chart: String,
}

fn cohort_name(cohort: &str) -> String {
    if cohort.is_empty() { "Groups formed outside a round".to_string() } else { cohort.to_string() }
}

/// Engagement over time, per cohort and month: counts only.
async fn engagement_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<EngagementPage> {
    let (program, months, cohorts) = app::goals::engagement(&state, &actor, id).await?;
    let series: Vec<(String, Vec<crate::report::engagement::MonthCounts>)> =
        cohorts.iter().map(|c| (cohort_name(&c.cohort), c.months.clone())).collect();
    let chart = crate::report::engagement::attendance_chart(&months, &series);
    let cohorts = cohorts
        .into_iter()
        .map(|c| CohortTable {
            name: cohort_name(&c.cohort),
            rows: months.iter().cloned().zip(c.months).filter(|(_, counts)| !counts.is_empty()).collect(),
        })
        .collect();
    Ok(EngagementPage {
        layout: Layout::for_actor(&actor),
        program,
        first: months.first().cloned().unwrap_or_default(),
        last: months.last().cloned().unwrap_or_default(),
        cohorts,
        chart,
    })
}

/// The same counts as a spreadsheet, with the program, the window and when it was extracted.
async fn engagement_csv(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Response> {
    let (program, months, cohorts) = app::goals::engagement(&state, &actor, id).await?;
    let internal = |e: csv::Error| AppError::Internal(e.into());
    let mut out = crate::domain::spreadsheet::SafeCsv::new(Vec::new());
    let extracted = jiff::Timestamp::from_second(state.now()).map(|t| t.to_string()).unwrap_or_default();
    let window =
        format!("{} to {}", months.first().cloned().unwrap_or_default(), months.last().cloned().unwrap_or_default());
    // The first row says what the file is; it is as wide as the others, as spreadsheets expect.
    let mut about = vec!["program", program.name.as_str(), "months", window.as_str(), "extracted", extracted.as_str()];
    about.resize(11, "");
    out.row(about).map_err(internal)?;
    out.row([
        "cohort",
        "month",
        "meetings held",
        "attendance present",
        "attendance recorded",
        "attendance rate",
        "goals declared",
        "goals reported",
        "goals met",
        "goals partly met",
        "share met",
    ])
    .map_err(internal)?;
    for cohort in cohorts {
        let name = cohort_name(&cohort.cohort);
        for (month, c) in months.iter().zip(&cohort.months).filter(|(_, c)| !c.is_empty()) {
            out.row([
                name.clone(),
                month.clone(),
                c.meetings.to_string(),
                c.present.to_string(),
                c.attendance_records.to_string(),
                c.attendance_rate(),
                c.declared.to_string(),
                c.reported.to_string(),
                c.met.to_string(),
                c.partly.to_string(),
                c.met_share(),
            ])
            .map_err(internal)?;
        }
    }
    let body = out.finish().map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(super::download(body, "text/csv; charset=utf-8", &format!("engagement-program-{}.csv", program.id)))
}
