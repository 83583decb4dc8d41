//! Cross-device sign-in approval through the real server: a browser waiting for its second factor asks, a browser
//! signed in with a passkey picks the number, and the waiting browser is signed in at `mfa` (`amr` `mca`), never
//! phishing-resistant. A wrong number or "not me" refuses it and warns by mail; a browser signed in with an app code
//! cannot approve; three unanswered requests in a row pause prompting and tell the user; the policy and the rate
//! limit refuse with a clear page. The number matching through two real browsers is in
//! `interop::approval` (Playwright).
use crate::common::*;
use crate::factors::webauthn::{origin, register};
use chrono::Duration;
use gatehouse::core::signin::approval::LIFETIME;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_rs::prelude::RequestChallengeResponse;

/// A user with an app and a passkey; returns the app's secret, the key, and a browser signed in with the key.
pub(crate) async fn user_with_key(server: &TestServer, username: &str) -> (Vec<u8>, SoftPasskey, Browser) {
    server.add_user_with(username, Some(GOOD_PASSWORD), &["user"]).await;
    let enrolling = server.browser();
    assert_eq!(enrolling.login(username, GOOD_PASSWORD).await.status, 303);
    let secret = server.enrol_totp(&enrolling).await;
    let mut key = SoftPasskey::new(true);
    let registered = register(server, &enrolling, &mut key).await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    let approver = server.browser();
    sign_in_with_key(server, &approver, username, &mut key).await;
    (secret, key, approver)
}

