//! Single logout, both directions. From an SP: a signed LogoutRequest (Redirect: signature over the raw query;
//! POST: one enveloped signature) that names this session's NameID and SessionIndex ends the Gatehouse session
//! through the same path as /logout (OIDC back-channel logout fires), logs the session's other SAML SPs out
//! front-channel, and is answered with a signed LogoutResponse at the SP's registered SLO endpoint. Refused with
//! nothing ended: unsigned, tampered, SHA-1, replayed, unknown SP, wrong Destination, stale; answered
//! `Requester` with nothing ended: another session's NameID or SessionIndex. From Gatehouse: /logout walks the
//! session's SPs one after another with signed LogoutRequests and ends on the signed-out page.
use crate::common::*;
use crate::oidc::common::{REDIRECT, VERIFIER, code_for, redeem};
use crate::saml::sp::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use gatehouse::core::audit::Origin;
use gatehouse::protocols::oidc::clients::{self, NewClient};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use roxmltree::Document;
use samael::crypto::CryptoProvider;
use std::io::Read;

const SP_B: &str = "https://sp-b.example.test/metadata";
const PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";

/// What an SP was told at sign-in.
struct SignedIn {
    name_id: String,
    session_index: String,
}

/// IdP-initiated SSO to `entity` in a browser that has a session; returns what the SP was told.
async fn sso_to(browser: &Browser, entity: &str) -> SignedIn {
    let started = browser.get(&format!("/saml/sso/init?sp={}", encode(entity))).await;
    let page = browser.get(&started.location().expect("to resume")).await;
    let xml = response_xml(&page);
    let doc = Document::parse(&xml).unwrap();
    let find = |name: &str| doc.descendants().find(|n| n.tag_name().name() == name).unwrap();
    SignedIn {
        name_id: find("NameID").text().unwrap().to_string(),
        session_index: find("AuthnStatement").attribute("SessionIndex").unwrap().to_string(),
    }
}

fn sp_b() -> TestSp {
    let mut sp = TestSp::new();
    sp.entity_id = SP_B.into();
    sp
}

