//! Passkey profiles per role through the real server, with webauthn-authenticator-rs soft authenticators: the soft
//! token attests itself with its own CA (packed attestation, its AAGUID), the soft passkey does not (`none`). Under
//! `--passkey-attestation required` the attested key registers and gives `phrh`, an unattested one and a model off
//! the AAGUID list are refused (403, audited, nothing stored); a backup-eligible credential is refused under
//! `--passkey-device-bound true`; and a key registered before the profile tightened is shown for re-enrolment
//! and stops counting for `phrh`, while it still signs in as a second factor.
use crate::admin::common::sign_in_with_key;
use crate::common::*;
use crate::factors::webauthn::{origin, register};
use crate::oidc::acr_age::{authorize, id_token_of};
use crate::oidc::common::{client, param};
use base64::Engine;
use crypto_glue::traits::{EncodeDer, EncodePem, LineEndingPem};
use gatehouse::core::audit::Origin;
use gatehouse::core::factors::FactorKind;
use gatehouse::core::policy::passkey_profile::Attestation;
use gatehouse::core::policy::{PolicyChange, roles};
use serde_json::{Value, json};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_authenticator_rs::softtoken::{AAGUID, SoftToken};
use webauthn_rs::prelude::CreationChallengeResponse;

/// A WebAuthn server that trusts the soft token's CA (`webauthn_attestation_ca_paths`), and that token.
pub(crate) async fn attesting_server() -> (TestServer, TestDb, SoftToken, tempfile::TempDir) {
    let (token, ca) = SoftToken::new(true).expect("soft token");
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("softtoken-ca.pem");
    std::fs::write(&pem, ca.to_pem(LineEndingPem::LF).unwrap()).unwrap();
    let db = TestDb::new().await;
    let server = TestServer::start_with(
        &db.url,
        Some("http://localhost:{port}"),
        &[("GATEHOUSE_WEBAUTHN_ATTESTATION_CA_PATHS", pem.to_str().unwrap())],
    )
    .await;
    (server, db, token, dir)
}

pub(crate) async fn set_profile(server: &TestServer, role: &str, change: PolicyChange) {
    roles::set(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        role,
        &change,
    )
    .await
    .unwrap();
}

async fn webauthn_count(server: &TestServer, username: &str) -> usize {
    let user = server.user(username).await;
    server
        .state()
        .store
        .factors_of(&user.id)
        .await
        .unwrap()
        .iter()
        .filter(|f| f.kind == FactorKind::WebAuthn)
        .count()
}

/// The last `factor.enrolment` failure's details of `username`.
async fn last_refusal(server: &TestServer, username: &str) -> Value {
    let user = server.user(username).await;
    server
        .state()
        .store
        .list_audit(Some(&user.id), 50)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.event.kind == "factor.enrolment" && r.event.outcome.as_str() == "failure")
        .map(|r| r.event.details)
        .expect("the refusal is audited")
}

#[tokio::test]
async fn attestation_required_accepts_the_attested_key_only_and_it_gives_phrh() {
    let (server, _db, mut token, _dir) = attesting_server().await;
    client(&server, "spa", true, true).await;
    server.add_user_with("ada", Some(GOOD_PASSWORD), &["user"]).await;
    set_profile(
        &server,
        "user",
        PolicyChange {
            passkey_attestation: Some(Attestation::Required),
            passkey_aaguids: Some(vec![AAGUID]),
            passkey_device_bound: Some(true),
            passkey_user_verification: Some(true),
            ..Default::default()
        },
    )
    .await;
    let browser = server.browser();
    assert_eq!(browser.login("ada", GOOD_PASSWORD).await.status, 303);

    // An authenticator without attestation (`none`) is refused with what the role accepts; nothing is stored.
    let mut unattested = SoftPasskey::new(true);
    let refused = register(&server, &browser, &mut unattested).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("make and model"), "{}", refused.body);
    assert_eq!(webauthn_count(&server, "ada").await, 0);
    assert_eq!(last_refusal(&server, "ada").await["profile"], "not_attested");

    // The attested soft token registers; its attestation is recorded with the credential.
    let added = register(&server, &browser, &mut token).await;
    assert_eq!(added.status, 200, "{}", added.body);
    let ada = server.user("ada").await;
    let factor = server.state().store.factors_of(&ada.id).await.unwrap().remove(0);
    assert_eq!(factor.data["attested"], true);
    assert_eq!(factor.data["aaguid"], AAGUID.to_string());
    assert_eq!(factor.data["backup_eligible"], false);
    assert!(factor.data["attested_by"].is_string(), "{}", factor.data);

    // It signs in and meets phrh.
    let signed_in = sign_in_with_key(&server, "ada", &mut token).await;
    let hardware = id_token_of(
        &server,
        &authorize(&server, &signed_in, &[("acr_values", "phrh")]).await,
    )
    .await;
    assert_eq!(hardware["acr"], "phrh");
    let page = signed_in.get("/account/security").await;
    assert!(!page.body.contains("id=\"reenrol-notice\""), "{}", page.body);
}

