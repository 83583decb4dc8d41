//! Directory groups grant roles only through the operator's explicit table; an administrative role only with
//! `--allow-admin`; roles given by hand are never taken away by provisioning.
use super::common::*;
use crate::common::*;
use gatehouse::core::Error;
use gatehouse::core::audit::Origin;
use gatehouse::core::provisioning::mapping;
use serde_json::json;

async fn map(server: &TestServer, role: &str, group: &str, allow_admin: bool) -> Result<(), Error> {
    mapping::map(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        role,
        group,
        allow_admin,
    )
    .await
}

async fn roles(server: &TestServer, username: &str) -> Vec<String> {
    let user = server.user(username).await;
    let mut roles = server.state().store.roles_of(&user.id).await.unwrap();
    roles.sort();
    roles
}

#[tokio::test]
async fn groups_grant_the_mapped_roles_and_take_back_only_theirs() {
    let (server, token) = scim_server().await;
    let store = server.state().store.as_ref();
    gatehouse::core::policy::roles::add(store, server.state().clock.now(), &Origin::cli(), "staff", "Employees")
        .await
        .unwrap();
    map(&server, "helpdesk", "Service Desk", true).await.unwrap();
    let ann = provision(&server, &token, &person("ann@example.com", "e-ann")).await;
    let ann_id = ann["id"].as_str().unwrap();
    let group = json!({ "schemas": [GROUP], "displayName": "Service Desk", "members": [{ "value": ann_id }] });
    let created = scim(&server, "POST", "/Groups", &token, Some(&group)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let group_id = created.json["id"].as_str().unwrap().to_string();
    assert_eq!(created.json["members"][0]["value"], ann_id);
    assert_eq!(roles(&server, "ann@example.com").await, ["helpdesk", "user"]);
    let user = scim(&server, "GET", &format!("/Users/{ann_id}"), &token, None).await;
    assert_eq!(user.json["groups"][0]["display"], "Service Desk");

    // A role given by hand stays when the group lets go; the group's own role goes.
    let ann_user = server.user("ann@example.com").await;
    gatehouse::core::accounts::add_role(store, server.state().clock.now(), &Origin::cli(), &ann_user, "staff")
        .await
        .unwrap();
    map(&server, "staff", "Service Desk", false).await.unwrap();
    assert_eq!(roles(&server, "ann@example.com").await, ["helpdesk", "staff", "user"]);
    let emptied = json!({ "schemas": [GROUP], "displayName": "Service Desk", "members": [] });
    let put = scim(&server, "PUT", &format!("/Groups/{group_id}"), &token, Some(&emptied)).await;
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(roles(&server, "ann@example.com").await, ["staff", "user"]);
    assert!(!events(&server, "directory.roles_changed").await.is_empty());

    // Renaming the group to one nobody mapped, then deleting it.
    let renamed = json!({ "schemas": [GROUP], "displayName": "Old Desk", "members": [{ "value": ann_id }] });
    let put = scim(&server, "PUT", &format!("/Groups/{group_id}"), &token, Some(&renamed)).await;
    assert_eq!(put.status, 200, "{}", put.text);
    assert!(
        !roles(&server, "ann@example.com")
            .await
            .contains(&"helpdesk".to_string())
    );
    let deleted = scim(&server, "DELETE", &format!("/Groups/{group_id}"), &token, None).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_scim_error(
        &scim(&server, "GET", &format!("/Groups/{group_id}"), &token, None).await,
        404,
        None,
    );
}

#[tokio::test]
async fn a_group_may_grant_admin_only_where_the_operator_allowed_it() {
    let (server, token) = scim_server().await;
    let refused = map(&server, "admin", "IT Admins", false).await;
    assert!(matches!(refused, Err(Error::NotAllowed(_))), "{refused:?}");
    assert!(
        server.state().store.group_mappings().await.unwrap().is_empty(),
        "nothing stored"
    );
    let denied = events(&server, "directory.mapping_changed").await;
    assert_eq!(denied[0].0, "denied");

    let eve = provision(&server, &token, &person("eve@example.com", "e-eve")).await;
    let group = json!({ "schemas": [GROUP], "displayName": "IT Admins", "members": [{ "value": eve["id"] }] });
    let created = scim(&server, "POST", "/Groups", &token, Some(&group)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(roles(&server, "eve@example.com").await, ["user"], "no mapping, no role");

    map(&server, "admin", "IT Admins", true).await.unwrap();
    assert_eq!(roles(&server, "eve@example.com").await, ["admin", "user"]);
}

#[tokio::test]
async fn group_input_is_checked_before_anything_changes() {
    let (server, token) = scim_server().await;
    let unknown_member = json!({ "schemas": [GROUP], "displayName": "Ghosts", "members": [{ "value": "nobody" }] });
    assert_scim_error(
        &scim(&server, "POST", "/Groups", &token, Some(&unknown_member)).await,
        400,
        Some("invalidValue"),
    );
    assert!(server.state().store.list_groups().await.unwrap().is_empty());
    let group = json!({ "schemas": [GROUP], "displayName": "Sales" });
    assert_eq!(scim(&server, "POST", "/Groups", &token, Some(&group)).await.status, 201);
    let again = json!({ "schemas": [GROUP], "displayName": "sales" });
    assert_scim_error(
        &scim(&server, "POST", "/Groups", &token, Some(&again)).await,
        409,
        Some("uniqueness"),
    );
    let nameless = json!({ "schemas": [GROUP], "displayName": " " });
    assert_scim_error(
        &scim(&server, "POST", "/Groups", &token, Some(&nameless)).await,
        400,
        Some("invalidValue"),
    );
}
