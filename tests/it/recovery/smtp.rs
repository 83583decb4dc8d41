//! The whole manager-approved reset through the real server with mail over SMTP (a local sink reads it): the user
//! asks from the second-factor page, the manager approves from the mailed link, an agent executes in the console,
//! the cooling-off ends, and the user enrols a new authenticator app from the mailed enrolment link and signs in.
use crate::common::*;
use crate::recovery::common::{as_user, cast, ctx, member, settings, state_of, token_of};
use chrono::Duration;
use gatehouse::core::audit::Origin;
use gatehouse::core::recovery::ResetState;
use gatehouse::core::recovery::flow;

/// The newest message over SMTP to `name` that contains `marker`; waits for it.
async fn smtp_mail(sink: &SmtpSink, name: &str, marker: &str) -> String {
    for count in 1..200 {
        let messages = sink.messages(count).await;
        if let Some(m) = messages
            .iter()
            .rev()
            .find(|m| m.contains(&format!("To: {name}@example.com")) && m.contains(marker))
        {
            return m.clone();
        }
        if messages.len() < count {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    panic!("no mail over SMTP to {name} containing {marker}");
}

fn link_with(mail: &str, path: &str) -> String {
    let start = mail.find(path).expect("the link in the mail");
    let begin = mail[..start].rfind("http").expect("an absolute link");
    mail[begin..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn the_manager_approved_reset_end_to_end_with_mail_over_smtp() {
    let sink = SmtpSink::start().await;
    let db = TestDb::new().await;
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let server = TestServer::start_with(&db.url, None, &[("GATEHOUSE_SMTP_URL", &smtp)]).await;
    let old_secret = cast(&server).await;
    let kim = server.user("kim").await;

    // Kim: the password, then "I can't use any of my factors".
    let browser = server.browser();
    browser.login("kim", GOOD_PASSWORD).await;
    let page = browser.get("/login/factor").await;
    let sent = browser
        .post(
            "/login/factor/recovery",
            &[("csrf", &page.csrf()), ("reason", "Phone stolen on the train")],
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    smtp_mail(&sink, "kim", "was requested").await;

    // Mona approves from the link mailed to her.
    let approval = link_with(
        &smtp_mail(&sink, "mona", "/recovery/approve").await,
        "/recovery/approve",
    );
    let mona = server.browser();
    mona.login("mona", GOOD_PASSWORD).await;
    let review = mona.get(&approval).await;
    assert_eq!(review.status, 200, "{}", review.body);
    assert!(review.body.contains("Phone stolen on the train"));
    let approved = mona
        .post(
            "/recovery/approve",
            &[
                ("csrf", &review.csrf()),
                ("token", &token_of(&approval)),
                ("decision", "approve"),
            ],
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.body);

    // Hana executes in the console after two checks; Kim is told, with a cancel link.
    let id = server
        .state()
        .store
        .list_factor_resets(Some(&kim.id), true)
        .await
        .unwrap()
        .remove(0)
        .id;
    let hana = server.browser();
    hana.login("hana", GOOD_PASSWORD).await;
    server.enrol_totp(&hana).await;
    let console = hana.get(&format!("/helpdesk/request?id={id}")).await;
    assert_eq!(console.status, 200);
    let executed = hana
        .post(
            "/helpdesk/execute",
            &[
                ("csrf", &console.csrf()),
                ("id", &id),
                ("check_callback_to_number_on_file", "on"),
                ("check_employee_id", "on"),
            ],
        )
        .await;
    assert_eq!(executed.status, 303, "{}", executed.body);
    assert_eq!(state_of(&server, &id).await, ResetState::Waiting);
    smtp_mail(&sink, "kim", "/recovery/cancel").await;

    // The hour passes; the reset takes effect and the enrolment link is mailed.
    server.clock.advance(Duration::minutes(61));
    as_user!(&server, "hugo", |c, _m| flow::sweep(&c)).unwrap();
    assert_eq!(state_of(&server, &id).await, ResetState::Done);
    let enrol = link_with(&smtp_mail(&sink, "kim", "/recovery/enrol").await, "/recovery/enrol");
    let fresh = server.browser();
    let form = fresh.get(&enrol).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let opened = fresh
        .post(
            "/recovery/enrol",
            &[
                ("csrf", &form.csrf()),
                ("token", &token_of(&enrol)),
                ("password", GOOD_PASSWORD),
            ],
        )
        .await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    let new_secret = server.enrol_totp(&fresh).await;
    assert_ne!(new_secret, old_secret);

    let later = server.browser();
    let signed_in = server.sign_in_with_totp(&later, "kim", &new_secret).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(later.get("/account").await.status, 200);
    assert!(server.mails(1).await.is_empty(), "every mail went over SMTP");
}
