//! Revocations and the end of an account: a client revoking a refresh token (RFC 7009) and a user withdrawing an
//! application's access are `session-revoked`; deleting an account is RISC `account-purged`. And the relying
//! parties a user signed in to hear of it by back-channel logout when a credential change ends their sessions —
//! a factor reset taking effect, a password set by an administrator, a password reset, a disabled account.
use super::common::*;
use crate::common::*;
use crate::oidc::common::{REDIRECT, VERIFIER, code_for, redeem};
use crate::recovery::common::{add, as_user, ctx, member, settings, state_of, stored_security_key};
use gatehouse::core::accounts;
use gatehouse::core::audit::Origin;
use gatehouse::core::model::UserStatus;
use gatehouse::core::policy::PolicyChange;
use gatehouse::core::policy::roles;
use gatehouse::core::recovery::ResetState;
use gatehouse::core::recovery::flow::{self, Target};
use gatehouse::core::ssf;
use gatehouse::protocols::oidc::clients::{self, NewClient};
use serde_json::Value;

async fn spa(server: &TestServer, backchannel: Option<String>) {
    clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "spa".into(),
            redirect_uris: vec![REDIRECT.into()],
            public: true,
            trusted: true,
            backchannel_logout_uri: backchannel,
            ..Default::default()
        },
    )
    .await
    .expect("client registered");
}

/// Signs `username` in to the client `spa` in a browser of their own; the tokens.
async fn signed_in(server: &TestServer, username: &str) -> Value {
    let code = code_for(server, &server.browser(), &[], username).await;
    let (status, tokens) = redeem(server, &code, Some(VERIFIER)).await;
    assert_eq!(status, 200, "{tokens}");
    tokens
}

