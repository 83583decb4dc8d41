//! User search in the helpdesk console (`/helpdesk/users`) and the form that opens a request from a result:
//! matching by username, e-mail or display name ignoring case, literal `%` and `_`, the 50-result limit, hostile
//! queries (4xx or no match, never a 500), and that only helpdesk agents and admins get in — refusals audited.
use crate::common::*;
use crate::recovery::common::{cast, opened_by_hugo, state_of};
use gatehouse::core::accounts::NewAccount;
use gatehouse::core::recovery::ResetState;

async fn plain(server: &TestServer, username: &str, display_name: &str) {
    server
        .create_account(NewAccount {
            display_name: Some(display_name.into()),
            roles: vec!["user".into()],
            ..an_account(username)
        })
        .await;
}

/// Hana (helpdesk) signed in: helpdesk accounts must have a second factor, so she enrols one first.
async fn agent(server: &TestServer) -> Browser {
    let hana = server.browser();
    hana.login("hana", GOOD_PASSWORD).await;
    server.enrol_totp(&hana).await;
    hana
}

fn rows(page: &Page) -> usize {
    page.body.matches("<tr>").count().saturating_sub(1)
}

#[tokio::test]
async fn agents_find_users_by_name_mail_or_display_name_ignoring_case() {
    let server = TestServer::start().await;
    cast(&server).await;
    plain(&server, "zoe", "Zoë Percival-Smith").await;
    plain(&server, "under_score", "Under Score").await;
    plain(&server, "percent", "100% Sure").await;
    let hana = agent(&server).await;

    let kim = hana.get("/helpdesk/users?q=KIM").await;
    assert_eq!(kim.status, 200, "{}", kim.body);
    assert_eq!(rows(&kim), 1, "{}", kim.body);
    assert!(kim.body.contains("kim@example.com") && kim.body.contains("authenticator app"));
    assert!(kim.body.contains("<td>user</td>"), "roles are listed");
    assert!(kim.body.contains("/helpdesk/open?user=kim"), "a link to open a request");
    assert_eq!(rows(&hana.get("/helpdesk/users?q=percival").await), 1, "display name");
    assert_eq!(rows(&hana.get("/helpdesk/users?q=ZOE%40EXAMPLE").await), 1, "e-mail");
    assert_eq!(rows(&hana.get("/helpdesk/users?q=%20mon%20").await), 1, "trimmed");

    // Wildcards are literal: `%` and `_` find only the accounts that contain them.
    let percent = hana.get("/helpdesk/users?q=%25").await;
    assert_eq!(rows(&percent), 1, "{}", percent.body);
    assert!(percent.body.contains("100% Sure"));
    let underscore = hana.get("/helpdesk/users?q=_").await;
    assert_eq!(rows(&underscore), 1, "{}", underscore.body);
    assert!(underscore.body.contains("under_score"));
    assert!(
        hana.get("/helpdesk/users?q=%25%25kim")
            .await
            .body
            .contains("id=\"no-users\"")
    );
    assert!(hana.get("/helpdesk/users?q=k_m").await.body.contains("id=\"no-users\""));
    assert!(hana.get("/helpdesk/users?q=!").await.body.contains("id=\"no-users\""));
    let empty = hana.get("/helpdesk/users?q=").await;
    assert_eq!((empty.status, rows(&empty)), (200, 0), "no search yet");

    // An open request is listed with its state, and no second one is offered.
    let request = opened_by_hugo(&server).await;
    let kim = hana.get("/helpdesk/users?q=kim").await;
    assert!(kim.body.contains(&format!("/helpdesk/request?id={}", request.id)));
    assert!(!kim.body.contains("/helpdesk/open?user=kim"));
}

#[tokio::test]
async fn results_are_limited_and_hostile_queries_never_fail_the_server() {
    let server = TestServer::start().await;
    cast(&server).await;
    for i in 0..55 {
        plain(&server, &format!("bulk{i:02}"), &format!("Bulk {i}")).await;
    }
    let hana = agent(&server).await;
    let many = hana.get("/helpdesk/users?q=bulk").await;
    assert_eq!(rows(&many), 50, "at most 50");
    assert!(many.body.contains("first 50 matches"));

    let huge = "x".repeat(5_000);
    for (query, what) in [
        (format!("q={huge}"), "huge"),
        (format!("q={}", "a".repeat(101)), "too long"),
        ("q=%FF%FE".to_string(), "bad UTF-8"),
        ("q=a%00b".to_string(), "NUL"),
        ("q=a%01b".to_string(), "control character"),
        ("q=a&q=b".to_string(), "repeated"),
    ] {
        let page = hana.get(&format!("/helpdesk/users?{query}")).await;
        assert!((400..500).contains(&page.status), "{what}: {}", page.status);
    }
    for query in [
        "%27%20OR%201%3D1%20--",
        "%5C",
        "%22%3E%3Cscript%3E",
        "%E2%80%AE",
        "bulk%25%5F",
    ] {
        let page = hana.get(&format!("/helpdesk/users?q={query}")).await;
        assert_eq!(page.status, 200, "{query}");
        assert_eq!(rows(&page), 0, "{query}: {}", page.body);
        assert!(!page.body.contains("<script>"), "escaped");
    }
}

