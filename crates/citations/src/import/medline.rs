//! PubMed MEDLINE (`.nbib`): `PMID- 123`, tags padded to four characters,
//! continuation lines indented six spaces, records separated by blank lines.

use super::{Draft, Format, ImportError, quote_line, year_in};
use crate::{Work, WorkKind};

/// The tag and value of a MEDLINE field line, e.g. `("FAU", "Smith, Jane")`.
fn field_of(line: &str) -> Option<(&str, &str)> {
    let tag = line.get(..4)?.trim_end();
    let after = line.get(4..)?;
    let value = after.strip_prefix("- ").or_else(|| (after == "-").then_some(""))?;
    let tag_ok = !tag.is_empty() && tag.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    tag_ok.then_some((tag, value))
}

struct OpenRecord {
    line: usize,
    fields: Vec<(String, String)>,
}

/// Parses MEDLINE text into works.
pub fn parse_medline(text: &str) -> Result<Vec<Work>, ImportError> {
    let malformed = |line: usize, problem: String| ImportError::Malformed { format: Format::Medline, line, problem };
    let mut works = Vec::new();
    let mut open: Option<OpenRecord> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            if let Some(record) = open.take() {
                works.push(finish(record)?);
            }
            continue;
        }
        if line.starts_with("      ") {
            let Some((_, value)) = open.as_mut().and_then(|record| record.fields.last_mut()) else {
                return Err(malformed(number, "an indented continuation line comes before any field".into()));
            };
            value.push(' ');
            value.push_str(line.trim());
            continue;
        }
        let Some((tag, value)) = field_of(line) else {
            return Err(malformed(
                number,
                format!(
                    "expected a field such as \"TI  - Title\" (a tag padded to four \
                     characters, then \"- \"), found {}",
                    quote_line(line)
                ),
            ));
        };
        if tag == "PMID" {
            // A record with no blank line after it still ends where the next begins.
            if let Some(record) = open.take() {
                works.push(finish(record)?);
            }
            open = Some(OpenRecord { line: number, fields: Vec::new() });
        }
        let Some(record) = open.as_mut() else {
            return Err(malformed(
                number,
                format!("a MEDLINE record starts with \"PMID- \", found {}", quote_line(line)),
            ));
        };
        record.fields.push((tag.to_string(), value.trim().to_string()));
    }
    if let Some(record) = open.take() {
        works.push(finish(record)?);
    }
    Ok(works)
}

fn finish(record: OpenRecord) -> Result<Work, ImportError> {
    let first = |tag: &str| -> Option<String> {
        record.fields.iter().find(|(t, v)| t == tag && !v.is_empty()).map(|(_, v)| v.clone())
    };
    let all =
        |tag: &str| -> Vec<String> { record.fields.iter().filter(|(t, _)| t == tag).map(|(_, v)| v.clone()).collect() };
    let mut draft = Draft::new(Format::Medline, record.line);
    draft.pmid = first("PMID");
    let book_title = first("BTI");
    draft.kind = match (first("TI"), &book_title) {
        (Some(title), Some(_)) => {
            draft.title = Some(title);
            draft.venue = book_title.clone();
            WorkKind::Chapter
        }
        (None, Some(book)) => {
            draft.title = Some(book.clone());
            draft.venue = first("PB");
            WorkKind::Book
        }
        (title, None) => {
            draft.title = title;
            draft.venue = first("JT").or_else(|| first("TA"));
            let congress = all("PT").iter().any(|pt| pt.contains("Congress"));
            if congress { WorkKind::ConferencePaper } else { WorkKind::Article }
        }
    };
    draft.year = first("DP").and_then(|date| year_in(&date));
    // Full names when PubMed has them ("Smith, Jane A"), else the short form ("Smith JA").
    let full_names = all("FAU");
    draft.authors = if full_names.is_empty() { all("AU") } else { full_names };
    draft.doi = ["AID", "LID"]
        .iter()
        .find_map(|tag| all(tag).iter().find_map(|id| id.strip_suffix("[doi]").map(|doi| doi.trim().to_string())));
    draft.pmcid = first("PMC");
    draft.finish()
}
