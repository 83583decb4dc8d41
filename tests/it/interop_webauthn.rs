//! WebAuthn in a real browser: Debian Chromium, driven by playwright-core (`tests/interop/webauthn.mjs`) with a
//! CDP virtual authenticator, registers a passkey on the real pages and signs in with it as a second factor and
//! without a password. The browser counterpart of `webauthn.rs`, whose soft authenticator cannot do the latter.
//!
//! `make test` installs node's playwright-core and sets GATEHOUSE_INTEROP=1, under which a missing node,
//! playwright-core or Chromium fails the test; a plain `cargo test` without them says so and skips.
use crate::common::*;
use gatehouse::core::factors::{FactorKind, FactorStatus};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/webauthn.mjs");
const PLAYWRIGHT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/interop/node_modules/playwright-core/package.json"
);
const TIMEOUT: Duration = Duration::from_secs(120);

/// The Chromium the script will launch (it reads the same variable).
fn chromium() -> PathBuf {
    std::env::var_os("GATEHOUSE_CHROMIUM")
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// What is missing to run the browser test, if anything.
fn missing() -> Vec<String> {
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
    if !Path::new(PLAYWRIGHT).is_file() {
        missing.push("playwright-core (run `make interop-deps`, i.e. `npm ci --prefix tests/interop`)".into());
    }
    let chromium = chromium();
    if !chromium.is_file() {
        missing.push(format!(
            "Chromium at {} (apt-get install chromium, or set GATEHOUSE_CHROMIUM)",
            chromium.display()
        ));
    }
    missing
}

fn tools() -> bool {
    let missing = missing();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("GATEHOUSE_INTEROP").is_err(),
        "GATEHOUSE_INTEROP is set but the WebAuthn browser test cannot run; missing: {}",
        missing.join("; ")
    );
    eprintln!(
        "skipping WebAuthn browser interop: missing {} (run `make test`)",
        missing.join("; ")
    );
    false
}

/// Runs the script on a blocking thread, so that this test's runtime keeps serving the browser's requests,
/// and stops it (SIGTERM lets playwright close Chromium) if it outlives `TIMEOUT`.
async fn run_script(base: &str, username: &str, password: &str) -> Output {
    let child = Command::new("node")
        .args([SCRIPT, base, username, password])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    let pid = child.id().to_string();
    let mut waiting = tokio::task::spawn_blocking(move || child.wait_with_output());
    match tokio::time::timeout(TIMEOUT, &mut waiting).await {
        Ok(done) => done.expect("join").expect("wait for node"),
        Err(_) => {
            let _ = Command::new("kill").args(["-TERM", &pid]).status();
            let output = match tokio::time::timeout(Duration::from_secs(10), &mut waiting).await {
                Ok(done) => done.expect("join").expect("wait for node"),
                Err(_) => {
                    let _ = Command::new("kill").args(["-KILL", &pid]).status();
                    waiting.await.expect("join").expect("wait for node")
                }
            };
            panic!(
                "the browser test did not finish within {TIMEOUT:?}\nstdout:\n{}\nstderr:\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}

#[tokio::test]
async fn chromium_registers_a_passkey_and_signs_in_with_it() {
    if !tools() {
        return;
    }
    let db = TestDb::new().await;
    let server = TestServer::start_with(&db.url, Some("http://localhost:{port}"), &[]).await;
    server.add_user("pia", Some(GOOD_PASSWORD)).await;
    let pia = server.user("pia").await;
    let base = server
        .state()
        .config
        .public_url
        .as_str()
        .trim_end_matches('/')
        .to_string();
    assert!(base.starts_with("http://localhost:"), "{base}");

    let started = std::time::Instant::now();
    let output = run_script(&base, "pia", GOOD_PASSWORD).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("browser run took {:?}", started.elapsed());
    if output.status.success() && !stderr.trim().is_empty() {
        eprintln!("node stderr:\n{stderr}");
    }
    assert!(
        output.status.success(),
        "the browser test failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    let result: serde_json::Value = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("a JSON result line expected:\n{stdout}"));
    assert_eq!(
        result,
        serde_json::json!({ "registered": true, "second_factor": true, "passwordless": true })
    );

    let factors = server.state().store.factors_of(&pia.id).await.expect("factors");
    let active: Vec<_> = factors.iter().filter(|f| f.status == FactorStatus::Active).collect();
    assert_eq!(active.len(), 1, "exactly one active factor: {factors:?}");
    assert_eq!(active[0].kind, FactorKind::WebAuthn, "{factors:?}");
    assert_eq!(active[0].name, "Chromium passkey");

    let kinds = server.audit_kinds(Some(&pia)).await;
    for expected in ["login.passkey", "login.second_factor"] {
        assert!(
            kinds.contains(&(expected.into(), "success".into())),
            "{expected}/success in the audit log: {kinds:?}"
        );
    }
    server.stop().await;
}
