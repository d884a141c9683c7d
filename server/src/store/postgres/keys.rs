//! [`Keys`] on PostgreSQL.
//!
//! Stage: *the store*, under the facade's `keys` methods when the store is PostgreSQL.

use super::Postgres;
use crate::store::Result;
use crate::store::keys::{GET_SECRET, Keys, OWNER, PUT_SECRET, REGISTER, REGISTERED, owner_sql};
use crate::store::users::User;

#[async_trait::async_trait]
impl Keys for Postgres {
    async fn register(
        &self,
        user_id: i64,
        key: Vec<u8>,
        label: String,
        now_ms: i64,
    ) -> Result<i64> {
        let c = self.client().await?;
        c.execute(REGISTER, &[&key, &user_id, &label, &now_ms])
            .await?;
        Ok(c.query_one(OWNER, &[&key]).await?.get(0))
    }

    async fn owner(&self, key: Vec<u8>) -> Result<Option<User>> {
        Ok(self
            .client()
            .await?
            .query_opt(&owner_sql(), &[&key])
            .await?
            .as_ref()
            .map(super::users::user_row))
    }

    async fn registered(&self, key: Vec<u8>) -> Result<Option<i64>> {
        Ok(self
            .client()
            .await?
            .query_opt(REGISTERED, &[&key])
            .await?
            .map(|r| r.get(0)))
    }

    async fn secret(&self, name: String, fresh: Vec<u8>) -> Result<Vec<u8>> {
        let c = self.client().await?;
        Ok(match c.query_opt(GET_SECRET, &[&name]).await? {
            Some(row) => row.get(0),
            None => {
                c.execute(PUT_SECRET, &[&name, &fresh]).await?;
                c.query_one(GET_SECRET, &[&name]).await?.get(0)
            }
        })
    }
}
