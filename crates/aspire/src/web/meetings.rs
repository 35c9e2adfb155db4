//! A group's meetings: the series (schedule, place, cadence history), each meeting's page with
//! the agenda, the goals to check in on and to declare, and attendance.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, Notice};
use crate::app;
use crate::app::meetings::{self, LoadedSeries};
use crate::auth::{Actor, CsrfForm, access};
use crate::domain::cadence::{self, Occurrence, WEEKDAYS};
use crate::domain::goals::{GoalStatus, KINDS, kind_label};
use crate::domain::meeting_series::SeriesInput;
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::meetings::{Goal, LongGoal};
use crate::store::{Group, GroupRole};

pub fn routes() -> Routes {
    Routes::new()
        .get("/groups/{id}/meetings", series_page)
        .post("/groups/{id}/meetings", save_series)
        .get("/groups/{id}/meetings/{start}", meeting_page)
        .post("/groups/{id}/meetings/{start}/cancel", cancel_meeting)
        .post("/groups/{id}/meetings/{start}/attendance", record_attendance)
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
    let loaded = meetings::load_series(state, group_id).await?;
    let now = state.now();
    Ok(MeetingSummary {
        schedule: meetings::describe_current(&loaded, now),
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

type SeriesForm = SeriesInput;

/// Which choice of the form is selected (the template asks per option).
trait Selected {
    fn is(&self, field: &str, value: &str) -> bool;
}

impl Selected for SeriesInput {
    fn is(&self, field: &str, value: &str) -> bool {
        match field {
            "cadence" => self.cadence == value,
            "nth" => self.nth == value,
            "weekday" => self.weekday == value,
            _ => false,
        }
    }
}

async fn series_view(
    state: &AppState,
    actor: &Actor,
    (group, loaded): (Group, LoadedSeries),
    form: Option<SeriesForm>,
    error: Option<String>,
    notice: &Notice,
) -> AppResult<SeriesPage> {
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
    let form = form.unwrap_or_else(|| {
        let lead = loaded.row.as_ref().map(|r| r.reminder_lead_minutes);
        SeriesInput::of(loaded.series.current(now), loaded.place(), lead, &actor.user.profile.time_zone)
    });
    let summary = MeetingSummary {
        schedule: meetings::describe_current(&loaded, now),
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
    let group_and_series = meetings::content_group_with_series(&state, &actor, id).await?;
    series_view(&state, &actor, group_and_series, None, None, &notice).await
}

async fn save_series(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<SeriesForm>,
) -> AppResult<Response> {
    match meetings::save_series(&state, &actor, id, &form).await {
        Ok(()) => Ok(Redirect::to(&format!("/groups/{id}/meetings?notice=saved")).into_response()),
        Err(AppError::Invalid(error)) => {
            let group_and_series = meetings::content_group_with_series(&state, &actor, id).await?;
            let page =
                series_view(&state, &actor, group_and_series, Some(form), Some(error), &Notice::default()).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

/// A goal as shown on a meeting page.
pub struct GoalView {
    pub id: i64,
    pub author: String,
    pub text: String,
    pub kind: &'static str,
    pub kind_code: String,
    pub status: GoalStatus,
    pub reason: String,
    pub mine: bool,
    pub carried: bool,
    pub carried_on: bool,
    /// Its author may still reword or withdraw it.
    pub changeable: bool,
    /// After a refused edit: what was wrong; `edit_text` is then what was typed.
    pub edit_error: Option<String>,
    pub edit_text: String,
}

/// A goal refused on a meeting page: a new one (`goal` is None) or an edit of one, with what
/// was wrong and what was typed, shown on the form it came from.
pub struct RefusedGoal {
    pub goal: Option<i64>,
    pub error: String,
    pub text: String,
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

fn goal_views(actor: &Actor, goals: Vec<(Goal, bool)>, now: i64, refused: Option<&RefusedGoal>) -> Vec<GoalView> {
    goals
        .into_iter()
        .map(|(g, carried_on)| {
            let mine = g.user_id == actor.user.id;
            let refused = refused.filter(|r| r.goal == Some(g.id));
            GoalView {
                id: g.id,
                mine,
                changeable: mine && app::goals::changeable(&g, carried_on, now),
                author: g.user_name,
                kind: kind_label(&g.kind),
                kind_code: g.kind,
                status: g.status,
                reason: g.reason,
                carried: g.carried_from.is_some(),
                carried_on,
                edit_error: refused.map(|r| r.error.clone()),
                edit_text: refused.map_or_else(|| g.text.clone(), |r| r.text.clone()),
                text: g.text,
            }
        })
        .collect()
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
    /// How many others a cancellation (or its undoing) is emailed to.
    others: usize,
    /// What was wrong with a goal just typed, and the goal as typed.
    declare_error: Option<String>,
    declare_text: String,
    goal_error: Option<String>,
}

async fn meeting_page(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, start)): Path<(i64, i64)>,
    Query(notice): Query<Notice>,
) -> AppResult<Response> {
    render_meeting(&state, &actor, (id, start), &notice, None).await
}

/// The meeting page; with `refused` after a new goal or an edit was refused.
pub(super) async fn render_meeting(
    state: &AppState,
    actor: &Actor,
    (id, start): (i64, i64),
    notice: &Notice,
    refused: Option<RefusedGoal>,
) -> AppResult<Response> {
    let meeting = meetings::meeting(state, actor, id, start).await?;
    let (group, loaded) = (meeting.group, meeting.loaded);
    let others = meeting.members.iter().filter(|m| m.user_id != actor.user.id).count();
    let attendance = meeting
        .members
        .iter()
        .map(|m| AttendanceRow {
            user_id: m.user_id,
            name: format!("{}{}", m.name, if m.role == GroupRole::Facilitator { " (facilitator)" } else { "" }),
            present: meeting.attendance.iter().find(|(u, _)| *u == m.user_id).map(|(_, p)| *p),
            can_record: access::can_record_attendance(actor, &group, m.user_id),
        })
        .collect();
    let now = state.now();
    let check_in = goal_views(actor, meeting.check_in, now, refused.as_ref());
    let declared = goal_views(actor, meeting.declared, now, refused.as_ref());
    let (declare_error, declare_text) = match &refused {
        Some(RefusedGoal { goal: None, error, text }) => (Some(error.clone()), text.clone()),
        _ => (None, String::new()),
    };
    // A refused change to a goal that no longer has its form (its meeting began) is said on top.
    let shown_by_its_form = |id: i64| declared.iter().any(|g| g.id == id && g.changeable);
    let goal_error =
        refused.as_ref().filter(|r| r.goal.is_some_and(|id| !shown_by_its_form(id))).map(|r| r.error.clone());
    let page = MeetingPage {
        layout: Layout::for_actor(actor).with_notice(notice),
        when: loaded.label(start),
        place: loaded.place().to_string(),
        cancelled: loaded.series.cancelled.contains(&start),
        previous: loaded.series.previous(start).as_ref().map(|o| link(&loaded, o)),
        following: loaded.series.following(start).map(|o| link(&loaded, &o)),
        path: format!("/groups/{}/meetings/{start}", group.id),
        group,
        check_in,
        declared,
        attendance,
        kinds: KINDS.to_vec(),
        long_goals: meeting.long_goals,
        others,
        declare_error,
        declare_text,
        goal_error,
    };
    Ok(if refused.is_some() { (StatusCode::UNPROCESSABLE_ENTITY, page).into_response() } else { page.into_response() })
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
    meetings::set_cancelled(&state, &actor, id, start, form.cancelled != "0").await?;
    Ok(Redirect::to(&format!("/groups/{id}/meetings/{start}?notice=saved")))
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
    let present = match form.present.as_str() {
        "1" | "yes" | "present" => true,
        "0" | "no" | "absent" => false,
        other => {
            return Err(AppError::Invalid(format!("'{other}' is not an attendance: choose present or absent.")));
        }
    };
    meetings::record_attendance(&state, &actor, id, start, form.user_id, present).await?;
    Ok(Redirect::to(&format!("/groups/{id}/meetings/{start}?notice=saved#attendance")))
}
