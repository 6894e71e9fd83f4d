//! `cargo xtask codegen [--check]`: regenerates the offline query data of the SQL backends
//! (store-postgres/.sqlx, store-sqlite/.sqlx, store-mysql/.sqlx) by compiling each against a
//! freshly migrated scratch database (PostgreSQL: DATABASE_URL; MariaDB/MySQL: MYSQL_URL). `--check` fails when the committed data differs from what the schema and
//! queries produce.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

use store_postgres::MIGRATOR;

use crate::command::{Result, cargo, clippy, exec, workspace_root};
use crate::database::{self, Scratch};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Fail if the committed query data is stale instead of rewriting it.
    #[arg(long)]
    check: bool,
    /// Server to create the scratch database on; defaults to DATABASE_URL.
    #[arg(long)]
    database_url: Option<String>,
}

impl Args {
    pub fn check() -> Self {
        Args { check: true, database_url: None }
    }
}

fn read_dir(dir: &Path) -> Result<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return Ok(files);
    }
    for entry in fs::read_dir(dir).map_err(|err| format!("{}: {err}", dir.display()))? {
        let path = entry.map_err(|err| err.to_string())?.path();
        let text = fs::read_to_string(&path).map_err(|err| format!("{}: {err}", path.display()))?;
        files.insert(path.file_name().unwrap_or_default().to_string_lossy().into_owned(), text);
    }
    Ok(files)
}

async fn prepare_scratch(server_url: &str) -> Result<Scratch> {
    let scratch = Scratch::create(server_url, "codegen").await?;
    let pool = database::connect(database::options(&scratch.url)?).await?;
    MIGRATOR.run(&pool).await.map_err(|err| format!("migrating the scratch database: {err}"))?;
    pool.close().await;
    Ok(scratch)
}

/// One backend's committed query data, and the database its macros describe queries against.
struct Target {
    crate_name: &'static str,
    database_url: String,
}

/// Checks `target.crate_name` against its database with the macros online, writing the query
/// data to `target/codegen/<crate>/.sqlx`, and returns what was written.
fn generate(target: &Target, check: bool) -> Result<BTreeMap<String, String>> {
    let generated = workspace_root().join("target/codegen").join(target.crate_name).join(".sqlx");
    if generated.exists() {
        fs::remove_dir_all(&generated).map_err(|err| err.to_string())?;
    }
    fs::create_dir_all(&generated).map_err(|err| err.to_string())?;
    let mut expand = if check { expand_in_clippy(target.crate_name)? } else { expand_alone(target.crate_name) };
    exec(
        expand
            .env("SQLX_OFFLINE", "false")
            .env("DATABASE_URL", &target.database_url)
            .env("SQLX_OFFLINE_DIR", &generated),
    )?;
    read_dir(&generated)
}

/// The macros only describe queries when they are expanded, and cargo does not see the
/// environment they read, so the crate must be made stale. A check runs after CI's clippy, whose
/// offline run left every other crate fresh ([`check_offline`]): touching the crate's root makes
/// that same command expand this crate again, and only recheck its dependents (none of which
/// holds a query macro), reusing everything else clippy built (about 10 s a crate, against a
/// minute for the three `-p` builds of [`expand_alone`]).
fn expand_in_clippy(crate_name: &str) -> Result<Command> {
    let root = workspace_root().join(crate_name).join("src/lib.rs");
    let touched = fs::File::options().append(true).open(&root).and_then(|file| file.set_modified(SystemTime::now()));
    touched.map_err(|err| format!("{}: {err}", root.display()))?;
    Ok(clippy())
}

/// Regenerating must work when the committed data no longer compiles (a query changed), so the
/// crate is expanded alone: a `--cfg` no earlier run used makes rustc expand this crate again,
/// and only this crate; `--profile check` expands the macros without generating code.
fn expand_alone(crate_name: &str) -> Command {
    let nanos = SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
    let run = format!("maeve_codegen_run=\"{nanos}\"");
    let mut command = cargo(["rustc", "--quiet", "-p", crate_name, "--lib", "--profile", "check", "--"]);
    command.args(["--cfg", &run, "-A", "unexpected_cfgs"]);
    command
}