/// A FIDO MDS3 blob (a JWT; Gatehouse does not check its signature) naming the soft token's model and CA.
fn mds_blob(ca_der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload = json!({
        "legalHeader": "test", "no": 1, "nextUpdate": "2099-01-01",
        "entries": [
            { "aaid": "4e4e#4005", "statusReports": [] },
            {
                "aaguid": AAGUID.to_string(),
                "statusReports": [{ "status": "FIDO_CERTIFIED_L1" }],
                "metadataStatement": {
                    "description": "Soft Token (test)",
                    "attestationRootCertificates": [base64::engine::general_purpose::STANDARD.encode(ca_der)],
                },
            },
        ],
    });
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b64.encode(br#"{"alg":"ES256","typ":"JWT"}"#),
        b64.encode(payload.to_string())
    )
}

#[tokio::test]
async fn the_mds_blob_file_attests_the_model_it_names() {
    let (mut token, ca) = SoftToken::new(true).expect("soft token");
    let dir = tempfile::tempdir().unwrap();
    let blob = dir.path().join("mds.jwt");
    std::fs::write(&blob, mds_blob(&ca.to_der().unwrap())).unwrap();
    let db = TestDb::new().await;
    let server = TestServer::start_with(
        &db.url,
        Some("http://localhost:{port}"),
        &[("GATEHOUSE_WEBAUTHN_MDS_BLOB_PATH", blob.to_str().unwrap())],
    )
    .await;
    server.add_user_with("fay", Some(GOOD_PASSWORD), &["user"]).await;
    set_profile(
        &server,
        "user",
        PolicyChange {
            passkey_attestation: Some(Attestation::Required),
            ..Default::default()
        },
    )
    .await;
    let browser = server.browser();
    assert_eq!(browser.login("fay", GOOD_PASSWORD).await.status, 303);
    let added = register(&server, &browser, &mut token).await;
    assert_eq!(added.status, 200, "{}", added.body);
    let fay = server.user("fay").await;
    let factor = server.state().store.factors_of(&fay.id).await.unwrap().remove(0);
    assert_eq!(factor.data["attested"], true);
    assert_eq!(factor.data["attested_by"], "Soft Token (test)", "{}", factor.data);
    // A token of another CA (not in the blob) is refused.
    let (mut stranger, _) = SoftToken::new(true).expect("soft token");
    let again = sign_in_with_key(&server, "fay", &mut token).await;
    let refused = register(&server, &again, &mut stranger).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(webauthn_count(&server, "fay").await, 1);
}

#[test]
fn a_bad_trust_anchor_file_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("ca.pem");
    std::fs::write(&bad, "not a certificate").unwrap();
    let config = gatehouse::config::Config::load_from(
        None,
        &[(
            "GATEHOUSE_WEBAUTHN_ATTESTATION_CA_PATHS".to_string(),
            bad.display().to_string(),
        )],
    )
    .unwrap();
    let error = gatehouse::app::attestation_trust(&config).unwrap_err().to_string();
    assert!(
        error.contains("ca.pem") && error.contains("not a PEM certificate"),
        "{error}"
    );
    let missing = gatehouse::config::Config::load_from(
        None,
        &[(
            "GATEHOUSE_WEBAUTHN_MDS_BLOB_PATH".to_string(),
            dir.path().join("nowhere.jwt").display().to_string(),
        )],
    )
    .unwrap();
    let error = format!("{:#}", gatehouse::app::attestation_trust(&missing).unwrap_err());
    assert!(error.contains("webauthn_mds_blob_path"), "{error}");
}

