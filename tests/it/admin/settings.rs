//! Role policies and OpenID Connect clients in the console: shown and changed through the functions the admin
//! API calls (the same audit events, the administrator as actor), refusals beside the form with what was typed and
//! nothing changed, tightening a policy and destructive changes confirmed first, a secret shown once, the helpdesk
//! refused (403) as the API refuses it, and no change without a CSRF token.
use super::common::*;
use crate::api::common::call;
use crate::common::*;
use serde_json::json;

/// The policy form as the role page fills it, with `changes` instead.
fn policy_form<'a>(csrf: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("csrf", csrf),
        ("kind_webauthn", "on"),
        ("kind_totp", "on"),
        ("kind_oath_token", "on"),
        ("kind_sms", "on"),
        ("kind_recovery_code", "on"),
        ("enforce_from", ""),
        ("grace_days", "0"),
        ("trusted_device_days", "0"),
        ("reauth_absolute_minutes", ""),
        ("reauth_idle_minutes", ""),
        ("ip_allow", ""),
        ("ip_deny", ""),
        ("recovery_delay_minutes", ""),
        ("recovery_default", "on"),
        ("caller_check", ""),
    ];
    for (name, value) in changes {
        form.retain(|(n, _)| n != name);
        if !value.is_empty() || !name.starts_with("kind_") {
            form.push((name, value));
        }
    }
    form.retain(|(n, v)| !(n.starts_with("kind_") && v.is_empty()));
    form
}

