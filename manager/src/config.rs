//! The manager's configuration, in MaEVe's TOML style:
//!
//! ```toml
//! [api]
//! addr = "127.0.0.1:9410"     # MaEVe's ":9410" (all interfaces) works too
//! # Limits (the defaults shown): see `ApiConfig`.
//! header_read_timeout_ms = 10000
//! body_read_timeout_ms = 10000
//! request_timeout_ms = 30000
//! max_connections = 512
//! max_concurrent_requests = 128
//! max_header_bytes = 16384
//! retry_after_s = 1
//!
//! [log]
//! format = "text"             # or "json": one JSON object per line
//! access_log = false          # one line per request at info (RUST_LOG overrides all of this)
//!
//! [storage]
//! type = "postgres"           # or "sqlite" (the default), "mysql", "in_memory"
//! transaction_retention = "90d"   # delete transactions ended longer ago (off by default)
//!
//! [storage.sqlite]
//! path = "maeve.db"           # the default; created if missing, migrations applied at start
//! synchronous = "full"        # or "normal": see README (durability)
//!
//! [storage.postgres]
//! url = "postgres://maeve@db/maeve?sslmode=verify-full"   # DATABASE_URL overrides it
//! password_file = "/run/secrets/db"
//! run_migrations = true
//! replica_urls = ["postgres://maeve@db-replica/maeve"]   # reads with read-your-writes (README)
//! transaction_pooling = false  # true behind PgBouncer in transaction mode (docs/SCALE_OUT.md)
//!
//! [storage.mysql]             # MariaDB or MySQL
//! url = "mysql://maeve@db:3306/maeve"
//! password_file = "/run/secrets/db"
//! run_migrations = true
//! ```
//!
//! Sections of a MaEVe config this service does not use (`transport`, `ocpp`, …) are ignored
//! with a warning; an unknown key inside a section it uses is an error naming the key.

use std::path::Path;

use serde::Deserialize;

/// Top-level sections this service reads.
const USED_SECTIONS: [&str; 3] = ["api", "log", "storage"];
/// Sub-sections of `[storage]` for MaEVe storage engines this service does not have.
const FOREIGN_STORAGE_SECTIONS: [&str; 1] = ["firestore"];

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub api: ApiConfig,
    pub log: LogConfig,
    pub storage: StorageConfig,
    /// Sections present in the file that this service does not use.
    pub ignored_sections: Vec<String>,
}

/// The HTTP server's address, and the limits that keep one client (or a flood) from taking the
/// service down. Every limit answers JSON: 431, 408, or 503 with `Retry-After`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApiConfig {
    /// `host:port`; MaEVe's `:port` means every interface.
    pub addr: String,
    /// From the first byte a connection is read for a request until its whole head has arrived;
    /// also how long an idle keep-alive connection is kept (hyper starts this timer as soon as
    /// it waits for the next request). A client slower than this is disconnected.
    pub header_read_timeout_ms: u64,
    /// Longest pause while reading a request body; then 408.
    pub body_read_timeout_ms: u64,
    /// Longest time one request may take once admitted, body read included; then 503.
    pub request_timeout_ms: u64,
    /// Open client connections at most; a connection beyond this is answered 503 and closed.
    /// Keep it below the process's open-file limit (often 1 024) minus the database pool.
    pub max_connections: usize,
    /// Requests being handled at once; one more is answered 503 at once instead of queueing.
    pub max_concurrent_requests: usize,
    /// Largest request head (request line and headers); larger is answered 431.
    pub max_header_bytes: usize,
    /// The `Retry-After` of every 503.
    pub retry_after_s: u64,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            addr: "127.0.0.1:9410".to_owned(),
            header_read_timeout_ms: 10_000,
            body_read_timeout_ms: 10_000,
            request_timeout_ms: 30_000,
            max_connections: 512,
            max_concurrent_requests: 128,
            max_header_bytes: 16 * 1024,
            retry_after_s: 1,
        }
    }
}

