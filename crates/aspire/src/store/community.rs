//! What is kept of a group's discussion, of wins and their cheers, and of the audit log.
//! Who may see any of it is decided in `auth::access`, never here.

use super::decode::{Columns, Decoded};
use super::sql::placeholders;
use super::{Group, LogFilter, NewEmail, Result, SqlStore};
use crate::domain::{Audience, Visibility};

#[derive(Debug, Clone)]
pub struct Post {
    pub id: i64,
    pub group_id: i64,
    pub program_id: i64,
    pub thread_id: Option<i64>,
    pub author_id: Option<i64>,
    /// The author of the thread this post belongs to (its own author for a thread): who a
    /// concern for one facilitator is from.
    pub thread_author_id: Option<i64>,
    /// When the thread this post belongs to was started (its own time for a thread): a member
    /// who joined the group later does not see the thread, nor its replies.
    pub thread_created_at: i64,
    /// "former member" when the author deleted their account and kept their posts.
    pub author_name: String,
    pub title: String,
    pub body: String,
    pub visibility: Visibility,
    pub facilitator_id: Option<i64>,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    /// For a thread: how many replies it has.
    pub replies: i64,
}

impl Post {
    pub fn audience(&self) -> Audience {
        post_audience(
            self.thread_author_id,
            (self.program_id, self.group_id),
            self.visibility,
            self.facilitator_id,
            self.thread_created_at,
        )
    }
}

/// Who sees a post: a reply is seen by whoever sees its thread, so the thread's author and start
/// time are what count.
fn post_audience(
    thread_author: Option<i64>,
    (program_id, group_id): (i64, i64),
    visibility: Visibility,
    facilitator_id: Option<i64>,
    thread_created_at: i64,
) -> Audience {
    Audience {
        author_id: thread_author,
        program_id,
        group_id: Some(group_id),
        visibility,
        facilitator_id,
        created_at: thread_created_at,
    }
}

/// Where a post is and who may see it, without its text: what counting new posts needs (the
/// member home, the daily digest). A post's body may run to thousands of characters, and a
/// count reads up to fifty posts.
#[derive(Debug, Clone)]
pub struct PostMark {
    pub group_id: i64,
    pub program_id: i64,
    pub thread_author_id: Option<i64>,
    pub thread_created_at: i64,
    pub visibility: Visibility,
    pub facilitator_id: Option<i64>,
}

impl PostMark {
    pub fn audience(&self) -> Audience {
        post_audience(
            self.thread_author_id,
            (self.program_id, self.group_id),
            self.visibility,
            self.facilitator_id,
            self.thread_created_at,
        )
    }
}

impl Decoded for PostMark {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(PostMark {
            group_id: row.value("group_id")?,
            program_id: row.value("program_id")?,
            thread_author_id: row.value("thread_author_id")?,
            thread_created_at: row.value("thread_created_at")?,
            visibility: row.coded("visibility")?,
            facilitator_id: row.value("facilitator_id")?,
        })
    }
}

/// A thread as a discussion page lists it: its title, who started it, how many replies, and who
/// may see it; never its body, which may run to thousands of characters.
#[derive(Debug, Clone)]
pub struct ThreadCard {
    pub id: i64,
    pub group_id: i64,
    pub program_id: i64,
    pub author_id: Option<i64>,
    pub author_name: String,
    pub title: String,
    pub visibility: Visibility,
    pub facilitator_id: Option<i64>,
    pub created_at: i64,
    pub replies: i64,
}

impl ThreadCard {
    /// Who sees the thread, as [`Post::audience`] says for the thread itself.
    pub fn audience(&self) -> Audience {
        post_audience(
            self.author_id,
            (self.program_id, self.group_id),
            self.visibility,
            self.facilitator_id,
            self.created_at,
        )
    }
}

impl Decoded for ThreadCard {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(ThreadCard {
            id: row.value("id")?,
            group_id: row.value("group_id")?,
            program_id: row.value("program_id")?,
            author_id: row.value("author_id")?,
            author_name: row.value("author_name")?,
            title: row.value("title")?,
            visibility: row.coded("visibility")?,
            facilitator_id: row.value("facilitator_id")?,
            created_at: row.value("created_at")?,
            replies: row.value("replies")?,
        })
    }
}

