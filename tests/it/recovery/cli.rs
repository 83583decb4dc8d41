//! Second-factor recovery from the outside: the `gatehouse recovery` command line through the real binary, and
//! the storage contract of factor-reset requests on every backend.
use crate::common::*;
use crate::recovery::common::cast;
use chrono::Duration;
use gatehouse::core::accounts;
use gatehouse::core::audit::Origin;
use gatehouse::core::recovery::{FactorResetRequest, ResetState};

/// Runs the real binary against the server's database and data directory.
pub(crate) fn gatehouse(server: &TestServer, args: &[&str]) -> (i32, String, String) {
    let db = server.db.as_ref().expect("own database");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GATEHOUSE_DATA_DIR", &server.data_dir)
        .env("GATEHOUSE_DATABASE_URL", &db.url)
        .env("GATEHOUSE_SECRET_KEY", SHARED_SECRET)
        // The command verifies callers as the server it stands beside does (the harness turns it off for most).
        .env(
            "GATEHOUSE_RECOVERY_CALLER_VERIFICATION",
            server.state().config.recovery_caller_verification.to_string(),
        )
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

pub(crate) fn ok(server: &TestServer, args: &[&str]) -> serde_json::Value {
    let (code, stdout, stderr) = gatehouse(server, args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

pub(crate) fn fails(server: &TestServer, args: &[&str], message: &str) {
    let (code, stdout, stderr) = gatehouse(server, args);
    assert_eq!(code, 1, "{args:?} should fail: {stdout}");
    assert!(stderr.contains(message), "{args:?}: expected '{message}' in {stderr}");
}

#[tokio::test]
async fn the_cli_has_parity_and_names_the_person_acting() {
    let server = TestServer::start().await;
    cast(&server).await;
    let opened = ok(
        &server,
        &[
            "recovery",
            "open",
            "kim",
            "--reason",
            "called from the front desk",
            "--as",
            "hugo",
            "--json",
        ],
    );
    assert_eq!(opened["state"], "requested");
    assert_eq!(opened["username"], "kim");
    let id = opened["id"].as_str().unwrap().to_string();

    fails(
        &server,
        &["recovery", "list", "--as", "kim"],
        "neither a helpdesk agent nor an administrator",
    );
    fails(
        &server,
        &["recovery", "list", "--as", "nobody"],
        "--as: no user 'nobody'",
    );
    fails(
        &server,
        &["recovery", "approve", &id, "--as", "hugo"],
        "cannot also approve",
    );
    fails(&server, &["recovery", "approve", &id, "--as", "ada"], "state why");
    fails(
        &server,
        &["recovery", "approve", "no-such-id", "--as", "mona"],
        "not found",
    );
    assert_eq!(
        ok(&server, &["recovery", "approve", &id, "--as", "mona", "--json"])["state"],
        "approved"
    );
    fails(
        &server,
        &["recovery", "execute", &id, "--checks", "employee_id", "--as", "hugo"],
        "cannot also execute",
    );
    fails(
        &server,
        &["recovery", "execute", &id, "--checks", "", "--as", "hana"],
        "Record which identity checks",
    );
    let executed = ok(
        &server,
        &[
            "recovery",
            "execute",
            &id,
            "--checks",
            "employee_id,hr_question",
            "--as",
            "hana",
            "--json",
        ],
    );
    assert_eq!(executed["state"], "waiting");
    let listed = ok(&server, &["recovery", "list", "--as", "hana", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let shown = ok(&server, &["recovery", "show", &id, "--as", "ada", "--json"]);
    assert!(shown["timeline"].as_array().unwrap().len() >= 5, "{shown}");
    // People by name and username, in the JSON beside the ids and in the text instead of them.
    assert_eq!(shown["user"], "Kim Ode (kim)");
    assert_eq!(shown["opened_by_name"], "Hugo Ode (hugo)");
    assert_eq!(shown["approver_name"], "Mona Ode (mona)");
    assert_eq!(shown["executor_name"], "Hana Ode (hana)");
    assert_eq!(shown["timeline"][0]["actor_name"], "Hugo Ode (hugo) via cli:tester");
    let (code, text, _) = gatehouse(&server, &["recovery", "show", &id, "--as", "ada"]);
    assert_eq!(code, 0);
    assert!(text.contains("user               Kim Ode (kim)"), "{text}");
    assert!(text.contains("decided by         Mona Ode (mona)"), "{text}");
    assert!(
        text.contains("Hana Ode (hana) via cli:tester"),
        "the timeline names people: {text}"
    );
    let (code, listed, _) = gatehouse(&server, &["recovery", "list", "--as", "ada"]);
    assert_eq!(code, 0);
    assert!(listed.contains("Kim Ode (kim)"), "{listed}");
    for name in ["kim", "hugo", "mona", "hana"] {
        let id = server.user(name).await.id;
        assert!(!text.contains(&id) && !listed.contains(&id), "no internal id of {name}");
    }
    assert_eq!(
        ok(&server, &["recovery", "cancel", &id, "--as", "hana", "--json"])["state"],
        "cancelled"
    );

    let events = server
        .state()
        .store
        .list_audit(Some(&server.user("kim").await.id), 100)
        .await
        .unwrap();
    let executed = events.iter().find(|e| e.event.kind == "recovery.executed").unwrap();
    let hana = server.user("hana").await;
    assert_eq!(
        executed.event.actor.as_deref(),
        Some(format!("user:{} via cli:tester", hana.id).as_str())
    );
}

/// The storage contract on every backend: compare-and-swap transitions with one winner, the finishing
/// transaction, and the single-use enrolment link.
#[tokio::test]
async fn storage_transitions_have_one_winner_on_every_backend() {
    use gatehouse::core::factors::{Factor, FactorKind, FactorStatus};
    use gatehouse::core::recovery::FactorSelection;
    use gatehouse::core::store::{FactorStore, RecoveryStore, ResetLink, SessionStore, UserStore};
    use gatehouse::store::SeaStore;

    for db in TestDb::all().await {
        let store = SeaStore::connect(&db.url).await.expect("connect");
        store.migrate().await.expect("migrate");
        let now = chrono::Utc::now();
        let pool = gatehouse::core::factors::password::PasswordPool::new(1, 0).expect("hashing thread");
        let user = accounts::create(&store, &pool, now, &Origin::cli(), an_account("kim"))
            .await
            .unwrap();
        for name in ["a", "b"] {
            let f = Factor::new(
                &user.id,
                FactorKind::Totp,
                name.into(),
                FactorStatus::Active,
                serde_json::json!({}),
                now,
            );
            store.insert_factor(&f).await.unwrap();
        }
        let keep = store.factors_of(&user.id).await.unwrap()[1].id.clone();
        let drop = store.factors_of(&user.id).await.unwrap()[0].id.clone();
        let origin = Origin::default();
        let (_, session) =
            gatehouse::core::signin::sessions::new_session(&user.id, vec!["pwd".into()], now, server_limits(), &origin);
        store.insert_session(&session).await.unwrap();

        let request = FactorResetRequest {
            factors: FactorSelection::Ids(vec![drop.clone()]),
            opened_ip: Some("192.0.2.1".into()),
            approval_token_hash: Some("a".repeat(64)),
            ..a_factor_reset(&user.id, now)
        };
        store.insert_factor_reset(&request).await.unwrap();
        let found = store
            .factor_reset_by_link(ResetLink::Approval, &"a".repeat(64))
            .await
            .unwrap();
        assert_eq!(
            found.as_ref().map(|r| r.id.as_str()),
            Some(request.id.as_str()),
            "{}",
            db.name()
        );
        assert!(
            store
                .factor_reset_by_link(ResetLink::Cancel, &"a".repeat(64))
                .await
                .unwrap()
                .is_none()
        );

        let mut approved = request.clone();
        approved.state = ResetState::Approved;
        approved.approver_amr = Some(vec!["pwd".into(), "otp".into(), "mfa".into()]);
        let mut denied = request.clone();
        denied.state = ResetState::Denied;
        let (x, y) = tokio::join!(
            store.update_factor_reset(&approved, ResetState::Requested),
            store.update_factor_reset(&denied, ResetState::Requested),
        );
        assert_eq!(x.unwrap() as u8 + y.unwrap() as u8, 1, "{}: one winner", db.name());

        // Force it to waiting with a cooling-off in the future, then past.
        let current = store.factor_reset(&request.id).await.unwrap().unwrap();
        let won = if current.state == ResetState::Approved {
            &approved
        } else {
            &denied
        };
        assert_eq!(
            current.approver_amr,
            won.approver_amr,
            "{}: the decider's methods",
            db.name()
        );
        let mut waiting = request.clone();
        waiting.state = ResetState::Waiting;
        waiting.checks_passed = vec!["employee_id".into()];
        waiting.cooling_off_until = Some(now + Duration::hours(1));
        assert!(store.update_factor_reset(&waiting, current.state).await.unwrap());
        let mut done = waiting.clone();
        done.state = ResetState::Done;
        done.enrol_token_hash = Some("e".repeat(64));
        done.enrol_expires_at = Some(now + Duration::hours(2));
        assert!(
            !store.finish_factor_reset(&done, now).await.unwrap(),
            "cooling-off not over"
        );
        let later = now + Duration::minutes(61);
        let (p, q) = tokio::join!(
            store.finish_factor_reset(&done, later),
            store.finish_factor_reset(&done, later)
        );
        assert_eq!(p.unwrap() as u8 + q.unwrap() as u8, 1, "{}: finished once", db.name());
        let left: Vec<String> = store
            .factors_of(&user.id)
            .await
            .unwrap()
            .into_iter()
            .map(|f| f.id)
            .collect();
        assert_eq!(left, vec![keep.clone()], "only the named factor went");
        assert_eq!(store.count_sessions_of_user(&user.id).await.unwrap(), 0);
        assert!(store.user_by_id(&user.id).await.unwrap().unwrap().mfa_required);
        let stored = store.factor_reset(&request.id).await.unwrap().unwrap();
        assert_eq!(stored.checks_passed, vec!["employee_id".to_string()]);

        let enrol = "e".repeat(64);
        let (u, v) = tokio::join!(store.use_enrol_link(&enrol, later), store.use_enrol_link(&enrol, later));
        assert_eq!(
            u.unwrap().is_some() as u8 + v.unwrap().is_some() as u8,
            1,
            "{}",
            db.name()
        );
        assert!(store.use_enrol_link(&"f".repeat(64), later).await.unwrap().is_none());
    }
}

fn server_limits() -> gatehouse::core::signin::sessions::SessionLimits {
    gatehouse::core::signin::sessions::SessionLimits {
        absolute: Duration::hours(12),
        idle: Duration::hours(2),
    }
}
