//! MariaDB/MySQL connections for the shared pool (store-pool): opened with the configured
//! options, then set up for store calls; judged by this backend's error numbers.

use sqlx::mysql::MySqlConnectOptions;
use sqlx::{Connection, Executor, MySqlConnection};

/// What every session runs once, when it connects. Strict mode makes a value the schema cannot
/// hold an error instead of a silent truncation (whatever the server's default `sql_mode`);
/// READ COMMITTED keeps inserts free of gap locks. `SET SESSION TRANSACTION` is the spelling
/// both MariaDB and MySQL 8 accept.
const SESSION_SETUP: [&str; 2] = [
    "SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,PIPES_AS_CONCAT'",
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
];

/// Opens `MySqlConnection`s for the pool.
#[derive(Debug)]
pub struct MySqlConnect {
    options: MySqlConnectOptions,
    lock_wait_timeout_s: u64,
}

impl MySqlConnect {
    pub(crate) fn new(options: MySqlConnectOptions, lock_wait_timeout_s: u64) -> Self {
        MySqlConnect { options, lock_wait_timeout_s }
    }
}

impl store_pool::Connect for MySqlConnect {
    type Connection = MySqlConnection;

    async fn connect(&self) -> Result<MySqlConnection, sqlx::Error> {
        let mut connection = MySqlConnection::connect_with(&self.options).await?;
        for statement in SESSION_SETUP {
            connection.execute(statement).await?;
        }
        sqlx::query("SET SESSION innodb_lock_wait_timeout = ?")
            .bind(self.lock_wait_timeout_s)
            .execute(&mut connection)
            .await?;
        Ok(connection)
    }

    fn leaves_connection_usable(err: &sqlx::Error) -> bool {
        crate::error::leaves_connection_usable(err)
    }
}

/// The pool of a MariaDB/MySQL storage.
pub type ConnectionPool = store_pool::ConnectionPool<MySqlConnect>;
/// A connection taken from it for one store call.
pub type Lease = store_pool::Lease<MySqlConnect>;