impl ApiConfig {
    fn check(self) -> Result<Self, String> {
        let addr = normalise_addr(&self.addr)?;
        let positive = [
            ("header_read_timeout_ms", self.header_read_timeout_ms as usize),
            ("body_read_timeout_ms", self.body_read_timeout_ms as usize),
            ("request_timeout_ms", self.request_timeout_ms as usize),
            ("max_connections", self.max_connections),
            ("max_concurrent_requests", self.max_concurrent_requests),
            ("max_header_bytes", self.max_header_bytes),
        ];
        if let Some((key, _)) = positive.iter().find(|(_, value)| *value == 0) {
            return Err(format!("[api] {key}: must be greater than 0"));
        }
        Ok(ApiConfig { addr, ..self })
    }
}

/// How the service logs. `RUST_LOG`, when set, chooses the levels instead.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    pub format: LogFormat,
    /// One line per request (method, route template, status, latency, request id) at info.
    /// Off by default: at thousands of requests a second it is most of the log and of its cost,
    /// and errors are logged either way, with their request id.
    pub access_log: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageType {
    InMemory,
    Postgres,
    Sqlite,
    Mysql,
}

impl Default for StorageType {
    /// SQLite in `maeve.db`: persistent with nothing to set up. A build without SQLite keeps
    /// its data in memory.
    fn default() -> Self {
        if cfg!(feature = "sqlite") { StorageType::Sqlite } else { StorageType::InMemory }
    }
}

#[derive(Debug, Clone, Default)]
pub struct StorageConfig {
    pub storage_type: StorageType,
    /// `transaction_retention = "90d"`: transactions ended longer ago are deleted, with their
    /// meter values, by a background task (`crate::retention`). Off when absent.
    pub transaction_retention: Option<std::time::Duration>,
    #[cfg(feature = "postgres")]
    pub postgres: PostgresConfig,
    #[cfg(feature = "sqlite")]
    pub sqlite: store_sqlite::SqliteStoreConfig,
    #[cfg(feature = "mysql")]
    pub mysql: MySqlConfig,
}

#[cfg(feature = "mysql")]
#[derive(Debug, Clone, Default)]
pub struct MySqlConfig {
    pub store: store_mysql::MySqlStoreConfig,
    /// Apply pending migrations at start (under sqlx's named server lock).
    pub run_migrations: bool,
}

#[cfg(feature = "postgres")]
#[derive(Debug, Clone, Default)]
pub struct PostgresConfig {
    pub store: store_postgres::PgStoreConfig,
    /// Apply pending migrations at start (under sqlx's advisory lock).
    pub run_migrations: bool,
}

impl Config {
    pub fn load(path: &Path) -> Result<Self, String> {
        let text =
            std::fs::read_to_string(path).map_err(|err| format!("config {}: cannot read: {err}", path.display()))?;
        Self::parse(&text).map_err(|err| format!("config {}: {err}", path.display()))
    }

    /// Parses config text; errors name the section and key, and show no secret: a syntax error
    /// gives its line and column without the line itself, and any URL or password of the file
    /// a message would quote is replaced.
    pub fn parse(text: &str) -> Result<Self, String> {
        let table: toml::Table = toml::from_str(text).map_err(|err| syntax_error(text, &err))?;
        let secrets = secrets_in(&table);
        Self::parse_table(table).map_err(|message| without_secrets(message, &secrets))
    }

    fn parse_table(mut table: toml::Table) -> Result<Self, String> {
        let mut ignored_sections: Vec<String> =
            table.keys().filter(|key| !USED_SECTIONS.contains(&key.as_str())).cloned().collect();
        let api = match table.remove("api") {
            Some(value) => value.try_into::<ApiConfig>().map_err(|err| format!("[api]: {err}"))?,
            None => ApiConfig::default(),
        }
        .check()?;
        let log = match table.remove("log") {
            Some(value) => value.try_into::<LogConfig>().map_err(|err| format!("[log]: {err}"))?,
            None => LogConfig::default(),
        };
        let storage = match table.remove("storage") {
            Some(toml::Value::Table(storage)) => parse_storage(storage, &mut ignored_sections)?,
            Some(_) => return Err("[storage] must be a table".to_owned()),
            None => StorageConfig::default(),
        };
        Ok(Config { api, log, storage, ignored_sections })
    }
}

