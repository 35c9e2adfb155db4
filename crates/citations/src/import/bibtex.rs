//! BibTeX, read by hand: `@type{key, field = {value}, ...}` with nested braces,
//! quoted values, `@string` macros and `#` concatenation.
//!
//! The `biblatex` crate was considered: it rejects common real exports (a
//! volume of `314-316`, an empty `day`) and reports positions poorly, and an
//! import must accept what Zotero and Google Scholar write and name the line
//! when it cannot.

use std::collections::HashMap;

use super::{Draft, Format, ImportError, year_in};
use crate::{Work, WorkKind};

/// One value may not grow past this through `@string` concatenation; doubling
/// macros would otherwise turn a small file into gigabytes.
const MAX_VALUE_BYTES: usize = 1 << 20;
/// All `@string` definitions together may not grow past this.
const MAX_MACRO_BYTES: usize = 8 << 20;

/// Parses BibTeX text into works, in file order.
pub fn parse_bibtex(text: &str) -> Result<Vec<Work>, ImportError> {
    Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        lines: LineCounter::default(),
        macros: HashMap::new(),
        macro_bytes: 0,
    }
    .run()
}

/// Turns byte offsets into line numbers, counting forward from the last
/// offset asked about, so a whole pass stays linear.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: usize,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], offset: usize) -> usize {
        if offset < self.offset {
            *self = LineCounter::default();
        }
        let span = bytes.get(self.offset..offset).unwrap_or_default();
        self.line += span.iter().filter(|&&b| b == b'\n').count();
        self.offset = offset;
        self.line + 1
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    lines: LineCounter,
    /// `@string` macros, keyed in lower case as BibTeX ignores their case.
    macros: HashMap<String, String>,
    macro_bytes: usize,
}

