//! `/api/v1/service-providers`: register from metadata, read by the percent-encoded entity ID, change, remove —
//! through the same functions as `gatehouse sp …`, with the same audit events; only administrators; malformed or
//! oversized metadata and bad settings name the field (or 413) and change nothing.
use super::common::*;
use crate::common::*;
use serde_json::{Value, json};

const ENTITY: &str = "https://sp.example/metadata";
const PATH: &str = "/api/v1/service-providers/https%3A%2F%2Fsp.example%2Fmetadata";

/// The stored SP fixture (`tests/fixtures/saml/sp-metadata.xml`), for the entity ID `ENTITY`.
fn metadata() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/saml/sp-metadata.xml"
    ))
    .expect("the SP fixture")
    .replace("https://sp.example.test/metadata", ENTITY)
}

#[tokio::test]
async fn register_read_change_and_remove_service_providers() {
    let (server, token) = admin_server().await;
    let body = json!({
        "metadata": metadata(), "name_id_format": "email", "allowed_roles": ["user"], "sign_response": true,
        "attributes": [{ "name": "uid", "source": "username" }, { "name": "org", "source": "static", "value": "ACME" }],
    });
    let created = call(&server, "POST", "/api/v1/service-providers", Some(&token), Some(&body)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.header("location").as_deref(), Some(PATH));
    assert_eq!(created.json["entity_id"], ENTITY);
    assert_eq!(created.json["name_id_format"], "email");
    assert_eq!(created.json["authn_requests_signed"], true);
    assert_eq!(created.json["acs_endpoints"].as_array().unwrap().len(), 3);
    assert_eq!(created.json["slo_endpoints"].as_array().unwrap().len(), 2);
    assert_eq!(created.json["attributes"], body["attributes"]);
    let fingerprint = created.json["signing_certificates"][0]["sha256_fingerprint"]
        .as_str()
        .unwrap();
    assert_eq!(fingerprint.len(), 32 * 3 - 1, "{fingerprint}");

    let listed = call(&server, "GET", "/api/v1/service-providers", Some(&token), None).await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json.as_array().unwrap().len(), 1);
    let shown = call(&server, "GET", PATH, Some(&token), None).await;
    assert_eq!(shown.status, 200, "{}", shown.text);
    assert_eq!(shown.json, created.json);

    let change = json!({
        "metadata": metadata().replace("https://sp.example.test/acs-2", "https://sp.example.test/acs-3"),
        "min_acr": "urn:gatehouse:acr:mfa", "name_id_format": "persistent", "attributes": [],
    });
    let changed = call(&server, "PATCH", PATH, Some(&token), Some(&change)).await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(
        changed.json["acs_endpoints"][1]["location"],
        "https://sp.example.test/acs-3"
    );
    assert_eq!(changed.json["min_acr"], "urn:gatehouse:acr:mfa");
    assert_eq!(changed.json["name_id_format"], "persistent");
    assert_eq!(changed.json["attributes"], json!([]));
    assert_eq!(changed.json["allowed_roles"], json!(["user"]), "left out: unchanged");
    assert_eq!(changed.json["sign_response"], true);
    let event = last_event(&server, "saml.sp_updated").await;
    assert_eq!(event.details["acs_changed"], true);
    let removed_minimum = call(&server, "PATCH", PATH, Some(&token), Some(&json!({ "min_acr": null }))).await;
    assert_eq!(removed_minimum.json["min_acr"], Value::Null);

    let removed = call(&server, "DELETE", PATH, Some(&token), None).await;
    assert_eq!(removed.status, 204, "{}", removed.text);
    for method in ["GET", "DELETE"] {
        call(&server, method, PATH, Some(&token), None)
            .await
            .assert_problem(404);
    }
    call(
        &server,
        "PATCH",
        PATH,
        Some(&token),
        Some(&json!({ "name_id_format": "email" })),
    )
    .await
    .assert_problem(404);
}

