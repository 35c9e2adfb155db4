//! Identity questions: a program asks them in its own words, people answer for themselves, the
//! formation engine balances groups with the answers, and coordinators see only counts with
//! small cells hidden.

use crate::auth::{Actor, access};
use crate::domain::identity::{self, Cell, IdentityQuestion};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::Program;

/// A question with how many participants gave each answer, small counts hidden.
pub struct QuestionSummary {
    pub question: IdentityQuestion,
    /// Each option (the choices, then "Prefer not to say") with its count.
    pub counts: Vec<(String, Cell)>,
    /// How many answered, hidden too when small.
    pub answered: Cell,
}

async fn program_for_questions(state: &AppState, actor: &Actor, program_id: i64) -> AppResult<Program> {
    if !access::can_define_identity_questions(actor, program_id) {
        return Err(AppError::NotFound);
    }
    state.store.program(program_id).await?.ok_or(AppError::NotFound)
}

/// The program's questions with their suppressed counts, for its coordinators.
pub async fn program_questions(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
) -> AppResult<(Program, Vec<QuestionSummary>)> {
    let program = program_for_questions(state, actor, program_id).await?;
    let mut out = Vec::new();
    for question in state.store.identity_questions(&[program.id]).await? {
        let given = state.store.identity_answer_counts(question.id).await?;
        let options: Vec<String> = question.options().map(str::to_string).collect();
        let counts: Vec<usize> = options
            .iter()
            .map(|o| given.iter().find(|(a, _)| a == o).map_or(0, |(_, n)| usize::try_from(*n).unwrap_or(0)))
            .collect();
        let total: usize = counts.iter().sum();
        // The total is a cell too: when it is small, every count under it is.
        let threshold = usize::try_from(program.small_cell).unwrap_or(identity::SMALL_CELL);
        let answered = identity::suppressed(&[total], threshold).remove(0);
        let cells = if matches!(answered, Cell::Hidden(_)) {
            vec![Cell::Hidden(threshold); counts.len()]
        } else {
            identity::suppressed(&counts, threshold)
        };
        out.push(QuestionSummary { question, counts: options.into_iter().zip(cells).collect(), answered });
    }
    Ok((program, out))
}

/// Adds a question to the program, as typed on its form.
pub async fn add_question(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
    key: &str,
    question: &str,
    choices: &str,
) -> AppResult<()> {
    let program = program_for_questions(state, actor, program_id).await?;
    let (key, question, choices) = identity::new_question(key, question, choices).map_err(AppError::Invalid)?;
    if !state.store.add_identity_question(program.id, &key, &question, &choices, state.now()).await? {
        return Err(AppError::Invalid(format!("This program already asks a question named \"{key}\".")));
    }
    let subject = format!("question {key} in program {}", program.id);
    state.store.audit(Some(actor.user.id), "identity question added", &subject, state.now()).await?;
    Ok(())
}

/// Removes a question and every answer to it.
pub async fn delete_question(state: &AppState, actor: &Actor, program_id: i64, question_id: i64) -> AppResult<()> {
    let program = program_for_questions(state, actor, program_id).await?;
    if !state.store.delete_identity_question(program.id, question_id).await? {
        return Err(AppError::NotFound);
    }
    let subject = format!("question {question_id} in program {}", program.id);
    state.store.audit(Some(actor.user.id), "identity question removed", &subject, state.now()).await?;
    Ok(())
}

/// Sets the threshold below which the program's counts are hidden. Admins only: a program's
/// coordinators cannot lower what hides their scholars' answers from them.
pub async fn set_small_cell(state: &AppState, actor: &Actor, program_id: i64, threshold: &str) -> AppResult<()> {
    if !access::can_set_small_cell(actor) {
        return Err(AppError::NotFound);
    }
    let program = state.store.program(program_id).await?.ok_or(AppError::NotFound)?;
    let threshold = identity::parse_small_cell(threshold).map_err(AppError::Invalid)?;
    state.store.set_small_cell(program.id, threshold).await?;
    let subject = format!("program {} counts below {threshold} hidden", program.id);
    state.store.audit(Some(actor.user.id), "small-cell threshold set", &subject, state.now()).await?;
    Ok(())
}

/// A question put to the actor, with their own answer.
pub struct AskedQuestion {
    pub question: IdentityQuestion,
    pub program: String,
    pub answer: Option<String>,
    /// The answer came from the program's roster: the person is asked to confirm or change it.
    pub from_roster: bool,
}

fn asking_programs(actor: &Actor) -> Vec<i64> {
    let mut programs: Vec<i64> = actor
        .memberships
        .programs
        .iter()
        .map(|(p, _)| *p)
        .chain(actor.memberships.groups.iter().map(|s| s.program_id))
        .filter(|p| access::can_answer_identity_questions(actor, *p))
        .collect();
    programs.sort_unstable();
    programs.dedup();
    programs
}

/// The questions the actor's programs ask them, with their own answers.
pub async fn my_questions(state: &AppState, actor: &Actor) -> AppResult<Vec<AskedQuestion>> {
    let programs = asking_programs(actor);
    let questions = state.store.identity_questions(&programs).await?;
    if questions.is_empty() {
        return Ok(Vec::new());
    }
    let answers = state.store.own_identity_answers(actor.user.id).await?;
    let from_roster = state.store.roster_filled_answers(actor.user.id).await?;
    let mut out = Vec::new();
    for question in questions {
        let program = state.store.program(question.program_id).await?.map(|p| p.name).unwrap_or_default();
        let answer = answers.iter().find(|(q, _)| *q == question.id).map(|(_, a)| a.clone());
        let from_roster = from_roster.contains(&question.id);
        out.push(AskedQuestion { question, program, answer, from_roster });
    }
    Ok(out)
}

/// Saves the actor's own answers (`identity_{question id}` fields; blank clears an answer).
/// Fields for questions the actor is not asked are ignored; an answer that is not a choice is
/// `AppError::Invalid` and saves nothing.
pub async fn answer(state: &AppState, actor: &Actor, fields: &[(String, String)]) -> AppResult<()> {
    let questions = state.store.identity_questions(&asking_programs(actor)).await?;
    let mut answers = Vec::new();
    for question in &questions {
        let typed = fields
            .iter()
            .find(|(name, _)| name.strip_prefix("identity_").and_then(|id| id.parse::<i64>().ok()) == Some(question.id))
            .map_or("", |(_, value)| value.as_str());
        answers.push((question.id, question.check_answer(typed).map_err(AppError::Invalid)?));
    }
    state.store.set_identity_answers(actor.user.id, &answers, state.now()).await?;
    Ok(())
}
