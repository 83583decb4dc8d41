//! What the SCIM interop clients (`scim.rs`) found Gatehouse doing wrong, pinned by plain HTTP tests so that it stays
//! fixed where Python is not installed.
use crate::common::*;
use serde_json::Value;

async fn answer(server: &TestServer, method: &str, path: &str) -> (u16, Option<String>, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let response = reqwest::Client::new()
        .request(method, server.url(path))
        .header("Content-Type", "application/scim+json")
        .body("{}")
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (status, content_type, response.json().await.unwrap_or(Value::Null))
}

fn is_scim_error(status: u16, content_type: Option<&str>, body: &Value) -> bool {
    content_type.is_some_and(|c| c.starts_with("application/scim+json"))
        && body["schemas"][0] == "urn:ietf:params:scim:api:messages:2.0:Error"
        // RFC 7644 §3.12: the status as a string.
        && body["status"].as_str().and_then(|s| s.parse::<u16>().ok()) == Some(status)
}

/// scim2-tester: a method a discovery endpoint does not have is 405 (it was the 404 of an unknown path).
#[tokio::test]
async fn a_method_an_endpoint_does_not_have_is_405_not_404() {
    let server = TestServer::start().await;
    for path in [
        "/scim/v2/ServiceProviderConfig",
        "/scim/v2/Schemas",
        "/scim/v2/ResourceTypes",
    ] {
        for method in ["POST", "PUT", "PATCH", "DELETE"] {
            let (status, content_type, body) = answer(&server, method, path).await;
            assert_eq!(status, 405, "{method} {path}: {body}");
            assert!(
                is_scim_error(405, content_type.as_deref(), &body),
                "{method} {path}: {body}"
            );
        }
    }
    for (method, path) in [
        ("DELETE", "/scim/v2/Users"),
        ("PUT", "/scim/v2/Groups"),
        ("POST", "/scim/v2/Users/x"),
    ] {
        assert_eq!(answer(&server, method, path).await.0, 405, "{method} {path}");
    }
    assert_eq!(answer(&server, "GET", "/scim/v2/Nothing").await.0, 404);
}

/// scim2-tester searches across resource types (`POST /.search`) and skips that check only on a 501; bulk and /Me
/// are advertised as absent and answered so too (RFC 7644 §3.11, §3.12).
#[tokio::test]
async fn what_gatehouse_does_not_offer_is_501() {
    let server = TestServer::start().await;
    for (method, path) in [
        ("POST", "/scim/v2/.search"),
        ("POST", "/scim/v2/Bulk"),
        ("GET", "/scim/v2/Bulk"),
        ("GET", "/scim/v2/Me"),
        ("PATCH", "/scim/v2/Me"),
    ] {
        let (status, content_type, body) = answer(&server, method, path).await;
        assert_eq!(status, 501, "{method} {path}: {body}");
        assert!(
            is_scim_error(501, content_type.as_deref(), &body),
            "{method} {path}: {body}"
        );
    }
}

/// A static token on `server`.
async fn token(server: &TestServer) -> String {
    let (_, token) = gatehouse::core::provisioning::tokens::create(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &gatehouse::core::audit::Origin::cli(),
        "found",
    )
    .await
    .expect("token");
    token
}

async fn scim(server: &TestServer, token: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = reqwest::Client::new()
        .request(method, server.url(&format!("/scim/v2{path}")))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn member_ids(group: &Value) -> Vec<&str> {
    group["members"]
        .as_array()
        .map(|m| m.iter().filter_map(|m| m["value"].as_str()).collect())
        .unwrap_or_default()
}

/// scim_org.py: a person deleted over SCIM (404 from then on) was still listed in their groups, and every PATCH of
/// such a group was refused, since it carried the hidden member along ("members: no user with id …").
#[tokio::test]
async fn a_deleted_person_leaves_the_groups_scim_shows_and_the_group_stays_changeable() {
    let server = TestServer::start().await;
    let token = token(&server).await;
    let mut ids = Vec::new();
    for name in ["ann", "ben", "cai"] {
        let user = serde_json::json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": format!("{name}@example.com"),
        });
        let (status, body) = scim(&server, &token, "POST", "/Users", Some(user)).await;
        assert_eq!(status, 201, "{body}");
        ids.push(body["id"].as_str().expect("id").to_string());
    }
    let group = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Team",
        "members": [{"value": ids[0]}, {"value": ids[1]}],
    });
    let (status, body) = scim(&server, &token, "POST", "/Groups", Some(group)).await;
    assert_eq!(status, 201, "{body}");
    let group_id = body["id"].as_str().expect("id").to_string();
    let (status, _) = scim(&server, &token, "DELETE", &format!("/Users/{}", ids[1]), None).await;
    assert_eq!(status, 204);

    let (_, group) = scim(&server, &token, "GET", &format!("/Groups/{group_id}"), None).await;
    assert_eq!(member_ids(&group), [ids[0].as_str()], "{group}");
    let (_, list) = scim(&server, &token, "GET", "/Groups", None).await;
    assert_eq!(member_ids(&list["Resources"][0]), [ids[0].as_str()], "{list}");
    let (_, found) = scim(
        &server,
        &token,
        "GET",
        &format!("/Groups?filter=members%5Bvalue%20eq%20%22{}%22%5D", ids[1]),
        None,
    )
    .await;
    assert_eq!(found["totalResults"], 0, "{found}");

    let add = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": ids[2]}]}],
    });
    let (status, group) = scim(&server, &token, "PATCH", &format!("/Groups/{group_id}"), Some(add)).await;
    assert_eq!(status, 200, "{group}");
    let mut members = member_ids(&group);
    members.sort_unstable();
    let mut expected = vec![ids[0].as_str(), ids[2].as_str()];
    expected.sort_unstable();
    assert_eq!(members, expected, "{group}");
}
