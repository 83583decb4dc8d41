//! "Forgot password" by mail, the single-use reset link, and the first administrator's setup link.
use crate::common::*;
use chrono::Duration;
use gatehouse::core::accounts;

const NEW_PASSWORD: &str = "copper-lantern-drifts-north";

/// Requests a reset for `identifier` and returns the link from the mail.
async fn reset_link(server: &TestServer, identifier: &str, mails_before: usize) -> String {
    let browser = server.browser();
    let sent = browser
        .submit("/password/forgot", "/password/forgot", &[("identifier", identifier)])
        .await;
    assert_eq!(sent.status, 200);
    let mails = server.mails(mails_before + 1).await;
    assert_eq!(mails.len(), mails_before + 1, "a reset mail was written");
    link_in(mails.last().unwrap())
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).expect("token in link").to_string()
}

#[tokio::test]
async fn reset_by_mail_changes_only_the_password_and_ends_sessions() {
    let server = TestServer::start().await;
    let kim = server.add_user("kim", Some(GOOD_PASSWORD)).await;
    let before = accounts::summary(server.state().store.as_ref(), &kim).await.unwrap();

    // Kim is signed in elsewhere.
    let elsewhere = server.browser();
    assert_eq!(elsewhere.login("kim", GOOD_PASSWORD).await.status, 303);

    let link = reset_link(&server, "kim", 0).await;
    assert!(
        link.starts_with(&format!("{}/password/reset?token=", server.base)),
        "links use the public URL: {link}"
    );
    let mail = server.mails(1).await.remove(0);
    assert!(mail.contains("To: kim@example.com"));
    assert!(mail.contains("30 minutes"));

    let browser = server.browser();
    let form = browser.get(&link).await;
    assert_eq!(form.status, 200);
    let token = form.input("token").unwrap();
    assert_eq!(token, token_of(&link));

    // A weak password is refused and the link stays usable.
    let weak = browser.post_password_form(&form, "password1", "password1").await;
    assert_eq!(weak.status, 400);
    assert!(weak.body.contains("too easy to guess"));
    let mismatch = browser
        .post_password_form(&form, NEW_PASSWORD, "something-else-entirely")
        .await;
    assert_eq!(mismatch.status, 400);

    let done = browser.post_password_form(&form, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Password changed") && done.body.contains("signed out"));
    assert_eq!(server.session_count(&kim).await, 0, "every session ended");
    assert_eq!(elsewhere.get("/account").await.status, 303);

    // Single use.
    let again = browser.post_password_form(&form, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(again.status, 400);
    assert_eq!(browser.get(&link).await.status, 400);

    assert_eq!(server.browser().login("kim", GOOD_PASSWORD).await.status, 401);
    assert_eq!(server.browser().login("kim", NEW_PASSWORD).await.status, 303);

    // Guard for the second-factor work: a password reset changes nothing but the password. When factors
    // exist, the summary lists them, and this comparison will catch a reset that drops one.
    let after = accounts::summary(server.state().store.as_ref(), &server.user("kim").await)
        .await
        .unwrap();
    assert_eq!(after.mfa_required, before.mfa_required);
    assert_eq!(after.roles, before.roles);
    assert_eq!(after.email, before.email);
    assert_eq!(after.status, before.status);
    assert_ne!(after.password_changed_at, before.password_changed_at);

    let kinds = server.audit_kinds(Some(&kim)).await;
    assert!(kinds.contains(&("password_reset.requested".into(), "success".into())));
    assert!(kinds.contains(&("password.changed".into(), "success".into())));
}

#[tokio::test]
async fn forgot_password_answers_the_same_for_unknown_accounts() {
    let server = TestServer::start().await;
    server.add_user("lee", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    let known = browser
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("identifier", "lee@example.com")],
        )
        .await;
    let unknown = browser
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("identifier", "nobody@example.com")],
        )
        .await;
    assert_eq!(known.status, unknown.status);
    let strip = |body: &str| {
        body.replace(&known.input("csrf").unwrap_or_default(), "")
            .replace(&unknown.input("csrf").unwrap_or_default(), "")
    };
    assert_eq!(strip(&known.body), strip(&unknown.body));
    // Only the real account gets mail (by e-mail address here).
    let mails = server.mails(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(server.mails(1).await.len(), 1);
    assert!(mails[0].contains("To: lee@example.com"));
}

