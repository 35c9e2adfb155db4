//! Self-identified attributes a program asks about for balanced groups (gender, underrepresented
//! in medicine, first generation, ...), in the program's own words. They are sensitive: used by
//! the formation engine ("no one is the only ... in their group") and in counts that hide small
//! cells, never shown person by person.

use super::roster::COLUMNS;

/// Always offered besides a program's own choices; an answer the engine leaves out.
pub const PREFER_NOT_TO_SAY: &str = "Prefer not to say";

/// Counts from 1 to `SMALL_CELL - 1` are shown as "<11" (the CMS cell-size policy), unless
/// the program sets another threshold within `SMALL_CELL_RANGE`.
pub const SMALL_CELL: usize = 11;
pub const SMALL_CELL_RANGE: std::ops::RangeInclusive<i64> = 5..=100;

/// A program's threshold as typed: a whole number in `SMALL_CELL_RANGE`.
pub fn parse_small_cell(text: &str) -> Result<i64, String> {
    match text.trim().parse::<i64>() {
        Ok(n) if SMALL_CELL_RANGE.contains(&n) => Ok(n),
        _ => Err(format!(
            "\"{}\" is not a threshold: write a whole number from {} to {} (11 is the CMS cell-size policy).",
            text.trim(),
            SMALL_CELL_RANGE.start(),
            SMALL_CELL_RANGE.end()
        )),
    }
}

/// What people read above the questions, wherever they answer them.
pub const WHO_SEES_IT: &str = "Answering is optional. Your answers are used only to form groups in which \
    no one is the only one of their kind (for example the only woman), and in program counts that hide \
    small numbers (below 11, or a threshold the program sets, never below 5). They are never shown to your peers, facilitators or coordinators, nor on any \
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
    /// Between 1 and the threshold minus one (carried here), or hidden so that such a count
    /// cannot be worked out.
    Hidden(usize),
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cell::Count(n) => write!(f, "{n}"),
            Cell::Hidden(threshold) => write!(f, "<{threshold}"),
        }
    }
}

/// Counts that add up to a total shown beside them, with small cells hidden: every count from 1
/// to `threshold - 1`, and then, while fewer than two cells are hidden or the hidden ones add up
/// to less than `threshold`, the smallest other non-zero count too (complementary
/// suppression): the total minus the shown counts never gives a hidden cell away, nor two hidden
/// cells of 1.
pub fn suppressed(counts: &[usize], threshold: usize) -> Vec<Cell> {
    let mut hidden: Vec<bool> = counts.iter().map(|&n| n > 0 && n < threshold).collect();
    protect_line(counts, &mut hidden, None, threshold);
    cells(counts, &hidden, threshold)
}

fn cells(counts: &[usize], hidden: &[bool], threshold: usize) -> Vec<Cell> {
    counts.iter().zip(hidden).map(|(&n, &h)| if h { Cell::Hidden(threshold) } else { Cell::Count(n) }).collect()
}

/// Makes one line (entries that add up to a total) safe: no hidden entry may be worked out
/// from the others. `total` is the index of the line's own total among `counts` when it is one
/// of them (and may itself be hidden), or None for a total always shown. Returns whether it hid
/// anything.
fn protect_line(counts: &[usize], hidden: &mut [bool], total: Option<usize>, threshold: usize) -> bool {
    let mut changed = false;
    loop {
        let hidden_here: Vec<usize> = (0..counts.len()).filter(|&i| hidden[i]).collect();
        let total_hidden = total.is_some_and(|t| hidden[t]);
        let hidden_sum: usize = hidden_here.iter().filter(|&&i| Some(i) != total).map(|&i| counts[i]).sum();
        let safe = hidden_here.is_empty() || (hidden_here.len() >= 2 && (total_hidden || hidden_sum >= threshold));
        if safe {
            return changed;
        }
        let next = (0..counts.len()).filter(|&i| counts[i] > 0 && !hidden[i]).min_by_key(|&i| counts[i]);
        match next {
            Some(i) => {
                hidden[i] = true;
                changed = true;
            }
            None => return changed,
        }
    }
}

/// A table of counts with its row totals, column totals and grand total, small cells hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuppressedTable {
    pub cells: Vec<Vec<Cell>>,
    pub row_totals: Vec<Cell>,
    pub column_totals: Vec<Cell>,
    pub total: Cell,
}

