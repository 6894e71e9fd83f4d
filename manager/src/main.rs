//! `maeve-manager serve [-c FILE]`: serves MaEVe's manager REST API.

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
}

#[tokio::main]
async fn main() -> ExitCode {
    let Command::Serve { config } = Cli::parse().command;
    // The config says how to log, so it is read before the log exists: its errors go to stderr.
    let config = match config.as_deref().map(Config::load).unwrap_or_else(|| Ok(Config::default())) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("maeve-manager: {err}");
            return ExitCode::FAILURE;
        }
    };
    manager::logging::init(&config.log);
    match manager::serve(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            eprintln!("maeve-manager: {err}");
            ExitCode::FAILURE
        }
    }
}
