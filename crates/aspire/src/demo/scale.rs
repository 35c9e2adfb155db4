//! An institution to measure on (`aspire demo --scale 10000`): up to 20 programs of about 500
//! scholars each, in groups of six or seven, with three years of history: meetings that space
//! out from weekly to every two weeks to monthly, goals declared and reported (unmet ones
//! carried forward), attendance, discussion threads, wins with cheers, resources,
//! opportunities and nominations, and the outbox's sent mail. Everyone signs in with the demo
//! password. Rows are written in bulk with ids chosen here, so 10,000 members load in minutes.

use std::collections::{BTreeSet, HashMap};

use anyhow::Context;

use super::{AVAILABILITY, DEMO_GOALS, DEPARTMENTS, DISCIPLINES, FIRST, INTERESTS, LAST, PASSWORD, STAGES};
use crate::auth::password;
use crate::domain::cadence::{Cadence, Schedule, Series};
use crate::state::AppState;
use crate::store::bulk::{Cell, Rows};

const PROGRAM_NAMES: [&str; 20] = [
    "CTSA KL2 Scholars",
    "K12 Women's Health Scholars",
    "Junior Faculty Peer Mentoring: Medicine",
    "Junior Faculty Peer Mentoring: Pediatrics",
    "Clinician-Investigator Fellows",
    "Surgeon-Scientist Program",
    "Nursing Research Scholars",
    "Population Health Early Career",
    "Data Science Fellows",
    "Implementation Science Scholars",
    "Diversity in Research Faculty",
    "Postdoctoral Peer Groups",
    "Physician-Scientist Residents",
    "Dental Research Early Career",
    "Behavioral Science Faculty",
    "Global Health Scholars",
    "Neuroscience Junior Faculty",
    "Cancer Center Early Career",
    "Cardiovascular Research Scholars",
    "Community Engagement Fellows",
];
const SCALE_DESCRIPTION: &str = "A large demo program, seeded by aspire demo --scale.";
const TIME_ZONES: [&str; 4] = ["America/New_York", "America/New_York", "America/Chicago", "America/Los_Angeles"];
const THREADS: [(&str, &str); 6] = [
    ("Writing retreat next month?", "Two mornings, phones off. Who is in? I can book the library room."),
    ("How do you protect research time?", "Clinic keeps eating my Fridays. What has worked for you?"),
    ("Study section feedback", "My summary statement came back. Happy to share what reviewers flagged."),
    ("Mentor meeting prep", "What do you bring to your mentor meetings? I want them to be more useful."),
    ("Promotion dossier", "Anyone started theirs? Looking for a template for the narrative."),
    ("Conference travel", "Going to the spring meeting; anyone want to share a room or a poster slot?"),
];
const REPLIES: [&str; 6] = [
    "In, both mornings.",
    "Blocking the calendar a month ahead is the only thing that works for me.",
    "Thanks for sharing, this helps a lot.",
    "I bring one page: what I did, what I am stuck on, what I need.",
    "Our division has a template, I will send it.",
    "Count me in.",
];
const WIN_KINDS: [&str; 5] = ["paper", "grant", "talk", "award", "promotion"];
const MECHANISMS: [&str; 6] = ["K23", "K08", "R21", "R01", "K01", "R03"];
const INSTITUTES: [&str; 6] = ["NIDDK", "NHLBI", "NIMH", "NCI", "NIA", "NICHD"];
const OPPORTUNITY_KINDS: [&str; 5] = ["talk", "award", "committee", "grant", "other"];

const DAY: i64 = 86_400;
const YEAR: i64 = 365 * DAY;
/// The biggest thread, in the first group: long things must page.
const LONG_THREAD_REPLIES: usize = 5_000;

/// A small, fixed pseudo-random sequence (SplitMix64), so every seeding gives the same data.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0 <= n < below.
    fn below(&mut self, below: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(below.max(1)).unwrap_or(1)).unwrap_or(0)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// How a scale institution is laid out for `members` scholars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub programs: usize,
    pub scholars_per_program: usize,
    pub groups_per_program: usize,
}

