//! PostgreSQL connections for the shared pool (store-pool): opened with the configured options,
//! judged by this backend's error codes.

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

/// Opens `PgConnection`s for the pool.
#[derive(Debug)]
pub struct PgConnect {
    options: PgConnectOptions,
}

impl PgConnect {
    pub(crate) fn new(options: PgConnectOptions) -> Self {
        PgConnect { options }
    }
}

impl store_pool::Connect for PgConnect {
    type Connection = PgConnection;

    async fn connect(&self) -> Result<PgConnection, sqlx::Error> {
        PgConnection::connect_with(&self.options).await
    }

    fn leaves_connection_usable(err: &sqlx::Error) -> bool {
        crate::error::leaves_connection_usable(err)
    }
}

/// The pool of a PostgreSQL storage.
pub type ConnectionPool = store_pool::ConnectionPool<PgConnect>;
/// A connection taken from it for one store call.
pub type Lease = store_pool::Lease<PgConnect>;
