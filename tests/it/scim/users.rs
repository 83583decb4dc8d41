//! A SCIM user becomes a Gatehouse account: attributes kept and shown back, an invitation for a person without a
//! password, a password that passes the policy and is never shown, the phone-change rules for a mobile number,
//! and SCIM errors for bad input with nothing changed.
use super::common::*;
use crate::common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn a_provisioned_person_round_trips_and_is_invited() {
    let (server, token) = scim_server().await;
    let mut body = person("Ada@Example.com", "e-1");
    body["phoneNumbers"] = json!([{ "value": "+41 44 668 18 00", "type": "mobile" }]);
    body["preferredLanguage"] = json!("de-CH");
    let reply = scim(&server, "POST", "/Users", &token, Some(&body)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.header("content-type").as_deref(), Some("application/scim+json"));
    let created = reply.json.clone();
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        reply.header("location"),
        Some(format!("{}/scim/v2/Users/{id}", server.base))
    );
    assert_eq!(reply.header("etag").as_deref(), created["meta"]["version"].as_str());
    assert_eq!(
        created["userName"], "ada@example.com",
        "usernames are case-insensitive, kept lower-case"
    );
    assert_eq!(created["externalId"], "e-1");
    assert_eq!(created["name"]["givenName"], "Ada");
    assert_eq!(created["phoneNumbers"][0]["value"], "+41446681800");
    assert_eq!(created["preferredLanguage"], "de");
    assert_eq!(created[ENTERPRISE]["department"], "Engines");
    assert_eq!(created["active"], true);

    let user = server.user("ada@example.com").await;
    assert!(user.password_hash.is_none());
    let entry = server.state().store.directory_entry(&user.id).await.unwrap().unwrap();
    assert_eq!(entry.source.as_str(), "scim");
    assert_eq!(entry.source_client.as_deref(), Some("scim:token:hr"));
    // Invited in their language, with a link that sets the first password.
    let mail = server.mails(1).await.remove(0);
    assert!(mail.contains("Ihr Konto"), "{mail}");
    let link = link_in(&mail);
    let browser = server.browser();
    let done = browser.set_password_via(&link, GOOD_PASSWORD).await;
    assert!(done.status < 400, "{} {}", done.status, done.body);
    assert!(server.user("ada@example.com").await.password_hash.is_some());
    let again = browser.get(&link.replacen(&server.base, "", 1)).await;
    assert!(
        again.body.contains("invalid") || again.status >= 400,
        "the invitation works once"
    );
    assert!(!events(&server, "directory.invited").await.is_empty());

    let read = scim(&server, "GET", &format!("/Users/{id}"), &token, None).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.json["userName"], "ada@example.com");
}

#[tokio::test]
async fn a_password_from_the_hr_system_passes_the_policy_and_is_never_returned() {
    let (server, token) = scim_server().await;
    let mut weak = person("bo@example.com", "e-2");
    weak["password"] = json!("password");
    let refused = scim(&server, "POST", "/Users", &token, Some(&weak)).await;
    assert_scim_error(&refused, 400, Some("invalidValue"));
    assert!(
        server
            .state()
            .store
            .user_by_username("bo@example.com")
            .await
            .unwrap()
            .is_none()
    );

    let mut good = person("bo@example.com", "e-2");
    good["password"] = json!(GOOD_PASSWORD);
    let created = provision(&server, &token, &good).await;
    assert!(created.get("password").is_none(), "returned: never");
    assert!(!created.to_string().contains(GOOD_PASSWORD));
    let page = server.browser().login("bo@example.com", GOOD_PASSWORD).await;
    assert!(page.status < 400, "signs in with it: {}", page.status);
    assert!(
        events(&server, "directory.invited").await.is_empty(),
        "no invitation when a password came"
    );
}

#[tokio::test]
async fn a_new_mobile_number_follows_the_phone_change_rules() {
    let (server, token) = scim_server().await;
    let mut body = person("cy@example.com", "e-3");
    body["phoneNumbers"] = json!([{ "value": "+41446681800", "type": "mobile" }]);
    let created = provision(&server, &token, &body).await;
    let id = created["id"].as_str().unwrap();
    body["phoneNumbers"] =
        json!([{ "value": "+41446681801", "type": "work" }, { "value": "+41791234567", "type": "mobile" }]);
    let replaced = scim(&server, "PUT", &format!("/Users/{id}"), &token, Some(&body)).await;
    assert_eq!(replaced.status, 200, "{}", replaced.text);
    assert_eq!(replaced.json["phoneNumbers"][0]["value"], "+41791234567");
    let changed = events(&server, "user.phone_changed").await;
    let (_, details) = changed.first().expect("user.phone_changed");
    assert_eq!(details["changed"], true);
    assert!(details.get("trusted_devices_revoked").is_some(), "{details}");
    assert!(
        details["notified"].as_array().is_some_and(|n| !n.is_empty()),
        "the old channels are told: {details}"
    );
}

