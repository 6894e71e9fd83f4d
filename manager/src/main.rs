//! `maeve-manager serve [-c FILE]`: serves MaEVe's manager REST API;
//! `maeve-manager prune --ended-before 90d [-c FILE]`: deletes old ended transactions;
//! `maeve-manager export|import [-c FILE] [--to|--from FILE]`, `copy --from FILE --to FILE`:
//! moves every record between stores (JSON Lines, see `store_core::export`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use manager::Config;

#[derive(Debug, Parser)]
#[command(name = "maeve-manager", about = "MaEVe CSMS manager API over maeve-store")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the manager API (defaults: 127.0.0.1:9410, SQLite in ./maeve.db).
    Serve {
        /// A MaEVe-style TOML config file.
        #[arg(short, long)]
        config: Option<PathBuf>,
    },
    /// Delete transactions ended before a given age or instant, with their meter values.
    Prune {
        /// A MaEVe-style TOML config file (the store to prune).
        #[arg(short, long)]
        config: Option<PathBuf>,
        /// An age (`90d`, `36h`: ended longer ago than that) or an RFC 3339 instant.
        #[arg(long)]
        ended_before: String,
    },
    /// Write every record of the store as JSON Lines (to stdout without --to).
    Export {
        /// A MaEVe-style TOML config file (the store to read).
        #[arg(short, long)]
        config: Option<PathBuf>,
        /// The file to write (mode 0600: records hold credentials).
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Store every record of an export (from stdin without --from); importing twice changes nothing.
    Import {
        /// A MaEVe-style TOML config file (the store to write).
        #[arg(short, long)]
        config: Option<PathBuf>,
        /// The export file to read.
        #[arg(long)]
        from: Option<PathBuf>,
    },
    /// Copy every record of one configured store into another.
    Copy {
        /// The config file of the store to read.
        #[arg(long)]
        from: PathBuf,
        /// The config file of the store to write.
        #[arg(long)]
        to: PathBuf,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Serve { config } => {
            let Some(config) = load(config) else { return ExitCode::FAILURE };
            manager::logging::init(&config.log);
            match manager::serve(config).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => fail(&err),
            }
        }
        Command::Prune { config, ended_before } => {
            let Some(config) = load(config) else { return ExitCode::FAILURE };
            manager::logging::init(&config.log);
            let ended_before = match manager::retention::parse_ended_before(&ended_before, chrono::Utc::now()) {
                Ok(instant) => instant,
                Err(err) => return fail(&format!("--ended-before: {err}")),
            };
            match manager::prune(config, ended_before).await {
                Ok(pruned) => {
                    println!(
                        "pruned {} transactions and {} meter values ended before {}",
                        pruned.transactions,
                        pruned.meter_values,
                        ended_before.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
                    );
                    ExitCode::SUCCESS
                }
                Err(err) => fail(&err),
            }
        }
        Command::Export { config, to } => {
            let Some(config) = load(config) else { return ExitCode::FAILURE };
            manager::logging::init(&config.log);
            report(manager::transfer::export(config, to).await)
        }
        Command::Import { config, from } => {
            let Some(config) = load(config) else { return ExitCode::FAILURE };
            manager::logging::init(&config.log);
            report(manager::transfer::import(config, from).await)
        }
        Command::Copy { from, to } => {
            let (Some(source), Some(target)) = (load(Some(from)), load(Some(to))) else { return ExitCode::FAILURE };
            manager::logging::init(&target.log);
            report(manager::transfer::copy(source, target).await)
        }
    }
}

/// A transfer's summary goes to stderr, so that stdout carries only an export.
fn report(outcome: Result<String, String>) -> ExitCode {
    match outcome {
        Ok(summary) => {
            eprintln!("maeve-manager: {summary}");
            ExitCode::SUCCESS
        }
        Err(err) => fail(&err),
    }
}

/// The config says how to log, so it is read before the log exists: its errors go to stderr.
fn load(path: Option<PathBuf>) -> Option<Config> {
    match path.as_deref().map(Config::load).unwrap_or_else(|| Ok(Config::default())) {
        Ok(config) => Some(config),
        Err(err) => {
            eprintln!("maeve-manager: {err}");
            None
        }
    }
}

fn fail(err: &str) -> ExitCode {
    tracing::error!("{err}");
    eprintln!("maeve-manager: {err}");
    ExitCode::FAILURE
}
