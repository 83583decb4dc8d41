//! `gatehouse recovery export`: every request opened in a window, one JSON object per line, with its whole
//! timeline in order and nothing secret; bad bounds stop with a clear error and exit 1.
use crate::common::*;
use crate::recovery::cli::{fails, gatehouse, ok};
use crate::recovery::common::cast;

/// The export's lines, each parsed.
fn export(server: &TestServer, bounds: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["recovery", "export", "--as", "ada"];
    args.extend_from_slice(bounds);
    let (code, stdout, stderr) = gatehouse(server, &args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[tokio::test]
async fn the_export_writes_each_request_with_its_timeline_as_json_lines() {
    let server = TestServer::start().await;
    cast(&server).await;
    let open = |reason: &'static str| {
        let server = &server;
        move || {
            ok(
                server,
                &["recovery", "open", "kim", "--reason", reason, "--as", "hugo", "--json"],
            )
        }
    };
    let first = open("lost phone, first call")()["id"].as_str().unwrap().to_string();
    // A refusal is part of the timeline too: the opener may not approve.
    fails(
        &server,
        &["recovery", "approve", &first, "--as", "hugo"],
        "cannot also approve",
    );
    ok(&server, &["recovery", "approve", &first, "--as", "mona", "--json"]);
    let checks = ["--checks", "employee_id"];
    ok(
        &server,
        &[
            &["recovery", "execute", &first, "--as", "hana"][..],
            &checks,
            &["--json"],
        ]
        .concat(),
    );
    ok(&server, &["recovery", "cancel", &first, "--as", "kim", "--json"]);
    let second = open("second call")()["id"].as_str().unwrap().to_string();

    let today = chrono::Utc::now().date_naive().to_string();
    let lines = export(&server, &["--since", &today]);
    assert_eq!(lines.len(), 2, "{lines:?}");
    let (a, b) = (&lines[0], &lines[1]);
    assert_eq!(a["id"], first.as_str(), "oldest first");
    assert_eq!(b["id"], second.as_str());
    assert_eq!(a["username"], "kim");
    assert_eq!(a["state"], "cancelled");
    assert_eq!(a["reason"], "lost phone, first call");
    assert_eq!(a["factors"], "all");
    assert_eq!(a["checks_passed"], serde_json::json!(["employee_id"]));
    assert!(a["route"]["steps"].is_array(), "the route of approvers: {a}");
    let kinds: Vec<(&str, &str)> = a["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("recovery.opened", "success"),
            ("recovery.approved", "denied"),
            ("recovery.approved", "success"),
            ("recovery.executed", "success"),
            ("recovery.cancelled", "success"),
        ]
    );
    let hugo = server.user("hugo").await.id;
    let timeline = a["timeline"].as_array().unwrap();
    assert_eq!(timeline[0]["actor"], format!("user:{hugo} via cli:tester"));
    assert!(timeline[0]["at"].is_string());
    // The methods of the decision are there (the command line records none: null), for every event.
    assert!(timeline.iter().all(|e| e.as_object().unwrap().contains_key("amr")));
    assert_eq!(timeline[2]["details"]["request"], first.as_str());
    // The second request's timeline holds only its own events.
    assert_eq!(b["timeline"].as_array().unwrap().len(), 1, "{b}");

    // Nothing secret: no link digests or tokens anywhere.
    let stored = server.state().store.factor_reset(&first).await.unwrap().unwrap();
    let (_, all, _) = gatehouse(&server, &["recovery", "export", "--as", "ada"]);
    assert_eq!(all.lines().count(), 2);
    for secret in [stored.cancel_token_hash, stored.approval_token_hash]
        .into_iter()
        .flatten()
    {
        assert!(!all.contains(&secret));
    }
    assert!(!all.contains("token_hash") && !all.contains("\"token\""), "{all}");

    // The window: a request opened later, or a window that ended before, is not written.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .date_naive()
        .to_string();
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1))
        .date_naive()
        .to_string();
    assert!(export(&server, &["--since", &tomorrow]).is_empty());
    assert!(export(&server, &["--until", &yesterday]).is_empty());
    assert_eq!(
        export(&server, &["--until", &today]).len(),
        2,
        "--until DAY includes that day"
    );
    let cut = lines[1]["created_at"].as_str().unwrap();
    let before_second = export(&server, &["--until", cut]);
    assert_eq!(before_second.len(), 1, "--until is exclusive");
    assert_eq!(before_second[0]["id"], first.as_str());
}

#[tokio::test]
async fn bad_bounds_and_non_agents_are_refused_with_exit_1() {
    let server = TestServer::start().await;
    cast(&server).await;
    for (flag, value) in [("--since", "yesterday"), ("--until", "2026-13-01"), ("--since", "")] {
        fails(
            &server,
            &["recovery", "export", "--as", "ada", flag, value],
            &format!("{flag}: give a day (YYYY-MM-DD) or a time (RFC 3339"),
        );
    }
    fails(
        &server,
        &[
            "recovery",
            "export",
            "--as",
            "ada",
            "--since",
            "2026-12-08",
            "--until",
            "2026-12-01",
        ],
        "--until must lie after --since",
    );
    fails(
        &server,
        &["recovery", "export", "--as", "kim"],
        "neither a helpdesk agent nor an administrator",
    );
    let (code, stdout, _) = gatehouse(&server, &["recovery", "export", "--as", "ada", "--since", "nope"]);
    assert_eq!((code, stdout.as_str()), (1, ""), "nothing written before the error");
}
