//! The temporary access pass: issued only by the execution of an approved reset, usable once (even under a race)
//! after the reset took effect, with the password, for enrolment only; it expires, dies when a factor is enrolled,
//! is throttled, and every step is audited and mailed.
use crate::common::*;
use crate::recovery::cli::ok;
use crate::recovery::common::*;
use chrono::Duration;
use gatehouse::core::audit::Origin;
use gatehouse::core::recovery::flow::{self, Target};
use gatehouse::core::recovery::pass;

/// Events of `kind` with `outcome` whose `reason` is `reason` (or any reason for `None`).
async fn events(server: &TestServer, kind: &str, outcome: &str, reason: Option<&str>) -> usize {
    let all = server.state().store.list_audit(None, 1000).await.unwrap();
    all.iter()
        .filter(|r| r.event.kind == kind && r.event.outcome.as_str() == outcome)
        .filter(|r| reason.is_none_or(|w| r.event.details.get("reason").and_then(|v| v.as_str()) == Some(w)))
        .count()
}

/// Opens a reset of `name` (by Hugo), approved by Mona; its id.
pub(crate) async fn approved(server: &TestServer, name: &str) -> String {
    let subject = member(server, name).await;
    let request = as_user!(server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &subject,
        "all",
        "no mailbox"
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
    request.id
}

/// Executes `id` as Hana with a pass; the pass.
pub(crate) async fn executed_with_pass(server: &TestServer, id: &str) -> String {
    let key = server.state().keys.temporary_pass;
    let (_, pass) = as_user!(server, "hana", |c, m| flow::execute_with(
        &c,
        &m,
        id,
        &["employee_id".into()],
        Some(&key)
    ))
    .unwrap();
    pass.expect("a pass")
}

/// The cooling-off (1 h) runs out and the sweep applies the reset.
pub(crate) async fn reset_takes_effect(server: &TestServer) {
    server.clock.advance(Duration::minutes(61));
    as_user!(server, "hugo", |c, _m| flow::sweep(&c)).unwrap();
}

async fn redeem(browser: &Browser, user: &str, pass: &str, password: &str) -> Page {
    let csrf = browser.get("/recovery/pass").await.csrf();
    browser
        .post(
            "/recovery/pass",
            &[
                ("csrf", &csrf),
                ("username", user),
                ("pass", pass),
                ("password", password),
            ],
        )
        .await
}

#[tokio::test]
async fn a_pass_is_issued_only_by_executing_an_approved_request() {
    let server = TestServer::start().await;
    cast(&server).await;
    let kim = member(&server, "kim").await;
    let key = server.state().keys.temporary_pass;
    let request = as_user!(&server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &kim,
        "all",
        "no mailbox"
    ))
    .unwrap();

    // Not approved yet: no pass, and the refusal is recorded.
    let early = as_user!(&server, "hana", |c, m| flow::execute_with(
        &c,
        &m,
        &request.id,
        &["employee_id".into()],
        Some(&key)
    ));
    assert!(early.is_err());
    let stored = server.state().store.factor_reset(&request.id).await.unwrap().unwrap();
    assert!(stored.pass_hash.is_none() && stored.pass_expires_at.is_none());
    assert_eq!(
        events(&server, "recovery.pass_issued", "denied", Some("not_executed")).await,
        1
    );
    // The command line refuses the same way.
    let (code, _, stderr) = crate::recovery::cli::gatehouse(
        &server,
        &[
            "recovery",
            "execute",
            &request.id,
            "--checks",
            "employee_id",
            "--temporary-pass",
            "--as",
            "hana",
        ],
    );
    assert_eq!(code, 1, "{stderr}");

    // Approved and executed from the command line with --temporary-pass: the pass is printed once.
    as_user!(&server, "mona", |c, m| flow::decide(
        &c,
        &m,
        Target::Id(&request.id),
        true,
        None
    ))
    .unwrap();
    let executed = ok(
        &server,
        &[
            "recovery",
            "execute",
            &request.id,
            "--checks",
            "employee_id",
            "--temporary-pass",
            "--as",
            "hana",
            "--json",
        ],
    );
    assert_eq!(executed["state"], "waiting");
    let given = executed["temporary_pass"].as_str().unwrap();
    let plain = pass::normalize(given).expect("a well-formed pass");
    assert!(
        plain.len() >= 8 && !plain.contains(['0', 'O', '1', 'l', 'I']),
        "{given}"
    );
    let stored = server.state().store.factor_reset(&request.id).await.unwrap().unwrap();
    assert_eq!(
        stored.pass_hash.as_deref(),
        Some(pass::digest(&key, &plain).as_str()),
        "stored keyed"
    );
    // The pass works for an hour after the cooling-off (1 h) ends.
    let until = stored.pass_expires_at.unwrap();
    assert_eq!(until, stored.cooling_off_until.unwrap() + Duration::minutes(60));
    assert_eq!(events(&server, "recovery.pass_issued", "success", None).await, 1);
    mail_to(&server, "kim", "temporary access pass").await;
    // Shown once: neither the request's page on the command line nor the export repeats it.
    let shown = ok(&server, &["recovery", "show", &request.id, "--as", "ada", "--json"]);
    assert!(!shown.to_string().contains(given) && !shown.to_string().contains(&plain));

    // Through the admin API: a request for someone else, approved, executed with `temporary_pass`.
    let lou = add(&server, "lou", &["user"], Some("mona")).await;
    stored_security_key(&server, &lou.id).await;
    let id = approved(&server, "lou").await;
    crate::api::common::person_client(&server, true).await;
    let hana_browser = crate::api::common::signed_in_with_totp(&server, "hana").await;
    let hana = crate::api::common::person_token(&server, &hana_browser, "hana", "openid gatehouse:admin").await;
    let execute = format!("/api/v1/recovery-requests/{id}/execute");
    let asked = serde_json::json!({ "checks": ["employee_id"], "temporary_pass": true });
    let answer = crate::api::common::call(&server, "POST", &execute, Some(&hana), Some(&asked)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = &answer.json;
    assert!(
        pass::normalize(body["temporary_pass"].as_str().unwrap()).is_some(),
        "{body}"
    );
    assert!(body["pass_expires_at"].is_string());
}

#[tokio::test]
async fn a_pass_opens_enrolment_only_and_only_once_under_a_race() {
    let server = TestServer::start().await;
    cast(&server).await;
    crate::oidc::common::client(&server, "app", false, true).await;
    let kim = server.user("kim").await;
    let id = approved(&server, "kim").await;
    let given = executed_with_pass(&server, &id).await;

    // Before the reset took effect, the pass opens nothing.
    assert_eq!(
        redeem(&server.browser(), "kim", &given, GOOD_PASSWORD).await.status,
        401
    );
    assert_eq!(
        events(&server, "recovery.pass_used", "failure", Some("reset_not_done")).await,
        1
    );
    reset_takes_effect(&server).await;
    // The pass alone is not enough.
    assert_eq!(
        redeem(&server.browser(), "kim", &given, "not-the-password")
            .await
            .status,
        401
    );

    // Twenty browsers at once: exactly one session.
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let b = server.browser();
        let csrf = b.get("/recovery/pass").await.csrf();
        let given = given.clone();
        tasks.push(tokio::spawn(async move {
            let form = [
                ("csrf", csrf.as_str()),
                ("username", "kim"),
                ("pass", given.as_str()),
                ("password", GOOD_PASSWORD),
            ];
            let status = b.post("/recovery/pass", &form).await.status;
            (status, b)
        }));
    }
    let mut statuses = Vec::new();
    let mut winner = None;
    for task in tasks {
        let (status, b) = task.await.unwrap();
        statuses.push(status);
        if status == 303 {
            winner = Some(b);
        }
    }
    assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 1, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| [303, 401, 429, 503].contains(s)),
        "{statuses:?}"
    );
    assert_eq!(server.session_count(&kim).await, 1);
    assert_eq!(events(&server, "recovery.pass_used", "success", None).await, 1);
    mail_to(&server, "kim", "was used").await;
    let winner = winner.unwrap();

    // The session is enrolment only: no account page, no relying party, no code.
    assert_eq!(winner.get("/account/security").await.status, 200);
    for page in ["/account", "/account/sessions"] {
        assert_eq!(winner.get(page).await.status, 303, "{page}");
    }
    let authorize = format!(
        "/authorize?response_type=code&client_id=app&redirect_uri={}&scope=openid&state=s\
         &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
        url::form_urlencoded::byte_serialize(crate::oidc::common::REDIRECT.as_bytes()).collect::<String>()
    );
    let refused = winner.get(&authorize).await;
    let location = refused.location().unwrap_or_default();
    assert!(location.starts_with("/login"), "no code for a pass session: {location}");

    // Nor SAML SSO: the service provider's request ends at the sign-in page, never at an assertion.
    use crate::saml::sp::{RSA_SHA256, Req, TestSp, redirect_query, send_redirect};
    let sp = TestSp::new();
    sp.register(&server, true, "persistent", false).await;
    let req = Req::new(&server);
    let query = redirect_query(&req.xml(), None, Some((&sp.key, RSA_SHA256)));
    let mut page = send_redirect(&winner, &query).await;
    for _ in 0..3 {
        assert!(!page.body.contains("SAMLResponse"), "no assertion for a pass session");
        match page.location() {
            Some(next) if !next.starts_with("/login") => page = winner.get(&next).await,
            _ => break,
        }
    }
    let location = page.location().unwrap_or_default();
    assert!(
        location.starts_with("/login"),
        "SAML SSO asks for a sign-in: {location}"
    );

    // Used: the same pass is refused afterwards (401, or 429 while the race's failures still slow attempts down).
    let again = redeem(&server.browser(), "kim", &given, GOOD_PASSWORD).await.status;
    assert!([401, 429].contains(&again), "{again}");
    assert_eq!(server.session_count(&kim).await, 1);
}

