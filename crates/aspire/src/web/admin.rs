//! The admin's pages: programs and their coordinators, and the email outbox.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::Redirect;
use serde::Deserialize;

use super::{Layout, Notice};
use crate::auth::{Actor, CsrfForm, access};
use crate::domain::Profile;
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;
use crate::store::{OutboxMessage, Program, ProgramRole};

pub fn routes() -> Routes {
    Routes::new()
        .get("/admin", admin_page)
        .post("/admin/programs", create_program)
        .post("/admin/programs/{id}/coordinators", add_coordinator)
        .get("/admin/outbox", outbox_page)
        .get("/admin/audit", audit_page)
}

fn require_admin(actor: &Actor) -> AppResult<()> {
    if access::can_administer(actor) { Ok(()) } else { Err(AppError::NotFound) }
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
    require_admin(&actor)?;
    let mut programs = Vec::new();
    for program in state.store.list_programs().await? {
        let people = state.store.program_people(program.id).await?;
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
    require_admin(&actor)?;
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(AppError::Invalid(
            "A program needs a name of 1 to 120 characters, like \"KL2 Scholars 2027\".".into(),
        ));
    }
    state.store.create_program(name, form.description.trim(), state.now()).await?;
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
    require_admin(&actor)?;
    let program = state.store.program(program_id).await?.ok_or(AppError::NotFound)?;
    let profile = Profile { email: form.email, name: form.name, ..Profile::default() }
        .validate()
        .map_err(|e| AppError::Invalid(format!("The coordinator could not be added: {e}.")))?;
    let user = match state.store.user_by_email(&profile.email).await? {
        Some(user) => user,
        None => {
            let id = state.store.create_user(&profile, None, false, state.now()).await?;
            state.store.user(id).await?.ok_or(AppError::NotFound)?
        }
    };
    state.store.add_program_member(program.id, user.id, ProgramRole::Coordinator).await?;
    if user.password_hash.is_none() {
        crate::app::invitations::invite_person(&state, &actor.user, &program, &user).await?;
        return Ok(Redirect::to("/admin?notice=invited"));
    }
    Ok(Redirect::to("/admin?notice=added"))
}

#[derive(Template, WebTemplate)]
#[template(path = "outbox.html")]
struct OutboxPage {
    layout: Layout,
    messages: Vec<OutboxMessage>,
    smtp_configured: bool,
}

async fn outbox_page(State(state): State<AppState>, actor: Actor) -> AppResult<OutboxPage> {
    require_admin(&actor)?;
    let messages = state.store.list_outbox(200).await?;
    Ok(OutboxPage { layout: Layout::for_actor(&actor), messages, smtp_configured: !state.settings.smtp_url.is_empty() })
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    entries: Vec<crate::store::community::AuditEntry>,
}

/// The last 500 entries of the audit log: who did what, never what was said.
async fn audit_page(State(state): State<AppState>, actor: Actor) -> AppResult<AuditPage> {
    require_admin(&actor)?;
    let entries = state.store.audit_log(500).await?;
    Ok(AuditPage { layout: Layout::for_actor(&actor), entries })
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
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(unix).ok().and_then(|t| t.format(&format).ok()).unwrap_or_default()
}
