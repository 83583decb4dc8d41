//! The SAML identity provider, SP-initiated: metadata, signed requests over both bindings through the real
//! sign-in form, and what the Response says (checked field by field, its signatures verified with xmlsec
//! against the certificate in our metadata). Refusals are in `saml_rejects.rs`.
use crate::common::*;
use crate::saml_sp::*;
use roxmltree::Document;

const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";

fn element<'a, 'i>(doc: &'a Document<'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    doc.descendants()
        .find(|n| n.is_element() && n.tag_name().name() == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

fn attribute_values(doc: &Document, name: &str) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.tag_name().name() == "Attribute" && n.attribute("Name") == Some(name))
        .flat_map(|a| {
            a.children()
                .filter(|c| c.is_element())
                .map(|v| v.text().unwrap_or("").to_string())
        })
        .collect()
}

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().expect("xs:dateTime")
}

#[tokio::test]
async fn metadata_publishes_the_entity_id_certificate_and_both_bindings() {
    let server = TestServer::start().await;
    let page = server.browser().get("/saml/metadata").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type").as_deref(),
        Some("application/samlmetadata+xml")
    );
    let doc = Document::parse(&page.body).expect("XML");
    let root = doc.root_element();
    assert_eq!(root.attribute("entityID"), Some(server.url("/saml/metadata").as_str()));
    let sso: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "SingleSignOnService")
        .map(|n| {
            (
                n.attribute("Binding").unwrap().to_string(),
                n.attribute("Location").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        sso,
        vec![
            (
                "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect".into(),
                server.url("/saml/sso")
            ),
            (
                "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST".into(),
                server.url("/saml/sso")
            ),
        ]
    );
    assert_eq!(element(&doc, "KeyDescriptor").attribute("use"), Some("signing"));
    let cert = element(&doc, "X509Certificate").text().unwrap();
    let der = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, cert).unwrap();
    let cert = openssl::x509::X509::from_der(&der).expect("X.509");
    assert_eq!(cert.public_key().unwrap().bits(), 2048);
    // The same key on a second instance and after a restart: it is in the database.
    let again = TestServer::start_on(&server.db.as_ref().unwrap().url, None).await;
    assert_eq!(
        idp_certificate(&again.browser()).await,
        idp_certificate(&server.browser()).await
    );
    again.stop().await;
    server.stop().await;
}

