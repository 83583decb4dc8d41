//! docs/admin.md's API examples run as written: the block after `<!-- api-example -->` is run by bash against a
//! real server, with only its first two lines (the server's address and the client's secret) filled in.
use crate::common::*;
use gatehouse::core::audit::Origin;
use gatehouse::protocols::oidc::clients::{self, NewClient};

const DOC: &str = include_str!("../../../docs/admin.md");

fn example_block() -> String {
    let after = DOC.split("<!-- api-example -->").nth(1).expect("the marked example");
    let body = after.split("```sh\n").nth(1).expect("a sh block");
    body.split("\n```").next().expect("its end").to_string()
}

#[tokio::test]
async fn the_curl_examples_run_as_written() {
    assert!(
        DOC.contains("gatehouse client add ops-bot --grant client_credentials --service-role admin --json"),
        "the documented command registers the client this test registers"
    );
    let server = TestServer::start().await;
    if accounts_missing(&server, "admin").await {
        server.add_user_with("admin", None, &["admin"]).await;
    }
    let (_, secret) = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "ops-bot".into(),
            grants: vec!["client_credentials".into()],
            service_role: Some("admin".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let script = example_block()
        .replacen("BASE=http://localhost:8080", &format!("BASE={}", server.base), 1)
        .replacen(
            "SECRET=the-client-secret-printed-above",
            &format!("SECRET={}", secret.unwrap()),
            1,
        );
    assert!(!script.contains("localhost:8080") && !script.contains("printed-above"));
    let dir = tempfile::tempdir().unwrap();
    let mut command = std::process::Command::new("bash");
    command
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(dir.path());
    // On a blocking thread, so the in-process server answers the script's requests.
    let output =
        crate::interop::node::bounded(command, "docs/admin.md example", std::time::Duration::from_secs(60)).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the example failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.contains(&"alice"), "the search finds her: {stdout}");
    assert!(lines.contains(&r#"["helpdesk","user"]"#), "{stdout}");
    assert!(lines.contains(&"+41446681800"), "{stdout}");
    for kind in ["user.created", "user.role_added", "user.phone_changed"] {
        assert!(lines.contains(&kind), "{kind} in {stdout}");
    }
    let csv = std::fs::read_to_string(dir.path().join("audit.csv")).expect("the export was saved");
    assert!(csv.starts_with("id,at,kind,outcome,actor"), "{csv}");
    assert!(csv.contains(",user.created,success,client:ops-bot,"), "{csv}");
}

async fn accounts_missing(server: &TestServer, username: &str) -> bool {
    server.state().store.user_by_username(username).await.unwrap().is_none()
}
