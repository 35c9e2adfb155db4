//! The demo institution: one KL2-style program with 42 scholars from 12 departments in seven
//! peer groups, seeded the first time `aspire demo` runs. Every step is idempotent, so running
//! the demo again reuses the data and never duplicates it.

mod history;
pub mod scale;

use anyhow::Context;

use crate::auth::password;
use aspire_formation::SolveOptions;

use crate::app::invitations::invite_person;
use crate::domain::cohort::{cohort_of, default_criteria};
use crate::domain::{CareerStage, Profile};
use crate::state::AppState;
use crate::store::group_changes::{ChangeKind, MembershipChange};
use crate::store::{GroupRole, ProgramRole};

pub const PROGRAM: &str = "KL2 Scholars";
pub const PASSWORD: &str = "aspire-demo-2026";
pub const ADMIN: &str = "admin@example.edu";
pub const COORDINATOR: &str = "coordinator@example.edu";
/// The pending invitee: enrolled, invited, no password yet.
pub const INVITEE: &str = "noor.haddad@example.edu";

const FIRST: [&str; 42] = [
    "Ana", "Ben", "Chiara", "Dev", "Elif", "Farah", "Gabriel", "Hana", "Ifeoma", "Jonah", "Keiko", "Luis", "Mariam",
    "Nikhil", "Olivia", "Pedro", "Qing", "Rosa", "Samuel", "Tamar", "Uche", "Valeria", "Wei", "Ximena", "Yusuf",
    "Zara", "Aaron", "Bianca", "Caleb", "Divya", "Emeka", "Fatima", "Grace", "Hiro", "Isabel", "Jamal", "Kavya",
    "Leah", "Mateo", "Nadia", "Omar", "Priya",
];
const LAST: [&str; 42] = [
    "Ruiz", "Okafor", "Bianchi", "Patel", "Yilmaz", "Hassan", "Moreau", "Kim", "Nwosu", "Feldman", "Tanaka", "Herrera",
    "Aziz", "Rao", "Bennett", "Costa", "Zhang", "Delgado", "Mensah", "Levi", "Eze", "Romero", "Liu", "Vargas", "Demir",
    "Ahmed", "Cohen", "Rossi", "Brooks", "Iyer", "Obi", "Malik", "Osei", "Sato", "Navarro", "Greene", "Menon",
    "Friedman", "Alvarez", "Karimi", "Saleh", "Shah",
];
/// (department, its divisions)
const DEPARTMENTS: [(&str, [&str; 2]); 12] = [
    ("Medicine", ["Nephrology", "Cardiology"]),
    ("Pediatrics", ["Neonatology", "Child Neurology"]),
    ("Surgery", ["Transplant Surgery", "Surgical Oncology"]),
    ("Psychiatry", ["Child Psychiatry", "Addiction Psychiatry"]),
    ("Neurology", ["Stroke", "Movement Disorders"]),
    ("Epidemiology", ["Chronic Disease", "Infectious Disease"]),
    ("Biostatistics", ["Clinical Trials", "Statistical Genetics"]),
    ("Nursing", ["Nursing Science", "Midwifery"]),
    ("Dental Medicine", ["Oral Biology", "Community Dentistry"]),
    ("Obstetrics & Gynecology", ["Maternal-Fetal Medicine", "Reproductive Endocrinology"]),
    ("Emergency Medicine", ["Emergency Ultrasound", "Toxicology"]),
    ("Sociomedical Sciences", ["Health Policy", "Community Health"]),
];
const DISCIPLINES: [&str; 6] = [
    "Clinical research",
    "Health services research",
    "Basic science",
    "Population health",
    "Behavioral science",
    "Data science",
];
const STAGES: [&str; 6] =
    ["assistant_professor", "instructor", "postdoc", "assistant_professor", "resident_fellow", "associate_professor"];
