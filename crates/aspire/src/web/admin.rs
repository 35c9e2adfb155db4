//! The admin's pages: programs and their coordinators, and the email outbox.

use super::pager::{PageQuery, Pager};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::Redirect;
use serde::Deserialize;

use super::{Layout, Notice};
use crate::app::admin::{self, CoordinatorAdded};
use crate::auth::{Actor, CsrfForm};
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::{LogFilter, OutboxMessage, Program, ProgramRole};

pub fn routes() -> Routes {
    Routes::new()
        .get("/admin", admin_page)
        .post("/admin/programs", create_program)
        .post("/admin/programs/{id}/coordinators", add_coordinator)
        .get("/admin/outbox", outbox_page)
        .get("/admin/audit", audit_page)
}

struct ProgramRow {
    program: Program,
    coordinators: Vec<String>,
    participants: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin.html")]
struct AdminPage {
    layout: Layout,
    programs: Vec<ProgramRow>,
    smtp_configured: bool,
}

async fn admin_page(State(state): State<AppState>, actor: Actor, Query(notice): Query<Notice>) -> AppResult<AdminPage> {
    let mut programs = Vec::new();
    for (program, people) in admin::programs(&state, &actor).await? {
        programs.push(ProgramRow {
            coordinators: people
                .iter()
                .filter(|p| p.role == ProgramRole::Coordinator)
                .map(|p| format!("{} <{}>", p.user.profile.name, p.user.profile.email))
                .collect(),
            participants: people.iter().filter(|p| p.role == ProgramRole::Participant).count(),
            program,
        });
    }
    Ok(AdminPage {
        layout: Layout::for_actor(&actor).with_notice(&notice),
        programs,
        smtp_configured: !state.settings.smtp_url.is_empty(),
    })
}

#[derive(Deserialize)]
struct NewProgram {
    name: String,
    #[serde(default)]
    description: String,
}

async fn create_program(
    State(state): State<AppState>,
    CsrfForm(actor, form): CsrfForm<NewProgram>,
) -> AppResult<Redirect> {
    admin::create_program(&state, &actor, &form.name, &form.description).await?;
    Ok(Redirect::to("/admin?notice=created"))
}

#[derive(Deserialize)]
struct NewCoordinator {
    email: String,
    name: String,
}

async fn add_coordinator(
    State(state): State<AppState>,
    Path(program_id): Path<i64>,
    CsrfForm(actor, form): CsrfForm<NewCoordinator>,
) -> AppResult<Redirect> {
    let notice = match admin::add_coordinator(&state, &actor, program_id, form.email, form.name).await? {
        CoordinatorAdded::Invited => "invited",
        CoordinatorAdded::Added => "added",
    };
    Ok(Redirect::to(&format!("/admin?notice={notice}")))
}

#[derive(Template, WebTemplate)]
#[template(path = "outbox.html")]
struct OutboxPage {
    layout: Layout,
    messages: Vec<OutboxMessage>,
    smtp_configured: bool,
    pager: Pager,
    asked: FilterQuery,
}

/// What the outbox or the audit log is narrowed to, as the filter form sends it.
#[derive(Deserialize, Default, Clone)]
struct FilterQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    person: String,
    /// YYYY-MM-DD, a UTC day, from its start.
    #[serde(default)]
    from: String,
    /// YYYY-MM-DD, a UTC day, to its end.
    #[serde(default)]
    to: String,
}

impl FilterQuery {
    fn filter(&self) -> AppResult<LogFilter> {
        let day = |raw: &str, field: &str| -> AppResult<Option<i64>> {
            let raw = raw.trim();
            if raw.is_empty() {
                return Ok(None);
            }
            let date: jiff::civil::Date = raw.parse().map_err(|_| {
                AppError::BadRequest(format!(
                    "'{raw}' is not a date for \"{field}\": write it as YYYY-MM-DD, like 2026-06-30."
                ))
            })?;
            let start = date.to_zoned(jiff::tz::TimeZone::UTC).map_err(|e| AppError::BadRequest(e.to_string()))?;
            Ok(Some(start.timestamp().as_second()))
        };
        Ok(LogFilter {
            kind: self.kind.trim().to_string(),
            person: self.person.clone(),
            from: day(&self.from, "from")?,
            until: day(&self.to, "to")?.map(|start| start + 86_400),
        })
    }

    /// The list's address with this filter, for the pager.
    fn path(&self, base: &str) -> String {
        let fields = [("kind", &self.kind), ("person", &self.person), ("from", &self.from), ("to", &self.to)];
        let asked: Vec<(&str, &str)> =
            fields.iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| (*k, v.as_str())).collect();
        if asked.is_empty() {
            return base.to_string();
        }
        format!("{base}?{}", serde_urlencoded::to_string(asked).unwrap_or_default())
    }
}

async fn outbox_page(
    State(state): State<AppState>,
    actor: Actor,
    Query(page): Query<PageQuery>,
    Query(asked): Query<FilterQuery>,
) -> AppResult<OutboxPage> {
    let messages = admin::outbox(&state, &actor, &asked.filter()?, page.before).await?;
    let smtp_configured = !state.settings.smtp_url.is_empty();
    let pager = Pager::newest_first(asked.path("/admin/outbox"), messages.next, &page);
    Ok(OutboxPage { layout: Layout::for_actor(&actor), messages: messages.items, smtp_configured, pager, asked })
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    entries: Vec<crate::store::community::AuditEntry>,
    pager: Pager,
    asked: FilterQuery,
}

/// The audit log, a page at a time: who did what, never what was said.
async fn audit_page(
    State(state): State<AppState>,
    actor: Actor,
    Query(page): Query<PageQuery>,
    Query(asked): Query<FilterQuery>,
) -> AppResult<AuditPage> {
    let entries = admin::audit_log(&state, &actor, &asked.filter()?, page.before).await?;
    let pager = Pager::newest_first(asked.path("/admin/audit"), entries.next, &page);
    Ok(AuditPage { layout: Layout::for_actor(&actor), entries: entries.items, pager, asked })
}

impl crate::store::community::AuditEntry {
    pub fn when(&self) -> String {
        format_time(self.at)
    }
    pub fn who(&self) -> String {
        match (&self.actor_name, self.actor_id) {
            (Some(name), Some(id)) => format!("{name} (user {id})"),
            (None, Some(id)) => format!("user {id} (account deleted)"),
            _ => "not signed in".into(),
        }
    }
}

impl OutboxMessage {
    pub fn status(&self) -> String {
        match self.sent_at {
            Some(at) => format!("sent {}", format_time(at)),
            None if self.last_error.is_empty() => format!("waiting since {}", format_time(self.created_at)),
            None => format!("not delivered yet after {} attempts: {}", self.attempts, self.last_error),
        }
    }
}

/// "2026-11-26 21:45 UTC"
pub fn format_time(unix: i64) -> String {
    jiff::Timestamp::from_second(unix).map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()
}
