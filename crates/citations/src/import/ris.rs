//! RIS: `TY  - JOUR`, one tagged field a line, `ER  - ` closing each record.

use super::{Draft, Format, ImportError, quote_line, year_in};
use crate::{Work, WorkKind};

/// The two-character tag of an RIS field line (`XY  - value`), if it is one.
pub(crate) fn tag_of(line: &str) -> Option<&str> {
    let bytes = line.as_bytes();
    let shape = bytes.len() >= 5
        && bytes[0].is_ascii_uppercase()
        && (bytes[1].is_ascii_uppercase() || bytes[1].is_ascii_digit())
        && &bytes[2..5] == b"  -"
        && (bytes.len() == 5 || bytes[5] == b' ');
    if shape { line.get(..2) } else { None }
}

/// A record being read: where it started and its fields in order.
struct OpenRecord {
    line: usize,
    fields: Vec<(String, String)>,
}

/// Parses RIS text into works.
pub fn parse_ris(text: &str) -> Result<Vec<Work>, ImportError> {
    let malformed = |line: usize, problem: String| ImportError::Malformed { format: Format::Ris, line, problem };
    let mut works = Vec::new();
    let mut open: Option<OpenRecord> = None;
    let mut seen_a_record = false;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let Some(tag) = tag_of(line) else {
            if line.trim().is_empty() {
                continue;
            }
            match open.as_mut().and_then(|record| record.fields.last_mut()) {
                // A wrapped value: some exporters break long abstracts.
                Some((_, value)) => {
                    value.push(' ');
                    value.push_str(line.trim());
                }
                // Exporters may put a header before the first record; after one,
                // stray text means the file is damaged.
                None if !seen_a_record => {}
                None => {
                    return Err(malformed(
                        number,
                        format!(
                            "expected a field like \"TI  - Title\" or a new record \
                             \"TY  - JOUR\", found {}",
                            quote_line(line)
                        ),
                    ));
                }
            }
            continue;
        };
        let value = line.get(5..).unwrap_or_default().trim().to_string();
        match (tag, open.take()) {
            ("TY", None) => {
                seen_a_record = true;
                open = Some(OpenRecord { line: number, fields: vec![(tag.to_string(), value)] });
            }
            ("TY", Some(record)) => {
                return Err(ImportError::Truncated {
                    format: Format::Ris,
                    line: record.line,
                    missing: format!("it has no \"ER  - \" line before the next record starts on line {number}"),
                });
            }
            ("ER", Some(record)) => works.push(finish(record)?),
            (_, None) => {
                return Err(malformed(
                    number,
                    format!("the field {} is outside a record; a record starts with \"TY  - \"", quote_line(line)),
                ));
            }
            (_, Some(mut record)) => {
                record.fields.push((tag.to_string(), value));
                open = Some(record);
            }
        }
    }
    if let Some(record) = open {
        return Err(ImportError::Truncated {
            format: Format::Ris,
            line: record.line,
            missing: "the \"ER  - \" line that ends it is missing".into(),
        });
    }
    Ok(works)
}

fn kind_of(ris_type: &str) -> WorkKind {
    match ris_type.trim().to_ascii_uppercase().as_str() {
        "JOUR" | "JFULL" | "EJOUR" | "ABST" | "MGZN" | "NEWS" | "INPR" => WorkKind::Article,
        "BOOK" | "EBOOK" | "EDBOOK" => WorkKind::Book,
        "CHAP" | "ECHAP" => WorkKind::Chapter,
        "CONF" | "CPAPER" => WorkKind::ConferencePaper,
        _ => WorkKind::Other,
    }
}

fn finish(record: OpenRecord) -> Result<Work, ImportError> {
    let first = |tags: &[&str]| -> Option<String> {
        tags.iter()
            .find_map(|tag| record.fields.iter().find(|(t, v)| t == tag && !v.is_empty()).map(|(_, v)| v.clone()))
    };
    let mut draft = Draft::new(Format::Ris, record.line);
    draft.kind = kind_of(&first(&["TY"]).unwrap_or_default());
    draft.title = first(&["TI", "T1"]);
    let mut venue_tags = vec!["JF", "JO", "T2", "JA", "J2"];
    if draft.title.is_none() && draft.kind == WorkKind::Book {
        draft.title = first(&["BT"]);
    } else {
        venue_tags.push("BT");
    }
    if draft.kind == WorkKind::Book {
        venue_tags.push("PB");
    }
    draft.venue = first(&venue_tags);
    draft.year = ["PY", "Y1", "DA"].iter().filter_map(|tag| first(&[tag])).find_map(|date| year_in(&date));
    draft.authors =
        record.fields.iter().filter(|(tag, _)| tag == "AU" || tag == "A1").map(|(_, name)| name.clone()).collect();
    draft.doi = first(&["DO"]).or_else(|| {
        // Without a DO field, a doi.org link is the DOI; another URL is not.
        record
            .fields
            .iter()
            .filter(|(tag, _)| tag == "UR")
            .find(|(_, url)| url.contains("doi.org/10."))
            .map(|(_, url)| url.clone())
    });
    // The accession number is a PubMed ID only when the database says PubMed.
    let from_pubmed = first(&["DB", "DP"]).is_some_and(|db| {
        let db = db.to_ascii_lowercase();
        db.contains("pubmed") || db.contains("medline") || db.contains("nlm")
    });
    if from_pubmed {
        draft.pmid = first(&["AN"]);
    }
    // EndNote and PubMed put the PMCID in C2.
    draft.pmcid = first(&["C2"]).filter(|value| value.get(..3).is_some_and(|head| head.eq_ignore_ascii_case("PMC")));
    draft.finish()
}
