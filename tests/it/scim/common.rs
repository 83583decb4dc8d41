//! What the SCIM tests share: a server with a provisioning token, SCIM calls, and user bodies.
pub(crate) use crate::api::common::{Reply, call};
use crate::common::*;
use gatehouse::core::audit::Origin;
use gatehouse::core::provisioning::tokens;
use serde_json::{Value, json};

pub(crate) const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub(crate) const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub(crate) const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub(crate) const PATCH: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// A static provisioning token named `name` on `server`.
pub(crate) async fn static_token(server: &TestServer, name: &str) -> String {
    let (_, secret) = tokens::create(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        name,
    )
    .await
    .expect("token created");
    secret
}

/// A fresh server and a static provisioning token for it.
pub(crate) async fn scim_server() -> (TestServer, String) {
    let server = TestServer::start().await;
    let token = static_token(&server, "hr").await;
    (server, token)
}

pub(crate) async fn scim(server: &TestServer, method: &str, path: &str, token: &str, body: Option<&Value>) -> Reply {
    call(server, method, &format!("/scim/v2{path}"), Some(token), body).await
}

/// A SCIM error with this status and `scimType`.
pub(crate) fn assert_scim_error(reply: &Reply, status: u16, scim_type: Option<&str>) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(
        reply.json["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error",
        "{}",
        reply.text
    );
    assert_eq!(reply.json["status"], status.to_string(), "{}", reply.text);
    assert_eq!(reply.json["scimType"].as_str(), scim_type, "{}", reply.text);
}

/// A full User body.
pub(crate) fn person(user_name: &str, external_id: &str) -> Value {
    json!({
        "schemas": [USER, ENTERPRISE],
        "userName": user_name,
        "externalId": external_id,
        "name": { "givenName": "Ada", "familyName": "Lovelace" },
        "displayName": "Ada Lovelace",
        "emails": [{ "value": user_name, "type": "work", "primary": true }],
        "active": true,
        ENTERPRISE: { "employeeNumber": "701984", "department": "Engines" },
    })
}

/// Creates a user over SCIM; its resource.
pub(crate) async fn provision(server: &TestServer, token: &str, body: &Value) -> Value {
    let reply = scim(server, "POST", "/Users", token, Some(body)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.json
}

/// Every audit event of one kind, newest first, as (outcome, details).
pub(crate) async fn events(server: &TestServer, kind: &str) -> Vec<(String, Value)> {
    server
        .state()
        .store
        .list_audit(None, 500)
        .await
        .expect("audit")
        .into_iter()
        .filter(|r| r.event.kind == kind)
        .map(|r| (r.event.outcome.as_str().to_string(), r.event.details))
        .collect()
}
