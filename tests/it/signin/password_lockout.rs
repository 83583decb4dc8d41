//! The password lockout (`core/factors/password/lock.rs`): failures count per account whatever identifier was typed;
//! at the limit the password stops working — silently, the right one included — until a reset by mail or
//! `gatehouse user unlock`; the user and the administrators are told once.
use crate::cli::common::Cli;
use crate::common::*;
use chrono::Duration;

const LIMIT: &str = "5";
const NEW_PASSWORD: &str = "copper-lantern-drifts-north";
const WRONG: &str = "not-the-password-at-all";

async fn start_on(db_url: &str) -> TestServer {
    TestServer::start_with(db_url, None, &[("GATEHOUSE_PASSWORD_LOCKOUT_FAILURES", LIMIT)]).await
}

async fn start() -> (TestServer, TestDb) {
    let db = TestDb::new().await;
    (start_on(&db.url).await, db)
}

/// One sign-in attempt after waiting out any delay (the clock moves, nobody sleeps).
async fn attempt(server: &TestServer, identifier: &str, password: &str) -> Page {
    server.clock.advance(Duration::seconds(31));
    server.browser().login(identifier, password).await
}

/// Five wrong passwords, spread over the username, the e-mail address and a different spelling of both.
async fn lock_bob(server: &TestServer) {
    for identifier in ["bob", "bob@example.com", "BOB", "Bob@Example.com", "bob"] {
        let page = attempt(server, identifier, WRONG).await;
        assert_eq!(page.status, 401, "{identifier}");
    }
}

fn mails_to<'a>(mails: &'a [String], to: &str, subject: &str) -> Vec<&'a String> {
    mails
        .iter()
        .filter(|m| m.contains(&format!("To: {to}")) && m.contains(subject))
        .collect()
}

fn count(events: &[(String, String)], kind: &str, outcome: &str) -> usize {
    events.iter().filter(|(k, o)| k == kind && o == outcome).count()
}

/// What an attacker sees of an answer: its status and its page, without the per-request CSRF token and the
/// echoed identifier.
fn shape(page: &Page, identifier: &str) -> (u16, String) {
    let body = page
        .body
        .replace(&page.csrf(), "CSRF")
        .replace(identifier, "IDENTIFIER");
    (page.status, body)
}

#[tokio::test]
async fn failures_count_per_account_and_the_lock_refuses_even_the_right_password() {
    let (server, _db) = start().await;
    let bob = server.add_user("bob", Some(GOOD_PASSWORD)).await;
    let root = server.add_user_with("root", Some(GOOD_PASSWORD), &["admin"]).await;

    // Four failures over two identifiers, then the right password: still one below the limit, so it works and
    // clears the count.
    for identifier in ["bob", "bob@example.com", "BOB", "bob@example.com"] {
        assert_eq!(attempt(&server, identifier, WRONG).await.status, 401);
    }
    assert_eq!(attempt(&server, "bob", GOOD_PASSWORD).await.status, 303);
    assert!(server.mails(0).await.is_empty(), "no lock, no notice");

    lock_bob(&server).await;
    // The right password, by either identifier, now gets exactly what a wrong one and an unknown user get.
    let right = attempt(&server, "bob", GOOD_PASSWORD).await;
    let right_by_mail = attempt(&server, "bob@example.com", GOOD_PASSWORD).await;
    let wrong = attempt(&server, "bob", WRONG).await;
    // The delays still come first, locked or not: no waiting, a 429 as for anyone guessing fast.
    let hurried = server.browser().login("bob", GOOD_PASSWORD).await;
    assert_eq!(hurried.status, 429);
    let unknown = attempt(&server, "nobody", WRONG).await;
    assert_eq!(right.status, 401);
    assert!(right.body.contains("Invalid username or password."), "{}", right.body);
    assert!(!right.body.to_lowercase().contains("locked"));
    assert_eq!(shape(&right, "bob"), shape(&right_by_mail, "bob@example.com"));
    assert_eq!(shape(&right, "bob"), shape(&wrong, "bob"));
    assert_eq!(shape(&right, "bob"), shape(&unknown, "nobody"));
    assert!(right.set_cookies().iter().all(|c| !c.starts_with("gatehouse_session=")));
    assert_eq!(server.session_count(&bob).await, 1, "only the sign-in before the lock");

    // Told once: the user and the administrator, not again for the attempts after the lock.
    let mails = server.mails(2).await;
    assert_eq!(mails.len(), 2, "exactly two notices: {mails:?}");
    let to_bob = mails_to(&mails, "bob@example.com", "Subject: Your password was locked");
    assert_eq!(to_bob.len(), 1, "{mails:?}");
    assert!(to_bob[0].contains("after 5 wrong passwords") && to_bob[0].contains("Forgot your password"));
    let to_root = mails_to(&mails, "root@example.com", "Subject: [Gatehouse] A password was locked");
    assert_eq!(to_root.len(), 1);
    assert!(to_root[0].contains("gatehouse user unlock bob"));

    let events = server.audit_kinds(Some(&bob)).await;
    assert_eq!(count(&events, "login.password_locked", "denied"), 1, "{events:?}");
    let store = server.state().store.as_ref();
    let refused: Vec<_> = store
        .list_audit(Some(&bob.id), 200)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.event.kind == "login.password" && e.event.details["reason"] == "password_locked")
        .collect();
    assert_eq!(refused.len(), 3, "each refused attempt is audited with its reason");
    assert!(
        gatehouse::core::factors::password::lock::is_locked(store, &server.state().password_policy, &bob)
            .await
            .unwrap()
    );
    assert_eq!(server.session_count(&root).await, 0);
}