#[tokio::test]
async fn a_pass_expires_dies_with_a_new_factor_and_is_throttled() {
    let server = TestServer::start().await;
    cast(&server).await;
    for name in ["lou", "max"] {
        let user = add(&server, name, &["user"], Some("mona")).await;
        stored_security_key(&server, &user.id).await;
    }
    let kim_pass = executed_with_pass(&server, &approved(&server, "kim").await).await;
    let lou_id = approved(&server, "lou").await;
    let lou_pass = executed_with_pass(&server, &lou_id).await;
    let max_pass = executed_with_pass(&server, &approved(&server, "max").await).await;
    reset_takes_effect(&server).await;

    // Lou enrols a factor (through the mailed link, say): the pass dies.
    let lou = server.user("lou").await;
    stored_security_key(&server, &lou.id).await;
    assert_eq!(
        redeem(&server.browser(), "lou", &lou_pass, GOOD_PASSWORD).await.status,
        401
    );
    assert_eq!(
        events(&server, "recovery.pass_used", "failure", Some("factor_enrolled")).await,
        1
    );
    let stored = server.state().store.factor_reset(&lou_id).await.unwrap().unwrap();
    assert!(stored.pass_hash.is_none(), "the pass is forgotten");

    // Wrong passes are throttled like a factor's codes: after the limit even the right one is refused.
    let mut throttled = false;
    for _ in 0..12 {
        let status = redeem(&server.browser(), "max", "ABCDE-FGHJK", GOOD_PASSWORD)
            .await
            .status;
        if status != 401 {
            throttled = true;
            break;
        }
    }
    assert!(throttled, "wrong passes are throttled");
    assert!(events(&server, "recovery.pass_used", "failure", Some("wrong_pass")).await >= 1);
    assert!(events(&server, "recovery.pass_used", "denied", Some("throttled")).await >= 1);
    assert_ne!(
        redeem(&server.browser(), "max", &max_pass, GOOD_PASSWORD).await.status,
        303
    );
    assert_eq!(server.session_count(&server.user("max").await).await, 0);

    // An hour after the reset took effect, Kim's pass has expired.
    server.clock.advance(Duration::minutes(61));
    assert_eq!(
        redeem(&server.browser(), "kim", &kim_pass, GOOD_PASSWORD).await.status,
        401
    );
    assert_eq!(
        events(&server, "recovery.pass_used", "failure", Some("pass_expired")).await,
        1
    );
    assert_eq!(server.session_count(&server.user("kim").await).await, 0);
}

