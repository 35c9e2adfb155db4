//! Three cohorts of the demo program's history, so that every outcome report shows something
//! real: two past cohorts who completed the program (2021 and 2023) and the current one (2025),
//! with degrees, positions, grants (some converted from a K to an R01), papers (some shared)
//! and honors. Synthetic, deterministic, for the demo only.

use crate::domain::Profile;
use crate::domain::record::{Flag, RecordItem, ScholarDetails};
use crate::state::AppState;

const PAST_FIRST: [&str; 24] = [
    "Adaeze", "Bruno", "Carmen", "Dmitri", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kamala", "Luca",
    "Marisol", "Naveen", "Olga", "Pablo", "Quinn", "Rana", "Soren", "Thandi", "Umar", "Vera", "Wen", "Ximena",
];
const PAST_LAST: [&str; 24] = [
    "Okafor",
    "Esposito",
    "Villalobos",
    "Petrov",
    "Demir",
    "Haddadi",
    "Lindqvist",
    "Tanaka",
    "Moreau",
    "Becker",
    "Iyer",
    "Romano",
    "Castillo",
    "Rao",
    "Sokolova",
    "Herrera",
    "Doyle",
    "Nasser",
    "Dahl",
    "Mbeki",
    "Farouk",
    "Novak",
    "Zhou",
    "Paredes",
];
const MENTORS: [&str; 6] =
    ["Dr. R. Alvarez", "Dr. S. Goldberg", "Dr. K. Mensah", "Dr. L. Fontaine", "Dr. P. Sato", "Dr. M. Whitfield"];
const TOPICS: [&str; 6] = [
    "Sleep and recovery after night shifts",
    "Kidney outcomes after preeclampsia",
    "Machine learning for sepsis alerts",
    "Community health workers and blood pressure",
    "Antibiotic stewardship in nursing homes",
    "Imaging biomarkers of early Alzheimer's disease",
];
const JOURNALS: [&str; 5] = ["JAMA Network Open", "Academic Medicine", "Circulation", "Kidney International", "CHEST"];
const DEPARTMENTS: [&str; 6] = ["Medicine", "Pediatrics", "Psychiatry", "Surgery", "Neurology", "Epidemiology"];

/// One cohort as the demo tells it.
struct Cohort {
    name: &'static str,
    year: i16,
    completed: bool,
}

const COHORTS: [Cohort; 3] = [
    Cohort { name: "2021 cohort", year: 2021, completed: true },
    Cohort { name: "2023 cohort", year: 2023, completed: true },
    Cohort { name: "2025 cohort", year: 2025, completed: false },
];

fn day(year: i16, month: u8) -> String {
    format!("{year:04}-{month:02}-01")
}

fn item(program_id: i64, user_id: i64, kind: &str) -> RecordItem {
    RecordItem { program_id, user_id, kind: kind.into(), ..RecordItem::default() }
}

fn grant(program_id: i64, user_id: i64, code: &str, title: &str, from: String, to: String) -> RecordItem {
    RecordItem {
        title: title.into(),
        organisation: if code.is_empty() { "Doris Duke Foundation".into() } else { "NIH".into() },
        code: code.into(),
        role: "pi".into(),
        status: "funded".into(),
        decided_on: from.clone(),
        started_on: from,
        ended_on: to,
        ..item(program_id, user_id, "grant")
    }
}

