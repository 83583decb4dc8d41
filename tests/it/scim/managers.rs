//! The manager the directory names becomes the Gatehouse manager (who approves factor resets): by SCIM id at
//! once, by a reference to someone not provisioned yet when they arrive; a cycle is refused with nothing changed.
use super::common::*;
use serde_json::json;

#[tokio::test]
async fn managers_are_linked_now_or_when_they_arrive() {
    let (server, token) = scim_server().await;
    let boss = provision(&server, &token, &person("boss@example.com", "e-boss")).await;
    let boss_id = boss["id"].as_str().unwrap();
    let mut report = person("rae@example.com", "e-rae");
    report[ENTERPRISE]["manager"] = json!({ "value": boss_id });
    let created = provision(&server, &token, &report).await;
    assert_eq!(created[ENTERPRISE]["manager"]["value"], boss_id);
    assert_eq!(created[ENTERPRISE]["manager"]["displayName"], "Ada Lovelace");
    assert_eq!(
        server.user("rae@example.com").await.manager_id.as_deref(),
        Some(boss_id)
    );

    // Named by externalId before the manager exists: remembered, linked on arrival.
    let mut early = person("sam@example.com", "e-sam");
    early[ENTERPRISE]["manager"] = json!({ "value": "e-later" });
    let created = provision(&server, &token, &early).await;
    assert_eq!(created[ENTERPRISE]["manager"]["value"], "e-later");
    assert!(server.user("sam@example.com").await.manager_id.is_none());
    let later = provision(&server, &token, &person("later@example.com", "e-later")).await;
    let sam = server.user("sam@example.com").await;
    assert_eq!(sam.manager_id.as_deref(), later["id"].as_str());
    let linked = events(&server, "directory.manager_linked").await;
    assert_eq!(linked[0].0, "success");
    let read = scim(&server, "GET", &format!("/Users/{}", sam.id), &token, None).await;
    assert_eq!(read.json[ENTERPRISE]["manager"]["value"], later["id"]);
}

#[tokio::test]
async fn a_manager_cycle_is_refused_and_nothing_changes() {
    let (server, token) = scim_server().await;
    let top = provision(&server, &token, &person("top@example.com", "e-top")).await;
    let top_id = top["id"].as_str().unwrap().to_string();
    let mut mid = person("mid@example.com", "e-mid");
    mid[ENTERPRISE]["manager"] = json!({ "value": top_id });
    let mid = provision(&server, &token, &mid).await;
    let mid_id = mid["id"].as_str().unwrap().to_string();

    // top would report to mid, who reports to top; and the same PUT tries to rename top.
    let mut cycle = person("top-renamed@example.com", "e-top");
    cycle[ENTERPRISE]["manager"] = json!({ "value": mid_id });
    let refused = scim(&server, "PUT", &format!("/Users/{top_id}"), &token, Some(&cycle)).await;
    assert_scim_error(&refused, 400, Some("invalidValue"));
    assert!(
        refused.json["detail"].as_str().unwrap().contains("cycle"),
        "{}",
        refused.text
    );
    let top_now = server.state().store.user_by_id(&top_id).await.unwrap().unwrap();
    assert_eq!(top_now.username, "top@example.com", "not renamed");
    assert!(top_now.manager_id.is_none());

    let mut own = person("top@example.com", "e-top");
    own[ENTERPRISE]["manager"] = json!({ "value": top_id });
    let refused = scim(&server, "PUT", &format!("/Users/{top_id}"), &token, Some(&own)).await;
    assert_scim_error(&refused, 400, Some("invalidValue"));
}
