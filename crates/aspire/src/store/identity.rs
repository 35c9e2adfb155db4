//! A program's identity questions and people's answers. No query here returns who answered
//! what to a page: answers leave only as the engine's attributes or as counts.

use super::{Result, SqlStore};
use crate::domain::identity::IdentityQuestion;

#[derive(sqlx::FromRow)]
struct QuestionRow {
    id: i64,
    program_id: i64,
    key: String,
    question: String,
    choices: String,
}

impl From<QuestionRow> for IdentityQuestion {
    fn from(r: QuestionRow) -> IdentityQuestion {
        IdentityQuestion {
            id: r.id,
            program_id: r.program_id,
            key: r.key,
            question: r.question,
            choices: r.choices.lines().map(str::to_string).collect(),
        }
    }
}

const QUESTION_COLUMNS: &str = "id, program_id, key, question, choices";

impl SqlStore {
    /// Adds a question; `false` when the program already has one with that key.
    pub async fn add_identity_question(
        &self,
        program_id: i64,
        key: &str,
        question: &str,
        choices: &[String],
        now: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO identity_questions (program_id, key, question, choices, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (program_id, key) DO NOTHING",
        )
        .bind(program_id)
        .bind(key)
        .bind(question)
        .bind(choices.join("\n"))
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes a question of the program and every answer to it.
    pub async fn delete_identity_question(&self, program_id: i64, question_id: i64) -> Result<bool> {
        let done = sqlx::query("DELETE FROM identity_questions WHERE id = $1 AND program_id = $2")
            .bind(question_id)
            .bind(program_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn identity_questions(&self, program_ids: &[i64]) -> Result<Vec<IdentityQuestion>> {
        if program_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {QUESTION_COLUMNS} FROM identity_questions WHERE program_id IN ({}) ORDER BY program_id, id",
            super::sql::placeholders(1, program_ids.len())
        ));
        let mut query = sqlx::query_as::<_, QuestionRow>(sql);
        for id in program_ids {
            query = query.bind(id);
        }
        Ok(query.fetch_all(&self.pool).await?.into_iter().map(IdentityQuestion::from).collect())
    }

    /// One person's own answers (question id, answer): for their own profile form only.
    pub async fn own_identity_answers(&self, user_id: i64) -> Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as("SELECT question_id, answer FROM identity_answers WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// The questions whose answer a roster filled in for this person, not yet confirmed by them.
    pub async fn roster_filled_answers(&self, user_id: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar("SELECT question_id FROM identity_answers WHERE user_id = $1 AND source = 'roster'")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// One person's own answers with the questions they answer, for their own data export.
    pub async fn own_identity_answers_in_words(&self, user_id: i64) -> Result<Vec<(String, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT q.question, a.answer, a.answered_at FROM identity_answers a \
             JOIN identity_questions q ON q.id = a.question_id WHERE a.user_id = $1 ORDER BY q.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Sets (or, with `None`, clears) a person's answers to questions they were asked.
    pub async fn set_identity_answers(&self, user_id: i64, answers: &[(i64, Option<String>)], now: i64) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for (question_id, answer) in answers {
            match answer {
                Some(answer) => {
                    sqlx::query(
                        "INSERT INTO identity_answers (question_id, user_id, answer, answered_at, source) \
                         VALUES ($1, $2, $3, $4, 'self') \
                         ON CONFLICT (question_id, user_id) DO UPDATE SET answer = excluded.answer, \
                         answered_at = excluded.answered_at, source = 'self'",
                    )
                    .bind(question_id)
                    .bind(user_id)
                    .bind(answer)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                None => {
                    sqlx::query("DELETE FROM identity_answers WHERE question_id = $1 AND user_id = $2")
                        .bind(question_id)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Answers from a roster (email, question id, answer), kept only where the person has not
    /// answered themselves: what someone says of themselves wins over a spreadsheet.
    pub async fn fill_identity_answers(&self, answers: &[(String, i64, String)], now: i64) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for (email, question_id, answer) in answers {
            sqlx::query(
                "INSERT INTO identity_answers (question_id, user_id, answer, answered_at, source) \
                 SELECT $1, id, $2, $3, 'roster' FROM users WHERE email = $4 \
                 ON CONFLICT (question_id, user_id) DO NOTHING",
            )
            .bind(question_id)
            .bind(answer)
            .bind(now)
            .bind(email)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The answers of the program's questions for people of a round, as (email, key, answer):
    /// for the formation engine only.
    pub async fn round_identity_answers(&self, round_id: i64) -> Result<Vec<(String, String, String)>> {
        Ok(sqlx::query_as(
            "SELECT u.email, q.key, a.answer FROM round_people rp \
             JOIN rounds r ON r.id = rp.round_id \
             JOIN users u ON u.id = rp.user_id \
             JOIN identity_questions q ON q.program_id = r.program_id \
             JOIN identity_answers a ON a.question_id = q.id AND a.user_id = u.id \
             WHERE rp.round_id = $1",
        )
        .bind(round_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The answers of the program's participants to its questions, as (email, key, answer): for
    /// the engine only (placing newcomers in running groups).
    pub async fn program_identity_answers(&self, program_id: i64) -> Result<Vec<(String, String, String)>> {
        Ok(sqlx::query_as(
            "SELECT u.email, q.key, a.answer FROM identity_questions q \
             JOIN identity_answers a ON a.question_id = q.id \
             JOIN users u ON u.id = a.user_id \
             WHERE q.program_id = $1",
        )
        .bind(program_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// How many of the program's participants gave each answer to a question.
    pub async fn identity_answer_counts(&self, question_id: i64) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT a.answer, COUNT(*) FROM identity_answers a \
             JOIN identity_questions q ON q.id = a.question_id \
             JOIN program_members pm ON pm.program_id = q.program_id AND pm.user_id = a.user_id \
             AND pm.role = 'participant' \
             WHERE a.question_id = $1 GROUP BY a.answer",
        )
        .bind(question_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
