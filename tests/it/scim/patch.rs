//! PATCH as Entra ID and Okta send it, end to end: deactivation, the manager, group members (and the roles that
//! follow them); a request whose later operation fails changes nothing.
use super::common::*;
use crate::common::*;
use gatehouse::core::audit::Origin;
use gatehouse::core::provisioning::mapping;
use serde_json::{Value, json};

fn ops(operations: Value) -> Value {
    json!({ "schemas": [PATCH], "Operations": operations })
}

#[tokio::test]
async fn entra_and_okta_user_patches_deactivate_and_set_the_manager() {
    let (server, token) = scim_server().await;
    let boss = provision(&server, &token, &person("boss@example.com", "e-boss")).await;
    let mut body = person("ivy@example.com", "e-ivy");
    body["password"] = json!(GOOD_PASSWORD);
    let ivy = provision(&server, &token, &body).await;
    let path = format!("/Users/{}", ivy["id"].as_str().unwrap());
    let browser = server.browser();
    assert_eq!(browser.login("ivy@example.com", GOOD_PASSWORD).await.status, 303);
    let user = server.user("ivy@example.com").await;
    assert_eq!(server.session_count(&user).await, 1);

    // Entra ID: the manager as a bare id, with a capitalised op (Microsoft Learn, "Develop and plan provisioning
    // for a SCIM endpoint": "Update User [Multi-valued properties]").
    let entra = ops(json!([
        { "op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": boss["id"] },
        { "op": "Replace", "path": "displayName", "value": "Ivy Entra" },
    ]));
    let reply = scim(&server, "PATCH", &path, &token, Some(&entra)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json[ENTERPRISE]["manager"]["value"], boss["id"]);
    assert_eq!(
        server.user("ivy@example.com").await.manager_id.as_deref(),
        boss["id"].as_str()
    );

    // Entra ID's deactivation: "False" as a string.
    let off = ops(json!([{ "op": "Replace", "path": "active", "value": "False" }]));
    let reply = scim(&server, "PATCH", &path, &token, Some(&off)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["active"], false);
    assert_eq!(server.session_count(&user).await, 0, "sessions end at once");

    // Okta: a path-less replace of `active`.
    let on = ops(json!([{ "op": "replace", "value": { "active": true } }]));
    let reply = scim(&server, "PATCH", &path, &token, Some(&on)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(server.user("ivy@example.com").await.status.as_str(), "active");
}

#[tokio::test]
async fn a_patch_is_all_or_nothing() {
    let (server, token) = scim_server().await;
    let eve = provision(&server, &token, &person("eve@example.com", "e-eve")).await;
    let path = format!("/Users/{}", eve["id"].as_str().unwrap());
    let bad = ops(json!([
        { "op": "replace", "path": "displayName", "value": "Should Not Stick" },
        { "op": "replace", "path": "shoeSize", "value": 44 },
    ]));
    let reply = scim(&server, "PATCH", &path, &token, Some(&bad)).await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert!(reply.json["scimType"].is_string(), "{}", reply.text);
    let read_only = ops(json!([{ "op": "replace", "path": "id", "value": "x" }]));
    assert_scim_error(
        &scim(&server, "PATCH", &path, &token, Some(&read_only)).await,
        400,
        Some("mutability"),
    );
    let unknown_op = ops(json!([{ "op": "move", "path": "displayName", "value": "x" }]));
    let reply = scim(&server, "PATCH", &path, &token, Some(&unknown_op)).await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    let no_schema = json!({ "Operations": [{ "op": "replace", "path": "displayName", "value": "x" }] });
    assert_scim_error(
        &scim(&server, "PATCH", &path, &token, Some(&no_schema)).await,
        400,
        Some("invalidSyntax"),
    );
    let bad_phone =
        ops(json!([{ "op": "add", "path": "phoneNumbers", "value": [{ "value": "not a number", "type": "mobile" }] }]));
    assert_scim_error(
        &scim(&server, "PATCH", &path, &token, Some(&bad_phone)).await,
        400,
        Some("invalidValue"),
    );

    let read = scim(&server, "GET", &path, &token, None).await;
    assert_eq!(read.json["displayName"], "Ada Lovelace");
    assert_eq!(read.json["meta"]["version"], eve["meta"]["version"], "nothing changed");
}

#[tokio::test]
async fn group_member_patches_move_roles() {
    let (server, token) = scim_server().await;
    mapping::map(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        "helpdesk",
        "Desk",
        true,
    )
    .await
    .unwrap();
    let a = provision(&server, &token, &person("a@example.com", "e-a")).await;
    let b = provision(&server, &token, &person("b@example.com", "e-b")).await;
    let group = scim(
        &server,
        "POST",
        "/Groups",
        &token,
        Some(&json!({ "schemas": [GROUP], "displayName": "Desk" })),
    )
    .await;
    assert_eq!(group.status, 201, "{}", group.text);
    let path = format!("/Groups/{}", group.json["id"].as_str().unwrap());
    let roles = |name: &'static str| {
        let server = &server;
        async move {
            let user = server.user(name).await;
            server.state().store.roles_of(&user.id).await.unwrap()
        }
    };

    // Entra ID adds members with a value list.
    let add = ops(json!([{ "op": "Add", "path": "members", "value": [{ "value": a["id"] }, { "value": b["id"] }] }]));
    let reply = scim(&server, "PATCH", &path, &token, Some(&add)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(roles("a@example.com").await.contains(&"helpdesk".to_string()));
    assert!(roles("b@example.com").await.contains(&"helpdesk".to_string()));

    // Okta removes one by a filter in the path; Entra ID removes with a value list.
    let okta = ops(json!([{ "op": "remove", "path": format!("members[value eq \"{}\"]", a["id"].as_str().unwrap()) }]));
    assert_eq!(scim(&server, "PATCH", &path, &token, Some(&okta)).await.status, 200);
    assert!(!roles("a@example.com").await.contains(&"helpdesk".to_string()));
    let entra = ops(json!([{ "op": "Remove", "path": "members", "value": [{ "value": b["id"] }] }]));
    let reply = scim(&server, "PATCH", &path, &token, Some(&entra)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(!roles("b@example.com").await.contains(&"helpdesk".to_string()));
    assert_eq!(reply.json["members"], json!([]), "{}", reply.text);

    // Okta renames the group (repeating its own id).
    let rename = ops(json!([{ "op": "replace", "value": { "id": group.json["id"], "displayName": "Service Desk" } }]));
    let reply = scim(&server, "PATCH", &path, &token, Some(&rename)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["displayName"], "Service Desk");
}

#[tokio::test]
async fn only_active_true_brings_a_deprovisioned_account_back() {
    let (server, token) = scim_server().await;
    let mut body = person("joe@example.com", "e-joe");
    body["active"] = json!(false);
    let joe = provision(&server, &token, &body).await;
    assert_eq!(joe["active"], false);
    let path = format!("/Users/{}", joe["id"].as_str().unwrap());
    let remove = ops(json!([{ "op": "remove", "path": "active" }]));
    let reply = scim(&server, "PATCH", &path, &token, Some(&remove)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["active"], false, "removing active does not enable");
    let mut without = person("joe@example.com", "e-joe");
    without.as_object_mut().unwrap().remove("active");
    let reply = scim(&server, "PUT", &path, &token, Some(&without)).await;
    assert_eq!(
        reply.json["active"], false,
        "a PUT without active does not enable either"
    );
    let on = ops(json!([{ "op": "replace", "path": "active", "value": true }]));
    assert_eq!(
        scim(&server, "PATCH", &path, &token, Some(&on)).await.json["active"],
        true
    );
}