#[tokio::test]
async fn redirect_binding_signed_request_signs_in_and_gets_a_signed_assertion() {
    let server = TestServer::start().await;
    let alice = server.add_user_with("alice", Some(GOOD_PASSWORD), &["user"]).await;
    let sp = TestSp::new();
    sp.register(&server, true, "persistent", false).await;
    let browser = server.browser();
    let req = Req::new(&server);
    let query = redirect_query(&req.xml(), Some("state/é&x"), Some((&sp.key, RSA_SHA256)));
    let accepted = send_redirect(&browser, &query).await;
    let page = complete(&server, &browser, &accepted, None).await;
    assert_eq!(page.header("cache-control").as_deref(), Some("no-store"));
    assert!(page.body.contains(&format!("action=\"{ACS}\"")), "{}", page.body);
    assert_eq!(page.input("RelayState").as_deref(), Some("state/é&amp;x"));
    assert!(
        page.body.contains("<button type=\"submit\">Continue</button>"),
        "works without scripts"
    );
    assert!(page.body.contains("<script src=\"/static/saml-post.js\""));

    let xml = response_xml(&page);
    let idp_cert = idp_certificate(&browser).await;
    verified(&xml, &idp_cert).expect("the assertion's signature verifies with the metadata's certificate");
    let doc = Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert!(root.has_tag_name((PROTOCOL, "Response")));
    assert_eq!(root.attribute("Destination"), Some(ACS));
    assert_eq!(root.attribute("InResponseTo"), Some(req.id.as_str()));
    let signatures: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "Signature")
        .collect();
    assert_eq!(
        signatures.len(),
        1,
        "the assertion only: this SP did not ask for a signed Response"
    );
    assert!(
        signatures[0]
            .parent_element()
            .unwrap()
            .has_tag_name((SAML, "Assertion"))
    );
    assert!(xml.contains("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"));
    assert!(xml.contains("http://www.w3.org/2001/04/xmlenc#sha256"));
    assert!(!xml.contains("xmldsig#sha1") && !xml.contains("rsa-sha1"));
    assert_eq!(
        element(&doc, "StatusCode").attribute("Value"),
        Some("urn:oasis:names:tc:SAML:2.0:status:Success")
    );
    let issuers: Vec<_> = doc.descendants().filter(|n| n.tag_name().name() == "Issuer").collect();
    assert_eq!(issuers.len(), 2);
    assert!(
        issuers
            .iter()
            .all(|i| i.text() == Some(server.url("/saml/metadata").as_str()))
    );

    let name_id = element(&doc, "NameID");
    assert_eq!(
        name_id.attribute("Format"),
        Some("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
    );
    let persistent = name_id.text().unwrap().to_string();
    assert!(persistent.len() >= 40 && !persistent.contains(&alice.id) && !persistent.contains("alice"));
    let confirmation = element(&doc, "SubjectConfirmationData");
    assert_eq!(
        element(&doc, "SubjectConfirmation").attribute("Method"),
        Some("urn:oasis:names:tc:SAML:2.0:cm:bearer")
    );
    assert_eq!(confirmation.attribute("Recipient"), Some(ACS));
    assert_eq!(confirmation.attribute("InResponseTo"), Some(req.id.as_str()));
    let issued = at(root.attribute("IssueInstant").unwrap());
    let until = at(confirmation.attribute("NotOnOrAfter").unwrap());
    assert!(until > issued && until - issued <= chrono::Duration::minutes(5));
    let conditions = element(&doc, "Conditions");
    let not_before = at(conditions.attribute("NotBefore").unwrap());
    let not_after = at(conditions.attribute("NotOnOrAfter").unwrap());
    assert!(not_before <= issued && not_after - not_before <= chrono::Duration::minutes(5));
    assert_eq!(element(&doc, "Audience").text(), Some(SP_ENTITY));
    let statement = element(&doc, "AuthnStatement");
    assert!(statement.attribute("SessionIndex").is_some_and(|s| s.len() > 16));
    assert!(at(statement.attribute("AuthnInstant").unwrap()) <= issued);
    assert_eq!(
        element(&doc, "AuthnContextClassRef").text(),
        Some("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")
    );
    assert_eq!(attribute_values(&doc, "uid"), vec!["alice"]);
    assert_eq!(attribute_values(&doc, "email"), vec!["alice@example.com"]);
    assert_eq!(attribute_values(&doc, "roles"), vec!["user"]);
    assert_eq!(attribute_values(&doc, "displayName").len(), 1);
    let kinds = server.audit_kinds(Some(&alice)).await;
    assert!(kinds.contains(&("saml.sso".into(), "success".into())), "{kinds:?}");

    // Signed in already: the next request is answered at once, with the same persistent NameID.
    let again = send_redirect(
        &browser,
        &redirect_query(&Req::new(&server).xml(), None, Some((&sp.key, RSA_SHA256))),
    )
    .await;
    let page = browser.get(&again.location().unwrap()).await;
    let doc_xml = response_xml(&page);
    let doc = Document::parse(&doc_xml).unwrap();
    assert_eq!(element(&doc, "NameID").text(), Some(persistent.as_str()));
    assert!(page.input("RelayState").is_none());
    server.stop().await;
}

#[tokio::test]
async fn post_binding_with_totp_gets_mfa_context_and_a_signed_response_too() {
    let server = TestServer::start().await;
    server.add_user("alice", Some(GOOD_PASSWORD)).await;
    let sp = TestSp::new();
    sp.register(&server, true, "email", true).await;
    let browser = server.browser();
    assert_eq!(browser.login("alice", GOOD_PASSWORD).await.status, 303);
    let secret = server.enrol_totp(&browser).await;
    let fresh = server.browser();

    let mut req = Req::new(&server);
    req.acs = Some(ACS_2.into());
    let xml = signed_post_xml(&req, &sp.key, RSA_SHA256, SHA256);
    let accepted = send_post(&fresh, &post_body(&xml), Some("rs")).await;
    let page = complete(&server, &fresh, &accepted, Some(&secret)).await;
    assert!(
        page.body.contains("acs-2"),
        "the ACS the request named, from the metadata"
    );
    let xml = response_xml(&page);
    verified(&xml, &idp_certificate(&fresh).await).expect("both signatures verify");
    let doc = Document::parse(&xml).unwrap();
    let signed: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "Signature")
        .map(|s| s.parent_element().unwrap().tag_name().name().to_string())
        .collect();
    assert_eq!(
        signed,
        vec!["Response", "Assertion"],
        "the Response is signed as this SP asked"
    );
    assert_eq!(doc.root_element().attribute("Destination"), Some(ACS_2));
    assert_eq!(element(&doc, "NameID").text(), Some("alice@example.com"));
    assert_eq!(
        element(&doc, "NameID").attribute("Format"),
        Some("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")
    );
    assert_eq!(
        element(&doc, "AuthnContextClassRef").text(),
        Some("https://refeds.org/profile/mfa")
    );

    // A tampered copy (another user's e-mail in the NameID) no longer verifies.
    let tampered = xml.replace("alice@example.com", "mallory@example.com");
    assert!(verified(&tampered, &idp_cert_of(&fresh).await).is_err());
    server.stop().await;
}

