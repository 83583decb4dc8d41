//! Requests Gatehouse must refuse — each answered with its own error page, nothing posted to any ACS, and the
//! refusal audited: unsigned requests from an SP that signs, wrong keys, SHA-1, signature wrapping, replays,
//! wrong Destination, stale IssueInstant, an ACS not in the metadata, DTDs and entity expansion, oversized
//! input, deflate bombs and bad encodings.
use crate::common::*;
use crate::saml::sp::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

async fn setup(signed: bool) -> (TestServer, TestSp, Browser) {
    let server = TestServer::start().await;
    server.add_user("alice", Some(GOOD_PASSWORD)).await;
    let sp = TestSp::new();
    sp.register(&server, signed, "persistent", false).await;
    let browser = server.browser();
    (server, sp, browser)
}

async fn denials(server: &TestServer) -> usize {
    server
        .audit_kinds(None)
        .await
        .iter()
        .filter(|(kind, outcome)| kind == "saml.sso" && outcome == "denied")
        .count()
}

#[tokio::test]
async fn unsigned_requests_from_an_sp_that_signs_are_refused_on_both_bindings() {
    let (server, sp, browser) = setup(true).await;
    let req = Req::new(&server);
    refused(
        &send_redirect(&browser, &redirect_query(&req.xml(), None, None)).await,
        "must sign its requests",
    );
    refused(
        &send_post(&browser, &post_body(&Req::new(&server).xml()), None).await,
        "must sign its requests",
    );
    assert_eq!(denials(&server).await, 2);
    // The same request signed is accepted: the refusal was about the signature.
    let ok = send_redirect(
        &browser,
        &redirect_query(&Req::new(&server).xml(), None, Some((&sp.key, RSA_SHA256))),
    )
    .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    server.stop().await;
}

#[tokio::test]
async fn wrong_keys_and_tampering_are_refused() {
    let (server, sp, browser) = setup(true).await;
    let (other_key, _) = key_and_certificate();
    let req = Req::new(&server);
    refused(
        &send_redirect(
            &browser,
            &redirect_query(&req.xml(), None, Some((&other_key, RSA_SHA256))),
        )
        .await,
        "does not verify",
    );
    // A correctly signed query whose RelayState is changed afterwards.
    let query = redirect_query(&Req::new(&server).xml(), Some("a"), Some((&sp.key, RSA_SHA256)));
    refused(
        &send_redirect(&browser, &query.replace("RelayState=a", "RelayState=b")).await,
        "does not verify",
    );
    // POST: another key; and a signed request whose ACS is changed after signing.
    let xml = signed_post_xml(&Req::new(&server), &other_key, RSA_SHA256, SHA256);
    refused(&send_post(&browser, &post_body(&xml), None).await, "does not verify");
    let xml = signed_post_xml(&Req::new(&server), &sp.key, RSA_SHA256, SHA256).replace(ACS, ACS_2);
    refused(&send_post(&browser, &post_body(&xml), None).await, "does not verify");
    // A certificate carried in the message is never trusted.
    let mut req = Req::new(&server);
    req.inner = String::new();
    let (attacker_key, attacker_cert) = key_and_certificate();
    let xml = signed_post_xml(&req, &attacker_key, RSA_SHA256, SHA256).replace(
        "<ds:SignatureValue>",
        &format!("<ds:KeyInfo><ds:X509Data><ds:X509Certificate>{attacker_cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo><ds:SignatureValue>"),
    );
    refused(&send_post(&browser, &post_body(&xml), None).await, "signature");
    server.stop().await;
}

#[tokio::test]
async fn sha1_is_refused() {
    let (server, sp, browser) = setup(true).await;
    let req = Req::new(&server);
    refused(
        &send_redirect(&browser, &redirect_query(&req.xml(), None, Some((&sp.key, RSA_SHA1)))).await,
        "SHA-1",
    );
    let xml = signed_post_xml(&Req::new(&server), &sp.key, RSA_SHA1, SHA1);
    refused(&send_post(&browser, &post_body(&xml), None).await, "SHA-1");
    let xml = signed_post_xml(&Req::new(&server), &sp.key, RSA_SHA256, SHA1);
    refused(&send_post(&browser, &post_body(&xml), None).await, "SHA-1");
    server.stop().await;
}

