//! Self-identified attributes a program asks about for balanced groups (gender, underrepresented
//! in medicine, first generation, ...), in the program's own words. They are sensitive: used by
//! the formation engine ("no one is the only ... in their group") and in counts that hide small
//! cells, never shown person by person.

use super::roster::COLUMNS;

/// Always offered besides a program's own choices; an answer the engine leaves out.
pub const PREFER_NOT_TO_SAY: &str = "Prefer not to say";

/// Counts from 1 to `SMALL_CELL - 1` are shown as "<11" (the CMS cell-size policy).
pub const SMALL_CELL: usize = 11;

/// What people read above the questions, wherever they answer them.
pub const WHO_SEES_IT: &str = "Answering is optional. Your answers are used only to form groups in which \
    no one is the only one of their kind (for example the only woman), and in program counts that hide \
    any number below 11. They are never shown to your peers, facilitators or coordinators, nor on any \
    draft of groups.";

/// A question as the program asks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityQuestion {
    pub id: i64,
    pub program_id: i64,
    /// The name a roster column and a balance rule use, like `gender`.
    pub key: String,
    pub question: String,
    pub choices: Vec<String>,
}

impl IdentityQuestion {
    /// The answers a person may give: the program's choices, then "Prefer not to say".
    pub fn options(&self) -> impl Iterator<Item = &str> {
        self.choices.iter().map(String::as_str).chain(std::iter::once(PREFER_NOT_TO_SAY))
    }

    /// `answer` as one of the options (matched without regard to case or surrounding spaces),
    /// `None` for a blank answer (no answer), or what to fix.
    pub fn check_answer(&self, answer: &str) -> Result<Option<String>, String> {
        let answer = answer.trim();
        if answer.is_empty() {
            return Ok(None);
        }
        self.options().find(|o| o.eq_ignore_ascii_case(answer)).map(|o| Some(o.to_string())).ok_or_else(|| {
            format!(
                "\"{answer}\" is not an answer to \"{}\": use one of {}, or leave it blank",
                self.question,
                self.options().collect::<Vec<_>>().join(", ")
            )
        })
    }
}

/// A new question as a coordinator types it: the key, the question, the choices one a line.
pub fn new_question(key: &str, question: &str, choices: &str) -> Result<(String, String, Vec<String>), String> {
    let key = key.trim().to_lowercase();
    let reserved = COLUMNS.iter().any(|c| c.replace(' ', "_") == key)
        || ["career_rank", "career_stage", "interests"].contains(&key.as_str());
    if key.is_empty()
        || key.len() > 40
        || !key.starts_with(|c: char| c.is_ascii_lowercase())
        || !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(format!(
            "The short name \"{key}\" must be 1 to 40 lowercase letters, digits or underscores, starting with a \
             letter, like gender or first_generation: it names the roster column and the balance rule."
        ));
    }
    if reserved {
        return Err(format!("\"{key}\" is already a profile field: choose another short name."));
    }
    let question = question.trim();
    if question.is_empty() || question.chars().count() > 200 {
        return Err("The question must be 1 to 200 characters, like \"What is your gender?\".".into());
    }
    let mut list: Vec<String> = Vec::new();
    for choice in choices.lines().map(str::trim).filter(|c| !c.is_empty()) {
        if choice.chars().count() > 80 {
            return Err(format!("The choice \"{choice}\" is longer than 80 characters: shorten it."));
        }
        if choice.eq_ignore_ascii_case(PREFER_NOT_TO_SAY) {
            continue;
        }
        if list.iter().any(|c| c.eq_ignore_ascii_case(choice)) {
            return Err(format!("The choice \"{choice}\" is listed twice: keep one."));
        }
        list.push(choice.to_string());
    }
    if list.len() < 2 || list.len() > 20 {
        return Err(format!(
            "Give 2 to 20 choices, one a line (\"{PREFER_NOT_TO_SAY}\" is always offered besides); there are {}.",
            list.len()
        ));
    }
    Ok((key, question.to_string(), list))
}

/// A count as a report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Count(usize),
    /// Between 1 and `SMALL_CELL - 1`, or hidden so that such a count cannot be worked out.
    Hidden,
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cell::Count(n) => write!(f, "{n}"),
            Cell::Hidden => write!(f, "<{SMALL_CELL}"),
        }
    }
}

