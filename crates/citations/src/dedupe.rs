//! Finding works that are already recorded, by DOI or PubMed ID.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::Work;

/// What two works must share to be the same work.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DedupeKey {
    /// The DOI in lower case, as DOIs ignore case.
    Doi(String),
    Pmid(u32),
}

/// The keys of a work: its DOI, then its PubMed ID, each if known.
pub fn dedupe_keys(work: &Work) -> Vec<DedupeKey> {
    let doi = work.doi.as_ref().map(|doi| DedupeKey::Doi(doi.key()));
    let pmid = work.pmid.map(|pmid| DedupeKey::Pmid(pmid.get()));
    doi.into_iter().chain(pmid).collect()
}

/// Where the earlier copy of a duplicate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DuplicateOf {
    /// Index into the existing works.
    Existing(usize),
    /// Index of an earlier work in the same import.
    Imported(usize),
}

/// An imported work that is already known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duplicate {
    /// Index of the duplicate in the imported works.
    pub imported: usize,
    pub of: DuplicateOf,
    /// The identifier they share.
    pub key: DedupeKey,
}

/// Reports each imported work that shares a DOI (ignoring case) or a PubMed ID
/// with an existing work or with an earlier work in the same import.
/// A work is reported once, against the first match; existing works win.
pub fn find_duplicates(existing: &[Work], imported: &[Work]) -> Vec<Duplicate> {
    let mut seen: HashMap<DedupeKey, DuplicateOf> = HashMap::new();
    for (index, work) in existing.iter().enumerate() {
        for key in dedupe_keys(work) {
            seen.entry(key).or_insert(DuplicateOf::Existing(index));
        }
    }
    let mut duplicates = Vec::new();
    for (index, work) in imported.iter().enumerate() {
        let keys = dedupe_keys(work);
        let earlier =
            keys.iter().filter_map(|key| seen.get(key).map(|of| (key.clone(), *of))).min_by_key(|(_, of)| match of {
                DuplicateOf::Existing(i) => (0, *i),
                DuplicateOf::Imported(i) => (1, *i),
            });
        match earlier {
            Some((key, of)) => duplicates.push(Duplicate { imported: index, of, key }),
            None => {
                for key in keys {
                    seen.insert(key, DuplicateOf::Imported(index));
                }
            }
        }
    }
    duplicates
}
