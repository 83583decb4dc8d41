//! The SAML identity provider against pysaml2 (Python, with the xmlsec1 binary), run from
//! `tests/interop/saml_pysaml2.py`: pysaml2 writes its own SP metadata (registered here through the same code as
//! `gatehouse sp add`), builds a signed AuthnRequest for the HTTP-Redirect binding, goes through the real
//! /login form (and the second-factor form), and verifies our Response its own way — signatures against our
//! metadata's certificate, Destination, InResponseTo, audience, times — then must refuse a tampered copy.
//! Two SPs: one that wants the Response signed (persistent NameID, a user with TOTP: REFEDS MFA), one that does
//! not (e-mail NameID, password only: PasswordProtectedTransport), and one with an encryption key pair of its own
//! (`encryption_keypairs`) that gets EncryptedAssertion and a mapped (`mail`) and a static (`org`, with markup)
//! attribute. python3-saml has one SP with `wantAssertionsEncrypted`, registered for AES-256-CBC. A third allows unsolicited responses and
//! signs in through IdP-initiated SSO (`/saml/sso/init`); an SP registered without `--allow-idp-initiated` is
//! refused there. A fourth performs single logout both ways: its signed LogoutRequest ends the Gatehouse session
//! and it parses our LogoutResponse; after /logout at Gatehouse it handles our LogoutRequest (both query
//! signatures checked with pysaml2's own verifier against our metadata, a forged one refused) and the browser
//! ends on the signed-out page.
//!
//! `make test` installs pysaml2 into .venv-interop and xmlsec1, and sets GATEHOUSE_INTEROP=1 and
//! GATEHOUSE_INTEROP_PYTHON, under which anything missing fails the test; a plain `cargo test` without them skips.
use crate::common::*;
use crate::interop::{node, python};
use gatehouse::core::audit::Origin;
use gatehouse::core::saml::{AttributeMapping, AttributeSource};
use gatehouse::protocols::saml::sps::{self, NewServiceProvider};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(90);

struct Case {
    entity: &'static str,
    acs: &'static str,
    name_id: &'static str,
    signed_response: bool,
    user: &'static str,
    totp: bool,
    /// Encrypted assertions to an encryption key of its own, and a mapped and a static attribute.
    encrypted: bool,
}

/// The attribute mapping of the encrypting SPs: `uid` kept, the e-mail as `mail`, a static `org` with markup.
fn mapped_attributes() -> Vec<AttributeMapping> {
    vec![
        AttributeMapping::new("uid", AttributeSource::Username),
        AttributeMapping::new("mail", AttributeSource::Email),
        AttributeMapping::new(
            "org",
            AttributeSource::Static {
                value: STATIC_ORG.into(),
            },
        ),
    ]
}

const STATIC_ORG: &str = "Acme & <Co> <!-- x -->";

fn pem_files(dir: &std::path::Path) -> (String, String) {
    pem_files_named(dir, "sp")
}

/// A fresh key pair as `NAME.key` and `NAME.crt` in `dir`.
fn pem_files_named(dir: &std::path::Path, name: &str) -> (String, String) {
    let (key, cert_b64) = crate::saml::sp::key_and_certificate();
    let key_path = dir.join(format!("{name}.key"));
    let cert_path = dir.join(format!("{name}.crt"));
    std::fs::write(&key_path, key.private_key_to_pem_pkcs8().unwrap()).unwrap();
    let der = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, cert_b64).unwrap();
    std::fs::write(
        &cert_path,
        openssl::x509::X509::from_der(&der).unwrap().to_pem().unwrap(),
    )
    .unwrap();
    (key_path.display().to_string(), cert_path.display().to_string())
}

