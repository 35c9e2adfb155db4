//! Reading export files: BibTeX, RIS and PubMed MEDLINE, into [`Work`]s.
//!
//! Every parser is all-or-nothing: one bad record makes the whole file an
//! error that names the line, so the app never saves half a file.

mod bibtex;
mod medline;
mod ris;

use std::fmt;

pub use bibtex::parse_bibtex;
pub use medline::parse_medline;
pub use ris::parse_ris;

use crate::identifier::{IdError, shorten};
use crate::{Doi, Pmcid, Pmid, Work, WorkKind};

/// The export formats we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `@article{key, title = {...}}`, from Google Scholar, Zotero, JabRef...
    Bibtex,
    /// `TY  - JOUR` ... `ER  - `, from Zotero, EndNote, Mendeley, publishers.
    Ris,
    /// PubMed's "MEDLINE" / `.nbib` export: `PMID- 123`, `TI  - ...`.
    Medline,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Bibtex => "BibTeX",
            Format::Ris => "RIS",
            Format::Medline => "PubMed (MEDLINE)",
        })
    }
}

/// Why a file could not be imported. Every message is meant for the member who
/// uploaded it: it names the line and says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error(
        "the file is not UTF-8 text (the first byte that is not is at offset {byte_offset}, \
         on line {line}); export it again as UTF-8"
    )]
    NotUtf8 { byte_offset: usize, line: usize },
    #[error("the file is empty")]
    Empty,
    #[error(
        "the file is not in a format we can read: we read BibTeX (entries like @article{{...}}), \
         RIS (records starting with \"TY  - \") and PubMed MEDLINE (records starting with \"PMID- \")"
    )]
    UnknownFormat,
    #[error("the {format} file holds no records")]
    NoRecords { format: Format },
    #[error(
        "the {format} record starting on line {line} is incomplete: {missing}; \
         was the file cut short? Export it again"
    )]
    Truncated { format: Format, line: usize, missing: String },
    #[error("line {line} of the {format} file: {problem}")]
    Malformed { format: Format, line: usize, problem: String },
    #[error("the {format} record starting on line {line} has no title")]
    MissingTitle { format: Format, line: usize },
    #[error("the {format} record starting on line {line} has a bad identifier: {source}")]
    BadIdentifier { format: Format, line: usize, source: IdError },
}

impl ImportError {
    /// The line the error is about, when there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            ImportError::NotUtf8 { line, .. }
            | ImportError::Truncated { line, .. }
            | ImportError::Malformed { line, .. }
            | ImportError::MissingTitle { line, .. }
            | ImportError::BadIdentifier { line, .. } => Some(*line),
            ImportError::Empty | ImportError::UnknownFormat | ImportError::NoRecords { .. } => None,
        }
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The file as text: UTF-8, with a leading byte-order mark removed.
pub fn decode_text(bytes: &[u8]) -> Result<&str, ImportError> {
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    std::str::from_utf8(body).map_err(|error| {
        let byte_offset = error.valid_up_to() + (bytes.len() - body.len());
        let before = bytes.get(..byte_offset).unwrap_or(bytes);
        ImportError::NotUtf8 { byte_offset, line: line_count(before) + 1 }
    })
}

fn line_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// Guesses the format from the first line that only one format could start with.
/// Text before it (a BibTeX comment, an RIS provider header) is allowed.
pub fn detect_format(bytes: &[u8]) -> Option<Format> {
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    // Detection reads what is valid UTF-8; decoding later reports the rest.
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(error) => std::str::from_utf8(body.get(..error.valid_up_to()).unwrap_or_default()).unwrap_or_default(),
    };
    text.lines().find_map(|line| {
        if ris::tag_of(line) == Some("TY") {
            Some(Format::Ris)
        } else if line.starts_with("PMID-") {
            Some(Format::Medline)
        } else {
            let rest = line.trim_start().strip_prefix('@')?;
            rest.starts_with(|c: char| c.is_ascii_alphabetic()).then_some(Format::Bibtex)
        }
    })
}

/// Decodes, detects and parses a whole export file.
///
/// Returns every work in file order, or the first error: never a partial list.
pub fn parse_any(bytes: &[u8]) -> Result<Vec<Work>, ImportError> {
    let text = decode_text(bytes)?;
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let format = detect_format(bytes).ok_or(ImportError::UnknownFormat)?;
    let works = match format {
        Format::Bibtex => parse_bibtex(text)?,
        Format::Ris => parse_ris(text)?,
        Format::Medline => parse_medline(text)?,
    };
    if works.is_empty() {
        return Err(ImportError::NoRecords { format });
    }
    Ok(works)
}

/// One record's fields as read, before validation; each parser fills one and
/// [`Draft::finish`] turns it into a [`Work`] or an error naming its line.
#[derive(Debug)]
pub(crate) struct Draft {
    pub format: Format,
    pub line: usize,
    pub kind: WorkKind,
    pub title: Option<String>,
    pub venue: Option<String>,
    pub year: Option<u16>,
    pub authors: Vec<String>,
    pub doi: Option<String>,
    pub pmid: Option<String>,
    pub pmcid: Option<String>,
}

impl Draft {
    pub fn new(format: Format, line: usize) -> Draft {
        Draft {
            format,
            line,
            kind: WorkKind::Other,
            title: None,
            venue: None,
            year: None,
            authors: Vec::new(),
            doi: None,
            pmid: None,
            pmcid: None,
        }
    }

    pub fn finish(self) -> Result<Work, ImportError> {
        let bad_id = |source: IdError| ImportError::BadIdentifier { format: self.format, line: self.line, source };
        let title = self
            .title
            .as_deref()
            .map(clean_spaces)
            .filter(|title| !title.is_empty())
            .ok_or(ImportError::MissingTitle { format: self.format, line: self.line })?;
        let doi = self.doi.as_deref().map(Doi::parse).transpose().map_err(bad_id)?;
        let pmid = self.pmid.as_deref().map(Pmid::parse).transpose().map_err(bad_id)?;
        let pmcid = self.pmcid.as_deref().map(Pmcid::parse).transpose().map_err(bad_id)?;
        Ok(Work {
            kind: self.kind,
            title,
            venue: self.venue.as_deref().map(clean_spaces).filter(|v| !v.is_empty()),
            year: self.year,
            authors: self.authors.iter().map(|name| clean_spaces(name)).filter(|name| !name.is_empty()).collect(),
            doi,
            pmid,
            pmcid,
        })
    }
}

/// Runs of whitespace (line breaks in wrapped fields) become one space.
pub(crate) fn clean_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first run of exactly four digits, read as a year: `2021 Mar`, `2021/03/15/`, `{2021}`.
pub(crate) fn year_in(text: &str) -> Option<u16> {
    text.split(|c: char| !c.is_ascii_digit()).find(|run| run.len() == 4).and_then(|run| run.parse().ok())
}

/// A line quoted in an error message, kept short.
pub(crate) fn quote_line(line: &str) -> String {
    format!("{:?}", shorten(line.trim_end(), 60))
}