#[tokio::test]
async fn concurrent_wrong_guesses_cannot_pass_the_limit_and_notify_once() {
    let (server, _db) = start().await;
    let bob = server.add_user("bob", Some(GOOD_PASSWORD)).await;
    server.clock.advance(Duration::seconds(31));
    let guesses = (0..12).map(|i| {
        let browser = server.browser();
        async move {
            let who = if i % 2 == 0 { "bob" } else { "bob@example.com" };
            browser.login(who, WRONG).await.status
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let admitted = statuses.iter().filter(|s| **s == 401).count();
    assert!(statuses.iter().all(|s| *s == 401 || *s == 429), "{statuses:?}");
    assert_eq!(admitted, 5, "the five free attempts, then delays: {statuses:?}");
    assert_eq!(attempt(&server, "bob", GOOD_PASSWORD).await.status, 401, "locked");
    let mails = server.mails(1).await;
    assert_eq!(
        mails_to(&mails, "bob@example.com", "Subject: Your password was locked").len(),
        1,
        "{mails:?}"
    );
    assert_eq!(mails.len(), 1, "no administrator exists; one notice");
    let events = server.audit_kinds(Some(&bob)).await;
    assert_eq!(count(&events, "login.password_locked", "denied"), 1);
}

#[tokio::test]
async fn a_password_reset_by_mail_clears_the_lock() {
    let (server, _db) = start().await;
    let bob = server.add_user("bob", Some(GOOD_PASSWORD)).await;
    lock_bob(&server).await;
    let before = server.mails(1).await.len();

    let browser = server.browser();
    let sent = browser
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("identifier", "bob@example.com")],
        )
        .await;
    assert_eq!(sent.status, 200);
    let mails = server.mails(before + 1).await;
    let reset = mails
        .iter()
        .find(|m| m.contains("/password/reset?token="))
        .expect("a reset mail");
    let done = browser.set_password_via(&link_in(reset), NEW_PASSWORD).await;
    assert_eq!(done.status, 200, "{}", done.body);

    assert_eq!(attempt(&server, "bob", NEW_PASSWORD).await.status, 303);
    let events = server.audit_kinds(Some(&bob)).await;
    assert_eq!(count(&events, "login.password_unlocked", "success"), 1, "{events:?}");
    // The count starts again from nothing: four failures later the password still works.
    for _ in 0..4 {
        assert_eq!(attempt(&server, "bob", WRONG).await.status, 401);
    }
    assert_eq!(attempt(&server, "bob", NEW_PASSWORD).await.status, 303);
}

#[tokio::test]
async fn gatehouse_user_unlock_clears_the_lock() {
    let cli = Cli::new().await;
    let server = start_on(cli.db_url()).await;
    let bob = server.add_user("bob", Some(GOOD_PASSWORD)).await;
    lock_bob(&server).await;
    assert_eq!(attempt(&server, "bob", GOOD_PASSWORD).await.status, 401);

    let env = [("GATEHOUSE_PASSWORD_LOCKOUT_FAILURES", LIMIT)];
    let out = cli.run_with(&["user", "unlock", "bob", "--json"], None, &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json = out.json();
    assert_eq!(json["username"], "bob");
    assert_eq!(json["was_locked"], true);
    assert_eq!(attempt(&server, "bob", GOOD_PASSWORD).await.status, 303);

    // Again, with nothing locked: still fine and still audited; in plain text.
    let text = cli.run_with(&["user", "unlock", "bob@example.com"], None, &env);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.contains("was not locked"), "{}", text.stdout);

    let unknown = cli.run_with(&["user", "unlock", "nobody"], None, &env);
    assert_eq!(unknown.code, 1);
    assert_eq!(unknown.stderr.trim().lines().count(), 1, "{}", unknown.stderr);
    assert!(unknown.stderr.contains("nobody"), "{}", unknown.stderr);

    let unlocks: Vec<_> = server
        .state()
        .store
        .list_audit(Some(&bob.id), 200)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.event.kind == "login.password_unlocked")
        .collect();
    assert_eq!(unlocks.len(), 2);
    assert!(unlocks.iter().all(|e| e.event.actor.as_deref() == Some("cli:tester")));
}

#[test]
fn password_lockout_failures_must_be_1_to_1000() {
    use gatehouse::config::Config;
    let load = |v: &str| Config::load_from(None, &[("GATEHOUSE_PASSWORD_LOCKOUT_FAILURES".into(), v.into())]);
    assert_eq!(Config::load_from(None, &[]).unwrap().password_lockout_failures, 100);
    assert_eq!(load("1").unwrap().password_lockout_failures, 1);
    assert_eq!(load("1000").unwrap().password_lockout_failures, 1000);
    for bad in ["0", "1001"] {
        let err = load(bad).unwrap_err().to_string();
        assert!(
            err.contains("password_lockout_failures") && err.contains("1 to 1000"),
            "{err}"
        );
    }
}
