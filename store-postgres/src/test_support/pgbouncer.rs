//! A throwaway PgBouncer in transaction pooling mode in front of one PostgreSQL server, as
//! docs/SCALE_OUT.md configures it: its own port, config and log in a temporary directory,
//! stopped on drop.

use std::path::Path;
use std::process::Command;

use tempfile::TempDir;

use super::cluster::{as_postgres_user, free_port, is_root, run};

/// A running PgBouncer. Dropping it stops it.
#[derive(Debug)]
pub struct ThrowawayPgBouncer {
    dir: TempDir,
    port: u16,
}

/// The settings that matter (docs/SCALE_OUT.md explains each).
const SETTINGS: &str = "\
pool_mode = transaction
auth_type = trust
auth_user = postgres
ignore_startup_parameters = extra_float_digits, options
default_pool_size = 4
max_client_conn = 1000
server_idle_timeout = 1
server_reset_query = DEALLOCATE ALL
server_reset_query_always = 1
";

impl ThrowawayPgBouncer {
    /// Starts PgBouncer (Debian's `pgbouncer` package) in front of the server on
    /// 127.0.0.1:`server_port`, for every database there; users are looked up on the server
    /// through `postgres` (trust authentication on both sides, as the test servers have).
    pub fn start(server_port: u16) -> Result<Self, String> {
        let binary = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"]
            .into_iter()
            .find(|path| Path::new(path).exists())
            .ok_or("no pgbouncer binary: install Debian's `pgbouncer` package (.ci/run does)")?;
        let dir = tempfile::Builder::new()
            .prefix("maeve-pgbouncer-")
            .tempdir()
            .map_err(|err| format!("cannot create a temporary directory: {err}"))?;
        let port = free_port()?;
        let path = |name: &str| dir.path().join(name).display().to_string();
        let config = format!(
            "[databases]\n* = host=127.0.0.1 port={server_port}\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\n\
             listen_port = {port}\nunix_socket_dir =\nauth_file = {users}\nlogfile = {log}\npidfile = {pid}\n{SETTINGS}",
            users = path("users.txt"),
            log = path("pgbouncer.log"),
            pid = path("pgbouncer.pid"),
        );
        std::fs::write(dir.path().join("pgbouncer.ini"), config).map_err(|err| err.to_string())?;
        // Only auth_user need be listed: other users are looked up on the server.
        std::fs::write(dir.path().join("users.txt"), "\"postgres\" \"\"\n").map_err(|err| err.to_string())?;
        if is_root() {
            run(Command::new("chown").args(["-R", "postgres:", "--"]).arg(dir.path()))?;
        }
        run(as_postgres_user(Path::new(binary)).args(["-d", &path("pgbouncer.ini")]))?;
        let bouncer = ThrowawayPgBouncer { dir, port };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(bouncer);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Err(format!("PgBouncer did not listen on port {port} within 5 s; its log:\n{}", bouncer.log()))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// What PgBouncer logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("pgbouncer.log")).unwrap_or_default()
    }
}

impl Drop for ThrowawayPgBouncer {
    fn drop(&mut self) {
        let pid = std::fs::read_to_string(self.dir.path().join("pgbouncer.pid")).unwrap_or_default();
        let pid = pid.trim();
        if !pid.is_empty() {
            // SIGINT: PgBouncer's immediate shutdown.
            let _ = Command::new("kill").args(["-INT", pid]).status();
        }
    }
}