async fn revoke(server: &TestServer, token: &str) {
    let response = reqwest::Client::new()
        .post(server.url("/revoke"))
        .form(&[("token", token), ("client_id", "spa")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn a_revoked_refresh_token_and_a_deleted_account_are_signalled() {
    let db = TestDb::new().await;
    let server = quiet_server(&db).await;
    let sink = HttpSink::start(202, "").await;
    let token = receiver_token(&server, "caep-rp").await;
    create_stream_of(&server, &token, &sink.url, &[ssf::SESSION_REVOKED, ssf::ACCOUNT_PURGED]).await;
    spa(&server, None).await;
    let vera = server.add_user("vera", Some(GOOD_PASSWORD)).await;
    let tokens = signed_in(&server, "vera").await;
    revoke(&server, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(deliver(&server).await, 0, "one access token is not a session");
    revoke(&server, tokens["refresh_token"].as_str().expect("a refresh token")).await;
    let state = server.state();
    accounts::delete(state.store.as_ref(), state.clock.now(), &Origin::cli(), &vera)
        .await
        .unwrap();

    assert_eq!(deliver(&server).await, 2);
    let got = sink.received(2).await;
    let mut events = Vec::new();
    for push in &got {
        let (_, claims) = verify_set(&server, &push.body, "caep-rp").await;
        // The account is gone when the SET is signed; it names the user by the `sub` captured before.
        assert_eq!(claims["sub_id"]["identifiers"][0]["sub"], vera.id.as_str());
        events.push(event_of(&claims));
    }
    assert_eq!(events[0].0, ssf::SESSION_REVOKED);
    assert_eq!(
        events[0].1["reason_admin"]["en"],
        "refresh token revoked by the application"
    );
    assert_eq!(events[1].0, ssf::ACCOUNT_PURGED);
}

/// Kim's factors are reset by the helpdesk: Hugo opens, her manager Mona approves, Hana executes, and the
/// one-minute cooling-off of the `user` role runs out.
async fn factor_reset(server: &TestServer) {
    let change = PolicyChange {
        recovery_delay_minutes: Some(Some(1)),
        ..Default::default()
    };
    let state = server.state();
    roles::set(state.store.as_ref(), state.clock.now(), &Origin::cli(), "user", &change)
        .await
        .unwrap();
    let kim = member(server, "kim").await;
    let request = as_user!(server, "hugo", |c, m| flow::open(&c, Some(&m), &kim, "all", "lost key")).unwrap();
    as_user!(server, "mona", |c, m| flow::decide(
        &c,
        &m,
        Target::Id(&request.id),
        true,
        None
    ))
    .unwrap();
    as_user!(server, "hana", |c, m| flow::execute(
        &c,
        &m,
        &request.id,
        &["employee_id".into()]
    ))
    .unwrap();
    server.clock.advance(chrono::Duration::seconds(61));
    as_user!(server, "hugo", |c, _m| flow::sweep(&c)).unwrap();
    assert_eq!(state_of(server, &request.id).await, ResetState::Done);
}

/// Runs one back-channel sweep now (every instance runs one a minute).
async fn backchannel_sweep(server: &TestServer) -> usize {
    let state = server.state();
    let origin = Origin::default();
    let ctx = gatehouse::protocols::oidc::http::ctx(state, &server.running.oidc, &server.base, &origin);
    gatehouse::protocols::oidc::logout::sweep(&ctx, state.limits)
        .await
        .unwrap()
}

#[tokio::test]
async fn relying_parties_hear_by_back_channel_when_a_credential_change_ends_a_sign_in() {
    let server = TestServer::start().await;
    let sink = HttpSink::start(200, "").await;
    spa(&server, Some(format!("{}/bc", sink.url))).await;
    add(&server, "mona", &["user"], None).await;
    let kim = add(&server, "kim", &["user"], Some("mona")).await;
    add(&server, "hugo", &["helpdesk"], None).await;
    add(&server, "hana", &["helpdesk"], None).await;
    let pat = server.add_user("pat", Some(GOOD_PASSWORD)).await;
    let dee = server.add_user("dee", Some(GOOD_PASSWORD)).await;
    let rob = server.add_user("rob", Some(GOOD_PASSWORD)).await;
    server.add_user("liv", Some(GOOD_PASSWORD)).await;
    for name in ["kim", "pat", "dee", "rob", "liv"] {
        signed_in(&server, name).await;
    }
    assert_eq!(backchannel_sweep(&server).await, 0);

    stored_security_key(&server, &kim.id).await;
    factor_reset(&server).await;
    let state = server.state();
    let (store, now, cli) = (state.store.as_ref(), state.clock.now(), Origin::cli());
    accounts::set_password(
        store,
        &state.passwords,
        now,
        &cli,
        &pat,
        "amber-otter-gallops-home".into(),
    )
    .await
    .unwrap();
    accounts::set_status(store, now, &cli, &dee, UserStatus::Disabled)
        .await
        .unwrap();
    let mails = server.mails(0).await.len();
    let forgot = server.browser();
    forgot
        .submit("/password/forgot", "/password/forgot", &[("identifier", "rob")])
        .await;
    let mail = server.mails(mails + 1).await;
    let link = link_in(
        mail.iter()
            .rev()
            .find(|m| m.contains("/password/reset"))
            .expect("a reset mail"),
    );
    let done = forgot.set_password_via(&link, "copper-lantern-drifts-north").await;
    assert_eq!(done.status, 200, "{}", done.body);

    assert_eq!(backchannel_sweep(&server).await, 4, "Liv's sign-in is untouched");
    let received = sink.received(4).await;
    let mut told = std::collections::BTreeSet::new();
    for push in &received {
        let token = url::form_urlencoded::parse(push.body.as_bytes())
            .find(|(k, _)| k == "logout_token")
            .map(|(_, v)| v.into_owned())
            .expect("a logout token");
        let (typ, claims) = verify_set(&server, &token, "spa").await;
        assert_eq!(typ.as_deref(), Some("logout+jwt"));
        assert!(claims["events"]["http://schemas.openid.net/event/backchannel-logout"].is_object());
        told.insert(claims["sub"].as_str().unwrap().to_string());
    }
    let want: std::collections::BTreeSet<String> = [&kim, &pat, &dee, &rob].iter().map(|u| u.id.clone()).collect();
    assert_eq!(told, want);
    assert_eq!(backchannel_sweep(&server).await, 0, "told once");
}
