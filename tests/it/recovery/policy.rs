//! The recovery policy per role at the request (issue #17 item 1): the path a request takes comes from the
//! subject's roles, not from a role's name — a custom role set to `two-admins` gets an administrator to approve
//! and another to execute, as admins and helpdesk agents do — and the path is stored on the request and shown.
use crate::api::common::{admin_server, call, cli};
use crate::common::*;
use crate::recovery::common::{
    add, as_user, cast, ctx, mail_to, member, opened_by_hugo, settings, stored_security_key,
};
use gatehouse::core::accounts as profile;
use gatehouse::core::audit::Origin;
use gatehouse::core::factors::FactorKind;
use gatehouse::core::policy::recovery::RecoveryPath;
use gatehouse::core::policy::{PolicyChange, roles};
use gatehouse::core::recovery::flow::{self, Target};

async fn set_paths(server: &TestServer, role: &str, paths: Vec<RecoveryPath>) -> gatehouse::core::Result<()> {
    let change = PolicyChange {
        recovery_paths: Some(Some(paths)),
        ..Default::default()
    };
    let (store, now) = (server.state().store.as_ref(), server.state().clock.now());
    roles::set(store, now, &Origin::cli(), role, &change).await.map(|_| ())
}

#[tokio::test]
async fn a_custom_role_on_two_admins_is_reset_by_two_administrators_only() {
    let server = TestServer::start().await;
    cast(&server).await;
    let (store, now) = (server.state().store.as_ref(), server.state().clock.now());
    roles::add(store, now, &Origin::cli(), "finance", "Treasury")
        .await
        .unwrap();
    set_paths(
        &server,
        "finance",
        vec![RecoveryPath::BackupFactor, RecoveryPath::TwoAdmins],
    )
    .await
    .unwrap();
    let fin = add(&server, "fin", &["user", "finance"], Some("mona")).await;
    stored_security_key(&server, &fin.id).await;

    let subject = member(&server, "fin").await;
    let request = as_user!(&server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &subject,
        "all",
        "lost key"
    ))
    .expect("opened");
    assert_eq!(request.recovery_path, Some(RecoveryPath::TwoAdmins));
    let route = request.route.clone().unwrap();
    assert_ne!(
        route.approver_id.as_deref(),
        Some(server.user("mona").await.id.as_str()),
        "{route:?}"
    );
    let opened = server.state().store.list_audit(Some(&fin.id), 10).await.unwrap();
    assert!(
        opened
            .iter()
            .any(|e| e.event.kind == "recovery.opened" && e.event.details["recovery_path"] == "two-admins")
    );

    // The manager may not approve; an administrator may; a helpdesk agent may not execute; another admin may.
    let refused = as_user!(&server, "mona", |c, m| flow::decide(
        &c,
        &m,
        Target::Id(&request.id),
        true,
        None
    ));
    assert!(refused.unwrap_err().to_string().contains("two-administrators path"));
    as_user!(&server, "ada", |c, m| flow::decide(
        &c,
        &m,
        Target::Id(&request.id),
        true,
        Some("called back on the desk phone")
    ))
    .expect("an administrator approves");
    let refused = as_user!(&server, "hana", |c, m| flow::execute(
        &c,
        &m,
        &request.id,
        &["employee_id".into()]
    ));
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("Only an administrator executes")
    );
    as_user!(&server, "abe", |c, m| flow::execute(
        &c,
        &m,
        &request.id,
        &["employee_id".into()]
    ))
    .expect("a second administrator executes");

    // A plain user's request takes the approval path; both are shown on the command line.
    let kim = opened_by_hugo(&server).await;
    assert_eq!(kim.recovery_path, Some(RecoveryPath::Approval));
    let shown = cli(&server, &["recovery", "show", "--as", "ada", &request.id]);
    assert_eq!(shown["recovery_path"], "two-admins", "{shown}");
    assert_eq!(shown["single_channel"], true, "fin has a mail address only");
    assert_eq!(
        cli(&server, &["recovery", "show", "--as", "ada", &kim.id])["recovery_path"],
        "approval"
    );
}

#[tokio::test]
async fn privileged_roles_never_allow_approval_or_sms_and_the_api_shows_the_path() {
    let (server, token) = admin_server().await;
    for (role, path) in [("admin", RecoveryPath::Approval), ("helpdesk", RecoveryPath::BackupSms)] {
        let refused = set_paths(&server, role, vec![path, RecoveryPath::TwoAdmins]).await;
        assert!(refused.unwrap_err().to_string().contains("may not allow"), "{role}");
    }
    let reply = call(
        &server,
        "PATCH",
        "/api/v1/roles/admin",
        Some(&token),
        Some(&serde_json::json!({ "recovery_paths": ["approval"] })),
    )
    .await;
    reply.assert_problem(400);
    assert_eq!(reply.json["errors"][0]["field"], "recovery_paths");

    add(&server, "mona", &["user"], None).await;
    let kim = add(&server, "kim", &["user"], Some("mona")).await;
    stored_security_key(&server, &kim.id).await;
    add(&server, "hugo", &["helpdesk"], None).await;
    let request = opened_by_hugo(&server).await;
    let reply = call(
        &server,
        "GET",
        &format!("/api/v1/recovery-requests/{}", request.id),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["request"]["recovery_path"], "approval", "{}", reply.text);
}