#[tokio::test]
async fn a_model_off_the_allow_list_is_refused_and_nothing_is_stored() {
    let (server, _db, mut token, _dir) = attesting_server().await;
    server.add_user_with("bo", Some(GOOD_PASSWORD), &["user"]).await;
    set_profile(
        &server,
        "user",
        PolicyChange {
            passkey_attestation: Some(Attestation::Required),
            passkey_aaguids: Some(vec![uuid::uuid!("cb69481e-8ff7-4039-93ec-0a2729a154a8")]),
            ..Default::default()
        },
    )
    .await;
    // The attested ceremony asks for direct attestation, but does not make the browser fail on an authenticator
    // that cannot enforce credProtect (it would say only "not allowed"; the server judges instead).
    let asking = server.browser();
    assert_eq!(asking.login("bo", GOOD_PASSWORD).await.status, 303);
    let page = asking.get("/account/security/webauthn").await;
    let options = asking
        .post_json(
            "/account/security/webauthn/options",
            &json!({ "csrf": page.data("csrf").unwrap() }),
        )
        .await;
    let options: Value = serde_json::from_str(&options.body).unwrap();
    assert_eq!(options["publicKey"]["attestation"], "direct", "{options}");
    assert_eq!(
        options["publicKey"]["authenticatorSelection"]["userVerification"],
        "required"
    );
    assert!(
        options["publicKey"]["extensions"]
            .get("enforceCredentialProtectionPolicy")
            .is_none(),
        "{options}"
    );
    let browser = server.browser();
    assert_eq!(browser.login("bo", GOOD_PASSWORD).await.status, 303);
    let refused = register(&server, &browser, &mut token).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("certain security key models"), "{}", refused.body);
    assert_eq!(webauthn_count(&server, "bo").await, 0);
    let audited = last_refusal(&server, "bo").await;
    assert_eq!(audited["missing"], json!(["model_not_allowed"]), "{audited}");
    assert_eq!(audited["aaguid"], AAGUID.to_string());
}

#[tokio::test]
async fn attestation_required_without_trust_anchors_says_so() {
    let (server, _db) = crate::factors::webauthn::server().await;
    server.add_user_with("cy", Some(GOOD_PASSWORD), &["user"]).await;
    set_profile(
        &server,
        "user",
        PolicyChange {
            passkey_attestation: Some(Attestation::Required),
            ..Default::default()
        },
    )
    .await;
    let browser = server.browser();
    assert_eq!(browser.login("cy", GOOD_PASSWORD).await.status, 303);
    let page = browser.get("/account/security/webauthn").await;
    let csrf = page.data("csrf").unwrap();
    let options = browser
        .post_json("/account/security/webauthn/options", &json!({ "csrf": csrf }))
        .await;
    assert_eq!(options.status, 403, "{}", options.body);
    assert!(
        options.body.contains("no attestation trust anchors"),
        "{}",
        options.body
    );
}

/// Registers `key`'s credential with the backup-eligible flag set, as a synced passkey reports it. The authenticator
/// data is taken out of the soft passkey's attestation object, its flags byte changed, and sent with `none`
/// attestation (which signs nothing), as a platform passkey without attestation is sent.
pub(crate) async fn register_synced(server: &TestServer, browser: &Browser, key: &mut SoftPasskey) -> Page {
    let page = browser.get("/account/security/webauthn").await;
    let csrf = page.data("csrf").unwrap();
    let options = browser
        .post_json("/account/security/webauthn/options", &json!({ "csrf": csrf }))
        .await;
    assert_eq!(options.status, 200, "{}", options.body);
    let options: CreationChallengeResponse = serde_json::from_str(&options.body).unwrap();
    let credential = key.do_registration(origin(server), options).unwrap();
    let mut credential = serde_json::to_value(credential).unwrap();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let field = &mut credential["response"]["attestationObject"];
    let object = b64.decode(field.as_str().unwrap()).unwrap();
    // CBOR: the text "authData", then a byte string (one- or two-byte length).
    let at = object
        .windows(9)
        .position(|w| w == b"hauthData")
        .expect("authData in the attestation object")
        + 9;
    let (len, start) = match object[at] {
        0x58 => (usize::from(object[at + 1]), at + 2),
        0x59 => (
            usize::from(u16::from_be_bytes([object[at + 1], object[at + 2]])),
            at + 3,
        ),
        other => panic!("unexpected CBOR header {other:#x}"),
    };
    let mut auth_data = object[start..start + len].to_vec();
    auth_data[32] |= 0x08; // BE: backup eligible
    let mut none = vec![0xa3, 0x63, b'f', b'm', b't', 0x64, b'n', b'o', b'n', b'e'];
    none.extend_from_slice(b"\x67attStmt\xa0\x68authData");
    none.push(0x59);
    none.extend_from_slice(&u16::try_from(auth_data.len()).unwrap().to_be_bytes());
    none.extend_from_slice(&auth_data);
    *field = b64.encode(none).into();
    browser
        .post_json(
            "/account/security/webauthn/register",
            &json!({ "csrf": csrf, "credential": credential, "name": "Synced" }),
        )
        .await
}

