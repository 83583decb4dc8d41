//! Who gets into the console: nobody signed out, nobody without an administrative role (403, audited), nobody
//! whose sign-in is weaker than their role needs (sent to step up, or refused when no factor of theirs can), no
//! change without a recent sign-in or a CSRF token; and the helpdesk only as far as its role goes.
use super::common::*;
use crate::common::*;
use gatehouse::core::policy::assurance::PHISHING_RESISTANT;
use gatehouse::http::encode;
use serde_json::Value;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

#[tokio::test]
async fn signed_out_browsers_are_sent_to_sign_in_and_back() {
    let server = TestServer::start().await;
    let browser = server.browser();
    for (path, back) in [
        ("/admin", "%2Fadmin"),
        ("/admin/users?q=bo", "%2Fadmin%2Fusers%3Fq%3Dbo"),
        ("/admin/users/bob", "%2Fadmin%2Fusers%2Fbob"),
        (
            "/admin/audit?kind=user.created",
            "%2Fadmin%2Faudit%3Fkind%3Duser.created",
        ),
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 303, "{path}");
        assert_eq!(page.location(), Some(format!("/login?return_to={back}")), "{path}");
    }
}

#[tokio::test]
async fn a_person_without_an_administrative_role_gets_403_and_it_is_audited() {
    let server = TestServer::start().await;
    let uma = server.add_user("uma", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login("uma", GOOD_PASSWORD).await.status, 303);
    for path in [
        "/admin",
        "/admin/users",
        "/admin/audit",
        "/admin/audit/export?format=csv",
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 403, "{path}: {}", page.body);
        assert!(page.body.contains("administrators and helpdesk agents"), "{path}");
    }
    let events = server.state().store.list_audit(Some(&uma.id), 50).await.unwrap();
    let refused: Vec<_> = events.iter().filter(|e| e.event.kind == "admin.access").collect();
    assert_eq!(refused.len(), 4, "each refusal is audited");
    assert_eq!(refused[0].event.outcome.as_str(), "denied");
    assert_eq!(refused[0].event.details["reason"], "role_missing");
    assert_eq!(refused[0].event.actor, Some(format!("user:{}", uma.id)));
}

#[tokio::test]
async fn an_administrator_signed_in_with_an_app_steps_up_with_a_security_key() {
    let (server, _db) = console_server().await;
    // Only so that this administrator can sign in with an app at all, which must still not be enough.
    allow_factors(&server, "admin", "webauthn,totp,recovery_code").await;
    let root = server.add_user_with("root", Some(GOOD_PASSWORD), &["admin"]).await;
    let (browser, _) = signed_in_with_totp(&server, "root").await;

    // No factor of the account reaches the level: refused, audited, and told what to add.
    let refused = browser.get("/admin").await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(
        refused.body.contains(
            "Add a security key or passkey under Account › Sign-in security (/account/security), then open the \
             console again."
        ),
        "{}",
        refused.body
    );
    let events = server.state().store.list_audit(Some(&root.id), 50).await.unwrap();
    let denied = events.iter().find(|e| e.event.kind == "admin.access").expect("audited");
    assert_eq!(denied.event.details["reason"], "level_unreachable");

    // With a security key on the account, the app sign-in is sent to the step-up page for that level.
    let mut key = SoftPasskey::new(true);
    let registered = crate::factors::webauthn::register(&server, &browser, &mut key).await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    let sent = browser.get("/admin/users?q=ro").await;
    assert_eq!(sent.status, 303);
    let location = sent.location().unwrap();
    assert_eq!(
        location,
        format!(
            "/login/factor?level={}&return_to={}",
            encode(PHISHING_RESISTANT),
            encode("/admin/users?q=ro")
        )
    );
    let step = browser.get(&location).await;
    assert_eq!(step.status, 200, "{}", step.body);
    assert!(
        !step.body.contains("name=\"code\""),
        "an app code cannot reach the level"
    );
    let done = use_key(&server, &browser, &step, &mut key).await;
    assert_eq!(done["redirect"], Value::from("/admin/users?q=ro"));
    let console = browser.get("/admin/users?q=ro").await;
    assert_eq!(console.status, 200, "{}", console.body);
    assert!(console.body.contains("data-username=\"root\""));

    // The key's proof lasts an administrator 8 hours (RFC 9470 lifetimes): a console kept open past that (the
    // session kept alive within its idle limit) is sent to prove it again, though the sign-in itself still stands.
    for _ in 0..34 {
        server.clock.advance(chrono::Duration::minutes(14));
        let page = browser.get("/admin").await;
        assert_eq!(page.status, 200, "within the level's age: {}", page.body);
    }
    server.clock.advance(chrono::Duration::minutes(14));
    let aged = browser.get("/admin").await;
    assert_eq!(aged.status, 303, "{}", aged.body);
    assert_eq!(
        aged.location().unwrap(),
        format!(
            "/login/factor?level={}&return_to={}",
            encode(PHISHING_RESISTANT),
            encode("/admin")
        )
    );
}