/// Where a TOML syntax error is, and what it is, without the excerpt of the file toml's own
/// message shows: that line may hold a password.
fn syntax_error(text: &str, err: &toml::de::Error) -> String {
    let what = err.message().trim_end();
    let Some(before) = err.span().and_then(|span| text.get(..span.start)) else {
        return format!("TOML syntax error: {what}");
    };
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |newline| newline + 1)..].chars().count() + 1;
    format!("TOML syntax error at line {line}, column {column}: {what}")
}

/// Every string under a key that may hold a secret (a URL, a password, a token), anywhere in
/// `table`: what an error message must not quote.
fn secrets_in(table: &toml::Table) -> Vec<String> {
    fn in_table(table: &toml::Table, under_secret_key: bool, found: &mut Vec<String>) {
        for (key, item) in table {
            let key = key.to_ascii_lowercase();
            let secret_key = ["url", "password", "secret", "token"].iter().any(|secret| key.contains(secret));
            in_value(item, under_secret_key || secret_key, found);
        }
    }
    fn in_value(value: &toml::Value, under_secret_key: bool, found: &mut Vec<String>) {
        match value {
            toml::Value::String(text) if under_secret_key && !text.is_empty() => found.push(text.clone()),
            toml::Value::Array(items) => items.iter().for_each(|item| in_value(item, under_secret_key, found)),
            toml::Value::Table(table) => in_table(table, under_secret_key, found),
            _ => {}
        }
    }
    let mut found = Vec::new();
    in_table(table, false, &mut found);
    found
}

/// `message` with every secret replaced, as written and as serde quotes it (escaped).
fn without_secrets(mut message: String, secrets: &[String]) -> String {
    for secret in secrets {
        let quoted = format!("{secret:?}");
        for shown in [secret.as_str(), &quoted[1..quoted.len() - 1]] {
            if message.contains(shown) {
                message = message.replace(shown, "<redacted>");
            }
        }
    }
    message
}

fn normalise_addr(addr: &str) -> Result<String, String> {
    let addr = if addr.starts_with(':') { format!("0.0.0.0{addr}") } else { addr.to_owned() };
    match addr.rsplit_once(':') {
        Some((_, port)) if port.parse::<u16>().is_ok() => Ok(addr),
        _ => Err(format!("[api] addr: {addr:?} is not host:port")),
    }
}

fn parse_storage(mut storage: toml::Table, ignored_sections: &mut Vec<String>) -> Result<StorageConfig, String> {
    let storage_type = match storage.remove("type") {
        None => StorageType::default(),
        Some(toml::Value::String(kind)) => match kind.as_str() {
            "in_memory" => StorageType::InMemory,
            "postgres" => StorageType::Postgres,
            "sqlite" => StorageType::Sqlite,
            "mysql" => StorageType::Mysql,
            other => {
                return Err(format!(
                    "[storage] type: {other:?} is not one of \"sqlite\", \"postgres\", \"mysql\", \"in_memory\""
                ));
            }
        },
        Some(other) => return Err(format!("[storage] type: expected a string, found {}", other.type_str())),
    };
    let transaction_retention = match storage.remove("transaction_retention") {
        None => None,
        Some(toml::Value::String(age)) => {
            Some(crate::retention::parse_age(&age).map_err(|err| format!("[storage] transaction_retention: {err}"))?)
        }
        Some(other) => {
            return Err(format!(
                "[storage] transaction_retention: expected a string such as \"90d\", found {}",
                other.type_str()
            ));
        }
    };
    let postgres = storage.remove("postgres");
    let sqlite = storage.remove("sqlite");
    let mysql = storage.remove("mysql");
    for key in storage.keys() {
        if FOREIGN_STORAGE_SECTIONS.contains(&key.as_str()) {
            ignored_sections.push(format!("storage.{key}"));
        } else {
            return Err(format!("[storage]: unknown key `{key}`"));
        }
    }
    // Without a backend there is nothing to check its section against; choosing the backend
    // fails at start with a message naming the feature.
    #[cfg(not(feature = "postgres"))]
    drop(postgres);
    #[cfg(not(feature = "sqlite"))]
    drop(sqlite);
    #[cfg(not(feature = "mysql"))]
    drop(mysql);
    Ok(StorageConfig {
        storage_type,
        transaction_retention,
        #[cfg(feature = "postgres")]
        postgres: parse_postgres(postgres)?,
        #[cfg(feature = "sqlite")]
        sqlite: parse_sqlite(sqlite)?,
        #[cfg(feature = "mysql")]
        mysql: parse_mysql(mysql)?,
    })
}

