//! The OpenID Provider against openid-client (npm, an OpenID-certified relying-party library), run by node
//! (`tests/interop/oidc_client.mjs`): discovery, authorization code with PKCE S256, state and nonce, the RFC 9207
//! `iss` response parameter, the ES256 ID token checked against the JWKS, userinfo, and a replayed code refused.
//! The JavaScript counterpart of `oidc.rs`, whose relying party is the `openidconnect` crate.
//!
//! `make test` installs openid-client and sets GATEHOUSE_INTEROP=1, under which a missing node or openid-client
//! fails the test; a plain `cargo test` without them says so and skips.
use crate::common::*;
use gatehouse::core::audit::Origin;
use gatehouse::protocols::oidc::clients::{self, NewClient};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/oidc_client.mjs");
const OPENID_CLIENT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/interop/node_modules/openid-client/package.json"
);
const TIMEOUT: Duration = Duration::from_secs(90);
const REDIRECT: &str = "http://127.0.0.1:9/cb";

/// What is missing to run the test, if anything.
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
    if !Path::new(OPENID_CLIENT).is_file() {
        missing.push("openid-client (run `make interop-deps`, i.e. `npm ci --prefix tests/interop`)".into());
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
        "GATEHOUSE_INTEROP is set but the openid-client test cannot run; missing: {}",
        missing.join("; ")
    );
    eprintln!(
        "skipping openid-client interop: missing {} (run `make test`)",
        missing.join("; ")
    );
    false
}

/// Runs the script on a blocking thread, so that this test's runtime keeps serving its requests, and kills it
/// if it outlives `TIMEOUT`.
async fn run_script(args: &[&str]) -> Output {
    let child = Command::new("node")
        .arg(SCRIPT)
        .args(args)
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
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
            let output = waiting.await.expect("join").expect("wait for node");
            panic!(
                "the openid-client script did not finish within {TIMEOUT:?}\nstdout:\n{}\nstderr:\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}

#[tokio::test]
async fn openid_client_signs_in_with_the_code_flow() {
    if !tools() {
        return;
    }
    let server = TestServer::start().await;
    let nora = server.add_user("nora", Some(GOOD_PASSWORD)).await;
    let (_, secret) = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "node-rp".into(),
            redirect_uris: vec![REDIRECT.into()],
            post_logout_redirect_uris: vec![],
            public: false,
            auth_method: None,
            grants: vec![],
            trusted: true,
        },
    )
    .await
    .expect("client registered");
    let secret = secret.expect("a confidential client has a secret");

    let started = std::time::Instant::now();
    let output = run_script(&[&server.base, "node-rp", &secret, REDIRECT, "nora", GOOD_PASSWORD]).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("openid-client run took {:?}", started.elapsed());
    if output.status.success() && !stderr.trim().is_empty() {
        eprintln!("node stderr:\n{stderr}");
    }
    assert!(
        output.status.success(),
        "the openid-client test failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
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
        serde_json::json!({
            "sub": nora.id,
            "email": "nora@example.com",
            "acr": "urn:gatehouse:acr:password",
            "amr": ["pwd"],
            "userinfo_username": "nora",
            "code_reuse_rejected": true,
        })
    );
    server.stop().await;
}