#[tokio::test]
async fn role_policies_are_shown_changed_whole_and_tightening_asks_first() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    let root = server.user("root").await;
    server.add_user("carol", Some(GOOD_PASSWORD)).await;
    let (dave_browser, _) = {
        server.add_user("dave", Some(GOOD_PASSWORD)).await;
        signed_in_with_totp(&server, "dave").await
    };
    drop(dave_browser);

    let list = browser.get("/admin/roles").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains("href=\"/admin/roles\" aria-current=\"page\""));
    for role in ["admin", "helpdesk", "user"] {
        assert!(list.body.contains(&format!("data-role=\"{role}\"")), "{role}");
    }
    let page = browser.get("/admin/roles/user").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"policy-form\""));
    let csrf = page.csrf();

    // Bad input: named, kept, nothing changed or audited.
    let events = events_of(&server, "role.policy_changed").await;
    let token = api_admin(&server).await;
    let before = call(&server, "GET", "/api/v1/roles/user", Some(&token), None)
        .await
        .json;
    for (changes, says) in [
        (vec![("grace_days", "400")], "Grace days"),
        (vec![("ip_allow", "10.0.0.0/8\nnot-a-network")], "Allowed networks"),
        (vec![("enforce_from", "tomorrow")], "Required from"),
        (vec![("grace_days", "3")], "grace period"),
        (
            vec![("reauth_absolute_minutes", "30"), ("reauth_idle_minutes", "60")],
            "idle limit",
        ),
        (
            vec![
                ("kind_webauthn", ""),
                ("kind_totp", ""),
                ("kind_oath_token", ""),
                ("kind_sms", ""),
            ],
            "Recovery codes are a backup",
        ),
    ] {
        let form = policy_form(&csrf, &changes);
        let refused = browser.post("/admin/roles/user", &form).await;
        assert_eq!(refused.status, 400, "{changes:?}: {}", refused.body);
        assert!(refused.body.contains("id=\"policy-error\""), "{changes:?}");
        assert!(refused.body.contains(says), "{changes:?}: {}", refused.body);
        let typed = changes[0].1.lines().last().unwrap_or_default();
        assert!(
            typed.is_empty() || refused.body.contains(typed),
            "{changes:?}: what was typed is kept"
        );
    }
    assert_eq!(events_of(&server, "role.policy_changed").await, events);

    // Requiring a second factor of users: carol has none, so it asks first and names her; dave has an app.
    let tighten = policy_form(
        &csrf,
        &[
            ("mfa_required", "on"),
            ("kind_sms", ""),
            ("trusted_device_days", "30"),
            ("ip_deny", "203.0.113.0/24"),
        ],
    );
    let asked = browser.post("/admin/roles/user", &tighten).await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert!(asked.body.contains("Tighten the policy of user?"), "{}", asked.body);
    assert!(
        asked.body.contains("carol") && !asked.body.contains(">dave<"),
        "{}",
        asked.body
    );
    assert_eq!(
        events_of(&server, "role.policy_changed").await,
        events,
        "not before confirming"
    );
    assert_eq!(asked.input("mfa_required").as_deref(), Some("on"));
    let mut confirmed = tighten.clone();
    confirmed.push(("confirm", "yes"));
    let done = browser.post("/admin/roles/user", &confirmed).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let page = browser.get("/admin/roles/user").await;
    assert!(notice(&page).unwrap().contains("Changed the policy of the role user"));
    assert!(page.body.contains("203.0.113.0/24"));

    // Put back as it was, the API makes the same change: the same event.
    let console_event = newest(&server, "role.policy_changed").await;
    let undo = json!({
        "allowed_factors": before["allowed_factors"], "mfa_required": before["mfa_required"],
        "trusted_device_days": before["trusted_device_days"], "ip_deny": before["ip_deny"],
    });
    let reply = call(&server, "PATCH", "/api/v1/roles/user", Some(&token), Some(&undo)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let change = json!({
        "allowed_factors": ["webauthn", "totp", "oath_token", "recovery_code"], "mfa_required": true,
        "trusted_device_days": 30, "ip_deny": ["203.0.113.0/24"],
    });
    let reply = call(&server, "PATCH", "/api/v1/roles/user", Some(&token), Some(&change)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_as_api(
        &console_event,
        &newest(&server, "role.policy_changed").await,
        &root,
        &["updated_at"],
    );
    let after = call(&server, "GET", "/api/v1/roles/user", Some(&token), None)
        .await
        .json;
    assert_ne!(after, before);
    assert_eq!(after["mfa_required"], true);

    // Loosening needs no confirmation; without a CSRF token nothing happens; unknown roles are 404.
    let loosen = browser.post("/admin/roles/user", &policy_form(&csrf, &[])).await;
    assert_eq!(loosen.status, 303, "{}", loosen.body);
    let bare = policy_form("", &[("mfa_required", "on")]);
    let bare: Vec<_> = bare.into_iter().filter(|(n, _)| *n != "csrf").collect();
    assert_eq!(browser.post("/admin/roles/user", &bare).await.status, 403);
    assert_eq!(browser.get("/admin/roles/wizard").await.status, 404);
}

#[tokio::test]
async fn clients_are_registered_with_the_secret_shown_once_changed_rotated_and_removed() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    let root = server.user("root").await;
    let list = browser.get("/admin/clients").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains("id=\"register-form\"") && list.body.contains("id=\"no-clients\""));
    let csrf = list.csrf();

    let registered = browser
        .post(
            "/admin/clients",
            &[
                ("csrf", csrf.as_str()),
                ("client_id", "wiki"),
                (
                    "redirect_uris",
                    "https://wiki.example.com/cb\r\nhttps://wiki.example.com/cb2\r\n",
                ),
                ("type", "confidential"),
                ("grant_authorization_code", "on"),
                ("grant_refresh_token", "on"),
                ("trusted", "on"),
            ],
        )
        .await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    assert!(registered.body.contains("shown this once"), "{}", registered.body);
    assert_eq!(
        registered.headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let secret = registered
        .body
        .split("<output id=\"client-secret\" class=\"secret\" aria-live=\"off\"><code>")
        .nth(1)
        .and_then(|s| s.split("</code>").next())
        .expect("the secret")
        .to_string();
    let client = server.state().store.client("wiki").await.unwrap().unwrap();
    assert!(gatehouse::protocols::oidc::clients::secret_matches(&client, &secret));
    assert_eq!(
        client.redirect_uris,
        ["https://wiki.example.com/cb", "https://wiki.example.com/cb2"]
    );
    assert!(client.trusted && !client.public);
    let shown = browser.get("/admin/clients/wiki").await;
    assert_eq!(shown.status, 200);
    assert!(!shown.body.contains(&secret), "never shown again");
    assert!(
        browser
            .get("/admin/clients")
            .await
            .body
            .contains("data-client=\"wiki\"")
    );

    // The API registers the same kind of client: the same event.
    let console_event = newest(&server, "client.registered").await;
    let token = api_admin(&server).await;
    let body = json!({ "client_id": "wiki2", "redirect_uris": ["https://wiki.example.com/cb", "https://wiki.example.com/cb2"],
        "grants": ["authorization_code", "refresh_token"], "trusted": true });
    let reply = call(&server, "POST", "/api/v1/clients", Some(&token), Some(&body)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_as_api(
        &console_event,
        &newest(&server, "client.registered").await,
        &root,
        &["client_id"],
    );

    // Refusals keep what was typed and register nothing.
    for (fields, status, says) in [
        (
            vec![("client_id", "bad id!"), ("redirect_uris", "https://a.example/cb")],
            400,
            "client_id",
        ),
        (
            vec![("client_id", "other"), ("redirect_uris", "http://evil.example/cb")],
            400,
            "redirect_uris",
        ),
        (
            vec![("client_id", "wiki"), ("redirect_uris", "https://a.example/cb")],
            409,
            "wiki",
        ),
        (
            vec![("client_id", "svc"), ("redirect_uris", ""), ("service_role", "admin")],
            400,
            "service_role",
        ),
    ] {
        let mut form = vec![
            ("csrf", csrf.as_str()),
            ("type", "confidential"),
            ("grant_authorization_code", "on"),
        ];
        form.extend(fields.clone());
        let refused = browser.post("/admin/clients", &form).await;
        assert_eq!(refused.status, status, "{fields:?}: {}", refused.body);
        assert!(refused.body.contains("id=\"register-error\""), "{fields:?}");
        assert!(refused.body.contains(says), "{fields:?}: {}", refused.body);
        assert!(refused.body.contains(&format!("value=\"{}\"", fields[0].1)));
    }
    assert!(server.state().store.client("other").await.unwrap().is_none());

    // Redirect URIs: a bad one is refused and nothing changes; then replaced.
    let csrf = shown.csrf();
    let bad = browser
        .post(
            "/admin/clients/wiki/redirects",
            &[
                ("csrf", csrf.as_str()),
                ("redirect_uris", "https://wiki.example.com/new\nnot a uri"),
                ("post_logout_redirect_uris", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("id=\"redirects-error\"") && bad.body.contains("not a uri"));
    assert_eq!(
        server
            .state()
            .store
            .client("wiki")
            .await
            .unwrap()
            .unwrap()
            .redirect_uris
            .len(),
        2
    );
    let changed = browser
        .post(
            "/admin/clients/wiki/redirects",
            &[
                ("csrf", csrf.as_str()),
                ("redirect_uris", "https://wiki.example.com/new"),
                ("post_logout_redirect_uris", "https://wiki.example.com/"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(
        server
            .state()
            .store
            .client("wiki")
            .await
            .unwrap()
            .unwrap()
            .redirect_uris,
        ["https://wiki.example.com/new"]
    );
    let console_event = newest(&server, "client.updated").await;
    let body = json!({ "redirect_uris": ["https://wiki.example.com/new"], "post_logout_redirect_uris": ["https://wiki.example.com/"] });
    let reply = call(&server, "PATCH", "/api/v1/clients/wiki2", Some(&token), Some(&body)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_as_api(
        &console_event,
        &newest(&server, "client.updated").await,
        &root,
        &["client_id"],
    );

    // Rotating asks first, then shows the new secret once; the old one stops working.
    let asked = browser
        .post("/admin/clients/wiki/secret", &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(asked.status, 200);
    assert!(asked.body.contains("Rotate the secret of wiki?"));
    let client = server.state().store.client("wiki").await.unwrap().unwrap();
    assert!(
        gatehouse::protocols::oidc::clients::secret_matches(&client, &secret),
        "not before confirming"
    );
    let rotated = browser
        .post(
            "/admin/clients/wiki/secret",
            &[("csrf", csrf.as_str()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    assert!(rotated.body.contains("id=\"client-secret\"") && rotated.body.contains("shown this once"));
    let client = server.state().store.client("wiki").await.unwrap().unwrap();
    assert!(!gatehouse::protocols::oidc::clients::secret_matches(&client, &secret));
    let console_event = newest(&server, "client.secret_rotated").await;
    let reply = call(&server, "POST", "/api/v1/clients/wiki2/secret", Some(&token), None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_as_api(
        &console_event,
        &newest(&server, "client.secret_rotated").await,
        &root,
        &["client_id"],
    );

    // Removing asks first, then goes back to the list with a notice.
    let asked = browser
        .post("/admin/clients/wiki/remove", &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(asked.status, 200);
    assert!(asked.body.contains("Remove the client wiki?"));
    assert!(server.state().store.client("wiki").await.unwrap().is_some());
    let removed = browser
        .post(
            "/admin/clients/wiki/remove",
            &[("csrf", csrf.as_str()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(removed.status, 303);
    assert_eq!(removed.location().as_deref(), Some("/admin/clients"));
    assert!(
        notice(&browser.get("/admin/clients").await)
            .unwrap()
            .contains("Removed the client wiki")
    );
    assert!(server.state().store.client("wiki").await.unwrap().is_none());
    let console_event = newest(&server, "client.removed").await;
    let reply = call(&server, "DELETE", "/api/v1/clients/wiki2", Some(&token), None).await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    assert_as_api(
        &console_event,
        &newest(&server, "client.removed").await,
        &root,
        &["client_id"],
    );

    // Without the form's token, nothing.
    let bare = browser
        .post(
            "/admin/clients",
            &[
                ("client_id", "sneaky"),
                ("type", "public"),
                ("redirect_uris", "https://a.example/cb"),
            ],
        )
        .await;
    assert_eq!(bare.status, 403);
    assert!(server.state().store.client("sneaky").await.unwrap().is_none());
    assert_eq!(browser.get("/admin/clients/nothing").await.status, 404);
}

#[tokio::test]
async fn the_helpdesk_sees_none_of_the_settings_pages_and_is_refused_there() {
    let (server, _db) = console_server().await;
    server.add_user_with("root", Some(GOOD_PASSWORD), &["admin"]).await;
    let browser = helpdesk(&server, "hana").await;
    let users = browser.get("/admin/users").await;
    for link in [
        "/admin/roles",
        "/admin/clients",
        "/admin/service-providers",
        "/admin/keys",
        "/admin/hardware-tokens",
    ] {
        assert!(
            !users.body.contains(&format!("href=\"{link}\"")),
            "{link} in the helpdesk's navigation"
        );
        assert_eq!(browser.get(link).await.status, 403, "{link}");
    }
    assert_eq!(browser.get("/admin/roles/user").await.status, 403);
    let csrf = users.csrf();
    let events = server.state().store.list_audit(None, 1000).await.unwrap().len();
    for (path, form) in [
        (
            "/admin/roles/user",
            vec![
                ("kind_totp", "on"),
                ("mfa_required", "on"),
                ("grace_days", "0"),
                ("trusted_device_days", "0"),
            ],
        ),
        (
            "/admin/clients",
            vec![
                ("client_id", "x"),
                ("type", "public"),
                ("redirect_uris", "https://a.example/cb"),
            ],
        ),
        ("/admin/keys/rotate", vec![("alg", "all"), ("confirm", "yes")]),
        ("/admin/keys/saml/rotate", vec![("confirm", "yes")]),
        ("/admin/service-providers", vec![("metadata", "<x/>")]),
        (
            "/admin/hardware-tokens",
            vec![("content", "T1,JBSWY3DPEHPK3PXP,totp,6,30")],
        ),
    ] {
        let mut fields = vec![("csrf", csrf.as_str())];
        fields.extend(form);
        assert_eq!(browser.post(path, &fields).await.status, 403, "{path}");
    }
    let after = server.state().store.list_audit(None, 1000).await.unwrap();
    assert!(
        after
            .iter()
            .take(after.len() - events)
            .all(|e| !e.event.kind.starts_with("role.")
                && !e.event.kind.starts_with("client.")
                && !e.event.kind.starts_with("saml.")
                && !e.event.kind.starts_with("tokens.")
                && !e.event.kind.starts_with("oidc.")),
        "nothing changed"
    );
    // And the API refuses the helpdesk the same.
    let token = crate::api::common::token_with_role(&server, "helpdesk").await;
    for path in [
        "/api/v1/roles",
        "/api/v1/clients",
        "/api/v1/service-providers",
        "/api/v1/keys",
        "/api/v1/hardware-tokens",
    ] {
        assert_eq!(
            call(&server, "GET", path, Some(&token), None).await.status,
            403,
            "{path}"
        );
    }
}

#[tokio::test]
async fn level_ages_are_shown_with_their_defaults_and_edited_in_the_role_form() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    let page = browser.get("/admin/roles/admin").await;
    assert!(
        page.body
            .contains("Phishing-resistant sign-in lasts (minutes; empty: 480)"),
        "the admin role's built-in age: {}",
        page.body
    );
    let page = browser.get("/admin/roles/user").await;
    assert!(page.body.contains("Multi-factor sign-in lasts (minutes; empty: 1440)"));
    let csrf = page.csrf();
    let token = api_admin(&server).await;
    let before = call(&server, "GET", "/api/v1/roles/user", Some(&token), None)
        .await
        .json;
    let refused = browser
        .post(
            "/admin/roles/user",
            &policy_form(&csrf, &[("trusted_device_days", "30"), ("acr_age_phr", "0")]),
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.body.contains("Phishing-resistant sign-in lasts (minutes)"),
        "{}",
        refused.body
    );
    assert_eq!(
        call(&server, "GET", "/api/v1/roles/user", Some(&token), None)
            .await
            .json,
        before,
        "nothing changed"
    );
    let saved = browser
        .post(
            "/admin/roles/user",
            &policy_form(&csrf, &[("trusted_device_days", "30"), ("acr_age_phr", "240")]),
        )
        .await;
    assert_ne!(saved.status, 400, "{}", saved.body);
    let after = call(&server, "GET", "/api/v1/roles/user", Some(&token), None)
        .await
        .json;
    assert_eq!(
        after["acr_max_age_minutes"],
        json!({ "mfa": 1440, "phr": 240, "phrh": 240 }),
        "{after}"
    );
    assert_eq!(after["acr_max_age_default"], json!(["mfa", "phrh"]));
}

#[tokio::test]
async fn the_passkey_profile_is_edited_in_the_role_form() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    let page = browser.get("/admin/roles/user").await;
    assert!(page.body.contains("id=\"passkey-profile\""), "{}", page.body);
    let csrf = page.csrf();
    let token = api_admin(&server).await;
    let before = call(&server, "GET", "/api/v1/roles/user", Some(&token), None)
        .await
        .json;
    // A model list without attestation is refused, with the reason, and nothing changes.
    let refused = browser
        .post(
            "/admin/roles/user",
            &policy_form(&csrf, &[("passkey_aaguids", "cb69481e-8ff7-4039-93ec-0a2729a154a8")]),
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.body.contains("needs passkey attestation required"),
        "{}",
        refused.body
    );
    let bad = browser
        .post(
            "/admin/roles/user",
            &policy_form(&csrf, &[("passkey_attested", "on"), ("passkey_aaguids", "yubikey")]),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("must be an AAGUID"), "{}", bad.body);
    assert_eq!(
        call(&server, "GET", "/api/v1/roles/user", Some(&token), None)
            .await
            .json,
        before,
        "nothing changed"
    );
    let saved = browser
        .post(
            "/admin/roles/user",
            &policy_form(
                &csrf,
                &[
                    ("passkey_attested", "on"),
                    (
                        "passkey_aaguids",
                        "cb69481e-8ff7-4039-93ec-0a2729a154a8\nee882879-721c-4913-9775-3dfcce97072a",
                    ),
                    ("passkey_device_bound", "on"),
                ],
            ),
        )
        .await;
    assert_ne!(saved.status, 400, "{}", saved.body);
    let after = call(&server, "GET", "/api/v1/roles/user", Some(&token), None)
        .await
        .json;
    assert_eq!(after["passkey_attestation"], "required", "{after}");
    assert_eq!(
        after["passkey_aaguids"],
        json!([
            "cb69481e-8ff7-4039-93ec-0a2729a154a8",
            "ee882879-721c-4913-9775-3dfcce97072a"
        ])
    );
    assert_eq!(after["passkey_device_bound"], true);
    assert_eq!(after["passkey_user_verification"], false);
    let page = browser.get("/admin/roles/user").await;
    assert!(
        page.body
            .contains("id=\"passkey-attested\" name=\"passkey_attested\" value=\"on\" checked")
    );
}
