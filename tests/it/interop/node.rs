//! Running the node-based interop scripts under `tests/interop/` (openid-client, playwright-core); `available` and
//! `bounded` serve the Python scripts (`python.rs`) too.
//!
//! `make test` installs node's packages and sets GATEHOUSE_INTEROP=1, under which anything missing fails the
//! test; a plain `cargo test` without them says so and skips.
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

pub const INTEROP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop");

/// What is missing to run a script needing node 20+ and the given npm packages (plus `extra` findings).
pub fn missing(packages: &[&str], mut extra: Vec<String>) -> Vec<String> {
    let mut missing = Vec::new();
    let node = Command::new("node")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match node
        .as_deref()
        .and_then(|v| v.strip_prefix('v')?.split('.').next()?.parse::<u32>().ok())
    {
        Some(major) if major >= 20 => {}
        Some(_) => missing.push(format!("node 20 or newer (found {})", node.unwrap_or_default())),
        None => missing.push("node (Node.js 20 or newer on PATH)".into()),
    }
    for package in packages {
        if !Path::new(&format!("{INTEROP}/node_modules/{package}/package.json")).is_file() {
            missing.push(format!(
                "{package} (run `make interop-deps`, i.e. `npm ci --prefix tests/interop`)"
            ));
        }
    }
    missing.append(&mut extra);
    missing
}

/// `true` when the test can run; otherwise skips with a message, or fails under GATEHOUSE_INTEROP.
pub fn available(test: &str, missing: Vec<String>) -> bool {
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("GATEHOUSE_INTEROP").is_err(),
        "GATEHOUSE_INTEROP is set but the {test} cannot run; missing: {}",
        missing.join("; ")
    );
    eprintln!("skipping the {test}: missing {} (run `make test`)", missing.join("; "));
    false
}

/// Runs `node script args…` on a blocking thread, so the in-process server keeps serving the script's requests;
/// past `timeout` it sends SIGTERM (playwright then closes Chromium), then SIGKILL, and fails.
pub async fn run(script: &str, args: &[&str], timeout: Duration) -> Output {
    let mut command = Command::new("node");
    command.arg(format!("{INTEROP}/{script}")).args(args);
    bounded(command, script, timeout).await
}

/// Runs any interop script's `command` (stdin closed, output captured) as `run` does, bounded by `timeout`.
pub async fn bounded(mut command: Command, script: &str, timeout: Duration) -> Output {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {script}: {e}"));
    let pid = child.id().to_string();
    let mut waiting = tokio::task::spawn_blocking(move || child.wait_with_output());
    match tokio::time::timeout(timeout, &mut waiting).await {
        Ok(done) => done.expect("join").expect("wait for the script"),
        Err(_) => {
            let _ = Command::new("kill").args(["-TERM", &pid]).status();
            let output = match tokio::time::timeout(Duration::from_secs(10), &mut waiting).await {
                Ok(done) => done.expect("join").expect("wait for the script"),
                Err(_) => {
                    let _ = Command::new("kill").args(["-KILL", &pid]).status();
                    waiting.await.expect("join").expect("wait for the script")
                }
            };
            panic!(
                "{script} did not finish within {timeout:?}\nstdout:\n{}\nstderr:\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}

/// The JSON result line an interop script printed last, after checking that it succeeded; a failure shows both
/// streams, and a success shows what the script wrote to stderr (warnings, deprecations).
pub fn json_result(script: &str, output: &Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    if !stderr.trim().is_empty() {
        eprintln!("{script} stderr:\n{stderr}");
    }
    stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("{script}: a JSON result line expected:\n{stdout}"))
}
