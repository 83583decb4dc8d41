//! Deprovisioning: `active: false` ends every session, refresh family and trusted browser at once (on both
//! databases); DELETE does the same, hides the person from SCIM, and purges their data after the retention
//! period with the audit trail kept.
use super::common::*;
use crate::common::*;
use crate::oidc::common::client;
use crate::oidc::token_lifecycle::{assert_dead, tokens};
use chrono::Duration;
use gatehouse::core::audit::Origin;
use gatehouse::core::model::UserStatus;
use gatehouse::core::provisioning;
use serde_json::json;

#[tokio::test]
async fn deactivation_kills_refresh_tokens_at_once_on_every_database() {
    for db in TestDb::all().await {
        let server = TestServer::start_on(&db.url, None).await;
        client(&server, "spa", true, true).await;
        let token = static_token(&server, &format!("hr-{}", db.name())).await;
        let mut body = person("fay@example.com", "e-fay");
        body["password"] = json!(GOOD_PASSWORD);
        let created = provision(&server, &token, &body).await;
        let id = created["id"].as_str().unwrap();
        let browser = server.browser();
        let grant = tokens(&server, &browser, "openid", "fay@example.com").await;
        let user = server.user("fay@example.com").await;
        assert_eq!(server.session_count(&user).await, 1);

        let mut body = person("fay@example.com", "e-fay");
        body["active"] = json!(false);
        let reply = scim(&server, "PUT", &format!("/Users/{id}"), &token, Some(&body)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.json["active"], false);
        assert_dead(&server, &grant, "deprovisioned").await;
        assert_eq!(server.session_count(&user).await, 0);
        assert!(!events(&server, "directory.deactivated").await.is_empty());
        server.stop().await;
    }
}

#[tokio::test]
async fn a_deleted_person_disappears_now_and_is_purged_after_retention() {
    let (server, token) = scim_server().await;
    let created = provision(&server, &token, &person("gus@example.com", "e-gus")).await;
    let id = created["id"].as_str().unwrap().to_string();
    let deleted = scim(&server, "DELETE", &format!("/Users/{id}"), &token, None).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_scim_error(
        &scim(&server, "GET", &format!("/Users/{id}"), &token, None).await,
        404,
        None,
    );
    assert_scim_error(
        &scim(&server, "DELETE", &format!("/Users/{id}"), &token, None).await,
        404,
        None,
    );
    let user = server
        .state()
        .store
        .user_by_id(&id)
        .await
        .unwrap()
        .expect("kept during retention");
    assert_eq!(user.status.as_str(), "disabled");

    let store = server.state().store.as_ref();
    let origin = Origin::cli();
    let now = server.state().clock.now();
    let retention = Duration::days(30);
    assert_eq!(
        provisioning::purge_due(store, now, &origin, retention).await.unwrap(),
        0
    );
    assert_eq!(
        provisioning::purge_due(store, now + Duration::days(31), &origin, retention)
            .await
            .unwrap(),
        1
    );
    assert!(store.user_by_id(&id).await.unwrap().is_none());
    assert!(store.directory_entry(&id).await.unwrap().is_none());
    let gone = events(&server, "user.deleted").await;
    assert_eq!(
        gone[0].1["username"], "gus@example.com",
        "the audit trail keeps the username"
    );
    assert!(!events(&server, "directory.deleted").await.is_empty());
}

#[tokio::test]
async fn the_directory_cannot_disable_the_last_administrator() {
    let (server, token) = scim_server().await;
    let store = server.state().store.as_ref();
    let now = server.state().clock.now();
    let created = provision(&server, &token, &person("root@example.com", "e-root")).await;
    let id = created["id"].as_str().unwrap();
    let root = server.user("root@example.com").await;
    gatehouse::core::accounts::add_role(store, now, &Origin::cli(), &root, "admin")
        .await
        .unwrap();
    for other in store.users_with_role("admin", 100).await.unwrap() {
        if other.id != root.id {
            gatehouse::core::accounts::set_status(store, now, &Origin::cli(), &other, UserStatus::Disabled)
                .await
                .unwrap();
        }
    }
    let mut off = person("root-renamed@example.com", "e-root");
    off["active"] = json!(false);
    let refused = scim(&server, "PUT", &format!("/Users/{id}"), &token, Some(&off)).await;
    assert_scim_error(&refused, 403, None);
    let refused = scim(&server, "DELETE", &format!("/Users/{id}"), &token, None).await;
    assert_scim_error(&refused, 403, None);
    let root = server.user("root@example.com").await;
    assert_eq!(root.status, UserStatus::Active, "still active, and not renamed either");
}