/// Characters of entry types, field names and macro names.
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_-:.+/'".contains(&b)
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn line(&mut self) -> usize {
        self.lines.line_at(self.bytes, self.pos)
    }

    fn line_of(&mut self, offset: usize) -> usize {
        self.lines.line_at(self.bytes, offset)
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// The text between two byte offsets; both always sit next to ASCII
    /// delimiters, so they are character boundaries.
    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or_default()
    }

    fn take_name(&mut self) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(is_name_byte) {
            self.pos += 1;
        }
        self.slice(start, self.pos)
    }

    fn malformed(&mut self, problem: String) -> ImportError {
        ImportError::Malformed { format: Format::Bibtex, line: self.line(), problem }
    }

    fn truncated(&mut self, entry_start: usize, missing: String) -> ImportError {
        ImportError::Truncated { format: Format::Bibtex, line: self.line_of(entry_start), missing }
    }

    /// What is at the cursor, in words, for "expected X, found Y".
    fn found(&self) -> String {
        match self.text.get(self.pos..).and_then(|rest| rest.chars().next()) {
            None => "the end of the file".into(),
            Some(c) if c.is_whitespace() => "a space".into(),
            Some(c) => format!("{c:?}"),
        }
    }

    fn run(mut self) -> Result<Vec<Work>, ImportError> {
        let mut works = Vec::new();
        // Outside entries everything is a comment, as in BibTeX itself.
        while let Some(at) = self.bytes.get(self.pos..).and_then(|rest| rest.iter().position(|&b| b == b'@')) {
            let entry_start = self.pos + at;
            self.pos = entry_start + 1;
            self.skip_whitespace();
            let entry_type = self.take_name().to_ascii_lowercase();
            if entry_type.is_empty() {
                continue; // an "@" in comment text
            }
            self.skip_whitespace();
            let close = match self.peek() {
                Some(b'{') => b'}',
                Some(b'(') => b')',
                _ => {
                    let found = self.found();
                    return Err(self.malformed(format!("\"@{entry_type}\" must be followed by \"{{\", found {found}")));
                }
            };
            self.pos += 1;
            match entry_type.as_str() {
                "comment" | "preamble" => self.skip_to_close(entry_start, close)?,
                "string" => self.read_string_definition(entry_start, close)?,
                _ => works.push(self.read_entry(&entry_type, entry_start, close)?),
            }
        }
        Ok(works)
    }

    /// Skips to the delimiter closing an `@comment` or `@preamble`.
    fn skip_to_close(&mut self, entry_start: usize, close: u8) -> Result<(), ImportError> {
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'{' => depth += 1,
                b'}' if depth > 0 => depth -= 1,
                _ if b == close && depth == 0 => return Ok(()),
                _ => {}
            }
        }
        Err(self.truncated(entry_start, format!("its closing {:?} is missing", char::from(close))))
    }

    fn read_string_definition(&mut self, entry_start: usize, close: u8) -> Result<(), ImportError> {
        self.skip_whitespace();
        let name = self.take_name().to_ascii_lowercase();
        if name.is_empty() {
            let found = self.found();
            return Err(self.malformed(format!("expected a macro name after \"@string{{\", found {found}")));
        }
        self.skip_whitespace();
        if self.peek() != Some(b'=') {
            let found = self.found();
            return Err(self.malformed(format!("expected \"=\" after the macro name {name}, found {found}")));
        }
        self.pos += 1;
        let value = self.read_value(entry_start, &name)?;
        self.skip_whitespace();
        match self.peek() {
            Some(b) if b == close => self.pos += 1,
            None => {
                return Err(self.truncated(entry_start, format!("its closing {:?} is missing", char::from(close))));
            }
            Some(_) => {
                let found = self.found();
                return Err(self.malformed(format!(
                    "expected the @string definition of {name} to end with {:?}, found {found}",
                    char::from(close)
                )));
            }
        }
        self.macro_bytes += value.len();
        if self.macro_bytes > MAX_MACRO_BYTES {
            return Err(
                self.malformed("the @string macros expand to more text than any real bibliography holds".into())
            );
        }
        self.macros.insert(name, value);
        Ok(())
    }

    fn read_entry(&mut self, entry_type: &str, entry_start: usize, close: u8) -> Result<Work, ImportError> {
        let missing_close = format!("its closing {:?} is missing", char::from(close));
        self.skip_whitespace();
        // The citation key; absent when a field name comes straight after the brace.
        let key_start = self.pos;
        while self.peek().is_some_and(|b| !b",={}()".contains(&b) && !b.is_ascii_whitespace()) {
            self.pos += 1;
        }
        self.skip_whitespace();
        match self.peek() {
            Some(b',') => self.pos += 1,
            Some(b'=') => self.pos = key_start,
            Some(b) if b == close => {}
            None => return Err(self.truncated(entry_start, missing_close)),
            Some(_) => {
                let found = self.found();
                return Err(self.malformed(format!("expected \",\" after the citation key, found {found}")));
            }
        }

        let mut fields: HashMap<String, String> = HashMap::new();
        loop {
            self.skip_whitespace();
            match self.peek() {
                None => return Err(self.truncated(entry_start, missing_close)),
                Some(b) if b == close => {
                    self.pos += 1;
                    break;
                }
                Some(b'@') => {
                    let next = self.line();
                    return Err(
                        self.truncated(entry_start, format!("{missing_close} before the next entry on line {next}"))
                    );
                }
                Some(_) => {}
            }
            let name = self.take_name().to_ascii_lowercase();
            if name.is_empty() {
                let found = self.found();
                return Err(self.malformed(format!("expected a field such as title = {{...}}, found {found}")));
            }
            self.skip_whitespace();
            if self.peek() != Some(b'=') {
                if self.peek().is_none() {
                    return Err(self.truncated(entry_start, missing_close));
                }
                let found = self.found();
                return Err(self.malformed(format!("expected \"=\" after the field name {name}, found {found}")));
            }
            self.pos += 1;
            let value = self.read_value(entry_start, &name)?;
            // BibTeX keeps the first of repeated fields.
            fields.entry(name.clone()).or_insert(value);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b) if b == close => {}
                None => return Err(self.truncated(entry_start, missing_close)),
                Some(_) => {
                    let found = self.found();
                    return Err(self.malformed(format!(
                        "expected \",\" or {:?} after the value of {name}, found {found}",
                        char::from(close)
                    )));
                }
            }
        }
        let line = self.line_of(entry_start);
        draft_from_fields(entry_type, line, &fields).finish()
    }

    /// A value: braced, quoted, a number or a macro name, joined by `#`.
    fn read_value(&mut self, entry_start: usize, field: &str) -> Result<String, ImportError> {
        let mut value = String::new();
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some(b'{') => {
                    let start = self.pos + 1;
                    let end = self.find_closing_brace(start).ok_or_else(|| {
                        self.truncated(entry_start, format!("the value of {field} never closes its \"{{\""))
                    })?;
                    value.push_str(self.slice(start, end));
                    self.pos = end + 1;
                }
                Some(b'"') => {
                    let start = self.pos + 1;
                    let end = self.find_closing_quote(start).ok_or_else(|| {
                        self.truncated(entry_start, format!("the value of {field} never closes its '\"'"))
                    })?;
                    value.push_str(self.slice(start, end));
                    self.pos = end + 1;
                }
                Some(b) if b.is_ascii_digit() => {
                    let start = self.pos;
                    while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                        self.pos += 1;
                    }
                    value.push_str(self.slice(start, self.pos));
                }
                Some(b) if is_name_byte(b) => {
                    let name = self.take_name().to_ascii_lowercase();
                    match self.macros.get(&name).map(String::as_str).or_else(|| month_macro(&name)) {
                        Some(expansion) => value.push_str(expansion),
                        None => {
                            return Err(self.malformed(format!(
                                "the value of {field} is the undefined @string macro {name}; \
                                 put the value in braces or define the macro with @string"
                            )));
                        }
                    }
                }
                None => return Err(self.truncated(entry_start, format!("the value of {field} is missing"))),
                Some(_) => {
                    let found = self.found();
                    return Err(
                        self.malformed(format!("expected the value of {field} in braces or quotes, found {found}"))
                    );
                }
            }
            if value.len() > MAX_VALUE_BYTES {
                return Err(self.malformed(format!("the value of {field} is too long")));
            }
            self.skip_whitespace();
            if self.peek() == Some(b'#') {
                self.pos += 1;
            } else {
                return Ok(value);
            }
        }
    }

    /// The offset of the `}` matching an already-opened `{` before `start`.
    fn find_closing_brace(&self, start: usize) -> Option<usize> {
        let mut depth = 0usize;
        for (offset, &b) in self.bytes.get(start..)?.iter().enumerate() {
            match b {
                b'{' => depth += 1,
                b'}' if depth == 0 => return Some(start + offset),
                b'}' => depth -= 1,
                _ => {}
            }
        }
        None
    }

    /// The offset of the `"` ending a quoted value; quotes inside braces do not count.
    fn find_closing_quote(&self, start: usize) -> Option<usize> {
        let mut depth = 0usize;
        for (offset, &b) in self.bytes.get(start..)?.iter().enumerate() {
            match b {
                b'{' => depth += 1,
                b'}' => depth = depth.saturating_sub(1),
                b'"' if depth == 0 => return Some(start + offset),
                _ => {}
            }
        }
        None
    }
}

