//! Logout for relying parties: RP-initiated logout (`/end_session`) with `id_token_hint` and exact
//! `post_logout_redirect_uri` matching, a confirmation step when the request cannot prove it speaks for this
//! browser, and back-channel logout tokens POSTed to every relying party the session signed in to.
use crate::common::*;
use crate::oidc::common::{REDIRECT, VERIFIER, code_for, encode, redeem};
use crate::oidc::keys::verify;
use gatehouse::core::audit::Origin;
use gatehouse::protocols::oidc::clients::{self, NewClient};

const BYE: &str = "http://127.0.0.1:9/bye";

async fn spa(server: &TestServer, id: &str, backchannel: Option<String>) {
    clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: id.into(),
            redirect_uris: vec![REDIRECT.into()],
            post_logout_redirect_uris: vec![BYE.into()],
            public: true,
            trusted: true,
            backchannel_logout_uri: backchannel,
            ..Default::default()
        },
    )
    .await
    .expect("client registered");
}

/// Signs `username` in through the code flow in `browser` and returns the ID token.
async fn id_token(server: &TestServer, browser: &Browser, username: &str) -> String {
    let code = code_for(server, browser, &[], username).await;
    let (status, tokens) = redeem(server, &code, Some(VERIFIER)).await;
    assert_eq!(status, 200, "{tokens}");
    tokens["id_token"].as_str().unwrap().to_string()
}

fn logout_token_in(body: &str) -> String {
    url::form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "logout_token")
        .map(|(_, v)| v.into_owned())
        .expect("a logout_token parameter")
}

#[tokio::test]
async fn rp_initiated_logout_with_an_id_token_hint_ends_the_session_and_tells_every_relying_party() {
    let server = TestServer::start().await;
    let kim = server.add_user("kim", Some(GOOD_PASSWORD)).await;
    let sink = HttpSink::start(200, "").await;
    let broken = HttpSink::start(500, "oops").await;
    spa(&server, "spa", Some(format!("{}/backchannel", sink.url))).await;
    spa(&server, "other", Some(format!("{}/backchannel", broken.url))).await;
    let browser = server.browser();
    let id_token = id_token(&server, &browser, "kim").await;
    // The same browser session also signs in to a second relying party (whose endpoint is failing).
    let page = browser
        .get(&format!(
            "/authorize?response_type=code&client_id=other&redirect_uri={}&scope=openid&code_challenge={}&code_challenge_method=S256",
            encode(REDIRECT),
            crate::oidc::common::CHALLENGE
        ))
        .await;
    assert!(page.location().unwrap().starts_with(REDIRECT), "{}", page.body);
    let (_, id_claims) = verify(&server, &id_token, "spa").await;

    let page = browser
        .get(&format!(
            "/end_session?id_token_hint={id_token}&post_logout_redirect_uri={}&state=s-9",
            encode(BYE)
        ))
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location().as_deref(), Some("http://127.0.0.1:9/bye?state=s-9"));
    assert_eq!(server.session_count(&kim).await, 0, "the session ended server-side");
    assert!(browser.get("/account").await.location().unwrap().starts_with("/login"));

    let received = sink.received(1).await;
    assert_eq!(received.len(), 1, "one logout token for the relying party");
    assert_eq!(received[0].method, "POST");
    assert_eq!(received[0].path, "/backchannel");
    let token = logout_token_in(&received[0].body);
    let (header, claims) = verify(&server, &token, "spa").await;
    assert_eq!(header.typ.as_deref(), Some("logout+jwt"));
    assert_eq!(claims["sid"], id_claims["sid"], "the session the relying party knows");
    assert_eq!(claims["sub"], kim.id.as_str());
    assert!(claims["events"]["http://schemas.openid.net/event/backchannel-logout"].is_object());
    assert!(claims.get("nonce").is_none(), "a logout token never carries a nonce");
    assert_eq!(
        broken.received(1).await.len(),
        1,
        "the other relying party was tried too"
    );
    let audit = server.audit_kinds(Some(&kim)).await;
    assert!(audit.contains(&("oidc.backchannel_logout".into(), "success".into())));
    assert!(
        audit.contains(&("oidc.backchannel_logout".into(), "failure".into())),
        "{audit:?}"
    );

    // Told once: a second logout of the same (already ended) session sends nothing more.
    browser.get(&format!("/end_session?id_token_hint={id_token}")).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(sink.received(2).await.len(), 1);
}

