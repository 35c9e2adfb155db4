//! What is kept for the accountability loop: meeting series and their schedule history,
//! cancellations, attendance, goals, long-term goals, calendar feeds and reminders.

use super::decode::{Columns, Decoded};
use super::{Group, NewEmail, Result, SqlStore};
use crate::domain::cadence::{self, Cadence, Schedule, Series};
use crate::domain::code::UnknownCode;
use crate::domain::goals::GoalStatus;

/// A group's series as stored, and as meetings.
pub struct LoadedSeries {
    pub row: Option<SeriesRow>,
    pub history: Vec<ScheduleRow>,
    pub series: Series,
}

impl From<SeriesParts> for LoadedSeries {
    fn from(parts: SeriesParts) -> LoadedSeries {
        let SeriesParts { row, history, cancelled } = parts;
        let series = Series::new(history.iter().map(ScheduleRow::schedule).collect(), cancelled.into_iter().collect());
        LoadedSeries { row, history, series }
    }
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

/// What a group's series is loaded from.
#[derive(Default)]
pub struct SeriesParts {
    pub row: Option<SeriesRow>,
    pub history: Vec<ScheduleRow>,
    pub cancelled: Vec<i64>,
}

#[derive(Debug, Clone)]
pub struct SeriesRow {
    pub group_id: i64,
    pub place: String,
    pub reminder_lead_minutes: i64,
    pub sequence: i64,
    pub updated_at: i64,
}

/// One schedule in a group's history, with who set it.
#[derive(Debug, Clone)]
pub struct ScheduleRow {
    pub id: i64,
    pub group_id: i64,
    pub effective_from: i64,
    /// Read from two columns, `cadence` and `nth`.
    pub cadence: Cadence,
    pub weekday: i64,
    pub minute_of_day: i64,
    pub time_zone: String,
    pub duration_minutes: i64,
    pub changed_by_name: Option<String>,
    pub changed_at: i64,
}

impl Decoded for SeriesRow {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        SeriesRow::decode_of(row, row.value("group_id")?)
    }
}

impl SeriesRow {
    /// The series of `group_id`, its other columns read from `row` (where `group_id` may name
    /// another table's column).
    fn decode_of(row: &impl Columns, group_id: i64) -> std::result::Result<Self, sqlx::Error> {
        Ok(SeriesRow {
            group_id,
            place: row.value("place")?,
            reminder_lead_minutes: row.value("reminder_lead_minutes")?,
            sequence: row.value("sequence")?,
            updated_at: row.value("updated_at")?,
        })
    }
}

impl Decoded for ScheduleRow {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        let id = row.value("id")?;
        let group_id = row.value("group_id")?;
        let effective_from = row.value("effective_from")?;
        let code: String = row.value("cadence")?;
        let nth: i64 = row.value("nth")?;
        let cadence = Cadence::from_code(&code, nth)
            .ok_or_else(|| sqlx::Error::Decode(Box::new(UnknownCode { what: "a cadence", code })))?;
        Ok(ScheduleRow {
            id,
            group_id,
            effective_from,
            cadence,
            weekday: row.value("weekday")?,
            minute_of_day: row.value("minute_of_day")?,
            time_zone: row.value("time_zone")?,
            duration_minutes: row.value("duration_minutes")?,
            changed_by_name: row.value("changed_by_name")?,
            changed_at: row.value("changed_at")?,
        })
    }
}

