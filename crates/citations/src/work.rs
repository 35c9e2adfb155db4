//! The common record every importer produces.

use serde::{Deserialize, Serialize};

use crate::{Doi, Pmcid, Pmid};

/// What kind of output a work is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkKind {
    Article,
    Book,
    Chapter,
    ConferencePaper,
    Other,
}

/// One paper, book or chapter, as read from an export file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Work {
    pub kind: WorkKind,
    pub title: String,
    /// The journal, proceedings or book it appeared in, or the publisher of a book.
    pub venue: Option<String>,
    pub year: Option<u16>,
    /// Author names as the file wrote them, in order ("Smith, Jane", "Smith J").
    pub authors: Vec<String>,
    pub doi: Option<Doi>,
    pub pmid: Option<Pmid>,
    pub pmcid: Option<Pmcid>,
}

impl Work {
    /// A work of `kind` with this title and nothing else known yet.
    pub fn new(kind: WorkKind, title: impl Into<String>) -> Work {
        Work {
            kind,
            title: title.into(),
            venue: None,
            year: None,
            authors: Vec::new(),
            doi: None,
            pmid: None,
            pmcid: None,
        }
    }
}
