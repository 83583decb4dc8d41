//! Second factors through the real server: enrolment, the second step of sign-in, replay and concurrency,
//! brute-force defence, recovery codes, forced enrolment, fresh sign-in, and separation from password reset.
use crate::common::*;
use chrono::Duration;
use gatehouse::core::factors::FactorStatus;
use sea_orm::{ConnectionTrait, Database, Statement};

async fn signed_in(server: &TestServer, username: &str) -> Browser {
    server.add_user(username, Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login(username, GOOD_PASSWORD).await.status, 303);
    browser
}

#[tokio::test]
async fn totp_enrolment_then_two_step_sign_in() {
    let server = TestServer::start().await;
    let browser = signed_in(&server, "amy").await;
    let amy = server.user("amy").await;

    let security = browser.get("/account/security").await;
    assert_eq!(security.status, 200);
    assert!(security.body.contains("no second factor yet"));

    let page = browser.get("/account/security/totp").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("src=\"data:image/png;base64,"),
        "server-rendered QR code"
    );
    assert!(page.body.contains("otpauth://totp/Gatehouse:amy?"));
    let secret = secret_on(&page);
    assert_eq!(secret.len(), 20, "160-bit secret");

    // A wrong first code leaves the factor pending: sign-in stays one-step.
    let wrong = browser
        .post(
            "/account/security/totp",
            &[
                ("csrf", &page.csrf()),
                ("factor_id", &page.input("factor_id").unwrap()),
                ("code", "000000"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("not right"));
    let factors = server.state().store.factors_of(&amy.id).await.unwrap();
    assert!(factors.iter().all(|f| f.status == FactorStatus::Pending));
    assert_eq!(
        server.browser().login("amy", GOOD_PASSWORD).await.location().as_deref(),
        Some("/account")
    );

    let code = server.totp_code(&secret, 0);
    let done = browser
        .post(
            "/account/security/totp",
            &[
                ("csrf", &wrong.csrf()),
                ("factor_id", &wrong.input("factor_id").unwrap()),
                ("name", "Work phone"),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    assert!(browser.get("/account/security").await.body.contains("Work phone"));
    let mails = server.mails(1).await;
    assert!(mails[0].contains("Subject: A sign-in factor was added"), "{}", mails[0]);

    // Now the password alone does not sign in.
    let other = server.browser();
    let first = other.login("amy", GOOD_PASSWORD).await;
    assert_eq!(first.location().as_deref(), Some("/login/factor?return_to=%2Faccount"));
    assert_eq!(
        other.get("/account").await.status,
        303,
        "a pending session is not signed in"
    );
    let factor_page = other.get("/login/factor").await;
    assert!(factor_page.body.contains("name=\"code\""));
    // The enrolment code's step is used: replaying it is refused and the user is told.
    let replay = other
        .submit("/login/factor", "/login/factor", &[("method", "totp"), ("code", &code)])
        .await;
    assert_eq!(replay.status, 401);
    assert!(replay.body.contains("already used"));
    assert!(server.mails(2).await.iter().any(|m| m.contains("already been used")));
    let wrong = other
        .submit(
            "/login/factor",
            "/login/factor",
            &[("method", "totp"), ("code", "12345x")],
        )
        .await;
    assert_eq!(wrong.status, 401);

    server.clock.advance(Duration::seconds(30));
    let next = server.totp_code(&secret, 0);
    let done = other
        .submit("/login/factor", "/login/factor", &[("method", "totp"), ("code", &next)])
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(done.location().as_deref(), Some("/account"));
    assert!(
        cookie_value(&done.set_cookies(), "gatehouse_session").is_some(),
        "a new session id after the second factor"
    );
    assert_eq!(other.get("/account").await.status, 200);
    let session_amr = {
        let token = cookie_value(&done.set_cookies(), "gatehouse_session").unwrap();
        server
            .state()
            .store
            .session_by_hash(&gatehouse::core::secrets::token_digest(&token))
            .await
            .unwrap()
            .unwrap()
            .amr
    };
    assert_eq!(session_amr, ["pwd", "otp", "mfa"]);
    let kinds = server.audit_kinds(Some(&amy)).await;
    assert!(kinds.contains(&("login.second_factor".into(), "success".into())));
    assert!(kinds.contains(&("factor.added".into(), "success".into())));
}

#[tokio::test]
async fn twenty_parallel_submissions_of_one_code_succeed_once() {
    let server = TestServer::start().await;
    let browser = signed_in(&server, "ben").await;
    let secret = server.enrol_totp(&browser).await;
    let code = server.totp_code(&secret, 0);
    let mut ready = Vec::new();
    for _ in 0..20 {
        let b = server.browser();
        assert_eq!(b.login("ben", GOOD_PASSWORD).await.status, 303);
        let csrf = b.get("/login/factor").await.csrf();
        ready.push((b, csrf));
    }
    let mut tasks = Vec::new();
    for (b, csrf) in ready {
        let code = code.clone();
        tasks.push(tokio::spawn(async move {
            b.post("/login/factor", &[("csrf", &csrf), ("method", "totp"), ("code", &code)])
                .await
                .status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| [303, 401, 429].contains(s)), "{statuses:?}");
}

#[tokio::test]
async fn parallel_wrong_guesses_are_all_counted_and_the_factor_locks() {
    let server = TestServer::start().await;
    server.add_user_with("root", Some(GOOD_PASSWORD), &["admin"]).await;
    let browser = signed_in(&server, "cat").await;
    let cat = server.user("cat").await;
    let secret = server.enrol_totp(&browser).await;

    let mut ready = Vec::new();
    for _ in 0..8 {
        let b = server.browser();
        assert_eq!(b.login("cat", GOOD_PASSWORD).await.status, 303);
        let csrf = b.get("/login/factor").await.csrf();
        ready.push((b, csrf));
    }
    let mut tasks = Vec::new();
    for (i, (b, csrf)) in ready.into_iter().enumerate() {
        tasks.push(tokio::spawn(async move {
            let guess = format!("{:06}", 100_000 + i);
            b.post(
                "/login/factor",
                &[("csrf", &csrf), ("method", "totp"), ("code", &guess)],
            )
            .await
            .status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let wrong = statuses.iter().filter(|s| **s == 401).count() as u32;
    assert!(statuses.iter().all(|s| *s == 401 || *s == 429), "{statuses:?}");
    assert!(wrong >= 3, "the free attempts were used: {statuses:?}");
    let key = gatehouse::core::signin::second_factor::throttle_key(&cat.id, gatehouse::core::factors::FactorKind::Totp);
    let (count, _) = server.state().store.attempt_counter(&key).await.unwrap().unwrap();
    assert_eq!(count, wrong, "every verified guess was counted");
    let audited = server.state().store.list_audit(Some(&cat.id), 100).await.unwrap();
    let refused = audited
        .iter()
        .filter(|e| e.event.kind == "login.second_factor" && e.event.outcome.as_str() != "success")
        .count();
    assert_eq!(
        refused,
        statuses.len(),
        "every attempt, verified or refused, is an audit event"
    );

    // Keep guessing, waiting out each delay, until the factor locks at 10.
    let b = server.browser();
    assert_eq!(b.login("cat", GOOD_PASSWORD).await.status, 303);
    let mut last = 0;
    for _ in wrong..10 {
        server.clock.advance(Duration::seconds(61));
        last = b
            .submit(
                "/login/factor",
                "/login/factor",
                &[("method", "totp"), ("code", "999999")],
            )
            .await
            .status;
    }
    assert_eq!(last, 401);
    server.clock.advance(Duration::seconds(61));
    let right = server.totp_code(&secret, 0);
    let locked = b
        .submit(
            "/login/factor",
            "/login/factor",
            &[("method", "totp"), ("code", &right)],
        )
        .await;
    assert_eq!(locked.status, 429, "even the right code is refused while locked");
    assert!(locked.body.contains("locked"));
    let mails = server.mails(3).await;
    assert!(
        mails
            .iter()
            .any(|m| m.contains("To: cat@example.com") && m.contains("locked")),
        "the user is alerted"
    );
    assert!(
        mails
            .iter()
            .any(|m| m.contains("To: root@example.com") && m.contains("locked")),
        "administrators are alerted"
    );
    assert!(
        server
            .audit_kinds(Some(&cat))
            .await
            .contains(&("factor.locked".into(), "denied".into()))
    );

    // The password page stays usable, and the lock ends.
    assert_eq!(server.browser().login("cat", GOOD_PASSWORD).await.status, 303);
    server.clock.advance(Duration::minutes(16));
    let fresh = server.browser();
    let done = server.sign_in_with_totp(&fresh, "cat", &secret).await;
    assert_eq!(done.status, 303, "{}", done.body);
}

#[tokio::test]
async fn recovery_codes_work_once_each() {
    let server = TestServer::start().await;
    let browser = signed_in(&server, "dan").await;
    // (The security page shows no such form without a primary factor; post with the account page's token.)
    let refused = browser
        .submit("/account", "/account/security/recovery-codes", &[])
        .await;
    assert_eq!(refused.status, 400, "recovery codes back up a primary factor");
    server.enrol_totp(&browser).await;
    // Enrolment happened within the fresh window; still fresh.
    let page = browser
        .submit("/account/security", "/account/security/recovery-codes", &[])
        .await;
    assert_eq!(page.status, 200);
    let start = page.body.find("id=\"recovery-codes\">").unwrap() + "id=\"recovery-codes\">".len();
    let codes: Vec<String> = page.body[start..]
        .split("</pre>")
        .next()
        .unwrap()
        .lines()
        .map(str::to_string)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(codes.len(), 10);
    assert!(
        page.body.contains("download=\"gatehouse-recovery-codes.txt\""),
        "downloadable"
    );
    assert!(
        page.body.contains(&format!("%0A{}", codes[0].replace('-', "%2D"))),
        "the file holds the codes"
    );

    let other = server.browser();
    assert_eq!(other.login("dan", GOOD_PASSWORD).await.status, 303);
    assert!(
        other
            .get("/login/factor?method=recovery_code")
            .await
            .body
            .contains("recovery codes")
    );
    let typed = codes[0].to_uppercase().replace('-', " ");
    let done = other
        .submit(
            "/login/factor",
            "/login/factor",
            &[("method", "recovery_code"), ("code", &typed)],
        )
        .await;
    assert_eq!(done.status, 303);
    assert!(
        server
            .mails(3)
            .await
            .iter()
            .any(|m| m.contains("recovery code was just used") && m.contains("9 unused"))
    );

    let again = server.browser();
    assert_eq!(again.login("dan", GOOD_PASSWORD).await.status, 303);
    let reused = again
        .submit(
            "/login/factor",
            "/login/factor",
            &[("method", "recovery_code"), ("code", &codes[0])],
        )
        .await;
    assert_eq!(reused.status, 401);
    assert!(reused.body.contains("already used"), "a reuse is reported as one");
    assert!(
        server.mails(4).await.iter().any(|m| m.contains("already been used")),
        "and the user is told"
    );
    assert_eq!(
        again
            .submit(
                "/login/factor",
                "/login/factor",
                &[("method", "recovery_code"), ("code", &codes[1])]
            )
            .await
            .status,
        303
    );
    assert!(again.get("/account/security").await.body.contains("(8 left)"));
}

#[tokio::test]
async fn administrators_must_enrol_before_they_are_signed_in() {
    let server = TestServer::start().await;
    server.add_user_with("ada", Some(GOOD_PASSWORD), &["admin"]).await;
    let browser = server.browser();
    let first = browser.login("ada", GOOD_PASSWORD).await;
    assert_eq!(
        first.location().as_deref(),
        Some("/account/security?return_to=%2Faccount")
    );
    assert_eq!(browser.get("/account").await.status, 303);
    let security = browser.get("/account/security?return_to=%2Faccount").await;
    assert!(security.body.contains("needs a second factor"));
    // The default administrator policy counts only security keys (and recovery codes): no authenticator app.
    assert!(security.body.contains("security key or passkey"));
    assert!(!security.body.contains("/account/security/totp"), "{}", security.body);
    assert_eq!(browser.get("/account/security/totp").await.status, 403);
    // An operator without security keys relaxes the policy (see tests/it/policy.rs for the strict one).
    gatehouse::core::policy::roles::set(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &gatehouse::core::audit::Origin::cli(),
        "admin",
        &gatehouse::core::policy::PolicyChange {
            allowed_factors: Some(gatehouse::core::policy::parse_kinds("webauthn,totp,recovery_code").unwrap()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let page = browser.get("/account/security/totp?return_to=%2Faccount").await;
    // Enrolment-only: other actions lead back to sign-in.
    let other = browser
        .post("/account/security/recovery-codes", &[("csrf", &page.csrf())])
        .await;
    assert!(
        other.location().unwrap().starts_with("/login"),
        "{:?}",
        other.location()
    );
    let secret = secret_on(&page);
    let done = browser
        .post(
            "/account/security/totp",
            &[
                ("csrf", &page.csrf()),
                ("factor_id", &page.input("factor_id").unwrap()),
                ("code", &server.totp_code(&secret, 0)),
                ("return_to", "/account"),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    // Signed in; the first factor lands on the offer of recovery codes, which then carries on to /account.
    assert_eq!(
        done.location().as_deref(),
        Some("/account/security?return_to=%2Faccount")
    );
    let offer = browser.get("/account/security?return_to=%2Faccount").await;
    assert!(offer.body.contains("id=\"recovery-prompt\""), "{}", offer.body);
    assert!(offer.body.contains("href=\"/account\" id=\"recovery-prompt-later\""));
    assert_eq!(browser.get("/account").await.status, 200);
}

#[tokio::test]
async fn changing_factors_needs_a_fresh_sign_in() {
    let server = TestServer::start().await;
    let browser = signed_in(&server, "eve").await;
    let secret = server.enrol_totp(&browser).await;
    let eve = server.user("eve").await;
    let factor_id = server.state().store.factors_of(&eve.id).await.unwrap()[0].id.clone();

    server.clock.advance(Duration::minutes(11));
    let start = browser.get("/account/security/totp").await;
    assert_eq!(
        start.location().as_deref(),
        Some("/login?reauth=1&return_to=%2Faccount%2Fsecurity")
    );
    // (A stale page shows no remove buttons; post with the account page's token.)
    let remove = browser
        .submit("/account", "/account/security/remove", &[("factor_id", &factor_id)])
        .await;
    assert_eq!(remove.status, 303);
    assert!(remove.location().unwrap().starts_with("/login?reauth=1"));
    assert_eq!(
        server.state().store.factors_of(&eve.id).await.unwrap().len(),
        1,
        "nothing removed"
    );

    // Re-authentication: password and the existing factor.
    let reauth = browser.get("/login?reauth=1&return_to=%2Faccount%2Fsecurity").await;
    assert_eq!(reauth.status, 200, "the sign-in form, although signed in");
    let done = browser
        .post(
            "/login",
            &[
                ("csrf", &reauth.csrf()),
                ("username", "eve"),
                ("password", GOOD_PASSWORD),
                ("return_to", "/account/security"),
            ],
        )
        .await;
    assert!(done.location().unwrap().starts_with("/login/factor"));
    let code = server.totp_code(&secret, 0);
    let done = browser
        .submit(
            "/login/factor",
            "/login/factor",
            &[("method", "totp"), ("code", &code), ("return_to", "/account/security")],
        )
        .await;
    assert_eq!(done.location().as_deref(), Some("/account/security"));
    let removed = browser
        .submit(
            "/account/security",
            "/account/security/remove",
            &[("factor_id", &factor_id)],
        )
        .await;
    assert_eq!(removed.location().as_deref(), Some("/account/security"));
    assert!(server.state().store.factors_of(&eve.id).await.unwrap().is_empty());
    assert!(server.mails(2).await.iter().any(|m| m.contains("was removed")));
    assert!(
        server
            .audit_kinds(Some(&eve))
            .await
            .contains(&("factor.removed".into(), "success".into()))
    );
}

#[tokio::test]
async fn password_reset_keeps_the_second_factor() {
    let server = TestServer::start().await;
    let browser = signed_in(&server, "fay").await;
    let secret = server.enrol_totp(&browser).await;
    let fay = server.user("fay").await;
    let before = server.state().store.factors_of(&fay.id).await.unwrap();

    let sent = server
        .browser()
        .submit("/password/forgot", "/password/forgot", &[("identifier", "fay")])
        .await;
    assert_eq!(sent.status, 200);
    let mails = server.mails(2).await;
    let link = link_in(
        mails
            .iter()
            .find(|m| m.contains("Reset your Gatehouse password"))
            .unwrap(),
    );
    let new_password = "copper-lantern-drifts-north";
    assert_eq!(server.browser().set_password_via(&link, new_password).await.status, 200);

    let after = server.state().store.factors_of(&fay.id).await.unwrap();
    assert_eq!(before, after, "the factor list is unchanged");
    let again = server.browser();
    let first = again.login("fay", new_password).await;
    assert!(
        first.location().unwrap().starts_with("/login/factor"),
        "the next sign-in still asks for TOTP"
    );
    assert_eq!(again.get("/account").await.status, 303);
    let done = again
        .submit(
            "/login/factor",
            "/login/factor",
            &[("method", "totp"), ("code", &server.totp_code(&secret, 0))],
        )
        .await;
    assert_eq!(done.status, 303);
}

#[tokio::test]
async fn totp_secrets_are_sealed_at_rest() {
    let server = TestServer::start().await;
    let browser = signed_in(&server, "gus").await;
    let secret = server.enrol_totp(&browser).await;
    let gus = server.user("gus").await;
    let db_url = server.db.as_ref().unwrap().url.clone();
    let raw = Database::connect(&db_url).await.unwrap();
    let backend = raw.get_database_backend();
    let row = raw
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT secret_enc FROM factors WHERE user_id = '{}'", gus.id),
        ))
        .await
        .unwrap()
        .unwrap();
    let stored: String = row.try_get("", "secret_enc").unwrap();
    let base32 = totp_rs::Secret::from(secret.clone()).to_base32();
    assert!(stored.starts_with("v1:"));
    assert!(!stored.contains(&base32) && !stored.contains(&hex::encode(&secret)));
}