/// Kim has her mail and a phone on file when the request opens, then her address is changed (say, by someone who
/// took the account over): the cancel notice still reaches the old address, the new one, and her phone.
#[tokio::test]
async fn notices_go_to_the_addresses_the_user_had_when_the_request_opened() {
    let server = TestServer::start().await;
    cast(&server).await;
    let state = server.state();
    let (store, now) = (state.store.as_ref(), state.clock.now());
    let kim = server.user("kim").await;
    let kim = profile::set_phone(
        store,
        now,
        &Origin::cli(),
        &kim,
        state.notifier.as_ref(),
        state.sms.as_ref(),
        Some("+41791234567"),
    )
    .await
    .unwrap();
    let request = opened_by_hugo(&server).await;
    let addresses = request.notice_addresses.clone().unwrap();
    assert_eq!(addresses.emails, ["kim@example.com"]);
    assert_eq!(addresses.phones, ["+41791234567"]);
    assert_eq!(request.single_channel(), Some(false));
    let opened = server.state().store.list_audit(Some(&kim.id), 20).await.unwrap();
    let opened = opened.iter().find(|e| e.event.kind == "recovery.opened").unwrap();
    assert_eq!(opened.event.details["single_channel"], false);

    profile::set_email(
        store,
        now,
        &Origin::cli(),
        &kim,
        state.notifier.as_ref(),
        "kim.new@example.com",
    )
    .await
    .unwrap();
    as_user!(&server, "mona", |c, m| flow::decide(
        &c,
        &m,
        Target::Id(&request.id),
        true,
        None
    ))
    .unwrap();
    as_user!(&server, "hana", |c, m| flow::execute(
        &c,
        &m,
        &request.id,
        &["employee_id".into()]
    ))
    .unwrap();
    let old = mail_to(&server, "kim", "/recovery/cancel").await;
    assert!(old.contains("To: kim@example.com"));
    let new = mail_to(&server, "kim.new", "/recovery/cancel").await;
    assert!(new.contains("To: kim.new@example.com"));
    let events = server.state().store.list_audit(Some(&kim.id), 50).await.unwrap();
    let executed = events
        .iter()
        .find(|e| e.event.kind == "recovery.executed" && e.event.outcome.as_str() == "success")
        .unwrap();
    let notified: Vec<&str> = executed.event.details["notified"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(notified.iter().filter(|c| **c == "mail").count(), 2, "{notified:?}");
    assert!(notified.iter().any(|c| c.starts_with("sms:")), "{notified:?}");
}

/// A user with only a mail address: the request says its notices reach one address, on the helpdesk page, the
/// API, the command line and in its audit event.
#[tokio::test]
async fn a_request_that_can_reach_one_address_only_says_so() {
    let (server, _db) = crate::admin::common::console_server().await;
    let (browser, _) = crate::admin::common::admin(&server, "root").await;
    let token = crate::admin::common::api_admin(&server).await;
    add(&server, "mona", &["user"], None).await;
    let kim = add(&server, "kim", &["user"], Some("mona")).await;
    stored_security_key(&server, &kim.id).await;
    add(&server, "hugo", &["helpdesk"], None).await;
    add(&server, "ada", &["admin"], None).await;
    let request = opened_by_hugo(&server).await;
    assert_eq!(request.single_channel(), Some(true));
    let reply = call(
        &server,
        "GET",
        &format!("/api/v1/recovery-requests/{}", request.id),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(reply.json["request"]["single_channel"], true, "{}", reply.text);
    let events = server.state().store.list_audit(Some(&kim.id), 20).await.unwrap();
    let opened = events.iter().find(|e| e.event.kind == "recovery.opened").unwrap();
    assert_eq!(opened.event.details["single_channel"], true);

    // The helpdesk page warns, and shows the path.
    let page = browser.get(&format!("/helpdesk/request?id={}", request.id)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"single-channel\""), "{}", page.body);
    assert!(
        page.body.contains("approved by the manager, executed by the helpdesk"),
        "{}",
        page.body
    );
}

/// The codes on the page shown after creating recovery codes.
fn codes_on(page: &Page) -> Vec<String> {
    let start = page.body.find("id=\"recovery-codes\">").expect("codes shown") + "id=\"recovery-codes\">".len();
    page.body[start..]
        .split("</pre>")
        .next()
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .filter(|l| !l.is_empty())
        .collect()
}

/// A role without `recovery-codes`: a member signed in with a recovery code may not replace a factor with that
/// sign-in — 403, audited, nothing removed — until the role allows the path again.
#[tokio::test]
async fn self_service_with_a_recovery_code_needs_the_recovery_codes_path() {
    let server = TestServer::start().await;
    let (store, now) = (server.state().store.as_ref(), server.state().clock.now());
    roles::add(store, now, &Origin::cli(), "finance", "").await.unwrap();
    set_paths(
        &server,
        "finance",
        vec![RecoveryPath::BackupFactor, RecoveryPath::Approval],
    )
    .await
    .unwrap();
    server
        .add_user_with("sel", Some(GOOD_PASSWORD), &["user", "finance"])
        .await;
    let sel = server.user("sel").await;
    let setup = server.browser();
    assert_eq!(setup.login("sel", GOOD_PASSWORD).await.status, 303);
    server.enrol_totp(&setup).await;
    let page = setup
        .submit("/account/security", "/account/security/recovery-codes", &[])
        .await;
    let codes = codes_on(&page);
    let app = store
        .factors_of(&sel.id)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.kind == FactorKind::Totp)
        .unwrap();

    server.clock.advance(chrono::Duration::minutes(30));
    let browser = server.browser();
    browser.login("sel", GOOD_PASSWORD).await;
    let signed_in = browser
        .submit(
            "/login/factor",
            "/login/factor",
            &[("method", "recovery_code"), ("code", &codes[0])],
        )
        .await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let refused = browser
        .submit(
            "/account/security",
            "/account/security/remove",
            &[("factor_id", &app.id)],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("open a reset request"), "{}", refused.body);
    assert!(
        store.factors_of(&sel.id).await.unwrap().iter().any(|f| f.id == app.id),
        "nothing removed"
    );
    let events = store.list_audit(Some(&sel.id), 50).await.unwrap();
    let denied = events
        .iter()
        .find(|e| e.event.kind == "factor.removed" && e.event.outcome.as_str() == "denied")
        .expect("the refusal is audited");
    assert_eq!(denied.event.details["recovery_path"], "recovery-codes");

    // The role allows it again (its default): the same sign-in replaces the app.
    let change = PolicyChange {
        recovery_paths: Some(None),
        ..Default::default()
    };
    roles::set(store, now, &Origin::cli(), "finance", &change)
        .await
        .unwrap();
    let removed = browser
        .submit(
            "/account/security",
            "/account/security/remove",
            &[("factor_id", &app.id)],
        )
        .await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    assert!(!store.factors_of(&sel.id).await.unwrap().iter().any(|f| f.id == app.id));
}

