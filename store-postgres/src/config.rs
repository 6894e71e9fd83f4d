//! How to reach the database and how to pool connections.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use serde::Deserialize;
use sqlx::postgres::{PgConnectOptions, PgSslMode};
use store_core::StoreError;
pub use store_core::redact_url;

use store_pool::PoolSettings;

use crate::replica::ReplicaSettings;

/// Connection and pool settings. Either `url`, or the separate fields (which also refine a
/// `url`). `Debug` and every error redact the password.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PgStoreConfig {
    pub url: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub user: Option<String>,
    pub password: Option<String>,
    /// A file whose content (trailing newline removed) is the password; wins over `password`.
    pub password_file: Option<PathBuf>,
    /// `disable`, `allow`, `prefer`, `require`, `verify-ca` or `verify-full`.
    pub ssl_mode: Option<String>,
    pub ssl_root_cert: Option<PathBuf>,
    pub max_connections: u32,
    pub min_connections: u32,
    pub acquire_timeout_ms: u64,
    /// Server-side `statement_timeout`; 0 leaves the server default.
    pub statement_timeout_ms: u64,
    pub application_name: String,
    /// Prepared statements cached per connection; 0 for PgBouncer transaction pooling.
    pub statement_cache_capacity: usize,
    /// Connections go through a pooler in transaction mode (PgBouncer `pool_mode =
    /// transaction`): every store call runs in an explicit transaction, so that its round trips
    /// stay on one server connection (docs/SCALE_OUT.md).
    pub transaction_pooling: bool,
    /// Ping each connection before handing it out. Off by default: the ping is a round trip
    /// per store call; connections idle past `liveness_check_after_ms` are pinged anyway.
    pub test_before_acquire: bool,
    /// Ping a connection before handing it out if it sat unused this long.
    pub liveness_check_after_ms: u64,
    /// Close connections idle for this long, keeping `min_connections` (0: never).
    pub idle_timeout_ms: u64,
    /// Close connections this old when next taken or found idle (0: never), so that server-side
    /// memory and configuration changes are picked up.
    pub max_lifetime_ms: u64,
    /// Streaming replicas that may serve lookups and lists when they have replayed every write
    /// this store instance made (read-your-writes); each URL names its host, port and database,
    /// and the credential, TLS and session fields above apply to it as to the primary.
    pub replica_urls: Vec<String>,
    /// How often the primary's WAL position and each replica's replay position are read.
    pub replica_poll_ms: u64,
    /// A replica further behind the primary than this is not read from.
    pub max_replica_lag_ms: u64,
}

impl Default for PgStoreConfig {
    fn default() -> Self {
        PgStoreConfig {
            url: None,
            host: None,
            port: None,
            database: None,
            user: None,
            password: None,
            password_file: None,
            ssl_mode: None,
            ssl_root_cert: None,
            max_connections: 16,
            min_connections: 0,
            acquire_timeout_ms: 5_000,
            statement_timeout_ms: 30_000,
            application_name: "maeve-store".to_owned(),
            statement_cache_capacity: 256,
            transaction_pooling: false,
            test_before_acquire: false,
            liveness_check_after_ms: 10_000,
            idle_timeout_ms: 600_000,
            max_lifetime_ms: 1_800_000,
            replica_urls: Vec::new(),
            replica_poll_ms: 20,
            max_replica_lag_ms: 5_000,
        }
    }
}

fn parse_url(field: &str, url: &str) -> Result<PgConnectOptions, StoreError> {
    PgConnectOptions::from_str(url).map_err(|_| invalid(field, format!("not a PostgreSQL URL: {}", redact_url(url))))
}

fn invalid(field: &str, reason: impl std::fmt::Display) -> StoreError {
    StoreError::invalid_argument(format!("postgres config {field}"), reason)
}

impl PgStoreConfig {
    pub fn from_url(url: impl Into<String>) -> Self {
        PgStoreConfig { url: Some(url.into()), ..Default::default() }
    }

    /// The connect options: the URL (if any) refined by the separate fields.
    pub fn connect_options(&self) -> Result<PgConnectOptions, StoreError> {
        let mut options = match &self.url {
            // sqlx's parse errors quote no password, but say nothing we need: report our own.
            Some(url) => parse_url("url", url)?,
            None => PgConnectOptions::new_without_pgpass(),
        };
        if let Some(host) = &self.host {
            options = options.host(host);
        }
        if let Some(port) = self.port {
            options = options.port(port);
        }
        if let Some(database) = &self.database {
            options = options.database(database);
        }
        self.refine(options)
    }

    /// This configuration for connections through PgBouncer in transaction pooling mode
    /// (docs/SCALE_OUT.md): each call in an explicit transaction, no statement cache, and no
    /// `statement_timeout` sent as a startup option (PgBouncer must be told to ignore
    /// `options`; set the timeout on the role or database instead).
    pub fn pgbouncer_transaction_mode(self) -> Self {
        PgStoreConfig { transaction_pooling: true, statement_cache_capacity: 0, statement_timeout_ms: 0, ..self }
    }

    /// Each replica's connect options and its URL without a password (for logs).
    pub fn replica_connect_options(&self) -> Result<Vec<(PgConnectOptions, String)>, StoreError> {
        self.replica_urls
            .iter()
            .map(|url| Ok((self.refine(parse_url("replica_urls", url)?)?, redact_url(url))))
            .collect()
    }

    pub(crate) fn replica_settings(&self) -> Result<ReplicaSettings, StoreError> {
        if self.replica_poll_ms == 0 {
            return Err(invalid("replica_poll_ms", "must be at least 1"));
        }
        Ok(ReplicaSettings {
            poll: Duration::from_millis(self.replica_poll_ms),
            max_lag: Duration::from_millis(self.max_replica_lag_ms),
        })
    }

