//! The `maeve-manager serve` binary: starts from a config file, answers, warns about the
//! sections it ignores, rejects bad config naming file and key, and stops cleanly on SIGTERM.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_maeve-manager");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// A minimal HTTP/1.1 exchange; returns (status code, body).
fn http(port: u16, method: &str, path: &str, body: Option<&str>) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
    Ok((status, body))
}

fn wait_until_healthy(port: u16, child: &mut Child) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if let Ok((200, _)) = http(port, "GET", "/health", None) {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("maeve-manager exited early with {status}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("maeve-manager did not become healthy on port {port}");
}

fn stop(mut child: Child) -> String {
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let status = child.wait().expect("wait");
    assert!(status.success(), "maeve-manager exited with {status} after SIGTERM");
    let mut stderr = String::new();
    let mut stdout = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
    child.stdout.take().expect("stdout").read_to_string(&mut stdout).expect("stdout");
    format!("{stdout}{stderr}")
}

fn start(config: &str, name: &str) -> (Child, u16, std::path::PathBuf) {
    let port = free_port();
    let path = std::env::temp_dir().join(format!("maeve-manager-{name}-{}.toml", std::process::id()));
    std::fs::write(&path, config.replace("PORT", &port.to_string())).expect("write config");
    let child = Command::new(BINARY)
        .args(["serve", "-c"])
        .arg(&path)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start maeve-manager");
    (child, port, path)
}

#[test]
fn serves_in_memory_from_a_maeve_config_and_stops_on_sigterm() {
    let config = "[api]\naddr = \"127.0.0.1:PORT\"\n[transport]\ntype = \"mqtt\"\n[ocpp]\nx = 1\n[storage]\ntype = \"in_memory\"\n";
    let (mut child, port, path) = start(config, "memory");
    wait_until_healthy(port, &mut child);
    let token = r#"{"countryCode":"GB","partyId":"TWK","type":"RFID","uid":"u1","contractId":"GB-TWK-012345678","issuer":"x","valid":true,"cacheMode":"NEVER"}"#;
    assert_eq!(http(port, "POST", "/api/v0/token", Some(token)).expect("post").0, 201);
    let (status, body) = http(port, "GET", "/api/v0/token/u1", None).expect("get");
    assert_eq!(status, 200);
    assert!(body.contains("GBTWK012345678V"), "{body}");
    let output = stop(child);
    std::fs::remove_file(path).ok();
    let warning = output.lines().find(|line| line.contains("ignored")).unwrap_or_default();
    assert!(
        warning.contains("ocpp") && warning.contains("transport"),
        "one warning naming the ignored sections: {output}"
    );
}

#[test]
fn a_bad_config_fails_naming_the_file_and_key() {
    let (child, _, path) = start("[api]\naddr = \"127.0.0.1:PORT\"\nprot = 1\n", "bad");
    let output = child.wait_with_output().expect("wait");
    std::fs::remove_file(&path).ok();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&path.display().to_string()) && stderr.contains("prot"), "{stderr}");
}

