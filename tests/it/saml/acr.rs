//! RequestedAuthnContext mapped onto the assurance levels (issue #18): `exact` against `minimum` for the REFEDS MFA
//! profile and the password class, the OpenID EAP values `phr`/`phrh` as class refs, the AuthnContextClassRef of
//! the Response saying what was met, and a level that aged out (the role's maximum age, RFC 9470) stepping the
//! session up again instead of being asserted.
use crate::common::*;
use crate::saml::sp::*;
use chrono::Duration;
use gatehouse::core::audit::Origin;
use gatehouse::core::policy::assurance::MULTI_FACTOR;
use gatehouse::core::policy::{PolicyChange, roles};
use roxmltree::Document;

const MFA: &str = "https://refeds.org/profile/mfa";
const PPT: &str = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";
const NO_AUTHN_CONTEXT: &str = "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext";

fn requested(comparison: &str, classes: &[&str]) -> String {
    let refs: String = classes
        .iter()
        .map(|c| format!("<saml:AuthnContextClassRef>{c}</saml:AuthnContextClassRef>"))
        .collect();
    format!(r#"<samlp:RequestedAuthnContext Comparison="{comparison}">{refs}</samlp:RequestedAuthnContext>"#)
}

/// The second-level status (None: Success) and the AuthnContextClassRef sent, after checking the signature.
async fn answer(browser: &Browser, page: &Page) -> (Option<String>, Option<String>) {
    let xml = response_xml(page);
    verified(&xml, &idp_certificate(browser).await).expect("signed");
    let doc = Document::parse(&xml).unwrap();
    let codes: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "StatusCode")
        .filter_map(|n| n.attribute("Value").map(str::to_string))
        .collect();
    let class = doc
        .descendants()
        .find(|n| n.tag_name().name() == "AuthnContextClassRef")
        .and_then(|n| n.text())
        .map(str::to_string);
    (codes.get(1).cloned(), class)
}

/// Sends a signed AuthnRequest with `inner` and follows it to where the resumed request leads.
async fn ask(server: &TestServer, browser: &Browser, sp: &TestSp, inner: &str) -> Page {
    let mut req = Req::new(server);
    req.inner = inner.to_string();
    let query = redirect_query(&req.xml(), None, Some((&sp.key, RSA_SHA256)));
    let accepted = send_redirect(browser, &query).await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    browser.get(&accepted.location().expect("to resume")).await
}

#[tokio::test]
async fn exact_and_minimum_map_onto_the_levels_and_the_class_sent_is_what_was_met() {
    let server = TestServer::start().await;
    let sp = TestSp::new();
    sp.register(&server, true, "persistent", false).await;
    server.add_user_with("alice", Some(GOOD_PASSWORD), &["user"]).await;
    let enrolling = server.browser();
    assert_eq!(enrolling.login("alice", GOOD_PASSWORD).await.status, 303);
    let secret = server.enrol_totp(&enrolling).await;
    let browser = server.browser();
    assert_eq!(server.sign_in_with_totp(&browser, "alice", &secret).await.status, 303);

    // A multi-factor session: REFEDS MFA, exact or minimum, is met and sent back as asked.
    for comparison in ["exact", "minimum"] {
        let page = ask(&server, &browser, &sp, &requested(comparison, &[MFA])).await;
        assert_eq!(answer(&browser, &page).await, (None, Some(MFA.into())), "{comparison}");
    }
    // Exact PasswordProtectedTransport is not what happened (two factors were used): NoAuthnContext.
    let page = ask(&server, &browser, &sp, &requested("exact", &[PPT])).await;
    assert_eq!(answer(&browser, &page).await, (Some(NO_AUTHN_CONTEXT.into()), None));
    // Minimum PasswordProtectedTransport is met, and the Response says what was met: REFEDS MFA.
    let page = ask(&server, &browser, &sp, &requested("minimum", &[PPT])).await;
    assert_eq!(answer(&browser, &page).await, (None, Some(MFA.into())));
    // Exact with a list: the strongest listed class that is true is sent.
    let page = ask(&server, &browser, &sp, &requested("exact", &[PPT, MFA, "phr"])).await;
    assert_eq!(answer(&browser, &page).await, (None, Some(MFA.into())));
    // phr (minimum) is beyond an authenticator app, and Alice has nothing else: NoAuthnContext.
    let page = ask(&server, &browser, &sp, &requested("minimum", &["phr"])).await;
    assert_eq!(answer(&browser, &page).await, (Some(NO_AUTHN_CONTEXT.into()), None));
    // Maximum REFEDS MFA: met by a multi-factor session.
    let page = ask(&server, &browser, &sp, &requested("maximum", &[MFA])).await;
    assert_eq!(answer(&browser, &page).await, (None, Some(MFA.into())));

    // The user role's multi-factor level now lasts 30 minutes; 31 minutes on, REFEDS MFA steps up again.
    roles::set(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        "user",
        &PolicyChange {
            acr_max_age: vec![("mfa", Some(30))],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    server.clock.advance(Duration::minutes(31));
    let page = ask(&server, &browser, &sp, &requested("minimum", &[MFA])).await;
    let location = page
        .location()
        .unwrap_or_else(|| panic!("a step-up, not an answer: {} {}", page.status, page.body));
    assert!(
        location.starts_with(&format!("/login/factor?level={}&", encode(MULTI_FACTOR))),
        "{location}"
    );
    // Without a requested context the aged session is asserted as what it still is: the password.
    let page = ask(&server, &browser, &sp, "").await;
    assert_eq!(answer(&browser, &page).await, (None, Some(PPT.into())));
    server.stop().await;
}
