//! The OpenID Provider against openid-client (npm, an OpenID-certified relying-party library), run by node
//! (`tests/interop/oidc_client.mjs`): discovery, authorization code with PKCE S256, state and nonce, the RFC 9207
//! `iss` response parameter, the ES256 ID token checked against the JWKS, userinfo, refresh-token rotation, a
//! rotated refresh token presented again revoking its whole family, a replayed code refused, and the tokens of a
//! sign-in dead after the user signs out (refresh, introspection, userinfo).
//! The JavaScript counterpart of `oidc/code_flow.rs`, whose relying party is the `openidconnect` crate. A second script
//! (`tests/interop/oidc_stepup.mjs`) has openid-client ask `acr_values` for multi-factor on a password-only session
//! (the second-factor prompt, then an ID token with the right `acr`/`amr`) and for phishing-resistant with only an
//! authenticator app (`unmet_authentication_requirements`). A third (`tests/interop/oidc_par.mjs`) uses its Pushed
//! Authorization Request support (RFC 9126), a fourth (`tests/interop/oidc_dpop.mjs`) its DPoP support (RFC 9449).
//!
//! `make test` installs openid-client and sets GATEHOUSE_INTEROP=1, under which a missing node or openid-client
//! fails the test; a plain `cargo test` without them says so and skips.
use crate::common::*;
use crate::interop::node;
use gatehouse::core::audit::Origin;
use gatehouse::protocols::oidc::clients::{self, NewClient};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(90);
const REDIRECT: &str = "http://127.0.0.1:9/cb";

#[tokio::test]
async fn openid_client_signs_in_with_the_code_flow_and_refreshes() {
    if !node::available("openid-client test", node::missing(&["openid-client"], vec![])) {
        return;
    }
    let server = TestServer::start().await;
    let nora = server.add_user("nora", Some(GOOD_PASSWORD)).await;
    let (_, secret) = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "node-rp".into(),
            redirect_uris: vec![REDIRECT.into()],
            post_logout_redirect_uris: vec![],
            public: false,
            auth_method: None,
            grants: vec!["authorization_code".into(), "refresh_token".into()],
            trusted: true,
            ..Default::default()
        },
    )
    .await
    .expect("client registered");
    let secret = secret.expect("a confidential client has a secret");

    let started = std::time::Instant::now();
    let output = node::run(
        "oidc_client.mjs",
        &[&server.base, "node-rp", &secret, REDIRECT, "nora", GOOD_PASSWORD],
        TIMEOUT,
    )
    .await;
    eprintln!("openid-client run took {:?}", started.elapsed());
    let result = node::json_result("oidc_client.mjs", &output);
    assert_eq!(
        result,
        serde_json::json!({
            "sub": nora.id,
            "email": "nora@example.com",
            "acr": "urn:gatehouse:acr:password",
            "amr": ["pwd"],
            "userinfo_username": "nora",
            "refresh_rotated": true,
            "refreshed_id_token_sub": nora.id,
            "refreshed_id_token_auth_time_kept": true,
            "refresh_reuse_error": "invalid_grant",
            "family_revoked_error": "invalid_grant",
            "code_reuse_rejected": true,
            "after_logout_refresh_error": "invalid_grant",
            "after_logout_access_token_active": false,
            "after_logout_userinfo_refused": true,
        })
    );
    server.stop().await;
}

