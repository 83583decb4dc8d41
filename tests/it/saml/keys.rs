//! SAML certificate rotation with an overlap: the new certificate is in the metadata at once but signs only from
//! its activation; the replaced one stays published for the overlap, then disappears. `gatehouse saml
//! rotate-cert` and `gatehouse saml certs --json` through the real binary.
use crate::common::*;
use crate::saml::sp::*;
use chrono::Duration;
use gatehouse::core::audit::Origin;
use gatehouse::protocols::saml::keys::{self, Rotation};
use roxmltree::Document;

async fn published(browser: &Browser) -> Vec<String> {
    let page = browser.get("/saml/metadata").await;
    let doc = Document::parse(&page.body).unwrap();
    doc.descendants()
        .filter(|n| n.tag_name().name() == "X509Certificate")
        .map(|n| n.text().unwrap().to_string())
        .collect()
}

/// IdP-initiated SSO; returns the Response XML.
async fn response(browser: &Browser) -> String {
    let started = browser.get(&format!("/saml/sso/init?sp={}", encode(SP_ENTITY))).await;
    response_xml(&browser.get(&started.location().unwrap()).await)
}

#[tokio::test]
async fn rotation_publishes_first_signs_later_and_retires_the_old_certificate_after_the_overlap() {
    let server = TestServer::start().await;
    server.add_user("alice", Some(GOOD_PASSWORD)).await;
    let sp = TestSp::new();
    sp.register_with(&server, false, "persistent", false, true).await;
    let store = server.state().store.as_ref();
    let old = store.saml_keys().await.unwrap()[0].certificate.clone();
    let now = server.state().clock.now();
    let new = keys::rotate(
        store,
        &server.state().keys.sealer,
        &Origin::cli(),
        "idp.test",
        now,
        Rotation {
            activate_after: Duration::hours(2),
            keep_previous: Duration::hours(1),
        },
    )
    .await
    .expect("rotated")
    .certificate;
    assert_ne!(old, new);

    let browser = server.browser();
    assert_eq!(browser.login("alice", GOOD_PASSWORD).await.status, 303);
    assert_eq!(
        published(&browser).await,
        [new.clone(), old.clone()],
        "both, newest first"
    );
    let before = response(&browser).await;
    verified(&before, &old).expect("still signed with the old key");
    assert!(verified(&before, &new).is_err());

    server.clock.advance(Duration::hours(2) + Duration::seconds(1));
    let browser = server.browser();
    assert_eq!(browser.login("alice", GOOD_PASSWORD).await.status, 303);
    let after = response(&browser).await;
    verified(&after, &new).expect("signed with the new key once it is active");
    assert!(verified(&after, &old).is_err());
    assert_eq!(published(&browser).await, [new.clone(), old.clone()], "the overlap");

    server.clock.advance(Duration::hours(1));
    assert_eq!(published(&browser).await, vec![new], "the old one is retired");
    let kinds = server.audit_kinds(None).await;
    assert!(kinds.contains(&("saml.key_rotated".into(), "success".into())));
    server.stop().await;
}

#[tokio::test]
async fn rotate_cert_and_certs_commands() {
    use std::process::Command;
    let db = TestDb::new().await;
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("GATEHOUSE_DATA_DIR", data.path())
            .env("GATEHOUSE_DATABASE_URL", &db.url)
            .env("USER", "tester")
            .args(args)
            .output()
            .expect("run gatehouse");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let json = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
    // A server start creates the first key; here the first rotation does (there is nothing to overlap with).
    let (code, _, stderr) = run(&["saml", "rotate-cert", "--now", "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stdout, stderr) = run(&["saml", "rotate-cert", "--activate-in-hours", "2", "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let added = json(&stdout);
    let (code, stdout, stderr) = run(&["saml", "certs", "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let certs = json(&stdout);
    let states: Vec<_> = certs.as_array().unwrap().iter().map(|c| c["state"].clone()).collect();
    assert_eq!(states, [serde_json::json!("next"), serde_json::json!("active")]);
    assert_eq!(certs[0]["id"], added["id"]);
    assert_eq!(certs[0]["sha256_fingerprint"], added["sha256_fingerprint"]);
    assert!(
        certs[1]["retired_at"].is_string(),
        "the old one is scheduled to leave the metadata"
    );
    assert_eq!(certs[0]["sha256_fingerprint"].as_str().unwrap().len(), 95);

    let (code, _, stderr) = run(&["saml", "rotate-cert", "--activate-in-hours", "9000"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        json(&run(&["saml", "certs", "--json"]).1).as_array().unwrap().len(),
        2,
        "a refused rotation adds nothing"
    );
}
