//! `/api/v1/roles`: every role's policy, one role's, and changing one through the same core function as
//! `gatehouse role set` (the same audit event); only administrators; bad input names the field and changes nothing.
use super::common::*;
use crate::common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn list_show_and_change_role_policies() {
    let (server, token) = admin_server().await;
    let all = call(&server, "GET", "/api/v1/roles", Some(&token), None).await;
    assert_eq!(all.status, 200, "{}", all.text);
    let names: Vec<&str> = all
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["role"].as_str().unwrap())
        .collect();
    for role in ["admin", "helpdesk", "user"] {
        assert!(names.contains(&role), "{names:?}");
    }
    let user = call(&server, "GET", "/api/v1/roles/user", Some(&token), None).await;
    assert_eq!(user.status, 200);
    assert!(user.json["allowed_factors"].is_array() && user.json["ip_allow"].is_array());

    let change = json!({
        "allowed_factors": ["totp", "webauthn"], "mfa_required": true, "enforce_from": "2030-01-01",
        "grace_days": 14, "trusted_device_days": 30, "reauth_absolute_minutes": 600, "reauth_idle_minutes": 60,
        "ip_allow": ["10.0.0.0/8", "2001:db8::/32"], "ip_deny": ["10.6.6.6"], "recovery_delay_minutes": 120,
    });
    let changed = call(&server, "PATCH", "/api/v1/roles/user", Some(&token), Some(&change)).await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    let expected = json!({
        "role": "user", "allowed_factors": ["webauthn", "totp"], "mfa_required": true,
        "enforce_from": "2030-01-01", "grace_days": 14, "trusted_device_days": 30,
        "reauth_absolute_minutes": 600, "reauth_idle_minutes": 60, "ip_allow": ["10.0.0.0/8", "2001:db8::/32"],
        "ip_deny": ["10.6.6.6/32"], "recovery_delay_minutes": 120,
    });
    let shown = call(&server, "GET", "/api/v1/roles/user", Some(&token), None).await;
    for reply in [&changed, &shown] {
        for (member, value) in expected.as_object().unwrap() {
            assert_eq!(&reply.json[member], value, "{member}: {}", reply.text);
        }
    }

    // null clears what can be unset; a member left out keeps its value.
    let clear = json!({ "enforce_from": null, "grace_days": 0, "reauth_absolute_minutes": null,
        "reauth_idle_minutes": null, "recovery_delay_minutes": null, "ip_allow": [] });
    let cleared = call(&server, "PATCH", "/api/v1/roles/user", Some(&token), Some(&clear)).await;
    assert_eq!(cleared.status, 200, "{}", cleared.text);
    for member in [
        "enforce_from",
        "reauth_absolute_minutes",
        "reauth_idle_minutes",
        "recovery_delay_minutes",
    ] {
        assert_eq!(cleared.json[member], Value::Null, "{member}");
    }
    assert_eq!(cleared.json["ip_allow"], json!([]));
    assert_eq!(cleared.json["ip_deny"], json!(["10.6.6.6/32"]));
    assert_eq!(cleared.json["mfa_required"], true);
    assert_eq!(count_events(&server, "role.policy_changed").await, 2);

    // The same change again changes nothing and writes no event.
    let again = call(&server, "PATCH", "/api/v1/roles/user", Some(&token), Some(&clear)).await;
    assert_eq!(again.status, 200);
    assert_eq!(count_events(&server, "role.policy_changed").await, 2);

    for (method, body) in [("GET", None), ("PATCH", Some(json!({ "grace_days": 1 })))] {
        call(&server, method, "/api/v1/roles/emperor", Some(&token), body.as_ref())
            .await
            .assert_problem(404);
    }
}

#[tokio::test]
async fn only_administrators_read_or_change_roles() {
    let (server, admin) = admin_server().await;
    let before = call(&server, "GET", "/api/v1/roles/user", Some(&admin), None).await;
    for (role, token) in non_admin_tokens(&server).await {
        for (method, path, body) in [
            ("GET", "/api/v1/roles", None),
            ("GET", "/api/v1/roles/user", None),
            ("PATCH", "/api/v1/roles/user", Some(json!({ "mfa_required": true }))),
        ] {
            let reply = call(&server, method, path, Some(&token), body.as_ref()).await;
            assert_eq!(reply.status, 403, "{role}: {method} {path}: {}", reply.text);
            reply.assert_problem(403);
        }
    }
    let after = call(&server, "GET", "/api/v1/roles/user", Some(&admin), None).await;
    assert_eq!(after.json, before.json);
    assert_eq!(count_events(&server, "role.policy_changed").await, 0);
}

