//! Caller verification with number matching (`core::recovery::verify`) through the real server, with the mail
//! written by the file transport: execution waits for the prompt the subject's roles require; the user's link
//! page, the manager's (signed in), the one pick, "not me", the time-out, the warnings, the rate limits, racing
//! answers on two instances, reused and unknown tokens, forged forms, and the override by a second agent.
use crate::common::*;
use crate::recovery::common::{as_user, cast, ctx, mail_to, member, opened_by_hugo, settings, state_of, token_of};
use gatehouse::core::Error;
use gatehouse::core::audit::Origin;
use gatehouse::core::recovery::flow::{self, Target as DecideBy};
use gatehouse::core::recovery::verify::{Channel, Target, VerifyState};
use gatehouse::core::recovery::verify_flow;
use gatehouse::core::recovery::{FactorResetRequest, ResetState};

const ON: &[(&str, &str)] = &[("GATEHOUSE_RECOVERY_CALLER_VERIFICATION", "true")];
const LINK: &str = "/recovery/verify?token=";

/// A server that verifies callers (the harness turns it off for the other tests), and its database.
async fn server() -> (TestServer, TestDb) {
    let db = TestDb::new().await;
    let server = TestServer::start_with(&db.url, None, ON).await;
    (server, db)
}

/// The cast, and Kim's request opened by Hugo and approved by `approver` (Mona, her manager, or Ada in her place).
async fn approved_by(server: &TestServer, approver: &str) -> FactorResetRequest {
    cast(server).await;
    let request = opened_by_hugo(server).await;
    let note = (approver != "mona").then_some("Mona is away");
    as_user!(server, approver, |c, m| flow::decide(
        &c,
        &m,
        DecideBy::Id(&request.id),
        true,
        note
    ))
    .unwrap();
    request
}

/// Sends a prompt as `agent`; the number to read out and the path of the link that went out.
async fn send(server: &TestServer, agent: &str, id: &str, target: Target) -> (u8, String) {
    let sent = as_user!(server, agent, |c, m| verify_flow::send(
        &c,
        &m,
        id,
        target,
        Channel::Mail
    ))
    .expect("sent");
    let to = if target == Target::User { "kim" } else { "mona" };
    let mail = mail_to(server, to, LINK).await;
    let link = link_in(&mail);
    let path = format!("{LINK}{}", token_of(&link));
    (sent.prompt.number, path)
}

async fn execute(server: &TestServer, agent: &str, id: &str) -> Result<ResetState, Error> {
    let checks = vec!["employee_id".to_string()];
    as_user!(server, agent, |c, m| flow::execute(&c, &m, id, &checks)).map(|r| r.state)
}

/// Answers the prompt page at `path` in `browser` with `answer` (a number or `no`).
async fn answer(browser: &Browser, path: &str, answer: &str) -> Page {
    let page = browser.get(path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let token = token_of(path);
    browser
        .post(
            "/recovery/verify",
            &[("csrf", &page.csrf()), ("token", &token), ("answer", answer)],
        )
        .await
}

/// The two numbers on the page that are not `number`.
fn decoys(page: &Page, number: u8) -> Vec<String> {
    page.body
        .match_indices("name=\"answer\" value=\"")
        .map(|(at, m)| page.body[at + m.len()..at + m.len() + 2].to_string())
        .filter(|n| n != "no" && *n != number.to_string())
        .collect()
}

fn denied_with(server_audit: &[gatehouse::core::audit::AuditRecord], kind: &str, reason: &str) -> bool {
    server_audit.iter().any(|r| {
        r.event.kind == kind
            && r.event.outcome.as_str() == "denied"
            && r.event.details.get("reason").and_then(|v| v.as_str()) == Some(reason)
    })
}

async fn audit(server: &TestServer) -> Vec<gatehouse::core::audit::AuditRecord> {
    server.state().store.list_audit(None, 500).await.unwrap()
}

#[tokio::test]
async fn execution_waits_until_the_user_picks_the_number_the_agent_read() {
    let (server, _db) = server().await;
    let request = approved_by(&server, "mona").await;
    let refused = execute(&server, "hana", &request.id).await;
    assert!(matches!(refused, Err(Error::NotAllowed(_))), "{refused:?}");
    assert!(denied_with(
        &audit(&server).await,
        "recovery.executed",
        "caller_unverified"
    ));
    assert_eq!(state_of(&server, &request.id).await, ResetState::Approved);

    let (number, path) = send(&server, "hana", &request.id, Target::User).await;
    assert!((10..=99).contains(&number));
    // The user's page needs no sign-in: the link in their mailbox is the channel. It offers three numbers.
    let browser = server.browser();
    let page = browser.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&format!("value=\"{number}\"")), "{}", page.body);
    assert_eq!(decoys(&page, number).len(), 2, "{}", page.body);
    assert!(page.body.contains("value=\"no\""));
    let done = answer(&browser, &path, &number.to_string()).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("data-outcome=\"passed\""), "{}", done.body);
    // The link works once.
    assert_eq!(browser.get(&path).await.status, 400);

    assert_eq!(
        execute(&server, "hana", &request.id).await.unwrap(),
        ResetState::Waiting
    );
    let events = audit(&server).await;
    let answered = events
        .iter()
        .find(|r| r.event.kind == "recovery.verify_answered")
        .expect("answer audited");
    assert_eq!(answered.event.details["state"], "passed");
    assert!(
        !answered.event.details.to_string().contains(&format!(":{number}")),
        "never the number"
    );
    assert!(events.iter().any(|r| r.event.kind == "recovery.verify_sent"));
}

