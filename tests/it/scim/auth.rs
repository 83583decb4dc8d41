//! Who may provision: static tokens and `client_credentials` tokens of `--service-role scim` clients; nobody
//! else, and a revoked token at once no more.
use super::common::*;
use crate::api::common::{client_token, service_client, token_with_role};
use crate::common::*;
use gatehouse::core::audit::Origin;
use gatehouse::core::provisioning::tokens;

#[tokio::test]
async fn a_static_token_provisions_until_it_is_revoked() {
    let (server, token) = scim_server().await;
    let reply = call(&server, "GET", "/scim/v2/Users", None, None).await;
    assert_scim_error(&reply, 401, None);
    assert_eq!(
        reply.header("www-authenticate").as_deref(),
        Some(r#"Bearer realm="scim""#)
    );

    let created = provision(&server, &token, &person("ada@example.com", "e-1")).await;
    assert_eq!(created["userName"], "ada@example.com");
    let stored = server.state().store.list_audit(None, 50).await.unwrap();
    let made = stored
        .iter()
        .find(|r| r.event.kind == "user.created")
        .expect("user.created");
    assert_eq!(made.event.actor.as_deref(), Some("scim:token:hr"));

    tokens::revoke(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        "hr",
    )
    .await
    .unwrap();
    let reply = scim(&server, "GET", "/Users", &token, None).await;
    assert_scim_error(&reply, 401, None);
    assert!(reply.header("www-authenticate").unwrap().contains("invalid_token"));
    let guessed = scim(&server, "GET", "/Users", "ghscim_not-a-real-token", None).await;
    assert_scim_error(&guessed, 401, None);
    assert!(!events(&server, "directory.access_denied").await.is_empty());
}

#[tokio::test]
async fn a_scim_service_client_provisions_and_other_roles_may_not() {
    let server = TestServer::start().await;
    let secret = service_client(&server, "entra", Some("scim")).await;
    let token = client_token(&server, "entra", &secret).await;
    provision(&server, &token, &person("bea@example.com", "e-2")).await;
    let stored = server.state().store.list_audit(None, 50).await.unwrap();
    let made = stored.iter().find(|r| r.event.kind == "user.created").unwrap();
    assert_eq!(made.event.actor.as_deref(), Some("scim:entra"));

    // An administrator's service token is for the admin API, not for provisioning; and a SCIM client's token
    // opens nothing of the admin API.
    let admin = token_with_role(&server, "admin").await;
    let refused = scim(&server, "GET", "/Users", &admin, None).await;
    assert_scim_error(&refused, 403, None);
    let api = call(&server, "GET", "/api/v1/users", Some(&token), None).await;
    assert_eq!(api.status, 403, "{}", api.text);
}

#[tokio::test]
async fn a_static_token_is_stored_only_as_its_digest() {
    let (server, token) = scim_server().await;
    let stored = server.state().store.scim_tokens().await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].token_hash, token);
    assert!(!stored[0].token_hash.contains(token.trim_start_matches(tokens::PREFIX)));
    assert_eq!(stored[0].token_hash, gatehouse::core::secrets::token_digest(&token));
    assert!(
        !serde_json::to_string(&stored[0])
            .unwrap()
            .contains(&stored[0].token_hash),
        "never listed"
    );
}
