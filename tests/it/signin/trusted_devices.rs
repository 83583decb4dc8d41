//! Trusted devices through the real server: "trust this browser" after the second factor, the skipped second
//! factor (never the password) within the window, and every way the trust ends — expiry, a policy that allows
//! fewer days, revocation on the account page and from the CLI, password reset, factor removal, replaced recovery
//! codes — while adding a factor keeps it; plus one browser trusted by two accounts, and forged or foreign
//! cookies that never skip anything.
use crate::common::*;
use chrono::Duration;
use gatehouse::core::audit::Origin;
use gatehouse::core::policy::PolicyChange;
use gatehouse::core::policy::assurance;
use gatehouse::core::policy::roles;
use gatehouse::core::signin::sessions::{self, Resolved};
use std::process::Command;

const DEVICE: &str = "gatehouse_device";

/// A user with an authenticator app; returns its secret.
pub(crate) async fn with_totp(server: &TestServer, username: &str) -> Vec<u8> {
    server.add_user(username, Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login(username, GOOD_PASSWORD).await.status, 303);
    server.enrol_totp(&browser).await
}

/// A browser holding only the device cookie `cookie` (if any): the same browser, signed out.
fn browser_with(server: &TestServer, cookie: Option<&str>) -> Browser {
    match cookie {
        Some(value) => Browser::with_cookie(&server.base, DEVICE, value),
        None => server.browser(),
    }
}

/// Signs in with password and TOTP in a browser holding `cookie`, ticking "trust this browser"; returns the
/// device cookie the server set and the signed-in browser.
pub(crate) async fn trust(
    server: &TestServer,
    username: &str,
    secret: &[u8],
    cookie: Option<&str>,
) -> (String, Browser) {
    let browser = browser_with(server, cookie);
    let first = browser.login(username, GOOD_PASSWORD).await;
    assert!(first.location().unwrap_or_default().starts_with("/login/factor"));
    let page = browser.get("/login/factor").await;
    assert!(page.body.contains("Trust this browser for 30 days"), "{}", page.body);
    let code = server.totp_code(secret, 0);
    let done = browser
        .post(
            "/login/factor",
            &[
                ("csrf", &page.csrf()),
                ("method", "totp"),
                ("code", &code),
                ("trust", "1"),
            ],
        )
        .await;
    // Later codes in this test come from a later step (this one is used now).
    server.clock.advance(Duration::seconds(30));
    assert_eq!(done.location().as_deref(), Some("/account"), "{}", done.body);
    let set = done
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with(&format!("{DEVICE}=")))
        .expect("a device cookie is set");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Max-Age="),
        "{set}"
    );
    (cookie_value(&[set], DEVICE).unwrap(), browser)
}

/// Where the password leads in a browser holding `cookie`: `/account` (factor skipped) or the factor page.
pub(crate) async fn after_password(server: &TestServer, username: &str, cookie: Option<&str>) -> String {
    let page = browser_with(server, cookie).login(username, GOOD_PASSWORD).await;
    assert_eq!(page.status, 303, "{}", page.body);
    page.location().unwrap_or_default()
}

fn skipped(location: &str) -> bool {
    location == "/account"
}

async fn audited(server: &TestServer, username: &str, kind: &str, outcome: &str) -> bool {
    let user = server.user(username).await;
    server
        .audit_kinds(Some(&user))
        .await
        .contains(&(kind.to_string(), outcome.to_string()))
}

