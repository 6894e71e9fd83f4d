//! The backends the project has, and the `--backend` choice of the commands that run them.

/// One backend: its name on the command line and the crate that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Memory,
    Postgres,
    Sqlite,
}

impl Backend {
    pub const ALL: [Backend; 3] = [Backend::Memory, Backend::Postgres, Backend::Sqlite];

    pub fn name(self) -> &'static str {
        match self {
            Backend::Memory => "memory",
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    }

    /// The crate that holds this backend (and its `<name>_conformance` example).
    pub fn crate_name(self) -> &'static str {
        match self {
            Backend::Memory => "store-memory",
            Backend::Postgres => "store-postgres",
            Backend::Sqlite => "store-sqlite",
        }
    }

    /// The example that runs the whole conformance suite on this backend.
    pub fn conformance_example(self) -> String {
        format!("{}_conformance", self.name())
    }
}

/// `--backend memory|postgres|sqlite|all` (PostgreSQL needs DATABASE_URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BackendChoice {
    Memory,
    Postgres,
    Sqlite,
    All,
}

impl BackendChoice {
    pub fn backends(self) -> Vec<Backend> {
        match self {
            BackendChoice::Memory => vec![Backend::Memory],
            BackendChoice::Postgres => vec![Backend::Postgres],
            BackendChoice::Sqlite => vec![Backend::Sqlite],
            BackendChoice::All => Backend::ALL.to_vec(),
        }
    }
}
