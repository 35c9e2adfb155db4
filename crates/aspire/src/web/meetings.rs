//! A group's meetings: the series (schedule, place, cadence history), each meeting's page with
//! the agenda, the goals to check in on and to declare, and attendance.

use std::collections::BTreeSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::Redirect;
use serde::Deserialize;

use super::routes::Routes;
use super::{Layout, Notice, sentence};
use crate::auth::{Actor, CsrfForm, access};
use crate::domain::cadence::{self, Cadence, Occurrence, Schedule, Series, WEEKDAYS};
use crate::domain::goals::{GoalStatus, KINDS, kind_label};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::meetings::{Goal, LongGoal, ScheduleRow, SeriesRow};
use crate::store::{Group, GroupMember, GroupRole};

pub fn routes() -> Routes {
    Routes::new()
        .get("/groups/{id}/meetings", series_page)
        .post("/groups/{id}/meetings", save_series)
        .get("/groups/{id}/meetings/{start}", meeting_page)
        .post("/groups/{id}/meetings/{start}/cancel", cancel_meeting)
        .post("/groups/{id}/meetings/{start}/attendance", record_attendance)
}

/// A group's series as stored, and as meetings.
pub struct LoadedSeries {
    pub row: Option<SeriesRow>,
    pub history: Vec<ScheduleRow>,
    pub series: Series,
}

impl LoadedSeries {
    pub fn place(&self) -> &str {
        self.row.as_ref().map_or("", |r| r.place.as_str())
    }

    /// The time zone a meeting at `instant` is shown in.
    pub fn zone_at(&self, instant: i64) -> String {
        self.series.current(instant).map_or_else(|| "UTC".to_string(), |s| s.time_zone.clone())
    }

    pub fn label(&self, instant: i64) -> String {
        cadence::format_local(instant, &self.zone_at(instant))
    }
}

pub async fn load_series(state: &AppState, group_id: i64) -> AppResult<LoadedSeries> {
    let row = state.store.meeting_series(group_id).await?;
    let history = state.store.schedules(group_id).await?;
    let cancelled: BTreeSet<i64> = state.store.cancellations(group_id).await?.into_iter().collect();
    let series = Series::new(history.iter().map(ScheduleRow::schedule).collect(), cancelled);
    Ok(LoadedSeries { row, history, series })
}

/// A group whose content (meetings, goals) the actor may see; anything else is a 404.
pub async fn content_group(state: &AppState, actor: &Actor, id: i64) -> AppResult<Group> {
    let group = state.store.group(id).await?.ok_or(AppError::NotFound)?;
    if access::can_see_group_content(actor, &group) { Ok(group) } else { Err(AppError::NotFound) }
}

/// A meeting in the list: when, and whether it was cancelled.
pub struct MeetingLink {
    pub start: i64,
    pub label: String,
    pub cancelled: bool,
}

/// What the group page shows of the meetings.
pub struct MeetingSummary {
    pub schedule: String,
    pub place: String,
    pub next: Option<MeetingLink>,
    pub past: Vec<MeetingLink>,
}

fn link(loaded: &LoadedSeries, o: &Occurrence) -> MeetingLink {
    MeetingLink { start: o.start, label: loaded.label(o.start), cancelled: o.cancelled }
}

/// The next meeting and the recent past ones, for the group page.
pub async fn summary(state: &AppState, group_id: i64) -> AppResult<MeetingSummary> {
    let loaded = load_series(state, group_id).await?;
    let now = state.now();
    Ok(MeetingSummary {
        schedule: loaded
            .series
            .current(now)
            .map_or_else(|| "No meetings scheduled yet.".to_string(), Schedule::describe),
        place: loaded.place().to_string(),
        next: loaded.series.next(now).map(|o| link(&loaded, &o)),
        past: loaded.series.past(now, 6).iter().map(|o| link(&loaded, o)).collect(),
    })
}

pub struct HistoryEntry {
    pub description: String,
    pub from: String,
    pub by: String,
    pub changed: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "meetings.html")]
