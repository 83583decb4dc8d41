//! Running the Python interop scripts under `tests/interop/` (authlib) with the interpreter of `.venv-interop`,
//! so that a test finds the pinned packages of `tests/interop/requirements.txt` and not whatever the system has.
//!
//! `make test` creates the venv and sets GATEHOUSE_INTEROP=1 and GATEHOUSE_INTEROP_PYTHON, under which a missing
//! interpreter or package fails the test (see `node::available`); a plain `cargo test` without them skips.
use crate::interop::node::{self, INTEROP};
use std::process::{Command, Output};
use std::time::Duration;

/// GATEHOUSE_INTEROP_PYTHON, else the worktree's `.venv-interop/bin/python`.
pub fn interpreter() -> String {
    std::env::var("GATEHOUSE_INTEROP_PYTHON")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/.venv-interop/bin/python").to_string())
}

/// What is missing to import each of `modules` with the interpreter.
pub fn missing(modules: &[&str]) -> Vec<String> {
    let python = interpreter();
    let import = |module: &str| {
        Command::new(&python)
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !Command::new(&python)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return vec![format!(
            "python at {python} (run `make interop-deps`, or set GATEHOUSE_INTEROP_PYTHON)"
        )];
    }
    modules
        .iter()
        .filter(|m| !import(m))
        .map(|m| format!("python module {m} in {python}"))
        .collect()
}

/// Runs `python script args…` like `node::run`; `env_remove` names variables the script must not inherit.
pub async fn run(script: &str, args: &[&str], env_remove: &[&str], timeout: Duration) -> Output {
    let mut command = Command::new(interpreter());
    command.arg(format!("{INTEROP}/{script}")).args(args);
    for name in env_remove {
        command.env_remove(name);
    }
    node::bounded(command, script, timeout).await
}

/// `run` with variables set for the script.
pub async fn run_with(script: &str, args: &[&str], env: &[(&str, &str)], timeout: Duration) -> Output {
    let mut command = Command::new(interpreter());
    command.arg(format!("{INTEROP}/{script}")).args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    node::bounded(command, script, timeout).await
}
