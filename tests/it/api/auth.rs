//! Who may call the admin API: no token or a bad one is 401 with a Bearer challenge; a valid token without the
//! right role or scope is 403; each service role holds its share; a person's own token needs the scope
//! `gatehouse:admin` from a client allowed it and a sign-in strong enough for their role.
use super::common::*;
use crate::common::*;
use gatehouse::core::audit::Origin;
use gatehouse::core::policy::assurance::{MULTI_FACTOR, PHISHING_RESISTANT};
use gatehouse::protocols::oidc::clients;
use serde_json::json;

#[tokio::test]
async fn missing_bad_revoked_and_expired_tokens_are_401_with_a_bearer_challenge() {
    let server = TestServer::start().await;
    let none = call(&server, "GET", "/api/v1/users", None, None).await;
    none.assert_problem(401);
    assert_eq!(
        none.header("www-authenticate").as_deref(),
        Some(r#"Bearer realm="gatehouse""#)
    );

    for bad in ["not-a-token", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."] {
        let reply = call(&server, "GET", "/api/v1/users", Some(bad), None).await;
        reply.assert_problem(401);
        assert!(
            reply
                .header("www-authenticate")
                .unwrap()
                .contains(r#"error="invalid_token""#)
        );
    }
    let basic = reqwest::Client::new()
        .get(server.url("/api/v1/users"))
        .basic_auth("admin", Some("x"))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401, "only Bearer is accepted");

    let secret = service_client(&server, "ops", Some("admin")).await;
    let token = client_token(&server, "ops", &secret).await;
    assert_eq!(
        call(&server, "GET", "/api/v1/users", Some(&token), None).await.status,
        200
    );
    let revoked = reqwest::Client::new()
        .post(server.url("/revoke"))
        .basic_auth("ops", Some(&secret))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    call(&server, "GET", "/api/v1/users", Some(&token), None)
        .await
        .assert_problem(401);

    let token = client_token(&server, "ops", &secret).await;
    server.clock.advance(chrono::Duration::minutes(11));
    call(&server, "GET", "/api/v1/users", Some(&token), None)
        .await
        .assert_problem(401);
}

#[tokio::test]
async fn a_client_without_a_service_role_or_that_was_removed_gets_nothing() {
    let server = TestServer::start().await;
    let secret = service_client(&server, "batch", None).await;
    let token = client_token(&server, "batch", &secret).await;
    let reply = call(&server, "GET", "/api/v1/audit", Some(&token), None).await;
    reply.assert_problem(403);
    assert!(reply.json["detail"].as_str().unwrap().contains("service role"));

    let token = token_with_role(&server, "admin").await;
    clients::remove(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        "svc-admin",
    )
    .await
    .unwrap();
    // The client cache holds a removed client for at most its TTL.
    tokio::time::sleep(gatehouse::protocols::oidc::client_cache::TTL).await;
    call(&server, "GET", "/api/v1/users", Some(&token), None)
        .await
        .assert_problem(401);
}

#[tokio::test]
async fn each_service_role_holds_its_share_and_helpdesk_never_acts_on_an_admin() {
    let server = TestServer::start().await;
    server.add_user_with("root", None, &["admin"]).await;
    server.add_user("carol", None).await;
    let auditor = token_with_role(&server, "auditor").await;
    let helpdesk = token_with_role(&server, "helpdesk").await;

    call(&server, "GET", "/api/v1/users", Some(&auditor), None)
        .await
        .assert_problem(403);
    assert_eq!(
        call(&server, "GET", "/api/v1/audit", Some(&auditor), None).await.status,
        200
    );

    assert_eq!(
        call(&server, "GET", "/api/v1/users", Some(&helpdesk), None)
            .await
            .status,
        200
    );
    call(&server, "GET", "/api/v1/audit", Some(&helpdesk), None)
        .await
        .assert_problem(403);
    let create = json!({ "username": "dave", "email": "dave@example.com" });
    call(&server, "POST", "/api/v1/users", Some(&helpdesk), Some(&create))
        .await
        .assert_problem(403);
    call(&server, "PUT", "/api/v1/users/carol/roles/admin", Some(&helpdesk), None)
        .await
        .assert_problem(403);
    let disable = json!({ "status": "disabled" });
    let reply = call(&server, "PATCH", "/api/v1/users/root", Some(&helpdesk), Some(&disable)).await;
    reply.assert_problem(403);
    assert!(reply.json["detail"].as_str().unwrap().contains("administrator"));
    assert_eq!(server.user("root").await.status.as_str(), "active", "nothing changed");
    let reply = call(&server, "PATCH", "/api/v1/users/carol", Some(&helpdesk), Some(&disable)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["status"], "disabled");

    // The change is audited with the acting client, as the CLI's is with the OS user.
    let carol = server.user("carol").await;
    let events = server.state().store.list_audit(Some(&carol.id), 10).await.unwrap();
    let disabled = events
        .iter()
        .find(|e| e.event.kind == "user.disabled")
        .expect("audited");
    assert_eq!(disabled.event.actor.as_deref(), Some("client:svc-helpdesk"));
}

#[tokio::test]
async fn a_persons_token_needs_the_admin_scope_and_a_sign_in_strong_enough_for_the_role() {
    let server = TestServer::start().await;
    person_client(&server, true).await;
    server.add_user_with("hana", Some(GOOD_PASSWORD), &["helpdesk"]).await;
    server.add_user("carol", Some(GOOD_PASSWORD)).await;

    // A helpdesk agent signed in with two factors acts as themselves.
    let browser = signed_in_with_totp(&server, "hana").await;
    let token = person_token(&server, &browser, "hana", "openid gatehouse:admin").await;
    let reply = call(&server, "GET", "/api/v1/users?q=carol", Some(&token), None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["items"][0]["username"], "carol");
    let disable = serde_json::json!({ "status": "disabled" });
    assert_eq!(
        call(&server, "PATCH", "/api/v1/users/carol", Some(&token), Some(&disable))
            .await
            .status,
        200
    );
    let hana = server.user("hana").await;
    let carol = server.user("carol").await;
    let events = server.state().store.list_audit(Some(&carol.id), 10).await.unwrap();
    let disabled = events
        .iter()
        .find(|e| e.event.kind == "user.disabled")
        .expect("audited");
    assert_eq!(disabled.event.actor, Some(format!("user:{}", hana.id)));

    // The same session without the scope: 403 insufficient_scope.
    let plain = person_token(&server, &browser, "hana", "openid").await;
    let reply = call(&server, "GET", "/api/v1/users", Some(&plain), None).await;
    reply.assert_problem(403);
    assert!(
        reply
            .header("www-authenticate")
            .unwrap()
            .contains(r#"error="insufficient_scope""#)
    );

    // Once the role no longer counts the app, the token's sign-in is too weak, and the challenge says at which
    // level to sign in again (RFC 9470).
    allow_factors(&server, "helpdesk", "webauthn,recovery_code").await;
    let reply = call(&server, "GET", "/api/v1/users", Some(&token), None).await;
    reply.assert_problem(401);
    let challenge = reply.header("www-authenticate").unwrap();
    assert!(
        challenge.contains(r#"error="insufficient_user_authentication""#),
        "{challenge}"
    );
    assert!(
        challenge.contains(&format!(r#"acr_values="{MULTI_FACTOR}""#)),
        "{challenge}"
    );

    // A person without an administrative role: 403 even with the scope and two factors.
    server
        .state()
        .store
        .set_status(
            &carol.id,
            gatehouse::core::model::UserStatus::Active,
            server.state().clock.now(),
        )
        .await
        .unwrap();
    let browser = signed_in_with_totp(&server, "carol").await;
    let token = person_token(&server, &browser, "carol", "openid gatehouse:admin").await;
    call(&server, "GET", "/api/v1/users", Some(&token), None)
        .await
        .assert_problem(403);
}

#[tokio::test]
async fn an_administrator_needs_a_phishing_resistant_sign_in_and_a_client_not_allowed_the_scope_never_grants_it() {
    let server = TestServer::start().await;
    person_client(&server, false).await;
    // Only so that this administrator can sign in with an app, which must still not be enough.
    allow_factors(&server, "admin", "webauthn,totp,recovery_code").await;
    server.add_user_with("root", Some(GOOD_PASSWORD), &["admin"]).await;
    let browser = signed_in_with_totp(&server, "root").await;

    // The client may not ask for gatehouse:admin: the scope is dropped, and the token is refused for lack of it.
    let token = person_token(&server, &browser, "root", "openid gatehouse:admin").await;
    call(&server, "GET", "/api/v1/users", Some(&token), None)
        .await
        .assert_problem(403);

    // Allowed the scope, an app code is still not enough for an administrator.
    clients::remove(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        "spa",
    )
    .await
    .unwrap();
    tokio::time::sleep(gatehouse::protocols::oidc::client_cache::TTL).await;
    person_client(&server, true).await;
    let token = person_token(&server, &browser, "root", "openid gatehouse:admin").await;
    let reply = call(&server, "GET", "/api/v1/users", Some(&token), None).await;
    reply.assert_problem(401);
    assert!(
        reply
            .header("www-authenticate")
            .unwrap()
            .contains(&format!(r#"acr_values="{PHISHING_RESISTANT}""#))
    );
}

#[tokio::test]
async fn a_persons_token_keeps_to_the_networks_their_roles_allow() {
    use gatehouse::core::policy::PolicyChange;
    use gatehouse::core::policy::roles;
    use gatehouse::core::signin::ip_rules::parse_list;
    let server = TestServer::start().await;
    person_client(&server, true).await;
    server.add_user_with("hana", Some(GOOD_PASSWORD), &["helpdesk"]).await;
    let browser = signed_in_with_totp(&server, "hana").await;
    let token = person_token(&server, &browser, "hana", "openid gatehouse:admin").await;
    assert_eq!(
        call(&server, "GET", "/api/v1/users", Some(&token), None).await.status,
        200
    );

    // The helpdesk may now work only from 10.0.0.0/8; this test's requests come from 127.0.0.1.
    roles::set(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        "helpdesk",
        &PolicyChange {
            ip_allow: Some(parse_list("10.0.0.0/8").unwrap()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    call(&server, "GET", "/api/v1/users", Some(&token), None)
        .await
        .assert_problem(403);
    let hana = server.user("hana").await;
    let events = server.state().store.list_audit(Some(&hana.id), 5).await.unwrap();
    let denied = events
        .iter()
        .find(|e| e.event.kind == "login.ip_denied")
        .expect("audited");
    assert_eq!(
        denied.event.actor,
        Some(format!("user:{}", hana.id)),
        "the person, as the actor"
    );
    // A service client has no role policy: its token is not affected.
    let service = token_with_role(&server, "helpdesk").await;
    assert_eq!(
        call(&server, "GET", "/api/v1/users", Some(&service), None).await.status,
        200
    );
}