struct SeriesPage {
    layout: Layout,
    group: Group,
    summary: MeetingSummary,
    upcoming: Vec<MeetingLink>,
    history: Vec<HistoryEntry>,
    form: SeriesForm,
    weekdays: Vec<(i64, &'static str)>,
    error: Option<String>,
}

#[derive(Deserialize, Clone)]
struct SeriesForm {
    #[serde(default)]
    cadence: String,
    #[serde(default)]
    nth: String,
    #[serde(default)]
    weekday: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    duration_minutes: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    reminder_lead_hours: String,
}

impl SeriesForm {
    fn of(loaded: &LoadedSeries, now: i64, default_zone: &str) -> SeriesForm {
        let current = loaded.series.current(now);
        SeriesForm {
            cadence: current.map_or("weekly", |s| s.cadence.code()).to_string(),
            nth: current.map_or(1, |s| s.cadence.nth()).to_string(),
            weekday: current.map_or(2, |s| s.weekday).to_string(),
            time: current.map_or_else(|| "09:00".to_string(), |s| cadence::format_time_of_day(s.minute_of_day)),
            time_zone: current.map_or_else(|| default_zone.to_string(), |s| s.time_zone.clone()),
            duration_minutes: current.map_or(60, |s| s.duration_minutes).to_string(),
            place: loaded.place().to_string(),
            reminder_lead_hours: loaded.row.as_ref().map_or(24, |r| r.reminder_lead_minutes / 60).to_string(),
        }
    }

    fn is(&self, field: &str, value: &str) -> bool {
        match field {
            "cadence" => self.cadence == value,
            "nth" => self.nth == value,
            "weekday" => self.weekday == value,
            _ => false,
        }
    }

