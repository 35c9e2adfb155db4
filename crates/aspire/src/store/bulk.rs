//! Rows written many at a time with ids chosen by the caller, for seeding a large institution
//! (`aspire demo --scale`): one multi-row `INSERT` per few thousand rows instead of one
//! statement per row, so 10,000 members with three years of history load in minutes.

use super::{Backend, Result, SqlStore};

/// A value for one column of one row.
#[derive(Debug, Clone)]
pub enum Cell {
    Int(i64),
    Text(String),
    Null,
}

impl From<i64> for Cell {
    fn from(value: i64) -> Cell {
        Cell::Int(value)
    }
}

impl From<&str> for Cell {
    fn from(value: &str) -> Cell {
        Cell::Text(value.to_string())
    }
}

impl From<String> for Cell {
    fn from(value: String) -> Cell {
        Cell::Text(value)
    }
}

impl From<Option<i64>> for Cell {
    fn from(value: Option<i64>) -> Cell {
        value.map_or(Cell::Null, Cell::Int)
    }
}

/// Rows for one table, in the order of its column list.
#[derive(Debug)]
pub struct Rows {
    pub table: &'static str,
    pub columns: &'static [&'static str],
    pub rows: Vec<Vec<Cell>>,
}

impl Rows {
    pub fn new(table: &'static str, columns: &'static [&'static str]) -> Rows {
        Rows { table, columns, rows: Vec::new() }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "a row for {} has the wrong number of cells", self.table);
        self.rows.push(row);
    }
}

/// Both backends accept far more placeholders, but sqlx's SQLite driver looks up each
/// parameter's name by scanning them all, so a statement's cost grows with its square.
const CELLS_PER_STATEMENT: usize = 600;

/// The tables whose `id` the caller chooses, so PostgreSQL's identity sequences are moved past them.
const TABLES_WITH_IDS: [&str; 14] = [
    "users",
    "programs",
    "groups",
    "meeting_schedules",
    "long_goals",
    "goals",
    "posts",
    "wins",
    "cheers",
    "resources",
    "opportunities",
    "nominations",
    "group_changes",
    "outbox",
];

impl SqlStore {
    /// The first unused id of each table that [`SqlStore::bulk_insert`] writes ids into.
    pub async fn next_ids(&self) -> Result<std::collections::HashMap<&'static str, i64>> {
        let mut next = std::collections::HashMap::new();
        for table in TABLES_WITH_IDS {
            let sql = sqlx::AssertSqlSafe(format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"));
            next.insert(table, sqlx::query_scalar(sql).fetch_one(&self.pool).await?);
        }
        Ok(next)
    }

    /// Writes every row of every table in one transaction, in the order given (parents first).
    pub async fn bulk_insert(&self, tables: &[Rows]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for rows in tables {
            let per_statement = (CELLS_PER_STATEMENT / rows.columns.len().max(1)).max(1);
            for chunk in rows.rows.chunks(per_statement) {
                let mut sql = format!("INSERT INTO {} ({}) VALUES ", rows.table, rows.columns.join(", "));
                let mut placeholder = 0;
                for (r, _) in chunk.iter().enumerate() {
                    sql.push_str(if r == 0 { "(" } else { ", (" });
                    for c in 0..rows.columns.len() {
                        placeholder += 1;
                        if c > 0 {
                            sql.push_str(", ");
                        }
                        sql.push_str(&format!("${placeholder}"));
                    }
                    sql.push(')');
                }
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                for cell in chunk.iter().flatten() {
                    query = match cell {
                        Cell::Int(v) => query.bind(*v),
                        Cell::Text(v) => query.bind(v.clone()),
                        Cell::Null => query.bind(None::<i64>),
                    };
                }
                query.execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// After a bulk load: PostgreSQL's identity sequences continue after the highest id, and
    /// both planners learn the new table sizes.
    pub async fn finish_bulk_load(&self) -> Result<()> {
        if self.backend == Backend::Postgres {
            for table in TABLES_WITH_IDS {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                ));
                sqlx::query(sql).execute(&self.pool).await?;
            }
        }
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        if self.backend == Backend::Sqlite {
            // A change of schema makes every open connection read the statistics again.
            sqlx::query("CREATE TABLE statistics_reloaded (x INTEGER)").execute(&self.pool).await?;
            sqlx::query("DROP TABLE statistics_reloaded").execute(&self.pool).await?;
        }
        Ok(())
    }
}