#[tokio::test]
async fn signature_wrapping_is_refused() {
    let (server, sp, browser) = setup(true).await;
    // A genuine signed request (as an attacker may have captured one), nested in Extensions under an unsigned
    // root that names the attacker's ACS: samael's try_verify_with_cert accepts this shape.
    let genuine = signed_post_xml(&Req::new(&server), &sp.key, RSA_SHA256, SHA256);
    let genuine = without_declaration(&genuine);
    let mut outer = Req::new(&server);
    outer.acs = Some("https://attacker.example/acs".into());
    outer.inner = format!("<samlp:Extensions>{genuine}</samlp:Extensions>");
    refused(
        &send_post(&browser, &post_body(&outer.xml()), None).await,
        "not accepted",
    );
    // The same with a registered ACS: still refused, the root is not what is signed.
    let genuine = signed_post_xml(&Req::new(&server), &sp.key, RSA_SHA256, SHA256);
    let genuine = without_declaration(&genuine);
    let mut outer = Req::new(&server);
    outer.inner = format!("<samlp:Extensions>{genuine}</samlp:Extensions>");
    refused(
        &send_post(&browser, &post_body(&outer.xml()), None).await,
        "not accepted",
    );
    // A signature moved into the root whose Reference still points at another (nested) element's ID.
    let inner = Req::new(&server);
    let signed_inner = signed_post_xml(&inner, &sp.key, RSA_SHA256, SHA256);
    let start = signed_inner.find("<ds:Signature").unwrap();
    let end = signed_inner.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let signature = &signed_inner[start..end];
    let unsigned_inner = inner.xml();
    let mut outer = Req::new(&server);
    outer.inner = format!("<samlp:Extensions>{unsigned_inner}</samlp:Extensions>");
    let wrapped = outer.xml_with_signature_slot(signature);
    refused(
        &send_post(&browser, &post_body(&wrapped), None).await,
        "not to the request",
    );
    // Two signatures.
    let twice = signed_post_xml(&Req::new(&server), &sp.key, RSA_SHA256, SHA256);
    let sig_start = twice.find("<ds:Signature").unwrap();
    let sig_end = twice.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let doubled = format!("{}{}", &twice[..sig_end], &twice[sig_start..]);
    refused(
        &send_post(&browser, &post_body(&doubled), None).await,
        "more than one signature",
    );
    // Redirect binding: an XML signature inside the deflated request is refused, not silently ignored.
    let signed = signed_post_xml(&Req::new(&server), &sp.key, RSA_SHA256, SHA256);
    let signed = without_declaration(&signed);
    refused(
        &send_redirect(&browser, &redirect_query(&signed, None, None)).await,
        "query string",
    );
    server.stop().await;
}

#[tokio::test]
async fn a_replayed_request_id_is_refused_on_any_instance() {
    let (server, sp, browser) = setup(true).await;
    let req = Req::new(&server);
    let query = redirect_query(&req.xml(), None, Some((&sp.key, RSA_SHA256)));
    assert_eq!(send_redirect(&browser, &query).await.status, 303);
    refused(&send_redirect(&browser, &query).await, "used before");
    // The same ID over the other binding, and at another instance sharing the database.
    let xml = signed_post_xml(&req, &sp.key, RSA_SHA256, SHA256);
    refused(&send_post(&browser, &post_body(&xml), None).await, "used before");
    let other = TestServer::start_on(&server.db.as_ref().unwrap().url, None).await;
    let mut req = req.clone();
    req.destination = Some(other.url("/saml/sso"));
    let query = redirect_query(&req.xml(), None, Some((&sp.key, RSA_SHA256)));
    refused(&send_redirect(&other.browser(), &query).await, "used before");
    other.stop().await;
    server.stop().await;
}