#[cfg(feature = "sqlite")]
fn parse_sqlite(section: Option<toml::Value>) -> Result<store_sqlite::SqliteStoreConfig, String> {
    match section {
        None => Ok(store_sqlite::SqliteStoreConfig::default()),
        Some(table @ toml::Value::Table(_)) => table.try_into().map_err(|err| format!("[storage.sqlite]: {err}")),
        Some(_) => Err("[storage.sqlite] must be a table".to_owned()),
    }
}

/// A backend's section as a table, and its `run_migrations` flag (not a store setting).
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn split_run_migrations(section: Option<toml::Value>, name: &str) -> Result<(toml::Table, bool), String> {
    let mut table = match section {
        None => toml::Table::new(),
        Some(toml::Value::Table(table)) => table,
        Some(_) => return Err(format!("[storage.{name}] must be a table")),
    };
    let run_migrations = match table.remove("run_migrations") {
        None => false,
        Some(toml::Value::Boolean(run)) => run,
        Some(other) => {
            return Err(format!("[storage.{name}] run_migrations: expected a boolean, found {}", other.type_str()));
        }
    };
    Ok((table, run_migrations))
}

#[cfg(feature = "postgres")]
fn parse_postgres(section: Option<toml::Value>) -> Result<PostgresConfig, String> {
    let (table, run_migrations) = split_run_migrations(section, "postgres")?;
    let mut store: store_postgres::PgStoreConfig =
        toml::Value::Table(table).try_into().map_err(|err| format!("[storage.postgres]: {err}"))?;
    if let Ok(url) = std::env::var("DATABASE_URL") {
        store.url = Some(url);
    }
    Ok(PostgresConfig { store, run_migrations })
}

