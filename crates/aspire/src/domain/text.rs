//! Text aspire can store on either database: valid UTF-8 without control characters (tab and
//! line breaks excepted). PostgreSQL refuses NUL outright and a form's invalid UTF-8 would be
//! replaced silently; both are refused here instead, naming the field.

use percent_encoding::percent_decode;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextProblem {
    #[error("the field '{field}' is not UTF-8 text: type it again, or paste it from a plain-text editor")]
    NotUtf8 { field: String },
    #[error(
        "the field '{field}' holds a control character (U+{code:04X}), which aspire cannot keep: remove it and send the form again"
    )]
    Control { field: String, code: u32 },
}

/// Checks one value.
pub fn check_text(field: &str, value: &str) -> Result<(), TextProblem> {
    match value.chars().find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        Some(c) => Err(TextProblem::Control { field: field.to_string(), code: u32::from(c) }),
        None => Ok(()),
    }
}

/// Checks every name and value of an `application/x-www-form-urlencoded` body, decoded strictly
/// (no replacement characters).
pub fn check_form(body: &[u8]) -> Result<(), TextProblem> {
    let decode = |raw: &[u8]| -> Vec<u8> {
        let spaced: Vec<u8> = raw.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
        percent_decode(&spaced).collect()
    };
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &[][..]),
        };
        let name = String::from_utf8(decode(name)).map_err(|_| TextProblem::NotUtf8 { field: "(a name)".into() })?;
        let value = String::from_utf8(decode(value)).map_err(|_| TextProblem::NotUtf8 { field: name.clone() })?;
        check_text(&name, &name)?;
        check_text(&name, &value)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_controls_and_invalid_utf8_are_named_and_line_breaks_pass() {
        assert_eq!(check_form(b"title=Hello+world&body=line%0D%0Anext%09tab"), Ok(()));
        assert_eq!(check_form("name=Ana+Mar%C3%ADa".as_bytes()), Ok(()));
        assert_eq!(
            check_form(b"title=a%00b").unwrap_err().to_string(),
            "the field 'title' holds a control character (U+0000), which aspire cannot keep: remove it and send the form again"
        );
        assert_eq!(check_form(b"x=1&place=Room%1B1"), Err(TextProblem::Control { field: "place".into(), code: 0x1b }));
        assert_eq!(check_form(b"name=%FF%FE"), Err(TextProblem::NotUtf8 { field: "name".into() }));
    }
}
