//! The link and bad-input rules through the real server's pages: approval links (wrong person, used twice,
//! raced, bound to their request, expired), cancel links (tampered, reused), enrolment links (without the password,
//! reused, expired), and refusals from the console and the second-factor page — each a clear 4xx, an audit event
//! where it is security-relevant, and no change to the account.
use crate::common::*;
use crate::recovery::common::{
    add, as_user, cast, ctx, factor_count, mail_to, member, opened_by_hugo, settings, state_of, stored_security_key,
    token_of,
};
use chrono::Duration;
use gatehouse::core::audit::Origin;
use gatehouse::core::recovery::ResetState;
use gatehouse::core::recovery::flow::{self, Canceller, Target};

/// Audit events of `kind` with `outcome` whose details name `reason`.
async fn refusals(server: &TestServer, kind: &str, outcome: &str, reason: &str) -> usize {
    server
        .state()
        .store
        .list_audit(None, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| {
            r.event.kind == kind
                && r.event.outcome.as_str() == outcome
                && r.event.details.get("reason").and_then(|v| v.as_str()) == Some(reason)
        })
        .count()
}

fn path_of(server: &TestServer, link: &str) -> String {
    link.trim_start_matches(&server.base).to_string()
}

/// Posts the approval page's decision for the link's `token` (with a CSRF token from the account page).
async fn decide_via(browser: &Browser, token: &str, decision: &str) -> Page {
    let csrf = browser.get("/account").await.csrf();
    browser
        .post(
            "/recovery/approve",
            &[("csrf", &csrf), ("token", token), ("decision", decision)],
        )
        .await
}

#[tokio::test]
async fn an_approval_link_refuses_the_wrong_person_works_once_and_belongs_to_its_request() {
    let server = TestServer::start().await;
    cast(&server).await;
    add(&server, "walt", &["user"], None).await;
    let first = opened_by_hugo(&server).await;
    let link = link_in(&mail_to(&server, "mona", "approve").await);
    let (path, token) = (path_of(&server, &link), token_of(&link));

    // Walt holds the link but is not Kim's manager: refused, audited, nothing changes.
    let walt = server.browser();
    walt.login("walt", GOOD_PASSWORD).await;
    let refused = decide_via(&walt, &token, "approve").await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(state_of(&server, &first.id).await, ResetState::Requested);
    assert_eq!(refusals(&server, "recovery.approved", "denied", "not_manager").await, 1);

    // A manager's link cannot decide another request: cancelled before use, then a new request is opened.
    as_user!(&server, "hugo", |c, m| flow::cancel(
        &c,
        Canceller::Member(&m, &first.id)
    ))
    .unwrap();
    let second = as_user!(&server, "hana", |c, m| flow::open(
        &c,
        Some(&m),
        &member(&server, "kim").await,
        "all",
        "called again"
    ))
    .unwrap();
    let mona = server.browser();
    mona.login("mona", GOOD_PASSWORD).await;
    assert_eq!(mona.get(&path).await.status, 400, "the old link shows nothing");
    assert_eq!(decide_via(&mona, &token, "approve").await.status, 400);
    assert_eq!(state_of(&server, &second.id).await, ResetState::Requested);
    assert_eq!(state_of(&server, &first.id).await, ResetState::Cancelled);
    assert!(refusals(&server, "recovery.approved", "failure", "unknown_request").await >= 1);

    // The new link, posted twice at once: exactly one decision wins; a third use is refused.
    let new_link = link_in(&mail_to(&server, "mona", "approve").await);
    assert_ne!(new_link, link);
    let (new_path, new_token) = (path_of(&server, &new_link), token_of(&new_link));
    assert_eq!(mona.get(&new_path).await.status, 200);
    let (a, b) = tokio::join!(
        decide_via(&mona, &new_token, "approve"),
        decide_via(&mona, &new_token, "deny"),
    );
    let statuses = [a.status, b.status];
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.contains(&400), "{statuses:?}");
    let decided = state_of(&server, &second.id).await;
    assert!(matches!(decided, ResetState::Approved | ResetState::Denied));
    assert_eq!(decide_via(&mona, &new_token, "approve").await.status, 400);
    assert_eq!(mona.get(&new_path).await.status, 400);
    assert_eq!(
        state_of(&server, &second.id).await,
        decided,
        "used links change nothing"
    );
    let kim = server.user("kim").await;
    assert_eq!(factor_count(&server, &kim).await, 1);
}

