//! Status Responses for refusals, each posted only to the ACS validated from the SP's metadata and signed:
//! `NoAuthnContext` when RequestedAuthnContext asks for more than the user can reach with the factors their
//! policy allows (a reachable level steps the session up instead: see the step-up tests at the end; a passive
//! request that would need it gets `NoPassive`),
//! `RequestDenied` when the SP is restricted to roles the user lacks. The same requests succeed for a session
//! or user that qualifies, so each refusal is tied to its reason.
use crate::common::*;
use crate::saml::sp::*;
use gatehouse::core::audit::Origin;
use gatehouse::core::policy::assurance::MULTI_FACTOR;
use gatehouse::protocols::saml::sps::{self, NewServiceProvider};
use roxmltree::Document;

const MFA: &str = "https://refeds.org/profile/mfa";
const PPT: &str = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";

fn requested(comparison: &str, class: &str) -> String {
    format!(
        r#"<samlp:RequestedAuthnContext Comparison="{comparison}"><saml:AuthnContextClassRef>{class}</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>"#
    )
}

/// (second-level status, whether an assertion is present), after checking the signature and destination.
async fn outcome(browser: &Browser, page: &Page) -> (Option<String>, bool) {
    assert!(
        page.body.contains(&format!("action=\"{ACS}\"")),
        "the validated ACS: {}",
        page.body
    );
    let xml = response_xml(page);
    verified(&xml, &idp_certificate(browser).await).expect("signed");
    let doc = Document::parse(&xml).unwrap();
    assert_eq!(doc.root_element().attribute("Destination"), Some(ACS));
    let codes: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "StatusCode")
        .filter_map(|n| n.attribute("Value").map(str::to_string))
        .collect();
    let assertion = doc.descendants().any(|n| n.tag_name().name() == "Assertion");
    (codes.get(1).cloned(), assertion)
}

async fn ask(server: &TestServer, browser: &Browser, sp: &TestSp, inner: &str, totp: Option<&[u8]>) -> Page {
    let mut req = Req::new(server);
    req.inner = inner.to_string();
    let query = redirect_query(&req.xml(), None, Some((&sp.key, RSA_SHA256)));
    let accepted = send_redirect(browser, &query).await;
    complete(server, browser, &accepted, totp).await
}

#[tokio::test]
async fn more_than_the_session_has_gets_no_authn_context_and_enough_gets_the_assertion() {
    let server = TestServer::start().await;
    let alice = server.add_user("alice", Some(GOOD_PASSWORD)).await;
    let sp = TestSp::new();
    sp.register(&server, true, "persistent", false).await;

    // Password only, REFEDS MFA asked (minimum): NoAuthnContext, no assertion.
    let browser = server.browser();
    let page = ask(&server, &browser, &sp, &requested("minimum", MFA), None).await;
    assert_eq!(
        outcome(&browser, &page).await,
        (Some("urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext".into()), false)
    );
    let kinds = server.audit_kinds(Some(&alice)).await;
    assert!(kinds.contains(&("saml.sso".into(), "denied".into())), "{kinds:?}");
    // PasswordProtectedTransport (minimum) is met by the same session.
    let page = ask(&server, &browser, &sp, &requested("minimum", PPT), None).await;
    assert_eq!(outcome(&browser, &page).await, (None, true));
    // An unknown class cannot be met.
    let kerberos = requested("exact", "urn:oasis:names:tc:SAML:2.0:ac:classes:Kerberos");
    let page = ask(&server, &browser, &sp, &kerberos, None).await;
    assert_eq!(
        outcome(&browser, &page).await.0.as_deref(),
        Some("urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext")
    );

    // With TOTP, REFEDS MFA is met.
    let secret = server.enrol_totp(&browser).await;
    let fresh = server.browser();
    // (A new browser: the first one, signed in with the password only, would now be stepped up.)
    let page = ask(&server, &fresh, &sp, &requested("minimum", MFA), Some(&secret)).await;
    assert_eq!(outcome(&fresh, &page).await, (None, true));

    // A Comparison SAML does not define is refused before anything is posted.
    let mut req = Req::new(&server);
    req.inner = requested("at-least", MFA);
    let query = redirect_query(&req.xml(), None, Some((&sp.key, RSA_SHA256)));
    refused(&send_redirect(&fresh, &query).await, "Comparison");
    server.stop().await;
}