#[cfg(feature = "mysql")]
fn parse_mysql(section: Option<toml::Value>) -> Result<MySqlConfig, String> {
    let (table, run_migrations) = split_run_migrations(section, "mysql")?;
    let store = toml::Value::Table(table).try_into().map_err(|err| format!("[storage.mysql]: {err}"))?;
    Ok(MySqlConfig { store, run_migrations })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transaction_retention_is_an_age_and_off_by_default() {
        assert_eq!(Config::parse("").unwrap().storage.transaction_retention, None);
        let config = Config::parse("[storage]\ntransaction_retention = \"90d\"\n").unwrap();
        assert_eq!(config.storage.transaction_retention, Some(std::time::Duration::from_secs(90 * 86_400)));
        for bad in ["\"0s\"", "\"ninety days\"", "90"] {
            let err = Config::parse(&format!("[storage]\ntransaction_retention = {bad}\n")).unwrap_err();
            assert!(err.contains("transaction_retention"), "{bad}: {err}");
        }
    }

    #[test]
    fn defaults_to_local_sqlite_in_maeve_db_when_compiled_in() {
        let config = Config::parse("").unwrap();
        assert_eq!(config.api.addr, "127.0.0.1:9410");
        if cfg!(feature = "sqlite") {
            assert_eq!(config.storage.storage_type, StorageType::Sqlite);
        } else {
            assert_eq!(config.storage.storage_type, StorageType::InMemory);
        }
        #[cfg(feature = "sqlite")]
        assert_eq!(config.storage.sqlite.path, std::path::PathBuf::from("maeve.db"));
    }

    #[cfg(feature = "sqlite")]
    #[test]
    fn sqlite_section_sets_the_path_and_names_unknown_keys() {
        let config = Config::parse(
            "[storage]\ntype = \"sqlite\"\n[storage.sqlite]\npath = \"/var/lib/maeve/store.db\"\nsynchronous = \"normal\"\n",
        )
        .unwrap();
        assert_eq!(config.storage.storage_type, StorageType::Sqlite);
        assert_eq!(config.storage.sqlite.path, std::path::PathBuf::from("/var/lib/maeve/store.db"));
        assert_eq!(config.storage.sqlite.synchronous, store_sqlite::Synchronous::Normal);
        let err = Config::parse("[storage]\ntype = \"sqlite\"\n[storage.sqlite]\npaht = \"x.db\"\n").unwrap_err();
        assert!(err.contains("[storage.sqlite]") && err.contains("paht"), "{err}");
        let err = Config::parse("[storage.sqlite]\nsynchronous = \"off\"\n").unwrap_err();
        assert!(err.contains("synchronous") || err.contains("off"), "{err}");
    }

    #[test]
    fn accepts_a_maeve_config_and_lists_the_sections_it_ignores() {
        let config = Config::parse(
            "[api]\naddr = \":9410\"\n[transport]\ntype = \"mqtt\"\n[ocpp]\nx = 1\n[storage]\ntype = \"in_memory\"\n[storage.firestore]\nproject_id = \"p\"\n",
        )
        .unwrap();
        assert_eq!(config.api.addr, "0.0.0.0:9410");
        assert_eq!(config.ignored_sections, vec!["ocpp", "transport", "storage.firestore"]);
    }

    #[test]
    fn an_unknown_key_in_a_used_section_is_named() {
        let err = Config::parse("[api]\naddr = \":1\"\nport = 3\n").unwrap_err();
        assert!(err.contains("[api]") && err.contains("port"), "{err}");
        let err = Config::parse("[storage]\ntype = \"in_memory\"\ncolour = \"blue\"\n").unwrap_err();
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn api_limits_and_log_settings_are_read_and_checked() {
        let config = Config::parse(
            "[api]\nheader_read_timeout_ms = 500\nmax_connections = 7\n[log]\nformat = \"json\"\naccess_log = true\n",
        )
        .unwrap();
        assert_eq!(config.api.header_read_timeout_ms, 500);
        assert_eq!(config.api.max_connections, 7);
        assert_eq!(config.api.request_timeout_ms, ApiConfig::default().request_timeout_ms);
        assert_eq!(config.log.format, LogFormat::Json);
        assert!(config.log.access_log);
        let err = Config::parse("[api]\nmax_concurrent_requests = 0\n").unwrap_err();
        assert!(err.contains("max_concurrent_requests"), "{err}");
        let err = Config::parse("[log]\nformat = \"xml\"\n").unwrap_err();
        assert!(err.contains("[log]") && err.contains("xml"), "{err}");
    }

    #[test]
    fn an_unknown_storage_type_is_named() {
        let err = Config::parse("[storage]\ntype = \"firestore\"\n").unwrap_err();
        assert!(err.contains("firestore") && err.contains("type"), "{err}");
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn postgres_section_keys_are_checked_and_passwords_stay_out_of_errors() {
        let config = Config::parse(
            "[storage]\ntype = \"postgres\"\n[storage.postgres]\nhost = \"db\"\npassword = \"hunter2\"\nrun_migrations = true\n",
        )
        .unwrap();
        assert!(config.storage.postgres.run_migrations);
        assert!(!format!("{config:?}").contains("hunter2"));
        let err = Config::parse(
            "[storage]\ntype = \"postgres\"\n[storage.postgres]\npassword = \"hunter2\"\nhots = \"db\"\n",
        )
        .unwrap_err();
        assert!(err.contains("hots") && !err.contains("hunter2"), "{err}");
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn postgres_replicas_and_transaction_pooling_are_configurable() {
        let config = Config::parse(
            "[storage]\ntype = \"postgres\"\n[storage.postgres]\nhost = \"pgbouncer\"\ntransaction_pooling = true\n\
             replica_urls = [\"postgres://maeve:hunter2@replica-1/maeve\"]\nmax_replica_lag_ms = 1000\n",
        )
        .unwrap();
        let store = &config.storage.postgres.store;
        assert!(store.transaction_pooling);
        assert_eq!((store.replica_urls.len(), store.max_replica_lag_ms, store.replica_poll_ms), (1, 1000, 20));
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[cfg(feature = "mysql")]
    #[test]
    fn mysql_section_keys_are_checked_and_passwords_stay_out_of_errors() {
        let config = Config::parse(
            "[storage]\ntype = \"mysql\"\n[storage.mysql]\nurl = \"mysql://maeve:hunter2@db/maeve\"\nmax_connections = 4\nrun_migrations = true\n",
        )
        .unwrap();
        assert_eq!(config.storage.storage_type, StorageType::Mysql);
        assert!(config.storage.mysql.run_migrations);
        assert_eq!(config.storage.mysql.store.max_connections, 4);
        assert!(!format!("{config:?}").contains("hunter2"));
        let err =
            Config::parse("[storage]\ntype = \"mysql\"\n[storage.mysql]\npassword = \"hunter2\"\nhots = \"db\"\n")
                .unwrap_err();
        assert!(err.contains("[storage.mysql]") && err.contains("hots") && !err.contains("hunter2"), "{err}");
    }

    /// The independent probe's configurations: no error shows a password, whether a syntax
    /// error sits on its line or a value of the wrong type would be quoted.
    #[test]
    fn no_config_error_shows_a_secret() {
        for backend in ["postgres", "mysql"] {
            for section in [
                "password = \"Secr3t",
                "password = \"Secr3t\"\nhots = 1",
                "password = \"Secr3t\" junk",
                "url = \"{backend}://u:Sl4sh/Secr3t@db/maeve",
                "url = \"{backend}://u:Secr3t@db/maeve\"\nmax_connections = \"many\"",
                "url = [\"{backend}://u:Secr3t@db/maeve\"]",
                "url = \"{backend}://u:Secr3t@db/maeve\"\nreplica_urls = \"{backend}://u:Secr3t@db/maeve\"",
                "password = [\"Secr3t\", 1]",
            ] {
                let section = section.replace("{backend}", backend);
                let text = format!("[storage]\ntype = \"{backend}\"\n[storage.{backend}]\n{section}\n");
                let err = Config::parse(&text).map(|_| ()).expect_err(&text);
                assert!(!err.contains("r3t"), "{text}\n-> {err}");
            }
        }
    }

    /// A URL whose password holds what a URL parser reads as the path, the query or the port is
    /// refused by the store's connect options, which name the field and not the password.
    #[cfg(all(feature = "postgres", feature = "mysql"))]
    #[test]
    fn a_refused_url_shows_no_password() {
        for url in
            ["{backend}://u:Sl4sh/Secr3t@db/maeve", "{backend}://u:Qu3ry?Secr3t@db/maeve", "{backend}://u:Secr3t"]
        {
            let postgres = store_postgres::PgStoreConfig::from_url(url.replace("{backend}", "postgres"));
            let mysql = store_mysql::MySqlStoreConfig::from_url(url.replace("{backend}", "mysql"));
            for err in [postgres.connect_options().map(|_| ()), mysql.connect_options().map(|_| ())] {
                let err = err.expect_err(url).to_string();
                assert!(err.contains("url") && !err.contains("r3t"), "{url} -> {err}");
            }
        }
    }

    #[test]
    fn a_syntax_error_gives_its_line_and_column() {
        let err =
            Config::parse("[api]\naddr = \"127.0.0.1:8090\"\n[storage.postgres]\npassword = \"hunter2\n").unwrap_err();
        assert!(err.starts_with("TOML syntax error at line 4, column"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }
}
