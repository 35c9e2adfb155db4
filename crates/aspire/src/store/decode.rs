//! Rows read into the store's own types by one decoding, whichever the backend.
//!
//! On PostgreSQL the values come from sqlx's rows. On SQLite they come straight from the
//! statement ([`super::sqlite_reads`]): building sqlx's rows first (a column list per row, each
//! text copied into a shared string and copied again on decoding) cost more, on the pages read
//! most, than SQLite took to run their statements.

use rusqlite::types::ValueRef;
use sqlx::any::AnyRow;
use sqlx::error::BoxDynError;
use sqlx::{Any, Row};

use crate::domain::code::StoredCode;

/// A type the store reads rows into.
pub trait Decoded: Sized {
    fn decode(row: &impl Columns) -> Result<Self, sqlx::Error>;
}

/// A row's values, by column name.
pub trait Columns {
    fn value<V: Value>(&self, name: &str) -> Result<V, sqlx::Error>;

    /// The value of the column at `index` (from 0): for rows read as a pair.
    fn value_at<V: Value>(&self, index: usize) -> Result<V, sqlx::Error>;

    /// A value kept as text by its code (a visibility, a role).
    fn coded<T: StoredCode>(&self, name: &str) -> Result<T, sqlx::Error> {
        let code: String = self.value(name)?;
        T::from_stored(&code).map_err(|e| column_error(name, e))
    }
}

impl Columns for AnyRow {
    fn value<V: Value>(&self, name: &str) -> Result<V, sqlx::Error> {
        self.try_get(name)
    }

    fn value_at<V: Value>(&self, index: usize) -> Result<V, sqlx::Error> {
        self.try_get(index)
    }
}

impl<A: Value, B: Value> Decoded for (A, B) {
    fn decode(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok((row.value_at(0)?, row.value_at(1)?))
    }
}

impl<A: Value, B: Value, C: Value> Decoded for (A, B, C) {
    fn decode(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok((row.value_at(0)?, row.value_at(1)?, row.value_at(2)?))
    }
}

/// A value a column holds, read from either backend as sqlx's `Any` driver reads it.
pub trait Value: Sized + for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any> {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, BoxDynError>;
}

impl Value for i64 {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        match value {
            ValueRef::Integer(i) => Ok(i),
            other => Err(mismatched("an integer", other)),
        }
    }
}

impl Value for f64 {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        match value {
            ValueRef::Real(r) => Ok(r),
            other => Err(mismatched("a real number", other)),
        }
    }
}

impl Value for String {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        Ok(text(value)?.to_owned())
    }
}

/// The text a SQLite value holds, where it lies.
pub(super) fn text(value: ValueRef<'_>) -> Result<&str, BoxDynError> {
    match value {
        ValueRef::Text(bytes) => Ok(std::str::from_utf8(bytes)?),
        other => Err(mismatched("text", other)),
    }
}

impl<V: Value> Value for Option<V> {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        match value {
            ValueRef::Null => Ok(None),
            other => V::from_sqlite(other).map(Some),
        }
    }
}

/// What was wrong with the value of the column `name` (a type of the wrong kind, a code no
/// enum of this version knows), as the error of that column.
pub(super) fn column_error(name: &str, source: impl Into<BoxDynError>) -> sqlx::Error {
    sqlx::Error::ColumnDecode { index: format!("{name:?}"), source: source.into() }
}

fn mismatched(expected: &str, found: ValueRef<'_>) -> BoxDynError {
    format!("expected {expected}, found {} in SQLite", found.data_type()).into()
}
