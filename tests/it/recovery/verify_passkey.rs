//! Caller verification confirmed with a security key or passkey the user still has: the prompt page asks for it,
//! the answer to the prompt's own challenge counts once, and without it — or with a replayed, forged or malformed
//! answer — the right number fails. (The authenticator-app variant is in `verify.rs`.)
use crate::common::*;
use crate::factors::webauthn::{origin, register};
use crate::recovery::common::{add, as_user, ctx, mail_to, member, settings, token_of};
use gatehouse::core::audit::Origin;
use gatehouse::core::factors::FactorKind;
use gatehouse::core::recovery::flow::{self, Target as DecideBy};
use gatehouse::core::recovery::verify::{Channel, Target, VerifyState};
use gatehouse::core::recovery::verify_flow;
use gatehouse::core::recovery::{FactorResetRequest, ResetState};
use serde_json::{Value, json};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_rs::prelude::RequestChallengeResponse;

const LINK: &str = "/recovery/verify?token=";

/// Kim with an authenticator app and a passkey (`key`), and her approved request to reset only the app.
async fn stage(server: &TestServer, key: &mut SoftPasskey) -> FactorResetRequest {
    add(server, "mona", &["user"], None).await;
    add(server, "kim", &["user"], Some("mona")).await;
    add(server, "hugo", &["helpdesk"], None).await;
    add(server, "hana", &["helpdesk"], None).await;
    let browser = server.browser();
    assert_eq!(browser.login("kim", GOOD_PASSWORD).await.status, 303);
    server.enrol_totp(&browser).await;
    let registered = register(server, &browser, key).await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    let kim = server.user("kim").await;
    let factors = server.state().store.factors_of(&kim.id).await.unwrap();
    let app = factors.iter().find(|f| f.kind == FactorKind::Totp).unwrap();
    let kims = member(server, "kim").await;
    let request = as_user!(server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &kims,
        &app.id,
        "lost the phone"
    ))
    .unwrap();
    as_user!(server, "mona", |c, m| flow::decide(
        &c,
        &m,
        DecideBy::Id(&request.id),
        true,
        None
    ))
    .unwrap();
    request
}

/// Sends Kim a prompt as Hana; the number to read out and the link's path.
async fn send(server: &TestServer, id: &str) -> (u8, String) {
    let sent = as_user!(server, "hana", |c, m| verify_flow::send(
        &c,
        &m,
        id,
        Target::User,
        Channel::Mail
    ))
    .unwrap();
    let mail = mail_to(server, "kim", LINK).await;
    let path = format!("{LINK}{}", token_of(&link_in(&mail)));
    (sent.prompt.number, path)
}

/// The prompt's challenge as the page's button asks for it.
async fn challenge(browser: &Browser, csrf: &str, token: &str) -> Page {
    browser
        .post_json(
            "/recovery/verify/webauthn/options",
            &json!({ "csrf": csrf, "token": token }),
        )
        .await
}

async fn pick(browser: &Browser, csrf: &str, token: &str, number: u8, assertion: &str) -> Page {
    browser
        .post(
            "/recovery/verify",
            &[
                ("csrf", csrf),
                ("token", token),
                ("answer", &number.to_string()),
                ("assertion", assertion),
            ],
        )
        .await
}

async fn states(server: &TestServer, id: &str) -> Vec<VerifyState> {
    let prompts = server.state().store.caller_verifications_of(id).await.unwrap();
    prompts.iter().map(|p| p.state).collect()
}

