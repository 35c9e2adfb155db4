//! Meetings in people's calendars (RFC 5545): an `.ics` file per group series, and a personal
//! feed with all of a member's groups behind a secret, revocable address. Each schedule of a
//! series is one VEVENT with an RRULE (ending where the next schedule takes over), a stable
//! UID, a SEQUENCE that goes up on every change, EXDATEs for cancelled meetings, and times in
//! the schedule's time zone with its VTIMEZONE. Times and places only: never a goal.

use std::collections::BTreeSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use icalendar::{Calendar, Component, EventLike, Property};

use super::Layout;
use super::meetings::{LoadedSeries, content_group, load_series};
use super::routes::Routes;
use crate::auth::token::{hash_token, new_token};
use crate::auth::{Actor, CsrfForm, CsrfOnly};
use crate::domain::cadence::{self, Cadence};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::Group;

pub fn routes() -> Routes {
    Routes::new()
        .get("/groups/{id}/meetings.ics", series_ics)
        .post("/calendar/feed", create_feed)
        .post("/calendar/feed/revoke", revoke_feed)
        .get("/calendar/feed/{token}", feed)
}

/// Where the time zone definitions stop: ten years after now.
const ZONE_YEARS_AHEAD: i64 = 10;

struct Builder {
    calendar: Calendar,
    zones: BTreeSet<String>,
    earliest: i64,
    host: String,
    public_url: String,
}

impl Builder {
    fn new(state: &AppState, name: &str) -> Builder {
        let public_url = state.settings.public_url();
        let host = url::Url::parse(&public_url).ok().and_then(|u| u.host_str().map(str::to_string));
        let mut calendar = Calendar::new();
        calendar.name(name);
        Builder {
            calendar,
            zones: BTreeSet::new(),
            earliest: state.now(),
            host: host.unwrap_or_else(|| "aspire.invalid".to_string()),
            public_url,
        }
    }

    fn add_series(&mut self, group: &Group, loaded: &LoadedSeries) {
        let Some(row) = &loaded.row else { return };
        for (history, (schedule, until)) in loaded.history.iter().zip(loaded.series.segments()) {
            if schedule.cadence == Cadence::Paused {
                continue;
            }
            let (Some(first), Some(rule)) = (schedule.first(), schedule.rrule()) else { continue };
            if until.is_some_and(|u| first >= u) {
                continue;
            }
            let tz = &schedule.time_zone;
            let rule = match until {
                // UNTIL is inclusive and, with a zoned DTSTART, in UTC.
                Some(u) => format!("{rule};UNTIL={}", cadence::ical_utc(u - 1)),
                None => rule,
            };
            let mut event = icalendar::Event::new();
            event
                .uid(&format!("aspire-group-{}-schedule-{}@{}", group.id, history.id, self.host))
                .sequence(u32::try_from(row.sequence).unwrap_or(0))
                .summary(&format!("{}: peer group meeting", group.name))
                .add_property("DTSTAMP", cadence::ical_utc(row.updated_at))
                .add_property("DURATION", format!("PT{}M", schedule.duration_minutes))
                .add_property("RRULE", rule)
                .add_property("URL", format!("{}/groups/{}/meetings", self.public_url, group.id))
                .append_property(
                    Property::new("DTSTART", cadence::ical_local(first, tz)).add_parameter("TZID", tz).done(),
                );
            if !row.place.is_empty() {
                event.location(&row.place);
            }
            for start in &loaded.series.cancelled {
                if *start >= first && until.is_none_or(|u| *start < u) && loaded.series.is_occurrence(*start) {
                    event.append_multi_property(
                        Property::new("EXDATE", cadence::ical_local(*start, tz)).add_parameter("TZID", tz).done(),
                    );
                }
            }
            self.zones.insert(tz.clone());
            self.earliest = self.earliest.min(first);
            self.calendar.push(event.done());
        }
    }

    fn finish(mut self, now: i64) -> String {
        let text = self.calendar.done().to_string();
        let to = now + ZONE_YEARS_AHEAD * 366 * 86_400;
        let zones: String = self.zones.iter().filter_map(|z| cadence::vtimezone(z, self.earliest, to)).collect();
        match text.rfind("END:VCALENDAR") {
            Some(at) => format!("{}{zones}{}", &text[..at], &text[at..]),
            None => text,
        }
    }
}

fn ics_response(body: String, filename: Option<&str>) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "text/calendar; charset=utf-8")], body).into_response();
    if let Some(name) = filename
        && let Ok(value) = format!("attachment; filename=\"{name}\"").parse()
    {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

async fn series_ics(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Response> {
    let group = content_group(&state, &actor, id).await?;
    let loaded = load_series(&state, group.id).await?;
    let mut builder = Builder::new(&state, &group.name);
    builder.add_series(&group, &loaded);
    Ok(ics_response(builder.finish(state.now()), Some(&format!("group-{}-meetings.ics", group.id))))
}

/// The feed of all the member's groups. The secret in the address is the only credential;
/// an unknown or revoked one is a 404.
async fn feed(State(state): State<AppState>, Path(token): Path<String>) -> AppResult<Response> {
    let token = token.strip_suffix(".ics").unwrap_or(&token);
    if token.len() != 64 {
        return Err(AppError::NotFound);
    }
    let user_id = state.store.calendar_feed_user(&hash_token(token)).await?.ok_or(AppError::NotFound)?;
    let user = state.store.user(user_id).await?.ok_or(AppError::NotFound)?;
    let mut builder = Builder::new(&state, &format!("aspire: {}", user.name));
    for summary in state.store.groups_of_user(user.id).await? {
        let Some(group) = state.store.group(summary.id).await? else { continue };
        let loaded = load_series(&state, group.id).await?;
        builder.add_series(&group, &loaded);
    }
    Ok(ics_response(builder.finish(state.now()), None))
}

#[derive(Template, WebTemplate)]
#[template(path = "calendar_feed.html")]
struct FeedPage {
    layout: Layout,
    url: String,
}

async fn create_feed(State(state): State<AppState>, CsrfForm(actor, _): CsrfForm<CsrfOnly>) -> AppResult<FeedPage> {
    let token = new_token();
    state.store.set_calendar_feed(actor.user.id, &hash_token(&token), state.now()).await?;
    Ok(FeedPage {
        layout: Layout::for_actor(&actor),
        url: format!("{}/calendar/feed/{token}.ics", state.settings.public_url()),
    })
}

async fn revoke_feed(State(state): State<AppState>, CsrfForm(actor, _): CsrfForm<CsrfOnly>) -> AppResult<Redirect> {
    state.store.revoke_calendar_feed(actor.user.id).await?;
    Ok(Redirect::to("/goals?notice=removed#calendar"))
}
