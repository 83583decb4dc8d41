//! The helpdesk console (`/helpdesk`) through the real server: who gets in, the queue and a request's timeline,
//! execution with the identity checklist, and an admin deciding in the manager's place.
use crate::common::*;
use crate::recovery::common::{as_user, cast, ctx, member, opened_by_hugo, settings, state_of};
use gatehouse::core::audit::Origin;
use gatehouse::core::recovery::ResetState;
use gatehouse::core::recovery::flow::{self, Target};

/// The timeline's row of the event `kind`.
fn row_of(body: &str, kind: &str) -> String {
    let start = body
        .find(&format!("<tr data-kind=\"{kind}\">"))
        .unwrap_or_else(|| panic!("no {kind} on the timeline: {body}"));
    body[start..start + body[start..].find("</tr>").expect("row end")].to_string()
}

#[tokio::test]
async fn the_helpdesk_console_shows_the_queue_and_executes_with_checks() {
    let server = TestServer::start().await;
    cast(&server).await;
    let request = opened_by_hugo(&server).await;
    as_user!(&server, "mona", |c, m| flow::decide(
        &c,
        &m,
        Target::Id(&request.id),
        true,
        None
    ))
    .unwrap();

    assert_eq!(server.browser().get("/helpdesk").await.status, 303, "sign-in first");
    let kim = server.browser();
    kim.login("kim", GOOD_PASSWORD).await;
    assert_eq!(server.browser().get("/helpdesk").await.status, 303);
    let mona = server.browser();
    mona.login("mona", GOOD_PASSWORD).await;
    assert_eq!(mona.get("/helpdesk").await.status, 403, "not an agent");

    // Hana (helpdesk) must have a second factor: she enrols one, which signs her in.
    let hana = server.browser();
    hana.login("hana", GOOD_PASSWORD).await;
    let secret = server.enrol_totp(&hana).await;
    let queue = hana.get("/helpdesk").await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    assert!(queue.body.contains(&request.id), "{}", queue.body);
    let page = hana.get(&format!("/helpdesk/request?id={}", request.id)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("check_employee_id"));
    assert!(
        page.body.contains("recovery.approved"),
        "the timeline shows the approval"
    );
    // People by name and username, never by internal id: on the timeline, the details and the queue.
    let hugo = server.user("hugo").await;
    let opened = row_of(&page.body, "recovery.opened");
    assert!(opened.contains("<td class=\"who\">Hugo Ode (hugo)</td>"), "{opened}");
    assert!(
        row_of(&page.body, "recovery.approved").contains("<td class=\"who\">Mona Ode (mona)</td>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<dd id=\"user\">Kim Ode (kim)</dd>"));
    assert!(page.body.contains("<dd id=\"opened-by\">Hugo Ode (hugo)</dd>"));
    assert!(page.body.contains("Mona Ode (mona)") && page.body.contains("id=\"approver-amr\""));
    for id in [&hugo.id, &server.user("kim").await.id, &server.user("mona").await.id] {
        assert!(!page.body.contains(id.as_str()), "no internal ids: {id}");
        assert!(!queue.body.contains(id.as_str()), "no internal ids in the queue: {id}");
    }
    assert!(queue.body.contains("Kim Ode (kim)") && queue.body.contains("Hugo Ode (hugo)"));

    // A console left open for longer than ten minutes cannot execute: sign in again first.
    server.clock.advance(chrono::Duration::minutes(11));
    let stale = hana
        .post(
            "/helpdesk/execute",
            &[("csrf", &page.csrf()), ("id", &request.id), ("check_employee_id", "on")],
        )
        .await;
    assert_eq!(stale.status, 303);
    assert!(
        stale.location().unwrap().starts_with("/login?reauth=1"),
        "{:?}",
        stale.location()
    );
    assert_eq!(state_of(&server, &request.id).await, ResetState::Approved);
    let hana = server.browser();
    let again = server.sign_in_with_totp(&hana, "hana", &secret).await;
    assert_eq!(again.status, 303, "{}", again.body);
    let page = hana.get(&format!("/helpdesk/request?id={}", request.id)).await;
    let none = hana
        .post("/helpdesk/execute", &[("csrf", &page.csrf()), ("id", &request.id)])
        .await;
    assert_eq!(none.status, 403, "no check recorded");
    assert_eq!(state_of(&server, &request.id).await, ResetState::Approved);
    let done = hana
        .post(
            "/helpdesk/execute",
            &[
                ("csrf", &page.csrf()),
                ("id", &request.id),
                ("check_employee_id", "on"),
                ("check_hr_question", "on"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let stored = server.state().store.factor_reset(&request.id).await.unwrap().unwrap();
    assert_eq!(stored.state, ResetState::Waiting);
    let mut checks = stored.checks_passed.clone();
    checks.sort();
    assert_eq!(checks, vec!["employee_id".to_string(), "hr_question".to_string()]);
    let page = hana.get(&format!("/helpdesk/request?id={}", request.id)).await;
    assert!(page.body.contains("recovery.executed"));

    // Opening for an unknown user is a clear refusal.
    let unknown = hana
        .post(
            "/helpdesk/open",
            &[("csrf", &page.csrf()), ("user", "nobody"), ("reason", "called in")],
        )
        .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn an_admin_decides_in_the_managers_place_from_the_console_with_a_reason() {
    use gatehouse::core::factors::FactorKind;
    use gatehouse::core::policy::PolicyChange;
    let server = TestServer::start().await;
    cast(&server).await;
    // Admins may use an authenticator app here, so the test can sign Ada in through the pages.
    gatehouse::core::policy::roles::set(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        "admin",
        &PolicyChange {
            allowed_factors: Some(vec![FactorKind::WebAuthn, FactorKind::Totp, FactorKind::RecoveryCode]),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let request = opened_by_hugo(&server).await;
    let path = format!("/helpdesk/request?id={}", request.id);

    let hana = server.browser();
    hana.login("hana", GOOD_PASSWORD).await;
    server.enrol_totp(&hana).await;
    let page = hana.get(&path).await;
    let refused = hana
        .post(
            "/helpdesk/decide",
            &[
                ("csrf", &page.csrf()),
                ("id", &request.id),
                ("decision", "approve"),
                ("note", "I know her"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403, "a helpdesk agent is not the manager");
    assert!(refused.body.contains("manager"));

    let ada = server.browser();
    ada.login("ada", GOOD_PASSWORD).await;
    server.enrol_totp(&ada).await;
    let page = ada.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let no_reason = ada
        .post(
            "/helpdesk/decide",
            &[("csrf", &page.csrf()), ("id", &request.id), ("decision", "approve")],
        )
        .await;
    assert_eq!(no_reason.status, 403);
    assert_eq!(state_of(&server, &request.id).await, ResetState::Requested);
    let approved = ada
        .post(
            "/helpdesk/decide",
            &[
                ("csrf", &page.csrf()),
                ("id", &request.id),
                ("decision", "approve"),
                ("note", "Mona is on leave; confirmed with HR"),
            ],
        )
        .await;
    assert_eq!(approved.status, 303, "{}", approved.body);
    let stored = server.state().store.factor_reset(&request.id).await.unwrap().unwrap();
    assert_eq!(stored.state, ResetState::Approved);
    assert_eq!(
        stored.approval_note.as_deref(),
        Some("Mona is on leave; confirmed with HR")
    );
}