impl ScheduleRow {
    pub fn schedule(&self) -> Schedule {
        Schedule {
            effective_from: self.effective_from,
            cadence: self.cadence,
            weekday: self.weekday,
            minute_of_day: self.minute_of_day,
            time_zone: self.time_zone.clone(),
            duration_minutes: self.duration_minutes,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Goal {
    pub id: i64,
    pub group_id: i64,
    pub user_id: i64,
    pub meeting_start: i64,
    pub text: String,
    pub kind: String,
    pub long_goal_id: Option<i64>,
    pub status: GoalStatus,
    pub reason: String,
    pub carried_from: Option<i64>,
    pub created_at: i64,
    pub reported_at: Option<i64>,
    /// The author's name.
    pub user_name: String,
    pub group_name: String,
}

impl Decoded for Goal {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(Goal {
            id: row.value("id")?,
            group_id: row.value("group_id")?,
            user_id: row.value("user_id")?,
            meeting_start: row.value("meeting_start")?,
            text: row.value("text")?,
            kind: row.value("kind")?,
            long_goal_id: row.value("long_goal_id")?,
            status: row.coded("status")?,
            reason: row.value("reason")?,
            carried_from: row.value("carried_from")?,
            created_at: row.value("created_at")?,
            reported_at: row.value("reported_at")?,
            user_name: row.value("user_name")?,
            group_name: row.value("group_name")?,
        })
    }
}

#[derive(Debug, Clone)]
pub struct NewGoal {
    pub group_id: i64,
    pub user_id: i64,
    pub meeting_start: i64,
    pub text: String,
    pub kind: String,
    pub long_goal_id: Option<i64>,
    pub carried_from: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct LongGoal {
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub kind: String,
    pub target_date: String,
    pub status: String,
    pub created_at: i64,
}

impl Decoded for LongGoal {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(LongGoal {
            id: row.value("id")?,
            user_id: row.value("user_id")?,
            title: row.value("title")?,
            kind: row.value("kind")?,
            target_date: row.value("target_date")?,
            status: row.value("status")?,
            created_at: row.value("created_at")?,
        })
    }
}

/// A goal in outline: when, how it went, and what it served.
#[derive(Debug, Clone)]
pub struct GoalOutline {
    pub id: i64,
    pub meeting_start: i64,
    pub status: GoalStatus,
    pub long_goal_id: Option<i64>,
}

impl Decoded for GoalOutline {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(GoalOutline {
            id: row.value("id")?,
            meeting_start: row.value("meeting_start")?,
            status: row.coded("status")?,
            long_goal_id: row.value("long_goal_id")?,
        })
    }
}

/// Counts for a coordinator: no text, no names.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupGoalCounts {
    pub group_id: i64,
    pub group_name: String,
    pub declared: i64,
    pub reported: i64,
    pub met: i64,
    pub partly: i64,
    pub present: i64,
    pub attendance_records: i64,
}

const GOAL_COLUMNS: &str = "g.id, g.group_id, g.user_id, g.meeting_start, g.text, g.kind, g.long_goal_id, g.status, \
     g.reason, g.carried_from, g.created_at, g.reported_at, u.name AS user_name, gr.name AS group_name";
const GOAL_FROM: &str = "goals g JOIN users u ON u.id = g.user_id JOIN groups gr ON gr.id = g.group_id";

/// A row of [`SqlStore::groups_and_series`]: a group, its series, its cancelled starts and
/// one of its schedules (none for a group without).
struct GroupSeriesRow {
    group: Group,
    series: Option<SeriesRow>,
    cancelled: Option<String>,
    schedule: Option<ScheduleRow>,
}

impl Decoded for GroupSeriesRow {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        let group = Group::decode_beside(row, "group_key")?;
        let series = match row.value::<Option<i64>>("series_group")? {
            Some(group_id) => Some(SeriesRow::decode_of(row, group_id)?),
            None => None,
        };
        let schedule = match row.value::<Option<i64>>("id")? {
            Some(_) => Some(ScheduleRow::decode(row)?),
            None => None,
        };
        Ok(GroupSeriesRow { group, series, cancelled: row.value("cancelled")?, schedule })
    }
}

impl SqlStore {
    /// A group's series, every schedule it has had (oldest first) and its cancellations, in
    /// one statement: the group page, the meeting page and the series page all ask.
    pub async fn series_parts(&self, group_id: i64) -> Result<SeriesParts> {
        Ok(self.group_with_series(group_id).await?.map_or_else(SeriesParts::default, |(_, parts)| parts))
    }

    /// A group with its series, schedules and cancellations, in one statement.
    pub async fn group_with_series(&self, group_id: i64) -> Result<Option<(Group, SeriesParts)>> {
        Ok(self.groups_and_series("g.id = $1", &[group_id]).await?.pop())
    }