impl Layout {
    pub fn for_members(members: usize) -> Layout {
        let programs = (members / 500).clamp(1, PROGRAM_NAMES.len());
        let scholars_per_program = (members / programs).max(3);
        // Groups of six or seven, as the formation defaults make them.
        let groups_per_program = (scholars_per_program * 3 / 20).max(1);
        Layout { programs, scholars_per_program, groups_per_program }
    }
}

pub fn program_name(index: usize) -> &'static str {
    PROGRAM_NAMES[index % PROGRAM_NAMES.len()]
}

pub fn coordinator_email(program: usize) -> String {
    format!("coordinator{:02}@scale.example.edu", program + 1)
}

fn scholar_email(program: usize, index: usize) -> String {
    let (first, last) = (FIRST[index % FIRST.len()], LAST[(index / FIRST.len() + index * 7) % LAST.len()]);
    format!("{}.{}.{}{:03}@scale.example.edu", first.to_lowercase(), last.to_lowercase(), program + 1, index)
}

/// Next ids per table, handed out as rows are made.
struct Ids(HashMap<&'static str, i64>);

impl Ids {
    fn take(&mut self, table: &'static str) -> i64 {
        let next = self.0.entry(table).or_insert(1);
        let id = *next;
        *next += 1;
        id
    }
}

/// Every table's rows for one program, written in one transaction.
struct Batch {
    users: Rows,
    programs: Rows,
    program_members: Rows,
    groups: Rows,
    group_members: Rows,
    group_changes: Rows,
    meeting_series: Rows,
    meeting_schedules: Rows,
    meeting_cancellations: Rows,
    long_goals: Rows,
    goals: Rows,
    attendance: Rows,
    posts: Rows,
    wins: Rows,
    cheers: Rows,
    resources: Rows,
    opportunities: Rows,
    nominations: Rows,
    outbox: Rows,
}

impl Batch {
    fn new() -> Batch {
        Batch {
            users: Rows::new(
                "users",
                &[
                    "id",
                    "email",
                    "name",
                    "pronouns",
                    "department",
                    "division",
                    "discipline",
                    "career_stage",
                    "research_interests",
                    "goals",
                    "availability",
                    "time_zone",
                    "password_hash",
                    "is_admin",
                    "created_at",
                ],
            ),
            programs: Rows::new("programs", &["id", "name", "description", "created_at"]),
            program_members: Rows::new("program_members", &["program_id", "user_id", "role"]),
            groups: Rows::new("groups", &["id", "program_id", "name", "created_at"]),
            group_members: Rows::new("group_members", &["group_id", "user_id", "role", "joined_at"]),
            group_changes: Rows::new(
                "group_changes",
                &["id", "group_id", "person_name", "actor_name", "change", "role", "at"],
            ),
            meeting_series: Rows::new(
                "meeting_series",
                &["group_id", "place", "reminder_lead_minutes", "sequence", "updated_at"],
            ),
            meeting_schedules: Rows::new(
                "meeting_schedules",
                &[
                    "id",
                    "group_id",
                    "effective_from",
                    "cadence",
                    "nth",
                    "weekday",
                    "minute_of_day",
                    "time_zone",
                    "duration_minutes",
                    "changed_by",
                    "changed_at",
                ],
            ),
            meeting_cancellations: Rows::new(
                "meeting_cancellations",
                &["group_id", "meeting_start", "cancelled_by", "cancelled_at"],
            ),
            long_goals: Rows::new(
                "long_goals",
                &["id", "user_id", "title", "kind", "target_date", "status", "created_at"],
            ),
            goals: Rows::new(
                "goals",
                &[
                    "id",
                    "group_id",
                    "user_id",
                    "meeting_start",
                    "text",
                    "kind",
                    "long_goal_id",
                    "status",
                    "reason",
                    "carried_from",
                    "created_at",
                    "reported_at",
                ],
            ),
            attendance: Rows::new(
                "attendance",
                &["group_id", "meeting_start", "user_id", "present", "recorded_by", "recorded_at"],
            ),
            posts: Rows::new(
                "posts",
                &["id", "group_id", "thread_id", "author_id", "title", "body", "visibility", "created_at"],
            ),
            wins: Rows::new(
                "wins",
                &[
                    "id",
                    "user_id",
                    "program_id",
                    "group_id",
                    "kind",
                    "title",
                    "venue",
                    "year",
                    "doi",
                    "author_position",
                    "mechanism",
                    "award_number",
                    "grant_role",
                    "grant_status",
                    "visibility",
                    "created_at",
                ],
            ),
            cheers: Rows::new("cheers", &["id", "win_id", "user_id", "message", "created_at"]),
            resources: Rows::new(
                "resources",
                &[
                    "id",
                    "author_id",
                    "program_id",
                    "group_id",
                    "title",
                    "description",
                    "url",
                    "tags",
                    "visibility",
                    "created_at",
                ],
            ),
            opportunities: Rows::new(
                "opportunities",
                &["id", "program_id", "author_id", "kind", "title", "description", "deadline", "created_at"],
            ),
            nominations: Rows::new(
                "nominations",
                &["id", "opportunity_id", "nominator_id", "nominee_id", "statement", "status", "outcome", "created_at"],
            ),
            outbox: Rows::new(
                "outbox",
                &["id", "recipient", "subject", "body", "created_at", "attempts", "next_attempt_at", "sent_at"],
            ),
        }
    }

    fn into_tables(self) -> Vec<Rows> {
        vec![
            self.users,
            self.programs,
            self.program_members,
            self.groups,
            self.group_members,
            self.group_changes,
            self.meeting_series,
            self.meeting_schedules,
            self.meeting_cancellations,
            self.long_goals,
            self.goals,
            self.attendance,
            self.posts,
            self.wins,
            self.cheers,
            self.resources,
            self.opportunities,
            self.nominations,
            self.outbox,
        ]
    }
}

/// Someone in a group, as the seeding needs them.
#[derive(Clone)]
struct Seated {
    id: i64,
    name: String,
    email: String,
}

/// Seeds the scale institution unless its first program exists. Returns true when it seeded.
pub async fn seed(state: &AppState, members: usize, progress: &mut dyn FnMut(&str)) -> anyhow::Result<bool> {
    let store = state.store.as_ref();
    if store.program_by_name(program_name(0)).await?.is_some() {
        return Ok(false);
    }
    let now = state.now();
    let layout = Layout::for_members(members);
    let hash = password::hash(PASSWORD.to_string()).await?;
    let mut ids = Ids(store.next_ids().await?);
    let mut dice = Dice(2026);
    let start = now - 3 * YEAR;
    let mut admin_batch = Batch::new();
    if store.user_by_email(super::ADMIN).await?.is_none() {
        let id = ids.take("users");
        push_user(&mut admin_batch, id, super::ADMIN, "Avery Admin", &[], &hash, true, start);
    }
    store.bulk_insert(&admin_batch.into_tables()).await?;
    for p in 0..layout.programs {
        let mut batch = Batch::new();
        seed_program(&mut batch, &mut ids, &mut dice, &hash, p, layout, start, now);
        store.bulk_insert(&batch.into_tables()).await.with_context(|| format!("seeding {}", program_name(p)))?;
        progress(&format!("seeded {} ({} of {})", program_name(p), p + 1, layout.programs));
    }
    store.finish_bulk_load().await?;
    Ok(true)
}

#[allow(clippy::too_many_arguments)]
fn push_user(batch: &mut Batch, id: i64, email: &str, name: &str, profile: &[&str], hash: &str, admin: bool, at: i64) {
    let field = |i: usize| Cell::from(profile.get(i).copied().unwrap_or(""));
    let mut row = vec![Cell::Int(id), email.into(), name.into()];
    row.extend((0..8).map(field));
    row.push(profile.get(8).copied().unwrap_or("America/New_York").into());
    row.extend([Cell::from(hash), Cell::Int(i64::from(admin)), Cell::Int(at)]);
    batch.users.push(row);
}

#[allow(clippy::too_many_arguments)]
fn seed_program(
    batch: &mut Batch,
    ids: &mut Ids,
    dice: &mut Dice,
    hash: &str,
    p: usize,
    layout: Layout,
    start: i64,
    now: i64,
) {
    let program_id = ids.take("programs");
    batch.programs.push(vec![program_id.into(), program_name(p).into(), SCALE_DESCRIPTION.into(), start.into()]);
    let coordinator_id = ids.take("users");
    let coordinator_name = format!("{} {} (coordinator)", FIRST[(p * 5) % FIRST.len()], LAST[(p * 11) % LAST.len()]);
    push_user(batch, coordinator_id, &coordinator_email(p), &coordinator_name, &[], hash, false, start);
    batch.program_members.push(vec![program_id.into(), coordinator_id.into(), "coordinator".into()]);

    let mut scholars = Vec::with_capacity(layout.scholars_per_program);
    for i in 0..layout.scholars_per_program {
        let id = ids.take("users");
        let name = format!("{} {}", FIRST[i % FIRST.len()], LAST[(i / FIRST.len() + i * 7) % LAST.len()]);
        let email = scholar_email(p, i);
        let (department, divisions) = DEPARTMENTS[(i + p) % DEPARTMENTS.len()];
        let interests = [
            INTERESTS[i % INTERESTS.len()],
            INTERESTS[(i * 3 + 1) % INTERESTS.len()],
            INTERESTS[(i * 5 + 4) % INTERESTS.len()],
        ]
        .join("; ");
        let profile = [
            ["she/her", "he/him", "they/them", ""][i % 4],
            department,
            divisions[(i / DEPARTMENTS.len()) % 2],
            DISCIPLINES[(i * 5) % DISCIPLINES.len()],
            STAGES[(i * 7) % STAGES.len()],
            &interests,
            "Submit a K award resubmission; two first-author papers this year",
            AVAILABILITY[(i * 3) % AVAILABILITY.len()],
            TIME_ZONES[i % TIME_ZONES.len()],
        ];
        push_user(batch, id, &email, &name, &profile, hash, false, start);
        batch.program_members.push(vec![program_id.into(), id.into(), "participant".into()]);
        scholars.push(Seated { id, name, email });
    }

    // Person i sits in group i mod groups: neighbours in the roster (the same department) land
    // in different groups. The first member of each group facilitates.
    let groups = layout.groups_per_program;
    for g in 0..groups {
        let members: Vec<Seated> = scholars.iter().skip(g).step_by(groups).cloned().collect();
        let group_id = ids.take("groups");
        batch.groups.push(vec![group_id.into(), program_id.into(), format!("Group {:02}", g + 1).into(), start.into()]);
        for (m, member) in members.iter().enumerate() {
            let role = if m == 0 { "facilitator" } else { "member" };
            batch.group_members.push(vec![group_id.into(), member.id.into(), role.into(), start.into()]);
            let change = ids.take("group_changes");
            batch.group_changes.push(vec![
                change.into(),
                group_id.into(),
                member.name.clone().into(),
                coordinator_name.clone().into(),
                "added".into(),
                role.into(),
                start.into(),
            ]);
        }
        let history = GroupHistory { program_id, group_id, index: g, members: &members, start, now };
        history.seed(batch, ids, dice, p == 0 && g == 0);
    }
    seed_program_sharing(batch, ids, dice, program_id, coordinator_id, &scholars, start, now);
}

struct GroupHistory<'a> {
    program_id: i64,
    group_id: i64,
    index: usize,
    members: &'a [Seated],
    start: i64,
    now: i64,
}

