//! SAML service providers, signing keys and certificates, and hardware tokens in the console: added from metadata
//! (within 256 KiB), shown, updated and removed; keys rotated after confirming; seed files imported all or
//! nothing — each through the function the admin API calls (the same audit events, the administrator as actor),
//! refusals beside the form with what was typed and nothing changed, no change without a CSRF token.
use super::common::*;
use crate::api::common::call;
use crate::saml::sp::TestSp;
use serde_json::json;

#[tokio::test]
async fn service_providers_are_added_from_metadata_updated_and_removed() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    let root = server.user("root").await;
    let list = browser.get("/admin/service-providers").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains("id=\"add-form\"") && list.body.contains("src=\"/static/admin-file.js\""));
    let csrf = list.csrf();
    let sp = TestSp::new();
    let metadata = sp.metadata(true);

    // Bad metadata and bad settings: named, kept, nothing added.
    for (fields, status, says) in [
        (vec![("metadata", "<not-metadata/>")], 400, "metadata"),
        (vec![("metadata", "<!DOCTYPE x><x/>")], 400, ""),
        (
            vec![("metadata", metadata.as_str()), ("min_acr", "urn:nope")],
            400,
            "min_acr",
        ),
        (
            vec![("metadata", metadata.as_str()), ("attributes", "uid username")],
            400,
            "attributes: line 1",
        ),
        (
            vec![("metadata", metadata.as_str()), ("encrypt_assertion", "on")],
            400,
            "encrypt",
        ),
    ] {
        let mut form = vec![
            ("csrf", csrf.as_str()),
            ("name_id_format", "persistent"),
            ("encryption_method", "aes256-gcm"),
        ];
        form.extend(fields.clone());
        let refused = browser.post("/admin/service-providers", &form).await;
        assert_eq!(refused.status, status, "{says}: {}", refused.body);
        assert!(refused.body.contains("id=\"add-error\""), "{says}");
        assert!(refused.body.contains(says), "{says}: {}", refused.body);
        assert!(refused.body.contains("id=\"metadata\""));
    }
    assert!(server.state().store.list_sps().await.unwrap().is_empty());
    let huge = format!("{}<!-- {} -->", metadata, "x".repeat(260 * 1024));
    let too_big = browser
        .post(
            "/admin/service-providers",
            &[
                ("csrf", csrf.as_str()),
                ("metadata", huge.as_str()),
                ("name_id_format", "persistent"),
            ],
        )
        .await;
    assert_eq!(too_big.status, 413, "{}", too_big.body);
    let way_too_big = "y".repeat(900 * 1024);
    let refused = browser
        .post(
            "/admin/service-providers",
            &[("csrf", csrf.as_str()), ("metadata", way_too_big.as_str())],
        )
        .await;
    assert_eq!(refused.status, 413, "past the form's limit");
    assert!(server.state().store.list_sps().await.unwrap().is_empty());

    // Added: back on its page with a notice.
    let added = browser
        .post(
            "/admin/service-providers",
            &[
                ("csrf", csrf.as_str()),
                ("metadata", metadata.as_str()),
                ("name_id_format", "persistent"),
                ("min_acr", ""),
                ("encryption_method", "aes256-gcm"),
                (
                    "attributes",
                    "uid = username\nemail = email\ndisplayName = name\nroles = roles",
                ),
                ("role_user", "on"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let path = added.location().expect("to the SP's page");
    assert_eq!(
        path,
        "/admin/service-providers/https%3A%2F%2Fsp.example.test%2Fmetadata"
    );
    let page = browser.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        notice(&page)
            .unwrap()
            .contains("Added the service provider https://sp.example.test/metadata")
    );
    assert!(page.body.contains("https://sp.example.test/acs") && page.body.contains("id=\"certificates\""));
    let stored = server.state().store.sp(&sp.entity_id).await.unwrap().unwrap();
    assert_eq!(stored.allowed_roles, ["user"]);

    // The API adds another the same way: the same event.
    let token = api_admin(&server).await;
    let console_event = newest(&server, "saml.sp_added").await;
    let other = TestSp {
        entity_id: "https://other.example.test/metadata".into(),
        ..TestSp::new()
    };
    let reply = call(
        &server,
        "POST",
        "/api/v1/service-providers",
        Some(&token),
        Some(&json!({ "metadata": other.metadata(true), "allowed_roles": ["user"] })),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_as_api(
        &console_event,
        &newest(&server, "saml.sp_added").await,
        &root,
        &["entity_id"],
    );

    // Update: a refused setting changes nothing; then the minimum level and NameID format change.
    let csrf = page.csrf();
    let bad = browser
        .post(
            &path,
            &[
                ("csrf", csrf.as_str()),
                ("metadata", other.metadata(true).as_str()),
                ("name_id_format", "email"),
                ("encryption_method", "aes256-gcm"),
                ("attributes", "uid = username"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400, "another entity's metadata: {}", bad.body);
    assert!(bad.body.contains("id=\"update-error\""));
    assert_eq!(
        server
            .state()
            .store
            .sp(&sp.entity_id)
            .await
            .unwrap()
            .unwrap()
            .name_id_format
            .as_str(),
        "persistent"
    );
    let changed = browser
        .post(
            &path,
            &[
                ("csrf", csrf.as_str()),
                ("metadata", ""),
                ("name_id_format", "email"),
                ("min_acr", "urn:gatehouse:acr:mfa"),
                ("encryption_method", "aes256-gcm"),
                ("attributes", "uid = username\ndept = static:Sales"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    let stored = server.state().store.sp(&sp.entity_id).await.unwrap().unwrap();
    assert_eq!(stored.name_id_format.as_str(), "email");
    assert_eq!(stored.min_acr.as_deref(), Some("urn:gatehouse:acr:mfa"));
    assert_eq!(stored.attributes.len(), 2);
    let console_event = newest(&server, "saml.sp_updated").await;
    let body = json!({ "name_id_format": "email", "min_acr": "urn:gatehouse:acr:mfa",
        "attributes": [{ "name": "uid", "source": "username" }, { "name": "dept", "source": "static", "value": "Sales" }] });
    let reply = call(
        &server,
        "PATCH",
        "/api/v1/service-providers/https%3A%2F%2Fother.example.test%2Fmetadata",
        Some(&token),
        Some(&body),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_as_api(
        &console_event,
        &newest(&server, "saml.sp_updated").await,
        &root,
        &["entity_id"],
    );

    // Removal asks first.
    let asked = browser
        .post(&format!("{path}/remove"), &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(asked.status, 200);
    assert!(
        asked
            .body
            .contains("Remove the service provider https://sp.example.test/metadata?")
    );
    assert!(server.state().store.sp(&sp.entity_id).await.unwrap().is_some());
    let removed = browser
        .post(
            &format!("{path}/remove"),
            &[("csrf", csrf.as_str()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(removed.status, 303);
    assert!(
        notice(&browser.get("/admin/service-providers").await)
            .unwrap()
            .contains("Removed the service provider")
    );
    assert!(server.state().store.sp(&sp.entity_id).await.unwrap().is_none());
    assert_eq!(events_of(&server, "saml.sp_removed").await, 1);
    assert_eq!(
        newest(&server, "saml.sp_removed").await.actor,
        Some(format!("user:{}", root.id))
    );

    // Without the form's token, nothing.
    let bare = browser
        .post("/admin/service-providers", &[("metadata", metadata.as_str())])
        .await;
    assert_eq!(bare.status, 403);
    assert!(server.state().store.sp(&sp.entity_id).await.unwrap().is_none());
}

#[tokio::test]
async fn keys_are_rotated_after_confirming_and_shown_with_their_dates() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    let root = server.user("root").await;
    let page = browser.get("/admin/keys").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"signing-keys\"") && page.body.contains("id=\"saml-certificates\""));
    let before = server.state().store.signing_keys().await.unwrap().len();
    let csrf = page.csrf();

    let asked = browser
        .post("/admin/keys/rotate", &[("csrf", csrf.as_str()), ("alg", "ES256")])
        .await;
    assert_eq!(asked.status, 200);
    assert!(
        asked.body.contains("Rotate the OpenID Connect signing key?"),
        "{}",
        asked.body
    );
    assert_eq!(asked.input("alg").as_deref(), Some("ES256"));
    assert_eq!(
        server.state().store.signing_keys().await.unwrap().len(),
        before,
        "not before confirming"
    );
    let bad = browser
        .post(
            "/admin/keys/rotate",
            &[("csrf", csrf.as_str()), ("alg", "HS256"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("id=\"keys-error\""));
    let rotated = browser
        .post(
            "/admin/keys/rotate",
            &[("csrf", csrf.as_str()), ("alg", "ES256"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(rotated.status, 303, "{}", rotated.body);
    assert_eq!(server.state().store.signing_keys().await.unwrap().len(), before + 1);
    let page = browser.get("/admin/keys").await;
    assert!(notice(&page).unwrap().contains("Added the signing key"));
    assert!(page.body.contains(">next<"), "the new key waits to sign: {}", page.body);
    let token = api_admin(&server).await;
    let console_event = newest(&server, "oidc.signing_key_rotated").await;
    let reply = call(
        &server,
        "POST",
        "/api/v1/keys/rotate",
        Some(&token),
        Some(&json!({ "alg": "ES256" })),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_as_api(
        &console_event,
        &newest(&server, "oidc.signing_key_rotated").await,
        &root,
        &["kid", "activates_at"],
    );

    // SAML: bad hours refused; then rotated as the API does.
    let saml_before = server.state().store.saml_keys().await.unwrap().len();
    let bad = browser
        .post(
            "/admin/keys/saml/rotate",
            &[
                ("csrf", csrf.as_str()),
                ("activate_in_hours", "-1"),
                ("keep_previous_hours", "24"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    let asked = browser
        .post(
            "/admin/keys/saml/rotate",
            &[
                ("csrf", csrf.as_str()),
                ("activate_in_hours", "168"),
                ("keep_previous_hours", "24"),
            ],
        )
        .await;
    assert_eq!(asked.status, 200);
    assert!(asked.body.contains("Rotate the SAML certificate?") && asked.body.contains("in 168 hours"));
    assert_eq!(server.state().store.saml_keys().await.unwrap().len(), saml_before);
    let rotated = browser
        .post(
            "/admin/keys/saml/rotate",
            &[
                ("csrf", csrf.as_str()),
                ("activate_in_hours", "168"),
                ("keep_previous_hours", "24"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(rotated.status, 303, "{}", rotated.body);
    assert_eq!(server.state().store.saml_keys().await.unwrap().len(), saml_before + 1);
    assert!(
        notice(&browser.get("/admin/keys").await)
            .unwrap()
            .contains("Added the SAML certificate")
    );
    let console_event = newest(&server, "saml.key_rotated").await;
    let reply = call(
        &server,
        "POST",
        "/api/v1/saml/certificates/rotate",
        Some(&token),
        Some(&json!({})),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_as_api(
        &console_event,
        &newest(&server, "saml.key_rotated").await,
        &root,
        &["key_id", "activates_at", "retiring", "retired_at"],
    );

    // The dashboard lists the keys the rotations retire, and no certificate expiring (read through
    // protocols::saml::keys).
    let dashboard = browser.get("/admin").await;
    assert!(dashboard.body.contains("id=\"expiring-keys\""), "{}", dashboard.body);
    assert!(!dashboard.body.contains("SAML certificate expires"));
    let bare = browser
        .post("/admin/keys/rotate", &[("alg", "ES256"), ("confirm", "yes")])
        .await;
    assert_eq!(bare.status, 403);
}

#[tokio::test]
async fn hardware_tokens_are_imported_all_or_nothing_and_listed_in_pages() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    let root = server.user("root").await;
    let page = browser.get("/admin/hardware-tokens").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"no-tokens\"") && page.body.contains("id=\"import-form\""));
    let csrf = page.csrf();

    let bad = "serial,secret_base32,type,digits,period\nT001,JBSWY3DPEHPK3PXP,totp,6,30\nT002,not base32!,totp,6,30\n";
    let refused = browser
        .post(
            "/admin/hardware-tokens",
            &[("csrf", csrf.as_str()), ("format", "csv"), ("content", bad)],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.body.contains("id=\"import-error\"") && refused.body.contains("T002"),
        "{}",
        refused.body
    );
    assert!(
        server.state().store.list_hardware_tokens().await.unwrap().is_empty(),
        "all or nothing"
    );

    let mut csv = String::from("serial,secret_base32,type,digits,period\n");
    for n in 0..55 {
        csv.push_str(&format!("T{n:03},JBSWY3DPEHPK3PXP,totp,6,30\n"));
    }
    let imported = browser
        .post(
            "/admin/hardware-tokens",
            &[("csrf", csrf.as_str()), ("format", "auto"), ("content", csv.as_str())],
        )
        .await;
    assert_eq!(imported.status, 303, "{}", imported.body);
    let page = browser.get("/admin/hardware-tokens").await;
    assert!(notice(&page).unwrap().contains("Imported 55 hardware tokens"));
    assert_eq!(page.body.matches("data-serial=").count(), 50);
    assert!(!page.body.contains("JBSWY3DPEHPK3PXP"), "never a seed");
    let next = page
        .body
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.contains("after="))
        .expect("a next page")
        .replace("&amp;", "&");
    let second = browser.get(&next).await;
    assert_eq!(second.body.matches("data-serial=").count(), 5);

    let again = browser
        .post(
            "/admin/hardware-tokens",
            &[
                ("csrf", csrf.as_str()),
                ("format", "csv"),
                ("content", "T000,JBSWY3DPEHPK3PXP,totp,6,30"),
            ],
        )
        .await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(server.state().store.list_hardware_tokens().await.unwrap().len(), 55);

    let token = api_admin(&server).await;
    let console_event = newest(&server, "tokens.imported").await;
    let mut api_csv = String::new();
    for n in 0..55 {
        api_csv.push_str(&format!("U{n:03},JBSWY3DPEHPK3PXP,totp,6,30\n"));
    }
    let reply = call(
        &server,
        "POST",
        "/api/v1/hardware-tokens/import",
        Some(&token),
        Some(&json!({ "format": "csv", "content": api_csv })),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_as_api(&console_event, &newest(&server, "tokens.imported").await, &root, &[]);

    let bare = browser
        .post(
            "/admin/hardware-tokens",
            &[("content", "V001,JBSWY3DPEHPK3PXP,totp,6,30")],
        )
        .await;
    assert_eq!(bare.status, 403);
    assert_eq!(server.state().store.list_hardware_tokens().await.unwrap().len(), 110);
}