#[tokio::test]
async fn pysaml2_signs_in_over_redirect_and_verifies_the_signed_response() {
    let xmlsec = std::path::Path::new("/usr/bin/xmlsec1")
        .is_file()
        .then(Vec::new)
        .unwrap_or_else(|| vec!["/usr/bin/xmlsec1 (apt-get install xmlsec1)".to_string()]);
    let mut missing = python::missing(&["saml2", "requests"]);
    missing.extend(xmlsec);
    if !node::available("pysaml2 test", missing) {
        return;
    }
    let server = TestServer::start().await;
    server.add_user("paula", Some(GOOD_PASSWORD)).await;
    server.add_user_with("pete", Some(GOOD_PASSWORD), &["user"]).await;
    let browser = server.browser();
    assert_eq!(browser.login("paula", GOOD_PASSWORD).await.status, 303);
    let secret = server.enrol_totp(&browser).await;
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        Case {
            entity: "https://pysaml2.example/sp-signed-response",
            acs: "http://127.0.0.1:9/acs/signed",
            name_id: "persistent",
            signed_response: true,
            user: "paula",
            totp: true,
            encrypted: false,
        },
        Case {
            entity: "https://pysaml2.example/sp",
            acs: "http://127.0.0.1:9/acs",
            name_id: "email",
            signed_response: false,
            user: "pete",
            totp: false,
            encrypted: false,
        },
        Case {
            entity: "https://pysaml2.example/sp-encrypted",
            acs: "http://127.0.0.1:9/acs/encrypted",
            name_id: "persistent",
            signed_response: true,
            user: "pete",
            totp: false,
            encrypted: true,
        },
    ];
    for case in cases {
        let (key, cert) = pem_files(dir.path());
        let want = if case.signed_response { "true" } else { "false" };
        let common = [case.entity, case.acs, key.as_str(), cert.as_str(), case.name_id, want];
        let (encryption_key, encryption_cert) = pem_files_named(dir.path(), "encryption");
        let env: Vec<(&str, &str)> = if case.encrypted {
            vec![
                ("SP_ENCRYPTION_KEY", encryption_key.as_str()),
                ("SP_ENCRYPTION_CERT", encryption_cert.as_str()),
            ]
        } else {
            Vec::new()
        };
        let mut args = vec!["metadata", server.base.as_str()];
        args.extend(common);
        let output = python::run_with("saml_pysaml2.py", &args, &env, TIMEOUT).await;
        let metadata = node::json_result("saml_pysaml2.py", &output)["metadata"]
            .as_str()
            .expect("SP metadata")
            .to_string();
        let sp = sps::register(
            server.state().store.as_ref(),
            server.state().clock.now(),
            &Origin::cli(),
            NewServiceProvider {
                name_id_format: Some(case.name_id.into()),
                sign_response: case.signed_response,
                encrypt_assertion: case.encrypted,
                attributes: case.encrypted.then(mapped_attributes),
                ..an_sp(metadata)
            },
        )
        .await
        .expect("pysaml2's metadata registers");
        assert!(sp.authn_requests_signed, "pysaml2 says it signs its requests");
        assert_eq!(sp.encryption_certificates.len(), usize::from(case.encrypted), "{sp:?}");

        let code = server.totp_code(&secret, 0);
        let mut args = vec!["sso", server.base.as_str()];
        args.extend(common);
        args.extend([case.user, GOOD_PASSWORD]);
        if case.totp {
            args.push(&code);
        }
        let output = python::run_with("saml_pysaml2.py", &args, &env, TIMEOUT).await;
        let result = node::json_result("saml_pysaml2.py", &output);
        let email = format!("{}@example.com", case.user);
        assert_eq!(result["encrypted"], case.encrypted, "{result}");
        assert_eq!(result["form_action"], case.acs);
        assert_eq!(result["recipient"], case.acs);
        assert_eq!(result["relay_state"], "relay-123");
        assert_eq!(result["issuer"], server.url("/saml/metadata"));
        assert_eq!(result["assertion_signed"], true);
        assert_eq!(result["response_signed"], case.signed_response);
        assert!(result["in_response_to"].as_str().is_some_and(|id| !id.is_empty()));
        let attributes = &result["attributes"];
        assert_eq!(attributes["uid"], serde_json::json!([case.user]), "{result}");
        if case.encrypted {
            // pysaml2 decrypted with its encryption key, then verified our signature on the assertion.
            assert_eq!(attributes["mail"], serde_json::json!([email]), "{result}");
            assert_eq!(attributes["org"], serde_json::json!([STATIC_ORG]), "{result}");
            assert!(attributes.get("email").is_none() && attributes.get("displayName").is_none());
        } else {
            assert_eq!(attributes["email"], serde_json::json!([email]));
            assert!(attributes["displayName"].is_array());
        }
        assert_ne!(
            result["tampered_rejected"], false,
            "a tampered response must be refused: {result}"
        );
        if case.totp {
            assert_eq!(
                result["authn_context"],
                serde_json::json!(["https://refeds.org/profile/mfa"])
            );
            assert_eq!(
                result["name_id_format"],
                "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
            );
            assert!(
                result["name_id"]
                    .as_str()
                    .is_some_and(|n| n.len() >= 40 && !n.contains("paula"))
            );
        } else {
            assert_eq!(
                result["authn_context"],
                serde_json::json!(["urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"])
            );
            if case.encrypted {
                assert_eq!(
                    result["name_id_format"],
                    "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
                );
                assert!(attributes.get("roles").is_none(), "not in its mapping");
            } else {
                assert_eq!(
                    result["name_id_format"],
                    "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
                );
                assert_eq!(result["name_id"], email);
                assert_eq!(attributes["roles"], serde_json::json!(["user"]));
            }
        }
        eprintln!("pysaml2 result: {result}");
    }
    server.stop().await;
}

