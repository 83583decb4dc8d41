//! The dashboard: the last day's sign-in events by kind and outcome (linking into the audit log), disabled and
//! locked accounts, open factor-reset requests, keys and certificates due soon — each part for the roles that
//! may read it.
use super::common::*;
use crate::common::*;
use gatehouse::core::audit::Origin;
use gatehouse::core::model::UserStatus;

#[tokio::test]
async fn the_dashboard_counts_what_needs_attention() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    let carol = server.add_user("carol", Some(GOOD_PASSWORD)).await;
    for _ in 0..3 {
        assert_eq!(server.browser().login("carol", "wrong password").await.status, 401);
    }
    gatehouse::core::accounts::set_status(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        &carol,
        UserStatus::Disabled,
    )
    .await
    .unwrap();

    let page = browser.get("/admin").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("<span id=\"disabled-accounts\">1</span>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<span id=\"locked-accounts\">0</span>"));
    assert!(page.body.contains("id=\"open-resets\">0<"));
    assert!(
        page.body.contains("id=\"sign-in-failures\">3<"),
        "three wrong passwords"
    );
    assert!(page.body.contains("aria-label=\"3 Password failed\""));
    assert!(
        page.body.contains("kind=login.password&amp;since="),
        "each count links into the log"
    );
    assert!(page.body.contains("id=\"no-expiring-keys\""));
    assert!(page.body.contains("aria-current=\"page\">Dashboard"));
    // A day later the failures are out of the window (the earlier sign-in has expired: another administrator looks).
    server.clock.advance(chrono::Duration::hours(25));
    let (later, _) = admin(&server, "root2").await;
    let page = later.get("/admin").await;
    assert!(page.body.contains("id=\"sign-in-failures\">0<"), "{}", page.body);
}

#[tokio::test]
async fn the_helpdesk_sees_accounts_and_requests_but_not_the_log_or_keys() {
    let (server, _db) = console_server().await;
    let browser = helpdesk(&server, "hana").await;
    let page = browser.get("/admin").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"disabled-accounts\"") && page.body.contains("id=\"open-resets\""));
    assert!(!page.body.contains("id=\"sign-in-failures\"") && !page.body.contains("id=\"keys\""));
}
