//! The Shared Signals transmitter against a receiver we did not write (`tests/interop/ssf_receiver.py`: requests,
//! http.server, joserfc): it discovers the configuration, creates its stream with its own token, asks for a
//! verification event, and verifies every pushed SET against our JWKS — for a factor added, a helpdesk factor
//! reset run to its end, a password reset by mail and a disabled account, each a credential change, account
//! change and/or session revocation — and refuses a tampered one. It also reads its stream's status and takes a
//! user out of the stream by e-mail (`subjects:remove`), whose deactivation then never reaches it.
//!
//! `make test` sets GATEHOUSE_INTEROP=1 and GATEHOUSE_INTEROP_PYTHON, under which a missing interpreter or package
//! fails the test; a plain `cargo test` without them skips.
use crate::api::common::service_client;
use crate::common::*;
use crate::interop::{node, python};
use crate::recovery::common::{add, as_user, ctx, member, settings, state_of};
use crate::ssf::common::{QUIET, deliver};
use gatehouse::core::accounts;
use gatehouse::core::audit::Origin;
use gatehouse::core::model::UserStatus;
use gatehouse::core::policy::PolicyChange;
use gatehouse::core::policy::roles;
use gatehouse::core::recovery::ResetState;
use gatehouse::core::recovery::flow::{self, Target};
use serde_json::json;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(90);
/// Factor added; factor reset done (credential change and sessions ended); password reset (the same two);
/// account disabled (disabled and sessions ended).
const EVENTS: usize = 7;

/// The helpdesk resets Ann's factors: Hugo opens the request, her manager Mona approves, Hana executes it after
/// checking her employee id, and the one-minute cooling-off of the `user` role runs out.
async fn factor_reset(server: &TestServer) {
    roles::set(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        "user",
        &PolicyChange {
            recovery_delay_minutes: Some(Some(1)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let ann = member(server, "ann").await;
    let request = as_user!(server, "hugo", |c, m| flow::open(
        &c,
        Some(&m),
        &ann,
        "all",
        "lost phone"
    ))
    .expect("opened");
    as_user!(server, "mona", |c, m| flow::decide(
        &c,
        &m,
        Target::Id(&request.id),
        true,
        None
    ))
    .expect("approved");
    as_user!(server, "hana", |c, m| flow::execute(
        &c,
        &m,
        &request.id,
        &["employee_id".into()]
    ))
    .expect("executed");
    server.clock.advance(chrono::Duration::seconds(61));
    as_user!(server, "hugo", |c, _m| flow::sweep(&c)).unwrap();
    assert_eq!(state_of(server, &request.id).await, ResetState::Done);
}

/// Waits for the script's stream and verification request, causes the events, and pushes until all are out.
async fn drive(server: &TestServer) {
    let store = server.state().store.as_ref();
    let mut stream = None;
    for _ in 0..300 {
        if let Some(s) = store.ssf_stream_of_client("py-rp").await.unwrap()
            && !store.ssf_entries(&s.id).await.unwrap().is_empty()
        {
            stream = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stream = stream.expect("the receiver created its stream and asked for verification");

    add(server, "mona", &["user"], None).await;
    let ann = add(server, "ann", &["user"], Some("mona")).await;
    add(server, "hugo", &["helpdesk"], None).await;
    add(server, "hana", &["helpdesk"], None).await;
    let browser = server.browser();
    assert_eq!(browser.login("ann", GOOD_PASSWORD).await.status, 303);
    server.enrol_totp(&browser).await;
    factor_reset(server).await;
    assert!(store.factors_of(&ann.id).await.unwrap().is_empty());
    let mails = server.mails(0).await.len();
    let forgot = server.browser();
    forgot
        .submit("/password/forgot", "/password/forgot", &[("identifier", "ann")])
        .await;
    let link = link_in(
        server
            .mails(mails + 1)
            .await
            .iter()
            .rev()
            .find(|m| m.contains("/password/reset"))
            .expect("a reset mail"),
    );
    let done = forgot.set_password_via(&link, "copper-lantern-drifts-north").await;
    assert_eq!(done.status, 200, "{}", done.body);
    let now = server.state().clock.now();
    accounts::set_status(store, now, &Origin::cli(), &ann, UserStatus::Disabled)
        .await
        .unwrap();
    let zed = server.user("zed").await;
    accounts::set_status(store, now, &Origin::cli(), &zed, UserStatus::Disabled)
        .await
        .unwrap();
    assert_eq!(store.ssf_entries(&stream.id).await.unwrap().len(), 1 + EVENTS);

    let mut delivered = 0;
    for _ in 0..100 {
        delivered += deliver(server).await;
        if delivered == 1 + EVENTS {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("only {delivered} SETs delivered");
}

#[tokio::test]
async fn a_joserfc_receiver_verifies_the_sets_of_a_factor_reset_a_password_reset_and_a_deactivation() {
    if !node::available("SSF receiver test", python::missing(&["joserfc", "requests"])) {
        return;
    }
    let db = TestDb::new().await;
    let server = TestServer::start_with(&db.url, None, QUIET).await;
    let secret = service_client(&server, "py-rp", Some("ssf")).await;
    // Zed is taken out of the stream by the receiver before anything happens; his deactivation must not reach it.
    server.add_user("zed", Some(GOOD_PASSWORD)).await;
    let expected = EVENTS.to_string();
    let args = [
        server.base.as_str(),
        "py-rp",
        secret.as_str(),
        expected.as_str(),
        "zed@example.com",
    ];
    let script = python::run("ssf_receiver.py", &args, &[], TIMEOUT);
    let (output, ()) = tokio::join!(script, drive(&server));
    let result = node::json_result("ssf_receiver.py", &output);
    let ann = server.user("ann").await;
    let (cc, sr) = ("credential-change", "session-revoked");
    assert_eq!(
        result,
        json!({
            "state": "interop-state",
            "events": [
                ["account-disabled", null, null, null],
                [cc, "app", "create", "factor added"],
                [cc, "app", "delete", "factors reset by the helpdesk"],
                [cc, "password", "update", "password reset"],
                [sr, null, null, "account disabled"],
                [sr, null, null, "factors reset by the helpdesk"],
                [sr, null, null, "password reset"],
            ],
            "typ": ["secevent+jwt"],
            "headers": [["application/secevent+jwt", "Bearer interop-receiver"]],
            "subjects": [ann.id],
            "tampered_refused": true,
        })
    );
}
