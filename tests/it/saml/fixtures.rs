//! Stored AuthnRequests (`tests/fixtures/saml/`, see its README) fed to the real verifier,
//! `protocols::saml::request::validate`, at the fixtures' own time: a valid signed request over each binding,
//! and the attacks — signature wrapping in three shapes, an unsigned request from an SP that must sign, a
//! replayed ID, a wrong Destination, a stale IssueInstant, an ACS not in the metadata, SHA-1 (POST and
//! Redirect), an ACS changed after signing, a key carried in the message, and a comment or an entity inside a
//! NameID and an attribute value. The files are fixed bytes: a change in how we build requests in tests
//! cannot make these pass by accident.
//!
//! `GATEHOUSE_WRITE_SAML_FIXTURES=1 cargo test --test it saml_fixtures::write -- --ignored` rewrites them from
//! the stored key (RSA PKCS#1 v1.5 signatures are deterministic: the same key gives the same bytes).
use crate::common::*;
use crate::saml::sp::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use gatehouse::core::audit::Origin;
use gatehouse::protocols::saml::request::{self, Binding, Incoming, Validated};
use gatehouse::protocols::saml::sps::{self, NewServiceProvider};
use openssl::pkey::{PKey, Private};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/saml");
/// The IdP the fixtures are addressed to.
const SSO: &str = "https://idp.fixture.test/saml/sso";
const VALID_ID: &str = "_fixture-valid";

/// When the fixtures were issued.
fn issued() -> DateTime<Utc> {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn key(name: &str) -> PKey<Private> {
    PKey::private_key_from_pem(read(name).as_bytes()).expect("PEM key")
}

async fn server_with_fixture_sp() -> TestServer {
    let server = TestServer::start().await;
    sps::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewServiceProvider {
            name_id_format: Some("persistent".into()),
            ..an_sp(read("sp-metadata.xml"))
        },
    )
    .await
    .expect("the fixture SP registers");
    server
}

async fn post(server: &TestServer, name: &str, at: DateTime<Utc>) -> Result<Validated, String> {
    post_xml(server, read(name), at).await
}

async fn post_xml(server: &TestServer, xml: String, at: DateTime<Utc>) -> Result<Validated, String> {
    let incoming = Incoming {
        binding: Binding::Post,
        xml,
        relay_state: None,
        redirect_signature: None,
    };
    request::validate(server.state().store.as_ref(), SSO, at, incoming)
        .await
        .map_err(|r| r.message.english())
}

async fn redirect(server: &TestServer, name: &str, at: DateTime<Utc>) -> Result<Validated, String> {
    let query = read(name);
    let (encoded, relay_state, redirect_signature) =
        request::redirect_query(query.trim()).map_err(|r| r.message.english())?;
    let incoming = Incoming {
        binding: Binding::Redirect,
        xml: request::inflate_redirect(&encoded).map_err(|r| r.message.english())?,
        relay_state,
        redirect_signature,
    };
    request::validate(server.state().store.as_ref(), SSO, at, incoming)
        .await
        .map_err(|r| r.message.english())
}

fn refused(result: Result<Validated, String>, name: &str, why: &str) {
    match result {
        Ok(v) => panic!("{name} was accepted: {v:?}"),
        Err(message) => assert!(message.contains(why), "{name}: expected '{why}', got '{message}'"),
    }
}

#[tokio::test]
async fn the_stored_valid_requests_are_accepted_and_a_replay_is_not() {
    let server = server_with_fixture_sp().await;
    let at = issued() + Duration::seconds(30);
    let valid = post(&server, "valid-post.xml", at).await.expect("accepted");
    assert_eq!(valid.id.as_deref(), Some(VALID_ID));
    assert_eq!(valid.acs_url, ACS);
    assert!(valid.signed);
    refused(
        post(&server, "valid-post.xml", at).await,
        "valid-post.xml (again)",
        "used before",
    );
    let valid = redirect(&server, "valid-redirect.query", at).await.expect("accepted");
    assert!(valid.signed);
    assert_eq!(valid.relay_state.as_deref(), Some("fixture-relay"));
    refused(
        redirect(&server, "valid-redirect.query", at).await,
        "valid-redirect.query (again)",
        "used before",
    );
    server.stop().await;
}

