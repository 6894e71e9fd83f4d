//! The release `maeve-manager` as a child process: started on a config, health-checked, killed
//! with SIGKILL, and its resident memory read from /proc.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::api_check::{free_port, healthy};
use crate::command::Result;

#[derive(Debug)]
pub struct Manager {
    binary: PathBuf,
    config: PathBuf,
    log: PathBuf,
    child: Child,
    pub port: u16,
}

impl Manager {
    /// Starts the binary on `config` (whose `PORT` is replaced by a free port) and waits until
    /// it answers `/health` with 200.
    pub fn start(binary: &Path, config_text: &str, dir: &Path, name: &str) -> Result<Self> {
        let mut manager = Self::launch(binary, config_text, dir, name)?;
        manager.wait_healthy()?;
        Ok(manager)
    }

    /// Like [`Manager::start`], for a manager whose store is not expected to be healthy: once it
    /// listens.
    pub fn start_unhealthy(binary: &Path, config_text: &str, dir: &Path, name: &str) -> Result<Self> {
        let manager = Self::launch(binary, config_text, dir, name)?;
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", manager.port)).is_err() {
            if started.elapsed() > Duration::from_secs(30) {
                return Err(format!("maeve-manager never listened; see {}", manager.log.display()));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(manager)
    }

    /// Writes `dir/name.toml` and starts the binary on it, logging to `dir/name.log`.
    fn launch(binary: &Path, config_text: &str, dir: &Path, name: &str) -> Result<Self> {
        let port = free_port()?;
        let config = dir.join(format!("{name}.toml"));
        std::fs::write(&config, config_text.replace("PORT", &port.to_string())).map_err(|err| err.to_string())?;
        let log = dir.join(format!("{name}.log"));
        let child = spawn(binary, &config, &log)?;
        Ok(Manager { binary: binary.to_owned(), config, log, child, port })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGKILL, as the OOM killer or a node failure would.
    pub fn kill9(&mut self) -> Result {
        self.child.kill().map_err(|err| format!("kill -9 maeve-manager: {err}"))?;
        self.child.wait().map_err(|err| err.to_string())?;
        Ok(())
    }

    /// Starts the same binary on the same config and port again, once healthy.
    pub fn restart(&mut self) -> Result {
        self.child = spawn(&self.binary, &self.config, &self.log)?;
        self.wait_healthy()
    }

    /// SIGTERM, and the exit status.
    pub fn stop(mut self) -> Result {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let status = self.child.wait().map_err(|err| err.to_string())?;
        if status.success() { Ok(()) } else { Err(format!("maeve-manager exited with {status} after SIGTERM")) }
    }

    fn wait_healthy(&mut self) -> Result {
        let started = Instant::now();
        while !healthy(self.port) {
            if started.elapsed() > Duration::from_secs(60) || !self.alive() {
                let _ = self.child.kill();
                return Err(format!("maeve-manager did not become healthy; see {}", self.log.display()));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }
}

impl Drop for Manager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(binary: &Path, config: &Path, log: &Path) -> Result<Child> {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(log).map_err(|err| err.to_string())?;
    Command::new(binary)
        .args(["serve", "-c"])
        .arg(config)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|err| format!("cannot start {}: {err}", binary.display()))
}

/// Resident memory of `pid` in KiB, from /proc.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches(" kB").trim().parse().ok())
}