    /// Credentials, TLS and session settings, which the primary and the replicas share.
    fn refine(&self, mut options: PgConnectOptions) -> Result<PgConnectOptions, StoreError> {
        if let Some(user) = &self.user {
            options = options.username(user);
        }
        if let Some(password) = &self.password {
            options = options.password(password);
        }
        if let Some(path) = &self.password_file {
            let password = std::fs::read_to_string(path)
                .map_err(|err| invalid("password_file", format!("cannot read {}: {err}", path.display())))?;
            options = options.password(password.trim_end_matches(['\r', '\n']));
        }
        if let Some(mode) = &self.ssl_mode {
            let mode = PgSslMode::from_str(mode).map_err(|_| {
                invalid(
                    "ssl_mode",
                    format!("{mode:?} is not one of disable, allow, prefer, require, verify-ca, verify-full"),
                )
            })?;
            options = options.ssl_mode(mode);
        }
        if let Some(path) = &self.ssl_root_cert {
            options = options.ssl_root_cert(path);
        }
        options =
            options.application_name(&self.application_name).statement_cache_capacity(self.statement_cache_capacity);
        if self.statement_timeout_ms > 0 {
            options = options.options([("statement_timeout", format!("{}ms", self.statement_timeout_ms))]);
        }
        Ok(options)
    }

    pub(crate) fn pool_settings(&self) -> Result<PoolSettings, StoreError> {
        if self.max_connections == 0 {
            return Err(invalid("max_connections", "must be at least 1"));
        }
        if self.min_connections > self.max_connections {
            return Err(invalid("min_connections", "must not exceed max_connections"));
        }
        let optional = |ms: u64| (ms > 0).then(|| Duration::from_millis(ms));
        Ok(PoolSettings {
            max_size: self.max_connections as usize,
            min_size: self.min_connections as usize,
            acquire_timeout: Duration::from_millis(self.acquire_timeout_ms),
            idle_timeout: optional(self.idle_timeout_ms),
            max_lifetime: optional(self.max_lifetime_ms),
            liveness_check_after: if self.test_before_acquire {
                Duration::ZERO
            } else {
                Duration::from_millis(self.liveness_check_after_ms)
            },
        })
    }
}

impl fmt::Debug for PgStoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgStoreConfig")
            .field("url", &self.url.as_deref().map(redact_url))
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("password_file", &self.password_file)
            .field("ssl_mode", &self.ssl_mode)
            .field("ssl_root_cert", &self.ssl_root_cert)
            .field("max_connections", &self.max_connections)
            .field("min_connections", &self.min_connections)
            .field("acquire_timeout_ms", &self.acquire_timeout_ms)
            .field("statement_timeout_ms", &self.statement_timeout_ms)
            .field("application_name", &self.application_name)
            .field("statement_cache_capacity", &self.statement_cache_capacity)
            .field("transaction_pooling", &self.transaction_pooling)
            .field("test_before_acquire", &self.test_before_acquire)
            .field("liveness_check_after_ms", &self.liveness_check_after_ms)
            .field("idle_timeout_ms", &self.idle_timeout_ms)
            .field("max_lifetime_ms", &self.max_lifetime_ms)
            .field("replica_urls", &self.replica_urls.iter().map(|url| redact_url(url)).collect::<Vec<_>>())
            .field("replica_poll_ms", &self.replica_poll_ms)
            .field("max_replica_lag_ms", &self.max_replica_lag_ms)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_password() {
        let config = PgStoreConfig {
            password: Some("hunter2".into()),
            ..PgStoreConfig::from_url("postgres://app:hunter2@db/maeve")
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn replica_urls_keep_their_host_and_share_the_credentials() {
        let config = PgStoreConfig {
            user: Some("app".into()),
            password: Some("hunter2".into()),
            replica_urls: vec!["postgres://replica-1:6432/maeve".into()],
            ..PgStoreConfig::from_url("postgres://primary/maeve")
        };
        let replicas = config.replica_connect_options().unwrap();
        let [(options, name)] = replicas.as_slice() else { panic!("one replica expected: {replicas:?}") };
        assert_eq!((options.get_host(), options.get_port(), options.get_username()), ("replica-1", 6432, "app"));
        assert!(!format!("{config:?} {name}").contains("hunter2"));
    }

    #[test]
    fn a_bad_replica_url_is_named_without_its_password() {
        let config =
            PgStoreConfig { replica_urls: vec!["postgres://app:hunter2@r:port/x".into()], ..PgStoreConfig::default() };
        let err = config.replica_connect_options().unwrap_err().to_string();
        assert!(err.contains("replica_urls") && !err.contains("hunter2"), "{err}");
    }

    #[tokio::test]
    async fn migrations_through_a_transaction_pooler_are_refused_before_connecting() {
        let config = PgStoreConfig::from_url("postgres://maeve@127.0.0.1:1/maeve").pgbouncer_transaction_mode();
        let err = crate::PgStorage::connect_lazy(&config).unwrap().migrate().await.unwrap_err().to_string();
        assert!(err.contains("transaction_pooling") && err.contains("direct connection"), "{err}");
    }

    #[test]
    fn rejects_an_unknown_ssl_mode_naming_it() {
        let config = PgStoreConfig { ssl_mode: Some("sometimes".into()), ..PgStoreConfig::from_url("postgres://db/x") };
        let err = config.connect_options().unwrap_err().to_string();
        assert!(err.contains("ssl_mode") && err.contains("sometimes"), "{err}");
    }

    #[test]
    fn a_bad_url_error_does_not_show_the_password() {
        let err = PgStoreConfig::from_url("postgres://app:hunter2@db:notaport/x").connect_options().unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}