impl Decoded for Post {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(Post {
            id: row.value("id")?,
            group_id: row.value("group_id")?,
            program_id: row.value("program_id")?,
            thread_id: row.value("thread_id")?,
            author_id: row.value("author_id")?,
            thread_author_id: row.value("thread_author_id")?,
            thread_created_at: row.value("thread_created_at")?,
            author_name: row.value("author_name")?,
            title: row.value("title")?,
            body: row.value("body")?,
            visibility: row.coded("visibility")?,
            facilitator_id: row.value("facilitator_id")?,
            created_at: row.value("created_at")?,
            edited_at: row.value("edited_at")?,
            replies: row.value("replies")?,
        })
    }
}

pub struct NewPost<'a> {
    pub group_id: i64,
    pub thread_id: Option<i64>,
    pub author_id: i64,
    pub title: &'a str,
    pub body: &'a str,
    pub visibility: Visibility,
    pub facilitator_id: Option<i64>,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Win {
    pub id: i64,
    pub user_id: i64,
    pub user_name: String,
    pub program_id: i64,
    pub group_id: Option<i64>,
    pub kind: String,
    pub title: String,
    pub venue: String,
    pub year: Option<i64>,
    /// The day it happened (ISO 8601), or '' when only the year is known.
    pub won_on: String,
    pub doi: String,
    pub pmid: String,
    pub pmcid: String,
    pub author_position: String,
    pub mechanism: String,
    pub award_number: String,
    pub grant_role: String,
    pub grant_status: String,
    pub visibility: Visibility,
    pub created_at: i64,
    pub cheers: i64,
}

impl Decoded for Win {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(Win {
            id: row.value("id")?,
            user_id: row.value("user_id")?,
            user_name: row.value("user_name")?,
            program_id: row.value("program_id")?,
            group_id: row.value("group_id")?,
            kind: row.value("kind")?,
            title: row.value("title")?,
            venue: row.value("venue")?,
            year: row.value("year")?,
            won_on: row.value("won_on")?,
            doi: row.value("doi")?,
            pmid: row.value("pmid")?,
            pmcid: row.value("pmcid")?,
            author_position: row.value("author_position")?,
            mechanism: row.value("mechanism")?,
            award_number: row.value("award_number")?,
            grant_role: row.value("grant_role")?,
            grant_status: row.value("grant_status")?,
            visibility: row.coded("visibility")?,
            created_at: row.value("created_at")?,
            cheers: row.value("cheers")?,
        })
    }
}

impl Win {
    pub fn audience(&self) -> Audience {
        win_audience(self.user_id, self.program_id, self.group_id, self.visibility, self.created_at)
    }
}

/// Who sees a win: its author, and whom they shared it with from when.
fn win_audience(author: i64, program_id: i64, group_id: Option<i64>, visibility: Visibility, at: i64) -> Audience {
    Audience { author_id: Some(author), program_id, group_id, visibility, facilitator_id: None, created_at: at }
}

/// A win as a list that links to it shows it: what it is, whose, its cheers, and who may see
/// it. The group page and the member home list these; reading the whole win for them cost more
/// than their other reads.
#[derive(Debug, Clone)]
pub struct WinCard {
    pub id: i64,
    pub user_id: i64,
    pub user_name: String,
    pub program_id: i64,
    pub group_id: Option<i64>,
    pub kind: String,
    pub title: String,
    pub visibility: Visibility,
    pub created_at: i64,
    pub cheers: i64,
}

impl Decoded for WinCard {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        Ok(WinCard {
            id: row.value("id")?,
            user_id: row.value("user_id")?,
            user_name: row.value("user_name")?,
            program_id: row.value("program_id")?,
            group_id: row.value("group_id")?,
            kind: row.value("kind")?,
            title: row.value("title")?,
            visibility: row.coded("visibility")?,
            created_at: row.value("created_at")?,
            cheers: row.value("cheers")?,
        })
    }
}