#[tokio::test]
async fn a_trusted_browser_skips_only_the_second_factor_within_the_window() {
    let server = TestServer::start().await;
    let secret = with_totp(&server, "tina").await;
    // Without ticking the box nothing is trusted.
    let plain = server.sign_in_with_totp(&server.browser(), "tina", &secret).await;
    assert_eq!(plain.location().as_deref(), Some("/account"));
    assert!(cookie_value(&plain.set_cookies(), DEVICE).is_none());
    server.clock.advance(Duration::seconds(31));

    let (cookie, _) = trust(&server, "tina", &secret, None).await;
    assert!(audited(&server, "tina", "device.trusted", "success").await);

    // The next sign-in in this browser skips the second step, and says so truthfully.
    server.clock.advance(Duration::days(29));
    let browser = browser_with(&server, Some(&cookie));
    let page = browser.login("tina", GOOD_PASSWORD).await;
    assert_eq!(page.location().as_deref(), Some("/account"));
    let token = cookie_value(&page.set_cookies(), "gatehouse_session").unwrap();
    let state = server.state();
    let Resolved { session, .. } = sessions::resolve(state.store.as_ref(), state.clock.now(), state.limits, &token)
        .await
        .unwrap()
        .expect("signed in");
    assert_eq!(session.amr, vec!["pwd".to_string(), "device".to_string()]);
    assert_eq!(assurance::acr_for(&session.amr), assurance::MULTI_FACTOR);
    assert_ne!(assurance::acr_for(&session.amr), assurance::PHISHING_RESISTANT);
    assert!(audited(&server, "tina", "login.trusted_device", "success").await);
    // The account page lists this browser.
    let account = browser.get("/account").await;
    assert!(account.body.contains("(this browser)"), "{}", account.body);

    // Changing factors needs a factor proven now: the trusted session is not fresh enough, and the
    // reauthentication asks for the factor despite the trusted browser.
    let enrol = browser.get("/account/security/totp").await;
    assert!(
        enrol.location().unwrap_or_default().starts_with("/login?reauth=1"),
        "{:?}",
        enrol.location()
    );
    let again = browser
        .submit(
            &enrol.location().unwrap(),
            "/login",
            &[("username", "tina"), ("password", GOOD_PASSWORD), ("reauth", "1")],
        )
        .await;
    assert!(
        again.location().unwrap_or_default().starts_with("/login/factor"),
        "{:?}",
        again.location()
    );
    let reauth_page = browser.get("/login?reauth=1").await;
    assert_eq!(
        reauth_page.input("reauth").as_deref(),
        Some("1"),
        "the form says it is a reauthentication"
    );

    // The password is never skipped.
    let wrong = browser_with(&server, Some(&cookie))
        .login("tina", "not-the-password")
        .await;
    assert_eq!(wrong.status, 401);

    // After the window: the second factor again, and the stale record is gone.
    server.clock.advance(Duration::days(1) + Duration::minutes(1));
    assert!(
        after_password(&server, "tina", Some(&cookie))
            .await
            .starts_with("/login/factor")
    );
    assert!(audited(&server, "tina", "login.trusted_device", "denied").await);
    let tina = server.user("tina").await;
    assert!(
        server
            .state()
            .store
            .trusted_devices_of(&tina.id)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn two_accounts_trusted_in_one_browser_both_stay_trusted() {
    let server = TestServer::start().await;
    let ann = with_totp(&server, "ann").await;
    let bob = with_totp(&server, "bob").await;
    let (cookie, _) = trust(&server, "ann", &ann, None).await;
    let (again, _) = trust(&server, "bob", &bob, Some(&cookie)).await;
    assert_eq!(again, cookie, "the browser keeps its one cookie");
    assert!(skipped(&after_password(&server, "ann", Some(&cookie)).await));
    assert!(skipped(&after_password(&server, "bob", Some(&cookie)).await));
    // Ending one account's trust leaves the other's alone; trusting it again keeps both.
    let ann_user = server.user("ann").await;
    let now = server.state().clock.now();
    gatehouse::core::signin::trusted_devices::revoke_all(
        server.state().store.as_ref(),
        now,
        &Origin::cli(),
        &ann_user.id,
        "test",
    )
    .await
    .unwrap();
    assert!(
        after_password(&server, "ann", Some(&cookie))
            .await
            .starts_with("/login/factor")
    );
    assert!(skipped(&after_password(&server, "bob", Some(&cookie)).await));
    let (same, _) = trust(&server, "ann", &ann, Some(&cookie)).await;
    assert_eq!(same, cookie);
    assert!(skipped(&after_password(&server, "ann", Some(&cookie)).await));
    assert!(skipped(&after_password(&server, "bob", Some(&cookie)).await));
}

#[tokio::test]
async fn forged_and_foreign_cookies_never_skip_the_second_factor() {
    let server = TestServer::start().await;
    let ann = with_totp(&server, "ann").await;
    let bob = with_totp(&server, "bob").await;
    let (ann_cookie, _) = trust(&server, "ann", &ann, None).await;
    let (bob_cookie, _) = trust(&server, "bob", &bob, None).await;
    assert_ne!(ann_cookie, bob_cookie);
    let forged = gatehouse::core::secrets::random_token();
    // Ann's cookie with its last character changed.
    let last = if ann_cookie.ends_with('A') { "B" } else { "A" };
    let altered = format!("{}{last}", &ann_cookie[..42]);
    for (user, cookie) in [
        ("bob", ann_cookie.as_str()),
        ("ann", bob_cookie.as_str()),
        ("ann", forged.as_str()),
        ("ann", "x"),
        ("ann", &ann_cookie[..42]),
        ("ann", altered.as_str()),
    ] {
        let next = after_password(&server, user, Some(cookie)).await;
        assert!(next.starts_with("/login/factor"), "{user} with {cookie}: {next}");
    }
    assert!(audited(&server, "ann", "login.trusted_device", "denied").await);
    // The genuine pairs still work.
    assert!(skipped(&after_password(&server, "ann", Some(&ann_cookie)).await));
    assert!(skipped(&after_password(&server, "bob", Some(&bob_cookie)).await));
}

#[tokio::test]
async fn a_role_that_allows_fewer_days_or_none_neither_offers_nor_honours_trust() {
    let server = TestServer::start().await;
    let secret = with_totp(&server, "ria").await;
    let (cookie, _) = trust(&server, "ria", &secret, None).await;
    let server = &server;
    let set = |days: u32| async move {
        roles::set(
            server.state().store.as_ref(),
            server.state().clock.now(),
            &Origin::cli(),
            "user",
            &PolicyChange {
                trusted_device_days: Some(days),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    };
    set(7).await;
    server.clock.advance(Duration::days(6));
    assert!(skipped(&after_password(server, "ria", Some(&cookie)).await));
    server.clock.advance(Duration::days(2));
    assert!(
        after_password(server, "ria", Some(&cookie))
            .await
            .starts_with("/login/factor"),
        "7 days under today's policy are over, though 30 were granted"
    );

    set(30).await;
    let (cookie, _) = trust(server, "ria", &secret, Some(&cookie)).await;
    set(0).await;
    assert!(
        after_password(server, "ria", Some(&cookie))
            .await
            .starts_with("/login/factor")
    );
    let page = browser_with(server, Some(&cookie));
    page.login("ria", GOOD_PASSWORD).await;
    let factor = page.get("/login/factor").await;
    assert!(
        !factor.body.contains("Trust this browser"),
        "not offered when the policy allows none"
    );
    // A ticked box under such a policy trusts nothing.
    let code = server.totp_code(&secret, 0);
    let done = page
        .post(
            "/login/factor",
            &[
                ("csrf", &factor.csrf()),
                ("method", "totp"),
                ("code", &code),
                ("trust", "1"),
            ],
        )
        .await;
    assert_eq!(done.location().as_deref(), Some("/account"));
    assert!(cookie_value(&done.set_cookies(), DEVICE).is_none());
    assert!(audited(server, "ria", "device.trusted", "denied").await);
}

#[tokio::test]
async fn revoking_on_the_account_page_and_from_the_cli_ends_the_trust() {
    let server = TestServer::start().await;
    let secret = with_totp(&server, "rex").await;
    let (cookie, browser) = trust(&server, "rex", &secret, None).await;
    let account = browser.get("/account").await;
    let id = account.data("device-id").expect("the browser is listed");
    assert!(
        account.body.contains("Unknown browser (this browser)"),
        "{}",
        account.body
    );

    // A revocation without the CSRF token changes nothing.
    let forged = browser.post("/account/devices/revoke", &[("device_id", &id)]).await;
    assert_ne!(forged.status, 303);
    assert!(skipped(&after_password(&server, "rex", Some(&cookie)).await));

    let revoked = browser
        .post(
            "/account/devices/revoke",
            &[("csrf", &account.csrf()), ("device_id", &id)],
        )
        .await;
    assert_eq!(revoked.status, 303);
    assert!(audited(&server, "rex", "device.revoked", "success").await);
    assert!(
        after_password(&server, "rex", Some(&cookie))
            .await
            .starts_with("/login/factor")
    );
    assert!(browser.get("/account").await.body.contains("no-trusted-devices"));

    // Revoke all on the page.
    let (cookie, browser) = trust(&server, "rex", &secret, Some(&cookie)).await;
    let account = browser.get("/account").await;
    let all = browser
        .post("/account/devices/revoke-all", &[("csrf", &account.csrf())])
        .await;
    assert_eq!(all.status, 303);
    assert!(
        after_password(&server, "rex", Some(&cookie))
            .await
            .starts_with("/login/factor")
    );

    // The helpdesk from the command line.
    let (cookie, _) = trust(&server, "rex", &secret, Some(&cookie)).await;
    let db = server.db.as_ref().expect("test database");
    let data = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("GATEHOUSE_DATA_DIR", data.path())
            .env("GATEHOUSE_DATABASE_URL", &db.url)
            .env("GATEHOUSE_SECRET_KEY", SHARED_SECRET)
            .env("USER", "helpdesk-tester")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let listed = cli(&["user", "devices", "rex", "--json"]);
    assert_eq!(listed["devices"].as_array().map(Vec::len), Some(1), "{listed}");
    let done = cli(&["user", "revoke-devices", "rex", "--json"]);
    assert_eq!(done["revoked"], 1, "{done}");
    assert!(
        after_password(&server, "rex", Some(&cookie))
            .await
            .starts_with("/login/factor")
    );
    assert_eq!(
        cli(&["user", "devices", "rex", "--json"])["devices"],
        serde_json::json!([])
    );
    assert!(audited(&server, "rex", "device.revoked_all", "success").await);
}

#[tokio::test]
async fn a_password_reset_or_a_removed_factor_ends_every_trust() {
    let server = TestServer::start().await;
    let secret = with_totp(&server, "pia").await;
    let (cookie, _) = trust(&server, "pia", &secret, None).await;
    let before = server.mails(1).await.len();
    let sent = server
        .browser()
        .submit("/password/forgot", "/password/forgot", &[("identifier", "pia")])
        .await;
    assert_eq!(sent.status, 200);
    let mails = server.mails(before + 1).await;
    let link = link_in(mails.last().unwrap());
    let done = server.browser().set_password_via(&link, GOOD_PASSWORD).await;
    assert!(done.status < 400, "{}", done.body);
    // The answer says the trust went with the old password, and why.
    let notice = done.notice().unwrap_or_default();
    assert!(
        notice.contains("also revoked your trusted browser, so a stolen password plus an old browser is not enough"),
        "{}",
        done.body
    );
    assert!(
        after_password(&server, "pia", Some(&cookie))
            .await
            .starts_with("/login/factor")
    );

    // A second authenticator app, then trust, then remove one factor: the trust ends.
    let (cookie, browser) = trust(&server, "pia", &secret, Some(&cookie)).await;
    let second = server.enrol_totp(&browser).await;
    assert!(!second.is_empty());
    assert!(skipped(&after_password(&server, "pia", Some(&cookie)).await));
    let pia = server.user("pia").await;
    let factor_id = server.state().store.factors_of(&pia.id).await.unwrap()[0].id.clone();
    let removed = browser
        .submit("/account", "/account/security/remove", &[("factor_id", &factor_id)])
        .await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    assert!(
        after_password(&server, "pia", Some(&cookie))
            .await
            .starts_with("/login/factor")
    );
    assert!(audited(&server, "pia", "device.revoked_all", "success").await);
}

#[tokio::test]
async fn a_security_key_may_establish_trust_but_the_trust_is_never_phishing_resistant() {
    use webauthn_authenticator_rs::WebauthnAuthenticator;
    use webauthn_authenticator_rs::softpasskey::SoftPasskey;
    use webauthn_rs::prelude::RequestChallengeResponse;

    let (server, _db) = crate::factors::webauthn::server().await;
    server.add_user("kai", Some(GOOD_PASSWORD)).await;
    let setup = server.browser();
    assert_eq!(setup.login("kai", GOOD_PASSWORD).await.status, 303);
    let mut key = SoftPasskey::new(true);
    assert_eq!(
        crate::factors::webauthn::register(&server, &setup, &mut key)
            .await
            .status,
        200
    );

    let browser = server.browser();
    assert!(
        browser
            .login("kai", GOOD_PASSWORD)
            .await
            .location()
            .unwrap_or_default()
            .starts_with("/login/factor")
    );
    let page = browser.get("/login/factor").await;
    assert!(page.body.contains("data-webauthn=\"second-factor\"") && page.body.contains("Trust this browser"));
    let csrf = page.data("csrf").unwrap();
    let options = browser
        .post_json("/login/factor/webauthn/options", &serde_json::json!({ "csrf": csrf }))
        .await;
    let options: RequestChallengeResponse = serde_json::from_str(&options.body).unwrap();
    let credential = key
        .do_authentication(crate::factors::webauthn::origin(&server), options)
        .expect("soft key signs");
    let done = browser
        .post_json(
            "/login/factor/webauthn",
            &serde_json::json!({ "csrf": csrf, "credential": credential, "trust": true }),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let state = server.state();
    let keyed = cookie_value(&done.set_cookies(), "gatehouse_session").unwrap();
    let Resolved { session: with_key, .. } =
        sessions::resolve(state.store.as_ref(), state.clock.now(), state.limits, &keyed)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(assurance::acr_for(&with_key.amr), assurance::PHISHING_RESISTANT);
    let cookie = cookie_value(&done.set_cookies(), DEVICE).expect("the browser is trusted");

    // The trusted sign-in that follows skips the key, and is multi-factor at most.
    let page = browser_with(&server, Some(&cookie)).login("kai", GOOD_PASSWORD).await;
    assert_eq!(page.location().as_deref(), Some("/account"));
    let token = cookie_value(&page.set_cookies(), "gatehouse_session").unwrap();
    let Resolved { session, .. } = sessions::resolve(state.store.as_ref(), state.clock.now(), state.limits, &token)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !session.amr.iter().any(|m| m == "mfa" || m == "hwk" || m == "swk"),
        "{:?}",
        session.amr
    );
    assert_eq!(assurance::acr_for(&session.amr), assurance::MULTI_FACTOR);
}

/// Adding a factor weakens nothing, so trusted browsers stay trusted — a phone, a second app, a first set of
/// recovery codes — and the notice says nothing of revoking. Replacing the recovery codes removes the old set:
/// that revokes them, and the notice says so and why. (A changed phone number: `account::phone`.)
#[tokio::test]
async fn adding_a_factor_keeps_every_trust_and_replacing_codes_ends_it() {
    let (server, sink, _db) = crate::factors::sms::server_with_webhook().await;
    let secret = with_totp(&server, "pho").await;
    let (cookie, browser) = trust(&server, "pho", &secret, None).await;
    assert!(skipped(&after_password(&server, "pho", Some(&cookie)).await));
    // A phone beside the app.
    let form = browser.get("/account/security/sms").await;
    let confirm = browser
        .post(
            "/account/security/sms",
            &[("csrf", &form.csrf()), ("phone", crate::factors::sms::PHONE)],
        )
        .await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    let sent = crate::factors::sms::text(&sink, 1).await;
    let code = code_in(sent["message"].as_str().unwrap());
    let done = browser
        .post(
            "/account/security/sms/confirm",
            &[
                ("csrf", &confirm.csrf()),
                ("factor_id", &confirm.input("factor_id").unwrap()),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let page = browser.get(&done.location().unwrap()).await;
    let notice = page.notice().unwrap_or_default();
    assert!(
        notice.contains("Phone added") && !notice.contains("revoked"),
        "{notice}"
    );
    assert!(!page.body.contains("id=\"recovery-prompt\""), "not the first factor");
    assert!(
        skipped(&after_password(&server, "pho", Some(&cookie)).await),
        "a phone added: still trusted"
    );
    // A second authenticator app.
    server.enrol_totp(&browser).await;
    assert!(
        skipped(&after_password(&server, "pho", Some(&cookie)).await),
        "an app added: still trusted"
    );
    // A first set of recovery codes.
    let first = browser
        .submit("/account/security", "/account/security/recovery-codes", &[])
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let notice = first.notice().unwrap_or_default();
    assert!(
        notice.contains("New recovery codes created") && !notice.contains("revoked"),
        "{notice}"
    );
    assert!(
        skipped(&after_password(&server, "pho", Some(&cookie)).await),
        "first codes: still trusted"
    );
    let pho = server.user("pho").await;
    let audit = server.state().store.list_audit(Some(&pho.id), 200).await.unwrap();
    assert!(
        !audit.iter().any(|e| e.event.kind == "device.revoked_all"),
        "nothing was revoked"
    );

    // New codes replacing those: the old set is gone, and with it the trust.
    let replaced = browser
        .submit("/account/security", "/account/security/recovery-codes", &[])
        .await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    let notice = replaced.notice().unwrap_or_default();
    assert!(
        notice.contains("the old ones no longer work")
            && notice.contains("Replacing them revoked your trusted browser, so a stolen password"),
        "{notice}"
    );
    assert!(
        after_password(&server, "pho", Some(&cookie))
            .await
            .starts_with("/login/factor")
    );
    let audit = server.state().store.list_audit(Some(&pho.id), 200).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.event.kind == "device.revoked_all" && e.event.details["reason"] == "recovery_codes_replaced")
    );
}

/// Storage conformance (every backend): records are per (browser, user); per-role IP lists round-trip.
#[tokio::test]
async fn storage_keeps_one_record_per_browser_and_user_and_round_trips_ip_lists() {
    use crate::store::common::backends;
    use gatehouse::core::clock::{Clock, SystemClock};
    use gatehouse::core::model::User;
    use gatehouse::core::policy::RolePolicy;
    use gatehouse::core::signin::trusted_devices::device::TrustedDevice;
    use gatehouse::core::store::{PolicyStore, TrustedDeviceStore, UserStore};
    for (_db, store) in backends().await {
        let backend = store.backend_name();
        let now = SystemClock.now();
        let a = a_user("aaaaaaaa-1111-1111-1111-111111111111", "ada", "ada@example.com");
        let b = a_user("bbbbbbbb-1111-1111-1111-111111111111", "ben", "ben@example.com");
        store.insert_user(&a, &["user".into()]).await.unwrap();
        store.insert_user(&b, &["user".into()]).await.unwrap();
        let device = |id: &str, browser: &str, user: &User, days: i64| TrustedDevice {
            id: id.into(),
            browser_hash: browser.into(),
            user_id: user.id.clone(),
            user_agent: "ua".into(),
            created_at: now,
            trusted_at: now,
            last_seen_at: now,
            expires_at: now + Duration::days(days),
        };
        store.put_trusted_device(&device("d1", "h1", &a, 30)).await.unwrap();
        store.put_trusted_device(&device("d2", "h1", &b, 30)).await.unwrap();
        // Renewing (same browser, same user) keeps the record's id and first-seen time, and leaves ben's alone.
        store.put_trusted_device(&device("d3", "h1", &a, 60)).await.unwrap();
        let ada = store.trusted_device("h1", &a.id).await.unwrap().expect("ada's record");
        assert_eq!(ada.id, "d1", "{backend}");
        assert!(ada.expires_at > now + Duration::days(59), "{backend}: renewed");
        assert_eq!(
            store.trusted_device("h1", &b.id).await.unwrap().map(|d| d.id),
            Some("d2".into())
        );
        assert!(store.trusted_device("h2", &a.id).await.unwrap().is_none(), "{backend}");
        assert!(
            !store.delete_trusted_device(&a.id, "d2").await.unwrap(),
            "{backend}: not ada's"
        );
        assert_eq!(store.delete_trusted_devices_of(&a.id).await.unwrap(), 1, "{backend}");
        assert_eq!(store.trusted_devices_of(&b.id).await.unwrap().len(), 1, "{backend}");
        assert!(store.delete_trusted_device(&b.id, "d2").await.unwrap(), "{backend}");

        let with_ip = RolePolicy {
            ip: gatehouse::core::signin::ip_rules::IpRules {
                allow: gatehouse::core::signin::ip_rules::parse_list("10.0.0.0/8,2001:db8::/32").unwrap(),
                deny: gatehouse::core::signin::ip_rules::parse_list("10.9.0.0/16").unwrap(),
            },
            ..store.role_policy("user").await.unwrap().unwrap()
        };
        store.put_role_policy(&with_ip).await.unwrap();
        assert_eq!(
            store.role_policy("user").await.unwrap().map(|p| p.ip),
            Some(with_ip.ip.clone()),
            "{backend}: IP lists round-trip"
        );
    }
}
