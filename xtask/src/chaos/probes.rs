//! The checks around the load: terminating backends, reading back every acknowledged write,
//! slowloris, bad input, and a database that does not exist.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use store_postgres::test_support::ThrowawayCluster;

use super::load::{Answer, Record, agent, call};
use super::process::Manager;
use crate::command::Result;

/// Ends every session of the store's pool (`pg_terminate_backend`), as an operator or a
/// failover would; returns how many.
pub fn terminate_backends(url: &str) -> Result<i64> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|err| err.to_string())?;
    runtime.block_on(async {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(url).await.map_err(|err| format!("admin connection: {err}"))?;
        let terminated: i64 = sqlx::query_scalar(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'maeve-store'",
        )
        .fetch_one(&mut admin)
        .await
        .map_err(|err| format!("pg_terminate_backend: {err}"))?;
        let _ = admin.close().await;
        Ok(terminated)
    })
}

/// How many acknowledged writes do not read back as written.
pub fn read_back(port: u16, records: &[Record]) -> Result<usize> {
    let agent = agent();
    let mut lost = 0;
    for record in records.iter().filter(|record| record.write && record.answer == Answer::Status(201)) {
        let (answer, text) = call(&agent, &format!("http://127.0.0.1:{port}/api/v0/token/{}", record.uid), None);
        let found = answer == Answer::Status(200)
            && text
                .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
                .is_some_and(|token| token["uid"] == record.uid.as_str());
        if !found {
            eprintln!("chaos: acknowledged token {} reads back as {answer:?}", record.uid);
            lost += 1;
        }
    }
    Ok(lost)
}

#[derive(Debug)]
pub struct Slowloris {
    pub connections: usize,
    pub max_close: Duration,
}

/// Opens 300 connections that send a request head one byte at a time, every 250 ms, and never
/// finish it: each must be closed within the header timeout (plus 2 s of slack), while a normal
/// request meanwhile is answered within a second.
pub fn slowloris(port: u16, header_timeout: Duration) -> Result<Slowloris> {
    const CONNECTIONS: usize = 300;
    let started = Instant::now();
    let mut open: Vec<(TcpStream, Option<Duration>)> = Vec::new();
    for _ in 0..CONNECTIONS {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|err| format!("slowloris connect: {err}"))?;
        stream.write_all(b"GET /health HTTP/1.1\r\nhost: x\r\nx-slow: ").map_err(|err| err.to_string())?;
        stream.set_nonblocking(true).map_err(|err| err.to_string())?;
        open.push((stream, None));
    }
    let normal = Instant::now();
    let (answer, _) = call(&agent(), &format!("http://127.0.0.1:{port}/health"), None);
    let normal = normal.elapsed();
    if answer != Answer::Status(200) || normal > Duration::from_secs(1) {
        return Err(format!("during slowloris /health answered {answer:?} in {} ms", normal.as_millis()));
    }
    let deadline = header_timeout + Duration::from_secs(2);
    while started.elapsed() < deadline && open.iter().any(|(_, closed)| closed.is_none()) {
        for (stream, closed) in open.iter_mut().filter(|(_, closed)| closed.is_none()) {
            let mut buf = [0u8; 512];
            let gone = match stream.read(&mut buf) {
                Ok(0) => true,
                Ok(_) => false,
                Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => stream.write_all(b"a").is_err(),
                Err(_) => true,
            };
            if gone {
                *closed = Some(started.elapsed());
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let still_open = open.iter().filter(|(_, closed)| closed.is_none()).count();
    if still_open > 0 {
        return Err(format!(
            "slowloris: {still_open} of {CONNECTIONS} connections still open {} ms after they began (header timeout {} ms)",
            deadline.as_millis(),
            header_timeout.as_millis()
        ));
    }
    let max_close = open.iter().filter_map(|(_, closed)| *closed).max().unwrap_or_default();
    Ok(Slowloris { connections: CONNECTIONS, max_close })
}

/// A raw 0xFF byte in the path and a 600 KB head get JSON 400 and 431 with a request id.
pub fn bad_input(port: u16) -> Result {
    let big = [b"GET /health HTTP/1.1\r\nhost: x\r\nx-big: ".as_slice(), &[b'a'; 600_000], b"\r\n\r\n"].concat();
    let cases: [(&str, &[u8], &str); 2] = [
        ("0xFF in the path", b"GET /api/v0/token/\xff HTTP/1.1\r\nhost: x\r\n\r\n", "400"),
        ("a 600 KB head", &big, "431"),
    ];
    for (case, raw, status) in cases {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|err| err.to_string())?;
        stream.set_read_timeout(Some(Duration::from_secs(5))).map_err(|err| err.to_string())?;
        stream.write_all(raw).map_err(|err| format!("{case}: {err}"))?;
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        let json: Option<serde_json::Value> = serde_json::from_str(body).ok();
        let has_id = json.as_ref().is_some_and(|json| json["request_id"].is_string());
        if !head.starts_with(&format!("HTTP/1.1 {status}")) || !has_id {
            return Err(format!("{case}: expected a JSON {status} with a request id, got {head:?} {body:?}"));
        }
    }
    Ok(())
}

/// A manager whose database does not exist: its first API call is a 503, and the next ones are
/// 503s within 100 ms each (the breaker knows). Returns the slowest of those.
pub fn missing_database(binary: &Path, dir: &Path, cluster: &ThrowawayCluster) -> Result<Duration> {
    let url = cluster.url().replace("/postgres?", "/maeve_chaos_missing?");
    let config = format!(
        "[api]\naddr = \"127.0.0.1:PORT\"\n[storage]\ntype = \"postgres\"\n[storage.postgres]\nurl = \"{url}\"\n"
    );
    let manager = Manager::start_unhealthy(binary, &config, dir, "chaos-missing-database")?;
    let agent = agent();
    let token = format!("http://127.0.0.1:{}/api/v0/token/uid-1", manager.port);
    let (first, _) = call(&agent, &token, None);
    if first != Answer::Status(503) {
        return Err(format!("missing database: first API call answered {first:?}, not 503"));
    }
    let mut slowest = Duration::ZERO;
    for _ in 0..20 {
        let started = Instant::now();
        let (answer, _) = call(&agent, &token, None);
        let took = started.elapsed();
        if answer != Answer::Status(503) || took > Duration::from_millis(100) {
            return Err(format!("missing database: an API call answered {answer:?} in {} ms", took.as_millis()));
        }
        slowest = slowest.max(took);
    }
    let started = Instant::now();
    let (health, _) = call(&agent, &format!("http://127.0.0.1:{}/health", manager.port), None);
    if health != Answer::Status(503) || started.elapsed() > Duration::from_secs(1) {
        return Err(format!("missing database: /health answered {health:?} in {} ms", started.elapsed().as_millis()));
    }
    manager.stop()?;
    Ok(slowest)
}