impl WinCard {
    pub fn audience(&self) -> Audience {
        win_audience(self.user_id, self.program_id, self.group_id, self.visibility, self.created_at)
    }
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Cheer {
    pub id: i64,
    pub win_id: i64,
    pub user_id: i64,
    pub user_name: String,
    pub message: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub action: String,
    pub subject: String,
}

/// A post and its group, read in one statement.
struct PostInGroup(Post, Group);

impl Decoded for PostInGroup {
    fn decode(row: &impl Columns) -> std::result::Result<Self, sqlx::Error> {
        let post = Post::decode(row)?;
        Ok(PostInGroup(post, Group::decode_beside(row, "group_id")?))
    }
}

// A post carries its thread's author and start (migration 0035 on SQLite, 0036 on PostgreSQL),
// which decide who sees it: its thread's row is not read.
const POST_COLUMNS: &str = "p.id, p.group_id, g.program_id, p.thread_id, p.author_id, p.thread_author_id, \
     p.thread_created_at, COALESCE(u.name, 'former member') AS author_name, p.title, p.body, p.visibility, \
     p.facilitator_id, p.created_at, p.edited_at, p.reply_count AS replies";
const POST_FROM: &str = "posts p JOIN groups g ON g.id = p.group_id LEFT JOIN users u ON u.id = p.author_id";
const POST_MARK_COLUMNS: &str =
    "p.group_id, g.program_id, p.thread_author_id, p.thread_created_at, p.visibility, p.facilitator_id";
const POST_MARK_FROM: &str = "posts p JOIN groups g ON g.id = p.group_id";

const WIN_COLUMNS: &str = "w.id, w.user_id, u.name AS user_name, w.program_id, w.group_id, w.kind, w.title, \
     w.venue, w.year, w.won_on, w.doi, w.pmid, w.pmcid, w.author_position, w.mechanism, w.award_number, w.grant_role, \
     w.grant_status, w.visibility, w.created_at, (SELECT COUNT(*) FROM cheers c WHERE c.win_id = w.id) AS cheers";
const WIN_CARD_COLUMNS: &str = "w.id, w.user_id, u.name AS user_name, w.program_id, w.group_id, w.kind, w.title, \
     w.visibility, w.created_at, (SELECT COUNT(*) FROM cheers c WHERE c.win_id = w.id) AS cheers";
const WIN_FROM: &str = "wins w JOIN users u ON u.id = w.user_id";

impl SqlStore {
    pub async fn create_post(&self, post: &NewPost<'_>, now: i64) -> Result<i64> {
        self.create_post_telling(post, &[], now).await
    }

