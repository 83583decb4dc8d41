//! Password hashing past its queue answers `503` + `Retry-After` at once, and the server serves normally
//! afterwards.
use crate::common::*;
use std::time::{Duration, Instant};

#[tokio::test]
async fn sign_ins_past_the_hash_queue_get_503_with_retry_after_at_once_then_service_resumes() {
    let db = TestDb::new().await;
    let server = TestServer::start_with(
        &db.url,
        None,
        &[
            ("GATEHOUSE_PASSWORD_HASH_CONCURRENCY", "1"),
            ("GATEHOUSE_PASSWORD_HASH_QUEUE", "1"),
        ],
    )
    .await;
    assert_eq!(
        (server.state().passwords.workers(), server.state().passwords.queue()),
        (1, 1)
    );
    server.add_user("alice", Some(GOOD_PASSWORD)).await;

    // Each attacker holds a CSRF cookie and token first, so that the flood itself is only sign-ins.
    let mut attackers = Vec::new();
    for _ in 0..24 {
        let browser = server.browser();
        let csrf = browser.get("/login").await.csrf();
        attackers.push((browser, csrf));
    }
    let flood = attackers.iter().enumerate().map(|(n, (browser, csrf))| async move {
        let username = format!("nobody-{n}");
        let started = Instant::now();
        let page = browser
            .post(
                "/login",
                &[
                    ("csrf", csrf.as_str()),
                    ("username", username.as_str()),
                    ("password", "not the password"),
                ],
            )
            .await;
        (page, started.elapsed())
    });
    let answers = futures_util::future::join_all(flood).await;

    let statuses: Vec<u16> = answers.iter().map(|(page, _)| page.status).collect();
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 503),
        "only wrong-password and busy answers: {statuses:?}"
    );
    let busy: Vec<_> = answers.iter().filter(|(page, _)| page.status == 503).collect();
    assert!(
        !busy.is_empty(),
        "24 sign-ins at once overflow 1 thread + 1 place: {statuses:?}"
    );
    assert!(statuses.contains(&401), "some were verified: {statuses:?}");
    for (page, took) in &busy {
        assert_eq!(page.header("retry-after").as_deref(), Some("2"));
        assert!(page.body.contains("busy") && page.body.contains("try again in a few seconds"));
        // Refused before any hashing or database work: no waiting in a line.
        assert!(*took < Duration::from_secs(2), "a busy answer took {took:?}");
    }

    // Afterwards the server serves normally: a correct sign-in succeeds.
    let done = server.browser().login("alice", GOOD_PASSWORD).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location().as_deref(), Some("/account"));
}