/// Every query in the code has committed data: the offline build (CI's clippy) compiles. It
/// must pass before [`expand_in_clippy`], which would otherwise expand every stale crate
/// against one backend's database.
fn check_offline() -> Result {
    exec(&mut clippy())
        .map_err(|err| format!("{err}: if a query has no committed data, run `cargo xtask codegen` and commit it"))
}

/// Compares with (`check`) or replaces the committed `<crate>/.sqlx`.
fn compare_or_write(crate_name: &str, fresh: &BTreeMap<String, String>, check: bool) -> Result {
    let committed = workspace_root().join(crate_name).join(".sqlx");
    if check {
        let current = read_dir(&committed)?;
        if *fresh != current {
            let stale: std::collections::BTreeSet<&String> =
                fresh.keys().chain(current.keys()).filter(|name| fresh.get(*name) != current.get(*name)).collect();
            return Err(format!(
                "{crate_name}/.sqlx is stale ({} files differ: {stale:?}); run `cargo xtask codegen` and commit it",
                stale.len()
            ));
        }
        println!("codegen: {crate_name}/.sqlx is up to date ({} queries)", fresh.len());
        return Ok(());
    }
    if committed.exists() {
        fs::remove_dir_all(&committed).map_err(|err| err.to_string())?;
    }
    fs::create_dir_all(&committed).map_err(|err| err.to_string())?;
    for (name, text) in fresh {
        fs::write(committed.join(name), text).map_err(|err| err.to_string())?;
    }
    println!("codegen: wrote {} queries to {crate_name}/.sqlx", fresh.len());
    Ok(())
}

fn postgres(args: &Args) -> Result {
    let server_url = database::url(args.database_url.clone())?;
    // One runtime for both ends of the scratch database's life: its admin pool lives in it.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|err| err.to_string())?;
    let scratch = runtime.block_on(prepare_scratch(&server_url))?;
    let fresh = generate(&Target { crate_name: "store-postgres", database_url: scratch.url.clone() }, args.check);
    runtime.block_on(scratch.drop())?;
    compare_or_write("store-postgres", &fresh?, args.check)
}

fn sqlite(args: &Args) -> Result {
    let path = workspace_root().join("target/codegen/sqlite/codegen.db");
    if let Some(dir) = path.parent() {
        if dir.exists() {
            fs::remove_dir_all(dir).map_err(|err| err.to_string())?;
        }
        fs::create_dir_all(dir).map_err(|err| err.to_string())?;
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|err| err.to_string())?;
    runtime.block_on(async {
        // Opening applies the migrations.
        let storage = store_sqlite::SqliteStorage::open(&store_sqlite::SqliteStoreConfig::at(&path))
            .await
            .map_err(|err| format!("migrating the scratch SQLite database: {err}"))?;
        storage.close().await;
        Ok::<(), String>(())
    })?;
    let database_url = format!("sqlite://{}", path.display());
    let fresh = generate(&Target { crate_name: "store-sqlite", database_url }, args.check)?;
    compare_or_write("store-sqlite", &fresh, args.check)
}

fn mysql(args: &Args) -> Result {
    use store_mysql::test_support::ScratchDatabase;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|err| err.to_string())?;
    let scratch = runtime.block_on(async {
        // The query data names the database, so it is always the same one.
        let scratch = ScratchDatabase::create_fixed("maeve_codegen").await?;
        let migrated = store_mysql::MySqlStorage::connect_lazy(&scratch.config(1)).map_err(|err| err.to_string());
        let migrated = match migrated {
            Ok(storage) => {
                let result = storage.migrate().await.map_err(|err| format!("migrating the scratch database: {err}"));
                storage.close().await;
                result
            }
            Err(err) => Err(err),
        };
        match migrated {
            Ok(()) => Ok(scratch),
            Err(err) => {
                scratch.drop_now().await;
                Err(err)
            }
        }
    })?;
    let database_url = database::with_database(&scratch.server_url, &scratch.name);
    let fresh = generate(&Target { crate_name: "store-mysql", database_url }, args.check);
    runtime.block_on(scratch.drop_now());
    compare_or_write("store-mysql", &fresh?, args.check)
}

pub fn run(args: Args) -> Result {
    if args.check {
        check_offline()?;
    }
    postgres(&args)?;
    sqlite(&args)?;
    mysql(&args)
}