const INTERESTS: [&str; 14] = [
    "health equity",
    "machine learning",
    "implementation science",
    "clinical trials",
    "maternal health",
    "substance use",
    "kidney disease",
    "neurodevelopment",
    "global health",
    "mixed methods",
    "genomics",
    "community engagement",
    "dementia",
    "cardiovascular risk",
];
/// Typical free hours of busy clinicians and researchers.
const AVAILABILITY: [&str; 7] = [
    "Mon 08-10; Wed 12-13; Fri 15-17",
    "Tue 12-14; Thu 08-09; Fri 15-16",
    "Mon 12-13; Wed 12-14; Thu 16-18",
    "Tue 07-09; Wed 12-13; Fri 12-14",
    "Mon 16-18; Tue 12-13; Thu 12-14",
    "Wed 07-09; Thu 12-13; Fri 15-17",
    "Mon 12-14; Tue 16-17; Wed 12-13",
];

fn group_name(index: usize) -> String {
    let letter = char::from(b'A' + u8::try_from(index % 26).unwrap_or(0));
    format!("Group {letter}")
}

fn email_of(first: &str, last: &str) -> String {
    format!("{}.{}@example.edu", first.to_lowercase(), last.to_lowercase())
}

/// The 42 scholars, in a fixed order.
fn scholars() -> Vec<Profile> {
    (0..42)
        .map(|i| {
            let (department, divisions) = DEPARTMENTS[i % 12];
            Profile {
                email: email_of(FIRST[i], LAST[i]),
                name: format!("{} {}", FIRST[i], LAST[i]),
                pronouns: ["she/her", "he/him", "they/them", ""][i % 4].to_string(),
                department: department.to_string(),
                division: divisions[(i / 12) % 2].to_string(),
                discipline: DISCIPLINES[(i * 5) % 6].to_string(),
                career_stage: STAGES[(i * 7) % 6].to_string(),
                research_interests: [INTERESTS[i % 14], INTERESTS[(i * 3 + 1) % 14], INTERESTS[(i * 5 + 4) % 14]]
                    .join("; "),
                goals: "Submit a K award resubmission; two first-author papers this year".to_string(),
                availability: AVAILABILITY[(i * 3) % 7].to_string(),
                time_zone: "America/New_York".to_string(),
            }
        })
        .collect()
}

