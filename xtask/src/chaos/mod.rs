//! `cargo xtask chaos`: maeve-manager (the dev build) on a throwaway PostgreSQL cluster (initdb as the
//! `postgres` user, never the shared server), under concurrent writers and readers, through
//! these faults: backends terminated, PostgreSQL stopped and started, its postmaster killed with
//! SIGKILL, and the manager killed with SIGKILL and restarted. Then a slowloris attack, bad
//! input, and a manager whose database does not exist.
//!
//! It fails unless: every acknowledged write reads back; no answer is a 5xx other than 503;
//! once an outage is detected (its first 503), every 503 comes within 1 s and 99 % of them
//! within 100 ms; the first success comes within 1 s of the recovery; the process stays up
//! (but for the deliberate kill) with its resident memory under 256 MiB; slow request heads
//! are cut off at the header timeout while normal requests are served; bad input gets JSON 4xx;
//! a missing database gets 503. It prints one summary line starting `chaos:`.

mod judge;
mod load;
mod probes;
mod process;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use store_postgres::test_support::ThrowawayCluster;

use crate::command::{Result, build_manager, workspace_root};
use judge::Fault;
use load::Load;
use process::Manager;

/// Concurrent clients.
const CLIENTS: usize = 8;
/// The manager's header read timeout here: short, so that the slowloris check is quick.
const HEADER_TIMEOUT: Duration = Duration::from_secs(2);
/// Resident memory the manager must stay under, throughout.
const MAX_RSS_MIB: u64 = 256;

pub fn run() -> Result {
    let root = workspace_root();
    // The dev build CI already made (`build_manager`): on this project's two-core CI machine a
    // release build of the manager costs six minutes, which the CI time limit cannot spare. Its
    // dependencies are optimised (opt-level 1), so the figures are close to a release build's.
    let binary = build_manager()?;
    let dir = root.join("target/chaos");
    std::fs::create_dir_all(&dir).map_err(|err| err.to_string())?;
    let cluster = ThrowawayCluster::start("chaos")?;
    let config = format!(
        "[api]\naddr = \"127.0.0.1:PORT\"\nheader_read_timeout_ms = {}\n[storage]\ntype = \"postgres\"\n\
         [storage.postgres]\nurl = \"{}\"\nrun_migrations = true\n",
        HEADER_TIMEOUT.as_millis(),
        cluster.url()
    );
    let mut manager = Manager::start(&binary, &config, &dir, "chaos")?;
    let rss = RssMonitor::start(manager.pid());

    let load = Load::start(manager.port, CLIENTS);
    let mut faults = Vec::new();
    let pause = |seconds: u64| std::thread::sleep(Duration::from_secs(seconds));
    pause(2);

    let began = Instant::now();
    let terminated = probes::terminate_backends(&cluster.url())?;
    faults.push(Fault::database(format!("{terminated} backends terminated"), began, began));
    pause(2);

    let began = Instant::now();
    cluster.stop_server()?;
    pause(5);
    cluster.start_server()?;
    faults.push(Fault::database("PostgreSQL stopped for 5 s", began, Instant::now()));
    pause(3);

    let began = Instant::now();
    cluster.kill_postmaster()?;
    pause(2);
    cluster.start_server()?;
    faults.push(Fault::database("PostgreSQL postmaster killed (SIGKILL)", began, Instant::now()));
    pause(3);
    if !manager.alive() {
        return Err("maeve-manager died during the database faults".to_owned());
    }

    let began = Instant::now();
    manager.kill9()?;
    pause(1);
    manager.restart()?;
    rss.follow(manager.pid());
    faults.push(Fault::manager("maeve-manager killed (SIGKILL) and restarted", began, Instant::now()));
    pause(2);

    let records = load.stop();
    if !manager.alive() {
        return Err("maeve-manager died under load".to_owned());
    }
    let verdict = judge::judge(&records, &faults)?;
    let lost = probes::read_back(manager.port, &records)?;
    let slowloris = probes::slowloris(manager.port, HEADER_TIMEOUT)?;
    probes::bad_input(manager.port)?;
    let max_rss_mib = rss.stop() / 1024;
    manager.stop()?;
    let missing = probes::missing_database(&binary, &dir, &cluster)?;

    if lost > 0 {
        return Err(format!("{lost} acknowledged writes were lost"));
    }
    if max_rss_mib >= MAX_RSS_MIB {
        return Err(format!("maeve-manager's resident memory reached {max_rss_mib} MiB (limit {MAX_RSS_MIB})"));
    }
    println!(
        "chaos: {} faults, {} acknowledged writes, 0 lost, 0 server errors, {} 503s after detection \
         (p99 {} ms, max {} ms), first success ≤ {} ms after recovery, max RSS {max_rss_mib} MiB, \
         slowloris: {} connections closed ≤ {} ms (header timeout {} ms), bad input: JSON 400/431, \
         missing database: 503, then 503s in ≤ {} µs",
        faults.len(),
        verdict.acknowledged_writes,
        verdict.unavailable_after_detection,
        verdict.p99_unavailable.as_millis(),
        verdict.max_unavailable.as_millis(),
        verdict.max_first_success.as_millis(),
        slowloris.connections,
        slowloris.max_close.as_millis(),
        HEADER_TIMEOUT.as_millis(),
        missing.as_micros(),
    );
    Ok(())
}

/// The manager's peak resident memory, sampled every 100 ms (following it across a restart).
struct RssMonitor {
    pid: Arc<AtomicU32>,
    peak_kib: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl RssMonitor {
    fn start(pid: u32) -> Self {
        let pid = Arc::new(AtomicU32::new(pid));
        let peak_kib = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (pid, peak_kib, stop) = (pid.clone(), peak_kib.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if let Some(kib) = process::rss_kib(pid.load(Ordering::Relaxed)) {
                        peak_kib.fetch_max(kib, Ordering::Relaxed);
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            })
        };
        RssMonitor { pid, peak_kib, stop, thread }
    }

    fn follow(&self, pid: u32) {
        self.pid.store(pid, Ordering::Relaxed);
    }

    /// The peak, in KiB.
    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        self.peak_kib.load(Ordering::Relaxed)
    }
}