    /// The groups `condition` picks (on `groups g`, with a placeholder for each of `values`), by name, each with its
    /// series, schedules and cancellations, in one statement however many groups it spans: one
    /// row per schedule (or one for a group with none), each carrying its group, its series and
    /// the list of its cancelled starts.
    async fn groups_and_series(&self, condition: &str, values: &[i64]) -> Result<Vec<(Group, SeriesParts)>> {
        let cancelled = match self.backend {
            super::Backend::Sqlite => "group_concat(c.meeting_start, ',')",
            super::Backend::Postgres => "string_agg(c.meeting_start::text, ',')",
        };
        let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT g.id AS group_key, g.program_id, g.name AS group_name, g.created_at AS group_created_at, \
             g.archived_at, ms.group_id AS series_group, ms.place, ms.reminder_lead_minutes, ms.sequence, ms.updated_at, \
             s.id, s.group_id, s.effective_from, s.cadence, s.nth, s.weekday, s.minute_of_day, s.time_zone, \
             s.duration_minutes, u.name AS changed_by_name, s.changed_at, \
             (SELECT {cancelled} FROM meeting_cancellations c WHERE c.group_id = g.id) AS cancelled \
             FROM groups g LEFT JOIN meeting_series ms ON ms.group_id = g.id \
             LEFT JOIN meeting_schedules s ON s.group_id = g.id LEFT JOIN users u ON u.id = s.changed_by \
             WHERE {condition} ORDER BY g.name, g.id, s.effective_from, s.id"
        )));
        for value in values {
            query = query.bind(*value);
        }
        let rows: Vec<GroupSeriesRow> = self.pool.fetch_all_as(query).await?;
        let mut out: Vec<(Group, SeriesParts)> = Vec::new();
        for row in rows {
            if out.last().is_none_or(|(group, _)| group.id != row.group.id) {
                let mut cancelled = Vec::new();
                for start in row.cancelled.iter().flat_map(|list| list.split(',')) {
                    cancelled.push(start.trim().parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?);
                }
                out.push((row.group, SeriesParts { row: row.series, history: Vec::new(), cancelled }));
            }
            if let (Some(schedule), Some((_, parts))) = (row.schedule, out.last_mut()) {
                parts.history.push(schedule);
            }
        }
        Ok(out)
    }

    pub async fn meeting_series(&self, group_id: i64) -> Result<Option<SeriesRow>> {
        let sql = "SELECT group_id, place, reminder_lead_minutes, sequence, updated_at FROM meeting_series WHERE group_id = $1";
        Ok(self.pool.fetch_optional_as(sqlx::query(sql).bind(group_id)).await?)
    }

    /// Every schedule the group has had, oldest first.
    pub async fn schedules(&self, group_id: i64) -> Result<Vec<ScheduleRow>> {
        let sql = "SELECT s.id, s.group_id, s.effective_from, s.cadence, s.nth, s.weekday, s.minute_of_day, s.time_zone, \
             s.duration_minutes, u.name AS changed_by_name, s.changed_at \
             FROM meeting_schedules s LEFT JOIN users u ON u.id = s.changed_by \
             WHERE s.group_id = $1 ORDER BY s.effective_from, s.id";
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(group_id)).await?)
    }

    /// These groups (a person's seats, as their session read them), by name, with every group's
    /// series, schedules and cancellations: a personal calendar in one statement however many
    /// groups it spans. The ids are bound, not looked up again: SQLite read such a list into a
    /// table of its own.
    pub async fn series_of_groups(&self, group_ids: &[i64]) -> Result<Vec<(Group, SeriesParts)>> {
        if group_ids.is_empty() {
            return Ok(Vec::new());
        }
        let condition = format!("g.id IN ({})", super::sql::placeholders(1, group_ids.len()));
        self.groups_and_series(&condition, group_ids).await
    }

    /// Saves the place and reminder lead time and, when given, a new schedule; the series'
    /// sequence goes up by one.
    pub async fn save_series(
        &self,
        group_id: i64,
        schedule: Option<&Schedule>,
        place: &str,
        reminder_lead_minutes: i64,
        (by, emails): (i64, &[NewEmail]),
        now: i64,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO meeting_series (group_id, place, reminder_lead_minutes, sequence, updated_at) \
             VALUES ($1, $2, $3, 0, $4) ON CONFLICT (group_id) DO UPDATE SET place = excluded.place, \
             reminder_lead_minutes = excluded.reminder_lead_minutes, sequence = meeting_series.sequence + 1, \
             updated_at = excluded.updated_at",
        )
        .bind(group_id)
        .bind(place)
        .bind(reminder_lead_minutes)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if let Some(s) = schedule {
            sqlx::query(
                "INSERT INTO meeting_schedules (group_id, effective_from, cadence, nth, weekday, minute_of_day, \
                 time_zone, duration_minutes, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(group_id)
            .bind(s.effective_from)
            .bind(s.cadence.code())
            .bind(i64::from(s.cadence.nth()))
            .bind(s.weekday)
            .bind(s.minute_of_day)
            .bind(&s.time_zone)
            .bind(s.duration_minutes)
            .bind(by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        for email in emails {
            super::sql::insert_email(&mut *tx, email, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Cancels (or restores) a meeting; when that changes anything, `emails` tell the group.
    pub async fn set_cancelled(
        &self,
        group_id: i64,
        start: i64,
        cancelled: bool,
        (by, emails): (i64, &[NewEmail]),
        now: i64,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        let done = if cancelled {
            sqlx::query(
                "INSERT INTO meeting_cancellations (group_id, meeting_start, cancelled_by, cancelled_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(group_id)
            .bind(start)
            .bind(by)
            .bind(now)
            .execute(&mut *tx)
            .await?
        } else {
            sqlx::query("DELETE FROM meeting_cancellations WHERE group_id = $1 AND meeting_start = $2")
                .bind(group_id)
                .bind(start)
                .execute(&mut *tx)
                .await?
        };
        if done.rows_affected() > 0 {
            sqlx::query("UPDATE meeting_series SET sequence = sequence + 1, updated_at = $1 WHERE group_id = $2")
                .bind(now)
                .bind(group_id)
                .execute(&mut *tx)
                .await?;
            for email in emails {
                super::sql::insert_email(&mut *tx, email, now).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Groups that have a meeting series and still meet (not archived).
    pub async fn groups_with_series(&self) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT s.group_id FROM meeting_series s JOIN groups g ON g.id = s.group_id \
             WHERE g.archived_at IS NULL ORDER BY s.group_id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// (user id, present) for a meeting.
    pub async fn attendance(&self, group_id: i64, start: i64) -> Result<Vec<(i64, bool)>> {
        let sql = "SELECT user_id, present FROM attendance WHERE group_id = $1 AND meeting_start = $2";
        let rows: Vec<(i64, i64)> = self.pool.fetch_all_as(sqlx::query(sql).bind(group_id).bind(start)).await?;
        Ok(rows.into_iter().map(|(u, p)| (u, p != 0)).collect())
    }

    pub async fn record_attendance(
        &self,
        group_id: i64,
        start: i64,
        user_id: i64,
        present: bool,
        by: i64,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO attendance (group_id, meeting_start, user_id, present, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (group_id, meeting_start, user_id) DO UPDATE SET \
             present = excluded.present, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        )
        .bind(group_id)
        .bind(start)
        .bind(user_id)
        .bind(i64::from(present))
        .bind(by)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn declare_goal(&self, g: &NewGoal, now: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO goals (group_id, user_id, meeting_start, text, kind, long_goal_id, carried_from, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(g.group_id)
        .bind(g.user_id)
        .bind(g.meeting_start)
        .bind(&g.text)
        .bind(&g.kind)
        .bind(g.long_goal_id)
        .bind(g.carried_from)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn goal(&self, id: i64) -> Result<Option<Goal>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {GOAL_COLUMNS} FROM {GOAL_FROM} WHERE g.id = $1"));
        Ok(self.pool.fetch_optional_as(sqlx::query(sql).bind(id)).await?)
    }

    pub async fn goals_at(&self, group_id: i64, start: i64) -> Result<Vec<Goal>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {GOAL_COLUMNS} FROM {GOAL_FROM} WHERE g.group_id = $1 AND g.meeting_start = $2 ORDER BY u.name, g.id"
        ));
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(group_id).bind(start)).await?)
    }

    pub async fn report_goal(&self, id: i64, status: &str, reason: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE goals SET status = $1, reason = $2, reported_at = $3 WHERE id = $4")
            .bind(status)
            .bind(reason)
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn edit_goal(&self, id: i64, text: &str, kind: &str) -> Result<()> {
        sqlx::query("UPDATE goals SET text = $1, kind = $2 WHERE id = $3")
            .bind(text)
            .bind(kind)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_goal(&self, id: i64) -> Result<()> {
        sqlx::query("DELETE FROM goals WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }

    /// The goals of a group's meetings at `starts` (at most two: the meeting and the one before),
    /// each with whether a later goal carries it on, in one statement.
    pub async fn goals_with_carried(&self, group_id: i64, starts: [i64; 2]) -> Result<Vec<(Goal, bool)>> {
        struct Carried {
            goal: Goal,
            carried_on: bool,
        }
        impl Decoded for Carried {
            fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
                Ok(Carried { goal: Goal::decode(row)?, carried_on: row.value::<i64>("carried_on")? != 0 })
            }
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {GOAL_COLUMNS}, \
             CASE WHEN EXISTS (SELECT 1 FROM goals c WHERE c.carried_from = g.id) THEN 1 ELSE 0 END AS carried_on \
             FROM {GOAL_FROM} WHERE g.group_id = $1 AND g.meeting_start IN ($2, $3) ORDER BY u.name, g.id"
        ));
        let query = sqlx::query(sql).bind(group_id).bind(starts[0]).bind(starts[1]);
        let rows: Vec<Carried> = self.pool.fetch_all_as(query).await?;
        Ok(rows.into_iter().map(|row| (row.goal, row.carried_on)).collect())
    }

    /// The goal that carries `id` forward, if there is one.
    pub async fn carried_to(&self, id: i64) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT id FROM goals WHERE carried_from = $1 ORDER BY id LIMIT 1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// A member's goals still waiting for a report: declared for a meeting that has begun, in a
    /// group they are still in, oldest first, at most `limit`.
    pub async fn goals_to_report(&self, user_id: i64, now: i64, limit: i64) -> Result<Vec<Goal>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {GOAL_COLUMNS} FROM {GOAL_FROM} \
             JOIN group_members gm ON gm.group_id = g.group_id AND gm.user_id = g.user_id \
             WHERE g.user_id = $1 AND g.status = 'open' AND g.meeting_start <= $2 \
             ORDER BY g.meeting_start, g.id LIMIT {limit}"
        ));
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(user_id).bind(now)).await?)
    }

    /// The meetings since `since` of the groups `user_id` facilitates that have attendance.
    pub async fn meetings_with_attendance(&self, user_id: i64, since: i64) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT DISTINCT a.group_id, a.meeting_start FROM attendance a \
             JOIN group_members gm ON gm.group_id = a.group_id \
             WHERE gm.user_id = $1 AND gm.role = 'facilitator' AND a.meeting_start >= $2",
        )
        .bind(user_id)
        .bind(since)
        .fetch_all(&self.pool)
        .await?)
    }

    /// All of a member's goals, oldest first.
    pub async fn user_goals(&self, user_id: i64) -> Result<Vec<Goal>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {GOAL_COLUMNS} FROM {GOAL_FROM} WHERE g.user_id = $1 ORDER BY g.meeting_start, g.id"
        ));
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(user_id)).await?)
    }

    /// A member's goals for meetings in `[from, to)`, oldest first.
    pub async fn user_goals_between(&self, user_id: i64, from: i64, to: i64) -> Result<Vec<Goal>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {GOAL_COLUMNS} FROM {GOAL_FROM} WHERE g.user_id = $1 AND g.meeting_start >= $2 \
             AND g.meeting_start < $3 ORDER BY g.meeting_start, g.id"
        ));
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(user_id).bind(from).bind(to)).await?)
    }

    /// Each of a member's goals in outline (oldest first): enough for their record and to
    /// pick which to show, without reading every goal's text.
    pub async fn goal_outline(&self, user_id: i64) -> Result<Vec<GoalOutline>> {
        let sql = "SELECT id, meeting_start, status, long_goal_id FROM goals WHERE user_id = $1 \
             ORDER BY meeting_start, id";
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(user_id)).await?)
    }

    /// The goals with these ids, in full, oldest first.
    pub async fn goals_by_ids(&self, ids: &[i64]) -> Result<Vec<Goal>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {GOAL_COLUMNS} FROM {GOAL_FROM} WHERE g.id IN ({})",
            super::sql::placeholders(1, ids.len())
        ));
        let mut query = sqlx::query(sql);
        for id in ids {
            query = query.bind(*id);
        }
        // Ordered here: SQLite's sorter copied every goal's text to order a page of them.
        let mut goals: Vec<Goal> = self.pool.fetch_all_as(query).await?;
        goals.sort_by_key(|g| (g.meeting_start, g.id));
        Ok(goals)
    }

    pub async fn create_long_goal(
        &self,
        user_id: i64,
        title: &str,
        kind: &str,
        target_date: &str,
        now: i64,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO long_goals (user_id, title, kind, target_date, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(title)
        .bind(kind)
        .bind(target_date)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn long_goals(&self, user_id: i64) -> Result<Vec<LongGoal>> {
        let sql = "SELECT id, user_id, title, kind, target_date, status, created_at FROM long_goals WHERE user_id = $1 ORDER BY id";
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(user_id)).await?)
    }

    pub async fn long_goal(&self, id: i64) -> Result<Option<LongGoal>> {
        let sql = "SELECT id, user_id, title, kind, target_date, status, created_at FROM long_goals WHERE id = $1";
        Ok(self.pool.fetch_optional_as(sqlx::query(sql).bind(id)).await?)
    }

    pub async fn set_long_goal_status(&self, id: i64, status: &str) -> Result<()> {
        sqlx::query("UPDATE long_goals SET status = $1 WHERE id = $2")
            .bind(status)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_reminders_muted(&self, user_id: i64, muted: bool, now: i64) -> Result<()> {
        let query = if muted {
            sqlx::query("INSERT INTO reminder_mutes (user_id, muted_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(user_id)
                .bind(now)
        } else {
            sqlx::query("DELETE FROM reminder_mutes WHERE user_id = $1").bind(user_id)
        };
        query.execute(&self.pool).await?;
        Ok(())
    }

    /// What My goals shows of a person's switches, in one statement: (reminders muted, has a
    /// calendar feed, has an API token).
    pub async fn own_switches(&self, user_id: i64) -> Result<(bool, bool, bool)> {
        let query = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM reminder_mutes WHERE user_id = $1), \
             (SELECT COUNT(*) FROM user_tokens WHERE user_id = $1 AND kind = $2), \
             (SELECT COUNT(*) FROM user_tokens WHERE user_id = $1 AND kind = $3)",
        )
        .bind(user_id)
        .bind(super::TokenKind::CalendarFeed.code())
        .bind(super::TokenKind::Api.code());
        let (muted, feeds, api): (i64, i64, i64) =
            self.pool.fetch_optional_as(query).await?.ok_or(sqlx::Error::RowNotFound)?;
        Ok((muted > 0, feeds > 0, api > 0))
    }

    /// Every schedule of these groups (oldest first), in one statement: a member's own goal
    /// lists show each date in its group's time zone.
    pub async fn schedules_of_groups(&self, group_ids: &[i64]) -> Result<Vec<ScheduleRow>> {
        if group_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT s.id, s.group_id, s.effective_from, s.cadence, s.nth, s.weekday, s.minute_of_day, s.time_zone, \
             s.duration_minutes, u.name AS changed_by_name, s.changed_at \
             FROM meeting_schedules s LEFT JOIN users u ON u.id = s.changed_by \
             WHERE s.group_id IN ({}) ORDER BY s.effective_from, s.id",
            super::sql::placeholders(1, group_ids.len())
        ));
        let mut query = sqlx::query(sql);
        for id in group_ids {
            query = query.bind(*id);
        }
        Ok(self.pool.fetch_all_as(query).await?)
    }

    pub async fn reminders_muted(&self, user_id: i64) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reminder_mutes WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// Records the reminder and puts its email in the outbox, in one transaction; false (and
    /// nothing written) when this reminder was already sent.
    pub async fn send_reminder_once(
        &self,
        group_id: i64,
        start: i64,
        user_id: i64,
        kind: &str,
        email: &NewEmail,
        now: i64,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let claimed = sqlx::query(
            "INSERT INTO reminders_sent (group_id, meeting_start, user_id, kind, sent_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT DO NOTHING",
        )
        .bind(group_id)
        .bind(start)
        .bind(user_id)
        .bind(kind)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        super::sql::insert_email(&mut *tx, email, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn program_goal_counts(&self, program_id: i64) -> Result<Vec<GroupGoalCounts>> {
        Ok(sqlx::query_as(
            "SELECT gr.id AS group_id, gr.name AS group_name, \
             (SELECT COUNT(*) FROM goals g WHERE g.group_id = gr.id) AS declared, \
             (SELECT COUNT(*) FROM goals g WHERE g.group_id = gr.id AND g.status <> 'open') AS reported, \
             (SELECT COUNT(*) FROM goals g WHERE g.group_id = gr.id AND g.status = 'met') AS met, \
             (SELECT COUNT(*) FROM goals g WHERE g.group_id = gr.id AND g.status = 'partly') AS partly, \
             (SELECT COUNT(*) FROM attendance a WHERE a.group_id = gr.id AND a.present = 1) AS present, \
             (SELECT COUNT(*) FROM attendance a WHERE a.group_id = gr.id) AS attendance_records \
             FROM groups gr WHERE gr.program_id = $1 ORDER BY gr.name",
        )
        .bind(program_id)
        .fetch_all(&self.pool)
        .await?)
    }
}

/// Counts of one cohort (a round's name, '' for groups formed outside a round) in one month
/// (an index into the months asked for).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CohortMonthRow {
    pub cohort: String,
    pub month: i64,
    pub a: i64,
    pub b: i64,
    pub c: i64,
    pub d: i64,
}