/// BibTeX's predefined month macros.
fn month_macro(name: &str) -> Option<&'static str> {
    const MONTHS: [(&str, &str); 12] = [
        ("jan", "January"),
        ("feb", "February"),
        ("mar", "March"),
        ("apr", "April"),
        ("may", "May"),
        ("jun", "June"),
        ("jul", "July"),
        ("aug", "August"),
        ("sep", "September"),
        ("oct", "October"),
        ("nov", "November"),
        ("dec", "December"),
    ];
    MONTHS.iter().find(|(short, _)| *short == name).map(|(_, long)| *long)
}

fn kind_of(entry_type: &str) -> WorkKind {
    match entry_type {
        "article" => WorkKind::Article,
        "book" | "booklet" | "proceedings" | "mvbook" => WorkKind::Book,
        "inbook" | "incollection" | "bookinbook" => WorkKind::Chapter,
        "inproceedings" | "conference" => WorkKind::ConferencePaper,
        _ => WorkKind::Other,
    }
}

fn draft_from_fields(entry_type: &str, line: usize, fields: &HashMap<String, String>) -> Draft {
    let raw = |names: &[&str]| names.iter().find_map(|name| fields.get(*name).filter(|v| !v.trim().is_empty()));
    let text = |names: &[&str]| raw(names).map(|value| latex_to_text(value));
    let mut draft = Draft::new(Format::Bibtex, line);
    draft.kind = kind_of(entry_type);
    draft.title = text(&["title"]);
    draft.venue = text(&["journal", "journaltitle", "booktitle"]);
    if draft.venue.is_none() && draft.kind == WorkKind::Book {
        draft.venue = text(&["publisher"]);
    }
    draft.year = raw(&["year", "date"]).and_then(|date| year_in(date));
    draft.authors = raw(&["author"])
        .map(|authors| {
            split_names(authors)
                .into_iter()
                .map(latex_to_text)
                .filter(|name| !name.eq_ignore_ascii_case("others"))
                .collect()
        })
        .unwrap_or_default();
    draft.doi = text(&["doi"]);
    let pubmed_eprint = raw(&["eprinttype"]).is_some_and(|kind| kind.trim().eq_ignore_ascii_case("pubmed"));
    draft.pmid = text(&["pmid"]).or_else(|| if pubmed_eprint { text(&["eprint"]) } else { None });
    draft.pmcid = text(&["pmcid"]);
    draft
}