/// Signs `browser` in with the password and the key; the answer that set the session cookie.
pub(crate) async fn sign_in_with_key(
    server: &TestServer,
    browser: &Browser,
    username: &str,
    key: &mut SoftPasskey,
) -> Page {
    assert_eq!(browser.login(username, GOOD_PASSWORD).await.status, 303);
    let form = browser.get("/login/factor?method=webauthn").await;
    let csrf = form.data("csrf").expect("the security key button");
    let options = browser
        .post_json("/login/factor/webauthn/options", &serde_json::json!({ "csrf": csrf }))
        .await;
    assert_eq!(options.status, 200, "{}", options.body);
    let options: RequestChallengeResponse = serde_json::from_str(&options.body).unwrap();
    let credential = key.do_authentication(origin(server), options).expect("soft key signs");
    let done = browser
        .post_json(
            "/login/factor/webauthn",
            &serde_json::json!({ "csrf": csrf, "credential": credential }),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    done
}

/// A new browser past the password that asks for approval; returns it and the number it shows.
async fn ask(server: &TestServer, username: &str) -> (Browser, u8) {
    let browser = server.browser();
    assert_eq!(browser.login(username, GOOD_PASSWORD).await.status, 303);
    let factor = browser.get("/login/factor").await;
    assert!(
        factor.body.contains("action=\"/login/approval\""),
        "the approval is offered: {}",
        factor.body
    );
    let asked = browser.submit("/login/factor", "/login/approval", &[]).await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    let number = number_on(&asked.body);
    (browser, number)
}

fn number_on(body: &str) -> u8 {
    let start = body.find("id=\"approval-number\"").expect("the number is shown");
    let after = &body[start..];
    let text = &after[after.find('>').unwrap() + 1..after.find("</p>").unwrap()];
    text.trim().parse().expect("two digits")
}

/// The approving browser's open prompts: (id, choices).
async fn prompts(approver: &Browser) -> (Page, Vec<(String, Vec<u8>)>) {
    let page = approver.get("/account/approvals").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let mut found = Vec::new();
    for section in page.body.split("data-approval-id=\"").skip(1) {
        let id = section[..section.find('"').unwrap()].to_string();
        let choices = section
            .split("name=\"pick\" value=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
            .collect();
        found.push((id, choices));
    }
    (page, found)
}

/// Answers prompt `id` with the CSRF token of `page` (the list may have no form left once nothing is open).
async fn answer(approver: &Browser, page: &Page, id: &str, field: (&str, &str)) -> Page {
    let csrf = page.csrf();
    approver
        .post(
            "/account/approvals/answer",
            &[("csrf", csrf.as_str()), ("approval", id), field],
        )
        .await
}

async fn finish(browser: &Browser) -> Page {
    browser.submit("/login/factor", "/login/approval/finish", &[]).await
}

#[tokio::test]
async fn the_right_number_on_a_passkey_browser_signs_the_new_browser_in_at_mfa() {
    let (server, _db) = crate::factors::webauthn::server().await;
    let (_secret, _key, approver) = user_with_key(&server, "ada").await;
    let (waiting, number) = ask(&server, "ada").await;
    let status = waiting.get("/login/approval/status").await;
    assert!(status.body.contains("\"pending\""), "{}", status.body);
    // Asking again shows the same prompt, not a new one.
    let again = waiting.submit("/login/factor", "/login/approval", &[]).await;
    assert_eq!(number_on(&again.body), number);

    let (page, open) = prompts(&approver).await;
    assert_eq!(open.len(), 1, "{}", page.body);
    let (id, choices) = &open[0];
    assert!(choices.contains(&number) && choices.len() == 3, "{choices:?}");
    let answered = answer(&approver, &page, id, ("pick", &number.to_string())).await;
    assert_eq!(answered.location().as_deref(), Some("/account/approvals?done=approved"));
    // One answer per prompt.
    let twice = answer(&approver, &page, id, ("pick", &number.to_string())).await;
    assert_eq!(twice.status, 400, "{}", twice.body);

    let done = finish(&waiting).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location().as_deref(), Some("/account"));
    assert_eq!(waiting.get("/account").await.status, 200);
    let sessions = waiting.get("/account/sessions").await;
    assert!(
        sessions.body.contains("approved from another browser"),
        "{}",
        sessions.body
    );
    // The approval is spent: the waiting browser's old session is gone, a replay finds nothing to finish.
    let user = server.user("ada").await;
    let kinds = server.audit_kinds(Some(&user)).await;
    let approvals: Vec<_> = kinds.iter().filter(|(k, _)| k == "login.approval").collect();
    assert_eq!(approvals.len(), 3, "request, answer, sign-in: {kinds:?}");
    let signed_in = server
        .state()
        .store
        .sessions_of_user(&user.id)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.amr.iter().any(|m| m == "mca"))
        .expect("the approved session");
    assert_eq!(
        gatehouse::core::policy::assurance::acr_for(&signed_in.amr),
        gatehouse::core::policy::assurance::MULTI_FACTOR
    );
}

#[tokio::test]
async fn a_wrong_number_or_not_me_refuses_and_warns_and_an_app_session_cannot_approve() {
    let (server, _db) = crate::factors::webauthn::server().await;
    let (secret, _key, approver) = user_with_key(&server, "bea").await;

    let (waiting, number) = ask(&server, "bea").await;
    let (page, open) = prompts(&approver).await;
    let wrong = open[0].1.iter().find(|n| **n != number).unwrap().to_string();
    let answered = answer(&approver, &page, &open[0].0, ("pick", &wrong)).await;
    assert_eq!(answered.location().as_deref(), Some("/account/approvals?done=mismatch"));
    let refused = finish(&waiting).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let mails = server.mails(1).await;
    assert!(mails.iter().any(|m| m.contains("was refused")), "{mails:?}");

    let (_other, _) = ask(&server, "bea").await;
    let (page, open) = prompts(&approver).await;
    let denied = answer(&approver, &page, &open[0].0, ("deny", "1")).await;
    assert_eq!(denied.location().as_deref(), Some("/account/approvals?done=denied"));

    // A browser signed in with the app is multi-factor, not phishing-resistant: it sees nothing and may not answer.
    let app = server.browser();
    assert_eq!(server.sign_in_with_totp(&app, "bea", &secret).await.status, 303);
    let (_third, _) = ask(&server, "bea").await;
    let (page, open) = prompts(&app).await;
    assert!(
        open.is_empty() && page.body.contains("Only a browser signed in with a security key"),
        "{}",
        page.body
    );
    let (key_page, from_key) = prompts(&approver).await;
    let app_form = app.get("/account/sessions").await;
    let forged = answer(&app, &app_form, &from_key[0].0, ("pick", "42")).await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    // Bad input is a clear 400 and changes nothing.
    let bad = answer(&approver, &key_page, &from_key[0].0, ("pick", "forty-two")).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    let (_, still) = prompts(&approver).await;
    assert_eq!(still.len(), 1, "the prompt is still open");
}