fn now_text(server: &TestServer, offset_s: i64) -> String {
    (server.state().clock.now() + chrono::Duration::seconds(offset_s))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn new_id() -> String {
    format!("_lr{}", uuid::Uuid::new_v4().simple())
}

/// A LogoutRequest from `issuer`; `signature` goes after the Issuer.
fn logout_request(server: &TestServer, id: &str, issuer: &str, who: &SignedIn, signature: &str) -> String {
    format!(
        r#"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{id}" Version="2.0" IssueInstant="{}" Destination="{}"><saml:Issuer>{issuer}</saml:Issuer>{signature}<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{}</saml:NameID><samlp:SessionIndex>{}</samlp:SessionIndex></samlp:LogoutRequest>"#,
        now_text(server, 0),
        server.url("/saml/slo"),
        who.name_id,
        who.session_index
    )
}

/// A LogoutResponse from `issuer` answering `in_response_to`.
fn logout_response(server: &TestServer, issuer: &str, in_response_to: &str) -> String {
    format!(
        r#"<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{}" Version="2.0" IssueInstant="{}" Destination="{}" InResponseTo="{in_response_to}"><saml:Issuer>{issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>"#,
        new_id(),
        now_text(server, 0),
        server.url("/saml/slo"),
    )
}

/// The Redirect-binding query carrying `xml` as `param`, signed with `key` (RSA-SHA256 unless `sha1`).
fn signed_query(param: &str, xml: &str, relay: Option<&str>, key: Option<&PKey<Private>>, sha1: bool) -> String {
    let query = redirect_query(xml, relay, key.map(|k| (k, if sha1 { RSA_SHA1 } else { RSA_SHA256 })));
    if param == "SAMLRequest" {
        return query;
    }
    // Re-sign with the other parameter name (the signature covers it).
    let unsigned = redirect_query(xml, relay, None).replacen("SAMLRequest=", &format!("{param}="), 1);
    let Some(key) = key else { return unsigned };
    let mut query = format!("{unsigned}&SigAlg={}", encode(RSA_SHA256));
    let mut signer = openssl::sign::Signer::new(MessageDigest::sha256(), key).unwrap();
    signer.update(query.as_bytes()).unwrap();
    query.push_str(&format!(
        "&Signature={}",
        encode(&STANDARD.encode(signer.sign_to_vec().unwrap()))
    ));
    query
}

/// A message we sent with the Redirect binding: its parameters, after checking the signature over the raw
/// query with the certificate in our metadata.
fn read_redirect(location: &str, idp_cert: &str) -> (String, Vec<(String, String)>) {
    let (base, query) = location.split_once('?').expect("a query");
    let (signed, signature) = query.split_once("&Signature=").expect("signed");
    let signature: String = url::form_urlencoded::parse(format!("s={signature}").as_bytes())
        .next()
        .unwrap()
        .1
        .into_owned();
    let der = STANDARD.decode(idp_cert).unwrap();
    let key = openssl::x509::X509::from_der(&der).unwrap().public_key().unwrap();
    let mut verifier = openssl::sign::Verifier::new(MessageDigest::sha256(), &key).unwrap();
    verifier.update(signed.as_bytes()).unwrap();
    assert!(
        verifier.verify(&STANDARD.decode(signature).unwrap()).unwrap(),
        "our signature over the query verifies"
    );
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let message = params
        .iter()
        .find(|(k, _)| k == "SAMLRequest" || k == "SAMLResponse")
        .unwrap()
        .1
        .clone();
    let mut xml = String::new();
    flate2::read::DeflateDecoder::new(STANDARD.decode(message).unwrap().as_slice())
        .read_to_string(&mut xml)
        .unwrap();
    assert!(params.iter().any(|(k, v)| k == "SigAlg" && v == RSA_SHA256));
    (
        base.to_string(),
        vec![("xml".into(), xml)].into_iter().chain(params).collect(),
    )
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn root_attr(xml: &str, name: &str) -> Option<String> {
    Document::parse(xml)
        .unwrap()
        .root_element()
        .attribute(name)
        .map(str::to_string)
}

fn status_of(xml: &str) -> String {
    let doc = Document::parse(xml).unwrap();
    doc.descendants()
        .find(|n| n.has_tag_name((PROTOCOL, "StatusCode")))
        .and_then(|n| n.attribute("Value"))
        .unwrap()
        .to_string()
}

async fn oidc_client_with_backchannel(server: &TestServer, sink: &HttpSink) {
    clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "spa".into(),
            redirect_uris: vec![REDIRECT.into()],
            public: true,
            trusted: true,
            backchannel_logout_uri: Some(format!("{}/bc", sink.url)),
            ..Default::default()
        },
    )
    .await
    .expect("client registered");
}