#[tokio::test]
async fn a_wrong_number_and_not_me_fail_warn_the_user_and_prompts_are_rate_limited() {
    let (server, _db) = server().await;
    let request = approved_by(&server, "mona").await;
    let (number, path) = send(&server, "hana", &request.id, Target::User).await;
    let browser = server.browser();
    let page = browser.get(&path).await;
    let wrong = decoys(&page, number)[0].clone();
    let picked = answer(&browser, &path, &wrong).await;
    assert!(picked.body.contains("data-outcome=\"mismatch\""), "{}", picked.body);
    // One pick only: the right number afterwards does not pass.
    let again = browser
        .post(
            "/recovery/verify",
            &[
                ("csrf", &page.csrf()),
                ("token", &token_of(&path)),
                ("answer", &number.to_string()),
            ],
        )
        .await;
    assert_eq!(again.status, 400, "{}", again.body);
    let warning = mail_to(&server, "kim", "someone may know your password").await;
    assert!(warning.contains("the check failed"), "{warning}");

    let (_, path) = send(&server, "hana", &request.id, Target::User).await;
    let no = answer(&server.browser(), &path, "no").await;
    assert!(no.body.contains("data-outcome=\"failed\""), "{}", no.body);
    let prompts = server.state().store.caller_verifications_of(&request.id).await.unwrap();
    let states: Vec<VerifyState> = prompts.iter().map(|p| p.state).collect();
    assert_eq!(states, [VerifyState::Mismatch, VerifyState::Failed]);
    assert!(matches!(
        execute(&server, "hana", &request.id).await,
        Err(Error::NotAllowed(_))
    ));

    // A third prompt in 15 minutes is allowed, a fourth is not (429 on the console, audited).
    send(&server, "hana", &request.id, Target::User).await;
    let fourth = as_user!(&server, "hana", |c, m| verify_flow::send(
        &c,
        &m,
        &request.id,
        Target::User,
        Channel::Mail
    ));
    assert!(
        matches!(fourth, Err(Error::TooManyAttempts { .. })),
        "{:?}",
        fourth.err()
    );
    assert!(denied_with(
        &audit(&server).await,
        "recovery.verify_sent",
        "rate_limited_request"
    ));
    server.clock.advance(chrono::Duration::minutes(16));
    send(&server, "hana", &request.id, Target::User).await;
}

#[tokio::test]
async fn an_unanswered_prompt_times_out_and_warns_the_user() {
    let (server, _db) = server().await;
    let request = approved_by(&server, "mona").await;
    let (_, path) = send(&server, "hana", &request.id, Target::User).await;
    server.clock.advance(chrono::Duration::minutes(5));
    assert_eq!(server.browser().get(&path).await.status, 400, "past its end");
    let prompts = server.state().store.caller_verifications_of(&request.id).await.unwrap();
    assert_eq!(prompts[0].state, VerifyState::TimedOut);
    let warning = mail_to(&server, "kim", "nobody answered in time").await;
    assert!(warning.contains("someone may know your password"), "{warning}");
    let events = audit(&server).await;
    let timed_out = events
        .iter()
        .filter(|r| r.event.kind == "recovery.verify_answered")
        .collect::<Vec<_>>();
    assert_eq!(timed_out.len(), 1, "timed out once, however often it is looked at");
    assert_eq!(timed_out[0].event.details["state"], "timed_out");
    assert!(matches!(
        execute(&server, "hana", &request.id).await,
        Err(Error::NotAllowed(_))
    ));
}