impl GroupHistory<'_> {
    fn seed(&self, batch: &mut Batch, ids: &mut Ids, dice: &mut Dice, with_long_thread: bool) {
        let occurrences = self.meetings(batch, ids);
        self.seed_goals(batch, ids, dice, &occurrences);
        self.seed_discussion(batch, ids, dice, with_long_thread);
        self.seed_wins(batch, ids, dice);
    }

    /// Weekly in the first year, every two weeks in the second, monthly since: the group's
    /// past meetings, a few cancelled.
    fn meetings(&self, batch: &mut Batch, ids: &mut Ids) -> Vec<(i64, bool)> {
        let facilitator = self.members.first().map(|m| m.id);
        let weekly = Schedule {
            effective_from: self.start,
            cadence: Cadence::Weekly,
            weekday: i64::try_from(self.index % 5).unwrap_or(0) + 1,
            minute_of_day: [8 * 60, 12 * 60, 16 * 60][self.index % 3],
            time_zone: "America/New_York".into(),
            duration_minutes: 60,
        };
        let schedules = vec![
            weekly.clone(),
            Schedule { effective_from: self.start + YEAR, cadence: Cadence::Biweekly, ..weekly.clone() },
            Schedule { effective_from: self.start + 2 * YEAR, cadence: Cadence::Monthly { nth: 2 }, ..weekly },
        ];
        batch.meeting_series.push(vec![
            self.group_id.into(),
            format!("Room {} or https://video.example.edu/peer-{}", 100 + self.index, self.group_id).into(),
            Cell::Int(24 * 60),
            Cell::Int(2),
            (self.start + 2 * YEAR).into(),
        ]);
        for s in &schedules {
            batch.meeting_schedules.push(vec![
                ids.take("meeting_schedules").into(),
                self.group_id.into(),
                s.effective_from.into(),
                s.cadence.code().into(),
                i64::from(s.cadence.nth()).into(),
                s.weekday.into(),
                s.minute_of_day.into(),
                s.time_zone.clone().into(),
                s.duration_minutes.into(),
                facilitator.into(),
                s.effective_from.into(),
            ]);
        }
        let series = Series::new(schedules, BTreeSet::new());
        let mut past: Vec<(i64, bool)> =
            series.past(self.now, 10_000).into_iter().rev().map(|o| (o.start, false)).collect();
        // Every 17th meeting (not the latest) was cancelled: holidays, conferences.
        let last = past.len().saturating_sub(1);
        for (m, meeting) in past.iter_mut().enumerate() {
            if m % 17 == 16 && m < last {
                meeting.1 = true;
                batch.meeting_cancellations.push(vec![
                    self.group_id.into(),
                    meeting.0.into(),
                    facilitator.into(),
                    (meeting.0 - 3 * DAY).into(),
                ]);
            }
        }
        past
    }

    /// Each member declares a goal at every meeting and reports it at the next; what was not
    /// met is carried forward. The latest meeting's goals wait for their report.
    fn seed_goals(&self, batch: &mut Batch, ids: &mut Ids, dice: &mut Dice, meetings: &[(i64, bool)]) {
        let held: Vec<i64> = meetings.iter().filter(|(_, cancelled)| !cancelled).map(|(s, _)| *s).collect();
        for member in self.members {
            let long_goal = ids.take("long_goals");
            batch.long_goals.push(vec![
                long_goal.into(),
                member.id.into(),
                "Submit the R01".into(),
                "grant".into(),
                "2027-06-30".into(),
                "active".into(),
                self.start.into(),
            ]);
            let mut carried: Option<(i64, &str, &str)> = None;
            for (m, &meeting) in held.iter().enumerate() {
                let reported_at = held.get(m + 1).copied();
                let id = ids.take("goals");
                let (text, kind) = match carried {
                    Some((_, text, kind)) => (text, kind),
                    None => DEMO_GOALS[dice.below(DEMO_GOALS.len())],
                };
                let (status, reason) = match reported_at {
                    None => ("open", ""),
                    Some(_) => match dice.below(20) {
                        0..=10 => ("met", ""),
                        11..=15 => ("partly", "Clinical weeks"),
                        _ => ("not_met", "A grant deadline came first"),
                    },
                };
                let long_goal_id = if kind == "grant" { Some(long_goal) } else { None };
                batch.goals.push(vec![
                    id.into(),
                    self.group_id.into(),
                    member.id.into(),
                    meeting.into(),
                    text.into(),
                    kind.into(),
                    long_goal_id.into(),
                    status.into(),
                    reason.into(),
                    carried.map(|(from, _, _)| from).into(),
                    (meeting - DAY).into(),
                    reported_at.into(),
                ]);
                carried = if status == "met" || status == "open" { None } else { Some((id, text, kind)) };
                batch.attendance.push(vec![
                    self.group_id.into(),
                    meeting.into(),
                    member.id.into(),
                    Cell::Int(i64::from(dice.chance(85))),
                    self.members.first().map(|f| f.id).into(),
                    (meeting + 3600).into(),
                ]);
            }
        }
    }

    /// A thread about every five weeks with a few replies; one group has a very long thread.
    fn seed_discussion(&self, batch: &mut Batch, ids: &mut Ids, dice: &mut Dice, with_long_thread: bool) {
        let mut at = self.start + 3 * DAY;
        let mut t = self.index;
        while at < self.now {
            let thread_id = ids.take("posts");
            let (title, body) = THREADS[t % THREADS.len()];
            let author = &self.members[dice.below(self.members.len())];
            batch.posts.push(vec![
                thread_id.into(),
                self.group_id.into(),
                Cell::Null,
                author.id.into(),
                title.into(),
                body.into(),
                "group".into(),
                at.into(),
            ]);
            let replies = if with_long_thread && t == self.index { LONG_THREAD_REPLIES } else { dice.below(7) };
            for r in 0..replies {
                let author = &self.members[dice.below(self.members.len())];
                let offset = i64::try_from(r).unwrap_or(0) * 600 + 3600;
                batch.posts.push(vec![
                    ids.take("posts").into(),
                    self.group_id.into(),
                    thread_id.into(),
                    author.id.into(),
                    "".into(),
                    REPLIES[dice.below(REPLIES.len())].into(),
                    "group".into(),
                    (at + offset).min(self.now - 60).into(),
                ]);
            }
            t += 1;
            at += 35 * DAY;
        }
    }

    /// About three wins a member over the three years, some cheered by the group.
    fn seed_wins(&self, batch: &mut Batch, ids: &mut Ids, dice: &mut Dice) {
        for member in self.members {
            for w in 0..3 {
                let id = ids.take("wins");
                let kind = WIN_KINDS[dice.below(WIN_KINDS.len())];
                let at = self.start + i64::try_from(dice.below(1000)).unwrap_or(0) * DAY;
                let at = at.min(self.now - DAY);
                let year = crate::domain::cadence::year_of(at);
                let (title, venue, doi, position, mechanism, award, role, status) = match kind {
                    "paper" => (
                        format!("Outcomes study {w}: {}", member.name),
                        "Journal of Clinical Investigation".to_string(),
                        format!("10.5555/scale.{id}"),
                        ["first", "senior", "middle"][dice.below(3)],
                        "",
                        String::new(),
                        "",
                        "",
                    ),
                    "grant" => {
                        let mechanism = MECHANISMS[dice.below(MECHANISMS.len())];
                        (
                            format!("Mechanisms of risk {w}"),
                            INSTITUTES[dice.below(INSTITUTES.len())].to_string(),
                            String::new(),
                            "",
                            mechanism,
                            String::new(),
                            "pi",
                            ["submitted", "funded", "not_funded"][dice.below(3)],
                        )
                    }
                    "talk" => (
                        "Grand rounds".to_string(),
                        "Department of Medicine".to_string(),
                        String::new(),
                        "",
                        "",
                        String::new(),
                        "",
                        "",
                    ),
                    "award" => (
                        "Early Career Investigator Award".to_string(),
                        "Society for Clinical Research".to_string(),
                        String::new(),
                        "",
                        "",
                        String::new(),
                        "",
                        "",
                    ),
                    _ => (
                        "Promoted to Associate Professor".to_string(),
                        String::new(),
                        String::new(),
                        "",
                        "",
                        String::new(),
                        "",
                        "",
                    ),
                };
                let visibility = if dice.chance(60) { "program" } else { "group" };
                batch.wins.push(vec![
                    id.into(),
                    member.id.into(),
                    self.program_id.into(),
                    Some(self.group_id).into(),
                    kind.into(),
                    title.into(),
                    venue.into(),
                    Some(i64::from(year)).into(),
                    doi.into(),
                    position.into(),
                    mechanism.into(),
                    award.into(),
                    role.into(),
                    status.into(),
                    visibility.into(),
                    at.into(),
                ]);
                for _ in 0..dice.below(4) {
                    let cheerer = &self.members[dice.below(self.members.len())];
                    if cheerer.id != member.id {
                        batch.cheers.push(vec![
                            ids.take("cheers").into(),
                            id.into(),
                            cheerer.id.into(),
                            "Congratulations!".into(),
                            (at + DAY).into(),
                        ]);
                    }
                }
            }
            // One shared resource per member: a writing sample or a grant tip.
            batch.resources.push(vec![
                ids.take("resources").into(),
                member.id.into(),
                self.program_id.into(),
                Some(self.group_id).into(),
                "My specific aims page".into(),
                "The version that was funded, with reviewer comments.".into(),
                format!("https://drive.example.edu/aims/{}", member.id).into(),
                "grant; aims".into(),
                "group".into(),
                (self.start + 30 * DAY).into(),
            ]);
        }
    }
}

