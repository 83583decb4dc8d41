//! The cooling-off per role (`gatehouse role set ROLE --recovery-delay …`): a user waits their role's delay,
//! the longest of their roles' delays when they hold several, and the server's defaults where a role sets none.
//! Bad values are refused on the command line and change nothing.
use crate::cli::common::Cli;
use crate::common::*;
use crate::recovery::common::{
    add, as_user, cast, ctx, member, opened_by_hugo, settings, state_of, stored_security_key,
};
use chrono::Duration;
use gatehouse::core::audit::Origin;
use gatehouse::core::policy::PolicyChange;
use gatehouse::core::policy::roles;
use gatehouse::core::recovery::ResetState;
use gatehouse::core::recovery::flow::{self, Target};

async fn set_delay(server: &TestServer, role: &str, minutes: Option<u32>) {
    roles::set(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        role,
        &PolicyChange {
            recovery_delay_minutes: Some(minutes),
            ..Default::default()
        },
    )
    .await
    .unwrap_or_else(|e| panic!("delay of {role}: {e}"));
}

#[tokio::test]
async fn a_user_waits_the_delay_of_their_role() {
    let server = TestServer::start().await;
    cast(&server).await;
    set_delay(&server, "user", Some(180)).await;
    let kim = server.user("kim").await;
    let request = opened_by_hugo(&server).await;
    as_user!(&server, "mona", |c, m| flow::decide(
        &c,
        &m,
        Target::Id(&request.id),
        true,
        None
    ))
    .unwrap();
    let executed = as_user!(&server, "hana", |c, m| flow::execute(
        &c,
        &m,
        &request.id,
        &["employee_id".into()]
    ))
    .unwrap();
    assert_eq!(
        executed.cooling_off_until.unwrap() - executed.executed_at.unwrap(),
        Duration::minutes(180)
    );

    // Past the server's default hour the reset still waits; it takes effect only after three hours.
    server.clock.advance(Duration::minutes(179));
    as_user!(&server, "hugo", |c, _m| flow::sweep(&c)).unwrap();
    assert_eq!(state_of(&server, &request.id).await, ResetState::Waiting);
    assert_eq!(crate::recovery::common::factor_count(&server, &kim).await, 1);
    server.clock.advance(Duration::minutes(2));
    as_user!(&server, "hugo", |c, _m| flow::sweep(&c)).unwrap();
    assert_eq!(state_of(&server, &request.id).await, ResetState::Done);
    assert_eq!(crate::recovery::common::factor_count(&server, &kim).await, 0);

    let events = server.state().store.list_audit(Some(&kim.id), 50).await.unwrap();
    let event = events
        .iter()
        .find(|e| e.event.kind == "recovery.executed" && e.event.outcome.as_str() == "success")
        .unwrap();
    assert_eq!(event.event.details["cooling_off_minutes"], 180);
}

/// Duo holds `user` (30 min) and `helpdesk` (2 h): the longer one applies. A shorter setting on `user` does not
/// shorten an admin's day either.
#[tokio::test]
async fn the_longest_delay_of_several_roles_wins() {
    let server = TestServer::start().await;
    cast(&server).await;
    set_delay(&server, "user", Some(30)).await;
    set_delay(&server, "helpdesk", Some(120)).await;
    for (name, roles) in [("duo", &["user", "helpdesk"][..]), ("boss", &["user", "admin"][..])] {
        let who = add(&server, name, roles, None).await;
        stored_security_key(&server, &who.id).await;
    }
    for (name, expected) in [("duo", Duration::minutes(120)), ("boss", Duration::hours(24))] {
        let subject = member(&server, name).await;
        let request = as_user!(&server, "hugo", |c, m| flow::open(
            &c,
            Some(&m),
            &subject,
            "all",
            "lost key"
        ))
        .unwrap();
        as_user!(&server, "ada", |c, m| flow::decide(
            &c,
            &m,
            Target::Id(&request.id),
            true,
            Some("no manager on file")
        ))
        .unwrap();
        let executed = as_user!(&server, "abe", |c, m| flow::execute(
            &c,
            &m,
            &request.id,
            &["employee_id".into()]
        ))
        .unwrap();
        assert_eq!(
            executed.cooling_off_until.unwrap() - executed.executed_at.unwrap(),
            expected,
            "{name}"
        );
    }

    // Clearing the setting falls back to the server's default for the next reset.
    set_delay(&server, "user", None).await;
    set_delay(&server, "helpdesk", None).await;
    let request = opened_by_hugo(&server).await;
    as_user!(&server, "mona", |c, m| flow::decide(
        &c,
        &m,
        Target::Id(&request.id),
        true,
        None
    ))
    .unwrap();
    let executed = as_user!(&server, "hana", |c, m| flow::execute(
        &c,
        &m,
        &request.id,
        &["employee_id".into()]
    ))
    .unwrap();
    assert_eq!(
        executed.cooling_off_until.unwrap() - executed.executed_at.unwrap(),
        Duration::hours(1)
    );
}

#[tokio::test]
async fn the_recovery_delay_from_the_command_line_and_bad_values_that_change_nothing() {
    let cli = Cli::new().await;
    assert_eq!(
        cli.ok(&["role", "show", "user", "--json"])["recovery_delay_minutes"],
        serde_json::Value::Null,
        "no setting: the server's default"
    );
    let changed = cli.ok(&["role", "set", "user", "--recovery-delay", "36h", "--json"]);
    assert_eq!(changed["changed"], true);
    assert_eq!(changed["recovery_delay_minutes"], 2160);
    assert_eq!(
        cli.ok(&["role", "show", "user", "--json"])["recovery_delay_minutes"],
        2160
    );
    let text = cli.run(&["role", "show", "user"]);
    assert!(text.stdout.contains("recovery delay minutes   2160"), "{}", text.stdout);
    let original = cli.ok(&["role", "show", "user", "--json"]);
    for (value, message) in [
        ("-5", "not a duration"),
        ("-1h", "not a duration"),
        ("soon", "not a duration"),
        ("1.5h", "not a duration"),
        ("3w", "not a duration"),
        ("", "not a duration"),
        ("99999999999", "not a duration"),
        ("0", "1 minute to 30 days"),
        ("31d", "1 minute to 30 days"),
        ("5000000h", "1 minute to 30 days"),
    ] {
        cli.fails(&["role", "set", "user", "--recovery-delay", value], message);
        assert_eq!(
            cli.ok(&["role", "show", "user", "--json"]),
            original,
            "{value:?} changed nothing"
        );
    }
    // One bad option spoils a good delay beside it.
    cli.fails(
        &["role", "set", "user", "--recovery-delay", "2h", "--factors", "fax"],
        "Unknown factor kind",
    );
    assert_eq!(cli.ok(&["role", "show", "user", "--json"]), original);
    let cleared = cli.ok(&["role", "set", "user", "--recovery-delay", "none", "--json"]);
    assert_eq!(cleared["recovery_delay_minutes"], serde_json::Value::Null);
    let audit = cli.ok(&["audit", "list", "--json"]);
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "role.policy_changed" && e["details"]["after"]["recovery_delay_minutes"] == 2160),
        "the change is audited"
    );
}