    /// The schedule this form describes, taking effect at `now`, with the reminder lead time.
    fn parse(&self, now: i64) -> Result<(Schedule, i64), String> {
        let nth: i64 = self.nth.trim().parse().unwrap_or(1);
        let cadence = Cadence::from_code(self.cadence.trim(), nth)
            .ok_or_else(|| cadence::ScheduleError::Cadence(self.cadence.clone()).to_string())?;
        let weekday: i64 = self.weekday.trim().parse().map_err(|_| cadence::ScheduleError::Weekday.to_string())?;
        let minute_of_day = cadence::parse_time_of_day(&self.time).map_err(|e| e.to_string())?;
        let duration_minutes: i64 = self
            .duration_minutes
            .trim()
            .parse()
            .map_err(|_| format!("'{}' is not a number of minutes: write it like 60", self.duration_minutes))?;
        let lead: i64 = self.reminder_lead_hours.trim().parse().map_err(|_| {
            format!(
                "'{}' is not a number of hours: write how many hours before a meeting to remind, like 24",
                self.reminder_lead_hours
            )
        })?;
        if !(1..=168).contains(&lead) {
            return Err("reminders go out between 1 and 168 hours (a week) before a meeting".to_string());
        }
        if self.place.chars().count() > 500 {
            return Err("the place or link is at most 500 characters".to_string());
        }
        let schedule = Schedule {
            effective_from: now,
            cadence,
            weekday,
            minute_of_day,
            time_zone: self.time_zone.trim().to_string(),
            duration_minutes,
        }
        .validate()
        .map_err(|e| e.to_string())?;
        Ok((schedule, lead * 60))
    }
}

async fn series_view(
    state: &AppState,
    actor: &Actor,
    group: Group,
    form: Option<SeriesForm>,
    error: Option<String>,
    notice: &Notice,
) -> AppResult<SeriesPage> {
    let loaded = load_series(state, group.id).await?;
    let now = state.now();
    let upcoming = loaded.series.occurrences(now, i64::MAX / 4, 6).iter().map(|o| link(&loaded, o)).collect();
    let history = loaded
        .history
        .iter()
        .rev()
        .map(|h| HistoryEntry {
            description: h.schedule().describe(),
            from: cadence::format_local(h.effective_from, &h.time_zone),
            by: h.changed_by_name.clone().unwrap_or_else(|| "someone no longer here".to_string()),
            changed: cadence::format_local(h.changed_at, &h.time_zone),
        })
        .collect();
    let form = form.unwrap_or_else(|| SeriesForm::of(&loaded, now, &actor.user.time_zone));
    let summary = MeetingSummary {
        schedule: loaded
            .series
            .current(now)
            .map_or_else(|| "No meetings scheduled yet.".to_string(), Schedule::describe),
        place: loaded.place().to_string(),
        next: loaded.series.next(now).map(|o| link(&loaded, &o)),
        past: loaded.series.past(now, 24).iter().map(|o| link(&loaded, o)).collect(),
    };
    Ok(SeriesPage {
        layout: Layout::for_actor(actor).with_notice(notice),
        group,
        summary,
        upcoming,
        history,
        form,
        weekdays: (1..=7).zip(WEEKDAYS).collect(),
        error,
    })
}

async fn series_page(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
) -> AppResult<SeriesPage> {
    let group = content_group(&state, &actor, id).await?;
    series_view(&state, &actor, group, None, None, &notice).await
}

async fn save_series(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<SeriesForm>,
) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let group = content_group(&state, &actor, id).await?;
    if !access::can_run_meetings(&actor, &group) {
        return Err(AppError::NotFound);
    }
    let now = state.now();
    match form.parse(now) {
        Ok((schedule, lead)) => {
            let loaded = load_series(&state, group.id).await?;
            // Only a real change of schedule starts a new entry in the history.
            let changed = loaded.series.current(now).is_none_or(|current| {
                let mut same = current.clone();
                same.effective_from = now;
                same != schedule
            });
            let place = form.place.trim();
            state.store.save_series(group.id, changed.then_some(&schedule), place, lead, actor.user.id, now).await?;
            Ok(Redirect::to(&format!("/groups/{}/meetings?notice=saved", group.id)).into_response())
        }
        Err(error) => {
            let page = series_view(
                &state,
                &actor,
                group,
                Some(form),
                Some(format!("{}.", sentence(&error))),
                &Notice::default(),
            )
            .await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// A goal as shown on a meeting page.
pub struct GoalView {
    pub id: i64,
    pub author: String,
    pub text: String,
    pub kind: &'static str,
    pub status: GoalStatus,
    pub reason: String,
    pub mine: bool,
    pub carried: bool,
    pub carried_on: bool,
}

impl GoalView {
    pub fn status_label(&self) -> &'static str {
        self.status.label()
    }
    pub fn is_open(&self) -> bool {
        self.status == GoalStatus::Open
    }
    pub fn can_carry(&self) -> bool {
        self.mine && matches!(self.status, GoalStatus::NotMet | GoalStatus::Partly) && !self.carried_on
    }
}

async fn goal_views(state: &AppState, actor: &Actor, goals: Vec<Goal>) -> AppResult<Vec<GoalView>> {
    let mut out = Vec::with_capacity(goals.len());
    for g in goals {
        let carried_on = state.store.carried_to(g.id).await?.is_some();
        out.push(GoalView {
            id: g.id,
            mine: g.user_id == actor.user.id,
            author: g.user_name,
            kind: kind_label(&g.kind),
            status: GoalStatus::from_code(&g.status).unwrap_or(GoalStatus::Open),
            reason: g.reason,
            carried: g.carried_from.is_some(),
            carried_on,
            text: g.text,
        })
    }
    Ok(out)
}

pub struct AttendanceRow {
    pub user_id: i64,
    pub name: String,
    pub present: Option<bool>,
    pub can_record: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "meeting.html")]
struct MeetingPage {
    layout: Layout,
    group: Group,
    when: String,
    place: String,
    cancelled: bool,
    previous: Option<MeetingLink>,
    following: Option<MeetingLink>,
    check_in: Vec<GoalView>,
    declared: Vec<GoalView>,
    attendance: Vec<AttendanceRow>,
    kinds: Vec<(&'static str, &'static str)>,
    long_goals: Vec<LongGoal>,
    path: String,
}

/// The meeting at `start` of a visible group; a start that is not one of its meetings is a 404.
pub async fn visible_meeting(state: &AppState, actor: &Actor, id: i64, start: i64) -> AppResult<(Group, LoadedSeries)> {
    let group = content_group(state, actor, id).await?;
    let loaded = load_series(state, group.id).await?;
    if !loaded.series.is_occurrence(start) {
        return Err(AppError::NotFound);
    }
    Ok((group, loaded))
}

async fn meeting_page(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, start)): Path<(i64, i64)>,
    Query(notice): Query<Notice>,
) -> AppResult<MeetingPage> {
    let (group, loaded) = visible_meeting(&state, &actor, id, start).await?;
    let previous = loaded.series.previous(start);
    let check_in = match &previous {
        Some(p) => goal_views(&state, &actor, state.store.goals_at(group.id, p.start).await?).await?,
        None => Vec::new(),
    };
    let declared = goal_views(&state, &actor, state.store.goals_at(group.id, start).await?).await?;
    let members: Vec<GroupMember> = state.store.group_members(group.id).await?;
    let recorded = state.store.attendance(group.id, start).await?;
    let attendance = members
        .iter()
        .map(|m| AttendanceRow {
            user_id: m.user.id,
            name: format!("{}{}", m.user.name, if m.role == GroupRole::Facilitator { " (facilitator)" } else { "" }),
            present: recorded.iter().find(|(u, _)| *u == m.user.id).map(|(_, p)| *p),
            can_record: access::can_record_attendance(&actor, &group, m.user.id),
        })
        .collect();
    let long_goals =
        state.store.long_goals(actor.user.id).await?.into_iter().filter(|g| g.status == "active").collect();
    Ok(MeetingPage {
        layout: Layout::for_actor(&actor).with_notice(&notice),
        when: loaded.label(start),
        place: loaded.place().to_string(),
        cancelled: loaded.series.cancelled.contains(&start),
        previous: previous.as_ref().map(|o| link(&loaded, o)),
        following: loaded.series.following(start).map(|o| link(&loaded, &o)),
        path: format!("/groups/{}/meetings/{start}", group.id),
        group,
        check_in,
        declared,
        attendance,
        kinds: KINDS.to_vec(),
        long_goals,
    })
}

