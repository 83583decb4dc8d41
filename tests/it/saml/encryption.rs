//! Per-SP SAML settings beyond the basics: encrypted assertions (the SP's key gives back our signed assertion;
//! nothing of it in clear; the Response still signed when asked), the attribute mapping (names, sources,
//! static values, escaping), NameIDPolicy (`InvalidNameIDPolicy` for a format the SP is not configured for),
//! RequestedAuthnContext judged under the user's current role policy, and the `sp` command for all of them.
use crate::common::*;
use crate::saml::sp::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use gatehouse::core::audit::Origin;
use gatehouse::core::policy::assurance::MULTI_FACTOR;
use gatehouse::core::policy::roles;
use gatehouse::core::policy::{PolicyChange, parse_kinds};
use gatehouse::core::saml::{AttributeMapping, AttributeSource};
use gatehouse::protocols::saml::sps::{self, NewServiceProvider, SpChanges};
use openssl::pkey::{PKey, Private};
use roxmltree::Document;

const MFA: &str = "https://refeds.org/profile/mfa";

fn new_sp(metadata: String, encrypt_assertion: bool, sign_response: bool) -> NewServiceProvider {
    NewServiceProvider {
        name_id_format: Some("persistent".into()),
        sign_response,
        encrypt_assertion,
        ..an_sp(metadata)
    }
}

/// Reads an `EncryptedAssertion` the way an SP does, written here independently of Gatehouse's code:
/// RSA-OAEP (MGF1/SHA-1) for the key, AES-256-GCM (IV ‖ ciphertext ‖ tag) for the data.
pub fn decrypt_assertion(response: &str, key: &PKey<Private>) -> String {
    let doc = Document::parse(response).expect("XML");
    let encrypted = doc
        .descendants()
        .find(|n| n.tag_name().name() == "EncryptedAssertion")
        .expect("an EncryptedAssertion");
    let methods: Vec<&str> = encrypted
        .descendants()
        .filter(|n| n.tag_name().name() == "EncryptionMethod")
        .filter_map(|n| n.attribute("Algorithm"))
        .collect();
    let [data_method, "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"] = methods.as_slice() else {
        panic!("unexpected algorithms: {methods:?}")
    };
    let cbc = match *data_method {
        "http://www.w3.org/2009/xmlenc11#aes256-gcm" => false,
        "http://www.w3.org/2001/04/xmlenc#aes256-cbc" => true,
        other => panic!("unexpected data encryption {other}"),
    };
    let values: Vec<Vec<u8>> = encrypted
        .descendants()
        .filter(|n| n.tag_name().name() == "CipherValue")
        .map(|n| STANDARD.decode(n.text().unwrap()).unwrap())
        .collect();
    let [wrapped, data] = values.as_slice() else {
        panic!("a key and the data")
    };
    let mut decrypter = openssl::encrypt::Decrypter::new(key).unwrap();
    decrypter.set_rsa_padding(openssl::rsa::Padding::PKCS1_OAEP).unwrap();
    let mut aes = vec![0u8; decrypter.decrypt_len(wrapped).unwrap()];
    let len = decrypter.decrypt(wrapped, &mut aes).expect("our key unwraps it");
    aes.truncate(len);
    let plain = if cbc {
        let (iv, ciphertext) = data.split_at(16);
        openssl::symm::decrypt(openssl::symm::Cipher::aes_256_cbc(), &aes, Some(iv), ciphertext).expect("CBC")
    } else {
        let (iv, rest) = data.split_at(12);
        let (ciphertext, tag) = rest.split_at(rest.len() - 16);
        openssl::symm::decrypt_aead(
            openssl::symm::Cipher::aes_256_gcm(),
            &aes,
            Some(iv),
            &[],
            ciphertext,
            tag,
        )
        .expect("the GCM tag verifies")
    };
    String::from_utf8(plain).unwrap()
}

async fn sign_in(server: &TestServer, browser: &Browser, sp: &TestSp, xml: &str) -> Page {
    let accepted = send_redirect(browser, &redirect_query(xml, None, Some((&sp.key, RSA_SHA256)))).await;
    complete(server, browser, &accepted, None).await
}