impl SqlStore {
    /// The program's goals (declared, reported, met, partly), attendance (present, records) and
    /// meetings held (distinct group and start with either), per cohort and month, for months
    /// given by their boundaries (`bounds[i]..bounds[i + 1]`). Counts only.
    pub async fn program_engagement(
        &self,
        program_id: i64,
        bounds: &[i64],
    ) -> Result<(Vec<CohortMonthRow>, Vec<CohortMonthRow>, Vec<CohortMonthRow>)> {
        let (Some(&from), Some(&to)) = (bounds.first(), bounds.last()) else {
            return Ok(Default::default());
        };
        // The month of an instant, as an index: integers from the code, written into the SQL.
        let bucket = |column: &str| {
            let arms: String =
                bounds[1..].iter().enumerate().map(|(i, end)| format!("WHEN {column} < {end} THEN {i} ")).collect();
            format!("CAST(CASE {arms}ELSE {} END AS BIGINT)", bounds.len().saturating_sub(2))
        };
        const COHORT: &str = "JOIN groups gr ON gr.id = x.group_id LEFT JOIN rounds r ON r.id = gr.round_id";
        let goals = sqlx::AssertSqlSafe(format!(
            "SELECT COALESCE(r.name, '') AS cohort, {} AS month, COUNT(*) AS a, \
             SUM(CASE WHEN x.status <> 'open' THEN 1 ELSE 0 END) AS b, \
             SUM(CASE WHEN x.status = 'met' THEN 1 ELSE 0 END) AS c, \
             SUM(CASE WHEN x.status = 'partly' THEN 1 ELSE 0 END) AS d \
             FROM goals x {COHORT} WHERE gr.program_id = $1 AND x.meeting_start >= {from} AND x.meeting_start < {to} \
             GROUP BY 1, 2",
            bucket("x.meeting_start")
        ));
        let attendance = sqlx::AssertSqlSafe(format!(
            "SELECT COALESCE(r.name, '') AS cohort, {} AS month, SUM(CASE WHEN x.present = 1 THEN 1 ELSE 0 END) AS a, \
             COUNT(*) AS b, CAST(0 AS BIGINT) AS c, CAST(0 AS BIGINT) AS d \
             FROM attendance x {COHORT} WHERE gr.program_id = $1 AND x.meeting_start >= {from} AND x.meeting_start < {to} \
             GROUP BY 1, 2",
            bucket("x.meeting_start")
        ));
        let meetings = sqlx::AssertSqlSafe(format!(
            "SELECT COALESCE(r.name, '') AS cohort, {} AS month, COUNT(*) AS a, CAST(0 AS BIGINT) AS b, CAST(0 AS BIGINT) AS c, CAST(0 AS BIGINT) AS d \
             FROM (SELECT group_id, meeting_start FROM attendance WHERE meeting_start >= {from} AND meeting_start < {to} \
                   UNION SELECT group_id, meeting_start FROM goals WHERE meeting_start >= {from} AND meeting_start < {to}) x \
             {COHORT} WHERE gr.program_id = $1 GROUP BY 1, 2",
            bucket("x.meeting_start")
        ));
        Ok((
            sqlx::query_as(goals).bind(program_id).fetch_all(&self.pool).await?,
            sqlx::query_as(attendance).bind(program_id).fetch_all(&self.pool).await?,
            sqlx::query_as(meetings).bind(program_id).fetch_all(&self.pool).await?,
        ))
    }
}
