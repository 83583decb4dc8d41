//! Caller verification through the admin API: a prompt sent with an agent's token returns the number once, the
//! execution waits for it, bad input is a 400 naming the field, the rate limit a 429; a second agent's override
//! lets a third person execute.
use super::common::*;
use crate::common::*;
use crate::recovery::common::*;
use gatehouse::core::audit::Origin;
use gatehouse::core::recovery::flow::{self, Target};
use serde_json::json;

#[tokio::test]
async fn agents_verify_callers_and_override_through_the_api() {
    let db = TestDb::new().await;
    let server = TestServer::start_with(&db.url, None, &[("GATEHOUSE_RECOVERY_CALLER_VERIFICATION", "true")]).await;
    cast(&server).await;
    person_client(&server, true).await;
    let token = |name: &'static str| {
        let server = &server;
        async move {
            let browser = signed_in_with_totp(server, name).await;
            person_token(server, &browser, name, "openid gatehouse:admin").await
        }
    };
    let (hugo, hana) = (token("hugo").await, token("hana").await);
    let request = opened_by_hugo(&server).await;
    let id = request.id.clone();
    let verify = format!("/api/v1/recovery-requests/{id}/verify");

    // Before the approval: no prompt.
    call(&server, "POST", &verify, Some(&hana), Some(&json!({ "to": "user" })))
        .await
        .assert_problem(403);
    as_user!(&server, "mona", |c, m| flow::decide(
        &c,
        &m,
        Target::Id(&id),
        true,
        None
    ))
    .unwrap();

    // Bad input names the field and sends nothing.
    for (body, field) in [
        (json!({ "to": "everyone" }), "to"),
        (json!({ "to": "user", "channel": "pigeon" }), "channel"),
    ] {
        let refused = call(&server, "POST", &verify, Some(&hana), Some(&body)).await;
        refused.assert_problem(400);
        assert!(refused.text.contains(field), "{}", refused.text);
    }
    call(
        &server,
        "POST",
        &verify,
        Some(&hana),
        Some(&json!({ "to": "user", "extra": 1 })),
    )
    .await
    .assert_problem(400);
    assert!(
        server
            .state()
            .store
            .caller_verifications_of(&id)
            .await
            .unwrap()
            .is_empty()
    );

    // A prompt to the user by mail: the number once, to the agent.
    let sent = call(&server, "POST", &verify, Some(&hana), Some(&json!({ "to": "user" }))).await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    let number = sent.json["number"].as_u64().unwrap();
    assert!((10..=99).contains(&number), "{}", sent.text);
    assert_eq!(sent.json["sent_to"], "k…@example.com", "masked: {}", sent.text);
    let shown = call(
        &server,
        "GET",
        &format!("/api/v1/recovery-requests/{id}"),
        Some(&hana),
        None,
    )
    .await;
    assert!(
        !shown.text.contains(&format!("\"number\":{number}")),
        "the number is not shown again"
    );

    // Unanswered, the execution waits.
    let execute = format!("/api/v1/recovery-requests/{id}/execute");
    let checks = json!({ "checks": settings(&server).checks });
    call(&server, "POST", &execute, Some(&hana), Some(&checks))
        .await
        .assert_problem(403);

    // Three prompts per request per 15 minutes: the fourth is a 429.
    for _ in 0..2 {
        let again = call(&server, "POST", &verify, Some(&hana), Some(&json!({ "to": "user" }))).await;
        assert_eq!(again.status, 201, "{}", again.text);
    }
    call(&server, "POST", &verify, Some(&hana), Some(&json!({ "to": "user" })))
        .await
        .assert_problem(429);

    // Hugo opened the request, so he may not override; Hana overrides with a reason, then may not execute; Hal, a third agent, does.
    let overriding = format!("/api/v1/recovery-requests/{id}/override");
    let reason = json!({ "reason": "called back on the number in the HR record" });
    call(&server, "POST", &overriding, Some(&hugo), Some(&reason))
        .await
        .assert_problem(403);
    call(
        &server,
        "POST",
        &overriding,
        Some(&hana),
        Some(&json!({ "reason": "" })),
    )
    .await
    .assert_problem(400);
    let recorded = call(&server, "POST", &overriding, Some(&hana), Some(&reason)).await;
    assert_eq!(recorded.status, 201, "{}", recorded.text);
    assert_eq!(recorded.json["by"], "hana");
    call(&server, "POST", &execute, Some(&hana), Some(&checks))
        .await
        .assert_problem(403);
    add(&server, "hal", &["helpdesk"], None).await;
    let hal = token("hal").await;
    let executed = call(&server, "POST", &execute, Some(&hal), Some(&checks)).await;
    assert_eq!(executed.status, 200, "{}", executed.text);
    assert_eq!(executed.json["state"], "waiting");
}
