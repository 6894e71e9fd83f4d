//! `cargo xtask db up [--replica]|down`: a kept PostgreSQL cluster from the local PostgreSQL
//! binaries, for machines without a running server, on 127.0.0.1:5433 with trust
//! authentication; `--replica` adds a streaming replica of it (hot standby) on 127.0.0.1:5434.
//! Both are the test support's [`ThrowawayCluster`] in its kept form: their data lives in a
//! directory of the server user's own under the system's temporary directory
//! (`maeve-db-5433/`), never under the checkout, which that user may not be allowed to enter
//! (a clone in a 0700 directory). `db up` again finds them running; `db down` removes them.

use std::path::PathBuf;
use std::process::Command;

use store_postgres::test_support::ThrowawayCluster;

use crate::command::{Result, exec};

const PORT: u16 = 5433;
const REPLICA_PORT: u16 = 5434;

/// Enough for the whole test suite pointed at this cluster (each test's store pools up to 8).
const SETTINGS: &[&str] = &["max_connections=200"];

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Create (if needed) and start the cluster, then print its DATABASE_URL.
    Up {
        /// Also a streaming replica of it, whose URL is printed as REPLICA_URL.
        #[arg(long)]
        replica: bool,
    },
    /// Stop the cluster (and its replica) and delete their data.
    Down,
}

/// The directory that holds the kept clusters: one per machine, as their ports are.
fn home() -> PathBuf {
    std::env::temp_dir().join(format!("maeve-db-{PORT}"))
}

pub fn run(args: Args) -> Result {
    let primary_dir = home().join("primary");
    let replica_dir = home().join("replica");
    match args.action {
        Action::Up { replica } => {
            let primary = ThrowawayCluster::kept(&primary_dir, PORT, SETTINGS)?;
            println!("DATABASE_URL={}", primary.url());
            if replica {
                let replica = primary.kept_replica(&replica_dir, REPLICA_PORT, SETTINGS)?;
                println!("REPLICA_URL={}", replica.url());
            }
            eprintln!("db: data in {}; `cargo xtask db down` removes it", home().display());
            Ok(())
        }
        Action::Down => {
            // The replica first: stopped after its primary, it would only log lost connections.
            ThrowawayCluster::remove_kept(&replica_dir)?;
            ThrowawayCluster::remove_kept(&primary_dir)?;
            std::fs::remove_dir_all(home()).or_else(|err| if home().exists() { Err(err.to_string()) } else { Ok(()) })
        }
    }
}

/// `db up --replica` as a developer runs it, from a private (0700) directory as a clone under
/// root's home is, checked: the replica is a hot standby that shows a row written on the
/// primary within 30 s; then `db down` removes both.
pub fn check_up_with_replica() -> Result {
    let private = private_directory()?;
    let xtask = |action: &str| -> Result {
        let mut command = Command::new(std::env::current_exe().map_err(|err| err.to_string())?);
        command.args(["db", action]).current_dir(private.path());
        if action == "up" {
            command.arg("--replica");
        }
        exec(&mut command)
    };
    xtask("up")?;
    let checked = replica_streams();
    xtask("down").and(checked)
}

/// A new empty directory only its owner may enter.
fn private_directory() -> Result<tempfile::TempDir> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .prefix("maeve-private-")
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()
        .map_err(|err| format!("cannot create a private directory: {err}"))?;
    Ok(dir)
}

fn replica_streams() -> Result {
    psql(PORT, "CREATE TABLE replica_check (written timestamptz); INSERT INTO replica_check VALUES (now())")?;
    for _ in 0..300 {
        if psql(REPLICA_PORT, "SELECT pg_is_in_recovery() AND count(*) = 1 FROM replica_check").as_deref() == Ok("t") {
            println!("db: the replica on port {REPLICA_PORT} streams from the primary on port {PORT}");
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Err(format!("the replica on port {REPLICA_PORT} did not show a row written on the primary within 30 s"))
}

/// One `psql` command's output, trimmed.
fn psql(port: u16, sql: &str) -> Result<String> {
    let url = format!("postgres://postgres@127.0.0.1:{port}/postgres?sslmode=disable");
    let output = Command::new("psql")
        .args([&url, "-XtAq", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .map_err(|err| format!("cannot run psql: {err}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        Err(format!("psql on port {port}: {}", String::from_utf8_lossy(&output.stderr).trim()))
    }
}