    /// Stores a post and the emails that tell the group about it, in one transaction: each
    /// notice goes out once, and only for a post that exists.
    pub async fn create_post_telling(&self, post: &NewPost<'_>, emails: &[NewEmail], now: i64) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let id = sqlx::query_scalar(
            "INSERT INTO posts (group_id, thread_id, author_id, title, body, visibility, facilitator_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(post.group_id)
        .bind(post.thread_id)
        .bind(post.author_id)
        .bind(post.title)
        .bind(post.body)
        .bind(post.visibility.code())
        .bind(post.facilitator_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for email in emails {
            super::sql::insert_email(&mut *tx, email, now).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// How `user_id` hears about their groups' discussions, and their unsubscribe token (made
    /// with `new_token` the first time).
    pub async fn notification_settings(&self, user_id: i64, new_token: &str) -> Result<(String, String)> {
        sqlx::query(
            "INSERT INTO notification_settings (user_id, unsubscribe_token) VALUES ($1, $2) \
             ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(new_token)
        .execute(&self.pool)
        .await?;
        Ok(sqlx::query_as("SELECT discussion, unsubscribe_token FROM notification_settings WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn set_discussion_notices(&self, user_id: i64, how: &str, new_token: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO notification_settings (user_id, discussion, unsubscribe_token) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id) DO UPDATE SET discussion = excluded.discussion",
        )
        .bind(user_id)
        .bind(how)
        .bind(new_token)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Turns discussion emails (or, with `weekly`, the weekly summary) off for whoever holds
    /// `token`; their id, if it is one.
    pub async fn unsubscribe(&self, token: &str, weekly: bool) -> Result<Option<i64>> {
        let sql = if weekly {
            "UPDATE notification_settings SET weekly = 'off' WHERE unsubscribe_token = $1 RETURNING user_id"
        } else {
            "UPDATE notification_settings SET discussion = 'off' WHERE unsubscribe_token = $1 RETURNING user_id"
        };
        Ok(sqlx::query_scalar(sql).bind(token).fetch_optional(&self.pool).await?)
    }

    /// Whether `user_id` gets the weekly summary (on unless they turned it off).
    pub async fn weekly_digest_on(&self, user_id: i64) -> Result<bool> {
        let off: Option<String> =
            sqlx::query_scalar("SELECT weekly FROM notification_settings WHERE user_id = $1 AND weekly = 'off'")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(off.is_none())
    }

    pub async fn set_weekly_digest(&self, user_id: i64, on: bool, new_token: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO notification_settings (user_id, weekly, unsubscribe_token) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id) DO UPDATE SET weekly = excluded.weekly",
        )
        .bind(user_id)
        .bind(if on { "on" } else { "off" })
        .bind(new_token)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Who is due a weekly summary at `now`: everyone in a group who has not turned it off and
    /// has had none for a week, with when the last went (0: never).
    pub async fn weekly_digests_due(&self, now: i64) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT DISTINCT gm.user_id, COALESCE(ns.weekly_until, 0) FROM group_members gm \
             LEFT JOIN notification_settings ns ON ns.user_id = gm.user_id \
             WHERE COALESCE(ns.weekly, 'on') = 'on' AND COALESCE(ns.weekly_until, 0) <= $1 ORDER BY gm.user_id",
        )
        .bind(now - 7 * 86_400)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Moves `user_id`'s weekly summary on from `told_until` to `now` and queues `email` with
    /// it, once: of two servers doing this at the same moment, one does. False if another did.
    pub async fn claim_weekly_digest(
        &self,
        user_id: i64,
        told_until: i64,
        now: i64,
        email: Option<&NewEmail>,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let claimed = sqlx::query(
            "UPDATE notification_settings SET weekly_until = $1 \
             WHERE user_id = $2 AND weekly_until = $3 AND weekly = 'on'",
        )
        .bind(now)
        .bind(user_id)
        .bind(told_until)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        if let Some(email) = email {
            super::sql::insert_email(&mut *tx, email, now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Whose unsubscribe token this is.
    pub async fn unsubscribe_user(&self, token: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT user_id FROM notification_settings WHERE unsubscribe_token = $1")
            .bind(token)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn post(&self, id: i64) -> Result<Option<Post>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {POST_COLUMNS} FROM {POST_FROM} WHERE p.id = $1"));
        Ok(self.pool.fetch_optional_as(sqlx::query(sql).bind(id)).await?)
    }

    /// A post with its group, in one statement (every thread page asks).
    pub async fn post_with_group(&self, id: i64) -> Result<Option<(Post, Group)>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {POST_COLUMNS}, g.name AS group_name, g.created_at AS group_created_at, g.archived_at \
             FROM {POST_FROM} WHERE p.id = $1"
        ));
        let found: Option<PostInGroup> = self.pool.fetch_optional_as(sqlx::query(sql).bind(id)).await?;
        Ok(found.map(|PostInGroup(post, group)| (post, group)))
    }

    /// Up to `limit` threads of a group with ids below `before`, newest first.
    pub async fn group_threads(&self, group_id: i64, before: i64, limit: i64) -> Result<Vec<ThreadCard>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT p.id, p.group_id, g.program_id, p.author_id, COALESCE(u.name, 'former member') AS author_name, \
             p.title, p.visibility, p.facilitator_id, p.created_at, p.reply_count AS replies \
             FROM posts p JOIN groups g ON g.id = p.group_id LEFT JOIN users u ON u.id = p.author_id \
             WHERE p.group_id = $1 AND p.thread_id IS NULL AND p.id < $2 ORDER BY p.id DESC LIMIT {limit}"
        ));
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(group_id).bind(before)).await?)
    }