/// Registers the SP metadata pysaml2 writes for itself, through the same code as `gatehouse sp add`.
async fn register_pysaml2(server: &TestServer, common: &[&str], allow_idp_initiated: bool, sign_response: bool) {
    let mut args = vec!["metadata", server.base.as_str()];
    args.extend(common);
    let output = python::run("saml_pysaml2.py", &args, &[], TIMEOUT).await;
    let metadata = node::json_result("saml_pysaml2.py", &output)["metadata"]
        .as_str()
        .expect("SP metadata")
        .to_string();
    sps::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewServiceProvider {
            name_id_format: Some(common[4].into()),
            sign_response,
            allow_idp_initiated,
            ..an_sp(metadata)
        },
    )
    .await
    .expect("pysaml2's metadata registers");
}

fn pysaml2_missing() -> Vec<String> {
    let mut missing = python::missing(&["saml2", "requests"]);
    if !std::path::Path::new("/usr/bin/xmlsec1").is_file() {
        missing.push("/usr/bin/xmlsec1 (apt-get install xmlsec1)".into());
    }
    missing
}

#[tokio::test]
async fn pysaml2_accepts_an_idp_initiated_unsolicited_response() {
    if !node::available("pysaml2 IdP-initiated test", pysaml2_missing()) {
        return;
    }
    let server = TestServer::start().await;
    server.add_user_with("ivy", Some(GOOD_PASSWORD), &["user"]).await;
    let dir = tempfile::tempdir().unwrap();
    let (key, cert) = pem_files(dir.path());
    let entity = "https://pysaml2.example/sp-unsolicited";
    let acs = "http://127.0.0.1:9/acs/unsolicited";
    let common = [entity, acs, key.as_str(), cert.as_str(), "persistent", "true"];
    register_pysaml2(&server, &common, true, true).await;
    let mut args = vec!["idp-init", server.base.as_str()];
    args.extend(common);
    args.extend(["ivy", GOOD_PASSWORD]);
    let output = python::run("saml_pysaml2.py", &args, &[], TIMEOUT).await;
    let result = node::json_result("saml_pysaml2.py", &output);
    assert_eq!(result["form_action"], acs);
    assert_eq!(result["relay_state"], "/after-init");
    assert!(result["in_response_to"].is_null(), "unsolicited: {result}");
    assert_eq!(result["assertion_signed"], true);
    assert_eq!(result["attributes"]["uid"], serde_json::json!(["ivy"]));

    // The same SP without --allow-idp-initiated is refused at Gatehouse, nothing posted.
    let other = "https://pysaml2.example/sp-solicited-only";
    let common = [other, acs, key.as_str(), cert.as_str(), "persistent", "true"];
    register_pysaml2(&server, &common, false, true).await;
    let mut args = vec!["idp-init", server.base.as_str()];
    args.extend(common);
    args.extend(["ivy", GOOD_PASSWORD]);
    let output = python::run("saml_pysaml2.py", &args, &[], TIMEOUT).await;
    assert!(!output.status.success(), "refused: {output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("does not accept sign-in started at Gatehouse"),
        "{stderr}"
    );
    server.stop().await;
}