#[derive(Deserialize)]
struct CancelForm {
    #[serde(default)]
    cancelled: String,
}

async fn cancel_meeting(
    State(state): State<AppState>,
    Path((id, start)): Path<(i64, i64)>,
    CsrfForm(actor, form): CsrfForm<CancelForm>,
) -> AppResult<Redirect> {
    let (group, _) = visible_meeting(&state, &actor, id, start).await?;
    if !access::can_run_meetings(&actor, &group) {
        return Err(AppError::NotFound);
    }
    let cancel = form.cancelled != "0";
    state.store.set_cancelled(group.id, start, cancel, actor.user.id, state.now()).await?;
    Ok(Redirect::to(&format!("/groups/{}/meetings/{start}?notice=saved", group.id)))
}

#[derive(Deserialize)]
struct AttendanceForm {
    user_id: i64,
    present: String,
}

async fn record_attendance(
    State(state): State<AppState>,
    Path((id, start)): Path<(i64, i64)>,
    CsrfForm(actor, form): CsrfForm<AttendanceForm>,
) -> AppResult<Redirect> {
    let (group, _) = visible_meeting(&state, &actor, id, start).await?;
    if !access::can_record_attendance(&actor, &group, form.user_id) {
        return Err(AppError::NotFound);
    }
    let in_group = state.store.group_members(group.id).await?.iter().any(|m| m.user.id == form.user_id);
    if !in_group {
        return Err(AppError::Invalid("That person is not in this group: reload the page and try again.".into()));
    }
    let present = match form.present.as_str() {
        "1" | "yes" | "present" => true,
        "0" | "no" | "absent" => false,
        other => {
            return Err(AppError::Invalid(format!("'{other}' is not an attendance: choose present or absent.")));
        }
    };
    state.store.record_attendance(group.id, start, form.user_id, present, actor.user.id, state.now()).await?;
    Ok(Redirect::to(&format!("/groups/{}/meetings/{start}?notice=saved#attendance", group.id)))
}
