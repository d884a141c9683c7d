//! Counts every node of a deployment adds to (the refused writes `/api/health` shows), so a
//! figure is the deployment's, not one node's since it started.
//!
//! Stage: *the store*, added to by [`crate::domain::access::Peers::store_refused`].

use super::{Engine, Result, Store, lite, pg};

const ADD: &str = "INSERT INTO counts (name, value) VALUES ($1, $2)
                   ON CONFLICT (name) DO UPDATE SET value = counts.value + excluded.value";
const GET: &str = "SELECT value FROM counts WHERE name = $1";

impl Store {
    /// Adds `n` to count `name`.
    pub async fn add_to_count(&self, name: &str, n: i64) -> Result<()> {
        let name = name.to_string();
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    c.execute(&lite(ADD), rusqlite::params![name, n])
                        .map(|_| ())
                })
                .await
            }
            Engine::Postgres(pool) => {
                pg(pool).await?.execute(ADD, &[&name, &n]).await?;
                Ok(())
            }
        }
    }

    /// Count `name` (0 if nothing was ever added).
    pub async fn count(&self, name: &str) -> Result<i64> {
        let name = name.to_string();
        match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    use rusqlite::OptionalExtension;
                    c.query_row(&lite(GET), [name], |r| r.get(0))
                        .optional()
                        .map(Option::unwrap_or_default)
                })
                .await
            }
            Engine::Postgres(pool) => Ok(pg(pool)
                .await?
                .query_opt(GET, &[&name])
                .await?
                .map(|r| r.get(0))
                .unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_add_up_across_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite");
        let s = Store::open(&path).unwrap();
        assert_eq!(s.count("refused_writes").await.unwrap(), 0);
        s.add_to_count("refused_writes", 2).await.unwrap();
        drop(s);
        let again = Store::open(&path).unwrap();
        again.add_to_count("refused_writes", 3).await.unwrap();
        assert_eq!(again.count("refused_writes").await.unwrap(), 5);
    }
}
