//! Credentials over the API: an administrator sets a password (sessions end, strength rules apply), the helpdesk
//! mails a password link, a security key's clone flag is cleared, and only administrators change `mfa_required`.
use super::common::*;
use crate::common::*;
use serde_json::json;

#[tokio::test]
async fn passwords_links_the_mfa_flag_and_clone_flags() {
    let (server, admin) = admin_server().await;
    let helpdesk = token_with_role(&server, "helpdesk").await;
    server.add_user("olga", Some(GOOD_PASSWORD)).await;
    let olga = server.user("olga").await;
    let browser = server.browser();
    browser.login("olga", GOOD_PASSWORD).await;
    assert_eq!(server.session_count(&olga).await, 1);

    // A weak password is refused at the field; nothing changes.
    let weak = call(
        &server,
        "POST",
        "/api/v1/users/olga/password",
        Some(&admin),
        Some(&json!({ "password": "password" })),
    )
    .await;
    weak.assert_problem(400);
    assert_eq!(weak.json["errors"][0]["field"], "password");
    assert_eq!(server.session_count(&olga).await, 1);
    // The helpdesk may not set passwords, only send a link.
    let strong = json!({ "password": "Tr0ub4dor & 3 horses staple" });
    call(
        &server,
        "POST",
        "/api/v1/users/olga/password",
        Some(&helpdesk),
        Some(&strong),
    )
    .await
    .assert_problem(403);
    let set = call(
        &server,
        "POST",
        "/api/v1/users/olga/password",
        Some(&admin),
        Some(&strong),
    )
    .await;
    assert_eq!(set.status, 204, "{}", set.text);
    assert_eq!(server.session_count(&olga).await, 0, "every session ended");

    let link = call(
        &server,
        "POST",
        "/api/v1/users/olga/password-link",
        Some(&helpdesk),
        None,
    )
    .await;
    assert_eq!(link.status, 202, "{}", link.text);
    assert_eq!(link.json["sent_to"], "olga@example.com");
    let mail = server
        .mails(1)
        .await
        .into_iter()
        .rev()
        .find(|m| m.contains("To: olga@example.com"))
        .expect("mailed");
    assert!(link_in(&mail).contains("/password/reset?token="), "{mail}");
    server
        .state()
        .store
        .set_status(
            &olga.id,
            gatehouse::core::model::UserStatus::Disabled,
            server.state().clock.now(),
        )
        .await
        .unwrap();
    call(
        &server,
        "POST",
        "/api/v1/users/olga/password-link",
        Some(&helpdesk),
        None,
    )
    .await
    .assert_problem(409);

    // mfa_required: administrators only, refused before anything else in the body is applied.
    let both = json!({ "display_name": "Olga O.", "mfa_required": true });
    call(&server, "PATCH", "/api/v1/users/olga", Some(&helpdesk), Some(&both))
        .await
        .assert_problem(403);
    assert_eq!(server.user("olga").await.display_name, "olga", "nothing applied");
    let required = call(&server, "PATCH", "/api/v1/users/olga", Some(&admin), Some(&both)).await;
    assert_eq!(required.status, 200, "{}", required.text);
    assert_eq!(required.json["mfa_required"], true);

    // A clone flag on a stored security key is cleared, once.
    let mut key = gatehouse::core::factors::Factor::new(
        &olga.id,
        gatehouse::core::factors::FactorKind::WebAuthn,
        "Key".into(),
        gatehouse::core::factors::FactorStatus::Active,
        json!({ "flagged": true }),
        server.state().clock.now(),
    );
    key.data = json!({ "flagged": true });
    server.state().store.insert_factor(&key).await.unwrap();
    let listed = call(&server, "GET", "/api/v1/users/olga/factors", Some(&helpdesk), None).await;
    assert_eq!(listed.json[0]["flagged"], true, "{}", listed.text);
    let path = format!("/api/v1/users/olga/factors/{}/clear-clone-flag", key.id);
    let cleared = call(&server, "POST", &path, Some(&helpdesk), None).await;
    assert_eq!(cleared.status, 200, "{}", cleared.text);
    assert_eq!(cleared.json["was_flagged"], true);
    assert_eq!(
        call(&server, "POST", &path, Some(&helpdesk), None).await.json["was_flagged"],
        false
    );
    call(
        &server,
        "POST",
        "/api/v1/users/olga/factors/nope/clear-clone-flag",
        Some(&helpdesk),
        None,
    )
    .await
    .assert_problem(404);
}