#[tokio::test]
async fn an_sp_restricted_to_a_role_gets_request_denied_for_users_without_it() {
    let server = TestServer::start().await;
    let alice = server.add_user("alice", Some(GOOD_PASSWORD)).await; // role: user
    // One SP for the helpdesk only; another for the helpdesk or users.
    for (entity, roles) in [
        (SP_ENTITY, vec!["helpdesk".to_string()]),
        (
            "https://sp-users.example.test/metadata",
            vec!["helpdesk".into(), "user".into()],
        ),
    ] {
        let mut sp = TestSp::new();
        sp.entity_id = entity.into();
        sps::register(
            server.state().store.as_ref(),
            server.state().clock.now(),
            &Origin::cli(),
            NewServiceProvider {
                allow_idp_initiated: true,
                allowed_roles: roles,
                ..an_sp(sp.metadata(false))
            },
        )
        .await
        .expect("registered");
    }
    let browser = server.browser();
    assert_eq!(browser.login("alice", GOOD_PASSWORD).await.status, 303);
    for (entity, expected) in [
        (
            SP_ENTITY,
            (
                Some("urn:oasis:names:tc:SAML:2.0:status:RequestDenied".to_string()),
                false,
            ),
        ),
        ("https://sp-users.example.test/metadata", (None, true)),
    ] {
        let started = browser.get(&format!("/saml/sso/init?sp={}", encode(entity))).await;
        let page = browser.get(&started.location().unwrap()).await;
        assert_eq!(outcome(&browser, &page).await, expected, "{entity}");
    }
    let kinds = server.audit_kinds(Some(&alice)).await;
    assert!(kinds.contains(&("saml.sso".into(), "denied".into())), "{kinds:?}");
    server.stop().await;
}

/// A user signed in with the password only, who has since added an authenticator app; returns its secret.
async fn password_session_with_totp(server: &TestServer, browser: &Browser) -> Vec<u8> {
    server.add_user("alice", Some(GOOD_PASSWORD)).await;
    let signed_in = browser.login("alice", GOOD_PASSWORD).await;
    assert_eq!(
        signed_in.location().as_deref(),
        Some("/account"),
        "the password alone signs in"
    );
    server.enrol_totp(browser).await
}

fn class_ref(page: &Page) -> Option<String> {
    let xml = response_xml(page);
    let doc = Document::parse(&xml).unwrap();
    doc.descendants()
        .find(|n| n.tag_name().name() == "AuthnContextClassRef")
        .and_then(|n| n.text())
        .map(str::to_string)
}

