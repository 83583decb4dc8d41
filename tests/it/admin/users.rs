//! The users pages: search and pages, creating an account (with a manager, roles, phone), giving and taking roles,
//! disabling and enabling, revoking trusted browsers — destructive changes confirmed on a second page first, every
//! result a one-time notice, every change audited as the administrator who made it.
use super::common::*;
use crate::common::*;

#[tokio::test]
async fn accounts_are_searched_and_paged_by_username() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    for n in 0..55 {
        server.add_user(&format!("user{n:02}"), None).await;
    }
    let first = browser.get("/admin/users").await;
    assert_eq!(first.status, 200);
    assert_eq!(first.body.matches("data-username=").count(), 50);
    assert!(first.body.contains("data-username=\"root\""), "root sorts first");
    let next = first
        .body
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.contains("after="))
        .expect("a next page")
        .replace("&amp;", "&");
    let second = browser.get(&next).await;
    assert_eq!(second.status, 200, "{next}");
    assert_eq!(second.body.matches("data-username=").count(), 6);
    assert!(second.body.contains("data-username=\"user54\"") && !second.body.contains("data-username=\"root\""));
    assert!(!second.body.contains("rel=\"next\""));

    let found = browser.get("/admin/users?q=USER0").await;
    assert_eq!(
        found.body.matches("data-username=").count(),
        10,
        "any case, part of the name"
    );
    let none = browser.get("/admin/users?q=nobody").await;
    assert!(none.body.contains("id=\"no-users\""));
}