#[tokio::test]
async fn only_administrators_read_or_change_service_providers() {
    let (server, admin) = admin_server().await;
    let body = json!({ "metadata": metadata() });
    assert_eq!(
        call(&server, "POST", "/api/v1/service-providers", Some(&admin), Some(&body))
            .await
            .status,
        201
    );
    let before = call(&server, "GET", "/api/v1/service-providers", Some(&admin), None).await;
    let other = json!({ "metadata": metadata().replace(ENTITY, "https://other.example/metadata") });
    let change = json!({ "name_id_format": "email" });
    for (role, token) in non_admin_tokens(&server).await {
        for (method, path, body) in [
            ("GET", "/api/v1/service-providers", None),
            ("POST", "/api/v1/service-providers", Some(&other)),
            ("GET", PATH, None),
            ("PATCH", PATH, Some(&change)),
            ("DELETE", PATH, None),
        ] {
            let reply = call(&server, method, path, Some(&token), body).await;
            assert_eq!(reply.status, 403, "{role}: {method} {path}: {}", reply.text);
            reply.assert_problem(403);
        }
    }
    let after = call(&server, "GET", "/api/v1/service-providers", Some(&admin), None).await;
    assert_eq!(after.json, before.json, "nothing changed");
    assert_eq!(count_events(&server, "saml.sp_*").await, 1);
}

#[tokio::test]
async fn bad_metadata_and_settings_name_the_field_and_change_nothing() {
    let (server, token) = admin_server().await;
    let with = |extra: Value| {
        let mut body = json!({ "metadata": metadata() });
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let doctype = metadata().replace(
        "<?xml version=\"1.0\"?>",
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]>",
    );
    let cases = [
        (json!({ "metadata": "<md:EntityDescriptor" }), "metadata"),
        (json!({ "metadata": "not xml at all" }), "metadata"),
        (json!({ "metadata": doctype }), "metadata"),
        (
            json!({ "metadata": metadata().replace("HTTP-POST\" Location", "HTTP-Artifact\" Location") }),
            "metadata",
        ),
        (with(json!({ "colour": "red" })), "colour"),
        (with(json!({ "name_id_format": "guess" })), "name_id_format"),
        (with(json!({ "min_acr": "urn:gatehouse:acr:magic" })), "min_acr"),
        (with(json!({ "encryption_method": "rot13" })), "encryption_method"),
        (with(json!({ "encrypt_assertion": true })), "encrypt_assertion"),
        (with(json!({ "allowed_roles": ["two words"] })), "allowed_roles"),
        (
            with(json!({ "attributes": [{ "name": "x", "source": "shoe size" }] })),
            "attributes",
        ),
        (
            with(json!({ "attributes": [{ "name": "x", "source": "static" }] })),
            "attributes",
        ),
        (
            with(json!({ "attributes": [{ "name": "x", "source": "email" }, { "name": "x", "source": "name" }] })),
            "attributes",
        ),
    ];
    for (body, field) in cases {
        let reply = call(&server, "POST", "/api/v1/service-providers", Some(&token), Some(&body)).await;
        reply.assert_problem(400);
        assert_eq!(reply.json["errors"][0]["field"], field, "{body}: {}", reply.text);
    }
    for body in [
        with(json!({ "sign_response": "yes" })),
        json!({ "metadata": 7 }),
        json!({}),
    ] {
        call(&server, "POST", "/api/v1/service-providers", Some(&token), Some(&body))
            .await
            .assert_problem(400);
    }
    // Larger than 256 KiB of metadata (a comment keeps it well-formed), and a body past the route's limit.
    let padded = metadata().replace("<!-- a comment", &format!("<!-- {}", "x".repeat(300 * 1024)));
    let reply = call(
        &server,
        "POST",
        "/api/v1/service-providers",
        Some(&token),
        Some(&json!({ "metadata": padded })),
    )
    .await;
    reply.assert_problem(413);
    let padded = metadata().replace("<!-- a comment", &format!("<!-- {}", "x".repeat(700 * 1024)));
    call(
        &server,
        "POST",
        "/api/v1/service-providers",
        Some(&token),
        Some(&json!({ "metadata": padded })),
    )
    .await
    .assert_problem(413);
    let form = reqwest::Client::new()
        .post(server.url("/api/v1/service-providers"))
        .bearer_auth(&token)
        .header("content-type", "application/xml")
        .body(metadata())
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 415);
    assert!(
        server.state().store.list_sps().await.unwrap().is_empty(),
        "nothing registered"
    );

    // Changes: refused whole, the SP as it was.
    assert_eq!(
        call(
            &server,
            "POST",
            "/api/v1/service-providers",
            Some(&token),
            Some(&json!({ "metadata": metadata() }))
        )
        .await
        .status,
        201
    );
    let before = call(&server, "GET", PATH, Some(&token), None).await;
    let changes = [
        (
            json!({ "metadata": metadata().replace(ENTITY, "https://other.example/metadata") }),
            "metadata",
        ),
        (json!({ "metadata": "<x" }), "metadata"),
        (json!({ "metadata": null }), "metadata"),
        (
            json!({ "name_id_format": "guess", "min_acr": "urn:gatehouse:acr:mfa" }),
            "name_id_format",
        ),
        (json!({ "encrypt_assertion": true }), "encrypt_assertion"),
        (json!({ "entity_id": "https://other.example/metadata" }), "entity_id"),
    ];
    for (body, field) in changes {
        let reply = call(&server, "PATCH", PATH, Some(&token), Some(&body)).await;
        reply.assert_problem(400);
        assert_eq!(reply.json["errors"][0]["field"], field, "{body}: {}", reply.text);
    }
    let padded = metadata().replace("<!-- a comment", &format!("<!-- {}", "x".repeat(300 * 1024)));
    call(
        &server,
        "PATCH",
        PATH,
        Some(&token),
        Some(&json!({ "metadata": padded })),
    )
    .await
    .assert_problem(413);
    let after = call(&server, "GET", PATH, Some(&token), None).await;
    assert_eq!(after.json, before.json, "nothing changed");
    assert_eq!(count_events(&server, "saml.sp_*").await, 1, "only the one registration");
}

