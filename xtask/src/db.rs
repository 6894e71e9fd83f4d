//! `cargo xtask db up [--replica]|down`: a throwaway PostgreSQL cluster from the local PostgreSQL
//! binaries, for machines without a running server. Its data lives in target/pg-cluster; it
//! listens on 127.0.0.1:5433 with trust authentication. `--replica` adds a streaming replica of
//! it (`pg_basebackup -R`, hot standby) in target/pg-replica on 127.0.0.1:5434. initdb refuses to
//! run as root, so as root the clusters belong to the `postgres` system user.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::command::{Result, exec, workspace_root};

const PORT: &str = "5433";
const REPLICA_PORT: &str = "5434";

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
    /// Stop the cluster and delete its data.
    Down,
}

fn bin_dir() -> Result<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| {
            "no PostgreSQL binaries under /usr/lib/postgresql: install Debian's `postgresql` package".to_owned()
        })?
        .filter_map(|entry| entry.ok().map(|entry| entry.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().ok_or_else(|| "no initdb under /usr/lib/postgresql/*/bin".to_owned())
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// `program args…`, as the `postgres` user when running as root.
fn as_cluster_owner(program: &Path, args: &[&str]) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program).args(args);
        command
    } else {
        let mut command = Command::new(program);
        command.args(args);
        command
    }
}

pub fn run(args: Args) -> Result {
    let bin = bin_dir()?;
    let data = workspace_root().join("target/pg-cluster");
    let replica_data = workspace_root().join("target/pg-replica");
    match args.action {
        Action::Up { replica } => {
            if !data.join("PG_VERSION").exists() {
                owned_directory(&data)?;
                exec(&mut as_cluster_owner(
                    &bin.join("initdb"),
                    &["-D", &path_arg(&data), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync"],
                ))?;
            }
            start(&bin, &data, PORT)?;
            println!("DATABASE_URL={}", url(PORT));
            if replica {
                if !replica_data.join("PG_VERSION").exists() {
                    owned_directory(&replica_data)?;
                    // -R writes standby.signal and primary_conninfo: the copy starts as a
                    // streaming hot standby of the cluster above.
                    exec(&mut as_cluster_owner(
                        &bin.join("pg_basebackup"),
                        &[
                            "-h",
                            "127.0.0.1",
                            "-p",
                            PORT,
                            "-U",
                            "postgres",
                            "-D",
                            &path_arg(&replica_data),
                            "-R",
                            "-X",
                            "stream",
                            "-c",
                            "fast",
                            "--no-sync",
                        ],
                    ))?;
                }
                start(&bin, &replica_data, REPLICA_PORT)?;
                println!("REPLICA_URL={}", url(REPLICA_PORT));
            }
            Ok(())
        }
        Action::Down => {
            // The replica first: stopped after its primary, it would only log lost connections.
            remove(&bin, &replica_data)?;
            remove(&bin, &data)
        }
    }
}

/// `db up --replica` as a developer runs it, checked: the replica is a hot standby that shows
/// a row written on the primary within 30 s; then `db down` removes both.
pub fn check_up_with_replica() -> Result {
    run(Args { action: Action::Up { replica: true } })?;
    let checked = replica_streams();
    run(Args { action: Action::Down }).and(checked)
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
fn psql(port: &str, sql: &str) -> Result<String> {
    let output = Command::new("psql")
        .args([&url(port), "-XtAq", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .map_err(|err| format!("cannot run psql: {err}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        Err(format!("psql on port {port}: {}", String::from_utf8_lossy(&output.stderr).trim()))
    }
}

fn url(port: &str) -> String {
    format!("postgres://postgres@127.0.0.1:{port}/postgres?sslmode=disable")
}

fn path_arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// An empty data directory only the cluster's owner may use (the server refuses any other).
fn owned_directory(path: &Path) -> Result {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path).map_err(|err| err.to_string())?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)).map_err(|err| err.to_string())?;
    if is_root() {
        exec(Command::new("chown").args(["-R", "postgres:postgres", &path_arg(path)]))?;
    }
    Ok(())
}

/// Starts the cluster in `data` on `port` unless it runs already.
fn start(bin: &Path, data: &Path, port: &str) -> Result {
    if data.join("postmaster.pid").exists() {
        return Ok(());
    }
    let log = format!("{}/server.log", path_arg(data));
    let options = format!("-p {port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off");
    exec(&mut as_cluster_owner(
        &bin.join("pg_ctl"),
        &["-D", &path_arg(data), "-l", &log, "-o", &options, "-w", "start"],
    ))
}

/// Stops the cluster in `data` if it runs, and deletes it.
fn remove(bin: &Path, data: &Path) -> Result {
    if data.join("postmaster.pid").exists() {
        exec(&mut as_cluster_owner(&bin.join("pg_ctl"), &["-D", &path_arg(data), "-m", "fast", "-w", "stop"]))?;
    }
    std::fs::remove_dir_all(data).or_else(|err| if data.exists() { Err(err.to_string()) } else { Ok(()) })
}