/// The record of the `index`-th scholar of a cohort. Conversions differ by cohort: the 2021
/// cohort has had the time to reach R01s, the 2023 cohort mostly holds individual Ks.
fn record_of(program_id: i64, user_id: i64, cohort: &Cohort, index: usize) -> Vec<RecordItem> {
    let y = cohort.year;
    let topic = TOPICS[index % TOPICS.len()];
    let department = DEPARTMENTS[index % DEPARTMENTS.len()];
    let mut items = vec![RecordItem {
        code: "MD".into(),
        organisation: "Columbia University".into(),
        year: Some(i64::from(y) - 9 + (index % 3) as i64),
        ..item(program_id, user_id, "degree")
    }];
    if index.is_multiple_of(3) {
        items.push(RecordItem {
            code: "PhD".into(),
            organisation: "Johns Hopkins University".into(),
            year: Some(i64::from(y) - 5),
            ..item(program_id, user_id, "degree")
        });
    }
    let research = index % 4 != 3;
    items.push(RecordItem {
        title: "Instructor".into(),
        code: "Instructor".into(),
        department: department.into(),
        organisation: "Columbia University Irving Medical Center".into(),
        sector: "academia".into(),
        activity: if research { "research".into() } else { "clinical".into() },
        tenure: "not_tenure_track".into(),
        started_on: day(y - 1, 7),
        ended_on: if cohort.completed { format!("{}-06-30", y + 1) } else { String::new() },
        ..item(program_id, user_id, "position")
    });
    if cohort.completed {
        let (title, organisation, sector, activity) = match index {
            5 => ("Senior Scientist", "Regeneron Pharmaceuticals", "for_profit", "research_related"),
            _ if research => {
                ("Assistant Professor", "Columbia University Irving Medical Center", "academia", "research")
            }
            _ => ("Assistant Professor", "Columbia University Irving Medical Center", "academia", "clinical"),
        };
        items.push(RecordItem {
            title: title.into(),
            code: title.into(),
            department: department.into(),
            organisation: organisation.into(),
            sector: sector.into(),
            activity: activity.into(),
            tenure: if sector == "academia" { "tenure_track".into() } else { String::new() },
            started_on: day(y + 1, 7),
            ..item(program_id, user_id, "position")
        });
    }
    items.push(grant(program_id, user_id, "KL2", topic, day(y, 7), format!("{}-06-30", y + 2)));
    let later = |years: i16, month: u8| day(y + years, month);
    match (cohort.year, index) {
        (2021, 0..=4) => items.push(grant(
            program_id,
            user_id,
            "R01",
            topic,
            later(2 + (index % 3) as i16, [4, 9, 12][index % 3]),
            later(7, 6),
        )),
        (2021, 6) | (2023, 3..=6) => {
            let code = if index.is_multiple_of(2) { "K23" } else { "K08" };
            items.push(grant(program_id, user_id, code, topic, later(2, 7), later(7, 6)));
        }
        (2021, 7) => items.push(RecordItem {
            annual_amount: Some(300_000),
            r01_equivalent: Flag(true),
            ..grant(program_id, user_id, "", topic, later(3, 1), later(6, 12))
        }),
        (2021, 8) => items.push(grant(program_id, user_id, "K99", topic, later(2, 7), later(4, 6))),
        (2023, 0..=2) => items.push(grant(program_id, user_id, "R01", topic, later(2, 9 + index as u8), later(7, 8))),
        (2025, i) if i % 7 == 0 => items.push(RecordItem {
            status: "submitted".into(),
            decided_on: String::new(),
            submitted_on: "2026-10-05".into(),
            started_on: String::new(),
            ended_on: String::new(),
            ..grant(program_id, user_id, "R01", topic, String::new(), String::new())
        }),
        _ => {}
    }
    for k in 0..(2 + index % 3) {
        let year = (i64::from(y) + k as i64).min(2026);
        items.push(RecordItem {
            title: format!("{topic}: findings {}", k + 1),
            organisation: JOURNALS[(index + k) % JOURNALS.len()].into(),
            year: Some(year),
            doi: format!("10.5555/aspire-demo.{}.{index}.{k}", cohort.year),
            author_position: if k == 0 { "first".into() } else { "senior".into() },
            ..item(program_id, user_id, "publication")
        });
    }
    items.push(RecordItem {
        title: if index.is_multiple_of(2) { "Grand rounds".into() } else { "Young investigator award".into() },
        code: if index.is_multiple_of(2) { "talk".into() } else { "award".into() },
        level: ["national", "regional", "institutional"][index % 3].into(),
        year: Some(i64::from(y) + 1),
        organisation: "Society of General Internal Medicine".into(),
        ..item(program_id, user_id, "honor")
    });
    items
}

/// A paper two scholars wrote together, in both their records.
fn shared_paper(program_id: i64, doi: &str, title: &str, year: i64, authors: [i64; 2]) -> Vec<RecordItem> {
    authors
        .iter()
        .enumerate()
        .map(|(k, user)| RecordItem {
            title: title.into(),
            organisation: "Academic Medicine".into(),
            year: Some(year),
            doi: doi.into(),
            author_position: if k == 0 { "first".into() } else { "middle".into() },
            ..item(program_id, *user, "publication")
        })
        .collect()
}