#[tokio::test]
async fn a_newer_link_replaces_an_older_one_and_links_expire() {
    let server = TestServer::start().await;
    server.add_user("max", Some(GOOD_PASSWORD)).await;
    let first = reset_link(&server, "max", 0).await;
    let second = reset_link(&server, "max", 1).await;
    let browser = server.browser();
    assert_eq!(browser.get(&first).await.status, 400, "the older link was revoked");
    let form = browser.get(&second).await;
    assert_eq!(form.status, 200);
    server.clock.advance(Duration::minutes(31));
    assert_eq!(browser.get(&second).await.status, 400, "expired after 30 minutes");
    let late = browser.post_password_form(&form, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(late.status, 400);
    assert_eq!(
        server.browser().login("max", GOOD_PASSWORD).await.status,
        303,
        "password unchanged"
    );
}

#[tokio::test]
async fn concurrent_redemptions_of_one_link_succeed_once() {
    let server = TestServer::start().await;
    server.add_user("nia", Some(GOOD_PASSWORD)).await;
    let link = reset_link(&server, "nia", 0).await;
    let token = token_of(&link);
    // Every browser loads the form first; then all submit at once.
    let mut ready = Vec::new();
    for _ in 0..8 {
        let browser = server.browser();
        let form = browser.get(&link).await;
        assert_eq!(form.status, 200);
        ready.push((browser, form.csrf()));
    }
    let mut tasks = Vec::new();
    for (i, (browser, csrf)) in ready.into_iter().enumerate() {
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let password = format!("{NEW_PASSWORD}-{i}");
            browser
                .post(
                    "/password/reset",
                    &[
                        ("csrf", &csrf),
                        ("token", &token),
                        ("password", &password),
                        ("password_confirm", &password),
                    ],
                )
                .await
                .status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 400), "{statuses:?}");
}

#[tokio::test]
async fn disabled_accounts_get_no_reset_mail() {
    let server = TestServer::start().await;
    let omar = server.add_user("omar", Some(GOOD_PASSWORD)).await;
    let state = server.state();
    accounts::set_status(
        state.store.as_ref(),
        state.clock.now(),
        &gatehouse::core::audit::Origin::cli(),
        &omar,
        gatehouse::core::model::UserStatus::Disabled,
    )
    .await
    .unwrap();
    let sent = server
        .browser()
        .submit("/password/forgot", "/password/forgot", &[("identifier", "omar")])
        .await;
    assert_eq!(sent.status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(server.mails(1).await.is_empty());
}

#[tokio::test]
async fn the_first_administrator_sets_a_password_through_a_one_time_link() {
    let server = TestServer::start().await;
    let link = gatehouse::app::first_admin_link(server.state())
        .await
        .unwrap()
        .expect("a setup link on a fresh installation");
    assert!(link.starts_with(&server.base));
    // No default password works.
    for guess in ["admin", "password", "gatehouse", ""] {
        assert_eq!(server.browser().login("admin", guess).await.status, 401);
    }
    let browser = server.browser();
    let form = browser.get(&link).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("first administrator"));
    let done = browser.post_password_form(&form, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status, 200);
    // Set, not changed: the setup's last page does not speak of a changed password or of sessions signed out.
    assert!(done.body.contains("Administrator ready"), "{}", done.body);
    assert!(!done.body.contains("Password changed") && !done.body.contains("signed out"));
    let signed_in = server.browser().login("admin", NEW_PASSWORD).await;
    assert_eq!(signed_in.status, 303);
    let admin = server.user("admin").await;
    assert_eq!(
        server.state().store.roles_of(&admin.id).await.unwrap(),
        vec!["admin".to_string()]
    );
    // Once the administrator has a password, no more setup links.
    assert!(
        gatehouse::app::first_admin_link(server.state())
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn reset_mail_goes_out_over_smtp_when_configured() {
    let sink = SmtpSink::start().await;
    let db = TestDb::new().await;
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let server = TestServer::start_with(
        &db.url,
        None,
        &[
            ("GATEHOUSE_SMTP_URL", &smtp),
            ("GATEHOUSE_MAIL_FROM", "Sign-in <signin@example.test>"),
        ],
    )
    .await;
    server.add_user("pia", Some(GOOD_PASSWORD)).await;
    let sent = server
        .browser()
        .submit("/password/forgot", "/password/forgot", &[("identifier", "pia")])
        .await;
    assert_eq!(sent.status, 200);
    let messages = sink.messages(1).await;
    assert_eq!(messages.len(), 1, "one mail over SMTP");
    let mail = &messages[0];
    assert!(mail.contains("From: Sign-in <signin@example.test>"), "{mail}");
    assert!(mail.contains("To: pia@example.com"));
    assert!(mail.contains("Subject: Reset your Gatehouse password"));
    assert!(
        server.mails(1).await.is_empty(),
        "no file transport when SMTP is configured"
    );
    let link = link_in(mail);
    let browser = server.browser();
    let form = browser.get(&link).await;
    assert_eq!(form.status, 200);
    let done = browser.post_password_form(&form, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status, 200);
    assert_eq!(server.browser().login("pia", NEW_PASSWORD).await.status, 303);
}

#[tokio::test]
async fn reset_mails_to_one_account_are_limited() {
    let server = TestServer::start().await;
    server.add_user("ray", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    for _ in 0..7 {
        let sent = browser
            .submit("/password/forgot", "/password/forgot", &[("identifier", "ray")])
            .await;
        assert_eq!(sent.status, 200, "the answer never changes");
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(server.mails(5).await.len(), 5, "five mails an hour at most");
    let ray = server.user("ray").await;
    let audit = server.state().store.list_audit(Some(&ray.id), 50).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.event.kind == "password_reset.requested" && e.event.outcome.as_str() == "denied")
            .count(),
        2
    );
}
