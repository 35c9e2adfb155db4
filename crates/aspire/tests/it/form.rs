//! `aspire form`: groups from a roster file, with clear errors for bad input.

use aspire::form::{FormArgs, run};

fn roster(people: usize) -> String {
    let departments = ["Medicine", "Pediatrics", "Surgery", "Psychiatry", "Neurology", "Nursing"];
    let mut text = "email,name,department,career stage,research interests,availability\n".to_string();
    for i in 0..people {
        text.push_str(&format!(
            "p{i}@u.edu,Person {i},{},postdoc,health equity,Mon 09-10; Tue {:02}-{:02}\n",
            departments[i % departments.len()],
            8 + i % 3,
            9 + i % 3
        ));
    }
    text
}

fn args(dir: &std::path::Path, roster_text: &str, criteria: Option<&str>) -> FormArgs {
    std::fs::write(dir.join("roster.csv"), roster_text).unwrap();
    if let Some(criteria) = criteria {
        std::fs::write(dir.join("criteria.toml"), criteria).unwrap();
    }
    FormArgs {
        roster: dir.join("roster.csv"),
        criteria: criteria.map(|_| dir.join("criteria.toml")),
        size: None,
        seed: 7,
        time_limit: None,
        out: dir.join("groups.csv"),
        report: Some(dir.join("groups.md")),
        threads: 2,
    }
}

#[test]
fn forms_diverse_groups_of_the_asked_size_with_a_report() {
    let dir = tempfile::tempdir().unwrap();
    run(FormArgs { size: Some("5-6".into()), ..args(dir.path(), &roster(30), None) }).unwrap();
    let mut reader = csv::Reader::from_path(dir.path().join("groups.csv")).unwrap();
    let mut groups: std::collections::BTreeMap<String, Vec<(String, String)>> = Default::default();
    for row in reader.records() {
        let row = row.unwrap();
        groups.entry(row[0].to_string()).or_default().push((row[1].to_string(), row[3].to_string()));
    }
    let placed: usize = groups.values().map(Vec::len).sum();
    assert_eq!(placed, 30, "everyone is placed once");
    for (name, members) in &groups {
        assert!((5..=6).contains(&members.len()), "{name} has {} members", members.len());
        let mut departments: Vec<&str> = members.iter().map(|(_, d)| d.as_str()).collect();
        departments.sort_unstable();
        departments.dedup();
        assert!(departments.len() >= members.len() - 1, "{name} should span departments: {members:?}");
    }
    let report = std::fs::read_to_string(dir.path().join("groups.md")).unwrap();
    assert!(report.contains("Spans department") && report.contains("health equity"), "{report}");
}

#[test]
fn bad_inputs_name_what_to_fix() {
    let dir = tempfile::tempdir().unwrap();
    let bad_row = roster(12).replace("p3@u.edu", "p3-at-u.edu");
    let err = run(args(dir.path(), &bad_row, None)).unwrap_err().to_string();
    assert!(err.contains("line 5") && err.contains("p3-at-u.edu"), "{err}");

    let err = run(args(dir.path(), &roster(12), Some("gruop_size = 3\n"))).unwrap_err().to_string();
    assert!(err.contains("gruop_size") && err.contains("line 1"), "{err}");

    let apart = "keep_apart = [[\"p1@u.edu\", \"nobody@u.edu\"]]\n";
    let err = run(args(dir.path(), &roster(12), Some(apart))).unwrap_err().to_string();
    assert!(err.contains("keep_apart names unknown person nobody@u.edu"), "{err}");

    let err =
        run(FormArgs { size: Some("9-7".into()), ..args(dir.path(), &roster(12), None) }).unwrap_err().to_string();
    assert!(err.contains("--size 9-7"), "{err}");
    let err =
        run(FormArgs { size: Some("5-5".into()), ..args(dir.path(), &roster(12), None) }).unwrap_err().to_string();
    assert!(err.contains("groups could not be formed"), "12 people cannot make groups of exactly 5: {err}");
}

#[test]
fn a_column_the_criteria_name_is_read_for_a_balance_rule_and_any_other_stays_an_error() {
    let dir = tempfile::tempdir().unwrap();
    // 24 people, one woman in six: without the rule a group of six would often hold one alone.
    let mut text = roster(24).replace("availability\n", "availability,gender\n");
    text = text
        .lines()
        .enumerate()
        .map(|(line, row)| match line {
            0 => row.to_string(),
            _ => format!("{row},{}", if line % 6 == 1 { "woman" } else { "man" }),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let criteria = "no_isolated = [{ attribute = \"gender\", values = [\"woman\"] }]\ngroup_size = { min = 6, max = 6 }\n\
                    [[attribute]]\nname = \"department\"\nmode = \"diverse\"\n";
    run(args(dir.path(), &text, Some(criteria))).unwrap();
    let mut reader = csv::Reader::from_path(dir.path().join("groups.csv")).unwrap();
    let mut women: std::collections::BTreeMap<String, usize> = Default::default();
    for row in reader.records() {
        let row = row.unwrap();
        let person: usize = row[1].trim_start_matches('p').split('@').next().unwrap().parse().unwrap();
        *women.entry(row[0].to_string()).or_default() += usize::from(person.is_multiple_of(6));
    }
    assert_eq!(women.len(), 4);
    assert!(women.values().all(|&n| n != 1), "no woman is alone in her group: {women:?}");
    // Without a criteria file that names it, the column is unknown, as any other.
    let refused = run(args(dir.path(), &text, None)).unwrap_err().to_string();
    assert!(refused.contains("unknown column 'gender'"), "{refused}");
}
