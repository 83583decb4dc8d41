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
        && body["status"] == status.to_string()
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