#[tokio::test]
async fn the_manager_answers_signed_in_and_an_approving_manager_is_no_second_proof() {
    let (server, _db) = server().await;
    let request = approved_by(&server, "mona").await;
    let (number, path) = send(&server, "hana", &request.id, Target::Manager).await;
    assert_eq!(
        server.browser().get(&path).await.status,
        303,
        "the manager signs in first"
    );
    crate::recovery::common::add(&server, "lee", &["user"], None).await;
    let lee = server.browser();
    assert_eq!(lee.login("lee", GOOD_PASSWORD).await.status, 303);
    assert_eq!(lee.get(&path).await.status, 403, "only the manager it was sent to");
    let token = token_of(&path);
    let csrf = lee.get("/account").await.csrf();
    let forged = lee
        .post(
            "/recovery/verify",
            &[("csrf", &csrf), ("token", &token), ("answer", &number.to_string())],
        )
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    assert!(denied_with(
        &audit(&server).await,
        "recovery.verify_answered",
        "not_the_manager"
    ));
    let mona = server.browser();
    mona.login("mona", GOOD_PASSWORD).await;
    let page = mona.get(&path).await;
    assert!(page.body.contains("Kim Ode"), "{}", page.body);
    let done = answer(&mona, &path, &number.to_string()).await;
    assert!(done.body.contains("data-outcome=\"passed\""), "{}", done.body);
    // Mona approved the request: her answer does not count as the caller check.
    assert!(matches!(
        execute(&server, "hana", &request.id).await,
        Err(Error::NotAllowed(_))
    ));
}

#[tokio::test]
async fn a_managers_answer_counts_when_someone_else_approved() {
    let (server, _db) = server().await;
    let request = approved_by(&server, "ada").await;
    let (number, path) = send(&server, "hana", &request.id, Target::Manager).await;
    let mona = server.browser();
    mona.login("mona", GOOD_PASSWORD).await;
    let done = answer(&mona, &path, &number.to_string()).await;
    assert!(done.body.contains("data-outcome=\"passed\""), "{}", done.body);
    assert_eq!(
        execute(&server, "hana", &request.id).await.unwrap(),
        ResetState::Waiting
    );
}

#[tokio::test]
async fn of_two_answers_racing_on_two_instances_one_is_stored() {
    let (server, db) = server().await;
    let other = TestServer::start_with(&db.url, None, ON).await;
    let request = approved_by(&server, "mona").await;
    let (number, path) = send(&server, "hana", &request.id, Target::User).await;
    let (a, b) = (server.browser(), Browser::new(&other.base));
    let (page_a, page_b) = (a.get(&path).await, b.get(&path).await);
    let token = token_of(&path);
    let wrong = decoys(&page_a, number)[0].clone();
    let right = number.to_string();
    let (csrf_a, csrf_b) = (page_a.csrf(), page_b.csrf());
    let form_a = [
        ("csrf", csrf_a.as_str()),
        ("token", token.as_str()),
        ("answer", right.as_str()),
    ];
    let form_b = [
        ("csrf", csrf_b.as_str()),
        ("token", token.as_str()),
        ("answer", wrong.as_str()),
    ];
    let (ra, rb) = tokio::join!(a.post("/recovery/verify", &form_a), b.post("/recovery/verify", &form_b));
    let mut statuses = [ra.status, rb.status];
    statuses.sort();
    assert_eq!(statuses, [200, 400], "{} / {}", ra.body, rb.body);
    let prompts = server.state().store.caller_verifications_of(&request.id).await.unwrap();
    let expected = if ra.status == 200 {
        VerifyState::Passed
    } else {
        VerifyState::Mismatch
    };
    assert_eq!(prompts[0].state, expected);
}

