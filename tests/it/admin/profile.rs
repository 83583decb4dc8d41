//! The account page's own changes: the profile (e-mail, display name, phone, manager) checked whole before any of
//! it is made, renaming, deleting (confirmed first, saying what it means), ending sessions one or all, unlocking a
//! password — each with the API's permission (the helpdesk supports non-administrators but never renames or
//! deletes), refusals shown beside the form with what was typed, no change without a CSRF token, and the audit
//! event the API writes for the same action.
use super::common::*;
use crate::api::common::call;
use crate::common::*;
use serde_json::json;

#[tokio::test]
async fn the_profile_is_edited_as_the_api_edits_it_and_a_refusal_changes_nothing() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    let root = server.user("root").await;
    for name in ["carol", "dave", "mona"] {
        server.add_user(name, Some(GOOD_PASSWORD)).await;
    }
    let page = browser.get("/admin/users/carol").await;
    assert!(
        page.body.contains("href=\"/admin/users/carol/profile\""),
        "{}",
        page.body
    );
    let form = browser.get("/admin/users/carol/profile").await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("id=\"profile-form\"") && form.body.contains("id=\"rename-form\""));
    assert!(
        form.body.contains("revoked"),
        "the phone change's consequences are explained"
    );
    let csrf = form.csrf();

    // Manager, phone and display name in one form; the e-mail address unchanged writes no event.
    let saved = browser
        .post(
            "/admin/users/carol/profile",
            &[
                ("csrf", csrf.as_str()),
                ("email", "carol@example.com"),
                ("display_name", "Carol Jones"),
                ("phone", "+41446681800"),
                ("manager", "mona"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = browser.get("/admin/users/carol").await;
    let said = notice(&page).expect("a notice");
    assert!(said.contains("display name") && said.contains("manager"), "{said}");
    let carol = server.user("carol").await;
    let mona = server.user("mona").await;
    assert_eq!(carol.manager_id.as_deref(), Some(mona.id.as_str()));
    assert_eq!(carol.display_name, "Carol Jones");
    assert_eq!(carol.phone.as_deref(), Some("+41446681800"));
    assert_eq!(
        events_of(&server, "user.email_changed").await,
        0,
        "unchanged fields are left alone"
    );

    // The same changes to dave through the API write the same events.
    let token = api_admin(&server).await;
    let body = json!({ "display_name": "Carol Jones", "phone": "+41446681800", "manager": "mona" });
    let reply = call(&server, "PATCH", "/api/v1/users/dave", Some(&token), Some(&body)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    for (kind, volatile) in [
        ("user.manager_changed", &["old", "old_id"][..]),
        ("user.phone_changed", &["notified"][..]),
        ("user.display_name_changed", &["old"][..]),
    ] {
        assert_as_api(
            &event_about(&server, &carol.id, kind).await,
            &newest(&server, kind).await,
            &root,
            volatile,
        );
    }

    // Refusals: named, what was typed kept, nothing changed — not even the fields that were fine.
    let before = server.user("carol").await;
    for (fields, status, says) in [
        (
            vec![("email", "not-an-address"), ("display_name", "Changed")],
            400,
            "email",
        ),
        (
            vec![("email", "dave@example.com"), ("display_name", "Changed")],
            409,
            "already in use",
        ),
        (vec![("display_name", "Changed"), ("phone", "12")], 400, "phone"),
        (vec![("display_name", "Changed"), ("manager", "nobody")], 400, "no user"),
        (
            vec![("display_name", "Changed"), ("manager", "carol")],
            400,
            "own manager",
        ),
    ] {
        let mut form = vec![("csrf", csrf.as_str())];
        let mut typed = vec![
            ("email", "carol@example.com"),
            ("display_name", "Carol Jones"),
            ("phone", "+41446681800"),
            ("manager", "mona"),
        ];
        for (name, value) in &fields {
            typed.retain(|(n, _)| n != name);
            typed.push((name, value));
        }
        form.extend(typed);
        let refused = browser.post("/admin/users/carol/profile", &form).await;
        assert_eq!(refused.status, status, "{fields:?}: {}", refused.body);
        assert!(refused.body.contains("id=\"profile-error\""), "{fields:?}");
        assert!(refused.body.contains(says), "{fields:?}: {}", refused.body);
        assert!(refused.body.contains("value=\"Changed\""), "what was typed is kept");
    }
    let after = server.user("carol").await;
    assert_eq!(after.display_name, before.display_name, "nothing changed");
    assert_eq!(after.email, before.email);

    // A cycle: mona cannot report to carol, who reports to her.
    let cycle = browser
        .submit(
            "/admin/users/mona/profile",
            "/admin/users/mona/profile",
            &[
                ("email", "mona@example.com"),
                ("display_name", "mona"),
                ("manager", "carol"),
            ],
        )
        .await;
    assert_eq!(cycle.status, 400, "{}", cycle.body);
    assert!(cycle.body.contains("cycle"));

    // Without the form's token nothing happens.
    let bare = browser
        .post(
            "/admin/users/carol/profile",
            &[("email", "x@example.com"), ("display_name", "X")],
        )
        .await;
    assert_eq!(bare.status, 403);
    assert_eq!(server.user("carol").await.display_name, "Carol Jones");
}

#[tokio::test]
async fn renaming_and_deleting_are_for_administrators_and_deleting_is_confirmed_first() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    let root = server.user("root").await;
    server.add_user("carol", Some(GOOD_PASSWORD)).await;
    server
        .create_account(gatehouse::core::accounts::NewAccount {
            manager: Some("carol".into()),
            ..an_account("ivan")
        })
        .await;
    server.add_user("erin", None).await;
    let csrf = browser.get("/admin/users/carol/profile").await.csrf();

    // Rename: refused names are shown with what was typed; then renamed, same id.
    let id = server.user("carol").await.id;
    for (name, status) in [("erin", 409), ("bad name!", 400)] {
        let refused = browser
            .post(
                "/admin/users/carol/rename",
                &[("csrf", csrf.as_str()), ("username", name)],
            )
            .await;
        assert_eq!(refused.status, status, "{name}: {}", refused.body);
        assert!(refused.body.contains("id=\"rename-error\""));
        assert!(refused.body.contains("id=\"new-username\"") && refused.body.contains(&format!("value=\"{}\"", name)));
    }
    let renamed = browser
        .post(
            "/admin/users/carol/rename",
            &[("csrf", csrf.as_str()), ("username", "carol.jones")],
        )
        .await;
    assert_eq!(renamed.status, 303, "{}", renamed.body);
    assert_eq!(renamed.location().as_deref(), Some("/admin/users/carol.jones"));
    assert_eq!(server.user("carol.jones").await.id, id);
    assert!(
        notice(&browser.get("/admin/users/carol.jones").await)
            .unwrap()
            .contains("Renamed carol to carol.jones")
    );
    let token = api_admin(&server).await;
    let reply = call(
        &server,
        "POST",
        "/api/v1/users/erin/rename",
        Some(&token),
        Some(&json!({ "username": "erin.b" })),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let console_event = event_about(&server, &id, "user.renamed").await;
    assert_as_api(
        &console_event,
        &newest(&server, "user.renamed").await,
        &root,
        &["old", "new"],
    );

    // Delete: asked first, saying what it means; nothing before the answer.
    let asked = browser
        .post("/admin/users/carol.jones/delete", &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert!(asked.body.contains("Delete carol.jones?"));
    for said in ["for good", "Disabling", "no longer have a manager", "audit log keeps"] {
        assert!(asked.body.contains(said), "{said}: {}", asked.body);
    }
    assert!(server.state().store.user_by_id(&id).await.unwrap().is_some());
    let deleted = browser
        .post(
            "/admin/users/carol.jones/delete",
            &[("csrf", asked.csrf().as_str()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(deleted.status, 303, "{}", deleted.body);
    assert_eq!(deleted.location().as_deref(), Some("/admin/users"));
    let list = browser.get("/admin/users").await;
    let said = notice(&list).expect("a notice");
    assert!(
        said.contains("Deleted the account carol.jones") && said.contains("One person they managed"),
        "{said}"
    );
    assert!(server.state().store.user_by_id(&id).await.unwrap().is_none());
    assert!(server.user("ivan").await.manager_id.is_none());
    let reply = call(&server, "DELETE", "/api/v1/users/erin.b", Some(&token), None).await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    let console_event = event_about(&server, &id, "user.deleted").await;
    assert_as_api(
        &console_event,
        &newest(&server, "user.deleted").await,
        &root,
        &["username", "email", "reports", "sessions"],
    );

    // The last administrator is not deleted: the account page says why.
    let last = browser
        .post(
            "/admin/users/root/delete",
            &[("csrf", csrf.as_str()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(last.status, 409, "{}", last.body);
    assert!(last.body.contains("last administrator"));

    // Without the form's token, nothing.
    let bare = browser.post("/admin/users/ivan/delete", &[("confirm", "yes")]).await;
    assert_eq!(bare.status, 403);
    assert!(server.state().store.user_by_username("ivan").await.unwrap().is_some());
}

#[tokio::test]
async fn the_helpdesk_edits_profiles_and_sessions_of_ordinary_accounts_but_never_renames_or_deletes() {
    let (server, _db) = console_server().await;
    server.add_user_with("root", Some(GOOD_PASSWORD), &["admin"]).await;
    server.add_user("carol", Some(GOOD_PASSWORD)).await;
    server.add_user("mona", None).await;
    let browser = helpdesk(&server, "hana").await;
    let hana = server.user("hana").await;

    let form = browser.get("/admin/users/carol/profile").await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("id=\"profile-form\"") && !form.body.contains("id=\"rename-form\""));
    let page = browser.get("/admin/users/carol").await;
    assert!(!page.body.contains("id=\"delete-form\""));
    let csrf = form.csrf();
    let saved = browser
        .post(
            "/admin/users/carol/profile",
            &[
                ("csrf", csrf.as_str()),
                ("email", "carol@example.com"),
                ("display_name", "carol"),
                ("manager", "mona"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let event = newest(&server, "user.manager_changed").await;
    assert_eq!(event.actor, Some(format!("user:{}", hana.id)));

    for (path, form) in [
        ("/admin/users/carol/rename", vec![("username", "caroline")]),
        ("/admin/users/carol/delete", vec![("confirm", "yes")]),
        (
            "/admin/users/root/profile",
            vec![("email", "r@example.com"), ("display_name", "R")],
        ),
        (
            "/admin/users/root/sessions/end",
            vec![("session", "all"), ("confirm", "yes")],
        ),
        ("/admin/users/root/unlock", vec![]),
    ] {
        let mut fields = vec![("csrf", csrf.as_str())];
        fields.extend(form);
        let refused = browser.post(path, &fields).await;
        assert_eq!(refused.status, 403, "{path}: {}", refused.body);
    }
    assert_eq!(browser.get("/admin/users/root/profile").await.status, 403);
    assert!(server.state().store.user_by_username("carol").await.unwrap().is_some());
    assert_eq!(events_of(&server, "user.renamed").await, 0);
    assert_eq!(events_of(&server, "user.sessions_ended").await, 0);
}

#[tokio::test]
async fn sessions_are_ended_one_or_all_after_confirming_and_a_locked_password_is_unlocked() {
    let (server, _db) = console_server_with_lockout("3").await;
    let (browser, _) = admin(&server, "root").await;
    let root = server.user("root").await;
    server.add_user("carol", Some(GOOD_PASSWORD)).await;
    server.add_user("dave", Some(GOOD_PASSWORD)).await;
    let (first, second) = (server.browser(), server.browser());
    assert_eq!(first.login("carol", GOOD_PASSWORD).await.status, 303);
    assert_eq!(second.login("carol", GOOD_PASSWORD).await.status, 303);

    let page = browser.get("/admin/users/carol").await;
    assert_eq!(page.body.matches("data-session=\"").count(), 2, "{}", page.body);
    let sid = page
        .body
        .split("data-session=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let csrf = page.csrf();
    let asked = browser
        .post(
            "/admin/users/carol/sessions/end",
            &[("csrf", csrf.as_str()), ("session", sid.as_str())],
        )
        .await;
    assert_eq!(asked.status, 200);
    assert!(asked.body.contains("End this session of carol?"), "{}", asked.body);
    assert_eq!(
        server.session_count(&server.user("carol").await).await,
        2,
        "not before confirming"
    );
    let ended = browser
        .post(
            "/admin/users/carol/sessions/end",
            &[("csrf", csrf.as_str()), ("session", sid.as_str()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(ended.status, 303, "{}", ended.body);
    assert_eq!(server.session_count(&server.user("carol").await).await, 1);
    assert!(
        notice(&browser.get("/admin/users/carol").await)
            .unwrap()
            .contains("Ended a session of carol")
    );
    let gone = browser
        .post(
            "/admin/users/carol/sessions/end",
            &[("csrf", csrf.as_str()), ("session", sid.as_str()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(gone.status, 404, "an ended session: {}", gone.body);

    let all = browser
        .post(
            "/admin/users/carol/sessions/end",
            &[("csrf", csrf.as_str()), ("session", "all"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(all.status, 303);
    assert_eq!(server.session_count(&server.user("carol").await).await, 0);
    assert_eq!(first.get("/account").await.status, 303, "signed out");
    assert_eq!(second.get("/account").await.status, 303, "signed out");

    // The API does the same to dave.
    let token = api_admin(&server).await;
    let daves = server.browser();
    assert_eq!(daves.login("dave", GOOD_PASSWORD).await.status, 303);
    let reply = call(&server, "DELETE", "/api/v1/users/dave/sessions", Some(&token), None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let carol = server.user("carol").await;
    let console_event = event_about(&server, &carol.id, "user.sessions_ended").await;
    assert_as_api(
        &console_event,
        &newest(&server, "user.sessions_ended").await,
        &root,
        &[],
    );
    let one = event_about(&server, &carol.id, "user.session_ended").await;
    assert_eq!(one.actor, Some(format!("user:{}", root.id)));

    // Three wrong passwords lock carol's; the page offers to unlock, which clears it.
    for _ in 0..3 {
        server.clock.advance(chrono::Duration::seconds(31));
        assert_eq!(server.browser().login("carol", "wrong-password-here").await.status, 401);
    }
    server.clock.advance(chrono::Duration::seconds(31));
    assert_ne!(
        server.browser().login("carol", GOOD_PASSWORD).await.status,
        303,
        "locked"
    );
    let page = browser.get("/admin/users/carol").await;
    assert!(page.body.contains("id=\"unlock-form\""), "{}", page.body);
    let unlocked = browser
        .post("/admin/users/carol/unlock", &[("csrf", page.csrf().as_str())])
        .await;
    assert_eq!(unlocked.status, 303, "{}", unlocked.body);
    assert!(
        notice(&browser.get("/admin/users/carol").await)
            .unwrap()
            .contains("Unlocked the password of carol")
    );
    server.clock.advance(chrono::Duration::seconds(31));
    assert_eq!(
        server.browser().login("carol", GOOD_PASSWORD).await.status,
        303,
        "unlocked"
    );
    let event = newest(&server, "login.password_unlocked").await;
    assert_eq!(event.subject_user_id.as_deref(), Some(carol.id.as_str()));
    let reply = call(&server, "POST", "/api/v1/users/dave/unlock", Some(&token), None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_as_api(
        &event,
        &newest(&server, "login.password_unlocked").await,
        &root,
        &["failures_cleared"],
    );

    let bare = browser.post("/admin/users/dave/unlock", &[]).await;
    assert_eq!(bare.status, 403, "no CSRF token");
}
