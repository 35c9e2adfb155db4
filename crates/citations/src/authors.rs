//! Where a member sits in a work's author list.

use serde::{Deserialize, Serialize};

/// A member's place among a work's authors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorPosition {
    /// First author (also a sole author).
    First,
    /// Last author of several, by convention the senior author.
    Senior,
    Middle,
    /// Not found, or more than one author matches.
    Unknown,
}

/// Suggests the member's position from their surname and given name.
///
/// An author matches when the surname is the same (ignoring case and common
/// accents) and, if both are known, the given names start with the same
/// letter. Reads "Smith, Jane", "Smith J", "Jane Smith" and "J. Smith".
pub fn author_position(surname: &str, given_name: &str, authors: &[String]) -> AuthorPosition {
    let surname = fold(surname);
    if surname.is_empty() {
        return AuthorPosition::Unknown;
    }
    let initial = fold(given_name).chars().next();
    let mut matches = authors.iter().enumerate().filter(|(_, author)| {
        let (author_surname, author_given) = split_name(author);
        let author_initial = author_given.chars().next();
        author_surname == surname
            && match (initial, author_initial) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    });
    let (Some((index, _)), None) = (matches.next(), matches.next()) else {
        return AuthorPosition::Unknown;
    };
    if index == 0 {
        AuthorPosition::First
    } else if index + 1 == authors.len() {
        AuthorPosition::Senior
    } else {
        AuthorPosition::Middle
    }
}

/// (surname, given names), both folded, from the usual ways names are written.
fn split_name(name: &str) -> (String, String) {
    if let Some((surname, given)) = name.split_once(',') {
        return (fold(surname), fold(given));
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.as_slice() {
        [] => (String::new(), String::new()),
        [only] => (fold(only), String::new()),
        [rest @ .., last] => {
            // MEDLINE's short form puts initials last: "Smith JA".
            let initials = last.len() <= 3 && last.chars().all(|c| c.is_uppercase());
            if initials { (fold(&rest.join(" ")), fold(last)) } else { (fold(last), fold(&rest.join(" "))) }
        }
    }
}

/// Lower case, common Latin accents removed, punctuation other than hyphens dropped.
fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' | 'č' | 'ć' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ě' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' | 'ń' | 'ň' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            'š' | 'ś' | 'ş' => 's',
            'ž' | 'ź' => 'z',
            'ř' => 'r',
            'ł' => 'l',
            other => other,
        })
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == ' ')
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn first_senior_and_middle_in_each_name_style() {
        let medline = names(&["Garcia M", "Smith JA", "Lee K"]);
        assert_eq!(author_position("García", "Maria", &medline), AuthorPosition::First);
        assert_eq!(author_position("Smith", "Jane", &medline), AuthorPosition::Middle);
        assert_eq!(author_position("Lee", "Kim", &medline), AuthorPosition::Senior);
        let bibtex = names(&["Lee, Kim", "Smith, Jane A."]);
        assert_eq!(author_position("smith", "jane", &bibtex), AuthorPosition::Senior);
        let natural = names(&["Jane Smith"]);
        assert_eq!(author_position("Smith", "Jane", &natural), AuthorPosition::First);
    }

    #[test]
    fn unknown_when_absent_ambiguous_or_another_initial() {
        let authors = names(&["Smith J", "Smith JB", "Lee K"]);
        assert_eq!(author_position("Smith", "Jane", &authors), AuthorPosition::Unknown);
        assert_eq!(author_position("Jones", "Ann", &authors), AuthorPosition::Unknown);
        assert_eq!(author_position("Lee", "Anna", &authors), AuthorPosition::Unknown);
        assert_eq!(author_position("", "", &authors), AuthorPosition::Unknown);
    }
}
