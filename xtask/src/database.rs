//! Connecting to the database the commands act on, and scratch databases for codegen.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, PgPool};
use store_postgres::{PgStoreConfig, redact_url};

use crate::command::Result;

/// `--database-url`, else `DATABASE_URL`, else an error saying how to get one.
pub fn url(flag: Option<String>) -> Result<String> {
    flag.or_else(|| std::env::var("DATABASE_URL").ok()).ok_or_else(|| {
        "no database: pass --database-url or set DATABASE_URL \
         (e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable, or start one with `cargo xtask db up`)"
            .to_owned()
    })
}

pub fn options(url: &str) -> Result<PgConnectOptions> {
    PgStoreConfig::from_url(url).connect_options().map_err(|err| err.to_string())
}

pub async fn connect(options: PgConnectOptions) -> Result<PgPool> {
    PgPoolOptions::new().max_connections(1).connect_with(options).await.map_err(|err| format!("cannot connect: {err}"))
}

/// A database created for one command and dropped by [`Scratch::drop`].
pub struct Scratch {
    admin: PgPool,
    pub name: String,
    pub url: String,
}

impl Scratch {
    pub async fn create(server_url: &str, purpose: &str) -> Result<Self> {
        let admin = connect(options(server_url)?).await.map_err(|err| format!("{}: {err}", redact_url(server_url)))?;
        let name = format!("maeve_{purpose}_{}", std::process::id());
        // The name is made here from a constant and the process id, never from user input.
        sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
            .execute(&admin)
            .await
            .map_err(|err| err.to_string())?;
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&admin)
            .await
            .map_err(|err| format!("cannot create scratch database {name}: {err}"))?;
        let url = with_database(server_url, &name);
        Ok(Scratch { admin, name, url })
    }

    pub async fn drop(self) -> Result {
        sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name)))
            .execute(&self.admin)
            .await
            .map_err(|err| format!("cannot drop scratch database {}: {err}", self.name))?;
        self.admin.close().await;
        Ok(())
    }
}

/// The URL with its database path replaced by `database`.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(base, query)| (base, Some(query)));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..].find('/').map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{database}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_and_keeps_parameters() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres?sslmode=disable", "x"),
            "postgres://u:p@h:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}