async fn idp_cert_of(browser: &Browser) -> String {
    idp_certificate(browser).await
}

#[tokio::test]
async fn force_authn_asks_for_the_password_again_and_is_passive_gets_no_passive() {
    let server = TestServer::start().await;
    server.add_user("alice", Some(GOOD_PASSWORD)).await;
    let sp = TestSp::new();
    sp.register(&server, false, "transient", false).await;

    // IsPassive without a session: a NoPassive status to the registered ACS, signed, no assertion.
    let anonymous = server.browser();
    let mut passive = Req::new(&server);
    passive.is_passive = true;
    let accepted = send_redirect(&anonymous, &redirect_query(&passive.xml(), None, None)).await;
    let page = anonymous.get(&accepted.location().unwrap()).await;
    let xml = response_xml(&page);
    verified(&xml, &idp_certificate(&anonymous).await).expect("the status response is signed");
    let doc = Document::parse(&xml).unwrap();
    let codes: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "StatusCode")
        .map(|n| n.attribute("Value").unwrap().to_string())
        .collect();
    assert_eq!(
        codes,
        vec![
            "urn:oasis:names:tc:SAML:2.0:status:Responder",
            "urn:oasis:names:tc:SAML:2.0:status:NoPassive"
        ]
    );
    assert!(!xml.contains("Assertion"));

    // Signed in, then ForceAuthn: back to the password page although the session is valid.
    let browser = server.browser();
    assert_eq!(browser.login("alice", GOOD_PASSWORD).await.status, 303);
    server.clock.advance(chrono::Duration::seconds(30));
    let mut forced = Req::new(&server);
    forced.force_authn = true;
    let accepted = send_redirect(&browser, &redirect_query(&forced.xml(), None, None)).await;
    let resume = accepted.location().unwrap();
    let again = browser.get(&resume).await;
    assert_eq!(again.status, 303);
    assert!(
        again.location().unwrap().starts_with("/login?reauth=1&return_to="),
        "{:?}",
        again.location()
    );
    let page = complete(&server, &browser, &accepted, None).await;
    let xml = response_xml(&page);
    let doc = Document::parse(&xml).unwrap();
    let authn_instant = at(element(&doc, "AuthnStatement").attribute("AuthnInstant").unwrap());
    assert!(
        authn_instant.timestamp() >= forced.issue_instant.timestamp(),
        "a fresh sign-in"
    );
    let transient = element(&doc, "NameID");
    assert_eq!(
        transient.attribute("Format"),
        Some("urn:oasis:names:tc:SAML:2.0:nameid-format:transient")
    );
    // The answered request cannot be resumed a second time.
    let replay = browser.get(&resume).await;
    refused(&replay, "answered already");
    server.stop().await;
}

#[tokio::test]
async fn markup_in_names_and_attributes_stays_text() {
    let server = TestServer::start().await;
    gatehouse::core::accounts::create(
        server.state().store.as_ref(),
        &server.state().passwords,
        server.state().clock.now(),
        &gatehouse::core::audit::Origin::cli(),
        gatehouse::core::accounts::NewAccount {
            username: "alice".into(),
            email: "alice@example.com".into(),
            display_name: Some("Al<!-- x -->ice &amp; <b>\"Co\"</b>".into()),
            password: Some(GOOD_PASSWORD.into()),
            ..Default::default()
        },
    )
    .await
    .expect("user");
    let sp = TestSp::new();
    sp.register(&server, false, "persistent", false).await;
    let browser = server.browser();
    let accepted = send_redirect(&browser, &redirect_query(&Req::new(&server).xml(), None, None)).await;
    let page = complete(&server, &browser, &accepted, None).await;
    let xml = response_xml(&page);
    verified(&xml, &idp_certificate(&browser).await).expect("verifies");
    let doc = Document::parse(&xml).unwrap();
    assert_eq!(
        attribute_values(&doc, "displayName"),
        vec!["Al<!-- x -->ice &amp; <b>\"Co\"</b>"]
    );
    assert!(
        !doc.descendants().any(|n| n.is_comment()),
        "no comment reached the document"
    );
    server.stop().await;
}

