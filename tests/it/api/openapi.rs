//! The OpenAPI document: served without a token, OpenAPI 3.1, and every operation it lists is a route that
//! answers (401 without a token, never 404 or 405); routes not in it answer 404 as problem documents.
use super::common::*;
use crate::common::*;
use serde_json::Value;

#[tokio::test]
async fn the_document_lists_every_route_and_every_listed_operation_is_served() {
    let server = TestServer::start().await;
    let doc = call(&server, "GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(doc.status, 200);
    assert!(
        doc.json["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc.json["openapi"]
    );
    assert!(doc.json["components"]["securitySchemes"]["bearer"].is_object());
    let paths = doc.json["paths"].as_object().unwrap();
    assert!(paths.len() >= 10, "{paths:?}");
    let mut operations = 0;
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in paths {
        assert!(path.starts_with("/api/v1/"), "{path}");
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            let id = operation["operationId"].as_str().unwrap_or_default().to_string();
            assert!(
                ids.insert(id.clone()),
                "{method} {path}: operationId {id} is not unique"
            );
            let concrete = concrete(path);
            let reply = call(&server, &method.to_uppercase(), &concrete, None, Some(&Value::Null)).await;
            if path == "/api/v1/openapi.json" || path == "/api/v1/reference" {
                assert_eq!(reply.status, 200);
                continue;
            }
            assert_eq!(
                reply.status, 401,
                "{method} {path} is served and needs a token: {}",
                reply.text
            );
            assert!(
                operation["security"].is_array(),
                "{method} {path} documents its security"
            );
            assert!(operation["responses"].is_object());
        }
    }
    assert!(operations >= 34, "{operations}");
    call(&server, "GET", "/api/v1/not-a-route", None, None)
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn the_reference_page_lists_every_operation_of_the_document() {
    let server = TestServer::start().await;
    let doc = call(&server, "GET", "/api/v1/openapi.json", None, None).await;
    let page = call(&server, "GET", "/api/v1/reference", None, None).await;
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    for (path, item) in doc.json["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let heading = format!("<code>{} {}</code>", method.to_uppercase(), path);
            assert!(page.text.contains(&heading), "{heading} is on the page");
            let anchor = format!("id=\"{}\"", operation["operationId"].as_str().unwrap());
            assert!(page.text.contains(&anchor), "{anchor}");
        }
    }
    assert!(page.text.contains("id=\"schema-UserView\""));
}

/// `path` with each `{parameter}` replaced by a value of its kind; an unknown parameter fails the test, so that a
/// new one is given a realistic value (an entity ID is a URL, percent-encoded as one segment).
fn concrete(path: &str) -> String {
    let samples = [
        ("{user}", "nobody"),
        ("{role}", "user"),
        ("{device}", "some-device"),
        ("{client_id}", "some-client"),
        ("{entity_id}", "https%3A%2F%2Fsp.example%2Fmetadata"),
        ("{session}", "some-session"),
        ("{factor}", "some-factor"),
        ("{id}", "some-request"),
    ];
    let concrete = samples
        .iter()
        .fold(path.to_string(), |path, (name, value)| path.replace(name, value));
    assert!(
        !concrete.contains('{'),
        "a path parameter without a sample value: {path}"
    );
    concrete
}