/// A cross-tabulation with small cells hidden, and then, until nothing changes, more hidden in
/// every row, column and line of totals that would otherwise give a hidden count away (a single
/// unknown in a line that adds up, or hidden counts that add up to less than the threshold under
/// a total that is shown). `row_totals_known`: who reads the table knows each row's total and
/// who is in it already (as a coordinator knows which scholars work in research), so row totals
/// are shown and each row is protected as a line whose total is public. Last, a zero beside a
/// hidden count is hidden too: "0 elsewhere in this row" would say where the hidden people are.
pub fn suppressed_table(rows: &[Vec<usize>], threshold: usize, row_totals_known: bool) -> SuppressedTable {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let at = |r: usize, c: usize| rows[r].get(c).copied().unwrap_or(0);
    let row_totals: Vec<usize> = (0..rows.len()).map(|r| (0..width).map(|c| at(r, c)).sum()).collect();
    let column_totals: Vec<usize> = (0..width).map(|c| (0..rows.len()).map(|r| at(r, c)).sum()).collect();
    let total: usize = row_totals.iter().sum();
    let small = |n: usize| n > 0 && n < threshold;
    let mut cell_hidden: Vec<Vec<bool>> =
        (0..rows.len()).map(|r| (0..width).map(|c| small(at(r, c))).collect()).collect();
    let mut row_hidden: Vec<bool> = row_totals.iter().map(|&n| !row_totals_known && small(n)).collect();
    let mut column_hidden: Vec<bool> = column_totals.iter().map(|&n| small(n)).collect();
    let mut total_hidden = !row_totals_known && small(total);
    loop {
        let mut changed = false;
        // Each row with its total (a public one when row totals are known).
        for r in 0..rows.len() {
            let mut counts: Vec<usize> = (0..width).map(|c| at(r, c)).collect();
            let mut hidden: Vec<bool> = cell_hidden[r].clone();
            let own_total = if row_totals_known {
                None
            } else {
                counts.push(row_totals[r]);
                hidden.push(row_hidden[r]);
                Some(width)
            };
            if protect_line(&counts, &mut hidden, own_total, threshold) {
                changed = true;
                if own_total.is_some() {
                    row_hidden[r] = hidden[width];
                }
                hidden.truncate(width);
                cell_hidden[r] = hidden;
            }
        }
        // Each column with its total.
        for c in 0..width {
            let mut counts: Vec<usize> = (0..rows.len()).map(|r| at(r, c)).collect();
            counts.push(column_totals[c]);
            let mut hidden: Vec<bool> = (0..rows.len()).map(|r| cell_hidden[r][c]).collect();
            hidden.push(column_hidden[c]);
            if protect_line(&counts, &mut hidden, Some(rows.len()), threshold) {
                changed = true;
                column_hidden[c] = hidden[rows.len()];
                for (r, row) in cell_hidden.iter_mut().enumerate() {
                    row[c] = hidden[r];
                }
            }
        }
        // The column totals (and, unless known, the row totals) with the grand total.
        let mut lines = vec![(&column_totals, &mut column_hidden)];
        if !row_totals_known {
            lines.push((&row_totals, &mut row_hidden));
        }
        for (totals, totals_hidden) in lines {
            let mut counts = totals.clone();
            counts.push(total);
            let mut hidden = totals_hidden.clone();
            hidden.push(total_hidden);
            let last = counts.len() - 1;
            if protect_line(&counts, &mut hidden, Some(last), threshold) {
                changed = true;
                total_hidden = hidden[last];
                hidden.truncate(last);
                *totals_hidden = hidden;
            }
        }
        if !changed {
            break;
        }
    }
    // Zeros beside a hidden count, in its row and in its column, and beside a hidden total.
    let hidden_rows: Vec<bool> = (0..rows.len()).map(|r| cell_hidden[r].iter().any(|h| *h)).collect();
    let hidden_columns: Vec<bool> = (0..width).map(|c| (0..rows.len()).any(|r| cell_hidden[r][c])).collect();
    for (r, row) in cell_hidden.iter_mut().enumerate() {
        for (c, hidden) in row.iter_mut().enumerate() {
            if at(r, c) == 0 && (hidden_rows[r] || hidden_columns[c]) {
                *hidden = true;
            }
        }
    }
    if column_hidden.iter().any(|h| *h) {
        for (c, hidden) in column_hidden.iter_mut().enumerate() {
            *hidden |= column_totals[c] == 0;
        }
    }
    SuppressedTable {
        cells: (0..rows.len())
            .map(|r| cells(&(0..width).map(|c| at(r, c)).collect::<Vec<_>>(), &cell_hidden[r], threshold))
            .collect(),
        row_totals: cells(&row_totals, &row_hidden, threshold),
        column_totals: cells(&column_totals, &column_hidden, threshold),
        total: if total_hidden { Cell::Hidden(threshold) } else { Cell::Count(total) },
    }
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
        let hidden = Hidden(SMALL_CELL);
        let suppressed = |counts: &[usize]| suppressed(counts, SMALL_CELL);
        assert_eq!(suppressed(&[30, 12, 0]), vec![Count(30), Count(12), Count(0)]);
        // 3 alone would be the total (45) minus 30 and 12: the 12 is hidden with it.
        assert_eq!(suppressed(&[30, 12, 3]), vec![Count(30), hidden.clone(), hidden.clone()]);
        // Two hidden cells adding up to 7 would still say too much: a third goes with them.
        assert_eq!(suppressed(&[30, 2, 5]), vec![hidden.clone(), hidden.clone(), hidden.clone()]);
        // Two cells of 1 beside a total of 32 would be known exactly.
        assert_eq!(suppressed(&[30, 1, 1, 0]), vec![hidden.clone(), hidden.clone(), hidden.clone(), Count(0)]);
        assert_eq!(suppressed(&[30, 20, 15]), vec![Count(30), Count(20), Count(15)]);
        assert_eq!(suppressed(&[4]), vec![hidden.clone()]);
        assert_eq!(hidden.to_string(), "<11");
        assert_eq!(super::suppressed(&[4, 30], 5), vec![hidden_at(5), hidden_at(5)], "the program's threshold");
    }

    fn hidden_at(threshold: usize) -> Cell {
        Cell::Hidden(threshold)
    }

    #[test]
    fn a_table_hides_what_its_row_and_column_totals_would_give_away() {
        use Cell::*;
        // Men: 20 engaged, 4 not; women: 25 engaged, 30 not.
        let table = suppressed_table(&[vec![20, 25], vec![4, 30]], 11, false);
        let h = Hidden(11);
        // The 4 is hidden; its row (4 + 30 = 34 shown) and its column (20 + 4 = 24 shown) would
        // give it back, so the 30 and the 20 go too, and then the 25 beside them in their row
        // and column.
        assert_eq!(table.cells, vec![vec![h.clone(), h.clone()], vec![h.clone(), h.clone()]]);
        assert_eq!(table.row_totals, vec![Count(45), Count(34)]);
        assert_eq!(table.column_totals, vec![Count(24), Count(55)]);
        assert_eq!(table.total, Count(79));
        // Nothing small: nothing hidden, zeros included.
        let open = suppressed_table(&[vec![20, 25, 0], vec![14, 30, 0]], 11, false);
        assert!(open.cells.iter().flatten().all(|c| matches!(c, Count(_))));
        // Everything small: everything hidden, the total too.
        let tiny = suppressed_table(&[vec![1, 2], vec![0, 3]], 11, false);
        assert_eq!(tiny.total, h);
        assert_eq!(tiny.cells[1][0], h, "a zero beside hidden counts would say where they are not");
    }

    #[test]
    fn when_everyone_knows_who_is_in_each_row_no_row_says_how_its_people_split() {
        use Cell::*;
        let h = Hidden(11);
        // Row 2 (3 people, all known by name) has all three in one column: shown as a "<11"
        // beside zeros, the column would say who they are. Every cell of the row is hidden.
        let table = suppressed_table(&[vec![30, 0, 0], vec![0, 3, 0]], 11, true);
        assert_eq!(table.row_totals, vec![Count(30), Count(3)], "row totals are known anyway");
        assert_eq!(table.cells[1], vec![h.clone(), h.clone(), h.clone()]);
        assert!(table.cells[0].iter().all(|c| *c == h), "{:?}", table.cells[0]);
        // Big enough everywhere: shown.
        let open = suppressed_table(&[vec![30, 12], vec![15, 20]], 11, true);
        assert_eq!(open.cells, vec![vec![Count(30), Count(12)], vec![Count(15), Count(20)]]);
    }
}
