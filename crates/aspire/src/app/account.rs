//! A member's own data: everything they wrote, for download, and deleting their account. Both
//! are recorded in the audit log (what happened and to whom, never the content).

use crate::domain::goals;
use crate::domain::{opportunities, wins};
use serde_json::json;

use crate::auth::token::new_token;
use crate::auth::{Actor, password};
use crate::error::{AppError, AppResult};
use crate::notify::discussion;
use crate::state::AppState;

/// Coordinators and admins hand over their role before they can leave.
pub fn manages_anything(actor: &Actor) -> bool {
    actor.is_admin() || !actor.coordinated_programs().is_empty()
}

/// Everything the actor wrote or recorded, as one JSON document; the export is audited as
/// `format` ("json", "csv").
pub async fn export(state: &AppState, actor: &Actor, format: &str) -> AppResult<serde_json::Value> {
    let data = everything(state, actor).await?;
    state.store.audit(Some(actor.user.id), "export", format, state.now()).await?;
    Ok(data)
}

/// An instant as ISO 8601 in UTC, like "2026-06-02T13:30:00Z": what spreadsheets and people read.
fn iso(unix: i64) -> String {
    jiff::Timestamp::from_second(unix).map_or_else(|_| unix.to_string(), |t| t.to_string())
}

/// Everything the actor wrote or recorded, as one JSON document.
async fn everything(state: &AppState, actor: &Actor) -> AppResult<serde_json::Value> {
    let user = &actor.user;
    let goals: Vec<_> = state
        .store
        .user_goals(user.id)
        .await?
        .into_iter()
        .map(|g| {
            let status = g.status.label();
            json!({"id": g.id, "group": g.group_name, "meeting": iso(g.meeting_start), "text": g.text,
                   "kind": wins::label(&goals::KINDS, &g.kind), "status": status, "reason": g.reason,
                   "declared_at": iso(g.created_at), "reported_at": g.reported_at.map(iso)})
        })
        .collect();
    let long_goals: Vec<_> = state
        .store
        .long_goals(user.id)
        .await?
        .into_iter()
        .map(|l| {
            json!({"id": l.id, "title": l.title, "kind": wins::label(&goals::KINDS, &l.kind),
                        "target_date": l.target_date, "status": l.status})
        })
        .collect();
    let posts: Vec<_> = state
        .store
        .user_posts(user.id)
        .await?
        .into_iter()
        .map(|p| {
            json!({"id": p.id, "group_id": p.group_id, "thread_id": p.thread_id, "title": p.title, "body": p.body,
                   "visibility": p.visibility.label(), "created_at": iso(p.created_at),
                   "edited_at": p.edited_at.map(iso)})
        })
        .collect();
    let wins: Vec<_> = state
        .store
        .user_wins(user.id)
        .await?
        .into_iter()
        .map(|w| {
            json!({"id": w.id, "kind": wins::label(&wins::KINDS, &w.kind), "title": w.title, "venue": w.venue,
                   "year": w.year, "date": w.won_on, "doi": w.doi, "pmid": w.pmid, "pmcid": w.pmcid,
                   "author_position": wins::label(&wins::POSITIONS, &w.author_position),
                   "mechanism": w.mechanism, "award_number": w.award_number,
                   "grant_role": wins::label(&wins::GRANT_ROLES, &w.grant_role),
                   "grant_status": wins::label(&wins::GRANT_STATUSES, &w.grant_status),
                   "visibility": w.visibility.label(), "cheers": w.cheers, "created_at": iso(w.created_at)})
        })
        .collect();
    let resources: Vec<_> = state
        .store
        .user_resources(user.id)
        .await?
        .into_iter()
        .map(|r| {
            json!({"id": r.id, "title": r.title, "description": r.description, "url": r.url, "file_name": r.file_name,
                   "tags": r.tags, "visibility": r.visibility.label(), "created_at": iso(r.created_at)})
        })
        .collect();
    let opportunities: Vec<_> = state
        .store
        .user_opportunities(user.id)
        .await?
        .into_iter()
        .map(|o| {
            json!({"id": o.id, "title": o.title, "description": o.description,
                   "kind": wins::label(&opportunities::KINDS, &o.kind), "deadline": o.deadline,
                   "created_at": iso(o.created_at)})
        })
        .collect();
    // Nominations they made and received, with the statements (written for the nominee).
    let nominations: Vec<_> = state
        .store
        .user_nominations(user.id)
        .await?
        .into_iter()
        .map(|n| {
            json!({"id": n.id, "opportunity": n.opportunity_title, "nominator": n.nominator_name,
                   "nominee": n.nominee_name, "statement": n.statement, "status": n.status.label(),
                   "outcome": n.outcome, "created_at": iso(n.created_at)})
        })
        .collect();
    // What they said of themselves for balanced groups: theirs to take with them.
    let identity: Vec<_> = state
        .store
        .own_identity_answers_in_words(user.id)
        .await?
        .into_iter()
        .map(|(question, answer, at)| json!({"question": question, "answer": answer, "answered_at": iso(at)}))
        .collect();
    // Their record, in every program they keep one for, and what the look-up suggested.
    let record: Vec<_> = state
        .store
        .user_record_items(user.id)
        .await?
        .into_iter()
        .map(|i| {
            json!({"id": i.id, "program_id": i.program_id, "kind": i.kind_label(), "title": i.title,
                   "organisation": i.organisation, "department": i.department, "code": i.code, "sector": i.sector,
                   "activity": i.activity, "tenure": i.tenure, "award_number": i.award_number, "role": i.role,
                   "status": i.status, "level": i.level, "doi": i.doi, "pmid": i.pmid,
                   "author_position": i.author_position, "year": i.year, "submitted_on": i.submitted_on,
                   "decided_on": i.decided_on, "started_on": i.started_on, "ended_on": i.ended_on,
                   "annual_amount": i.annual_amount, "internal_k": i.internal_k.0,
                   "r01_equivalent": i.r01_equivalent.0})
        })
        .collect();
    let mut scholarships = Vec::new();
    for program in state.store.programs_of_user(user.id).await? {
        if let Some(s) = state.store.program_scholar(program.id, user.id).await? {
            scholarships.push(json!({"program": program.name, "cohort": s.cohort, "started_on": s.started_on,
                "ended_on": s.ended_on, "outcome": s.outcome, "mentors": s.mentors, "topic": s.topic,
                "orcid": s.orcid, "left_institution_on": s.left_institution_on, "left_to": s.left_to}));
        }
    }
    Ok(json!({
        "profile": {
            "email": user.profile.email, "name": user.profile.name, "pronouns": user.profile.pronouns, "department": user.profile.department,
            "division": user.profile.division, "discipline": user.profile.discipline, "career_stage": user.profile.career_stage_label(),
            "research_interests": user.profile.research_interests, "goals": user.profile.goals,
            "availability": user.profile.availability, "time_zone": user.profile.time_zone, "created_at": iso(user.created_at),
        },
        "goals": goals,
        "long_term_goals": long_goals,
        "wins": wins,
        "posts": posts,
        "resources": resources,
        "opportunities": opportunities,
        "nominations": nominations,
        "identity_answers": identity,
        "record": record,
        "time_in_programs": scholarships,
    }))
}