#[tokio::test]
async fn an_sp_logout_request_ends_the_session_logs_out_the_other_sps_and_is_answered_signed() {
    let server = TestServer::start().await;
    let alice = server.add_user("alice", Some(GOOD_PASSWORD)).await;
    let sink = HttpSink::start(204, "").await;
    oidc_client_with_backchannel(&server, &sink).await;
    let (a, b) = (TestSp::new(), sp_b());
    a.register_with(&server, true, "persistent", false, true).await;
    b.register_with(&server, true, "transient", false, true).await;
    let browser = server.browser();
    code_for(&server, &browser, &[], "alice").await;
    let at_a = sso_to(&browser, SP_ENTITY).await;
    let at_b = sso_to(&browser, SP_B).await;
    let idp_cert = idp_certificate(&browser).await;

    // SP A's signed LogoutRequest over HTTP-Redirect.
    let request_id = new_id();
    let xml = logout_request(&server, &request_id, SP_ENTITY, &at_a, "");
    let query = signed_query("SAMLRequest", &xml, Some("relay-a"), Some(&a.key), false);
    let hop = browser.get(&format!("/saml/slo?{query}")).await;
    assert_eq!(hop.status, 303, "{}", hop.body);
    assert_eq!(server.session_count(&alice).await, 0, "the Gatehouse session ended");
    assert_eq!(sink.received(1).await.len(), 1, "OIDC back-channel logout fired");
    assert!(
        hop.set_cookies()
            .iter()
            .any(|c| c.starts_with("gatehouse_session=;") || c.starts_with("gatehouse_session=\"\""))
    );

    // First SP B, the session's other SP, gets our signed LogoutRequest at its registered SLO endpoint.
    let (to, params) = read_redirect(&hop.location().unwrap(), &idp_cert);
    assert_eq!(to, SLO, "the Redirect endpoint of its metadata");
    let ours = param(&params, "xml").unwrap();
    let doc = Document::parse(ours).unwrap();
    assert!(doc.root_element().has_tag_name((PROTOCOL, "LogoutRequest")));
    assert_eq!(root_attr(ours, "Destination").as_deref(), Some(SLO));
    let text = |name: &str| {
        doc.descendants()
            .find(|n| n.tag_name().name() == name)
            .and_then(|n| n.text())
            .unwrap()
            .to_string()
    };
    assert_eq!(text("NameID"), at_b.name_id);
    assert_eq!(text("SessionIndex"), at_b.session_index);
    assert_eq!(text("Issuer"), server.url("/saml/metadata"));

    // SP B answers; a response naming another request, or from another SP, moves nothing.
    let ours_id = root_attr(ours, "ID").unwrap();
    let stray = signed_query(
        "SAMLResponse",
        &logout_response(&server, SP_B, "_unknown"),
        None,
        Some(&b.key),
        false,
    );
    let expired = browser.get(&format!("/saml/slo?{stray}")).await;
    assert_eq!(expired.status, 400);
    assert!(expired.body.contains("expired or was completed"));
    let from_a = signed_query(
        "SAMLResponse",
        &logout_response(&server, SP_ENTITY, &ours_id),
        None,
        Some(&a.key),
        false,
    );
    refused(
        &browser.get(&format!("/saml/slo?{from_a}")).await,
        "not from the service provider",
    );
    let answer = signed_query(
        "SAMLResponse",
        &logout_response(&server, SP_B, &ours_id),
        None,
        Some(&b.key),
        false,
    );
    let last = browser.get(&format!("/saml/slo?{answer}")).await;
    assert_eq!(last.status, 303, "{}", last.body);

    // Finally SP A gets its signed LogoutResponse, Success, with its RelayState.
    let (to, params) = read_redirect(&last.location().unwrap(), &idp_cert);
    assert_eq!(to, SLO);
    let response = param(&params, "xml").unwrap();
    assert!(response.contains("LogoutResponse"));
    assert_eq!(
        root_attr(response, "InResponseTo").as_deref(),
        Some(request_id.as_str())
    );
    assert_eq!(root_attr(response, "Destination").as_deref(), Some(SLO));
    assert_eq!(status_of(response), "urn:oasis:names:tc:SAML:2.0:status:Success");
    assert_eq!(param(&params, "RelayState"), Some("relay-a"));
    // The chain is over: the same answer again finds nothing.
    assert_eq!(browser.get(&format!("/saml/slo?{answer}")).await.status, 400);
    let kinds = server.audit_kinds(Some(&alice)).await;
    assert!(kinds.contains(&("session.signed_out".into(), "success".into())));
    assert!(kinds.contains(&("saml.slo".into(), "success".into())));
    server.stop().await;
}

