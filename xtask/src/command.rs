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
    for name in variables_cargo_run_set() {
        command.env_remove(name);
    }
    command
}

/// The variables `cargo run` set for xtask itself (its manifest and package). A cargo started
/// from here must not see them: it compares them with what build scripts declared they depend
/// on (ring's reads `CARGO_MANIFEST_DIR` and `CARGO_PKG_*`), so it would rebuild ring, rustls,
/// sqlx and every store crate that the outer `cargo xtask` had just built without them.
fn variables_cargo_run_set() -> impl Iterator<Item = std::ffi::OsString> {
    const SET_FOR_A_CRATE: [&str; 6] = [
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_RUSTC_CURRENT_DIR",
    ];
    std::env::vars_os().map(|(name, _)| name).filter(|name| {
        let name = name.to_string_lossy();
        name.starts_with("CARGO_PKG_") || SET_FOR_A_CRATE.contains(&&*name)
    })
}

/// CI's lint of every target, `-D warnings`. `codegen --check` re-expands a crate's query macros
/// with exactly these arguments, so that everything else it checks is already fresh from this
/// run, in the same feature set (a `-p` build resolves features for one package and compiles
/// sqlx's macros and drivers again).
pub fn clippy() -> Command {
    cargo(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])
}

/// Builds the service as shipped (the dev profile, without the tests' dev-dependencies) and
/// returns its path. Its features resolve as `cargo xtask`'s own build did, so it reuses that
/// build; CI's feature-subset step, api-check and chaos all run this one binary.
pub fn build_manager() -> Result<PathBuf> {
    exec(&mut cargo(["build", "--quiet", "--bin", "maeve-manager"]))?;
    Ok(workspace_root().join("target/debug/maeve-manager"))
}

/// Runs `command` to completion, inheriting stdio; an unsuccessful exit is an error.
pub fn exec(command: &mut Command) -> Result {
    let shown = format!("{command:?}");
    eprintln!("xtask: running {shown}");
    let status = command.status().map_err(|err| format!("could not start {shown}: {err}"))?;
    if status.success() { Ok(()) } else { Err(format!("{shown} failed with {status}")) }
}
