//! `cargo xtask codegen [--check]`: regenerates store-postgres/.sqlx, the offline query data,
//! by compiling store-postgres against a freshly migrated scratch database. `--check` fails
//! when the committed data differs from what the schema and queries produce.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use store_postgres::MIGRATOR;

use crate::command::{Result, cargo, exec, workspace_root};
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

pub fn run(args: Args) -> Result {
    let server_url = database::url(args.database_url)?;
    let root = workspace_root();
    let committed = root.join("store-postgres/.sqlx");
    let generated = root.join("target/codegen/.sqlx");
    if generated.exists() {
        fs::remove_dir_all(&generated).map_err(|err| err.to_string())?;
    }
    fs::create_dir_all(&generated).map_err(|err| err.to_string())?;

    // One runtime for both ends of the scratch database's life: its admin pool lives in it.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|err| err.to_string())?;
    let scratch = runtime.block_on(prepare_scratch(&server_url))?;
    // The macros only describe queries when they are expanded, so make them expand again.
    let built = exec(&mut cargo(["clean", "--quiet", "-p", "store-postgres"])).and_then(|()| {
        exec(
            cargo(["build", "--quiet", "-p", "store-postgres", "--lib"])
                .env("SQLX_OFFLINE", "false")
                .env("DATABASE_URL", &scratch.url)
                .env("SQLX_OFFLINE_DIR", &generated),
        )
    });
    runtime.block_on(scratch.drop())?;
    built?;

    let fresh = read_dir(&generated)?;
    if args.check {
        let current = read_dir(&committed)?;
        if fresh != current {
            let stale: Vec<&String> =
                fresh.keys().chain(current.keys()).filter(|name| fresh.get(*name) != current.get(*name)).collect();
            return Err(format!(
                "store-postgres/.sqlx is stale ({} files differ: {stale:?}); run `cargo xtask codegen` and commit it",
                stale.len()
            ));
        }
        println!("codegen: store-postgres/.sqlx is up to date ({} queries)", fresh.len());
        return Ok(());
    }
    if committed.exists() {
        fs::remove_dir_all(&committed).map_err(|err| err.to_string())?;
    }
    fs::create_dir_all(&committed).map_err(|err| err.to_string())?;
    for (name, text) in &fresh {
        fs::write(committed.join(name), text).map_err(|err| err.to_string())?;
    }
    println!("codegen: wrote {} queries to store-postgres/.sqlx", fresh.len());
    Ok(())
}
