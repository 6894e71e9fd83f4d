//! The backends the project has, and the `--backend` choice of the commands that run them.

/// One backend: its name on the command line and the crate that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Memory,
    Postgres,
    Sqlite,
    Mysql,
}

impl Backend {
    pub const ALL: [Backend; 4] = [Backend::Memory, Backend::Postgres, Backend::Sqlite, Backend::Mysql];

    pub fn name(self) -> &'static str {
        match self {
            Backend::Memory => "memory",
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
            Backend::Mysql => "mysql",
        }
    }

    /// The crate that holds this backend (and its `<name>_conformance` example).
    pub fn crate_name(self) -> &'static str {
        match self {
            Backend::Memory => "store-memory",
            Backend::Postgres => "store-postgres",
            Backend::Sqlite => "store-sqlite",
            Backend::Mysql => "store-mysql",
        }
    }

    /// The examples that run the whole conformance suite on this backend: PostgreSQL's runs
    /// it again reading from a streaming replica and through PgBouncer in transaction pooling
    /// mode (each on servers it starts itself).
    pub fn conformance_examples(self) -> Vec<String> {
        let mut examples = vec![format!("{}_conformance", self.name())];
        if self == Backend::Postgres {
            examples.push("postgres_replica_conformance".to_owned());
            examples.push("postgres_pgbouncer_conformance".to_owned());
        }
        examples
    }
}

/// `--backend memory|postgres|sqlite|mysql|all` (PostgreSQL needs DATABASE_URL, MariaDB/MySQL
/// MYSQL_URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BackendChoice {
    Memory,
    Postgres,
    Sqlite,
    Mysql,
    All,
}

impl BackendChoice {
    pub fn backends(self) -> Vec<Backend> {
        match self {
            BackendChoice::Memory => vec![Backend::Memory],
            BackendChoice::Postgres => vec![Backend::Postgres],
            BackendChoice::Sqlite => vec![Backend::Sqlite],
            BackendChoice::Mysql => vec![Backend::Mysql],
            BackendChoice::All => Backend::ALL.to_vec(),
        }
    }
}