#[tokio::test]
async fn bad_input_names_the_field_and_changes_nothing() {
    let (server, token) = admin_server().await;
    // Users holding helpdesk and user together: their roles must keep a primary kind in common.
    server.add_user_with("hal", None, &["user", "helpdesk"]).await;
    let only_webauthn = json!({ "allowed_factors": ["webauthn"] });
    let set = call(
        &server,
        "PATCH",
        "/api/v1/roles/helpdesk",
        Some(&token),
        Some(&only_webauthn),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.text);
    let before = call(&server, "GET", "/api/v1/roles/user", Some(&token), None).await;
    let events = count_events(&server, "role.policy_changed").await;

    let cases = [
        (json!({ "colour": "red" }), "colour"),
        (json!({ "allowed_factors": ["password"] }), "allowed_factors"),
        (json!({ "allowed_factors": [] }), "allowed_factors"),
        (json!({ "allowed_factors": ["recovery_code"] }), "allowed_factors"),
        (json!({ "allowed_factors": ["totp"] }), "allowed_factors"),
        (json!({ "allowed_factors": null }), "allowed_factors"),
        (json!({ "mfa_required": null }), "mfa_required"),
        (json!({ "enforce_from": "2030-02-30" }), "enforce_from"),
        (json!({ "enforce_from": "none" }), "enforce_from"),
        (json!({ "grace_days": 366 }), "grace_days"),
        (json!({ "grace_days": 5 }), "grace_days"),
        (json!({ "trusted_device_days": 1000 }), "trusted_device_days"),
        (json!({ "reauth_absolute_minutes": 0 }), "reauth_absolute_minutes"),
        (
            json!({ "reauth_absolute_minutes": 60, "reauth_idle_minutes": 600 }),
            "reauth_idle_minutes",
        ),
        (json!({ "ip_allow": ["10.0.0.0/33"] }), "ip_allow"),
        (json!({ "ip_deny": ["10.0.0.1,10.0.0.2"] }), "ip_deny"),
        (json!({ "ip_deny": null }), "ip_deny"),
        (json!({ "recovery_delay_minutes": 0 }), "recovery_delay_minutes"),
        (json!({ "recovery_delay_minutes": 43_201 }), "recovery_delay_minutes"),
        (json!({ "acr_max_age_minutes": { "gold": 60 } }), "acr_max_age_minutes"),
        (json!({ "acr_max_age_minutes": { "phr": 0 } }), "acr_max_age_minutes"),
        (
            json!({ "acr_max_age_minutes": { "mfa": 525_601 } }),
            "acr_max_age_minutes",
        ),
        (json!({ "acr_max_age_minutes": null }), "acr_max_age_minutes"),
        (json!({ "passkey_attestation": "direct" }), "passkey_attestation"),
        (json!({ "passkey_attestation": null }), "passkey_attestation"),
        (json!({ "passkey_aaguids": ["yubikey"] }), "passkey_aaguids"),
        (
            json!({ "passkey_aaguids": ["cb69481e-8ff7-4039-93ec-0a2729a154a8,ee882879-721c-4913-9775-3dfcce97072a"] }),
            "passkey_aaguids",
        ),
        // A model list without attestation: any authenticator could claim the AAGUID.
        (
            json!({ "passkey_aaguids": ["cb69481e-8ff7-4039-93ec-0a2729a154a8"] }),
            "passkey_aaguids",
        ),
        (json!({ "passkey_device_bound": null }), "passkey_device_bound"),
    ];
    for (body, field) in cases {
        let reply = call(&server, "PATCH", "/api/v1/roles/user", Some(&token), Some(&body)).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.text);
        reply.assert_problem(400);
        assert_eq!(reply.json["errors"][0]["field"], field, "{body}: {}", reply.text);
    }
    for body in [
        json!({ "grace_days": "three" }),
        json!({ "grace_days": -1 }),
        json!({ "mfa_required": "yes" }),
        json!({ "allowed_factors": "totp" }),
        json!([]),
    ] {
        call(&server, "PATCH", "/api/v1/roles/user", Some(&token), Some(&body))
            .await
            .assert_problem(400);
    }
    let huge = json!({ "ip_allow": vec!["10.0.0.0/8"; 10_000] });
    call(&server, "PATCH", "/api/v1/roles/user", Some(&token), Some(&huge))
        .await
        .assert_problem(413);

    let after = call(&server, "GET", "/api/v1/roles/user", Some(&token), None).await;
    assert_eq!(after.json, before.json, "nothing changed");
    assert_eq!(count_events(&server, "role.policy_changed").await, events);
}

#[tokio::test]
async fn a_change_through_the_api_is_audited_as_the_command_line_audits_it() {
    let by_cli = TestServer::start().await;
    cli(
        &by_cli,
        &[
            "role",
            "set",
            "user",
            "--factors",
            "totp,webauthn",
            "--mfa-required",
            "true",
            "--enforce-from",
            "2030-01-01",
            "--grace-days",
            "14",
            "--ip-allow",
            "10.0.0.0/8",
            "--recovery-delay",
            "2h",
            "--reauth-idle-minutes",
            "none",
            "--acr-max-age",
            "phr=1h",
            "--passkey-attestation",
            "required",
            "--passkey-aaguids",
            "cb69481e-8ff7-4039-93ec-0a2729a154a8",
            "--passkey-device-bound",
            "true",
            "--passkey-uv",
            "true",
        ],
    );
    let (by_api, token) = admin_server().await;
    let change = json!({
        "allowed_factors": ["totp", "webauthn"], "mfa_required": true, "enforce_from": "2030-01-01",
        "grace_days": 14, "ip_allow": ["10.0.0.0/8"], "recovery_delay_minutes": 120, "reauth_idle_minutes": null,
        "acr_max_age_minutes": { "phr": 60 },
        "passkey_attestation": "required", "passkey_aaguids": ["cb69481e-8ff7-4039-93ec-0a2729a154a8"],
        "passkey_device_bound": true, "passkey_user_verification": true,
    });
    let reply = call(&by_api, "PATCH", "/api/v1/roles/user", Some(&token), Some(&change)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["passkey_attestation"], "required", "{}", reply.text);
    assert_eq!(
        reply.json["passkey_aaguids"],
        json!(["cb69481e-8ff7-4039-93ec-0a2729a154a8"])
    );
    assert_eq!(reply.json["passkey_device_bound"], true);
    assert_eq!(reply.json["passkey_user_verification"], true);
    assert_same_event(
        &last_event(&by_api, "role.policy_changed").await,
        &last_event(&by_cli, "role.policy_changed").await,
        &["updated_at"],
    );
}