    /// Up to `limit` posts of each of the groups `group_ids` (those `user_id` sits in), by
    /// others, since they last read that group's discussion (or joined it), newest first within
    /// each group. Each group is a short walk back from its newest post, however long its
    /// history: a home page must not grow with it. Who may see each is for `auth::access` to say.
    pub async fn posts_since_read(&self, user_id: i64, group_ids: &[i64], limit: i64) -> Result<Vec<PostMark>> {
        if group_ids.is_empty() {
            return Ok(Vec::new());
        }
        let newest_of_each: Vec<String> = (0..group_ids.len())
            .map(|i| {
                let group = format!("${}", i + 2);
                format!(
                    "SELECT * FROM (SELECT {POST_MARK_COLUMNS} FROM {POST_MARK_FROM} WHERE p.group_id = {group} \
                     AND (p.author_id IS NULL OR p.author_id <> $1) AND p.created_at > COALESCE(\
                     (SELECT dr.read_at FROM discussion_reads dr WHERE dr.group_id = {group} AND dr.user_id = $1), \
                     (SELECT gm.joined_at FROM group_members gm WHERE gm.group_id = {group} AND gm.user_id = $1)) \
                     ORDER BY p.created_at DESC, p.id DESC LIMIT {limit}) AS newest{i}"
                )
            })
            .collect();
        let sql = sqlx::AssertSqlSafe(newest_of_each.join(" UNION ALL "));
        let mut query = sqlx::query(sql).bind(user_id);
        for group_id in group_ids {
            query = query.bind(*group_id);
        }
        Ok(self.pool.fetch_all_as(query).await?)
    }

    /// The newest post's id (0 when there is none).
    pub async fn latest_post_id(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM posts").fetch_one(&self.pool).await?)
    }

