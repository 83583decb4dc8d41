//! Self-service recovery with a backup factor: a user who lost their authenticator app signs in with a recovery
//! code, is guided to replace the app, removes it and enrols a new one with that fresh sign-in, and signs in with the
//! new one afterwards; the lost app's secret opens nothing. A session that holds only the password cannot remove a
//! factor, nor add one beside a factor another session added.
use crate::common::*;
use chrono::Duration;
use gatehouse::core::factors::FactorKind;

/// The codes on the page shown after creating recovery codes.
fn codes_on(page: &Page) -> Vec<String> {
    let start = page.body.find("id=\"recovery-codes\">").expect("codes shown") + "id=\"recovery-codes\">".len();
    page.body[start..]
        .split("</pre>")
        .next()
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .filter(|l| !l.is_empty())
        .collect()
}

#[tokio::test]
async fn a_recovery_code_sign_in_replaces_a_lost_authenticator_app() {
    let server = TestServer::start().await;
    server.add_user_with("sel", Some(GOOD_PASSWORD), &["user"]).await;
    let sel = server.user("sel").await;
    let setup = server.browser();
    assert_eq!(setup.login("sel", GOOD_PASSWORD).await.status, 303);
    let old_secret = server.enrol_totp(&setup).await;
    let page = setup
        .submit("/account/security", "/account/security/recovery-codes", &[])
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let codes = codes_on(&page);
    assert_eq!(codes.len(), 10);
    let old_app = server
        .state()
        .store
        .factors_of(&sel.id)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.kind == FactorKind::Totp)
        .expect("the app");

    // The phone is lost: the password, then a recovery code.
    server.clock.advance(Duration::minutes(30));
    let browser = server.browser();
    let first = browser.login("sel", GOOD_PASSWORD).await;
    assert!(first.location().unwrap_or_default().starts_with("/login/factor"));
    let signed_in = browser
        .submit(
            "/login/factor",
            "/login/factor",
            &[("method", "recovery_code"), ("code", &codes[0])],
        )
        .await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);

    // Both account pages say so and point to the replacement.
    let account = browser.get("/account").await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains("id=\"recovery-code-notice\""), "{}", account.body);
    assert!(account.body.contains("you have 9 left"));
    let security = browser.get("/account/security").await;
    assert!(security.body.contains("id=\"recovery-code-notice\""));
    assert!(
        security
            .body
            .contains(&format!("name=\"factor_id\" value=\"{}\"", old_app.id)),
        "the lost app can be removed with this sign-in"
    );

    // Remove the lost app, enrol a new one — no further confirmation within the fresh window.
    let removed = browser
        .submit(
            "/account/security",
            "/account/security/remove",
            &[("factor_id", &old_app.id)],
        )
        .await;
    assert_eq!(
        removed.location().as_deref(),
        Some("/account/security"),
        "{}",
        removed.body
    );
    let left: Vec<FactorKind> = server
        .state()
        .store
        .factors_of(&sel.id)
        .await
        .unwrap()
        .iter()
        .map(|f| f.kind)
        .collect();
    assert_eq!(left, [FactorKind::RecoveryCode], "only the app went");
    let new_secret = server.enrol_totp(&browser).await;
    assert_ne!(new_secret, old_secret);
    assert!(
        server.mails(3).await.iter().any(|m| m.contains("was removed")),
        "the user is told"
    );

    // Sign out; the next sign-in takes the new app, and says nothing about recovery codes.
    let out = browser.submit("/account", "/logout", &[]).await;
    assert_eq!(out.status, 303);
    assert_eq!(browser.get("/account").await.status, 303, "signed out");
    let later = server.browser();
    let done = server.sign_in_with_totp(&later, "sel", &new_secret).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let account = later.get("/account").await;
    assert_eq!(account.status, 200);
    assert!(!account.body.contains("recovery-code-notice"));

    // The lost app's secret opens nothing, at any nearby step.
    server.clock.advance(Duration::seconds(30));
    for steps in [-1, 0, 1] {
        let thief = server.browser();
        thief.login("sel", GOOD_PASSWORD).await;
        let code = server.totp_code(&old_secret, steps);
        if code == server.totp_code(&new_secret, steps) {
            continue;
        }
        let refused = thief
            .submit("/login/factor", "/login/factor", &[("method", "totp"), ("code", &code)])
            .await;
        assert_eq!(refused.status, 401, "old secret at step {steps}: {}", refused.body);
        assert_eq!(thief.get("/account").await.status, 303);
    }
    let kinds = server.audit_kinds(Some(&sel)).await;
    assert!(kinds.contains(&("factor.removed".into(), "success".into())));
    assert!(kinds.contains(&("factor.added".into(), "success".into())));
}