#[tokio::test]
async fn pysaml2_performs_single_logout_both_ways() {
    if !node::available("pysaml2 SLO test", pysaml2_missing()) {
        return;
    }
    let server = TestServer::start().await;
    let user = server.add_user("sol", Some(GOOD_PASSWORD)).await;
    let dir = tempfile::tempdir().unwrap();
    let (key, cert) = pem_files(dir.path());
    let acs = "http://127.0.0.1:9/acs";
    let common = [
        "https://pysaml2.example/sp-slo",
        acs,
        key.as_str(),
        cert.as_str(),
        "persistent",
        "true",
    ];
    register_pysaml2(&server, &common, false, true).await;
    let mut args = vec!["slo", server.base.as_str()];
    args.extend(common);
    args.extend(["sol", GOOD_PASSWORD]);
    let output = python::run("saml_pysaml2.py", &args, &[], TIMEOUT).await;
    let result = node::json_result("saml_pysaml2.py", &output);
    let sp = &result["sp_initiated"];
    assert_eq!(sp["status"], "urn:oasis:names:tc:SAML:2.0:status:Success", "{result}");
    assert!(sp["in_response_to"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(sp["signed_query"], true);
    assert_eq!(sp["response_signature_verified"], true, "{result}");
    assert_eq!(sp["signed_out"], true, "the Gatehouse session ended: {result}");
    let idp = &result["idp_initiated"];
    assert_eq!(idp["final_status"], 200, "{result}");
    assert_eq!(idp["signed_out_page"], true);
    assert_eq!(idp["signed_query"], true);
    assert_eq!(idp["request_signature_verified"], true, "{result}");
    assert_eq!(
        idp["local_logout"], true,
        "pysaml2 accepted our LogoutRequest: {result}"
    );
    assert_ne!(idp["tampered_rejected"], false, "{result}");
    assert_eq!(server.session_count(&user).await, 0);
    server.stop().await;
}

/// python3-saml (OneLogin) in strict mode: its own metadata registered, a signed Redirect AuthnRequest, /login
/// (and TOTP), our Response verified (Destination and Recipient against the URL it rebuilds), attributes read,
/// a tampered Response refused, then single logout both ways (our LogoutResponse, then our LogoutRequest after
/// /logout at Gatehouse).
#[tokio::test]
async fn python3_saml_signs_in_in_strict_mode_and_logs_out() {
    let mut missing = python::missing(&["onelogin.saml2", "requests"]);
    missing.extend(python::missing(&["xmlsec"]));
    if !node::available("python3-saml test", missing) {
        return;
    }
    let server = TestServer::start().await;
    server.add_user("quinn", Some(GOOD_PASSWORD)).await;
    server.add_user_with("rita", Some(GOOD_PASSWORD), &["user"]).await;
    let browser = server.browser();
    assert_eq!(browser.login("quinn", GOOD_PASSWORD).await.status, 303);
    let secret = server.enrol_totp(&browser).await;
    let dir = tempfile::tempdir().unwrap();
    // (entity, ACS, user, TOTP, Response signed, requested context, expected context, encrypted assertion)
    let cases = [
        (
            "https://python3-saml.example/mfa",
            "http://127.0.0.1:9/p3/acs-mfa",
            "quinn",
            true,
            true,
            "https://refeds.org/profile/mfa",
            "https://refeds.org/profile/mfa",
            false,
        ),
        (
            "https://python3-saml.example/password",
            "http://127.0.0.1:9/p3/acs",
            "rita",
            false,
            false,
            "none",
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
            false,
        ),
        (
            "https://python3-saml.example/encrypted",
            "http://127.0.0.1:9/p3/acs-encrypted",
            "rita",
            false,
            false,
            "none",
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
            true,
        ),
        (
            // Exact, with a list: the strongest true class listed comes back (the app gives REFEDS MFA, not phr).
            "https://python3-saml.example/mfa-exact",
            "http://127.0.0.1:9/p3/acs-mfa-exact",
            "quinn",
            true,
            false,
            "exact:https://refeds.org/profile/mfa,phr",
            "https://refeds.org/profile/mfa",
            false,
        ),
    ];
    for (entity, acs, user, totp, signed_response, context, expected_context, encrypted) in cases {
        let env: &[(&str, &str)] = if encrypted { &[("SP_WANT_ENCRYPTED", "1")] } else { &[] };
        let (key, cert) = pem_files(dir.path());
        let want = if signed_response { "true" } else { "false" };
        let common = [entity, acs, key.as_str(), cert.as_str(), want];
        let mut args = vec!["metadata", server.base.as_str()];
        args.extend(common);
        let output = python::run_with("saml_python3saml.py", &args, env, TIMEOUT).await;
        let metadata = node::json_result("saml_python3saml.py", &output)["metadata"]
            .as_str()
            .expect("SP metadata")
            .to_string();
        let sp = sps::register(
            server.state().store.as_ref(),
            server.state().clock.now(),
            &Origin::cli(),
            NewServiceProvider {
                name_id_format: Some("persistent".into()),
                sign_response: signed_response,
                encrypt_assertion: encrypted,
                encryption_method: encrypted.then(|| "aes256-cbc".into()),
                ..an_sp(metadata)
            },
        )
        .await
        .expect("python3-saml's metadata registers");
        assert!(sp.authn_requests_signed);
        assert_eq!(sp.slo_endpoints.len(), 1, "its SingleLogoutService is kept");

        // One code per sign-in (a code is accepted once): this one and the next — for the second TOTP case
        // (the last), after the first case's (a minute on: within the request clock check).
        if context.starts_with("exact:") {
            server.clock.advance(chrono::Duration::seconds(60));
        }
        let code = format!("{},{}", server.totp_code(&secret, 0), server.totp_code(&secret, 1));
        let mut args = vec!["sso", server.base.as_str()];
        args.extend(common);
        args.extend([context, user, GOOD_PASSWORD]);
        if totp {
            args.push(&code);
        }
        let output = python::run_with("saml_python3saml.py", &args, env, TIMEOUT).await;
        let result = node::json_result("saml_python3saml.py", &output);
        assert_eq!(result["relay_state"], "relay-p3");
        assert_eq!(result["encrypted"], encrypted, "{result}");
        if encrypted {
            // This SP is registered with AES-256-CBC (pysaml2's gets AES-256-GCM).
            assert_eq!(
                result["encryption_method"], "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
                "{result}"
            );
        }
        assert_eq!(
            result["name_id_format"],
            "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
        );
        assert!(result["session_index"].as_str().is_some_and(|s| s.starts_with('_')));
        assert_eq!(result["attributes"]["uid"], serde_json::json!([user]), "{result}");
        assert_eq!(
            result["attributes"]["email"],
            serde_json::json!([format!("{user}@example.com")])
        );
        assert_eq!(result["authn_context"], serde_json::json!([expected_context]));
        assert_eq!(result["tampered_rejected"], true, "{result}");
        let slo = &result["slo"];
        assert_eq!(slo["errors"], serde_json::json!([]), "{result}");
        assert_eq!(slo["relay_state"], "after-slo");
        assert_eq!(slo["signed_out"], true, "{result}");
        let idp_slo = &result["idp_slo"];
        assert_eq!(idp_slo["errors"], serde_json::json!([]), "{result}");
        assert_eq!(idp_slo["signed_out_page"], true, "{result}");
        assert_eq!(idp_slo["forged_rejected"], true, "{result}");
        eprintln!("python3-saml result: {result}");
    }
    server.stop().await;
}