#[tokio::test]
async fn the_stored_attacks_are_refused() {
    let server = server_with_fixture_sp().await;
    let at = issued() + Duration::seconds(30);
    // The valid request outside the accepted skew, either way.
    refused(
        post(&server, "valid-post.xml", issued() + Duration::minutes(10)).await,
        "valid-post.xml 10 minutes later",
        "too old or from the future",
    );
    refused(
        post(&server, "valid-post.xml", issued() - Duration::minutes(10)).await,
        "valid-post.xml 10 minutes early",
        "too old or from the future",
    );
    let cases = [
        ("unsigned.xml", "must sign its requests"),
        (
            "wrapping-signed-copy-in-extensions.xml",
            "does not sign the message itself",
        ),
        (
            "wrapping-reference-to-nested-copy.xml",
            "its Reference is not to the request",
        ),
        ("wrapping-duplicate-id.xml", "the message's ID appears twice"),
        ("wrong-destination.xml", "addressed to another destination"),
        ("stale.xml", "too old or from the future"),
        ("acs-not-in-metadata.xml", "not in its registered metadata"),
        ("sha1-signature.xml", "SHA-1 is not accepted"),
        ("tampered-acs.xml", "does not verify"),
        ("foreign-key-in-message.xml", "does not verify"),
        ("comment-in-name-id.xml", "comment"),
        ("comment-in-attribute-value.xml", "comment"),
        ("entity-in-name-id.xml", "document type or entity declaration"),
        ("entity-in-attribute-value.xml", "document type or entity declaration"),
    ];
    for (name, why) in cases {
        refused(post(&server, name, at).await, name, why);
    }
    refused(
        redirect(&server, "sha1-redirect.query", at).await,
        "sha1-redirect.query",
        "SHA-1 signatures are not accepted",
    );
    refused(
        redirect(&server, "tampered-relay-state-redirect.query", at).await,
        "tampered-relay-state-redirect.query",
        "does not verify",
    );
    // The comment and entity fixtures carry good signatures: without the comment, or with the entity's text
    // written out, they are accepted — so what refused them was the comment or the DTD, nothing else.
    for (name, from, to) in [
        ("comment-in-name-id.xml", "<!---->", ""),
        ("comment-in-attribute-value.xml", "<!-- -->", ""),
        ("entity-in-name-id.xml", "&who;", "user@example.com"),
        ("entity-in-attribute-value.xml", "&who;", "user@example.com"),
    ] {
        let text = read(name).replace(from, to);
        let text = match text.split_once("]>\n") {
            Some((_dtd, rest)) => rest.to_string(),
            None => text,
        };
        let accepted = post_xml(&server, text, at).await;
        assert!(accepted.is_ok(), "{name} cleaned: {accepted:?}");
    }
    // None of them used up the valid request's ID: it is still accepted once.
    assert!(post(&server, "valid-post.xml", at).await.is_ok());
    server.stop().await;
}

// ---- Writing the fixtures (run by hand; see tests/fixtures/saml/README.md) ----

fn fixture_request(id: &str, issue_instant: DateTime<Utc>) -> Req {
    Req {
        id: id.into(),
        issuer: SP_ENTITY.into(),
        destination: Some(SSO.into()),
        acs: Some(ACS.into()),
        issue_instant,
        force_authn: false,
        is_passive: false,
        inner: String::new(),
    }
}

/// A key pair whose certificate stays valid for a century, so the stored fixtures never expire.
fn long_lived_key() -> (PKey<Private>, String) {
    use openssl::asn1::Asn1Time;
    use openssl::hash::MessageDigest;
    use openssl::x509::{X509, X509NameBuilder};
    let key = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "sp.example.test fixtures").unwrap();
    let name = name.build();
    let mut builder = X509::builder().unwrap();
    builder.set_version(2).unwrap();
    builder
        .set_serial_number(&openssl::bn::BigNum::from_u32(7).unwrap().to_asn1_integer().unwrap())
        .unwrap();
    builder.set_subject_name(&name).unwrap();
    builder.set_issuer_name(&name).unwrap();
    builder.set_pubkey(&key).unwrap();
    builder
        .set_not_before(&Asn1Time::from_unix(1_767_225_600).unwrap())
        .unwrap();
    builder
        .set_not_after(&Asn1Time::from_unix(4_922_899_200).unwrap())
        .unwrap();
    builder.sign(&key, MessageDigest::sha256()).unwrap();
    (key, STANDARD.encode(builder.build().to_der().unwrap()))
}