#[tokio::test]
async fn changes_need_a_recent_sign_in_and_a_csrf_token() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    server.add_user("carol", None).await;

    // Without the form's token, or with another browser's, nothing happens.
    let before = server.state().store.list_users().await.unwrap().len();
    let bare = browser
        .post("/admin/users", &[("username", "mallory"), ("email", "m@example.com")])
        .await;
    assert_eq!(bare.status, 403, "{}", bare.body);
    let other = server.browser();
    let foreign = other.get("/login").await.csrf();
    let forged = browser
        .post(
            "/admin/users",
            &[
                ("csrf", foreign.as_str()),
                ("username", "mallory"),
                ("email", "m@example.com"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
    for action in [
        "/admin/users/carol/status",
        "/admin/users/carol/roles/add",
        "/admin/users/carol/roles/remove",
    ] {
        let refused = browser
            .post(action, &[("status", "disabled"), ("role", "user"), ("confirm", "yes")])
            .await;
        assert_eq!(refused.status, 403, "{action}");
    }
    assert_eq!(server.state().store.list_users().await.unwrap().len(), before);
    assert_eq!(server.user("carol").await.status.as_str(), "active");

    // Eleven minutes on, reading still works but a change asks to sign in again, then comes back here.
    server.clock.advance(chrono::Duration::minutes(11));
    let page = browser.get("/admin/users/carol").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let stale = browser
        .post(
            "/admin/users/carol/roles/add",
            &[("csrf", page.csrf().as_str()), ("role", "helpdesk")],
        )
        .await;
    assert_eq!(stale.status, 303);
    assert_eq!(
        stale.location().as_deref(),
        Some("/login?reauth=1&return_to=%2Fadmin%2Fusers%2Fcarol")
    );
    assert!(
        !server
            .state()
            .store
            .roles_of(&server.user("carol").await.id)
            .await
            .unwrap()
            .contains(&"helpdesk".into())
    );
}

#[tokio::test]
async fn the_helpdesk_reads_users_supports_them_but_never_creates_or_acts_on_an_administrator() {
    let (server, _db) = console_server().await;
    server.add_user_with("root", Some(GOOD_PASSWORD), &["admin"]).await;
    server.add_user("carol", Some(GOOD_PASSWORD)).await;
    let browser = helpdesk(&server, "hana").await;

    let users = browser.get("/admin/users").await;
    assert_eq!(users.status, 200, "{}", users.body);
    assert!(users.body.contains("data-username=\"carol\"") && users.body.contains("data-username=\"root\""));
    assert!(
        !users.body.contains("id=\"create-form\""),
        "no create form for the helpdesk"
    );
    assert!(
        !users.body.contains("href=\"/admin/audit\""),
        "no audit log in the helpdesk's navigation"
    );
    assert!(users.body.contains("href=\"/helpdesk\""));
    assert_eq!(browser.get("/admin/audit").await.status, 403);
    assert_eq!(browser.get("/admin/audit/export?format=jsonl").await.status, 403);

    let created = browser
        .post(
            "/admin/users",
            &[
                ("csrf", users.csrf().as_str()),
                ("username", "dave"),
                ("email", "dave@example.com"),
            ],
        )
        .await;
    assert_eq!(created.status, 403, "{}", created.body);
    assert!(server.state().store.user_by_username("dave").await.unwrap().is_none());

    // An administrator's account: readable, with no controls, and a forged action is refused.
    let root_page = browser.get("/admin/users/root").await;
    assert_eq!(root_page.status, 200, "{}", root_page.body);
    assert!(!root_page.body.contains("id=\"status-form\"") && !root_page.body.contains("id=\"add-role-form\""));
    assert!(
        !root_page.body.contains("id=\"trail\""),
        "the helpdesk does not read the audit log"
    );
    let csrf = root_page.csrf();
    let refused = browser
        .post(
            "/admin/users/root/status",
            &[("csrf", csrf.as_str()), ("status", "disabled"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("administrator"), "{}", refused.body);
    assert_eq!(server.user("root").await.status.as_str(), "active");
    let role = browser
        .post(
            "/admin/users/carol/roles/add",
            &[("csrf", csrf.as_str()), ("role", "admin")],
        )
        .await;
    assert_eq!(role.status, 403);

    // An ordinary account: disabled after confirming, audited as the agent.
    let carol_page = browser.get("/admin/users/carol").await;
    assert!(carol_page.body.contains("id=\"status-form\"") && !carol_page.body.contains("id=\"add-role-form\""));
    let asked = browser
        .post(
            "/admin/users/carol/status",
            &[("csrf", csrf.as_str()), ("status", "disabled")],
        )
        .await;
    assert_eq!(asked.status, 200);
    assert!(asked.body.contains("id=\"confirm-form\""));
    assert_eq!(
        server.user("carol").await.status.as_str(),
        "active",
        "not before confirming"
    );
    let done = browser
        .post(
            "/admin/users/carol/status",
            &[("csrf", csrf.as_str()), ("status", "disabled"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(server.user("carol").await.status.as_str(), "disabled");
    let hana = server.user("hana").await;
    let carol = server.user("carol").await;
    let events = server.state().store.list_audit(Some(&carol.id), 10).await.unwrap();
    let disabled = events
        .iter()
        .find(|e| e.event.kind == "user.disabled")
        .expect("audited");
    assert_eq!(disabled.event.actor, Some(format!("user:{}", hana.id)));
}