#[tokio::test]
async fn encrypted_assertions_decrypt_with_the_sp_key_to_our_signed_assertion() {
    let server = TestServer::start().await;
    server.add_user("alice", Some(GOOD_PASSWORD)).await;
    let sp = TestSp::new();
    let (encryption_key, encryption_certificate) = key_and_certificate();
    let (store, now) = (server.state().store.as_ref(), server.state().clock.now());
    // A KeyDescriptor without `use` is for signing and for encryption.
    let no_use = sp
        .metadata(true)
        .replace("<md:KeyDescriptor use=\"signing\">", "<md:KeyDescriptor>");
    let read = sps::from_metadata(&new_sp(no_use, true, false), now).expect("usable for encryption");
    assert_eq!(read.certificates, read.encryption_certificates);
    assert_eq!(read.encryption_certificates, std::slice::from_ref(&sp.certificate));
    // Without an encryption certificate, encryption cannot be turned on: at registration or later.
    let refused = sps::register(store, now, &Origin::cli(), new_sp(sp.metadata(true), true, false))
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("no usable encryption certificate"),
        "{refused}"
    );
    sps::register(store, now, &Origin::cli(), new_sp(sp.metadata(true), false, true))
        .await
        .unwrap();
    let changes = SpChanges {
        encrypt_assertion: Some(true),
        encryption_method: None,
        ..Default::default()
    };
    assert!(
        sps::update(store, now, &Origin::cli(), SP_ENTITY, changes)
            .await
            .is_err()
    );
    assert!(
        !store.sp(SP_ENTITY).await.unwrap().unwrap().encrypt_assertion,
        "nothing changed"
    );
    // New metadata with an encryption KeyDescriptor, and encryption on.
    let changes = SpChanges {
        metadata: Some(sp.metadata_with_encryption(true, &encryption_certificate)),
        encrypt_assertion: Some(true),
        encryption_method: None,
        ..Default::default()
    };
    let updated = sps::update(store, now, &Origin::cli(), SP_ENTITY, changes)
        .await
        .unwrap();
    assert_eq!(
        updated.encryption_certificates,
        std::slice::from_ref(&encryption_certificate)
    );
    assert_eq!(
        updated.certificates,
        std::slice::from_ref(&sp.certificate),
        "use=encryption is not for signing"
    );

    let browser = server.browser();
    let page = sign_in(&server, &browser, &sp, &Req::new(&server).xml()).await;
    let xml = response_xml(&page);
    let idp = idp_certificate(&browser).await;
    // The Response is signed (the SP asked) around the encrypted assertion; nothing of the user in clear.
    verified(&xml, &idp).expect("the Response signature verifies");
    let doc = Document::parse(&xml).unwrap();
    assert!(
        doc.root_element()
            .children()
            .any(|n| n.tag_name().name() == "Signature"),
        "the Response carries its own signature"
    );
    assert!(!doc.descendants().any(|n| n.tag_name().name() == "Assertion"));
    assert!(!xml.contains("alice"), "{xml}");
    // The SP's key gives back the assertion, signed by us.
    let assertion = decrypt_assertion(&xml, &encryption_key);
    let signed = verified(&assertion, &idp).expect("the decrypted assertion's signature verifies");
    let signed = Document::parse(&signed).unwrap();
    let root = signed.root_element();
    assert_eq!(root.tag_name().name(), "Assertion");
    assert!(
        signed
            .descendants()
            .any(|n| n.tag_name().name() == "AttributeValue" && n.text() == Some("alice")),
        "{assertion}"
    );
    assert!(
        signed
            .descendants()
            .any(|n| n.tag_name().name() == "Audience" && n.text() == Some(SP_ENTITY))
    );
    // Another key (the SP's signing key) cannot read it.
    let other = std::panic::catch_unwind(|| decrypt_assertion(&xml, &sp.key));
    assert!(other.is_err());
    assert!(xml.contains("xmlenc11#aes256-gcm"), "GCM by default");
    // AES-256-CBC for an SP that asks for it; a method Gatehouse does not know is refused.
    let changes = SpChanges {
        encryption_method: Some("aes128-cbc".into()),
        ..Default::default()
    };
    assert!(
        sps::update(store, now, &Origin::cli(), SP_ENTITY, changes)
            .await
            .is_err()
    );
    let changes = SpChanges {
        encryption_method: Some("aes256-cbc".into()),
        ..Default::default()
    };
    sps::update(store, now, &Origin::cli(), SP_ENTITY, changes)
        .await
        .unwrap();
    let page = sign_in(&server, &browser, &sp, &Req::new(&server).xml()).await;
    let xml = response_xml(&page);
    assert!(xml.contains("xmlenc#aes256-cbc"), "{xml}");
    let assertion = decrypt_assertion(&xml, &encryption_key);
    verified(&assertion, &idp).expect("the decrypted assertion's signature verifies");
    // Turned off again: the assertion is in clear.
    let changes = SpChanges {
        encrypt_assertion: Some(false),
        encryption_method: None,
        ..Default::default()
    };
    sps::update(store, now, &Origin::cli(), SP_ENTITY, changes)
        .await
        .unwrap();
    let page = sign_in(&server, &browser, &sp, &Req::new(&server).xml()).await;
    let xml = response_xml(&page);
    assert!(
        Document::parse(&xml)
            .unwrap()
            .descendants()
            .any(|n| n.tag_name().name() == "Assertion")
    );
    server.stop().await;
}