#[tokio::test]
async fn a_password_session_steps_up_with_only_the_second_factor_and_gets_the_mfa_context() {
    let server = TestServer::start().await;
    let sp = TestSp::new();
    sp.register(&server, true, "persistent", false).await;
    let browser = server.browser();
    let secret = password_session_with_totp(&server, &browser).await;

    let mut req = Req::new(&server);
    req.inner = requested("minimum", MFA);
    let query = redirect_query(&req.xml(), None, Some((&sp.key, RSA_SHA256)));
    let accepted = send_redirect(&browser, &query).await;
    let resume = accepted.location().expect("to resume");
    let page = browser.get(&resume).await;
    let location = page
        .location()
        .unwrap_or_else(|| panic!("a redirect, not an answer: {} {}", page.status, page.body));
    let step_up = format!("/login/factor?level={}&", encode(MULTI_FACTOR));
    assert!(
        location.starts_with(&step_up),
        "to the second-factor page for MFA: {location}"
    );
    let form = browser.get(&location).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("name=\"code\""), "a factor is asked: {}", form.body);
    assert!(!form.body.contains("name=\"password\""), "never the password again");
    let return_to = form.input("return_to").expect("return_to").replace("&amp;", "&");
    assert_eq!(return_to, resume, "back to the stored request");
    let done = browser
        .post(
            "/login/factor",
            &[
                ("csrf", &form.csrf()),
                ("method", "totp"),
                ("code", &server.totp_code(&secret, 0)),
                ("return_to", &return_to),
            ],
        )
        .await;
    assert_eq!(done.location().as_deref(), Some(resume.as_str()), "{}", done.body);
    let page = browser.get(&resume).await;
    assert_eq!(outcome(&browser, &page).await, (None, true));
    assert_eq!(
        class_ref(&page).as_deref(),
        Some(MFA),
        "the context reflects the new factor"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_level_the_users_factors_cannot_reach_gets_no_authn_context() {
    let server = TestServer::start().await;
    let sp = TestSp::new();
    sp.register(&server, true, "persistent", false).await;
    let browser = server.browser();
    password_session_with_totp(&server, &browser).await;
    // Better than REFEDS MFA is phishing-resistant (context::required_acr); an authenticator app cannot give it.
    let page = ask(&server, &browser, &sp, &requested("better", MFA), None).await;
    assert_eq!(
        outcome(&browser, &page).await,
        (Some("urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext".into()), false)
    );
    server.stop().await;
}

#[tokio::test]
async fn a_passive_request_that_needs_a_step_up_gets_no_passive() {
    let server = TestServer::start().await;
    let sp = TestSp::new();
    sp.register(&server, true, "persistent", false).await;
    let browser = server.browser();
    password_session_with_totp(&server, &browser).await;
    let mut req = Req::new(&server);
    req.is_passive = true;
    req.inner = requested("minimum", MFA);
    let query = redirect_query(&req.xml(), None, Some((&sp.key, RSA_SHA256)));
    let accepted = send_redirect(&browser, &query).await;
    let page = browser.get(&accepted.location().expect("to resume")).await;
    assert_eq!(
        outcome(&browser, &page).await,
        (Some("urn:oasis:names:tc:SAML:2.0:status:NoPassive".into()), false)
    );
    server.stop().await;
}

#[tokio::test]
async fn an_sp_minimum_level_steps_up_a_password_session_even_without_a_requested_context() {
    let server = TestServer::start().await;
    let new = |min_acr: &str| NewServiceProvider {
        allow_idp_initiated: true,
        min_acr: Some(min_acr.into()),
        ..an_sp(TestSp::new().metadata(false))
    };
    let (store, now) = (server.state().store.as_ref(), server.state().clock.now());
    assert!(
        sps::register(store, now, &Origin::cli(), new("mfa")).await.is_err(),
        "only our levels"
    );
    sps::register(store, now, &Origin::cli(), new(MULTI_FACTOR))
        .await
        .expect("registered");
    let browser = server.browser();
    let secret = password_session_with_totp(&server, &browser).await;
    let started = browser.get(&format!("/saml/sso/init?sp={}", encode(SP_ENTITY))).await;
    let resume = started.location().expect("to resume");
    let page = browser.get(&resume).await;
    let location = page
        .location()
        .unwrap_or_else(|| panic!("a redirect, not an answer: {} {}", page.status, page.body));
    let step_up = format!("/login/factor?level={}&", encode(MULTI_FACTOR));
    assert!(
        location.starts_with(&step_up),
        "to the second-factor page for MFA: {location}"
    );
    let form = browser.get(&location).await;
    let done = browser
        .post(
            "/login/factor",
            &[
                ("csrf", &form.csrf()),
                ("method", "totp"),
                ("code", &server.totp_code(&secret, 0)),
                ("return_to", &resume),
            ],
        )
        .await;
    assert_eq!(done.location().as_deref(), Some(resume.as_str()), "{}", done.body);
    let page = browser.get(&resume).await;
    assert_eq!(outcome(&browser, &page).await, (None, true));
    assert_eq!(class_ref(&page).as_deref(), Some(MFA));
    server.stop().await;
}