#[tokio::test]
async fn a_password_only_session_cannot_remove_a_factor() {
    let server = TestServer::start().await;
    server.add_user_with("pat", Some(GOOD_PASSWORD), &["user"]).await;
    let pat = server.user("pat").await;
    // Two browsers sign in before the account has a factor: the password alone is the whole sign-in.
    let other = server.browser();
    assert_eq!(other.login("pat", GOOD_PASSWORD).await.status, 303);
    let own = server.browser();
    assert_eq!(own.login("pat", GOOD_PASSWORD).await.status, 303);
    server.enrol_totp(&own).await;
    let app = server.state().store.factors_of(&pat.id).await.unwrap().remove(0);

    // Still within ten minutes of its sign-in, the other browser may not strip the new factor.
    let refused = other
        .submit("/account", "/account/security/remove", &[("factor_id", &app.id)])
        .await;
    assert_eq!(refused.status, 303);
    assert!(
        refused.location().unwrap_or_default().starts_with("/login?reauth=1"),
        "{:?}",
        refused.location()
    );
    assert_eq!(
        server.state().store.factors_of(&pat.id).await.unwrap().len(),
        1,
        "nothing removed"
    );
    assert!(
        !other
            .get("/account/security")
            .await
            .body
            .contains("/account/security/remove"),
        "and no remove button is offered"
    );
}

#[tokio::test]
async fn a_password_only_session_cannot_add_a_factor_beside_one_added_elsewhere() {
    let server = TestServer::start().await;
    server.add_user_with("pia", Some(GOOD_PASSWORD), &["user"]).await;
    let pia = server.user("pia").await;
    let other = server.browser();
    assert_eq!(other.login("pia", GOOD_PASSWORD).await.status, 303);
    let own = server.browser();
    assert_eq!(own.login("pia", GOOD_PASSWORD).await.status, 303);
    let secret = server.enrol_totp(&own).await;
    // The session that added the first factor may go on to add recovery codes.
    let codes = own
        .submit("/account/security", "/account/security/recovery-codes", &[])
        .await;
    assert_eq!(codes.status, 200, "{}", codes.body);
    assert_eq!(codes_on(&codes).len(), 10);

    // The other password-only session may not add a factor of its own, of any kind.
    for refused in [
        other.get("/account/security/totp").await,
        other.get("/account/security/token").await,
        other
            .submit("/account/security", "/account/security/recovery-codes", &[])
            .await,
    ] {
        assert_eq!(refused.status, 303, "{}", refused.body);
        assert!(
            refused.location().unwrap_or_default().starts_with("/login?reauth=1"),
            "{:?}",
            refused.location()
        );
    }
    let kinds: Vec<FactorKind> = server
        .state()
        .store
        .factors_of(&pia.id)
        .await
        .unwrap()
        .iter()
        .map(|f| f.kind)
        .collect();
    assert_eq!(kinds.len(), 2, "{kinds:?}: nothing added");
    let generated = server
        .audit_kinds(Some(&pia))
        .await
        .iter()
        .filter(|(kind, outcome)| kind == "factor.recovery_codes_generated" && outcome == "success")
        .count();
    assert_eq!(generated, 1, "the recovery codes were not replaced");

    // Once it proves the factor, it may.
    let again = server.browser();
    let done = server.sign_in_with_totp(&again, "pia", &secret).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(again.get("/account/security/totp").await.status, 200);
}
