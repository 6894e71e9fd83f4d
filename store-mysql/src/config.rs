//! How to reach the server and how to pool connections.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use serde::Deserialize;
use sqlx::mysql::{MySqlConnectOptions, MySqlSslMode};
use store_core::StoreError;
pub use store_core::redact_url;
use store_pool::PoolSettings;

/// Connection and pool settings. Either `url` (`mysql://user:password@host:port/database`), or
/// the separate fields (which also refine a `url`). `Debug` and every error redact the password.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MySqlStoreConfig {
    pub url: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub user: Option<String>,
    pub password: Option<String>,
    /// A file whose content (trailing newline removed) is the password; wins over `password`.
    pub password_file: Option<PathBuf>,
    /// `disabled`, `preferred`, `required`, `verify_ca` or `verify_identity`.
    pub ssl_mode: Option<String>,
    pub ssl_ca: Option<PathBuf>,
    pub max_connections: u32,
    pub min_connections: u32,
    pub acquire_timeout_ms: u64,
    /// How long a write waits for another's row lock before it is aborted and retried
    /// (`innodb_lock_wait_timeout`, whole seconds, at least 1).
    pub lock_wait_timeout_s: u64,
    /// Ping each connection before handing it out (a round trip per store call). Off by
    /// default: connections idle past `liveness_check_after_ms` are pinged anyway, and after a
    /// call finds its connection dead, every other one is pinged before its next use.
    pub test_before_acquire: bool,
    /// Ping a connection before handing it out if it sat unused this long.
    pub liveness_check_after_ms: u64,
    /// Close connections idle for this long, keeping `min_connections` (0: never).
    pub idle_timeout_ms: u64,
    /// Close connections this old (0: never), so that server-side changes are picked up.
    pub max_lifetime_ms: u64,
}

impl Default for MySqlStoreConfig {
    fn default() -> Self {
        MySqlStoreConfig {
            url: None,
            host: None,
            port: None,
            database: None,
            user: None,
            password: None,
            password_file: None,
            ssl_mode: None,
            ssl_ca: None,
            max_connections: 16,
            min_connections: 0,
            acquire_timeout_ms: 5_000,
            lock_wait_timeout_s: 10,
            test_before_acquire: false,
            liveness_check_after_ms: 10_000,
            idle_timeout_ms: 600_000,
            max_lifetime_ms: 1_800_000,
        }
    }
}

fn invalid(field: &str, reason: impl fmt::Display) -> StoreError {
    StoreError::invalid_argument(format!("mysql config {field}"), reason)
}

impl MySqlStoreConfig {
    pub fn from_url(url: impl Into<String>) -> Self {
        MySqlStoreConfig { url: Some(url.into()), ..Default::default() }
    }

    /// The connect options: the URL (if any) refined by the separate fields. Sessions talk UTF-8
    /// (utf8mb4, so 4-byte characters survive) in UTC.
    pub fn connect_options(&self) -> Result<MySqlConnectOptions, StoreError> {
        let mut options = match &self.url {
            // sqlx's parse errors quote no password, but say nothing we need: report our own.
            Some(url) => MySqlConnectOptions::from_str(url)
                .map_err(|_| invalid("url", format!("not a MySQL URL: {}", redact_url(url))))?,
            None => MySqlConnectOptions::new(),
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
            let mode = MySqlSslMode::from_str(mode).map_err(|_| {
                invalid(
                    "ssl_mode",
                    format!("{mode:?} is not one of disabled, preferred, required, verify_ca, verify_identity"),
                )
            })?;
            options = options.ssl_mode(mode);
        }
        if let Some(path) = &self.ssl_ca {
            options = options.ssl_ca(path);
        }
        Ok(options.charset("utf8mb4").timezone(Some("+00:00".to_owned())))
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

    pub(crate) fn lock_wait_timeout_s(&self) -> Result<u64, StoreError> {
        if self.lock_wait_timeout_s == 0 {
            return Err(invalid("lock_wait_timeout_s", "must be at least 1"));
        }
        Ok(self.lock_wait_timeout_s)
    }
}

impl fmt::Debug for MySqlStoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MySqlStoreConfig")
            .field("url", &self.url.as_deref().map(redact_url))
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("password_file", &self.password_file)
            .field("ssl_mode", &self.ssl_mode)
            .field("ssl_ca", &self.ssl_ca)
            .field("max_connections", &self.max_connections)
            .field("min_connections", &self.min_connections)
            .field("acquire_timeout_ms", &self.acquire_timeout_ms)
            .field("lock_wait_timeout_s", &self.lock_wait_timeout_s)
            .field("test_before_acquire", &self.test_before_acquire)
            .field("liveness_check_after_ms", &self.liveness_check_after_ms)
            .field("idle_timeout_ms", &self.idle_timeout_ms)
            .field("max_lifetime_ms", &self.max_lifetime_ms)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_password() {
        let config = MySqlStoreConfig {
            password: Some("hunter2".into()),
            ..MySqlStoreConfig::from_url("mysql://app:hunter2@db/maeve")
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn rejects_an_unknown_ssl_mode_naming_it() {
        let config =
            MySqlStoreConfig { ssl_mode: Some("sometimes".into()), ..MySqlStoreConfig::from_url("mysql://db/x") };
        let err = config.connect_options().unwrap_err().to_string();
        assert!(err.contains("ssl_mode") && err.contains("sometimes"), "{err}");
    }

    #[test]
    fn a_bad_url_error_does_not_show_the_password() {
        let err = MySqlStoreConfig::from_url("mysql://app:hunter2@db:notaport/x").connect_options().unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn a_pool_of_no_connections_is_refused() {
        let config = MySqlStoreConfig { max_connections: 0, ..MySqlStoreConfig::from_url("mysql://db/x") };
        assert!(config.pool_settings().unwrap_err().to_string().contains("max_connections"));
    }
}
