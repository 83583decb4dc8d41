//! What the console tests share: a server that WebAuthn works on, operators signed in as strongly as their role
//! needs (an administrator with a security key, a helpdesk agent with an authenticator app), role policies as
//! `gatehouse role set` writes them, and the step-up with a key.
use crate::common::*;
use crate::factors::webauthn::{origin, register};
use gatehouse::core::audit::Origin;
use gatehouse::core::policy::roles;
use gatehouse::core::policy::{PolicyChange, parse_kinds};
use serde_json::{Value, json};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_rs::prelude::RequestChallengeResponse;

/// A server on `http://localhost:PORT`, where security keys work.
pub(crate) async fn console_server() -> (TestServer, TestDb) {
    crate::factors::webauthn::server().await
}

/// Sets a role's factor kinds as `gatehouse role set ROLE --factors` does.
pub(crate) async fn allow_factors(server: &TestServer, role: &str, kinds: &str) {
    roles::set(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        role,
        &PolicyChange {
            allowed_factors: Some(parse_kinds(kinds).unwrap()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

/// Answers the security-key button of a second-factor page (sign-in or step-up) with `key`; the JSON answer.
pub(crate) async fn use_key(
    server: &TestServer,
    browser: &Browser,
    page: &Page,
    key: &mut impl WebauthnAuthenticator,
) -> Value {
    let csrf = page.data("csrf").expect("the security key button");
    let options = browser
        .post_json("/login/factor/webauthn/options", &json!({ "csrf": csrf }))
        .await;
    assert_eq!(options.status, 200, "{}", options.body);
    let options: RequestChallengeResponse = serde_json::from_str(&options.body).unwrap();
    let credential = key.do_authentication(origin(server), options).expect("soft key signs");
    let mut body = json!({ "csrf": csrf, "credential": credential });
    if let Some(return_to) = page.data("return-to") {
        body["return_to"] = return_to.into();
    }
    let done = browser.post_json("/login/factor/webauthn", &body).await;
    assert_eq!(done.status, 200, "{}", done.body);
    serde_json::from_str(&done.body).unwrap()
}

/// A fresh browser of `username` signed in with the password and `key`.
pub(crate) async fn sign_in_with_key(
    server: &TestServer,
    username: &str,
    key: &mut impl WebauthnAuthenticator,
) -> Browser {
    let browser = server.browser();
    let first = browser.login(username, GOOD_PASSWORD).await;
    assert_eq!(first.status, 303);
    let page = browser.get("/login/factor").await;
    assert!(page.body.contains("data-webauthn=\"second-factor\""), "{}", page.body);
    use_key(server, &browser, &page, key).await;
    browser
}

/// A new administrator `username` with a security key, signed in with it (phishing-resistant, fresh).
pub(crate) async fn admin(server: &TestServer, username: &str) -> (Browser, SoftPasskey) {
    server.add_user_with(username, Some(GOOD_PASSWORD), &["admin"]).await;
    let enrolling = server.browser();
    assert_eq!(enrolling.login(username, GOOD_PASSWORD).await.status, 303);
    let mut key = SoftPasskey::new(true);
    let registered = register(server, &enrolling, &mut key).await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    let browser = sign_in_with_key(server, username, &mut key).await;
    let console = browser.get("/admin").await;
    assert_eq!(console.status, 200, "{}", console.body);
    (browser, key)
}

/// A fresh browser of `username` (who must have no factor yet) signed in with the password and a new authenticator
/// app; the app's secret too.
pub(crate) async fn signed_in_with_totp(server: &TestServer, username: &str) -> (Browser, Vec<u8>) {
    let enrolling = server.browser();
    assert_eq!(enrolling.login(username, GOOD_PASSWORD).await.status, 303);
    let secret = server.enrol_totp(&enrolling).await;
    let browser = server.browser();
    let done = server.sign_in_with_totp(&browser, username, &secret).await;
    assert_eq!(done.status, 303, "{}", done.body);
    (browser, secret)
}

/// A new helpdesk agent `username`, signed in with an authenticator app (multi-factor, which the role needs).
pub(crate) async fn helpdesk(server: &TestServer, username: &str) -> Browser {
    server.add_user_with(username, Some(GOOD_PASSWORD), &["helpdesk"]).await;
    signed_in_with_totp(server, username).await.0
}

/// The one-time notice of a page (`role="status"`), if any.
pub(crate) fn notice(page: &Page) -> Option<String> {
    let start = page.body.find("role=\"status\"")?;
    let text = &page.body[start..];
    let open = text.find('>')? + 1;
    let close = text.find("</p>")?;
    Some(text[open..close].to_string())
}

/// A console server whose passwords lock after `failures` wrong ones (until cleared), for the unlock tests.
pub(crate) async fn console_server_with_lockout(failures: &str) -> (TestServer, TestDb) {
    let db = TestDb::new().await;
    let server = TestServer::start_with(
        &db.url,
        Some("http://localhost:{port}"),
        &[("GATEHOUSE_PASSWORD_LOCKOUT_FAILURES", failures)],
    )
    .await;
    (server, db)
}

/// The newest audit event of `kind`.
pub(crate) async fn newest(server: &TestServer, kind: &str) -> gatehouse::core::audit::AuditEvent {
    crate::api::common::last_event(server, kind).await
}

/// How many audit events of `kind` there are.
pub(crate) async fn events_of(server: &TestServer, kind: &str) -> usize {
    crate::api::common::count_events(server, kind).await
}

/// Asserts that the console wrote the event the admin API writes for the same action: the same kind, outcome and
/// details (but for the members named `volatile`, which differ by nature, such as generated ids), the console's
/// actor the administrator who acted (`user:<id>`) and the API's its service client.
pub(crate) fn assert_as_api(
    console: &gatehouse::core::audit::AuditEvent,
    api: &gatehouse::core::audit::AuditEvent,
    operator: &gatehouse::core::model::User,
    volatile: &[&str],
) {
    fn without(value: &Value, volatile: &[&str]) -> Value {
        match value {
            Value::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| {
                        let v = if volatile.contains(&k.as_str()) {
                            Value::Null
                        } else {
                            without(v, volatile)
                        };
                        (k.clone(), v)
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(|v| without(v, volatile)).collect()),
            other => other.clone(),
        }
    }
    assert_eq!(console.kind, api.kind);
    assert_eq!(console.outcome, api.outcome, "{}", console.kind);
    assert_eq!(
        without(&console.details, volatile),
        without(&api.details, volatile),
        "{}: the console's details differ from the API's",
        console.kind
    );
    assert_eq!(
        console.actor.as_deref(),
        Some(format!("user:{}", operator.id).as_str()),
        "{}",
        console.kind
    );
    assert_eq!(api.actor.as_deref(), Some("client:svc-admin"), "{}", api.kind);
}

/// An admin service token for the API on `server`, to do the same action as the console there.
pub(crate) async fn api_admin(server: &TestServer) -> String {
    crate::api::common::token_with_role(server, "admin").await
}

/// The newest audit event of `kind` about the user `user_id`.
pub(crate) async fn event_about(server: &TestServer, user_id: &str, kind: &str) -> gatehouse::core::audit::AuditEvent {
    server
        .state()
        .store
        .list_audit(Some(user_id), 200)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.event.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} event about {user_id}"))
        .event
}
