//! A PostgreSQL server of its own, from the local binaries: never the shared one at
//! `DATABASE_URL`. Fault tests take a throwaway one (`initdb` into a temporary directory, a free
//! port, stopped and removed on drop); `cargo xtask db up` a kept one (a directory and port it
//! names, left running across commands until `db down` removes it). Either way the socket is in
//! the cluster's directory, and the directory is the server user's own, outside any checkout:
//! initdb refuses to run as root, so as root the cluster belongs to the `postgres` system user,
//! who may not be able to enter a checkout in a private (0700) directory.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// Where a cluster lives: a temporary directory removed with it, or a kept one.
#[derive(Debug)]
enum ClusterDir {
    Throwaway(TempDir),
    Kept(PathBuf),
}

impl ClusterDir {
    fn path(&self) -> &Path {
        match self {
            ClusterDir::Throwaway(dir) => dir.path(),
            ClusterDir::Kept(path) => path,
        }
    }
}

/// A running server of its own. Dropping a throwaway one stops it at once and deletes its data;
/// a kept one ([`ThrowawayCluster::kept`]) runs on until [`ThrowawayCluster::remove`].
#[derive(Debug)]
pub struct ThrowawayCluster {
    dir: ClusterDir,
    bin: PathBuf,
    port: u16,
    /// Server settings beyond the common ones (`name=value`).
    settings: Vec<String>,
}

impl ThrowawayCluster {
    /// Creates and starts a cluster (trust authentication, user `postgres`).
    pub fn start(prefix: &str) -> Result<Self, String> {
        Self::start_with(prefix, &[])
    }

    /// Creates and starts a cluster with the extra server `settings` (`name=value`).
    pub fn start_with(prefix: &str, settings: &[&str]) -> Result<Self, String> {
        let cluster = Self::empty(prefix, settings)?;
        cluster.initdb()?;
        cluster.start_server()?;
        Ok(cluster)
    }

    /// The kept cluster in `dir` on `port` (trust authentication, user `postgres`), with the
    /// extra server `settings`: created if `dir` holds none, started unless it runs. `dir` is
    /// made the server user's own.
    pub fn kept(dir: &Path, port: u16, settings: &[&str]) -> Result<Self, String> {
        let cluster = Self::kept_dir(dir, port, settings)?;
        if !cluster.has_data() {
            cluster.initdb()?;
        }
        cluster.start_unless_running()?;
        Ok(cluster)
    }

    /// A kept streaming replica of this server in `dir` on `port`: copied if `dir` holds no
    /// cluster, started unless it runs.
    pub fn kept_replica(&self, dir: &Path, port: u16, settings: &[&str]) -> Result<Self, String> {
        let replica = Self::kept_dir(dir, port, settings)?;
        if !replica.has_data() {
            replica.base_backup_of(self)?;
        }
        replica.start_unless_running()?;
        Ok(replica)
    }

    /// The kept cluster in `dir`, if there is one: stopped if it runs, then deleted with `dir`.
    pub fn remove_kept(dir: &Path) -> Result<(), String> {
        if !dir.exists() {
            return Ok(());
        }
        let cluster = ThrowawayCluster {
            dir: ClusterDir::Kept(dir.to_path_buf()),
            bin: newest_bin_dir()?,
            port: 0,
            settings: Vec::new(),
        };
        cluster.remove()
    }

    /// Stops the server if it runs and deletes its directory.
    pub fn remove(self) -> Result<(), String> {
        if self.is_running() {
            self.stop_server()?;
        }
        let path = self.dir.path().to_path_buf();
        std::fs::remove_dir_all(&path).map_err(|err| format!("cannot remove {}: {err}", path.display()))?;
        // A throwaway directory's own drop then finds nothing left to remove.
        drop(self);
        Ok(())
    }

    fn kept_dir(dir: &Path, port: u16, settings: &[&str]) -> Result<Self, String> {
        std::fs::create_dir_all(dir).map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
        if is_root() {
            run(Command::new("chown").args(["postgres:", "--"]).arg(dir))?;
        }
        Ok(ThrowawayCluster {
            dir: ClusterDir::Kept(dir.to_path_buf()),
            bin: newest_bin_dir()?,
            port,
            settings: settings.iter().map(|&setting| setting.to_owned()).collect(),
        })
    }

    fn has_data(&self) -> bool {
        Path::new(&self.data()).join("PG_VERSION").exists()
    }

    fn is_running(&self) -> bool {
        Path::new(&self.data()).join("postmaster.pid").exists()
    }

    fn start_unless_running(&self) -> Result<(), String> {
        if self.is_running() { Ok(()) } else { self.start_server() }
    }

