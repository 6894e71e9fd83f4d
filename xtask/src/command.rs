//! Running child processes from the workspace root, failing with the command line on error.

use std::path::{Path, PathBuf};
use std::process::Command;

pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives inside the workspace").to_path_buf()
}

/// `cargo` with the given arguments, run from the workspace root.
pub fn cargo<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.args(args).current_dir(workspace_root());
    command
}

/// Runs `command` to completion, inheriting stdio; an unsuccessful exit is an error.
pub fn exec(command: &mut Command) -> Result {
    let shown = format!("{command:?}");
    eprintln!("xtask: running {shown}");
    let status = command.status().map_err(|err| format!("could not start {shown}: {err}"))?;
    if status.success() { Ok(()) } else { Err(format!("{shown} failed with {status}")) }
}
