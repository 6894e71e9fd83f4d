//! `maeve-manager serve [-c FILE]`: serves MaEVe's manager REST API.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

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
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let Command::Serve { config } = Cli::parse().command;
    match manager::serve(config.as_deref()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            eprintln!("maeve-manager: {err}");
            ExitCode::FAILURE
        }
    }
}