#[tokio::test]
async fn device_bound_refuses_a_backup_eligible_passkey() {
    let (server, _db) = crate::factors::webauthn::server().await;
    server.add_user_with("di", Some(GOOD_PASSWORD), &["user"]).await;
    // Without a profile the synced passkey registers (and is recorded backup-eligible)…
    let browser = server.browser();
    assert_eq!(browser.login("di", GOOD_PASSWORD).await.status, 303);
    let mut first = SoftPasskey::new(true);
    let added = register_synced(&server, &browser, &mut first).await;
    assert_eq!(added.status, 200, "{}", added.body);
    let di = server.user("di").await;
    let stored = server.state().store.factors_of(&di.id).await.unwrap().remove(0);
    assert_eq!(stored.data["backup_eligible"], true);
    server.state().store.delete_factor(&di.id, &stored.id).await.unwrap();

    // … under --passkey-device-bound true it is refused, and nothing is stored.
    set_profile(
        &server,
        "user",
        PolicyChange {
            passkey_device_bound: Some(true),
            ..Default::default()
        },
    )
    .await;
    let browser = server.browser();
    assert_eq!(browser.login("di", GOOD_PASSWORD).await.status, 303);
    let mut synced = SoftPasskey::new(true);
    let refused = register_synced(&server, &browser, &mut synced).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("synced passkey"), "{}", refused.body);
    assert_eq!(webauthn_count(&server, "di").await, 0);
    assert_eq!(last_refusal(&server, "di").await["missing"], json!(["synced"]));
    // A device-bound one still registers.
    let mut bound = SoftPasskey::new(true);
    assert_eq!(register(&server, &browser, &mut bound).await.status, 200);
}

#[tokio::test]
async fn a_key_registered_before_the_profile_tightened_is_shown_for_re_enrolment_and_loses_phrh() {
    let (server, _db) = crate::factors::webauthn::server().await;
    client(&server, "spa", true, true).await;
    server.add_user_with("eve", Some(GOOD_PASSWORD), &["user"]).await;
    let enrolling = server.browser();
    assert_eq!(enrolling.login("eve", GOOD_PASSWORD).await.status, 303);
    let mut key = SoftPasskey::new(true);
    assert_eq!(register(&server, &enrolling, &mut key).await.status, 200);
    let before = sign_in_with_key(&server, "eve", &mut key).await;
    let hardware = id_token_of(&server, &authorize(&server, &before, &[("acr_values", "phrh")]).await).await;
    assert_eq!(
        hardware["acr"], "phrh",
        "device-bound and verified: phrh before the change"
    );
    let page = before.get("/account/security").await;
    assert!(!page.body.contains("id=\"reenrol-notice\""));

    // The role now requires attested keys: judged today, the key no longer qualifies.
    set_profile(
        &server,
        "user",
        PolicyChange {
            passkey_attestation: Some(Attestation::Required),
            ..Default::default()
        },
    )
    .await;
    // The session that proved phrh before the change: its proof was judged under the old profile.
    let stale = authorize(&server, &before, &[("acr_values", "phrh")]).await;
    let back = stale.location().unwrap();
    assert!(
        back.starts_with("/login/factor")
            || param(&back, "error").as_deref() == Some("unmet_authentication_requirements"),
        "no phrh from before the change: {back}"
    );
    assert!(param(&back, "code").is_none(), "{back}");
    let browser = sign_in_with_key(&server, "eve", &mut key).await;
    let page = browser.get("/account/security").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"reenrol-notice\""), "{}", page.body);
    assert!(page.body.contains("class=\"reenrol\""), "{}", page.body);
    assert!(
        page.body.contains("were not verified when it was registered"),
        "{}",
        page.body
    );
    // Still a phishing-resistant second factor, but not hardware-bound any more.
    let phr = id_token_of(&server, &authorize(&server, &browser, &[("acr_values", "phr")]).await).await;
    assert_eq!(phr["acr"], "phr");
    let unmet = authorize(&server, &browser, &[("acr_values", "phrh")]).await;
    let back = unmet.location().unwrap();
    assert_eq!(
        param(&back, "error").as_deref(),
        Some("unmet_authentication_requirements"),
        "{back}"
    );
    // In German too.
    let de = Browser::with_language(&server.url(""), "de");
    let de = sign_in_with_key_on(&server, de, "eve", &mut key).await;
    let page = de.get("/account/security").await;
    assert!(page.body.contains("neu registrieren"), "{}", page.body);
}

async fn sign_in_with_key_on(server: &TestServer, browser: Browser, username: &str, key: &mut SoftPasskey) -> Browser {
    assert_eq!(browser.login(username, GOOD_PASSWORD).await.status, 303);
    let page = browser.get("/login/factor").await;
    crate::admin::common::use_key(server, &browser, &page, key).await;
    browser
}