#[tokio::test]
async fn the_console_issues_a_pass_on_execution_and_shows_it_once() {
    let server = TestServer::start().await;
    cast(&server).await;
    let id = approved(&server, "kim").await;
    let hana = server.browser();
    hana.login("hana", GOOD_PASSWORD).await;
    server.enrol_totp(&hana).await;
    let path = format!("/helpdesk/request?id={id}");
    let page = hana.get(&path).await;
    assert!(page.body.contains("name=\"temporary_pass\""), "{}", page.body);
    let done = hana
        .post(
            "/helpdesk/execute",
            &[
                ("csrf", &page.csrf()),
                ("id", &id),
                ("check_employee_id", "on"),
                ("temporary_pass", "on"),
            ],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let shown = done
        .body
        .split("<code id=\"pass\">")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .expect("the pass on the page")
        .to_string();
    assert!(pass::normalize(&shown).is_some(), "{shown}");
    let again = hana.get(&path).await;
    assert!(!again.body.contains(&shown), "shown once");
    assert_eq!(events(&server, "recovery.pass_issued", "success", None).await, 1);

    // Once the reset took effect, that pass opens enrolment.
    reset_takes_effect(&server).await;
    assert_eq!(
        redeem(&server.browser(), "kim", &shown, GOOD_PASSWORD).await.status,
        303
    );
}