/// What the program shares as a whole: resources, opportunities with nominations, and the
/// reminders the outbox sent.
#[allow(clippy::too_many_arguments)]
fn seed_program_sharing(
    batch: &mut Batch,
    ids: &mut Ids,
    dice: &mut Dice,
    program_id: i64,
    coordinator_id: i64,
    scholars: &[Seated],
    start: i64,
    now: i64,
) {
    for r in 0..40 {
        batch.resources.push(vec![
            ids.take("resources").into(),
            coordinator_id.into(),
            program_id.into(),
            Cell::Null,
            format!("Grant writing tip {}", r + 1).into(),
            "From the program's grant writing workshop.".into(),
            format!("https://faculty.example.edu/tips/{program_id}/{r}").into(),
            "grant; writing".into(),
            "program".into(),
            (start + i64::from(r) * 25 * DAY).into(),
        ]);
    }
    for o in 0..36 {
        let id = ids.take("opportunities");
        let posted = start + i64::from(o) * 30 * DAY;
        let deadline = jiff::Timestamp::from_second(posted + 45 * DAY)
            .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date().to_string())
            .unwrap_or_else(|_| "2027-01-31".into());
        let kind = OPPORTUNITY_KINDS[usize::try_from(o).unwrap_or(0) % OPPORTUNITY_KINDS.len()];
        batch.opportunities.push(vec![
            id.into(),
            program_id.into(),
            coordinator_id.into(),
            kind.into(),
            format!("Opportunity {}: speakers and nominees wanted", o + 1).into(),
            "Nominate a peer whose work deserves to be seen.".into(),
            deadline.into(),
            posted.into(),
        ]);
        let nominee = &scholars[dice.below(scholars.len())];
        let nominator = &scholars[dice.below(scholars.len())];
        if nominee.id != nominator.id {
            let (status, outcome) = if posted + 45 * DAY < now { ("accepted", "selected") } else { ("pending", "") };
            batch.nominations.push(vec![
                ids.take("nominations").into(),
                id.into(),
                nominator.id.into(),
                nominee.id.into(),
                "Their work on kidney outcomes is exactly what this is for.".into(),
                status.into(),
                outcome.into(),
                (posted + DAY).into(),
            ]);
        }
    }
    // The outbox keeps what it sent: a reminder to every tenth scholar each month.
    let mut at = start;
    while at < now {
        for scholar in scholars.iter().step_by(10) {
            batch.outbox.push(vec![
                ids.take("outbox").into(),
                scholar.email.clone().into(),
                "Your group meets tomorrow".into(),
                "Your peer group meets tomorrow. Bring your goals.".into(),
                at.into(),
                Cell::Int(1),
                at.into(),
                (at + 5).into(),
            ]);
        }
        at += 30 * DAY;
    }
}