#[tokio::test]
async fn a_post_binding_logout_request_is_answered_with_a_signed_posted_response() {
    let server = TestServer::start().await;
    let alice = server.add_user("alice", Some(GOOD_PASSWORD)).await;
    let sp = TestSp::new();
    sp.register_with(&server, true, "persistent", false, true).await;
    let browser = server.browser();
    assert_eq!(browser.login("alice", GOOD_PASSWORD).await.status, 303);
    let who = sso_to(&browser, SP_ENTITY).await;
    let id = new_id();
    let template = signature_template(&id, RSA_SHA256, SHA256);
    let xml = logout_request(&server, &id, SP_ENTITY, &who, &template);
    let signed = samael::crypto::Crypto::sign_xml(xml, &sp.key.private_key_to_der().unwrap()).unwrap();
    let page = browser
        .post(
            "/saml/slo",
            &[("SAMLRequest", &post_body(&signed)), ("RelayState", "r")],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(server.session_count(&alice).await, 0);
    assert!(page.body.contains(&format!("action=\"{SLO_POST}\"")), "{}", page.body);
    let response = String::from_utf8(STANDARD.decode(page.input("SAMLResponse").unwrap()).unwrap()).unwrap();
    verified(&response, &idp_certificate(&browser).await).expect("signed by us, enveloped");
    assert_eq!(root_attr(&response, "InResponseTo"), Some(id));
    assert_eq!(status_of(&response), "urn:oasis:names:tc:SAML:2.0:status:Success");
    assert_eq!(page.input("RelayState").as_deref(), Some("r"));
    server.stop().await;
}

#[tokio::test]
async fn bad_logout_requests_end_nothing() {
    let server = TestServer::start().await;
    let alice = server.add_user("alice", Some(GOOD_PASSWORD)).await;
    let sp = TestSp::new();
    sp.register_with(&server, true, "persistent", false, true).await;
    let browser = server.browser();
    assert_eq!(browser.login("alice", GOOD_PASSWORD).await.status, 303);
    let who = sso_to(&browser, SP_ENTITY).await;
    let send = |query: String| {
        let browser = &browser;
        async move { browser.get(&format!("/saml/slo?{query}")).await }
    };
    let request = |id: &str| logout_request(&server, id, SP_ENTITY, &who, "");

    refused(
        &send(signed_query("SAMLRequest", &request(&new_id()), None, None, false)).await,
        "not signed",
    );
    let tampered = signed_query("SAMLRequest", &request(&new_id()), Some("a"), Some(&sp.key), false);
    refused(
        &send(tampered.replace("RelayState=a", "RelayState=b")).await,
        "does not verify",
    );
    refused(
        &send(signed_query(
            "SAMLRequest",
            &request(&new_id()),
            None,
            Some(&sp.key),
            true,
        ))
        .await,
        "SHA-1",
    );
    let other_key = TestSp::new();
    refused(
        &send(signed_query(
            "SAMLRequest",
            &request(&new_id()),
            None,
            Some(&other_key.key),
            false,
        ))
        .await,
        "does not verify",
    );
    let unknown = logout_request(&server, &new_id(), "https://unknown.example/sp", &who, "");
    refused(
        &send(signed_query("SAMLRequest", &unknown, None, Some(&sp.key), false)).await,
        "not registered",
    );
    let elsewhere = request(&new_id()).replace(&server.url("/saml/slo"), "https://elsewhere.example/slo");
    refused(
        &send(signed_query("SAMLRequest", &elsewhere, None, Some(&sp.key), false)).await,
        "Destination",
    );
    let stale = request(&new_id()).replace(&now_text(&server, 0), &now_text(&server, -600));
    refused(
        &send(signed_query("SAMLRequest", &stale, None, Some(&sp.key), false)).await,
        "too old",
    );
    let two = format!(
        "{}&SAMLRequest=x",
        signed_query("SAMLRequest", &request(&new_id()), None, Some(&sp.key), false)
    );
    refused(&send(two).await, "repeats");
    assert_eq!(server.session_count(&alice).await, 1, "nothing ended");

    // Another session's NameID or SessionIndex: a Requester answer at the registered endpoint, nothing ended.
    for wrong in [
        SignedIn {
            name_id: "someone-else".into(),
            session_index: who.session_index.clone(),
        },
        SignedIn {
            name_id: who.name_id.clone(),
            session_index: "_another-session".into(),
        },
    ] {
        let id = new_id();
        let xml = logout_request(&server, &id, SP_ENTITY, &wrong, "");
        let page = send(signed_query("SAMLRequest", &xml, None, Some(&sp.key), false)).await;
        assert_eq!(page.status, 303, "{}", page.body);
        let (to, params) = read_redirect(&page.location().unwrap(), &idp_certificate(&browser).await);
        assert_eq!(to, SLO, "only the registered endpoint");
        let response = param(&params, "xml").unwrap();
        assert_eq!(status_of(response), "urn:oasis:names:tc:SAML:2.0:status:Requester");
        assert_eq!(root_attr(response, "InResponseTo"), Some(id));
        assert_eq!(server.session_count(&alice).await, 1, "the session survives");
    }

    // A valid request works once; its replay is refused.
    let good = signed_query("SAMLRequest", &request(&new_id()), None, Some(&sp.key), false);
    assert_eq!(send(good.clone()).await.status, 303);
    assert_eq!(server.session_count(&alice).await, 0);
    refused(&send(good).await, "used before");
    server.stop().await;
}

#[tokio::test]
async fn signing_out_of_gatehouse_logs_out_of_each_saml_sp_in_turn() {
    let server = TestServer::start().await;
    let alice = server.add_user("alice", Some(GOOD_PASSWORD)).await;
    let (a, b) = (TestSp::new(), sp_b());
    a.register_with(&server, true, "persistent", false, true).await;
    b.register_with(&server, true, "email", false, true).await;
    let browser = server.browser();
    assert_eq!(browser.login("alice", GOOD_PASSWORD).await.status, 303);
    let at_a = sso_to(&browser, SP_ENTITY).await;
    let at_b = sso_to(&browser, SP_B).await;
    let idp_cert = idp_certificate(&browser).await;
    let account = browser.get("/account").await;
    let first = browser.post("/logout", &[("csrf", &account.csrf())]).await;
    assert_eq!(first.status, 303, "{}", first.body);
    assert_eq!(server.session_count(&alice).await, 0);
    let mut hop = first;
    let mut visited = Vec::new();
    for _ in 0..2 {
        let (to, params) = read_redirect(&hop.location().unwrap(), &idp_cert);
        assert_eq!(to, SLO);
        let request = param(&params, "xml").unwrap();
        let (sp, key, who) = [(SP_ENTITY, &a.key, &at_a), (SP_B, &b.key, &at_b)]
            .into_iter()
            .find(|(_, _, who)| request.contains(&format!(">{}</saml:NameID>", who.name_id)))
            .expect("a NameID one of the SPs was given");
        assert!(request.contains(&who.session_index));
        visited.push(sp);
        let id = root_attr(request, "ID").unwrap();
        let answer = signed_query(
            "SAMLResponse",
            &logout_response(&server, sp, &id),
            None,
            Some(key),
            false,
        );
        hop = browser.get(&format!("/saml/slo?{answer}")).await;
    }
    visited.sort();
    assert_eq!(visited, [SP_B, SP_ENTITY], "each SP once");
    assert_eq!(hop.status, 200, "{}", hop.body);
    assert!(hop.body.contains("You are signed out"), "{}", hop.body);

    // Without SAML SPs, /logout is what it was.
    let plain = server.browser();
    assert_eq!(plain.login("alice", GOOD_PASSWORD).await.status, 303);
    let account = plain.get("/account").await;
    let out = plain.post("/logout", &[("csrf", &account.csrf())]).await;
    assert_eq!(out.location().as_deref(), Some("/login"));
    server.stop().await;
}

#[tokio::test]
async fn rp_initiated_logout_also_logs_out_of_the_saml_sps_before_returning_to_the_relying_party() {
    let server = TestServer::start().await;
    let alice = server.add_user("alice", Some(GOOD_PASSWORD)).await;
    let bye = "http://127.0.0.1:9/bye";
    clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "spa".into(),
            redirect_uris: vec![REDIRECT.into()],
            post_logout_redirect_uris: vec![bye.into()],
            public: true,
            trusted: true,
            ..Default::default()
        },
    )
    .await
    .expect("client registered");
    let sp = TestSp::new();
    sp.register_with(&server, true, "persistent", false, true).await;
    let browser = server.browser();
    let code = code_for(&server, &browser, &[], "alice").await;
    let (status, tokens) = redeem(&server, &code, Some(VERIFIER)).await;
    assert_eq!(status, 200, "{tokens}");
    let who = sso_to(&browser, SP_ENTITY).await;
    let hop = browser
        .get(&format!(
            "/end_session?id_token_hint={}&post_logout_redirect_uri={}&state=s-1",
            tokens["id_token"].as_str().unwrap(),
            encode(bye)
        ))
        .await;
    assert_eq!(hop.status, 303, "{}", hop.body);
    assert_eq!(server.session_count(&alice).await, 0);
    let (to, params) = read_redirect(&hop.location().unwrap(), &idp_certificate(&browser).await);
    assert_eq!(to, SLO, "the SAML SP first");
    let request = param(&params, "xml").unwrap();
    assert!(request.contains(&who.session_index));
    let id = root_attr(request, "ID").unwrap();
    let answer = signed_query(
        "SAMLResponse",
        &logout_response(&server, SP_ENTITY, &id),
        None,
        Some(&sp.key),
        false,
    );
    let last = browser.get(&format!("/saml/slo?{answer}")).await;
    assert_eq!(last.status, 303, "{}", last.body);
    assert_eq!(
        last.location().as_deref(),
        Some("http://127.0.0.1:9/bye?state=s-1"),
        "then the validated post_logout_redirect_uri"
    );
    server.stop().await;
}