    /// Up to `limit` posts by others in the groups `user_id` is in, with ids in
    /// `(after, up_to]`, written after `since`. Who may see each is for `auth::access` to say.
    pub async fn posts_between(
        &self,
        user_id: i64,
        (after, up_to): (i64, i64),
        since: i64,
        limit: i64,
    ) -> Result<Vec<PostMark>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {POST_MARK_COLUMNS} FROM {POST_MARK_FROM} \
             JOIN group_members gm ON gm.group_id = p.group_id AND gm.user_id = $1 \
             WHERE (p.author_id IS NULL OR p.author_id <> $1) AND p.id > $2 AND p.id <= $3 AND p.created_at > $4 \
             ORDER BY p.id DESC LIMIT {limit}"
        ));
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(user_id).bind(after).bind(up_to).bind(since)).await?)
    }

    /// Who asked for a daily digest and has not had one for a day:
    /// (user, when the last went, the newest post it counted, unsubscribe token).
    pub async fn digests_due(&self, now: i64) -> Result<Vec<(i64, i64, i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT user_id, digested_until, digested_post_id, unsubscribe_token FROM notification_settings \
             WHERE discussion = 'daily' AND digested_until <= $1",
        )
        .bind(now - 86_400)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Moves `user_id`'s digest on from `told_until` to `now` (and to the post `up_to`) and
    /// queues `email` with it, once: of two servers doing this at the same moment, one does.
    /// False if another did.
    pub async fn claim_digest(
        &self,
        user_id: i64,
        (told_until, up_to): (i64, i64),
        now: i64,
        email: Option<&NewEmail>,
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let claimed = sqlx::query(
            "UPDATE notification_settings SET digested_until = $1, digested_post_id = $4 \
             WHERE user_id = $2 AND digested_until = $3",
        )
        .bind(now)
        .bind(user_id)
        .bind(told_until)
        .bind(up_to)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        if let Some(email) = email {
            super::sql::insert_email(&mut *tx, email, now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Remembers that `user_id` has read `group_id`'s discussion up to `now`, when something was
    /// posted since their last read: reading a discussion is not a write (a wait for the
    /// database's one writer, and for the disk) every time. A read first, for the same reason.
    pub async fn mark_discussion_read(&self, user_id: i64, group_id: i64, now: i64) -> Result<()> {
        let stale: i64 = sqlx::query_scalar(
            "SELECT CASE WHEN COALESCE((SELECT MAX(created_at) FROM posts WHERE group_id = $2), 0) \
             > COALESCE((SELECT read_at FROM discussion_reads WHERE user_id = $1 AND group_id = $2), -1) \
             THEN 1 ELSE 0 END",
        )
        .bind(user_id)
        .bind(group_id)
        .fetch_one(&self.pool)
        .await?;
        if stale == 0 {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO discussion_reads (user_id, group_id, read_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, group_id) DO UPDATE SET read_at = excluded.read_at",
        )
        .bind(user_id)
        .bind(group_id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Up to `limit` recent wins by others, newest first, shared with one of `groups` or
    /// `programs` (the person's own, as their session read them) since `since`. Who may see
    /// each is for `auth::access`.
    pub async fn wins_to_cheer(
        &self,
        user_id: i64,
        (groups, programs): (&[i64], &[i64]),
        since: i64,
        limit: i64,
    ) -> Result<Vec<WinCard>> {
        // Each kind of sharing by its own index, from `since` on, into a fenced list: a planner
        // that walks every win newest first (PostgreSQL did) reads the whole history when
        // there is little new. `(SELECT $2)` hides `since` from the planner, so PostgreSQL's
        // plan for any `since` costs the same as its plan for this one and it keeps one plan,
        // instead of planning this statement afresh at every home page (0.5 ms, against
        // 0.02 ms to run it). The groups and programs are bound, not looked up again: most
        // people are in one of each, and SQLite then reads no list into a table of its own.
        let mut kinds = Vec::new();
        if !groups.is_empty() {
            kinds.push(format!(
                "SELECT g.id FROM wins g WHERE g.visibility = 'group' AND g.created_at >= (SELECT $2) \
                 AND g.user_id <> $1 AND g.group_id IN ({})",
                placeholders(3, groups.len())
            ));
        }
        if !programs.is_empty() {
            kinds.push(format!(
                "SELECT p.id FROM wins p WHERE p.visibility = 'program' AND p.created_at >= (SELECT $2) \
                 AND p.user_id <> $1 AND p.program_id IN ({})",
                placeholders(3 + groups.len(), programs.len())
            ));
        }
        if kinds.is_empty() {
            return Ok(Vec::new());
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "WITH recent AS MATERIALIZED ({}) \
             SELECT {WIN_CARD_COLUMNS} FROM (SELECT id FROM recent ORDER BY id DESC LIMIT {limit}) newest \
             JOIN wins w ON w.id = newest.id JOIN users u ON u.id = w.user_id ORDER BY w.id DESC",
            kinds.join(" UNION ALL ")
        ));
        let mut query = sqlx::query(sql).bind(user_id).bind(since);
        for id in groups.iter().chain(programs) {
            query = query.bind(*id);
        }
        Ok(self.pool.fetch_all_as(query).await?)
    }

    /// Up to `limit` replies of a thread with ids below `before`, oldest first: the latest page
    /// for `before = i64::MAX`.
    pub async fn thread_replies(&self, thread: &Post, before: i64, limit: i64) -> Result<Vec<Post>> {
        // What a reply shares with its thread (its program, who started the thread and when) is
        // the thread's, given here rather than looked up for each reply: on PostgreSQL each reply
        // updates its thread's count, and until a vacuum every look-up of the thread walked the
        // old versions (0.6 ms each: 31 ms for a page of a busy thread).
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT p.id, p.group_id, $3 AS program_id, p.thread_id, p.author_id, $4 AS thread_author_id, \
             $5 AS thread_created_at, COALESCE(u.name, 'former member') AS author_name, p.title, p.body, \
             p.visibility, p.facilitator_id, p.created_at, p.edited_at, p.reply_count AS replies \
             FROM posts p LEFT JOIN users u ON u.id = p.author_id \
             WHERE p.thread_id = $1 AND p.id < $2 ORDER BY p.id DESC LIMIT {limit}"
        ));
        let query = sqlx::query(sql)
            .bind(thread.id)
            .bind(before)
            .bind(thread.program_id)
            .bind(thread.thread_author_id)
            .bind(thread.thread_created_at);
        let mut page: Vec<Post> = self.pool.fetch_all_as(query).await?;
        page.reverse();
        Ok(page)
    }

    pub async fn edit_post(&self, id: i64, title: &str, body: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE posts SET title = $1, body = $2, edited_at = $3 WHERE id = $4")
            .bind(title)
            .bind(body)
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_post(&self, id: i64) -> Result<()> {
        sqlx::query("DELETE FROM posts WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }

    /// Records wins (one, or a whole import) in one transaction.
    pub async fn create_wins(&self, wins: &[Win], now: i64) -> Result<Vec<i64>> {
        self.create_wins_and_record(wins, &[], now).await
    }

    /// Creates wins and, beside each, the record item `items` holds at its index (the item
    /// takes the win's id), in one transaction.
    pub async fn create_wins_and_record(
        &self,
        wins: &[Win],
        items: &[Option<crate::domain::record::RecordItem>],
        now: i64,
    ) -> Result<Vec<i64>> {
        let mut tx = self.pool.begin().await?;
        let mut ids = Vec::with_capacity(wins.len());
        for (index, w) in wins.iter().enumerate() {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO wins (user_id, program_id, group_id, kind, title, venue, year, doi, pmid, pmcid, \
                 author_position, mechanism, award_number, grant_role, grant_status, visibility, created_at, won_on) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id",
            )
            .bind(w.user_id)
            .bind(w.program_id)
            .bind(w.group_id)
            .bind(&w.kind)
            .bind(&w.title)
            .bind(&w.venue)
            .bind(w.year)
            .bind(&w.doi)
            .bind(&w.pmid)
            .bind(&w.pmcid)
            .bind(&w.author_position)
            .bind(&w.mechanism)
            .bind(&w.award_number)
            .bind(&w.grant_role)
            .bind(&w.grant_status)
            .bind(w.visibility.code())
            .bind(now)
            .bind(&w.won_on)
            .fetch_one(&mut *tx)
            .await?;
            if let Some(Some(item)) = items.get(index) {
                let item = crate::domain::record::RecordItem { win_id: Some(id), ..item.clone() };
                super::record::insert_item(&mut tx, &item, now).await?;
            }
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Changes what a win says (not who sees it, nor its cheers).
    pub async fn update_win(&self, id: i64, w: &Win) -> Result<()> {
        sqlx::query(
            "UPDATE wins SET kind = $1, title = $2, venue = $3, year = $4, won_on = $5, doi = $6, pmid = $7, \
             pmcid = $8, author_position = $9, mechanism = $10, award_number = $11, grant_role = $12, \
             grant_status = $13 WHERE id = $14",
        )
        .bind(&w.kind)
        .bind(&w.title)
        .bind(&w.venue)
        .bind(w.year)
        .bind(&w.won_on)
        .bind(&w.doi)
        .bind(&w.pmid)
        .bind(&w.pmcid)
        .bind(&w.author_position)
        .bind(&w.mechanism)
        .bind(&w.award_number)
        .bind(&w.grant_role)
        .bind(&w.grant_status)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn win(&self, id: i64) -> Result<Option<Win>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {WIN_COLUMNS} FROM {WIN_FROM} WHERE w.id = $1"));
        Ok(self.pool.fetch_optional_as(sqlx::query(sql).bind(id)).await?)
    }

    pub async fn user_wins(&self, user_id: i64) -> Result<Vec<Win>> {
        self.user_wins_page(user_id, i64::MAX, i64::MAX).await
    }

    /// Up to `limit` of a person's wins with ids below `before`, newest first.
    pub async fn user_wins_page(&self, user_id: i64, before: i64, limit: i64) -> Result<Vec<Win>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {WIN_COLUMNS} FROM {WIN_FROM} WHERE w.user_id = $1 AND w.id < $2 ORDER BY w.id DESC LIMIT {limit}"
        ));
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(user_id).bind(before)).await?)
    }

    /// Up to `limit` wins of a group that are not private to their author, newest first, from
    /// before `before` (a win's `created_at` and id) when given.
    pub async fn group_wins(&self, group_id: i64, before: Option<(i64, i64)>, limit: i64) -> Result<Vec<WinCard>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {WIN_CARD_COLUMNS} FROM {WIN_FROM} WHERE w.group_id = $1 AND w.visibility <> 'private' \
             AND (w.created_at < $2 OR (w.created_at = $2 AND w.id < $3)) \
             ORDER BY w.created_at DESC, w.id DESC LIMIT {limit}"
        ));
        let (created_at, id) = before.unwrap_or((i64::MAX, i64::MAX));
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(group_id).bind(created_at).bind(id)).await?)
    }

    /// Up to `limit` wins shared with the whole program with ids below `before`, newest first.
    pub async fn program_shared_wins(&self, program_id: i64, before: i64, limit: i64) -> Result<Vec<Win>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {WIN_COLUMNS} FROM {WIN_FROM} WHERE w.program_id = $1 AND w.visibility = 'program' AND w.id < $2 \
             ORDER BY w.id DESC LIMIT {limit}"
        ));
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(program_id).bind(before)).await?)
    }

    pub async fn delete_win(&self, id: i64) -> Result<()> {
        sqlx::query("DELETE FROM wins WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn add_cheer(&self, win_id: i64, user_id: i64, message: &str, now: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO cheers (win_id, user_id, message, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(win_id)
        .bind(user_id)
        .bind(message)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn cheers(&self, win_id: i64) -> Result<Vec<Cheer>> {
        Ok(sqlx::query_as(
            "SELECT c.id, c.win_id, c.user_id, u.name AS user_name, c.message, c.created_at \
             FROM cheers c JOIN users u ON u.id = c.user_id WHERE c.win_id = $1 ORDER BY c.created_at, c.id",
        )
        .bind(win_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Papers and grants per program, for coordinators: (kind, count), never their text.
    pub async fn program_win_counts(&self, program_id: i64) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as("SELECT kind, COUNT(*) FROM wins WHERE program_id = $1 GROUP BY kind ORDER BY kind")
            .bind(program_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Everything a person wrote, for their export.
    pub async fn user_posts(&self, user_id: i64) -> Result<Vec<Post>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {POST_COLUMNS} FROM {POST_FROM} WHERE p.author_id = $1 ORDER BY p.created_at, p.id"
        ));
        Ok(self.pool.fetch_all_as(sqlx::query(sql).bind(user_id)).await?)
    }

    /// Deletes the account. Their wins, cheers, goals and private items go with it; their group
    /// posts stay as "former member" when `keep_posts`, else they go too.
    pub async fn delete_account(&self, user_id: i64, keep_posts: bool) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        // A concern meant for one facilitator is private to its author: it never stays behind.
        let doomed = if keep_posts {
            "DELETE FROM posts WHERE author_id = $1 AND visibility <> 'group'"
        } else {
            "DELETE FROM posts WHERE author_id = $1"
        };
        sqlx::query(doomed).bind(user_id).execute(&mut *tx).await?;
        // Everything else they own cascades with the account (wins, cheers, goals, sessions);
        // what they shared with others (posts kept, resources, opportunities) loses its author.
        sqlx::query("DELETE FROM users WHERE id = $1").bind(user_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn audit(&self, actor_id: Option<i64>, action: &str, subject: &str, now: i64) -> Result<()> {
        sqlx::query("INSERT INTO audit_log (at, actor_id, action, subject) VALUES ($1, $2, $3, $4)")
            .bind(now)
            .bind(actor_id)
            .bind(action)
            .bind(subject)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditEntry>> {
        self.audit_page(&LogFilter::default(), i64::MAX, limit).await
    }

    /// Up to `limit` entries with ids below `before`, newest first.
    /// Up to `limit` entries `filter` asks for with ids below `before`, newest first.
    pub async fn audit_page(&self, filter: &LogFilter, before: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT a.id, a.at, a.actor_id, u.name AS actor_name, a.action, a.subject \
             FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE a.id < $1 \
             AND ($2 = '' OR lower(a.action) LIKE $2 ESCAPE '\\') \
             AND ($3 = '' OR lower(COALESCE(u.name, '')) LIKE $3 ESCAPE '\\' \
               OR lower(COALESCE(u.email, '')) LIKE $3 ESCAPE '\\' OR lower(a.subject) LIKE $3 ESCAPE '\\') \
             AND a.at >= $4 AND a.at < $5 ORDER BY a.id DESC LIMIT {limit}",
        )))
        .bind(before)
        .bind(LogFilter::containing(&filter.kind))
        .bind(LogFilter::containing(&filter.person))
        .bind(filter.from.unwrap_or(i64::MIN))
        .bind(filter.until.unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?)
    }
}