    fn initdb(&self) -> Result<(), String> {
        let data = self.data();
        self.pg(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ],
        )
    }

    /// A streaming replica of this server (`pg_basebackup -R`, hot standby) on a port of its
    /// own, started with the extra `settings` (e.g. `recovery_min_apply_delay=50ms`) once it
    /// accepts connections.
    pub fn start_replica(&self, prefix: &str, settings: &[&str]) -> Result<Self, String> {
        let replica = Self::empty(prefix, settings)?;
        replica.base_backup_of(self)?;
        replica.start_server()?;
        Ok(replica)
    }

    /// This cluster's data as a copy of `primary` that starts as its streaming hot standby
    /// (`-R` writes standby.signal and primary_conninfo).
    fn base_backup_of(&self, primary: &ThrowawayCluster) -> Result<(), String> {
        let port = primary.port.to_string();
        self.pg(
            "pg_basebackup",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-U",
                "postgres",
                "-D",
                &self.data(),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "--no-sync",
            ],
        )
    }

    /// A directory owned by the cluster's user and a free port, no data yet.
    fn empty(prefix: &str, settings: &[&str]) -> Result<Self, String> {
        let bin = newest_bin_dir()?;
        let dir = tempfile::Builder::new()
            .prefix(&format!("maeve-pg-{prefix}-"))
            .tempdir()
            .map_err(|err| format!("cannot create a temporary directory: {err}"))?;
        if is_root() {
            run(Command::new("chown").args(["postgres:", "--"]).arg(dir.path()))?;
        }
        let port = free_port()?;
        Ok(ThrowawayCluster {
            dir: ClusterDir::Throwaway(dir),
            bin,
            port,
            settings: settings.iter().map(|&setting| setting.to_owned()).collect(),
        })
    }

    /// Starts the stopped (or killed) server again, once it accepts connections: after a kill,
    /// once crash recovery is done.
    pub fn start_server(&self) -> Result<(), String> {
        let mut options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40",
            self.port,
            self.dir.path().display()
        );
        for setting in &self.settings {
            options.push_str(" -c ");
            options.push_str(setting);
        }
        self.pg("pg_ctl", &["-D", &self.data(), "-o", &options, "-l", &self.log(), "-w", "-t", "60", "start"])
    }

    /// Stops the server (fast shutdown: sessions are ended, committed data is kept).
    pub fn stop_server(&self) -> Result<(), String> {
        self.pg("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "-t", "60", "stop"])
    }

    /// `kill -9` of the postmaster, as a crash or the OOM killer would: its backends exit when
    /// they notice, and the next start runs crash recovery.
    pub fn kill_postmaster(&self) -> Result<(), String> {
        let pid_file = Path::new(&self.data()).join("postmaster.pid");
        let pid = std::fs::read_to_string(&pid_file)
            .map_err(|err| format!("cannot read {}: {err}", pid_file.display()))?
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        let children = Command::new("pgrep")
            .args(["-P", &pid])
            .output()
            .map(|out| String::from_utf8_lossy(&out.stdout).split_whitespace().map(str::to_owned).collect::<Vec<_>>())
            .unwrap_or_default();
        run(Command::new("kill").args(["-9", &pid]))?;
        // The next start refuses while the old server's processes still hold its shared memory;
        // they exit when they notice their postmaster is gone.
        for _ in 0..200 {
            if children.iter().chain([&pid]).all(|pid| !Path::new(&format!("/proc/{pid}")).exists()) {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Err("the killed server's processes did not exit within 10 s".to_owned())
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres?sslmode=disable", self.port)
    }

    /// Stops the server (fast shutdown: sessions are ended, committed data is kept) and starts
    /// it again with the same options.
    pub fn restart(&self) -> Result<(), String> {
        // With its log file named again: a server logging to pg_ctl's output would keep the
        // pipe this process reads open, and the read would never end.
        self.pg("pg_ctl", &["-D", &self.data(), "-l", &self.log(), "-m", "fast", "-w", "-t", "60", "restart"])
    }

    fn log(&self) -> String {
        self.dir.path().join("server.log").display().to_string()
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// `program args…` from the PostgreSQL binaries, as the cluster's owner; fails with its
    /// output (and the server log) if it fails.
    fn pg(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let mut command = as_postgres_user(&self.bin.join(program));
        command.args(args).current_dir(self.dir.path());
        run(&mut command).map_err(|err| {
            let log = std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default();
            format!("{err}\nserver log:\n{log}")
        })
    }
}

impl Drop for ThrowawayCluster {
    fn drop(&mut self) {
        // A kept cluster runs on; a removed one has nothing left to stop.
        if matches!(self.dir, ClusterDir::Kept(_)) || !self.is_running() {
            return;
        }
        if let Err(err) = self.pg("pg_ctl", &["-D", &self.data(), "-m", "immediate", "-w", "stop"]) {
            eprintln!("warning: could not stop the throwaway cluster in {}: {err}", self.dir.path().display());
        }
    }
}

/// The newest PostgreSQL server binaries, as Debian installs them.
fn newest_bin_dir() -> Result<PathBuf, String> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| {
            "no PostgreSQL binaries under /usr/lib/postgresql: install Debian's `postgresql` package".to_owned()
        })?
        .filter_map(|entry| entry.ok().map(|entry| entry.path().join("bin")))
        .filter(|bin| Path::new(bin).join("initdb").exists())
        .collect();
    found.sort();
    found.pop().ok_or_else(|| "no initdb under /usr/lib/postgresql/*/bin".to_owned())
}

/// `program`, run as the `postgres` system user when this process is root (initdb and PgBouncer
/// refuse to run as root).
pub(super) fn as_postgres_user(program: &Path) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

pub(super) fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// A port nothing listens on now (the server binds it a moment later).
pub(super) fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|err| format!("no free port: {err}"))?;
    listener.local_addr().map(|addr| addr.port()).map_err(|err| format!("no free port: {err}"))
}

pub(super) fn run(command: &mut Command) -> Result<(), String> {
    let output = command.output().map_err(|err| format!("cannot run {command:?}: {err}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}