#[tokio::test]
async fn destination_issue_instant_and_acs_are_checked() {
    let (server, sp, browser) = setup(true).await;
    let sign = |req: &Req| redirect_query(&req.xml(), None, Some((&sp.key, RSA_SHA256)));
    let mut req = Req::new(&server);
    req.destination = Some("https://other-idp.example/sso".into());
    refused(&send_redirect(&browser, &sign(&req)).await, "another destination");
    let mut req = Req::new(&server);
    req.destination = None;
    refused(&send_redirect(&browser, &sign(&req)).await, "must name its Destination");
    let mut req = Req::new(&server);
    req.issue_instant -= chrono::Duration::minutes(4);
    refused(&send_redirect(&browser, &sign(&req)).await, "too old");
    let mut req = Req::new(&server);
    req.issue_instant += chrono::Duration::minutes(4);
    refused(&send_redirect(&browser, &sign(&req)).await, "too old");
    let mut req = Req::new(&server);
    req.issue_instant -= chrono::Duration::minutes(2);
    assert_eq!(
        send_redirect(&browser, &sign(&req)).await.status,
        303,
        "within the skew"
    );
    // An ACS not in the metadata, even one on the SP's host, or registered with another binding.
    for acs in [
        "https://attacker.example/acs",
        "https://sp.example.test/acs/",
        "https://sp.example.test/artifact",
    ] {
        let mut req = Req::new(&server);
        req.acs = Some(acs.into());
        refused(
            &send_redirect(&browser, &sign(&req)).await,
            "not in its registered metadata",
        );
    }
    // An unregistered issuer.
    let mut req = Req::new(&server);
    req.issuer = "https://unknown.example/sp".into();
    refused(&send_redirect(&browser, &sign(&req)).await, "not registered");
    let denied = denials(&server).await;
    assert_eq!(denied, 8);
    let events = server.state().store.list_audit(None, 50).await.unwrap();
    let named = events
        .iter()
        .filter(|e| e.event.kind == "saml.sso" && e.event.details["sp"] == SP_ENTITY)
        .count();
    assert_eq!(named, 7, "refusals name the SP when the issuer is a registered one");
    server.stop().await;
}

