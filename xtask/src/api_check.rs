//! `cargo xtask api-check [--backend memory|postgres|sqlite|mysql|all]`: starts the built maeve-manager and
//! runs schemathesis (from PyPI, in a venv under target/) against it with MaEVe's spec: no
//! server error, and no status, content type or body that contradicts the spec.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::backend::{Backend, BackendChoice};
use crate::command::{Result, build_manager, exec, workspace_root};
use crate::database::{self, Scratch};

const SCHEMATHESIS: &str = "schemathesis==4.32.5";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value = "all")]
    backend: BackendChoice,
    /// Test cases per operation.
    #[arg(long, default_value_t = 30)]
    examples: u32,
}

impl Args {
    pub fn all() -> Self {
        Args { backend: BackendChoice::All, examples: 30 }
    }
}

fn schemathesis(root: &Path) -> Result<PathBuf> {
    let venv = root.join("target/api-check/venv");
    let binary = venv.join("bin/schemathesis");
    if !binary.exists() {
        exec(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        exec(Command::new(venv.join("bin/pip")).args(["install", "--quiet", SCHEMATHESIS]))?;
    }
    Ok(binary)
}

/// A port nothing listens on now (the service binds it a moment later).
pub(crate) fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|err| err.to_string())?;
    Ok(listener.local_addr().map_err(|err| err.to_string())?.port())
}

/// Whether a service on `port` answers `GET /health` with 200.
pub(crate) fn healthy(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut answer = String::new();
    stream.read_to_string(&mut answer).is_ok() && answer.starts_with("HTTP/1.1 200")
}

struct Service {
    child: Child,
    port: u16,
}

impl Service {
    fn start(binary: &Path, config: &str, config_path: &Path) -> Result<Self> {
        let port = free_port()?;
        std::fs::write(config_path, config.replace("PORT", &port.to_string())).map_err(|err| err.to_string())?;
        let mut child = Command::new(binary)
            .args(["serve", "-c"])
            .arg(config_path)
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .map_err(|err| format!("cannot start {}: {err}", binary.display()))?;
        let start = Instant::now();
        while !healthy(port) {
            if start.elapsed() > Duration::from_secs(30) || child.try_wait().map_err(|err| err.to_string())?.is_some() {
                let _ = child.kill();
                return Err("maeve-manager did not become healthy".to_owned());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(Service { child, port })
    }

    fn stop(mut self) -> Result {
        exec(Command::new("kill").args(["-TERM", &self.child.id().to_string()]))?;
        let status = self.child.wait().map_err(|err| err.to_string())?;
        if status.success() { Ok(()) } else { Err(format!("maeve-manager exited with {status} after SIGTERM")) }
    }
}

fn check(root: &Path, schemathesis: &Path, binary: &Path, name: &str, config: &str, examples: u32) -> Result {
    let config_path = root.join(format!("target/api-check/{name}.toml"));
    // schemathesis keeps its state (.schemathesis/) in its working directory: one per run,
    // since the backends run at once.
    let workdir = root.join(format!("target/api-check/run-{name}"));
    std::fs::create_dir_all(&workdir).map_err(|err| format!("{}: {err}", workdir.display()))?;
    let service = Service::start(binary, config, &config_path)?;
    let mut schemathesis = Command::new(schemathesis);
    schemathesis
        .arg("--config-file")
        .arg(root.join("manager/schemathesis.toml"))
        .arg("run")
        .arg(root.join("manager/api-spec.yaml"))
        .args(["--url", &format!("http://127.0.0.1:{}/api/v0", service.port)])
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
        ])
        .args(["--max-examples", &examples.to_string(), "--seed", "20261129"])
        .current_dir(&workdir)
        .env("NO_COLOR", "1");
    // Its report comes in one block, not interleaved with the other backends'.
    let outcome =
        schemathesis.output().map_err(|err| format!("could not start schemathesis: {err}")).and_then(|output| {
            println!(
                "api-check: {name}:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            if output.status.success() { Ok(()) } else { Err(format!("schemathesis failed with {}", output.status)) }
        });
    let stopped = service.stop();
    outcome.map_err(|err| format!("api-check on {name}: {err}"))?;
    stopped?;
    println!("api-check: {name}: schemathesis found no server error and no response contradicting the spec");
    Ok(())
}

pub fn run(args: Args) -> Result {
    let root = workspace_root();
    let schemathesis = schemathesis(&root)?;
    let binary = build_manager()?;
    // Each run waits on its service and database as much as it computes: all at once take
    // about half as long as one after another on two cores.
    let (root, schemathesis, binary) = (&root, &schemathesis, &binary);
    let outcomes: Vec<Result> = std::thread::scope(|scope| {
        let runs: Vec<_> = args
            .backend
            .backends()
            .into_iter()
            .map(|backend| scope.spawn(move || check_backend(backend, root, schemathesis, binary, args.examples)))
            .collect();
        runs.into_iter().map(|run| run.join().unwrap_or_else(|_| Err("an api-check run panicked".to_owned()))).collect()
    });
    outcomes.into_iter().collect()
}

fn check_backend(backend: Backend, root: &Path, schemathesis: &Path, binary: &Path, examples: u32) -> Result {
    match backend {
        Backend::Memory => {
            let config = "[api]\naddr = \"127.0.0.1:PORT\"\n[storage]\ntype = \"in_memory\"\n";
            check(root, schemathesis, binary, "memory", config, examples)
        }
        Backend::Postgres => {
            let server = database::url(None)?;
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|err| err.to_string())?;
            let scratch: Scratch = runtime.block_on(Scratch::create(&server, "api_check"))?;
            let config = format!(
                "[api]\naddr = \"127.0.0.1:PORT\"\n[storage]\ntype = \"postgres\"\n[storage.postgres]\nurl = \"{}\"\nrun_migrations = true\n",
                scratch.url
            );
            let outcome = check(root, schemathesis, binary, "postgres", &config, examples);
            runtime.block_on(scratch.drop())?;
            outcome
        }
        Backend::Sqlite => {
            let path = root.join("target/api-check/sqlite/maeve.db");
            if let Some(dir) = path.parent().filter(|dir| dir.exists()) {
                std::fs::remove_dir_all(dir).map_err(|err| format!("{}: {err}", dir.display()))?;
            }
            // The path is ours, under target/; TOML basic strings take it as it is.
            let config = format!(
                "[api]\naddr = \"127.0.0.1:PORT\"\n[storage]\ntype = \"sqlite\"\n[storage.sqlite]\npath = \"{}\"\n",
                path.display()
            );
            check(root, schemathesis, binary, "sqlite", &config, examples)
        }
        Backend::Mysql => {
            use store_mysql::test_support::ScratchDatabase;
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|err| err.to_string())?;
            let scratch = runtime.block_on(ScratchDatabase::create("api_check"))?;
            let config = format!(
                "[api]\naddr = \"127.0.0.1:PORT\"\n[storage]\ntype = \"mysql\"\n[storage.mysql]\nurl = \"{}\"\nrun_migrations = true\n",
                database::with_database(&scratch.server_url, &scratch.name)
            );
            let outcome = check(root, schemathesis, binary, "mysql", &config, examples);
            runtime.block_on(scratch.drop_now());
            outcome
        }
    }
}