#[tokio::test]
async fn an_approval_link_used_after_a_day_expires_the_request() {
    let server = TestServer::start().await;
    cast(&server).await;
    let request = opened_by_hugo(&server).await;
    let link = link_in(&mail_to(&server, "mona", "approve").await);
    server.clock.advance(Duration::hours(24) + Duration::minutes(1));
    let mona = server.browser();
    mona.login("mona", GOOD_PASSWORD).await;
    let late = decide_via(&mona, &token_of(&link), "approve").await;
    assert_eq!(late.status, 400, "{}", late.body);
    assert_eq!(state_of(&server, &request.id).await, ResetState::Expired);
    let kim = server.user("kim").await;
    assert!(
        server
            .audit_kinds(Some(&kim))
            .await
            .contains(&("recovery.expired".into(), "success".into()))
    );
}

/// Opens, approves and executes a reset of `name` (manager Mona) and returns the request id.
async fn executed(server: &TestServer, name: &str) -> String {
    let subject = member(server, name).await;
    let request = as_user!(server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &subject,
        "all",
        "lost phone"
    ))
    .unwrap();
    as_user!(server, "mona", |c, m| flow::decide(
        &c,
        &m,
        Target::Id(&request.id),
        true,
        None
    ))
    .unwrap();
    as_user!(server, "hana", |c, m| flow::execute(
        &c,
        &m,
        &request.id,
        &["employee_id".into()]
    ))
    .unwrap();
    request.id
}

#[tokio::test]
async fn a_tampered_or_reused_cancel_link_changes_nothing_and_is_audited() {
    let server = TestServer::start().await;
    cast(&server).await;
    let kim = server.user("kim").await;
    let id = executed(&server, "kim").await;
    let link = link_in(&mail_to(&server, "kim", "/recovery/cancel").await);
    let (path, token) = (path_of(&server, &link), token_of(&link));
    let browser = server.browser();
    let csrf = browser.get(&path).await.csrf();

    assert_eq!(browser.get(&format!("{path}x")).await.status, 400);
    for forged in [
        format!("{token}x"),
        String::new(),
        "x".repeat(5000),
        token[..20].to_string(),
    ] {
        let page = browser
            .post("/recovery/cancel", &[("csrf", &csrf), ("token", &forged)])
            .await;
        assert_eq!(page.status, 400, "{}", forged.len());
    }
    assert_eq!(state_of(&server, &id).await, ResetState::Waiting);
    assert!(refusals(&server, "recovery.cancelled", "failure", "unknown_link").await >= 4);

    let done = browser
        .post("/recovery/cancel", &[("csrf", &csrf), ("token", &token)])
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let again = browser
        .post("/recovery/cancel", &[("csrf", &csrf), ("token", &token)])
        .await;
    assert_eq!(again.status, 400, "the cancel link works once");
    assert_eq!(state_of(&server, &id).await, ResetState::Cancelled);
    server.clock.advance(Duration::hours(2));
    as_user!(&server, "hugo", |c, _m| flow::sweep(&c)).unwrap();
    assert_eq!(factor_count(&server, &kim).await, 1, "the factors stay");
}

