//! Absences set from outside: `gatehouse user away|back` through the real binary and
//! `/api/v1/users/{user}/absence`, their refusals (a one-line error or a 400 naming the field, and nothing
//! stored), and the approval route as `gatehouse recovery show` and the admin API's request show it.
use crate::api::common::{admin_server, call, token_with_role};
use crate::common::*;
use crate::recovery::chain::{reports, trail};
use crate::recovery::common::*;
use chrono::{Duration, Utc};
use gatehouse::core::audit::Origin;
use gatehouse::core::clock::OffsetClock;
use gatehouse::core::recovery::flow;
use serde_json::{Value, json};
use std::sync::Arc;

/// Runs the real binary against the server's database (as an operator at a terminal, `USER=tester`).
fn gatehouse(server: &TestServer, args: &[&str]) -> (i32, String, String) {
    let db = server.db.as_ref().expect("own database");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GATEHOUSE_DATA_DIR", &server.data_dir)
        .env("GATEHOUSE_DATABASE_URL", &db.url)
        .env("GATEHOUSE_SECRET_KEY", SHARED_SECRET)
        .env("USER", "tester")
        .args(args)
        .output()
        .expect("run gatehouse");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn ok(server: &TestServer, args: &[&str]) -> String {
    let (code, stdout, stderr) = gatehouse(server, args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    stdout
}

fn fails(server: &TestServer, args: &[&str], message: &str) {
    let (code, stdout, stderr) = gatehouse(server, args);
    assert_eq!(code, 1, "{args:?} should fail: {stdout}");
    assert!(stderr.contains(message), "{args:?}: expected '{message}' in {stderr}");
}

/// How many `kind` events the audit log holds.
async fn count(server: &TestServer, kind: &str) -> usize {
    let events = server.state().store.list_audit(None, 1000).await.unwrap();
    events.iter().filter(|r| r.event.kind == kind).count()
}

/// Kim → Mona → Otto, and Dana under Otto, besides the usual cast.
async fn organisation(server: &TestServer) {
    cast(server).await;
    add(server, "otto", &["user"], None).await;
    add(server, "dana", &["user"], Some("otto")).await;
    reports(server, "mona", "otto").await;
}

#[tokio::test]
async fn away_and_back_on_the_command_line_refuse_bad_input_and_store_nothing() {
    let server = TestServer::start().await;
    organisation(&server).await;
    let store = server.state().store.as_ref();
    let mona = server.user("mona").await;
    let day = (Utc::now() + Duration::days(30)).date_naive();
    let until = day.format("%Y-%m-%d").to_string();

    let set: Value = serde_json::from_str(&ok(
        &server,
        &[
            "user",
            "away",
            "mona",
            "--delegate",
            "dana",
            "--until",
            &until,
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(set["away"], true);
    assert_eq!(set["delegate"], "dana");
    let end = day.succ_opt().unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc();
    assert_eq!(set["until"], json!(end), "a day counts whole");
    let stored = store.absence_of(&mona.id).await.unwrap().expect("stored");
    assert_eq!(stored.delegate_id, Some(server.user("dana").await.id));
    assert_eq!(stored.set_by, "cli:tester");
    assert_eq!(count(&server, "user.absence_set").await, 1);
    // The console's page of the person says so, to an agent deciding whom to call.
    let console = crate::admin::common::helpdesk(&server, "hx").await;
    let page = console.get("/admin/users/mona").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("id=\"away\"") && page.body.contains("go to Dana Ode (dana)"),
        "{}",
        page.body
    );

    // Bad input: refused with a one-line message; the absence stays exactly as it was, and nothing is audited.
    let too_far = (Utc::now() + Duration::days(400)).format("%Y-%m-%d").to_string();
    for (args, message) in [
        (vec!["--delegate", "nobody"], "delegate: there is no such user"),
        (vec!["--delegate", "mona"], "delegate: nobody is their own delegate"),
        (
            vec!["--delegate", "kim"],
            "delegate: they report to the person who is away",
        ),
        (
            vec!["--until", "2020-01-01"],
            "until: the end of an absence must lie in the future",
        ),
        (vec!["--until", "next week"], "until: give a day (YYYY-MM-DD) or a time"),
        (vec!["--until", too_far.as_str()], "until: at most a year ahead"),
        (vec!["--until", "2026-02-30"], "until:"),
    ] {
        let mut full = vec!["user", "away", "mona"];
        full.extend(args);
        fails(&server, &full, message);
    }
    fails(&server, &["user", "away", "ghost"], "ghost");
    assert_eq!(store.absence_of(&mona.id).await.unwrap(), Some(stored));
    assert_eq!(count(&server, "user.absence_set").await, 1);

    // A request for Kim now goes to Dana; `recovery show` says so, step by step.
    let opened: Value = serde_json::from_str(&ok(
        &server,
        &[
            "recovery",
            "open",
            "kim",
            "--reason",
            "lost phone",
            "--as",
            "hugo",
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(opened["route"]["approver_id"], json!(server.user("dana").await.id));
    let id = opened["id"].as_str().unwrap();
    let shown = ok(&server, &["recovery", "show", id, "--as", "hana"]);
    assert!(shown.contains("sent to            Dana Ode (dana)"), "{shown}");
    assert!(shown.contains("Mona Ode (mona)") && shown.contains("absent"), "{shown}");
    assert!(shown.contains("delegate of Mona Ode (mona)"), "{shown}");

    // Back: approvals go to Mona again; a second `back` says she was not away. Both audited.
    let back = ok(&server, &["user", "back", "mona"]);
    assert!(back.contains("mona is back"), "{back}");
    assert_eq!(store.absence_of(&mona.id).await.unwrap(), None);
    let again: Value = serde_json::from_str(&ok(&server, &["user", "back", "mona", "--json"])).unwrap();
    assert_eq!(again, json!({ "username": "mona", "away": false, "was_away": false }));
    assert_eq!(count(&server, "user.absence_cleared").await, 2);

    // Away without a delegate: to her own manager (the text says so).
    let text = ok(&server, &["user", "away", "mona"]);
    assert!(
        text.contains("until cleared") && text.contains("go to their own manager"),
        "{text}"
    );
}

#[tokio::test]
async fn the_admin_api_sets_shows_and_clears_an_absence_and_shows_the_route_of_a_request() {
    let (server, token) = admin_server().await;
    organisation(&server).await;
    let until = (Utc::now() + Duration::days(10)).format("%Y-%m-%d").to_string();
    let path = "/api/v1/users/mona/absence";

    assert_eq!(
        call(&server, "GET", path, Some(&token), None).await.status,
        404,
        "not away"
    );
    let set = call(
        &server,
        "PUT",
        path,
        Some(&token),
        Some(&json!({ "delegate": "dana", "until": until })),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.text);
    assert_eq!(set.json["delegate"], "dana");
    let shown = call(&server, "GET", path, Some(&token), None).await;
    assert_eq!(shown.json, set.json);

    // Refusals name their field and change nothing.
    for (body, field) in [
        (json!({ "delegate": "kim" }), Some("delegate")),
        (json!({ "delegate": "ghost" }), Some("delegate")),
        (json!({ "delegate": "mona" }), Some("delegate")),
        (json!({ "until": "soon" }), Some("until")),
        (json!({ "until": "1999-01-01" }), Some("until")),
        (json!({ "delegate": "dana", "why": "holiday" }), None),
        (json!({ "delegate": 7 }), None),
    ] {
        let refused = call(&server, "PUT", path, Some(&token), Some(&body)).await;
        refused.assert_problem(400);
        if let Some(field) = field {
            assert_eq!(refused.json["errors"][0]["field"], field, "{body}: {}", refused.text);
        }
    }
    assert_eq!(call(&server, "GET", path, Some(&token), None).await.json, set.json);
    assert_eq!(
        call(
            &server,
            "PUT",
            "/api/v1/users/ghost/absence",
            Some(&token),
            Some(&json!({}))
        )
        .await
        .status,
        404
    );
    // Only administrators mark people away; the helpdesk may look.
    let helpdesk = token_with_role(&server, "helpdesk").await;
    call(&server, "PUT", path, Some(&helpdesk), Some(&json!({})))
        .await
        .assert_problem(403);
    call(&server, "DELETE", path, Some(&helpdesk), None)
        .await
        .assert_problem(403);
    assert_eq!(call(&server, "GET", path, Some(&helpdesk), None).await.status, 200);

    // The request's route, as the API's recovery resource shows it.
    let kim = member(&server, "kim").await;
    let request = as_user!(&server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &kim,
        "all",
        "lost phone"
    ))
    .unwrap();
    assert_eq!(
        trail(&server, &request).await,
        ["mona:manager:absent", "dana:delegate:asked"]
    );
    let detail = call(
        &server,
        "GET",
        &format!("/api/v1/recovery-requests/{}", request.id),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    let route = &detail.json["request"]["approval_route"];
    assert_eq!(route["routed_to"], "dana");
    assert_eq!(route["routed_role"], Value::Null);
    assert_eq!(route["steps"][0]["username"], "mona");
    assert_eq!(route["steps"][0]["as"], "manager");
    assert_eq!(route["steps"][0]["outcome"], "absent");
    assert_eq!(route["steps"][1]["delegate_of"], "mona");
    assert_eq!(route["steps"][1]["outcome"], "asked");

    let cleared = call(&server, "DELETE", path, Some(&token), None).await;
    assert_eq!(cleared.status, 204, "{}", cleared.text);
    assert_eq!(call(&server, "GET", path, Some(&token), None).await.status, 404);
    let actor = server.state().store.list_audit(None, 50).await.unwrap();
    let cleared = actor
        .iter()
        .find(|r| r.event.kind == "user.absence_cleared")
        .expect("audited");
    assert_eq!(cleared.event.details["was_away"], true);
    assert!(
        cleared.event.actor.as_deref().is_some_and(|a| a.contains("svc-admin")),
        "{:?}",
        cleared.event.actor
    );
}

#[tokio::test]
async fn the_approver_role_is_configurable_and_an_unknown_one_stops_the_start() {
    let db = TestDb::new().await;
    let data = tempfile::tempdir().unwrap();
    let setting = |role: &str| [("GATEHOUSE_RECOVERY_APPROVER_ROLE".to_string(), role.to_string())];
    let config = config_for(
        &db.url,
        data.path(),
        0,
        None,
        &[("GATEHOUSE_RECOVERY_APPROVER_ROLE", "approvers")],
    );
    let error = match gatehouse::app::build_state(config, Arc::new(OffsetClock::default())).await {
        Ok(_) => panic!("started with an unknown approver role"),
        Err(e) => format!("{e:#}"),
    };
    assert!(
        error.contains("recovery_approver_role: there is no role 'approvers'"),
        "{error}"
    );
    // A malformed name is refused before the database is opened.
    let bad = gatehouse::config::Config::load_from(None, &setting("a b")).unwrap_err();
    assert!(bad.to_string().contains("recovery_approver_role"), "{bad}");

    // With `helpdesk` as the approver role, a user without a manager is approved by the helpdesk — except the
    // agent who opened the request.
    let server = TestServer::start_with(&db.url, None, &[("GATEHOUSE_RECOVERY_APPROVER_ROLE", "helpdesk")]).await;
    cast(&server).await;
    add(&server, "walt", &["user"], None).await;
    stored_security_key(&server, &server.user("walt").await.id).await;
    let walt = member(&server, "walt").await;
    let request = as_user!(&server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &walt,
        "all",
        "lost phone"
    ))
    .unwrap();
    assert_eq!(
        trail(&server, &request).await,
        ["-:manager:no_manager", "hana:role:asked", "hugo:role:requester"]
    );
    let decided = as_user!(&server, "hana", |c, m| flow::decide(
        &c,
        &m,
        flow::Target::Id(&request.id),
        true,
        None
    ));
    assert!(decided.is_ok(), "{decided:?}");
}
