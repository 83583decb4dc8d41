//! Role policy through the real server: only allowed factor kinds finish a sign-in, enforcement dates and
//! their reminders, strictest wins across roles, the per-user override, and the `role` command line.
use crate::cli::common::Cli;
use crate::common::*;
use crate::factors::webauthn::{json, origin, register};
use chrono::{Duration, NaiveDate};
use gatehouse::core::audit::Origin;
use gatehouse::core::factors::FactorKind;
use gatehouse::core::policy::roles;
use gatehouse::core::policy::{PolicyChange, parse_kinds};
use serde_json::json;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_rs::prelude::RequestChallengeResponse;

async fn set(server: &TestServer, role: &str, change: PolicyChange) {
    roles::set(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        role,
        &change,
    )
    .await
    .unwrap_or_else(|e| panic!("policy of {role}: {e}"));
}

fn factors(kinds: &str) -> PolicyChange {
    PolicyChange {
        allowed_factors: Some(parse_kinds(kinds).unwrap()),
        ..Default::default()
    }
}

fn today(server: &TestServer) -> NaiveDate {
    server.state().clock.now().date_naive()
}

/// A day as the account pages write it (English: `9 Mar 2026`).
fn shown(day: NaiveDate) -> String {
    gatehouse::i18n::format_date(gatehouse::i18n::Lang::En, day.and_hms_opt(0, 0, 0).unwrap().and_utc())
}

fn required_from(day: NaiveDate, grace_days: u32) -> PolicyChange {
    PolicyChange {
        mfa_required: Some(true),
        enforce_from: Some(Some(day)),
        grace_days: Some(grace_days),
        ..Default::default()
    }
}

/// The mails written so far whose subject contains `subject` (after the server had time to write them).
async fn mails_about(server: &TestServer, subject: &str) -> usize {
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    std::fs::read_dir(server.data_dir.join("mail"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|e| std::fs::read_to_string(e.path()).is_ok_and(|m| m.contains(&format!("Subject: {subject}"))))
                .count()
        })
        .unwrap_or(0)
}

/// Signs in with the password and says where the sign-in went.
async fn where_password_leads(server: &TestServer, username: &str) -> (Browser, String) {
    let browser = server.browser();
    let page = browser.login(username, GOOD_PASSWORD).await;
    assert_eq!(page.status, 303, "{}", page.body);
    (browser, page.location().unwrap_or_default())
}

/// Answers the second step with the soft security key.
async fn with_security_key(server: &TestServer, browser: &Browser, key: &mut SoftPasskey) -> Page {
    let csrf = browser
        .get("/login/factor")
        .await
        .data("csrf")
        .expect("the security key button");
    let options = browser
        .post_json("/login/factor/webauthn/options", &json!({ "csrf": csrf }))
        .await;
    assert_eq!(options.status, 200, "{}", options.body);
    let options: RequestChallengeResponse = serde_json::from_str(&options.body).unwrap();
    let credential = key.do_authentication(origin(server), options).expect("soft key signs");
    browser
        .post_json(
            "/login/factor/webauthn",
            &json!({ "csrf": csrf, "credential": credential }),
        )
        .await
}