#[tokio::test]
async fn an_administrator_creates_an_account_with_a_manager_roles_and_a_phone() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    server
        .create_account(gatehouse::core::accounts::NewAccount {
            display_name: Some("Carol Manager".into()),
            ..an_account("carol")
        })
        .await;
    let form = browser.get("/admin/users").await;
    assert!(form.body.contains("id=\"create-form\""));
    let csrf = form.csrf();
    let created = browser
        .post(
            "/admin/users",
            &[
                ("csrf", csrf.as_str()),
                ("username", "Dan"),
                ("email", "dan@example.com"),
                ("display_name", "Dan Dee"),
                ("manager", "carol"),
                ("phone", "+41446681800"),
                ("role_user", "on"),
                ("role_helpdesk", "on"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    assert_eq!(created.location().as_deref(), Some("/admin/users/dan"));
    let page = browser.get("/admin/users/dan").await;
    assert_eq!(page.status, 200);
    let said = notice(&page).expect("a notice");
    assert!(said.contains("Created the account dan (Dan Dee)"), "{said}");
    assert!(
        page.body.contains("Carol Manager (carol)"),
        "the manager by name and username"
    );
    assert!(page.body.contains("data-role=\"helpdesk\"") && page.body.contains("data-role=\"user\""));
    assert!(page.body.contains("+41446681800"));
    assert_eq!(
        notice(&browser.get("/admin/users/dan").await),
        None,
        "the notice is shown once"
    );

    let dan = server.user("dan").await;
    let carol = server.user("carol").await;
    let root = server.user("root").await;
    assert_eq!(dan.manager_id.as_deref(), Some(carol.id.as_str()));
    assert!(
        !page.body.contains(&carol.id) && !page.body.contains(&dan.id),
        "people are never shown by id"
    );
    let events = server.state().store.list_audit(Some(&dan.id), 10).await.unwrap();
    let event = events.iter().find(|e| e.event.kind == "user.created").expect("audited");
    assert_eq!(event.event.actor, Some(format!("user:{}", root.id)));

    // Refusals name what is wrong, keep what was typed, and create nothing.
    for (fields, status, says) in [
        (
            vec![("username", "erin"), ("email", "not-an-address")],
            400,
            "not a valid e-mail address",
        ),
        (
            vec![
                ("username", "erin"),
                ("email", "erin@example.com"),
                ("manager", "nobody"),
            ],
            400,
            "Manager",
        ),
        (vec![("username", "dan"), ("email", "dan2@example.com")], 409, ""),
        (
            vec![("username", "erin"), ("email", "erin@example.com"), ("phone", "12")],
            400,
            "phone",
        ),
    ] {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(fields);
        let refused = browser.post("/admin/users", &form).await;
        assert_eq!(refused.status, status, "{form:?}: {}", refused.body);
        assert!(refused.body.contains("role=\"alert\""), "{form:?}");
        assert!(refused.body.contains(says), "{form:?}: {}", refused.body);
        assert!(refused.body.contains("id=\"create-form\""));
    }
    assert!(server.state().store.user_by_username("erin").await.unwrap().is_none());
    let kept = browser
        .post(
            "/admin/users",
            &[
                ("csrf", csrf.as_str()),
                ("username", "erin"),
                ("email", "bad"),
                ("display_name", "Erin <E>"),
            ],
        )
        .await;
    assert!(
        kept.body.contains("value=\"Erin &lt;E&gt;\""),
        "what was typed is kept, escaped"
    );
}

#[tokio::test]
async fn roles_are_given_and_taken_after_confirming_but_never_the_last_administrator() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    server.add_user("carol", None).await;
    let page = browser.get("/admin/users/carol").await;
    assert!(page.body.contains("id=\"add-role-form\""));
    let csrf = page.csrf();

    let given = browser
        .post(
            "/admin/users/carol/roles/add",
            &[("csrf", csrf.as_str()), ("role", "helpdesk")],
        )
        .await;
    assert_eq!(given.status, 303);
    let page = browser.get("/admin/users/carol").await;
    assert!(notice(&page).unwrap().contains("Gave carol the role helpdesk"));
    assert!(page.body.contains("data-role=\"helpdesk\""));
    let unknown = browser
        .post(
            "/admin/users/carol/roles/add",
            &[("csrf", csrf.as_str()), ("role", "wizard")],
        )
        .await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.body.contains("Unknown role"));

    // Taking a role asks first, then takes it.
    let asked = browser
        .post(
            "/admin/users/carol/roles/remove",
            &[("csrf", csrf.as_str()), ("role", "helpdesk")],
        )
        .await;
    assert_eq!(asked.status, 200);
    assert!(
        asked.body.contains("Remove the role helpdesk from carol?"),
        "{}",
        asked.body
    );
    assert_eq!(asked.input("role").as_deref(), Some("helpdesk"));
    assert_eq!(asked.input("confirm").as_deref(), Some("yes"));
    let carol = server.user("carol").await;
    assert!(
        server
            .state()
            .store
            .roles_of(&carol.id)
            .await
            .unwrap()
            .contains(&"helpdesk".into())
    );
    let taken = browser
        .post(
            "/admin/users/carol/roles/remove",
            &[
                ("csrf", asked.csrf().as_str()),
                ("role", "helpdesk"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(taken.status, 303);
    assert!(
        !server
            .state()
            .store
            .roles_of(&carol.id)
            .await
            .unwrap()
            .contains(&"helpdesk".into())
    );
    assert!(
        notice(&browser.get("/admin/users/carol").await)
            .unwrap()
            .contains("Removed the role helpdesk")
    );

    let last = browser
        .post(
            "/admin/users/root/roles/remove",
            &[("csrf", csrf.as_str()), ("role", "admin"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(last.status, 409, "{}", last.body);
    assert!(last.body.contains("last administrator"));

    let kinds: Vec<_> = server
        .audit_kinds(Some(&carol))
        .await
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert!(kinds.contains(&"user.role_added".into()) && kinds.contains(&"user.role_removed".into()));
}

#[tokio::test]
async fn disabling_is_confirmed_first_ends_the_sessions_and_enabling_restores_sign_in() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    server.add_user("carol", Some(GOOD_PASSWORD)).await;
    // Carol signs in with an app and trusts this browser.
    let carols = server.browser();
    assert_eq!(carols.login("carol", GOOD_PASSWORD).await.status, 303);
    let secret = server.enrol_totp(&carols).await;
    let trusted = server.browser();
    assert_eq!(trusted.login("carol", GOOD_PASSWORD).await.status, 303);
    let code = server.totp_code(&secret, 0);
    let signed = trusted
        .submit(
            "/login/factor",
            "/login/factor",
            &[("method", "totp"), ("code", &code), ("trust", "1")],
        )
        .await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    assert_eq!(trusted.get("/account").await.status, 200);

    let page = browser.get("/admin/users/carol").await;
    assert!(page.body.contains("authenticator app"), "factors are listed");
    assert!(
        page.body.contains("/helpdesk/open?user=carol"),
        "and replaced through a factor reset"
    );
    assert!(page.body.contains("id=\"devices\"") && page.body.contains("id=\"revoke-form\""));
    let csrf = page.csrf();

    // Trusted browsers: asked, then revoked.
    let asked = browser
        .post("/admin/users/carol/trusted-browsers/revoke", &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(asked.status, 200);
    assert!(asked.body.contains("id=\"confirm-form\""));
    let carol = server.user("carol").await;
    assert_eq!(
        server.state().store.trusted_devices_of(&carol.id).await.unwrap().len(),
        1
    );
    let revoked = browser
        .post(
            "/admin/users/carol/trusted-browsers/revoke",
            &[("csrf", csrf.as_str()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(revoked.status, 303);
    assert!(
        server
            .state()
            .store
            .trusted_devices_of(&carol.id)
            .await
            .unwrap()
            .is_empty()
    );
    let page = browser.get("/admin/users/carol").await;
    assert!(
        notice(&page)
            .unwrap()
            .contains("Revoked the one trusted browser of carol")
    );
    assert!(page.body.contains("id=\"no-devices\""));

    // Disabling: asked, nothing changes before the answer; then her sessions end.
    let asked = browser
        .post(
            "/admin/users/carol/status",
            &[("csrf", csrf.as_str()), ("status", "disabled")],
        )
        .await;
    assert_eq!(asked.status, 200);
    assert!(asked.body.contains("Disable carol?") && asked.body.contains("every session of theirs ends"));
    assert_eq!(trusted.get("/account").await.status, 200, "not before confirming");
    let disabled = browser
        .post(
            "/admin/users/carol/status",
            &[("csrf", csrf.as_str()), ("status", "disabled"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(disabled.status, 303);
    let page = browser.get("/admin/users/carol").await;
    assert!(notice(&page).unwrap().contains("Disabled carol"));
    assert!(page.body.contains("<dd id=\"status\">disabled"));
    assert_eq!(trusted.get("/account").await.status, 303, "her session ended");
    assert_ne!(
        trusted.login("carol", GOOD_PASSWORD).await.status,
        303,
        "no sign-in while disabled"
    );

    // Enabling needs no confirmation.
    let enabled = browser
        .post(
            "/admin/users/carol/status",
            &[("csrf", csrf.as_str()), ("status", "active")],
        )
        .await;
    assert_eq!(enabled.status, 303);
    assert_eq!(server.user("carol").await.status.as_str(), "active");
    assert!(
        notice(&browser.get("/admin/users/carol").await)
            .unwrap()
            .contains("Enabled carol")
    );
    assert_eq!(browser.get("/admin/users/nobody").await.status, 404);
}