/// Deletes the actor's account once they confirm with their password. With `keep_posts` their
/// group posts and shared resources stay, shown as "former member"; otherwise they go too.
pub async fn delete_account(
    state: &AppState,
    actor: &Actor,
    confirm_password: String,
    keep_posts: bool,
) -> AppResult<()> {
    if manages_anything(actor) {
        return Err(AppError::Invalid(
            "You coordinate a program or administer aspire: ask an admin to hand your role to someone else first."
                .into(),
        ));
    }
    if !password::verify(confirm_password, actor.user.password_hash.clone()).await {
        return Err(AppError::Invalid("That is not your password: type your current password to confirm.".into()));
    }
    if !keep_posts {
        // What they shared goes with their posts (files too, unless someone else shared the same).
        for resource in state.store.user_resources(actor.user.id).await? {
            super::resources::remove_resource(state, &resource).await?;
        }
    }
    state.store.delete_account(actor.user.id, keep_posts).await?;
    let subject = if keep_posts { "posts kept as former member" } else { "posts deleted" };
    state.store.audit(Some(actor.user.id), "account deleted", subject, state.now()).await?;
    Ok(())
}

/// How the actor hears about their groups' discussions: "immediate" or "off".
pub async fn discussion_notices(state: &AppState, actor: &Actor) -> AppResult<String> {
    Ok(state.store.notification_settings(actor.user.id, &new_token()).await?.0)
}

pub async fn set_discussion_notices(state: &AppState, actor: &Actor, how: &str) -> AppResult<()> {
    if ![discussion::IMMEDIATE, discussion::DAILY, discussion::OFF].contains(&how) {
        return Err(AppError::Invalid(format!(
            "'{how}' is not a choice for discussion emails: choose as posts arrive, once a day, or never."
        )));
    }
    state.store.set_discussion_notices(actor.user.id, how, &new_token()).await?;
    Ok(())
}

const SPENT_UNSUBSCRIBE: &str =
    "This unsubscribe link is not valid. Sign in and choose which emails you get under My data.";

/// That `token` is someone's unsubscribe link; says nothing of whose.
pub async fn unsubscribe_holder(state: &AppState, token: &str) -> AppResult<()> {
    state.store.unsubscribe_user(token).await?.map(|_| ()).ok_or_else(|| AppError::Gone(SPENT_UNSUBSCRIBE.into()))
}

/// Turns discussion emails (or, with `weekly`, the weekly summary) off for whoever holds `token`.
pub async fn unsubscribe(state: &AppState, token: &str, weekly: bool) -> AppResult<()> {
    let user = state.store.unsubscribe(token, weekly).await?.ok_or_else(|| AppError::Gone(SPENT_UNSUBSCRIBE.into()))?;
    let action = if weekly { "weekly summary turned off" } else { "discussion emails turned off" };
    state.store.audit(Some(user), action, "by unsubscribe link", state.now()).await?;
    Ok(())
}

/// Whether the actor gets the weekly summary.
pub async fn weekly_digest(state: &AppState, actor: &Actor) -> AppResult<bool> {
    Ok(state.store.weekly_digest_on(actor.user.id).await?)
}

pub async fn set_weekly_digest(state: &AppState, actor: &Actor, choice: &str) -> AppResult<()> {
    let on = match choice {
        "on" => true,
        "off" => false,
        other => {
            return Err(AppError::Invalid(format!(
                "'{other}' is not a choice for the weekly summary: choose on or off."
            )));
        }
    };
    state.store.set_weekly_digest(actor.user.id, on, &new_token()).await?;
    Ok(())
}
