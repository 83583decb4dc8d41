//! `/admin/shared-signals`: each receiver's stream with the host it pushes to (never the path), its status, what
//! waits, what was given up, the last error and the last delivery; for administrators only, linked from their
//! navigation, in both languages.
use super::common::*;
use crate::common::*;
use crate::ssf::common::{create_stream, deliver, receiver_token, ssf_call};
use gatehouse::core::accounts;
use gatehouse::core::audit::Origin;
use gatehouse::core::model::UserStatus;
use serde_json::json;

/// The table row of `client`'s stream.
fn row<'a>(page: &'a Page, client: &str) -> &'a str {
    let start = page
        .body
        .find(&format!("data-client=\"{client}\""))
        .unwrap_or_else(|| panic!("a row for {client}: {}", page.body));
    let rest = &page.body[start..];
    &rest[..rest.find("</tr>").unwrap()]
}

#[tokio::test]
async fn administrators_see_each_streams_status_backlog_and_failures() {
    let (server, _db) = console_server().await;
    let (browser, _) = admin(&server, "root").await;
    let empty = browser.get("/admin/shared-signals").await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert!(empty.body.contains("id=\"no-streams\""));
    assert!(
        empty
            .body
            .contains("href=\"/admin/shared-signals\" aria-current=\"page\"")
    );

    let (ok_sink, failing) = (HttpSink::start(202, "").await, HttpSink::start(503, "").await);
    let paused = receiver_token(&server, "paused-rp").await;
    let stream = create_stream(&server, &paused, &format!("{}/hook/secret-path", ok_sink.url)).await;
    let pause = json!({ "stream_id": stream["stream_id"], "status": "paused", "reason": "maintenance" });
    assert_eq!(
        ssf_call(&server, "POST", "/ssf/status", &paused, Some(&pause))
            .await
            .status,
        200
    );
    let broken = receiver_token(&server, "broken-rp").await;
    create_stream(&server, &broken, &failing.url).await;
    let working = receiver_token(&server, "working-rp").await;
    create_stream(&server, &working, &ok_sink.url).await;
    let ann = server.add_user("ann", Some(GOOD_PASSWORD)).await;
    let state = server.state();
    accounts::set_status(
        state.store.as_ref(),
        state.clock.now(),
        &Origin::cli(),
        &ann,
        UserStatus::Disabled,
    )
    .await
    .unwrap();
    deliver(&server).await;

    let page = browser.get("/admin/shared-signals").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let paused_row = row(&page, "paused-rp");
    assert!(
        paused_row.contains("data-status=\"paused\"") && paused_row.contains("paused (maintenance)"),
        "{paused_row}"
    );
    assert!(
        paused_row.contains("data-pending=\"2\""),
        "disabled and sessions revoked wait: {paused_row}"
    );
    assert!(
        paused_row.contains("127.0.0.1") && !page.body.contains("secret-path"),
        "the host only"
    );
    let broken_row = row(&page, "broken-rp");
    assert!(
        broken_row.contains("data-pending=\"2\"") && broken_row.contains("HTTP 503"),
        "{broken_row}"
    );
    assert!(broken_row.contains("data-failed=\"0\""));
    let working_row = row(&page, "working-rp");
    assert!(working_row.contains("data-pending=\"0\"") && working_row.contains("data-status=\"enabled\""));
    assert!(!working_row.contains("never"), "it has delivered: {working_row}");
    assert!(paused_row.contains("never"));
    assert!(working_row.contains("href=\"/admin/clients/working-rp\""));

    browser.get("/language/de").await;
    let german = browser.get("/admin/shared-signals").await;
    assert!(german.body.contains("angehalten (maintenance)") && german.body.contains("Letzte Zustellung"));
}

#[tokio::test]
async fn the_page_is_for_administrators_only() {
    let (server, _db) = console_server().await;
    let signed_out = server.browser().get("/admin/shared-signals").await;
    assert_eq!(signed_out.status, 303);
    assert!(signed_out.location().unwrap().starts_with("/login?return_to="));
    let agent = helpdesk(&server, "hana").await;
    let users = agent.get("/admin/users").await;
    assert_eq!(users.status, 200);
    assert!(
        !users.body.contains("/admin/shared-signals"),
        "not in the helpdesk's navigation"
    );
    assert_eq!(agent.get("/admin/shared-signals").await.status, 403);
    server.add_user("carl", Some(GOOD_PASSWORD)).await;
    let person = server.browser();
    assert_eq!(person.login("carl", GOOD_PASSWORD).await.status, 303);
    assert_eq!(person.get("/admin/shared-signals").await.status, 403);
}