/// Counts that add up to a total shown beside them, with small cells hidden: every count from 1
/// to `SMALL_CELL - 1`, and then, while fewer than two cells are hidden or the hidden ones add up
/// to less than `SMALL_CELL`, the smallest other non-zero count too (complementary
/// suppression): the total minus the shown counts never gives a hidden cell away, nor two hidden
/// cells of 1.
pub fn suppressed(counts: &[usize]) -> Vec<Cell> {
    let small = |n: usize| n > 0 && n < SMALL_CELL;
    let mut cells: Vec<Cell> = counts.iter().map(|&n| if small(n) { Cell::Hidden } else { Cell::Count(n) }).collect();
    loop {
        let hidden: Vec<usize> = (0..counts.len()).filter(|&i| cells[i] == Cell::Hidden).collect();
        let hidden_sum: usize = hidden.iter().map(|&i| counts[i]).sum();
        if hidden.is_empty() || (hidden.len() >= 2 && hidden_sum >= SMALL_CELL) {
            break;
        }
        let next = (0..counts.len()).filter(|&i| counts[i] > 0 && cells[i] != Cell::Hidden).min_by_key(|&i| counts[i]);
        match next {
            Some(i) => cells[i] = Cell::Hidden,
            None => break,
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gender() -> IdentityQuestion {
        IdentityQuestion {
            id: 1,
            program_id: 1,
            key: "gender".into(),
            question: "What is your gender?".into(),
            choices: vec!["Woman".into(), "Man".into(), "Non-binary".into()],
        }
    }

    #[test]
    fn answers_are_one_of_the_choices_or_prefer_not_to_say_or_blank() {
        let q = gender();
        assert_eq!(q.check_answer(" woman "), Ok(Some("Woman".into())));
        assert_eq!(q.check_answer("prefer not to say"), Ok(Some(PREFER_NOT_TO_SAY.into())));
        assert_eq!(q.check_answer(""), Ok(None));
        let refused = q.check_answer("female").unwrap_err();
        assert!(refused.contains("Woman, Man, Non-binary, Prefer not to say"), "{refused}");
    }

    #[test]
    fn a_new_question_needs_a_free_short_name_and_two_distinct_choices() {
        let (key, _, choices) =
            new_question("Gender", "What is your gender?", "Woman\nMan\n\nPrefer not to say").unwrap();
        assert_eq!(key, "gender");
        assert_eq!(choices, ["Woman", "Man"], "prefer not to say is offered anyway");
        assert!(new_question("department", "Dept?", "a\nb").unwrap_err().contains("already a profile field"));
        assert!(new_question("first generation", "?", "a\nb").unwrap_err().contains("lowercase letters"));
        assert!(new_question("urm", "Underrepresented?", "Yes").unwrap_err().contains("2 to 20 choices"));
        assert!(new_question("urm", "Underrepresented?", "Yes\nyes").unwrap_err().contains("listed twice"));
    }

    #[test]
    fn small_counts_are_hidden_and_one_hidden_cell_takes_the_next_smallest_with_it() {
        use Cell::*;
        assert_eq!(suppressed(&[30, 12, 0]), vec![Count(30), Count(12), Count(0)]);
        // 3 alone would be the total (45) minus 30 and 12: the 12 is hidden with it.
        assert_eq!(suppressed(&[30, 12, 3]), vec![Count(30), Hidden, Hidden]);
        // Two hidden cells adding up to 7 would still say too much: a third goes with them.
        assert_eq!(suppressed(&[30, 2, 5]), vec![Hidden, Hidden, Hidden]);
        // Two cells of 1 beside a total of 32 would be known exactly.
        assert_eq!(suppressed(&[30, 1, 1, 0]), vec![Hidden, Hidden, Hidden, Count(0)]);
        assert_eq!(suppressed(&[30, 20, 15]), vec![Count(30), Count(20), Count(15)]);
        assert_eq!(suppressed(&[4]), vec![Hidden]);
        assert_eq!(Hidden.to_string(), "<11");
    }
}