#[tokio::test]
async fn an_admin_restricted_to_security_keys_cannot_finish_with_totp_but_a_user_can() {
    let (server, _db) = crate::factors::webauthn::server().await;
    server.add_user_with("ada", Some(GOOD_PASSWORD), &["admin"]).await;
    let ada = server.user("ada").await;
    // Enrol an authenticator app while the policy still counts it, and a security key.
    set(&server, "admin", factors("webauthn,totp,recovery_code")).await;
    let (browser, next) = where_password_leads(&server, "ada").await;
    assert!(
        next.starts_with("/account/security"),
        "administrators must enrol: {next}"
    );
    let secret = server.enrol_totp(&browser).await;
    let mut key = SoftPasskey::new(true);
    assert_eq!(register(&server, &browser, &mut key).await.status, 200);
    set(&server, "admin", factors("webauthn,recovery_code")).await;

    let (other, next) = where_password_leads(&server, "ada").await;
    assert!(next.starts_with("/login/factor"), "{next}");
    let page = other.get("/login/factor").await;
    assert!(page.body.contains("data-webauthn=\"second-factor\""));
    assert!(!page.body.contains("method=totp"), "the app is not offered");
    let totp = server.state().store.factors_of(&ada.id).await.unwrap();
    let totp = totp.iter().find(|f| f.kind == FactorKind::Totp).unwrap();
    // Posting the app's form directly is refused, audited, and uses up neither the code nor an attempt.
    let code = server.totp_code(&secret, 0);
    let refused = other
        .post(
            "/login/factor",
            &[
                ("csrf", &page.data("csrf").unwrap()),
                ("method", "totp"),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("does not accept"), "{}", refused.body);
    assert_eq!(other.get("/account").await.status, 303, "not signed in");
    let audit = server.state().store.list_audit(Some(&ada.id), 50).await.unwrap();
    assert!(audit.iter().any(|e| e.event.kind == "login.second_factor"
        && e.event.outcome.as_str() == "denied"
        && e.event.details["reason"] == "kind_not_allowed"
        && e.event.details["kind"] == "totp"));
    let after = server.state().store.factors_of(&ada.id).await.unwrap();
    let after = after.iter().find(|f| f.kind == FactorKind::Totp).unwrap();
    assert_eq!(after.last_step, totp.last_step, "the code was never checked");
    let key_name = gatehouse::core::signin::second_factor::throttle_key(&ada.id, FactorKind::Totp);
    let counted = server.state().store.attempt_counter(&key_name).await.unwrap();
    assert!(counted.is_none_or(|(n, _)| n == 0), "no attempt counted: {counted:?}");
    // The security key finishes the sign-in.
    let done = with_security_key(&server, &other, &mut key).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(json(&done)["redirect"], "/account");
    assert_eq!(other.get("/account").await.status, 200);

    // An ordinary user's policy counts the app.
    server.add_user("uma", Some(GOOD_PASSWORD)).await;
    let (browser, _) = where_password_leads(&server, "uma").await;
    let secret = server.enrol_totp(&browser).await;
    let done = server.sign_in_with_totp(&server.browser(), "uma", &secret).await;
    assert_eq!(done.status, 303);
    assert_eq!(done.location().as_deref(), Some("/account"));
}

#[tokio::test]
async fn a_factor_that_stopped_counting_proves_who_it_is_but_only_opens_enrolment() {
    let (server, _db) = crate::factors::webauthn::server().await;
    crate::oidc::common::client(&server, "app", false, true).await;
    server.add_user_with("bea", Some(GOOD_PASSWORD), &["admin"]).await;
    set(&server, "admin", factors("webauthn,totp,recovery_code")).await;
    let (browser, _) = where_password_leads(&server, "bea").await;
    let secret = server.enrol_totp(&browser).await;
    set(&server, "admin", factors("webauthn,recovery_code")).await;

    // The password alone is not enough: the app is still asked for, since it is all that proves who this is.
    let (other, next) = where_password_leads(&server, "bea").await;
    assert!(next.starts_with("/login/factor"), "{next}");
    let done = other
        .submit(
            "/login/factor",
            "/login/factor",
            &[("method", "totp"), ("code", &server.totp_code(&secret, 0))],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(
        done.location().unwrap().starts_with("/account/security"),
        "{:?}",
        done.location()
    );
    assert_eq!(other.get("/account").await.status, 303, "enrolment only");
    let authorize = format!(
        "/authorize?response_type=code&client_id=app&redirect_uri={}&scope=openid&state=s\
         &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
        url::form_urlencoded::byte_serialize(crate::oidc::common::REDIRECT.as_bytes()).collect::<String>()
    );
    let refused = other.get(&authorize).await;
    let location = refused.location().unwrap_or_default();
    assert!(
        location.starts_with("/login"),
        "no code for an enrolment-only session: {location}"
    );
    let security = other.get("/account/security").await;
    assert!(
        security
            .body
            .contains("needs a second factor (a security key or passkey)"),
        "{}",
        security.body
    );
    assert!(!security.body.contains("/account/security/totp"));
    assert_eq!(
        other.get("/account/security/totp").await.status,
        403,
        "no new app either"
    );
    // Adding a security key completes the sign-in.
    let mut key = SoftPasskey::new(true);
    let added = register(&server, &other, &mut key).await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert_eq!(other.get("/account").await.status, 200);
}

#[tokio::test]
async fn before_the_enforcement_date_users_are_reminded_and_after_it_may_only_enrol() {
    let server = TestServer::start().await;
    let start = today(&server);
    let enforce_from = start + Duration::days(3);
    set(&server, "user", required_from(enforce_from, 2)).await;
    server.add_user("cal", Some(GOOD_PASSWORD)).await;

    let (browser, next) = where_password_leads(&server, "cal").await;
    assert_eq!(next, "/account", "before the date: signed in");
    let account = browser.get("/account").await;
    assert!(account.body.contains("id=\"mfa-reminder\""), "{}", account.body);
    assert!(account.body.contains(&shown(enforce_from)));
    let enrol_by = shown(start + Duration::days(5));
    assert!(account.body.contains(&enrol_by));
    assert_eq!(mails_about(&server, "Add a second factor").await, 1);
    where_password_leads(&server, "cal").await;
    assert_eq!(
        mails_about(&server, "Add a second factor").await,
        1,
        "at most one mail a day"
    );
    server.clock.advance(Duration::days(1));
    where_password_leads(&server, "cal").await;
    assert_eq!(mails_about(&server, "Add a second factor").await, 2);

    // From the date, during the grace days: still signed in, still reminded.
    server.clock.advance(Duration::days(2));
    assert_eq!(today(&server), enforce_from);
    let (browser, next) = where_password_leads(&server, "cal").await;
    assert_eq!(next, "/account");
    assert!(browser.get("/account").await.body.contains("id=\"mfa-reminder\""));

    // After the grace days: enrolment only.
    server.clock.advance(Duration::days(2));
    let (browser, next) = where_password_leads(&server, "cal").await;
    assert!(next.starts_with("/account/security"), "{next}");
    assert_eq!(browser.get("/account").await.status, 303);
    server.enrol_totp(&browser).await;
    assert_eq!(
        browser.get("/account").await.status,
        200,
        "enrolling finishes the sign-in"
    );
    assert!(!browser.get("/account").await.body.contains("mfa-reminder"));
}

#[tokio::test]
async fn the_strictest_combination_of_two_roles_applies() {
    let server = TestServer::start().await;
    let start = today(&server);
    // Helpdesk: no text messages, required in 5 days. User: text messages allowed, required in 20 days.
    set(&server, "helpdesk", required_from(start + Duration::days(5), 0)).await;
    set(&server, "user", required_from(start + Duration::days(20), 0)).await;
    server
        .add_user_with("duo", Some(GOOD_PASSWORD), &["helpdesk", "user"])
        .await;
    server.add_user_with("solo", Some(GOOD_PASSWORD), &["user"]).await;

    let (duo, next) = where_password_leads(&server, "duo").await;
    assert_eq!(next, "/account");
    let (solo, _) = where_password_leads(&server, "solo").await;
    assert!(
        duo.get("/account")
            .await
            .body
            .contains(&shown(start + Duration::days(5)))
    );
    assert!(
        solo.get("/account")
            .await
            .body
            .contains(&shown(start + Duration::days(20)))
    );
    // Allowed kinds are the intersection: no text messages for duo.
    assert!(
        !duo.get("/account/security")
            .await
            .body
            .contains("/account/security/sms")
    );
    assert!(
        solo.get("/account/security")
            .await
            .body
            .contains("/account/security/sms")
    );
    // (The page offers no such form; post with the account page's token.)
    let sms = duo
        .submit("/account", "/account/security/sms", &[("phone", "+41446681800")])
        .await;
    assert_eq!(sms.status, 403, "{}", sms.body);

    // The earlier date holds for the user with both roles.
    server.clock.advance(Duration::days(6));
    let (_, next) = where_password_leads(&server, "duo").await;
    assert!(next.starts_with("/account/security"), "{next}");
    let (_, next) = where_password_leads(&server, "solo").await;
    assert_eq!(next, "/account");
}

#[tokio::test]
async fn the_per_user_override_requires_a_second_factor_at_once() {
    let server = TestServer::start().await;
    // Even a role date in the future does not delay the override.
    set(&server, "user", required_from(today(&server) + Duration::days(30), 0)).await;
    server.add_user("flo", Some(GOOD_PASSWORD)).await;
    let (_, next) = where_password_leads(&server, "flo").await;
    assert_eq!(next, "/account");
    let flo = server.user("flo").await;
    let store = server.state().store.as_ref();
    let now = server.state().clock.now();
    assert!(
        roles::set_user_mfa_required(store, now, &Origin::cli(), &flo, true)
            .await
            .unwrap()
    );
    let (browser, next) = where_password_leads(&server, "flo").await;
    assert!(next.starts_with("/account/security"), "{next}");
    assert_eq!(browser.get("/account").await.status, 303);
    assert!(
        server
            .audit_kinds(Some(&flo))
            .await
            .contains(&("user.mfa_required_changed".into(), "success".into()))
    );
    let flo = server.user("flo").await;
    roles::set_user_mfa_required(store, now, &Origin::cli(), &flo, false)
        .await
        .unwrap();
    let (_, next) = where_password_leads(&server, "flo").await;
    assert_eq!(next, "/account");
}

#[tokio::test]
async fn a_role_that_becomes_stricter_applies_at_the_next_request_of_an_open_session() {
    let server = TestServer::start().await;
    server.add_user_with("gus", Some(GOOD_PASSWORD), &["user"]).await;
    server.add_user_with("hal", Some(GOOD_PASSWORD), &["user"]).await;
    let (gus, next) = where_password_leads(&server, "gus").await;
    assert_eq!(next, "/account", "no second factor needed yet");
    let hal = server.browser();
    hal.login("hal", GOOD_PASSWORD).await;
    let secret = server.enrol_totp(&hal).await;
    let hal = server.browser();
    let done = server.sign_in_with_totp(&hal, "hal", &secret).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(gus.get("/account").await.status, 200);

    set(
        &server,
        "user",
        PolicyChange {
            mfa_required: Some(true),
            ..Default::default()
        },
    )
    .await;
    let account = gus.get("/account").await;
    assert_eq!(account.status, 303, "the password-only session ended: {}", account.body);
    assert!(account.location().unwrap_or_default().starts_with("/login"));
    assert_eq!(
        hal.get("/account").await.status,
        200,
        "a session with a TOTP code still counts"
    );
    let (_, next) = where_password_leads(&server, "gus").await;
    assert!(
        next.starts_with("/account/security"),
        "the next sign-in only enrols: {next}"
    );

    // Narrowing the kinds that count ends the TOTP session too: it no longer meets the requirement.
    set(&server, "user", factors("webauthn,recovery_code")).await;
    assert_eq!(hal.get("/account").await.status, 303);
}

#[tokio::test]
async fn role_policies_from_the_command_line_and_bad_input_that_changes_nothing() {
    let cli = Cli::new().await;
    let admin = cli.ok(&["role", "show", "admin", "--json"]);
    assert_eq!(admin["allowed_factors"], json!(["webauthn", "recovery_code"]));
    assert_eq!(admin["mfa_required"], true);
    assert_eq!(admin["trusted_device_days"], 0);
    let list = cli.ok(&["role", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert_eq!(
        list[1]["allowed_factors"],
        json!(["webauthn", "totp", "oath_token", "recovery_code"])
    );
    assert_eq!(list[2]["mfa_required"], false);
    let original = cli.ok(&["role", "show", "user", "--json"]);

    for (args, message) in [
        (
            vec!["role", "set", "emperor", "--mfa-required", "true"],
            "Unknown role 'emperor'",
        ),
        (
            vec!["role", "set", "user", "--factors", "totp,password"],
            "Unknown factor kind 'password'",
        ),
        (vec!["role", "set", "user", "--factors", "TOTP"], "Unknown factor kind"),
        (vec!["role", "set", "user", "--factors", ""], "at least one factor kind"),
        (vec!["role", "set", "user", "--factors", "recovery_code"], "backup"),
        (
            vec!["role", "set", "user", "--enforce-from", "2026-02-30"],
            "not a date",
        ),
        (
            vec!["role", "set", "user", "--enforce-from", "01.03.2026"],
            "not a date",
        ),
        (vec!["role", "set", "user", "--grace-days", "7"], "enforcement date"),
        (vec!["role", "set", "user", "--grace-days", "-1"], "whole number"),
        (
            vec!["role", "set", "user", "--mfa-required", "maybe"],
            "not true or false",
        ),
        (vec!["role", "set", "user", "--trusted-device-days", "9999"], "at most"),
        (
            vec![
                "role",
                "set",
                "user",
                "--reauth-absolute-minutes",
                "10",
                "--reauth-idle-minutes",
                "20",
            ],
            "cannot be longer",
        ),
        // One bad option spoils the whole change: the good one beside it is not stored either.
        (
            vec!["role", "set", "user", "--mfa-required", "true", "--factors", "sms,fax"],
            "Unknown factor kind",
        ),
        (
            vec!["role", "set", "user", "--passkey-attestation", "direct"],
            "none or required",
        ),
        (
            vec!["role", "set", "user", "--passkey-aaguids", "yubikey"],
            "is not an AAGUID",
        ),
        (
            vec![
                "role",
                "set",
                "user",
                "--passkey-aaguids",
                "cb69481e-8ff7-4039-93ec-0a2729a154a8",
            ],
            "needs passkey attestation required",
        ),
        (
            vec!["role", "set", "user", "--passkey-device-bound", "yes"],
            "not true or false",
        ),
    ] {
        cli.fails(&args, message);
        assert_eq!(
            cli.ok(&["role", "show", "user", "--json"]),
            original,
            "{args:?} changed nothing"
        );
    }
    cli.fails(&["role", "show", "emperor"], "Unknown role");

    // A passkey profile, shown as set and cleared again.
    let profiled = cli.ok(&[
        "role",
        "set",
        "user",
        "--passkey-attestation",
        "required",
        "--passkey-aaguids",
        "cb69481e-8ff7-4039-93ec-0a2729a154a8,ee882879-721c-4913-9775-3dfcce97072a",
        "--passkey-device-bound",
        "true",
        "--json",
    ]);
    assert_eq!(
        profiled["passkey_profile"],
        json!({
            "attestation": "required", "device_bound": true, "user_verification": false,
            "aaguids": ["cb69481e-8ff7-4039-93ec-0a2729a154a8", "ee882879-721c-4913-9775-3dfcce97072a"],
        })
    );
    let shown = cli.run(&["role", "show", "user"]).stdout;
    assert!(
        shown.contains("passkey profile          attestation=required aaguids=cb69481e-8ff7-4039-93ec-0a2729a154a8,ee882879-721c-4913-9775-3dfcce97072a device-bound"),
        "{shown}"
    );
    let cleared = cli.ok(&[
        "role",
        "set",
        "user",
        "--passkey-aaguids",
        "none",
        "--passkey-attestation",
        "none",
        "--passkey-device-bound",
        "false",
        "--json",
    ]);
    assert_eq!(cleared["passkey_profile"], original["passkey_profile"], "cleared");
    assert_eq!(
        original["passkey_profile"],
        json!({ "attestation": "none", "aaguids": [], "device_bound": false, "user_verification": false })
    );

    // Role sets that users hold must keep a primary kind in common, whichever side changes.
    cli.ok(&["user", "add", "sam", "--email", "sam@example.com", "--json"]);
    cli.ok(&["role", "set", "user", "--factors", "sms,totp,recovery_code", "--json"]);
    cli.fails(&["user", "add-role", "sam", "admin"], "no factor kind in common");
    cli.fails(
        &[
            "user",
            "add",
            "tia",
            "--email",
            "tia@example.com",
            "--role",
            "admin",
            "--role",
            "user",
        ],
        "no factor kind in common",
    );
    assert_eq!(cli.ok(&["user", "show", "sam", "--json"])["roles"], json!(["user"]));
    cli.ok(&[
        "role",
        "set",
        "user",
        "--factors",
        "webauthn,totp,sms,recovery_code",
        "--json",
    ]);
    cli.ok(&["user", "add-role", "sam", "admin", "--json"]);
    let before = cli.ok(&["role", "show", "user", "--json"]);
    cli.fails(
        &["role", "set", "user", "--factors", "totp,sms"],
        "no factor kind in common",
    );
    assert_eq!(cli.ok(&["role", "show", "user", "--json"]), before);

    // A good change is stored and audited with the policy before and after.
    let changed = cli.ok(&[
        "role",
        "set",
        "user",
        "--mfa-required",
        "true",
        "--enforce-from",
        "2030-01-01",
        "--grace-days",
        "7",
        "--json",
    ]);
    assert_eq!(changed["changed"], true);
    assert_eq!(changed["enforce_from"], "2030-01-01");
    assert_eq!(cli.ok(&["role", "show", "user", "--json"])["grace_days"], 7);
    let audit = cli.ok(&["audit", "list", "--json"]);
    let event = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "role.policy_changed")
        .expect("audited");
    assert_eq!(event["details"]["role"], "user");
    assert_eq!(event["details"]["before"]["mfa_required"], false);
    assert_eq!(event["details"]["after"]["mfa_required"], true);
    assert_eq!(event["actor"], "cli:tester");
    let same = cli.ok(&["role", "set", "user", "--grace-days", "7", "--json"]);
    assert_eq!(same["changed"], false, "setting what is there changes nothing");
    cli.fails(&["role", "set", "user", "--enforce-from", "none"], "enforcement date");
    let cleared = cli.ok(&[
        "role",
        "set",
        "user",
        "--enforce-from",
        "none",
        "--grace-days",
        "0",
        "--json",
    ]);
    assert_eq!(cleared["enforce_from"], serde_json::Value::Null);

    // The per-user override.
    cli.fails(&["user", "set-mfa-required", "sam", "maybe"], "not true or false");
    cli.fails(&["user", "set-mfa-required", "ghost", "true"], "not found");
    assert_eq!(
        cli.ok(&["user", "set-mfa-required", "sam", "true", "--json"])["changed"],
        true
    );
    assert_eq!(cli.ok(&["user", "show", "sam", "--json"])["mfa_required"], true);
}