#[tokio::test]
async fn three_unanswered_requests_pause_prompting_and_tell_the_user() {
    let (server, _db) = crate::factors::webauthn::server().await;
    let (_secret, mut key, _approver) = user_with_key(&server, "cai").await;
    for _ in 0..3 {
        let (waiting, _) = ask(&server, "cai").await;
        server.clock.advance(LIFETIME + Duration::seconds(1));
        let over = finish(&waiting).await;
        assert_eq!(over.status, 410, "{}", over.body);
    }
    let mails = server.mails(1).await;
    assert!(mails.iter().any(|m| m.contains("paused")), "{mails:?}");
    let browser = server.browser();
    assert_eq!(browser.login("cai", GOOD_PASSWORD).await.status, 303);
    let factor = browser.get("/login/factor").await;
    assert!(!factor.body.contains("action=\"/login/approval\""), "no longer offered");
    let refused = browser.submit("/login/factor", "/login/approval", &[]).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("paused"), "{}", refused.body);
    // A day later it is offered again (to a browser signed in with the key by then).
    server.clock.advance(Duration::hours(25));
    sign_in_with_key(&server, &server.browser(), "cai", &mut key).await;
    let browser = server.browser();
    assert_eq!(browser.login("cai", GOOD_PASSWORD).await.status, 303);
    let factor = browser.get("/login/factor").await;
    assert!(factor.body.contains("action=\"/login/approval\""), "{}", factor.body);
}

#[tokio::test]
async fn a_sixth_request_within_the_hour_is_refused_even_when_each_was_answered() {
    let (server, _db) = crate::factors::webauthn::server().await;
    let (_secret, _key, approver) = user_with_key(&server, "dag").await;
    for _ in 0..gatehouse::core::signin::approval::PER_WINDOW {
        let (_waiting, _) = ask(&server, "dag").await;
        let (page, open) = prompts(&approver).await;
        let denied = answer(&approver, &page, &open[0].0, ("deny", "1")).await;
        assert_eq!(denied.location().as_deref(), Some("/account/approvals?done=denied"));
    }
    let browser = server.browser();
    assert_eq!(browser.login("dag", GOOD_PASSWORD).await.status, 303);
    let refused = browser.submit("/login/factor", "/login/approval", &[]).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("Too many approval requests"), "{}", refused.body);
    // The refusal speaks the browser's language.
    let german = crate::common::Browser::with_language(&server.base, "de");
    assert_eq!(german.login("dag", GOOD_PASSWORD).await.status, 303);
    let refused = german.submit("/login/factor", "/login/approval", &[]).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(
        refused.body.contains("Zu viele Bestätigungsanfragen"),
        "{}",
        refused.body
    );
    let user = server.user("dag").await;
    let since = server.state().clock.now() - Duration::hours(1);
    let stored = server
        .state()
        .store
        .recent_sign_in_approvals(&user.id, since, 10)
        .await
        .unwrap();
    assert_eq!(stored.len(), 5, "the refused requests stored nothing");
    // An hour later, asking works again.
    server.clock.advance(Duration::minutes(61));
    let (_later, _) = ask(&server, "dag").await;
}