#[tokio::test]
async fn unknown_and_forged_answers_change_nothing() {
    let (server, _db) = server().await;
    let request = approved_by(&server, "mona").await;
    let (number, path) = send(&server, "hana", &request.id, Target::User).await;
    let browser = server.browser();
    let page = browser.get(&path).await;
    let token = token_of(&path);
    let csrf = page.csrf();
    assert_eq!(browser.get("/recovery/verify?token=nope").await.status, 400);
    assert_eq!(browser.get("/recovery/verify").await.status, 400);
    let unknown = browser
        .post(
            "/recovery/verify",
            &[("csrf", &csrf), ("token", "nope"), ("answer", "42")],
        )
        .await;
    assert_eq!(unknown.status, 400);
    assert!(denied_with(
        &audit(&server).await,
        "recovery.verify_answered",
        "unknown_link"
    ));
    let no_csrf = browser
        .post(
            "/recovery/verify",
            &[("token", &token), ("answer", &number.to_string())],
        )
        .await;
    assert_eq!(no_csrf.status, 403, "{}", no_csrf.body);
    let not_offered = (10..=99u8)
        .find(|n| !page.body.contains(&format!("value=\"{n}\"")))
        .unwrap()
        .to_string();
    for forged in [not_offered.as_str(), "abc", "100", "7"] {
        let r = browser
            .post(
                "/recovery/verify",
                &[("csrf", &csrf), ("token", &token), ("answer", forged)],
            )
            .await;
        assert_eq!(r.status, 400, "{forged}: {}", r.body);
    }
    let prompts = server.state().store.caller_verifications_of(&request.id).await.unwrap();
    assert_eq!(prompts[0].state, VerifyState::Pending, "still answerable");
    let done = answer(&browser, &path, &number.to_string()).await;
    assert!(done.body.contains("data-outcome=\"passed\""));
}

#[tokio::test]
async fn an_override_by_a_second_agent_lets_a_third_person_execute() {
    let (server, _db) = server().await;
    let request = approved_by(&server, "mona").await;
    let reason = "Kim came to the service desk with her badge";
    let by = |agent: &'static str, reason: &'static str| {
        let server = &server;
        let id = request.id.clone();
        async move { as_user!(server, agent, |c, m| verify_flow::record_override(&c, &m, &id, reason)) }
    };
    assert!(
        matches!(by("hugo", reason).await, Err(Error::NotAllowed(_))),
        "the requester"
    );
    assert!(
        matches!(by("mona", reason).await, Err(Error::NotAllowed(_))),
        "the approver"
    );
    assert!(
        matches!(by("kim", reason).await, Err(Error::NotAllowed(_))),
        "the subject"
    );
    assert!(matches!(by("hana", "  ").await, Err(Error::NotAllowed(_))), "a reason");
    by("hana", reason).await.expect("hana overrides");
    assert!(matches!(by("abe", reason).await, Err(Error::NotAllowed(_))), "once");
    let events = audit(&server).await;
    assert!(denied_with(
        &events,
        "recovery.verify_override",
        "requester_cannot_override"
    ));
    assert!(denied_with(&events, "recovery.verify_override", "already_overridden"));
    // Hana recorded it: someone else executes.
    assert!(matches!(
        execute(&server, "hana", &request.id).await,
        Err(Error::NotAllowed(_))
    ));
    assert!(denied_with(
        &audit(&server).await,
        "recovery.executed",
        "override_by_executor"
    ));
    assert_eq!(execute(&server, "ada", &request.id).await.unwrap(), ResetState::Waiting);
}

