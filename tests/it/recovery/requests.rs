//! Second-factor recovery: factor-reset requests through the real server, its pages and mails, and the core
//! operations the console and CLI call. Every separation-of-duties rule, the single-use links, the cooling-off,
//! and that password reset stays separate.
use crate::common::*;
use crate::recovery::common::*;
use chrono::Duration;
use gatehouse::core::Error;
use gatehouse::core::accounts::NewAccount;
use gatehouse::core::audit::Origin;
use gatehouse::core::recovery::ResetState;
use gatehouse::core::recovery::flow::{self, Canceller, Target};
use gatehouse::core::recovery::search;

#[tokio::test]
async fn manager_approved_reset_end_to_end() {
    let server = TestServer::start().await;
    let old_secret = cast(&server).await;
    let kim = server.user("kim").await;

    // Kim passes the password but has lost the phone: "I can't use any of my factors".
    let browser = server.browser();
    let first = browser.login("kim", GOOD_PASSWORD).await;
    assert!(first.location().unwrap_or_default().starts_with("/login/factor"));
    let page = browser.get("/login/factor").await;
    assert!(
        ["I can&#x27;t use any", "I can&#39;t use any", "I can't use any"]
            .iter()
            .any(|words| page.body.contains(words))
    );
    let sent = browser
        .post(
            "/login/factor/recovery",
            &[("csrf", &page.csrf()), ("reason", "Phone fell into the lake")],
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert!(sent.body.contains("Request sent"));
    assert!(sent.body.contains("Your manager"), "the approval path: {}", sent.body);
    assert!(
        sent.body.contains("id=\"single-channel\""),
        "kim has a mail address only: {}",
        sent.body
    );
    let request = server
        .state()
        .store
        .list_factor_resets(Some(&kim.id), true)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(request.opened_by, "self");
    assert_eq!(request.opened_ip.as_deref(), Some("127.0.0.1"));
    mail_to(&server, "kim", "was requested").await;

    // Mona gets the link; it needs her sign-in, then shows the details.
    let mail = mail_to(&server, "mona", "approve").await;
    let link = link_in(&mail);
    let path = link.trim_start_matches(&server.base).to_string();
    let mona = server.browser();
    let to_login = mona.get(&path).await;
    assert_eq!(to_login.status, 303);
    assert!(to_login.location().unwrap().starts_with("/login?return_to="));
    assert_eq!(mona.login("mona", GOOD_PASSWORD).await.status, 303);
    let review = mona.get(&path).await;
    assert_eq!(review.status, 200, "{}", review.body);
    assert!(review.body.contains("Phone fell into the lake"));
    let approved = mona
        .post(
            "/recovery/approve",
            &[
                ("csrf", &review.csrf()),
                ("token", &token_of(&link)),
                ("decision", "approve"),
            ],
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(state_of(&server, &request.id).await, ResetState::Approved);

    // Hugo checks identity and executes; the cooling-off starts and Kim is told with a cancel link.
    let checks = vec!["callback_to_number_on_file".to_string(), "employee_id".to_string()];
    let executed = as_user!(&server, "hugo", |c, m| flow::execute(&c, &m, &request.id, &checks)).unwrap();
    assert_eq!(executed.state, ResetState::Waiting);
    assert_eq!(executed.checks_passed, checks);
    let notice = mail_to(&server, "kim", "/recovery/cancel").await;
    assert!(notice.contains("wasn't me") || notice.contains("not you"));
    assert_eq!(
        factor_count(&server, &kim).await,
        1,
        "nothing removed during the cooling-off"
    );

    // A browser Kim trusted earlier must not outlive the reset.
    let now = server.state().clock.now();
    server
        .state()
        .store
        .put_trusted_device(&gatehouse::core::signin::trusted_devices::device::TrustedDevice {
            id: "d-kim".into(),
            browser_hash: "b".repeat(64),
            user_id: kim.id.clone(),
            user_agent: "test".into(),
            created_at: now,
            trusted_at: now,
            last_seen_at: now,
            expires_at: now + Duration::days(30),
        })
        .await
        .unwrap();

    // Still waiting after 59 minutes; done after the hour.
    server.clock.advance(Duration::minutes(59));
    assert_eq!(as_user!(&server, "hugo", |c, _m| flow::sweep(&c)).unwrap(), 0);
    server.clock.advance(Duration::minutes(2));
    assert_eq!(as_user!(&server, "hugo", |c, _m| flow::sweep(&c)).unwrap(), 1);
    assert_eq!(state_of(&server, &request.id).await, ResetState::Done);
    assert_eq!(factor_count(&server, &kim).await, 0, "factors removed");
    assert_eq!(server.session_count(&kim).await, 0, "sessions ended");
    let after = server.user("kim").await;
    assert_eq!(
        (&after.email, &after.password_hash),
        (&kim.email, &kim.password_hash),
        "factor recovery never changes the password or the e-mail address"
    );
    assert!(
        server
            .state()
            .store
            .trusted_devices_of(&kim.id)
            .await
            .unwrap()
            .is_empty(),
        "trusted browsers revoked"
    );

    // The enrolment link, with the password, opens enrolment only; the new TOTP is proven and signs in.
    let enrol_mail = mail_to(&server, "kim", "/recovery/enrol").await;
    let enrol_link = link_in(&enrol_mail);
    let enrol_path = enrol_link.trim_start_matches(&server.base).to_string();
    let fresh = server.browser();
    let form = fresh.get(&enrol_path).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let wrong = fresh
        .post(
            "/recovery/enrol",
            &[
                ("csrf", &form.csrf()),
                ("token", &token_of(&enrol_link)),
                ("password", "not-the-password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401, "the link alone is not enough");
    let form = fresh.get(&enrol_path).await;
    assert_eq!(form.status, 200, "a wrong password does not use the link up");
    let opened = fresh
        .post(
            "/recovery/enrol",
            &[
                ("csrf", &form.csrf()),
                ("token", &token_of(&enrol_link)),
                ("password", GOOD_PASSWORD),
            ],
        )
        .await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    assert_eq!(
        fresh.get("/account").await.status,
        303,
        "enrolment only: no account page"
    );
    let new_secret = server.enrol_totp(&fresh).await;
    assert_ne!(new_secret, old_secret);

    let later = server.browser();
    let signed_in = server.sign_in_with_totp(&later, "kim", &new_secret).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(later.get("/account").await.status, 200);

    // The enrolment link works once.
    assert_eq!(server.browser().get(&enrol_path).await.status, 400);
    let kinds = server.audit_kinds(Some(&kim)).await;
    for kind in [
        "recovery.opened",
        "recovery.approved",
        "recovery.executed",
        "recovery.done",
        "recovery.enrol_link",
    ] {
        assert!(
            kinds.iter().any(|(k, o)| k == kind && o == "success"),
            "{kind} in {kinds:?}"
        );
    }
}

#[tokio::test]
async fn separation_of_duties() {
    let server = TestServer::start().await;
    cast(&server).await;
    let request = opened_by_hugo(&server).await;
    let id = request.id.as_str();

    // Nobody decides their own reset; the requester does not approve; others are not the manager; an admin
    // needs a reason.
    for (actor, note) in [
        ("kim", None),
        ("hugo", None),
        ("hana", Some("I know her")),
        ("ada", None),
    ] {
        let refused = as_user!(&server, actor, |c, m| flow::decide(&c, &m, Target::Id(id), true, note));
        assert!(matches!(refused, Err(Error::NotAllowed(_))), "{actor}: {refused:?}");
    }
    assert_eq!(
        state_of(&server, id).await,
        ResetState::Requested,
        "no refusal changed anything"
    );

    // An execution before approval is refused.
    let early = as_user!(&server, "hana", |c, m| flow::execute(
        &c,
        &m,
        id,
        &["employee_id".into()]
    ));
    assert!(matches!(early, Err(Error::NotAllowed(_))));

    as_user!(&server, "mona", |c, m| flow::decide(&c, &m, Target::Id(id), true, None)).unwrap();
    // The requester, the approver and the subject do not execute; a non-agent does not; checks are required.
    for actor in ["hugo", "mona", "kim"] {
        let refused = as_user!(&server, actor, |c, m| flow::execute(
            &c,
            &m,
            id,
            &["employee_id".into()]
        ));
        assert!(matches!(refused, Err(Error::NotAllowed(_))), "{actor}: {refused:?}");
    }
    let no_checks = as_user!(&server, "hana", |c, m| flow::execute(&c, &m, id, &[]));
    assert!(matches!(no_checks, Err(Error::NotAllowed(_))));
    let bad_check = as_user!(&server, "hana", |c, m| flow::execute(
        &c,
        &m,
        id,
        &["mothers_maiden_name".into()]
    ));
    assert!(matches!(bad_check, Err(Error::NotAllowed(_))));
    assert_eq!(state_of(&server, id).await, ResetState::Approved);
    as_user!(&server, "hana", |c, m| flow::execute(
        &c,
        &m,
        id,
        &["employee_id".into()]
    ))
    .unwrap();
    assert_eq!(state_of(&server, id).await, ResetState::Waiting);

    let kim = server.user("kim").await;
    let denied = server
        .audit_kinds(Some(&kim))
        .await
        .iter()
        .filter(|(_, o)| o == "denied")
        .count();
    assert!(denied >= 10, "every refusal is audited: {denied}");
}

#[tokio::test]
async fn an_admins_reset_needs_a_second_admin_and_an_admin_executor() {
    let server = TestServer::start().await;
    cast(&server).await;
    add(&server, "root", &["admin"], Some("mona")).await;
    let root = member(&server, "root").await;
    stored_security_key(&server, &root.user.id).await;
    let request = as_user!(&server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &root,
        "all",
        "lost key"
    ))
    .unwrap();
    let id = request.id.as_str();

    // Mona manages root but is not an admin.
    let by_manager = as_user!(&server, "mona", |c, m| flow::decide(&c, &m, Target::Id(id), true, None));
    assert!(matches!(by_manager, Err(Error::NotAllowed(_))), "{by_manager:?}");
    as_user!(&server, "ada", |c, m| flow::decide(
        &c,
        &m,
        Target::Id(id),
        true,
        Some("manager is not an admin")
    ))
    .unwrap();
    let by_helpdesk = as_user!(&server, "hana", |c, m| flow::execute(
        &c,
        &m,
        id,
        &["employee_id".into()]
    ));
    assert!(matches!(by_helpdesk, Err(Error::NotAllowed(_))), "{by_helpdesk:?}");
    // Ada approved, so another admin executes.
    let by_approver = as_user!(&server, "ada", |c, m| flow::execute(
        &c,
        &m,
        id,
        &["employee_id".into()]
    ));
    assert!(matches!(by_approver, Err(Error::NotAllowed(_))));
    let executed = as_user!(&server, "abe", |c, m| flow::execute(
        &c,
        &m,
        id,
        &["employee_id".into()]
    ))
    .unwrap();
    let wait = executed.cooling_off_until.unwrap() - executed.executed_at.unwrap();
    assert_eq!(wait, Duration::hours(24), "an admin's cooling-off is a day");
}

#[tokio::test]
async fn an_approval_link_works_once_expires_and_races_with_one_winner() {
    let server = TestServer::start().await;
    cast(&server).await;
    let request = opened_by_hugo(&server).await;
    let link = link_in(&mail_to(&server, "mona", "approve").await);
    let token = token_of(&link);

    let s = settings(&server);
    let mona = member(&server, "mona").await;
    let origin = Origin::cli().with_actor(format!("user:{}", mona.user.id));
    let c = ctx(&server, &s, &origin);
    let (a, b) = tokio::join!(
        flow::decide(&c, &mona, Target::Link(&token), true, None),
        flow::decide(&c, &mona, Target::Link(&token), false, None),
    );
    assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "exactly one wins: {a:?} {b:?}");
    let again = flow::decide(&c, &mona, Target::Link(&token), true, None).await;
    assert!(matches!(again, Err(Error::InvalidLink)), "{again:?}");
    assert!(matches!(
        state_of(&server, &request.id).await,
        ResetState::Approved | ResetState::Denied
    ));

    // A tampered link is refused and changes nothing.
    let tampered = flow::decide(&c, &mona, Target::Link(&format!("{token}x")), true, None).await;
    assert!(matches!(tampered, Err(Error::InvalidLink)));

    // A fresh request whose link is used after a day expires instead.
    as_user!(&server, "hugo", |c, m| flow::cancel(
        &c,
        Canceller::Member(&m, &request.id)
    ))
    .ok();
    let second = opened_by_hugo(&server).await;
    let second_token = token_of(&link_in(&mail_to(&server, "mona", "approve").await));
    server.clock.advance(Duration::hours(25));
    let late = as_user!(&server, "mona", |c, m| flow::decide(
        &c,
        &m,
        Target::Link(&second_token),
        true,
        None
    ));
    assert!(matches!(late, Err(Error::InvalidLink)), "{late:?}");
    assert_eq!(state_of(&server, &second.id).await, ResetState::Expired);
}

#[tokio::test]
async fn the_user_cancels_during_the_cooling_off() {
    let server = TestServer::start().await;
    cast(&server).await;
    let kim = server.user("kim").await;
    let request = opened_by_hugo(&server).await;
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
        &["hr_question".into()]
    ))
    .unwrap();
    let link = link_in(&mail_to(&server, "kim", "/recovery/cancel").await);
    let path = link.trim_start_matches(&server.base).to_string();

    let browser = server.browser();
    let page = browser.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        state_of(&server, &request.id).await,
        ResetState::Waiting,
        "a GET changes nothing"
    );
    let done = browser
        .post(
            "/recovery/cancel",
            &[("csrf", &page.csrf()), ("token", &token_of(&link))],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(state_of(&server, &request.id).await, ResetState::Cancelled);
    server.clock.advance(Duration::hours(2));
    as_user!(&server, "hugo", |c, _m| flow::sweep(&c)).unwrap();
    assert_eq!(factor_count(&server, &kim).await, 1, "the factors stay");
    assert_eq!(browser.get(&path).await.status, 400, "the cancel link works once");
}

#[tokio::test]
async fn the_enrolment_link_expires_and_a_tampered_one_is_refused() {
    let server = TestServer::start().await;
    cast(&server).await;
    let request = opened_by_hugo(&server).await;
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
    server.clock.advance(Duration::minutes(61));
    // Any request touching it finishes it (here: loading it).
    let loaded = as_user!(&server, "hugo", |c, _m| flow::load(&c, &request.id)).unwrap();
    assert_eq!(loaded.state, ResetState::Done);
    let link = link_in(&mail_to(&server, "kim", "/recovery/enrol").await);
    let path = link.trim_start_matches(&server.base).to_string();
    let browser = server.browser();
    assert_eq!(browser.get(&format!("{path}x")).await.status, 400, "tampered");
    server.clock.advance(Duration::hours(25));
    assert_eq!(browser.get(&path).await.status, 400, "expired");
    let form = browser.get("/recovery/enrol?token=x").await;
    assert_eq!(form.status, 400);
}

#[tokio::test]
async fn a_password_reset_never_touches_factors_or_requests() {
    let server = TestServer::start().await;
    let secret = cast(&server).await;
    let kim = server.user("kim").await;
    let request = opened_by_hugo(&server).await;
    let factors_before = server.state().store.factors_of(&kim.id).await.unwrap();

    let browser = server.browser();
    browser
        .submit("/password/forgot", "/password/forgot", &[("identifier", "kim")])
        .await;
    let link = link_in(&mail_to(&server, "kim", "/password/reset").await);
    let done = browser.set_password_via(&link, GOOD_PASSWORD_2).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let factors_after = server.state().store.factors_of(&kim.id).await.unwrap();
    assert_eq!(
        factors_after, factors_before,
        "the factor list is unchanged, field for field"
    );
    assert_eq!(state_of(&server, &request.id).await, ResetState::Requested);
    // The next sign-in still asks for the TOTP.
    let next = server.browser();
    let first = next.login("kim", GOOD_PASSWORD_2).await;
    assert!(first.location().unwrap_or_default().starts_with("/login/factor"));
    let code = server.totp_code(&secret, 0);
    let second = next
        .submit("/login/factor", "/login/factor", &[("method", "totp"), ("code", &code)])
        .await;
    assert_eq!(second.status, 303);
}

const GOOD_PASSWORD_2: &str = "amber-falcon-crosses-river";

#[tokio::test]
async fn bad_input_is_refused_audited_and_changes_nothing() {
    let server = TestServer::start().await;
    cast(&server).await;
    let kim = member(&server, "kim").await;

    let unknown = as_user!(&server, "hugo", |c, _m| search::find_subject(&c, "nobody"));
    assert!(matches!(unknown, Err(Error::NotFound(_))));
    let no_factor = as_user!(&server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &kim,
        "f-does-not-exist",
        "why"
    ));
    assert!(matches!(no_factor, Err(Error::NotAllowed(_))), "{no_factor:?}");
    let empty = as_user!(&server, "hugo", |c, m| flow::open(&c, Some(&m), &kim, "all", "   "));
    assert!(matches!(empty, Err(Error::NotAllowed(_))));
    let huge = "x".repeat(10_000);
    let too_long = as_user!(&server, "hugo", |c, m| flow::open(&c, Some(&m), &kim, "all", &huge));
    assert!(matches!(too_long, Err(Error::NotAllowed(_))));
    let by_user = as_user!(&server, "mona", |c, m| flow::open(&c, Some(&m), &kim, "all", "please"));
    assert!(
        matches!(by_user, Err(Error::NotAllowed(_))),
        "only agents open for others"
    );
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
    let audit = server.audit_kinds(Some(&kim.user)).await;
    assert!(
        audit
            .iter()
            .filter(|(k, o)| k == "recovery.opened" && o == "denied")
            .count()
            >= 4,
        "{audit:?}"
    );
    let unknown_audit = server.audit_kinds(None).await;
    assert!(
        unknown_audit
            .iter()
            .any(|(k, o)| k == "recovery.opened" && o == "failure")
    );

    // Through the web: an empty reason from the second-factor page is a clear refusal.
    let browser = server.browser();
    browser.login("kim", GOOD_PASSWORD).await;
    let page = browser.get("/login/factor").await;
    let refused = browser
        .post("/login/factor/recovery", &[("csrf", &page.csrf()), ("reason", "")])
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("reason is required"));
    // Tampered approval link: the page says so.
    let mona = server.browser();
    mona.login("mona", GOOD_PASSWORD).await;
    assert_eq!(mona.get("/recovery/approve?token=forged").await.status, 400);
    assert_eq!(factor_count(&server, &kim.user).await, 1);
}