#[tokio::test]
async fn only_agents_search_and_a_request_opens_from_a_result() {
    let server = TestServer::start().await;
    cast(&server).await;

    let anonymous = server.browser().get("/helpdesk/users?q=kim").await;
    assert_eq!(anonymous.status, 303);
    assert!(anonymous.location().unwrap().starts_with("/login?return_to="));
    let mona = server.browser();
    mona.login("mona", GOOD_PASSWORD).await;
    assert_eq!(mona.get("/helpdesk/users?q=kim").await.status, 403);
    assert_eq!(mona.get("/helpdesk/open?user=kim").await.status, 403);
    let mona_user = server.user("mona").await;
    let refusals = server
        .state()
        .store
        .list_audit(Some(&mona_user.id), 50)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.event.kind == "helpdesk.access" && r.event.outcome.as_str() == "denied")
        .count();
    assert_eq!(refusals, 2, "each refusal is audited");

    let hana = agent(&server).await;
    assert_eq!(hana.get("/helpdesk/open?user=nobody").await.status, 404);
    let form = hana.get("/helpdesk/open?user=kim").await;
    assert_eq!(form.status, 200, "{}", form.body);
    let kim = server.user("kim").await;
    let factor = server.state().store.factors_of(&kim.id).await.unwrap().remove(0);
    assert!(form.body.contains(&factor.id), "the factors are listed by id");
    let opened = hana
        .post(
            "/helpdesk/open",
            &[
                ("csrf", &form.csrf()),
                ("user", &form.input("user").unwrap()),
                (&format!("factor_{}", factor.id), "on"),
                ("reason", "called from the desk phone"),
            ],
        )
        .await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    let id = opened.location().unwrap().split("id=").nth(1).unwrap().to_string();
    assert_eq!(state_of(&server, &id).await, ResetState::Requested);
    let stored = server.state().store.factor_reset(&id).await.unwrap().unwrap();
    assert_eq!(stored.factors.to_text(), factor.id);
    // Without the CSRF token nothing is opened.
    let forged = hana
        .post("/helpdesk/open", &[("user", "mona"), ("reason", "forged")])
        .await;
    assert_eq!(forged.status, 403);
}

/// The store's search is the same on every backend: case-insensitive, literal wildcards, limited, by username.
#[tokio::test]
async fn the_store_search_is_literal_and_case_insensitive_on_every_backend() {
    use gatehouse::core::model::User;
    use gatehouse::core::store::UserStore;
    for (_db, store) in crate::store::common::backends().await {
        let backend = store.backend_name();
        let odd = User {
            display_name: "50% Off!".into(),
            ..a_user("33333333-3333-3333-3333-333333333333", "a_b", "Mixed.Case@Example.com")
        };
        store.insert_user(&odd, &[]).await.unwrap();
        let plainly = a_user("44444444-4444-4444-4444-444444444444", "axb", "plain@example.com");
        store.insert_user(&plainly, &[]).await.unwrap();
        let names =
            |found: Vec<gatehouse::core::model::User>| found.into_iter().map(|u| u.username).collect::<Vec<_>>();
        assert_eq!(
            names(store.search_users("MIXED.case", 50).await.unwrap()),
            ["a_b"],
            "{backend}"
        );
        assert_eq!(
            names(store.search_users("_", 50).await.unwrap()),
            ["a_b"],
            "{backend}: _ is literal"
        );
        assert_eq!(
            names(store.search_users("%", 50).await.unwrap()),
            ["a_b"],
            "{backend}: % is literal"
        );
        assert_eq!(
            names(store.search_users("!", 50).await.unwrap()),
            ["a_b"],
            "{backend}: the escape character too"
        );
        assert!(store.search_users("a%b", 50).await.unwrap().is_empty(), "{backend}");
        assert!(store.search_users("\\", 50).await.unwrap().is_empty(), "{backend}");
        assert_eq!(
            names(store.search_users("a", 50).await.unwrap()),
            ["a_b", "axb"],
            "{backend}: by username"
        );
        assert_eq!(store.search_users("a", 1).await.unwrap().len(), 1, "{backend}: limited");
        let umlaut = User {
            display_name: "Özlem Çelik".into(),
            ..a_user("55555555-5555-5555-5555-555555555555", "oz", "oz@example.com")
        };
        store.insert_user(&umlaut, &[]).await.unwrap();
        assert_eq!(
            names(store.search_users("Özlem", 50).await.unwrap()),
            ["oz"],
            "{backend}: as typed"
        );
        assert_eq!(
            names(store.search_users("ÇELIK", 50).await.unwrap()),
            ["oz"],
            "{backend}: ASCII case ignored"
        );
    }
}
