//! "Your sessions" (`/account/sessions`): every browser signed in to the account, how and from where, the one in
//! use marked; ending another one signs it out, "End all other sessions" keeps only the one in use; both through
//! the core the admin API uses, audited with the user as the actor.
use crate::common::*;
use gatehouse::core::accounts;
use gatehouse::core::audit::AuditFilter;

pub(crate) const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
pub(crate) const SAFARI_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 \
                                         (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/// The `sid` of the user's session whose browser sent `user_agent`.
async fn sid_of(server: &TestServer, username: &str, user_agent: &str) -> String {
    let user = server.user(username).await;
    let state = server.state();
    accounts::sessions(state.store.as_ref(), state.clock.now(), state.limits, &user)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.user_agent.as_deref() == Some(user_agent))
        .expect("a session of that browser")
        .id
}

#[tokio::test]
async fn the_sessions_page_lists_each_browser_and_ends_another_one() {
    let server = TestServer::start().await;
    server.add_user("sol", Some(GOOD_PASSWORD)).await;
    let laptop = Browser::with_user_agent(&server.base, FIREFOX);
    let phone = Browser::with_user_agent(&server.base, SAFARI_IPHONE);
    assert_eq!(laptop.login("sol", GOOD_PASSWORD).await.status, 303);
    assert_eq!(phone.login("sol", GOOD_PASSWORD).await.status, 303);

    assert!(laptop.get("/account").await.body.contains("href=\"/account/sessions\""));
    let page = laptop.get("/account/sessions").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Firefox on Linux <strong>(this browser)</strong>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Safari on iOS") && !page.body.contains("Safari on iOS <strong>"));
    assert!(page.body.contains("127.0.0.1") && page.body.contains("Password only"));
    assert!(
        page.body
            .contains("<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Your sessions\">"),
        "the table scrolls on a narrow screen"
    );

    let own = sid_of(&server, "sol", FIREFOX).await;
    let other = sid_of(&server, "sol", SAFARI_IPHONE).await;
    // The session in use is ended by signing out, not here; a form without its CSRF token changes nothing.
    let refused = laptop
        .submit("/account/sessions", "/account/sessions/end", &[("session", &own)])
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    let forged = laptop.post("/account/sessions/end", &[("session", &other)]).await;
    assert_eq!(forged.status, 403);
    assert_eq!(phone.get("/account").await.status, 200, "nothing ended yet");

    let ended = laptop
        .submit("/account/sessions", "/account/sessions/end", &[("session", &other)])
        .await;
    assert_eq!(ended.location().as_deref(), Some("/account/sessions"));
    let after = laptop.get("/account/sessions").await;
    assert!(
        after.notice().unwrap_or_default().contains("Session ended"),
        "{}",
        after.body
    );
    assert!(!after.body.contains("Safari on iOS") && after.body.contains("no-other-sessions"));
    let back = phone.get("/account").await;
    assert_eq!(back.status, 303, "the other browser is signed out");
    assert_eq!(laptop.get("/account").await.status, 200, "this one is not");

    // Audited as the user's own doing.
    let sol = server.user("sol").await;
    let events = server
        .state()
        .store
        .search_audit(
            &AuditFilter {
                kind: Some("user.session_ended".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].event.actor.as_deref(),
        Some(format!("user:{}", sol.id).as_str())
    );
    assert_eq!(events[0].event.details["session"], other.as_str());

    // Ending it again: it is gone.
    let again = laptop
        .submit("/account/sessions", "/account/sessions/end", &[("session", &other)])
        .await;
    assert_eq!(again.status, 404);
}

#[tokio::test]
async fn ending_all_other_sessions_keeps_the_one_in_use() {
    let server = TestServer::start().await;
    server.add_user("ted", Some(GOOD_PASSWORD)).await;
    let here = Browser::with_user_agent(&server.base, FIREFOX);
    let others = [server.browser(), Browser::with_user_agent(&server.base, SAFARI_IPHONE)];
    assert_eq!(here.login("ted", GOOD_PASSWORD).await.status, 303);
    for other in &others {
        assert_eq!(other.login("ted", GOOD_PASSWORD).await.status, 303);
    }
    let ted = server.user("ted").await;
    assert_eq!(server.session_count(&ted).await, 3);
    let page = here.get("/account/sessions").await;
    assert!(page.body.contains("End all other sessions"));

    let ended = here
        .submit("/account/sessions", "/account/sessions/end-others", &[])
        .await;
    assert_eq!(ended.location().as_deref(), Some("/account/sessions"));
    let after = here.get("/account/sessions").await;
    assert!(
        after
            .notice()
            .unwrap_or_default()
            .contains("You ended 2 other sessions"),
        "{}",
        after.body
    );
    assert!(after.body.contains("no-other-sessions"));
    assert_eq!(here.get("/account").await.status, 200, "the one in use stays");
    for other in &others {
        assert_eq!(other.get("/account").await.status, 303, "the others are signed out");
    }
    assert_eq!(server.session_count(&ted).await, 1);
    let kinds = server.audit_kinds(Some(&ted)).await;
    assert_eq!(
        kinds.iter().filter(|k| k.0 == "user.session_ended").count(),
        2,
        "one event per session ended"
    );
}