#[tokio::test]
async fn the_cooling_off_notice_reaches_every_channel() {
    const SECRET: &str = "webhook-signing-secret-0123456789";
    let sink = HttpSink::start(200, "{}").await;
    let db = TestDb::new().await;
    let url = format!("{}/sms", sink.url);
    let server = TestServer::start_with(
        &db.url,
        None,
        &[
            ("GATEHOUSE_SMS_DRIVER", "webhook"),
            ("GATEHOUSE_SMS_WEBHOOK_URL", &url),
            ("GATEHOUSE_SMS_WEBHOOK_SECRET", SECRET),
        ],
    )
    .await;
    add(&server, "mona", &["user"], None).await;
    add(&server, "hugo", &["helpdesk"], None).await;
    add(&server, "hana", &["helpdesk"], None).await;
    let pia = server
        .create_account(NewAccount {
            manager: Some("mona".into()),
            phone: Some("+41446681800".into()),
            password: Some(GOOD_PASSWORD.into()),
            ..an_account("pia")
        })
        .await;
    let app = gatehouse::core::factors::Factor::new(
        &pia.id,
        gatehouse::core::factors::FactorKind::Totp,
        "Phone".into(),
        gatehouse::core::factors::FactorStatus::Active,
        serde_json::json!({}),
        server.state().clock.now(),
    );
    server.state().store.insert_factor(&app).await.unwrap();
    let subject = member(&server, "pia").await;
    let request = as_user!(&server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &subject,
        "all",
        "lost phone"
    ))
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

    let mail = mail_to(&server, "pia", "/recovery/cancel").await;
    // Two texts to the number on file: the request was opened, then the cancel notice.
    let texts = sink.received(2).await;
    assert_eq!(texts.len(), 2, "two texts to the number on file");
    let opened: serde_json::Value = serde_json::from_str(&texts[0].body).unwrap();
    assert_eq!(opened["to"], "+41446681800");
    assert!(
        opened["message"].as_str().unwrap().contains("was requested"),
        "{opened}"
    );
    let body: serde_json::Value = serde_json::from_str(&texts[1].body).unwrap();
    assert_eq!(body["to"], "+41446681800");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("/recovery/cancel?token="), "{message}");
    assert_eq!(
        link_in(&mail),
        link_in(message),
        "the same single-use cancel link on both channels"
    );
    let events = server.state().store.list_audit(Some(&pia.id), 50).await.unwrap();
    let executed = events.iter().find(|e| e.event.kind == "recovery.executed").unwrap();
    let notified = executed.event.details["notified"].as_array().unwrap();
    assert_eq!(notified.len(), 2, "{notified:?}");
}