#[tokio::test]
async fn bad_input_gets_scim_errors_and_changes_nothing() {
    let (server, token) = scim_server().await;
    let created = provision(&server, &token, &person("di@example.com", "e-4")).await;
    let id = created["id"].as_str().unwrap().to_string();
    let path = format!("/Users/{id}");

    let duplicate = scim(
        &server,
        "POST",
        "/Users",
        &token,
        Some(&person("DI@example.com", "e-5")),
    )
    .await;
    assert_scim_error(&duplicate, 409, Some("uniqueness"));
    let same_external = scim(
        &server,
        "POST",
        "/Users",
        &token,
        Some(&person("eve@example.com", "e-4")),
    )
    .await;
    assert_scim_error(&same_external, 409, Some("uniqueness"));

    let wrong_schema = json!({ "schemas": [USER, GROUP], "userName": "x@example.com" });
    let reply = scim(&server, "POST", "/Users", &token, Some(&wrong_schema)).await;
    assert_scim_error(&reply, 400, Some("invalidValue"));
    let no_schema = json!({ "userName": "x@example.com" });
    let reply = scim(&server, "POST", "/Users", &token, Some(&no_schema)).await;
    assert_scim_error(&reply, 400, Some("invalidSyntax"));
    let unknown = json!({ "schemas": [USER], "userName": "x@example.com", "shoeSize": 44 });
    let reply = scim(&server, "POST", "/Users", &token, Some(&unknown)).await;
    assert_scim_error(&reply, 400, Some("invalidSyntax"));
    let no_name = json!({ "schemas": [USER], "emails": [{ "value": "x@example.com" }] });
    assert_scim_error(
        &scim(&server, "POST", "/Users", &token, Some(&no_name)).await,
        400,
        Some("invalidValue"),
    );
    let mut bad_phone = person("di@example.com", "e-4");
    bad_phone["phoneNumbers"] = json!([{ "value": "call me", "type": "mobile" }]);
    bad_phone["displayName"] = json!("Changed");
    assert_scim_error(
        &scim(&server, "PUT", &path, &token, Some(&bad_phone)).await,
        400,
        Some("invalidValue"),
    );
    let mut new_id = person("di@example.com", "e-4");
    new_id["id"] = json!("another");
    assert_scim_error(
        &scim(&server, "PUT", &path, &token, Some(&new_id)).await,
        400,
        Some("mutability"),
    );

    let huge = json!({ "schemas": [USER], "userName": "x".repeat(2 * 1024 * 1024) });
    assert_scim_error(&scim(&server, "POST", "/Users", &token, Some(&huge)).await, 413, None);
    let not_json = reqwest::Client::new()
        .post(server.url("/scim/v2/Users"))
        .bearer_auth(&token)
        .header("content-type", "application/scim+json")
        .body("{\"schemas\": [")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status().as_u16(), 400);
    let body: Value = not_json.json().await.unwrap();
    assert_eq!(body["scimType"], "invalidSyntax");

    // A stale version is refused; the current one is accepted.
    let mut renamed = person("di@example.com", "e-4");
    renamed["displayName"] = json!("Di Renamed");
    let stale = reqwest::Client::new()
        .put(server.url(&format!("/scim/v2{path}")))
        .bearer_auth(&token)
        .header("if-match", r#"W/"stale""#)
        .json(&renamed)
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status().as_u16(), 412);

    let read = scim(&server, "GET", &path, &token, None).await;
    assert_eq!(
        read.json["displayName"], "Ada Lovelace",
        "nothing changed: {}",
        read.text
    );
    assert_eq!(read.json["meta"]["version"], created["meta"]["version"]);
    let fresh = reqwest::Client::new()
        .put(server.url(&format!("/scim/v2{path}")))
        .bearer_auth(&token)
        .header("if-match", created["meta"]["version"].as_str().unwrap())
        .json(&renamed)
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status().as_u16(), 200);
    let unknown = scim(&server, "GET", "/Users/no-such-id", &token, None).await;
    assert_scim_error(&unknown, 404, None);
}
