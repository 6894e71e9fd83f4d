//! Concurrent clients of the manager: each writes tokens with uids of its own and reads back
//! ones it wrote, recording every answer (status, start, latency). After a 503 or a refused
//! connection a client waits 20 ms, not the `Retry-After` second, as another replica would: so
//! the first success after a recovery shows when the service recovered, not when clients
//! returned.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::json;

/// What one request got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Status(u16),
    /// No HTTP answer: connection refused or reset, or the client's 10 s timeout.
    NoAnswer,
}

#[derive(Debug, Clone)]
pub struct Record {
    pub write: bool,
    pub uid: String,
    pub started: Instant,
    pub latency: Duration,
    pub answer: Answer,
    /// For a read that succeeded: whether the body was the token asked for.
    pub read_matches: bool,
}

impl Record {
    pub fn ended(&self) -> Instant {
        self.started + self.latency
    }
}

#[derive(Debug)]
pub struct Load {
    stop: Arc<AtomicBool>,
    records: Arc<Mutex<Vec<Record>>>,
    clients: Vec<JoinHandle<()>>,
}

pub fn token_body(uid: &str) -> String {
    json!({"countryCode": "GB", "partyId": "TWK", "type": "RFID", "uid": uid, "contractId": "GBTWK012345678V",
           "issuer": "maeve chaos", "valid": true, "cacheMode": "ALWAYS", "lastUpdated": "2026-01-01T00:00:00Z"})
    .to_string()
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// One request: its answer, and for a 200 its body.
pub fn call(agent: &ureq::Agent, url: &str, body: Option<&str>) -> (Answer, Option<String>) {
    let result = match body {
        Some(body) => agent.post(url).header("content-type", "application/json").send(body),
        None => agent.get(url).call(),
    };
    match result {
        Ok(mut response) => {
            let status = response.status().as_u16();
            let text = response.body_mut().read_to_string().ok();
            (Answer::Status(status), text)
        }
        Err(_) => (Answer::NoAnswer, None),
    }
}

impl Load {
    pub fn start(port: u16, clients: usize) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let records = Arc::new(Mutex::new(Vec::new()));
        let clients = (0..clients)
            .map(|client| {
                let (stop, records) = (stop.clone(), records.clone());
                std::thread::spawn(move || run_client(port, client, &stop, &records))
            })
            .collect();
        Load { stop, records, clients }
    }

    pub fn stop(self) -> Vec<Record> {
        self.stop.store(true, Ordering::Relaxed);
        for client in self.clients {
            client.join().expect("a load client panicked");
        }
        std::mem::take(&mut *self.records.lock().expect("not poisoned"))
    }
}

fn run_client(port: u16, client: usize, stop: &AtomicBool, records: &Mutex<Vec<Record>>) {
    let agent = agent();
    let base = format!("http://127.0.0.1:{port}/api/v0/token");
    let mut acknowledged: Vec<String> = Vec::new();
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let read = n.is_multiple_of(4) && !acknowledged.is_empty();
        let uid = if read {
            acknowledged[(n as usize / 4) % acknowledged.len()].clone()
        } else {
            format!("chaos-{client}-{n}")
        };
        let started = Instant::now();
        let (answer, text) = if read {
            call(&agent, &format!("{base}/{uid}"), None)
        } else {
            call(&agent, &base, Some(&token_body(&uid)))
        };
        let latency = started.elapsed();
        let read_matches = read
            && text
                .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
                .is_some_and(|token| token["uid"] == uid.as_str());
        if !read && answer == Answer::Status(201) {
            acknowledged.push(uid.clone());
        }
        let failed = !matches!(answer, Answer::Status(200 | 201));
        records.lock().expect("not poisoned").push(Record {
            write: !read,
            uid,
            started,
            latency,
            answer,
            read_matches,
        });
        if failed {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