#[tokio::test]
async fn the_enrolment_link_needs_the_password_works_once_and_expires() {
    let server = TestServer::start().await;
    cast(&server).await;
    add(&server, "lou", &["user"], Some("mona")).await;
    let lou = server.user("lou").await;
    let factor = gatehouse::core::factors::Factor::new(
        &lou.id,
        gatehouse::core::factors::FactorKind::Totp,
        "Phone".into(),
        gatehouse::core::factors::FactorStatus::Active,
        serde_json::json!({}),
        server.state().clock.now(),
    );
    server.state().store.insert_factor(&factor).await.unwrap();
    executed(&server, "kim").await;
    executed(&server, "lou").await;
    server.clock.advance(Duration::minutes(61));
    as_user!(&server, "hugo", |c, _m| flow::sweep(&c)).unwrap();
    let kim = server.user("kim").await;
    let kim_link = link_in(&mail_to(&server, "kim", "/recovery/enrol").await);
    let lou_link = link_in(&mail_to(&server, "lou", "/recovery/enrol").await);

    // Without the password: a missing field is a 400, an empty or wrong one a 401; the link stays usable.
    let browser = server.browser();
    let form = browser.get(&path_of(&server, &kim_link)).await;
    assert_eq!(form.status, 200);
    let token = token_of(&kim_link);
    let missing = browser
        .post("/recovery/enrol", &[("csrf", &form.csrf()), ("token", &token)])
        .await;
    assert_eq!(missing.status, 400);
    for wrong in ["", "not-the-password"] {
        let page = browser
            .post(
                "/recovery/enrol",
                &[("csrf", &form.csrf()), ("token", &token), ("password", wrong)],
            )
            .await;
        assert_eq!(page.status, 401, "{wrong:?}");
    }
    assert_eq!(server.session_count(&kim).await, 0, "no session without the password");
    assert_eq!(
        refusals(&server, "recovery.enrol_link", "failure", "wrong_password").await,
        2
    );

    // With it: an enrolment-only session, once. The second use (even with the password) is refused.
    let used = browser
        .post(
            "/recovery/enrol",
            &[("csrf", &form.csrf()), ("token", &token), ("password", GOOD_PASSWORD)],
        )
        .await;
    assert_eq!(used.status, 303, "{}", used.body);
    let other = server.browser();
    let csrf = other.get("/login").await.csrf();
    let reused = other
        .post(
            "/recovery/enrol",
            &[("csrf", &csrf), ("token", &token), ("password", GOOD_PASSWORD)],
        )
        .await;
    assert_eq!(reused.status, 400);
    assert_eq!(server.session_count(&kim).await, 1, "only the first use made a session");

    // Lou's link, a day later: expired, with or without the password.
    server.clock.advance(Duration::hours(25));
    let late = server.browser();
    assert_eq!(late.get(&path_of(&server, &lou_link)).await.status, 400);
    let csrf = late.get("/login").await.csrf();
    let expired = late
        .post(
            "/recovery/enrol",
            &[
                ("csrf", &csrf),
                ("token", &token_of(&lou_link)),
                ("password", GOOD_PASSWORD),
            ],
        )
        .await;
    assert_eq!(expired.status, 400);
    assert_eq!(server.session_count(&lou).await, 0);
    assert!(refusals(&server, "recovery.enrol_link", "failure", "invalid_link").await >= 2);
}

#[tokio::test]
async fn the_enrolment_link_checks_the_password_on_the_accounts_counter_and_lock() {
    let db = TestDb::new().await;
    let server = TestServer::start_with(&db.url, None, &[("GATEHOUSE_PASSWORD_LOCKOUT_FAILURES", "3")]).await;
    cast(&server).await;
    executed(&server, "kim").await;
    server.clock.advance(Duration::minutes(61));
    as_user!(&server, "hugo", |c, _m| flow::sweep(&c)).unwrap();
    let kim = server.user("kim").await;
    let token = token_of(&link_in(&mail_to(&server, "kim", "/recovery/enrol").await));
    let browser = server.browser();
    let csrf = browser.get("/login").await.csrf();
    let redeem = |password: &'static str| {
        let (browser, csrf, token) = (&browser, csrf.clone(), token.clone());
        async move {
            browser
                .post(
                    "/recovery/enrol",
                    &[
                        ("csrf", csrf.as_str()),
                        ("token", token.as_str()),
                        ("password", password),
                    ],
                )
                .await
                .status
        }
    };
    // Two wrong passwords on the link and one at the sign-in page share the account's counter: the third locks.
    assert_eq!(redeem("not-the-password").await, 401);
    assert_eq!(redeem("not-the-password").await, 401);
    assert_eq!(server.browser().login("kim", "not-the-password").await.status, 401);
    // Locked: the right password opens nothing here either, and the link stays usable.
    assert_eq!(redeem(GOOD_PASSWORD).await, 401);
    assert_eq!(server.session_count(&kim).await, 0);
    assert_eq!(
        refusals(&server, "recovery.enrol_link", "failure", "password_locked").await,
        1
    );
    let state = server.state();
    gatehouse::core::factors::password::lock::unlock(
        state.store.as_ref(),
        &state.password_policy,
        state.clock.now(),
        &Origin::cli(),
        &kim,
    )
    .await
    .unwrap();
    assert_eq!(redeem(GOOD_PASSWORD).await, 303);
}