fn store(name: &str, text: &str) {
    std::fs::write(format!("{DIR}/{name}"), text).unwrap();
}

fn signature_of(signed: &str) -> String {
    let start = signed.find("<ds:Signature").unwrap();
    let end = signed.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    signed[start..end].to_string()
}

#[test]
#[ignore = "rewrites tests/fixtures/saml; run by hand"]
fn write() {
    if std::env::var("GATEHOUSE_WRITE_SAML_FIXTURES").as_deref() != Ok("1") {
        panic!("set GATEHOUSE_WRITE_SAML_FIXTURES=1 to rewrite the fixtures");
    }
    // The SP's key: kept if present (so the files do not change), made once otherwise.
    let key_path = format!("{DIR}/sp.key");
    let (sp_key, certificate) = if std::path::Path::new(&key_path).exists() {
        let pem = read("sp.crt");
        let cert = openssl::x509::X509::from_pem(pem.as_bytes()).unwrap();
        (key("sp.key"), STANDARD.encode(cert.to_der().unwrap()))
    } else {
        let (key, certificate) = long_lived_key();
        store(
            "sp.key",
            &String::from_utf8(key.private_key_to_pem_pkcs8().unwrap()).unwrap(),
        );
        let der = STANDARD.decode(&certificate).unwrap();
        let pem = openssl::x509::X509::from_der(&der).unwrap().to_pem().unwrap();
        store("sp.crt", &String::from_utf8(pem).unwrap());
        (key, certificate)
    };
    if !std::path::Path::new(&format!("{DIR}/attacker.key")).exists() {
        let (key, certificate) = long_lived_key();
        store(
            "attacker.key",
            &String::from_utf8(key.private_key_to_pem_pkcs8().unwrap()).unwrap(),
        );
        store("attacker.crt.b64", &certificate);
    }
    let attacker = key("attacker.key");
    let attacker_certificate = read("attacker.crt.b64");
    let sp = TestSp {
        key: sp_key.clone(),
        certificate,
        entity_id: SP_ENTITY.into(),
    };
    store("sp-metadata.xml", &sp.metadata(true));
    let t = issued();
    let sign = |req: &Req| signed_post_xml(req, &sp_key, RSA_SHA256, SHA256);

    let valid = sign(&fixture_request(VALID_ID, t));
    store("valid-post.xml", &valid);
    store("unsigned.xml", &fixture_request("_fixture-unsigned", t).xml());
    // Wrapping 1: an unsigned root (the attacker's ACS) with the signed request nested in Extensions.
    let mut evil = fixture_request("_fixture-evil", t);
    evil.acs = Some("https://evil.example/acs".into());
    evil.inner = format!("<samlp:Extensions>{}</samlp:Extensions>", without_declaration(&valid));
    store("wrapping-signed-copy-in-extensions.xml", &evil.xml());
    // Wrapping 2: the signature moved up to the attacker's root, still referencing the nested original.
    let unsigned_original = fixture_request(VALID_ID, t).xml();
    let mut evil = fixture_request("_fixture-evil", t);
    evil.acs = Some("https://evil.example/acs".into());
    evil.inner = format!("<samlp:Extensions>{unsigned_original}</samlp:Extensions>");
    store(
        "wrapping-reference-to-nested-copy.xml",
        &evil.xml_with_signature_slot(&signature_of(&valid)),
    );
    // Wrapping 3: the attacker's root takes the signed request's ID, the original nested with the same ID.
    let mut evil = fixture_request(VALID_ID, t);
    evil.acs = Some("https://evil.example/acs".into());
    evil.inner = format!("<samlp:Extensions>{unsigned_original}</samlp:Extensions>");
    store(
        "wrapping-duplicate-id.xml",
        &evil.xml_with_signature_slot(&signature_of(&valid)),
    );
    let mut req = fixture_request("_fixture-destination", t);
    req.destination = Some("https://other-idp.example/saml/sso".into());
    store("wrong-destination.xml", &sign(&req));
    store(
        "stale.xml",
        &sign(&fixture_request("_fixture-stale", t - Duration::hours(1))),
    );
    let mut req = fixture_request("_fixture-acs", t);
    req.acs = Some("https://evil.example/acs".into());
    store("acs-not-in-metadata.xml", &sign(&req));
    store(
        "sha1-signature.xml",
        &signed_post_xml(&fixture_request("_fixture-sha1", t), &sp_key, RSA_SHA1, SHA1),
    );
    // Signed for one registered ACS, then pointed at the other.
    store(
        "tampered-acs.xml",
        &sign(&fixture_request("_fixture-tampered", t)).replace(ACS, ACS_2),
    );
    // Signed by an unregistered key that the message itself offers as its certificate.
    let foreign = signed_post_xml(&fixture_request("_fixture-foreign", t), &attacker, RSA_SHA256, SHA256).replace(
        "</ds:SignatureValue>",
        &format!(
            "</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{attacker_certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
        ),
    );
    store("foreign-key-in-message.xml", &foreign);
    // Comments: exclusive c14n drops them, so they can be added after signing without breaking the signature
    // — the classic NameID truncation. Both carry a valid signature over the text without the comment.
    let mut req = fixture_request("_fixture-comment", t);
    req.inner = "<saml:Subject><saml:NameID>admin@example.com.evil.example</saml:NameID></saml:Subject>".into();
    store(
        "comment-in-name-id.xml",
        &sign(&req).replace(
            "admin@example.com.evil.example",
            "admin@example.com<!---->.evil.example",
        ),
    );
    let mut req = fixture_request("_fixture-comment-attribute", t);
    req.inner = "<samlp:Extensions><saml:Attribute Name=\"role\"><saml:AttributeValue>user-admin</saml:AttributeValue></saml:Attribute></samlp:Extensions>".into();
    store(
        "comment-in-attribute-value.xml",
        &sign(&req).replace(">user-admin<", ">user<!-- -->-admin<"),
    );
    // Entities: a DTD declaring one, used inside a NameID and an attribute value.
    let with_dtd = |signed: &str, from: &str, to: &str| {
        format!(
            "<!DOCTYPE samlp:AuthnRequest [<!ENTITY who \"admin@example.com\">]>\n{}",
            without_declaration(signed).replace(from, to)
        )
    };
    let mut req = fixture_request("_fixture-entity", t);
    req.inner = "<saml:Subject><saml:NameID>user@example.com</saml:NameID></saml:Subject>".into();
    store(
        "entity-in-name-id.xml",
        &with_dtd(&sign(&req), ">user@example.com<", ">&who;<"),
    );
    let mut req = fixture_request("_fixture-entity-attribute", t);
    req.inner = "<samlp:Extensions><saml:Attribute Name=\"mail\"><saml:AttributeValue>user@example.com</saml:AttributeValue></saml:Attribute></samlp:Extensions>".into();
    store(
        "entity-in-attribute-value.xml",
        &with_dtd(&sign(&req), ">user@example.com<", ">&who;<"),
    );
    // HTTP-Redirect: the signature over the query string.
    let redirect_xml = fixture_request("_fixture-redirect", t).xml();
    store(
        "valid-redirect.query",
        &redirect_query(&redirect_xml, Some("fixture-relay"), Some((&sp_key, RSA_SHA256))),
    );
    store(
        "sha1-redirect.query",
        &redirect_query(
            &fixture_request("_fixture-redirect-sha1", t).xml(),
            None,
            Some((&sp_key, RSA_SHA1)),
        ),
    );
    store(
        "tampered-relay-state-redirect.query",
        &redirect_query(
            &fixture_request("_fixture-redirect-relay", t).xml(),
            Some("fixture-relay"),
            Some((&sp_key, RSA_SHA256)),
        )
        .replace("RelayState=fixture-relay", "RelayState=attacker-relay"),
    );
}
