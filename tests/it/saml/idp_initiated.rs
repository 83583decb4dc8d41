//! IdP-initiated SSO (`/saml/sso/init`): only for SPs registered with `allow_idp_initiated`, an unsolicited
//! Response (no InResponseTo anywhere) to the SP's default ACS from its metadata, signed like any other, after
//! sign-in if needed; and the record of which SPs a session reached, which single logout relies on.
use crate::common::*;
use crate::saml::sp::*;
use roxmltree::Document;

fn init_path(entity: &str, relay_state: Option<&str>) -> String {
    let mut path = format!("/saml/sso/init?sp={}", encode(entity));
    if let Some(relay) = relay_state {
        path.push_str(&format!("&RelayState={}", encode(relay)));
    }
    path
}

#[tokio::test]
async fn idp_initiated_sso_posts_an_unsolicited_signed_response_to_the_default_acs() {
    let server = TestServer::start().await;
    server.add_user_with("alice", Some(GOOD_PASSWORD), &["user"]).await;
    let sp = TestSp::new();
    sp.register_with(&server, true, "persistent", true, true).await;
    let browser = server.browser();
    // Not signed in: through /login, then the Response.
    let accepted = browser.get(&init_path(SP_ENTITY, Some("/deep/link?x=1"))).await;
    let page = complete(&server, &browser, &accepted, None).await;
    assert_eq!(page.header("cache-control").as_deref(), Some("no-store"));
    assert!(
        page.body.contains(&format!("action=\"{ACS}\"")),
        "the default ACS: {}",
        page.body
    );
    assert_eq!(page.input("RelayState").as_deref(), Some("/deep/link?x=1"));
    let xml = response_xml(&page);
    verified(&xml, &idp_certificate(&browser).await).expect("signed with the metadata's certificate");
    let doc = Document::parse(&xml).unwrap();
    assert!(
        doc.descendants().all(|n| n.attribute("InResponseTo").is_none()),
        "unsolicited: no InResponseTo: {xml}"
    );
    let root = doc.root_element();
    assert_eq!(root.attribute("Destination"), Some(ACS));
    let confirmation = doc
        .descendants()
        .find(|n| n.tag_name().name() == "SubjectConfirmationData")
        .unwrap();
    assert_eq!(confirmation.attribute("Recipient"), Some(ACS));
    assert_eq!(
        doc.descendants().filter(|n| n.tag_name().name() == "Signature").count(),
        2,
        "assertion and response signed (--sign-response)"
    );

    // Signed in already: straight to the Response; the session is recorded as signed in to the SP, with the
    // NameID and SessionIndex it was told; audited as IdP-initiated.
    let second = server.browser();
    let login = second.login("alice", GOOD_PASSWORD).await;
    let token = cookie_value(&login.set_cookies(), "gatehouse_session").expect("session cookie");
    let again = second.get(&init_path(SP_ENTITY, None)).await;
    let resume = again.location().unwrap();
    let page = second.get(&resume).await;
    assert!(page.input("RelayState").is_none());
    let xml = response_xml(&page);
    assert!(!xml.contains("InResponseTo"));
    let doc = Document::parse(&xml).unwrap();
    let session_index = doc
        .descendants()
        .find(|n| n.tag_name().name() == "AuthnStatement")
        .and_then(|n| n.attribute("SessionIndex"))
        .unwrap();
    let name_id = doc
        .descendants()
        .find(|n| n.tag_name().name() == "NameID")
        .and_then(|n| n.text())
        .unwrap();
    let session_hash = gatehouse::core::secrets::token_digest(&token);
    let participants = server.state().store.saml_participants(&session_hash).await.unwrap();
    assert_eq!(participants.len(), 1);
    assert_eq!(participants[0].sp_entity_id, SP_ENTITY);
    assert_eq!(participants[0].session_index, session_index);
    assert_eq!(participants[0].name_id, name_id);
    let alice = server.user("alice").await;
    let kinds = server.audit_kinds(Some(&alice)).await;
    assert_eq!(
        kinds.iter().filter(|(k, o)| k == "saml.sso" && o == "success").count(),
        2,
        "{kinds:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn idp_initiated_sso_is_refused_for_sps_that_do_not_allow_it_and_unknown_ones() {
    let server = TestServer::start().await;
    server.add_user("alice", Some(GOOD_PASSWORD)).await;
    let sp = TestSp::new();
    sp.register_with(&server, true, "persistent", false, false).await;
    let browser = server.browser();
    assert_eq!(browser.login("alice", GOOD_PASSWORD).await.status, 303);
    refused(
        &browser.get(&init_path(SP_ENTITY, None)).await,
        "does not accept sign-in started at Gatehouse",
    );
    refused(
        &browser.get(&init_path("https://unknown.example/sp", None)).await,
        "not registered for sign-in started at Gatehouse",
    );
    refused(&browser.get(&init_path(SP_ENTITY, Some(&"r".repeat(2000)))).await, "");
    let missing = browser.get("/saml/sso/init").await;
    assert_eq!(missing.status, 400, "no sp parameter: {}", missing.body);
    server.stop().await;
}
