//! Enums kept in the database as short codes. Reading one is strict: a code that no enum knows
//! (a newer version's, or a hand edit) is an error that names it, never a silent default.

/// A stored code this version does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the database holds {what} '{code}', which this version of aspire does not know")]
pub struct UnknownCode {
    pub what: &'static str,
    pub code: String,
}

/// An enum kept as a code: read from the stored text, strictly.
pub trait StoredCode: Sized {
    fn from_stored(code: &str) -> Result<Self, UnknownCode>;
}

/// [`StoredCode`], and `TryFrom<String>` so the store can decode it with
/// `#[sqlx(try_from = "String")]`, for an enum with `fn from_code(&str) -> Option<Self>`.
macro_rules! decoded_from_code {
    ($type:ty, $what:literal) => {
        impl $crate::domain::code::StoredCode for $type {
            fn from_stored(code: &str) -> ::core::result::Result<Self, $crate::domain::code::UnknownCode> {
                <$type>::from_code(code)
                    .ok_or_else(|| $crate::domain::code::UnknownCode { what: $what, code: code.to_string() })
            }
        }

        impl TryFrom<String> for $type {
            type Error = $crate::domain::code::UnknownCode;

            fn try_from(code: String) -> ::core::result::Result<Self, Self::Error> {
                <Self as $crate::domain::code::StoredCode>::from_stored(&code)
            }
        }
    };
}
pub(crate) use decoded_from_code;

#[cfg(test)]
mod tests {
    use crate::domain::Visibility;
    use crate::domain::goals::GoalStatus;

    #[test]
    fn an_unknown_code_is_an_error_that_names_it_never_a_default() {
        let e = Visibility::try_from("secret".to_string()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the database holds a visibility 'secret', which this version of aspire does not know"
        );
        assert_eq!(Visibility::try_from("group".to_string()), Ok(Visibility::Group));
        assert!(GoalStatus::try_from("half".to_string()).is_err());
        assert_eq!(GoalStatus::try_from("not_met".to_string()), Ok(GoalStatus::NotMet));
    }
}
