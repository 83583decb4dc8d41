//! Listing and searching: the filters provisioning clients send (by an index, or over the resources),
//! paging, sorting, projection, and `invalidFilter` for filters that cannot be answered.
use super::common::*;
use serde_json::json;

async fn org(server: &crate::common::TestServer, token: &str) {
    for (name, dept) in [("amy", "Sales"), ("ben", "Engines"), ("cat", "Sales"), ("dan", "Legal")] {
        let mut body = person(&format!("{name}@example.com"), &format!("x-{name}"));
        body[ENTERPRISE]["department"] = json!(dept);
        body["displayName"] = json!(name.to_uppercase());
        provision(server, token, &body).await;
    }
}

fn names(reply: &Reply) -> Vec<String> {
    reply.json["Resources"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", reply.text))
        .iter()
        .map(|r| r["userName"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn q(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn filters_pages_sorting_and_projection() {
    let (server, token) = scim_server().await;
    org(&server, &token).await;
    let get = |query: String| {
        let (server, token) = (&server, &token);
        async move { scim(server, "GET", &format!("/Users?{query}"), token, None).await }
    };

    let one = get(format!("filter={}", q(r#"userName eq "BEN@example.com""#))).await;
    assert_eq!(one.status, 200, "{}", one.text);
    assert_eq!(
        one.json["schemas"][0],
        "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    );
    assert_eq!(
        (one.json["totalResults"].as_u64(), names(&one)),
        (Some(1), vec!["ben@example.com".to_string()])
    );
    let by_external = get(format!("filter={}", q(r#"externalId eq "x-cat""#))).await;
    assert_eq!(names(&by_external), ["cat@example.com"]);
    let by_mail = get(format!(
        "filter={}",
        q(r#"emails[type eq "work"].value eq "dan@example.com""#)
    ))
    .await;
    assert_eq!(names(&by_mail), ["dan@example.com"]);
    let nobody = get(format!("filter={}", q(r#"userName eq "zed@example.com""#))).await;
    assert_eq!(nobody.json["totalResults"], 0);

    let sales = get(format!(
        "filter={}&sortBy=userName&sortOrder=descending",
        q(r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Sales" and active eq true"#)
    ))
    .await;
    assert_eq!(names(&sales), ["cat@example.com", "amy@example.com"]);

    let page = get("sortBy=userName&startIndex=2&count=2".into()).await;
    assert_eq!(page.json["totalResults"], 4);
    assert_eq!(page.json["startIndex"], 2);
    assert_eq!(page.json["itemsPerPage"], 2);
    assert_eq!(names(&page), ["ben@example.com", "cat@example.com"]);

    let slim = get(format!("filter={}&attributes=userName", q(r#"userName sw "amy""#))).await;
    let amy = &slim.json["Resources"][0];
    assert_eq!(amy["userName"], "amy@example.com");
    assert!(amy.get("id").is_some(), "id is always returned");
    assert!(amy.get("emails").is_none() && amy.get("displayName").is_none(), "{amy}");
    let without = get(format!(
        "filter={}&excludedAttributes=emails",
        q(r#"userName sw "amy""#)
    ))
    .await;
    assert!(without.json["Resources"][0].get("emails").is_none());

    let search = scim(
        &server,
        "POST",
        "/Users/.search",
        &token,
        Some(&json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": "displayName co \"A\"", "sortBy": "userName",
        })),
    )
    .await;
    assert_eq!(search.status, 200, "{}", search.text);
    assert_eq!(
        names(&search),
        ["amy@example.com", "cat@example.com", "dan@example.com"]
    );
}

#[tokio::test]
async fn filters_that_cannot_be_answered_are_invalid_filter() {
    let (server, token) = scim_server().await;
    for filter in [
        r#"userName eq"#,
        r#"userName xx "a""#,
        r#"shoeSize eq 44"#,
        r#"password eq "secret""#,
        &format!("{}userName eq \"a\"{}", "not (".repeat(100), ")".repeat(100)),
    ] {
        let reply = scim(&server, "GET", &format!("/Users?filter={}", q(filter)), &token, None).await;
        assert_scim_error(&reply, 400, Some("invalidFilter"));
    }
    let reply = scim(&server, "GET", "/Groups?filter=members.value%20eq", &token, None).await;
    assert_scim_error(&reply, 400, Some("invalidFilter"));
}

#[tokio::test]
async fn discovery_documents_describe_what_is_served() {
    let (server, token) = scim_server().await;
    let config = scim(&server, "GET", "/ServiceProviderConfig", &token, None).await;
    assert_eq!(config.status, 200, "{}", config.text);
    assert_eq!(config.json["patch"]["supported"], true);
    assert_eq!(config.json["bulk"]["supported"], false);
    assert_eq!(config.json["filter"]["maxResults"], 200);
    let types = scim(&server, "GET", "/ResourceTypes", &token, None).await;
    assert_eq!(types.status, 200, "{}", types.text);
    let schemas = scim(&server, "GET", "/Schemas", &token, None).await;
    let ids: Vec<&str> = schemas.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert!(
        ids.contains(&ENTERPRISE) && ids.contains(&USER) && ids.contains(&GROUP),
        "{ids:?}"
    );
    assert_scim_error(
        &scim(&server, "GET", "/Schemas/urn:nope", &token, None).await,
        404,
        None,
    );
    // Advertised as absent, and answered so (tests/it/interop/scim_found.rs); an unknown path is 404.
    assert_scim_error(&scim(&server, "GET", "/Bulk", &token, None).await, 501, None);
    assert_scim_error(&scim(&server, "GET", "/Nothing", &token, None).await, 404, None);
}