fn attributes(xml: &str) -> Vec<(String, String, Vec<String>)> {
    let doc = Document::parse(xml).unwrap();
    doc.descendants()
        .filter(|n| n.tag_name().name() == "Attribute")
        .map(|a| {
            (
                a.attribute("Name").unwrap().to_string(),
                a.attribute("NameFormat")
                    .unwrap()
                    .rsplit(':')
                    .next()
                    .unwrap()
                    .to_string(),
                a.children()
                    .filter(|c| c.is_element())
                    .map(|v| v.text().unwrap_or("").to_string())
                    .collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_attribute_mapping_decides_names_and_values_and_escapes_them() {
    let server = TestServer::start().await;
    server.add_user_with("alice", Some(GOOD_PASSWORD), &["user"]).await;
    let sp = TestSp::new();
    sp.register(&server, true, "persistent", false).await;
    let browser = server.browser();
    // The default set.
    let xml = response_xml(&sign_in(&server, &browser, &sp, &Req::new(&server).xml()).await);
    let names: Vec<String> = attributes(&xml).into_iter().map(|(n, _, _)| n).collect();
    assert_eq!(names, ["uid", "email", "displayName", "roles"]);
    // A mapping: other names, a URI name, a static value with markup in it.
    let tricky = "<!-- x -->&amp;</saml:AttributeValue><saml:AttributeValue>admin";
    let (store, now) = (server.state().store.as_ref(), server.state().clock.now());
    let changes = SpChanges {
        attributes: Some(vec![
            AttributeMapping::new("mail", AttributeSource::Email),
            AttributeMapping::new("urn:oid:0.9.2342.19200300.100.1.1", AttributeSource::Username),
            AttributeMapping::new("groups", AttributeSource::Roles),
            AttributeMapping::new("org", AttributeSource::Static { value: tricky.into() }),
        ]),
        ..Default::default()
    };
    sps::update(store, now, &Origin::cli(), SP_ENTITY, changes)
        .await
        .unwrap();
    let xml = response_xml(&sign_in(&server, &browser, &sp, &Req::new(&server).xml()).await);
    verified(&xml, &idp_certificate(&browser).await).expect("signed");
    assert_eq!(
        attributes(&xml),
        vec![
            ("mail".into(), "basic".into(), vec!["alice@example.com".to_string()]),
            (
                "urn:oid:0.9.2342.19200300.100.1.1".into(),
                "uri".into(),
                vec!["alice".to_string()]
            ),
            ("groups".into(), "basic".into(), vec!["user".to_string()]),
            ("org".into(), "basic".into(), vec![tricky.to_string()]),
        ],
        "the value is exactly the stored text: no second value, no comment"
    );
    assert!(!Document::parse(&xml).unwrap().descendants().any(|n| n.is_comment()));
    // No attributes at all: no AttributeStatement (the schema needs at least one Attribute in it).
    let changes = SpChanges {
        attributes: Some(Vec::new()),
        ..Default::default()
    };
    sps::update(store, now, &Origin::cli(), SP_ENTITY, changes)
        .await
        .unwrap();
    let xml = response_xml(&sign_in(&server, &browser, &sp, &Req::new(&server).xml()).await);
    assert!(!xml.contains("AttributeStatement"), "{xml}");
    // Two attributes with one name are refused, and nothing changes.
    let changes = SpChanges {
        attributes: Some(vec![
            AttributeMapping::new("x", AttributeSource::Email),
            AttributeMapping::new("x", AttributeSource::Name),
        ]),
        ..Default::default()
    };
    assert!(
        sps::update(store, now, &Origin::cli(), SP_ENTITY, changes)
            .await
            .is_err()
    );
    assert!(store.sp(SP_ENTITY).await.unwrap().unwrap().attributes.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn a_name_id_policy_for_another_format_gets_invalid_name_id_policy() {
    let server = TestServer::start().await;
    server.add_user("alice", Some(GOOD_PASSWORD)).await;
    let sp = TestSp::new();
    sp.register(&server, true, "persistent", false).await;
    let browser = server.browser();
    let with_format = |format: &str| {
        Req::new(&server).xml().replace(
            "<samlp:NameIDPolicy AllowCreate=\"true\"/>",
            &format!("<samlp:NameIDPolicy Format=\"{format}\" AllowCreate=\"true\"/>"),
        )
    };
    let email = with_format("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
    let page = send_redirect(&browser, &redirect_query(&email, None, Some((&sp.key, RSA_SHA256)))).await;
    // Answered at once, before any sign-in, at the ACS from the metadata.
    assert!(page.body.contains(&format!("action=\"{ACS}\"")), "{}", page.body);
    let xml = response_xml(&page);
    verified(&xml, &idp_certificate(&browser).await).expect("signed");
    let doc = Document::parse(&xml).unwrap();
    let codes: Vec<&str> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "StatusCode")
        .filter_map(|n| n.attribute("Value"))
        .collect();
    assert_eq!(
        codes,
        [
            "urn:oasis:names:tc:SAML:2.0:status:Requester",
            "urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy"
        ]
    );
    assert!(!doc.descendants().any(|n| n.tag_name().name() == "Assertion"));
    assert!(doc.root_element().attribute("InResponseTo").is_some());
    let kinds = server.audit_kinds(None).await;
    assert!(kinds.contains(&("saml.sso".into(), "denied".into())), "{kinds:?}");
    // The configured format, and unspecified, are answered with an assertion.
    for format in [
        "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
    ] {
        let xml = response_xml(&sign_in(&server, &browser, &sp, &with_format(format)).await);
        assert!(xml.contains("nameid-format:persistent\""), "{xml}");
        assert!(xml.contains("status:Success"), "{xml}");
    }
    server.stop().await;
}

#[tokio::test]
async fn a_requested_context_counts_only_factors_the_role_policy_allows() {
    let server = TestServer::start().await;
    server.add_user_with("vic", Some(GOOD_PASSWORD), &["user"]).await;
    let sp = TestSp::new();
    sp.register(&server, true, "persistent", false).await;
    let browser = server.browser();
    assert_eq!(browser.login("vic", GOOD_PASSWORD).await.status, 303);
    let secret = server.enrol_totp(&browser).await;
    let fresh = server.browser();
    let done = server.sign_in_with_totp(&fresh, "vic", &secret).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let requested = format!(
        r#"<samlp:RequestedAuthnContext Comparison="minimum"><saml:AuthnContextClassRef>{MFA}</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>"#
    );
    let ask = || {
        let mut req = Req::new(&server);
        req.inner = requested.clone();
        req.xml()
    };
    let codes = |xml: &str| -> Vec<String> {
        Document::parse(xml)
            .unwrap()
            .descendants()
            .filter(|n| n.tag_name().name() == "StatusCode")
            .filter_map(|n| n.attribute("Value").map(str::to_string))
            .collect()
    };
    // The app counts: REFEDS MFA is met by the session.
    let xml = response_xml(&sign_in(&server, &fresh, &sp, &ask()).await);
    assert_eq!(codes(&xml), ["urn:oasis:names:tc:SAML:2.0:status:Success"]);
    // The role now counts only security keys and text messages; Vic has neither.
    roles::set(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        "user",
        &PolicyChange {
            allowed_factors: Some(parse_kinds("webauthn,sms,recovery_code").unwrap()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let xml = response_xml(&sign_in(&server, &fresh, &sp, &ask()).await);
    assert_eq!(
        codes(&xml),
        [
            "urn:oasis:names:tc:SAML:2.0:status:Responder",
            "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext"
        ],
        "the open session's app sign-in no longer counts, as for OIDC acr_values={MULTI_FACTOR}"
    );
    server.stop().await;
}

#[tokio::test]
async fn sp_command_sets_encryption_and_attributes() {
    use std::process::Command;
    let db = TestDb::new().await;
    let data = tempfile::tempdir().unwrap();
    let sp = TestSp::new();
    let plain = data.path().join("sp.xml");
    std::fs::write(&plain, sp.metadata(false)).unwrap();
    let (_, encryption_certificate) = key_and_certificate();
    let with_key = data.path().join("sp-enc.xml");
    std::fs::write(&with_key, sp.metadata_with_encryption(false, &encryption_certificate)).unwrap();
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
    let (code, _, stderr) = run(&[
        "sp",
        "add",
        "--metadata",
        plain.to_str().unwrap(),
        "--encrypt-assertion",
    ]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("no usable encryption certificate"), "{stderr}");
    let (code, stdout, stderr) = run(&[
        "sp",
        "add",
        "--metadata",
        plain.to_str().unwrap(),
        "--attribute",
        "mail=email",
        "--static-attribute",
        "org=Acme = Co",
        "--json",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        json(&stdout)["attributes"],
        serde_json::json!([
            {"name": "mail", "source": "email"},
            {"name": "org", "source": "static", "value": "Acme = Co"}
        ])
    );
    assert_eq!(json(&stdout)["encrypt_assertion"], false);
    let (code, _, stderr) = run(&["sp", "update", SP_ENTITY, "--encrypt-assertion"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("no usable encryption certificate"), "{stderr}");
    let (code, _, stderr) = run(&["sp", "update", SP_ENTITY, "--encryption-method", "des"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("Unknown encryption method"), "{stderr}");
    let (code, _, stderr) = run(&["sp", "update", SP_ENTITY, "--attribute", "mail=password"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("not an attribute source"), "{stderr}");
    let (code, _, stderr) = run(&[
        "sp",
        "update",
        SP_ENTITY,
        "--metadata",
        with_key.to_str().unwrap(),
        "--encrypt-assertion",
        "--encryption-method",
        "aes256-cbc",
        "--default-attributes",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let (_, stdout, _) = run(&["sp", "show", SP_ENTITY, "--json"]);
    let shown = json(&stdout);
    assert_eq!(shown["encrypt_assertion"], true);
    assert_eq!(shown["encryption_method"], "aes256-cbc");
    assert_eq!(
        shown["encryption_certificates"],
        serde_json::json!([encryption_certificate])
    );
    assert_eq!(
        shown["attributes"][0],
        serde_json::json!({"name": "uid", "source": "username"})
    );
    let (code, _, _) = run(&[
        "sp",
        "update",
        SP_ENTITY,
        "--no-encrypt-assertion",
        "--clear-attributes",
    ]);
    assert_eq!(code, Some(0));
    let (_, stdout, _) = run(&["sp", "show", SP_ENTITY, "--json"]);
    assert_eq!(json(&stdout)["encrypt_assertion"], false);
    assert_eq!(json(&stdout)["attributes"], serde_json::json!([]));
}
