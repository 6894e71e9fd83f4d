//! `maeve-manager export`, `import` and `copy`: every record of a store, in the JSON Lines
//! format of `store_core::export`, to a file or stdout, from a file or stdin, or straight from
//! one configured store into another (the way from the embedded default to PostgreSQL).

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use store_core::export::{self, Moved};

use crate::{Config, ConfiguredStore, Metrics};

/// How often progress goes to stderr.
const PROGRESS_EVERY: Duration = Duration::from_secs(2);

/// Reports on stderr, at most every [`PROGRESS_EVERY`] and once at the end: records and meter
/// values moved, the rate, and an ETA when `fraction_done` can say how far along it is.
struct Progress {
    verb: &'static str,
    started: Instant,
    last: Instant,
    fraction_done: Option<Box<dyn Fn() -> f64 + Send>>,
}

impl Progress {
    fn new(verb: &'static str, fraction_done: Option<Box<dyn Fn() -> f64 + Send>>) -> Self {
        let now = Instant::now();
        Progress { verb, started: now, last: now, fraction_done }
    }

    fn update(&mut self, moved: Moved) {
        if self.last.elapsed() >= PROGRESS_EVERY {
            self.last = Instant::now();
            eprintln!("maeve-manager: {}", self.line(moved));
        }
    }

    fn line(&self, moved: Moved) -> String {
        let seconds = self.started.elapsed().as_secs_f64().max(1e-3);
        let mut line = format!(
            "{} {} records ({} with meter values) in {:.1} s, {:.0} records/s",
            self.verb,
            moved.records,
            moved.weight,
            seconds,
            moved.weight as f64 / seconds
        );
        if let Some(done) = self.fraction_done.as_ref().map(|done| done()).filter(|done| *done > 0.0 && *done < 1.0) {
            line.push_str(&format!(", about {:.0} s left", seconds * (1.0 - done) / done));
        }
        line
    }

    fn finish(&self, moved: Moved) -> String {
        self.line(moved)
    }
}

async fn open(config: &Config) -> Result<ConfiguredStore, String> {
    ConfiguredStore::open(&config.storage, &Metrics::new()).await
}

/// `maeve-manager export`: writes every record of the configured store to `to` (created with
/// mode 0600, since records hold credentials; written beside it and renamed into place only
/// once complete) or to stdout. Returns the summary line.
pub async fn export(config: Config, to: Option<PathBuf>) -> Result<String, String> {
    let store = open(&config).await?;
    let outcome = match &to {
        Some(path) => export_to_file(&store, path).await,
        None => {
            let mut out = BufWriter::new(std::io::stdout());
            write_export(&store, &mut out).await
        }
    };
    store.close().await;
    outcome
}

async fn export_to_file(store: &ConfiguredStore, path: &Path) -> Result<String, String> {
    let partial = path.with_extension("partial");
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&partial)
        .map_err(|err| format!("{}: {err}", partial.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let summary = write_export(store, &mut out).await;
    drop(out);
    match summary {
        Ok(summary) => {
            std::fs::rename(&partial, path).map_err(|err| format!("{}: {err}", path.display()))?;
            Ok(summary)
        }
        Err(err) => {
            let _ = std::fs::remove_file(&partial);
            Err(err)
        }
    }
}

async fn write_export(store: &ConfiguredStore, out: &mut (dyn Write + Send)) -> Result<String, String> {
    let mut progress = Progress::new("exported", None);
    let moved = export::export_to(store.transfer(), chrono::Utc::now(), out, |moved| progress.update(moved))
        .await
        .map_err(|err| format!("exporting: {err}"))?;
    Ok(progress.finish(moved))
}

/// Counts the bytes read through it, so progress can tell how much of a file is done.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// `maeve-manager import`: stores every record of `from` (or stdin) in the configured store,
/// applying pending migrations first when the config says so, as `serve` does. Importing the
/// same file again changes nothing.
pub async fn import(config: Config, from: Option<PathBuf>) -> Result<String, String> {
    let (mut input, progress): (Box<dyn BufRead + Send>, Progress) = match &from {
        Some(path) => {
            let file = File::open(path).map_err(|err| format!("{}: {err}", path.display()))?;
            let total = file.metadata().map(|meta| meta.len()).unwrap_or(0).max(1);
            let read = Arc::new(AtomicU64::new(0));
            let counted = Counting { inner: file, read: read.clone() };
            let done = move || read.load(Ordering::Relaxed) as f64 / total as f64;
            (Box::new(BufReader::with_capacity(1 << 20, counted)), Progress::new("imported", Some(Box::new(done))))
        }
        None => (Box::new(BufReader::new(std::io::stdin())), Progress::new("imported", None)),
    };
    let store = open(&config).await?;
    let mut progress = progress;
    let outcome = export::import_from(store.transfer(), &mut input, |moved| progress.update(moved)).await;
    store.close().await;
    let moved = outcome.map_err(|err| format!("importing: {err}"))?;
    Ok(progress.finish(moved))
}

/// `maeve-manager copy`: every record of the `from` store into the `to` store, page by page.
pub async fn copy(from: Config, to: Config) -> Result<String, String> {
    let source = open(&from).await.map_err(|err| format!("--from: {err}"))?;
    let target = match open(&to).await {
        Ok(target) => target,
        Err(err) => {
            source.close().await;
            return Err(format!("--to: {err}"));
        }
    };
    let mut progress = Progress::new("copied", None);
    let outcome = export::copy(source.transfer(), target.transfer(), |moved| progress.update(moved)).await;
    source.close().await;
    target.close().await;
    let moved = outcome.map_err(|err| format!("copying: {err}"))?;
    Ok(progress.finish(moved))
}