#[tokio::test]
async fn the_console_disables_execute_and_refuses_it_until_the_caller_is_verified() {
    let (server, _db) = server().await;
    let request = approved_by(&server, "mona").await;
    let hana = server.browser();
    hana.login("hana", GOOD_PASSWORD).await;
    server.enrol_totp(&hana).await;
    let at = format!("/helpdesk/request?id={}", request.id);
    let page = hana.get(&at).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"execute\" disabled"), "{}", page.body);
    assert!(page.body.contains("data-required=\"either\""), "{}", page.body);
    let forced = hana
        .post(
            "/helpdesk/execute",
            &[("csrf", &page.csrf()), ("id", &request.id), ("check_employee_id", "on")],
        )
        .await;
    assert_eq!(forced.status, 403, "{}", forced.body);
    assert_eq!(state_of(&server, &request.id).await, ResetState::Approved);

    let sent = hana
        .post(
            "/helpdesk/verify",
            &[
                ("csrf", &page.csrf()),
                ("id", &request.id),
                ("target", "user"),
                ("channel", "mail"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let page = hana.get(&at).await;
    let number = server.state().store.caller_verifications_of(&request.id).await.unwrap()[0].number;
    assert!(
        page.body.contains(&format!("id=\"verify-number\">{number}<")),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("#verify\">Reload</a>"),
        "a reload link while waiting"
    );
    // Kim has no phone on file: SMS is refused, and not offered.
    assert!(!page.body.contains("value=\"sms\""));
    let sms = hana
        .post(
            "/helpdesk/verify",
            &[
                ("csrf", &page.csrf()),
                ("id", &request.id),
                ("target", "user"),
                ("channel", "sms"),
            ],
        )
        .await;
    assert_eq!(sms.status, 403, "{}", sms.body);
    let path = format!("{LINK}{}", token_of(&link_in(&mail_to(&server, "kim", LINK).await)));
    answer(&server.browser(), &path, &number.to_string()).await;
    let page = hana.get(&at).await;
    assert!(!page.body.contains("id=\"execute\" disabled"), "{}", page.body);
    assert!(page.body.contains("data-state=\"passed\""));
    assert!(
        !page.body.contains(&format!(">{number}<")),
        "the number is gone once answered"
    );
    let executed = hana
        .post(
            "/helpdesk/execute",
            &[("csrf", &page.csrf()), ("id", &request.id), ("check_employee_id", "on")],
        )
        .await;
    assert_eq!(executed.status, 303, "{}", executed.body);
    assert_eq!(state_of(&server, &request.id).await, ResetState::Waiting);
}

#[tokio::test]
async fn the_cli_sends_a_prompt_prints_the_number_and_shows_results_and_the_override() {
    use crate::recovery::cli::{fails, ok};
    let db = TestDb::new().await;
    let mut server = TestServer::start_with(&db.url, None, ON).await;
    server.db = Some(db);
    let request = approved_by(&server, "mona").await;
    let id = request.id.as_str();
    let sent = ok(
        &server,
        &["recovery", "verify", id, "--to", "user", "--as", "hana", "--json"],
    );
    let stored = server.state().store.caller_verifications_of(id).await.unwrap();
    assert_eq!(sent["number"], stored[0].number, "{sent}");
    assert_eq!(sent["to"], "k…@example.com");
    fails(
        &server,
        &["recovery", "verify", id, "--to", "boss", "--as", "hana"],
        "--to: user or manager",
    );
    fails(
        &server,
        &[
            "recovery",
            "verify",
            id,
            "--to",
            "user",
            "--channel",
            "sms",
            "--as",
            "hana",
        ],
        "no phone number",
    );
    let shown = ok(&server, &["recovery", "show", id, "--as", "hana", "--json"]);
    let verification = &shown["caller_verification"];
    assert_eq!(verification["required"], "either", "{shown}");
    assert_eq!(verification["enforced"], true);
    assert_eq!(verification["prompts"][0]["state"], "pending");
    assert!(
        verification["prompts"][0].get("number").is_none(),
        "never the number: {verification}"
    );
    fails(
        &server,
        &["recovery", "execute", id, "--checks", "employee_id", "--as", "hana"],
        "not verified",
    );
    ok(
        &server,
        &[
            "recovery",
            "override",
            id,
            "--reason",
            "seen in person",
            "--as",
            "hana",
            "--json",
        ],
    );
    fails(
        &server,
        &["recovery", "override", id, "--reason", "again", "--as", "abe"],
        "overridden already",
    );
    fails(
        &server,
        &["recovery", "execute", id, "--checks", "employee_id", "--as", "hana"],
        "another agent",
    );
    let executed = ok(
        &server,
        &[
            "recovery",
            "execute",
            id,
            "--checks",
            "employee_id",
            "--as",
            "ada",
            "--json",
        ],
    );
    assert_eq!(executed["state"], "waiting");
    let (_, text, _) = crate::recovery::cli::gatehouse(&server, &["recovery", "show", id, "--as", "ada"]);
    assert!(text.contains("caller check       either"), "{text}");
    assert!(text.contains("override by Hana Ode (hana)"), "{text}");
}

#[tokio::test]
async fn a_user_who_still_has_an_authenticator_app_confirms_the_prompt_with_it() {
    let (server, _db) = server().await;
    let secret = cast(&server).await;
    let kim = server.user("kim").await;
    crate::recovery::common::stored_security_key(&server, &kim.id).await;
    let key = server.state().store.factors_of(&kim.id).await.unwrap();
    let key = key
        .iter()
        .find(|f| f.kind == gatehouse::core::factors::FactorKind::WebAuthn)
        .unwrap();
    let kims = member(&server, "kim").await;
    // Only the security key is reset: Kim still has her app, and the prompt asks for its code.
    let request = as_user!(&server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &kims,
        &key.id,
        "lost the key"
    ))
    .unwrap();
    as_user!(&server, "mona", |c, m| flow::decide(
        &c,
        &m,
        DecideBy::Id(&request.id),
        true,
        None
    ))
    .unwrap();
    server.clock.advance(chrono::Duration::minutes(1));
    let (number, path) = send(&server, "hana", &request.id, Target::User).await;
    let browser = server.browser();
    let page = browser.get(&path).await;
    assert!(page.body.contains("name=\"code\""), "{}", page.body);
    let token = token_of(&path);
    let wrong_code = browser
        .post(
            "/recovery/verify",
            &[
                ("csrf", &page.csrf()),
                ("token", &token),
                ("answer", &number.to_string()),
                ("code", "000000"),
            ],
        )
        .await;
    assert!(
        wrong_code.body.contains("data-outcome=\"failed\""),
        "a wrong code fails: {}",
        wrong_code.body
    );

    let (number, path) = send(&server, "hana", &request.id, Target::User).await;
    let page = browser.get(&path).await;
    let code = server.totp_code(&secret, 0);
    let form = [
        ("csrf", page.csrf()),
        ("token", token_of(&path)),
        ("answer", number.to_string()),
        ("code", code),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let passed = browser.post("/recovery/verify", &form).await;
    assert!(passed.body.contains("data-outcome=\"passed\""), "{}", passed.body);
    assert_eq!(
        execute(&server, "hana", &request.id).await.unwrap(),
        ResetState::Waiting
    );
}

#[tokio::test]
async fn a_prompt_by_text_carries_the_link_and_a_failed_one_warns_by_text_too() {
    let sink = HttpSink::start(200, "{}").await;
    let db = TestDb::new().await;
    let url = format!("{}/sms", sink.url);
    let mut settings = ON.to_vec();
    settings.extend([
        ("GATEHOUSE_SMS_DRIVER", "webhook"),
        ("GATEHOUSE_SMS_WEBHOOK_URL", url.as_str()),
        ("GATEHOUSE_SMS_WEBHOOK_SECRET", "webhook-signing-secret-0123456789"),
    ]);
    let server = TestServer::start_with(&db.url, None, &settings).await;
    crate::recovery::common::add(&server, "mona", &["user"], None).await;
    crate::recovery::common::add(&server, "hugo", &["helpdesk"], None).await;
    crate::recovery::common::add(&server, "hana", &["helpdesk"], None).await;
    let pia = server
        .create_account(gatehouse::core::accounts::NewAccount {
            manager: Some("mona".into()),
            phone: Some("+41446681800".into()),
            password: Some(GOOD_PASSWORD.into()),
            ..an_account("pia")
        })
        .await;
    crate::recovery::common::stored_security_key(&server, &pia.id).await;
    let subject = member(&server, "pia").await;
    let request = as_user!(&server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &subject,
        "all",
        "lost key"
    ))
    .unwrap();
    as_user!(&server, "mona", |c, m| flow::decide(
        &c,
        &m,
        DecideBy::Id(&request.id),
        true,
        None
    ))
    .unwrap();
    let sent = as_user!(&server, "hana", |c, m| verify_flow::send(
        &c,
        &m,
        &request.id,
        Target::User,
        Channel::Sms
    ))
    .unwrap();
    assert_eq!(sent.to, "+41•••••••00", "masked");
    // The texts so far: the notice that a reset was requested (texted since notices reach every address), then
    // the prompt with its link.
    let texts = sink.received(2).await;
    let bodies: Vec<serde_json::Value> = texts.iter().map(|t| serde_json::from_str(&t.body).unwrap()).collect();
    let prompt = bodies
        .iter()
        .find(|b| b["message"].as_str().is_some_and(|m| m.contains(LINK)))
        .unwrap_or_else(|| panic!("a text with the prompt's link: {bodies:?}"));
    assert_eq!(prompt["to"], "+41446681800");
    let message = prompt["message"].as_str().unwrap();
    let path = format!("{LINK}{}", token_of(&link_in(message)));
    let no = answer(&server.browser(), &path, "no").await;
    assert!(no.body.contains("data-outcome=\"failed\""), "{}", no.body);
    let texts = sink.received(texts.len() + 1).await;
    let warning: serde_json::Value = serde_json::from_str(&texts.last().unwrap().body).unwrap();
    assert!(
        warning["message"].as_str().unwrap().contains("the check failed"),
        "{warning}"
    );
    mail_to(&server, "pia", "the check failed").await;
}