/// What `aspire demo --scale` prints: the size of what is there and whom to sign in as.
pub async fn welcome(state: &AppState, seeded: bool) -> anyhow::Result<String> {
    let store = state.store.as_ref();
    let program = store.program_by_name(program_name(0)).await?.context("the scale demo's first program is missing")?;
    let counts = store.counts(state.now()).await?;
    let groups = store.program_groups(program.id).await?;
    let first = groups.first().context("the scale demo's first program has no groups")?;
    let (facilitator, member) = super::facilitator_and_member(state, first.id).await?;
    let how = if seeded { "Seeded a scale institution" } else { "Using the scale institution seeded earlier" };
    Ok(format!(
        "{how}: {} people in {} groups across {} programs.\n\
         aspire is serving at {}\n\n\
         Sign in with password {PASSWORD} as:\n  \
         admin        {}\n  \
         coordinator  {} ({})\n  \
         facilitator  {} ({}, {})\n  \
         member       {} ({}, {})\n\
         Stop with Ctrl-C.",
        counts.users,
        counts.groups,
        counts.programs,
        state.settings.public_url(),
        super::ADMIN,
        coordinator_email(0),
        program.name,
        facilitator.user.profile.email,
        facilitator.user.profile.name,
        first.name,
        member.user.profile.email,
        member.user.profile.name,
        first.name,
    ))
}