#[tokio::test]
async fn changes_through_the_api_are_audited_as_the_command_line_audits_them() {
    let by_cli = TestServer::start().await;
    let (by_api, token) = admin_server().await;
    let file = by_cli.data_dir.join("sp.xml");
    std::fs::write(&file, metadata()).unwrap();

    cli(
        &by_cli,
        &[
            "sp",
            "add",
            "--metadata",
            file.to_str().unwrap(),
            "--nameid",
            "email",
            "--allow-role",
            "user",
            "--min-acr",
            "urn:gatehouse:acr:mfa",
            "--attribute",
            "uid=username",
            "--static-attribute",
            "org=ACME",
        ],
    );
    let body = json!({
        "metadata": metadata(), "name_id_format": "email", "allowed_roles": ["user"],
        "min_acr": "urn:gatehouse:acr:mfa",
        "attributes": [{ "name": "uid", "source": "username" }, { "name": "org", "source": "static", "value": "ACME" }],
    });
    assert_eq!(
        call(&by_api, "POST", "/api/v1/service-providers", Some(&token), Some(&body))
            .await
            .status,
        201
    );
    assert_same_event(
        &last_event(&by_api, "saml.sp_added").await,
        &last_event(&by_cli, "saml.sp_added").await,
        &[],
    );

    cli(
        &by_cli,
        &[
            "sp",
            "update",
            ENTITY,
            "--min-acr",
            "none",
            "--nameid",
            "transient",
            "--default-attributes",
        ],
    );
    let change = json!({ "min_acr": null, "name_id_format": "transient",
        "attributes": [{ "name": "uid", "source": "username" }, { "name": "email", "source": "email" },
            { "name": "displayName", "source": "name" }, { "name": "roles", "source": "roles" }] });
    let reply = call(&by_api, "PATCH", PATH, Some(&token), Some(&change)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_same_event(
        &last_event(&by_api, "saml.sp_updated").await,
        &last_event(&by_cli, "saml.sp_updated").await,
        &[],
    );

    cli(&by_cli, &["sp", "remove", ENTITY]);
    assert_eq!(call(&by_api, "DELETE", PATH, Some(&token), None).await.status, 204);
    assert_same_event(
        &last_event(&by_api, "saml.sp_removed").await,
        &last_event(&by_cli, "saml.sp_removed").await,
        &[],
    );
}