#[cfg(feature = "postgres")]
#[test]
fn serves_on_postgres_with_migrations_run_at_start() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let schema = runtime
        .block_on(store_postgres::test_support::ScratchSchema::create("manager_serve"))
        .unwrap_or_else(|err| panic!("{err}"));
    let separator = if schema.url.contains('?') { '&' } else { '?' };
    let url = format!("{}{separator}options=-c%20search_path%3D{}", schema.url, schema.name);
    let config = format!(
        "[api]\naddr = \"127.0.0.1:PORT\"\n[storage]\ntype = \"postgres\"\n[storage.postgres]\nurl = \"{url}\"\nrun_migrations = true\n"
    );
    let (mut child, port, path) = start(&config, "postgres");
    wait_until_healthy(port, &mut child);
    assert_eq!(http(port, "POST", "/api/v0/cs/cs9", Some(r#"{"securityProfile":2}"#)).expect("post").0, 201);
    let (status, body) = http(port, "GET", "/api/v0/cs/cs9/auth", None).expect("get");
    assert_eq!((status, body.as_str()), (200, r#"{"securityProfile":2,"invalidUsernameAllowed":false}"#));
    let (status, body) = http(port, "GET", "/health", None).expect("health");
    assert!(status == 200 && body.contains("postgres"), "{body}");
    stop(child);
    std::fs::remove_file(path).ok();
    runtime.block_on(schema.drop_now());
}

#[cfg(feature = "mysql")]
#[test]
fn serves_on_mysql_with_migrations_run_at_start() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let database = runtime
        .block_on(store_mysql::test_support::ScratchDatabase::create("manager_serve"))
        .unwrap_or_else(|err| panic!("{err}"));
    let config = format!(
        "[api]\naddr = \"127.0.0.1:PORT\"\n[storage]\ntype = \"mysql\"\n[storage.mysql]\nurl = \"{}\"\ndatabase = \"{}\"\nrun_migrations = true\n",
        database.server_url, database.name
    );
    let (mut child, port, path) = start(&config, "mysql");
    wait_until_healthy(port, &mut child);
    assert_eq!(http(port, "POST", "/api/v0/cs/cs9", Some(r#"{"securityProfile":2}"#)).expect("post").0, 201);
    let (status, body) = http(port, "GET", "/api/v0/cs/cs9/auth", None).expect("get");
    assert_eq!((status, body.as_str()), (200, r#"{"securityProfile":2,"invalidUsernameAllowed":false}"#));
    let (status, body) = http(port, "GET", "/health", None).expect("health");
    assert!(status == 200 && body.contains("mysql"), "{body}");
    stop(child);
    std::fs::remove_file(path).ok();
    runtime.block_on(database.drop_now());
}

/// The manager started in `dir` with `args` (no config file unless the args name one).
fn start_in(dir: &std::path::Path, args: &[&str]) -> Child {
    Command::new(BINARY)
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start maeve-manager")
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_data_survives_a_process_restart_even_after_kill_9() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let port = free_port();
    let config = dir.path().join("maeve.toml");
    let config_text = format!(
        "[api]\naddr = \"127.0.0.1:{port}\"\n[storage]\ntype = \"sqlite\"\n[storage.sqlite]\npath = \"data/store.db\"\n"
    );
    std::fs::write(&config, config_text).expect("write config");
    let args = ["serve", "-c", "maeve.toml"];

    let mut first = start_in(dir.path(), &args);
    wait_until_healthy(port, &mut first);
    let token = r#"{"countryCode":"GB","partyId":"TWK","type":"RFID","uid":"u7","contractId":"GBTWK012345678V","issuer":"x","valid":true,"cacheMode":"ALWAYS"}"#;
    assert_eq!(http(port, "POST", "/api/v0/token", Some(token)).expect("post token").0, 201);
    assert_eq!(http(port, "POST", "/api/v0/cs/cs7", Some(r#"{"securityProfile":1}"#)).expect("post cs").0, 201);
    let (_, token_before) = http(port, "GET", "/api/v0/token/u7", None).expect("get token");
    // No clean shutdown: an acknowledged write must already be in the file.
    first.kill().expect("kill -9");
    first.wait().expect("wait");

    let mut second = start_in(dir.path(), &args);
    wait_until_healthy(port, &mut second);
    assert_eq!(http(port, "GET", "/api/v0/token/u7", None).expect("get token"), (200, token_before));
    let (status, auth) = http(port, "GET", "/api/v0/cs/cs7/auth", None).expect("get auth");
    assert_eq!((status, auth.as_str()), (200, r#"{"securityProfile":1,"invalidUsernameAllowed":false}"#));
    let output = stop(second);
    assert!(dir.path().join("data/store.db").exists(), "the configured file, its directory created: {output}");
}

#[cfg(feature = "sqlite")]
#[test]
fn without_a_config_file_it_serves_sqlite_in_maeve_db_and_logs_its_absolute_path() {
    let dir = tempfile::tempdir().expect("temporary directory");
    // The default address is fixed (127.0.0.1:9410); another test run may hold it, so this
    // test only waits for the log line and the file, never for the port.
    let mut child = start_in(dir.path(), &["serve"]);
    let database = dir.path().join("maeve.db");
    let start = Instant::now();
    while !database.exists() && start.elapsed() < Duration::from_secs(30) {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200));
    let output = stop_any(child);
    assert!(database.exists(), "maeve.db created in the working directory: {output}");
    let absolute = std::fs::canonicalize(&database).expect("canonical path");
    let logged = output.lines().find(|line| line.contains("SQLite database opened")).unwrap_or_default();
    assert!(
        logged.contains(&absolute.display().to_string()) || logged.contains(&database.display().to_string()),
        "the absolute path is logged: {output}"
    );
}

/// SIGTERM, then whatever the process wrote, whatever its exit status.
fn stop_any(child: Child) -> String {
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let output = child.wait_with_output().expect("wait");
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}