#[tokio::test]
async fn logout_without_proof_asks_first_and_never_redirects_to_an_unregistered_address() {
    let server = TestServer::start().await;
    let lea = server.add_user("lea", Some(GOOD_PASSWORD)).await;
    server.add_user("max", Some(GOOD_PASSWORD)).await;
    spa(&server, "spa", None).await;
    let browser = server.browser();
    id_token(&server, &browser, "lea").await;
    let elsewhere = server.browser();
    let max_token = id_token(&server, &elsewhere, "max").await;

    for (what, query) in [
        (
            "unregistered",
            format!(
                "client_id=spa&post_logout_redirect_uri={}",
                encode("http://127.0.0.1:9/evil")
            ),
        ),
        (
            "near miss",
            format!(
                "client_id=spa&post_logout_redirect_uri={}",
                encode("http://127.0.0.1:9/bye/")
            ),
        ),
        ("no client named", format!("post_logout_redirect_uri={}", encode(BYE))),
        (
            "unknown client",
            format!("client_id=nobody&post_logout_redirect_uri={}", encode(BYE)),
        ),
        (
            "forged hint",
            "id_token_hint=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.".to_string(),
        ),
        (
            "hint of another client",
            format!("id_token_hint={max_token}&client_id=other"),
        ),
    ] {
        let page = browser.get(&format!("/end_session?{query}")).await;
        assert_eq!(page.status, 400, "{what}: {}", page.body);
        assert!(page.location().is_none(), "{what}: never a redirect");
        assert_eq!(server.session_count(&lea).await, 1, "{what}: still signed in");
    }

    // Another user's ID token does not prove anything about this browser: the user is asked.
    let page = browser
        .get(&format!(
            "/end_session?id_token_hint={max_token}&post_logout_redirect_uri={}",
            encode(BYE)
        ))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Sign out?"), "{}", page.body);
    assert_eq!(server.session_count(&lea).await, 1);
    let stay = browser
        .post("/end_session/confirm", &[("csrf", &page.csrf()), ("decision", "stay")])
        .await;
    assert_eq!(stay.location().as_deref(), Some("/account"));
    assert_eq!(server.session_count(&lea).await, 1);
    let forged = browser
        .post("/end_session/confirm", &[("csrf", "forged"), ("decision", "sign_out")])
        .await;
    assert_eq!(forged.status, 403, "CSRF-checked");
    assert_eq!(server.session_count(&lea).await, 1);

    let page = browser.get("/end_session").await;
    let done = browser
        .post(
            "/end_session/confirm",
            &[
                ("csrf", &page.csrf()),
                ("decision", "sign_out"),
                ("client_id", "spa"),
                ("post_logout_redirect_uri", BYE),
                ("state", "x"),
            ],
        )
        .await;
    assert_eq!(done.location().as_deref(), Some("http://127.0.0.1:9/bye?state=x"));
    assert_eq!(server.session_count(&lea).await, 0);
    let page = browser.get("/end_session").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("You are signed out"),
        "already signed out: {}",
        page.body
    );
}

#[tokio::test]
async fn signing_out_on_gatehouse_tells_the_relying_parties() {
    let server = TestServer::start().await;
    server.add_user("nils", Some(GOOD_PASSWORD)).await;
    let sink = HttpSink::start(204, "").await;
    spa(&server, "spa", Some(format!("{}/bc", sink.url))).await;
    let browser = server.browser();
    let id_token = id_token(&server, &browser, "nils").await;
    let account = browser.get("/account").await;
    let out = browser.post("/logout", &[("csrf", &account.csrf())]).await;
    assert_eq!(out.location().as_deref(), Some("/login"));
    let received = sink.received(1).await;
    assert_eq!(received.len(), 1);
    let (_, claims) = verify(&server, &logout_token_in(&received[0].body), "spa").await;
    let (_, id_claims) = verify(&server, &id_token, "spa").await;
    assert_eq!(claims["sid"], id_claims["sid"]);
}

/// Runs one back-channel sweep now (the server runs one every minute).
async fn sweep(server: &TestServer) -> usize {
    let state = server.state();
    let issuer = server.base.trim_end_matches('/').to_string();
    let origin = Origin::default();
    let ctx = gatehouse::protocols::oidc::http::ctx(state, &server.running.oidc, &issuer, &origin);
    gatehouse::protocols::oidc::logout::sweep(&ctx, state.limits)
        .await
        .unwrap()
}

#[tokio::test]
async fn sessions_that_end_without_a_logout_are_swept_to_the_relying_parties() {
    let server = TestServer::start().await;
    let olga = server.add_user("olga", Some(GOOD_PASSWORD)).await;
    server.add_user("pia", Some(GOOD_PASSWORD)).await;
    let sink = HttpSink::start(200, "").await;
    spa(&server, "spa", Some(format!("{}/bc", sink.url))).await;
    let olga_token = id_token(&server, &server.browser(), "olga").await;
    let pia_browser = server.browser();
    id_token(&server, &pia_browser, "pia").await;
    assert_eq!(sweep(&server).await, 0, "live sessions are left alone");

    // Olga's sessions end the way a password reset or disabling ends them: deleted, without a logout request.
    server
        .state()
        .store
        .end_sign_ins_of_user(&olga.id, gatehouse::core::clock::Clock::now(server.clock.as_ref()))
        .await
        .unwrap();
    assert_eq!(sweep(&server).await, 1);
    let received = sink.received(1).await;
    assert_eq!(received.len(), 1);
    let (_, claims) = verify(&server, &logout_token_in(&received[0].body), "spa").await;
    let (_, id_claims) = verify(&server, &olga_token, "spa").await;
    assert_eq!((&claims["sid"], &claims["sub"]), (&id_claims["sid"], &id_claims["sub"]));
    assert_eq!(sweep(&server).await, 0, "told once");

    // Pia's session lapses (idle timeout): swept too, once the clock says so.
    server
        .clock
        .advance(server.state().limits.idle + chrono::Duration::seconds(1));
    assert_eq!(sweep(&server).await, 1);
    assert_eq!(sink.received(2).await.len(), 2);
}
