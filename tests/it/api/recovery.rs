//! `/api/v1/recovery-requests`: the queue and its transitions under the same separation-of-duties rules as the
//! console; a service client reads but never moves a request.
use super::common::*;
use crate::common::*;
use crate::recovery::common::*;
use gatehouse::core::audit::Origin;
use gatehouse::core::recovery::flow::{self, Target};
use serde_json::json;

#[tokio::test]
async fn agents_open_and_execute_through_the_api_under_the_console_rules() {
    let server = TestServer::start().await;
    cast(&server).await;
    person_client(&server, true).await;
    let service = token_with_role(&server, "helpdesk").await;
    let hugo_browser = signed_in_with_totp(&server, "hugo").await;
    let hugo = person_token(&server, &hugo_browser, "hugo", "openid gatehouse:admin").await;
    let hana_browser = signed_in_with_totp(&server, "hana").await;
    let hana = person_token(&server, &hana_browser, "hana", "openid gatehouse:admin").await;

    // A service client may read the queue but not open a request.
    let body = json!({ "user": "kim", "reason": "lost phone, called from desk" });
    let refused = call(
        &server,
        "POST",
        "/api/v1/recovery-requests",
        Some(&service),
        Some(&body),
    )
    .await;
    refused.assert_problem(403);
    assert!(refused.json["detail"].as_str().unwrap().contains("person"));

    let opened = call(&server, "POST", "/api/v1/recovery-requests", Some(&hugo), Some(&body)).await;
    assert_eq!(opened.status, 201, "{}", opened.text);
    assert_eq!(opened.json["state"], "requested");
    assert_eq!(opened.json["username"], "kim");
    assert_eq!(opened.json["opened_by"], "hugo");
    let id = opened.json["id"].as_str().unwrap().to_string();

    let queue = call(&server, "GET", "/api/v1/recovery-requests", Some(&service), None).await;
    assert_eq!(queue.json.as_array().unwrap().len(), 1, "{}", queue.text);
    let shown = call(
        &server,
        "GET",
        &format!("/api/v1/recovery-requests/{id}"),
        Some(&service),
        None,
    )
    .await;
    assert_eq!(shown.status, 200, "{}", shown.text);
    assert_eq!(shown.json["timeline"][0]["kind"], "recovery.opened");
    assert_eq!(shown.json["timeline"][0]["actor_username"], "hugo");

    // Hugo may not approve (he is not the manager, not an admin) nor execute what he opened.
    let approve = format!("/api/v1/recovery-requests/{id}/approve");
    call(&server, "POST", &approve, Some(&hugo), Some(&json!({})))
        .await
        .assert_problem(403);
    as_user!(&server, "mona", |c, m| flow::decide(
        &c,
        &m,
        Target::Id(&id),
        true,
        None
    ))
    .expect("mona approves");
    let execute = format!("/api/v1/recovery-requests/{id}/execute");
    let checks = json!({ "checks": settings(&server).checks });
    call(&server, "POST", &execute, Some(&hugo), Some(&checks))
        .await
        .assert_problem(403);
    let executed = call(&server, "POST", &execute, Some(&hana), Some(&checks)).await;
    assert_eq!(executed.status, 200, "{}", executed.text);
    assert_eq!(executed.json["state"], "waiting");
    assert_eq!(executed.json["executor"], "hana");
    assert_eq!(executed.json["approver"], "mona");

    // The refusals are audited as the console's are, with the person as the actor.
    let hugo_user = server.user("hugo").await;
    let denied: Vec<_> = server
        .state()
        .store
        .list_audit(None, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.event.outcome.as_str() == "denied" && e.event.actor == Some(format!("user:{}", hugo_user.id)))
        .map(|e| e.event.kind)
        .collect();
    assert!(denied.contains(&"recovery.approved".to_string()), "{denied:?}");
    assert!(denied.contains(&"recovery.executed".to_string()), "{denied:?}");

    let cancel = format!("/api/v1/recovery-requests/{id}/cancel");
    let cancelled = call(&server, "POST", &cancel, Some(&hana), None).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    assert_eq!(cancelled.json["state"], "cancelled");
    call(&server, "GET", "/api/v1/recovery-requests/nope", Some(&service), None)
        .await
        .assert_problem(404);
}