#[tokio::test]
async fn openid_client_steps_up_with_acr_values_and_sees_unmet_requirements() {
    if !node::available("openid-client step-up test", node::missing(&["openid-client"], vec![])) {
        return;
    }
    let server = TestServer::start().await;
    server.add_user("otto", Some(GOOD_PASSWORD)).await;
    let (_, secret) = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "node-rp".into(),
            redirect_uris: vec![REDIRECT.into()],
            trusted: true,
            ..Default::default()
        },
    )
    .await
    .expect("client registered");
    let secret = secret.expect("a confidential client has a secret");
    // Signed in with the password only; the authenticator app is added afterwards.
    let browser = server.browser();
    let signed_in = browser.login("otto", GOOD_PASSWORD).await;
    assert_eq!(signed_in.location().as_deref(), Some("/account"));
    let cookie = cookie_value(&signed_in.set_cookies(), "gatehouse_session").expect("a session cookie");
    let totp = server.enrol_totp(&browser).await;
    server.clock.advance(chrono::Duration::minutes(5));
    let now = server.state().clock.now().timestamp();

    let output = node::run(
        "oidc_stepup.mjs",
        &[
            &server.base,
            "node-rp",
            &secret,
            REDIRECT,
            &format!("gatehouse_session={cookie}"),
            &server.totp_code(&totp, 0),
        ],
        TIMEOUT,
    )
    .await;
    let mut result = node::json_result("oidc_stepup.mjs", &output);
    // The server's clock runs on during the script: auth_time is the moment of the step, within the run.
    let auth_time = result["auth_time"].take().as_i64().expect("auth_time");
    let after = server.state().clock.now().timestamp();
    assert!((now..=after).contains(&auth_time), "{now} <= {auth_time} <= {after}");
    assert_eq!(
        result,
        serde_json::json!({
            "discovery_lists_mfa": true,
            "discovery_lists_eap": true,
            "prompt_path": "/login/factor",
            "prompt_asks_code": true,
            "prompt_asks_password": false,
            "acr": "urn:gatehouse:acr:mfa",
            "amr": ["pwd", "otp", "mfa"],
            "auth_time": null,
            "unmet_error": "unmet_authentication_requirements",
        })
    );
    server.stop().await;
}

/// openid-client's own PAR support (`buildAuthorizationUrlWithPAR`, `tests/interop/oidc_par.mjs`) for a client
/// that must push: its plain request refused at the redirect URI, the pushed one signed in to tokens with PKCE,
/// the spent request_uri refused on Gatehouse's page.
#[tokio::test]
async fn openid_client_pushes_its_authorization_request() {
    if !node::available("openid-client PAR test", node::missing(&["openid-client"], vec![])) {
        return;
    }
    let server = TestServer::start().await;
    let nina = server.add_user("nina", Some(GOOD_PASSWORD)).await;
    let (_, secret) = clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "node-par".into(),
            redirect_uris: vec![REDIRECT.into()],
            trusted: true,
            require_par: true,
            ..Default::default()
        },
    )
    .await
    .expect("client registered");
    let secret = secret.expect("a confidential client has a secret");
    let output = node::run(
        "oidc_par.mjs",
        &[&server.base, "node-par", &secret, REDIRECT, "nina", GOOD_PASSWORD],
        TIMEOUT,
    )
    .await;
    assert_eq!(
        node::json_result("oidc_par.mjs", &output),
        serde_json::json!({
            "discovery_endpoint": format!("{}/par", server.base),
            "plain_error": "invalid_request",
            "request_uri_prefix": true,
            "sub": nina.id,
            "reuse_status": 400,
            "reuse_redirected": false,
        })
    );
    server.stop().await;
}

/// openid-client's own DPoP support (`randomDPoPKeyPair`, `getDPoPHandle`, `tests/interop/oidc_dpop.mjs`) for a
/// public client that must use DPoP: PAR with a proof (after `use_dpop_nonce`), the code grant with PKCE giving a
/// bound token (`cnf.jkt` is the script's own thumbprint of its key), userinfo with the proof, the bound token
/// refused as a Bearer token, a refresh with the key, and one with another key refused.
#[tokio::test]
async fn openid_client_binds_its_tokens_to_a_key_with_dpop() {
    if !node::available("openid-client DPoP test", node::missing(&["openid-client"], vec![])) {
        return;
    }
    let server = TestServer::start().await;
    let nils = server.add_user("nils", Some(GOOD_PASSWORD)).await;
    clients::register(
        server.state().store.as_ref(),
        server.state().clock.now(),
        &Origin::cli(),
        NewClient {
            client_id: "node-dpop".into(),
            redirect_uris: vec![REDIRECT.into()],
            public: true,
            trusted: true,
            require_dpop: true,
            ..Default::default()
        },
    )
    .await
    .expect("client registered");
    let output = node::run(
        "oidc_dpop.mjs",
        &[&server.base, "node-dpop", REDIRECT, "nils", GOOD_PASSWORD],
        TIMEOUT,
    )
    .await;
    assert_eq!(
        node::json_result("oidc_dpop.mjs", &output),
        serde_json::json!({
            "algs": ["ES256", "PS256", "RS256", "EdDSA"],
            "token_type": "dpop",
            "cnf_is_key": true,
            "sub": nils.id,
            "userinfo_sub": nils.id,
            "bearer_status": 401,
            "bearer_challenge": "DPoP",
            "refreshed_token_type": "dpop",
            "other_key_error": "invalid_grant",
        })
    );
    server.stop().await;
}