/// Seeds the program's history: past cohorts (alumni, in no current group), the current
/// scholars' records, and the papers written together within groups, within cohorts and
/// across them. `current` are the current scholars by group.
pub async fn seed(state: &AppState, program_id: i64, current: &[Vec<i64>]) -> anyhow::Result<()> {
    let store = state.store.as_ref();
    let now = state.now();
    let past: Vec<Profile> = (0..24)
        .map(|i| Profile {
            email: format!("{}.{}@example.edu", PAST_FIRST[i].to_lowercase(), PAST_LAST[i].to_lowercase()),
            name: format!("{} {}", PAST_FIRST[i], PAST_LAST[i]),
            department: DEPARTMENTS[i % DEPARTMENTS.len()].into(),
            career_stage: "assistant_professor".into(),
            time_zone: "America/New_York".into(),
            ..Profile::default()
        })
        .map(Profile::validate)
        .collect::<Result<_, _>>()?;
    let mut by_cohort: Vec<Vec<i64>> = Vec::new();
    for (c, cohort) in COHORTS.iter().enumerate() {
        let people: Vec<i64> = if cohort.completed {
            // Alumni of the program: in no current group and no current round.
            let mut ids = Vec::new();
            for p in &past[c * 12..(c + 1) * 12] {
                let id = match store.user_by_email(&p.email).await? {
                    Some(user) => user.id,
                    None => store.create_user(p, None, false, now).await?,
                };
                store.add_alumnus(program_id, id, cohort.name, i64::from(cohort.year), now).await?;
                ids.push(id);
            }
            ids
        } else {
            current.iter().flatten().copied().collect()
        };
        let mut items = Vec::new();
        for (index, user) in people.iter().enumerate() {
            let left = cohort.completed && index == 11;
            let details = ScholarDetails {
                cohort: cohort.name.into(),
                started_on: day(cohort.year, 7),
                ended_on: if cohort.completed { format!("{}-06-30", cohort.year + 2) } else { String::new() },
                outcome: match (cohort.completed, left) {
                    (true, true) => "left".into(),
                    (true, false) => "completed".into(),
                    _ => String::new(),
                },
                mentors: format!("{}; {}", MENTORS[index % 6], MENTORS[(index + 2) % 6]),
                topic: TOPICS[index % TOPICS.len()].into(),
                left_institution_on: if left { format!("{}-01-15", cohort.year + 1) } else { String::new() },
                left_to: if left { "University of Michigan".into() } else { String::new() },
                ..ScholarDetails::default()
            };
            store.save_scholar(program_id, *user, &details, now).await?;
            items.extend(record_of(program_id, *user, cohort, index));
        }
        store.add_record_items(&items, now).await?;
        by_cohort.push(people);
    }
    // Collaborations: pairs within each of the first current groups, pairs within the past
    // cohorts, and past scholars writing with current ones.
    let mut shared = Vec::new();
    for (g, group) in current.iter().take(3).enumerate() {
        if let [a, b, ..] = group.as_slice() {
            let doi = format!("10.5555/aspire-demo.group.{g}");
            shared.extend(shared_paper(program_id, &doi, "What our writing group learned", 2026, [*a, *b]));
        }
    }
    for (c, people) in by_cohort.iter().take(2).enumerate() {
        for pair in people.chunks(2).take(3) {
            if let [a, b] = pair {
                let doi = format!("10.5555/aspire-demo.cohort.{c}.{a}");
                let year = 2022 + 2 * c as i64;
                shared.extend(shared_paper(program_id, &doi, "A cohort's joint study", year, [*a, *b]));
            }
        }
    }
    let current_people: Vec<i64> = current.iter().flatten().copied().collect();
    for (k, (past, now_in)) in by_cohort[0].iter().zip(current_people.iter().step_by(5)).take(4).enumerate() {
        let doi = format!("10.5555/aspire-demo.across.{k}");
        shared.extend(shared_paper(program_id, &doi, "Mentoring across cohorts", 2026, [*past, *now_in]));
    }
    store.add_record_items(&shared, now).await?;
    seed_underrepresented(state, program_id, &by_cohort).await
}

/// The question the CTSA careers metric crosses with gender, with synthetic answers; the past
/// cohorts answer the gender question too.
async fn seed_underrepresented(state: &AppState, program_id: i64, by_cohort: &[Vec<i64>]) -> anyhow::Result<()> {
    let store = state.store.as_ref();
    let now = state.now();
    let choices = ["Yes".to_string(), "No".to_string()];
    let question = "Do you identify as underrepresented in medicine?";
    store.add_identity_question(program_id, "underrepresented", question, &choices, now).await?;
    let questions = store.identity_questions(&[program_id]).await?;
    let id = |key: &str| questions.iter().find(|q| q.key == key).map(|q| q.id);
    let (Some(gender), Some(underrepresented)) = (id("gender"), id("underrepresented")) else {
        return Ok(());
    };
    let mut answers = Vec::new();
    for (c, people) in by_cohort.iter().enumerate() {
        for (index, user) in people.iter().enumerate() {
            let Some(person) = store.user(*user).await? else { continue };
            let urm = if (index + c) % 4 == 1 { "Yes" } else { "No" };
            answers.push((person.profile.email.clone(), underrepresented, urm.to_string()));
            if c < 2 {
                let woman = index % 5 < 3;
                answers.push((person.profile.email, gender, if woman { "Woman" } else { "Man" }.to_string()));
            }
        }
    }
    store.fill_identity_answers(&answers, now).await?;
    Ok(())
}
