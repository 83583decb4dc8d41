//! WebAuthn in a real browser: Debian Chromium, driven by playwright-core (`tests/interop/webauthn.mjs`) with a
//! CDP virtual authenticator, registers a passkey on the real pages and signs in with it as a second factor and
//! without a password. The browser counterpart of `factors/webauthn.rs`, whose soft authenticator cannot do the latter.
//!
//! `make test` installs node's playwright-core and sets GATEHOUSE_INTEROP=1, under which a missing node,
//! playwright-core or Chromium fails the test; a plain `cargo test` without them says so and skips.
use crate::common::*;
use crate::interop::node;
use gatehouse::core::factors::{FactorKind, FactorStatus};
use std::path::PathBuf;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(120);

/// The Chromium the script will launch (it reads the same variable).
pub(crate) fn chromium() -> PathBuf {
    std::env::var_os("GATEHOUSE_CHROMIUM")
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// What is missing to drive Chromium with playwright-core and run axe-core in its pages (the page-checking
/// browser tests), beside node 20.
pub(crate) fn browser_missing() -> Vec<String> {
    missing_for(&["playwright-core", "axe-core"])
}

fn missing_for(packages: &[&str]) -> Vec<String> {
    let chromium = chromium();
    let extra = if chromium.is_file() {
        vec![]
    } else {
        vec![format!(
            "Chromium at {} (apt-get install chromium, or set GATEHOUSE_CHROMIUM)",
            chromium.display()
        )]
    };
    node::missing(packages, extra)
}

fn missing() -> Vec<String> {
    missing_for(&["playwright-core"])
}

#[tokio::test]
async fn chromium_registers_a_passkey_and_signs_in_with_it() {
    if !node::available("WebAuthn browser test", missing()) {
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
    let output = node::run("webauthn.mjs", &[&base, "pia", GOOD_PASSWORD], TIMEOUT).await;
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