#[tokio::test]
async fn a_user_who_still_has_a_passkey_confirms_the_prompt_with_it_once() {
    let db = TestDb::new().await;
    let server = TestServer::start_with(
        &db.url,
        Some("http://localhost:{port}"),
        &[("GATEHOUSE_RECOVERY_CALLER_VERIFICATION", "true")],
    )
    .await;
    let mut key = SoftPasskey::new(true);
    let request = stage(&server, &mut key).await;
    server.clock.advance(chrono::Duration::minutes(1));

    // The page offers the passkey (the reset leaves it in place) and no app code: the app is what is reset.
    let (number, path) = send(&server, &request.id).await;
    let browser = server.browser();
    let page = browser.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("data-webauthn=\"confirm\""), "{}", page.body);
    assert!(!page.body.contains("name=\"code\""), "{}", page.body);
    let (csrf, token) = (page.csrf(), token_of(&path));

    // The right number without the passkey's answer fails.
    let unconfirmed = pick(&browser, &csrf, &token, number, "").await;
    assert!(
        unconfirmed.body.contains("data-outcome=\"failed\""),
        "{}",
        unconfirmed.body
    );

    // With it, the prompt passes and the agent may execute.
    let (number, path) = send(&server, &request.id).await;
    let page = browser.get(&path).await;
    let (csrf, token) = (page.csrf(), token_of(&path));
    let options = challenge(&browser, &csrf, &token).await;
    assert_eq!(options.status, 200, "{}", options.body);
    let options: RequestChallengeResponse = serde_json::from_str(&options.body).unwrap();
    let assertion = key.do_authentication(origin(&server), options).unwrap();
    let assertion = serde_json::to_string(&assertion).unwrap();
    let passed = pick(&browser, &csrf, &token, number, &assertion).await;
    assert!(passed.body.contains("data-outcome=\"passed\""), "{}", passed.body);
    assert_eq!(
        states(&server, &request.id).await,
        [VerifyState::Failed, VerifyState::Passed]
    );

    // A spent link gives no new challenge.
    assert_eq!(challenge(&browser, &csrf, &token).await.status, 404);

    // The same answer replayed on a fresh prompt (whose challenge it never saw) fails it.
    let (number, path) = send(&server, &request.id).await;
    let page = browser.get(&path).await;
    let (csrf, token) = (page.csrf(), token_of(&path));
    assert_eq!(challenge(&browser, &csrf, &token).await.status, 200);
    let replayed = pick(&browser, &csrf, &token, number, &assertion).await;
    assert!(replayed.body.contains("data-outcome=\"failed\""), "{}", replayed.body);
    let executed = as_user!(&server, "hana", |c, m| flow::execute(
        &c,
        &m,
        &request.id,
        &["employee_id".to_string()]
    ));
    assert_eq!(executed.unwrap().state, ResetState::Waiting);
}

#[tokio::test]
async fn forged_and_malformed_passkey_answers_fail_the_prompt_without_an_error() {
    let db = TestDb::new().await;
    let server = TestServer::start_with(
        &db.url,
        Some("http://localhost:{port}"),
        &[("GATEHOUSE_RECOVERY_CALLER_VERIFICATION", "true")],
    )
    .await;
    let mut key = SoftPasskey::new(true);
    let request = stage(&server, &mut key).await;
    server.clock.advance(chrono::Duration::minutes(1));
    let browser = server.browser();
    let mut stranger = SoftPasskey::new(true);
    for forged in [
        "{",
        "[]",
        &"x".repeat(20_000),
        r#"{"id":"AA","rawId":"AA","type":"public-key"}"#,
    ] {
        let (number, path) = send(&server, &request.id).await;
        let page = browser.get(&path).await;
        let (csrf, token) = (page.csrf(), token_of(&path));
        let answered = pick(&browser, &csrf, &token, number, forged).await;
        assert_eq!(answered.status, 200, "{}", answered.body);
        assert!(answered.body.contains("data-outcome=\"failed\""), "{}", answered.body);
        server.clock.advance(chrono::Duration::minutes(20));
    }
    // A key Kim never registered answers the real challenge: refused.
    let (number, path) = send(&server, &request.id).await;
    let page = browser.get(&path).await;
    let (csrf, token) = (page.csrf(), token_of(&path));
    let options: RequestChallengeResponse =
        serde_json::from_str(&challenge(&browser, &csrf, &token).await.body).unwrap();
    let theirs: Value = serde_json::to_value(stranger.do_authentication(origin(&server), options).ok()).unwrap();
    let answered = pick(&browser, &csrf, &token, number, &theirs.to_string()).await;
    assert!(answered.body.contains("data-outcome=\"failed\""), "{}", answered.body);
    assert!(
        states(&server, &request.id)
            .await
            .iter()
            .all(|s| *s == VerifyState::Failed)
    );
    // Without a CSRF token the challenge is refused.
    assert_eq!(challenge(&browser, "", &token).await.status, 403);
}