/// Seeds the demo institution where it is missing. Returns true when anything was created.
pub async fn seed(state: &AppState) -> anyhow::Result<bool> {
    let store = state.store.as_ref();
    let now = state.now();
    if store.program_by_name(PROGRAM).await?.is_some() {
        return Ok(false);
    }
    let hash = password::hash(PASSWORD.to_string()).await?;

    let admin = Profile { email: ADMIN.into(), name: "Avery Admin".into(), ..Profile::default() }.validate()?;
    if store.user_by_email(ADMIN).await?.is_none() {
        store.create_user(&admin, Some(&hash), true, now).await?;
    }
    let program_id = store
        .create_program(
            PROGRAM,
            "Junior faculty and trainees in the KL2 career development program, meeting in peer groups.",
            now,
        )
        .await?;
    let coordinator = Profile {
        email: COORDINATOR.into(),
        name: "Maya Chen".into(),
        pronouns: "she/her".into(),
        department: "Office of Faculty Development".into(),
        ..Profile::default()
    }
    .validate()?;
    let coordinator_id = match store.user_by_email(COORDINATOR).await? {
        Some(user) => user.id,
        None => store.create_user(&coordinator, Some(&hash), false, now).await?,
    };
    store.add_program_member(program_id, coordinator_id, ProgramRole::Coordinator).await?;

    let people: Vec<Profile> = scholars().into_iter().map(Profile::validate).collect::<Result<_, _>>()?;
    store.import_roster(program_id, &people, now).await?;
    let invitee = Profile {
        email: INVITEE.into(),
        name: "Noor Haddad".into(),
        department: "Radiology".into(),
        career_stage: "instructor".into(),
        availability: "Tue 12-14; Thu 12-13".into(),
        ..Profile::default()
    }
    .validate()?;
    store.import_roster(program_id, std::slice::from_ref(&invitee), now).await?;

    // The groups come from the formation engine with the program's default criteria, the way a
    // coordinator would form them: alike in stage and interests, apart in department.
    let formation = aspire_formation::form(
        &cohort_of(&people),
        &default_criteria(),
        &SolveOptions { seed: 2026, ..SolveOptions::default() },
        &mut |_| false,
    )
    .map_err(|e| anyhow::anyhow!("the demo groups could not be formed: {e}"))?;
    let mut current_groups: Vec<Vec<i64>> = Vec::new();
    for (g, group) in formation.groups.iter().enumerate() {
        let group_id = store.create_group(program_id, &group_name(g), now).await?;
        let mut members = Vec::new();
        for email in &group.members {
            let user = store.user_by_email(email).await?.context("a seeded scholar is missing")?;
            if user.password_hash.is_none() {
                store.set_password(user.id, &hash).await?;
            }
            members.push(user);
        }
        // The most senior member facilitates (ties: the first by name).
        let facilitator = members
            .iter()
            .max_by_key(|u| {
                (
                    CareerStage::parse(&u.profile.career_stage).map(CareerStage::rank),
                    std::cmp::Reverse(u.profile.name.clone()),
                )
            })
            .map(|u| u.id);
        let seats: Vec<MembershipChange> = members
            .iter()
            .map(|user| MembershipChange {
                group_id,
                user_id: user.id,
                person_name: user.profile.name.clone(),
                kind: ChangeKind::Added,
                role: if Some(user.id) == facilitator { GroupRole::Facilitator } else { GroupRole::Member },
            })
            .collect();
        // The groups have met for two months: they joined before anything the demo shares.
        store
            .change_group_memberships(&seats, (coordinator_id, "Maya Chen"), &Default::default(), now - 10 * 7 * 86_400)
            .await?;
        let ids: Vec<i64> = members.iter().map(|u| u.id).collect();
        seed_meetings(state, group_id, g, &ids).await?;
        if g == 0 {
            seed_sharing(state, program_id, group_id, &ids).await?;
        }
        current_groups.push(ids);
    }
    seed_identity(state, program_id, &people).await?;
    history::seed(state, program_id, &current_groups).await?;
    let program = store.program(program_id).await?.context("the demo program is missing")?;
    let inviter = store.user(coordinator_id).await?.context("the demo coordinator is missing")?;
    let invitee = store.user_by_email(INVITEE).await?.context("the demo invitee is missing")?;
    invite_person(state, &inviter, &program, &invitee).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(true)
}

/// A question for balanced groups, answered by the scholars whose pronouns say it (synthetic
/// answers, for the demo only), so that the coordinator's counts show small cells hidden.
async fn seed_identity(state: &AppState, program_id: i64, people: &[Profile]) -> anyhow::Result<()> {
    let store = state.store.as_ref();
    let now = state.now();
    let choices = ["Woman".to_string(), "Man".to_string(), "Non-binary".to_string()];
    store.add_identity_question(program_id, "gender", "How do you describe your gender?", &choices, now).await?;
    let question = store.identity_questions(&[program_id]).await?.into_iter().next().context("the demo question")?;
    let answers: Vec<(String, i64, String)> = people
        .iter()
        .filter_map(|p| {
            let answer = match p.pronouns.as_str() {
                "she/her" => "Woman",
                "he/him" => "Man",
                "they/them" => "Non-binary",
                _ => return None,
            };
            Some((p.email.clone(), question.id, answer.to_string()))
        })
        .collect();
    store.fill_identity_answers(&answers, now).await?;
    Ok(())
}