/// A factor removed by the user is told by text too, when a phone number is on file.
#[tokio::test]
async fn a_factor_removal_is_texted_to_the_phone_on_file() {
    let (server, sink, _db) = crate::factors::sms::server_with_webhook().await;
    server.add_user_with("sel", Some(GOOD_PASSWORD), &["user"]).await;
    let state = server.state();
    let sel = server.user("sel").await;
    let (store, now) = (state.store.as_ref(), state.clock.now());
    profile::set_phone(
        store,
        now,
        &Origin::cli(),
        &sel,
        state.notifier.as_ref(),
        state.sms.as_ref(),
        Some("+41791234567"),
    )
    .await
    .unwrap();
    let browser = server.browser();
    assert_eq!(browser.login("sel", GOOD_PASSWORD).await.status, 303);
    server.enrol_totp(&browser).await;
    let app = store
        .factors_of(&sel.id)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.kind == FactorKind::Totp)
        .unwrap();
    let removed = browser
        .submit(
            "/account/security",
            "/account/security/remove",
            &[("factor_id", &app.id)],
        )
        .await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    let text = crate::factors::sms::text(&sink, 1).await;
    assert_eq!(text["to"], "+41791234567");
    assert!(
        text["message"]
            .as_str()
            .unwrap()
            .contains("was removed from your account sel"),
        "{text}"
    );
}

/// A member of a role on `two-admins` who opens a request from the second-factor page is told that administrators,
/// not their manager, handle it.
#[tokio::test]
async fn the_request_page_says_who_handles_a_two_admins_request() {
    let server = TestServer::start().await;
    let (store, now) = (server.state().store.as_ref(), server.state().clock.now());
    roles::add(store, now, &Origin::cli(), "finance", "").await.unwrap();
    set_paths(&server, "finance", vec![RecoveryPath::TwoAdmins])
        .await
        .unwrap();
    server
        .add_user_with("fin", Some(GOOD_PASSWORD), &["user", "finance"])
        .await;
    let setup = server.browser();
    assert_eq!(setup.login("fin", GOOD_PASSWORD).await.status, 303);
    server.enrol_totp(&setup).await;
    let browser = server.browser();
    browser.login("fin", GOOD_PASSWORD).await;
    let page = browser.get("/login/factor").await;
    let sent = browser
        .post(
            "/login/factor/recovery",
            &[("csrf", &page.csrf()), ("reason", "lost my phone")],
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(sent.body.contains("a different administrator"), "{}", sent.body);
    assert!(!sent.body.contains("Your manager"), "{}", sent.body);
}