/// Splits an author list on the word `and` outside braces (`{Smith and Sons}` is one name).
fn split_names(authors: &str) -> Vec<&str> {
    let bytes = authors.as_bytes();
    let mut names = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        let is_and = depth == 0
            && bytes[i].is_ascii_whitespace()
            && bytes.get(i + 1..i + 4).is_some_and(|word| word.eq_ignore_ascii_case(b"and"))
            && bytes.get(i + 4).is_some_and(|b| b.is_ascii_whitespace());
        if is_and {
            names.push(authors.get(start..i).unwrap_or_default().trim());
            start = i + 4;
            i += 4;
        } else {
            i += 1;
        }
    }
    names.push(authors.get(start..).unwrap_or_default().trim());
    names
}

/// Accented letters: (accent command, plain letters, the same letters accented).
const ACCENTS: &[(char, &str, &str)] = &[
    ('\'', "aeiouyAEIOUYcnszCNSZ", "áéíóúýÁÉÍÓÚÝćńśźĆŃŚŹ"),
    ('`', "aeiouAEIOU", "àèìòùÀÈÌÒÙ"),
    ('^', "aeiouAEIOU", "âêîôûÂÊÎÔÛ"),
    ('"', "aeiouyAEIOU", "äëïöüÿÄËÏÖÜ"),
    ('~', "anoANO", "ãñõÃÑÕ"),
    ('c', "cCsS", "çÇşŞ"),
    ('v', "csznrCSZNRe", "čšžňřČŠŽŇŘě"),
];

fn accented(accent: char, letter: char) -> char {
    ACCENTS
        .iter()
        .find(|(command, _, _)| *command == accent)
        .and_then(|(_, plain, marked)| {
            let index = plain.chars().position(|c| c == letter)?;
            marked.chars().nth(index)
        })
        .unwrap_or(letter)
}

/// Plain text from a BibTeX value: case-protecting braces dropped, common
/// accents and escapes turned into characters, formatting commands removed.
pub(crate) fn latex_to_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '}' | '$' => {}
            '~' => out.push(' '),
            '\\' => match chars.peek().copied() {
                Some(accent @ ('\'' | '`' | '^' | '"' | '~' | '=' | '.')) => {
                    chars.next();
                    if let Some(letter) = accent_target(&mut chars) {
                        out.push(accented(accent, letter));
                    }
                }
                Some(next) if next.is_ascii_alphabetic() => {
                    let mut command = String::new();
                    while let Some(&letter) = chars.peek().filter(|c| c.is_ascii_alphabetic()) {
                        command.push(letter);
                        chars.next();
                    }
                    match command.as_str() {
                        "c" | "v" | "u" | "H" | "k" | "r" => {
                            if let Some(letter) = accent_target(&mut chars) {
                                let accent = command.chars().next().unwrap_or(' ');
                                out.push(accented(accent, letter));
                            }
                        }
                        "ss" => out.push('ß'),
                        "o" => out.push('ø'),
                        "O" => out.push('Ø'),
                        "ae" => out.push('æ'),
                        "AE" => out.push('Æ'),
                        "l" => out.push('ł'),
                        "L" => out.push('Ł'),
                        "i" => out.push('i'),
                        "textit" | "textbf" | "emph" | "textsc" | "textrm" | "mathrm" | "it" | "bf" | "em" | "sc"
                        | "rm" | "textup" | "textsuperscript" | "textsubscript" => {}
                        other => out.push_str(other),
                    }
                    // TeX swallows the space ending a control word: `J\o rgen`.
                    if chars.peek() == Some(&' ') {
                        chars.next();
                    }
                }
                Some(escaped) => {
                    chars.next();
                    out.push(if escaped == '\\' { ' ' } else { escaped });
                }
                None => {}
            },
            _ => out.push(c),
        }
    }
    super::clean_spaces(&out)
}

/// The letter an accent command applies to: `\'e`, `\'{e}`, `\c c`, `\'{\i}`.
fn accent_target(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<char> {
    while chars.peek().is_some_and(|c| *c == '{' || *c == ' ') {
        chars.next();
    }
    match chars.next()? {
        '\\' => chars.next(),
        letter => Some(letter),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latex_accents_and_braces_become_plain_text() {
        assert_eq!(latex_to_text(r#"M{\"u}ller, J{\'e}r{\^o}me"#), "Müller, Jérôme");
        assert_eq!(latex_to_text(r"{COVID-19} in \emph{Health} \& Care"), "COVID-19 in Health & Care");
        assert_eq!(latex_to_text(r"Fran\c{c}ois {\v S}imek Gar\'{\i}a"), "François Šimek Garía");
    }

    #[test]
    fn authors_split_on_and_outside_braces() {
        assert_eq!(
            split_names("Smith, Jane and {Barnes and Noble} AND Doe, J."),
            vec!["Smith, Jane", "{Barnes and Noble}", "Doe, J."]
        );
    }
}