/// The first group's wins and discussion: a paper shared with the program, a grant with the
/// group, a thread with replies.
async fn seed_sharing(state: &AppState, program_id: i64, group_id: i64, members: &[i64]) -> anyhow::Result<()> {
    use crate::domain::Visibility;
    use crate::store::community::{NewPost, Win};
    let store = state.store.as_ref();
    let now = state.now();
    let [first, second, third, ..] = members else { return Ok(()) };
    let paper = Win {
        user_id: *first,
        program_id,
        group_id: Some(group_id),
        kind: "paper".into(),
        title: "Peer mentoring groups and early-career faculty retention: a cohort study".into(),
        venue: "Academic Medicine".into(),
        year: Some(2026),
        doi: "10.1097/ACM.0000000000005123".into(),
        author_position: "first".into(),
        visibility: Visibility::Program,
        ..Win::default()
    };
    let grant = Win {
        user_id: *second,
        program_id,
        group_id: Some(group_id),
        kind: "grant".into(),
        title: "Kidney outcomes after preeclampsia".into(),
        venue: "NIDDK".into(),
        mechanism: "K23".into(),
        award_number: "1 K23 DK134567-01".into(),
        grant_role: "pi".into(),
        grant_status: "funded".into(),
        visibility: Visibility::Group,
        ..Win::default()
    };
    let wins = store.create_wins(&[paper, grant], now).await?;
    if let Some(win) = wins.get(1) {
        store.add_cheer(*win, *first, "Funded on the first try. Well deserved!", now).await?;
        store.add_cheer(*win, *third, "", now).await?;
    }
    let thread = NewPost {
        group_id,
        thread_id: None,
        author_id: *third,
        title: "Writing retreat in March?",
        body: "Two mornings, phones off, **no email**. Who is in? I can book the library room.",
        visibility: Visibility::Group,
        facilitator_id: None,
    };
    let thread_id = store.create_post(&thread, now).await?;
    for (author, body) in [(first, "In, both mornings."), (second, "In for Tuesday; clinic on Wednesday.")] {
        let reply = NewPost { thread_id: Some(thread_id), author_id: *author, title: "", body, ..thread };
        store.create_post(&reply, now).await?;
    }
    Ok(())
}

/// Goals the demo's members declared, round-robin.
const DEMO_GOALS: [(&str, &str); 8] = [
    ("Send the specific aims page to my mentor", "grant"),
    ("Draft the methods section", "manuscript"),
    ("Clean the cohort data and share the codebook", "data"),
    ("Submit the abstract for the spring meeting", "talk"),
    ("Revise the discussion after co-author comments", "manuscript"),
    ("Write two pages of the research strategy", "grant"),
    ("Practise the grand rounds talk with the group", "talk"),
    ("Block two mornings for writing", "other"),
];

/// A meeting series for each demo group, begun eight weeks ago; the first group spaced out to
/// every other week four weeks ago and has a history of goals declared and reported.
async fn seed_meetings(state: &AppState, group_id: i64, index: usize, members: &[i64]) -> anyhow::Result<()> {
    use crate::domain::cadence::{Cadence, Schedule, Series};
    let store = state.store.as_ref();
    let now = state.now();
    let week = 7 * 86_400;
    let by = members.first().copied().unwrap_or_default();
    let weekly = Schedule {
        effective_from: now - 8 * week,
        cadence: Cadence::Weekly,
        weekday: i64::try_from(index % 5).unwrap_or(0) + 1,
        minute_of_day: 12 * 60,
        time_zone: "America/New_York".into(),
        duration_minutes: 60,
    };
    let place = format!("Room {} or https://video.example.edu/peer-{}", 201 + index, index + 1);
    store.save_series(group_id, Some(&weekly), &place, 24 * 60, (by, &[]), now - 8 * week).await?;
    if index != 0 {
        return Ok(());
    }
    let spaced = Schedule { effective_from: now - 4 * week, cadence: Cadence::Biweekly, ..weekly.clone() };
    store.save_series(group_id, Some(&spaced), &place, 24 * 60, (by, &[]), now - 4 * week).await?;
    let series = Series::new(vec![weekly, spaced], Default::default());
    let past = series.past(now, 4);
    for (m, meeting) in past.iter().rev().enumerate() {
        for (i, user_id) in members.iter().enumerate() {
            let (text, kind) = DEMO_GOALS[(i + m) % DEMO_GOALS.len()];
            let goal = crate::store::meetings::NewGoal {
                group_id,
                user_id: *user_id,
                meeting_start: meeting.start,
                text: text.into(),
                kind: kind.into(),
                long_goal_id: None,
                carried_from: None,
            };
            let id = store.declare_goal(&goal, meeting.start).await?;
            // The latest meeting's goals are still to be reported.
            if m + 1 < past.len() {
                let status = ["met", "met", "partly", "not_met"][(i + m) % 4];
                let reason = if status == "met" { "" } else { "Clinical weeks" };
                store.report_goal(id, status, reason, meeting.start + week).await?;
            }
            if m + 2 == past.len() {
                store.record_attendance(group_id, meeting.start, *user_id, (i + m) % 5 != 0, by, meeting.end).await?;
            }
        }
    }
    Ok(())
}