#[tokio::test]
async fn sp_command_adds_lists_shows_and_removes() {
    use std::process::Command;
    let db = TestDb::new().await;
    let data = tempfile::tempdir().unwrap();
    let sp = TestSp::new();
    let file = data.path().join("sp.xml");
    std::fs::write(&file, sp.metadata(true)).unwrap();
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
    let path = file.to_str().unwrap();
    let (code, stdout, stderr) = run(&[
        "sp",
        "add",
        "--metadata",
        path,
        "--nameid",
        "email",
        "--allow-idp-initiated",
        "--allow-role",
        "helpdesk",
        "--allow-role",
        "user",
        "--json",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let added: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(added["entity_id"], SP_ENTITY);
    assert_eq!(added["allow_idp_initiated"], true);
    assert_eq!(added["allowed_roles"], serde_json::json!(["helpdesk", "user"]));
    assert_eq!(added["slo_endpoints"][0]["location"], SLO);
    assert_eq!(added["slo_endpoints"][1]["location"], SLO_POST);
    assert_eq!(added["name_id_format"], "email");
    assert_eq!(added["authn_requests_signed"], true);
    assert_eq!(
        added["acs_endpoints"].as_array().unwrap().len(),
        3,
        "every ACS, whatever its binding"
    );
    assert_eq!(added["acs_endpoints"][1]["location"], ACS_2);
    assert_eq!(added["acs_endpoints"][1]["index"], 1);
    assert_eq!(added["certificates"][0], sp.certificate);
    let (code, _, stderr) = run(&["sp", "add", "--metadata", path]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("registered already"), "{stderr}");
    let (_, stdout, _) = run(&["sp", "list", "--json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let (code, stdout, _) = run(&["sp", "show", SP_ENTITY, "--json"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout).unwrap()["entity_id"],
        SP_ENTITY
    );

    let doctype = data.path().join("doctype.xml");
    std::fs::write(
        &doctype,
        format!(
            "<!DOCTYPE x [<!ENTITY e \"e\">]>{}",
            sp.metadata(false).replace("<?xml version=\"1.0\"?>", "")
        ),
    )
    .unwrap();
    let (code, _, stderr) = run(&["sp", "add", "--metadata", doctype.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("document type"), "{stderr}");
    let huge = data.path().join("huge.xml");
    std::fs::write(&huge, "x".repeat(300 * 1024)).unwrap();
    let (code, _, stderr) = run(&["sp", "add", "--metadata", huge.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("larger than"), "{stderr}");

    // New metadata for the same SP (a new certificate): read again, Gatehouse's settings kept.
    let renewed = TestSp::new();
    let renewed_file = data.path().join("renewed.xml");
    std::fs::write(&renewed_file, renewed.metadata(true)).unwrap();
    let renewed_path = renewed_file.to_str().unwrap();
    let (code, stdout, stderr) = run(&["sp", "update", SP_ENTITY, "--metadata", renewed_path, "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let updated: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(updated["certificates"], serde_json::json!([renewed.certificate]));
    assert_eq!(updated["name_id_format"], "email", "settings kept");
    assert_eq!(updated["allowed_roles"], serde_json::json!(["helpdesk", "user"]));
    assert_eq!(updated["allow_idp_initiated"], true);
    let mut other = TestSp::new();
    other.entity_id = "https://other.example.test/metadata".into();
    let other_file = data.path().join("other.xml");
    std::fs::write(&other_file, other.metadata(true)).unwrap();
    let (code, _, stderr) = run(&["sp", "update", SP_ENTITY, "--metadata", other_file.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("sp add instead"), "{stderr}");
    let (code, _, stderr) = run(&["sp", "update", "https://unknown.example", "--metadata", renewed_path]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("No service provider"), "{stderr}");
    let (_, stdout, _) = run(&["sp", "show", SP_ENTITY, "--json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout).unwrap()["certificates"],
        serde_json::json!([renewed.certificate]),
        "refused updates changed nothing"
    );

    let (code, _, _) = run(&["sp", "remove", SP_ENTITY, "--json"]);
    assert_eq!(code, Some(0));
    let (code, _, stderr) = run(&["sp", "show", SP_ENTITY]);
    assert_eq!(code, Some(1), "{stderr}");
}
