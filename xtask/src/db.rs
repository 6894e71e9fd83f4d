//! `cargo xtask db up|down`: a throwaway PostgreSQL cluster from the local PostgreSQL binaries,
//! for machines without a running server. Its data lives in target/pg-cluster; it listens on
//! 127.0.0.1:5433 with trust authentication. initdb refuses to run as root, so as root the
//! cluster belongs to the `postgres` system user.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::command::{Result, exec, workspace_root};

const PORT: &str = "5433";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Create (if needed) and start the cluster, then print its DATABASE_URL.
    Up,
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
    let data_arg = data.to_string_lossy().into_owned();
    match args.action {
        Action::Up => {
            if !data.join("PG_VERSION").exists() {
                std::fs::create_dir_all(&data).map_err(|err| err.to_string())?;
                if is_root() {
                    exec(Command::new("chown").args(["-R", "postgres:postgres", &data_arg]))?;
                }
                exec(&mut as_cluster_owner(
                    &bin.join("initdb"),
                    &["-D", &data_arg, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync"],
                ))?;
            }
            let log = format!("{data_arg}/server.log");
            let options = format!("-p {PORT} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off");
            exec(&mut as_cluster_owner(
                &bin.join("pg_ctl"),
                &["-D", &data_arg, "-l", &log, "-o", &options, "-w", "start"],
            ))?;
            println!("DATABASE_URL=postgres://postgres@127.0.0.1:{PORT}/postgres?sslmode=disable");
            Ok(())
        }
        Action::Down => {
            if data.join("postmaster.pid").exists() {
                exec(&mut as_cluster_owner(&bin.join("pg_ctl"), &["-D", &data_arg, "-m", "fast", "-w", "stop"]))?;
            }
            std::fs::remove_dir_all(&data).or_else(|err| if data.exists() { Err(err.to_string()) } else { Ok(()) })
        }
    }
}
