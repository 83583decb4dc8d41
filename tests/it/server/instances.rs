//! Two instances on one database behave as one: nothing that must be shared lives in process memory.
use crate::common::*;

#[tokio::test]
async fn two_instances_share_sessions_forms_and_links() {
    let first = TestServer::start().await;
    let db_url = first.db.as_ref().unwrap().url.clone();
    let second = TestServer::start_on(&db_url, None).await;
    let rae = first.add_user("rae", Some(GOOD_PASSWORD)).await;
    // One browser; both instances are on 127.0.0.1 and cookies are not port-bound, so it behaves like a
    // browser behind a load balancer that alternates between instances.
    let browser = first.browser();

    // Signed in on the first instance, the session works on the second.
    assert_eq!(browser.login("rae", GOOD_PASSWORD).await.status, 303);
    assert_eq!(browser.get(&second.url("/account")).await.status, 200);

    // A form loaded from the second instance is accepted by the first (shared CSRF key); signing out there
    // ends the session for both.
    let account = browser.get(&second.url("/account")).await;
    let out = browser.post(&first.url("/logout"), &[("csrf", &account.csrf())]).await;
    assert_eq!(out.status, 303);
    assert_eq!(first.session_count(&rae).await, 0);
    assert_eq!(browser.get(&second.url("/account")).await.status, 303);

    // A reset link mailed by the first instance works on the second, once.
    let sent = browser
        .submit("/password/forgot", "/password/forgot", &[("identifier", "rae")])
        .await;
    assert_eq!(sent.status, 200);
    let link = link_in(&first.mails(1).await[0]);
    let on_second = link.replace(&first.base, &second.base);
    let new_password = "amber-falcon-crosses-river";
    assert_eq!(browser.set_password_via(&on_second, new_password).await.status, 200);
    assert_eq!(browser.get(&link).await.status, 400, "used up on every instance");
    assert_eq!(browser.login("rae", new_password).await.status, 303);
    assert_eq!(browser.get(&second.url("/account")).await.status, 200);
}