#[tokio::test]
async fn dtds_entities_oversize_bombs_and_bad_encodings_are_refused() {
    let (server, _sp, browser) = setup(false).await;
    let valid = Req::new(&server).xml();
    let bomb_dtd = "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>";
    let with_dtd = format!(
        "{bomb_dtd}{}",
        valid.replace(
            "<samlp:NameIDPolicy",
            "<samlp:Extensions>&lol2;</samlp:Extensions><samlp:NameIDPolicy"
        )
    );
    refused(
        &send_redirect(&browser, &redirect_query(&with_dtd, None, None)).await,
        "document type",
    );
    refused(&send_post(&browser, &post_body(&with_dtd), None).await, "document type");
    // An external entity, XXE style.
    let xxe = format!(
        "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>{}",
        valid.replace(SP_ENTITY, "&e;")
    );
    refused(&send_post(&browser, &post_body(&xxe), None).await, "document type");
    // A comment inside the Issuer (comment truncation).
    let commented = valid.replace(SP_ENTITY, "https://sp.example.test<!-- -->/metadata");
    refused(&send_post(&browser, &post_body(&commented), None).await, "comment");
    // Deflate bomb: a few KiB that inflate to 10 MiB stop at the cap.
    let bomb = {
        use std::io::Write;
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(valid.as_bytes()).unwrap();
        e.write_all(&vec![b' '; 10 * 1024 * 1024]).unwrap();
        STANDARD.encode(e.finish().unwrap())
    };
    let started = std::time::Instant::now();
    refused(
        &send_redirect(&browser, &format!("SAMLRequest={}", encode(&bomb))).await,
        "too large once inflated",
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // Oversized: past the XML cap (POST), past the encoded cap, past the body limit.
    let padded = valid.replace(
        "<samlp:NameIDPolicy",
        &format!(
            "<samlp:Extensions>{}</samlp:Extensions><samlp:NameIDPolicy",
            "x".repeat(40 * 1024)
        ),
    );
    refused(&send_post(&browser, &post_body(&padded), None).await, "too large");
    let huge = browser
        .post("/saml/sso", &[("SAMLRequest", &"A".repeat(200 * 1024))])
        .await;
    assert_eq!(huge.status, 413);
    // Deep nesting.
    let deep = valid.replace(
        "<samlp:NameIDPolicy",
        &format!(
            "<samlp:Extensions>{}{}</samlp:Extensions><samlp:NameIDPolicy",
            "<a>".repeat(100),
            "</a>".repeat(100)
        ),
    );
    refused(&send_post(&browser, &post_body(&deep), None).await, "nested too deeply");
    // Bad encodings.
    refused(&send_redirect(&browser, "SAMLRequest=%FF").await, "UTF-8");
    refused(&send_redirect(&browser, "SAMLRequest=not*base64").await, "base64");
    refused(
        &send_redirect(
            &browser,
            &format!("SAMLRequest={}", encode(&STANDARD.encode(b"not deflate at all"))),
        )
        .await,
        "DEFLATE",
    );
    refused(&send_post(&browser, "@@@", None).await, "base64");
    refused(
        &send_post(&browser, &post_body("<samlp:AuthnRequest"), None).await,
        "well-formed",
    );
    refused(&send_redirect(&browser, "RelayState=x").await, "no SAMLRequest");
    let repeated = format!("{}&SAMLRequest=x", redirect_query(&Req::new(&server).xml(), None, None));
    refused(&send_redirect(&browser, &repeated).await, "repeats");
    server.stop().await;
}

/// A GET in German (`Accept-Language: de`).
async fn get_in_german(browser: &Browser, server: &TestServer, path: &str) -> Page {
    Browser::read(
        browser
            .client
            .get(server.url(path))
            .header("Accept-Language", "de")
            .send()
            .await
            .expect("GET"),
    )
    .await
}

#[tokio::test]
async fn refusals_name_the_service_provider_from_its_metadata_in_the_page_language() {
    use gatehouse::core::audit::Origin;
    use gatehouse::protocols::saml::sps::{self, NewServiceProvider};
    let server = TestServer::start().await;
    let sp = TestSp::new();
    let ui = "<md:Extensions><mdui:UIInfo xmlns:mdui=\"urn:oasis:names:tc:SAML:metadata:ui\">\
        <mdui:DisplayName xml:lang=\"en\">Payroll &lt;HR&gt;</mdui:DisplayName>\
        <mdui:DisplayName xml:lang=\"de\">Lohnabrechnung</mdui:DisplayName></mdui:UIInfo></md:Extensions>";
    let metadata = sp.metadata(true).replacen(
        "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">",
        &format!("protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">{ui}"),
        1,
    );
    sps::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewServiceProvider {
            name_id_format: Some("persistent".into()),
            ..an_sp(metadata)
        },
    )
    .await
    .expect("SP registered");
    let browser = server.browser();
    let unsigned = format!("/saml/sso?{}", redirect_query(&Req::new(&server).xml(), None, None));
    let page = browser.get(&unsigned).await;
    refused(&page, "must sign its requests");
    assert!(
        page.body
            .contains(&format!("Application: Payroll &lt;HR&gt; ({SP_ENTITY})")),
        "{}",
        page.body
    );
    let page = get_in_german(
        &browser,
        &server,
        &format!("/saml/sso?{}", redirect_query(&Req::new(&server).xml(), None, None)),
    )
    .await;
    refused(&page, "muss seine Anfragen signieren");
    assert!(page.body.contains("<html lang=\"de\">"));
    assert!(
        page.body.contains(&format!("Anwendung: Lohnabrechnung ({SP_ENTITY})")),
        "{}",
        page.body
    );
    // The audit log keeps the English reason.
    let filter = gatehouse::core::audit::AuditFilter {
        kind: Some("saml.sso".into()),
        ..Default::default()
    };
    let events = server.state().store.search_audit(&filter, 10).await.unwrap();
    assert!(events.iter().all(|e| {
        e.event.details["reason"]
            .as_str()
            .is_some_and(|r| r.contains("must sign its requests"))
    }));
    // An issuer that is not registered is not named: nothing vouches for it.
    let mut stranger = Req::new(&server);
    stranger.issuer = "https://stranger.example/metadata".into();
    let page = browser
        .get(&format!("/saml/sso?{}", redirect_query(&stranger.xml(), None, None)))
        .await;
    refused(&page, "not registered");
    assert!(!page.body.contains("stranger.example") && !page.body.contains("Application:"));
    server.stop().await;
}