/// A group's facilitator and one of its members: whom the welcome suggests signing in as.
async fn facilitator_and_member(
    state: &AppState,
    group_id: i64,
) -> anyhow::Result<(crate::store::GroupMember, crate::store::GroupMember)> {
    let members = state.store.group_members(group_id).await?;
    let find = |role: GroupRole| members.iter().find(|m| m.role == role).cloned();
    let facilitator = find(GroupRole::Facilitator).context("a demo group without facilitator")?;
    let member = find(GroupRole::Member).context("a demo group without members")?;
    Ok((facilitator, member))
}

/// What `aspire demo` prints: where to go and how to sign in, read from the seeded data.
pub async fn welcome(state: &AppState, seeded: bool) -> anyhow::Result<String> {
    let store = state.store.as_ref();
    let program = store.program_by_name(PROGRAM).await?.context("the demo program is missing")?;
    let people = store.program_people(program.id).await?;
    let mut departments: Vec<&str> =
        people.iter().map(|p| p.user.profile.department.as_str()).filter(|d| !d.is_empty()).collect();
    departments.sort_unstable();
    departments.dedup();
    let groups = store.program_groups(program.id).await?;
    let first = groups.first().context("the demo program has no groups")?;
    let (facilitator, member) = facilitator_and_member(state, first.id).await?;
    let public_url = state.settings.public_url();
    // The outbox page shows no secret links, so the person running the demo (who runs the
    // server, and could read its database) gets the invitee's link here.
    let invitation = store
        .list_outbox(1000)
        .await?
        .into_iter()
        .filter(|m| m.recipient == INVITEE)
        .find_map(|m| m.body.lines().find(|l| l.contains("/invite/")).map(|l| l.trim().to_string()));
    let invitation = match invitation {
        Some(link) => format!("To see an invitation as {INVITEE} would, open {link}"),
        None => format!("{INVITEE} has accepted the demo invitation."),
    };
    let how = if seeded { "Seeded a demo institution" } else { "Using the demo institution seeded earlier" };
    Ok(format!(
        "{how}: {PROGRAM}, {} people from {} departments in {} peer groups.\n\
         aspire is serving at {public_url}\n\n\
         Sign in with password {PASSWORD} as:\n  \
         admin        {ADMIN}\n  \
         coordinator  {COORDINATOR}\n  \
         facilitator  {} ({}, {})\n  \
         member       {} ({}, {})\n\
         {invitation}\n\
         Stop with Ctrl-C.",
        people.len(),
        departments.len(),
        groups.len(),
        facilitator.user.profile.email,
        facilitator.user.profile.name,
        first.name,
        member.user.profile.email,
        member.user.profile.name,
        first.name,
    ))
}