#[tokio::test]
async fn bad_input_from_the_console_and_the_second_factor_page_is_refused_and_stores_nothing() {
    let server = TestServer::start().await;
    cast(&server).await;
    let kim = server.user("kim").await;
    let hana = server.browser();
    hana.login("hana", GOOD_PASSWORD).await;
    server.enrol_totp(&hana).await;
    let csrf = hana.get("/helpdesk/open?user=kim").await.csrf();
    let huge = "x".repeat(10_000);
    // The form's boxes: `all`, or `factor_<id>` for each factor ticked.
    for (user, factor, reason, status, code) in [
        ("kim", "factor_f-does-not-exist", "called in", 403, "unknown_factor"),
        ("kim", "all", "", 403, "reason_missing"),
        ("kim", "all", "   ", 403, "reason_missing"),
        ("kim", "all", huge.as_str(), 403, "reason_invalid"),
        ("kim", "all", "bell\u{7}", 403, "reason_invalid"),
        ("hana", "all", "my own", 403, "own_factors"),
    ] {
        let page = hana
            .post(
                "/helpdesk/open",
                &[("csrf", &csrf), ("user", user), (factor, "on"), ("reason", reason)],
            )
            .await;
        assert_eq!(page.status, status, "{code}: {}", page.body);
        assert!(
            refusals(&server, "recovery.opened", "denied", code).await >= 1,
            "{code} audited"
        );
    }
    let too_many: Vec<String> = (0..40).map(|i| format!("factor_f{i}")).collect();
    let mut many_fields: Vec<(&str, &str)> = too_many.iter().map(|f| (f.as_str(), "on")).collect();
    many_fields.extend([("csrf", csrf.as_str()), ("user", "kim"), ("reason", "called")]);
    for (fields, what) in [
        (
            vec![("csrf", csrf.as_str()), ("user", "kim"), ("reason", "called")],
            "no box ticked",
        ),
        (many_fields, "too many boxes"),
    ] {
        let page = hana.post("/helpdesk/open", &fields).await;
        assert_eq!(page.status, 400, "{what}");
    }
    let nobody = hana
        .post(
            "/helpdesk/open",
            &[("csrf", &csrf), ("user", "nobody"), ("reason", "called")],
        )
        .await;
    assert_eq!(nobody.status, 404);
    assert!(refusals(&server, "recovery.opened", "failure", "unknown_user").await >= 1);

    // From the second-factor page: a huge reason is refused the same way.
    let browser = server.browser();
    browser.login("kim", GOOD_PASSWORD).await;
    let page = browser.get("/login/factor").await;
    let refused = browser
        .post("/login/factor/recovery", &[("csrf", &page.csrf()), ("reason", &huge)])
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);

    assert!(
        server
            .state()
            .store
            .list_factor_resets(None, false)
            .await
            .unwrap()
            .is_empty(),
        "nothing stored"
    );
    assert_eq!(factor_count(&server, &kim).await, 1, "no change to the account");
}

#[tokio::test]
async fn a_helpdesk_agents_reset_needs_an_admin_to_approve_and_execute() {
    let server = TestServer::start().await;
    cast(&server).await;
    add(&server, "hal", &["helpdesk"], Some("mona")).await;
    let hal = member(&server, "hal").await;
    stored_security_key(&server, &hal.user.id).await;
    let request = as_user!(&server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &hal,
        "all",
        "lost key"
    ))
    .unwrap();
    let id = request.id.as_str();
    let by_manager = as_user!(&server, "mona", |c, m| flow::decide(&c, &m, Target::Id(id), true, None));
    assert!(by_manager.is_err(), "Mona manages Hal but is no admin");
    as_user!(&server, "ada", |c, m| flow::decide(
        &c,
        &m,
        Target::Id(id),
        true,
        Some("manager is no admin")
    ))
    .unwrap();
    let by_agent = as_user!(&server, "hana", |c, m| flow::execute(
        &c,
        &m,
        id,
        &["employee_id".into()]
    ));
    assert!(by_agent.is_err(), "{by_agent:?}");
    assert_eq!(state_of(&server, id).await, ResetState::Approved);
    assert_eq!(
        refusals(&server, "recovery.executed", "denied", "admin_executor_required").await,
        1
    );
    assert_eq!(
        refusals(&server, "recovery.approved", "denied", "admin_approver_required").await,
        1
    );
    as_user!(&server, "abe", |c, m| flow::execute(
        &c,
        &m,
        id,
        &["employee_id".into()]
    ))
    .unwrap();
    assert_eq!(state_of(&server, id).await, ResetState::Waiting);
}
