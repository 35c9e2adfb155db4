//! Members' wins, read and checked: identifiers of papers and grants, and the
//! export files people download from PubMed or a reference manager.
//!
//! Pure parsing and validation, no I/O: the app hands over text or bytes and
//! gets back values or an error whose message can be shown to the member.
//! [`public`] builds requests for PubMed, NIH RePORTER and ORCID and reads
//! their answers; the app does the fetching.
//!
//! ```
//! use aspire_citations::{AwardNumber, Doi, WorkKind, parse_any};
//!
//! let doi: Doi = "https://doi.org/10.1056/NEJMoa2034577".parse()?;
//! assert_eq!(doi.to_string(), "10.1056/NEJMoa2034577");
//!
//! let award = AwardNumber::parse("5K23HL145123-03")?;
//! assert_eq!(award.activity_code(), "K23");
//! assert_eq!(award.core(), "K23 HL145123");
//!
//! let ris = b"TY  - JOUR\nTI  - Peer mentoring works\nAU  - Smith, Jane\nPY  - 2021\nER  - \n";
//! let works = parse_any(ris)?;
//! assert_eq!(works[0].kind, WorkKind::Article);
//! assert_eq!(works[0].year, Some(2021));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod authors;
mod award;
mod dedupe;
mod doi;
mod identifier;
mod import;
pub mod public;
mod pubmed;
mod work;

pub use authors::{AuthorPosition, author_position};
pub use award::AwardNumber;
pub use dedupe::{DedupeKey, Duplicate, DuplicateOf, dedupe_keys, find_duplicates};
pub use doi::Doi;
pub use identifier::{IdError, IdKind};
pub use import::{Format, ImportError, decode_text, detect_format, parse_any, parse_bibtex, parse_medline, parse_ris};
pub use public::orcid::Orcid;
pub use pubmed::{Pmcid, Pmid};
pub use work::{Work, WorkKind};
